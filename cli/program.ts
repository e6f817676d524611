/** The `ndx` command: global options, subcommands, and errors that say what to do. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.ts';
import { registerAudit } from './audit.ts';
import { registerCapacity } from './capacity.ts';
import { registerConsent } from './consent.ts';
import { registerContract } from './contract.ts';
import { registerIndicator } from './indicator.ts';
import { registerLookup } from './lookup.ts';
import { registerSeed } from './seed.ts';
import { registerOps } from './ops.ts';
import { report } from './errors.ts';

export interface GlobalOptions {
  json?: boolean;
  endpoint?: string;
  aws?: boolean;
}

/** The version in package.json. */
export function ndxVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('ndx')
    .description('ndx, the national data exchange: look up registries under contracts, with consent and audit')
    .version(ndxVersion(), '-V, --version', 'print the version of ndx')
    .option('--json', 'print JSON for scripts instead of readable text (errors too: {"error": {"code", "message"}} on stdout)')
    .option('--endpoint <url>', 'the platform endpoint; else http://localhost:$NDX_PORT, else AWS_ENDPOINT_URL or AWS_PROFILE, else http://localhost:4566')
    .option('--aws', 'use real AWS with standard credentials and region, not a local endpoint')
    .showHelpAfterError('(run ndx --help for usage)')
    .exitOverride();
  registerLookup(program);
  registerContract(program);
  registerIndicator(program);
  registerSeed(program);
  registerConsent(program);
  registerAudit(program);
  registerOps(program);
  registerCapacity(program);
  return program;
}

export async function run(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const program = buildProgram();
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Commander has printed its sentence on stderr; scripts get it as JSON too.
      if (json) console.log(JSON.stringify({ error: { code: 'USAGE', message: error.message.replace(/^error: /, '') } }, null, 2));
      return EXIT.USAGE;
    }
    return report(error, json);
  }
}
