/**
 * Webhooks: replies pushed to an agency's system, signed the Standard Webhooks way (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 with the agency's secret). Delivery is at least
 * once: one reply always has the same `webhook-id`, so a receiver that keeps the ids it has handled sees
 * each reply once. A failed attempt is retried with exponential backoff; after the queue's
 * maxReceiveCount the reply goes to the in-queue's dead-letter queue, where operators see it.
 */
import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { LookupReply } from '../../contracts/protocol.ts';

/** The agency's signing secret (`whsec_…`), derived from the platform's key: nothing to store or rotate by hand. */
export function webhookSecret(platformKey: string, agency: string): string {
  return `whsec_${createHmac('sha256', platformKey).update('ndx.webhook-secret.v1\n').update(agency).digest('base64')}`;
}

/** The same id for every delivery of one reply: the agency, the request and the reply's audit record or digest. */
export function webhookId(consumer: string, reply: LookupReply): string {
  const anchor = reply.provenance?.auditId ?? reply.original?.auditId ?? reply.receivedMessageId ?? '';
  return `msg_${createHash('sha256')
    .update(`${consumer}\n${reply.requestId ?? ''}\n${reply.code}\n${anchor}`)
    .digest('base64url')
    .slice(0, 32)}`;
}

/** Seconds before the next attempt after `attempt` failed attempts: 2, 4, 8 … at most 15 minutes. */
export function webhookBackoffSeconds(attempt: number): number {
  return Math.min(2 ** Math.max(1, attempt), 900);
}

export type WebhookOutcome = { ok: true; status: number } | { ok: false; status?: number; error?: string };

/** Posts one signed reply; anything but a 2xx within the timeout is a failed attempt. */
export async function postWebhook(
  post: (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>,
  target: { url: string; secret: string },
  consumer: string,
  reply: LookupReply,
  options: { now: Date; timeoutMs: number },
): Promise<WebhookOutcome> {
  const body = JSON.stringify(reply);
  const id = webhookId(consumer, reply);
  const signature = new Webhook(target.secret).sign(id, options.now, body);
  try {
    const res = await post(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(options.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, status: res.status };
  } catch (error) {
    return { ok: false, error: (error as Error).name };
  }
}
