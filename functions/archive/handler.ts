/**
 * The scheduled audit archive (EventBridge, daily): moves audit partitions past the environment's
 * `auditRetention.dynamoDbDays` to the archive in the anchor bucket (S3 Object Lock, COMPLIANCE, each
 * object locked `auditRetention.archiveDays`), leaving stubs (aws/audit-archive.ts). A partition whose
 * chain does not verify is left in DynamoDB and fails the invocation, so the function's error alarm fires.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveStore } from '../../aws/archive-store.ts';
import { archiveOldPartitions, type ArchiveRun } from '../../aws/audit-archive.ts';
import { AuditLog, auditShards } from '../../aws/audit-log.ts';
import { documentClient } from '../../aws/clients.ts';
import { createLogger } from '../../aws/logger.ts';
import { requireEnv, type Env } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';

export class AuditArchiveRefusedError extends Error {
  override readonly name = 'AuditArchiveRefusedError';
}

export function createHandler(env: Env = process.env, deps: { s3?: S3Client; now?: () => Date } = {}): () => Promise<ArchiveRun> {
  const vars = requireEnv(env, [ENV.auditTable, ENV.anchorBucket, ENV.auditDynamoDbDays, ENV.auditArchiveDays]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-audit-archive', env);
  const audit = new AuditLog(documentClient(), vars[ENV.auditTable], { shards: auditShards(env) });
  const store = new S3ArchiveStore(deps.s3 ?? new S3Client({}), vars[ENV.anchorBucket]);
  const days = { dynamoDbDays: Number(vars[ENV.auditDynamoDbDays]), archiveDays: Number(vars[ENV.auditArchiveDays]) };
  return async () => {
    const run = await archiveOldPartitions(
      { doc: documentClient(), table: vars[ENV.auditTable], store, partitions: () => audit.partitions() },
      { now: (deps.now ?? (() => new Date()))(), ...days },
    );
    const summary = { before: run.before, archived: run.archived.length, records: run.archived.reduce((n, a) => n + a.records, 0) };
    if (run.refused.length) {
      logger.error('audit partitions not archived', { ...summary, refused: run.refused });
      throw new AuditArchiveRefusedError(
        `${run.refused.length} audit partition(s) left in DynamoDB: ${run.refused.map((r) => `${r.partition} (${r.reason})`).join('; ')}`,
      );
    }
    logger.info('audit archived', summary);
    return run;
  };
}

let instance: (() => Promise<ArchiveRun>) | undefined;
/** The Lambda entry point (an EventBridge scheduled event; its content is not used). */
export const handler = (): Promise<ArchiveRun> => {
  instance ??= createHandler();
  return instance();
};
