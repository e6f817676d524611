/** The `ndx` command: global options, subcommands, and errors that say what to do. */
import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.ts';
import { registerAudit } from './audit.ts';
import { registerConsent } from './consent.ts';
import { registerContract } from './contract.ts';
import { registerLookup } from './lookup.ts';
import { registerSeed } from './seed.ts';
import { registerOps } from './ops.ts';

export interface GlobalOptions {
  json?: boolean;
  endpoint?: string;
  aws?: boolean;
}

/** A mistake in how the command was called: exit code 2 and a hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function buildProgram(): Command {
  const program = new Command('ndx')
    .description('ndx, the national data exchange: look up registries under contracts, with consent and audit')
    .option('--json', 'print JSON for scripts instead of readable text')
    .option('--endpoint <url>', 'AWS endpoint (default: AWS_ENDPOINT_URL, else the local platform at http://localhost:4566)')
    .option('--aws', 'use real AWS with standard credentials and region, not a local endpoint')
    .showHelpAfterError('(run ndx --help for usage)')
    .exitOverride();
  registerLookup(program);
  registerContract(program);
  registerSeed(program);
  registerConsent(program);
  registerAudit(program);
  registerOps(program);
  return program;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT.USAGE;
    }
    if (error instanceof UsageError) {
      console.error(`ndx: ${error.message}`);
      return EXIT.USAGE;
    }
    console.error(`ndx: ${(error as Error).message}`);
    return EXIT.FAILURE;
  }
}
