/** `ndx contract ...`: the data steward's workflow and the catalogue agencies code against. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CONTRACTS, findContract } from '../contracts/catalog.ts';
import { findIndicator, INDICATORS } from '../contracts/indicators/catalog.ts';
import { structureMessage } from '../contracts/indicators/sdmx-structure.ts';
import {
  EXPORT_FORMATS,
  exportAgency,
  exportVersion,
  type AgencyVersion,
  type ExportFormat,
  type ExportLifecycle,
  type ExportTransport,
} from '../contracts/export.ts';
import { formatChanges, MODES, type Mode } from '../contracts/compatibility.ts';
import { versionDiff } from '../contracts/governance.ts';
import { BeforeSunsetError, ContractLifecycle } from '../domain/contracts/lifecycle-service.ts';
import { basisOf, gate, newestVersion } from '../domain/contracts/gate.ts';
import { APPROVER_ROLES } from '../contracts/lifecycle.ts';
import { releasedCategories, type ContractDefinition, type VersionDefinition } from '../contracts/model.ts';
import { documentClient } from '../aws/clients.ts';
import { ContractRegistry, type VersionRecord } from '../aws/contract-registry.ts';
import { AuditLog, auditShards } from '../aws/audit-log.ts';
import { contractUsage } from '../aws/contract-usage.ts';
import { names } from '../config/names.ts';
import { parseDay } from './when.ts';
import { table } from './table.ts';
import { OPERATOR_ENV, platformAction } from './context.ts';
import { RefusedError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { UsageError } from './errors.ts';
import type { GlobalOptions } from './program.ts';
import { DEFAULT_LOCAL_ENDPOINT } from './aws.ts';
import { DEMO_PUBLISHED } from '../synthetic/demo.ts';
import config from '../ndx.config.ts';

export interface ContractRef {
  contract: ContractDefinition;
  version: VersionDefinition | undefined;
}

/** `population.residence` or `population.residence@1.0.0`. */
export function parseRef(ref: string, requireVersion = false): ContractRef {
  const [id, version] = ref.split('@') as [string, string | undefined];
  // Lookup contracts and indicator contracts share the lifecycle, the registry and these commands.
  const contract = findContract(id) ?? findIndicator(id);
  if (!contract) throw new UsageError(`no contract "${id}"; run \`ndx contract list\` to see the catalogue`);
  if (!version) {
    if (requireVersion) throw new UsageError(`give a version: ${id}@<version> (versions: ${contract.versions.map((v) => v.version).join(', ')})`);
    return { contract, version: undefined };
  }
  const v = contract.versions.find((x) => x.version === version);
  if (!v) throw new UsageError(`${id} has no version ${version} (versions: ${contract.versions.map((x) => x.version).join(', ')})`);
  return { contract, version: v };
}

export function registry(): ContractRegistry {
  return new ContractRegistry(documentClient(), names.contractTable);
}

/** The lifecycle service (every rule of a change) over the contract registry. */
function lifecycle(): ContractLifecycle {
  return new ContractLifecycle({ registry: registry() });
}

/** `<id>@<version>`, for the actions that need a named version. */
function parseVersionRef(ref: string): { contract: ContractDefinition; version: VersionDefinition } {
  const r = parseRef(ref, true);
  if (!r.version) throw new UsageError(`give a version: ${r.contract.id}@<version>`);
  return { contract: r.contract, version: r.version };
}

function recordLine(r: VersionRecord): string {
  const last = r.events.at(-1);
  return `${r.contractId}@${r.version}: ${r.status}${r.sunset ? ` (sunset ${r.sunset})` : ''}${last ? ` — ${last.action} by ${last.by} at ${last.at}` : ''}`;
}

export function registerContract(program: Command): void {
  const contract = program.command('contract').description('data-sharing contracts: catalogue, lifecycle, compatibility, exports');

  contract
    .command('list')
    .description('every contract and version with its lifecycle status')
    .action(
      platformAction(async (ctx) => {
        const reg = registry();
        const rows: Array<Record<string, unknown>> = [];
        for (const c of [...CONTRACTS, ...INDICATORS]) {
          const records = await reg.records(c.id);
          for (const v of c.versions) {
            const r = records.find((x) => x.version === v.version);
            rows.push({
              contract: c.id,
              version: v.version,
              status: r?.status ?? 'draft',
              sunset: r?.sunset,
              provider: c.provider,
              consumers: v.consumers,
              basis: basisOf(v),
            });
          }
        }
        ctx.print(rows, () =>
          table([
            ['CONTRACT', 'VERSION', 'STATUS', 'SUNSET', 'PROVIDER', 'BASIS', 'CONSUMERS'],
            ...rows.map((r) => [
              String(r.contract),
              String(r.version),
              String(r.status),
              String(r.sunset ?? ''),
              String(r.provider),
              String(r.basis),
              (r.consumers as string[]).join(', '),
            ]),
          ]),
        );
      }),
    );

  contract
    .command('show <ref>')
    .description('one contract version in full: <id>[@version] (default: the newest)')
    .action(
      platformAction(async (ctx, ref: string) => {
        const { contract: c, version } = parseRef(ref);
        const v = version ?? newestVersion(c);
        const record = await registry().record(c.id, v.version);
        const value = {
          id: c.id,
          title: c.title,
          description: c.description,
          provider: c.provider,
          stewards: c.stewards,
          version: v.version,
          status: record?.status ?? 'draft',
          sunset: record?.sunset,
          consumers: v.consumers,
          purposes: v.purposes,
          legalBases: v.legalBases,
          subject: Object.keys(v.subject.shape),
          fields: v.fields,
          releasedCategories: releasedCategories(v),
          retentionDays: v.retentionDays,
          rateLimit: v.rateLimit,
          changelog: v.changelog,
          approvals: record?.approvals ?? [],
          events: record?.events ?? [],
        };
        ctx.print(value, () =>
          [
            `${c.id}@${v.version} — ${c.title} [${value.status}${value.sunset ? `, sunset ${value.sunset}` : ''}]`,
            `  ${c.description}`,
            `  provider    ${c.provider}; stewards ${c.stewards.join(', ')}`,
            `  subject     ${value.subject.join(', ')}`,
            `  consumers   ${v.consumers.join(', ')}`,
            `  purposes    ${v.purposes.map((p) => p.code).join(', ')}`,
            `  basis       ${v.legalBases.length ? v.legalBases.map((b) => `${b.id}: ${b.instrument}, ${b.article} (${b.consumers.join(', ')} for ${b.purposes.join(', ')})`).join('\n              ') : 'the citizen’s consent'}`,
            `  retention   ${v.retentionDays} days; rate limit ${v.rateLimit.perAgencyPerMinute}/min per agency`,
            '  fields',
            ...Object.entries(v.fields).map(([k, f]) => `    ${k.padEnd(22)} ${f.category.padEnd(16)} ${f.sensitivity.padEnd(10)} ${f.description}`),
            ...(value.events.length
              ? ['  history', ...value.events.map((e) => `    ${e.at}  ${e.action.padEnd(9)} ${e.from} → ${e.to}  by ${e.by}${e.note ? ` (${e.note})` : ''}`)]
              : []),
          ].join('\n'),
        );
      }),
    );

  contract
    .command('propose <ref>')
    .description('propose a draft version for approval: <id>[@version] (default: the newest draft)')
    .option('--by <person>', `who proposes (default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { by?: string }) => {
        const r = parseRef(ref);
        const record = await lifecycle().propose(r.contract, r.version, ctx.actor(options.by));
        ctx.print(record, () => `${recordLine(record)}\n  next: ndx contract approve ${r.contract.id}@${record.version} --as steward, and --as dpo`);
      }),
    );

  contract
    .command('withdraw <ref>')
    .description('take a proposed version back to draft: <id>@<version>')
    .option('--by <person>', `who withdraws (default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { by?: string }) => {
        const { contract: c, version } = parseVersionRef(ref);
        const record = await lifecycle().withdraw(c, version, ctx.actor(options.by));
        ctx.print(record, () => recordLine(record));
      }),
    );

  contract
    .command('approve <ref>')
    .description('approve a proposed version in one role; it is approved once a steward and a DPO, two different people, have: <id>@<version>')
    .requiredOption('--as <role>', `the approver's role: ${APPROVER_ROLES.join(' or ')}`)
    .option('--by <person>', `who approves (a steward must be one of the contract’s stewards; default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { as: string; by?: string }) => {
        const role = APPROVER_ROLES.find((r) => r === options.as);
        if (!role) throw new UsageError(`--as takes ${APPROVER_ROLES.join(' or ')}`);
        const { contract: c, version } = parseVersionRef(ref);
        const record = await lifecycle().approve(c, version, role, ctx.actor(options.by));
        ctx.print(record, () => `${recordLine(record)}${record.status === 'approved' ? `\n  next: ndx contract publish ${ref}` : ''}`);
      }),
    );

  contract
    .command('publish <ref>')
    .description('publish an approved version: <id>[@version] (default: the newest approved); refuses a breaking change without a major bump')
    .option('--by <person>', `who publishes (default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { by?: string }) => {
        const r = parseRef(ref);
        const record = await lifecycle().publish(r.contract, r.version, ctx.actor(options.by));
        ctx.print(record, () => recordLine(record));
      }),
    );

  contract
    .command('deprecate <ref>')
    .description('deprecate an active version; it answers with a notice until the sunset date: <id>@<version>')
    .requiredOption('--sunset <date>', 'the date it stops answering, YYYY-MM-DD (in the future)')
    .option('--by <person>', `who deprecates (default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { sunset: string; by?: string }) => {
        const sunset = parseDay(options.sunset, '--sunset');
        const { contract: c, version } = parseVersionRef(ref);
        const record = await lifecycle().deprecate(c, version, sunset, ctx.actor(options.by));
        ctx.print(record, () => `${recordLine(record)}\n  see who is affected: ndx contract consumers ${c.id}`);
      }),
    );

  contract
    .command('retire <ref>')
    .description('retire a deprecated version on or after its sunset date; lookups pinned to it are refused with VERSION_RETIRED: <id>@<version>')
    .option('--force', 'retire before the sunset date (needs --reason, which is recorded)')
    .option('--reason <text>', 'why it is retired before its sunset, for the record')
    .option('--by <person>', `who retires (default: ${OPERATOR_ENV})`)
    .action(
      platformAction(async (ctx, ref: string, options: { force?: boolean; reason?: string; by?: string }) => {
        if (options.force && !options.reason?.trim())
          throw new UsageError('--force needs --reason "<why>": retiring before the sunset is recorded with its reason');
        if (!options.force && options.reason !== undefined) throw new UsageError('--reason goes with --force (retiring before the sunset)');
        const { contract: c, version } = parseVersionRef(ref);
        const by = ctx.actor(options.by);
        try {
          const record = await lifecycle().retire(c, version, by, options.force && options.reason ? { force: true, reason: options.reason } : undefined);
          ctx.print(record, () => recordLine(record));
        } catch (error) {
          if (error instanceof BeforeSunsetError) {
            throw new RefusedError(`${error.message}: --force --reason "<why>"`);
          }
          throw error;
        }
      }),
    );

  contract
    .command('diff <id> <from> <to>')
    .description('every change between two versions: terms, schemas (with JSON paths), and the bump it needs')
    .action((id: string, from: string, to: string, _o: unknown, command: Command) => {
      const json = Boolean(command.optsWithGlobals<{ json?: boolean }>().json);
      const a = parseVersionRef(`${id}@${from}`).version;
      const b = parseVersionRef(`${id}@${to}`).version;
      const value = { contract: id, ...versionDiff(a, b) };
      if (json) return console.log(JSON.stringify(value, null, 2));
      console.log(`${id} ${from} → ${to}: a ${value.bump} bump; the change needs ${value.requiredBump}`);
      for (const r of value.reasons) console.log(`  [${r.bump}] ${r.message}`);
      for (const [what, results] of [
        ['response', value.response],
        ['subject', value.subject],
      ] as const) {
        for (const r of results) {
          if (r.changes.length)
            console.log(
              `\n${what}, ${r.direction === 'backward' ? 'old consumers reading the new version' : 'new consumers reading the old version'}:\n${formatChanges(r.changes)}`,
            );
        }
      }
    });

  contract
    .command('check <id>')
    .description(
      'gate a change: is the newest version (or --version) compatible with the earlier ones of its major, and does its number carry its change? Exit 8 when not. Works offline.',
    )
    .option('--mode <mode>', `compatibility mode: ${MODES.join(', ')}`, 'BACKWARD_TRANSITIVE')
    .option('--version <version>', 'the candidate (default: the newest version in code)')
    .action((id: string, options: { mode: string; version?: string }, command: Command) => {
      const json = Boolean(command.optsWithGlobals<{ json?: boolean }>().json);
      if (!(MODES as readonly string[]).includes(options.mode)) throw new UsageError(`--mode takes ${MODES.join(', ')}`);
      const { contract: c, version } = parseRef(options.version ? `${id}@${options.version}` : id);
      const { candidate, against: sameMajor, compatibility: result, problems, ok } = gate(c, version, options.mode as Mode);
      const value = {
        contract: c.id,
        candidate: candidate.version,
        mode: options.mode,
        against: sameMajor.map((v) => v.version),
        compatible: result.compatible,
        problems,
        results: result.results,
      };
      if (json) console.log(JSON.stringify(value, null, 2));
      else {
        console.log(
          `${c.id}@${candidate.version} against ${sameMajor.length ? sameMajor.map((v) => v.version).join(', ') : 'no earlier version of its major'} (${options.mode})`,
        );
        for (const r of result.results)
          if (r.changes.length) console.log(`\nagainst ${sameMajor[r.against]?.version ?? '?'} (${r.direction}):\n${formatChanges(r.changes)}`);
        console.log(ok ? '\n✓ compatible: this version can be published' : `\n✗ refused:\n  ${problems.map((p) => p.message).join('\n  ')}`);
      }
      process.exitCode = ok ? EXIT.OK : EXIT.REFUSED;
    });

  contract
    .command('consumers <id>')
    .description('which agencies looked up under which versions in a time window (from the audit trail): whom a deprecation touches')
    .option('--from <day>', 'first UTC day, YYYY-MM-DD (default: 30 days ago)')
    .option('--to <day>', 'last UTC day, YYYY-MM-DD (default: today)')
    .action(
      platformAction(async (ctx, id: string, options: { from?: string; to?: string }) => {
        const { contract: c } = parseRef(id);
        const day = (d: Date) => d.toISOString().slice(0, 10);
        const from = options.from ? parseDay(options.from, '--from') : day(new Date(Date.now() - 30 * 86_400_000));
        const to = options.to ? parseDay(options.to, '--to') : day(new Date());
        const usage = await contractUsage(new AuditLog(documentClient(), names.auditTable, { shards: auditShards(process.env) }), c.id, { from, to });
        ctx.print({ contract: c.id, from, to, usage }, () =>
          usage.length
            ? `${c.id}, ${from} to ${to}:\n` +
              table([
                ['AGENCY', 'VERSION', 'LOOKUPS', 'OK', 'FIRST', 'LAST'],
                ...usage.map((u) => [u.consumer, u.version, String(u.lookups), String(u.ok), u.first, u.last]),
              ])
            : `no lookups under ${c.id} between ${from} and ${to}`,
        );
      }),
    );

  contract
    .command('export [ref]')
    .description(
      'the documents agencies code against, generated from the schemas: <id>[@version] (default: the newest), or --agency <id> for one AsyncAPI document of an agency',
    )
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}; for an indicator: sdmx (its SDMX-JSON structure message) or odcs`)
    .option('--agency <id>', 'an agency: its out- and in-queue with every contract version it may use (AsyncAPI only)')
    .option('--offline', 'do not read the contract registry: lifecycle as in the catalogue shipped with ndx')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (ref: string | undefined, options: { format?: string; agency?: string; offline?: boolean; out?: string }, command: Command) => {
      const indicator = ref ? findIndicator(ref.split('@')[0] ?? '') : undefined;
      if (indicator) {
        // An indicator: its SDMX-JSON structure message (data structure, code lists, concepts), or ODCS.
        const format = options.format ?? 'sdmx';
        if (format !== 'sdmx' && format !== 'odcs')
          throw new UsageError(`an indicator exports as sdmx (its SDMX-JSON structure message) or odcs, not ${format}`);
        const v = parseRef(ref ?? '').version ?? newestVersion(indicator);
        const iv = indicator.versions.find((x) => x.version === v.version);
        if (!iv) throw new UsageError(`${indicator.id} has no version ${v.version}`);
        const writeIndicator = (lifecycle: ExportLifecycle) => {
          const document =
            format === 'sdmx' ? structureMessage(indicator, iv, new Date()) : exportVersion('odcs', indicator, iv, { lifecycle, transport: exportTransport() });
          const text = `${JSON.stringify(document, null, 2)}\n`;
          if (options.out) writeFileSync(options.out, text);
          else process.stdout.write(text);
        };
        // The lifecycle as for lookup contracts: from the contract registry when a platform is named, else the shipped catalogue.
        const g = command.optsWithGlobals<GlobalOptions>();
        if (options.offline || !(g.endpoint || g.aws || process.env.NDX_PORT || process.env.AWS_ENDPOINT_URL))
          return writeIndicator(shippedLifecycle(indicator).get(iv.version) ?? DRAFT);
        await platformAction<[string | undefined, typeof options, Command]>(async () => {
          writeIndicator(registryLifecycle(indicator, await registry().records(indicator.id)).get(iv.version) ?? DRAFT);
        })(ref, options, command);
        return;
      }
      options.format ??= 'jsonschema';
      if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}`);
      if (options.agency !== undefined) {
        if (ref) throw new UsageError('give either a contract or --agency, not both');
        if (options.format !== 'asyncapi') throw new UsageError('--agency exports AsyncAPI only: add --format asyncapi');
        if (!config.agencies.some((a) => a.id === options.agency))
          throw new UsageError(`no agency "${options.agency}" in ndx.config.ts (agencies: ${config.agencies.map((a) => a.id).join(', ')})`);
      } else if (!ref) throw new UsageError('give a contract, <id>[@version], or --agency <id>');
      const parsed = ref ? parseRef(ref) : undefined;
      // The contract registry is read when a platform is named (--endpoint, --aws, NDX_PORT or AWS_ENDPOINT_URL), else the shipped catalogue.
      const globals = command.optsWithGlobals<GlobalOptions>();
      const online = !options.offline && Boolean(globals.endpoint || globals.aws || process.env.NDX_PORT || process.env.AWS_ENDPOINT_URL);
      const write = (document: unknown) => {
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (options.out) writeFileSync(options.out, text);
        else process.stdout.write(text);
      };
      const exportWith = async (lifecycles: (c: ContractDefinition) => Promise<Map<string, ExportLifecycle>>) => {
        const transport = exportTransport();
        if (parsed) {
          const v = parsed.version ?? newestVersion(parsed.contract);
          const lifecycle = (await lifecycles(parsed.contract)).get(v.version) ?? DRAFT;
          return write(exportVersion(options.format as ExportFormat, parsed.contract, v, { lifecycle, transport }));
        }
        const versions: AgencyVersion[] = [];
        for (const c of CONTRACTS) {
          const states = await lifecycles(c);
          for (const v of c.versions) versions.push({ contract: c, version: v, lifecycle: states.get(v.version) ?? DRAFT });
        }
        if (!options.agency) throw new UsageError('give a contract, <id>[@version], or --agency <id>');
        const indicatorVersions: AgencyVersion[] = [];
        for (const c of INDICATORS) {
          const states = await lifecycles(c);
          for (const v of c.versions) indicatorVersions.push({ contract: c, version: v, lifecycle: states.get(v.version) ?? DRAFT });
        }
        write(exportAgency(options.agency, versions, transport, indicatorVersions));
      };
      if (!online) return exportWith(async (c) => shippedLifecycle(c));
      await platformAction<[string | undefined, typeof options, Command]>(async () => {
        const reg = registry();
        await exportWith(async (c) => registryLifecycle(c, await reg.records(c.id)));
      })(ref, options, command);
    });
}

/** A version neither the registry nor the shipped catalogue knows is a draft. */
const DRAFT: ExportLifecycle = { status: 'draft', source: 'shipped' };

/** Where the deployment's queues and API are: queue names as the platform makes them, regions from ndx.config.ts. */
export function exportTransport(): ExportTransport {
  const regions = [...new Set(Object.values(config.environments).map((e) => e.region))] as [string, ...string[]];
  return {
    outQueue: names.agencyOutQueue,
    inQueue: names.agencyInQueue,
    deadLetterQueue: names.deadLetterQueue,
    maxReceiveCount: config.queues.maxReceiveCount,
    regions,
    localEndpoint: DEFAULT_LOCAL_ENDPOINT,
    // One server: Redocly's rules refuse localhost; the local engine serves the same paths on its endpoint.
    apiServers: [
      {
        url: 'https://{apiHost}',
        description: `The agency HTTPS API of a deployment (apiHost); locally, the engine of npm start at ${DEFAULT_LOCAL_ENDPOINT}.`,
        variables: { apiHost: { default: 'api.ndx.gov.vn' } },
      },
    ],
  };
}

/** Lifecycle offline: the versions a new deployment publishes on its first day are active, any other is a draft. */
export function shippedLifecycle(c: ContractDefinition): Map<string, ExportLifecycle> {
  return new Map(c.versions.map((v) => [v.version, { status: DEMO_PUBLISHED.includes(`${c.id}@${v.version}`) ? 'active' : 'draft', source: 'shipped' }]));
}

/** Lifecycle from the contract registry, as `ndx contract list` shows it: a version it does not know is a draft. */
export function registryLifecycle(c: ContractDefinition, records: readonly VersionRecord[]): Map<string, ExportLifecycle> {
  return new Map(
    c.versions.map((v) => {
      const r = records.find((x) => x.version === v.version);
      return [v.version, { status: r?.status ?? 'draft', ...(r?.sunset ? { sunset: r.sunset } : {}), source: 'registry' }];
    }),
  );
}
