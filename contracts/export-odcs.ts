/**
 * The contract as an Open Data Contract Standard v3.1.0 document (the JSON form of the YAML standard):
 * status and sunset from the lifecycle it is given, the released fields with their categories and
 * sensitivity, consumers as roles, terms as SLA and custom properties.
 */
import * as z from 'zod';
import { releasedCategories, type ContractDefinition, type VersionDefinition } from './model.ts';
import { lifecycleNote, type ExportLifecycle } from './export-common.ts';
import { requestChecks } from './export-schemas.ts';

export const ODCS_API_VERSION = 'v3.1.0';

const LOGICAL: Record<string, string> = { string: 'string', number: 'number', integer: 'integer', boolean: 'boolean', object: 'object', array: 'array' };
const FORMATS: Record<string, string> = { date: 'date', 'date-time': 'timestamp' };

function logicalType(schema: Record<string, unknown>): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format) return format;
  const t = schema.type;
  if (typeof t === 'string') return LOGICAL[t] ?? 'string';
  if (Array.isArray(t)) return LOGICAL[String(t.find((x) => x !== 'null'))] ?? 'string';
  const alternatives = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(alternatives)) return logicalType(alternatives.find((x) => x.type !== 'null') ?? {});
  return 'object';
}

export function versionOdcs(contract: ContractDefinition, v: VersionDefinition, lifecycle: ExportLifecycle): Record<string, unknown> {
  // For a list version, the fields are those of each item.
  const response = z.toJSONSchema(v.list ? v.list.item : v.response, { io: 'output' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const subject = Object.keys(v.subject.shape).join(' or ');
  return {
    apiVersion: ODCS_API_VERSION,
    kind: 'DataContract',
    id: `urn:ndx:contract:${contract.id}`,
    name: contract.title,
    version: v.version,
    status: lifecycle.status,
    domain: contract.provider,
    tenant: 'ndx',
    description: {
      purpose: v.purposes.map((p) => `${p.code}: ${p.description}`).join('\n'),
      usage: `Lookup by ${subject} through ndx (SQS queues, or the agency HTTPS API), for the listed purposes only${v.list ? `; a page of at most ${v.list.maxPageSize} items at a time` : ''}.`,
      limitations: [`Released only to ${v.consumers.join(', ')}; retained by the consumer at most ${v.retentionDays} days.`, lifecycleNote(lifecycle)].join(
        ' ',
      ),
    },
    schema: [
      {
        name: v.list ? 'item' : 'response',
        logicalType: 'object',
        physicalType: 'object',
        description: v.list ? `One item of the list in a reply's data.items. ${contract.description}` : `A reply's data. ${contract.description}`,
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
    team: { name: `${contract.provider} stewards`, members: contract.stewards.map((username) => ({ username, role: 'steward' })) },
    roles: v.consumers.map((consumer) => ({ role: consumer, access: 'read', description: 'consuming agency' })),
    slaProperties: [
      { property: 'retention', value: v.retentionDays, unit: 'd' },
      { property: 'rateLimit', value: v.rateLimit.perAgencyPerMinute, unit: 'requests/min/agency' },
    ],
    customProperties: [
      {
        property: 'lifecycleSource',
        value: lifecycle.source === 'registry' ? 'contract registry' : 'shipped catalogue',
        description: 'Where status and sunset were read.',
      },
      ...(lifecycle.sunset
        ? [{ property: 'sunset', value: lifecycle.sunset, description: 'The version stops answering on this date (VERSION_RETIRED after it is retired).' }]
        : []),
      { property: 'provider', value: contract.provider },
      { property: 'subject', value: Object.keys(v.subject.shape), description: `The lookup key: ${subject}.` },
      {
        property: 'subjectChecks',
        value: requestChecks(v)
          .filter((c) => c.path.startsWith('subject.'))
          .map((c) => `${c.path}: ${c.rule}`),
      },
      { property: 'purposes', value: v.purposes.map((p) => p.code) },
      {
        property: 'legalBases',
        value: v.legalBases.map((b) => ({ id: b.id, instrument: b.instrument, article: b.article, consumers: b.consumers, purposes: b.purposes })),
      },
      { property: 'consent', value: v.legalBases.length ? 'required where no legal basis covers the consumer and purpose' : 'required' },
      { property: 'releasedCategories', value: releasedCategories(v) },
      { property: 'changelog', value: v.changelog },
    ],
  };
}
