/**
 * OpenAPI 3.1 of the agency HTTP API (served at GET /v1/openapi.json), generated from the same zod
 * schemas the API parses and answers with. The lookup operations' responses are shared with each
 * contract version's own OpenAPI export (export-openapi.ts), which puts that version's schemas in them.
 */
import * as z from 'zod';
import { anyReplySchema } from './export-schemas.ts';
import {
  BatchRequest,
  BatchResult,
  ContractList,
  ContractVersionDetail,
  LOOKUP_WAIT,
  LookupAccepted,
  MAX_BATCH,
  MAX_HTTP_BODY_BYTES,
  Me,
  POLL_AFTER_SECONDS,
  Problem,
  WebhookAccepted,
} from './http-api.ts';
import { IndicatorReply, IndicatorRequest } from './indicators/protocol.ts';
import { LookupRequest, MAX_REQUEST_BYTES } from './protocol.ts';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Json;
  return json;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string, type = 'application/json') => ({ [type]: { schema: ref(name) } });
const problem = (description: string, headers?: Json) => ({
  description,
  content: body('Problem', 'application/problem+json'),
  ...(headers ? { headers } : {}),
});
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } } };

/** The security scheme every operation but the OpenAPI document requires. */
export const AGENCY_TOKEN_SCHEME = {
  type: 'oauth2',
  description:
    'OAuth 2.0 client credentials: each agency has its own client at the issuer configured for the environment (ndx.config.ts, agencies[].api.clientIds); its access token identifies the agency. Locally, `npm start` prints each agency’s client id and secret and issues tokens at /_ndx/oauth2/token.',
  flows: { clientCredentials: { tokenUrl: '/_ndx/oauth2/token', scopes: {} } },
};

/** The responses of POST /v1/lookups and GET /v1/lookups/{requestId}; `reply` and `request` name the component schemas. */
export function lookupOperations(names: { request: string; reply: string }, extra: { summarySuffix?: string; deprecated?: boolean } = {}): Json {
  const suffix = extra.summarySuffix ?? '';
  const dep = extra.deprecated ? { deprecated: true } : {};
  const reply = {
    description: 'The LookupReply, whatever its status (OK, NOT_FOUND, DENIED, INVALID, ERROR, DUPLICATE): act on status and code in the body.',
    content: body(names.reply),
  };
  const accepted = {
    description: `Taken, not answered yet: GET the Location with the Ndx-Reply-Key header (the replyKey), after Retry-After (${POLL_AFTER_SECONDS} s).`,
    headers: {
      Location: { description: '/v1/lookups/{requestId}', schema: { type: 'string' } },
      'Ndx-Reply-Key': { description: 'The poll capability (also in the body). ndx does not keep it.', schema: { type: 'string' } },
      ...retryAfter,
    },
    content: { 'application/json': { schema: { oneOf: [ref('LookupAccepted'), ref('WebhookAccepted')] } } },
  };
  const common = {
    '401': problem('No valid access token: none, forged, expired or not an access token.'),
    '403': problem('The token is valid but its client is not an agency of ndx.'),
  };
  const wait = {
    name: 'wait',
    in: 'query',
    required: false,
    description: `Seconds to wait for the reply (also \`Prefer: wait=N\`): default ${LOOKUP_WAIT.defaultSeconds} for POST, 0 for GET; at most ${LOOKUP_WAIT.maxSeconds}.`,
    schema: { type: 'integer', minimum: 0, maximum: LOOKUP_WAIT.maxSeconds },
  };
  return {
    '/v1/lookups': {
      post: {
        operationId: 'lookup',
        tags: ['lookups'],
        summary: `Look up${suffix}`,
        description:
          'Sends a LookupRequest through the same checks as the agency’s queue (contract, purpose, consent or legal basis, rate limit, audit) and waits a bounded time for its LookupReply. The agency is the authenticated caller, never a field of the body. Resend with the same requestId and body when no reply came (the resend protocol).',
        ...dep,
        parameters: [wait],
        requestBody: { required: true, content: body(names.request) },
        responses: {
          '200': reply,
          '202': accepted,
          '400': {
            description: 'Not a LookupRequest (MALFORMED_MESSAGE, SCHEMA_VIOLATION): the LookupReply with its issues; or a Problem for a bad parameter.',
            content: { ...body(names.reply), ...body('Problem', 'application/problem+json') },
          },
          ...common,
          '409': problem('A request with this requestId is being handled: resend it shortly.', retryAfter),
          '413': {
            description: `Over ${MAX_REQUEST_BYTES} bytes: the LookupReply PAYLOAD_TOO_LARGE; over ${MAX_HTTP_BODY_BYTES} bytes a Problem (not read).`,
            content: { ...body(names.reply), ...body('Problem', 'application/problem+json') },
          },
          '415': problem('The body is not application/json.'),
          '429': {
            description: 'The agency used its allowance for this contract: the LookupReply RATE_LIMITED; try again after Retry-After.',
            headers: retryAfter,
            content: body(names.reply),
          },
          '503': problem('The request was not taken: resend it (same requestId and body).', retryAfter),
        },
      },
    },
    '/v1/lookups/{requestId}': {
      get: {
        operationId: 'getLookupReply',
        tags: ['lookups'],
        summary: `The reply to an earlier lookup${suffix}`,
        description: 'The LookupReply to a request this agency sent over HTTP, read with the reply key its POST returned (kept for an hour).',
        ...dep,
        parameters: [
          { name: 'requestId', in: 'path', required: true, description: 'The requestId of the request.', schema: { type: 'string', format: 'uuid' } },
          { name: 'Ndx-Reply-Key', in: 'header', required: true, description: 'The replyKey the POST returned.', schema: { type: 'string' } },
          wait,
        ],
        responses: {
          '200': reply,
          '202': accepted,
          '400': problem('No reply key, or not one.'),
          ...common,
          '404': problem('No request of this agency with this requestId and reply key (or its reply expired): resend the request.'),
          '429': { description: 'The LookupReply RATE_LIMITED.', headers: retryAfter, content: body(names.reply) },
        },
      },
    },
  };
}

const getJson = (operationId: string, summary: string, description: string, schema: string, extra: Json = {}) => ({
  get: {
    operationId,
    tags: ['directory'],
    summary,
    description,
    ...extra,
    responses: {
      '200': { description: summary, content: body(schema) },
      '401': problem('No valid access token.'),
      '403': problem('The token’s client is not an agency of ndx.'),
      ...('parameters' in extra ? { '404': problem('No such contract version among those this agency may use.') } : {}),
    },
  },
});

/** The whole API's document. */
export function apiOpenApi(servers: readonly { url: string; description: string }[]): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ndx agency HTTP API',
      version: '1.0.0',
      description:
        'Lookups over HTTPS for agency systems, with the same checks, audit and LookupReply as the queues; the directory of contracts an agency may use. Errors of the API itself are Problems (RFC 9457); answers to lookups are LookupReplies.',
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: servers.map((s) => ({ ...s })),
    security: [{ agencyToken: [] }],
    tags: [
      { name: 'lookups', description: 'Lookups and their replies.' },
      { name: 'indicators', description: 'Indicators: counts over a registry, released with disclosure control (no subject).' },
      { name: 'directory', description: 'What the calling agency may use.' },
      { name: 'meta', description: 'This document.' },
    ],
    paths: {
      ...lookupOperations({ request: 'LookupRequest', reply: 'LookupReply' }),
      '/v1/lookups/batch': {
        post: {
          operationId: 'lookupBatch',
          tags: ['lookups'],
          summary: `Up to ${MAX_BATCH} lookups at once`,
          description:
            'Each request is handled as if POSTed alone (same checks, own audit record, own reply), all at once; the results come back collected, in the order sent, each with the status and body it would have had alone. A 202 item carries the replyKey to poll that request.',
          parameters: [
            {
              name: 'wait',
              in: 'query',
              required: false,
              description: `Seconds to wait for the replies (also \`Prefer: wait=N\`): default ${LOOKUP_WAIT.defaultSeconds}, at most ${LOOKUP_WAIT.maxSeconds}.`,
              schema: { type: 'integer', minimum: 0, maximum: LOOKUP_WAIT.maxSeconds },
            },
          ],
          requestBody: { required: true, content: body('BatchRequest') },
          responses: {
            '200': { description: 'One item per request, in order.', content: body('BatchResult') },
            '400': problem(`Not {"requests": [...]} with 1 to ${MAX_BATCH} items, or a bad parameter.`),
            '401': problem('No valid access token.'),
            '403': problem('The token’s client is not an agency of ndx.'),
            '413': problem(`Over ${MAX_HTTP_BODY_BYTES} bytes.`),
            '415': problem('The body is not application/json.'),
            '503': problem('The batch was not taken: resend it (same requestIds and bodies).', retryAfter),
          },
        },
      },
      '/v1/indicators': {
        post: {
          operationId: 'requestIndicator',
          tags: ['indicators'],
          summary: 'An indicator for one period',
          description:
            'The IndicatorRequest is answered at once, with the same checks (contract, version, consumer, purpose, period), rate limit, audit and resend protocol as a lookup; the reply is the IndicatorReply the queue would carry: an SDMX-JSON 2.1 data message in `data`, or CSV in `csv`. Withheld cells carry CONF_STATUS and no number. With `Accept: text/csv` and `format: csv`, an OK reply’s CSV is the body itself.',
          requestBody: { required: true, content: body('IndicatorRequest') },
          responses: {
            '200': {
              description:
                'The IndicatorReply, whatever its status (OK, NOT_FOUND, DENIED, INVALID, ERROR, DUPLICATE); or, asked with Accept: text/csv, the CSV.',
              content: { ...body('IndicatorReply'), 'text/csv': { schema: { type: 'string' } } },
            },
            '400': { description: 'An IndicatorReply INVALID: the body is not an IndicatorRequest (see issues).', content: body('IndicatorReply') },
            '401': problem('No valid access token.'),
            '403': problem('The token’s client is not an agency of ndx.'),
            '409': problem('A request with this requestId is being handled: resend it shortly.', retryAfter),
            '413': {
              description: `PAYLOAD_TOO_LARGE (over ${MAX_REQUEST_BYTES} bytes), or a Problem over ${MAX_HTTP_BODY_BYTES} bytes.`,
              content: { ...body('IndicatorReply'), ...body('Problem', 'application/problem+json') },
            },
            '415': problem('The body is not application/json.'),
            '429': {
              description: 'RATE_LIMITED: the indicator’s rate limit for this agency is reached.',
              headers: retryAfter,
              content: body('IndicatorReply'),
            },
            '503': problem('The request was not answered: resend it (same requestId and body).', retryAfter),
          },
        },
      },
      '/v1/contracts': getJson(
        'listContracts',
        'The contracts this agency may use',
        'Contracts, versions and purposes this agency is a consumer of, and whether each purpose rests on a legal basis or on consent.',
        'ContractList',
      ),
      '/v1/contracts/{id}/versions/{version}': getJson(
        'getContractVersion',
        'One contract version with its schemas',
        'The version’s purposes and its request and reply JSON Schemas.',
        'ContractVersionDetail',
        {
          parameters: [
            { name: 'id', in: 'path', required: true, description: 'Contract id.', schema: { type: 'string' } },
            { name: 'version', in: 'path', required: true, description: 'Exact version, e.g. 1.0.0.', schema: { type: 'string' } },
          ],
        },
      ),
      '/v1/me': getJson('me', 'Who the credentials identify', 'The agency every call of this token acts as.', 'Me'),
      '/v1/openapi.json': {
        get: {
          operationId: 'openApi',
          tags: ['meta'],
          summary: 'This document',
          description: 'The OpenAPI 3.1 document of this API (no credentials needed).',
          security: [],
          responses: { '200': { description: 'The document.', content: { 'application/json': { schema: { type: 'object' } } } }, '405': problem('Only GET.') },
        },
      },
    },
    components: {
      schemas: {
        LookupRequest: schemaOf(LookupRequest, 'input'),
        LookupReply: anyReplySchema('draft-2020-12'),
        LookupAccepted: schemaOf(LookupAccepted),
        WebhookAccepted: schemaOf(WebhookAccepted),
        BatchRequest: schemaOf(BatchRequest),
        BatchResult: schemaOf(BatchResult),
        Problem: schemaOf(Problem),
        ContractList: schemaOf(ContractList),
        ContractVersionDetail: schemaOf(ContractVersionDetail),
        Me: schemaOf(Me),
        IndicatorRequest: schemaOf(IndicatorRequest, 'input'),
        IndicatorReply: schemaOf(IndicatorReply),
      },
      securitySchemes: { agencyToken: AGENCY_TOKEN_SCHEME },
    },
  };
}
