/**
 * Schema compatibility checker for data-sharing contracts. Pure: no I/O, depends only on zod.
 *
 * It compares JSON Schemas (generated from the contracts' zod schemas with `z.toJSONSchema`) the way
 * mature schema registries do for JSON Schema (Confluent Schema Registry's rules are the reference):
 * the WRITER form of one version (what can be on the wire) against the READER form of another (what a
 * parser accepts). A change is breaking when some message the writer may produce is rejected by the
 * reader. The rules and their reasons are in contracts/COMPATIBILITY.md.
 *
 * What it cannot see: zod refinements (`.refine`, `.superRefine`, `.check` with custom functions) and
 * transforms have no JSON Schema form, so a change that only tightens a refinement is invisible here.
 * A contract's meaning must therefore live in its structure (types, enums, patterns, bounds), which is
 * also what agencies see in the published JSON Schema. Regular expressions cannot be compared for
 * inclusion, so any pattern the reader adds or replaces counts as breaking; `oneOf` is treated like
 * `anyOf` (zod only emits it for discriminated unions, whose branches are disjoint).
 */
import * as z from 'zod';

/** A JSON Schema document or subschema (draft 2020-12, as `z.toJSONSchema` emits it). */
export type JSONSchema = boolean | { readonly [keyword: string]: unknown };

/**
 * Stable ids of the changes the checker reports. Names describe the change from the OLDER to the
 * NEWER schema (see `DiffOptions.newer`); whether it breaks depends on which side writes and which reads.
 */
export type ChangeKind =
  | 'property-added'
  | 'required-property-added'
  | 'property-removed'
  | 'required-property-removed'
  | 'required-added'
  | 'required-removed'
  | 'type-changed'
  | 'type-widened'
  | 'type-narrowed'
  | 'nullable-added'
  | 'nullable-removed'
  | 'union-branch-added'
  | 'union-branch-removed'
  | 'union-kind-changed'
  | 'enum-value-added'
  | 'enum-value-removed'
  | 'const-changed'
  | 'constraint-tightened'
  | 'constraint-loosened'
  | 'constraint-changed'
  | 'additional-properties-opened'
  | 'additional-properties-closed'
  | 'description-changed'
  | 'title-changed'
  | 'default-changed'
  | 'annotation-changed'
  | 'unsupported-keyword-changed';

export interface Change {
  /** JSON path of the instance location, e.g. `$.permanentResidence.province`, `$.items[*]`, `$.data.*`. */
  path: string;
  kind: ChangeKind;
  breaking: boolean;
  /** One sentence: why a consumer breaks or not. */
  reason: string;
}

export interface DiffOptions {
  /**
   * Which side is the newer schema, so change kinds read old → new (`enum-value-added` means the new
   * version has a value the old one lacks). Default `writer`.
   */
  newer?: 'writer' | 'reader';
  /**
   * `declared` (default): the reader's `additionalProperties: false` is honoured, as a strict parser
   * does. `open`: the reader ignores properties it does not know (a tolerant reader), whatever its
   * schema declares.
   */
  readerModel?: 'declared' | 'open';
  /** Noun phrases used in reasons; default `the writer` / `the reader`. */
  labels?: { writer: string; reader: string };
}

type Obj = { readonly [keyword: string]: unknown };
type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

const JSON_TYPES: readonly JsonType[] = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];
const EMPTY: Obj = Object.freeze({});
const NEVER: Obj = Object.freeze({ not: {} });

/** Keywords that carry no validation: differences are reported, never breaking. */
const ANNOTATIONS = new Set([
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
]);
/** Validation and structure keywords the checker models. */
const MODELLED = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  '$defs',
  'definitions',
  'nullable',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
]);
/** Validation keywords the checker does not model: any difference counts as breaking (conservative). */
const UNMODELLED = new Set([
  'not',
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
]);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function jsonTypeOf(v: unknown): JsonType | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  if (isObj(v)) return 'object';
  return undefined;
}

function typeMatches(value: unknown, type: JsonType): boolean {
  const t = jsonTypeOf(value);
  return t === type || (t === 'integer' && type === 'number');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

// ---------------------------------------------------------------------------------------------
// $ref resolution

interface Resolved {
  node: Obj;
  /** Identity used to detect cycles: the target of the last `$ref` followed, or the node itself. */
  identity: object;
}

function pointer(root: JSONSchema, ref: string): JSONSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const fragment = decodeURIComponent(ref.slice(1));
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return undefined;
  let at: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObj(at)) at = at[key];
    else return undefined;
  }
  return typeof at === 'boolean' || isObj(at) ? at : undefined;
}

function asObj(s: JSONSchema | undefined): Obj {
  if (s === undefined || s === true) return EMPTY;
  if (s === false) return NEVER;
  return s;
}

function resolve(schema: JSONSchema | undefined, root: JSONSchema): Resolved {
  let node = asObj(schema);
  let identity: object = node;
  for (let hops = 0; hops < 64 && typeof node.$ref === 'string'; hops++) {
    const target = pointer(root, node.$ref);
    if (target === undefined) break; // unresolvable: compared as an unmodelled keyword
    const { $ref: _ref, ...siblings } = node;
    const resolvedTarget = asObj(target);
    identity = resolvedTarget;
    node = Object.keys(siblings).length ? { ...resolvedTarget, ...siblings } : resolvedTarget;
  }
  return { node, identity };
}

// ---------------------------------------------------------------------------------------------
// Decomposition of a schema into branches: one per JSON type, plus a set of literal values.

interface TypedBranch {
  type: JsonType;
  node: Obj;
  /** The branch is its own subschema (from anyOf/oneOf), so its annotations are compared separately. */
  own: boolean;
  /** String patterns that apply (pattern plus those in allOf). */
  patterns: string[];
  /** The schema the branch's `$ref`s resolve against (to check literal objects and arrays). */
  root: JSONSchema;
}

/** An array with at least one element. */
type NonEmpty<T> = [T, ...T[]];

function nonEmpty<T>(items: T[]): items is NonEmpty<T> {
  return items.length > 0;
}

interface Shape {
  any: boolean;
  typed: TypedBranch[];
  /** Literal values (enum/const), when the schema (or some branch) is a literal set. */
  values: unknown[] | undefined;
  union: 'anyOf' | 'oneOf' | undefined;
  /** Nodes of allOf entries the checker could not fold in. */
  unfolded: boolean;
}

const STRING_KEYS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const OBJECT_KEYS = ['properties', 'required', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties'];
const ARRAY_KEYS = ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems'];

function inferTypes(node: Obj): JsonType[] | undefined {
  const types = new Set<JsonType>();
  if (STRING_KEYS.some((k) => k in node)) types.add('string');
  if (NUMBER_KEYS.some((k) => k in node)) types.add('number');
  if (OBJECT_KEYS.some((k) => k in node)) types.add('object');
  if (ARRAY_KEYS.some((k) => k in node)) types.add('array');
  return types.size ? [...types] : undefined;
}

/** Folds allOf entries that only add string/number constraints (zod emits these for several patterns). */
function foldAllOf(node: Obj, root: JSONSchema): { node: Obj; patterns: string[]; unfolded: boolean } {
  const patterns: string[] = typeof node.pattern === 'string' ? [node.pattern] : [];
  if (!Array.isArray(node.allOf)) return { node, patterns, unfolded: false };
  let merged: Record<string, unknown> = { ...node };
  delete merged.allOf;
  let unfolded = false;
  const rest: unknown[] = [];
  for (const entry of node.allOf as JSONSchema[]) {
    const sub = resolve(entry, root).node;
    const keys = Object.keys(sub).filter((k) => !ANNOTATIONS.has(k));
    const simple = keys.every((k) => k === 'pattern' || k === 'format' || k === 'minLength' || k === 'maxLength' || NUMBER_KEYS.includes(k));
    if (!simple || ('format' in sub && 'format' in merged && sub.format !== merged.format)) {
      rest.push(entry);
      unfolded = true;
      continue;
    }
    for (const k of keys) {
      const v = sub[k];
      if (k === 'pattern' && typeof v === 'string') patterns.push(v);
      else if (k === 'format') merged.format = v;
      else if ((k === 'minLength' || k === 'minimum' || k === 'exclusiveMinimum') && typeof v === 'number')
        merged[k] = typeof merged[k] === 'number' ? Math.max(merged[k] as number, v) : v;
      else if ((k === 'maxLength' || k === 'maximum' || k === 'exclusiveMaximum') && typeof v === 'number')
        merged[k] = typeof merged[k] === 'number' ? Math.min(merged[k] as number, v) : v;
      else {
        rest.push(entry);
        unfolded = true;
        break;
      }
    }
  }
  if (rest.length) merged = { ...merged, allOf: rest };
  return { node: merged, patterns: [...new Set(patterns)], unfolded };
}

function isNever(node: Obj): boolean {
  return node === NEVER || (isObj(node.not) && Object.keys(node.not).length === 0);
}

function isValidationFree(node: Obj): boolean {
  return Object.keys(node).every((k) => ANNOTATIONS.has(k) || k === '$defs' || k === 'definitions' || !(MODELLED.has(k) || UNMODELLED.has(k)));
}

function decompose(input: Obj, root: JSONSchema, own: boolean, depth = 0): Shape {
  const shape: Shape = { any: false, typed: [], values: undefined, union: undefined, unfolded: false };
  if (isNever(input)) return shape;
  const union = Array.isArray(input.anyOf) ? 'anyOf' : Array.isArray(input.oneOf) ? 'oneOf' : undefined;
  if (union && depth < 16) {
    shape.union = union;
    const { anyOf: _a, oneOf: _o, ...siblings } = input;
    const shared = Object.fromEntries(Object.entries(siblings).filter(([k]) => !ANNOTATIONS.has(k)));
    for (const entry of input[union] as JSONSchema[]) {
      const sub = resolve(entry, root).node;
      const merged = Object.keys(shared).length ? { ...shared, ...sub } : sub;
      const part = decompose(merged, root, true, depth + 1);
      if (part.any) shape.any = true;
      shape.unfolded ||= part.unfolded;
      shape.typed.push(...part.typed);
      if (part.values) shape.values = [...(shape.values ?? []), ...part.values.filter((v) => !(shape.values ?? []).some((w) => jsonEqual(v, w)))];
    }
    normaliseNull(shape);
    return shape;
  }
  const folded = foldAllOf(input, root);
  const node = folded.node;
  shape.unfolded = folded.unfolded;
  const declared = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? (node.type as unknown[]) : undefined;
  const types = (declared?.filter((t): t is JsonType => JSON_TYPES.includes(t as JsonType)) ?? inferTypes(node)) as JsonType[] | undefined;
  if (node.nullable === true && types && !types.includes('null')) types.push('null');
  if ('enum' in node || 'const' in node) {
    const raw = 'const' in node ? [node.const] : Array.isArray(node.enum) ? (node.enum as unknown[]) : [];
    shape.values = types ? raw.filter((v) => types.some((t) => typeMatches(v, t))) : [...raw];
    normaliseNull(shape);
    return shape;
  }
  if (!types) {
    if (isValidationFree(node) || !Object.keys(node).some((k) => MODELLED.has(k) && k !== 'allOf')) shape.any = true;
    return shape;
  }
  for (const type of types) shape.typed.push({ type, node, own, patterns: type === 'string' ? folded.patterns : [], root });
  return shape;
}

/** `null` is a one-value type: keep it as a typed branch, never as a literal value. */
function normaliseNull(shape: Shape): void {
  if (shape.values?.some((v) => v === null)) {
    shape.values = shape.values.filter((v) => v !== null);
    if (!shape.typed.some((b) => b.type === 'null')) shape.typed.push({ type: 'null', node: { type: 'null' }, own: false, patterns: [], root: true });
    if (shape.values.length === 0) shape.values = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Value acceptance (for literals the writer may produce)

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

function branchAccepts(branch: TypedBranch, value: unknown): boolean {
  if (!typeMatches(value, branch.type)) return false;
  const n = branch.node;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof n.minLength === 'number' && length < n.minLength) return false;
    if (typeof n.maxLength === 'number' && length > n.maxLength) return false;
    return branch.patterns.every((p) => safeRegExp(p)?.test(value) ?? false);
  }
  if (typeof value === 'number') {
    if (typeof n.minimum === 'number' && value < n.minimum) return false;
    if (typeof n.maximum === 'number' && value > n.maximum) return false;
    if (typeof n.exclusiveMinimum === 'number' && value <= n.exclusiveMinimum) return false;
    if (typeof n.exclusiveMaximum === 'number' && value >= n.exclusiveMaximum) return false;
    if (typeof n.multipleOf === 'number' && !isMultiple(value, n.multipleOf)) return false;
    return true;
  }
  if (Array.isArray(value)) return arrayAccepts(n, branch.root, value);
  if (isObj(value)) return objectAccepts(n, branch.root, value);
  return typeof value === 'boolean' || value === null;
}

function valueAccepts(schema: unknown, root: JSONSchema, value: unknown): boolean {
  const node = resolve(isObj(schema) || typeof schema === 'boolean' ? schema : undefined, root).node;
  return shapeAccepts(decompose(node, root, false), value);
}

/** Keywords that constrain a literal object or array in ways the checks below do not model: such a branch accepts none (conservative). */
function unmodelledFor(n: Obj): boolean {
  return 'allOf' in n || Object.keys(n).some((k) => UNMODELLED.has(k));
}

function objectAccepts(n: Obj, root: JSONSchema, value: Obj): boolean {
  if (unmodelledFor(n)) return false;
  const keys = Object.keys(value);
  if (typeof n.minProperties === 'number' && keys.length < n.minProperties) return false;
  if (typeof n.maxProperties === 'number' && keys.length > n.maxProperties) return false;
  if (Array.isArray(n.required) && !n.required.every((k) => typeof k === 'string' && Object.hasOwn(value, k))) return false;
  const properties = isObj(n.properties) ? n.properties : EMPTY;
  if (n.propertyNames !== undefined && !keys.every((k) => valueAccepts(n.propertyNames, root, k))) return false;
  return keys.every((k) => valueAccepts(Object.hasOwn(properties, k) ? properties[k] : n.additionalProperties, root, value[k]));
}

function arrayAccepts(n: Obj, root: JSONSchema, value: readonly unknown[]): boolean {
  if (unmodelledFor(n) || Array.isArray(n.items)) return false;
  if (typeof n.minItems === 'number' && value.length < n.minItems) return false;
  if (typeof n.maxItems === 'number' && value.length > n.maxItems) return false;
  if (n.uniqueItems === true && value.some((v, i) => value.findIndex((x) => jsonEqual(x, v)) !== i)) return false;
  const prefix = Array.isArray(n.prefixItems) ? n.prefixItems : [];
  return value.every((v, i) => valueAccepts(i < prefix.length ? prefix[i] : n.items, root, v));
}

function isMultiple(value: number, of: number): boolean {
  const q = value / of;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function shapeAccepts(shape: Shape, value: unknown): boolean {
  if (shape.any) return true;
  if (value === null) return shape.typed.some((b) => b.type === 'null');
  if (shape.values?.some((v) => jsonEqual(v, value))) return true;
  return shape.typed.some((b) => branchAccepts(b, value));
}

// ---------------------------------------------------------------------------------------------
// The differ

interface Bound {
  value: number;
  exclusive: boolean;
}

class Differ {
  private readonly inProgress = new Map<object, Set<object>>();
  private readonly writerRoot: JSONSchema;
  private readonly readerRoot: JSONSchema;
  private readonly W: string;
  private readonly R: string;
  private readonly writerNewer: boolean;
  private readonly openReader: boolean;

  constructor(writerRoot: JSONSchema, readerRoot: JSONSchema, options: DiffOptions) {
    this.writerRoot = writerRoot;
    this.readerRoot = readerRoot;
    this.W = options.labels?.writer ?? 'the writer';
    this.R = options.labels?.reader ?? 'the reader';
    this.writerNewer = (options.newer ?? 'writer') === 'writer';
    this.openReader = options.readerModel === 'open';
  }

  /** Picks the kind by which side is newer: `ifWriterNewer` describes the writer's difference as a change. */
  private kind(ifWriterNewer: ChangeKind, ifReaderNewer: ChangeKind): ChangeKind {
    return this.writerNewer ? ifWriterNewer : ifReaderNewer;
  }

  compare(w: JSONSchema | undefined, r: JSONSchema | undefined, path: string, out: Change[]): void {
    const wr = resolve(w, this.writerRoot);
    const rr = resolve(r, this.readerRoot);
    const seen = this.inProgress.get(wr.identity);
    if (seen?.has(rr.identity)) return; // a recursive schema: assume compatible on the cycle (coinduction)
    if (seen) seen.add(rr.identity);
    else this.inProgress.set(wr.identity, new Set([rr.identity]));
    try {
      this.annotations(wr.node, rr.node, path, out);
      this.unmodelled(wr.node, rr.node, path, out);
      this.shapes(decompose(wr.node, this.writerRoot, false), decompose(rr.node, this.readerRoot, false), wr.node, rr.node, path, out);
    } finally {
      this.inProgress.get(wr.identity)?.delete(rr.identity);
    }
  }

  private annotations(w: Obj, r: Obj, path: string, out: Change[]): void {
    const keys = new Set([...Object.keys(w), ...Object.keys(r)]);
    for (const key of keys) {
      if (MODELLED.has(key) || UNMODELLED.has(key)) continue;
      if (jsonEqual(w[key], r[key])) continue;
      if (key === '$schema' && path !== '$') continue;
      const kind: ChangeKind =
        key === 'description' ? 'description-changed' : key === 'title' ? 'title-changed' : key === 'default' ? 'default-changed' : 'annotation-changed';
      const what = key === 'default' ? 'the default value' : `the annotation \`${key}\``;
      const [before, after] = this.writerNewer ? [r[key], w[key]] : [w[key], r[key]];
      out.push({
        path,
        kind,
        breaking: false,
        reason: `Only ${what} changed (was ${before === undefined ? 'none' : show(before)}, now ${after === undefined ? 'none' : show(after)}); annotations do not change which messages validate.`,
      });
    }
  }

  private unmodelled(w: Obj, r: Obj, path: string, out: Change[]): void {
    for (const key of UNMODELLED) {
      if (key === 'not' && (isNever(w) || isNever(r))) continue;
      if (!(key in w) && !(key in r)) continue;
      if (jsonEqual(w[key], r[key])) continue;
      out.push({
        path,
        kind: 'unsupported-keyword-changed',
        breaking: true,
        reason: `The keyword \`${key}\` differs and the checker cannot prove ${this.R} still accepts what ${this.W} may produce, so it counts as breaking.`,
      });
    }
    const wRef = typeof w.$ref === 'string' ? w.$ref : undefined;
    const rRef = typeof r.$ref === 'string' ? r.$ref : undefined;
    if ((wRef || rRef) && wRef !== rRef) {
      out.push({
        path,
        kind: 'unsupported-keyword-changed',
        breaking: true,
        reason: `An external or unresolvable \`$ref\` differs (${show(wRef)} vs ${show(rRef)}), so the checker cannot compare what it points to.`,
      });
    }
  }

  private shapes(W: Shape, R: Shape, wNode: Obj, rNode: Obj, path: string, out: Change[]): void {
    if (W.union && R.union && W.union !== R.union) {
      const overlapping = R.union === 'oneOf' && new Set(R.typed.map((b) => b.type)).size < R.typed.length;
      out.push({
        path,
        kind: 'union-kind-changed',
        breaking: overlapping,
        reason: overlapping
          ? `${this.R} requires exactly one branch to match (oneOf) and has several branches of one type, so a message from ${this.W} may match two and be rejected.`
          : `anyOf and oneOf accept the same messages here because the branches are of different types.`,
      });
    }
    if (W.unfolded || R.unfolded) {
      if (!jsonEqual(wNode.allOf, rNode.allOf)) {
        out.push({
          path,
          kind: 'unsupported-keyword-changed',
          breaking: true,
          reason: `An \`allOf\` the checker cannot fold differs, so it cannot prove ${this.R} still accepts what ${this.W} may produce.`,
        });
      }
    }
    if (W.any || R.any) {
      if (W.any && R.any) return;
      if (W.any) {
        out.push({
          path,
          kind: this.kind('type-widened', 'type-narrowed'),
          breaking: true,
          reason: `${this.W} may put any JSON value here, and ${this.R} accepts only ${describeShape(R)}.`,
        });
      } else {
        out.push({
          path,
          kind: this.kind('type-narrowed', 'type-widened'),
          breaking: false,
          reason: `${this.R} accepts any JSON value here, so ${describeShape(W)} from ${this.W} is read.`,
        });
      }
      return;
    }
    if (R.typed.length === 0 && !R.values && (W.typed.length || W.values)) {
      out.push({
        path,
        kind: this.kind('type-widened', 'type-narrowed'),
        breaking: true,
        reason: `${this.W} may send ${describeShape(W)} here, and ${this.R} accepts no value at all here.`,
      });
      return;
    }
    if (W.typed.length === 0 && !W.values) {
      if (R.typed.length || R.values) {
        out.push({
          path,
          kind: this.kind('type-narrowed', 'type-widened'),
          breaking: false,
          reason: `${this.W} never sends a value here, so anything ${this.R} accepts is enough.`,
        });
      }
      return;
    }

    const usedReader = new Set<TypedBranch>();
    const explained = new Set<JsonType>();
    const missing: TypedBranch[] = [];
    const wTypes = new Set(W.typed.map((b) => b.type));
    const rTypes = new Set(R.typed.map((b) => b.type));
    const multiBranch = W.typed.length + (W.values ? 1 : 0) > 1 || R.typed.length + (R.values ? 1 : 0) > 1;

    for (const wb of W.typed) {
      if (wb.type === 'null') {
        const rb = R.typed.find((b) => b.type === 'null');
        if (rb) {
          usedReader.add(rb);
          continue;
        }
        explained.add('null');
        out.push({
          path,
          kind: this.kind('nullable-added', 'nullable-removed'),
          breaking: true,
          reason: `${this.W} may send null here, and ${this.R} cannot accept null.`,
        });
        continue;
      }
      const candidates = R.typed.filter((rb) => rb.type === wb.type || (wb.type === 'integer' && rb.type === 'number'));
      if (!nonEmpty(candidates)) {
        if (wb.type === 'boolean' && R.values?.includes(true) && R.values.includes(false)) continue;
        missing.push(wb);
        continue;
      }
      const best = this.bestMatch(wb, candidates, path);
      usedReader.add(best.branch);
      out.push(...best.changes);
    }

    // Literal values the writer may produce.
    let constChanged = false;
    if (W.values) {
      const rejected = W.values.filter((v) => !shapeAccepts(R, v));
      for (const rb of R.typed) if (W.values.some((v) => branchAccepts(rb, v))) usedReader.add(rb);
      const viaTypes = W.values.filter((v) => !R.values?.some((x) => jsonEqual(x, v)) && shapeAccepts(R, v));
      if (viaTypes.length) {
        out.push({
          path,
          kind: this.kind('type-narrowed', 'type-widened'),
          breaking: false,
          reason: `${this.W} sends only ${viaTypes.map(show).join(', ')} here, and ${this.R} accepts ${describeShape({ ...R, values: undefined })}.`,
        });
      }
      const single = W.values.length === 1 && R.values?.length === 1 && W.typed.length === 0 && R.typed.length === 0;
      if (rejected.length && single) {
        constChanged = true;
        out.push({
          path,
          kind: 'const-changed',
          breaking: true,
          reason: `${this.W} always sends ${show(W.values[0])} here, and ${this.R} accepts only ${show(R.values?.[0])}.`,
        });
      } else if (rejected.length) {
        const valueTypes = new Set(rejected.map((v) => jsonTypeOf(v)));
        const readerHasType = R.values?.some((v) => valueTypes.has(jsonTypeOf(v))) || R.typed.some((b) => rejected.some((v) => typeMatches(v, b.type)));
        out.push({
          path,
          kind: readerHasType ? this.kind('enum-value-added', 'enum-value-removed') : 'type-changed',
          breaking: true,
          reason: readerHasType
            ? `${this.W} may send ${rejected.map(show).join(', ')} here, which ${this.R} does not accept.`
            : `${this.W} may send ${rejected.map(show).join(', ')} here, and ${this.R} accepts only ${describeShape(R)}.`,
        });
      }
      const extra = (R.values ?? []).filter((v) => !W.values?.some((x) => jsonEqual(x, v)));
      if (extra.length && !constChanged) {
        out.push({
          path,
          kind: this.kind('enum-value-removed', 'enum-value-added'),
          breaking: false,
          reason: `${this.R} also accepts ${extra.map(show).join(', ')}, which ${this.W} never sends; accepting more is harmless.`,
        });
      }
    } else if (R.values) {
      // The reader has literals the writer does not: only a concern if some writer branch was not matched.
      const coveredByTyped = R.values.every((v) => W.typed.some((b) => typeMatches(v, b.type)));
      if (!coveredByTyped) {
        out.push({
          path,
          kind: this.kind('union-branch-removed', 'union-branch-added'),
          breaking: false,
          reason: `${this.R} also accepts ${R.values.map(show).join(', ')}, which ${this.W} never sends; accepting more is harmless.`,
        });
      }
    }

    // Writer branches no reader branch of the same type can take.
    const onlyOneEach =
      W.typed.filter((b) => b.type !== 'null').length + (W.values ? 1 : 0) === 1 && R.typed.filter((b) => b.type !== 'null').length + (R.values ? 1 : 0) === 1;
    for (const wb of missing) {
      explained.add(wb.type);
      if (wb.type === 'number' && rTypes.has('integer')) {
        explained.add('integer');
        out.push({
          path,
          kind: this.kind('type-widened', 'type-narrowed'),
          breaking: true,
          reason: `${this.W} may send a fractional number here, and ${this.R} accepts only integers.`,
        });
      } else if (R.values?.some((v) => typeMatches(v, wb.type))) {
        out.push({
          path,
          kind: this.kind('type-widened', 'type-narrowed'),
          breaking: true,
          reason: `${this.W} may send any ${wb.type} here, and ${this.R} accepts only ${R.values
            .filter((v) => typeMatches(v, wb.type))
            .map(show)
            .join(', ')}.`,
        });
      } else if (onlyOneEach) {
        for (const t of rTypes) explained.add(t);
        out.push({
          path,
          kind: 'type-changed',
          breaking: true,
          reason: `${this.W} sends ${article(wb.type)} here, and ${this.R} expects ${describeShape(R)}.`,
        });
      } else {
        const structural = wb.type === 'object' || wb.type === 'array' || multiBranch;
        out.push({
          path,
          kind: structural ? this.kind('union-branch-added', 'union-branch-removed') : this.kind('type-widened', 'type-narrowed'),
          breaking: true,
          reason: `${this.W} may send ${article(wb.type)} here, and ${this.R} accepts only ${describeShape(R)}.`,
        });
      }
    }
    // Reader branches nothing of the writer maps to: the reader accepts more, which is harmless.
    for (const rb of R.typed) {
      if (usedReader.has(rb) || explained.has(rb.type)) continue;
      if (rb.type === 'number' && wTypes.has('integer')) continue;
      if (W.values?.some((v) => typeMatches(v, rb.type))) continue;
      if (rb.type === 'null') {
        out.push({
          path,
          kind: this.kind('nullable-removed', 'nullable-added'),
          breaking: false,
          reason: `${this.R} also accepts null, which ${this.W} never sends here.`,
        });
        continue;
      }
      if (wTypes.has(rb.type)) {
        out.push({
          path,
          kind: this.kind('union-branch-removed', 'union-branch-added'),
          breaking: false,
          reason: `${this.R} has another ${rb.type} branch that ${this.W} does not need; accepting more is harmless.`,
        });
        continue;
      }
      const structural = rb.type === 'object' || rb.type === 'array' || multiBranch;
      out.push({
        path,
        kind: structural ? this.kind('union-branch-removed', 'union-branch-added') : this.kind('type-narrowed', 'type-widened'),
        breaking: false,
        reason: `${this.R} also accepts ${article(rb.type)} here, which ${this.W} never sends; accepting more is harmless.`,
      });
    }
  }

  /** The reader branch a writer branch fits best: first one without breaking changes, else fewest breaking. */
  private bestMatch(wb: TypedBranch, candidates: NonEmpty<TypedBranch>, path: string): { branch: TypedBranch; changes: Change[] } {
    let pool = candidates;
    if (wb.type === 'object' && candidates.length > 1) {
      // Discriminated unions: prefer branches whose constant properties agree with the writer's.
      const tags = constProperties(wb.node, this.writerRoot);
      const agreeing = candidates.filter((rb) => {
        const rtags = constProperties(rb.node, this.readerRoot);
        return [...tags].every(([k, v]) => !rtags.has(k) || jsonEqual(rtags.get(k), v));
      });
      if (agreeing.length === 0 && tags.size > 0) {
        const changes: Change[] = [
          {
            path,
            kind: this.kind('union-branch-added', 'union-branch-removed'),
            breaking: true,
            reason: `${this.W} may send a variant tagged ${[...tags].map(([k, v]) => `${k}=${show(v)}`).join(', ')}, and ${this.R} has no such variant.`,
          },
        ];
        return { branch: candidates[0], changes };
      }
      if (nonEmpty(agreeing)) pool = agreeing;
    }
    const score = (rb: TypedBranch): { branch: TypedBranch; changes: Change[]; breaking: number } => {
      const changes: Change[] = [];
      this.branch(wb, rb, path, changes);
      return { branch: rb, changes, breaking: changes.filter((c) => c.breaking).length };
    };
    const exact = (s: { branch: TypedBranch; changes: Change[]; breaking: number }) => s.breaking === 0 && s.changes.length === 0 && s.branch.type === wb.type;
    const [first, ...rest] = pool;
    let best = score(first);
    if (exact(best)) return best;
    for (const rb of rest) {
      const s = score(rb);
      const better =
        s.breaking < best.breaking ||
        (s.breaking === best.breaking && rb.type === wb.type && best.branch.type !== wb.type) ||
        (s.breaking === best.breaking && rb.type === best.branch.type && s.changes.length < best.changes.length);
      if (better) best = s;
      if (exact(s)) break;
    }
    return best;
  }

  private branch(wb: TypedBranch, rb: TypedBranch, path: string, out: Change[]): void {
    if (wb.own || rb.own) {
      if (wb.own && rb.own) this.annotations(wb.node, rb.node, path, out);
      this.unmodelled(wb.own ? wb.node : EMPTY, rb.own ? rb.node : EMPTY, path, out);
    }
    if (wb.type === 'integer' && rb.type === 'number') {
      out.push({
        path,
        kind: this.kind('type-narrowed', 'type-widened'),
        breaking: false,
        reason: `${this.W} sends only integers here, and ${this.R} accepts any number.`,
      });
    }
    switch (rb.type) {
      case 'string':
        this.string(wb, rb, path, out);
        return;
      case 'number':
      case 'integer':
        this.number(wb.node, rb.node, path, out);
        return;
      case 'object':
        this.object(wb.node, rb.node, path, out);
        return;
      case 'array':
        this.array(wb.node, rb.node, path, out);
        return;
      default:
        return;
    }
  }

  // ----- constraints

  /** A lower limit like minLength: the reader's must not exceed the writer's. */
  private lowerLimit(keyword: string, w: unknown, r: unknown, path: string, out: Change[], unit: string): void {
    const wv = typeof w === 'number' ? w : 0;
    const rv = typeof r === 'number' ? r : 0;
    if (w === r || wv === rv) {
      if (w !== r) this.equivalent(keyword, w, r, path, out);
      return;
    }
    this.limit(
      keyword,
      rv > wv,
      path,
      out,
      rv > wv
        ? `${this.R} requires at least ${count(rv, unit)}, and ${this.W} may send as few as ${wv}.`
        : `${this.W} always sends at least ${count(wv, unit)}, more than the ${rv} ${this.R} requires.`,
    );
  }

  /** An upper limit like maxLength: the reader's must not be below the writer's. */
  private upperLimit(keyword: string, w: unknown, r: unknown, path: string, out: Change[], unit: string): void {
    const wv = typeof w === 'number' ? w : Infinity;
    const rv = typeof r === 'number' ? r : Infinity;
    if (w === r || wv === rv) {
      if (w !== r) this.equivalent(keyword, w, r, path, out);
      return;
    }
    this.limit(
      keyword,
      rv < wv,
      path,
      out,
      rv < wv
        ? `${this.R} accepts at most ${count(rv, unit)}, and ${this.W} may send ${wv === Infinity ? 'more' : `up to ${wv}`}.`
        : `${this.W} sends at most ${count(wv, unit)}, and ${this.R} accepts ${rv === Infinity ? 'any number' : `up to ${rv}`}.`,
    );
  }

  private limit(keyword: string, breaking: boolean, path: string, out: Change[], why: string): void {
    // Breaking means the reader is stricter than the writer: the newer side tightened (if it reads) or loosened (if it writes).
    const kind: ChangeKind = breaking ? this.kind('constraint-loosened', 'constraint-tightened') : this.kind('constraint-tightened', 'constraint-loosened');
    out.push({ path, kind, breaking, reason: `${keyword}: ${why}` });
  }

  private equivalent(keyword: string, w: unknown, r: unknown, path: string, out: Change[]): void {
    out.push({
      path,
      kind: this.kind('constraint-tightened', 'constraint-loosened'),
      breaking: false,
      reason: `${keyword}: ${show(w ?? 'none')} for ${this.W} and ${show(r ?? 'none')} for ${this.R} accept the same messages.`,
    });
  }

  private string(wb: TypedBranch, rb: TypedBranch, path: string, out: Change[]): void {
    const w = wb.node;
    const r = rb.node;
    this.lowerLimit('minLength', w.minLength, r.minLength, path, out, 'characters');
    this.upperLimit('maxLength', w.maxLength, r.maxLength, path, out, 'characters');
    const wFormat = typeof w.format === 'string' ? w.format : undefined;
    const rFormat = typeof r.format === 'string' ? r.format : undefined;
    if (wFormat !== rFormat) {
      if (rFormat) {
        out.push({
          path,
          kind: wFormat ? 'constraint-changed' : this.kind('constraint-loosened', 'constraint-tightened'),
          breaking: true,
          reason: wFormat
            ? `${this.R} validates the format ${rFormat}, and ${this.W} sends ${wFormat}.`
            : `${this.R} validates the format ${rFormat}, and ${this.W} may send any string.`,
        });
      } else {
        out.push({
          path,
          kind: this.kind('constraint-tightened', 'constraint-loosened'),
          breaking: false,
          reason: `${this.W} sends the format ${wFormat}, and ${this.R} accepts any string.`,
        });
      }
    }
    const wp = new Set(wb.patterns);
    const rp = new Set(rb.patterns);
    const readerOnly = [...rp].filter((p) => !wp.has(p));
    const writerOnly = [...wp].filter((p) => !rp.has(p));
    if (readerOnly.length) {
      out.push({
        path,
        kind: writerOnly.length ? 'constraint-changed' : this.kind('constraint-loosened', 'constraint-tightened'),
        breaking: true,
        reason: `${this.R} requires the pattern ${readerOnly.map(showPattern).join(' and ')}, which ${this.W} does not guarantee (regular expressions cannot be compared for inclusion).`,
      });
    } else if (writerOnly.length) {
      out.push({
        path,
        kind: this.kind('constraint-tightened', 'constraint-loosened'),
        breaking: false,
        reason: `${this.W} also guarantees the pattern ${writerOnly.map(showPattern).join(' and ')}, which ${this.R} does not require.`,
      });
    }
  }

  private number(w: Obj, r: Obj, path: string, out: Change[]): void {
    const wl = lower(w);
    const rl = lower(r);
    if (!sameBound(wl, rl)) {
      const breaking = rl !== undefined && (wl === undefined || rl.value > wl.value || (rl.value === wl.value && rl.exclusive && !wl.exclusive));
      this.limit(
        'minimum',
        breaking,
        path,
        out,
        breaking
          ? `${this.R} accepts only numbers ${showBound(rl, '≥')}, and ${this.W} may send ${wl ? `numbers ${showBound(wl, '≥')}` : 'any number'}.`
          : `${this.W} sends only numbers ${showBound(wl, '≥')}, and ${this.R} accepts ${rl ? `numbers ${showBound(rl, '≥')}` : 'any lower value'}.`,
      );
    }
    const wu = upper(w);
    const ru = upper(r);
    if (!sameBound(wu, ru)) {
      const breaking = ru !== undefined && (wu === undefined || ru.value < wu.value || (ru.value === wu.value && ru.exclusive && !wu.exclusive));
      this.limit(
        'maximum',
        breaking,
        path,
        out,
        breaking
          ? `${this.R} accepts only numbers ${showBound(ru, '≤')}, and ${this.W} may send ${wu ? `numbers ${showBound(wu, '≤')}` : 'any number'}.`
          : `${this.W} sends only numbers ${showBound(wu, '≤')}, and ${this.R} accepts ${ru ? `numbers ${showBound(ru, '≤')}` : 'any higher value'}.`,
      );
    }
    if (w.multipleOf !== r.multipleOf) {
      const wm = typeof w.multipleOf === 'number' ? w.multipleOf : undefined;
      const rm = typeof r.multipleOf === 'number' ? r.multipleOf : undefined;
      const breaking = rm !== undefined && (wm === undefined || !isMultiple(wm, rm));
      out.push({
        path,
        kind: breaking
          ? wm !== undefined && !isMultiple(rm, wm)
            ? 'constraint-changed'
            : this.kind('constraint-loosened', 'constraint-tightened')
          : this.kind('constraint-tightened', 'constraint-loosened'),
        breaking,
        reason: breaking
          ? `${this.R} accepts only multiples of ${rm}, and ${this.W} may send ${wm === undefined ? 'any number' : `multiples of ${wm}`}.`
          : `${this.W} sends ${wm === undefined ? 'numbers' : `multiples of ${wm}`}, all accepted by ${this.R}.`,
      });
    }
  }

  private object(w: Obj, r: Obj, path: string, out: Change[]): void {
    const wProps = isObj(w.properties) ? (w.properties as Record<string, JSONSchema>) : {};
    const rProps = isObj(r.properties) ? (r.properties as Record<string, JSONSchema>) : {};
    const wReq = new Set(Array.isArray(w.required) ? (w.required as string[]) : []);
    const rReq = new Set(Array.isArray(r.required) ? (r.required as string[]) : []);
    const wExtra = extras(w.additionalProperties, false);
    const rExtra = extras(r.additionalProperties, this.openReader);
    const keys = [...new Set([...Object.keys(wProps), ...Object.keys(rProps)])];

    for (const key of keys) {
      const at = childPath(path, key);
      const inW = Object.hasOwn(wProps, key);
      const inR = Object.hasOwn(rProps, key);
      const rHasDefault = inR && 'default' in resolve(rProps[key], this.readerRoot).node;
      if (inW && inR) {
        this.compare(wProps[key], rProps[key], at, out);
        if (rReq.has(key) && !wReq.has(key)) {
          out.push({
            path: at,
            kind: this.kind('required-removed', 'required-added'),
            breaking: !rHasDefault,
            reason: rHasDefault ? `${this.W} may omit it, and ${this.R} fills in its default.` : `${this.W} may omit it, and ${this.R} requires it.`,
          });
        } else if (!rReq.has(key) && wReq.has(key) && !rHasDefault) {
          out.push({
            path: at,
            kind: this.kind('required-added', 'required-removed'),
            breaking: false,
            reason: `${this.W} always sends it, and ${this.R} treats it as optional.`,
          });
        }
        continue;
      }
      if (inW) {
        if (resolve(wProps[key], this.writerRoot).node === NEVER) continue;
        const kind = wReq.has(key) ? this.kind('required-property-added', 'required-property-removed') : this.kind('property-added', 'property-removed');
        if (!this.keyAccepted(r, key)) {
          out.push({ path: at, kind, breaking: true, reason: `${this.W} may send it, and ${this.R} does not accept that property name.` });
          continue;
        }
        if (rExtra.state === 'closed') {
          out.push({
            path: at,
            kind,
            breaking: true,
            reason: `${this.W} may send it, and ${this.R} rejects properties it does not declare (additionalProperties: false).`,
          });
        } else if (rExtra.state === 'schema') {
          const sub: Change[] = [];
          this.compare(wProps[key], rExtra.schema, at, sub);
          const breaking = sub.filter((c) => c.breaking);
          out.push({
            path: at,
            kind,
            breaking: breaking.length > 0,
            reason: breaking.length
              ? `${this.W} may send it, and it does not fit the schema ${this.R} applies to undeclared properties.`
              : `${this.W} may send it, and it fits the schema ${this.R} applies to undeclared properties.`,
          });
          out.push(...breaking);
        } else {
          out.push({ path: at, kind, breaking: false, reason: `${this.W} may send it, and ${this.R} ignores properties it does not know.` });
        }
        continue;
      }
      // Only the reader declares it.
      const required = rReq.has(key);
      const kind = required ? this.kind('required-property-removed', 'required-property-added') : this.kind('property-removed', 'property-added');
      const sub: Change[] = [];
      if (wExtra.state !== 'closed') this.compare(wExtra.schema, rProps[key], at, sub);
      const subBreaking = sub.filter((c) => c.breaking);
      if (required && !rHasDefault) {
        out.push({
          path: at,
          kind,
          breaking: true,
          reason: `${this.R} requires it, and ${this.W} ${wExtra.state === 'closed' ? 'never sends it' : 'may leave it out'}.`,
        });
      } else if (subBreaking.length) {
        out.push({
          path: at,
          kind,
          breaking: true,
          reason: `${this.W} may send a property of this name as an undeclared one, with a value ${this.R} does not accept here.`,
        });
      } else {
        out.push({
          path: at,
          kind,
          breaking: false,
          reason: required
            ? `${this.R} requires it but fills in its default when ${this.W} leaves it out.`
            : wExtra.state === 'closed'
              ? `${this.R} treats it as optional, and ${this.W} never sends it.`
              : `${this.R} treats it as optional, and accepts any value ${this.W} may send under that name.`,
        });
      }
      out.push(...subBreaking);
    }

    // Properties neither declares: additionalProperties on both sides.
    const extraPath = `${path}.*`;
    if (wExtra.state !== 'closed') {
      if (rExtra.state === 'closed') {
        out.push({
          path: extraPath,
          kind: this.kind('additional-properties-opened', 'additional-properties-closed'),
          breaking: true,
          reason: `${this.W} may send properties it does not declare, and ${this.R} rejects them (additionalProperties: false).`,
        });
      } else if (rExtra.state === 'schema') {
        this.compare(wExtra.schema, rExtra.schema, extraPath, out);
      } else if (wExtra.state === 'schema' && !this.openReader) {
        out.push({
          path: extraPath,
          kind: this.kind('additional-properties-opened', 'additional-properties-closed'),
          breaking: false,
          reason: `${this.R} accepts any further property, so whatever ${this.W} sends under additionalProperties is read.`,
        });
      }
      this.propertyNames(w, r, path, out);
    } else if (rExtra.state === 'schema' || (rExtra.state === 'open' && !this.openReader)) {
      out.push({
        path: extraPath,
        kind: this.kind('additional-properties-closed', 'additional-properties-opened'),
        breaking: false,
        reason: `${this.W} sends no undeclared properties, and ${this.R} would accept some; accepting more is harmless.`,
      });
    }
    this.lowerLimit('minProperties', w.minProperties, r.minProperties, path, out, 'properties');
    this.upperLimit('maxProperties', w.maxProperties, r.maxProperties, path, out, 'properties');
  }

  private keyAccepted(r: Obj, key: string): boolean {
    if (r.propertyNames === undefined) return true;
    return shapeAccepts(decompose(resolve(r.propertyNames as JSONSchema, this.readerRoot).node, this.readerRoot, false), key);
  }

  private propertyNames(w: Obj, r: Obj, path: string, out: Change[]): void {
    if (jsonEqual(w.propertyNames, r.propertyNames)) return;
    const wNames: JSONSchema = (w.propertyNames as JSONSchema | undefined) ?? { type: 'string' };
    const rNames: JSONSchema = (r.propertyNames as JSONSchema | undefined) ?? { type: 'string' };
    this.compare(wNames, rNames, `${path}.*~`, out);
  }

  private array(w: Obj, r: Obj, path: string, out: Change[]): void {
    const wPrefix = Array.isArray(w.prefixItems) ? (w.prefixItems as JSONSchema[]) : [];
    const rPrefix = Array.isArray(r.prefixItems) ? (r.prefixItems as JSONSchema[]) : [];
    const wItems = w.items as JSONSchema | undefined;
    const rItems = r.items as JSONSchema | undefined;
    const positions = Math.max(wPrefix.length, rPrefix.length);
    const wMax = typeof w.maxItems === 'number' ? w.maxItems : Infinity;
    for (let i = 0; i < positions; i++) {
      if (i >= wMax) break;
      const wi = i < wPrefix.length ? wPrefix[i] : wItems;
      const ri = i < rPrefix.length ? rPrefix[i] : rItems;
      if (wi === false) break;
      this.compare(wi, ri, `${path}[${i}]`, out);
    }
    if (wMax > positions && wItems !== false) this.compare(wItems, rItems, `${path}[*]`, out);
    this.lowerLimit('minItems', w.minItems, r.minItems, path, out, 'items');
    this.upperLimit('maxItems', w.maxItems, r.maxItems, path, out, 'items');
    if (Boolean(w.uniqueItems) !== Boolean(r.uniqueItems)) {
      const breaking = r.uniqueItems === true;
      out.push({
        path,
        kind: breaking ? this.kind('constraint-loosened', 'constraint-tightened') : this.kind('constraint-tightened', 'constraint-loosened'),
        breaking,
        reason: breaking
          ? `${this.R} rejects duplicate items, which ${this.W} may send.`
          : `${this.W} never sends duplicate items; ${this.R} does not mind either way.`,
      });
    }
  }
}

function extras(ap: unknown, open: boolean): { state: 'closed' | 'open' | 'schema'; schema: JSONSchema } {
  if (ap === false) return open ? { state: 'open', schema: true } : { state: 'closed', schema: false };
  if (ap === undefined || ap === true || (isObj(ap) && Object.keys(ap).length === 0)) return { state: 'open', schema: true };
  return { state: 'schema', schema: ap as JSONSchema };
}

function constProperties(node: Obj, root: JSONSchema): Map<string, unknown> {
  const tags = new Map<string, unknown>();
  if (!isObj(node.properties)) return tags;
  for (const [k, v] of Object.entries(node.properties)) {
    const prop = resolve(v as JSONSchema, root).node;
    if ('const' in prop) tags.set(k, prop.const);
    else if (Array.isArray(prop.enum) && prop.enum.length === 1) tags.set(k, prop.enum[0]);
  }
  return tags;
}

function lower(n: Obj): Bound | undefined {
  const min = typeof n.minimum === 'number' ? { value: n.minimum, exclusive: false } : undefined;
  const ex = typeof n.exclusiveMinimum === 'number' ? { value: n.exclusiveMinimum, exclusive: true } : undefined;
  if (!min) return ex;
  if (!ex) return min;
  return ex.value >= min.value ? ex : min;
}

function upper(n: Obj): Bound | undefined {
  const max = typeof n.maximum === 'number' ? { value: n.maximum, exclusive: false } : undefined;
  const ex = typeof n.exclusiveMaximum === 'number' ? { value: n.exclusiveMaximum, exclusive: true } : undefined;
  if (!max) return ex;
  if (!ex) return max;
  return ex.value <= max.value ? ex : max;
}

function sameBound(a: Bound | undefined, b: Bound | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.value === b.value && a.exclusive === b.exclusive);
}

function showBound(b: Bound | undefined, inclusive: '≥' | '≤'): string {
  if (!b) return 'none';
  return `${b.exclusive ? (inclusive === '≥' ? '>' : '<') : inclusive} ${b.value}`;
}

function count(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
}

function showPattern(p: string): string {
  return p.length > 40 ? `/${p.slice(0, 37)}.../` : `/${p}/`;
}

function describeShape(s: Shape): string {
  if (s.any) return 'any value';
  const parts = s.typed.map((b) => (b.type === 'null' ? 'null' : article(b.type)));
  if (s.values?.length) parts.push(s.values.length === 1 ? show(s.values[0]) : `one of ${s.values.map(show).join(', ')}`);
  return parts.length ? [...new Set(parts)].join(' or ') : 'nothing';
}

/**
 * Lists every difference between the JSON Schema a WRITER produces messages with and the JSON
 * Schema a READER parses them with. A change is `breaking` when some message valid for the writer
 * may be rejected by the reader. Paths are instance paths (`$.a.b`, `$.list[*]`, `$.map.*`).
 */
export function diffSchemas(writer: JSONSchema, reader: JSONSchema, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  new Differ(writer, reader, options).compare(writer, reader, '$', out);
  return dedupe(out).map((c) => ({ ...c, reason: /^(the|a|an|only) /.test(c.reason) ? c.reason.charAt(0).toUpperCase() + c.reason.slice(1) : c.reason }));
}

function dedupe(changes: Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.path}\u0000${c.kind}\u0000${c.breaking}\u0000${c.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Compatibility modes

export type Mode = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';
export const MODES: readonly Mode[] = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'];

export interface CompatibilityOptions {
  /** `response` (default): ndx writes, agencies read. `request`: agencies write, ndx reads. */
  role?: 'response' | 'request';
  /**
   * How readers treat properties they do not know. Default by role: `open` for responses (agencies
   * must read replies tolerantly, ignoring unknown properties) and `declared` for requests (ndx parses
   * with the contract's strict schema, so unknown properties are rejected).
   */
  readerModel?: 'declared' | 'open';
}

export interface CompatibilityResult {
  compatible: boolean;
  mode: Mode;
  results: Array<{ against: number; direction: 'backward' | 'forward'; changes: Change[] }>;
}

/**
 * The JSON Schema of a zod schema as a writer produces it (`io: 'output'`: defaults applied, objects
 * closed) or as a reader accepts it (`io: 'input'`: defaulted fields optional).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JSONSchema {
  return z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JSONSchema;
}

/**
 * Checks a candidate schema version against previous versions (oldest first), from the consumer's
 * side:
 *
 * - RESPONSE schema (ndx writes, agencies read):
 *   - BACKWARD: consumers built for the previous version can read what the new version writes
 *     (writer = candidate, output form; reader = previous, input form).
 *   - FORWARD: consumers built for the new version can read what the previous version wrote
 *     (writer = previous, output form; reader = candidate, input form).
 * - REQUEST (subject) schema (agencies write, ndx reads): the roles swap.
 *   - BACKWARD: ndx on the new version accepts what consumers built for the previous version send
 *     (writer = previous, reader = candidate).
 *   - FORWARD: ndx on the previous version accepts what consumers built for the new version send
 *     (writer = candidate, reader = previous).
 *   A request writer is taken in its input form: an agency may send anything the schema accepts,
 *   e.g. leave out a defaulted field.
 * - FULL: both. Non-transitive modes check against the latest previous version only; the
 *   `_TRANSITIVE` ones against every version given. NONE is always compatible, but still lists the
 *   changes in both directions against the latest previous version.
 *
 * So BACKWARD always means "existing consumers keep working after the upgrade". (For responses this
 * is what Confluent calls FORWARD, because Confluent names modes from the reader schema's side.)
 */
export function checkCompatibility(candidate: z.ZodType, previous: readonly z.ZodType[], mode: Mode, options: CompatibilityOptions = {}): CompatibilityResult {
  const role = options.role ?? 'response';
  const readerModel = options.readerModel ?? (role === 'response' ? 'open' : 'declared');
  const writerIo = role === 'response' ? 'output' : 'input';
  const results: CompatibilityResult['results'] = [];
  if (previous.length === 0) return { compatible: true, mode, results };

  const transitive = mode.endsWith('_TRANSITIVE');
  const against = previous.map((old, index) => ({ old, index })).slice(transitive ? 0 : -1);
  const directions: Array<'backward' | 'forward'> = mode.startsWith('BACKWARD')
    ? ['backward']
    : mode.startsWith('FORWARD')
      ? ['forward']
      : ['backward', 'forward'];

  const cache = new Map<z.ZodType, Map<string, JSONSchema>>();
  const form = (schema: z.ZodType, io: 'input' | 'output'): JSONSchema => {
    let forms = cache.get(schema);
    if (!forms) {
      forms = new Map();
      cache.set(schema, forms);
    }
    let js = forms.get(io);
    if (js === undefined) {
      js = jsonSchemaOf(schema, io);
      forms.set(io, js);
    }
    return js;
  };

  for (const { old, index } of against) {
    for (const direction of directions) {
      // Which side writes: for responses the candidate writes in BACKWARD; for requests in FORWARD.
      const candidateWrites = (role === 'response') === (direction === 'backward');
      const writer = candidateWrites ? candidate : old;
      const reader = candidateWrites ? old : candidate;
      const labels =
        role === 'response'
          ? candidateWrites
            ? { writer: 'ndx on the new version', reader: 'a consumer built for the previous version' }
            : { writer: 'ndx on the previous version', reader: 'a consumer built for the new version' }
          : candidateWrites
            ? { writer: 'a consumer built for the new version', reader: 'ndx on the previous version' }
            : { writer: 'a consumer built for the previous version', reader: 'ndx on the new version' };
      const changes = diffSchemas(form(writer, writerIo), form(reader, 'input'), {
        newer: candidateWrites ? 'writer' : 'reader',
        readerModel,
        labels,
      });
      results.push({ against: index, direction, changes });
    }
  }
  const compatible = mode === 'NONE' || results.every((r) => r.changes.every((c) => !c.breaking));
  return { compatible, mode, results };
}

/** One line per change: `✗ breaking    $.path  kind: reason` / `✓ compatible  $.path  kind: reason`. */
export function formatChanges(changes: readonly Change[]): string {
  if (changes.length === 0) return '✓ no changes';
  const width = Math.max(...changes.map((c) => c.path.length));
  return changes.map((c) => `${c.breaking ? '✗ breaking  ' : '✓ compatible'}  ${c.path.padEnd(width)}  ${c.kind}: ${c.reason}`).join('\n');
}
