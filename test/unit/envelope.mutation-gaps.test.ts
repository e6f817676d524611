/**
 * The envelope's fixed messages and issue paths (domain/lookup/envelope.ts) rule by rule: each zod issue
 * code gets its own fixed text with the schema's parameters and never the input; paths name the keys the
 * schema defines (through optional, default, nullable, pipe, lazy, unions and intersections) and give
 * every other key as its position; forbidden keys are found at any depth, in order, at most MAX_ISSUES.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FORBIDDEN_KEY_MESSAGE, fixedMessages, forbiddenKeys, MAX_ISSUES, positionPath, readEnvelope, toIssues } from '../../domain/lookup/envelope.ts';

const messagesOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input, { error: fixedMessages });
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error.issues.map((i) => i.message);
};

describe('fixedMessages', () => {
  it('says what is required or expected, with the schema’s limits and units, never the input', () => {
    expect(messagesOf(z.object({ a: z.string() }), {})).toEqual(['required: string']);
    expect(messagesOf(z.string(), 12)).toEqual(['expected string']);
    expect(messagesOf(z.string().min(3), 'ab')).toEqual(['at least 3 characters']);
    expect(messagesOf(z.string().max(1), 'secret-value')).toEqual(['at most 1 characters']);
    expect(messagesOf(z.array(z.number()).min(2), [1])).toEqual(['at least 2 items']);
    expect(messagesOf(z.set(z.number()).max(1), new Set([1, 2]))).toEqual(['at most 1 items']);
    expect(messagesOf(z.number().min(5), 4)).toEqual(['at least 5']);
    expect(messagesOf(z.number().max(5), 6)).toEqual(['at most 5']);
    expect(messagesOf(z.number().multipleOf(3), 4)).toEqual(['a multiple of 3']);
    expect(messagesOf(z.string().regex(/^a$/), 'b')).toEqual(['not in the expected format']);
    expect(messagesOf(z.email(), 'x')).toEqual(['expected a email']);
    expect(messagesOf(z.enum(['a', 'b']), 'c')).toEqual(['not one of the allowed values']);
    expect(messagesOf(z.literal('a'), 'c')).toEqual(['not one of the allowed values']);
    expect(messagesOf(z.union([z.string(), z.number()]), true)).toEqual(['does not match any allowed form']);
    expect(messagesOf(z.record(z.string().min(2), z.string()), { b: 'x' })).toEqual(['not a key this message allows']);
    expect(fixedMessages({ code: 'invalid_element', origin: 'map', key: 'a', issues: [], input: new Map(), path: [] } as never)).toBe(
      'an element is not allowed',
    );
    expect(
      messagesOf(
        z.string().refine(() => false),
        'x',
      ),
    ).toEqual(['not allowed']);
    expect(messagesOf(z.strictObject({}), { a: 1 })).toEqual([expect.not.stringContaining('"a"')]);
  });

  it('counts the keys of objects and records', () => {
    const object = z.object({}).catchall(z.number());
    expect(fixedMessages({ code: 'too_small', origin: 'object', minimum: 2, input: {}, inclusive: true, path: [] } as never)).toBe('at least 2 keys');
    expect(fixedMessages({ code: 'too_big', origin: 'record', maximum: 1, input: {}, inclusive: true, path: [] } as never)).toBe('at most 1 keys');
    expect(fixedMessages({ code: 'too_big', origin: 'date', maximum: 1, input: {}, inclusive: true, path: [] } as never)).toBe('at most 1');
    expect(fixedMessages({ code: 'something_new', input: 1, path: [] } as never)).toBe('not allowed');
    expect(object.safeParse({ a: 1 }).success).toBe(true);
  });
});

describe('positionPath', () => {
  const Schema = z.object({
    named: z.object({ inner: z.string() }).optional(),
    piped: z.string().pipe(z.string()),
    lazy: z.lazy(() => z.object({ deep: z.string() })),
    either: z.union([z.object({ left: z.string() }), z.object({ right: z.string() })]),
    both: z.intersection(z.object({ one: z.string() }), z.object({ two: z.string() })),
    list: z.array(z.object({ item: z.string() })).default([]),
    free: z.record(z.string(), z.string()),
  });

  it('names keys the schema defines, through wrappers, unions and intersections, and numbers array items', () => {
    const input = { named: { inner: 1 }, lazy: { deep: 1 }, either: { right: 1 }, both: { two: 1 }, list: [{ item: 1 }, { item: 2 }], free: { k: 1 } };
    expect(positionPath(['named', 'inner'], input, Schema)).toBe('named.inner');
    expect(positionPath(['lazy', 'deep'], input, Schema)).toBe('lazy.deep');
    expect(positionPath(['either', 'right'], input, Schema)).toBe('either.right');
    expect(positionPath(['both', 'one'], input, Schema)).toBe('both.one');
    expect(positionPath(['both', 'two'], input, Schema)).toBe('both.two');
    expect(positionPath(['list', 1, 'item'], input, Schema)).toBe('list.1.item');
    expect(positionPath(['piped'], input, Schema)).toBe('piped');
    expect(positionPath([], input, Schema)).toBe('(root)');
  });

  it('gives any other key as its 1-based position among the keys sent, or #? when it was not sent', () => {
    const input = { named: { inner: 1, extra: 2 }, free: { a: 1, b: 2 }, list: [{ x: 1 }], either: { z: 1 } };
    expect(positionPath(['named', 'extra'], input, Schema)).toBe('named.#2');
    expect(positionPath(['free', 'b'], input, Schema)).toBe('free.#2');
    expect(positionPath(['free', 'a'], input, Schema)).toBe('free.#1');
    expect(positionPath(['free', 'missing'], input, Schema)).toBe('free.#?');
    expect(positionPath(['list', 0, 'x'], input, Schema)).toBe('list.0.#1');
    expect(positionPath(['either', 'z'], input, Schema)).toBe('either.#1');
    expect(positionPath(['both', 'three'], { both: { three: 1 } }, Schema)).toBe('both.#1');
    expect(positionPath(['nothing', 'deeper'], input, Schema)).toBe('#?.#?');
    expect(positionPath(['toString'], {}, Schema)).toBe('#?');
    // An index into something that is not an array is a key.
    expect(positionPath([0], { 0: 'a' }, z.record(z.string(), z.string()))).toBe('#1');
    // A path through a value that is not an object has no positions left.
    expect(positionPath(['free', 'a', 'b'], input, Schema)).toBe('free.#1.#?');
    expect(positionPath(['a'], { a: 1 }, undefined)).toBe('#1');
  });

  it('turns zod issues into paths and fixed messages, one per unrecognised key, at most MAX_ISSUES', () => {
    const Strict = z.strictObject({ a: z.string() });
    const input = Object.fromEntries([['a', 1], ...Array.from({ length: 30 }, (_, i) => [`extra${i}`, i])]);
    const parsed = Strict.safeParse(input, { error: fixedMessages });
    if (parsed.success) throw new Error('expected a failure');
    const issues = toIssues(parsed.error, input, Strict);
    expect(issues).toHaveLength(MAX_ISSUES);
    expect(issues[0]).toEqual({ path: 'a', message: 'expected string' });
    expect(issues[1]?.path).toBe('#2');
    expect(issues[2]?.path).toBe('#3');
    expect(JSON.stringify(issues)).not.toContain('extra');
  });
});

describe('forbiddenKeys', () => {
  const Schema = z.object({ a: z.object({ b: z.array(z.object({ c: z.string() })) }) });

  it('finds __proto__, constructor and prototype at any depth, in the order sent, and nothing else', () => {
    const json = JSON.parse('{"a":{"b":[{"c":"x"},{"constructor":1,"prototype":2}],"__proto__":{"z":1}},"constructor":{"prototype":1}}');
    expect(forbiddenKeys(json, Schema)).toEqual([
      { path: '#2', message: FORBIDDEN_KEY_MESSAGE },
      { path: 'a.#2', message: FORBIDDEN_KEY_MESSAGE },
      { path: 'a.b.1.#1', message: FORBIDDEN_KEY_MESSAGE },
      { path: 'a.b.1.#2', message: FORBIDDEN_KEY_MESSAGE },
    ]);
    expect(FORBIDDEN_KEY_MESSAGE).toBe('a key named __proto__, constructor or prototype is not allowed');
    expect(forbiddenKeys({ a: { b: [{ c: 'x' }] }, d: [1, [2, { e: null }]] }, Schema)).toEqual([]);
    expect(forbiddenKeys('x', Schema)).toEqual([]);
  });

  it('stops at MAX_ISSUES, and walks arrays in order', () => {
    const many = JSON.parse(`[${Array.from({ length: MAX_ISSUES + 5 }, () => '{"__proto__":1}').join(',')}]`);
    const issues = forbiddenKeys(many, undefined);
    expect(issues).toHaveLength(MAX_ISSUES);
    expect(issues.map((i) => i.path)).toEqual(Array.from({ length: MAX_ISSUES }, (_, i) => `${i}.#1`));
    expect(forbiddenKeys(JSON.parse(`[${Array.from({ length: MAX_ISSUES - 1 }, () => '{"__proto__":1}').join(',')}]`), undefined)).toHaveLength(MAX_ISSUES - 1);
  });

  it('does not look inside a forbidden key’s value', () => {
    expect(forbiddenKeys(JSON.parse('{"__proto__":{"constructor":1}}'), undefined).map((i) => i.path)).toEqual(['#1']);
  });
});

describe('readEnvelope', () => {
  const valid = {
    requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    contract: 'population.identity-verification',
    version: '1',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId: '001203004567' },
  };

  it('counts the limit in UTF-8 bytes, up to it exactly, and keeps the requestId of a body too large', () => {
    const body = JSON.stringify(valid);
    const bytes = Buffer.byteLength(body);
    expect(readEnvelope(body, bytes).ok).toBe(true);
    expect(readEnvelope(body, bytes - 1)).toEqual({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
      requestId: valid.requestId,
      issues: [{ path: '(root)', message: `more than the limit of ${bytes - 1} bytes` }],
    });
    const wide = JSON.stringify({ ...valid, onBehalfOf: 'é' });
    expect(readEnvelope(wide, wide.length)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(readEnvelope('x'.repeat(20), 10)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: null });
  });

  it('refuses what is not a JSON object, with no requestId', () => {
    for (const body of ['', 'null', '[1]', '"s"', '1', '{']) {
      expect(readEnvelope(body), body).toEqual({
        ok: false,
        code: 'MALFORMED_MESSAGE',
        requestId: null,
        issues: [{ path: '(root)', message: 'expected a JSON object' }],
      });
    }
  });

  it('keeps the requestId of a request that breaks the schema or has a forbidden key, and reports fixed messages', () => {
    const bad = readEnvelope(JSON.stringify({ ...valid, purpose: 7 }));
    expect(bad).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: valid.requestId });
    expect(bad.ok === false && bad.issues).toEqual([{ path: 'purpose', message: expect.not.stringContaining('7') }]);
    const forbidden = readEnvelope(`{"requestId":"${valid.requestId}","__proto__":{}}`);
    expect(forbidden).toEqual({ ok: false, code: 'SCHEMA_VIOLATION', requestId: valid.requestId, issues: [{ path: '#2', message: FORBIDDEN_KEY_MESSAGE }] });
    expect(readEnvelope(JSON.stringify({ ...valid, requestId: 'nope' }))).toMatchObject({ code: 'SCHEMA_VIOLATION', requestId: null });
  });
});
