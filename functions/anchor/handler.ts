/**
 * The scheduled audit anchor (EventBridge, `anchors.everyMinutes`): verifies the audit chains changed
 * since the latest anchor against it, and writes the verified partition heads to the anchor bucket
 * (S3 Object Lock, COMPLIANCE). A broken chain fails the invocation after the anchor is written (its
 * last good head is kept), so the function's error alarm fires.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3AnchorStore } from '../../aws/anchor-store.ts';
import { anchorNow, type AnchorTaken } from '../../aws/audit-anchoring.ts';
import { AuditLog, auditShards } from '../../aws/audit-log.ts';
import { documentClient } from '../../aws/clients.ts';
import { requireEnv, type Env } from '../../config/env.ts';
import { createLogger } from '../../aws/logger.ts';
import { ENV } from '../../config/names.ts';

export class AuditChainBrokenError extends Error {
  override readonly name = 'AuditChainBrokenError';
}

export interface AnchorSummary {
  location: string;
  previous?: string;
  partitions: number;
  verified: number;
}

export function summary(taken: AnchorTaken): AnchorSummary {
  return {
    location: taken.location,
    ...(taken.previous ? { previous: taken.previous } : {}),
    partitions: taken.anchor.partitions.length,
    verified: taken.verified,
  };
}

export function createHandler(env: Env = process.env, deps: { s3?: S3Client; now?: () => Date } = {}): () => Promise<AnchorSummary> {
  const vars = requireEnv(env, [ENV.auditTable, ENV.anchorBucket]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-audit-anchor', env);
  const audit = new AuditLog(documentClient(), vars[ENV.auditTable], { shards: auditShards(env) });
  const store = new S3AnchorStore(deps.s3 ?? new S3Client({}), vars[ENV.anchorBucket], deps.now ? { now: deps.now } : {});
  return async () => {
    const taken = await anchorNow(audit, store, deps.now);
    const result = summary(taken);
    if (taken.broken.length) {
      const list = taken.broken.map((b) => `${b.partition} at seq ${b.broken.seq} (${b.broken.kind})`).join('; ');
      logger.error('audit chain broken', { ...result, broken: taken.broken.map((b) => ({ partition: b.partition, ...b.broken })) });
      throw new AuditChainBrokenError(
        `${taken.broken.length} audit partition(s) fail verification: ${list}; their last good heads stay anchored in ${taken.location}`,
      );
    }
    logger.info('audit anchored', { ...result });
    return result;
  };
}

let instance: (() => Promise<AnchorSummary>) | undefined;
/** The Lambda entry point (an EventBridge scheduled event; its content is not used). */
export const handler = (): Promise<AnchorSummary> => {
  instance ??= createHandler();
  return instance();
};
