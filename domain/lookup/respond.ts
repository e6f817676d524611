/**
 * Ending a lookup: write its audit record, then send its one reply to the caller's reply queue.
 * The audit write is conditional and the reply is sent inside an idempotent step, so retries after
 * a failure between the two neither duplicate the record nor lose the reply.
 */
import type { LookupReply } from '../../contracts/protocol.ts';
import type { AuditEntry, AuditLog, Reservation } from '../../aws/audit-log.ts';
import { names } from '../../config/names.ts';
import type { Queues } from '../../aws/queues.ts';

export interface Responder {
  audit: AuditLog;
  queues: Queues;
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

/** How many times SQS has delivered this record, from its system attributes. */
export function receiveCount(record: { attributes: { ApproximateReceiveCount?: string } }): number {
  return Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
}
