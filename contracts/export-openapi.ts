/**
 * OpenAPI 3.1 of one contract version: the agency HTTPS API's lookup operations (`POST /v1/lookups`,
 * `GET /v1/lookups/{requestId}`) with this version's request and reply as their bodies. The same
 * messages travel over SQS (the AsyncAPI document).
 */
import type { ContractDefinition, VersionDefinition } from './model.ts';
import { AGENCY_TOKEN_SCHEME, lookupOperations } from './http-openapi.ts';
import { LookupAccepted, Problem, WebhookAccepted } from './http-api.ts';
import * as z from 'zod';
import { DOCUMENT_LICENSE, lifecycleExtension, lifecycleNote, type ExportOptions } from './export-common.ts';
import { replySchema, requestSchema } from './export-schemas.ts';

const plain = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return json;
};

export function versionOpenApi(contract: ContractDefinition, v: VersionDefinition, { lifecycle, transport }: ExportOptions): Record<string, unknown> {
  const deprecated = lifecycle.status === 'deprecated';
  const at = `${contract.id}@${v.version}`;
  return {
    openapi: '3.1.0',
    info: {
      title: `${contract.title} (${at})`,
      version: v.version,
      description: [
        contract.description,
        lifecycleNote(lifecycle),
        `The agency HTTPS API carries the same LookupRequest and LookupReply as ndx's SQS queues (see the AsyncAPI document of this version), with this version's schemas: send the request, get the reply. The whole API, with its directory, is described at GET /v1/openapi.json.`,
        'Replies are described in their reader form: ignore properties you do not know (a MINOR version may add optional fields).',
      ].join('\n\n'),
      license: DOCUMENT_LICENSE,
      'x-ndx-lifecycle': lifecycleExtension(lifecycle),
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: transport.apiServers.map((s) => ({ ...s })),
    security: [{ agencyToken: [] }],
    tags: [{ name: 'lookups', description: `Lookups under ${at}.` }],
    // The same operations as the API's own document (http-openapi.ts), with this version's schemas.
    paths: lookupOperations({ request: 'LookupRequest', reply: 'LookupReply' }, { summarySuffix: ` under ${at}`, deprecated }),
    components: {
      schemas: {
        LookupRequest: requestSchema(contract, v, 'draft-2020-12'),
        LookupReply: replySchema(contract, v, 'draft-2020-12', 'reader'),
        LookupAccepted: plain(LookupAccepted),
        WebhookAccepted: plain(WebhookAccepted),
        Problem: plain(Problem),
      },
      securitySchemes: { agencyToken: AGENCY_TOKEN_SCHEME },
    },
  };
}
