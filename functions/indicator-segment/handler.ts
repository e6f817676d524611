/**
 * One parallel scan segment of the indicators job (a distributed map item of the registry's state
 * machine, infra/constructs/indicator-job.ts): reads its segment of the registry table, tallies it
 * and keeps the partial under the run (aws/indicator-job.ts, domain/indicators/run.ts). Its role may
 * Scan this registry's table and write this registry's partials, nothing else.
 */
import { documentClient } from '../../aws/clients.ts';
import { runIndicatorSegment } from '../../aws/indicator-job.ts';
import { createLogger } from '../../aws/logger.ts';
import { requireEnv, type Env } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { SegmentInput, type SegmentReport } from '../../domain/indicators/run.ts';

export type SegmentHandler = (event: unknown) => Promise<SegmentReport>;

export function createHandler(env: Env = process.env): SegmentHandler {
  const vars = requireEnv(env, [ENV.registryId, ENV.registryTable, ENV.indicatorRunTable]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-indicators-segment', env);
  return async (event) => {
    const input = SegmentInput.parse(event);
    // The function reads one registry; a run of another is a wiring mistake, refused before any read.
    if (input.registry !== vars[ENV.registryId]) throw new Error(`this function reads ${vars[ENV.registryId]}, not ${input.registry}`);
    const report = await runIndicatorSegment(documentClient(), input, { registry: vars[ENV.registryTable], runs: vars[ENV.indicatorRunTable] });
    logger.info('segment tallied', { ...report, totalSegments: input.totalSegments });
    return report;
  };
}

let instance: SegmentHandler | undefined;
/** The Lambda entry point (invoked by the state machine's distributed map). */
export const handler: SegmentHandler = (event) => {
  instance ??= createHandler();
  return instance(event);
};
