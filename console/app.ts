/**
 * The console's routes, transport-free (HttpRequest in, HttpResponse out, as the agency API):
 * functions/console/handler.ts serves them on Lambda behind the HTTP API, the local engine on its
 * endpoint. This layer signs people in and out, finds the session, checks the area and the CSRF token,
 * and hands the request to an area's route; the rules are the domain's (domain/console/).
 */
import type { JWTVerifyGetKey } from 'jose';
import type { HttpRequest, HttpResponse } from '../domain/api/http.ts';
import { type Area, type ClaimNames, homeOf, mayEnter, type Principal, principalOf, SignInRefusedError } from '../domain/console/principal.ts';
import { SESSION_SECONDS, SIGN_IN_SECONDS, type SessionRecord, type Sessions, safeReturn, sameText } from '../domain/console/session.ts';
import type { SubjectHasher } from '../domain/subject-hash.ts';
import { htmlResponse, messagePage, type PageContext, pageHeaders, redirect } from './html.ts';
import { isLang, type Lang, MESSAGES } from './i18n.ts';
import { authorizeUrl, OidcError, type OidcSettings, pkcePair, redeem, signOutUrl } from './oidc.ts';
import { homePage } from './pages/home.ts';
import { CSS, CSS_PATH } from './style.ts';

export const SESSION_COOKIE = 'ndx-session';
export const SIGN_IN_COOKIE = 'ndx-sign-in';
export const LANG_COOKIE = 'ndx-lang';

/** What a route is given: the request, its page context, the signed-in principal and, for a POST, its form. */
export interface RouteContext {
  req: HttpRequest;
  c: PageContext & { principal: Principal; csrf: string };
  principal: Principal;
  session: SessionRecord;
  /** The posted form (application/x-www-form-urlencoded), for POST routes; its CSRF token already checked. */
  form: URLSearchParams;
}

/** One page or action of an area; matched in order, `pattern` against the path. */
export interface ConsoleRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  area: Area;
  handle(ctx: RouteContext, match: RegExpExecArray): Promise<HttpResponse>;
}

export interface ConsolePorts {
  sessions: Sessions;
  oidc: { settings: OidcSettings; keys: JWTVerifyGetKey; fetch?: typeof fetch };
  /** The keyed subject hasher (the pepper), to turn a citizen's national ID into the hash ndx keeps. */
  hashSubject(): Promise<SubjectHasher>;
  claims?: ClaimNames;
  routes: readonly ConsoleRoute[];
  /** The local engine's console: shows the "local test platform" banner. */
  local: boolean;
  /** Cookies only over HTTPS (true on AWS). */
  secureCookies: boolean;
  /** Told of failures (logs, metrics): never given personal data. */
  failed?(error: unknown): void;
}

export function cookiesOf(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function cookie(name: string, value: string, o: { path: string; maxAge: number; secure: boolean; httpOnly?: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${o.path}`,
    `Max-Age=${o.maxAge}`,
    'SameSite=Lax',
    ...(o.httpOnly === false ? [] : ['HttpOnly']),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

export function consoleApp(ports: ConsolePorts): (req: HttpRequest) => Promise<HttpResponse> {
  const secure = ports.secureCookies;

  function langOf(req: HttpRequest): Lang {
    const q = req.query.lang;
    if (isLang(q)) return q;
    const c = cookiesOf(req.headers.cookie)[LANG_COOKIE];
    return isLang(c) ? c : 'vi';
  }

  function context(req: HttpRequest, session?: SessionRecord): PageContext {
    return {
      m: MESSAGES[langOf(req)],
      path: req.path,
      local: ports.local,
      ...(session ? { principal: session.principal, csrf: session.csrf } : {}),
    };
  }

  async function signIn(req: HttpRequest): Promise<HttpResponse> {
    const door = req.query.as === 'staff' ? 'staff' : 'citizen';
    const { verifier, challenge } = pkcePair();
    const nonce = pkcePair().verifier;
    const { state, cookie: browser } = await ports.sessions.begin({ verifier, nonce, returnTo: safeReturn(req.query.next) });
    return redirect(authorizeUrl(ports.oidc.settings, { state, nonce, challenge, door }), [
      cookie(SIGN_IN_COOKIE, browser, { path: '/console/callback', maxAge: SIGN_IN_SECONDS, secure }),
    ]);
  }

  async function callback(req: HttpRequest): Promise<HttpResponse> {
    const c = context(req);
    const refused = () => messagePage(c, 400, c.m.signIn.refused, c.m.signIn.refusedText, { href: '/console', label: c.m.signIn.again });
    const pending = await ports.sessions.complete(req.query.state, cookiesOf(req.headers.cookie)[SIGN_IN_COOKIE]);
    if (!pending || !req.query.code || req.query.error) return refused();
    let principal: Principal;
    try {
      const claims = await redeem(
        ports.oidc.settings,
        ports.oidc.keys,
        { code: req.query.code, verifier: pending.verifier, nonce: pending.nonce },
        ports.oidc.fetch,
      );
      principal = principalOf(claims, await ports.hashSubject(), ports.claims);
    } catch (error) {
      if (error instanceof OidcError || error instanceof SignInRefusedError) return refused();
      throw error;
    }
    const { token } = await ports.sessions.open(principal);
    const target = pending.returnTo !== '/console' ? pending.returnTo : home(principal);
    return redirect(target, [
      cookie(SESSION_COOKIE, token, { path: '/console', maxAge: SESSION_SECONDS, secure }),
      cookie(SIGN_IN_COOKIE, '', { path: '/console/callback', maxAge: 0, secure }),
    ]);
  }

  function home(p: Principal): string {
    return { citizen: '/console/me', steward: '/console/catalog', operator: '/console/ops', indicators: '/console/indicators' }[homeOf(p)];
  }

  async function route(req: HttpRequest): Promise<HttpResponse> {
    if (req.path === CSS_PATH)
      return {
        status: 200,
        headers: { ...pageHeaders(), 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' },
        body: CSS,
      };
    if (req.path === '/console/lang') {
      const to = isLang(req.query.to) ? req.query.to : 'vi';
      return redirect(safeReturn(req.query.back), [cookie(LANG_COOKIE, to, { path: '/console', maxAge: 31_536_000, secure, httpOnly: false })]);
    }
    if (req.path === '/console/sign-in' && req.method === 'GET') return signIn(req);
    if (req.path === '/console/callback' && req.method === 'GET') return callback(req);

    const token = cookiesOf(req.headers.cookie)[SESSION_COOKIE];
    const session = await ports.sessions.find(token);

    if (req.path === '/console/sign-out' && req.method === 'POST') {
      const form = new URLSearchParams(req.body);
      if (session && !sameText(form.get('csrf') ?? '', session.csrf))
        return messagePage(context(req, session), 403, MESSAGES[langOf(req)].errors.forbiddenTitle, MESSAGES[langOf(req)].errors.csrf);
      await ports.sessions.close(token);
      const back = new URL('/console', ports.oidc.settings.redirectUri).toString();
      return redirect(signOutUrl(ports.oidc.settings, back), [cookie(SESSION_COOKIE, '', { path: '/console', maxAge: 0, secure })]);
    }
    if ((req.path === '/console' || req.path === '/console/') && req.method === 'GET') {
      return session ? redirect(home(session.principal)) : htmlResponse(200, homePage(context(req)));
    }

    const candidates = ports.routes.filter((r) => r.pattern.test(req.path));
    if (candidates.length === 0)
      return messagePage(context(req, session), 404, context(req).m.errors.notFoundTitle, context(req).m.errors.notFound, {
        href: '/console',
        label: context(req).m.errors.back,
      });
    const c = context(req, session);
    if (!session) {
      // A page: sign in and come back. A form post without a session: refused, nothing changes.
      if (req.method === 'GET')
        return redirect(`/console/sign-in?as=${candidates[0]?.area === 'citizen' ? 'citizen' : 'staff'}&next=${encodeURIComponent(req.path)}`);
      return messagePage(c, 401, c.m.errors.expiredTitle, c.m.errors.expired, { href: '/console', label: c.m.signIn.again });
    }
    const r = candidates.find((x) => x.method === req.method);
    if (!r) return { status: 405, headers: { ...pageHeaders(), allow: [...new Set(candidates.map((x) => x.method))].join(', ') }, body: '' };
    if (!mayEnter(session.principal, r.area))
      return messagePage(c, 403, c.m.errors.forbiddenTitle, c.m.errors.forbidden, { href: home(session.principal), label: c.m.errors.back });
    const form = new URLSearchParams(r.method === 'POST' ? req.body : '');
    if (r.method === 'POST' && !sameText(form.get('csrf') ?? '', session.csrf)) return messagePage(c, 403, c.m.errors.forbiddenTitle, c.m.errors.csrf);
    const match = r.pattern.exec(req.path) as RegExpExecArray;
    return r.handle({ req, c: { ...c, principal: session.principal, csrf: session.csrf }, principal: session.principal, session, form }, match);
  }

  /** `?lang=` on any page also sets the language cookie, so the links from that page stay in that language. */
  function remember(req: HttpRequest, res: HttpResponse): HttpResponse {
    const lang = req.query.lang;
    if (!isLang(lang) || req.path === '/console/lang') return res;
    return { ...res, cookies: [...(res.cookies ?? []), cookie(LANG_COOKIE, lang, { path: '/console', maxAge: 31_536_000, secure, httpOnly: false })] };
  }

  return async (req) => {
    try {
      return remember(req, await route(req));
    } catch (error) {
      ports.failed?.(error);
      const c = context(req);
      return messagePage(c, 503, c.m.errors.unavailableTitle, c.m.errors.unavailable, { href: '/console', label: c.m.errors.back });
    }
  };
}
