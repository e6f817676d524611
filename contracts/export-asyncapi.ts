/**
 * AsyncAPI 3.0 over SQS, from the agency's point of view: it sends LookupRequests to its out-queue and
 * receives LookupReplies on its in-queue, correlated by `requestId`. One document per contract version
 * (the queues as parameters over its consumers) and one per agency (its own queues, every contract
 * version it may use). An agency's in-queue carries the replies of all its lookups, under every
 * contract, so the per-contract document lists any other reply on it too.
 *
 * Payloads are AsyncAPI Schema Objects (the default schema format, a superset of JSON Schema draft-07)
 * generated as draft-07: @asyncapi/parser validates them, and code generators keep required fields
 * (with the multi-format `application/schema+json;version=draft-07` wrapper, AsyncAPI's model generator
 * made every field optional). `$id`/`title` name the generated models.
 */
import * as z from 'zod';
import { createHash } from 'node:crypto';
import type { ContractDefinition, VersionDefinition } from './model.ts';
import { DOCUMENT_LICENSE, lifecycleExtension, lifecycleNote, type AgencyVersion, type ExportOptions, type ExportTransport } from './export-common.ts';
import { anyReplySchema, replySchema, requestSchema, type JsonSchema } from './export-schemas.ts';
import { IndicatorReply, IndicatorRequest } from './indicators/protocol.ts';

/** The SQS binding version AsyncAPI 3.0 documents may use. */
const SQS_BINDING_VERSION = '0.2.0';

function servers(t: ExportTransport): Record<string, unknown> {
  return {
    aws: {
      host: 'sqs.{region}.amazonaws.com',
      protocol: 'sqs',
      title: 'Amazon SQS',
      description:
        'The deployment’s SQS queues. Requests are signed (AWS Signature V4) as the agency’s IAM role: only that role may send to its out-queue and receive from its in-queue. Queues are standard (not FIFO): delivery is at least once, so read replies idempotently by requestId.',
      variables: { region: { enum: [...t.regions], default: t.regions[0], description: 'The AWS region of the deployment.' } },
    },
    local: {
      host: new URL(t.localEndpoint).host,
      protocol: 'sqs',
      title: 'Local engine',
      description: 'The local engine of `npm start`: the same queues, any credentials.',
    },
  };
}

function queueBinding(t: ExportTransport, queue: string): Record<string, unknown> {
  const dlq = t.deadLetterQueue(queue);
  return {
    sqs: {
      queue: { name: queue, fifoQueue: false, redrivePolicy: { deadLetterQueue: { name: dlq }, maxReceiveCount: t.maxReceiveCount } },
      deadLetterQueue: { name: dlq, fifoQueue: false },
      bindingVersion: SQS_BINDING_VERSION,
    },
  };
}

/** A type name for code generators (they name models by the payload's title), e.g. LandParcelsByOwner_1_0_0_Request. */
export function modelName(x: { contract: ContractDefinition; version: VersionDefinition } | undefined, kind: 'Request' | 'Reply'): string {
  if (!x) return `Lookup${kind}`;
  const words = x.contract.id.split(/[.-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `${words.join('')}_${x.version.version.replaceAll('.', '_')}_${kind}`;
}

function message(name: string, title: string, summary: string, schema: JsonSchema, model: string): Record<string, unknown> {
  return {
    name,
    title,
    summary,
    contentType: 'application/json',
    correlationId: { $ref: '#/components/correlationIds/requestId' },
    payload: { $id: model, title: model, ...schema },
  };
}

const correlationIds = {
  requestId: {
    description: 'A reply carries the requestId of its request (null only when the request could not be read).',
    location: '$message.payload#/requestId',
  },
};

const OTHER_REPLY = message(
  'LookupReply',
  'Any other reply on this queue',
  'A reply to a lookup under another contract, or to a request that could not be read (requestId null, receivedMessageId set).',
  anyReplySchema('draft-7'),
  modelName(undefined, 'Reply'),
);

const READING = 'Read replies tolerantly: ignore properties you do not know.';

export function versionAsyncApi(contract: ContractDefinition, v: VersionDefinition, { lifecycle, transport: t }: ExportOptions): Record<string, unknown> {
  const at = `${contract.id}@${v.version}`;
  const agencyId = { enum: [...v.consumers], description: 'The consuming agency (a consumer of this version).' };
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${contract.title} (${at})`,
      version: v.version,
      description: [contract.description, lifecycleNote(lifecycle), `Lookups under ${at} over SQS. ${READING}`].join('\n\n'),
      license: DOCUMENT_LICENSE,
      'x-ndx-lifecycle': lifecycleExtension(lifecycle),
    },
    defaultContentType: 'application/json',
    servers: servers(t),
    channels: {
      out: {
        address: t.outQueue('{agencyId}'),
        title: 'The agency’s out-queue',
        description:
          'The agency’s lookups under every contract it uses; the queue is the caller’s identity (only its role may send), so the body names no sender.',
        parameters: { agencyId },
        messages: { LookupRequest: { $ref: '#/components/messages/LookupRequest' } },
        bindings: queueBinding(t, t.outQueue('{agencyId}')),
      },
      in: {
        address: t.inQueue('{agencyId}'),
        title: 'The agency’s in-queue',
        description: `One queue per agency for the replies to all its lookups, under every contract it uses: not only ${at}. Match a reply to its request by requestId.`,
        parameters: { agencyId },
        messages: { LookupReply: { $ref: '#/components/messages/LookupReply' }, OtherLookupReply: { $ref: '#/components/messages/OtherLookupReply' } },
        bindings: queueBinding(t, t.inQueue('{agencyId}')),
      },
    },
    operations: {
      sendLookup: {
        action: 'send',
        channel: { $ref: '#/channels/out' },
        title: `Look up under ${at}`,
        summary: 'Send a LookupRequest; exactly one LookupReply comes back on the in-queue.',
        messages: [{ $ref: '#/channels/out/messages/LookupRequest' }],
        reply: { channel: { $ref: '#/channels/in' }, messages: [{ $ref: '#/channels/in/messages/LookupReply' }] },
      },
      receiveReplies: {
        action: 'receive',
        channel: { $ref: '#/channels/in' },
        title: 'Receive replies',
        summary: `Replies to this agency's lookups. ${READING}`,
        messages: [{ $ref: '#/channels/in/messages/LookupReply' }, { $ref: '#/channels/in/messages/OtherLookupReply' }],
      },
    },
    components: {
      messages: {
        LookupRequest: message(
          'LookupRequest',
          `LookupRequest (${at})`,
          `A lookup under ${at}.`,
          requestSchema(contract, v, 'draft-7'),
          modelName({ contract, version: v }, 'Request'),
        ),
        LookupReply: message(
          'LookupReply',
          `LookupReply (${at})`,
          `The reply to a lookup under ${at}.`,
          replySchema(contract, v, 'draft-7', 'reader'),
          modelName({ contract, version: v }, 'Reply'),
        ),
        OtherLookupReply: OTHER_REPLY,
      },
      correlationIds,
    },
  };
}

/** A key for a contract version in component maps (`[A-Za-z0-9._-]+`). */
const keyOf = (x: AgencyVersion) => `${x.contract.id}.v${x.version.version}`;

/** An indicator message's payload, in AsyncAPI's default schema format (draft-07). */
function indicatorSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, target: 'draft-7' }) as JsonSchema & { $schema?: string };
  return json;
}

/**
 * One AsyncAPI document for a consuming agency: its queues with every lookup contract version it may use,
 * and, when it consumes indicators (`indicators`), the IndicatorRequest it may send on the same out-queue and
 * the IndicatorReply it gets on its in-queue.
 */
export function agencyAsyncApi(
  agencyId: string,
  versions: readonly AgencyVersion[],
  t: ExportTransport,
  indicators: readonly AgencyVersion[] = [],
): Record<string, unknown> {
  const out = t.outQueue(agencyId);
  const inbox = t.inQueue(agencyId);
  const listed = versions.map((x) => `- ${x.contract.id}@${x.version.version}: ${lifecycleNote(x.lifecycle)}`).join('\n');
  const messages: Record<string, unknown> = {};
  const outMessages: Record<string, unknown> = {};
  const inMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const x of versions) {
    const key = keyOf(x);
    const at = `${x.contract.id}@${x.version.version}`;
    messages[`${key}.request`] = message(
      'LookupRequest',
      `LookupRequest (${at})`,
      `A lookup under ${at}.`,
      requestSchema(x.contract, x.version, 'draft-7'),
      modelName(x, 'Request'),
    );
    messages[`${key}.reply`] = message(
      'LookupReply',
      `LookupReply (${at})`,
      `The reply to a lookup under ${at}.`,
      replySchema(x.contract, x.version, 'draft-7', 'reader'),
      modelName(x, 'Reply'),
    );
    outMessages[`${key}.request`] = { $ref: `#/components/messages/${key}.request` };
    inMessages[`${key}.reply`] = { $ref: `#/components/messages/${key}.reply` };
    operations[`lookup.${key}`] = {
      action: 'send',
      channel: { $ref: '#/channels/out' },
      title: `Look up under ${at}`,
      summary: `${x.contract.title}. ${lifecycleNote(x.lifecycle)}`,
      messages: [{ $ref: `#/channels/out/messages/${key}.request` }],
      reply: { channel: { $ref: '#/channels/in' }, messages: [{ $ref: `#/channels/in/messages/${key}.reply` }] },
    };
  }
  if (indicators.length) {
    const listedIndicators = indicators.map((x) => `${x.contract.id}@${x.version.version}`).join(', ');
    messages.IndicatorRequest = message(
      'IndicatorRequest',
      'IndicatorRequest',
      `An indicator for one period (kind "indicator"): ${listedIndicators}.`,
      indicatorSchema(IndicatorRequest, 'input'),
      'IndicatorRequest',
    );
    messages.IndicatorReply = message(
      'IndicatorReply',
      'IndicatorReply',
      'The reply to an indicator request: an SDMX-JSON data message in data, or CSV in csv; withheld cells carry CONF_STATUS and no number.',
      indicatorSchema(IndicatorReply, 'output'),
      'IndicatorReply',
    );
    outMessages.IndicatorRequest = { $ref: '#/components/messages/IndicatorRequest' };
    inMessages.IndicatorReply = { $ref: '#/components/messages/IndicatorReply' };
    operations.requestIndicator = {
      action: 'send',
      channel: { $ref: '#/channels/out' },
      title: 'Request an indicator',
      summary: `Counts over a registry for one period: ${listedIndicators}.`,
      messages: [{ $ref: '#/channels/out/messages/IndicatorRequest' }],
      reply: { channel: { $ref: '#/channels/in' }, messages: [{ $ref: '#/channels/in/messages/IndicatorReply' }] },
    };
  }
  messages.OtherLookupReply = message(
    'LookupReply',
    'Any other reply on this queue',
    'A reply to a request that could not be read (requestId null, receivedMessageId set), or that was refused before a contract version above answered (e.g. UNKNOWN_CONTRACT, NOT_A_CONSUMER, VERSION_RETIRED).',
    anyReplySchema('draft-7'),
    modelName(undefined, 'Reply'),
  );
  inMessages.OtherLookupReply = { $ref: '#/components/messages/OtherLookupReply' };
  operations.receiveReplies = {
    action: 'receive',
    channel: { $ref: '#/channels/in' },
    title: 'Receive replies',
    summary: `Every reply to this agency's lookups. ${READING}`,
    messages: Object.keys(inMessages).map((k) => ({ $ref: `#/channels/in/messages/${k}` })),
  };
  const fingerprint = createHash('sha256')
    .update(versions.map((x) => `${x.contract.id}@${x.version.version}:${x.lifecycle.status}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return {
    asyncapi: '3.0.0',
    info: {
      title: `ndx lookups of ${agencyId}`,
      version: `catalogue-${fingerprint}`,
      description: [
        `The queues of agency ${agencyId} and every contract version it may use (active or deprecated), over SQS. ${READING}`,
        listed || 'No contract version it may use answers now.',
      ].join('\n\n'),
      license: DOCUMENT_LICENSE,
    },
    defaultContentType: 'application/json',
    servers: servers(t),
    channels: {
      out: {
        address: out,
        title: `${agencyId}’s out-queue`,
        description: 'Lookups under every contract; the queue is the caller’s identity (only the agency’s role may send).',
        messages: outMessages,
        bindings: queueBinding(t, out),
      },
      in: {
        address: inbox,
        title: `${agencyId}’s in-queue`,
        description: 'The replies to all the agency’s lookups, under every contract. Match a reply to its request by requestId.',
        messages: inMessages,
        bindings: queueBinding(t, inbox),
      },
    },
    operations,
    components: { messages, correlationIds },
  };
}
