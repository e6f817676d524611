/**
 * The JSON Schemas every export is built from, generated from the zod schemas (never written by hand):
 *
 * - the **request** of one version, strict: it accepts what the router accepts and nothing more (the
 *   version's purposes and version pins, `page` only on list versions and at most their page size,
 *   exactly one subject form where the subject has alternatives). What JSON Schema cannot express (check
 *   digits, page tokens, the size limit) is said in words: in `description` and in `x-ndx-checks`.
 * - the **reply**, in two forms: the *reader* form agencies validate with (unknown properties allowed,
 *   codes and statuses added later accepted: tolerant reading), and the closed *writer* form ndx checks its own
 *   replies against (`additionalProperties: false`, exactly the listed codes).
 */
import * as z from 'zod';
import { majorOf, type ContractDefinition, type VersionDefinition } from './model.ts';
import { ALL_CODES, LookupReply, LookupRequest, MAX_REQUEST_BYTES, PageRequest, STATUSES, type Code } from './protocol.ts';

/** 2020-12 for JSON Schema and OpenAPI 3.1 documents; draft-07 for AsyncAPI payloads. */
export type SchemaTarget = 'draft-2020-12' | 'draft-7';
export type ReplyForm = 'reader' | 'writer';
export type JsonSchema = Record<string, unknown>;

/** A rule ndx applies to a request that the request schema cannot express. */
export interface RequestCheck {
  /** Dotted path in the request, `(root)` for the whole body. */
  path: string;
  rule: string;
  /** The reply code a request that breaks the rule gets. */
  code: Code;
}

/** Vendor keywords the exports use in schemas; validators must be told about them (ajv: `addKeyword`). */
export const SCHEMA_EXTENSIONS = ['x-ndx-checks', 'x-ndx-form'] as const;

/** The request and reply of one version, specialised from the generic protocol. */
export function versionMessages(contract: ContractDefinition, v: VersionDefinition) {
  const purposes = v.purposes.map((p) => p.code) as [string, ...string[]];
  const major = String(majorOf(v.version));
  const base = LookupRequest.extend({
    contract: z.literal(contract.id),
    version: z
      .enum([major, v.version])
      .default(major)
      .describe(`${LookupRequest.shape.version.description} "${major}" is answered by the newest active ${major}.x version, "${v.version}" by this one only.`),
    purpose: z.enum(purposes),
    subject: v.subject,
  });
  const request = (
    v.list
      ? base.extend({
          page: PageRequest.extend({
            size: PageRequest.shape.size
              .unwrap()
              .max(v.list.maxPageSize)
              .optional()
              .describe(`Items per page: ${v.list.defaultPageSize} when absent, at most ${v.list.maxPageSize}.`),
          }).optional(),
        })
      : base.omit({ page: true })
  ).describe(`LookupRequest for ${contract.id}@${v.version}.`);
  const reply = LookupReply.extend({
    contract: z.literal(contract.id).optional(),
    data: v.response.optional().describe('Present with status OK: the fields of the version that answered.'),
  }).describe(`LookupReply for ${contract.id}@${v.version}.`);
  return { request, reply };
}

/** Unwraps optional, nullable and default wrappers. */
function inner(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * The messages of a string schema's custom checks (refinements), which JSON Schema cannot carry: found
 * by parsing the empty string, which every identifier check refuses. Only strings carry such checks in
 * requests (the subject is a record of strings).
 */
export function customRules(schema: z.ZodType): string[] {
  const s = inner(schema);
  if (!(s instanceof z.ZodString)) return [];
  const result = s.safeParse('');
  return result.success ? [] : result.error.issues.filter((i) => i.code === 'custom' && i.path.length === 0).map((i) => i.message);
}

function appendDescription(json: JsonSchema, sentence: string): void {
  json.description = typeof json.description === 'string' && json.description ? `${json.description} ${sentence}` : sentence;
}

/** Says in a string's description what ndx checks beyond its pattern. */
function describeChecks(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  if (!(ctx.zodSchema instanceof z.ZodString)) return;
  const rules = customRules(ctx.zodSchema);
  if (rules.length) appendDescription(ctx.jsonSchema, `ndx also checks, beyond this schema: ${rules.join('; ')}.`);
}

function generate(
  schema: z.ZodType,
  io: 'input' | 'output',
  target: SchemaTarget,
  override?: (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) => void,
): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, target, ...(override ? { override } : {}) }) as JsonSchema;
  // The documents embed these schemas under other keys: a local $defs would not resolve there.
  if ('$defs' in json || 'definitions' in json) throw new Error('an exported schema must not need $defs: give no zod schema an id');
  return json;
}

type SubjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The key sets a subject accepts, when an object-level rule (a refinement) restricts them, e.g.
 * `{ nationalId }` or `{ enterpriseCode }` but neither both nor none. Found by running the subject's own
 * object checks over every combination of its keys with plain string values, so the alternatives are
 * never declared twice. Undefined when every combination of its optional keys is accepted.
 */
export function subjectAlternatives(subject: SubjectSchema): string[][] | undefined {
  // zod keeps an object's refinements in `_zod.def.checks`; they are re-applied to a copy whose fields take any string.
  // The checks are typed over the subject's own output; the copy's output (optional strings) has the same keys.
  const checks = (subject._zod.def.checks ?? []) as z.core.$ZodCheck<Record<string, string | undefined>>[];
  if (checks.length === 0) return undefined;
  const keys = Object.keys(subject.shape);
  const required = keys.filter((k) => !(subject.shape[k] instanceof z.ZodOptional));
  const relaxed = z.strictObject(Object.fromEntries(keys.map((k) => [k, z.string().optional()]))).check(...checks);
  const subsets = Array.from({ length: 2 ** keys.length }, (_, mask) => keys.filter((_k, i) => mask & (2 ** i))).filter((s) =>
    required.every((k) => s.includes(k)),
  );
  const accepted = subsets.filter((s) => relaxed.safeParse(Object.fromEntries(s.map((k) => [k, 'x']))).success);
  if (accepted.length === 0) throw new Error(`the subject's rules accept no combination of its keys (${keys.join(', ')}): export cannot describe it`);
  return accepted.length === subsets.length ? undefined : accepted;
}

/** The subject's schema; `oneOf` its key sets when it has alternatives (each branch closed, so exactly one matches). */
function subjectSchema(subject: SubjectSchema, target: SchemaTarget): JsonSchema {
  const json = generate(subject, 'input', target, describeChecks);
  const alternatives = subjectAlternatives(subject);
  if (!alternatives) return json;
  const properties = json.properties as Record<string, JsonSchema>;
  const { properties: _p, required: _r, additionalProperties: _a, type: _t, ...rest } = json;
  return {
    ...rest,
    oneOf: alternatives.map((keys) => ({
      type: 'object',
      title: `SubjectBy${keys.map((k) => k.charAt(0).toUpperCase() + k.slice(1)).join('And')}`,
      properties: Object.fromEntries(keys.map((k) => [k, properties[k]])),
      required: keys,
      additionalProperties: false,
    })),
  };
}

/** What ndx checks of a request beyond its schema, in words. */
export function requestChecks(v: VersionDefinition): RequestCheck[] {
  const checks: RequestCheck[] = [{ path: '(root)', rule: `The message body is at most ${MAX_REQUEST_BYTES} bytes of UTF-8 JSON.`, code: 'PAYLOAD_TOO_LARGE' }];
  for (const [key, field] of Object.entries(v.subject.shape)) {
    for (const rule of customRules(field as z.ZodType)) checks.push({ path: `subject.${key}`, rule, code: 'SCHEMA_VIOLATION' });
  }
  if (v.list) {
    checks.push({
      path: 'page.token',
      rule: 'Only a data.nextPageToken ndx issued for the same subject and contract major, before it expires; any other token is refused before the registry is read.',
      code: 'SCHEMA_VIOLATION',
    });
  }
  return checks;
}

/** The strict request schema of one version. */
export function requestSchema(contract: ContractDefinition, v: VersionDefinition, target: SchemaTarget): JsonSchema {
  const json = generate(versionMessages(contract, v).request, 'input', target, describeChecks);
  (json.properties as Record<string, JsonSchema>).subject = subjectSchema(v.subject, target);
  const checks = requestChecks(v);
  appendDescription(
    json,
    `Send it to your agency's queue ndx-agency-<agencyId>-out. Unknown properties are refused. ndx also checks what this schema cannot express: ${checks.map((c) => `${c.path}: ${c.rule.replace(/\.$/, '')}`).join('; ')} (listed in x-ndx-checks).`,
  );
  json['x-ndx-checks'] = checks;
  return json;
}

/** Vocabularies ndx may extend (a new reply code, a new status), each with what a reader does with a value it does not know. */
const OPEN_VOCABULARIES: readonly { values: readonly string[]; unknown: string }[] = [
  { values: ALL_CODES, unknown: 'Known codes are listed; a code added after this document was made is accepted: act on status.' },
  { values: STATUSES, unknown: 'Known statuses are listed; a status added after this document was made is accepted: treat it as not OK.' },
];

/** The open vocabulary an enum is, wherever it appears (the reply's `code` and `status`, and nested ones). */
function vocabularyOf(json: JsonSchema): (typeof OPEN_VOCABULARIES)[number] | undefined {
  const values = json.enum;
  if (!Array.isArray(values)) return undefined;
  return OPEN_VOCABULARIES.find((v) => v.values.length === values.length && v.values.every((x) => values.includes(x)));
}

/** Turns the closed writer schema into the tolerant reader's, node by node. */
function readerForm(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const json = ctx.jsonSchema;
  if (json.additionalProperties === false) delete json.additionalProperties;
  const vocabulary = vocabularyOf(json);
  if (vocabulary) {
    const { enum: known, type: _t, ...rest } = json;
    for (const k of Object.keys(json)) delete json[k];
    Object.assign(json, rest, {
      anyOf: [
        { type: 'string', enum: known },
        { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      ],
    });
    appendDescription(json, vocabulary.unknown);
  }
}

const FORM_NOTE: Record<ReplyForm, string> = {
  reader:
    'Reader form, for agencies: properties not listed here may appear (a MINOR version may add optional fields to data, and the reply may gain optional fields) and must be ignored, never rejected. ndx itself writes exactly the listed properties and checks its replies against the closed writer form.',
  writer:
    'Writer form: exactly what ndx writes (additionalProperties: false everywhere), as ndx checks its own replies. Do not validate replies with it: validate with the reader form.',
};

function replyFrom(schema: z.ZodType, target: SchemaTarget, form: ReplyForm): JsonSchema {
  const json = generate(schema, 'output', target, form === 'reader' ? readerForm : undefined);
  appendDescription(json, `Delivered on your agency's queue ndx-agency-<agencyId>-in. ${FORM_NOTE[form]}`);
  json['x-ndx-form'] = form;
  return json;
}

/** The reply of one version, in the reader's or the writer's form. */
export function replySchema(contract: ContractDefinition, v: VersionDefinition, target: SchemaTarget, form: ReplyForm): JsonSchema {
  return replyFrom(versionMessages(contract, v).reply, target, form);
}

/** Any reply on an agency's in-queue (any contract, or a request that could not be read), reader form. */
export function anyReplySchema(target: SchemaTarget): JsonSchema {
  return replyFrom(LookupReply, target, 'reader');
}
