/** The citizen's pages: who looked at my data; my consents, each with pause, resume or withdraw and what that does. */
import type { VNode } from 'preact';
import type { AccessView, ConsentView, TrailView } from '../../domain/console/citizen.ts';
import type { ConsentChange } from '../../domain/consent/service.ts';
import { type Messages, when } from '../i18n.ts';
import { html, Layout, type PageContext } from '../html.ts';

const outcomeClass = (o: AccessView['outcome']) => (o === 'OK' ? 'ok' : o === 'DENIED' || o === 'ERROR' ? 'bad' : 'muted');

function purposeText(m: Messages, p: { code: string; description?: string } | undefined): string {
  if (!p) return '—';
  return m.purpose[p.code] ?? p.description ?? p.code;
}

function Access(props: { m: Messages; a: AccessView }): VNode {
  const { m, a } = props;
  const t = m.trail;
  return html`<li>
    <dl class="terms">
      <dt>${t.when}</dt>
      <dd><time datetime=${a.at}>${when(m, a.at)}</time></dd>
      <dt>${t.agency}</dt>
      <dd>${a.agency.name}</dd>
      ${a.onBehalfOf ? html`<dt>${t.onBehalfOf}</dt><dd>${a.onBehalfOf}</dd>` : null}
      <dt>${t.purpose}</dt>
      <dd>${purposeText(m, a.purpose)}</dd>
      <dt>${t.basis}</dt>
      <dd>
        ${
          a.basis?.kind === 'legal'
            ? html`${a.basis.instrument}, ${a.basis.article}`
            : a.basis?.kind === 'consent'
              ? html`<a href="/console/me/consents#${a.basis.consentId}">${t.consentBasis(a.basis.consentId)}</a>`
              : '—'
        }
      </dd>
      <dt>${t.registry}</dt>
      <dd>${a.contract ? `${a.contract.title}${a.contract.version ? ` (${a.contract.version})` : ''}` : '—'}</dd>
      <dt>${t.fields}</dt>
      <dd>
        ${
          a.fields.length
            ? html`<ul class="fields">
                ${a.fields.map((f) => html`<li key=${f.name}>${f.category ? m.category[f.category] : f.name} <span class="mono">(${f.name})</span></li>`)}
              </ul>`
            : t.noFields
        }
      </dd>
      <dt>${t.outcome}</dt>
      <dd><span class="badge ${outcomeClass(a.outcome)}">${m.outcome[a.outcome]}</span></dd>
    </dl>
    ${a.intact ? null : html`<p class="notice bad">${t.altered}</p>`}
  </li>`;
}

export function trailPage(c: PageContext, view: TrailView): VNode {
  const t = c.m.trail;
  return html`<${Layout} c=${c} title=${t.title}>
    <h1>${t.title}</h1>
    <p class="lead">${t.intro}</p>
    ${view.withheld > 0 ? html`<p class="notice warn" data-testid="withheld">${t.withheld(view.withheld)}</p>` : null}
    ${
      view.accesses.length === 0
        ? html`<p>${t.none}</p>`
        : html`<p>${t.count(view.accesses.length, view.released)}</p>
            <ol class="accesses">
              ${view.accesses.map((a) => html`<${Access} key=${a.auditId} m=${c.m} a=${a} />`)}
            </ol>`
    }
  <//>`;
}

const statusClass = (s: ConsentView['status']) => (s === 'ACTIVE' ? 'ok' : s === 'PAUSED' ? 'warn' : 'muted');

function limitsText(m: Messages, v: ConsentView): string {
  const r = v.record;
  const parts: string[] = [];
  if (r.limits?.maxUses !== undefined) parts.push(m.consents.maxUses(r.useCount ?? 0, r.limits.maxUses));
  if (r.limits?.perPeriod) parts.push(m.consents.perPeriod(r.limits.perPeriod.uses, r.limits.perPeriod.period));
  return parts.length ? parts.join('; ') : m.consents.noLimit(r.useCount ?? 0);
}

export function Consent(props: { c: PageContext; v: ConsentView; actions: boolean }): VNode {
  const { c, v } = props;
  const m = c.m;
  const k = m.consents;
  const r = v.record;
  const headingId = `h-${r.consentId}`;
  return html`<section class="card" id=${r.consentId} aria-labelledby=${headingId}>
    <h2 id=${headingId}>${v.agencyName}</h2>
    <p><span class="badge ${statusClass(v.status)}">${m.consentStatus[v.status]}</span></p>
    <dl class="terms">
      <dt>${k.data}</dt>
      <dd>${v.contractTitle} (${r.categories.map((x) => m.category[x as keyof Messages['category']] ?? x).join(', ')})</dd>
      <dt>${k.purposes}</dt>
      <dd>${v.purposes.map((p) => purposeText(m, p)).join('; ')}</dd>
      <dt>${k.validity}</dt>
      <dd>${k.validRange(when(m, r.validFrom, false), when(m, r.validUntil, false))}</dd>
      <dt>${k.limits}</dt>
      <dd>${limitsText(m, v)}</dd>
      <dt>${k.notice}</dt>
      <dd><a href=${r.notice.uri}>${r.notice.uri}</a> (${k.noticeText(r.notice.version, r.notice.language)}) <span class="mono">${r.notice.hash}</span></dd>
      <dt>${k.signature}</dt>
      <dd>${r.signature ? k.signed : '—'}</dd>
      <dt>${k.id}</dt>
      <dd class="mono">${r.consentId}</dd>
      <dt>${k.history}</dt>
      <dd>
        <ul class="fields">
          ${r.events.map((e, i) => html`<li key=${i}>${when(m, e.at)}: ${m.event[e.type] ?? e.type}</li>`)}
        </ul>
      </dd>
    </dl>
    ${
      props.actions && v.actions.length
        ? html`<div class="actions">
            ${v.actions.map(
              (a) =>
                html`<a key=${a} class=${a === 'REVOKED' ? 'button' : 'button secondary'} href="/console/me/consents/${r.consentId}/${actionSlug(a)}">${m.change[a]}</a>`,
            )}
          </div>`
        : null
    }
  </section>`;
}

export const ACTION_SLUGS: Readonly<Record<string, ConsentChange>> = { pause: 'PAUSED', resume: 'RESUMED', revoke: 'REVOKED' };
export const actionSlug = (a: ConsentChange) => (a === 'PAUSED' ? 'pause' : a === 'RESUMED' ? 'resume' : 'revoke');

export function consentsPage(c: PageContext, views: ConsentView[], flash?: string): VNode {
  const k = c.m.consents;
  return html`<${Layout} c=${c} title=${k.title}>
    <h1>${k.title}</h1>
    ${flash ? html`<p class="notice ok" role="status">${flash}</p>` : null}
    <p class="lead">${k.intro}</p>
    ${views.length === 0 ? html`<p>${k.none}</p>` : html`<div class="cards">${views.map((v) => html`<${Consent} key=${v.record.consentId} c=${c} v=${v} actions=${true} />`)}</div>`}
  <//>`;
}

/** What a change will do, and a form to confirm it (nothing changes until the citizen confirms). */
export function confirmPage(c: PageContext, v: ConsentView, change: ConsentChange): VNode {
  const m = c.m;
  const title = m.confirm.title(m.change[change]);
  return html`<${Layout} c=${c} title=${title}>
    <h1>${title}</h1>
    <p class="notice ${change === 'REVOKED' ? 'bad' : 'warn'}">${m.effect[change]}</p>
    <${Consent} c=${c} v=${v} actions=${false} />
    <form method="post" action="/console/me/consents/${v.record.consentId}/${actionSlug(change)}" class="actions">
      <input type="hidden" name="csrf" value=${c.csrf} />
      <button type="submit" class=${change === 'REVOKED' ? 'danger' : 'primary'}>${m.confirm.yes(m.change[change])}</button>
      <a class="button secondary" href="/console/me/consents">${m.confirm.cancel}</a>
    </form>
  <//>`;
}
