/**
 * `ndx indicator ...`: indicators for the Government reporting system. `request` asks for one as an
 * agency, through its queue, exactly as the agency's system would (checked, rate-limited, audited);
 * `list` and `show` describe the catalogue and which periods have been computed.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { documentClient, sqsClient } from '../aws/clients.ts';
import { IndicatorStore } from '../aws/indicator-store.ts';
import { names } from '../config/names.ts';
import { findIndicator, INDICATORS } from '../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../contracts/indicators/define.ts';
import { CONF_STATUS_LABELS } from '../contracts/indicators/model.ts';
import { INDICATOR_FORMATS, type IndicatorReply, IndicatorRequest } from '../contracts/indicators/protocol.ts';
import { compareSemver, majorOf } from '../contracts/model.ts';
import type { Release } from '../domain/indicators/release.ts';
import { observationsOf } from '../domain/indicators/sdmx-data.ts';
import { indicatorView } from '../domain/indicators/view.ts';
import config from '../ndx.config.ts';
import { AgencyClient, NoReplyError } from './agency-client.ts';
import { registry } from './contract.ts';
import { platformAction } from './context.ts';
import { ExitError, UsageError } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { agencyOf, seconds } from './options.ts';
import { spinner } from './progress.ts';
import { table } from './table.ts';

const fmt = (n: number | null) => (n === null ? '×' : n.toLocaleString('en-US'));

function indicatorOf(id: string): IndicatorDefinition {
  const c = findIndicator(id);
  if (!c) throw new UsageError(`no indicator "${id}"; indicators: ${INDICATORS.map((x) => x.id).join(', ')}`);
  return c;
}

/** A readable reply: status, then the table of row totals with what was published and withheld in each row. */
export function formatIndicatorReply(reply: IndicatorReply, c: IndicatorDefinition | undefined): string {
  const lines = [
    `${reply.status}${reply.code === reply.status ? '' : ` ${reply.code}`}  ${reply.indicator ?? ''}${reply.version ? `@${reply.version}` : ''}${reply.period ? ` for ${reply.period}` : ''}`,
    `  ${reply.message}`,
  ];
  for (const i of reply.issues ?? []) lines.push(`  ${i.path}: ${i.message}`);
  if (reply.original)
    lines.push(`  first answer: ${reply.original.status} ${reply.original.code}, audit ${reply.original.auditId}, at ${reply.original.repliedAt}`);
  const version = c?.versions.find((v) => v.version === reply.version);
  if (reply.code === 'OK' && version && reply.summary && reply.period) {
    const s = reply.summary;
    lines.push(
      '',
      `  ${c?.title} (${version.indicator.measure.unit})`,
      `  ${s.cells} observations: ${s.published} published, ${s.primary} withheld as small counts, ${s.secondary} withheld so that none of those can be recomputed`,
      '',
    );
    const observations: Release['observations'] = reply.data
      ? observationsOf(version.indicator, reply.data)
      : (reply.csv ?? '')
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((line) => {
            const parts = line.split(',');
            const dims = version.indicator.dimensions;
            const conf = parts[dims.length + 3] as Release['observations'][number]['confStatus'];
            return {
              key: Object.fromEntries(dims.map((d, k) => [d.id, parts[k] ?? ''])),
              value: parts[dims.length + 1] ? Number(parts[dims.length + 1]) : null,
              obsStatus: parts[dims.length + 2] === 'A' ? 'A' : 'M',
              confStatus: conf,
            };
          });
    const view = indicatorView(version.indicator, { indicator: c?.id ?? '', version: version.version, period: reply.period, observations, summary: s });
    const rows = view.rows.map((r) => [
      `${r.code} ${r.label}`,
      fmt(r.total.value),
      String(r.cells.filter((x) => x.value !== null).length),
      String(r.cells.filter((x) => x.value === null).length),
    ]);
    lines.push(
      table(
        [
          [view.rowDimension.toUpperCase(), 'TOTAL', 'CELLS PUBLISHED', 'WITHHELD'],
          ...rows,
          [
            'Total',
            fmt(view.grandTotal.value),
            String(view.columnTotals.filter((x) => x.value !== null).length),
            String(view.columnTotals.filter((x) => x.value === null).length),
          ],
        ],
        new Set([1, 2, 3]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
      '',
      `  × withheld (${CONF_STATUS_LABELS.A.en.toLowerCase()}, or ${CONF_STATUS_LABELS.D.en.toLowerCase()})`,
      `  every cell: --format csv --out <file>; audit ${reply.provenance?.auditId ?? ''}; computed ${reply.provenance?.computedAt ?? ''}`,
    );
  }
  return lines.join('\n');
}

interface RequestOptions {
  as: string;
  indicator: string;
  period: string;
  version: string;
  format: string;
  onBehalfOf?: string;
  requestId?: string;
  out?: string;
  timeout: string;
}

export function registerIndicator(program: Command): void {
  const indicator = program.command('indicator').description('indicators for the Government reporting system: counts over a registry, safe to publish');

  indicator
    .command('request')
    .description(
      'ask for an indicator for a period as an agency, through its queue (exit code: 0 OK, 3 not computed for the period, 4 DENIED, 5 INVALID, 7 no reply)',
    )
    .requiredOption('--as <agency>', 'the agency asking (its queues are used), e.g. government-office')
    .requiredOption('--indicator <id>', 'indicator contract, e.g. population.living-population')
    .requiredOption('--period <period>', 'YYYY-MM (monthly) or YYYY (annual)')
    .option('--version <pin>', 'major version (e.g. 1) or exact version', '1')
    .option('--format <format>', `${INDICATOR_FORMATS.join(' or ')}`, 'sdmx-json')
    .option('--on-behalf-of <ref>', 'officer or report reference, kept in the audit trail')
    .option('--request-id <uuid>', 'request id (default: a new UUID)')
    .option('--out <file>', 'write the SDMX-JSON data message or the CSV to a file')
    .option('--timeout <seconds>', 'how long to wait for the reply', '30')
    .action(
      platformAction(async (ctx, options: RequestOptions) => {
        const agency = agencyOf(config, options.as);
        const timeoutMs = seconds(options.timeout, '--timeout') * 1000;
        const checked = IndicatorRequest.safeParse({
          kind: 'indicator',
          requestId: options.requestId ?? randomUUID(),
          indicator: options.indicator,
          version: options.version,
          period: options.period,
          format: options.format,
          ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
        });
        if (!checked.success)
          throw new UsageError(`the request is not valid: ${checked.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
        const request = checked.data;
        const client = new AgencyClient(sqsClient(), agency);
        await client.send(request);
        const spin = spinner(`waiting for the reply on ndx-agency-${agency}-in`, !ctx.json);
        let reply: IndicatorReply;
        try {
          reply = await client.awaitIndicatorReply(request.requestId, timeoutMs, spin.tick);
        } catch (error) {
          if (!(error instanceof NoReplyError)) throw error;
          throw new ExitError(`${error.message} for request ${request.requestId}; resend the same --request-id.`, EXIT.NO_REPLY);
        } finally {
          spin.stop();
        }
        if (options.out && reply.code === 'OK') writeFileSync(options.out, reply.csv ?? `${JSON.stringify(reply.data, null, 2)}\n`);
        ctx.print(
          reply,
          () =>
            formatIndicatorReply(reply, findIndicator(reply.indicator ?? request.indicator)) +
            (options.out && reply.code === 'OK' ? `\n  written to ${options.out}` : ''),
        );
        process.exitCode = exitCodeFor(reply.status);
      }),
    );

  indicator
    .command('list')
    .description('every indicator contract and version with its lifecycle status')
    .action(
      platformAction(async (ctx) => {
        const reg = registry();
        const rows: Array<Record<string, unknown>> = [];
        for (const c of INDICATORS) {
          const records = await reg.records(c.id);
          for (const v of c.versions)
            rows.push({
              indicator: c.id,
              version: v.version,
              status: records.find((r) => r.version === v.version)?.status ?? 'draft',
              provider: c.provider,
              dimensions: v.indicator.dimensions.map((d) => d.id),
              period: v.indicator.period.frequency,
              threshold: v.indicator.disclosure.threshold,
              consumers: v.consumers,
            });
        }
        ctx.print(rows, () =>
          table([
            ['INDICATOR', 'VERSION', 'STATUS', 'REGISTRY', 'DIMENSIONS', 'PERIOD', 'WITHHELD BELOW', 'CONSUMERS'],
            ...rows.map((r) => [
              String(r.indicator),
              String(r.version),
              String(r.status),
              String(r.provider),
              (r.dimensions as string[]).join(' × '),
              r.period === 'M' ? 'month' : 'year',
              String(r.threshold),
              (r.consumers as string[]).join(', '),
            ]),
          ]),
        );
      }),
    );

  indicator
    .command('show <id>')
    .description(
      'one indicator: its structure, disclosure control, terms, lifecycle, and the periods computed (no numbers: request them with `ndx indicator request`)',
    )
    .action(
      platformAction(async (ctx, id: string) => {
        const [name, pinned] = id.split('@') as [string, string | undefined];
        const c = indicatorOf(name);
        const v = pinned ? c.versions.find((x) => x.version === pinned) : [...c.versions].sort((a, b) => compareSemver(b.version, a.version))[0];
        if (!v) throw new UsageError(`${c.id} has no version ${pinned}; versions: ${c.versions.map((x) => x.version).join(', ')}`);
        const record = await registry().record(c.id, v.version);
        const periods = (await new IndicatorStore(documentClient(), names.indicatorTable).periods(c.id)).map((a) => ({
          period: a.period,
          asOf: a.asOf,
          computedAt: a.computedAt,
        }));
        const value = {
          id: c.id,
          title: c.title,
          description: c.description,
          provider: c.provider,
          stewards: c.stewards,
          version: v.version,
          major: majorOf(v.version),
          status: record?.status ?? 'draft',
          dimensions: v.indicator.dimensions.map((d) => ({ id: d.id, name: d.name, codeList: d.codeList.id, codes: d.codeList.codes.length })),
          period: v.indicator.period,
          measure: v.indicator.measure,
          disclosure: v.indicator.disclosure,
          consumers: v.consumers,
          legalBases: v.legalBases,
          rateLimit: v.rateLimit,
          periods,
        };
        ctx.print(value, () =>
          [
            `${c.id}@${v.version} — ${c.title} [${value.status}]`,
            `  ${c.description}`,
            `  registry    ${c.provider}; stewards ${c.stewards.join(', ')}`,
            ...v.indicator.dimensions.map(
              (d, i) =>
                `  ${i === 0 ? 'dimensions' : '          '}  ${d.id.padEnd(9)} ${d.codeList.id} (${d.codeList.codes.length} codes and _T, the total) — ${d.name.en}`,
            ),
            `  period      ${v.indicator.period.frequency === 'M' ? 'month (YYYY-MM)' : 'year (YYYY)'}: ${v.indicator.period.description}`,
            `  measure     ${v.indicator.measure.name.en} (${v.indicator.measure.unit})`,
            `  disclosure  counts from 1 to ${v.indicator.disclosure.threshold - 1} withheld, and the cells that would let one be recomputed from rows, columns and totals`,
            `  consumers   ${v.consumers.join(', ')}; basis ${v.legalBases.map((b) => `${b.instrument} (${b.id})`).join('; ')}`,
            `  rate limit  ${v.rateLimit.perAgencyPerMinute}/min per agency`,
            `  computed    ${periods.length ? `${periods.length} period(s), ${periods[0]?.period} to ${periods.at(-1)?.period}, computed ${periods.at(-1)?.computedAt}` : 'no period yet (the indicators job runs after seeding and on its schedule)'}`,
            `  structure   ndx contract export ${c.id}@${v.version} --format sdmx`,
          ].join('\n'),
        );
      }),
    );
}
