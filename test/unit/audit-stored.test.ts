/**
 * How audit items are stored (domain/audit/stored.ts): a lookup's record in the compact form gives the
 * very record back, so its hash and the chain are unchanged; records of both forms verify in one
 * partition; what cannot be given back exactly is stored as it is.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { genesisHash, linkRecord, recordHash, verifyChain } from '../../domain/audit/chain.ts';
import { AuditRecord, auditLegacyMarkersUntil, auditLogOptions, markerKeyFor } from '../../domain/audit/records.ts';
import { auditUpgradeEnvironment } from '../../infra/constructs/environment.ts';
import {
  b64ToHex,
  decodeRecord,
  encodeRecord,
  hexToB64,
  isCompact,
  markerPlace,
  storedHash,
  SUBJECT_MARKER_PREFIX,
  subjectMarker,
  subjectMarkerKey,
  subjectMarkerPk,
} from '../../domain/audit/stored.ts';
import { itemSize } from '../../local/metering.ts';
import { sha256Hex } from '../../contracts/canonical.ts';

const PARTITION = 'population#2026-11-29#7';
const SUBJECT = sha256Hex('a person');

function lookup(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'lookup',
    at: '2026-11-29T05:00:00.000Z',
    consumer: 'hanoi-land-office',
    requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    receivedMessageId: '8a0d8b1e-1f6c-4f0b-a0c5-1d2e3f4a5b6c',
    contract: 'population.identity-verification',
    version: '1.0.0',
    purpose: 'LAND_REGISTRATION',
    basis: {
      kind: 'legal',
      id: 'pdpl-19-1-c-land',
      instrument: 'Law on Personal Data Protection No. 91/2025/QH15',
      article: 'Art. 19.1(c): processing to serve the activities of state agencies as provided by law',
    },
    registry: 'population',
    subjectHash: SUBJECT,
    fields: ['nationalId', 'fullName', 'dateOfBirth', 'status'],
    status: 'OK',
    code: 'OK',
    recordedBy: 'adapter',
    auditId: 'hanoi-land-office/3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    recordedAt: '2026-11-29T05:00:00.012Z',
    ...over,
  };
}

const linked = (body: Record<string, unknown>, seq = 12, prevHash = genesisHash(PARTITION)) => linkRecord(body, { partition: PARTITION, seq, prevHash });

describe('the compact form of a lookup record', () => {
  it('gives the very record back, hash included, and stores none of what its keys or other fields say', () => {
    const record = linked(lookup());
    const stored = encodeRecord(record);
    expect(isCompact(stored)).toBe(true);
    expect(decodeRecord(stored)).toEqual(record);
    expect(recordHash(decodeRecord(stored))).toBe(record.hash);
    for (const gone of ['kind', 'partition', 'seq', 'consumer', 'requestId', 'status', 'registry', 'auditId', 'subjectHash', 'hash', 'prevHash', 'at'])
      expect(stored).not.toHaveProperty(gone);
    expect(stored).toMatchObject({ pk: record.pk, sk: record.sk, id: record.auditId, s: hexToB64(SUBJECT), h: hexToB64(record.hash), a: record.at });
    expect(AuditRecord.parse(decodeRecord(stored))).toEqual(record);
  });

  it('is at most 620 bytes as DynamoDB sizes it (the record as it was: about 915)', () => {
    const record = linked(lookup());
    const compact = itemSize(marshall(encodeRecord(record)) as never);
    const full = itemSize(marshall(record) as never);
    expect(compact).toBeLessThanOrEqual(620);
    expect(full - compact).toBeGreaterThanOrEqual(300);
  });

  it('keeps a consent basis, a request without id, onBehalfOf, an indicator release and a platform-scoped record', () => {
    const cases = [
      lookup({ basis: { kind: 'consent', consentId: 'cns-1' } }),
      lookup({ requestId: null, auditId: 'hanoi-land-office/message/8a0d8b1e-1f6c-4f0b-a0c5-1d2e3f4a5b6c', onBehalfOf: 'case 7' }),
      lookup({ subjectHash: undefined, fields: [], release: { period: '2026-10', cells: 4, published: 3, withheld: 1, digest: SUBJECT } }),
      lookup({ status: 'DENIED', code: 'RATE_LIMITED', recordedBy: 'router', fields: [] }),
    ];
    for (const body of cases) {
      const record = linked(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
      const stored = encodeRecord(record);
      expect(isCompact(stored)).toBe(true);
      expect(decodeRecord(stored)).toEqual(record);
    }
    const platform = linkRecord(lookup({ registry: undefined }), {
      partition: 'platform#2026-11-29#1',
      seq: 1,
      prevHash: genesisHash('platform#2026-11-29#1'),
    });
    const clean = Object.fromEntries(Object.entries(platform).filter(([, v]) => v !== undefined));
    expect(decodeRecord(encodeRecord(clean))).toEqual(clean);
    expect(decodeRecord(encodeRecord(clean))).not.toHaveProperty('registry');
  });

  it('stores as it is what it could not give back exactly', () => {
    const cases = [
      linked(lookup({ subjectHash: 'not-a-sha256' })),
      linked(lookup({ extra: 'a field it does not know' })),
      linked(lookup({ registry: 'another-registry' })),
      linked(lookup({ status: 'DENIED' })),
      linked(lookup({ consumer: 'someone-else' })),
      linked(lookup({ basis: { kind: 'legal', id: 'x', instrument: 'y', article: 'z', more: 1 } })),
      linkRecord(lookup(), { partition: PARTITION, seq: 2, prevHash: 'not-hex' }),
    ];
    for (const record of cases) {
      const stored = encodeRecord(record);
      expect(isCompact(stored)).toBe(false);
      expect(stored).toEqual(record);
      expect(decodeRecord(stored)).toEqual(record);
    }
  });

  it('keeps the reply a record names (its time as milliseconds after the lookup, its sealed digest in base64url), and gives it back', () => {
    const seal = sha256Hex('a sealed digest');
    const record = linked(lookup({ reply: { at: '2026-11-29T05:00:00.007Z', seal } }));
    const stored = encodeRecord(record);
    expect(isCompact(stored)).toBe(true);
    expect(stored).toMatchObject({ ra: 7, rs: hexToB64(seal) });
    expect(stored).not.toHaveProperty('reply');
    expect(decodeRecord(stored)).toEqual(record);
    expect(AuditRecord.parse(decodeRecord(stored))).toEqual(record);
    // A reply it could not give back exactly is stored as it is.
    for (const reply of [
      { at: '2026-11-29T05:00:00.007Z', seal: 'short' },
      { at: 'later', seal },
      { at: '2026-11-29T05:00:00.007Z', seal, more: 1 },
    ]) {
      const odd = linked(lookup({ reply }));
      expect(encodeRecord(odd)).toEqual(odd);
    }
    // The reply's attributes are part of the record read: an edit shows in its hash.
    const edited = { ...stored, ra: 8 };
    expect(recordHash(decodeRecord(edited))).not.toBe(record.hash);
  });

  it('leaves other kinds as they are', () => {
    const consent = linked({ kind: 'consent-change', at: '2026-11-29T05:00:00.000Z', consentId: 'c', subjectHash: SUBJECT, auditId: 'consent/c/0' });
    expect(encodeRecord(consent)).toEqual(consent);
    expect(decodeRecord(consent)).toEqual(consent);
  });

  it('verifies a partition holding records of both forms, and finds an edit in the compact one', () => {
    const first = linked(lookup({ auditId: 'hanoi-land-office/a', requestId: 'a' }), 1);
    const second = linked(lookup({ auditId: 'hanoi-land-office/b', requestId: 'b' }), 2, first.hash);
    const third = linked(lookup({ auditId: 'hanoi-land-office/c', requestId: 'c' }), 3, second.hash);
    const items = [first, encodeRecord(second), encodeRecord(third)];
    const report = verifyChain(PARTITION, items);
    expect(report.broken).toBeUndefined();
    expect(report.head).toEqual({ seq: 3, hash: third.hash });
    const edited = { ...encodeRecord(second), f: ['nationalId'] };
    expect(verifyChain(PARTITION, [first, edited, encodeRecord(third)]).broken).toMatchObject({ seq: 2, kind: 'hash-mismatch' });
    // An attribute added under a field's long name is read, not masked by the compact field: the edit shows.
    for (const added of [{ fields: ['nationalId'] }, { partition: 'elsewhere#2026-11-29#1' }, { auditId: 'hanoi-land-office/z' }, { note: 'x' }]) {
      expect(verifyChain(PARTITION, [first, { ...encodeRecord(second), ...added }]).broken?.seq).toBe(2);
    }
    const moved = { ...encodeRecord(second), pk: 'chain#population#2026-11-29#8' };
    expect(verifyChain(PARTITION, [first, moved]).broken?.kind).toBe('hash-mismatch');
  });

  it('reads the hash an item holds in either form', () => {
    const record = linked(lookup());
    expect(storedHash(record)).toBe(record.hash);
    expect(storedHash(encodeRecord(record))).toBe(record.hash);
    expect(storedHash({ h: 'short' })).toBeUndefined();
    expect(storedHash({})).toBeUndefined();
    expect(b64ToHex(hexToB64(SUBJECT))).toBe(SUBJECT);
    expect(hexToB64(SUBJECT)).toHaveLength(43);
  });
});

describe('markers', () => {
  it('keeps a lookup’s marker with its subject’s, and every other one at its kind and audit id', () => {
    expect(markerKeyFor('lookup', 'a/1', SUBJECT)).toEqual({ pk: `s#${hexToB64(SUBJECT)}`, sk: `${SUBJECT_MARKER_PREFIX}a/1` });
    expect(markerKeyFor('lookup', 'a/1')).toEqual({ pk: 'lookup#a/1', sk: 'record' });
    expect(markerKeyFor('consent-change', 'consent/c/0', SUBJECT)).toEqual({ pk: 'consent-change#consent/c/0', sk: 'record' });
    expect(subjectMarkerKey(SUBJECT, 'a/1')).toEqual(markerKeyFor('lookup', 'a/1', SUBJECT));
    expect(subjectMarkerPk('not-hex')).toBe('s#not-hex');
  });

  it('reads where a marker of either form says its record goes', () => {
    expect(markerPlace(subjectMarker(SUBJECT, 'a/1', PARTITION, 41))).toEqual({ partition: PARTITION, after: 41 });
    // A lease's end is kept in whole seconds, rounded up: it never ends before the attempt's deadline.
    expect(subjectMarker(SUBJECT, 'a/1', PARTITION, 41, 1_764_400_000_001)).toMatchObject({ u: 1_764_400_001 });
    expect(markerPlace(subjectMarker(SUBJECT, 'a/1', PARTITION, 41, 1_764_400_000_001))).toEqual({ partition: PARTITION, after: 41, until: 1_764_400_001_000 });
    expect(markerPlace({ p: PARTITION, n: 1, u: 'soon' })).toEqual({ partition: PARTITION, after: 1 });
    expect(markerPlace({ partition: PARTITION, after: 3 })).toEqual({ partition: PARTITION, after: 3 });
    expect(markerPlace({})).toEqual({ after: 0 });
    expect(markerPlace({ p: 7, n: 'x' })).toEqual({ after: 0 });
  });
});

describe('an upgrade’s window (markers where earlier versions kept them)', () => {
  it('reads NDX_AUDIT_LEGACY_MARKERS_UNTIL as the end of its UTC day, and refuses anything else', () => {
    expect(auditLegacyMarkersUntil({})).toBeUndefined();
    expect(auditLegacyMarkersUntil({ NDX_AUDIT_LEGACY_MARKERS_UNTIL: '' })).toBeUndefined();
    expect(auditLegacyMarkersUntil({ NDX_AUDIT_LEGACY_MARKERS_UNTIL: '2026-12-17' })?.toISOString()).toBe('2026-12-18T00:00:00.000Z');
    for (const bad of ['2026-12-17T00:00:00Z', '17/12/2026', '2026-13-01'])
      expect(() => auditLegacyMarkersUntil({ NDX_AUDIT_LEGACY_MARKERS_UNTIL: bad })).toThrow(/must be a UTC day/);
    expect(auditLogOptions({ NDX_AUDIT_SHARDS: '4' })).toEqual({ shards: 4 });
    expect(auditLogOptions({ NDX_AUDIT_LEGACY_MARKERS_UNTIL: '2026-12-17' })).toEqual({
      shards: 16,
      legacyMarkersUntil: new Date('2026-12-18T00:00:00.000Z'),
    });
  });

  it('is handed to the functions only when the environment names it', () => {
    expect(auditUpgradeEnvironment({})).toEqual({});
    expect(auditUpgradeEnvironment({ auditLegacyMarkersUntil: '2026-12-17' })).toEqual({ NDX_AUDIT_LEGACY_MARKERS_UNTIL: '2026-12-17' });
  });
});
