/**
 * The officials' desk: the indicator dashboard an official of the Government Office reads. Every
 * number on it is a release through the indicator service (domain/indicators/service.ts), made as the
 * Government Office, the consumer: the same checks, rate limit and audit as its reporting system's
 * requests (one audit record per period shown, with the official's role as `onBehalfOf`). So the page
 * shows nothing the agency could not request, withheld cells without a number, and decides nothing.
 */
import { randomUUID } from 'node:crypto';
import type { IndicatorDefinition } from '../../contracts/indicators/define.ts';
import type { IndicatorReply } from '../../contracts/indicators/protocol.ts';
import { compareSemver } from '../../contracts/model.ts';
import type { Release } from '../indicators/release.ts';
import { observationsOf } from '../indicators/sdmx-data.ts';
import type { IndicatorService } from '../indicators/service.ts';
import { type IndicatorView, indicatorView, type Lang } from '../indicators/view.ts';

export interface OfficialPorts {
  indicators: readonly IndicatorDefinition[];
  /** The indicator service, wired as at the API (aws/indicator-ports.ts). */
  service: Pick<IndicatorService, 'decide'>;
  /** The periods computed for an indicator, oldest first (aws/indicator-store.ts). */
  periods(indicator: string): Promise<string[]>;
  /** The agency the desk requests as (ndx.config.ts: the reporting agency). */
  agency: string;
  clock?: () => Date;
}

/** Periods charted in a trend (the newest ones). */
export const TREND_PERIODS = 12;

export class NoIndicatorError extends Error {
  override readonly name = 'NoIndicatorError';
}

export interface DashboardIndex {
  indicators: Array<{ id: string; title: string; provider: string; periods: number; latest: string | undefined }>;
}

export interface Dashboard {
  indicator: IndicatorDefinition;
  version: string;
  periods: string[];
  /** The period shown, and its release's view (absent when refused: `refusal` says why). */
  period: string | undefined;
  view?: IndicatorView;
  refusal?: { code: string; message: string };
  auditIds: string[];
}

export class OfficialDesk {
  private readonly ports: OfficialPorts;

  constructor(ports: OfficialPorts) {
    this.ports = ports;
  }

  async index(): Promise<DashboardIndex> {
    const indicators = await Promise.all(
      this.ports.indicators.map(async (c) => {
        const periods = await this.ports.periods(c.id);
        return { id: c.id, title: c.title, provider: c.provider, periods: periods.length, latest: periods.at(-1) };
      }),
    );
    return { indicators };
  }

  private async ask(c: IndicatorDefinition, period: string): Promise<IndicatorReply> {
    const now = (this.ports.clock ?? (() => new Date()))();
    const requestId = randomUUID();
    const body = JSON.stringify({ kind: 'indicator', requestId, indicator: c.id, period, format: 'sdmx-json', onBehalfOf: 'ndx console, indicator dashboard' });
    const { reply } = await this.ports.service.decide({
      consumer: this.ports.agency,
      body,
      messageId: `console-${requestId}`,
      receivedAt: now.toISOString(),
      key: `${this.ports.agency}:${requestId}`,
      digest: '',
    });
    return reply;
  }

  /** One indicator for a period (default: the newest computed), with the trend over the newest periods before it. */
  async dashboard(id: string, wanted: string | undefined, lang: Lang): Promise<Dashboard> {
    const c = this.ports.indicators.find((x) => x.id === id);
    if (!c) throw new NoIndicatorError(`no indicator ${id}`);
    const periods = await this.ports.periods(c.id);
    const period = wanted && periods.includes(wanted) ? wanted : periods.at(-1);
    const newest = [...c.versions].sort((a, b) => compareSemver(b.version, a.version))[0];
    if (!newest) throw new NoIndicatorError(`${id} has no version`);
    if (!period) return { indicator: c, version: newest.version, periods, period: undefined, auditIds: [] };
    const trendPeriods = periods.filter((p) => p <= period).slice(-TREND_PERIODS);
    const replies = await Promise.all(trendPeriods.map((p) => this.ask(c, p)));
    const auditIds = replies.flatMap((r) => (r.provenance ? [r.provenance.auditId] : []));
    const current = replies.at(-1);
    if (current?.code !== 'OK') {
      return {
        indicator: c,
        version: newest.version,
        periods,
        period,
        auditIds,
        refusal: { code: current?.code ?? 'INTERNAL', message: current?.message ?? '' },
      };
    }
    const version = c.versions.find((v) => v.version === current.version) ?? newest;
    const releases: Release[] = replies
      .filter((r) => r.code === 'OK' && r.period && r.summary)
      .map((r) => ({
        indicator: c.id,
        version: version.version,
        period: r.period as string,
        observations: observationsOf(version.indicator, r.data),
        summary: r.summary as Release['summary'],
      }));
    const release = releases.at(-1) as Release;
    return {
      indicator: c,
      version: version.version,
      periods,
      period,
      view: indicatorView(version.indicator, release, lang, releases.slice(0, -1)),
      auditIds,
    };
  }
}
