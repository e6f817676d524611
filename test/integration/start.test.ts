/** `npm start` as a person runs it: a process that prints how to use it, `ndx ready`, and stops on Ctrl-C. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startEndpoint } from '../../local/endpoint.ts';
import { PROJECT_ROOT } from '../../local/engine.ts';
import { LOCAL_ENGINE_MARK } from '../../config/local.ts';

function startPlatform(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'local/main.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('ndx ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code} before ready:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

describe('npm start', () => {
  it('prints the endpoint, agencies and a first lookup, then `ndx ready`; Ctrl-C stops it cleanly', async () => {
    const p = startPlatform({ NDX_PORT: '0' });
    await p.ready;
    const out = p.output();
    expect(out).toMatch(/endpoint {3}http:\/\/localhost:\d+/);
    expect(out).toContain('hanoi-land-office');
    expect(out).toMatch(/npx ndx lookup --endpoint http:\/\/localhost:\d+ --as hanoi-land-office/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('ndx stopped');
  });

  it('says what to do when the port is taken', async () => {
    const busy = await startEndpoint({ port: 0, region: 'ap-southeast-1' });
    try {
      const p = startPlatform({ NDX_PORT: String(busy.port) });
      await expect(p.ready).rejects.toThrow(/port \d+ is in use/);
      expect(await p.exited).toBe(2);
    } finally {
      await busy.close();
    }
  });
});

describe('the local endpoint', () => {
  it('keeps DynamoDB data across restarts when given a data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndx-data-'));
    try {
      const client = (url: string) => new DynamoDBClient({ endpoint: url, region: 'ap-southeast-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
      const first = await startEndpoint({ port: 0, region: 'ap-southeast-1', dataDir: dir });
      const c1 = client(first.url);
      await c1.send(
        new CreateTableCommand({
          TableName: 'keep',
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
        }),
      );
      await c1.send(new PutItemCommand({ TableName: 'keep', Item: { k: { S: 'a' }, v: { N: '1' } } }));
      await first.close();
      const second = await startEndpoint({ port: 0, region: 'ap-southeast-1', dataDir: dir });
      const got = await client(second.url).send(new GetItemCommand({ TableName: 'keep', Key: { k: { S: 'a' } } }));
      await second.close();
      expect(got.Item).toEqual({ k: { S: 'a' }, v: { N: '1' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('routes by target header and answers other requests with a hint', async () => {
    const ep = await startEndpoint({ port: 0, region: 'ap-southeast-1' });
    try {
      const health = await fetch(`${ep.url}/_ndx/health`);
      // It names itself, so the CLI knows it talks to ndx's engine whatever the host (cli/aws.ts).
      expect(await health.json()).toEqual({ engine: LOCAL_ENGINE_MARK, services: { dynamodb: 'running', sqs: 'running' } });
      const other = await fetch(ep.url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(other.status).toBe(400);
      expect(await other.text()).toContain('X-Amz-Target');
    } finally {
      await ep.close();
    }
  });
});
