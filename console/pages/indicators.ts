/**
 * The officials' pages: the list of indicators, and one indicator's dashboard for a period — the
 * released table with withheld cells marked (never a number), the trend of the total over periods (an
 * SVG chart with its table), and the provinces ranked by their total. Everything comes from the desk's
 * view (domain/indicators/view.ts); the page only formats it.
 */
import type { VNode } from 'preact';
import type { Dashboard, DashboardIndex } from '../../domain/console/indicators.ts';
import type { IndicatorView, ViewCell } from '../../domain/indicators/view.ts';
import { html, Layout, type PageContext } from '../html.ts';

const num = (c: PageContext, n: number) => n.toLocaleString(c.m.locale);

export const indicatorPath = (id?: string) => (id ? `/console/indicators/${id}` : '/console/indicators');

export function indicatorsPage(c: PageContext, index: DashboardIndex): VNode {
  const t = c.m.indicators;
  return html`<${Layout} c=${c} title=${t.title}>
    <h1>${t.title}</h1>
    <p class="lead">${t.lead}</p>
    <table>
      <thead>
        <tr><th scope="col">${t.title}</th><th scope="col">${t.registry}</th><th scope="col" class="num">${t.periods}</th><th scope="col">${t.latest}</th></tr>
      </thead>
      <tbody>
        ${index.indicators.map(
          (i) => html`<tr key=${i.id}>
            <td><a href=${indicatorPath(i.id)}>${i.title}</a><br /><span class="mono">${i.id}</span></td>
            <td class="mono">${i.provider}</td>
            <td class="num">${i.periods}</td>
            <td>${i.latest ?? t.none}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}

function Cell(props: { c: PageContext; cell: ViewCell; header?: boolean }): VNode {
  const { c, cell } = props;
  const t = c.m.indicators;
  if (cell.value !== null) return html`<td class="num">${num(c, cell.value)}</td>`;
  return html`<td class="num withheld" data-conf=${cell.conf}><span aria-hidden="true">× ${cell.conf}</span><span class="visually-hidden">${t.withheld} (${cell.conf})</span></td>`;
}

const W = 640;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function TrendChart(props: { c: PageContext; trend: IndicatorView['trend'] }): VNode {
  const { c, trend } = props;
  const t = c.m.indicators;
  const values = trend.map((p) => p.total ?? 0);
  const top = Math.max(1, ...values);
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(trend.length, 1);
  const barW = Math.max(4, step * 0.6);
  return html`<figure>
    <svg role="img" aria-labelledby="chart-trend-title" viewBox="0 0 ${W} ${H}" width="100%" data-testid="chart-trend">
      <title id="chart-trend-title">${t.trendChart(trend.length)}</title>
      <line x1=${PAD.left} y1=${PAD.top + plotH} x2=${W - PAD.right} y2=${PAD.top + plotH} stroke="#4a4a4a" />
      <text x=${PAD.left - 6} y=${PAD.top + 10} text-anchor="end">${num(c, top)}</text>
      <text x=${PAD.left - 6} y=${PAD.top + plotH} text-anchor="end">0</text>
      ${trend.map((p, i) => {
        const h = p.total === null ? 0 : (p.total / top) * plotH;
        const x = PAD.left + step * i + (step - barW) / 2;
        return html`<g key=${p.period}>
          ${p.total === null ? html`<text x=${x + barW / 2} y=${PAD.top + plotH - 4} text-anchor="middle">×</text>` : html`<rect x=${x} y=${PAD.top + plotH - h} width=${barW} height=${h} fill="#0b4f9c" />`}
          ${trend.length <= 12 || i % 3 === 0 ? html`<text x=${x + barW / 2} y=${H - 8} text-anchor="middle">${p.period}</text>` : null}
        </g>`;
      })}
    </svg>
  </figure>`;
}

export function dashboardPage(c: PageContext, d: Dashboard): VNode {
  const t = c.m.indicators;
  const v = d.view;
  const title = d.indicator.title;
  return html`<${Layout} c=${c} title=${title}>
    <p><a href=${indicatorPath()}>${t.back}</a></p>
    <h1>${title}</h1>
    <p class="lead">${d.indicator.description} <span class="mono">${d.indicator.id}@${d.version}</span></p>
    ${
      d.periods.length
        ? html`<form method="get" action=${indicatorPath(d.indicator.id)} class="actions">
            <label for="period">${t.period}</label>
            <select id="period" name="period">
              ${[...d.periods].reverse().map((p) => html`<option key=${p} value=${p} selected=${p === d.period}>${p}</option>`)}
            </select>
            <button type="submit" class="secondary">${t.show}</button>
          </form>`
        : html`<p class="notice warn">${t.notComputed}</p>`
    }
    ${d.refusal ? html`<p class="notice bad" role="status">${t.refused(d.refusal.code)} ${d.refusal.message}</p>` : null}
    ${
      v
        ? html`
          <p class="notice" data-testid="summary">${t.summary(v.summary.published, v.summary.cells, v.summary.primary, v.summary.secondary)}</p>
          <h2 id="table-heading">${t.table} — ${v.period}</h2>
          <ul class="legend" aria-label=${t.legendTitle}>
            <li>${t.legendA}</li>
            <li>${t.legendD}</li>
          </ul>
          <div class="scroll" role="region" aria-labelledby="table-heading" tabindex="0">
            <table data-testid="indicator-table">
              <caption>${t.tableCaption(v.rowDimension, v.columnDimensions.join(' × '))}</caption>
              <thead>
                <tr>
                  <th scope="col">${v.rowDimension}</th>
                  ${v.columns.map((col) => html`<th key=${col.codes.join('|')} scope="col" class="num">${col.label}</th>`)}
                  <th scope="col" class="num">${t.total}</th>
                </tr>
              </thead>
              <tbody>
                ${v.rows.map(
                  (r) => html`<tr key=${r.code}>
                    <th scope="row">${r.label}</th>
                    ${r.cells.map((cell, j) => html`<${Cell} key=${j} c=${c} cell=${cell} />`)}
                    <${Cell} c=${c} cell=${r.total} />
                  </tr>`,
                )}
                <tr>
                  <th scope="row">${t.total}</th>
                  ${v.columnTotals.map((cell, j) => html`<${Cell} key=${j} c=${c} cell=${cell} />`)}
                  <${Cell} c=${c} cell=${v.grandTotal} />
                </tr>
              </tbody>
            </table>
          </div>
          <h2>${t.trend}</h2>
          <${TrendChart} c=${c} trend=${v.trend} />
          <table data-testid="trend-table">
            <thead><tr><th scope="col">${t.period}</th><th scope="col" class="num">${t.total}</th></tr></thead>
            <tbody>
              ${v.trend.map((p) => html`<tr key=${p.period}><td>${p.period}</td><${Cell} c=${c} cell=${{ value: p.total, conf: p.total === null ? 'D' : 'F' }} /></tr>`)}
            </tbody>
          </table>
          <h2>${t.ranking}</h2>
          <ol class="ranking" data-testid="ranking">
            ${v.ranking.map(
              (r) => html`<li key=${r.code}>
                ${r.label}: ${r.total === null ? html`<span aria-hidden="true">×</span><span class="visually-hidden">${t.withheld}</span>` : html`<strong>${num(c, r.total)}</strong>`}
              </li>`,
            )}
          </ol>
          <p class="small">${t.audit(d.auditIds.length)}</p>
        `
        : null
    }
  <//>`;
}
