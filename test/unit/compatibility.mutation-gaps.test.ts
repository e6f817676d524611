/**
 * The compatibility checker over raw JSON Schema (contracts/compatibility.ts), for what zod schemas do
 * not produce: $ref and $defs, allOf, oneOf against anyOf, tuples, propertyNames, property and item
 * counts, exclusive bounds, multipleOf, uniqueItems, const, formats and patterns, annotations and the
 * keywords the checker does not model. Each row asserts the kinds, paths and verdicts; the reasons,
 * which users read, are kept in a snapshot.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkCompatibility, diffSchemas, formatChanges, jsonEqual, type Change, type JSONSchema } from '../../contracts/compatibility.ts';

interface Row {
  name: string;
  writer: JSONSchema;
  reader: JSONSchema;
  /** [path, kind, breaking] of every change, in order. */
  expect: Array<[string, Change['kind'], boolean]>;
}

const obj = (properties: Record<string, JSONSchema>, extra: Record<string, unknown> = {}): JSONSchema => ({ type: 'object', properties, ...extra });

const rows: Row[] = [
  // numbers
  {
    name: 'exclusive minimum raised',
    writer: { type: 'number', exclusiveMinimum: 0 },
    reader: { type: 'number', exclusiveMinimum: 1 },
    expect: [['$', 'constraint-loosened', true]],
  },
  {
    name: 'exclusive minimum lowered',
    writer: { type: 'number', exclusiveMinimum: 1 },
    reader: { type: 'number', exclusiveMinimum: 0 },
    expect: [['$', 'constraint-tightened', false]],
  },
  {
    name: 'inclusive → exclusive at the same minimum',
    writer: { type: 'number', minimum: 0 },
    reader: { type: 'number', exclusiveMinimum: 0 },
    expect: [['$', 'constraint-loosened', true]],
  },
  {
    name: 'exclusive → inclusive at the same minimum',
    writer: { type: 'number', exclusiveMinimum: 0 },
    reader: { type: 'number', minimum: 0 },
    expect: [['$', 'constraint-tightened', false]],
  },
  { name: 'maximum lowered', writer: { type: 'number', maximum: 10 }, reader: { type: 'number', maximum: 9 }, expect: [['$', 'constraint-loosened', true]] },
  {
    name: 'exclusive maximum at the same value',
    writer: { type: 'number', maximum: 10 },
    reader: { type: 'number', exclusiveMaximum: 10 },
    expect: [['$', 'constraint-loosened', true]],
  },
  { name: 'maximum removed', writer: { type: 'number', maximum: 10 }, reader: { type: 'number' }, expect: [['$', 'constraint-tightened', false]] },
  { name: 'maximum added', writer: { type: 'number' }, reader: { type: 'number', maximum: 10 }, expect: [['$', 'constraint-loosened', true]] },
  { name: 'multipleOf added', writer: { type: 'number' }, reader: { type: 'number', multipleOf: 2 }, expect: [['$', 'constraint-loosened', true]] },
  {
    name: 'multipleOf of a multiple',
    writer: { type: 'number', multipleOf: 4 },
    reader: { type: 'number', multipleOf: 2 },
    expect: [['$', 'constraint-tightened', false]],
  },
  {
    name: 'multipleOf not dividing',
    writer: { type: 'number', multipleOf: 3 },
    reader: { type: 'number', multipleOf: 2 },
    expect: [['$', 'constraint-changed', true]],
  },
  { name: 'multipleOf removed', writer: { type: 'number', multipleOf: 2 }, reader: { type: 'number' }, expect: [['$', 'constraint-tightened', false]] },
  // strings
  {
    name: 'minLength raised',
    writer: { type: 'string', minLength: 1 },
    reader: { type: 'string', minLength: 2 },
    expect: [['$', 'constraint-loosened', true]],
  },
  {
    name: 'maxLength raised',
    writer: { type: 'string', maxLength: 5 },
    reader: { type: 'string', maxLength: 6 },
    expect: [['$', 'constraint-tightened', false]],
  },
  { name: 'pattern added', writer: { type: 'string' }, reader: { type: 'string', pattern: '^a' }, expect: [['$', 'constraint-loosened', true]] },
  { name: 'pattern removed', writer: { type: 'string', pattern: '^a' }, reader: { type: 'string' }, expect: [['$', 'constraint-tightened', false]] },
  {
    name: 'pattern changed',
    writer: { type: 'string', pattern: '^a' },
    reader: { type: 'string', pattern: '^b' },
    expect: [['$', 'constraint-changed', true]],
  },
  { name: 'format added', writer: { type: 'string' }, reader: { type: 'string', format: 'email' }, expect: [['$', 'constraint-loosened', true]] },
  { name: 'format removed', writer: { type: 'string', format: 'email' }, reader: { type: 'string' }, expect: [['$', 'constraint-tightened', false]] },
  {
    name: 'format changed',
    writer: { type: 'string', format: 'email' },
    reader: { type: 'string', format: 'uuid' },
    expect: [['$', 'constraint-changed', true]],
  },
  // const and enum
  { name: 'const changed', writer: { const: 'a' }, reader: { const: 'b' }, expect: [['$', 'const-changed', true]] },
  { name: 'const to its type', writer: { const: 'a' }, reader: { type: 'string' }, expect: [['$', 'type-narrowed', false]] },
  { name: 'enum value removed', writer: { enum: ['a', 'b'] }, reader: { enum: ['a'] }, expect: [['$', 'enum-value-added', true]] },
  { name: 'enum value added', writer: { enum: ['a'] }, reader: { enum: ['a', 'b'] }, expect: [['$', 'enum-value-removed', false]] },
  { name: 'true and false read as an enum', writer: { type: 'boolean' }, reader: { enum: [true, false] }, expect: [] },
  // nullable
  { name: 'null added to the writer', writer: { type: ['string', 'null'] }, reader: { type: 'string' }, expect: [['$', 'nullable-added', true]] },
  { name: 'null added to the reader', writer: { type: 'string' }, reader: { type: ['string', 'null'] }, expect: [['$', 'nullable-removed', false]] },
  { name: 'OpenAPI nullable', writer: { type: 'string', nullable: true }, reader: { type: 'string' }, expect: [['$', 'nullable-added', true]] },
  // unions
  {
    name: 'anyOf → oneOf over types',
    writer: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    reader: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    expect: [['$', 'union-kind-changed', false]],
  },
  {
    name: 'anyOf → oneOf over one type',
    writer: {
      anyOf: [
        { type: 'string', maxLength: 3 },
        { type: 'string', minLength: 2 },
      ],
    },
    reader: {
      oneOf: [
        { type: 'string', maxLength: 3 },
        { type: 'string', minLength: 2 },
      ],
    },
    expect: [['$', 'union-kind-changed', true]],
  },
  {
    name: 'union branch removed',
    writer: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    reader: { type: 'string' },
    expect: [['$', 'union-branch-added', true]],
  },
  {
    name: 'union branch added',
    writer: { type: 'string' },
    reader: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    expect: [['$', 'union-branch-removed', false]],
  },
  // any and never
  { name: 'anything to a type', writer: {}, reader: { type: 'string' }, expect: [['$', 'type-widened', true]] },
  { name: 'a type to anything', writer: { type: 'string' }, reader: true, expect: [['$', 'type-narrowed', false]] },
  { name: 'a type to nothing', writer: { type: 'string' }, reader: false, expect: [['$', 'type-widened', true]] },
  { name: 'nothing to a type', writer: { not: {} }, reader: { type: 'string' }, expect: [['$', 'type-narrowed', false]] },
  { name: 'anything to anything', writer: true, reader: {}, expect: [] },
  // objects
  {
    name: 'property required by the reader',
    writer: obj({ a: { type: 'string' } }),
    reader: obj({ a: { type: 'string' } }, { required: ['a'] }),
    expect: [['$.a', 'required-removed', true]],
  },
  {
    name: 'closed reader, new property',
    writer: obj({ a: { type: 'string' }, b: { type: 'string' } }),
    reader: obj({ a: { type: 'string' } }, { additionalProperties: false }),
    expect: [
      ['$.b', 'property-added', true],
      ['$.*', 'additional-properties-opened', true],
    ],
  },
  {
    name: 'closed writer, open reader',
    writer: obj({ a: { type: 'string' } }, { additionalProperties: false }),
    reader: obj({ a: { type: 'string' } }),
    expect: [['$.*', 'additional-properties-closed', false]],
  },
  {
    name: 'open writer, closed reader',
    writer: obj({ a: { type: 'string' } }),
    reader: obj({ a: { type: 'string' } }, { additionalProperties: false }),
    expect: [['$.*', 'additional-properties-opened', true]],
  },
  {
    name: 'additional properties typed',
    writer: obj({}, { additionalProperties: { type: 'string' } }),
    reader: obj({}, { additionalProperties: { type: 'number' } }),
    expect: [['$.*', 'type-changed', true]],
  },
  { name: 'minProperties raised', writer: obj({}, { minProperties: 1 }), reader: obj({}, { minProperties: 2 }), expect: [['$', 'constraint-loosened', true]] },
  { name: 'maxProperties lowered', writer: obj({}, { maxProperties: 3 }), reader: obj({}, { maxProperties: 2 }), expect: [['$', 'constraint-loosened', true]] },
  { name: 'propertyNames added', writer: obj({}), reader: obj({}, { propertyNames: { pattern: '^a' } }), expect: [['$.*~', 'constraint-loosened', true]] },
  { name: 'propertyNames removed', writer: obj({}, { propertyNames: { pattern: '^a' } }), reader: obj({}), expect: [['$.*~', 'constraint-tightened', false]] },
  // arrays
  {
    name: 'array items changed',
    writer: { type: 'array', items: { type: 'string' } },
    reader: { type: 'array', items: { type: 'number' } },
    expect: [['$[*]', 'type-changed', true]],
  },
  { name: 'minItems raised', writer: { type: 'array', minItems: 1 }, reader: { type: 'array', minItems: 2 }, expect: [['$', 'constraint-loosened', true]] },
  { name: 'maxItems raised', writer: { type: 'array', maxItems: 1 }, reader: { type: 'array', maxItems: 2 }, expect: [['$', 'constraint-tightened', false]] },
  { name: 'uniqueItems added', writer: { type: 'array' }, reader: { type: 'array', uniqueItems: true }, expect: [['$', 'constraint-loosened', true]] },
  { name: 'uniqueItems removed', writer: { type: 'array', uniqueItems: true }, reader: { type: 'array' }, expect: [['$', 'constraint-tightened', false]] },
  {
    name: 'tuple item changed',
    writer: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
    reader: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }] },
    expect: [['$[1]', 'type-changed', true]],
  },
  // references
  {
    name: 'a $ref to a changed definition',
    writer: { $defs: { A: { type: 'string' } }, $ref: '#/$defs/A' },
    reader: { $defs: { A: { type: 'number' } }, $ref: '#/$defs/A' },
    expect: [['$', 'type-changed', true]],
  },
  {
    name: 'an external $ref',
    writer: { $ref: 'https://x/a.json' },
    reader: { $ref: 'https://x/b.json' },
    expect: [['$', 'unsupported-keyword-changed', true]],
  },
  {
    name: 'a recursive schema',
    writer: { $defs: { N: { type: 'object', properties: { next: { $ref: '#/$defs/N' } } } }, $ref: '#/$defs/N' },
    reader: { $defs: { N: { type: 'object', properties: { next: { $ref: '#/$defs/N' } } } }, $ref: '#/$defs/N' },
    expect: [],
  },
  // allOf
  {
    name: 'allOf folded',
    writer: { allOf: [{ type: 'string' }, { minLength: 2 }] },
    reader: { type: 'string', minLength: 1 },
    expect: [
      ['$', 'unsupported-keyword-changed', true],
      ['$', 'constraint-tightened', false],
    ],
  },
  // allOf folded into one schema
  {
    name: 'allOf bounds folded, the tightest wins',
    writer: { type: 'string', allOf: [{ minLength: 2 }, { minLength: 3 }, { maxLength: 9 }, { maxLength: 8 }] },
    reader: { type: 'string', minLength: 3, maxLength: 8 },
    expect: [],
  },
  {
    name: 'allOf numbers folded',
    writer: { type: 'number', allOf: [{ minimum: 1 }, { maximum: 5 }, { exclusiveMinimum: 0 }, { exclusiveMaximum: 6 }] },
    reader: { type: 'number', minimum: 1, maximum: 5 },
    expect: [],
  },
  {
    name: 'allOf patterns folded',
    writer: { type: 'string', allOf: [{ pattern: '^a' }, { pattern: 'b$' }] },
    reader: { type: 'string', pattern: '^a' },
    expect: [['$', 'constraint-tightened', false]],
  },
  { name: 'allOf format folded', writer: { type: 'string', allOf: [{ format: 'email' }] }, reader: { type: 'string', format: 'email' }, expect: [] },
  {
    name: 'allOf with two formats',
    writer: { type: 'string', format: 'email', allOf: [{ format: 'uuid' }] },
    reader: { type: 'string', format: 'email' },
    expect: [['$', 'unsupported-keyword-changed', true]],
  },
  {
    name: 'allOf with an object entry',
    writer: { type: 'object', allOf: [{ required: ['a'] }] },
    reader: { type: 'object' },
    expect: [['$', 'unsupported-keyword-changed', true]],
  },
  {
    name: 'allOf with a non-number bound',
    writer: { type: 'string', allOf: [{ minLength: 'x' }] },
    reader: { type: 'string' },
    expect: [['$', 'unsupported-keyword-changed', true]],
  },
  // literals the writer sends, against a typed reader
  {
    name: 'literal too short for the reader',
    writer: { enum: ['a', 'abc'] },
    reader: { type: 'string', minLength: 2 },
    expect: [
      ['$', 'type-narrowed', false],
      ['$', 'enum-value-added', true],
    ],
  },
  { name: 'literal too long for the reader', writer: { enum: ['abcd'] }, reader: { type: 'string', maxLength: 3 }, expect: [['$', 'enum-value-added', true]] },
  {
    name: 'literal against a pattern',
    writer: { enum: ['ab', 'ba'] },
    reader: { type: 'string', pattern: '^a' },
    expect: [
      ['$', 'type-narrowed', false],
      ['$', 'enum-value-added', true],
    ],
  },
  { name: 'literal against a bad pattern', writer: { enum: ['a'] }, reader: { type: 'string', pattern: '(' }, expect: [['$', 'enum-value-added', true]] },
  {
    name: 'literal below a minimum',
    writer: { enum: [0, 5] },
    reader: { type: 'number', minimum: 1 },
    expect: [
      ['$', 'type-narrowed', false],
      ['$', 'enum-value-added', true],
    ],
  },
  {
    name: 'literal above a maximum',
    writer: { enum: [5, 11] },
    reader: { type: 'number', maximum: 10 },
    expect: [
      ['$', 'type-narrowed', false],
      ['$', 'enum-value-added', true],
    ],
  },
  {
    name: 'literal at an exclusive minimum',
    writer: { enum: [1] },
    reader: { type: 'number', exclusiveMinimum: 1 },
    expect: [['$', 'enum-value-added', true]],
  },
  {
    name: 'literal at an exclusive maximum',
    writer: { enum: [10] },
    reader: { type: 'number', exclusiveMaximum: 10 },
    expect: [['$', 'enum-value-added', true]],
  },
  { name: 'literal not a multiple', writer: { enum: [0.3, 3] }, reader: { type: 'number', multipleOf: 0.1 }, expect: [['$', 'type-narrowed', false]] },
  {
    name: 'fraction read as an integer',
    writer: { enum: [1.5] },
    reader: { type: 'integer' },
    expect: [
      ['$', 'type-changed', true],
      ['$', 'type-narrowed', false],
    ],
  },
  { name: 'whole number read as an integer', writer: { enum: [2] }, reader: { type: 'integer' }, expect: [['$', 'type-narrowed', false]] },
  { name: 'boolean literal', writer: { const: true }, reader: { type: 'boolean' }, expect: [['$', 'type-narrowed', false]] },
  {
    name: 'null literal',
    writer: { enum: [null, 'a'] },
    reader: { type: 'string' },
    expect: [
      ['$', 'nullable-added', true],
      ['$', 'type-narrowed', false],
    ],
  },
  { name: 'null literal read as null', writer: { enum: [null] }, reader: { type: ['string', 'null'] }, expect: [['$', 'union-branch-removed', false]] },
  { name: 'object literal', writer: { const: { a: 1 } }, reader: { type: 'object' }, expect: [['$', 'type-narrowed', false]] },
  { name: 'array literal', writer: { const: [1] }, reader: { type: 'array' }, expect: [['$', 'type-narrowed', false]] },
  { name: 'a long literal', writer: { const: 'x'.repeat(80) }, reader: { const: 'y' }, expect: [['$', 'const-changed', true]] },
  { name: 'enum filtered by its type', writer: { type: 'string', enum: ['a', 1] }, reader: { type: 'string', enum: ['a'] }, expect: [] },
  // types inferred from keywords
  { name: 'string keywords without a type', writer: { minLength: 1 }, reader: { type: 'string' }, expect: [['$', 'constraint-tightened', false]] },
  { name: 'number keywords without a type', writer: { minimum: 1 }, reader: { type: 'string' }, expect: [['$', 'type-changed', true]] },
  {
    name: 'object keywords without a type',
    writer: { properties: { a: { type: 'string' } } },
    reader: { type: 'array' },
    expect: [['$', 'type-changed', true]],
  },
  { name: 'array keywords without a type', writer: { items: { type: 'string' } }, reader: { type: 'object' }, expect: [['$', 'type-changed', true]] },
  { name: 'an unknown type name', writer: { type: 'date' }, reader: { type: 'string' }, expect: [['$', 'type-narrowed', false]] },
  // paths and annotations
  {
    name: 'a property name that needs brackets',
    writer: obj({ 'a b': { type: 'string' } }),
    reader: obj({ 'a b': { type: 'number' } }),
    expect: [['$["a b"]', 'type-changed', true]],
  },
  {
    name: '$schema differs at the root',
    writer: { $schema: 'a', type: 'string' },
    reader: { $schema: 'b', type: 'string' },
    expect: [['$', 'annotation-changed', false]],
  },
  {
    name: '$schema differs below the root',
    writer: obj({ a: { $schema: 'a', type: 'string' } }),
    reader: obj({ a: { $schema: 'b', type: 'string' } }),
    expect: [],
  },
  {
    name: 'description changed',
    writer: { type: 'string', description: 'a' },
    reader: { type: 'string', description: 'b' },
    expect: [['$', 'description-changed', false]],
  },
  {
    name: 'a shared sibling of a union',
    writer: { type: 'string', anyOf: [{ minLength: 1 }, { maxLength: 0 }] },
    reader: { type: 'string' },
    expect: [
      ['$', 'constraint-tightened', false],
      ['$', 'constraint-tightened', false],
    ],
  },
  { name: 'an any branch in a union', writer: { anyOf: [{}, { type: 'string' }] }, reader: { type: 'string' }, expect: [['$', 'type-widened', true]] },
  {
    name: 'a union of literals with null',
    writer: { anyOf: [{ const: 'a' }, { const: null }] },
    reader: { enum: ['a'] },
    expect: [['$', 'nullable-added', true]],
  },
  // annotations and unmodelled keywords
  { name: 'title changed', writer: { type: 'string', title: 'A' }, reader: { type: 'string', title: 'B' }, expect: [['$', 'title-changed', false]] },
  { name: 'default changed', writer: { type: 'string', default: 'a' }, reader: { type: 'string' }, expect: [['$', 'default-changed', false]] },
  {
    name: 'examples changed',
    writer: { type: 'string', examples: ['a'] },
    reader: { type: 'string', examples: ['b'] },
    expect: [['$', 'annotation-changed', false]],
  },
  {
    name: 'not changed',
    writer: { type: 'string', not: { const: 'a' } },
    reader: { type: 'string', not: { const: 'b' } },
    expect: [['$', 'unsupported-keyword-changed', true]],
  },
  {
    name: 'if added',
    writer: { type: 'string' },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords, a schema under test, never awaited
    reader: { type: 'string', if: { const: 'a' }, then: { minLength: 2 } },
    expect: [
      ['$', 'unsupported-keyword-changed', true],
      ['$', 'unsupported-keyword-changed', true],
    ],
  },
];

describe('diffSchemas over raw JSON Schema', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const changes = diffSchemas(row.writer, row.reader);
    expect(changes.map((c) => [c.path, c.kind, c.breaking])).toEqual(row.expect);
    for (const c of changes) expect(c.reason.length).toBeGreaterThan(20);
  });

  it('says why, in the words users read', () => {
    const text = rows.map((r) => `## ${r.name}\n${formatChanges(diffSchemas(r.writer, r.reader))}`).join('\n\n');
    expect(text).toMatchSnapshot();
  });

  it('describes the change from the reader’s side when the reader is newer, with the labels given', () => {
    const changes = diffSchemas({ enum: ['a', 'b'] }, { enum: ['a'] }, { newer: 'reader', labels: { writer: 'the agency', reader: 'ndx' } });
    expect(changes.map((c) => [c.kind, c.breaking])).toEqual([['enum-value-removed', true]]);
    expect(changes[0]?.reason).toMatch(/^The agency /);
    expect(changes[0]?.reason).toMatch(/ndx/);
  });

  it('lets an open reader ignore fields it does not declare', () => {
    const writer = obj({ a: { type: 'string' }, b: { type: 'string' } });
    const reader = obj({ a: { type: 'string' } }, { additionalProperties: false });
    expect(diffSchemas(writer, reader, { readerModel: 'open' }).filter((c) => c.breaking)).toEqual([]);
    expect(diffSchemas(writer, reader).some((c) => c.breaking)).toBe(true);
  });
});

describe('checkCompatibility across several versions', () => {
  const v1 = z.strictObject({ a: z.string() });
  const v2 = z.strictObject({ a: z.string(), b: z.string().optional() });
  const v3 = z.strictObject({ b: z.string() });

  it('compares only with the latest under BACKWARD, with every one under BACKWARD_TRANSITIVE, and says against which', () => {
    const plain = checkCompatibility(v3, [v1, v2], 'BACKWARD', { role: 'response' });
    expect(plain.results.map((r) => r.against)).toEqual([1]);
    const transitive = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE', { role: 'response' });
    expect(transitive.results.map((r) => r.against)).toEqual([0, 1]);
    expect(transitive.compatible).toBe(false);
  });

  it('is compatible with no earlier version, and under NONE', () => {
    expect(checkCompatibility(v3, [], 'FULL_TRANSITIVE').compatible).toBe(true);
    expect(checkCompatibility(v3, [v1], 'NONE').compatible).toBe(true);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values deeply, with key order ignored and array order kept', () => {
    expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual([1, 2], [1])).toBe(false);
  });
});

describe('literal objects and arrays a writer sends, against the reader’s object and array schemas', () => {
  // A literal object or array is checked against the reader's object or array branch as a validator
  // would check it (it used to be accepted only by an equal literal, so any const object against
  // {type: object} was a breaking enum-value-added).
  const narrowed: Array<[string, Change['kind'], boolean]> = [['$', 'type-narrowed', false]];
  const refused: Array<[string, Change['kind'], boolean]> = [['$', 'enum-value-added', true]];
  const cases: Array<[string, JSONSchema, JSONSchema, Array<[string, Change['kind'], boolean]>]> = [
    ['object literal, any object', { const: { a: 1 } }, { type: 'object' }, narrowed],
    ['array literal, any array', { enum: [[1, 2]] }, { type: 'array' }, narrowed],
    [
      'property of the declared type, through $ref',
      { const: { a: 1 } },
      { $defs: { A: { type: 'integer' } }, type: 'object', properties: { a: { $ref: '#/$defs/A' } } },
      narrowed,
    ],
    ['property of another type', { const: { a: 'x' } }, obj({ a: { type: 'integer' } }), refused],
    ['required property present', { const: { a: 1 } }, { type: 'object', required: ['a'] }, narrowed],
    ['required property missing', { const: { a: 1 } }, { type: 'object', required: ['a', 'b'] }, refused],
    ['closed object, every key declared', { const: { a: 1 } }, obj({ a: { type: 'integer' } }, { additionalProperties: false }), narrowed],
    ['closed object, an undeclared key', { const: { a: 1, b: 2 } }, obj({ a: { type: 'integer' } }, { additionalProperties: false }), refused],
    ['extra keys of the additionalProperties schema', { const: { b: 'x' } }, obj({}, { additionalProperties: { type: 'string' } }), narrowed],
    ['extra keys not of the additionalProperties schema', { const: { b: 2 } }, obj({}, { additionalProperties: { type: 'string' } }), refused],
    ['minProperties at the exact limit', { const: { a: 1, b: 2 } }, { type: 'object', minProperties: 2 }, narrowed],
    ['minProperties one short', { const: { a: 1 } }, { type: 'object', minProperties: 2 }, refused],
    ['maxProperties at the exact limit', { const: { a: 1 } }, { type: 'object', maxProperties: 1 }, narrowed],
    ['maxProperties one over', { const: { a: 1, b: 2 } }, { type: 'object', maxProperties: 1 }, refused],
    ['propertyNames matched', { const: { ab: 1 } }, { type: 'object', propertyNames: { pattern: '^a' } }, narrowed],
    ['propertyNames not matched', { const: { ab: 1, b: 1 } }, { type: 'object', propertyNames: { pattern: '^a' } }, refused],
    ['minItems at the exact limit', { const: [1, 2] }, { type: 'array', minItems: 2 }, narrowed],
    ['minItems one short', { const: [1] }, { type: 'array', minItems: 2 }, refused],
    ['maxItems at the exact limit', { const: [1, 2] }, { type: 'array', maxItems: 2 }, narrowed],
    ['maxItems one over', { const: [1, 2, 3] }, { type: 'array', maxItems: 2 }, refused],
    ['uniqueItems, all distinct', { const: [{ a: 1 }, { a: 2 }] }, { type: 'array', uniqueItems: true }, narrowed],
    ['uniqueItems, a repeated item', { const: [{ a: 1 }, { a: 1 }] }, { type: 'array', uniqueItems: true }, refused],
    ['repeated items, uniqueItems false', { const: [1, 1] }, { type: 'array', uniqueItems: false }, narrowed],
    ['items of the declared type', { const: [1, 2] }, { type: 'array', items: { type: 'integer' } }, narrowed],
    ['an item of another type', { const: [1, 'x'] }, { type: 'array', items: { type: 'integer' } }, refused],
    ['prefixItems then items', { const: [1, 'a', 'b'] }, { type: 'array', prefixItems: [{ type: 'integer' }], items: { type: 'string' } }, narrowed],
    [
      'an item past the prefix of the prefix’s type',
      { const: [1, 2] },
      { type: 'array', prefixItems: [{ type: 'integer' }], items: { type: 'string' } },
      refused,
    ],
    ['a prefix item of another type', { const: ['a'] }, { type: 'array', prefixItems: [{ type: 'integer' }] }, refused],
    ['no items past the prefix, exactly as many as the prefix', { const: [1] }, { type: 'array', prefixItems: [{ type: 'integer' }], items: false }, narrowed],
    ['no items past the prefix, one more', { const: [1, 2] }, { type: 'array', prefixItems: [{ type: 'integer' }], items: false }, refused],
    ['nested: an array of objects', { const: [{ a: [1] }] }, { type: 'array', items: obj({ a: { type: 'array', items: { type: 'integer' } } }) }, narrowed],
    [
      'nested: a wrong leaf deep inside',
      { const: [{ a: ['x'] }] },
      { type: 'array', items: obj({ a: { type: 'array', items: { type: 'integer' } } }) },
      refused,
    ],
    [
      'an object literal against an array',
      { const: { a: 1 } },
      { type: 'array' },
      [
        ['$', 'type-changed', true],
        ['$', 'union-branch-removed', false],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, writer, reader, expected) => {
    expect(diffSchemas(writer, reader).map((c) => [c.path, c.kind, c.breaking])).toEqual(expected);
  });

  it('refuses, to be safe, what it does not model: draft-07 tuples, allOf, keywords such as contains or patternProperties', () => {
    for (const reader of [
      { type: 'array', items: [{ type: 'integer' }] },
      { type: 'array', contains: { type: 'integer' } },
      { type: 'array', allOf: [{ minItems: 1 }] },
      { type: 'object', patternProperties: { '^a': { type: 'integer' } } },
      { type: 'object', allOf: [{ required: ['a'] }] },
    ] as JSONSchema[]) {
      const literal = reader !== true && reader !== false && reader.type === 'array' ? [1] : { a: 1 };
      expect(
        diffSchemas({ const: literal }, reader).some((c) => c.breaking),
        JSON.stringify(reader),
      ).toBe(true);
    }
  });
});
