/**
 * Counting the AWS operations ndx makes, by stage: every SDK command is attributed to the local
 * function invocation it runs in (router, adapter-<registry>) or to `client` outside any. Used by the
 * benchmark and by the budget tests that keep the work per lookup from growing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The function invocation the current async context belongs to (set by the local event source mappings). */
export const invocation = new AsyncLocalStorage<{ functionName: string }>();

export type OperationCounts = Map<string, number>;

/** The part of an SDK client's middleware stack metering uses (typed loosely: clients differ in input types). */
interface MeterableStack {
  add: (
    middleware: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override?: boolean },
  ) => void;
}

/** Counts every command sent through `client` into `counts`, keyed `<stage> <Client>.<Command>`. */
export function meter(client: { middlewareStack: object }, counts: OperationCounts): void {
  (client.middlewareStack as MeterableStack).add(
    (next, context) => async (args) => {
      const stage = invocation.getStore()?.functionName ?? 'client';
      const key = `${stage} ${(context.clientName ?? 'Client').replace(/Client$/, '')}.${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'ndxMeter', override: true },
  );
}
