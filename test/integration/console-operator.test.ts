/**
 * The operators' desk over HTTP, against the real engine: only the operator role enters it (pages and
 * forms); a redrive needs the session's CSRF token; an operator's redrive empties a dead-letter queue
 * and the lookup that had failed is then answered; the desk shows dead letters without personal data,
 * lookups counted from the audit trail, and the audit trail's verification.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { FileAnchorStore } from '../../aws/anchor-store.ts';
import { anchorNow } from '../../aws/audit-anchoring.ts';
import { AuditLog } from '../../aws/audit-log.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { consoleSignIn, type ConsoleSession, httpLookup } from './console-support.ts';
import { genuineForward, type Harness, identityRequest, startHarness } from './support.ts';

let h: Harness;
let origin: string;
let operator: ConsoleSession;
let nationalId: string;
/** The engine's data folder: the desk finds the local anchors there. */
let dataDir: string;
const REGISTRY_QUEUE = names.registryInQueue('population');
const DLQ_PATH = `/console/ops/dlq/${REGISTRY_QUEUE}`;
const REDRIVE_PATH = `${DLQ_PATH}/redrive`;

async function dlqDepth(queue: string): Promise<number> {
  const a = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: h.engine.queueUrl(names.deadLetterQueue(queue)),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** The page's main content (the header's language switch names the page's own path). */
const main = (body: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(body)?.[1] ?? '';

/** The text of a page, without tags (for what a person reads). */
const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ndx-console-ops-'));
  h = await startHarness({ count: 200, dataDir });
  origin = h.engine.endpoint.url;
  nationalId = (h.demo.citizens[0] as { nationalId: string }).nationalId;
  operator = await consoleSignIn(origin, 'operator');
}, 120_000);
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('who enters the desk', () => {
  // A reply no agency client took, dead-lettered: the queue the refused people try to redrive.
  const REPLIES = names.agencyInQueue('danang-tax-office');
  const paths = ['/console/ops', '/console/ops/activity', '/console/ops/audit', `/console/ops/dlq/${REPLIES}`, `/console/ops/dlq/${REPLIES}/redrive`];

  const reply = JSON.stringify({ requestId: randomUUID(), status: 'OK', code: 'OK' });
  beforeAll(async () => {
    await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(names.deadLetterQueue(REPLIES)), MessageBody: reply }));
  });

  it('sends a visitor without a session to the staff sign-in', async () => {
    const res = await fetch(`${origin}/console/ops`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?as=staff&next=%2Fconsole%2Fops');
  });

  it.each(['citizen-1', 'steward', 'dpo'])('refuses %s every page and the redrive form (403), and nothing moves', async (person) => {
    const s = await consoleSignIn(origin, person);
    for (const path of paths) {
      const res = await s.get(path);
      expect(res.status, path).toBe(403);
      expect(main(res.body), path).not.toContain(REPLIES);
    }
    const post = await s.post(`/console/ops/dlq/${REPLIES}/redrive`, { csrf: await s.csrf() });
    expect(post.status).toBe(403);
    expect(await dlqDepth(REPLIES)).toBe(1);
  });

  it('lets the operator in: the dead-lettered reply is listed, and the operator’s redrive moves it back', async () => {
    const res = await operator.get(`/console/ops/dlq/${REPLIES}?lang=en`);
    expect(res.status).toBe(200);
    expect(text(res.body)).toContain('Lookup reply');
    const post = await operator.post(`/console/ops/dlq/${REPLIES}/redrive`, { csrf: await operator.csrf() });
    expect(post.status).toBe(303);
    expect(post.location).toMatch(/done=redrive&status=COMPLETED&moved=1&failed=0$/);
    expect(await dlqDepth(REPLIES)).toBe(0);
    // The reply waits for its agency again, unchanged: take it, as the agency's client would.
    const got = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: h.engine.queueUrl(REPLIES), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual([reply]);
    await sqsClient().send(new DeleteMessageCommand({ QueueUrl: h.engine.queueUrl(REPLIES), ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }));
  });

  it('shows the operator the desk: healthy, every queue, alarms computed and said to be CloudWatch’s', async () => {
    const res = await operator.get('/console/ops?lang=en');
    expect(res.status).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Every queue and registry is healthy.');
    for (const q of [REGISTRY_QUEUE, names.agencyOutQueue('hanoi-land-office'), names.agencyInQueue('hanoi-land-office')]) expect(res.body).toContain(q);
    expect(res.body).toContain(`${names.deadLetterQueue(REGISTRY_QUEUE)}-depth`);
    expect(page).toContain('Alarms are CloudWatch’s and exist only on AWS');
    expect(page).toContain('Not evaluated'); // the age alarms: no age here
    const vi = await operator.get('/console/ops');
    expect(vi.body).toContain('<html lang="vi"');
    expect(text(vi.body)).toContain('Mọi hàng đợi và cơ sở dữ liệu đều hoạt động bình thường.');
  });
});

describe('an operator’s redrive', () => {
  const requestId = randomUUID();

  it('lists a dead-lettered lookup by its metadata only, and the desk turns unhealthy', async () => {
    // A genuine forwarded lookup that failed on every delivery (say, while the registry was down), as test/integration/ops.test.ts does.
    const body = JSON.stringify(genuineForward(nationalId, { requestId, onBehalfOf: 'officer-0042' }));
    await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(names.deadLetterQueue(REGISTRY_QUEUE)), MessageBody: body }));
    const health = await operator.get('/console/ops?lang=en');
    expect(text(health.body)).toContain('1 problem needs attention');
    expect(health.body).toContain(`href="${DLQ_PATH}"`);
    expect(text(health.body)).toMatch(new RegExp(`${names.deadLetterQueue(REGISTRY_QUEUE)}-depth Firing`));

    const res = await operator.get(`${DLQ_PATH}?lang=en`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(requestId);
    expect(res.body).toContain('population.identity-verification@1.0.0');
    expect(res.body).toContain('LAND_REGISTRATION');
    expect(text(res.body)).toContain('Forwarded lookup');
    for (const secret of [nationalId, 'officer-0042', 'subjectHash']) expect(res.body).not.toContain(secret);
    expect(await dlqDepth(REGISTRY_QUEUE)).toBe(1); // listing deletes nothing
  });

  it('asks first: the confirmation page says what will happen and changes nothing', async () => {
    const res = await operator.get(`${REDRIVE_PATH}?lang=en`);
    expect(res.status).toBe(200);
    expect(text(res.body)).toContain(`1 message in ${names.deadLetterQueue(REGISTRY_QUEUE)} will move back to ${REGISTRY_QUEUE}`);
    expect(res.body).toMatch(new RegExp(`<form method="post" action="${REDRIVE_PATH}"`));
    expect(await dlqDepth(REGISTRY_QUEUE)).toBe(1);
  });

  it('refuses the post without the session’s CSRF token, or with another', async () => {
    expect((await operator.post(REDRIVE_PATH, {})).status).toBe(403);
    expect((await operator.post(REDRIVE_PATH, { csrf: 'x'.repeat(43) })).status).toBe(403);
    const other = await consoleSignIn(origin, 'operator');
    expect((await operator.post(REDRIVE_PATH, { csrf: await other.csrf() })).status).toBe(403);
    expect(await dlqDepth(REGISTRY_QUEUE)).toBe(1);
  });

  it('refuses a queue that is not ndx’s (404)', async () => {
    expect((await operator.get('/console/ops/dlq/ndx-something-else')).status).toBe(404);
    expect((await operator.post('/console/ops/dlq/ndx-something-else/redrive', { csrf: await operator.csrf() })).status).toBe(404);
  });

  it('empties the dead-letter queue, says so, and the lookup is answered', async () => {
    const res = await operator.post(REDRIVE_PATH, { csrf: await operator.csrf() });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${DLQ_PATH}?done=redrive&status=COMPLETED&moved=1&failed=0`);
    const after = await operator.get(`${res.location}&lang=en`);
    expect(text(after.body)).toContain(`Moved 1 message back to ${REGISTRY_QUEUE}.`);
    const reply = await new AgencyClient(sqsClient(), 'hanoi-land-office').awaitReply({ requestId }, 30_000);
    expect(reply).toMatchObject({ requestId, status: 'OK' });
    expect(await dlqDepth(REGISTRY_QUEUE)).toBe(0);
    expect(text((await operator.get('/console/ops?lang=en')).body)).toContain('Every queue and registry is healthy.');
  });
});

describe('lookups and the audit trail', () => {
  it('counts lookups per outcome from the audit trail, as a chart with a table, and says latency needs CloudWatch', async () => {
    const before = await operator.get('/console/ops/activity?lang=en');
    const total = (body: string) => Number(/(\d+) lookups? in all/.exec(text(body))?.[1]);
    const n = total(before.body);
    const looked = await httpLookup(h.engine, 'hanoi-land-office', identityRequest(nationalId));
    expect(looked.reply.status).toBe('OK');
    const res = await operator.get('/console/ops/activity?lang=en');
    expect(res.status).toBe(200);
    expect(total(res.body)).toBe(n + 1);
    expect(res.body).toMatch(/<svg role="img" aria-labelledby="chart-outcomes-title"/);
    expect(res.body).toContain('<title id="chart-outcomes-title">');
    expect(res.body).toContain('data-testid="table-outcomes"');
    expect(text(res.body)).toContain('only in CloudWatch’s LookupLatency metric');
    expect(res.body).not.toContain(nationalId);
  });

  it('verifies the recent audit partitions against the latest anchor in the data folder', async () => {
    const before = await operator.get('/console/ops/audit?lang=en');
    expect(before.status).toBe(200);
    expect(text(before.body)).toMatch(/Intact: \d+ partitions?, \d+ records, every link verified\./);
    expect(text(before.body)).toContain('No anchor is stored yet');
    // An anchor as the engine takes them (every 10 minutes, and on stop), kept where the engine keeps them.
    const taken = await anchorNow(new AuditLog(documentClient(), names.auditTable), new FileAnchorStore(dataDir));
    const res = await operator.get('/console/ops/audit?lang=en');
    const page = text(res.body);
    expect(res.body).toContain(taken.location);
    expect(page).toMatch(new RegExp(`Partitions ${taken.anchor.partitions.length} `));
    expect(page).toMatch(/\d+ partitions? in the range checked against the anchor’s heads\./);
    expect(page).toMatch(/Intact: \d+ partitions?/);
  });
});
