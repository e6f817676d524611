/**
 * The local engine's anchors, for real against the local DynamoDB endpoint (no engine, no functions):
 * `startLocalAnchoring` keeps anchors under the data folder, the last one on stop, each verified against
 * the one before — so records removed from a chain's end show at the next anchor.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAnchorStore } from '../../aws/anchor-store.ts';
import { startLocalAnchoring } from '../../aws/audit-anchoring.ts';
import { chainPk, seqKey } from '../../domain/audit/chain.ts';
import { AuditLog, type AuditEntry } from '../../aws/audit-log.ts';
import { documentClient, dynamoClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { startEndpoint, type Endpoint } from '../../local/endpoint.ts';

let endpoint: Endpoint;

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, region: 'ap-southeast-1' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    NDX_AUDIT_SHARDS: '1',
  });
  await dynamoClient().send(
    new CreateTableCommand({
      TableName: names.auditTable,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  await endpoint?.close();
});

const entry = (at: string): AuditEntry => ({
  at,
  consumer: 'hanoi-land-office',
  requestId: randomUUID(),
  receivedMessageId: randomUUID(),
  contract: 'population.identity-verification',
  version: '1.0.0',
  purpose: 'LAND_REGISTRATION',
  registry: 'population',
  subjectHash: 'not-a-person',
  fields: ['nationalId'],
  status: 'OK',
  code: 'OK',
  recordedBy: 'adapter',
});

describe('local anchors under NDX_DATA_DIR', () => {
  it('are taken on stop, verified against the previous one, and show records removed from a chain’s end', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ndx-data-'));
    const log = new AuditLog(documentClient(), names.auditTable, { shards: 1 });
    const at = new Date().toISOString();
    const appended = [];
    for (let i = 0; i < 3; i++) appended.push(await log.append(entry(at)));

    const first = await startLocalAnchoring({ dataDir, intervalMs: 3_600_000 }).stop();
    expect(first).toBeDefined();
    expect(first!.broken).toEqual([]);
    expect(first!.anchor.partitions).toEqual([expect.objectContaining({ seq: 3 })]);
    expect(first!.location.startsWith(path.join(dataDir, 'anchors', at.slice(0, 4), at.slice(5, 7), at.slice(8, 10)))).toBe(true);
    expect((await new FileAnchorStore(dataDir).latest())!.location).toBe(first!.location);

    // Someone who can write the table removes the newest record: the chain alone still holds together.
    const partition = first!.anchor.partitions[0]!.partition;
    await documentClient().send(new DeleteCommand({ TableName: names.auditTable, Key: { pk: chainPk(partition), sk: seqKey(3) } }));
    expect((await log.verify()).ok).toBe(true);

    const errors: unknown[] = [];
    const second = await startLocalAnchoring({ dataDir, onError: (e) => errors.push(e) }).stop();
    expect(errors).toEqual([]);
    expect(second!.previous).toBe(first!.location);
    expect(second!.broken.map((b) => [b.partition, b.broken!.kind])).toEqual([[partition, 'truncated']]);
    // The broken partition keeps its last good head: the next anchor still shows the loss.
    expect(second!.anchor.partitions).toEqual(first!.anchor.partitions);
  });
});
