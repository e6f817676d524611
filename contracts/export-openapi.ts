/**
 * OpenAPI 3.1 of one contract version: the agency HTTPS API's lookup operations (`POST /v1/lookups`,
 * `GET /v1/lookups/{requestId}`) with this version's request and reply as their bodies. The same
 * messages travel over SQS (the AsyncAPI document).
 */
import type { ContractDefinition, VersionDefinition } from './model.ts';
import { MAX_REQUEST_BYTES } from './protocol.ts';
import { DOCUMENT_LICENSE, lifecycleExtension, lifecycleNote, type ExportOptions } from './export-common.ts';
import { replySchema, requestSchema } from './export-schemas.ts';

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

export function versionOpenApi(contract: ContractDefinition, v: VersionDefinition, { lifecycle, transport }: ExportOptions): Record<string, unknown> {
  const deprecated = lifecycle.status === 'deprecated';
  const at = `${contract.id}@${v.version}`;
  const reply = { description: 'The LookupReply, whatever its status (OK, NOT_FOUND, DENIED, INVALID, ERROR): act on status and code in the body.', content: json('LookupReply') };
  const pending = {
    description: 'Not answered yet: fetch the reply later from Location (GET /v1/lookups/{requestId}).',
    headers: { Location: { description: 'Where the reply will be: /v1/lookups/{requestId}.', schema: { type: 'string' } } },
  };
  const unauthenticated = { description: 'No valid credentials of an agency.' };
  const forbidden = { description: 'The credentials are valid but do not allow this call.' };
  return {
    openapi: '3.1.0',
    info: {
      title: `${contract.title} (${at})`,
      version: v.version,
      description: [
        contract.description,
        lifecycleNote(lifecycle),
        `The agency HTTPS API carries the same LookupRequest and LookupReply as ndx's SQS queues (see the AsyncAPI document of this version), with this version's schemas: send the request, get the reply. The HTTPS API is being built; until it is deployed, send the same messages over SQS.`,
        'Replies are described in their reader form: ignore properties you do not know (a MINOR version may add optional fields).',
      ].join('\n\n'),
      license: DOCUMENT_LICENSE,
      'x-ndx-lifecycle': lifecycleExtension(lifecycle),
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: transport.apiServers.map((s) => ({ ...s })),
    security: [{ agencyCertificate: [] }, { agencyToken: [] }],
    tags: [{ name: 'lookups', description: `Lookups under ${at}.` }],
    paths: {
      '/v1/lookups': {
        post: {
          operationId: 'lookup',
          tags: ['lookups'],
          summary: `Look up under ${at}`,
          description: `Sends a LookupRequest and waits a bounded time for its LookupReply. The agency is the authenticated caller, never a field of the body.`,
          ...(deprecated ? { deprecated: true } : {}),
          requestBody: { required: true, content: json('LookupRequest') },
          responses: {
            '200': reply,
            '202': pending,
            '400': { description: 'Not a LookupRequest: the body is a LookupReply with status INVALID and the issues.', content: json('LookupReply') },
            '401': unauthenticated,
            '403': forbidden,
            '413': { description: `Larger than ${MAX_REQUEST_BYTES} bytes: the body is a LookupReply with code PAYLOAD_TOO_LARGE.`, content: json('LookupReply') },
            '429': {
              description: 'Too many calls from this agency: try again after Retry-After seconds.',
              headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 0 } } },
            },
          },
        },
      },
      '/v1/lookups/{requestId}': {
        get: {
          operationId: 'getLookupReply',
          tags: ['lookups'],
          summary: `The reply to an earlier lookup under ${at}`,
          description: 'The LookupReply to a request this agency sent earlier, by its requestId.',
          ...(deprecated ? { deprecated: true } : {}),
          parameters: [{ name: 'requestId', in: 'path', required: true, description: 'The requestId of the request.', schema: { type: 'string', format: 'uuid' } }],
          responses: {
            '200': reply,
            '202': pending,
            '401': unauthenticated,
            '403': forbidden,
            '404': { description: 'This agency sent no request with this requestId.' },
          },
        },
      },
    },
    components: {
      schemas: {
        LookupRequest: requestSchema(contract, v, 'draft-2020-12'),
        LookupReply: replySchema(contract, v, 'draft-2020-12', 'reader'),
      },
      securitySchemes: {
        agencyCertificate: { type: 'mutualTLS', description: 'The agency’s client certificate, as configured for it.' },
        agencyToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OAuth 2.0 client-credentials access token of the agency, as configured for it.' },
      },
    },
  };
}
