/**
 * The compatibility rules, one schema change per row: a `before` and an `after` zod schema (built
 * with z.strictObject like the contracts) and the expected verdict in each direction. `true` means
 * compatible; a string means breaking, with a breaking change reported at that JSON path.
 * Unless a row says otherwise the schemas are RESPONSE schemas (ndx writes, agencies read with a
 * tolerant reader), so BACKWARD asks "can consumers of `before` read replies of `after`?".
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkCompatibility,
  diffSchemas,
  formatChanges,
  jsonSchemaOf,
  type Change,
  type CompatibilityOptions,
  type Mode,
} from '../../contracts/compatibility.ts';

const S = z.strictObject;
type Verdict = true | string;

interface Row {
  name: string;
  before: z.ZodType;
  after: z.ZodType;
  backward: Verdict;
  forward: Verdict;
  options?: CompatibilityOptions;
  /** The kind expected somewhere among the BACKWARD changes. */
  kind?: Change['kind'];
}

// Schemas registered with an id are emitted once under $defs and referenced with $ref.
const AddressV1 = S({ line: z.string(), province: z.string() }).meta({ id: 'TableAddressV1' });
const AddressV2 = S({ line: z.string(), province: z.string(), postcode: z.string().optional() }).meta({ id: 'TableAddressV2' });
const AddressV3 = S({ line: z.string(), province: z.number() }).meta({ id: 'TableAddressV3' });

const Legal = S({ kind: z.literal('legal'), article: z.string() });
const Consent = S({ kind: z.literal('consent'), consentId: z.string() });
const Contract = S({ kind: z.literal('contract'), number: z.string() });

const rows: Row[] = [
  // fields
  {
    name: 'add optional field',
    before: S({ a: z.string() }),
    after: S({ a: z.string(), b: z.string().optional() }),
    backward: true,
    forward: true,
    kind: 'property-added',
  },
  {
    name: 'add required field',
    before: S({ a: z.string() }),
    after: S({ a: z.string(), b: z.string() }),
    backward: true,
    forward: '$.b',
    kind: 'required-property-added',
  },
  {
    name: 'add required field with default',
    before: S({ a: z.string() }),
    after: S({ a: z.string(), b: z.string().default('x') }),
    backward: true,
    forward: true,
  },
  {
    name: 'remove optional field',
    before: S({ a: z.string(), b: z.string().optional() }),
    after: S({ a: z.string() }),
    backward: true,
    forward: true,
    kind: 'property-removed',
  },
  {
    name: 'remove required field',
    before: S({ a: z.string(), b: z.string() }),
    after: S({ a: z.string() }),
    backward: '$.b',
    forward: true,
    kind: 'required-property-removed',
  },
  { name: 'rename a field', before: S({ a: z.string() }), after: S({ b: z.string() }), backward: '$.a', forward: '$.b' },
  { name: 'optional → required', before: S({ a: z.string().optional() }), after: S({ a: z.string() }), backward: true, forward: '$.a', kind: 'required-added' },
  {
    name: 'required → optional',
    before: S({ a: z.string() }),
    after: S({ a: z.string().optional() }),
    backward: '$.a',
    forward: true,
    kind: 'required-removed',
  },
  // types
  { name: 'string → number', before: S({ a: z.string() }), after: S({ a: z.number() }), backward: '$.a', forward: '$.a', kind: 'type-changed' },
  { name: 'number → integer', before: S({ a: z.number() }), after: S({ a: z.int() }), backward: true, forward: '$.a', kind: 'type-narrowed' },
  { name: 'integer → number', before: S({ a: z.int() }), after: S({ a: z.number() }), backward: '$.a', forward: true, kind: 'type-widened' },
  { name: 'boolean → string', before: S({ a: z.boolean() }), after: S({ a: z.string() }), backward: '$.a', forward: '$.a', kind: 'type-changed' },
  {
    name: 'widen to a union',
    before: S({ a: z.string() }),
    after: S({ a: z.union([z.string(), z.number()]) }),
    backward: '$.a',
    forward: true,
    kind: 'union-branch-added',
  },
  { name: 'unknown → string', before: S({ a: z.unknown() }), after: S({ a: z.string() }), backward: true, forward: '$.a' },
  // enums and literals
  {
    name: 'enum value added',
    before: S({ s: z.enum(['LIVING', 'DECEASED']) }),
    after: S({ s: z.enum(['LIVING', 'DECEASED', 'MISSING']) }),
    backward: '$.s',
    forward: true,
    kind: 'enum-value-added',
  },
  {
    name: 'enum value removed',
    before: S({ s: z.enum(['LIVING', 'DECEASED', 'MISSING']) }),
    after: S({ s: z.enum(['LIVING', 'DECEASED']) }),
    backward: true,
    forward: '$.s',
    kind: 'enum-value-removed',
  },
  { name: 'enum → string', before: S({ s: z.enum(['A', 'B']) }), after: S({ s: z.string() }), backward: '$.s', forward: true, kind: 'type-widened' },
  { name: 'string → enum', before: S({ s: z.string() }), after: S({ s: z.enum(['A', 'B']) }), backward: true, forward: '$.s', kind: 'type-narrowed' },
  { name: 'literal changed', before: S({ v: z.literal('v1') }), after: S({ v: z.literal('v2') }), backward: '$.v', forward: '$.v', kind: 'const-changed' },
  // nullable
  { name: 'nullable added', before: S({ a: z.string() }), after: S({ a: z.string().nullable() }), backward: '$.a', forward: true, kind: 'nullable-added' },
  { name: 'nullable removed', before: S({ a: z.string().nullable() }), after: S({ a: z.string() }), backward: true, forward: '$.a', kind: 'nullable-removed' },
  {
    name: 'nullable object added',
    before: S({ o: S({ x: z.string() }) }),
    after: S({ o: S({ x: z.string() }).nullable() }),
    backward: '$.o',
    forward: true,
    kind: 'nullable-added',
  },
  // string constraints
  {
    name: 'minLength tightened',
    before: S({ a: z.string().min(1) }),
    after: S({ a: z.string().min(3) }),
    backward: true,
    forward: '$.a',
    kind: 'constraint-tightened',
  },
  {
    name: 'minLength loosened',
    before: S({ a: z.string().min(3) }),
    after: S({ a: z.string().min(1) }),
    backward: '$.a',
    forward: true,
    kind: 'constraint-loosened',
  },
  {
    name: 'maxLength tightened',
    before: S({ a: z.string().max(64) }),
    after: S({ a: z.string().max(32) }),
    backward: true,
    forward: '$.a',
    kind: 'constraint-tightened',
  },
  {
    name: 'maxLength loosened',
    before: S({ a: z.string().max(32) }),
    after: S({ a: z.string().max(64) }),
    backward: '$.a',
    forward: true,
    kind: 'constraint-loosened',
  },
  { name: 'maxLength added', before: S({ a: z.string() }), after: S({ a: z.string().max(10) }), backward: true, forward: '$.a' },
  {
    name: 'pattern added',
    before: S({ a: z.string() }),
    after: S({ a: z.string().regex(/^\d{12}$/) }),
    backward: true,
    forward: '$.a',
    kind: 'constraint-tightened',
  },
  {
    name: 'pattern removed',
    before: S({ a: z.string().regex(/^\d{12}$/) }),
    after: S({ a: z.string() }),
    backward: '$.a',
    forward: true,
    kind: 'constraint-loosened',
  },
  {
    name: 'pattern changed',
    before: S({ a: z.string().regex(/^\d{12}$/) }),
    after: S({ a: z.string().regex(/^\d{9}$/) }),
    backward: '$.a',
    forward: '$.a',
    kind: 'constraint-changed',
  },
  { name: 'format email added', before: S({ a: z.string() }), after: S({ a: z.email() }), backward: true, forward: '$.a' },
  { name: 'format uuid removed', before: S({ a: z.uuid() }), after: S({ a: z.string() }), backward: '$.a', forward: true },
  {
    name: 'format date → datetime',
    before: S({ a: z.iso.date() }),
    after: S({ a: z.iso.datetime() }),
    backward: '$.a',
    forward: '$.a',
    kind: 'constraint-changed',
  },
  { name: 'format datetime added', before: S({ a: z.string() }), after: S({ a: z.iso.datetime() }), backward: true, forward: '$.a' },
  // number constraints
  {
    name: 'minimum tightened',
    before: S({ n: z.number().min(0) }),
    after: S({ n: z.number().min(1) }),
    backward: true,
    forward: '$.n',
    kind: 'constraint-tightened',
  },
  {
    name: 'minimum loosened',
    before: S({ n: z.number().min(1) }),
    after: S({ n: z.number().min(0) }),
    backward: '$.n',
    forward: true,
    kind: 'constraint-loosened',
  },
  { name: 'maximum tightened', before: S({ n: z.number().max(100) }), after: S({ n: z.number().max(10) }), backward: true, forward: '$.n' },
  { name: 'maximum loosened', before: S({ n: z.number().max(10) }), after: S({ n: z.number().max(100) }), backward: '$.n', forward: true },
  { name: 'inclusive → exclusive minimum', before: S({ n: z.number().min(0) }), after: S({ n: z.number().gt(0) }), backward: true, forward: '$.n' },
  { name: 'multipleOf refined', before: S({ n: z.number().multipleOf(5) }), after: S({ n: z.number().multipleOf(10) }), backward: true, forward: '$.n' },
  // nesting
  {
    name: 'nested field added',
    before: S({ o: S({ x: z.string() }) }),
    after: S({ o: S({ x: z.string(), y: z.string().optional() }) }),
    backward: true,
    forward: true,
  },
  {
    name: 'nested required field removed',
    before: S({ o: S({ x: z.string(), y: z.string() }) }),
    after: S({ o: S({ x: z.string() }) }),
    backward: '$.o.y',
    forward: true,
  },
  {
    name: 'nested type change',
    before: S({ o: S({ p: S({ province: z.string() }) }) }),
    after: S({ o: S({ p: S({ province: z.number() }) }) }),
    backward: '$.o.p.province',
    forward: '$.o.p.province',
  },
  { name: 'array item type change', before: S({ l: z.array(z.string()) }), after: S({ l: z.array(z.number()) }), backward: '$.l[*]', forward: '$.l[*]' },
  {
    name: 'array of objects: item field removed',
    before: S({ l: z.array(S({ id: z.string(), n: z.number() })) }),
    after: S({ l: z.array(S({ id: z.string() })) }),
    backward: '$.l[*].n',
    forward: true,
  },
  { name: 'minItems tightened', before: S({ l: z.array(z.string()) }), after: S({ l: z.array(z.string()).min(1) }), backward: true, forward: '$.l' },
  { name: 'maxItems loosened', before: S({ l: z.array(z.string()).max(5) }), after: S({ l: z.array(z.string()).max(10) }), backward: '$.l', forward: true },
  {
    name: 'tuple grows',
    before: S({ t: z.tuple([z.string(), z.number()]) }),
    after: S({ t: z.tuple([z.string(), z.number(), z.boolean()]) }),
    backward: '$.t',
    forward: '$.t',
  },
  // annotations
  {
    name: 'description changed only',
    before: S({ a: z.string().describe('Full name.') }),
    after: S({ a: z.string().describe('Full name as registered.') }),
    backward: true,
    forward: true,
    kind: 'description-changed',
  },
  // $defs
  {
    name: '$defs: same shape, referenced twice',
    before: S({ home: AddressV1, work: AddressV1.nullable() }),
    after: S({ home: S({ line: z.string(), province: z.string() }), work: S({ line: z.string(), province: z.string() }).nullable() }),
    backward: true,
    forward: true,
  },
  {
    name: '$defs: optional field added',
    before: S({ home: AddressV1, work: AddressV1.nullable() }),
    after: S({ home: AddressV2, work: AddressV2.nullable() }),
    backward: true,
    forward: true,
  },
  {
    name: '$defs: type change seen at each use',
    before: S({ home: AddressV1, work: AddressV1.nullable() }),
    after: S({ home: AddressV3, work: AddressV3.nullable() }),
    backward: '$.work.province',
    forward: '$.home.province',
  },
  // unions
  {
    name: 'discriminated union branch added',
    before: S({ basis: z.discriminatedUnion('kind', [Legal, Consent]) }),
    after: S({ basis: z.discriminatedUnion('kind', [Legal, Consent, Contract]) }),
    backward: '$.basis',
    forward: true,
    kind: 'union-branch-added',
  },
  {
    name: 'discriminated union branch removed',
    before: S({ basis: z.discriminatedUnion('kind', [Legal, Consent, Contract]) }),
    after: S({ basis: z.discriminatedUnion('kind', [Legal, Consent]) }),
    backward: true,
    forward: '$.basis',
    kind: 'union-branch-removed',
  },
  {
    name: 'field removed inside a union branch',
    before: S({ basis: z.discriminatedUnion('kind', [Legal, Consent]) }),
    after: S({ basis: z.discriminatedUnion('kind', [Legal, S({ kind: z.literal('consent') })]) }),
    backward: '$.basis.consentId',
    forward: true,
  },
  {
    name: 'union branch removed',
    before: S({ a: z.union([z.string(), z.number(), z.boolean()]) }),
    after: S({ a: z.union([z.string(), z.number()]) }),
    backward: true,
    forward: '$.a',
  },
  // records and additionalProperties
  {
    name: 'record value widened',
    before: S({ r: z.record(z.string(), z.string()) }),
    after: S({ r: z.record(z.string(), z.union([z.string(), z.number()])) }),
    backward: '$.r.*',
    forward: true,
  },
  {
    name: 'record keys restricted',
    before: S({ r: z.record(z.string(), z.string()) }),
    after: S({ r: z.record(z.string().regex(/^[a-z]+$/), z.string()) }),
    backward: true,
    forward: '$.r.*~',
  },
  {
    name: 'record → fixed object',
    before: S({ r: z.record(z.string(), z.string()) }),
    after: S({ r: S({ a: z.string() }) }),
    backward: true,
    forward: '$.r.a',
  },
  { name: 'strict → loose writer, tolerant readers', before: S({ a: z.string() }), after: z.looseObject({ a: z.string() }), backward: true, forward: true },
  {
    name: 'strict → loose writer, strict readers',
    before: S({ a: z.string() }),
    after: z.looseObject({ a: z.string() }),
    options: { readerModel: 'declared' },
    backward: '$.*',
    forward: true,
    kind: 'additional-properties-opened',
  },
  {
    name: 'add optional field, strict readers',
    before: S({ a: z.string() }),
    after: S({ a: z.string(), b: z.string().optional() }),
    options: { readerModel: 'declared' },
    backward: '$.b',
    forward: true,
  },
  {
    name: 'open → strict object, strict readers',
    before: z.object({ a: z.string() }),
    after: S({ a: z.string() }),
    options: { readerModel: 'declared' },
    backward: true,
    forward: true,
  },
  // request (subject) schemas: agencies write, ndx reads with the strict schema
  {
    name: 'request: add optional subject key',
    before: S({ nationalId: z.string() }),
    after: S({ nationalId: z.string(), passport: z.string().optional() }),
    options: { role: 'request' },
    backward: true,
    forward: '$.passport',
  },
  {
    name: 'request: add required subject key',
    before: S({ nationalId: z.string() }),
    after: S({ nationalId: z.string(), dateOfBirth: z.iso.date() }),
    options: { role: 'request' },
    backward: '$.dateOfBirth',
    forward: '$.dateOfBirth',
  },
  {
    name: 'request: defaulted field made required',
    before: S({ v: z.string().default('1') }),
    after: S({ v: z.string() }),
    options: { role: 'request' },
    backward: '$.v',
    forward: true,
  },
  {
    name: 'request: maxLength tightened',
    before: S({ id: z.string().max(64) }),
    after: S({ id: z.string().max(12) }),
    options: { role: 'request' },
    backward: '$.id',
    forward: true,
  },
];

function breakingAt(changes: Change[], path: string): boolean {
  return changes.some((c) => c.breaking && c.path === path);
}

function check(row: Row, mode: Mode): { compatible: boolean; changes: Change[] } {
  const result = checkCompatibility(row.after, [row.before], mode, row.options);
  return { compatible: result.compatible, changes: result.results.flatMap((r) => r.changes) };
}

describe('compatibility rules, one change per row', () => {
  it('has at least 40 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(rows)('$name', (row) => {
    it.each([
      ['BACKWARD', row.backward],
      ['FORWARD', row.forward],
    ] as Array<[Mode, Verdict]>)('%s', (mode, verdict) => {
      const { compatible, changes } = check(row, mode);
      const report = `\n${formatChanges(changes)}`;
      expect(compatible, report).toBe(verdict === true);
      if (verdict === true)
        expect(
          changes.filter((c) => c.breaking),
          report,
        ).toEqual([]);
      else expect(breakingAt(changes, verdict), `no breaking change at ${verdict}:${report}`).toBe(true);
      if (mode === 'BACKWARD' && row.kind)
        expect(
          changes.map((c) => c.kind),
          report,
        ).toContain(row.kind);
      for (const c of changes) expect(c.reason.length).toBeGreaterThan(10);
    });

    it('FULL is BACKWARD and FORWARD; NONE is always compatible', () => {
      expect(check(row, 'FULL').compatible).toBe(row.backward === true && row.forward === true);
      const none = checkCompatibility(row.after, [row.before], 'NONE', row.options);
      expect(none.compatible).toBe(true);
      expect(none.results.map((r) => r.direction)).toEqual(['backward', 'forward']);
    });
  });
});

describe('modes', () => {
  const v1 = S({ a: z.string(), b: z.string() });
  const v2 = S({ a: z.string(), b: z.string().optional() });
  const v3 = S({ a: z.string(), b: z.string().optional(), c: z.string().optional() });

  it('non-transitive modes check the latest previous version only', () => {
    const result = checkCompatibility(v3, [v1, v2], 'BACKWARD');
    expect(result.results.map((r) => [r.against, r.direction])).toEqual([[1, 'backward']]);
    expect(result.compatible).toBe(true);
  });

  it('transitive modes check every previous version', () => {
    const result = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE');
    expect(result.results.map((r) => r.against)).toEqual([0, 1]);
    expect(result.compatible).toBe(false);
    expect(breakingAt(result.results[0]!.changes, '$.b')).toBe(true);
  });

  it('FULL_TRANSITIVE checks both directions against all versions', () => {
    const result = checkCompatibility(v3, [v1, v2], 'FULL_TRANSITIVE');
    expect(result.results.map((r) => `${r.against}:${r.direction}`)).toEqual(['0:backward', '0:forward', '1:backward', '1:forward']);
    expect(result.compatible).toBe(false);
    expect(checkCompatibility(v3, [v1, v2], 'FORWARD_TRANSITIVE').compatible).toBe(true);
  });

  it('no previous version is always compatible', () => {
    expect(checkCompatibility(v1, [], 'FULL_TRANSITIVE')).toEqual({ compatible: true, mode: 'FULL_TRANSITIVE', results: [] });
  });

  it('for a request schema the candidate is the reader in BACKWARD', () => {
    const [backward] = checkCompatibility(v2, [v1], 'BACKWARD', { role: 'request' }).results;
    expect(backward!.changes).toEqual([expect.objectContaining({ path: '$.b', kind: 'required-removed', breaking: false })]);
    expect(backward!.changes[0]!.reason).toMatch(/^A consumer built for the previous version/);
  });
});

describe('diffSchemas on JSON Schema', () => {
  it('resolves $ref into $defs, including recursion', () => {
    const tree = {
      $defs: {
        node: {
          type: 'object',
          properties: { v: { type: 'string' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } },
          required: ['v'],
          additionalProperties: false,
        },
      },
      $ref: '#/$defs/node',
    };
    const wider = structuredClone(tree);
    (wider.$defs.node.properties.v as { type: string | string[] }).type = ['string', 'null'];
    expect(diffSchemas(tree, tree)).toEqual([]);
    const changes = diffSchemas(wider, tree);
    expect(changes).toEqual([expect.objectContaining({ path: '$.v', kind: 'nullable-added', breaking: true })]);
  });

  it('a writer open content model may send anything under a name the reader declares', () => {
    const writer = { type: 'object', properties: { a: { type: 'string' } } };
    const reader = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } };
    expect(
      diffSchemas(writer, reader)
        .filter((c) => c.breaking)
        .map((c) => c.path),
    ).toContain('$.b');
  });

  it('keywords it does not model count as breaking when they differ', () => {
    const changes = diffSchemas({ type: 'string' }, { type: 'string', not: { const: 'x' } });
    expect(changes).toEqual([expect.objectContaining({ kind: 'unsupported-keyword-changed', breaking: true })]);
  });

  it('refinements are invisible: only the structure is compared', () => {
    const plain = S({ id: z.string() });
    const refined = S({ id: z.string().refine((s) => s.length === 12) });
    expect(diffSchemas(jsonSchemaOf(refined, 'output'), jsonSchemaOf(plain, 'input'))).toEqual([]);
  });
});

describe('formatChanges', () => {
  it('prints one line per change, breaking ones marked', () => {
    const { results } = checkCompatibility(S({ a: z.number(), b: z.string().describe('B') }), [S({ a: z.string(), b: z.string() })], 'BACKWARD');
    const text = formatChanges(results[0]!.changes);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toMatch(/^✗ breaking {4}\$\.a {2}type-changed: ndx on the new version sends a number here/m);
    expect(text).toMatch(/^✓ compatible {2}\$\.b {2}description-changed: /m);
    expect(formatChanges([])).toBe('✓ no changes');
  });
});
