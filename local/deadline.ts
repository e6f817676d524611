/**
 * Lambda ends an invocation at its timeout: nothing the handler would have done after it happens. The
 * local engine runs handlers in its own process and cannot stop a promise, so it does what matters: an
 * invocation's AWS calls made after its deadline fail. Without this, a handler slowed past its timeout
 * on a loaded machine kept going after Powertools' in-progress window (which ends at the deadline) had
 * let another delivery of its message take over, and both answered: two replies to one lookup.
 */
import { invocation } from './metering.ts';

/** An AWS call an invocation made after its deadline (on Lambda, the invocation would have been ended). */
export class InvocationTimedOutError extends Error {
  override readonly name = 'InvocationTimedOutError';
}

/** The part of an SDK client's middleware stack this uses (typed loosely: clients differ in input types). */
interface Stack {
  add: (
    middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override?: boolean },
  ) => void;
}

/** Makes `client` refuse calls of an invocation past its deadline (`invocation`'s store; calls outside one pass). */
export function endCallsAtDeadline(client: { middlewareStack: object }): void {
  (client.middlewareStack as Stack).add(
    (next) => async (args) => {
      const current = invocation.getStore();
      if (current?.deadline !== undefined && Date.now() > current.deadline) {
        throw new InvocationTimedOutError(
          `${current.functionName} ran past its timeout: the local engine ends its AWS calls there, as Lambda ends the invocation`,
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'ndxInvocationDeadline', override: true },
  );
}
