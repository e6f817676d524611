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
