/**
 * `ndx audit ...`: the audit trail. `verify` walks the hash chains and reports the first broken link
 * of each partition (and, given an anchor, what the chains alone cannot show); `anchor` writes the
 * verified heads to keep elsewhere; `trail` is the citizen's view (who looked at my data); `hide` withholds a record
 * from that view until a date, for an investigation (itself audited); `show` prints one record.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { AnchorFormatError, FileAnchorStore, S3AnchorStore, type AnchorStore } from '../aws/anchor-store.ts';
import { AuditAnchor, anchorOf } from '../domain/audit/anchor.ts';
import { anchorNow } from '../aws/audit-anchoring.ts';
import type { PartitionReport } from '../domain/audit/chain.ts';
import { AuditLog, AuditRecordNotFoundError, auditShards } from '../aws/audit-log.ts';
import { archiveOldPartitions, type ArchiveStore } from '../aws/audit-archive.ts';
import { FileArchiveStore, S3ArchiveStore } from '../aws/archive-store.ts';
import config from '../ndx.config.ts';
import { isIntact } from '../domain/audit/chain.ts';
import type { CitizenTrail, TrailEntry } from '../domain/audit/citizen-view.ts';
import { documentClient } from '../aws/clients.ts';
import { ENV, names } from '../config/names.ts';
import type { Target } from './aws.ts';
import { platformAction } from './context.ts';
import { NotFoundError, RefusedError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { subjectHashOf } from './platform-keys.ts';
import { UsageError } from './errors.ts';
import { parseDay, parseInstant, shortTime } from './when.ts';

const repeat = (v: string, prev: string[]) => [...prev, v];
/** Lookups naming a subject are found by it (their marker is in the subject's collection: domain/audit/stored.ts). */
const SUBJECT_OF_RECORD = 'the person the lookup was about, e.g. nationalId=001203004567 (lookups that name a person are found by it)';
const NAME_THE_SUBJECT = ' (a lookup of a person’s data is found by its subject: add --subject, e.g. --subject nationalId=001203004567)';

function auditLog(): AuditLog {
  const archive = archiveStore();
  return new AuditLog(documentClient(), names.auditTable, { shards: auditShards(process.env), ...(archive ? { archive } : {}) });
}

/**
 * Where partitions past their retention are archived: the anchor bucket (NDX_ANCHOR_BUCKET) on AWS,
 * else the data folder of the local engine (NDX_DATA_DIR).
 */
export function archiveStore(env: NodeJS.ProcessEnv = process.env): ArchiveStore | undefined {
  const bucket = env[ENV.anchorBucket];
  if (bucket) return new S3ArchiveStore(new S3Client({}), bucket);
  if (env.NDX_DATA_DIR) return new FileArchiveStore(env.NDX_DATA_DIR);
  return undefined;
}

/** Reads an anchor file, saying what is wrong with it in terms the operator can act on. */
function readAnchor(file: string): AuditAnchor {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the anchor ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON; an anchor is the file \`ndx audit anchor --out\` wrote`);
  }
  const parsed = AuditAnchor.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(
      `${file} is not an ndx audit anchor (${first?.path.join('.') || 'the document'}: ${first?.message ?? 'not valid'}); make one with \`ndx audit anchor --out\``,
    );
  }
  return parsed.data;
}

/**
 * Where stored anchors are, if anywhere: the bucket of `--anchor-bucket` or NDX_ANCHOR_BUCKET (the
 * scheduled anchors on AWS), else, against the local engine, the data folder of NDX_DATA_DIR (where
 * the local engine anchors).
 */
export function anchorStore(options: { anchorBucket?: string }, target: Pick<Target, 'local'>, env: NodeJS.ProcessEnv = process.env): AnchorStore | undefined {
  const bucket = options.anchorBucket ?? env[ENV.anchorBucket];
  if (bucket) return new S3AnchorStore(new S3Client({}), bucket);
  if (target.local && env.NDX_DATA_DIR) return new FileAnchorStore(env.NDX_DATA_DIR);
  return undefined;
}

/** The anchor `verify` checks against, and where it came from; or why there is none. */
export async function chosenAnchor(
  options: { anchor?: string | false; anchorBucket?: string },
  target: Pick<Target, 'local'>,
): Promise<{ anchor?: AuditAnchor; source: string }> {
  if (options.anchor === false) return { source: 'none (--no-anchor)' };
  if (typeof options.anchor === 'string') return { anchor: readAnchor(options.anchor), source: options.anchor };
  const store = anchorStore(options, target);
  if (!store) return { source: `none stored: set ${ENV.anchorBucket} (or --anchor-bucket) for AWS, NDX_DATA_DIR for the local engine, or pass --anchor FILE` };
  let latest: Awaited<ReturnType<AnchorStore['latest']>>;
  try {
    latest = await store.latest();
  } catch (error) {
    if (error instanceof AnchorFormatError) throw new UsageError(`${error.message}; pass --anchor FILE or --no-anchor`);
    throw error;
  }
  return latest ? { anchor: latest.anchor, source: latest.location } : { source: `none stored yet in ${store.description}` };
}

function dayRange(options: { from?: string; to?: string }): { from?: string; to?: string } {
  const range = {
    ...(options.from ? { from: parseDay(options.from, '--from') } : {}),
    ...(options.to ? { to: parseDay(options.to, '--to') } : {}),
  };
  if (range.from && range.to && range.from > range.to) throw new UsageError('--from is after --to');
  return range;
}

function partitionLine(r: PartitionReport): string {
  if (r.broken) return `BROKEN  ${r.partition}  at seq ${r.broken.seq}: ${r.broken.message}`;
  return `ok      ${r.partition}  ${r.records} record${r.records === 1 ? '' : 's'}${r.head ? `, head ${r.head.seq} ${r.head.hash.slice(0, 16)}…` : ''}`;
}

function basisText(e: TrailEntry): string {
  if (!e.basis) return '—';
  return e.basis.kind === 'legal' ? `${e.basis.instrument}, ${e.basis.article} (${e.basis.id})` : `your consent ${e.basis.consentId}`;
}

export function formatTrail(trail: CitizenTrail): string {
  const n = trail.entries.length;
  const lines: string[] = [];
  lines.push(
    n === 0
      ? 'No lookup of this person’s data is on record.'
      : `${n} lookup${n === 1 ? '' : 's'} of this person’s data, newest first (${trail.released} released data):`,
  );
  for (const e of trail.entries) {
    lines.push('');
    lines.push(
      `${shortTime(e.at)}  ${e.consumer}  ${e.status}${e.code !== e.status ? ` ${e.code}` : ''}${e.intact ? '' : '  (WARNING: this record was altered after it was written)'}`,
    );
    if (e.contract) lines.push(`  contract  ${e.contract}${e.version ? `@${e.version}` : ''}`);
    if (e.purpose) lines.push(`  purpose   ${e.purpose}`);
    lines.push(`  basis     ${basisText(e)}`);
    lines.push(`  fields    ${e.fields.length ? e.fields.join(', ') : 'none released'}`);
    if (e.onBehalfOf) lines.push(`  for       ${e.onBehalfOf}`);
    if (e.registry) lines.push(`  registry  ${e.registry}`);
    lines.push(`  record    ${e.auditId}`);
  }
  if (trail.withheld > 0) {
    lines.push('');
    lines.push(
      `${trail.withheld} more lookup${trail.withheld === 1 ? ' is' : 's are'} withheld until a later date (an investigation in progress); ` +
        'they will appear here when that date has passed.',
    );
  }
  return lines.join('\n');
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit trail: verify its hash chains, the citizen’s view, withhold records for an investigation');

  audit
    .command('verify')
    .description('walk every chain partition in a date range and report the first broken link of each (exit 8 when any is broken)')
    .option('--from <day>', 'first UTC day (YYYY-MM-DD) of partitions to verify (default: the first)')
    .option('--to <day>', 'last UTC day (YYYY-MM-DD) of partitions to verify (default: the last)')
    .option(
      '--anchor <file>',
      'check each partition against the heads of this anchor (default: the latest stored anchor): finds removed newest records and rebuilt chains',
    )
    .option('--no-anchor', 'check the chains alone, against no anchor')
    .option('--anchor-bucket <bucket>', `the S3 bucket of the scheduled anchors (default: ${ENV.anchorBucket}; locally the anchors under NDX_DATA_DIR)`)
    .action(
      platformAction(async (ctx, options: { from?: string; to?: string; anchor?: string | false; anchorBucket?: string }) => {
        const range = dayRange(options);
        const chosen = await chosenAnchor(options, ctx.target);
        const anchor = chosen.anchor;
        const report = await auditLog().verify(
          range,
          (r) => {
            if (!ctx.json && r.broken) console.log(partitionLine(r));
          },
          anchor,
        );
        const broken = report.partitions.filter((p) => p.broken);
        if (ctx.json) {
          console.log(JSON.stringify({ ...report, anchorSource: chosen.source }, null, 2));
        } else {
          const where = range.from || range.to ? ` from ${range.from ?? 'the start'} to ${range.to ?? 'today'}` : '';
          if (report.partitions.length === 0) console.log(`no audit partition${where}`);
          else
            console.log(
              broken.length === 0
                ? `intact: ${report.partitions.length} partition${report.partitions.length === 1 ? '' : 's'}${where}, ${report.records} records, every link verified`
                : `BROKEN: ${broken.length} of ${report.partitions.length} partitions${where} fail verification (listed above); records after a break are unverified`,
            );
          if (report.anchor) {
            console.log(
              `anchor of ${shortTime(report.anchor.takenAt)} (${chosen.source}): ${report.anchor.partitions} partition${report.anchor.partitions === 1 ? '' : 's'} in range checked against their anchored heads` +
                (broken.some((p) => p.broken?.kind === 'truncated' || p.broken?.kind === 'rewritten') ? '' : ', each still there and unchanged'),
            );
          } else {
            console.log(`anchor: ${chosen.source}`);
          }
        }
        if (broken.length) process.exitCode = EXIT.REFUSED;
      }),
    );

  audit
    .command('anchor')
    .description(
      'verify the chains and write every partition’s head (seq and hash, no personal data) to keep outside this account; `verify --anchor` checks against it later',
    )
    .option('--from <day>', 'first UTC day (YYYY-MM-DD) of partitions to anchor (default: the first)')
    .option('--to <day>', 'last UTC day (YYYY-MM-DD) of partitions to anchor (default: the last)')
    .option('--out <file>', 'write the anchor to this file (default: standard output)')
    .option('--keep', 'also keep it where `verify` looks by default: the anchor bucket (NDX_ANCHOR_BUCKET, --anchor-bucket) or NDX_DATA_DIR locally')
    .option('--anchor-bucket <bucket>', `the S3 bucket of the scheduled anchors (default: ${ENV.anchorBucket})`)
    .action(
      platformAction(async (ctx, options: { from?: string; to?: string; out?: string; keep?: boolean; anchorBucket?: string }) => {
        let anchor: AuditAnchor;
        let broken: PartitionReport[];
        if (options.keep) {
          // As the scheduled anchor does: verified against the latest kept anchor, whose other heads it carries.
          if (options.from || options.to) throw new UsageError('--keep anchors every partition (as the schedule does): leave out --from and --to');
          const store = anchorStore(options, ctx.target);
          if (!store)
            throw new UsageError(`--keep needs a place to keep anchors: ${ENV.anchorBucket} (or --anchor-bucket), or NDX_DATA_DIR against the local engine`);
          const taken = await anchorNow(auditLog(), store);
          ({ anchor, broken } = taken);
          console.error(`ndx: kept in ${taken.location}${taken.previous ? ` (verified against ${taken.previous})` : ''}`);
        } else {
          const report = await auditLog().verify(dayRange(options));
          anchor = anchorOf(report.partitions, new Date());
          broken = report.partitions.filter((p) => p.broken);
        }
        const document = `${JSON.stringify(anchor, null, 2)}\n`;
        if (options.out) writeFileSync(options.out, document);
        else process.stdout.write(document);
        // With --out, standard output is free for the summary (or the JSON summary with --json).
        if (options.out) {
          const summary = { anchor: options.out, takenAt: anchor.takenAt, partitions: anchor.partitions.length, broken: broken.map((b) => b.partition) };
          ctx.print(summary, () =>
            [
              `anchored ${anchor.partitions.length} partition head${anchor.partitions.length === 1 ? '' : 's'} in ${options.out}; keep it outside this account (another account, a ticket, WORM storage)`,
              `later: ndx audit verify --anchor ${options.out}`,
            ].join('\n'),
          );
        }
        for (const b of broken) console.error(`ndx: not anchored: ${partitionLine(b)}`);
        if (broken.length) process.exitCode = EXIT.REFUSED;
      }),
    );

  audit
    .command('archive')
    .description(
      'move partitions past the environment’s auditRetention.dynamoDbDays to the archive (verified first; stubs stay for the citizen’s view); `verify` and `trail` read both',
    )
    .option('--env <name>', 'the environment of ndx.config.ts whose retention applies (default: NDX_ENV, else dev)')
    .option('--as-of <day>', 'archive as if today were this UTC day (YYYY-MM-DD), e.g. to see what a later run moves')
    .action(
      platformAction(async (ctx, options: { env?: string; asOf?: string }) => {
        const environment = options.env ?? process.env.NDX_ENV ?? 'dev';
        const settings = config.environments[environment];
        if (!settings) throw new UsageError(`no environment "${environment}" in ndx.config.ts (configured: ${Object.keys(config.environments).join(', ')})`);
        const store = archiveStore();
        if (!store) throw new UsageError(`the archive needs a place: ${ENV.anchorBucket} (the anchor bucket) on AWS, or NDX_DATA_DIR against the local engine`);
        const now = options.asOf ? new Date(`${parseDay(options.asOf, '--as-of')}T00:00:00Z`) : new Date();
        const log = auditLog();
        const run = await archiveOldPartitions(
          { doc: documentClient(), table: names.auditTable, store, partitions: () => log.partitions() },
          { now, dynamoDbDays: settings.auditRetention.dynamoDbDays ?? 400, archiveDays: settings.auditRetention.archiveDays ?? 730 },
        );
        ctx.print(run, () =>
          [
            `archived ${run.archived.length} partition${run.archived.length === 1 ? '' : 's'} started before ${run.before} (${run.archived.reduce((n, a) => n + a.records, 0)} records) to ${store.description}`,
            ...run.refused.map((r) => `NOT ARCHIVED  ${r.partition}: ${r.reason}`),
          ].join('\n'),
        );
        if (run.refused.length) process.exitCode = EXIT.REFUSED;
      }),
    );

  audit
    .command('trail')
    .description('the citizen’s view: every lookup of a person’s data, newest first: when, who, contract, purpose, basis, fields (never values)')
    .option('--subject <key=value>', 'the citizen, e.g. nationalId=001203004567 (a mistyped key or identifier is refused, exit 2)', repeat, [] as string[])
    .action(
      platformAction(async (ctx, options: { subject: string[] }) => {
        const trail = await auditLog().trail(await subjectHashOf(options.subject));
        ctx.print(trail, () => formatTrail(trail));
      }),
    );

  audit
    .command('hide <auditId>')
    .description('withhold a lookup record from the citizen’s view until a date, for an investigation (itself recorded in the audit trail)')
    .requiredOption('--until <date>', 'the record reappears after this day or instant')
    .requiredOption('--reason <text>', 'why, e.g. the investigation’s case number (never shown to the citizen)')
    .option('--by <who>', 'the operator (default: NDX_OPERATOR)')
    .option('--subject <key=value>', SUBJECT_OF_RECORD, repeat, [] as string[])
    .action(
      platformAction(async (ctx, auditId: string, options: { until: string; reason: string; by?: string; subject: string[] }) => {
        const until = parseInstant(options.until, '--until', true);
        const by = ctx.actor(options.by);
        const subjectHash = options.subject.length ? await subjectHashOf(options.subject) : undefined;
        try {
          const appended = await auditLog().hide(auditId, until, options.reason, by, subjectHash);
          const value = { hidden: auditId, until: until.toISOString(), recordedAs: appended.auditId, partition: appended.partition, seq: appended.seq };
          ctx.print(
            value,
            () =>
              `${auditId} is withheld from the citizen’s view until ${shortTime(until.toISOString())}\n  recorded as ${appended.auditId} (${appended.partition} seq ${appended.seq})`,
          );
        } catch (error) {
          if (!(error instanceof AuditRecordNotFoundError)) throw error;
          if (/only lookups/.test(error.message)) throw new RefusedError(error.message);
          throw new NotFoundError(
            `${error.message}${subjectHash ? '' : NAME_THE_SUBJECT}. The audit id is in the reply's provenance.auditId, or in \`ndx audit trail\`.`,
          );
        }
      }),
    );

  audit
    .command('show <auditId>')
    .description('one audit record as stored, with its chain position and whether its hash still matches')
    .option('--subject <key=value>', SUBJECT_OF_RECORD, repeat, [] as string[])
    .action(
      platformAction(async (ctx, auditId: string, options: { subject: string[] }) => {
        const subjectHash = options.subject.length ? await subjectHashOf(options.subject) : undefined;
        const record = await auditLog().findAny(auditId, subjectHash);
        if (!record) throw new NotFoundError(`no audit record ${auditId}${subjectHash ? '' : NAME_THE_SUBJECT}`);
        const intact = isIntact(record);
        ctx.print({ ...record, intact }, () =>
          [
            `${record.auditId}  ${record.kind}  ${record.partition} seq ${record.seq}  ${intact ? 'hash verified' : 'HASH DOES NOT MATCH (edited)'}`,
            ...Object.entries(record)
              .filter(([k]) => !['pk', 'sk', 'auditId', 'kind', 'partition', 'seq'].includes(k))
              .map(([k, v]) => `  ${k.padEnd(18)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`),
          ].join('\n'),
        );
      }),
    );
}
