/**
 * The catalogue agencies code against, generated from the zod schemas (never written by hand): for each
 * version, a JSON Schema document of its request and reply, an OpenAPI 3.1 document of the agency HTTPS
 * API's lookup operations, an AsyncAPI 3.0 document of the SQS queues, and the contract as an Open Data
 * Contract Standard (ODCS v3.1.0) document; and for each consuming agency, one AsyncAPI document of its
 * own queues with every contract version it may use.
 *
 * Where the platform is (queue names, regions, API servers) and where each version stands in its
 * lifecycle are given by the caller (`ndx contract export` reads them from the configuration and the
 * contract registry), because contracts/ depends on nothing of ours.
 */
import type { ContractDefinition, VersionDefinition } from './model.ts';
import { lifecycleExtension, lifecycleNote, type AgencyVersion, type ExportLifecycle, type ExportOptions, type ExportTransport } from './export-common.ts';
import { requestSchema, replySchema, SCHEMA_EXTENSIONS } from './export-schemas.ts';
import { agencyAsyncApi, versionAsyncApi } from './export-asyncapi.ts';
import { versionOpenApi } from './export-openapi.ts';
import { versionOdcs } from './export-odcs.ts';

export { versionMessages } from './export-schemas.ts';
export type { AgencyVersion, ExportLifecycle, ExportOptions, ExportTransport } from './export-common.ts';

export const EXPORT_FORMATS = ['jsonschema', 'openapi', 'asyncapi', 'odcs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Vendor keywords (`x-ndx-…`) the documents put in JSON Schemas; a strict validator must be told about them. */
export const EXPORT_SCHEMA_KEYWORDS: readonly string[] = [...SCHEMA_EXTENSIONS, 'x-ndx-lifecycle'];

function jsonSchemaDocument(contract: ContractDefinition, v: VersionDefinition, lifecycle: ExportLifecycle): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:ndx:contract:${contract.id}:${v.version}`,
    title: `${contract.title} (${contract.id}@${v.version})`,
    description: [
      contract.description,
      lifecycleNote(lifecycle),
      'LookupRequest: what ndx accepts, strictly (x-ndx-checks lists what it also checks). LookupReply: the reader form to validate replies with (unknown properties allowed, codes added later accepted). LookupReplyAsWritten: the closed writer form ndx checks its own replies against; not for agencies to validate with.',
    ].join('\n\n'),
    ...(lifecycle.status === 'deprecated' ? { deprecated: true } : {}),
    'x-ndx-lifecycle': lifecycleExtension(lifecycle),
    $defs: {
      LookupRequest: requestSchema(contract, v, 'draft-2020-12'),
      LookupReply: replySchema(contract, v, 'draft-2020-12', 'reader'),
      LookupReplyAsWritten: replySchema(contract, v, 'draft-2020-12', 'writer'),
    },
  };
}

export function exportVersion(format: ExportFormat, contract: ContractDefinition, v: VersionDefinition, options: ExportOptions): Record<string, unknown> {
  switch (format) {
    case 'jsonschema':
      return jsonSchemaDocument(contract, v, options.lifecycle);
    case 'openapi':
      return versionOpenApi(contract, v, options);
    case 'asyncapi':
      return versionAsyncApi(contract, v, options);
    case 'odcs':
      return versionOdcs(contract, v, options.lifecycle);
  }
}

/**
 * One AsyncAPI document for a consuming agency: its out-queue with the request of every contract
 * version it is a consumer of that answers (active or deprecated), and its in-queue with their replies.
 */
export function exportAgency(
  agencyId: string,
  versions: readonly AgencyVersion[],
  transport: ExportTransport,
  indicators: readonly AgencyVersion[] = [],
): Record<string, unknown> {
  const answering = (x: AgencyVersion) => x.version.consumers.includes(agencyId) && (x.lifecycle.status === 'active' || x.lifecycle.status === 'deprecated');
  return agencyAsyncApi(agencyId, versions.filter(answering), transport, indicators.filter(answering));
}
