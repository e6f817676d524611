/**
 * A registry backed by an agency's existing system over HTTP: the business register served by a local
 * HTTP server (local/agency-system.ts), read by the business adapter through its HTTP source, inside
 * the real local engine. A slow or failing upstream is retried (attempts with backoff within a
 * delivery, then deliveries of the queue) and every lookup ends in exactly one reply: OK once the
 * upstream answers, ERROR/REGISTRY_UNAVAILABLE when it never does. Nothing lands in a DLQ.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { enterpriseCheckDigit } from '../../contracts/identifiers.ts';
import { AuditLog, auditIdOf } from '../../functions/platform/audit.ts';
import { documentClient, sqsClient } from '../../functions/platform/clients.ts';
import { names } from '../../functions/platform/names.ts';
import type { EnterpriseProfile } from '../../functions/registries/business/record.ts';
import { generateWorld, worldExamples } from '../../functions/registries/world.ts';
import { startBusinessSystem, type AgencySystem } from '../../local/agency-system.ts';
import { DEMO_SEED } from '../../local/demo.ts';
import { asker } from './ask.ts';
import { fastConfig, startHarness, type Harness } from './support.ts';

const COUNT = 1000;
const ex = worldExamples({ seed: DEMO_SEED, count: COUNT });
const operating: EnterpriseProfile[] = [];
const first9 = '980000001';
const absentCode = `${first9}${enterpriseCheckDigit(first9)}`;
for (const e of generateWorld({ seed: DEMO_SEED, count: COUNT })) {
  if (e.kind === 'enterprise' && e.record.type !== 'BRANCH' && e.record.status === 'OPERATING') operating.push(e.record);
}
// Per-attempt timeout and attempts: 3 × 150 ms plus backoff fits the 1 s function timeout of the fast config.
const SOURCE = { timeoutMs: 150, attempts: 3 };

let system: AgencySystem;
let h: Harness;
const { ask, stop: stopAsking } = asker();
const agency = 'hanoi-land-office';
type Reply = Awaited<ReturnType<typeof ask>>;
const profile = (enterpriseCode: string) => ask(agency, { contract: 'business.enterprise-profile', purpose: 'LAND_REGISTRATION', subject: { enterpriseCode } });

beforeAll(async () => {
  system = await startBusinessSystem({ seed: DEMO_SEED, count: COUNT });
  const base = fastConfig();
  const config = defineConfig({
    ...base,
    registries: base.registries.map((r) => (r.id === 'business' ? { ...r, source: { kind: 'http' as const, url: system.url, ...SOURCE } } : r)),
  });
  h = await startHarness({ count: COUNT, config });
});

afterAll(async () => {
  await stopAsking();
  await h?.stop();
  await system?.close();
});

describe('business registration read from the portal’s own system over HTTP', () => {
  it('the adapter is configured with the agency system, not its table', () => {
    const adapter = h.engine.resources.functions.find((f) => f.environment.NDX_REGISTRY_ID === 'business')!;
    expect(adapter.environment).toMatchObject({ NDX_REGISTRY_SOURCE_URL: system.url, NDX_REGISTRY_SOURCE_TIMEOUT_MS: '150', NDX_REGISTRY_SOURCE_ATTEMPTS: '3' });
  });

  it('answers OK, NOT_FOUND and INVALID as a table-backed registry does, and pages lists through the upstream cursor', async () => {
    const before = system.requests;
    const [ok, absent, malformed] = await Promise.all([
      profile(ex.employee.employerCode),
      profile(absentCode),
      profile('12345'),
    ]);
    expect(ok).toMatchObject({ status: 'OK', data: { enterpriseCode: ex.employee.employerCode }, provenance: { registry: 'business' } });
    expect(absent).toMatchObject({ status: 'NOT_FOUND', code: 'SUBJECT_NOT_FOUND' });
    expect(malformed).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
    expect(system.requests - before).toBe(2); // the malformed key never left the router

    const codes: string[] = [];
    let token: string | undefined;
    do {
      const page = await ask('danang-tax-office', {
        contract: 'business.enterprises-by-representative',
        purpose: 'TAX_ENFORCEMENT',
        subject: { nationalId: ex.representative.nationalId },
        page: { size: 1, ...(token ? { token } : {}) },
      });
      expect(page).toMatchObject({ status: 'OK' });
      codes.push(...(page.data!.items as Array<{ enterpriseCode: string }>).map((i) => i.enterpriseCode));
      token = page.data!.nextPageToken as string | undefined;
    } while (token);
    expect(codes).toHaveLength(ex.representative.enterprises);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('rides out a slow upstream (timeouts, retried within the delivery), a failing one (retried across deliveries), and answers REGISTRY_UNAVAILABLE for one that never answers; one reply each, nothing in a DLQ', async () => {
    const [slow, flaky, down, hung] = operating.slice(1, 5).map((e) => e.enterpriseCode) as [string, string, string, string];
    // Slow: the first two attempts time out, the third answers.
    system.delay(SOURCE.timeoutMs * 3, { times: 2, match: slow });
    // Failing: more 503s than one delivery's attempts, so the queue delivers the lookup again.
    system.fail(503, { times: SOURCE.attempts + 1, match: flaky });
    // Down for good, and hanging for good.
    system.fail(503, { match: down });
    system.delay(5_000, { match: hung });
    const started = Date.now();
    const [a, b, c, d] = (await Promise.all([slow, flaky, down, hung].map((code) => profile(code)))) as [Reply, Reply, Reply, Reply];
    expect(a).toMatchObject({ status: 'OK', data: { enterpriseCode: slow } });
    expect(b).toMatchObject({ status: 'OK', data: { enterpriseCode: flaky } });
    expect(c).toMatchObject({ status: 'ERROR', code: 'REGISTRY_UNAVAILABLE' });
    expect(d).toMatchObject({ status: 'ERROR', code: 'REGISTRY_UNAVAILABLE' });
    expect(c.data).toBeUndefined();
    // The flaky and dead lookups waited for a second delivery (visibility timeout 6 s).
    expect(Date.now() - started).toBeGreaterThan(5_000);
    system.heal();

    // One audit record per lookup; no stray second reply; nothing dead-lettered.
    for (const reply of [a, b, c, d]) {
      expect(await new AuditLog(documentClient(), names.auditTable).find(auditIdOf(agency, reply.requestId, ''))).toBeDefined();
    }
    const dlq = h.engine.queueUrl(names.deadLetterQueue(names.registryInQueue('business')));
    const inbox = h.engine.queueUrl(names.agencyInQueue(agency));
    for (const url of [dlq, inbox]) {
      const attrs = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      expect(Number(attrs.Attributes!.ApproximateNumberOfMessages) + Number(attrs.Attributes!.ApproximateNumberOfMessagesNotVisible), url).toBe(0);
    }

    // Healed, the same enterprise answers at once.
    expect(await profile(down)).toMatchObject({ status: 'OK' });
  });
});
