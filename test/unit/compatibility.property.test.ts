/**
 * Properties of the compatibility checker over generated zod object schemas (nested objects,
 * strings with constraints and formats, numbers, integers, booleans, enums, arrays; fields optional
 * and/or nullable). Schemas are generated as plain specs, so they can be mutated and rebuilt.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODES, checkCompatibility, diffSchemas, jsonSchemaOf, type JSONSchema } from '../../contracts/compatibility.ts';

type Leaf =
  | { k: 'string'; min?: number; max?: number; format?: 'email' | 'uuid' | 'date' | 'datetime'; describe?: string }
  | { k: 'number'; int: boolean; min?: number; max?: number }
  | { k: 'boolean' }
  | { k: 'enum'; values: string[] };
type Node = Leaf | { k: 'object'; fields: Field[] } | { k: 'array'; item: Node; minItems?: number };
interface Field {
  name: string;
  node: Node;
  optional: boolean;
  nullable: boolean;
}

const NAMES = ['id', 'name', 'status', 'province', 'line', 'items', 'count', 'flag', 'asOf', 'code'];
const ENUM = ['A', 'B', 'C', 'D'];

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record(
    {
      k: fc.constant('string' as const),
      min: fc.integer({ min: 0, max: 3 }),
      max: fc.integer({ min: 4, max: 64 }),
      format: fc.constantFrom('email' as const, 'uuid' as const, 'date' as const, 'datetime' as const),
      describe: fc.constantFrom('a', 'b'),
    },
    { requiredKeys: ['k'] },
  ),
  fc.record(
    { k: fc.constant('number' as const), int: fc.boolean(), min: fc.integer({ min: -5, max: 0 }), max: fc.integer({ min: 1, max: 100 }) },
    { requiredKeys: ['k', 'int'] },
  ),
  fc.constant({ k: 'boolean' as const }),
  fc.record({ k: fc.constant('enum' as const), values: fc.subarray(ENUM, { minLength: 1 }) }),
);

const { node } = fc.letrec<{ node: Node; object: Node; array: Node; field: Field }>((tie) => ({
  // Objects and arrays nest a few levels at most; leaves end every branch.
  node: fc.oneof({ depthSize: 'small', maxDepth: 3, depthIdentifier: 'schema', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.record({
    k: fc.constant('object' as const),
    fields: fc.uniqueArray(tie('field'), { minLength: 1, maxLength: 4, selector: (f) => f.name }),
  }),
  array: fc.record({ k: fc.constant('array' as const), item: tie('node'), minItems: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }) }),
  field: fc.record({ name: fc.constantFrom(...NAMES), node: tie('node'), optional: fc.boolean(), nullable: fc.boolean() }),
}));

const root: fc.Arbitrary<Field[]> = fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), node, optional: fc.boolean(), nullable: fc.boolean() }), {
  minLength: 1,
  maxLength: 5,
  selector: (f) => f.name,
});

function buildNode(n: Node, tolerant = false): z.ZodType {
  switch (n.k) {
    case 'string': {
      let s: z.ZodString | z.ZodEmail | z.ZodUUID | z.ZodISODate | z.ZodISODateTime =
        n.format === 'email'
          ? z.email()
          : n.format === 'uuid'
            ? z.uuid()
            : n.format === 'date'
              ? z.iso.date()
              : n.format === 'datetime'
                ? z.iso.datetime()
                : z.string();
      if (n.min !== undefined) s = s.min(n.min);
      if (n.max !== undefined) s = s.max(n.max);
      return n.describe ? s.describe(n.describe) : s;
    }
    case 'number': {
      let x = n.int ? z.int() : z.number();
      if (n.min !== undefined) x = x.min(n.min);
      if (n.max !== undefined) x = x.max(n.max);
      return x;
    }
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.enum(n.values as [string, ...string[]]);
    case 'object':
      return buildObject(n.fields, tolerant);
    case 'array': {
      const a = z.array(buildNode(n.item, tolerant));
      return n.minItems ? a.min(n.minItems) : a;
    }
  }
}

/** The contract-style schema; `tolerant` builds the reader an agency should use (ignores unknown keys). */
function buildObject(fields: Field[], tolerant = false): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    let t = buildNode(f.node, tolerant);
    if (f.nullable) t = t.nullable();
    if (f.optional) t = t.optional();
    shape[f.name] = t;
  }
  return tolerant ? z.object(shape) : z.strictObject(shape);
}

/** Values a writer built from the spec may send (some may violate the schema; callers filter). */
function valueFor(n: Node): fc.Arbitrary<unknown> {
  switch (n.k) {
    case 'string': {
      if (n.format === 'email') return fc.constantFrom('a@b.co', 'officer.nguyen@hanoi.gov.vn');
      if (n.format === 'uuid') return fc.uuid({ version: 4 });
      if (n.format === 'date' || n.format === 'datetime') {
        const d = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
        return d.map((x) => (n.format === 'date' ? x.toISOString().slice(0, 10) : x.toISOString()));
      }
      return fc.string({ minLength: n.min ?? 0, maxLength: Math.min(n.max ?? 8, 8) });
    }
    case 'number':
      return n.int
        ? fc.integer({ min: n.min ?? -1000, max: n.max ?? 1000 })
        : fc.double({ min: n.min ?? -1000, max: n.max ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...n.values);
    case 'object':
      return objectValue(n.fields);
    case 'array':
      return fc.array(valueFor(n.item), { minLength: n.minItems ?? 0, maxLength: 3 });
  }
}

function objectValue(fields: Field[]): fc.Arbitrary<unknown> {
  const entries = fields.map((f) => {
    let v = valueFor(f.node);
    if (f.nullable) v = fc.oneof(v, fc.constant(null));
    return fc.tuple(fc.constant(f.name), f.optional ? fc.option(v, { nil: undefined }) : v);
  });
  return fc.tuple(...entries).map((kv) => Object.fromEntries(kv.filter(([, v]) => v !== undefined)));
}

/** Small edits a contract author might make; some leave the JSON Schema unchanged. */
const mutation = fc.constantFrom(
  'none',
  'toggle-optional',
  'toggle-nullable',
  'retype',
  'enum-add',
  'enum-drop',
  'tighten',
  'loosen',
  'describe',
  'add-field',
  'drop-field',
  'nested',
);

function mutate(fields: Field[], what: string, pick: number): Field[] {
  const out = structuredClone(fields);
  const f = out[pick % out.length]!;
  switch (what) {
    case 'toggle-optional':
      f.optional = !f.optional;
      break;
    case 'toggle-nullable':
      f.nullable = !f.nullable;
      break;
    case 'retype':
      f.node = f.node.k === 'string' ? { k: 'number', int: false } : { k: 'string' };
      break;
    case 'enum-add':
      if (f.node.k === 'enum')
        f.node.values = ENUM.filter(
          (v) => (f.node as { values: string[] }).values.includes(v) || v === ENUM.find((x) => !(f.node as { values: string[] }).values.includes(x)),
        );
      break;
    case 'enum-drop':
      if (f.node.k === 'enum' && f.node.values.length > 1) f.node.values = f.node.values.slice(1);
      break;
    case 'tighten':
      if (f.node.k === 'string' || f.node.k === 'number') f.node.max = (f.node.max ?? 200) - 1;
      break;
    case 'loosen':
      if (f.node.k === 'string' || f.node.k === 'number') delete f.node.max;
      break;
    case 'describe':
      if (f.node.k === 'string') f.node.describe = f.node.describe === 'a' ? 'b' : 'a';
      break;
    case 'add-field':
      if (out.length < NAMES.length)
        out.push({ name: NAMES.find((n) => !out.some((g) => g.name === n))!, node: { k: 'boolean' }, optional: pick % 2 === 0, nullable: false });
      break;
    case 'drop-field':
      if (out.length > 1) out.splice(pick % out.length, 1);
      break;
    case 'nested':
      if (f.node.k === 'object') f.node.fields = mutate(f.node.fields, pick % 2 ? 'toggle-nullable' : 'retype', pick + 1);
      break;
  }
  return out;
}

/** JSON Schema up to the order of `required` and `enum` (sets), which the checker treats as sets. */
function canonical(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(canonical);
  if (s && typeof s === 'object') {
    return Object.fromEntries(
      Object.entries(s)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, (k === 'required' || k === 'enum') && Array.isArray(v) ? [...v].sort() : canonical(v)]),
    );
  }
  return s;
}

// Mutation runs (vitest.mutation.config.ts) ask for fewer runs: each mutant re-runs these properties.
const RUNS = { numRuns: Number(process.env.NDX_PROPERTY_RUNS ?? 200) };
const freshName = 'addedField';

describe('compatibility properties', () => {
  it('a schema is FULL-compatible with itself, with no breaking change, as response and as request', () => {
    fc.assert(
      fc.property(root, (fields) => {
        const s = buildObject(fields);
        for (const role of ['response', 'request'] as const) {
          const result = checkCompatibility(s, [s], 'FULL_TRANSITIVE', { role });
          expect(result.compatible).toBe(true);
          expect(result.results.flatMap((r) => r.changes).filter((c) => c.breaking)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('adding an optional field is never breaking in BACKWARD for a response, at any level', () => {
    fc.assert(
      fc.property(root, node, fc.boolean(), fc.nat(), (fields, added, nested, pick) => {
        const field: Field = { name: freshName, node: added, optional: true, nullable: false };
        const after = structuredClone(fields);
        const target = after[pick % after.length]!;
        if (nested && target.node.k === 'object') target.node.fields.push(field);
        else after.push(field);
        const result = checkCompatibility(buildObject(after), [buildObject(fields)], 'BACKWARD');
        expect(result.compatible).toBe(true);
      }),
      RUNS,
    );
  });

  it('removing a required field is always breaking in BACKWARD, at its path', () => {
    fc.assert(
      fc.property(root, fc.nat(), (fields, pick) => {
        const required = fields.filter((f) => !f.optional);
        fc.pre(required.length > 0);
        const removed = required[pick % required.length]!;
        const after = fields.filter((f) => f !== removed);
        const result = checkCompatibility(buildObject(after), [buildObject(fields)], 'BACKWARD');
        expect(result.compatible).toBe(false);
        expect(result.results[0]!.changes).toContainEqual(expect.objectContaining({ path: `$.${removed.name}`, breaking: true }));
      }),
      RUNS,
    );
  });

  it('FULL compatibility is exactly BACKWARD and FORWARD (and so for the transitive modes)', () => {
    fc.assert(
      fc.property(
        root,
        fc.array(fc.tuple(mutation, fc.nat()), { minLength: 1, maxLength: 2 }),
        fc.constantFrom('response' as const, 'request' as const),
        (fields, edits, role) => {
          const versions = [fields];
          for (const [what, pick] of edits) versions.push(mutate(versions.at(-1)!, what, pick));
          const [candidate, ...previous] = versions.reverse().map((v) => buildObject(v));
          previous.reverse();
          const verdict = Object.fromEntries(MODES.map((m) => [m, checkCompatibility(candidate!, previous, m, { role }).compatible]));
          expect(verdict.FULL).toBe(verdict.BACKWARD && verdict.FORWARD);
          expect(verdict.FULL_TRANSITIVE).toBe(verdict.BACKWARD_TRANSITIVE && verdict.FORWARD_TRANSITIVE);
          if (verdict.BACKWARD_TRANSITIVE) expect(verdict.BACKWARD).toBe(true);
          if (verdict.FORWARD_TRANSITIVE) expect(verdict.FORWARD).toBe(true);
          expect(verdict.NONE).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('is sound: when it says compatible, readers accept whatever writers send (checked with zod itself)', () => {
    fc.assert(
      fc.property(root, mutation, fc.nat(), fc.integer(), fc.constantFrom('response' as const, 'request' as const), (fields, what, pick, seed, role) => {
        const olderSpec = fields;
        const newerSpec = mutate(fields, what, pick);
        for (const mode of ['BACKWARD', 'FORWARD'] as const) {
          if (!checkCompatibility(buildObject(newerSpec), [buildObject(olderSpec)], mode, { role }).compatible) continue;
          // Who writes: for responses the new version in BACKWARD; for requests the new version in FORWARD.
          const newerWrites = (role === 'response') === (mode === 'BACKWARD');
          const writerSpec = newerWrites ? newerSpec : olderSpec;
          const readerSpec = newerWrites ? olderSpec : newerSpec;
          // Agencies read replies tolerantly; ndx reads requests with the strict schema.
          const reader = buildObject(readerSpec, role === 'response');
          const writer = buildObject(writerSpec);
          for (const value of fc.sample(objectValue(writerSpec), { numRuns: 5, seed })) {
            if (!writer.safeParse(value).success) continue;
            const read = reader.safeParse(value);
            expect(read.success, `${mode} ${role}: ${JSON.stringify(value)}\n${JSON.stringify(read.error?.issues)}`).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('the diff is empty iff the two JSON Schemas are identical', () => {
    fc.assert(
      fc.property(root, mutation, fc.nat(), fc.constantFrom('input' as const, 'output' as const), (fields, what, pick, io) => {
        const a = jsonSchemaOf(buildObject(fields), io);
        const b = jsonSchemaOf(buildObject(mutate(fields, what, pick)), io);
        const identical = JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
        expect(diffSchemas(a, b).length === 0).toBe(identical);
        expect(diffSchemas(b, a).length === 0).toBe(identical);
      }),
      RUNS,
    );
  });

  it('the diff of unrelated schemas is empty iff they are identical', () => {
    fc.assert(
      fc.property(root, root, (x, y) => {
        const a: JSONSchema = jsonSchemaOf(buildObject(x), 'output');
        const b: JSONSchema = jsonSchemaOf(buildObject(y), 'output');
        const identical = JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
        expect(diffSchemas(a, b).length === 0).toBe(identical);
      }),
      RUNS,
    );
  });
});
