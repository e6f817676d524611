/**
 * Rendering: pages are preact components written with htm (tagged templates, no build step) and
 * rendered to a string on the server. Text is escaped by preact; there is no `dangerouslySetInnerHTML`
 * anywhere. No page ships JavaScript: forms post, links navigate, charts are SVG drawn on the server.
 */
import { html } from 'htm/preact';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { type HttpResponse, SECURITY_HEADERS } from '../domain/api/http.ts';
import type { Area, Principal } from '../domain/console/principal.ts';
import { mayEnter } from '../domain/console/principal.ts';
import type { Messages } from './i18n.ts';
import { CSS_PATH } from './style.ts';

export { html };

/** The console's Content-Security-Policy: its own stylesheet and images, forms to itself, nothing else (no scripts at all). */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageContext {
  m: Messages;
  /** The path of this page (for the language switch and the current nav item). */
  path: string;
  principal?: Principal;
  csrf?: string;
  /** Shows the "local test platform" banner. */
  local: boolean;
}

/** One entry of the top navigation. */
interface NavItem {
  href: string;
  label: string;
  area: Area;
}

function navItems(c: PageContext): NavItem[] {
  const p = c.principal;
  if (!p) return [];
  const all: NavItem[] = [
    { href: '/console/me', label: c.m.nav.citizen, area: 'citizen' },
    { href: '/console/me/consents', label: c.m.nav.consents, area: 'citizen' },
    { href: '/console/catalog', label: c.m.nav.steward, area: 'steward' },
    { href: '/console/ops', label: c.m.nav.operator, area: 'operator' },
    { href: '/console/indicators', label: c.m.nav.indicators, area: 'indicators' },
  ];
  return all.filter((i) => mayEnter(p, i.area));
}

export function Layout(props: { c: PageContext; title: string; children: ComponentChildren }): VNode {
  const { c, title, children } = props;
  const p = c.principal;
  const who = p ? (p.kind === 'citizen' ? c.m.citizenWho : p.email) : undefined;
  const switchHref = `/console/lang?to=${c.m.other.lang}&back=${encodeURIComponent(c.path)}`;
  return html`<html lang=${c.m.lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · ndx</title>
      <link rel="stylesheet" href=${CSS_PATH} />
    </head>
    <body>
      <a class="skip" href="#main">${c.m.skip}</a>
      ${c.local ? html`<div class="local" role="note">${c.m.local}</div>` : null}
      <header class="top">
        <a class="brand" href="/console">${c.m.product}</a>
        ${
          navItems(c).length
            ? html`<nav class="areas" aria-label=${c.m.lang === 'vi' ? 'Khu vực' : 'Areas'}>
                <ul>
                  ${navItems(c).map(
                    (i) => html`<li key=${i.href}><a href=${i.href} aria-current=${c.path === i.href ? 'page' : undefined}>${i.label}</a></li>`,
                  )}
                </ul>
              </nav>`
            : null
        }
        <div class="tools">
          <a href=${switchHref} lang=${c.m.other.lang} hreflang=${c.m.other.lang}>${c.m.other.label}</a>
          ${who ? html`<span class="who">${c.m.signedInAs(who)}</span>` : null}
          ${
            p && c.csrf
              ? html`<form method="post" action="/console/sign-out">
                  <input type="hidden" name="csrf" value=${c.csrf} />
                  <button type="submit">${c.m.signOut}</button>
                </form>`
              : null
          }
        </div>
      </header>
      <main id="main">${children}</main>
      <footer>ndx · ${c.m.product}</footer>
    </body>
  </html>`;
}

/** Headers of every console page: the API's security headers with the console's CSP. */
export function pageHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { ...SECURITY_HEADERS, 'content-security-policy': CONSOLE_CSP, 'content-type': 'text/html; charset=utf-8', ...extra };
}

export function htmlResponse(status: number, node: VNode, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: pageHeaders(headers), body: `<!doctype html>${renderToString(node)}` };
}

export function redirect(location: string, cookies: string[] = []): HttpResponse {
  return { status: 303, headers: { ...pageHeaders(), location }, body: '', ...(cookies.length ? { cookies } : {}) };
}

/** A page with a title and a message (errors, refusals). */
export function messagePage(c: PageContext, status: number, title: string, text: string, link?: { href: string; label: string }): HttpResponse {
  return htmlResponse(
    status,
    html`<${Layout} c=${c} title=${title}>
      <h1>${title}</h1>
      <p>${text}</p>
      ${link ? html`<p><a href=${link.href}>${link.label}</a></p>` : null}
    <//>`,
  );
}
