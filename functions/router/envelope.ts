/** Reading a LookupRequest off the wire: size, JSON, schema. Pure. */
import * as z from 'zod';
import { LookupRequest, MAX_REQUEST_BYTES } from '../../contracts/protocol.ts';

export interface Issue {
  path: string;
  message: string;
}

export type Envelope =
  | { ok: true; request: LookupRequest }
  | { ok: false; code: 'PAYLOAD_TOO_LARGE' | 'MALFORMED_MESSAGE' | 'SCHEMA_VIOLATION'; requestId: string | null; issues: Issue[] };

const RequestIdOnly = z.object({ requestId: z.uuid() });

/** Zod issues as paths and rules; input values are never copied into them. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
}

export function readEnvelope(body: string, maxBytes: number = MAX_REQUEST_BYTES): Envelope {
  let json: unknown;
  let parsedOk = true;
  try {
    json = JSON.parse(body);
  } catch {
    parsedOk = false;
  }
  const requestId = parsedOk ? (RequestIdOnly.safeParse(json).data?.requestId ?? null) : null;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) {
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', requestId, issues: [{ path: '(root)', message: `${bytes} bytes; the limit is ${maxBytes}` }] };
  }
  if (!parsedOk || json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, code: 'MALFORMED_MESSAGE', requestId: null, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  }
  const parsed = LookupRequest.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'SCHEMA_VIOLATION', requestId, issues: toIssues(parsed.error) };
  return { ok: true, request: parsed.data };
}
