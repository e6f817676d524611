/**
 * Taking a request in at the router, whatever the front door (an agency's out-queue, the HTTP API):
 * the idempotency key of the router's step, then the step run once per (agency, requestId), and the
 * resend protocol for a request met before. One place, so a requestId sent over SQS and resent over
 * HTTP (or the reverse) is one lookup.
 */
import type { StageOutcome } from './resend.ts';
import type { LookupRouter, RouteInput } from './route.ts';

/** The router step's idempotency key: per agency and requestId; an unreadable request by its message id. */
export function routeKey(consumer: string, requestId: string | null, messageId: string): string {
  return requestId ? `${consumer}:${requestId}` : `${consumer}:message:${messageId}`;
}

export type KeyedRouteInput = RouteInput & { key: string; digest: string };

/** An outcome, and whether it was read back from the store (the request was handled before). */
export type Ran = StageOutcome & { replayed?: true };

/**
 * The router's records, one per key (aws/idempotency.ts): an answer is made in a step run at most once
 * (in progress, then completed); a forward is recorded in one write before it is sent, since sending it
 * again is safe (the adapter answers a lookup once). Either way a record met before comes back `replayed`.
 */
export interface OnceStep {
  run(input: KeyedRouteInput, step: () => Promise<StageOutcome>): Promise<Ran>;
  /** Stores an outcome before its effect: undefined when stored, the record met (replayed) when the key was taken. */
  record(input: KeyedRouteInput, outcome: StageOutcome): Promise<Ran | undefined>;
  /** Whether an error says the key was used by a different request (its digest differs). */
  isReused(error: unknown): boolean;
  /** Whether an error says another attempt is making this key's answer now. */
  isInProgress(error: unknown): boolean;
}

/** Routes a request once; a request met before gets the resend protocol. The outcome, or undefined for a reused id. */
export async function takeIn(router: LookupRouter, once: OnceStep, input: KeyedRouteInput): Promise<Ran | undefined> {
  let ran: Ran;
  try {
    ran = await router.route(input, once);
  } catch (error) {
    if (!once.isReused(error)) throw error;
    await router.reused(input);
    return undefined;
  }
  if (ran.replayed) await router.resent(input, ran);
  return ran;
}
