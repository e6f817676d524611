/** Audit retention's rules at their edges (domain/audit/archive.ts), beside audit-archive.test.ts: names that are not partitions, stubs of sparse records, and what counts as a stub. */
import { describe, expect, it } from 'vitest';
import { ARCHIVED_PK, archivable, isStub, stubOf } from '../../domain/audit/archive.ts';

describe('audit archive edges', () => {
  it('keeps archived partitions in their own item collection', () => {
    expect(ARCHIVED_PK).toBe('archived');
  });

  it('passes over names that are not partitions', () => {
    const now = new Date('2026-11-29T05:00:00Z');
    expect(archivable(['nonsense', 'population#2026-10-01#0', ''], new Set(), now, 30)).toEqual(['population#2026-10-01#0']);
  });

  it('keeps in a stub only the fields the record has', () => {
    const stub = stubOf({ pk: 'p', sk: 's', note: 'x' }, { key: 'k', start: 3, length: 4 });
    expect(Object.keys(stub)).toEqual(['pk', 'sk', 'archived']);
    expect(stub).toStrictEqual({ pk: 'p', sk: 's', archived: { key: 'k', start: 3, length: 4 } });
  });

  it('counts as a stub only an item whose archived position has a key, a start and a length', () => {
    expect(isStub({ archived: { key: 'k', start: 0, length: 1 } })).toBe(true);
    for (const archived of [
      null,
      'k',
      7,
      { key: 1, start: 0, length: 1 },
      { key: 'k', start: '0', length: 1 },
      { key: 'k', start: 0, length: '1' },
      { start: 0, length: 1 },
    ])
      expect(isStub({ archived })).toBe(false);
    expect(isStub({})).toBe(false);
  });
});
