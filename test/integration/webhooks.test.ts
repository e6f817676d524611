/**
 * Webhooks against the engine: an agency with a webhook gets its replies posted to its system, signed
 * (verified here with the standardwebhooks package), retried after a failure with the same webhook-id,
 * and dead-lettered after maxReceiveCount failed attempts.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { sqsClient } from '../../aws/clients.ts';
import { LOCAL_PEPPER } from '../../config/local.ts';
import { names } from '../../config/names.ts';
import { defineConfig } from '../../config/schema.ts';
import { WebhookAccepted } from '../../contracts/http-api.ts';
import { LookupReply } from '../../contracts/protocol.ts';
import { webhookSecret } from '../../domain/lookup/webhook.ts';
import { TOKEN_PATH } from '../../local/issuer.ts';
import { fastConfig, type Harness, startHarness } from './support.ts';

const AGENCY = 'hanoi-land-office';
let h: Harness;
let server: http.Server;
/** Every delivery the receiver saw: webhook-id, whether its signature verified, the status answered, the reply. */
const seen: Array<{ id: string; verified: boolean; status: number; reply: LookupReply }> = [];
/** Request ids whose deliveries always fail (to reach the DLQ). */
const alwaysFail = new Set<string>();
const verifier = new Webhook(webhookSecret(LOCAL_PEPPER, AGENCY));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      let verified = true;
      try {
        verifier.verify(body, headers);
      } catch {
        verified = false;
      }
      const reply = LookupReply.parse(JSON.parse(body));
      // The first attempt of every reply fails; later ones succeed, except for the always-failing ones.
      const earlier = seen.filter((s) => s.id === headers['webhook-id']).length;
      const status = !verified || alwaysFail.has(reply.requestId ?? '') || earlier === 0 ? 500 : 204;
      seen.push({ id: headers['webhook-id'], verified, status, reply });
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ndx`;
  const base = fastConfig();
  const config = defineConfig({ ...base, agencies: base.agencies.map((a) => (a.id === AGENCY ? { ...a, api: { clientIds: [], webhook: { url } } } : a)) });
  h = await startHarness({ count: 100, config });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  server?.close();
});

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const request = (nationalId: string) => ({
  requestId: randomUUID(),
  contract: 'population.identity-verification',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId },
});

describe('webhooks', () => {
  it('posts a reply signed, retries it after a failure with the same webhook-id, and stops once delivered', async () => {
    const r = request(h.demo.living.nationalId);
    await new AgencyClient(sqsClient(), AGENCY).send(r);
    const deliveries = await until('a successful delivery', () => {
      const mine = seen.filter((s) => s.reply.requestId === r.requestId);
      return mine.some((s) => s.status === 204) ? mine : undefined;
    });
    expect(deliveries.map((d) => d.status)).toEqual([500, 204]);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(1);
    expect(deliveries[1]?.reply).toMatchObject({ requestId: r.requestId, status: 'OK', code: 'OK' });
  });

  it('takes Prefer: respond-async over HTTP and pushes the reply', async () => {
    const client = h.engine.api.issuer.clients.find((c) => c.agency === AGENCY);
    if (!client) throw new Error('no local client');
    const token = (await (
      await fetch(`${h.engine.endpoint.url}${TOKEN_PATH}`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
      })
    ).json()) as { access_token: string };
    const r = request(h.demo.living.nationalId);
    const res = await fetch(`${h.engine.api.url}/lookups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify(r),
    });
    expect(res.status).toBe(202);
    const me = await (await fetch(`${h.engine.api.url}/me`, { headers: { authorization: `Bearer ${token.access_token}` } })).json();
    expect(me).toMatchObject({ agency: AGENCY, webhook: { secret: webhookSecret(LOCAL_PEPPER, AGENCY) } });
    expect(WebhookAccepted.parse(await res.json())).toEqual({ requestId: r.requestId, delivery: 'webhook' });
    const delivered = await until('the pushed reply', () => seen.find((s) => s.reply.requestId === r.requestId && s.status === 204));
    expect(delivered.reply).toMatchObject({ status: 'OK', code: 'OK' });
  });

  it('dead-letters a reply whose every attempt fails, after maxReceiveCount attempts', async () => {
    const r = request(h.demo.living.nationalId);
    alwaysFail.add(r.requestId);
    await new AgencyClient(sqsClient(), AGENCY).send(r);
    const dlq = h.engine.queueUrl(names.deadLetterQueue(names.agencyInQueue(AGENCY)));
    const deadline = Date.now() + 40_000;
    let body: string | undefined;
    while (!body && Date.now() < deadline) {
      const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
      body = out.Messages?.find((m) => m.Body?.includes(r.requestId))?.Body;
    }
    expect(body && LookupReply.parse(JSON.parse(body))).toMatchObject({ requestId: r.requestId });
    const attempts = seen.filter((s) => s.reply.requestId === r.requestId);
    expect(attempts.length).toBe(fastConfig().queues.maxReceiveCount);
    expect(attempts.every((a) => a.status === 500 && a.verified)).toBe(true);
  });
});
