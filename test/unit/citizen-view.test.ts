import { describe, expect, it } from 'vitest';
import { genesisHash, linkRecord } from '../../domain/audit/chain.ts';
import { citizenTrail } from '../../domain/audit/citizen-view.ts';

const P = 'platform#2026-11-23#0';
let seq = 0;
let prev = genesisHash(P);
function stored(body: Record<string, unknown>): Record<string, unknown> {
  const item = linkRecord(body, { partition: P, seq: ++seq, prevHash: prev });
  prev = item.hash;
  return item;
}

const lookup = (auditId: string, at: string, over: Record<string, unknown> = {}) =>
  stored({
    kind: 'lookup',
    auditId,
    at,
    consumer: 'hanoi-land-office',
    onBehalfOf: 'officer-7',
    requestId: auditId.split('/')[1],
    receivedMessageId: 'm',
    contract: 'population.identity-verification',
    version: '1.0.0',
    purpose: 'LAND_REGISTRATION',
    basis: { kind: 'legal', id: 'pdpl-19-1-c-land', instrument: 'Law 91/2025/QH15', article: 'Art. 19.1(c)' },
    registry: 'population',
    subjectHash: 's1',
    fields: ['nationalId', 'fullName'],
    status: 'OK',
    code: 'OK',
    recordedBy: 'adapter',
    ...over,
  });
const hide = (target: string, at: string, until: string) =>
  stored({ kind: 'audit-hide', auditId: `hide/${at}`, at, target, hiddenUntil: until, reason: 'case 42', by: 'inspector', subjectHash: 's1' });

const now = new Date('2026-11-23T12:00:00Z');

describe('citizenTrail', () => {
  it('lists lookups newest first, with what was released and on what basis', () => {
    const records = [
      lookup('a/1', '2026-11-20T08:00:00.000Z'),
      lookup('a/2', '2026-11-22T08:00:00.000Z', { status: 'DENIED', code: 'CONSENT_REVOKED', fields: [] }),
    ];
    const view = citizenTrail(records, now);
    expect(view.entries.map((e) => e.auditId)).toEqual(['a/2', 'a/1']);
    expect(view.entries[1]).toEqual({
      auditId: 'a/1',
      at: '2026-11-20T08:00:00.000Z',
      consumer: 'hanoi-land-office',
      onBehalfOf: 'officer-7',
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      basis: { kind: 'legal', id: 'pdpl-19-1-c-land', instrument: 'Law 91/2025/QH15', article: 'Art. 19.1(c)' },
      registry: 'population',
      fields: ['nationalId', 'fullName'],
      status: 'OK',
      code: 'OK',
      intact: true,
    });
    expect(view).toMatchObject({ withheld: 0, released: 1 });
  });

  it('withholds records hidden until a later date and counts them; the latest decision wins', () => {
    const records = [
      lookup('a/1', '2026-11-20T08:00:00.000Z'),
      lookup('a/2', '2026-11-21T08:00:00.000Z'),
      lookup('a/3', '2026-11-22T08:00:00.000Z'),
      hide('a/1', '2026-11-21T00:00:00.000Z', '2027-01-01T00:00:00.000Z'),
      hide('a/2', '2026-11-21T00:00:00.000Z', '2027-01-01T00:00:00.000Z'),
      hide('a/2', '2026-11-22T00:00:00.000Z', '2026-11-22T12:00:00.000Z'), // lifted early
      hide('a/3', '2026-11-22T09:00:00.000Z', '2026-11-23T11:59:59.000Z'), // already over
    ];
    const view = citizenTrail(records, now);
    expect(view.entries.map((e) => e.auditId)).toEqual(['a/3', 'a/2']);
    expect(view.withheld).toBe(1);
    expect(citizenTrail(records, new Date('2027-01-01T00:00:00Z')).withheld).toBe(0);
  });

  it('shows nothing of consent changes or hide records themselves, and flags an edited record', () => {
    const edited = { ...lookup('a/9', '2026-11-23T08:00:00.000Z'), fields: [] };
    const consentChange = stored({ kind: 'consent-change', auditId: 'consent/c/0', at: '2026-11-23T07:00:00.000Z', subjectHash: 's1' });
    const view = citizenTrail([edited, consentChange, hide('a/9', '2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z')], now);
    expect(view.entries).toHaveLength(1);
    expect(view.entries[0]).toMatchObject({ auditId: 'a/9', intact: false });
  });

  it('ignores a hide record that was edited', () => {
    const h = { ...hide('a/1', '2026-11-21T00:00:00.000Z', '2026-11-22T00:00:00.000Z'), hiddenUntil: '2030-01-01T00:00:00.000Z' };
    const view = citizenTrail([lookup('a/1', '2026-11-20T08:00:00.000Z'), h], now);
    expect(view).toMatchObject({ withheld: 0, entries: [{ auditId: 'a/1' }] });
  });
});

describe('citizenTrail at its edges', () => {
  it('takes a hide only from an intact audit-hide record with a string target and until', () => {
    const l = lookup('e/1', '2026-11-20T08:00:00.000Z');
    const until = '2026-12-01T00:00:00.000Z';
    const bad = [
      stored({ kind: 'security', auditId: 'x/1', at: '2026-11-21T00:00:00.000Z', target: 'e/1', hiddenUntil: until }),
      stored({ kind: 'audit-hide', auditId: 'x/2', at: '2026-11-21T00:00:00.000Z', target: 7, hiddenUntil: until }),
      stored({ kind: 'audit-hide', auditId: 'x/3', at: '2026-11-21T00:00:00.000Z', target: 'e/1', hiddenUntil: 20261201 }),
      { ...hide('e/1', '2026-11-21T00:00:00.000Z', until), reason: 'edited' },
    ];
    for (const r of bad) expect(citizenTrail([l, r], now), JSON.stringify(r).slice(0, 60)).toMatchObject({ withheld: 0, entries: [{ auditId: 'e/1' }] });
    expect(citizenTrail([l, hide('e/1', '2026-11-21T00:00:00.000Z', until)], now)).toMatchObject({ withheld: 1, entries: [] });
  });

  it('lets the later of two hides win whichever order they come in, and the one read last win at the same instant', () => {
    const l = lookup('e/2', '2026-11-20T08:00:00.000Z');
    const longer = hide('e/2', '2026-11-21T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    const lifted = hide('e/2', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z');
    expect(citizenTrail([l, longer, lifted], now).withheld).toBe(0);
    expect(citizenTrail([l, lifted, longer], now).withheld).toBe(0);
    const sameInstantLift = stored({
      kind: 'audit-hide',
      auditId: 'hide/same',
      at: '2026-11-21T00:00:00.000Z',
      target: 'e/2',
      hiddenUntil: '2026-11-21T00:00:00.000Z',
      reason: 'lifted',
      by: 'inspector',
      subjectHash: 's1',
    });
    expect(citizenTrail([l, longer, sameInstantLift], now).withheld).toBe(0);
    expect(citizenTrail([l, sameInstantLift, longer], now).withheld).toBe(1);
  });

  it('withholds until the exact instant a hide ends, and shows the lookup from then on', () => {
    const l = lookup('e/3', '2026-11-20T08:00:00.000Z');
    const h = hide('e/3', '2026-11-21T00:00:00.000Z', now.toISOString());
    expect(citizenTrail([l, h], new Date(now.getTime() - 1)).withheld).toBe(1);
    expect(citizenTrail([l, h], now).withheld).toBe(0);
  });

  it('shows each lookup once, leaves out what a record does not carry, and keeps entries at the same instant in the order read', () => {
    const at = '2026-11-20T08:00:00.000Z';
    const bare = stored({
      kind: 'lookup',
      auditId: 'e/4',
      at,
      consumer: 'c',
      onBehalfOf: 5,
      contract: 5,
      version: 5,
      purpose: 5,
      basis: 'legal',
      registry: 5,
      fields: 'x',
      status: 'INVALID',
      code: 'SCHEMA_VIOLATION',
    });
    const other = lookup('e/5', at);
    const view = citizenTrail([bare, bare, other, stored({ kind: 'lookup', auditId: 9, at })], now);
    expect(view.entries.map((e) => e.auditId)).toEqual(['e/4', 'e/5']);
    expect(view.entries[0]).toEqual({ auditId: 'e/4', at, consumer: 'c', fields: [], status: 'INVALID', code: 'SCHEMA_VIOLATION', intact: true });
    expect(citizenTrail([other, bare], now).entries.map((e) => e.auditId)).toEqual(['e/5', 'e/4']);
    const nullBasis = stored({ kind: 'lookup', auditId: 'e/6', at, consumer: 'c', basis: null, fields: [1], status: 'OK', code: 'OK' });
    expect(citizenTrail([nullBasis], now).entries[0]).toEqual({ auditId: 'e/6', at, consumer: 'c', fields: ['1'], status: 'OK', code: 'OK', intact: true });
  });

  it('orders newest first whatever order the records come in', () => {
    const a = lookup('o/1', '2026-11-20T08:00:00.000Z');
    const b = lookup('o/2', '2026-11-21T08:00:00.000Z');
    const c = lookup('o/3', '2026-11-19T08:00:00.000Z');
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ]) {
      expect(citizenTrail(order, now).entries.map((e) => e.auditId)).toEqual(['o/2', 'o/1', 'o/3']);
    }
  });
});
