/** Webhook rules at their boundaries: the backoff, one id per reply, a secret per agency, the signature. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { LookupReply } from '../../contracts/protocol.ts';
import { postWebhook, webhookBackoffSeconds, webhookId, webhookSecret } from '../../domain/lookup/webhook.ts';

const reply: LookupReply = {
  requestId: '0b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11',
  status: 'OK',
  code: 'OK',
  message: 'found',
  provenance: { registry: 'population', asOf: '2026-01-01T00:00:00.000Z', auditId: 'a/1', digest: 'd' },
  repliedAt: '2026-11-01T00:00:00.000Z',
};

describe('webhooks', () => {
  it('back off 2, 4, 8 … seconds, at most 15 minutes', () => {
    expect([0, 1, 2, 3].map(webhookBackoffSeconds)).toEqual([2, 2, 4, 8]);
    expect(webhookBackoffSeconds(9)).toBe(512);
    expect(webhookBackoffSeconds(10)).toBe(900);
    expect(webhookBackoffSeconds(50)).toBe(900);
  });

  it('give one reply one id, whatever its repliedAt, and another agency or request another', () => {
    expect(webhookId('a', reply)).toBe(webhookId('a', { ...reply, repliedAt: '2026-11-02T00:00:00.000Z' }));
    expect(webhookId('b', reply)).not.toBe(webhookId('a', reply));
    expect(webhookId('a', { ...reply, requestId: '1b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11' })).not.toBe(webhookId('a', reply));
  });

  it('sign with a secret per agency that the agency verifies with; a 2xx is a delivery, anything else is not', async () => {
    expect(webhookSecret('k', 'a')).not.toBe(webhookSecret('k', 'b'));
    const secret = webhookSecret('k', 'a');
    let captured: { headers: Record<string, string>; body: string } | undefined;
    const ok = await postWebhook(
      async (_url, init) => {
        captured = init;
        return { status: 204 };
      },
      { url: 'https://agency.example/ndx', secret },
      'a',
      reply,
      { now: new Date(), timeoutMs: 1000 },
    );
    expect(ok).toEqual({ ok: true, status: 204 });
    expect(captured && new Webhook(secret).verify(captured.body, captured.headers)).toEqual(reply);
    expect(() => captured && new Webhook(webhookSecret('k', 'b')).verify(captured.body, captured.headers)).toThrow();
    expect(await postWebhook(async () => ({ status: 300 }), { url: 'u', secret }, 'a', reply, { now: new Date(), timeoutMs: 1000 })).toEqual({
      ok: false,
      status: 300,
    });
    expect(
      await postWebhook(async () => Promise.reject(new TypeError('down')), { url: 'u', secret }, 'a', reply, { now: new Date(), timeoutMs: 1000 }),
    ).toEqual({ ok: false, error: 'TypeError' });
  });
});
