/**
 * Lookups over HTTP, through the router's own pipeline (route.ts, intake.ts): the request is read by
 * the same envelope, keyed, routed once per (agency, requestId) with the resend protocol, and answered
 * by the router or the registry's adapter, which seal the reply to the request's reply route
 * (mailbox.ts). The caller waits a bounded time for it, or gets 202 with where and how to read it.
 * The reply is the LookupReply the queue would have carried, field for field; only the HTTP status
 * says, in addition, what kind of answer it is.
 */
import {
  BatchRequest,
  type BatchResult,
  LOOKUP_WAIT,
  type LookupAccepted,
  MAX_BATCH,
  MAX_HTTP_BODY_BYTES,
  POLL_AFTER_SECONDS,
  REPLY_KEY_HEADER,
  type WebhookAccepted,
} from '../../contracts/http-api.ts';
import type { Code, LookupReply } from '../../contracts/protocol.ts';
import { readEnvelope } from '../lookup/envelope.ts';
import { type KeyedRouteInput, type OnceStep, routeKey, takeIn } from '../lookup/intake.ts';
import { type MailboxItem, newReplyKey, openReply, ReplyKey, type ReplyRoute, routeOf } from '../lookup/mailbox.ts';
import { requestDigest } from '../lookup/resend.ts';
import type { LookupRouter } from '../lookup/route.ts';
import { type HttpRequest, type HttpResponse, json, problem } from './http.ts';

export interface HttpLookupPorts {
  router: LookupRouter;
  /** Whether the agency's replies are pushed to a webhook (ndx.config.ts). */
  hasWebhook(consumer: string): boolean;
  once: OnceStep & { isInProgress(error: unknown): boolean };
  pepper(): Promise<string>;
  mailbox: {
    open(route: ReplyRoute, consumer: string, requestId: string | null): Promise<void>;
    read(consumer: string, route: ReplyRoute): Promise<MailboxItem | undefined>;
    waitFor(consumer: string, route: ReplyRoute, waitMs: number): Promise<MailboxItem | undefined>;
  };
  /** Seconds until the agency's rate-limit window opens again (aws/rate-limit.ts). */
  rateLimitRetryAfter(): number;
  now(): Date;
}

/** The HTTP status of a reply: 200 for any answer, 400 for a body that is not a LookupRequest, 413 too large, 429 over the rate limit. */
export function httpStatusOf(code: Code): 200 | 400 | 413 | 429 {
  switch (code) {
    case 'MALFORMED_MESSAGE':
    case 'SCHEMA_VIOLATION':
      return 400;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    default:
      return 200;
  }
}

/** Seconds to wait, from `Prefer: wait=N` (RFC 7240) or `?wait=N`: the default when absent, an error beyond the maximum. */
export function waitOf(req: HttpRequest, fallback: number): number | { error: string } {
  const prefer = /(?:^|[,;\s])wait=(\d+)/.exec(req.headers.prefer ?? '')?.[1];
  const given = req.query.wait ?? prefer;
  if (given === undefined) return fallback;
  if (!/^\d{1,4}$/.test(given)) return { error: `wait must be a whole number of seconds, 0 to ${LOOKUP_WAIT.maxSeconds}` };
  const seconds = Number(given);
  if (seconds > LOOKUP_WAIT.maxSeconds) return { error: `wait may be at most ${LOOKUP_WAIT.maxSeconds} seconds` };
  return seconds;
}

const locationOf = (requestId: string) => `/v1/lookups/${requestId}`;

export function httpLookups(ports: HttpLookupPorts) {
  function replied(reply: LookupReply): HttpResponse {
    const status = httpStatusOf(reply.code);
    return json(status, reply, {
      ...(reply.requestId ? { 'content-location': locationOf(reply.requestId) } : {}),
      ...(status === 429 ? { 'retry-after': String(ports.rateLimitRetryAfter()) } : {}),
    });
  }

  function answerFrom(item: MailboxItem | undefined, capability: string, consumer: string): HttpResponse {
    if (!item)
      return problem(
        404,
        'NOT_FOUND',
        'no lookup of this agency with this requestId and reply key (a reply is kept for an hour): resend the request with the same requestId and body',
      );
    if (item.state === 'sealed') {
      const reply = openReply(item.sealed, capability, consumer);
      return reply ? replied(reply) : problem(500, 'INTERNAL', 'the reply could not be opened');
    }
    if (!item.requestId) return problem(500, 'INTERNAL', 'an unreadable request was not answered');
    const accepted: LookupAccepted = {
      requestId: item.requestId,
      location: locationOf(item.requestId),
      replyKey: capability,
      retryAfterSeconds: POLL_AFTER_SECONDS,
    };
    return json(202, accepted, { location: accepted.location, 'retry-after': String(POLL_AFTER_SECONDS), [REPLY_KEY_HEADER]: capability });
  }

  /** One request as POSTed alone: read, keyed, routed once, then waited for (up to `wait` seconds). */
  /** Routes a request once (the router's step, with the resend protocol); false when its requestId is in progress elsewhere. */
  async function route(consumer: string, body: string, messageId: string, envelope: ReturnType<typeof readEnvelope>, replyTo?: ReplyRoute): Promise<boolean> {
    const requestId = envelope.ok ? envelope.request.requestId : envelope.requestId;
    const input: KeyedRouteInput = {
      key: routeKey(consumer, requestId, messageId),
      digest: requestDigest(await ports.pepper(), envelope.ok ? envelope.request : undefined, body),
      consumer,
      envelope,
      messageId,
      receivedAt: ports.now().toISOString(),
      // No redelivery over HTTP: a failure is told to the caller (503), who resends under the resend protocol.
      finalAttempt: false,
      ...(replyTo ? { replyTo } : {}),
    };
    try {
      await takeIn(ports.router, ports.once, input);
      return true;
    } catch (error) {
      if (ports.once.isInProgress(error)) return false;
      throw error;
    }
  }

  const inProgress = () =>
    problem(409, 'IN_PROGRESS', 'a request with this requestId is being handled: resend it with the same body shortly', {
      'retry-after': String(POLL_AFTER_SECONDS),
    });

  /** One request as POSTed alone: read, keyed, routed once, then waited for (up to `wait` seconds), or pushed to the agency's webhook. */
  async function takeOne(consumer: string, body: string, messageId: string, wait: number, push = false): Promise<HttpResponse> {
    const envelope = readEnvelope(body);
    if (push && envelope.ok) {
      // No reply route: the reply goes to the agency's in-queue, which ndx-webhook pushes to its system.
      if (!(await route(consumer, body, messageId, envelope))) return inProgress();
      const accepted: WebhookAccepted = { requestId: envelope.request.requestId, delivery: 'webhook' };
      return json(202, accepted);
    }
    const requestId = envelope.ok ? envelope.request.requestId : envelope.requestId;
    const { route: replyTo, capability } = newReplyKey();
    await ports.mailbox.open(replyTo, consumer, requestId);
    if (!(await route(consumer, body, messageId, envelope, replyTo))) return inProgress();
    return answerFrom(await ports.mailbox.waitFor(consumer, replyTo, wait * 1000), capability, consumer);
  }

  return {
    /** POST /v1/lookups */
    async submit(consumer: string, req: HttpRequest): Promise<HttpResponse> {
      // Stryker disable next-line StringLiteral: an empty encoding is UTF-8 to Node (Buffer.byteLength), so the bytes are the same
      if (Buffer.byteLength(req.body, 'utf8') > MAX_HTTP_BODY_BYTES)
        return problem(413, 'BODY_TOO_LARGE', `a request is at most 16 KiB; bodies over ${MAX_HTTP_BODY_BYTES} bytes are not read`);
      const wait = waitOf(req, LOOKUP_WAIT.defaultSeconds);
      if (typeof wait !== 'number') return problem(400, 'BAD_PARAMETER', wait.error);
      // `Prefer: respond-async` from an agency with a webhook: the reply is pushed, not waited for.
      const push = /(^|[,;\s])respond-async($|[,;\s])/.test(req.headers.prefer ?? '') && ports.hasWebhook(consumer);
      return takeOne(consumer, req.body, req.requestId, wait, push);
    },

    /** POST /v1/lookups/batch: each request as if POSTed alone, all at once, collected in the order sent. */
    async batch(consumer: string, req: HttpRequest): Promise<HttpResponse> {
      if (Buffer.byteLength(req.body, 'utf8') > MAX_HTTP_BODY_BYTES) return problem(413, 'BODY_TOO_LARGE', `a batch is at most ${MAX_HTTP_BODY_BYTES} bytes`);
      const wait = waitOf(req, LOOKUP_WAIT.defaultSeconds);
      if (typeof wait !== 'number') return problem(400, 'BAD_PARAMETER', wait.error);
      let parsed: ReturnType<typeof BatchRequest.safeParse>;
      try {
        parsed = BatchRequest.safeParse(JSON.parse(req.body));
      } catch {
        parsed = BatchRequest.safeParse(undefined);
      }
      if (!parsed.success) return problem(400, 'BAD_PARAMETER', `send {"requests": [...]} with 1 to ${MAX_BATCH} LookupRequests`);
      const results: BatchResult['results'] = await Promise.all(
        parsed.data.requests.map(async (request, i) => {
          const one = await takeOne(consumer, JSON.stringify(request), `${req.requestId}:${i}`, wait);
          const retry = one.headers['retry-after'];
          return { status: one.status, body: JSON.parse(one.body) as unknown, ...(retry ? { retryAfterSeconds: Number(retry) } : {}) };
        }),
      );
      return json(200, { results });
    },

    /** GET /v1/lookups/{requestId} */
    async poll(consumer: string, requestId: string, req: HttpRequest): Promise<HttpResponse> {
      const capability = ReplyKey.safeParse(req.headers[REPLY_KEY_HEADER]);
      if (!capability.success) return problem(400, 'BAD_PARAMETER', 'send the replyKey the POST returned as the Ndx-Reply-Key header');
      const wait = waitOf(req, 0);
      if (typeof wait !== 'number') return problem(400, 'BAD_PARAMETER', wait.error);
      let route: ReplyRoute;
      try {
        route = routeOf(capability.data);
      } catch {
        return problem(400, 'BAD_PARAMETER', 'the Ndx-Reply-Key is not a reply key');
      }
      const item = wait > 0 ? await ports.mailbox.waitFor(consumer, route, wait * 1000) : await ports.mailbox.read(consumer, route);
      return answerFrom(item?.requestId === requestId ? item : undefined, capability.data, consumer);
    },
  };
}
