/**
 * Indicator requests over HTTP (POST /v1/indicators): the same service and intake as on the queue
 * (domain/indicators/service.ts), answered synchronously — an aggregate is read and protected in the
 * API function itself, no registry is asked. The body is the IndicatorReply the queue would carry;
 * with `Accept: text/csv` and a CSV request, an OK reply's CSV is the body itself.
 */
import { MAX_HTTP_BODY_BYTES } from '../../contracts/http-api.ts';
import type { IndicatorReply } from '../../contracts/indicators/protocol.ts';
import { type IndicatorOnce, indicatorInput, type indicatorIntake } from '../indicators/service.ts';
import { type HttpRequest, type HttpResponse, json, problem, SECURITY_HEADERS } from './http.ts';
import { httpStatusOf } from './lookups.ts';

export interface HttpIndicatorPorts {
  intake: ReturnType<typeof indicatorIntake>;
  once: IndicatorOnce & { isInProgress(error: unknown): boolean };
  pepper(): Promise<string>;
  rateLimitRetryAfter(): number;
  now(): Date;
}

export function httpIndicators(ports: HttpIndicatorPorts) {
  function replied(reply: IndicatorReply, req: HttpRequest): HttpResponse {
    const status = httpStatusOf(reply.code);
    const retry: Record<string, string> = status === 429 ? { 'retry-after': String(ports.rateLimitRetryAfter()) } : {};
    if (reply.code === 'OK' && reply.csv !== undefined && /\btext\/csv\b/i.test(req.headers.accept ?? '')) {
      return {
        status,
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/csv; charset=utf-8; header=present', 'ndx-audit-id': reply.provenance?.auditId ?? '' },
        body: reply.csv,
      };
    }
    return json(status, reply, retry);
  }

  return {
    async submit(consumer: string, req: HttpRequest): Promise<HttpResponse> {
      if (Buffer.byteLength(req.body, 'utf8') > MAX_HTTP_BODY_BYTES)
        return problem(413, 'BODY_TOO_LARGE', `a request is at most 16 KiB; bodies over ${MAX_HTTP_BODY_BYTES} bytes are not read`);
      const input = indicatorInput(await ports.pepper(), { consumer, body: req.body, messageId: req.requestId, receivedAt: ports.now().toISOString() });
      let reply: IndicatorReply | undefined;
      try {
        reply = await ports.intake.take(ports.once, input);
      } catch (error) {
        if (ports.once.isInProgress(error))
          return problem(409, 'IN_PROGRESS', 'a request with this requestId is being handled: resend it with the same body shortly', { 'retry-after': '1' });
        throw error;
      }
      if (!reply) return problem(503, 'UNAVAILABLE', 'the request was not answered: resend it (same requestId and body)', { 'retry-after': '1' });
      return replied(reply, req);
    },
  };
}
