/**
 * The resend protocol, as pure functions. The router is idempotent on (agency, requestId) and keeps,
 * for 15 days, only what it decided: codes, ids and digests, never a subject, a name or a record value
 * (the exchange keeps no personal data at rest); an adapter knows a lookup by its audit marker and
 * record (answer.ts). So a stage meeting a request it has seen before can:
 *
 * - do nothing, when it is the same SQS message delivered again to the router and the router answered
 *   it (its one reply was sent);
 * - carry it through, when the router forwarded the lookup, whether a resend or the same message again
 *   (the forward is recorded before it is sent, so it may never have left; it is sent again, rebuilt
 *   from the request and the stored decision); the adapter then sends a lookup the registry
 *   answered its first reply again, when a fresh read rebuilds that very reply (its digest checked
 *   against the one sealed in the lookup's audit record: nothing is released that the record does not
 *   name), and otherwise points at it;
 * - answer ALREADY_ANSWERED, pointing at the first reply (its status, code, auditId, repliedAt and the
 *   digest of the reply as sent), when the lookup was answered and its reply is not sent again: ndx
 *   keeps no copy of what it released;
 * - answer REQUEST_ID_REUSED when the body differs (its keyed digest does not match the first one).
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { ReplyPointer, type LookupReply } from '../../contracts/protocol.ts';
import { canonicalJson, digestOf } from '../../contracts/canonical.ts';
import { ForwardTerms } from './forwarded.ts';

/** What a stage's idempotency record keeps of its outcome. */
export const StageOutcome = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('answered'),
    /** The SQS message (of the agency's request) this outcome answered. */
    messageId: z.string(),
    reply: ReplyPointer,
    contract: z.string().optional(),
    version: z.string().optional(),
    purpose: z.string().optional(),
  }),
  z.strictObject({
    outcome: z.literal('forwarded'),
    messageId: z.string(),
    registry: z.string(),
    forward: ForwardTerms,
  }),
]);
export type StageOutcome = z.infer<typeof StageOutcome>;

export function pointerTo(reply: LookupReply, auditId: string): ReplyPointer {
  return { status: reply.status, code: reply.code, auditId, repliedAt: reply.repliedAt, digest: digestOf(reply) };
}

/**
 * The keyed digest of a request: HMAC-SHA256 over its canonical JSON (as parsed, so key order and
 * whitespace do not matter), or over the raw body when it is not a LookupRequest. Keyed, because a
 * plain hash of a request with a 12-digit national ID could be reversed by trying every ID.
 */
export function requestDigest(key: string, request: unknown, rawBody: string): string {
  const text = request === undefined ? `raw\n${rawBody}` : `request\n${canonicalJson(request)}`;
  return createHmac('sha256', key).update('ndx.request-digest.v1\n').update(text).digest('hex');
}

/**
 * How long each stage remembers a request (its idempotency record): longer than any queue's retention
 * (4 days) and a DLQ's (14 days, counted from the first enqueue), so a message redriven at the last
 * moment is still recognised. Within it a requestId names one lookup; after it, only the audit trail
 * still knows the id.
 */
export const REQUEST_ID_WINDOW_SECONDS = 15 * 24 * 3600;

/**
 * A lookup met again whose audit record is older than the window: no redelivery, redrive or resend can
 * be that old, so its requestId was used again for a new lookup. It must not be answered under the first
 * lookup's audit record (that would release data with no record of its own): it is REQUEST_ID_REUSED.
 */
export function reusedAfterWindow(recordedAt: string | undefined, now: Date): boolean {
  if (recordedAt === undefined) return false;
  const at = Date.parse(recordedAt);
  return Number.isFinite(at) && now.getTime() - at > REQUEST_ID_WINDOW_SECONDS * 1000;
}

export type ResendAction =
  | { kind: 'none' }
  | { kind: 'point'; outcome: Extract<StageOutcome, { outcome: 'answered' }> }
  | { kind: 'reforward'; outcome: Extract<StageOutcome, { outcome: 'forwarded' }> };

/**
 * What to do when a stage meets a request it has already handled, arriving as message `messageId`. A
 * forward is recorded before it is sent (route.ts), so the same message met again may be one whose forward
 * never left: it is sent again too (the adapter answers a lookup once, and sends its reply again at most).
 */
export function resendAction(stored: StageOutcome, messageId: string): ResendAction {
  if (stored.outcome === 'forwarded') return { kind: 'reforward', outcome: stored };
  return stored.messageId === messageId ? { kind: 'none' } : { kind: 'point', outcome: stored };
}
