/**
 * The operators' desk without I/O: the alarm conditions computed from queue figures, lookups counted
 * per outcome and interval, latency put on intervals, the desk's rules (which queue, which days are
 * verified, where alarms come from), the redrive's flash, and the pages as rendered (charts with a
 * role, a title and a table; no message body).
 */
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { STATUSES, type Status } from '../../contracts/protocol.ts';
import { redriveFlash, redriveQuery } from '../../console/routes/operator.ts';
import { activityPage, auditPage, axisTop, deadLettersPage, healthPage } from '../../console/pages/operator.ts';
import { MESSAGES } from '../../console/i18n.ts';
import type { PageContext } from '../../console/html.ts';
import { DESK_LIMITS, OperatorDesk, type OperatorPorts, UnknownQueueError } from '../../domain/console/operator.ts';
import { activityWindow, countOutcomes, intervals, onIntervals } from '../../domain/ops/activity.ts';
import { describeDeadLetter, ndxQueues, opsTopology, type PlatformStatus, type QueueStatus, queueAlarms, sortAlarms } from '../../domain/ops/queues.ts';

const config = defineConfig({
  registries: [{ id: 'population', title: 'Population', operator: 'MPS', key: { partition: 'nationalId' } }],
  agencies: [{ id: 'hanoi-land-office', name: 'Hanoi Land Registration Office' }],
  environments: { dev: { region: 'ap-southeast-1' } },
  monitoring: { oldestMessageAgeSeconds: 300, unreadReplyAgeSeconds: 3600 },
});
const queues = ndxQueues(config);

function statusOf(q: (typeof queues)[number], over: Partial<QueueStatus> = {}): QueueStatus {
  return {
    ...q,
    exists: true,
    queue: { visible: 0, inFlight: 0, oldestAgeSeconds: null },
    dlq: { visible: 0, inFlight: 0, oldestAgeSeconds: null },
    ageSource: 'n/a',
    problems: [],
    ...over,
  };
}

const NOW = new Date('2026-11-29T10:17:00.000Z');
const ctx = (lang: 'vi' | 'en' = 'en', path = '/console/ops'): PageContext => ({
  m: MESSAGES[lang],
  path,
  local: true,
  principal: { kind: 'staff', email: 'operator@ndx.gov.vn', roles: ['operator'] },
  csrf: 'token-123',
});

async function* records(list: { at: string; status: Status }[]) {
  yield* list;
}

describe('the topology the console function is given', () => {
  it('gives the same queues as the configuration it came from', () => {
    expect(ndxQueues(JSON.parse(JSON.stringify(opsTopology(config))))).toEqual(queues);
    expect(queues.map((q) => [q.name, q.maxAgeSeconds])).toEqual([
      ['ndx-agency-hanoi-land-office-out', 300],
      ['ndx-agency-hanoi-land-office-in', 3600],
      ['ndx-registry-population-in', 300],
    ]);
  });
});

describe('queue alarms computed from the figures', () => {
  const [out, inbound, registry] = queues as [(typeof queues)[number], (typeof queues)[number], (typeof queues)[number]];

  it('fires the dead-letter alarm at one visible message, with the deployed name and threshold', () => {
    const alarms = queueAlarms({ queues: [statusOf(registry, { dlq: { visible: 1, inFlight: 0, oldestAgeSeconds: 5 } })] });
    expect(alarms[0]).toEqual({
      name: 'ndx-registry-population-in-dlq-depth',
      queue: registry.name,
      watches: 'dlq-depth',
      threshold: 1,
      state: 'ALARM',
      value: 1,
    });
    expect(queueAlarms({ queues: [statusOf(registry)] })[0]).toMatchObject({ state: 'OK', value: 0 });
  });

  it('fires the age alarm at the threshold exactly, and never guesses an age it does not have', () => {
    const at = (age: number | null) => queueAlarms({ queues: [statusOf(inbound, { queue: { visible: 1, inFlight: 0, oldestAgeSeconds: age } })] })[1];
    expect(at(3599)).toMatchObject({ name: 'ndx-agency-hanoi-land-office-in-oldest-message-age', state: 'OK', threshold: 3600, value: 3599 });
    expect(at(3600)).toMatchObject({ state: 'ALARM', value: 3600 });
    expect(at(null)).toEqual({
      name: 'ndx-agency-hanoi-land-office-in-oldest-message-age',
      queue: inbound.name,
      watches: 'oldest-age',
      threshold: 3600,
      state: 'UNKNOWN',
    });
  });

  it('says nothing is known of a queue that does not exist', () => {
    expect(queueAlarms({ queues: [statusOf(out, { exists: false })] }).map((a) => a.state)).toEqual(['UNKNOWN', 'UNKNOWN']);
  });

  it('sorts firing alarms first, then unknown, then OK, by name within each', () => {
    const sorted = sortAlarms([
      { name: 'b', state: 'OK' as const },
      { name: 'z', state: 'ALARM' as const },
      { name: 'a', state: 'UNKNOWN' as const },
      { name: 'c', state: 'ALARM' as const },
      { name: 'd', state: 'INSUFFICIENT_DATA' as const },
    ]);
    expect(sorted.map((a) => a.name)).toEqual(['c', 'z', 'd', 'a', 'b']);
  });
});

describe('lookups over time', () => {
  const w = activityWindow(NOW, 24, 60);

  it('covers the last 24 hours in hours aligned on the hour, the current one last', () => {
    expect(w.from.toISOString()).toBe('2026-11-28T11:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-11-29T11:00:00.000Z');
    expect(intervals(w)).toHaveLength(24);
    expect(w.days).toEqual({ from: '2026-11-28', to: '2026-11-29' });
  });

  it('counts each lookup in its hour and outcome, and none outside the window', async () => {
    const counts = await countOutcomes(
      records([
        { at: '2026-11-29T10:16:59.000Z', status: 'OK' },
        { at: '2026-11-29T10:00:00.000Z', status: 'DENIED' },
        { at: '2026-11-29T09:59:59.999Z', status: 'OK' },
        { at: '2026-11-28T11:00:00.000Z', status: 'NOT_FOUND' },
        { at: '2026-11-28T10:59:59.999Z', status: 'OK' }, // before the window
        { at: 'not a time', status: 'OK' },
      ]),
      w,
      100,
    );
    expect(counts.total).toBe(4);
    expect(counts.read).toBe(6);
    expect(counts.truncated).toBe(false);
    expect(counts.rows.at(-1)).toEqual({ start: '2026-11-29T10:00:00.000Z', counts: { ...zero(), OK: 1, DENIED: 1 } });
    expect(counts.rows.at(-2)?.counts.OK).toBe(1);
    expect(counts.rows[0]).toEqual({ start: '2026-11-28T11:00:00.000Z', counts: { ...zero(), NOT_FOUND: 1 } });
  });

  it('stops at the limit and says the counts are a lower bound', async () => {
    const many = Array.from({ length: 10 }, () => ({ at: '2026-11-29T10:00:00.000Z', status: 'OK' as const }));
    const counts = await countOutcomes(records(many), w, 7);
    expect(counts).toMatchObject({ total: 7, read: 7, truncated: true });
    expect((await countOutcomes(records(many.slice(0, 7)), w, 7)).truncated).toBe(false);
  });

  it('puts metric points on the intervals, rounded, and leaves hours without a lookup empty', () => {
    const t = Date.parse('2026-11-29T09:00:00.000Z');
    const rows = onIntervals(w, { average: new Map([[t, 41.6]]), maximum: new Map([[t, 120.2]]) });
    expect(rows).toHaveLength(24);
    expect(rows.find((r) => r.start === '2026-11-29T09:00:00.000Z')).toEqual({ start: '2026-11-29T09:00:00.000Z', average: 42, maximum: 120 });
    expect(rows.filter((r) => r.average === null)).toHaveLength(23);
  });

  it('draws axes to a round top', () => {
    expect([0, 1, 3, 7, 10, 11, 450, 501].map(axisTop)).toEqual([1, 1, 5, 10, 10, 20, 500, 1000]);
  });
});

const zero = () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;

function fakePorts(over: Partial<OperatorPorts> = {}): OperatorPorts & { calls: unknown[] } {
  const calls: unknown[] = [];
  const status: PlatformStatus = { healthy: true, queues: queues.map((q) => statusOf(q)), registries: [], problems: [] };
  return {
    calls,
    queues,
    status: async () => status,
    deadLetters: async (q, max) => {
      calls.push(['deadLetters', q.name, max]);
      return { messages: [], depth: 0 };
    },
    redrive: async (q) => ({ queue: q.name, deadLetterQueue: q.deadLetterQueue, method: 'move-task', moved: 2, failed: 0, status: 'COMPLETED' }),
    lookups: (days) => {
      calls.push(['lookups', days]);
      return records([]);
    },
    verify: async (range, anchor) => {
      calls.push(['verify', range, anchor?.takenAt]);
      return { ok: true, ...range, records: 0, partitions: [] };
    },
    clock: () => NOW,
    ...over,
  };
}

describe('the desk', () => {
  it('knows a queue by its name or its dead-letter queue’s, and nothing else', async () => {
    const desk = new OperatorDesk(fakePorts());
    expect(desk.queue('ndx-registry-population-in-dlq').name).toBe('ndx-registry-population-in');
    expect(() => desk.queue('ndx-registry-elsewhere-in')).toThrow(UnknownQueueError);
    await expect(desk.redrive('some-queue')).rejects.toThrow(UnknownQueueError);
    expect((await desk.redrive('ndx-registry-population-in')).moved).toBe(2);
  });

  it('lists at most the desk’s limit of dead letters', async () => {
    const ports = fakePorts();
    await new OperatorDesk(ports).deadLetters('ndx-registry-population-in');
    expect(ports.calls).toContainEqual(['deadLetters', 'ndx-registry-population-in', DESK_LIMITS.deadLetters]);
  });

  it('shows CloudWatch’s alarms where there is CloudWatch, else computes the queue alarms', async () => {
    const computed = await new OperatorDesk(fakePorts()).health();
    expect(computed.alarmSource).toBe('computed');
    expect(computed.alarms).toHaveLength(queues.length * 2);
    const cloud = await new OperatorDesk(
      fakePorts({ alarms: async () => [{ name: 'ndx-router-errors', state: 'ALARM', watches: 'other', threshold: 1, reason: 'Threshold Crossed' }] }),
    ).health();
    expect(cloud).toMatchObject({ alarmSource: 'cloudwatch', alarms: [{ name: 'ndx-router-errors', state: 'ALARM' }] });
  });

  it('reads the audit partitions of the window’s days, and latency only where there is CloudWatch', async () => {
    const ports = fakePorts();
    const view = await new OperatorDesk(ports).activity();
    expect(ports.calls).toContainEqual(['lookups', { from: '2026-11-28', to: '2026-11-29' }]);
    expect(view.latency).toBeUndefined();
    const withCloud = await new OperatorDesk(fakePorts({ latency: async (w) => onIntervals(w, { average: new Map(), maximum: new Map() }) })).activity();
    expect(withCloud.latency).toHaveLength(24);
  });

  it('verifies the last two UTC days against the latest anchor, and says when there is no place for anchors', async () => {
    const anchor = { version: 1, takenAt: '2026-11-29T10:00:00.000Z', partitions: [{ partition: 'platform#2026-11-29#0', seq: 3, hash: 'h' }] };
    const ports = fakePorts({ latestAnchor: async () => ({ anchor: anchor as never, location: '/data/anchors/x.json' }) });
    const view = await new OperatorDesk(ports).audit();
    expect(ports.calls).toContainEqual(['verify', { from: '2026-11-28', to: '2026-11-29' }, '2026-11-29T10:00:00.000Z']);
    expect(view).toMatchObject({
      range: { from: '2026-11-28', to: '2026-11-29' },
      anchor: { partitions: 1, location: '/data/anchors/x.json' },
      noStore: false,
    });
    expect((await new OperatorDesk(fakePorts()).audit()).noStore).toBe(true);
  });
});

describe('the redrive’s answer', () => {
  const m = MESSAGES.en;
  const result = { queue: 'q', deadLetterQueue: 'q-dlq', method: 'move-task' as const, moved: 3, failed: 0, status: 'COMPLETED' };

  it('carries figures only, and reads them back', () => {
    const query = Object.fromEntries(new URLSearchParams(redriveQuery(result)));
    expect(query).toEqual({ done: 'redrive', status: 'COMPLETED', moved: '3', failed: '0' });
    expect(redriveFlash(m, 'q', query)).toEqual({ text: 'Moved 3 messages back to q.', tone: 'ok' });
    expect(redriveFlash(m, 'q', { ...query, failed: '1' })?.tone).toBe('warn');
    expect(redriveFlash(m, 'q', { ...query, status: 'RUNNING' })?.text).toContain('Moving (3 moved so far)');
    expect(redriveFlash(m, 'q', { ...query, status: 'NOTHING_TO_MOVE' })?.text).toBe(m.ops.redrive.nothing);
  });

  it('shows nothing for a query it did not write', () => {
    expect(redriveFlash(m, 'q', {})).toBeUndefined();
    expect(redriveFlash(m, 'q', { done: 'redrive', moved: '<script>', failed: '0' })).toBeUndefined();
    expect(redriveFlash(m, 'q', { done: 'redrive', moved: '-1', failed: '0' })).toBeUndefined();
  });
});

describe('the pages', () => {
  const w = activityWindow(NOW);

  it('draw the lookups chart as an image with a title, and the same figures as a table', async () => {
    const counts = await countOutcomes(records([{ at: '2026-11-29T10:01:00.000Z', status: 'DENIED' }]), w, 10);
    const out = renderToString(activityPage(ctx('en', '/console/ops/activity'), { window: w, counts }));
    expect(out).toMatch(
      /<svg role="img" aria-labelledby="chart-outcomes-title"[^>]*><title id="chart-outcomes-title">Bar chart: lookups per hour over the last 24 hours/,
    );
    expect(out.match(/<rect /g)).toHaveLength(1);
    expect(out).toContain('fill="#a3151c"'); // DENIED
    expect(out).toContain('<caption>Lookups per hour, by outcome</caption>');
    expect(out.match(/<tr>/g)?.length).toBe(25); // the header and 24 hours
    expect(out).toContain('data-testid="latency-none"');
    expect(out).not.toContain('style=');
  });

  it('draw latency as two lines with a table, with gaps where no lookup was answered', () => {
    const t = Date.parse('2026-11-29T10:00:00.000Z');
    const latency = onIntervals(w, { average: new Map([[t, 80]]), maximum: new Map([[t, 400]]) });
    const out = renderToString(
      activityPage(ctx('vi', '/console/ops/activity'), { window: w, counts: { rows: [], total: 0, read: 0, truncated: false }, latency }),
    );
    expect(out).toContain('<svg role="img" aria-labelledby="chart-latency-title"');
    expect(out).toContain('<title id="chart-latency-title">Biểu đồ đường');
    expect(out.match(/<polyline points="[\d.]+,[\d.]+"/g)).toHaveLength(2);
    expect(out).toContain('<td class="num">80</td><td class="num">400</td>');
    expect(out).not.toContain('data-testid="latency-none"');
  });

  it('list dead letters by their metadata, never their bodies', () => {
    const q = queues[2]!;
    const body = JSON.stringify({
      kind: 'ndx.forwarded-lookup.v1',
      request: {
        requestId: '5f0c3c1e-8d1b-4c51-9d1e-0b6a3f1c2d4e',
        contract: 'population.identity-verification',
        purpose: 'LAND_REGISTRATION',
        subject: { nationalId: '001203004567' },
        onBehalfOf: 'officer-7',
      },
      version: '1.0.0',
      consumer: 'hanoi-land-office',
      subjectHash: 'ab'.repeat(32),
    });
    const d = describeDeadLetter(q, { MessageId: 'm-1', Body: body, Attributes: { ApproximateReceiveCount: '3', SentTimestamp: String(NOW.getTime()) } });
    const out = renderToString(deadLettersPage(ctx(), { queue: q, depth: 1, messages: [d], more: false }));
    expect(out).toContain('5f0c3c1e-8d1b-4c51-9d1e-0b6a3f1c2d4e');
    expect(out).toContain('population.identity-verification@1.0.0');
    for (const secret of ['001203004567', 'officer-7', 'ab'.repeat(32)]) expect(out).not.toContain(secret);
    expect(out).toContain('href="/console/ops/dlq/ndx-registry-population-in/redrive"');
  });

  it('show a broken audit partition and the anchor checked against', () => {
    const out = renderToString(
      auditPage(ctx(), {
        range: { from: '2026-11-28', to: '2026-11-29' },
        report: {
          ok: false,
          records: 7,
          partitions: [
            { partition: 'population#2026-11-29#3', records: 4, broken: { seq: 3, kind: 'gap', message: 'seq 3 is missing' } as never },
            { partition: 'platform#2026-11-29#0', records: 3 },
          ],
          anchor: { takenAt: '2026-11-29T10:00:00.000Z', partitions: 2 },
        },
        anchor: { takenAt: '2026-11-29T10:00:00.000Z', partitions: 5, location: 's3://bucket/anchors/x.json' },
        noStore: false,
      }),
    );
    expect(out).toContain('BROKEN: 1 of 2 partitions fail verification.');
    expect(out).toContain('population#2026-11-29#3');
    expect(out).toContain('seq 3 is missing');
    expect(out).toContain('s3://bucket/anchors/x.json');
    expect(out).toContain('2 partitions in the range checked against the anchor’s heads.');
  });

  it('say the alarms are computed here, in both languages, and mark the current page', () => {
    const status: PlatformStatus = { healthy: true, queues: queues.map((q) => statusOf(q)), registries: [], problems: [] };
    const view = { status, alarmSource: 'computed' as const, alarms: queueAlarms(status), at: NOW.toISOString() };
    expect(renderToString(healthPage(ctx('en'), view))).toContain('Alarms are CloudWatch’s and exist only on AWS');
    const vi = renderToString(healthPage(ctx('vi'), view));
    expect(vi).toContain('Cảnh báo là của CloudWatch');
    expect(vi).toContain('<a href="/console/ops" aria-current="page">Tình trạng</a>');
  });
});
