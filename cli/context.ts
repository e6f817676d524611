/**
 * What every platform command shares: reaching the platform (cli/aws.ts), who is acting, printing,
 * and turning every expected failure into a sentence and an exit code (cli/errors.ts).
 */
import type { Command } from 'commander';
import { actorOf, type Actor } from '../domain/actor.ts';
import { useTarget, type Target } from './aws.ts';
import { report, UsageError } from './errors.ts';
import type { GlobalOptions } from './program.ts';

/** Where the operator's identity is configured when --by is not given. */
export const OPERATOR_ENV = 'NDX_OPERATOR';

export interface CommandContext {
  json: boolean;
  target: Target;
  /** Prints a value: as JSON with --json, else the readable text. */
  print: (value: unknown, readable: () => string) => void;
  /** Who is acting, for the records: --by, else NDX_OPERATOR; neither is a usage error. */
  actor: (by?: string) => Actor;
}

/** The identity a change is recorded with: `--by`, else NDX_OPERATOR; never guessed. */
export function actorFrom(by: string | undefined, env: NodeJS.ProcessEnv = process.env): Actor {
  const named = by ?? env[OPERATOR_ENV];
  if (named === undefined || named.trim() === '') {
    throw new UsageError(
      `say who you are: --by <you> (e.g. --by steward@population.mps.gov.vn), or set ${OPERATOR_ENV} once for your shell; every change records who made it`,
    );
  }
  return actorOf(named);
}

export function platformAction<A extends unknown[]>(run: (ctx: CommandContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const json = Boolean(globals.json);
    let target: Target | undefined;
    try {
      target = await useTarget(globals);
      const ctx: CommandContext = {
        json,
        target,
        print: (value, readable) => console.log(json ? JSON.stringify(value, null, 2) : readable()),
        actor: (by) => actorFrom(by),
      };
      await run(ctx, ...args);
    } catch (error) {
      process.exitCode = report(error, json, target);
    }
  };
}
