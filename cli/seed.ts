/**
 * `ndx seed`: loads deterministic synthetic records into registry tables, consistent across registries
 * (land owners and legal representatives exist in the population, employers in the business register,
 * deceased citizens are marked in social insurance). Every registry's records are a function of
 * (--seed, --count): seeding registries one at a time, or again, gives the same records.
 */
import type { Command } from 'commander';
import { documentClient } from '../aws/clients.ts';
import { names } from '../config/names.ts';
import { seedRegistry, type SeedResult } from '../synthetic/seed.ts';
import type { SyntheticRegistry } from '../synthetic/world.ts';
import { REGISTRY_IDS as SYNTHETIC_REGISTRIES } from '../config/registry-tables.ts';
import { DEMO_SEED } from '../synthetic/demo.ts';
import { DEFAULT_AS_OF } from '../synthetic/population.ts';
import { computeIndicators, INDICATOR_REGISTRIES } from '../aws/indicator-job.ts';
import type { ComputeReport } from '../domain/indicators/compute.ts';
import { platformAction } from './context.ts';
import { RefusedError } from './errors.ts';
import { UsageError } from './errors.ts';
import { progressBar } from './progress.ts';

interface SeedOptions {
  registry: string[];
  count: string;
  seed: string;
  asOf?: string;
  concurrency: string;
  force?: boolean;
}

/** `land,business` and repeated flags alike; every name must be a registry with synthetic data. */
export function parseRegistries(values: readonly string[]): SyntheticRegistry[] {
  const wanted = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (wanted.length === 0) return [...SYNTHETIC_REGISTRIES];
  for (const r of wanted) {
    if (!(SYNTHETIC_REGISTRIES as readonly string[]).includes(r))
      throw new UsageError(`no synthetic data for registry "${r}" (registries: ${SYNTHETIC_REGISTRIES.join(', ')})`);
  }
  // In dependency order, once each.
  return SYNTHETIC_REGISTRIES.filter((r) => wanted.includes(r));
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('load deterministic synthetic records into registry tables (population, business, social-insurance, land), consistent across registries')
    .option(
      '--registry <ids>',
      `registries to seed, comma-separated or repeated (default: all: ${SYNTHETIC_REGISTRIES.join(', ')})`,
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--count <n>',
      'citizens in the population; the other registries derive from them (business ≈ 10%, social insurance ≈ 50%, land ≈ 110% items)',
      '1000',
    )
    .option('--seed <s>', 'everything follows from the seed (npm start uses the same default)', DEMO_SEED)
    .option('--as-of <datetime>', 'the moment the data describes (ISO date-time; default 2026-11-01T00:00:00Z)')
    .option('--concurrency <n>', 'batch writes in flight', '8')
    .option('--force', 'write to a non-local endpoint or to AWS (refused otherwise: it is synthetic data)')
    .addHelpText(
      'after',
      '\nExamples:\n  npx ndx seed --count 100000                 # all four registries, 100,000 citizens\n  npx ndx seed --registry land --count 5000   # the land records of the same 5,000 citizens',
    )
    .action(
      platformAction(async (ctx, options: SeedOptions) => {
        const registries = parseRegistries(options.registry);
        const count = Number(options.count);
        if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`--count takes a positive integer (got "${options.count}")`);
        const concurrency = Number(options.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency takes an integer from 1 to 64');
        if (options.asOf !== undefined && Number.isNaN(Date.parse(options.asOf)))
          throw new UsageError(`--as-of takes an ISO date-time (got "${options.asOf}")`);
        if (!ctx.target.local && !options.force) {
          throw new RefusedError(
            `${ctx.target.endpoint ?? 'AWS'} (from ${ctx.target.source}) is not ndx's local engine (it does not say so on /_ndx/health, whatever its host); synthetic data goes there only with --force`,
          );
        }
        const results: SeedResult[] = [];
        for (const registry of registries) {
          const bar = progressBar(`seeding ${registry.padEnd(16)}`, 0, !ctx.json);
          try {
            results.push(
              await seedRegistry(documentClient(), registry, {
                seed: options.seed,
                count,
                concurrency,
                ...(options.asOf ? { asOf: options.asOf } : {}),
                ...(bar.enabled ? { onProgress: (n: number, total: number) => bar.update(n, total) } : {}),
              }),
            );
          } catch (error) {
            if ((error as Error).name === 'ResourceNotFoundException') {
              throw new Error(`table ${names.registryTable(registry)} does not exist: is the platform running (npm start), with ${registry} in ndx.config.ts?`);
            }
            throw error;
          } finally {
            bar.stop();
          }
        }
        // The indicators job, as in AWS on its schedule: the seeded registries' aggregates, as of the data's moment.
        const indicators: ComputeReport[] = [];
        for (const registry of registries.filter((r) => INDICATOR_REGISTRIES.includes(r)))
          indicators.push(await computeIndicators(documentClient(), registry, { asOf: new Date(options.asOf ?? DEFAULT_AS_OF) }));
        const rows = results.map((r) => ({ ...r, ms: Math.round(r.ms), perSecond: Math.round(r.written / Math.max(r.ms / 1000, 0.001)) }));
        ctx.print({ seed: options.seed, count, results: rows, indicators }, () =>
          rows
            .map(
              (r) =>
                `${r.registry.padEnd(16)} ${fmt(r.written).padStart(11)} items  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${fmt(r.perSecond).padStart(8)} items/s  → ${r.table}`,
            )
            .concat(
              indicators.map(
                (r) =>
                  `indicators of ${r.registry}: ${fmt(r.records)} records read in ${r.segments} segments → ${r.aggregates.length} aggregate(s)${r.unclassified ? `, ${fmt(r.unclassified)} not placed` : ''}`,
              ),
            )
            .concat(`seed "${options.seed}", ${fmt(count)} citizens`)
            .join('\n'),
        );
      }),
    );
}
