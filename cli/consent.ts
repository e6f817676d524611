/**
 * `ndx consent ...`: the portal side of consent. Grant (signed terms, computed from the contract
 * version), pause, resume, revoke, list a person's consents, show one. Every change is audited.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AuditLog, auditShards } from '../aws/audit-log.ts';
import { sha256Hex } from '../contracts/canonical.ts';
import { documentClient } from '../aws/clients.ts';
import { effectiveStatus, USE_PERIODS, verifyConsentSignature, type ConsentRecord, type UseLimits, type UsePeriod } from '../domain/consent/consent.ts';
import { ConsentStore } from '../aws/consent-store.ts';
import { ConsentNotFoundError, ConsentService, type ConsentChange } from '../domain/consent/service.ts';
import { ContractRegistry } from '../aws/contract-registry.ts';
import { names } from '../config/names.ts';
import { platformAction, type CommandContext } from './context.ts';
import { NotFoundError } from './errors.ts';
import { hasher, signingKey, subjectHashOf, subjectOf } from './platform-keys.ts';
import { agencyOf } from './options.ts';
import config from '../ndx.config.ts';
import { UsageError } from './errors.ts';
import { parseInstant, shortTime } from './when.ts';

const repeat = (v: string, prev: string[]) => [...prev, v];

interface GrantOptions {
  subject: string[];
  agency: string;
  contract: string;
  purpose: string[];
  validFrom?: string;
  validUntil?: string;
  maxUses?: string;
  per?: string;
  noticeUri?: string;
  noticeVersion: string;
  noticeLanguage: string;
  noticeHash?: string;
  noticeFile?: string;
  method: string;
  evidence: string;
  by?: string;
  id?: string;
  replaces?: string;
}

interface ChangeOptions {
  by?: string;
  reason?: string;
}

async function service(withKey: boolean): Promise<ConsentService> {
  const doc = documentClient();
  return new ConsentService({
    store: new ConsentStore(doc, names.consentTable, withKey ? await signingKey() : undefined),
    audit: new AuditLog(doc, names.auditTable, { shards: auditShards(process.env) }),
    ...(withKey ? { grants: { contracts: new ContractRegistry(doc, names.contractTable), hashSubject: await hasher() } } : {}),
  });
}

/** `5/day`, `2/week`, `10/month`. */
export function parseLimits(maxUses: string | undefined, per: string | undefined): UseLimits | undefined {
  const limits: { maxUses?: number; perPeriod?: { uses: number; period: UsePeriod } } = {};
  if (maxUses !== undefined) {
    const n = Number(maxUses);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-uses takes a positive whole number, got "${maxUses}"`);
    limits.maxUses = n;
  }
  if (per !== undefined) {
    const m = /^(\d+)\/(\w+)$/.exec(per);
    const period = m?.[2] as UsePeriod | undefined;
    if (!m || !period || !USE_PERIODS.includes(period) || Number(m[1]) < 1) {
      throw new UsageError(`--per takes uses/period with period ${USE_PERIODS.join(', ')}, e.g. --per 5/day (got "${per}")`);
    }
    limits.perPeriod = { uses: Number(m[1]), period };
  }
  return limits.maxUses !== undefined || limits.perPeriod ? limits : undefined;
}

function limitsText(c: ConsentRecord): string {
  const parts: string[] = [];
  if (c.limits?.maxUses !== undefined) parts.push(`${c.useCount ?? 0} of ${c.limits.maxUses} uses`);
  if (c.limits?.perPeriod) {
    const p = c.limits.perPeriod;
    parts.push(`at most ${p.uses} per ${p.period}${c.periodKey ? ` (${c.periodCount ?? 0} in ${c.periodKey})` : ''}`);
  }
  return parts.length ? parts.join('; ') : `no limit (${c.useCount ?? 0} uses counted)`;
}

export function formatConsent(c: ConsentRecord, now: Date, signature?: boolean): string {
  const status = effectiveStatus(c, now);
  const lines = [
    `${c.consentId}  ${status}${status !== c.status ? ` (stored ${c.status})` : ''}`,
    `  agency      ${c.consumer}`,
    `  contract    ${c.contract}@${c.major}`,
    `  purposes    ${c.purposes.join(', ')}`,
    `  categories  ${c.categories.join(', ')}`,
    `  valid       ${shortTime(c.validFrom)} to ${shortTime(c.validUntil)}`,
    `  limits      ${limitsText(c)}`,
    `  notice      ${c.notice.uri} v${c.notice.version} (${c.notice.language}) ${c.notice.hash}`,
    `  collected   ${c.collection.method}: ${c.collection.evidence}`,
    ...(c.replaces ? [`  replaces    ${c.replaces}`] : []),
    `  signature   ${signature === undefined ? `${c.signature ? c.signature.alg : 'none'}` : signature ? `${c.signature?.alg ?? 'hmac'} verified: the terms are as granted` : 'DOES NOT VERIFY: the terms were changed after they were granted; the consent is void'}`,
    '  events',
    ...c.events.map((e) => `    ${shortTime(e.at)}  ${e.type.padEnd(8)} by ${e.by}${e.reason ? ` — ${e.reason}` : ''}`),
  ];
  return lines.join('\n');
}

function consentJson(c: ConsentRecord, now: Date, signature?: boolean): Record<string, unknown> {
  return { ...c, effectiveStatus: effectiveStatus(c, now), ...(signature === undefined ? {} : { signatureVerified: signature }) };
}

/** Errors of the consent API as exit codes (cli/errors.ts): not found 3, refused 8, wrong terms or subject 2; not found says where to look. */
async function consentErrors(_ctx: CommandContext, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConsentNotFoundError)
      throw new NotFoundError(`${error.message}. \`ndx consent list --subject nationalId=...\` lists a person's consents.`);
    throw error;
  }
}

export function registerConsent(program: Command): void {
  const consent = program.command('consent').description('citizens’ consents: grant, pause, resume, revoke, list, show (every change is audited)');

  consent
    .command('grant')
    .description('record a citizen’s consent: signed terms for one agency, contract major and purposes')
    .option('--subject <key=value>', 'the citizen, e.g. nationalId=001203004567 (repeatable for multi-part keys)', repeat, [] as string[])
    .requiredOption('--agency <id>', 'the consuming agency the consent is given to')
    .requiredOption('--contract <id[@major]>', 'the contract, e.g. population.residence@1 (major defaults to the newest active)')
    .option('--purpose <code>', 'a purpose the citizen consents to (repeatable)', repeat, [] as string[])
    .option('--valid-from <date>', 'start of validity (default: now)')
    .option('--valid-until <date>', 'end of validity; a bare day includes that whole day (default: one year from now)')
    .option('--max-uses <n>', 'use limit: at most n lookups in all')
    .option('--per <n/period>', 'use limit: at most n lookups per day, week or month (UTC), e.g. 5/day')
    .option('--notice-uri <uri>', 'where the notice shown to the citizen is published (default: the portal’s notice for the contract)')
    .option('--notice-version <v>', 'version of the notice', '1')
    .option('--notice-language <lang>', 'language of the notice', 'vi')
    .option('--notice-hash <digest>', 'digest of the notice text, e.g. sha256:<hex>')
    .option('--notice-file <path>', 'the notice text; its sha256 becomes the notice hash')
    .option('--method <method>', 'how consent was collected', 'public-service-portal')
    .requiredOption('--evidence <ref>', 'what proves it, e.g. the portal case number')
    .option('--by <who>', 'who records the grant (default: NDX_OPERATOR)')
    .option('--id <consentId>', 'the consent id (default: cns-<uuid>)')
    .option('--replaces <consentId>', 'a consent of the same person, agency and contract that these new terms replace (it is revoked)')
    .action(
      platformAction(async (ctx, options: GrantOptions) =>
        consentErrors(ctx, async () => {
          const subject = subjectOf(options.subject);
          if (options.purpose.length === 0) throw new UsageError('name at least one --purpose the citizen consents to');
          const by = ctx.actor(options.by);
          const limits = parseLimits(options.maxUses, options.per);
          const noticeHash = options.noticeFile ? `sha256:${sha256Hex(readFileSync(options.noticeFile, 'utf8'))}` : options.noticeHash;
          const svc = await service(true);
          const now = new Date();
          const { record, scope } = await svc.grantFor(
            {
              subject,
              consumer: agencyOf(config, options.agency, '--agency'),
              contract: options.contract,
              purposes: options.purpose,
              ...(options.validFrom ? { validFrom: parseInstant(options.validFrom, '--valid-from') } : {}),
              ...(options.validUntil ? { validUntil: parseInstant(options.validUntil, '--valid-until', true) } : {}),
              ...(limits ? { limits } : {}),
              notice: {
                version: options.noticeVersion,
                language: options.noticeLanguage,
                ...(options.noticeUri ? { uri: options.noticeUri } : {}),
                ...(noticeHash ? { hash: noticeHash } : {}),
              },
              collection: { method: options.method, evidence: options.evidence },
              by,
              ...(options.id ? { consentId: options.id } : {}),
              ...(options.replaces ? { replaces: options.replaces } : {}),
            },
            now,
          );
          if (scope.coveredByLaw.length === options.purpose.length) {
            console.error(`ndx: note: a legal basis already covers ${scope.coveredByLaw.join(', ')} for ${options.agency}; lookups for it need no consent.`);
          }
          ctx.print(consentJson(record, now, true), () => `granted\n${formatConsent(record, now, true)}\n\nlookups send "consentId": "${record.consentId}"`);
        }),
      ),
    );

  const change = (name: string, kind: ConsentChange, description: string) =>
    consent
      .command(`${name} <consentId>`)
      .description(description)
      .option('--by <who>', 'who asks for the change (default: NDX_OPERATOR)')
      .option('--reason <text>', 'why, for the record')
      .action(
        platformAction(async (ctx, consentId: string, options: ChangeOptions) =>
          consentErrors(ctx, async () => {
            const by = ctx.actor(options.by);
            const record = await (await service(false)).change(consentId, kind, by, options.reason);
            const now = new Date();
            ctx.print(consentJson(record, now), () => `${kind.toLowerCase()}\n${formatConsent(record, now)}`);
          }),
        ),
      );
  change('pause', 'PAUSED', 'pause a consent: lookups on it are denied CONSENT_PAUSED until it is resumed');
  change('resume', 'RESUMED', 'resume a paused consent');
  change('revoke', 'REVOKED', 'revoke a consent for good: every later check fails, even for lookups already queued');

  consent
    .command('list')
    .description('a person’s consents, newest first, with their status as of now')
    .option('--subject <key=value>', 'the citizen, e.g. nationalId=001203004567', repeat, [] as string[])
    .action(
      platformAction(async (ctx, options: { subject: string[] }) => {
        const records = await (await service(false)).listBySubject(await subjectHashOf(options.subject));
        const now = new Date();
        ctx.print(
          records.map((r) => consentJson(r, now)),
          () =>
            records.length === 0
              ? 'no consent recorded for this person'
              : records
                  .map(
                    (r) =>
                      `${r.consentId}  ${effectiveStatus(r, now).padEnd(7)}  ${r.consumer}  ${r.contract}@${r.major}  ${r.purposes.join(',')}  until ${shortTime(r.validUntil)}`,
                  )
                  .join('\n'),
        );
      }),
    );

  consent
    .command('show <consentId>')
    .description('one consent in full: terms, signature check, limits and events')
    .action(
      platformAction(async (ctx, consentId: string) =>
        consentErrors(ctx, async () => {
          const record = await (await service(false)).get(consentId);
          const verified = verifyConsentSignature(record, await signingKey());
          const now = new Date();
          ctx.print(consentJson(record, now, verified), () => formatConsent(record, now, verified));
        }),
      ),
    );
}
