/**
 * A registry backed by an agency's existing system over HTTP: the business register served by a local
 * HTTP server (local/agency-system.ts), read by the business adapter through its HTTP source, inside
 * the real local engine. A slow or failing upstream is retried (attempts with backoff within a
 * delivery, then deliveries of the queue) and every lookup ends in exactly one reply: OK once the
 * upstream answers, ERROR/REGISTRY_UNAVAILABLE when it never does. Nothing lands in a DLQ.
 *
 * No assertion rests on how fast this machine is: the upstream's requests are counted per path by a
 * recording proxy in front of it, a slow upstream is one that never answers (the adapter's timeout is
 * what ends the attempt, however long that takes), and deliveries are told apart by counts, not clocks.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { enterpriseCheckDigit } from '../../contracts/identifiers.ts';
import { AuditLog, auditIdOf } from '../../aws/audit-log.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import type { EnterpriseProfile } from '../../registries/business/record.ts';
import { generateWorld, worldExamples } from '../../synthetic/world.ts';
import { startBusinessSystem, type AgencySystem } from '../../local/agency-system.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { asker } from './ask.ts';
import { fastConfig, startHarness, type Harness } from './support.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { LOCAL_PEPPER } from '../../config/local.ts';

const COUNT = 1000;
const ex = worldExamples({ seed: DEMO_SEED, count: COUNT });
const operating: EnterpriseProfile[] = [];
const first9 = '980000001';
const absentCode = `${first9}${enterpriseCheckDigit(first9)}`;
for (const e of generateWorld({ seed: DEMO_SEED, count: COUNT })) {
  if (e.kind === 'enterprise' && e.record.type !== 'BRANCH' && e.record.status === 'OPERATING') operating.push(e.record);
}
// Per-attempt timeout and attempts: 3 × 400 ms plus backoff fits a 2 s function timeout. The timeout is long
// enough that an answer the upstream gives at once is not lost to a busy machine; only held requests time out.
const SOURCE = { timeoutMs: 400, attempts: 3 };
const FUNCTION_TIMEOUT_SECONDS = 2;

/**
 * A proxy in front of the agency system: records the path of every request, and holds the ones it is told
 * to hold without ever answering them, so only the adapter's own timeout ends those attempts.
 */
interface Recorder {
  url: string;
  /** Paths requested so far, in order. */
  paths: string[];
  /** Requests for exactly `path` are held, the next `times` of them (default: all). */
  hold(path: string, times?: number): void;
  heal(): void;
  close(): Promise<void>;
}

async function startRecorder(target: string): Promise<Recorder> {
  let holds: Array<{ path: string; left: number }> = [];
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    paths.push(path);
    const hold = holds.find((x) => x.left > 0 && x.path === path);
    if (hold) {
      hold.left--;
      return; // never answered
    }
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    hold(path, times = Infinity) {
      holds.push({ path, left: times });
    },
    heal() {
      holds = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let system: AgencySystem;
let upstream: Recorder;
let h: Harness;
let maxReceiveCount = 0;
const recordPath = (enterpriseCode: string) => `/enterprises/${enterpriseCode}`;
/** How often the upstream was asked for one enterprise's record (since `from`, an index into the paths). */
const asked = (enterpriseCode: string, from = 0) => upstream.paths.slice(from).filter((p) => p === recordPath(enterpriseCode)).length;
const { ask, stop: stopAsking } = asker();
const agency = 'hanoi-land-office';
type Reply = Awaited<ReturnType<typeof ask>>;
const profile = (enterpriseCode: string) => ask(agency, { contract: 'business.enterprise-profile', purpose: 'LAND_REGISTRATION', subject: { enterpriseCode } });

beforeAll(async () => {
  system = await startBusinessSystem({ seed: DEMO_SEED, count: COUNT });
  upstream = await startRecorder(system.url);
  const base = fastConfig();
  maxReceiveCount = base.queues.maxReceiveCount;
  const config = defineConfig({
    ...base,
    functions: { ...base.functions, timeoutSeconds: FUNCTION_TIMEOUT_SECONDS },
    registries: base.registries.map((r) => (r.id === 'business' ? { ...r, source: { kind: 'http' as const, url: upstream.url, ...SOURCE } } : r)),
  });
  h = await startHarness({ count: COUNT, config });
});

afterAll(async () => {
  await stopAsking();
  await h?.stop();
  await upstream?.close();
  await system?.close();
});

describe('business registration read from the portal’s own system over HTTP', () => {
  it('the adapter is configured with the agency system, not its table', () => {
    const adapter = h.engine.resources.functions.find((f) => f.environment.NDX_REGISTRY_ID === 'business')!;
    expect(adapter.environment).toMatchObject({
      NDX_REGISTRY_SOURCE_URL: upstream.url,
      NDX_REGISTRY_SOURCE_TIMEOUT_MS: String(SOURCE.timeoutMs),
      NDX_REGISTRY_SOURCE_ATTEMPTS: String(SOURCE.attempts),
    });
  });

  it('answers OK, NOT_FOUND and INVALID as a table-backed registry does, and pages lists through the upstream cursor', async () => {
    const before = upstream.paths.length;
    const [ok, absent, malformed] = await Promise.all([profile(ex.employee.employerCode), profile(absentCode), profile('12345')]);
    expect(ok).toMatchObject({ status: 'OK', data: { enterpriseCode: ex.employee.employerCode }, provenance: { registry: 'business' } });
    expect(absent).toMatchObject({ status: 'NOT_FOUND', code: 'SUBJECT_NOT_FOUND' });
    expect(malformed).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
    // Each lookup asked the upstream for its own record (more than once only if an attempt was retried), and
    // nothing else was asked: the malformed key never left the router.
    expect(asked(ex.employee.employerCode, before)).toBeGreaterThanOrEqual(1);
    expect(asked(absentCode, before)).toBeGreaterThanOrEqual(1);
    expect(upstream.paths.slice(before).filter((p) => p !== recordPath(ex.employee.employerCode) && p !== recordPath(absentCode))).toEqual([]);

    const codes: string[] = [];
    let token: string | undefined;
    do {
      const page = await ask('danang-tax-office', {
        contract: 'business.enterprises-by-representative',
        purpose: 'TAX_ENFORCEMENT',
        subject: { nationalId: ex.representative.nationalId },
        page: { size: 1, ...(token ? { token } : {}) },
      });
      expect(page).toMatchObject({ status: 'OK' });
      codes.push(...(page.data!.items as Array<{ enterpriseCode: string }>).map((i) => i.enterpriseCode));
      token = page.data!.nextPageToken as string | undefined;
    } while (token);
    expect(codes).toHaveLength(ex.representative.enterprises);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('rides out a slow upstream (timeouts, retried within the delivery), a failing one (retried across deliveries), and answers REGISTRY_UNAVAILABLE for one that never answers; one reply each, nothing in a DLQ', async () => {
    const [slow, flaky, down, hung] = operating.slice(1, 5).map((e) => e.enterpriseCode) as [string, string, string, string];
    // Slow: the first two attempts are never answered (the adapter's timeout ends them), the third is.
    upstream.hold(recordPath(slow), 2);
    // Failing: more 503s than one delivery's attempts, so the queue delivers the lookup again.
    system.fail(503, { times: SOURCE.attempts + 1, match: flaky });
    // Down for good, and hanging for good.
    system.fail(503, { match: down });
    upstream.hold(recordPath(hung));
    const before = upstream.paths.length;
    const [a, b, c, d] = (await Promise.all([slow, flaky, down, hung].map((code) => profile(code)))) as [Reply, Reply, Reply, Reply];
    expect(a).toMatchObject({ status: 'OK', data: { enterpriseCode: slow } });
    expect(b).toMatchObject({ status: 'OK', data: { enterpriseCode: flaky } });
    expect(c).toMatchObject({ status: 'ERROR', code: 'REGISTRY_UNAVAILABLE' });
    expect(d).toMatchObject({ status: 'ERROR', code: 'REGISTRY_UNAVAILABLE' });
    expect(c.data).toBeUndefined();
    // The slow one was retried within its delivery; the flaky one needed a second delivery (its first used
    // all its attempts on 503s); the dead and the hung ones used every attempt of every delivery, and no more.
    expect(asked(slow, before)).toBeGreaterThanOrEqual(3);
    expect(asked(flaky, before)).toBeGreaterThanOrEqual(SOURCE.attempts + 2);
    expect(asked(down, before)).toBe(SOURCE.attempts * maxReceiveCount);
    expect(asked(hung, before)).toBe(SOURCE.attempts * maxReceiveCount);
    system.heal();
    upstream.heal();

    // One audit record per lookup; no stray second reply; nothing dead-lettered.
    // (a lookup naming a subject is found by it: its marker is kept with the subject's)
    for (const [reply, enterpriseCode] of [
      [a, slow],
      [b, flaky],
      [c, down],
      [d, hung],
    ] as const) {
      const subjectHash = subjectHasher(LOCAL_PEPPER)({ enterpriseCode });
      expect(await new AuditLog(documentClient(), names.auditTable).find(auditIdOf(agency, reply.requestId, ''), 'lookup', subjectHash)).toBeDefined();
    }
    const dlq = h.engine.queueUrl(names.deadLetterQueue(names.registryInQueue('business')));
    const inbox = h.engine.queueUrl(names.agencyInQueue(agency));
    for (const url of [dlq, inbox]) {
      const attrs = await sqsClient().send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      expect(Number(attrs.Attributes!.ApproximateNumberOfMessages) + Number(attrs.Attributes!.ApproximateNumberOfMessagesNotVisible), url).toBe(0);
    }

    // Healed, the same enterprise answers at once.
    expect(await profile(down)).toMatchObject({ status: 'OK' });
  });
});
