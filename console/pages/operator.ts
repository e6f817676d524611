/**
 * The operators' pages: platform health (queues, registries, alarms, dead letters), a queue's dead
 * letters and their redrive, lookups over time (server-drawn SVG charts, each with a title and the
 * same figures as a table), and the audit trail's verification.
 */
import type { VNode } from 'preact';
import { STATUSES, type Status } from '../../contracts/protocol.ts';
import type { ActivityView, AuditView, DeadLettersView, HealthView } from '../../domain/console/operator.ts';
import type { LatencyRow } from '../../domain/ops/activity.ts';
import type { AlarmState, DeadLetter, NdxQueue, QueueStatus } from '../../domain/ops/queues.ts';
import { html, Layout, type PageContext } from '../html.ts';
import { type Messages, when } from '../i18n.ts';

const age = (m: Messages, s: number | null) =>
  s === null ? m.ops.queues.na : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;

/** The operator pages' own navigation (the area's pages), below the page title. */
function OpsNav(props: { c: PageContext }): VNode {
  const { c } = props;
  const o = c.m.ops;
  const items = [
    { href: '/console/ops', label: o.navHealth },
    { href: '/console/ops/activity', label: o.navActivity },
    { href: '/console/ops/audit', label: o.navAudit },
  ];
  return html`<nav class="subnav" aria-label=${o.pages}>
    <ul>
      ${items.map((i) => html`<li key=${i.href}><a href=${i.href} aria-current=${c.path === i.href ? 'page' : undefined}>${i.label}</a></li>`)}
    </ul>
  </nav>`;
}

function consumerText(m: Messages, q: NdxQueue): string {
  return q.consumer === 'router' ? m.ops.queues.router : q.consumer;
}

function QueueRow(props: { m: Messages; q: QueueStatus }): VNode {
  const { m, q } = props;
  const t = m.ops.queues;
  const dead = q.dlq.visible + q.dlq.inFlight;
  return html`<tr>
    <th scope="row" class="mono">${q.name}</th>
    <td>${t.kinds[q.kind] ?? q.kind}</td>
    <td>${consumerText(m, q)}</td>
    <td class="num">${q.exists ? q.queue.visible : '—'}</td>
    <td class="num">${q.exists ? q.queue.inFlight : '—'}</td>
    <td class="num">${q.exists ? age(m, q.queue.oldestAgeSeconds) : '—'}</td>
    <td class="num">${q.exists ? (dead > 0 ? html`<a href="/console/ops/dlq/${q.name}">${dead}</a>` : 0) : '—'}</td>
    <td><span class="badge ${q.problems.length ? 'bad' : 'ok'}">${!q.exists ? t.missing : q.problems.length ? t.bad : t.ok}</span></td>
  </tr>`;
}

function conditionText(m: Messages, a: AlarmState): string {
  const t = m.ops.alarms;
  return a.watches === 'dlq-depth' ? t.dlqDepth(a.threshold) : a.watches === 'oldest-age' ? t.oldestAge(a.threshold) : t.other(a.threshold);
}

const alarmClass = (s: AlarmState['state']) => (s === 'ALARM' ? 'bad' : s === 'OK' ? 'ok' : 'muted');

function Alarms(props: { c: PageContext; view: HealthView }): VNode {
  const { c, view } = props;
  const t = c.m.ops.alarms;
  return html`<section aria-labelledby="h-alarms">
    <h2 id="h-alarms">${t.title}</h2>
    <p class=${view.alarmSource === 'computed' ? 'notice warn' : ''} data-testid="alarm-source">${view.alarmSource === 'cloudwatch' ? t.cloudwatch : t.computed}</p>
    ${
      view.alarms.length === 0
        ? html`<p>${t.none}</p>`
        : html`<table>
            <caption class="visually-hidden">${t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">${t.name}</th>
                <th scope="col">${t.state}</th>
                <th scope="col">${t.condition}</th>
                <th scope="col" class="num">${t.value}</th>
                ${view.alarmSource === 'cloudwatch' ? html`<th scope="col">${t.since}</th>` : null}
              </tr>
            </thead>
            <tbody>
              ${view.alarms.map(
                (a) => html`<tr key=${a.name}>
                  <th scope="row" class="mono">${a.name}</th>
                  <td><span class="badge ${alarmClass(a.state)}">${t.states[a.state] ?? a.state}</span></td>
                  <td>${conditionText(c.m, a)}</td>
                  <td class="num">${a.value ?? '—'}</td>
                  ${view.alarmSource === 'cloudwatch' ? html`<td>${a.since ? when(c.m, a.since) : '—'}</td>` : null}
                </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

export function healthPage(c: PageContext, view: HealthView, flash?: string): VNode {
  const o = c.m.ops;
  const s = view.status;
  const dead = s.queues.filter((q) => q.dlq.visible + q.dlq.inFlight > 0);
  const cloud = s.queues.some((q) => q.ageSource === 'cloudwatch');
  return html`<${Layout} c=${c} title=${o.health.title}>
    <h1>${o.health.title}</h1>
    <${OpsNav} c=${c} />
    ${flash ? html`<p class="notice ok" role="status">${flash}</p>` : null}
    ${
      s.healthy
        ? html`<p class="notice ok" data-testid="verdict">${o.health.healthy}</p>`
        : html`<div class="notice bad" data-testid="verdict">
            <p>${o.health.unhealthy(s.problems.length)}</p>
            <ul>${s.problems.map((p, i) => html`<li key=${i}>${p}</li>`)}</ul>
          </div>`
    }
    <p>${o.health.checkedAt(when(c.m, view.at))}</p>

    <section aria-labelledby="h-dlq">
      <h2 id="h-dlq">${o.dlq.title}</h2>
      ${
        dead.length === 0
          ? html`<p data-testid="no-dead-letters">${o.dlq.none}</p>`
          : html`<ul class="dead" data-testid="dead-letters">
              ${dead.map(
                (q) => html`<li key=${q.name}>
                  ${o.dlq.waiting(q.dlq.visible + q.dlq.inFlight, q.name)}:
                  <a href="/console/ops/dlq/${q.name}">${o.dlq.see}<span class="visually-hidden"> (${q.name})</span></a>
                </li>`,
              )}
            </ul>`
      }
    </section>


    <section aria-labelledby="h-queues">
      <h2 id="h-queues">${o.queues.title}</h2>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">${o.queues.caption}</caption>
          <thead>
            <tr>
              <th scope="col">${o.queues.queue}</th>
              <th scope="col">${o.queues.kind}</th>
              <th scope="col">${o.queues.consumer}</th>
              <th scope="col" class="num">${o.queues.depth}</th>
              <th scope="col" class="num">${o.queues.inFlight}</th>
              <th scope="col" class="num">${o.queues.oldest}</th>
              <th scope="col" class="num">${o.queues.dlq}</th>
              <th scope="col">${o.queues.state}</th>
            </tr>
          </thead>
          <tbody>
            ${s.queues.map((q) => html`<${QueueRow} key=${q.name} m=${c.m} q=${q} />`)}
          </tbody>
        </table>
      </div>
      <p class="small">${cloud ? o.queues.ageCloudwatch : o.queues.ageLocal}</p>
    </section>

    <section aria-labelledby="h-registries">
      <h2 id="h-registries">${o.registries.title}</h2>
      <table>
        <caption class="visually-hidden">${o.registries.caption}</caption>
        <thead>
          <tr>
            <th scope="col">${o.registries.registry}</th>
            <th scope="col">${o.registries.table}</th>
            <th scope="col">${o.registries.status}</th>
            <th scope="col">${o.registries.answers}</th>
          </tr>
        </thead>
        <tbody>
          ${s.registries.map(
            (r) => html`<tr key=${r.registry}>
              <th scope="row">${r.registry}</th>
              <td class="mono">${r.table ?? o.registries.notTable}</td>
              <td>${r.tableStatus}</td>
              <td><span class="badge ${r.answers ? 'ok' : 'bad'}">${r.answers ? o.registries.yes : o.registries.no}</span></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>

    <${Alarms} c=${c} view=${view} />
  <//>`;
}

function lookupText(d: DeadLetter): string {
  return [d.requestId, d.contract && `${d.contract}${d.version ? `@${d.version}` : ''}`, d.purpose, d.agency, d.status && `${d.status}/${d.code ?? ''}`]
    .filter(Boolean)
    .join(' · ');
}

export function deadLettersPage(c: PageContext, view: DeadLettersView, flash?: { text: string; tone: 'ok' | 'warn' }): VNode {
  const t = c.m.ops.dlq;
  const title = t.pageTitle(view.queue.name);
  return html`<${Layout} c=${c} title=${title}>
    <h1>${title}</h1>
    <${OpsNav} c=${c} />
    ${flash ? html`<p class="notice ${flash.tone}" role="status" data-testid="flash">${flash.text}</p>` : null}
    <p class="lead">${t.intro}</p>
    ${
      view.depth === 0
        ? html`<p data-testid="dlq-empty">${t.empty(view.queue.deadLetterQueue)}</p>`
        : html`<p data-testid="dlq-count">${t.count(view.depth, view.messages.length)}</p>
            <div class="scroll">
              <table>
                <caption class="visually-hidden">${t.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t.messageId}</th>
                    <th scope="col">${t.type}</th>
                    <th scope="col" class="num">${t.receives}</th>
                    <th scope="col" class="num">${t.size}</th>
                    <th scope="col">${t.sent}</th>
                    <th scope="col">${t.lookup}</th>
                    <th scope="col">${t.why}</th>
                  </tr>
                </thead>
                <tbody>
                  ${view.messages.map(
                    (d) => html`<tr key=${d.messageId}>
                      <th scope="row" class="mono">${d.messageId}</th>
                      <td>${t.types[d.type] ?? d.type}</td>
                      <td class="num">${d.receiveCount}</td>
                      <td class="num">${d.sizeBytes}</td>
                      <td>${d.sentAt ? when(c.m, d.sentAt) : '—'}</td>
                      <td class="mono">${lookupText(d) || '—'}</td>
                      <td>${d.reason}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <p class="small">${t.receivesNote}</p>
            <div class="actions">
              <a class="button" href="/console/ops/dlq/${view.queue.name}/redrive">${t.redrive}</a>
            </div>`
    }
    <p><a href="/console/ops">${t.back}</a></p>
  <//>`;
}

/** What a redrive will do, and a form to confirm it (nothing moves until the operator confirms). */
export function redriveConfirmPage(c: PageContext, view: DeadLettersView): VNode {
  const t = c.m.ops.redrive;
  const title = t.title(view.queue.name);
  return html`<${Layout} c=${c} title=${title}>
    <h1>${title}</h1>
    <p class="notice warn">${t.effect(view.depth, view.queue.deadLetterQueue, view.queue.name)}</p>
    <form method="post" action="/console/ops/dlq/${view.queue.name}/redrive" class="actions">
      <input type="hidden" name="csrf" value=${c.csrf} />
      <button type="submit" class="primary">${t.yes}</button>
      <a class="button secondary" href="/console/ops/dlq/${view.queue.name}">${t.cancel}</a>
    </form>
  <//>`;
}

/** Each outcome's colour in the charts (contrast ≥ 3:1 on white, and always with the table beside it); console/style.ts has the same for the legend. */
const OUTCOME_COLOUR: Record<Status, string> = {
  OK: '#116329',
  NOT_FOUND: '#0b4f9c',
  DENIED: '#a3151c',
  INVALID: '#8a4b00',
  ERROR: '#5b2a86',
  DUPLICATE: '#4a4a4a',
};

const hourLabel = (m: Messages, iso: string) =>
  new Intl.DateTimeFormat(m.locale, { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(iso));

/** A "nice" top for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function axisTop(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((k) => k * p).find((v) => v >= max) ?? 10 * p) as number;
}

const W = 720;
const H = 240;
const PAD = { left: 48, right: 8, top: 8, bottom: 28 };

function Axis(props: { top: number; labels: string[] }): VNode {
  const { top, labels } = props;
  const plotH = H - PAD.top - PAD.bottom;
  const plotW = W - PAD.left - PAD.right;
  const step = plotW / Math.max(labels.length, 1);
  return html`<g aria-hidden="true">
    ${[0, 0.5, 1].map((f) => {
      const y = PAD.top + plotH * (1 - f);
      return html`<g key=${f}>
        <line x1=${PAD.left} x2=${W - PAD.right} y1=${y} y2=${y} stroke="#c8c8c8" />
        <text x=${PAD.left - 6} y=${y + 4} text-anchor="end">${Math.round(top * f)}</text>
      </g>`;
    })}
    ${labels.map((l, i) => (i % 3 === 0 ? html`<text key=${i} x=${PAD.left + step * i + step / 2} y=${H - 8} text-anchor="middle">${l}</text>` : null))}
  </g>`;
}

/** Stacked bars: lookups per interval, one colour per outcome. */
export function OutcomeChart(props: { c: PageContext; view: ActivityView }): VNode {
  const { c, view } = props;
  const t = c.m.ops.activity;
  const rows = view.counts.rows;
  const sums = rows.map((r) => STATUSES.reduce((n, s) => n + r.counts[s], 0));
  const top = axisTop(Math.max(0, ...sums));
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(rows.length, 1);
  const barW = Math.max(2, step * 0.7);
  return html`<figure>
    <svg role="img" aria-labelledby="chart-outcomes-title" viewBox="0 0 ${W} ${H}" width="100%" data-testid="chart-outcomes">
      <title id="chart-outcomes-title">${t.chart(Math.round((view.window.to.getTime() - view.window.from.getTime()) / 3_600_000))}</title>
      <${Axis} top=${top} labels=${rows.map((r) => hourLabel(c.m, r.start))} />
      ${rows.map((r, i) => {
        let y = PAD.top + plotH;
        return html`<g key=${r.start}>
          ${STATUSES.filter((s) => r.counts[s] > 0).map((s) => {
            const h = (r.counts[s] / top) * plotH;
            y -= h;
            return html`<rect key=${s} x=${PAD.left + step * i + (step - barW) / 2} y=${y} width=${barW} height=${h} fill=${OUTCOME_COLOUR[s]} />`;
          })}
        </g>`;
      })}
    </svg>
    <figcaption>
      <ul class="legend">
        ${STATUSES.map((s) => html`<li key=${s}><span class="swatch o-${s}"></span>${c.m.outcome[s]} <span class="mono">(${s})</span></li>`)}
      </ul>
    </figcaption>
  </figure>`;
}

/** Two lines: the average and the maximum latency per interval; gaps where no lookup was answered. */
export function LatencyChart(props: { c: PageContext; rows: LatencyRow[]; hours: number }): VNode {
  const { c, rows, hours } = props;
  const t = c.m.ops.activity;
  const top = axisTop(Math.max(0, ...rows.map((r) => r.maximum ?? 0)));
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(rows.length, 1);
  const points = (pick: (r: LatencyRow) => number | null) =>
    rows
      .map((r, i) => {
        const v = pick(r);
        return v === null ? null : `${(PAD.left + step * i + step / 2).toFixed(1)},${(PAD.top + plotH * (1 - v / top)).toFixed(1)}`;
      })
      .filter((p): p is string => p !== null)
      .join(' ');
  return html`<figure>
    <svg role="img" aria-labelledby="chart-latency-title" viewBox="0 0 ${W} ${H}" width="100%" data-testid="chart-latency">
      <title id="chart-latency-title">${t.latencyChart(hours)}</title>
      <${Axis} top=${top} labels=${rows.map((r) => hourLabel(c.m, r.start))} />
      <polyline points=${points((r) => r.maximum)} fill="none" stroke="#a3151c" stroke-width="2" stroke-dasharray="6 3" />
      <polyline points=${points((r) => r.average)} fill="none" stroke="#0b4f9c" stroke-width="2" />
    </svg>
    <figcaption>
      <ul class="legend">
        <li><span class="swatch l-avg"></span>${t.average}</li>
        <li><span class="swatch l-max"></span>${t.maximum}</li>
      </ul>
    </figcaption>
  </figure>`;
}

export function activityPage(c: PageContext, view: ActivityView): VNode {
  const t = c.m.ops.activity;
  const hours = Math.round((view.window.to.getTime() - view.window.from.getTime()) / 3_600_000);
  const rows = view.counts.rows;
  return html`<${Layout} c=${c} title=${t.title}>
    <h1>${t.title}</h1>
    <${OpsNav} c=${c} />
    <p class="lead">${t.intro(hours)}</p>

    <section aria-labelledby="h-counts">
      <h2 id="h-counts">${t.countsTitle}</h2>
      <p>${t.countsSource}</p>
      ${view.counts.truncated ? html`<p class="notice warn">${t.truncated(view.counts.read)}</p>` : null}
      <p data-testid="lookup-total">${t.total(view.counts.total)}</p>
      <${OutcomeChart} c=${c} view=${view} />
      <div class="scroll">
        <table data-testid="table-outcomes">
          <caption>${t.tableCaption}</caption>
          <thead>
            <tr>
              <th scope="col">${t.hour}</th>
              ${STATUSES.map((s) => html`<th key=${s} scope="col" class="num">${c.m.outcome[s]}</th>`)}
              <th scope="col" class="num">${t.sum}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr key=${r.start}>
                <th scope="row"><time datetime=${r.start}>${when(c.m, r.start)}</time></th>
                ${STATUSES.map((s) => html`<td key=${s} class="num">${r.counts[s]}</td>`)}
                <td class="num">${STATUSES.reduce((n, s) => n + r.counts[s], 0)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>

    <section aria-labelledby="h-latency">
      <h2 id="h-latency">${t.latencyTitle}</h2>
      ${
        view.latency
          ? html`<p>${t.latencySource}</p>
              <${LatencyChart} c=${c} rows=${view.latency} hours=${hours} />
              <div class="scroll">
                <table data-testid="table-latency">
                  <caption>${t.latencyCaption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">${t.hour}</th>
                      <th scope="col" class="num">${t.average}</th>
                      <th scope="col" class="num">${t.maximum}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${view.latency.map(
                      (r) => html`<tr key=${r.start}>
                        <th scope="row"><time datetime=${r.start}>${when(c.m, r.start)}</time></th>
                        <td class="num">${r.average ?? t.noData}</td>
                        <td class="num">${r.maximum ?? t.noData}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
          : html`<p class="notice warn" data-testid="latency-none">${t.latencyNone}</p>`
      }
    </section>
  <//>`;
}

export function auditPage(c: PageContext, view: AuditView): VNode {
  const t = c.m.ops.audit;
  const r = view.report;
  const broken = r.partitions.filter((p) => p.broken);
  return html`<${Layout} c=${c} title=${t.title}>
    <h1>${t.title}</h1>
    <${OpsNav} c=${c} />
    <p class="lead">${t.intro}</p>
    <p>${t.range(view.range.from, view.range.to)}</p>
    ${
      r.partitions.length === 0
        ? html`<p class="notice" data-testid="audit-verdict">${t.none}</p>`
        : broken.length === 0
          ? html`<p class="notice ok" data-testid="audit-verdict">${t.intact(r.records, r.partitions.length)}</p>`
          : html`<p class="notice bad" data-testid="audit-verdict">${t.broken(broken.length, r.partitions.length)}</p>
              <table>
                <caption>${t.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t.partition}</th>
                    <th scope="col" class="num">${t.seq}</th>
                    <th scope="col">${t.kind}</th>
                    <th scope="col">${t.message}</th>
                  </tr>
                </thead>
                <tbody>
                  ${broken.map(
                    (p) => html`<tr key=${p.partition}>
                      <th scope="row" class="mono">${p.partition}</th>
                      <td class="num">${p.broken?.seq}</td>
                      <td>${p.broken?.kind}</td>
                      <td>${p.broken?.message}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
    }
    <section aria-labelledby="h-anchor">
      <h2 id="h-anchor">${t.anchorTitle}</h2>
      ${
        view.anchor
          ? html`<dl class="terms" data-testid="anchor">
                <dt>${t.anchorAt}</dt>
                <dd><time datetime=${view.anchor.takenAt}>${when(c.m, view.anchor.takenAt)}</time></dd>
                <dt>${t.anchorPartitions}</dt>
                <dd>${view.anchor.partitions}</dd>
                <dt>${t.anchorWhere}</dt>
                <dd class="mono">${view.anchor.location}</dd>
              </dl>
              ${r.anchor ? html`<p>${t.anchorChecked(r.anchor.partitions)}</p>` : null}`
          : html`<p class="notice warn" data-testid="anchor">${view.noStore ? t.noStore : t.noAnchor}</p>`
      }
    </section>
  <//>`;
}
