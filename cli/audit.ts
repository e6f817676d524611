/**
 * `ndx audit ...`: the audit trail. `verify` walks the hash chains and reports the first broken link
 * of each partition (and, given an anchor, what the chains alone cannot show); `anchor` writes the
 * verified heads to keep elsewhere; `trail` is the citizen's view (who looked at my data); `hide` withholds a record
 * from that view until a date, for an investigation (itself audited); `show` prints one record.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AuditAnchor, anchorOf } from '../functions/platform/audit-anchor.ts';
import type { PartitionReport } from '../functions/platform/audit-chain.ts';
import { AuditLog, AuditRecordNotFoundError, auditShards } from '../functions/platform/audit.ts';
import { isIntact } from '../functions/platform/audit-chain.ts';
import type { CitizenTrail, TrailEntry } from '../functions/platform/citizen-view.ts';
import { documentClient } from '../functions/platform/clients.ts';
import { names } from '../functions/platform/names.ts';
import { platformAction, RefusedError } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { subjectHashOf } from './platform-keys.ts';
import { UsageError } from './program.ts';
import { parseDay, parseInstant, shortTime } from './when.ts';

const repeat = (v: string, prev: string[]) => [...prev, v];

function auditLog(): AuditLog {
  return new AuditLog(documentClient(), names.auditTable, { shards: auditShards(process.env) });
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
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${file} is not an ndx audit anchor (${first.path.join('.') || 'the document'}: ${first.message}); make one with \`ndx audit anchor --out\``);
  }
  return parsed.data;
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
  return `ok      ${r.partition}  ${r.records} record${r.records === 1 ? '' : 's'}, head ${r.head!.seq} ${r.head!.hash.slice(0, 16)}…`;
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
    lines.push(`${shortTime(e.at)}  ${e.consumer}  ${e.status}${e.code !== e.status ? ` ${e.code}` : ''}${e.intact ? '' : '  (WARNING: this record was altered after it was written)'}`);
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
    .option('--anchor <file>', 'also check each partition against the head an earlier `ndx audit anchor` kept: finds removed newest records and rebuilt chains')
    .action(
      platformAction(async (ctx, options: { from?: string; to?: string; anchor?: string }) => {
        const range = dayRange(options);
        const anchor = options.anchor ? readAnchor(options.anchor) : undefined;
        const report = await auditLog().verify(
          range,
          (r) => {
            if (!ctx.json && r.broken) console.log(partitionLine(r));
          },
          anchor,
        );
        const broken = report.partitions.filter((p) => p.broken);
        if (ctx.json) {
          console.log(JSON.stringify(report, null, 2));
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
              `anchor of ${shortTime(report.anchor.takenAt)}: ${report.anchor.partitions} partition${report.anchor.partitions === 1 ? '' : 's'} in range checked against their anchored heads` +
                (broken.some((p) => p.broken!.kind === 'truncated' || p.broken!.kind === 'rewritten') ? '' : ', each still there and unchanged'),
            );
          }
        }
        if (broken.length) process.exitCode = EXIT.REFUSED;
      }),
    );

  audit
    .command('anchor')
    .description('verify the chains and write every partition’s head (seq and hash, no personal data) to keep outside this account; `verify --anchor` checks against it later')
    .option('--from <day>', 'first UTC day (YYYY-MM-DD) of partitions to anchor (default: the first)')
    .option('--to <day>', 'last UTC day (YYYY-MM-DD) of partitions to anchor (default: the last)')
    .option('--out <file>', 'write the anchor to this file (default: standard output)')
    .action(
      platformAction(async (ctx, options: { from?: string; to?: string; out?: string }) => {
        const report = await auditLog().verify(dayRange(options));
        const anchor = anchorOf(report.partitions, new Date());
        const broken = report.partitions.filter((p) => p.broken);
        const document = `${JSON.stringify(anchor, null, 2)}\n`;
        if (options.out) writeFileSync(options.out, document);
        else process.stdout.write(document);
        // With --out, standard output is free for the summary (or the JSON summary with --json).
        if (options.out) {
          const summary = { anchor: options.out, takenAt: anchor.takenAt, partitions: anchor.partitions.length, broken: broken.map((b) => b.partition) };
          ctx.print(summary, () =>
            [
              `anchored ${anchor.partitions.length} partition head${anchor.partitions.length === 1 ? '' : 's'} in ${options.out}; keep it outside this account (another account, a ticket, WORM storage)`,
              'later: ndx audit verify --anchor ' + options.out,
            ].join('\n'),
          );
        }
        for (const b of broken) console.error(`ndx: not anchored: ${partitionLine(b)}`);
        if (broken.length) process.exitCode = EXIT.REFUSED;
      }),
    );

  audit
    .command('trail')
    .description('the citizen’s view: every lookup of a person’s data, newest first: when, who, contract, purpose, basis, fields (never values)')
    .option('--subject <key=value>', 'the citizen, e.g. nationalId=001203004567', repeat, [] as string[])
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
    .option('--by <who>', 'the operator (default: NDX_USER or your user name)')
    .action(
      platformAction(async (ctx, auditId: string, options: { until: string; reason: string; by?: string }) => {
        const until = parseInstant(options.until, '--until', true);
        try {
          const appended = await auditLog().hide(auditId, until, options.reason, ctx.actor(options.by));
          const value = { hidden: auditId, until: until.toISOString(), recordedAs: appended.auditId, partition: appended.partition, seq: appended.seq };
          ctx.print(value, () => `${auditId} is withheld from the citizen’s view until ${shortTime(until.toISOString())}\n  recorded as ${appended.auditId} (${appended.partition} seq ${appended.seq})`);
        } catch (error) {
          if (!(error instanceof AuditRecordNotFoundError)) throw error;
          if (/only lookups/.test(error.message)) throw new RefusedError(error.message);
          console.error(`ndx: ${error.message}. The audit id is in the reply's provenance.auditId, or in \`ndx audit trail\`.`);
          process.exitCode = EXIT.NOT_FOUND;
        }
      }),
    );

  audit
    .command('show <auditId>')
    .description('one audit record as stored, with its chain position and whether its hash still matches')
    .action(
      platformAction(async (ctx, auditId: string) => {
        const record = await auditLog().findAny(auditId);
        if (!record) {
          console.error(`ndx: no audit record ${auditId}`);
          process.exitCode = EXIT.NOT_FOUND;
          return;
        }
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
