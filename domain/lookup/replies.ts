/** Building LookupReplies. Messages are fixed texts per code: they never echo request values. */
import { statusOf, type Code, type LookupReply } from '../../contracts/protocol.ts';

const MESSAGES: Record<Code, string> = {
  OK: 'The record was found; data carries the fields of the contract version.',
  SUBJECT_NOT_FOUND: 'No record matches the subject in this registry.',
  PERIOD_NOT_AVAILABLE: 'The indicator has not been computed for this period; ask for a period it has (ndx indicator show).',
  MALFORMED_MESSAGE: 'The message body is not valid JSON. Send a LookupRequest as a JSON object.',
  SCHEMA_VIOLATION: 'The request does not match the LookupRequest schema or the contract’s subject schema; see issues.',
  PAYLOAD_TOO_LARGE: 'The request is larger than ndx accepts; a LookupRequest fits in 16 KiB.',
  UNKNOWN_CONTRACT: 'No contract has this id. Run `ndx contract list` to see the catalogue.',
  UNKNOWN_VERSION: 'The contract has no version matching the pin.',
  REQUEST_ID_REUSED:
    'This requestId was already used for a different request. A resend must repeat the first request exactly; for another lookup (or a corrected request) use a new requestId.',
  NOT_A_CONSUMER: 'Your agency is not a consumer of this contract version.',
  CONTRACT_NOT_ACTIVE: 'This contract version is not active yet.',
  VERSION_RETIRED: 'This contract version is retired; move to a newer major.',
  PURPOSE_NOT_ALLOWED: 'The purpose is not allowed for your agency under this contract or consent.',
  CONSENT_REQUIRED: 'This lookup needs the citizen’s consent for your agency, this contract and purpose; send its consentId.',
  CONSENT_REVOKED: 'The citizen has revoked this consent.',
  CONSENT_EXPIRED: 'This consent has expired; ask the citizen for a new one.',
  CONSENT_PAUSED: 'The citizen has paused this consent.',
  CONSENT_LIMIT_REACHED: 'This consent’s use limit (total or per period) is reached; ask the citizen for a new consent or wait for the next period.',
  RATE_LIMITED: 'Your agency exceeded the contract’s rate limit; retry later.',
  REGISTRY_UNAVAILABLE: 'The registry did not answer after retries; send a new request later.',
  INTERNAL: 'ndx failed to process the request; operators have been alerted.',
  ALREADY_ANSWERED:
    'This request was answered before; `original` says how and when. Its reply cannot be sent again as it was (ndx keeps no copy, and what it would send now differs): to read the record again, send a new request with a new requestId (a new, audited access).',
};

export function messageFor(code: Code): string {
  return MESSAGES[code];
}

export type ReplyFields = Omit<LookupReply, 'status' | 'code' | 'message' | 'repliedAt'>;

export function reply(code: Code, fields: ReplyFields, now: Date = new Date()): LookupReply {
  return { ...fields, status: statusOf(code), code, message: messageFor(code), repliedAt: now.toISOString() };
}
