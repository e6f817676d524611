/**
 * Ending a lookup: write its audit record, then send its one reply to the caller's reply queue, or,
 * for a caller waiting over HTTP, seal it into the caller's mailbox slot (mailbox.ts).
 * The audit write is conditional and the reply is sent inside an idempotent step, so retries after
 * a failure between the two neither duplicate the record nor lose the reply.
 */
import type { LookupReply } from '../../contracts/protocol.ts';
import { names } from '../../config/names.ts';
import type { AuditEntry, Reservation } from '../audit/records.ts';
import type { Mailbox, ReplyRoute } from './mailbox.ts';

/** The two things ending a lookup needs (aws/audit-log.ts and aws/queues.ts). */
export interface Responder {
  audit: { append(entry: AuditEntry, reserved?: Promise<Reservation>): Promise<{ auditId: string }> };
  queues: { sendJson(queueName: string, body: unknown): Promise<unknown> };
  /** Where replies with a reply route go; needed only by stages that answer HTTP callers. */
  mailbox?: Mailbox;
}

/** Sends a reply to where its caller waits: the route when there is one, else the agency's in-queue. */
export async function deliver(deps: Pick<Responder, 'queues' | 'mailbox'>, consumer: string, reply: LookupReply, route?: ReplyRoute): Promise<void> {
  if (!route) {
    await deps.queues.sendJson(names.agencyInQueue(consumer), reply);
    return;
  }
  if (!deps.mailbox) throw new Error('a reply has a reply route but this stage has no mailbox');
  await deps.mailbox.deliver(route, consumer, reply);
}

/** `reserved`: the audit marker, when the caller wrote it ahead (AuditLog.reserve) with the entry's `at`. */
export async function respond(
  deps: Responder,
  entry: AuditEntry,
  build: (auditId: string) => LookupReply,
  reserved?: Promise<Reservation>,
  route?: ReplyRoute,
): Promise<{ reply: LookupReply; auditId: string }> {
  const { auditId } = await deps.audit.append(entry, reserved);
  const reply = build(auditId);
  await deliver(deps, entry.consumer, reply, route);
  return { reply, auditId };
}
