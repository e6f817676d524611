/**
 * `ndx ops` as operators run it (a child process) against the local engine, with messages in a
 * dead-letter queue: status turns unhealthy, the listing says why without personal data, and a
 * redrive moves them back, where idempotent processing answers the lookup that had failed.
 */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import type { DeadLetter, PlatformStatus, RedriveResult } from '../../aws/operations.ts';
import { sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { genuineForward, startHarness, type Harness, runNdx } from './support.ts';

let h: Harness;
const REGISTRY_QUEUE = names.registryInQueue('population');

const ndx = (...args: string[]) => runNdx({ ...process.env, AWS_ENDPOINT_URL: h.engine.endpoint.url }, args);

async function dlqDepth(queue: string): Promise<number> {
  const a = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: h.engine.queueUrl(names.deadLetterQueue(queue)),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A lookup as the router forwards it: genuine, but it failed on every delivery (say, during an outage). */
const bodies = new Map<string, string>();
function forwarded(requestId: string, nationalId: string): string {
  // The same message each time for one request (a redrive moves the message itself).
  if (!bodies.has(requestId)) bodies.set(requestId, JSON.stringify(genuineForward(nationalId, { requestId, onBehalfOf: 'officer-0042' })));
  return bodies.get(requestId)!;
}

beforeAll(async () => {
  h = await startHarness({ count: 200 });
});
afterAll(async () => {
  await h?.stop();
});

describe('ndx ops', () => {
  const requestId = randomUUID();

  it('status: healthy, every queue listed, exit 0', async () => {
    const r = await ndx('--json', 'ops', 'status');
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as PlatformStatus;
    expect(status.healthy).toBe(true);
    expect(status.queues.map((q) => q.name)).toContain(REGISTRY_QUEUE);
    expect(status.queues.every((q) => q.exists)).toBe(true);
    expect(status.registries).toContainEqual(expect.objectContaining({ registry: 'population', tableStatus: 'ACTIVE', answers: true }));
    const readable = await ndx('ops', 'status');
    expect(readable.stdout).toMatch(/^QUEUE\s+DEPTH\s+IN FLIGHT\s+OLDEST\s+DLQ/);
    expect(readable.stdout).toContain('healthy');
  });

  it('status: unhealthy (exit 9) with messages in a dead-letter queue', async () => {
    // A poison message reaches the DLQ through the real queue after maxReceiveCount receives...
    await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(REGISTRY_QUEUE), MessageBody: 'not a forwarded lookup' }));
    await waitFor('the poison message to be dead-lettered', async () => (await dlqDepth(REGISTRY_QUEUE)) === 1);
    // ...and a lookup that failed on every delivery while the registry was down waits there too.
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: h.engine.queueUrl(names.deadLetterQueue(REGISTRY_QUEUE)),
        MessageBody: forwarded(requestId, h.demo.living.nationalId),
      }),
    );

    const r = await ndx('--json', 'ops', 'status');
    expect(r.code).toBe(EXIT.UNHEALTHY);
    const status = JSON.parse(r.stdout) as PlatformStatus;
    expect(status.healthy).toBe(false);
    const q = status.queues.find((x) => x.name === REGISTRY_QUEUE)!;
    expect(q.dlq.visible + q.dlq.inFlight).toBe(2);
    expect(q.dlq.oldestAgeSeconds).not.toBeNull(); // sampled: the local endpoint has no CloudWatch
    expect(q.queue.oldestAgeSeconds).toBeNull(); // never sampled on a main queue: n/a
    expect(status.problems.join('\n')).toContain(`ndx ops dlq list ${REGISTRY_QUEUE}`);
    const readable = await ndx('ops', 'status');
    expect(readable.code).toBe(EXIT.UNHEALTHY);
    expect(readable.stdout).toContain('UNHEALTHY');
  });

  it('dlq list: ids, receives, sizes, times and why, and no personal data', async () => {
    const r = await ndx('--json', 'ops', 'dlq', 'list', REGISTRY_QUEUE);
    expect(r.code, r.stderr).toBe(0);
    const listing = JSON.parse(r.stdout) as { depth: number; messages: DeadLetter[] };
    expect(listing.depth).toBe(2);
    const lookup = listing.messages.find((m) => m.type === 'forwarded-lookup')!;
    expect(lookup).toMatchObject({
      requestId,
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      agency: 'hanoi-land-office',
    });
    expect(lookup.reason).toContain('ndx ops redrive');
    expect(lookup.sizeBytes).toBeGreaterThan(100);
    expect(lookup.sentAt).toMatch(/^\d{4}-/);
    const poison = listing.messages.find((m) => m.type !== 'forwarded-lookup')!;
    expect(poison.reason).toMatch(/^poison/);
    expect(poison.receiveCount).toBeGreaterThanOrEqual(2);
    const readable = await ndx('ops', 'dlq', 'list', REGISTRY_QUEUE);
    for (const out of [r.stdout, readable.stdout]) {
      expect(out).not.toContain(h.demo.living.nationalId);
      expect(out).not.toContain('officer-0042');
      expect(out).not.toContain('subjectHash');
    }
    expect(readable.stdout).toContain(requestId);
    expect(readable.stdout).toContain(`move them back with: ndx ops redrive ${REGISTRY_QUEUE}`);
    // Listing deletes nothing and leaves the messages ready to move.
    expect(await dlqDepth(REGISTRY_QUEUE)).toBe(2);
  });

  it('redrive: moves every message back; the failed lookup is answered, the poison message returns to the DLQ', async () => {
    const r = await ndx('--json', 'ops', 'redrive', REGISTRY_QUEUE);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RedriveResult;
    expect(result).toMatchObject({ queue: REGISTRY_QUEUE, method: 'move-task', moved: 2, failed: 0, status: 'COMPLETED' });
    const reply = await new AgencyClient(sqsClient(), 'hanoi-land-office').awaitReply({ requestId }, 30_000);
    expect(reply).toMatchObject({ requestId, status: 'OK' });
    // The poison message fails again maxReceiveCount times, and nothing else is left behind.
    await waitFor('the poison message to return to the DLQ', async () => (await dlqDepth(REGISTRY_QUEUE)) === 1);
    // Redriving the same message again is harmless: it is sent the very reply it got, and nothing is recorded twice.
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: h.engine.queueUrl(names.deadLetterQueue(REGISTRY_QUEUE)),
        MessageBody: forwarded(requestId, h.demo.living.nationalId),
      }),
    );
    const again = await ndx('ops', 'redrive', REGISTRY_QUEUE);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/moved 2 message\(s\)/);
    expect(await new AgencyClient(sqsClient(), 'hanoi-land-office').awaitReply({ requestId }, 30_000)).toEqual(reply);
    await expect(new AgencyClient(sqsClient(), 'hanoi-land-office').awaitReply({ requestId }, 4_000)).rejects.toThrow(/no reply/);
  });

  it('redrive --by-hand: receive, send, delete, for endpoints without move tasks', async () => {
    const queue = names.agencyInQueue('danang-tax-office');
    const body = JSON.stringify({ requestId: randomUUID(), status: 'OK', code: 'OK', message: 'x' });
    for (let i = 0; i < 3; i++)
      await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(names.deadLetterQueue(queue)), MessageBody: body }));
    const r = await ndx('--json', 'ops', 'redrive', '--by-hand', queue);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: 'receive-send-delete', moved: 3, failed: 0, status: 'COMPLETED' });
    expect(await dlqDepth(queue)).toBe(0);
    const got = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: h.engine.queueUrl(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual([body, body, body]);
    expect((await ndx('ops', 'redrive', queue)).stdout).toContain('is empty: nothing to move');
  });

  it('refuses a queue that is not ndx’s, with the list (exit 2)', async () => {
    const r = await ndx('ops', 'dlq', 'list', 'some-other-queue');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain(REGISTRY_QUEUE);
  });
});
