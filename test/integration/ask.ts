/** Many lookups in flight from tests: one reply inbox per agency, a request id per call. */
import { randomUUID } from 'node:crypto';
import type { LookupReply, LookupRequestInput } from '../../contracts/protocol.ts';
import { AgencyClient, ReplyInbox } from '../../cli/agency-client.ts';
import { sqsClient } from '../../aws/clients.ts';

export type Ask = (
  agency: string,
  request: Omit<LookupRequestInput, 'requestId'> & { requestId?: string },
  timeoutMs?: number,
) => Promise<LookupReply & { requestId: string }>;

export function asker(): { ask: Ask; stop: () => Promise<void> } {
  const inboxes = new Map<string, ReplyInbox>();
  return {
    async ask(agency, request, timeoutMs = 30_000) {
      let inbox = inboxes.get(agency);
      if (!inbox) {
        inbox = new ReplyInbox(sqsClient(), agency);
        inboxes.set(agency, inbox);
      }
      const full = { requestId: randomUUID(), version: '1', ...request };
      const waiting = inbox.wait(full.requestId, timeoutMs);
      await new AgencyClient(sqsClient(), agency).send(full);
      return (await waiting) as LookupReply & { requestId: string };
    },
    stop: async () => {
      await Promise.all([...inboxes.values()].map((i) => i.stop()));
    },
  };
}
