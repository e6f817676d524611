/**
 * The operators' pure rules (domain/ops/): the platform's queues, describing a dead-lettered message
 * without personal data, the queue alarms at their exact thresholds and their order, and lookups over
 * time (the window, the intervals, the counts at the reading limit, latency points on intervals).
 */
import { describe, expect, it } from 'vitest';
import { activityWindow, countOutcomes, intervals, onIntervals } from '../../domain/ops/activity.ts';
import { describeDeadLetter, ndxQueues, type NdxQueue, type QueueStatus, queueAlarms, resolveQueue, sortAlarms } from '../../domain/ops/queues.ts';

const topology = {
  agencies: [{ id: 'hanoi-land-office' }, { id: 'danang-tax-office' }],
  registries: [{ id: 'population' }],
  monitoring: { oldestMessageAgeSeconds: 300, unreadReplyAgeSeconds: 86_400 },
};

describe('the platform’s queues', () => {
  it('lists each agency’s out- and in-queue, then each registry’s, with their dead-letter queues, owners, readers and age limits', () => {
    expect(ndxQueues(topology)).toEqual([
      {
        name: 'ndx-agency-hanoi-land-office-out',
        deadLetterQueue: 'ndx-agency-hanoi-land-office-out-dlq',
        kind: 'agency-out',
        owner: 'hanoi-land-office',
        consumer: 'router',
        maxAgeSeconds: 300,
      },
      {
        name: 'ndx-agency-hanoi-land-office-in',
        deadLetterQueue: 'ndx-agency-hanoi-land-office-in-dlq',
        kind: 'agency-in',
        owner: 'hanoi-land-office',
        consumer: 'hanoi-land-office',
        maxAgeSeconds: 86_400,
      },
      {
        name: 'ndx-agency-danang-tax-office-out',
        deadLetterQueue: 'ndx-agency-danang-tax-office-out-dlq',
        kind: 'agency-out',
        owner: 'danang-tax-office',
        consumer: 'router',
        maxAgeSeconds: 300,
      },
      {
        name: 'ndx-agency-danang-tax-office-in',
        deadLetterQueue: 'ndx-agency-danang-tax-office-in-dlq',
        kind: 'agency-in',
        owner: 'danang-tax-office',
        consumer: 'danang-tax-office',
        maxAgeSeconds: 86_400,
      },
      {
        name: 'ndx-registry-population-in',
        deadLetterQueue: 'ndx-registry-population-in-dlq',
        kind: 'registry-in',
        owner: 'population',
        consumer: 'adapter population',
        maxAgeSeconds: 300,
      },
    ]);
  });

  it('resolves a queue by its name or its dead-letter queue’s, and nothing else', () => {
    expect(resolveQueue(topology, 'ndx-registry-population-in')?.kind).toBe('registry-in');
    expect(resolveQueue(topology, 'ndx-registry-population-in-dlq')?.name).toBe('ndx-registry-population-in');
    expect(resolveQueue(topology, 'ndx-registry-land-in')).toBeUndefined();
  });
});

describe('dead letters, described without personal data', () => {
  const [out, inQueue, , , registry] = ndxQueues(topology) as [NdxQueue, NdxQueue, NdxQueue, NdxQueue, NdxQueue];
  const request = {
    requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    contract: 'population.identity-verification',
    version: '1',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId: '001203004567' },
  };
  const attributes = { ApproximateReceiveCount: '4', SentTimestamp: '1780000000000', ApproximateFirstReceiveTimestamp: '1780000001000' };

  it('reads SQS’s figures: receives before this listing, size in bytes, times', () => {
    const d = describeDeadLetter(out, { MessageId: 'm-1', Body: JSON.stringify({ ...request, note: 'é' }), Attributes: attributes });
    expect(d).toMatchObject({
      messageId: 'm-1',
      receiveCount: 3,
      sizeBytes: Buffer.byteLength(JSON.stringify({ ...request, note: 'é' })),
      sentAt: new Date(1_780_000_000_000).toISOString(),
      firstReceivedAt: new Date(1_780_000_001_000).toISOString(),
    });
    expect(describeDeadLetter(out, { Body: '{}', Attributes: { ApproximateReceiveCount: '0', SentTimestamp: 'x' } })).toMatchObject({
      messageId: '',
      receiveCount: 0,
      sentAt: null,
      firstReceivedAt: null,
    });
    expect(describeDeadLetter(out, {})).toMatchObject({ messageId: '', receiveCount: 0, sizeBytes: 0, type: 'unreadable' });
  });

  it('names a request on an agency’s out-queue by its identifiers only, never its subject', () => {
    const d = describeDeadLetter(out, { MessageId: 'm', Body: JSON.stringify(request), Attributes: attributes });
    expect(d).toEqual({
      messageId: 'm',
      receiveCount: 3,
      sizeBytes: Buffer.byteLength(JSON.stringify(request)),
      sentAt: new Date(1_780_000_000_000).toISOString(),
      firstReceivedAt: new Date(1_780_000_001_000).toISOString(),
      type: 'lookup-request',
      requestId: request.requestId,
      contract: request.contract,
      version: '1',
      purpose: 'LAND_REGISTRATION',
      agency: 'hanoi-land-office',
      reason: 'router: the consumer failed on every delivery (e.g. a timeout, a throttle or an outage); processing is idempotent, so `ndx ops redrive` is safe',
    });
    expect(JSON.stringify(d)).not.toContain('001203004567');
    expect(describeDeadLetter(out, { Body: 'not json' })).toMatchObject({
      type: 'unreadable',
      agency: 'hanoi-land-office',
      reason: expect.stringMatching(/^not JSON, and the router answers those/),
    });
    expect(describeDeadLetter(out, { Body: '[1]' }).type).toBe('unreadable');
  });

  it('keeps an identifier only in its expected shape and at most 128 characters', () => {
    const odd = { requestId: 'Nguyễn Văn A', contract: 'Population', version: '1.2.3.4', purpose: 'land', subject: {} };
    const d = describeDeadLetter(out, { Body: JSON.stringify(odd) });
    expect(d).not.toHaveProperty('requestId');
    expect(d).not.toHaveProperty('contract');
    expect(d).not.toHaveProperty('version');
    expect(d).not.toHaveProperty('purpose');
    expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, version: '1.2.3', requestId: 'a'.repeat(64) }) })).toMatchObject({
      version: '1.2.3',
      requestId: 'a'.repeat(64),
    });
    expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, requestId: 'a'.repeat(65) }) })).not.toHaveProperty('requestId');
    expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, contract: `a${'.b'.repeat(64)}` }) })).not.toHaveProperty('contract');
    expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, contract: 7 }) })).not.toHaveProperty('contract');
    for (const [field, good, bad] of [
      ['contract', 'land.parcels-by-owner', 'land..x'],
      ['purpose', 'AB', 'A'],
      ['requestId', '0123abcd', '0123abc'],
    ] as const) {
      expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, [field]: good }) }), field).toHaveProperty(field, good);
      expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, [field]: bad }) }), field).not.toHaveProperty(field);
      expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, [field]: ` ${good}` }) }), field).not.toHaveProperty(field);
      expect(describeDeadLetter(out, { Body: JSON.stringify({ ...request, [field]: `${good} ` }) }), field).not.toHaveProperty(field);
    }
  });

  it('names a forwarded lookup on a registry’s queue, and anything else there as poison', () => {
    const forwarded = { kind: 'ndx.forwarded-lookup.v1', consumer: 'hanoi-land-office', version: '1.0.0', request };
    expect(describeDeadLetter(registry, { MessageId: 'm', Body: JSON.stringify(forwarded) })).toMatchObject({
      type: 'forwarded-lookup',
      requestId: request.requestId,
      contract: request.contract,
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      agency: 'hanoi-land-office',
      reason: expect.stringMatching(/^adapter population: the consumer failed on every delivery/),
    });
    const poison = /^poison: not a forwarded lookup/;
    expect(describeDeadLetter(registry, { Body: JSON.stringify({ ...forwarded, kind: 'x' }) })).toMatchObject({
      type: 'unknown',
      reason: expect.stringMatching(poison),
    });
    expect(describeDeadLetter(registry, { Body: JSON.stringify({ ...forwarded, request: 'x' }) }).type).toBe('unknown');
    expect(describeDeadLetter(registry, { Body: JSON.stringify({ ...forwarded, request: null }) }).type).toBe('unknown');
    expect(describeDeadLetter(registry, { Body: 'x' })).toMatchObject({ type: 'unreadable', reason: expect.stringMatching(poison) });
  });

  it('names a reply on an agency’s in-queue with its outcome, and how often the agency failed on it', () => {
    const reply = { requestId: request.requestId, status: 'DENIED', code: 'CONSENT_REVOKED', message: 'm', contract: request.contract };
    expect(describeDeadLetter(inQueue, { Body: JSON.stringify(reply), Attributes: { ApproximateReceiveCount: '6' } })).toMatchObject({
      type: 'lookup-reply',
      requestId: request.requestId,
      contract: request.contract,
      status: 'DENIED',
      code: 'CONSENT_REVOKED',
      agency: 'hanoi-land-office',
      reason: 'a reply agency hanoi-land-office received 5 time(s) without deleting it (its client failed on it); a redrive hands it to the agency again',
    });
    expect(
      describeDeadLetter(inQueue, { Body: JSON.stringify({ ...reply, status: 'MAYBE', code: 'x' }), Attributes: { ApproximateReceiveCount: '1' } }),
    ).toMatchObject({
      reason: expect.stringContaining('received several time(s)'),
    });
    const unreadable = describeDeadLetter(inQueue, { Body: '{' });
    expect(unreadable).toMatchObject({ type: 'unreadable', agency: 'hanoi-land-office' });
    expect(unreadable).not.toHaveProperty('status');
    expect(describeDeadLetter(inQueue, { Body: JSON.stringify({ ...reply, status: 'MAYBE', code: 'x' }) })).not.toHaveProperty('status');
  });
});

describe('queue alarms', () => {
  const status = (over: Partial<QueueStatus> = {}): QueueStatus => ({
    ...(ndxQueues(topology)[0] as NdxQueue),
    exists: true,
    queue: { visible: 0, inFlight: 0, oldestAgeSeconds: 0 },
    dlq: { visible: 0, inFlight: 0, oldestAgeSeconds: null },
    ageSource: 'cloudwatch',
    problems: [],
    ...over,
  });

  it('fire at one dead letter and at the age limit exactly, and are unknown for a queue that does not exist or an age not known', () => {
    const at = (over: Partial<QueueStatus>) => queueAlarms({ queues: [status(over)] }).map((a) => [a.name, a.state, a.threshold, a.value]);
    expect(at({})).toEqual([
      ['ndx-agency-hanoi-land-office-out-dlq-depth', 'OK', 1, 0],
      ['ndx-agency-hanoi-land-office-out-oldest-message-age', 'OK', 300, 0],
    ]);
    expect(at({ dlq: { visible: 1, inFlight: 0, oldestAgeSeconds: null }, queue: { visible: 1, inFlight: 0, oldestAgeSeconds: 300 } })).toEqual([
      ['ndx-agency-hanoi-land-office-out-dlq-depth', 'ALARM', 1, 1],
      ['ndx-agency-hanoi-land-office-out-oldest-message-age', 'ALARM', 300, 300],
    ]);
    expect(at({ queue: { visible: 1, inFlight: 0, oldestAgeSeconds: 299 } })[1]).toEqual([
      'ndx-agency-hanoi-land-office-out-oldest-message-age',
      'OK',
      300,
      299,
    ]);
    expect(at({ queue: { visible: 0, inFlight: 0, oldestAgeSeconds: null } })[1]).toEqual([
      'ndx-agency-hanoi-land-office-out-oldest-message-age',
      'UNKNOWN',
      300,
      undefined,
    ]);
    expect(at({ exists: false, dlq: { visible: 3, inFlight: 0, oldestAgeSeconds: null }, queue: { visible: 0, inFlight: 0, oldestAgeSeconds: 900 } })).toEqual([
      ['ndx-agency-hanoi-land-office-out-dlq-depth', 'UNKNOWN', 1, undefined],
      ['ndx-agency-hanoi-land-office-out-oldest-message-age', 'UNKNOWN', 300, undefined],
    ]);
    const [depth, age] = queueAlarms({ queues: [status()] });
    expect([depth?.queue, depth?.watches, age?.queue, age?.watches]).toEqual([
      'ndx-agency-hanoi-land-office-out',
      'dlq-depth',
      'ndx-agency-hanoi-land-office-out',
      'oldest-age',
    ]);
  });

  it('sort firing alarms first, then insufficient data, unknown, OK; by name within each', () => {
    const alarms = [
      { name: 'b', state: 'OK' },
      { name: 'a', state: 'OK' },
      { name: 'c', state: 'UNKNOWN' },
      { name: 'd', state: 'INSUFFICIENT_DATA' },
      { name: 'f', state: 'ALARM' },
      { name: 'e', state: 'ALARM' },
    ] as const;
    expect(sortAlarms(alarms).map((a) => a.name)).toEqual(['e', 'f', 'd', 'c', 'a', 'b']);
    expect(alarms[0].name).toBe('b');
  });
});

describe('lookups over time', () => {
  const now = new Date('2026-06-01T10:30:00.000Z');

  it('ends the window at the end of the current interval and covers the hours asked, with the UTC days to read', () => {
    const w = activityWindow(now);
    expect(w).toEqual({
      from: new Date('2026-05-31T11:00:00.000Z'),
      to: new Date('2026-06-01T11:00:00.000Z'),
      stepMs: 3_600_000,
      days: { from: '2026-05-31', to: '2026-06-01' },
    });
    expect(intervals(w)).toHaveLength(24);
    expect(intervals(w)[0]).toEqual(w.from);
    expect(intervals(w).at(-1)).toEqual(new Date('2026-06-01T10:00:00.000Z'));
    const short = activityWindow(now, 1, 15);
    expect([short.from.toISOString(), short.to.toISOString(), short.stepMs]).toEqual(['2026-06-01T09:45:00.000Z', '2026-06-01T10:45:00.000Z', 900_000]);
    expect(intervals(short)).toHaveLength(4);
    expect(activityWindow(new Date('2026-06-01T10:00:00.000Z'), 2).to.toISOString()).toBe('2026-06-01T11:00:00.000Z');
  });

  it('counts each record in its interval, from the window’s first instant up to but not including its end', async () => {
    const w = activityWindow(now, 2);
    async function* records(list: Array<{ at: string; status: 'OK' | 'DENIED' }>) {
      yield* list;
    }
    const counted = await countOutcomes(
      records([
        { at: '2026-06-01T09:00:00.000Z', status: 'OK' },
        { at: '2026-06-01T09:59:59.999Z', status: 'DENIED' },
        { at: '2026-06-01T10:00:00.000Z', status: 'OK' },
        { at: '2026-06-01T08:59:59.999Z', status: 'OK' },
        { at: '2026-06-01T11:00:00.000Z', status: 'OK' },
        { at: 'not a date', status: 'OK' },
      ]),
      w,
      100,
    );
    expect(counted.total).toBe(3);
    expect(counted.read).toBe(6);
    expect(counted.truncated).toBe(false);
    expect(counted.rows.map((r) => [r.start, r.counts.OK, r.counts.DENIED, r.counts.ERROR])).toEqual([
      ['2026-06-01T09:00:00.000Z', 1, 1, 0],
      ['2026-06-01T10:00:00.000Z', 1, 0, 0],
    ]);
  });

  it('reads at most the limit, and says so only when a record was left unread', async () => {
    const w = activityWindow(now, 1);
    const three = async function* () {
      for (let i = 0; i < 3; i++) yield { at: '2026-06-01T10:10:00.000Z', status: 'OK' as const };
    };
    expect(await countOutcomes(three(), w, 3)).toMatchObject({ read: 3, total: 3, truncated: false });
    expect(await countOutcomes(three(), w, 2)).toMatchObject({ read: 2, total: 2, truncated: true });
  });

  it('puts latency points on the intervals, rounded, and null where there is none', () => {
    const w = activityWindow(now, 2);
    const [first, second] = intervals(w).map((d) => d.getTime()) as [number, number];
    expect(
      onIntervals(w, {
        average: new Map([[first, 12.4]]),
        maximum: new Map([
          [first, 40.5],
          [second, 7],
        ]),
      }),
    ).toEqual([
      { start: '2026-06-01T09:00:00.000Z', average: 12, maximum: 41 },
      { start: '2026-06-01T10:00:00.000Z', average: null, maximum: 7 },
    ]);
  });
});
