/**
 * The indicators job's plan and merge (the first and last step of the registry's state machine,
 * infra/constructs/indicator-job.ts): `plan` reads the registry table's size and cuts it into scan
 * segments, `merge` adds up the segments' committed partials and writes the aggregates
 * (aws/indicator-job.ts, domain/indicators/run.ts). A merge with a segment missing throws: the run
 * fails, its alarm fires, and no aggregate is written.
 */
import * as z from 'zod';
import { documentClient } from '../../aws/clients.ts';
import { mergeIndicatorRun, planIndicatorRun } from '../../aws/indicator-job.ts';
import { createLogger } from '../../aws/logger.ts';
import { requireEnv, type Env } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import type { ComputeReport } from '../../domain/indicators/compute.ts';
import { DEFAULT_SIZING, MergeInput, type Plan, PlanInput, type SegmentSizing } from '../../domain/indicators/run.ts';

const Sizing = z.strictObject({
  bytesPerSegment: z.number().positive(),
  minSegments: z.number().int().min(1),
  maxSegments: z.number().int().min(1),
});
const RunEvent = z.discriminatedUnion('step', [PlanInput, MergeInput]);

/** The state machine passes the execution's input as `start` ({scheduledTime}, {period} or {asOf}); the plan takes them flat. */
function flattenStart(event: unknown): unknown {
  if (!event || typeof event !== 'object' || !('start' in event)) return event;
  const { start, ...rest } = event as { start: unknown };
  return start && typeof start === 'object' ? { ...(start as object), ...rest } : rest;
}

export type RunHandler = (event: unknown) => Promise<Plan | ComputeReport>;

export function createHandler(env: Env = process.env): RunHandler {
  const vars = requireEnv(env, [ENV.registryId, ENV.registryTable, ENV.indicatorRunTable, ENV.indicatorTable]);
  const configured = env[ENV.indicatorSizing];
  const sizing: SegmentSizing = configured ? Sizing.parse(JSON.parse(configured)) : DEFAULT_SIZING;
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-indicators', env);
  return async (event) => {
    const input = RunEvent.parse(flattenStart(event));
    if (input.registry !== vars[ENV.registryId]) throw new Error(`this function runs ${vars[ENV.registryId]}, not ${input.registry}`);
    if (input.step === 'plan') {
      const planned = await planIndicatorRun(documentClient(), input, vars[ENV.registryTable], sizing);
      logger.info('run planned', { registry: planned.registry, run: planned.run, asOf: planned.asOf, totalSegments: planned.totalSegments });
      return planned;
    }
    const report = await mergeIndicatorRun(documentClient(), input, { runs: vars[ENV.indicatorRunTable], indicators: vars[ENV.indicatorTable] });
    logger.info('run merged', {
      registry: report.registry,
      run: input.run,
      records: report.records,
      unclassified: report.unclassified,
      aggregates: report.aggregates.length,
    });
    return report;
  };
}

let instance: RunHandler | undefined;
/** The Lambda entry point (invoked by the state machine). */
export const handler: RunHandler = (event) => {
  instance ??= createHandler();
  return instance(event);
};
