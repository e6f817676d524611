/**
 * The compatibility checker's keyword lists (contracts/compatibility.ts), keyword by keyword:
 * annotations never validate (an allOf entry that only adds a pattern and an annotation still folds),
 * every keyword the checker does not model counts as breaking when it differs, every modelled keyword
 * is compared as a rule and never reported as an annotation, and a schema without `type` takes the
 * type its keywords imply. Then literal values against the reader's bounds, at the exact bound.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas, type JSONSchema, jsonEqual } from '../../contracts/compatibility.ts';

const kinds = (w: JSONSchema, r: JSONSchema) => diffSchemas(w, r).map((c) => [c.path, c.kind, c.breaking]);
const ANNOTATION_KINDS = new Set(['annotation-changed', 'description-changed', 'title-changed', 'default-changed']);

const ANNOTATIONS = [
  'description',
  'title',
  'default',
  'examples',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$schema',
  '$id',
  'id',
  '$anchor',
  'contentEncoding',
  'contentMediaType',
];
const UNMODELLED = [
  'if',
  'then',
  'else',
  'contains',
  'minContains',
  'maxContains',
  'patternProperties',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
  'contentSchema',
  '$dynamicRef',
  '$recursiveRef',
];
/** A keyword the checker models, with a writer and a reader that differ in it. */
const MODELLED: Array<[string, JSONSchema, JSONSchema]> = [
  ['type', { type: 'string' }, { type: 'number' }],
  ['enum', { enum: ['a', 'b'] }, { enum: ['a'] }],
  ['const', { const: 'a' }, { const: 'b' }],
  ['anyOf', { anyOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'string' }] }],
  ['oneOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }, { oneOf: [{ type: 'string' }] }],
  ['allOf', { type: 'string', allOf: [{ minLength: 1 }] }, { type: 'string', allOf: [{ minLength: 2 }] }],
  [
    '$ref',
    { $ref: '#/$defs/a', $defs: { a: { type: 'string' }, b: { type: 'number' } } },
    { $ref: '#/$defs/b', $defs: { a: { type: 'string' }, b: { type: 'number' } } },
  ],
  ['nullable', { type: 'string', nullable: true }, { type: 'string' }],
  ['minLength', { type: 'string', minLength: 1 }, { type: 'string', minLength: 2 }],
  ['maxLength', { type: 'string', maxLength: 2 }, { type: 'string', maxLength: 1 }],
  ['pattern', { type: 'string' }, { type: 'string', pattern: '^a' }],
  ['format', { type: 'string' }, { type: 'string', format: 'email' }],
  ['minimum', { type: 'number', minimum: 1 }, { type: 'number', minimum: 2 }],
  ['maximum', { type: 'number', maximum: 2 }, { type: 'number', maximum: 1 }],
  ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 1 }, { type: 'number', exclusiveMinimum: 2 }],
  ['exclusiveMaximum', { type: 'number', exclusiveMaximum: 2 }, { type: 'number', exclusiveMaximum: 1 }],
  ['multipleOf', { type: 'number', multipleOf: 2 }, { type: 'number', multipleOf: 3 }],
  ['properties', { type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { a: { type: 'number' } } }],
  ['required', { type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }],
  ['additionalProperties', { type: 'object' }, { type: 'object', additionalProperties: false }],
  ['propertyNames', { type: 'object' }, { type: 'object', propertyNames: { pattern: '^a' } }],
  ['minProperties', { type: 'object', minProperties: 1 }, { type: 'object', minProperties: 2 }],
  ['maxProperties', { type: 'object', maxProperties: 2 }, { type: 'object', maxProperties: 1 }],
  ['items', { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'number' } }],
  ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }] }, { type: 'array', prefixItems: [{ type: 'number' }] }],
  ['minItems', { type: 'array', minItems: 1 }, { type: 'array', minItems: 2 }],
  ['maxItems', { type: 'array', maxItems: 2 }, { type: 'array', maxItems: 1 }],
  ['uniqueItems', { type: 'array' }, { type: 'array', uniqueItems: true }],
];
/** Keywords that imply a type when `type` is absent. */
const IMPLIED: Array<[string, unknown, string]> = [
  ['minLength', 1, 'string'],
  ['maxLength', 1, 'string'],
  ['pattern', '^a', 'string'],
  ['format', 'email', 'string'],
  ['minimum', 1, 'number'],
  ['maximum', 1, 'number'],
  ['exclusiveMinimum', 1, 'number'],
  ['exclusiveMaximum', 1, 'number'],
  ['multipleOf', 2, 'number'],
  ['properties', { a: {} }, 'object'],
  ['required', ['a'], 'object'],
  ['additionalProperties', false, 'object'],
  ['propertyNames', { pattern: '^a' }, 'object'],
  ['minProperties', 1, 'object'],
  ['maxProperties', 1, 'object'],
  ['items', { type: 'string' }, 'array'],
  ['prefixItems', [{}], 'array'],
  ['minItems', 1, 'array'],
  ['maxItems', 1, 'array'],
  ['uniqueItems', true, 'array'],
];

describe('the keyword lists', () => {
  it.each(ANNOTATIONS)('%s is an annotation: an allOf entry with it still folds, and a union’s copy of it is not a difference', (a) => {
    expect(kinds({ type: 'string', allOf: [{ pattern: '^a', [a]: 'x' }] }, { type: 'string', pattern: '^a' })).toEqual([]);
    expect(kinds({ anyOf: [{ type: 'string' }, { type: 'number' }], [a]: 'x' }, { anyOf: [{ type: 'string' }, { type: 'number' }], [a]: 'x' })).toEqual([]);
    expect(
      kinds({ anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }], [a]: 'x' }, { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }] }),
    ).toEqual(
      a === '$schema'
        ? [['$', 'annotation-changed', false]]
        : [
            [
              '$',
              a === 'description' ? 'description-changed' : a === 'title' ? 'title-changed' : a === 'default' ? 'default-changed' : 'annotation-changed',
              false,
            ],
          ],
    );
  });

  it.each(UNMODELLED)('%s is not modelled: any difference in it is breaking', (k) => {
    const changes = diffSchemas({ type: 'object' }, { type: 'object', [k]: { type: 'string' } });
    expect(changes.map((c) => [c.kind, c.breaking])).toContainEqual(['unsupported-keyword-changed', true]);
    expect(changes.find((c) => c.kind === 'unsupported-keyword-changed')?.reason).toContain(`\`${k}\``);
    expect(changes.some((c) => ANNOTATION_KINDS.has(c.kind))).toBe(false);
  });

  it('takes `not` as the never-schema when it is empty, and as an unmodelled keyword otherwise', () => {
    expect(kinds({ type: 'string' }, { not: {} })).toEqual([['$', 'type-widened', true]]);
    expect(kinds({ type: 'string', not: { const: 'a' } }, { type: 'string' })).toEqual([['$', 'unsupported-keyword-changed', true]]);
  });

  it.each(MODELLED)('%s is a rule, compared as such and never reported as an annotation', (k, w, r) => {
    const changes = diffSchemas(w, r);
    expect(changes.length, k).toBeGreaterThan(0);
    expect(changes.filter((c) => ANNOTATION_KINDS.has(c.kind) || c.reason.includes(`\`${k}\``))).toEqual([]);
  });

  it('ignores unused $defs and definitions', () => {
    expect(kinds({ type: 'string', $defs: { a: { type: 'number' } } }, { type: 'string', $defs: { b: {} } })).toEqual([]);
    expect(kinds({ type: 'string', definitions: { a: { type: 'number' } } }, { type: 'string', definitions: { b: {} } })).toEqual([]);
    expect(kinds({ $defs: { a: {} } }, { type: 'string' })).toEqual([['$', 'type-widened', true]]);
  });

  it.each(IMPLIED)('%s implies the type %s when there is none', (k, v, type) => {
    expect(diffSchemas({ [k]: v }, { type, [k]: v }).filter((c) => c.breaking)).toEqual([]);
    expect(kinds({ type: 'boolean' }, { [k]: v })).toEqual([['$', 'type-changed', true]]);
    expect(kinds({ type: 'boolean' }, { [k]: v, description: 'd' })).toContainEqual(['$', 'type-changed', true]);
  });
});

describe('literal values against the reader’s bounds, at the exact bound', () => {
  const accepted: Array<[string, unknown, JSONSchema]> = [
    ['minLength', 'ab', { type: 'string', minLength: 2 }],
    ['maxLength', 'ab', { type: 'string', maxLength: 2 }],
    ['maxLength counts code points', '😀😀', { type: 'string', maxLength: 2 }],
    ['pattern', 'ab', { type: 'string', pattern: '^a' }],
    ['minimum', 2, { type: 'number', minimum: 2 }],
    ['maximum', 2, { type: 'number', maximum: 2 }],
    ['exclusiveMinimum', 2.5, { type: 'number', exclusiveMinimum: 2 }],
    ['exclusiveMaximum', 1.5, { type: 'number', exclusiveMaximum: 2 }],
    ['multipleOf', 0.3, { type: 'number', multipleOf: 0.1 }],
    ['integer as number', 2, { type: 'number' }],
    ['boolean', true, { type: 'boolean' }],
  ];
  const refused: Array<[string, unknown, JSONSchema]> = [
    ['minLength', 'a', { type: 'string', minLength: 2 }],
    ['maxLength', 'abc', { type: 'string', maxLength: 2 }],
    ['pattern', 'ba', { type: 'string', pattern: '^a' }],
    ['a pattern that is no regular expression', 'a', { type: 'string', pattern: '(' }],
    ['minimum', 1, { type: 'number', minimum: 2 }],
    ['maximum', 3, { type: 'number', maximum: 2 }],
    ['exclusiveMinimum', 2, { type: 'number', exclusiveMinimum: 2 }],
    ['exclusiveMaximum', 2, { type: 'number', exclusiveMaximum: 2 }],
    ['multipleOf', 0.35, { type: 'number', multipleOf: 0.1 }],
    ['fraction as integer', 2.5, { type: 'integer' }],
  ];
  it.each(accepted)('%s: accepted', (_name, value, reader) => {
    expect(diffSchemas({ const: value }, reader).filter((c) => c.breaking)).toEqual([]);
  });
  it.each(refused)('%s: refused', (_name, value, reader) => {
    expect(diffSchemas({ const: value }, reader).filter((c) => c.breaking)).toHaveLength(1);
  });
  it('accepts a literal only where its type is: null by a null branch, nothing by a never-schema', () => {
    expect(kinds({ const: null }, { type: ['string', 'null'] })).toEqual([['$', 'union-branch-removed', false]]);
    expect(diffSchemas({ const: null }, { type: 'string' }).some((c) => c.breaking)).toBe(true);
    expect(diffSchemas({ const: 'a' }, { type: 'number' }).some((c) => c.breaking)).toBe(true);
    expect(diffSchemas({ const: 1 }, { type: 'string' }).some((c) => c.breaking)).toBe(true);
    expect(diffSchemas({ const: true }, { type: 'string' }).some((c) => c.breaking)).toBe(true);
    expect(diffSchemas({ const: 'a' }, {}).filter((c) => c.breaking)).toEqual([]);
    expect(diffSchemas({ const: 'a' }, false).some((c) => c.breaking)).toBe(true);
  });
});

describe('paths, texts and references', () => {
  const reasons = (w: JSONSchema, r: JSONSchema) => diffSchemas(w, r).map((c) => [c.path, c.reason]);
  const required = (properties: Record<string, JSONSchema>): JSONSchema => ({ type: 'object', properties, required: Object.keys(properties) });

  it('writes identifier keys as .key and any other key as ["key"]', () => {
    const keys = ['a-b', '_ok$1', '1a', 'a-', 'Z9'];
    const paths = diffSchemas(
      required(Object.fromEntries(keys.map((k) => [k, { type: 'string' }]))),
      required(Object.fromEntries(keys.map((k) => [k, { type: 'number' }]))),
    ).map((c) => c.path);
    expect(paths).toEqual(['$["a-b"]', '$._ok$1', '$["1a"]', '$["a-"]', '$.Z9']);
  });

  it('shows values up to 60 characters whole, and longer ones cut to 57 and an ellipsis', () => {
    const at60 = `"${'x'.repeat(58)}"`;
    expect(reasons({ const: 'x'.repeat(58) }, { const: 'y' })).toEqual([['$', `The writer always sends ${at60} here, and the reader accepts only "y".`]]);
    expect(reasons({ const: 'x'.repeat(59) }, { const: 'y' })).toEqual([
      ['$', `The writer always sends "${'x'.repeat(56)}... here, and the reader accepts only "y".`],
    ]);
  });

  it('names types with their article', () => {
    expect(reasons({ type: 'integer' }, { type: 'string' })).toEqual([['$', 'The writer sends an integer here, and the reader expects a string.']]);
    expect(reasons({ type: 'object' }, { type: 'array' })).toEqual([['$', 'The writer sends an object here, and the reader expects an array.']]);
    expect(reasons({ type: 'boolean' }, { type: 'number' })).toEqual([['$', 'The writer sends a boolean here, and the reader expects a number.']]);
  });

  it('follows JSON pointers with ~1, ~0, %-escapes and array indexes; the whole document by #', () => {
    const defs = { 'a/b': { type: 'string' }, 'a~b': { type: 'number' }, 'a b': { type: 'boolean' }, list: [{ type: 'string' }] };
    const writer: JSONSchema = {
      $defs: defs,
      type: 'object',
      properties: { x: { $ref: '#/$defs/a~1b' }, y: { $ref: '#/$defs/a~0b' }, z: { $ref: '#/$defs/a%20b' }, i: { $ref: '#/$defs/list/0' } },
    };
    const reader: JSONSchema = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'string' }, z: { type: 'string' }, i: { type: 'number' } } };
    expect(diffSchemas(writer, reader).map((c) => [c.path, c.kind])).toEqual([
      ['$.x', 'type-changed'],
      ['$.y', 'type-changed'],
      ['$.z', 'type-changed'],
      ['$.i', 'type-changed'],
    ]);
    const tree: JSONSchema = { type: 'object', properties: { n: { $ref: '#' }, v: { type: 'string' } } };
    expect(diffSchemas(tree, tree)).toEqual([]);
    expect(diffSchemas({ $defs: { t: true }, $ref: '#/$defs/t' }, { type: 'number' }).map((c) => c.kind)).toEqual(['type-widened']);
  });

  it('compares an unresolvable or external reference as an unmodelled keyword', () => {
    for (const ref of ['other.json#/a', '#anchor', '#/nothing/here', '#/$defs/s', '#/$defs/s/x']) {
      const changes = diffSchemas({ $defs: { s: 'str' }, $ref: ref }, { type: 'number' });
      expect(changes[0], ref).toMatchObject({ kind: 'unsupported-keyword-changed', breaking: true, reason: expect.stringContaining(JSON.stringify(ref)) });
    }
    expect(diffSchemas({ $ref: 'x.json' }, { $ref: 'x.json' })).toEqual([]);
  });

  it('keeps null as a branch of its own, whether it came as a type, nullable or a literal', () => {
    expect(kinds({ enum: ['a', null] }, { enum: ['a'] })).toEqual([['$', 'nullable-added', true]]);
    expect(kinds({ enum: [null] }, { type: 'null' })).toEqual([]);
    expect(kinds({ type: 'string', nullable: true }, { type: ['string', 'null'] })).toEqual([]);
    expect(kinds({ type: ['string', 'null'] }, { type: 'string', nullable: true })).toEqual([]);
    expect(kinds({ anyOf: [{ enum: ['a', null] }, { type: 'null' }] }, { enum: ['a', null] })).toEqual([]);
    expect(kinds({ enum: ['a'] }, { enum: ['a', null] })).toEqual([['$', 'nullable-removed', false]]);
  });
});

describe('limits, bounds, tuples and undeclared properties, with the reasons users read', () => {
  const rows: Array<[string, JSONSchema, JSONSchema, Array<[string, string, boolean, string]>]> = [
    [
      'minLength 0 vs none',
      { type: 'string', minLength: 0 },
      { type: 'string' },
      [['$', 'constraint-tightened', false, 'minLength: 0 for the writer and "none" for the reader accept the same messages.']],
    ],
    [
      'minLength none vs 1',
      { type: 'string' },
      { type: 'string', minLength: 1 },
      [['$', 'constraint-loosened', true, 'minLength: the reader requires at least 1 character, and the writer may send as few as 0.']],
    ],
    [
      'minLength 2 vs 1',
      { type: 'string', minLength: 2 },
      { type: 'string', minLength: 1 },
      [['$', 'constraint-tightened', false, 'minLength: the writer always sends at least 2 characters, more than the 1 the reader requires.']],
    ],
    [
      'maxItems none vs 1',
      { type: 'array' },
      { type: 'array', maxItems: 1 },
      [['$', 'constraint-loosened', true, 'maxItems: the reader accepts at most 1 item, and the writer may send more.']],
    ],
    [
      'maxItems 1 vs none',
      { type: 'array', maxItems: 1 },
      { type: 'array' },
      [['$', 'constraint-tightened', false, 'maxItems: the writer sends at most 1 item, and the reader accepts any number.']],
    ],
    [
      'maxProperties 2 vs 3',
      { type: 'object', maxProperties: 2 },
      { type: 'object', maxProperties: 3 },
      [['$', 'constraint-tightened', false, 'maxProperties: the writer sends at most 2 properties, and the reader accepts up to 3.']],
    ],
    ['minProperties 1 vs 1.0', { type: 'object', minProperties: 1 }, { type: 'object', minProperties: 1 }, []],
    [
      'exclusive vs inclusive same min',
      { type: 'number', minimum: 1, exclusiveMinimum: 1 },
      { type: 'number', minimum: 1 },
      [['$', 'constraint-tightened', false, 'minimum: the writer sends only numbers > 1, and the reader accepts numbers ≥ 1.']],
    ],
    [
      'exclusive vs inclusive same max',
      { type: 'number', maximum: 1 },
      { type: 'number', maximum: 1, exclusiveMaximum: 1 },
      [['$', 'constraint-loosened', true, 'maximum: the reader accepts only numbers < 1, and the writer may send numbers ≤ 1.']],
    ],
    ['min and ex min', { type: 'number', minimum: 2, exclusiveMinimum: 1 }, { type: 'number', minimum: 2 }, []],
    ['max and ex max', { type: 'number', maximum: 1, exclusiveMaximum: 2 }, { type: 'number', maximum: 1 }, []],
    [
      'multipleOf none vs 2',
      { type: 'number' },
      { type: 'number', multipleOf: 2 },
      [['$', 'constraint-loosened', true, 'The reader accepts only multiples of 2, and the writer may send any number.']],
    ],
    [
      'multipleOf 4 vs 2',
      { type: 'number', multipleOf: 4 },
      { type: 'number', multipleOf: 2 },
      [['$', 'constraint-tightened', false, 'The writer sends multiples of 4, all accepted by the reader.']],
    ],
    [
      'multipleOf 2 vs 4',
      { type: 'number', multipleOf: 2 },
      { type: 'number', multipleOf: 4 },
      [['$', 'constraint-loosened', true, 'The reader accepts only multiples of 4, and the writer may send multiples of 2.']],
    ],
    [
      'multipleOf 2 vs none',
      { type: 'number', multipleOf: 2 },
      { type: 'number' },
      [['$', 'constraint-tightened', false, 'The writer sends multiples of 2, all accepted by the reader.']],
    ],
    [
      'long pattern',
      { type: 'string' },
      { type: 'string', pattern: `^${'a'.repeat(45)}$` },
      [
        [
          '$',
          'constraint-loosened',
          true,
          'The reader requires the pattern /^aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.../, which the writer does not guarantee (regular expressions cannot be compared for inclusion).',
        ],
      ],
    ],
    [
      'pattern 40',
      { type: 'string' },
      { type: 'string', pattern: 'a'.repeat(40) },
      [
        [
          '$',
          'constraint-loosened',
          true,
          'The reader requires the pattern /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/, which the writer does not guarantee (regular expressions cannot be compared for inclusion).',
        ],
      ],
    ],
    [
      'describe any of',
      { type: ['string', 'integer'] },
      { enum: ['a', 'b'] },
      [
        ['$', 'type-widened', true, 'The writer may send any string here, and the reader accepts only "a", "b".'],
        ['$', 'union-branch-added', true, 'The writer may send an integer here, and the reader accepts only one of "a", "b".'],
      ],
    ],
    [
      'tuple maxItems',
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], maxItems: 1 },
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }] },
      [['$', 'constraint-tightened', false, 'maxItems: the writer sends at most 1 item, and the reader accepts any number.']],
    ],
    [
      'tuple items false',
      { type: 'array', prefixItems: [{ type: 'string' }], items: false },
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: { type: 'boolean' } },
      [],
    ],
    [
      'tuple rest',
      { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } },
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }] },
      [
        ['$[1]', 'type-changed', true, 'The writer sends a number here, and the reader expects a string.'],
        ['$[*]', 'type-narrowed', false, 'The reader accepts any JSON value here, so a number from the writer is read.'],
      ],
    ],
    [
      'extras {}',
      { type: 'object', additionalProperties: {} },
      { type: 'object', additionalProperties: false },
      [
        [
          '$.*',
          'additional-properties-opened',
          true,
          'The writer may send properties it does not declare, and the reader rejects them (additionalProperties: false).',
        ],
      ],
    ],
    [
      'extras true',
      { type: 'object', additionalProperties: true },
      { type: 'object', additionalProperties: { type: 'string' } },
      [['$.*', 'type-widened', true, 'The writer may put any JSON value here, and the reader accepts only a string.']],
    ],
    [
      'extras schema vs open',
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object' },
      [
        [
          '$.*',
          'additional-properties-opened',
          false,
          'The reader accepts any further property, so whatever the writer sends under additionalProperties is read.',
        ],
      ],
    ],
    [
      'unique',
      { type: 'array', uniqueItems: true },
      { type: 'array' },
      [['$', 'constraint-tightened', false, 'The writer never sends duplicate items; the reader does not mind either way.']],
    ],
  ];
  it.each(rows)('%s', (_name, writer, reader, expected) => {
    expect(diffSchemas(writer, reader).map((c) => [c.path, c.kind, c.breaking, c.reason])).toEqual(expected);
  });
});

describe('equality, schemas that accept anything, and schemas that accept nothing', () => {
  it('counts NaN equal to NaN only, and no two different primitives equal', () => {
    expect(jsonEqual(Number.NaN, Number.NaN)).toBe(true);
    for (const [a, b] of [
      [1, 2],
      [Number.NaN, 1],
      [1, Number.NaN],
      ['a', 'b'],
      [Number.NaN, 'NaN'],
      ['NaN', Number.NaN],
      [true, false],
      [null, false],
    ] as const) {
      expect(jsonEqual(a, b), `${String(a)} ${String(b)}`).toBe(false);
    }
  });

  it('takes a schema of annotations, $defs or definitions only, or of keywords it does not know, as accepting anything', () => {
    for (const any of [
      {},
      { definitions: { a: { type: 'number' } } },
      { $defs: { a: {} } },
      { description: 'd' },
      { 'x-vendor': 1 },
      { not: { const: 'a' } },
    ] as JSONSchema[]) {
      expect(
        diffSchemas(any, { type: 'string' }).map((c) => c.kind),
        JSON.stringify(any),
      ).toContain('type-widened');
    }
  });

  it('takes an unresolvable reference as a schema whose values cannot be known: breaking, and nothing more sent', () => {
    expect(kinds({ $ref: 'other.json#/a' }, { type: 'number' })).toEqual([
      ['$', 'unsupported-keyword-changed', true],
      ['$', 'type-narrowed', false],
    ]);
  });

  it('accepts a null literal by a null branch or an open schema only', () => {
    expect(diffSchemas({ const: null }, {}).filter((c) => c.breaking)).toEqual([]);
    expect(diffSchemas({ const: null }, { enum: ['a', null] }).filter((c) => c.breaking)).toEqual([]);
    expect(diffSchemas({ const: null }, { type: 'string', nullable: true }).filter((c) => c.breaking)).toEqual([]);
    expect(kinds({ const: null }, { enum: ['a'] })).toContainEqual(['$', 'nullable-added', true]);
  });
});
