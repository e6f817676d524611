import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../contracts/protocol.ts';
import { FORBIDDEN_KEY_MESSAGE, MAX_ISSUES, readEnvelope, type Envelope } from '../../domain/lookup/envelope.ts';

const valid = {
  requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
  contract: 'population.identity-verification',
  version: '1',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId: '001203004567' },
};

describe('readEnvelope', () => {
  it('accepts a valid LookupRequest and defaults nothing it was given', () => {
    const e = readEnvelope(JSON.stringify(valid));
    expect(e).toEqual({ ok: true, request: valid });
  });

  it('defaults the version pin to major 1', () => {
    const { version: _v, ...noVersion } = valid;
    const e = readEnvelope(JSON.stringify(noVersion));
    expect(e.ok && e.request.version).toBe('1');
  });

  it.each([['not json'], ['[1,2]'], ['"a string"'], ['null'], ['']])('answers MALFORMED_MESSAGE for %j', (body) => {
    const e = readEnvelope(body);
    expect(e).toMatchObject({ ok: false, code: 'MALFORMED_MESSAGE', requestId: null });
  });

  it('answers SCHEMA_VIOLATION with paths and keeps a readable requestId', () => {
    const e = readEnvelope(JSON.stringify({ ...valid, purpose: 'lower case', extra: 1 }));
    expect(e.ok).toBe(false);
    if (e.ok) return;
    expect(e.code).toBe('SCHEMA_VIOLATION');
    expect(e.requestId).toBe(valid.requestId);
    // `extra` is the sixth key sent and not a field of the schema: named by its position.
    expect(e.issues.map((i) => i.path).sort()).toEqual(['#6', 'purpose']);
    expect(e.issues.find((i) => i.path === '#6')?.message).toBe('not a field of this message');
  });

  it('never copies input values into issues', () => {
    const secret = 'Nguyễn Văn Bí Mật';
    const e = readEnvelope(JSON.stringify({ ...valid, subject: { fullName: secret.repeat(10) } }));
    expect(JSON.stringify(e)).not.toContain('Bí Mật');
  });

  it('answers PAYLOAD_TOO_LARGE above the limit, at the byte not the character', () => {
    const padding = 'ệ'.repeat(MAX_REQUEST_BYTES / 3 + 10); // 3 bytes each in UTF-8
    const e = readEnvelope(JSON.stringify({ ...valid, onBehalfOf: padding }));
    expect(e).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE', requestId: valid.requestId });
    expect(readEnvelope(JSON.stringify(valid), 10)).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('keeps a body at the limit readable and answers the deepest nesting it allows without a crash', () => {
    const depth = Math.floor((MAX_REQUEST_BYTES - 200) / 6);
    const deep = `{"requestId":"${valid.requestId}","x":${'{"k":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth)}}`;
    expect(Buffer.byteLength(deep)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const e = readEnvelope(deep);
    expect(e).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: valid.requestId });
    if (e.ok) return;
    expect(e.issues).toEqual([{ path: `#2${'.#1'.repeat(depth + 1)}`, message: FORBIDDEN_KEY_MESSAGE }]);
  });
});

/** Only `issues` matter here: the envelope's requestId is the caller's on purpose. */
const issuesText = (e: Envelope) => (e.ok ? '' : e.issues.map((i) => `${i.path}\n${i.message}`).join('\n'));

describe('hostile keys', () => {
  it('JSON.parse makes __proto__ an own property and leaves the prototype alone, so it can be seen after parsing', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['__proto__ inside subject', `"subject":{"nationalId":"001203004567","__proto__":{"nationalId":"x"}}`, 'subject.#2'],
    ['__proto__ as subject', `"subject":{"nationalId":"001203004567"},"__proto__":{"subject":1}`, '#5'],
    ['constructor inside subject', `"subject":{"constructor":"001203004567"}`, 'subject.#1'],
    ['prototype at the root', `"subject":{"nationalId":"001203004567"},"prototype":1`, '#5'],
    ['__proto__ inside page', `"subject":{"nationalId":"001203004567"},"page":{"size":1,"__proto__":{"size":2}}`, 'page.#2'],
    ['constructor deep in an array', `"subject":{"nationalId":"001203004567"},"page":{"x":[1,{"a":{"constructor":{}}}]}`, 'page.#1.1.#1.#1'],
  ])('%s is SCHEMA_VIOLATION at its position', (_name, rest, path) => {
    const body = `{"requestId":"${valid.requestId}","contract":"${valid.contract}","purpose":"${valid.purpose}",${rest}}`;
    const e = readEnvelope(body);
    expect(e).toEqual({ ok: false, code: 'SCHEMA_VIOLATION', requestId: valid.requestId, issues: [{ path, message: FORBIDDEN_KEY_MESSAGE }] });
  });

  it('never echoes a key the caller chose: a subject key that is a national ID, extra fields, page fields', () => {
    const id = '001203004567';
    for (const body of [
      { ...valid, subject: { [id]: 'x' } },
      { ...valid, [`note${id}`]: id },
      { ...valid, page: { [`after${id}`]: 1 } },
      { ...valid, subject: { nguyenVanBiMat: 42 } },
    ]) {
      const e = readEnvelope(JSON.stringify(body));
      expect(e).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
      expect(issuesText(e)).not.toMatch(/001203004567|nguyenVan/);
      if (!e.ok) for (const i of e.issues) expect(i.path).toMatch(/^(\(root\)|[a-zA-Z]+|#\d+)(\.([a-zA-Z]+|#\d+|\d+))*$/);
    }
  });

  it('reports at most MAX_ISSUES issues', () => {
    const subject = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    const e = readEnvelope(JSON.stringify({ ...valid, subject }));
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
  });
});

// ---- properties ----

const FORBIDDEN = ['__proto__', 'constructor', 'prototype'] as const;
/** A string the caller chose, distinctive enough never to occur in a fixed text: `q` and 10 to 16 hex digits. */
const token = fc.stringMatching(/^q[0-9a-f]{10,16}$/);
/** A national-ID-like string: 12 digits. */
const digits = fc.stringMatching(/^[0-9]{12}$/);
const callerString = fc.oneof(token, digits);
/** JSON values whose strings and keys are all the caller's. */
const callerJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    callerString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(callerString, tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** Where a hostile part goes: a new field at the root, or inside subject, or inside page. */
type Spot = 'root' | 'subject' | 'page';
const spot = fc.constantFrom<Spot>('root', 'subject', 'page');

/** Collects every string (keys and values) in a value. */
function strings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      strings(v, into);
    }
  }
  return into;
}

function place(where: Spot, key: string, value: unknown, subjectValue = '001203004567'): Record<string, unknown> {
  // Computed keys make own properties, as JSON.parse does, even for __proto__.
  const field = { [key]: value };
  if (where === 'root') return { ...valid, ...field };
  if (where === 'subject') return { ...valid, subject: { nationalId: subjectValue, ...field } };
  return { ...valid, page: { size: 5, ...field } };
}

/** Wraps `inner` in `levels` objects or arrays with caller-chosen keys. */
const nest = (inner: Record<string, unknown>) =>
  fc
    .array(
      fc.oneof(
        token.map((k) => ({ kind: 'object' as const, k })),
        fc.nat(2).map((i) => ({ kind: 'array' as const, i })),
      ),
      { maxLength: 6 },
    )
    .map((levels) =>
      levels.reduceRight<unknown>((acc, level) => (level.kind === 'object' ? { [level.k]: acc } : [...Array.from({ length: level.i }, () => 0), acc]), inner),
    );

describe('hostile keys, as properties', () => {
  it('a forbidden key at any depth, anywhere, is SCHEMA_VIOLATION, named by rule and position only', () => {
    const hostileRequest = fc
      .record({
        where: spot,
        outerKey: token,
        forbidden: fc.constantFrom(...FORBIDDEN),
        value: callerJson,
        siblings: fc.dictionary(token, callerJson, { maxKeys: 2 }),
        direct: fc.boolean(),
      })
      .chain(({ where, outerKey, forbidden, value, siblings, direct }) =>
        direct
          ? fc.constant({ forbidden, request: place(where, forbidden, value) })
          : nest({ ...siblings, [forbidden]: value }).map((nested) => ({ forbidden, request: place(where, outerKey, nested) })),
      );
    fc.assert(
      fc.property(hostileRequest, ({ forbidden, request }) => {
        const body = JSON.stringify(request);
        expect(body).toContain(`"${forbidden}"`);
        const e = readEnvelope(body);
        expect(e).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: valid.requestId });
        if (e.ok) return;
        expect(e.issues.length).toBeGreaterThan(0);
        expect(e.issues.every((i) => i.message === FORBIDDEN_KEY_MESSAGE)).toBe(true);
        // The rule's text names the three words; a path never does, nor any issue a caller's string.
        for (const f of FORBIDDEN) expect(e.issues.map((i) => i.path).join(' ')).not.toContain(f);
        const text = issuesText(e);
        for (const s of strings(request)) if (!KNOWN.has(s) && !(FORBIDDEN as readonly string[]).includes(s)) expect(text).not.toContain(s);
      }),
      { numRuns: 500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('whatever a caller sends, issues carry none of its keys or values', () => {
    fc.assert(
      fc.property(spot, callerString, callerJson, fc.option(callerJson, { nil: undefined }), (where, key, value, replaceSubject) => {
        const request = place(where, key, value);
        if (replaceSubject !== undefined) request.subject = replaceSubject;
        const e = readEnvelope(JSON.stringify(request));
        const text = issuesText(e);
        for (const s of strings(request)) if (!KNOWN.has(s)) expect(text).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});

/** Strings of the valid request and the names the schema defines: these may appear in issues. */
const KNOWN = new Set([...strings(valid), ...strings({ page: { size: 1, token: 1 } })].filter((s) => !/^\d{12}$/.test(s)));
