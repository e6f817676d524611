/**
 * Nothing lost on stop or crash. The platform runs in its own process with a data folder; an agency
 * sends lookups with nothing but the AWS SDK. The platform is stopped with SIGTERM while lookups are in
 * flight (it takes no new ones, answers those it accepted, then exits), restarted, killed with SIGKILL
 * while lookups are in flight, restarted again; each time the agency resends what was not answered,
 * as the README tells it to. Every lookup is answered once (a resend that meets it answered gets
 * ALREADY_ANSWERED, pointing at that answer), it has one audit record, and the audit chains verify.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { LookupReply } from '../../contracts/protocol.ts';
import { AuditLog } from '../../aws/audit-log.ts';
import { names } from '../../config/names.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { PROJECT_ROOT } from '../../local/engine.ts';

const AGENCY = 'hanoi-land-office';
const dataDir = mkdtempSync(join(tmpdir(), 'ndx-restart-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the platform process and resolves with its endpoint once it prints `ready`. */
async function start(port: number, seed: boolean): Promise<{ url: string; exited: Promise<number | null>; output: () => string }> {
  const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'test/fixtures/platform-process.ts')], {
    env: { ...process.env, NDX_PORT: String(port), NDX_DATA_DIR: dataDir, SEED: seed ? '1' : '0', AWS_ENDPOINT_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`platform exited before ready:\n${out}`)));
  });
  return { url, exited, output: () => out };
}

/** The agency's side: sends requests and collects every reply, by requestId, until told to stop. */
class Agency {
  readonly replies = new Map<string, LookupReply[]>();
  readonly bodies = new Map<string, string>();
  /** How many times each request was sent (the first send and the resends). */
  readonly sends = new Map<string, number>();
  private sqs!: SQSClient;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  connect(url: string): void {
    this.sqs = new SQSClient({ endpoint: url, region: 'ap-southeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  }

  private async queue(name: string): Promise<string> {
    return (await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  }

  async send(requestIds: string[]): Promise<void> {
    const out = await this.queue(names.agencyOutQueue(AGENCY));
    for (const id of requestIds) this.sends.set(id, (this.sends.get(id) ?? 0) + 1);
    for (let i = 0; i < requestIds.length; i += 10) {
      const chunk = requestIds.slice(i, i + 10);
      await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: out, Entries: chunk.map((id, j) => ({ Id: String(j), MessageBody: this.bodies.get(id)! })) }),
      );
    }
  }

  /** Reads replies in the background (and deletes them, as an agency does once handled). */
  listen(): void {
    this.running = true;
    this.loop = (async () => {
      const inbox = await this.queue(names.agencyInQueue(AGENCY));
      while (this.running) {
        let got: ReceiveMessageCommandOutput;
        try {
          got = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        } catch {
          return; // the platform went away
        }
        for (const m of got.Messages ?? []) {
          const reply = JSON.parse(m.Body!) as LookupReply;
          this.replies.set(reply.requestId!, [...(this.replies.get(reply.requestId!) ?? []), reply]);
        }
        if (got.Messages?.length) {
          await this.sqs
            .send(new DeleteMessageBatchCommand({ QueueUrl: inbox, Entries: got.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }))
            .catch(() => undefined);
        }
      }
    })();
  }

  async stopListening(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  unanswered(): string[] {
    return [...this.bodies.keys()].filter((id) => !this.replies.has(id));
  }

  async until(done: () => boolean, what: string, attempts = 600): Promise<void> {
    for (let i = 0; i < attempts && !done(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!done()) throw new Error(`gave up waiting for ${what}`);
  }
}

const citizens = [...generatePopulation({ seed: DEMO_SEED, count: 300 })].map((p) => p.nationalId);
function lookups(agency: Agency, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const requestId = randomUUID();
    agency.bodies.set(
      requestId,
      JSON.stringify({
        requestId,
        contract: 'population.identity-verification',
        version: '1',
        purpose: 'LAND_REGISTRATION',
        subject: { nationalId: citizens[i % citizens.length] },
      }),
    );
    return requestId;
  });
}

describe('stop and crash with lookups in flight', () => {
  it('answers every lookup once, and every resend with a pointer to that answer, across SIGTERM, SIGKILL and restarts with NDX_DATA_DIR, resending the unanswered', {
    timeout: 240_000,
  }, async () => {
    const port = await freePort();
    const agency = new Agency();

    // 1. SIGTERM while 150 lookups are in flight.
    let platform = await start(port, true);
    agency.connect(platform.url);
    agency.listen();
    const first = lookups(agency, 150);
    await agency.send(first);
    await agency.until(() => agency.replies.size >= 10, 'the first replies');
    child!.kill('SIGTERM');
    expect(await platform.exited).toBe(0);
    await agency.stopListening();
    expect(platform.output()).toMatch(/ndx stopped/);
    const afterTerm = agency.unanswered().length;

    // 2. Restart; 150 more lookups and the resends of the unanswered; SIGKILL in the middle.
    platform = await start(port, false);
    agency.connect(platform.url);
    agency.listen();
    const second = lookups(agency, 150);
    await agency.send([...agency.unanswered().filter((id) => !second.includes(id)), ...second]);
    const answeredBefore = agency.replies.size;
    await agency.until(() => agency.replies.size >= answeredBefore + 10, 'replies after the restart');
    child!.kill('SIGKILL');
    await platform.exited;
    await agency.stopListening();
    const afterKill = agency.unanswered().length;

    // 3. Restart and resend, once, what is unanswered: a resend waits in the durable out-queue until the
    // router takes it (a crash's in-progress record expires, the message comes back), so it is answered.
    platform = await start(port, false);
    agency.connect(platform.url);
    agency.listen();
    const resend = agency.unanswered();
    await agency.send(resend);
    await agency.until(() => resend.every((id) => agency.replies.has(id)), 'the replies to the resends', 3000);
    await new Promise((r) => setTimeout(r, 1500)); // late duplicates, if the platform made any, would arrive now
    await agency.stopListening();

    expect(agency.unanswered()).toEqual([]);
    // Every send gets one reply: the first send its answer, a resend that met the answered lookup
    // ALREADY_ANSWERED pointing at it (a resend that met the lookup unanswered is carried through
    // instead, with no reply of its own). The agency may read one reply message twice, when the platform
    // went away before its delete; identical bodies are that one message, counted once.
    const wrong: string[] = [];
    let pointers = 0;
    let rereads = 0;
    for (const [id, received] of agency.replies) {
      const distinct = [...new Map(received.map((r) => [JSON.stringify(r), r])).values()];
      rereads += received.length - distinct.length;
      const answers = distinct.filter((r) => r.code !== 'ALREADY_ANSWERED');
      const resendReplies = distinct.filter((r) => r.code === 'ALREADY_ANSWERED');
      pointers += resendReplies.length;
      const ok =
        answers.length === 1 &&
        distinct.length <= (agency.sends.get(id) ?? 0) &&
        resendReplies.every((r) => r.original?.auditId === answers[0]!.provenance?.auditId && r.original?.repliedAt === answers[0]!.repliedAt);
      if (!ok) wrong.push(`${id} (sent ${agency.sends.get(id)}×): ${received.map((x) => `${x.code}@${x.repliedAt}`).join(' + ')}`);
    }
    expect(wrong).toEqual([]);
    const codes = new Set([...agency.replies.values()].flatMap((r) => r.map((x) => x.code)));
    for (const code of codes) expect(['OK', 'ALREADY_ANSWERED']).toContain(code);

    // One audit record per lookup, and the chains verify.
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: platform.url, region: 'ap-southeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    );
    const log = new AuditLog(doc, names.auditTable);
    const perRequest = new Map<string, number>();
    for await (const r of log.lookups()) if (r.consumer === AGENCY && r.requestId) perRequest.set(r.requestId, (perRequest.get(r.requestId) ?? 0) + 1);
    for (const id of agency.bodies.keys()) expect(perRequest.get(id), id).toBe(1);
    expect((await log.verify()).ok).toBe(true);
    child!.kill('SIGTERM');
    await platform.exited;
    console.log(
      `restart figures: 300 lookups; unanswered after SIGTERM ${afterTerm}, after SIGKILL ${afterKill}; lost 0; codes ${[...codes].join(', ')}; resends pointed at their first answer ${pointers}; replies read twice by the agency ${rereads}`,
    );
  });
});
