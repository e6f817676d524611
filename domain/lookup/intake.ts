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

/** The router's step run at most once per key (aws/idempotency.ts): `replayed` when its outcome was read back. */
export interface OnceStep {
  run(input: KeyedRouteInput): Promise<StageOutcome & { replayed?: true }>;
  /** Whether an error says the key was used by a different request (its digest differs). */
  isReused(error: unknown): boolean;
}

/** Routes a request once; a request met before gets the resend protocol. The outcome, or undefined for a reused id. */
export async function takeIn(router: LookupRouter, once: OnceStep, input: KeyedRouteInput): Promise<(StageOutcome & { replayed?: true }) | undefined> {
  let ran: StageOutcome & { replayed?: true };
  try {
    ran = await once.run(input);
  } catch (error) {
    if (!once.isReused(error)) throw error;
    await router.reused(input);
    return undefined;
  }
  if (ran.replayed) await router.resent(input, ran);
  return ran;
}
