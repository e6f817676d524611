/**
 * Ending a lookup: write its audit record, then send its one reply to the caller's reply queue.
 * The audit write is conditional and the reply is sent inside an idempotent step, so retries after
 * a failure between the two neither duplicate the record nor lose the reply.
 */
import type { LookupReply } from '../../contracts/protocol.ts';
import { names } from '../../config/names.ts';
import type { AuditEntry, Reservation } from '../audit/records.ts';

/** The two things ending a lookup needs (aws/audit-log.ts and aws/queues.ts). */
export interface Responder {
  audit: { append(entry: AuditEntry, reserved?: Promise<Reservation>): Promise<{ auditId: string }> };
  queues: { sendJson(queueName: string, body: unknown): Promise<unknown> };
}

/** `reserved`: the audit marker, when the caller wrote it ahead (AuditLog.reserve) with the entry's `at`. */
export async function respond(
  deps: Responder,
  entry: AuditEntry,
  build: (auditId: string) => LookupReply,
  reserved?: Promise<Reservation>,
): Promise<{ reply: LookupReply; auditId: string }> {
  const { auditId } = await deps.audit.append(entry, reserved);
  const reply = build(auditId);
  await deps.queues.sendJson(names.agencyInQueue(entry.consumer), reply);
  return { reply, auditId };
}
