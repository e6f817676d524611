/**
 * Reading a LookupRequest off the wire: size, JSON, forbidden keys, schema. Pure.
 *
 * `issues` name the rule that failed and the position where it failed, never anything the caller
 * chose: no value, and no key the schema does not define. A path is the keys from the root joined
 * with `.`; a key the schema defines (`subject`, `page.size`, a contract's `nationalId`) is named, an
 * array element is its index, and any other key (a subject key a contract does not know, an extra
 * field, `__proto__`) is written `#n`, its 1-based position among the keys of its object as sent,
 * e.g. `subject.#1`. `(root)` is the message itself. Messages are fixed texts per rule.
 */
import * as z from 'zod';
import { type Issue as IssueSchema, LookupRequest, MAX_REQUEST_BYTES } from '../../contracts/protocol.ts';

/** One thing wrong with a request, as replies carry it (the schema is the protocol's). */
export type Issue = z.infer<typeof IssueSchema>;

export type Envelope =
  | { ok: true; request: LookupRequest }
  | { ok: false; code: 'PAYLOAD_TOO_LARGE' | 'MALFORMED_MESSAGE' | 'SCHEMA_VIOLATION'; requestId: string | null; issues: Issue[] };

/** Keys that could reach an object's prototype when copied carelessly: refused anywhere in a request. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const FORBIDDEN_KEY_MESSAGE = 'a key named __proto__, constructor or prototype is not allowed';
const UNRECOGNIZED_KEY_MESSAGE = 'not a field of this message';
/** At most this many issues are reported for one request. */
export const MAX_ISSUES = 20;

const RequestIdOnly = z.object({ requestId: z.uuid() });

/**
 * Messages for zod's own rules, used where a schema does not give its own (schema texts are ours, such as
 * "a contract id such as population.identity-verification", and win). Only the schema's parameters
 * (expected type, limits) go into them, never the input.
 */
export const fixedMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `required: ${issue.expected}` : `expected ${issue.expected}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'not in the expected format' : `expected a ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return UNRECOGNIZED_KEY_MESSAGE;
    case 'invalid_key':
      return 'not a key this message allows';
    case 'invalid_value':
      return 'not one of the allowed values';
    case 'invalid_union':
      return 'does not match any allowed form';
    case 'invalid_element':
      return 'an element is not allowed';
    case 'custom':
      return 'not allowed';
    default:
      return 'not allowed';
  }
};

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  if (origin === 'object' || origin === 'record') return ' keys';
  return '';
}

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The schema a value under `key` of `schema` must match, when the schema defines that key by name. */
function fieldSchema(schema: unknown, key: string): { defined: boolean; schema: unknown } {
  const def = unwrap(schema);
  if (!def) return { defined: false, schema: undefined };
  if (def.type === 'object') {
    const shape = def.shape as Record<string, unknown>;
    return Object.hasOwn(shape, key) ? { defined: true, schema: shape[key] } : { defined: false, schema: undefined };
  }
  if (def.type === 'union') {
    for (const option of def.options as unknown[]) {
      const found = fieldSchema(option, key);
      if (found.defined) return found;
    }
  }
  if (def.type === 'intersection') {
    const left = fieldSchema(def.left, key);
    return left.defined ? left : fieldSchema(def.right, key);
  }
  // A record's keys are the caller's: never named.
  return { defined: false, schema: undefined };
}

function elementSchema(schema: unknown): unknown {
  const def = unwrap(schema);
  return def?.type === 'array' ? def.element : undefined;
}

/** Through optional, default, nullable, pipe (its input side) and the like to the schema that has a shape. */
function unwrap(schema: unknown): Def | undefined {
  let def = defOf(schema);
  for (let i = 0; def && i < 32; i++) {
    if ('innerType' in def) def = defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(def.in);
    else if (def.type === 'lazy') def = defOf((def.getter as () => unknown)());
    else break;
  }
  return def;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** 1-based position of `key` among the own keys of `container` as sent (`#?` when it is not there). */
function position(container: unknown, key: string): string {
  const at = isObject(container) ? Object.keys(container).indexOf(key) : -1;
  return at < 0 ? '#?' : `#${at + 1}`;
}

/**
 * A path of the input (keys and indexes) as an issue path: keys the schema defines by name, indexes as
 * numbers, every other key as its position. `input` is what was parsed; `schema` what it was parsed with.
 */
export function positionPath(path: ReadonlyArray<PropertyKey>, input: unknown, schema: unknown): string {
  const out: string[] = [];
  let value = input;
  let s = schema;
  for (const segment of path) {
    if (typeof segment === 'number' && Array.isArray(value)) {
      out.push(String(segment));
      value = value[segment];
      s = elementSchema(s);
      continue;
    }
    const key = String(segment);
    const field = fieldSchema(s, key);
    out.push(field.defined ? key : position(value, key));
    value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    s = field.schema;
  }
  return out.length ? out.join('.') : '(root)';
}

/** Zod issues as positions and fixed rules; nothing the caller sent is copied into them. */
export function toIssues(error: z.ZodError, input: unknown, schema: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const i of error.issues) {
    if (i.code === 'unrecognized_keys') {
      // One issue per extra key, at its position; zod's message would name the keys.
      for (const key of i.keys) issues.push({ path: positionPath([...i.path, key], input, schema), message: UNRECOGNIZED_KEY_MESSAGE });
    } else {
      issues.push({ path: positionPath(i.path, input, schema), message: i.message });
    }
  }
  return issues.slice(0, MAX_ISSUES);
}

/**
 * Every own key named `__proto__`, `constructor` or `prototype`, at any depth, as issue paths. JSON.parse
 * makes such keys plain own properties (it never sets a prototype), so they can be seen here; zod would
 * drop `__proto__` silently. Iterative, so the deepest nesting a body within the size limit allows is fine.
 */
export function forbiddenKeys(json: unknown, schema: unknown): Issue[] {
  // Paths as links to the parent, so deep nesting costs no copies.
  type Node = { value: unknown; key: PropertyKey | undefined; parent: Node | undefined };
  const pathOf = (node: Node | undefined, last: PropertyKey): PropertyKey[] => {
    const path = [last];
    for (let n = node; n && n.key !== undefined; n = n.parent) path.push(n.key);
    return path.reverse();
  };
  const issues: Issue[] = [];
  const stack: Node[] = [{ value: json, key: undefined, parent: undefined }];
  while (issues.length < MAX_ISSUES) {
    const node = stack.pop();
    if (!node) break;
    const { value } = node;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: node });
    } else if (isObject(value)) {
      const keys = Object.keys(value);
      for (const key of keys) {
        if (FORBIDDEN_KEYS.has(key)) issues.push({ path: positionPath(pathOf(node, key), json, schema), message: FORBIDDEN_KEY_MESSAGE });
      }
      for (const key of keys.toReversed()) {
        if (!FORBIDDEN_KEYS.has(key)) stack.push({ value: value[key], key, parent: node });
      }
    }
  }
  return issues.slice(0, MAX_ISSUES);
}

export function readEnvelope(body: string, maxBytes: number = MAX_REQUEST_BYTES): Envelope {
  let json: unknown;
  let parsedOk = true;
  try {
    json = JSON.parse(body);
  } catch {
    parsedOk = false;
  }
  const requestId = parsedOk ? (RequestIdOnly.safeParse(json).data?.requestId ?? null) : null;
  // Stryker disable next-line StringLiteral: an empty encoding is UTF-8 to Node (Buffer.byteLength), so the bytes are the same
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) {
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', requestId, issues: [{ path: '(root)', message: `more than the limit of ${maxBytes} bytes` }] };
  }
  if (!parsedOk || json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, code: 'MALFORMED_MESSAGE', requestId: null, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  }
  const forbidden = forbiddenKeys(json, LookupRequest);
  if (forbidden.length) return { ok: false, code: 'SCHEMA_VIOLATION', requestId, issues: forbidden };
  const parsed = LookupRequest.safeParse(json, { error: fixedMessages });
  if (!parsed.success) return { ok: false, code: 'SCHEMA_VIOLATION', requestId, issues: toIssues(parsed.error, json, LookupRequest) };
  return { ok: true, request: parsed.data };
}
