/**
 * The exported schemas against the engine's own rules: a corpus of requests per contract version gets
 * the same verdict from the exported request schema (ajv) as from the router (envelope + admission);
 * where the router is stricter, the document lists the rule in x-ndx-checks. Replies made by the
 * protocol's schemas validate against the exported reader form, with fields added (tolerance), and
 * the writer form stays closed.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportVersion } from '../../contracts/export.ts';
import { enterpriseCheckDigit, formatNationalId, formatParcelId } from '../../contracts/identifiers.ts';
import { withLifecycle, type ContractDefinition, type VersionDefinition } from '../../contracts/model.ts';
import { LookupReply } from '../../contracts/protocol.ts';
import { admit } from '../../domain/lookup/admit.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import { strictAjv, transport, VERSIONS } from './export-support.ts';

type Json = Record<string, unknown>;

const first9 = '010023348';
const VALID: Record<string, string> = {
  nationalId: formatNationalId({ province: '001', sex: 'FEMALE', birthYear: 1990, serial: '004567' }),
  enterpriseCode: `${first9}${enterpriseCheckDigit(first9)}`,
  parcelId: formatParcelId({ commune: '00127', mapSheet: 12, parcelNumber: 345 }),
};
/** Well formed for the pattern, refused by the identifier's check (province 999, check digit, zero parcel). */
const FAILS_CHECK: Record<string, string> = {
  nationalId: '999090004567',
  enterpriseCode: `${first9}${(Number(enterpriseCheckDigit(first9)) + 1) % 10}`,
  parcelId: '00000-0012-00345',
};

function documentOf(contract: ContractDefinition, version: VersionDefinition, lifecycle: (typeof VERSIONS)[number]['lifecycle']) {
  const doc = exportVersion('jsonschema', contract, version, { lifecycle, transport }) as { $id: string; $defs: Record<string, Json> };
  const ajv = strictAjv('2020-12');
  ajv.addSchema(doc);
  const at = (def: string) => ajv.getSchema(`${doc.$id}#/$defs/${def}`)!;
  return { doc, request: at('LookupRequest'), reader: at('LookupReply'), writer: at('LookupReplyAsWritten') };
}

interface Case {
  name: string;
  request: Json;
  /** The router refuses it for a rule the schema cannot express: the path x-ndx-checks must list. */
  routerOnly?: string;
}

function corpus(contract: ContractDefinition, v: VersionDefinition, _consumer: string, purpose: string): { valid: Case[]; invalid: Case[] } {
  const keys = Object.keys(v.subject.shape);
  const forms = keys.length > 1 ? keys.map((k) => [k]) : [keys];
  const subject = (ks: string[], values = VALID) => Object.fromEntries(ks.map((k) => [k, values[k]!]));
  const base = (over: Json = {}): Json => ({
    requestId: randomUUID(),
    contract: contract.id,
    purpose,
    subject: subject(forms[0]!),
    consentId: 'consent-1',
    ...over,
  });
  const major = v.version.split('.')[0]!;
  const valid: Case[] = [
    { name: 'minimal', request: base() },
    { name: 'pinned to the major', request: base({ version: major }) },
    { name: 'pinned to the exact version', request: base({ version: v.version }) },
    { name: 'on behalf of an officer', request: base({ onBehalfOf: 'case 2026/114' }) },
    ...forms.map((f) => ({ name: `subject { ${f.join(', ')} }`, request: base({ subject: subject(f) }) })),
    ...(v.list
      ? [
          { name: 'page at the maximum size', request: base({ page: { size: v.list.maxPageSize } }) },
          { name: 'page of one', request: base({ page: { size: 1 } }) },
          { name: 'empty page', request: base({ page: {} }) },
        ]
      : []),
  ];
  const invalid: Case[] = [
    { name: 'unknown field', request: base({ priority: 'high' }) },
    { name: 'no requestId', request: (({ requestId: _r, ...rest }) => rest)(base()) },
    { name: 'requestId not a UUID', request: base({ requestId: 'abc' }) },
    { name: 'another contract', request: base({ contract: 'population.no-such-contract' }) },
    { name: 'a purpose the contract does not allow', request: base({ purpose: 'MARKETING' }) },
    { name: 'another major', request: base({ version: String(Number(major) + 1) }) },
    { name: 'an exact version that does not exist', request: base({ version: `${major}.99.0` }) },
    { name: 'subject with an extra key', request: base({ subject: { ...subject(forms[0]!), extra: '1' } }) },
    { name: 'empty subject', request: base({ subject: {} }) },
    { name: 'subject of the wrong shape', request: base({ subject: Object.fromEntries(forms[0]!.map((k) => [k, 'abc'])) }) },
    { name: 'empty consentId', request: base({ consentId: '' }) },
    { name: 'empty onBehalfOf', request: base({ onBehalfOf: '' }) },
    ...forms.map((f) => ({
      name: `subject { ${f.join(', ')} } failing its check`,
      request: base({ subject: subject(f, FAILS_CHECK) }),
      routerOnly: `subject.${f[0]}`,
    })),
    ...(keys.length > 1 ? [{ name: 'every subject key at once', request: base({ subject: subject(keys) }) }] : []),
    ...(v.list
      ? [
          { name: 'page larger than the maximum', request: base({ page: { size: v.list.maxPageSize + 1 } }) },
          { name: 'page of zero', request: base({ page: { size: 0 } }) },
          { name: 'page with an unknown field', request: base({ page: { size: 1, cursor: 'x' } }) },
        ]
      : [
          { name: 'page on a contract that does not page', request: base({ page: { size: 1 } }) },
          { name: 'empty page on a contract that does not page', request: base({ page: {} }) },
        ]),
  ];
  return { valid, invalid };
}

/** The router's verdict on the content of a request: refused, or not (consent is checked later, against the consent store). */
function routerRefuses(request: Json, consumer: string, contract: ContractDefinition): string | undefined {
  const envelope = readEnvelope(JSON.stringify(request));
  if (!envelope.ok) return `${envelope.code} ${envelope.issues.map((i) => i.path).join(',')}`;
  const live = withLifecycle(contract, new Map(contract.versions.map((v) => [v.version, { status: 'active' as const }])));
  const admission = admit(envelope.request, consumer, (id) => (id === contract.id ? live : undefined));
  if (admission.ok) return undefined;
  return `${admission.code} ${(admission.issues ?? []).map((i) => i.path).join(',')}`;
}

describe('the exported request schema and the router agree', () => {
  for (const { contract, version, lifecycle, at } of VERSIONS) {
    it(at, () => {
      const { doc, request } = documentOf(contract, version, lifecycle);
      const basis = version.legalBases[0];
      const consumer = basis?.consumers[0] ?? version.consumers[0]!;
      const purpose = basis?.purposes[0] ?? version.purposes[0]!.code;
      const { valid, invalid } = corpus(contract, version, consumer, purpose);
      const checks = (doc.$defs.LookupRequest!['x-ndx-checks'] as { path: string }[]).map((c) => c.path);
      for (const c of valid) {
        expect({ case: c.name, router: routerRefuses(c.request, consumer, contract) }).toEqual({ case: c.name, router: undefined });
        expect({ case: c.name, schema: request(c.request), errors: request.errors }).toEqual({ case: c.name, schema: true, errors: null });
      }
      for (const c of invalid) {
        const router = routerRefuses(c.request, consumer, contract);
        expect({ case: c.name, routerRefuses: router !== undefined }).toEqual({ case: c.name, routerRefuses: true });
        if (c.routerOnly) {
          // The schema cannot see a check digit: it accepts, and the document says what the router checks.
          expect({ case: c.name, schema: request(c.request) }).toEqual({ case: c.name, schema: true });
          expect(router).toContain(c.routerOnly);
          expect(checks).toContain(c.routerOnly);
        } else {
          expect({ case: c.name, schema: request(c.request) }).toEqual({ case: c.name, schema: false });
        }
      }
    });
  }
});

describe('replies against the exported reply schemas', () => {
  const repliedAt = new Date().toISOString();
  for (const { contract, version, lifecycle, at } of VERSIONS) {
    it(at, () => {
      const { reader, writer } = documentOf(contract, version, lifecycle);
      const replies = [
        {
          requestId: randomUUID(),
          status: 'NOT_FOUND',
          code: 'SUBJECT_NOT_FOUND',
          message: 'no record',
          contract: contract.id,
          version: version.version,
          repliedAt,
        },
        {
          requestId: randomUUID(),
          status: 'INVALID',
          code: 'SCHEMA_VIOLATION',
          message: 'invalid',
          contract: contract.id,
          issues: [{ path: 'subject', message: 'required' }],
          repliedAt,
        },
        {
          requestId: randomUUID(),
          status: 'DENIED',
          code: 'CONSENT_REQUIRED',
          message: 'consent required',
          contract: contract.id,
          version: version.version,
          repliedAt,
        },
        { requestId: null, receivedMessageId: 'm-1', status: 'INVALID', code: 'MALFORMED_MESSAGE', message: 'not JSON', repliedAt },
      ].map((r) => LookupReply.parse(r));
      for (const reply of replies) {
        expect({ code: reply.code, reader: reader(reply), writer: writer(reply) }).toEqual({ code: reply.code, reader: true, writer: true });
        // A later MINOR version or protocol change adds fields: the reader form accepts them, the writer form does not.
        const added = { ...reply, addedLater: { any: 'thing' }, ...(reply.issues ? { issues: reply.issues.map((i) => ({ ...i, hint: 'x' })) } : {}) };
        expect({ code: reply.code, reader: reader(added), writer: writer(added) }).toEqual({ code: reply.code, reader: true, writer: false });
        // A code and a status added after the document was made.
        expect(reader({ ...reply, status: 'PENDING', code: 'SOMETHING_NEW' })).toBe(true);
      }
    });
  }
});
