/**
 * The stewards' pages: the catalogue, a contract, a version (terms, fields, approvals, history and
 * the actions the signed-in person may take), the diff between two versions, the consumers report,
 * and the confirmation of each lifecycle action with its effect in plain words. Reasons computed by
 * the compatibility checker and the registry are English; they are marked `lang="en"`.
 */
import type { ComponentChildren, VNode } from 'preact';
import { BUMPS, type Bump } from '../../contracts/governance.ts';
import type { LifecycleStatus } from '../../contracts/model.ts';
import type { ContractView, DiffView, StewardAction, UsageView, VersionView } from '../../domain/console/steward.ts';
import { html, Layout, type PageContext } from '../html.ts';
import { type Messages, when } from '../i18n.ts';

export const catalogPath = (id?: string, version?: string, action?: StewardAction) =>
  `/console/catalog${id ? `/${id}` : ''}${version ? `/${version}` : ''}${action ? `/${action}` : ''}`;

const statusClass: Record<LifecycleStatus, string> = {
  draft: 'muted',
  proposed: 'warn',
  approved: 'warn',
  active: 'ok',
  deprecated: 'warn',
  retired: 'muted',
};

function Status(props: { m: Messages; status: LifecycleStatus; sunset?: string | undefined }): VNode {
  const { m, status, sunset } = props;
  return html`<span class="badge ${statusClass[status]}">${m.steward.status[status]}</span>${
    sunset ? html` <span>${m.steward.sunsetOn(when(m, `${sunset}T00:00:00Z`, false))}</span>` : null
  }`;
}

/** English text computed by the checker or the registry, marked as such on a Vietnamese page. */
function En(props: { m: Messages; children: ComponentChildren }): VNode {
  return props.m.lang === 'en' ? html`<span>${props.children}</span>` : html`<span lang="en">${props.children}</span>`;
}

function Crumbs(props: { m: Messages; items: Array<{ href?: string; label: string }> }): VNode {
  return html`<nav aria-label=${props.m.steward.breadcrumb} class="crumbs">
    <ol>
      ${props.items.map((i) => html`<li key=${i.label}>${i.href ? html`<a href=${i.href}>${i.label}</a>` : html`<span aria-current="page">${i.label}</span>`}</li>`)}
    </ol>
  </nav>`;
}

const agencyList = (names: Record<string, string>, ids: readonly string[]) => ids.map((id) => names[id] ?? id).join('; ');

function Flash(props: { text: string | undefined }): VNode | null {
  return props.text ? html`<p class="notice ok" role="status">${props.text}</p>` : null;
}

export function catalogPage(c: PageContext, views: readonly ContractView[]): VNode {
  const s = c.m.steward;
  return html`<${Layout} c=${c} title=${s.title}>
    <h1>${s.title}</h1>
    <p class="lead">${s.intro}</p>
    <table>
      <thead>
        <tr>
          <th scope="col">${s.contract}</th>
          <th scope="col">${s.provider}</th>
          <th scope="col">${s.stewards}</th>
          <th scope="col">${s.versions}</th>
          <th scope="col">${s.consumers}</th>
        </tr>
      </thead>
      <tbody>
        ${views.map((v) => {
          const newest = v.versions.at(-1);
          return html`<tr key=${v.contract.id}>
            <th scope="row"><a href=${catalogPath(v.contract.id)}>${v.contract.title}</a><br /><span class="mono">${v.contract.id}</span></th>
            <td class="mono">${v.contract.provider}</td>
            <td>${v.contract.stewards.map((e) => html`<span key=${e} class="mono">${e}</span> `)}</td>
            <td>
              <ul class="fields">
                ${v.versions.map(
                  (x) =>
                    html`<li key=${x.definition.version}>
                      <a href=${catalogPath(v.contract.id, x.definition.version)}>${x.definition.version}</a> <${Status} m=${c.m} status=${x.status} sunset=${x.sunset} />
                    </li>`,
                )}
              </ul>
            </td>
            <td>${newest ? agencyList(v.agencies, newest.definition.consumers) : '—'}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}

export function contractPage(c: PageContext, v: ContractView): VNode {
  const s = c.m.steward;
  const k = v.contract;
  const newest = v.versions.at(-1);
  const previous = v.versions.at(-2);
  return html`<${Layout} c=${c} title=${k.title}>
    <${Crumbs} m=${c.m} items=${[{ href: catalogPath(), label: s.title }, { label: k.title }]} />
    <h1>${k.title} <span class="mono">${k.id}</span></h1>
    <p class="lead"><${En} m=${c.m}>${k.description}<//></p>
    <dl class="terms">
      <dt>${s.provider}</dt>
      <dd class="mono">${k.provider}</dd>
      <dt>${s.stewards}</dt>
      <dd>${k.stewards.join(', ')}</dd>
      <dt>${s.you}</dt>
      <dd>${v.stewardOf ? s.youAreSteward : s.youAreNotSteward}</dd>
    </dl>
    <h2>${s.versions}</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">${s.version}</th>
          <th scope="col">${s.statusLabel}</th>
          <th scope="col">${s.consumers}</th>
          <th scope="col">${s.changelog}</th>
        </tr>
      </thead>
      <tbody>
        ${[...v.versions].reverse().map(
          (x) => html`<tr key=${x.definition.version}>
            <th scope="row"><a href=${catalogPath(k.id, x.definition.version)}>${x.definition.version}</a></th>
            <td><${Status} m=${c.m} status=${x.status} sunset=${x.sunset} /></td>
            <td>${agencyList(v.agencies, x.definition.consumers)}</td>
            <td><${En} m=${c.m}>${x.definition.changelog}<//></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <div class="actions">
      ${
        newest && previous
          ? html`<a class="button secondary" href="${catalogPath(k.id)}/diff?from=${previous.definition.version}&to=${newest.definition.version}">${s.diffLink(
              previous.definition.version,
              newest.definition.version,
            )}</a>`
          : null
      }
      <a class="button secondary" href="${catalogPath(k.id)}/consumers">${s.usageLink}</a>
    </div>
  <//>`;
}

function Terms(props: { m: Messages; v: VersionView; agencies: Record<string, string> }): VNode {
  const { m, v, agencies } = props;
  const s = m.steward;
  const d = v.definition;
  return html`<dl class="terms">
    <dt>${s.provider}</dt>
    <dd class="mono">${v.contract.provider}</dd>
    <dt>${s.stewards}</dt>
    <dd>${v.contract.stewards.join(', ')}</dd>
    <dt>${s.subject}</dt>
    <dd class="mono">${Object.keys(d.subject.shape).join(', ')}</dd>
    <dt>${s.consumers}</dt>
    <dd>
      <ul class="fields">
        ${d.consumers.map((id) => html`<li key=${id}>${agencies[id] ?? id} <span class="mono">(${id})</span></li>`)}
      </ul>
    </dd>
    <dt>${s.retention}</dt>
    <dd>${s.retentionDays(d.retentionDays)}</dd>
    <dt>${s.rateLimit}</dt>
    <dd>${s.perMinute(d.rateLimit.perAgencyPerMinute)}</dd>
    ${d.list ? html`<dt>${s.answers}</dt><dd>${s.list(d.list.defaultPageSize, d.list.maxPageSize)}</dd>` : null}
    <dt>${s.changelog}</dt>
    <dd><${En} m=${m}>${d.changelog}<//></dd>
    ${v.record ? html`<dt>${s.digest}</dt><dd class="mono">${v.record.digest}</dd>` : null}
  </dl>`;
}

export function versionPage(c: PageContext, v: VersionView, flash?: string): VNode {
  const m = c.m;
  const agencies = v.agencies;
  const s = m.steward;
  const k = v.contract;
  const d = v.definition;
  const title = `${k.title} ${d.version}`;
  const previous = [...k.versions].map((x) => x.version).filter((x) => x !== d.version);
  return html`<${Layout} c=${c} title=${title}>
    <${Crumbs} m=${m} items=${[{ href: catalogPath(), label: s.title }, { href: catalogPath(k.id), label: k.title }, { label: d.version }]} />
    <h1>${title}</h1>
    <${Flash} text=${flash} />
    <p><${Status} m=${m} status=${v.status} sunset=${v.sunset} /> ${s.statusText[v.status]}</p>

    <section aria-labelledby="actions">
      <h2 id="actions">${s.actionsTitle}</h2>
      ${
        v.actions.length
          ? html`<div class="actions">
              ${v.actions.map((a) => html`<a key=${a} class=${a === 'retire' ? 'button' : 'button secondary'} href=${catalogPath(k.id, d.version, a)}>${s.action[a]}</a>`)}
            </div>`
          : html`<p>${s.noActions}</p>`
      }
    </section>

    <h2>${s.termsTitle}</h2>
    <${Terms} m=${m} v=${v} agencies=${agencies} />

    <h2>${s.purposes}</h2>
    <table>
      <thead>
        <tr><th scope="col">${s.code}</th><th scope="col">${s.description}</th></tr>
      </thead>
      <tbody>
        ${d.purposes.map(
          (p) => html`<tr key=${p.code}>
            <th scope="row" class="mono">${p.code}</th>
            <td>${m.purpose[p.code] ? html`${m.purpose[p.code]}<br />` : null}<${En} m=${m}>${p.description}<//></td>
          </tr>`,
        )}
      </tbody>
    </table>

    <h2>${s.legalBases}</h2>
    ${
      d.legalBases.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">${s.basis}</th>
                <th scope="col">${s.instrument}</th>
                <th scope="col">${s.article}</th>
                <th scope="col">${s.covers}</th>
              </tr>
            </thead>
            <tbody>
              ${d.legalBases.map(
                (b) => html`<tr key=${b.id}>
                  <th scope="row" class="mono">${b.id}</th>
                  <td><${En} m=${m}>${b.instrument}<//>${b.sectoral ? html`<br /><${En} m=${m}>${b.sectoral}<//>` : null}</td>
                  <td><${En} m=${m}>${b.article}<//></td>
                  <td>${s.coversText(agencyList(agencies, b.consumers), b.purposes.join(', '))}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
    <p>${s.consentNote}</p>

    <h2>${s.fields}</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">${s.field}</th>
          <th scope="col">${s.category}</th>
          <th scope="col">${s.sensitivity}</th>
          <th scope="col">${s.description}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(d.fields).map(
          ([name, f]) => html`<tr key=${name}>
            <th scope="row" class="mono">${name}</th>
            <td>${m.category[f.category]} <span class="mono">(${f.category})</span></td>
            <td>${s.sensitivityName[f.sensitivity]}</td>
            <td><${En} m=${m}>${f.description}<//></td>
          </tr>`,
        )}
      </tbody>
    </table>

    <h2>${s.approvals}</h2>
    ${
      v.record?.approvals.length
        ? html`<table>
            <thead><tr><th scope="col">${s.role}</th><th scope="col">${s.by}</th><th scope="col">${s.at}</th></tr></thead>
            <tbody>
              ${v.record.approvals.map(
                (a) =>
                  html`<tr key=${a.role}><th scope="row">${s.roleName[a.role]}</th><td>${a.by}</td><td><time datetime=${a.at}>${when(m, a.at)}</time></td></tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${s.noApprovals}</p>`
    }

    <h2>${s.history}</h2>
    ${
      v.record?.events.length
        ? html`<table>
            <thead>
              <tr><th scope="col">${s.at}</th><th scope="col">${s.what}</th><th scope="col">${s.by}</th><th scope="col">${s.note}</th></tr>
            </thead>
            <tbody>
              ${v.record.events.map(
                (e, i) => html`<tr key=${i}>
                  <th scope="row"><time datetime=${e.at}>${when(m, e.at)}</time></th>
                  <td>${s.event(e.action, s.status[e.from], s.status[e.to])}</td>
                  <td>${e.by}</td>
                  <td>${e.note ? html`<${En} m=${m}>${e.note}<//>` : '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${s.noHistory}</p>`
    }

    <div class="actions">
      ${
        previous.length
          ? html`<a class="button secondary" href="${catalogPath(k.id)}/diff?from=${previous.at(-1)}&to=${d.version}">${s.diffLink(previous.at(-1) ?? '', d.version)}</a>`
          : null
      }
      <a class="button secondary" href="${catalogPath(k.id)}/consumers">${s.usageLink}</a>
    </div>
  <//>`;
}

const rank = (b: Bump) => BUMPS.indexOf(b);

function VersionSelect(props: { id: string; label: string; versions: readonly string[]; value: string }): VNode {
  return html`<p>
    <label for=${props.id}>${props.label}</label><br />
    <select id=${props.id} name=${props.id}>
      ${props.versions.map((v) => html`<option key=${v} value=${v} selected=${v === props.value}>${v}</option>`)}
    </select>
  </p>`;
}

/** The diff form alone (a contract with fewer than two versions has nothing to compare). */
export function diffPage(c: PageContext, contract: ContractView['contract'], view: DiffView | undefined): VNode {
  const m = c.m;
  const s = m.steward;
  const versions = contract.versions.map((v) => v.version);
  const title = view ? s.diffTitle(contract.title, view.diff.from, view.diff.to) : s.diffFormTitle(contract.title);
  const d = view?.diff;
  return html`<${Layout} c=${c} title=${title}>
    <${Crumbs} m=${m} items=${[{ href: catalogPath(), label: s.title }, { href: catalogPath(contract.id), label: contract.title }, { label: s.diff }]} />
    <h1>${title}</h1>
    <p class="lead">${s.diffIntro}</p>
    ${
      versions.length < 2
        ? html`<p>${s.oneVersion}</p>`
        : html`<form method="get" action="${catalogPath(contract.id)}/diff" class="inline-form">
            <${VersionSelect} id="from" label=${s.from} versions=${versions} value=${d?.from ?? versions.at(-2) ?? ''} />
            <${VersionSelect} id="to" label=${s.to} versions=${versions} value=${d?.to ?? versions.at(-1) ?? ''} />
            <p><button type="submit" class="primary">${s.compare}</button></p>
          </form>`
    }
    ${
      d
        ? html`<section aria-labelledby="verdict">
            <h2 id="verdict">${s.verdict}</h2>
            <p class=${`notice ${rank(d.bump) >= rank(d.requiredBump) ? 'ok' : 'bad'}`} data-testid="bump">
              ${s.bumpSummary(s.bump[d.bump], s.bump[d.requiredBump])}
              ${' '}${rank(d.bump) >= rank(d.requiredBump) ? s.carries : s.doesNotCarry}
            </p>
            <h2>${s.changes}</h2>
            ${
              d.reasons.length
                ? html`<table data-testid="reasons">
                    <thead><tr><th scope="col">${s.bumpNeeded}</th><th scope="col">${s.change}</th></tr></thead>
                    <tbody>
                      ${d.reasons.map(
                        (r, i) => html`<tr key=${i}>
                          <th scope="row"><span class="badge ${r.bump === 'MAJOR' ? 'bad' : r.bump === 'MINOR' ? 'warn' : 'muted'}">${s.bump[r.bump]}</span></th>
                          <td><${En} m=${m}>${r.message}<//></td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`
                : html`<p>${s.noChanges}</p>`
            }
            ${(['response', 'subject'] as const).map((what) =>
              d[what].map((r) => {
                const heading = s.directionTitle(what, r.direction);
                const id = `${what}-${r.direction}`;
                return html`<section key=${id} aria-labelledby=${id}>
                  <h3 id=${id}>${heading}</h3>
                  ${
                    r.changes.length === 0
                      ? html`<p>${s.noSchemaChanges}</p>`
                      : html`<table data-testid=${id}>
                          <thead>
                            <tr>
                              <th scope="col">${s.path}</th>
                              <th scope="col">${s.kind}</th>
                              <th scope="col">${s.compat}</th>
                              <th scope="col">${s.reason}</th>
                              <th scope="col">${s.bumpNeeded}</th>
                            </tr>
                          </thead>
                          <tbody>
                            ${r.changes.map(
                              (x, i) => html`<tr key=${i}>
                                <th scope="row" class="mono">${x.path}</th>
                                <td class="mono">${x.kind}</td>
                                <td><span class="badge ${x.breaking ? 'bad' : 'ok'}">${x.breaking ? s.breaking : s.compatible}</span></td>
                                <td><${En} m=${m}>${x.reason}<//></td>
                                <td>${x.bump ? s.bump[x.bump] : s.noBumpForward}</td>
                              </tr>`,
                            )}
                          </tbody>
                        </table>`
                  }
                </section>`;
              }),
            )}
          </section>`
        : null
    }
  <//>`;
}

function UsageTable(props: { m: Messages; view: UsageView; only?: string }): VNode {
  const { m, view } = props;
  const s = m.steward;
  const rows = props.only ? view.rows.filter((r) => r.version === props.only) : view.rows;
  if (rows.length === 0)
    return html`<p data-testid="usage-none">${s.noUsage(when(m, `${view.from}T00:00:00Z`, false), when(m, `${view.to}T00:00:00Z`, false))}</p>`;
  return html`<table data-testid="usage">
    <thead>
      <tr>
        <th scope="col">${s.agency}</th>
        <th scope="col">${s.version}</th>
        <th scope="col" class="num">${s.lookups}</th>
        <th scope="col" class="num">${s.answered}</th>
        <th scope="col">${s.first}</th>
        <th scope="col">${s.last}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) => html`<tr key=${`${r.consumer}@${r.version}`}>
          <th scope="row">${r.agencyName} <span class="mono">(${r.consumer})</span></th>
          <td>${r.version}${r.status ? html` <${Status} m=${m} status=${r.status} />` : null}</td>
          <td class="num">${r.lookups}</td>
          <td class="num">${r.ok}</td>
          <td><time datetime=${r.first}>${when(m, r.first)}</time></td>
          <td><time datetime=${r.last}>${when(m, r.last)}</time></td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function usagePage(c: PageContext, view: UsageView): VNode {
  const m = c.m;
  const s = m.steward;
  const k = view.contract;
  const title = s.usageTitle(k.title);
  return html`<${Layout} c=${c} title=${title}>
    <${Crumbs} m=${m} items=${[{ href: catalogPath(), label: s.title }, { href: catalogPath(k.id), label: k.title }, { label: s.usage }]} />
    <h1>${title}</h1>
    <p class="lead">${s.usageIntro}</p>
    <form method="get" action="${catalogPath(k.id)}/consumers" class="inline-form">
      <p><label for="from">${s.fromDay}</label><br /><input type="date" id="from" name="from" value=${view.from} required /></p>
      <p><label for="to">${s.toDay}</label><br /><input type="date" id="to" name="to" value=${view.to} required /></p>
      <p><button type="submit" class="primary">${s.show}</button></p>
    </form>
    <p>${s.usageWindow(when(m, `${view.from}T00:00:00Z`, false), when(m, `${view.to}T00:00:00Z`, false))}</p>
    ${
      view.versions.length
        ? html`<ul>
            ${view.versions.map((v) => html`<li key=${v.version}>${s.usageVersion(v.version, v.lookups, v.agencies)}</li>`)}
          </ul>`
        : null
    }
    <${UsageTable} m=${m} view=${view} />
  <//>`;
}

/** What an action does, the form to confirm it (with the sunset or the reason it needs), and nothing done until confirmed. */
export function confirmActionPage(c: PageContext, v: VersionView, action: StewardAction, extra: { usage?: UsageView; today: string; early?: boolean }): VNode {
  const m = c.m;
  const s = m.steward;
  const k = v.contract;
  const d = v.definition;
  const title = s.confirmTitle(s.action[action], k.title, d.version);
  const danger = action === 'retire' || action === 'deprecate';
  const tomorrow = new Date(Date.parse(`${extra.today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return html`<${Layout} c=${c} title=${title}>
    <${Crumbs} m=${m} items=${[{ href: catalogPath(), label: s.title }, { href: catalogPath(k.id), label: k.title }, { href: catalogPath(k.id, d.version), label: d.version }, { label: s.action[action] }]} />
    <h1>${title}</h1>
    <p class="notice ${danger ? 'bad' : 'warn'}">${s.effect[action]}</p>
    <p><${Status} m=${m} status=${v.status} sunset=${v.sunset} /></p>
    ${action === 'approve-steward' || action === 'approve-dpo' ? html`<p>${s.fourEyes}</p>` : null}
    ${action === 'retire' && extra.early && v.sunset ? html`<p class="notice bad">${s.earlyRetire(when(m, `${v.sunset}T00:00:00Z`, false))}</p>` : null}
    ${
      extra.usage
        ? html`<section aria-labelledby="affected">
            <h2 id="affected">${s.affected(when(m, `${extra.usage.from}T00:00:00Z`, false), when(m, `${extra.usage.to}T00:00:00Z`, false))}</h2>
            <${UsageTable} m=${m} view=${extra.usage} only=${d.version} />
            <p><a href="${catalogPath(k.id)}/consumers">${s.usageLink}</a></p>
          </section>`
        : null
    }
    <form method="post" action=${catalogPath(k.id, d.version, action)}>
      <input type="hidden" name="csrf" value=${c.csrf} />
      ${
        action === 'deprecate'
          ? html`<p>
              <label for="sunset">${s.sunsetLabel}</label><br />
              <input type="date" id="sunset" name="sunset" min=${tomorrow} required aria-describedby="sunset-hint" />
              <br /><span id="sunset-hint" class="hint">${s.sunsetHint}</span>
            </p>`
          : null
      }
      ${
        action === 'retire' && extra.early
          ? html`<p>
              <label for="reason">${s.reasonLabel}</label><br />
              <textarea id="reason" name="reason" rows="3" cols="60" maxlength="500" required aria-describedby="reason-hint"></textarea>
              <br /><span id="reason-hint" class="hint">${s.reasonHint}</span>
            </p>`
          : null
      }
      <div class="actions">
        <button type="submit" class=${danger ? 'danger' : 'primary'}>${s.confirmYes(s.action[action])}</button>
        <a class="button secondary" href=${catalogPath(k.id, d.version)}>${s.cancel}</a>
      </div>
    </form>
  <//>`;
}

/** A refusal a steward caused: the reason as the rules gave it, and each problem governance found. */
export function refusalPage(c: PageContext, title: string, text: string, reason: string, problems: readonly string[], back: string): VNode {
  const m = c.m;
  return html`<${Layout} c=${c} title=${title}>
    <h1>${title}</h1>
    <p>${text}</p>
    <p class="notice bad" data-testid="refusal"><${En} m=${m}>${reason}<//></p>
    ${
      problems.length
        ? html`<ul data-testid="problems">
            ${problems.map((p, i) => html`<li key=${i}><${En} m=${m}>${p.trim()}<//></li>`)}
          </ul>`
        : null
    }
    <p><a href=${back}>${m.steward.back}</a></p>
  <//>`;
}
