/**
 * What every platform command shares: reaching the platform (local engine, an endpoint, or AWS) and
 * turning the errors people meet into sentences that say what to do, with a meaningful exit code.
 */
import type { Command } from 'commander';
import { LifecycleError } from '../contracts/lifecycle.ts';
import { explainAwsError, useTarget, type Target } from './aws.ts';
import { EXIT } from './exit-codes.ts';
import type { GlobalOptions } from './program.ts';

/** Thrown by a command when the platform refuses what was asked (exit code 8). */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.details = details;
  }
}

export interface CommandContext {
  json: boolean;
  target: Target;
  /** Prints a value: as JSON with --json, else the readable text. */
  print: (value: unknown, readable: () => string) => void;
  /** Who is acting, for the records: --by, else NDX_USER, else the OS user. */
  actor: (by?: string) => string;
}

export function platformAction<A extends unknown[]>(run: (ctx: CommandContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const target = useTarget(globals);
    const json = Boolean(globals.json);
    const ctx: CommandContext = {
      json,
      target,
      print: (value, readable) => console.log(json ? JSON.stringify(value, null, 2) : readable()),
      actor: (by) => by ?? process.env.NDX_USER ?? process.env.USER ?? 'unknown',
    };
    try {
      await run(ctx, ...args);
    } catch (error) {
      if (error instanceof RefusedError || error instanceof LifecycleError) {
        if (json) console.log(JSON.stringify({ refused: error.message, ...(error instanceof RefusedError && error.details ? { details: error.details } : {}) }, null, 2));
        console.error(`ndx: refused: ${error.message}`);
        process.exitCode = EXIT.REFUSED;
        return;
      }
      if ((error as Error).name === 'UsageError') throw error;
      console.error(`ndx: ${explainAwsError(error, target)}`);
      process.exitCode = EXIT.FAILURE;
    }
  };
}
