/** `ndx lookup`: send one LookupRequest as an agency and print the reply. Every option is checked before anything is sent. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { LookupRequest } from '../contracts/protocol.ts';
import { sqsClient } from '../aws/clients.ts';
import config from '../ndx.config.ts';
import { AgencyClient, NoReplyError } from './agency-client.ts';
import { platformAction } from './context.ts';
import { ExitError, UsageError } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { formatReply } from './format.ts';
import { agencyOf, seconds, wholeNumber } from './options.ts';
import { spinner } from './progress.ts';

interface LookupOptions {
  as: string;
  contract: string;
  version: string;
  purpose: string;
  subject: string[];
  consent?: string;
  onBehalfOf?: string;
  requestId?: string;
  pageSize?: string;
  pageToken?: string;
  timeout: string;
  wait: boolean;
}

/** `nationalId=001...` pairs to a subject object. */
export function parseSubject(pairs: readonly string[]): Record<string, string> {
  const subject: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--subject takes key=value, e.g. --subject nationalId=001203004567 (got "${pair}")`);
    subject[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return subject;
}

/** The request the options describe, and the wait: checked whole before anything is sent. */
export function lookupOf(options: LookupOptions): { agency: string; request: LookupRequest; timeoutMs: number } {
  const agency = agencyOf(config, options.as);
  const timeoutMs = seconds(options.timeout, '--timeout') * 1000;
  const subject = parseSubject(options.subject);
  if (Object.keys(subject).length === 0) throw new UsageError('give at least one --subject key=value');
  const size = options.pageSize === undefined ? undefined : wholeNumber(options.pageSize, '--page-size');
  const candidate = {
    requestId: options.requestId ?? randomUUID(),
    contract: options.contract,
    version: options.version,
    purpose: options.purpose,
    subject,
    ...(options.consent ? { consentId: options.consent } : {}),
    ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
    ...(size !== undefined || options.pageToken
      ? { page: { ...(size !== undefined ? { size } : {}), ...(options.pageToken ? { token: options.pageToken } : {}) } }
      : {}),
  };
  const checked = LookupRequest.safeParse(candidate);
  if (!checked.success) {
    throw new UsageError(`the request is not valid: ${checked.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  }
  return { agency, request: checked.data, timeoutMs };
}

export function registerLookup(program: Command): void {
  program
    .command('lookup')
    .description('send a lookup as an agency and print the reply (exit code: 0 OK, 3 NOT_FOUND, 4 DENIED, 5 INVALID, 6 ERROR, 7 no reply)')
    .requiredOption('--as <agency>', 'the agency sending the lookup (its queues are used)')
    .requiredOption('--contract <id>', 'contract id, e.g. population.identity-verification')
    .option('--version <pin>', 'major version (e.g. 1) or exact version (e.g. 1.0.0)', '1')
    .requiredOption('--purpose <code>', 'purpose code the contract allows, e.g. LAND_REGISTRATION')
    .option('--subject <key=value>', 'subject key, repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--consent <id>', 'consent id, when the lookup rests on the citizen’s consent')
    .option('--on-behalf-of <ref>', 'officer or case reference, kept in the audit trail')
    .option('--page-size <n>', 'list contracts: items per page (the contract sets the default and the maximum)')
    .option('--page-token <token>', 'list contracts: the nextPageToken of the previous reply, for the next page')
    .option('--request-id <uuid>', 'request id (default: a new UUID); resending the same id returns the same reply')
    .option('--timeout <seconds>', 'how long to wait for the reply (above 0, at most 3600)', '30')
    .option('--no-wait', 'send and print the request id without waiting')
    .action(
      platformAction(async (ctx, options: LookupOptions) => {
        const { agency, request, timeoutMs } = lookupOf(options); // before anything is sent
        const client = new AgencyClient(sqsClient(), agency);
        const messageId = await client.send(request);
        if (!options.wait) {
          console.log(ctx.json ? JSON.stringify({ requestId: request.requestId, messageId }) : `sent ${request.requestId}`);
          return;
        }
        const spin = spinner(`waiting for the reply on ndx-agency-${agency}-in`, !ctx.json);
        try {
          const reply = await client.awaitReply({ requestId: request.requestId }, timeoutMs, spin.tick);
          spin.stop();
          console.log(ctx.json ? JSON.stringify(reply, null, 2) : formatReply(reply, process.stdout.isTTY));
          process.exitCode = exitCodeFor(reply.status);
        } catch (error) {
          spin.stop();
          if (!(error instanceof NoReplyError)) throw error;
          throw new ExitError(
            `${error.message} for request ${request.requestId}. The request is queued; check \`ndx ops status\` or wait and resend the same --request-id.`,
            EXIT.NO_REPLY,
          );
        }
      }),
    );
}
