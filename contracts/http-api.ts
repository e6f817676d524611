/**
 * The agency HTTPS API's own messages and limits, beside the LookupRequest and LookupReply it carries
 * (protocol.ts). The handlers, the OpenAPI document (/v1/openapi.json) and the contract exports all
 * read them from here.
 */
import * as z from 'zod';

/** How long `POST /v1/lookups` waits for the reply (seconds): `Prefer: wait=N` or `?wait=N`. */
export const LOOKUP_WAIT = { defaultSeconds: 10, maxSeconds: 20 } as const;

/** The largest body the API reads at all; larger is 413 without a reply (SQS's own message limit). Up to it, the envelope's 16 KiB rule answers PAYLOAD_TOO_LARGE. */
export const MAX_HTTP_BODY_BYTES = 256 * 1024;

/** The header carrying a lookup's poll capability (the reply key); never a query parameter, so it stays out of URLs and access logs. */
export const REPLY_KEY_HEADER = 'ndx-reply-key';

/** Seconds a client waits before polling again for a reply not ready yet. */
export const POLL_AFTER_SECONDS = 1;

/** Problem codes (the `code` of a Problem): stable strings, never renamed. */
export const PROBLEM_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'BAD_PARAMETER',
  'BODY_TOO_LARGE',
  'IN_PROGRESS',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** An error that is not a LookupReply (RFC 9457 problem details, `application/problem+json`). */
export const Problem = z
  .strictObject({
    type: z.string().describe('A URI naming the problem: urn:ndx:problem:<code in lower case>.'),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.enum(PROBLEM_CODES),
    detail: z.string().optional().describe('What to do about it; never personal data.'),
  })
  .describe('Problem: an error of the HTTP API itself, not an answer to a lookup (application/problem+json, RFC 9457).');
export type Problem = z.infer<typeof Problem>;

/** The body of a 202: the lookup was taken, its reply is not ready yet. */
export const LookupAccepted = z
  .strictObject({
    requestId: z.uuid(),
    location: z.string().describe('Where to GET the reply: /v1/lookups/{requestId}.'),
    replyKey: z
      .string()
      .describe('The poll capability: send it as the Ndx-Reply-Key header to read the reply. ndx does not keep it; without it the reply cannot be read.'),
    retryAfterSeconds: z.number().int().min(0),
  })
  .describe('LookupAccepted: the request was taken and will be answered; poll its location with the reply key.');
export type LookupAccepted = z.infer<typeof LookupAccepted>;

/** The body of a 202 to `Prefer: respond-async` from an agency with a webhook: the reply will be pushed to it. */
export const WebhookAccepted = z
  .strictObject({ requestId: z.uuid(), delivery: z.literal('webhook') })
  .describe('WebhookAccepted: the request was taken; its reply will be posted, signed, to the agency’s webhook.');
export type WebhookAccepted = z.infer<typeof WebhookAccepted>;

const PurposeEntry = z.strictObject({
  code: z.string(),
  description: z.string(),
  basis: z.enum(['legal', 'consent']).describe('legal: a legal basis covers this agency and purpose; consent: send the citizen’s consentId.'),
});

/** One version of a contract as an agency sees it in the directory. */
export const DirectoryVersion = z.strictObject({
  version: z.string(),
  status: z.enum(['draft', 'proposed', 'approved', 'active', 'deprecated', 'retired']),
  sunset: z.iso.date().optional(),
  purposes: z.array(PurposeEntry).describe('The purposes this agency may state under this version.'),
  rateLimitPerMinute: z.number().int(),
  list: z.boolean().describe('Whether the version answers with pages of items.'),
  href: z.string(),
});

export const DirectoryContract = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  registry: z.string(),
  versions: z.array(DirectoryVersion),
});

/** GET /v1/contracts: the contracts, versions and purposes the calling agency may use. */
export const ContractList = z.strictObject({ contracts: z.array(DirectoryContract) }).describe('ContractList: the contracts this agency is a consumer of.');
export type ContractList = z.infer<typeof ContractList>;

/** GET /v1/contracts/{id}/versions/{v}: a version with its request and reply schemas (JSON Schema 2020-12). */
export const ContractVersionDetail = z
  .strictObject({
    contract: z.string(),
    ...DirectoryVersion.shape,
    request: z.record(z.string(), z.unknown()).describe('JSON Schema of the LookupRequest under this version.'),
    reply: z.record(z.string(), z.unknown()).describe('JSON Schema of the LookupReply under this version (reader form).'),
  })
  .describe('ContractVersionDetail: one version with its schemas.');
export type ContractVersionDetail = z.infer<typeof ContractVersionDetail>;

/** GET /v1/me: who the API takes the caller for. */
export const Me = z
  .strictObject({
    agency: z.string().describe('The agency the credentials identify; every call acts as it.'),
    clientId: z.string(),
    contracts: z.array(z.string()).describe('Ids of the contracts it is a consumer of.'),
    webhook: z
      .strictObject({ url: z.string(), secret: z.string().describe('The Standard Webhooks signing secret (whsec_…) to verify deliveries with.') })
      .optional()
      .describe('Where its replies are pushed, when it has a webhook.'),
  })
  .describe('Me: the calling agency, from its credentials.');
export type Me = z.infer<typeof Me>;

/** At most this many requests in one `POST /v1/lookups/batch`. */
export const MAX_BATCH = 25;

/** POST /v1/lookups/batch: several LookupRequests, each handled as if POSTed alone (same checks, own reply). */
export const BatchRequest = z
  .strictObject({ requests: z.array(z.unknown()).min(1).max(MAX_BATCH).describe(`1 to ${MAX_BATCH} LookupRequests.`) })
  .describe('BatchRequest: lookups sent together; each is answered as if sent alone.');

/** One request's outcome in a batch, in the order sent: its HTTP status and the body it would have had alone. */
export const BatchItem = z.strictObject({
  status: z.number().int().describe('The status the request would have had alone (200, 202, 400, 413, 429, ...).'),
  body: z.unknown().describe('What the request would have had alone: a LookupReply, a LookupAccepted (poll it) or a Problem.'),
  retryAfterSeconds: z.number().int().min(0).optional(),
});

export const BatchResult = z.strictObject({ results: z.array(BatchItem) }).describe('BatchResult: one item per request, in the order sent.');
export type BatchResult = z.infer<typeof BatchResult>;
