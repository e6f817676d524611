/**
 * The catalogue agencies code against, generated from the zod schemas (never written by hand):
 * JSON Schema, OpenAPI 3.1 and AsyncAPI 3.0 documents of each version's request and reply, and the
 * contract as an Open Data Contract Standard (ODCS v3) document.
 */
import * as z from 'zod';
import { releasedCategories, type ContractDefinition, type Lifecycle, type VersionDefinition } from './model.ts';
import { LookupReply, LookupRequest } from './protocol.ts';

export const EXPORT_FORMATS = ['jsonschema', 'openapi', 'asyncapi', 'odcs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The request and reply of one version, specialised from the generic protocol. */
export function versionMessages(contract: ContractDefinition, v: VersionDefinition) {
  const purposes = v.purposes.map((p) => p.code) as [string, ...string[]];
  const request = LookupRequest.extend({
    contract: z.literal(contract.id),
    purpose: z.enum(purposes),
    subject: v.subject,
  }).describe(`LookupRequest for ${contract.id}@${v.version}: send to ndx-agency-<agencyId>-out.`);
  const reply = LookupReply.extend({
    contract: z.literal(contract.id).optional(),
    data: v.response.optional().describe('Present with status OK: exactly these fields.'),
  }).describe(`LookupReply for ${contract.id}@${v.version}: delivered on ndx-agency-<agencyId>-in.`);
  return { request, reply };
}

function schemas(contract: ContractDefinition, v: VersionDefinition) {
  const { request, reply } = versionMessages(contract, v);
  return {
    LookupRequest: z.toJSONSchema(request, { io: 'input', target: 'draft-2020-12' }),
    LookupReply: z.toJSONSchema(reply, { io: 'output', target: 'draft-2020-12' }),
  };
}

/** Moves nested `$schema` keys out, for documents that hold several schemas. */
function embedded(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

export function exportVersion(format: ExportFormat, contract: ContractDefinition, v: VersionDefinition, lifecycle?: Lifecycle): Record<string, unknown> {
  const s = schemas(contract, v);
  const title = `${contract.title} (${contract.id}@${v.version})`;
  switch (format) {
    case 'jsonschema':
      return {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `urn:ndx:contract:${contract.id}:${v.version}`,
        title,
        description: contract.description,
        $defs: { LookupRequest: embedded(s.LookupRequest), LookupReply: embedded(s.LookupReply) },
      };
    case 'openapi':
      return {
        openapi: '3.1.0',
        info: { title, version: v.version, description: `${contract.description}\n\nndx exchanges these messages over SQS queues, not HTTP; see the AsyncAPI document for channels.` },
        jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
        paths: {},
        components: { schemas: { LookupRequest: embedded(s.LookupRequest), LookupReply: embedded(s.LookupReply) } },
      };
    case 'asyncapi':
      return {
        asyncapi: '3.0.0',
        info: { title, version: v.version, description: contract.description },
        defaultContentType: 'application/json',
        channels: {
          requests: {
            address: 'ndx-agency-{agencyId}-out',
            parameters: { agencyId: { enum: [...v.consumers], description: 'The consuming agency; only its role may send here.' } },
            messages: { LookupRequest: { $ref: '#/components/messages/LookupRequest' } },
          },
          replies: {
            address: 'ndx-agency-{agencyId}-in',
            parameters: { agencyId: { enum: [...v.consumers], description: 'The consuming agency; only its role may receive here.' } },
            messages: { LookupReply: { $ref: '#/components/messages/LookupReply' } },
          },
        },
        operations: {
          sendLookup: { action: 'send', channel: { $ref: '#/channels/requests' }, reply: { channel: { $ref: '#/channels/replies' } } },
          receiveReply: { action: 'receive', channel: { $ref: '#/channels/replies' } },
        },
        components: {
          messages: {
            LookupRequest: { name: 'LookupRequest', payload: { schemaFormat: 'application/schema+json;version=draft-2020-12', schema: embedded(s.LookupRequest) } },
            LookupReply: { name: 'LookupReply', payload: { schemaFormat: 'application/schema+json;version=draft-2020-12', schema: embedded(s.LookupReply) } },
          },
        },
      };
    case 'odcs':
      return odcs(contract, v, lifecycle);
  }
}

const LOGICAL: Record<string, string> = { string: 'string', number: 'number', integer: 'integer', boolean: 'boolean', object: 'object', array: 'array' };

function logicalType(schema: Record<string, unknown>): string {
  const t = schema.type;
  if (typeof t === 'string') return LOGICAL[t] ?? 'string';
  if (Array.isArray(t)) return LOGICAL[String(t.find((x) => x !== 'null'))] ?? 'string';
  if (Array.isArray(schema.anyOf)) return logicalType((schema.anyOf as Record<string, unknown>[]).find((x) => x.type !== 'null') ?? {});
  return 'object';
}

/** An Open Data Contract Standard v3 document (JSON form of the YAML standard). */
function odcs(contract: ContractDefinition, v: VersionDefinition, lifecycle?: Lifecycle): Record<string, unknown> {
  // For a list version, the fields are those of each item.
  const response = z.toJSONSchema(v.list ? v.list.item : v.response, { io: 'output' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return {
    apiVersion: 'v3.0.2',
    kind: 'DataContract',
    id: `urn:ndx:contract:${contract.id}`,
    name: contract.title,
    version: v.version,
    status: lifecycle?.status ?? 'draft',
    domain: contract.provider,
    tenant: 'ndx',
    description: {
      purpose: v.purposes.map((p) => `${p.code}: ${p.description}`).join('\n'),
      usage: `Lookup by ${Object.keys(v.subject.shape).join(', ')} through ndx queues, for the listed purposes only.`,
      limitations: `Released only to ${v.consumers.join(', ')}; retained by the consumer at most ${v.retentionDays} days.`,
    },
    schema: [
      {
        name: 'response',
        logicalType: 'object',
        physicalType: 'object',
        description: contract.description,
        properties: Object.entries(v.fields).map(([name, f]) => ({
          name,
          logicalType: logicalType(response.properties?.[name] ?? {}),
          required: response.required?.includes(name) ?? false,
          description: f.description,
          classification: f.sensitivity,
          customProperties: [{ property: 'dataCategory', value: f.category }],
        })),
      },
    ],
    team: contract.stewards.map((username) => ({ username, role: 'steward' })),
    roles: v.consumers.map((consumer) => ({ role: consumer, access: 'read', description: 'consuming agency' })),
    slaProperties: [
      { property: 'retention', value: v.retentionDays, unit: 'd' },
      { property: 'rateLimit', value: v.rateLimit.perAgencyPerMinute, unit: 'requests/min/agency' },
      ...(lifecycle?.sunset ? [{ property: 'sunset', value: lifecycle.sunset }] : []),
    ],
    customProperties: [
      { property: 'provider', value: contract.provider },
      { property: 'purposes', value: v.purposes.map((p) => p.code) },
      { property: 'legalBases', value: v.legalBases.map((b) => ({ id: b.id, instrument: b.instrument, article: b.article, consumers: b.consumers, purposes: b.purposes })) },
      { property: 'consent', value: v.legalBases.length ? 'required where no legal basis covers the consumer and purpose' : 'required' },
      { property: 'releasedCategories', value: releasedCategories(v) },
      { property: 'changelog', value: v.changelog },
    ],
  };
}
