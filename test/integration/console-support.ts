/**
 * Signing in to the console over plain HTTP, as a browser would (no browser): the console's sign-in
 * redirect, the local issuer's demo sign-in form, the callback, then the session cookie. Used by the
 * HTTP authorization tests, which must hold at the HTTP layer, not only in the pages.
 */
export interface ConsoleResponse {
  status: number;
  location: string | undefined;
  body: string;
  setCookies: string[];
}

async function send(url: string, init: RequestInit = {}): Promise<ConsoleResponse> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text(), setCookies: res.headers.getSetCookie() };
}

const cookieValue = (setCookies: string[], name: string) => setCookies.map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find((v) => v !== undefined);

/** A signed-in browser without the browser: keeps the session cookie, finds the CSRF token on pages. */
export class ConsoleSession {
  readonly origin: string;
  cookie: string;

  constructor(origin: string, cookie: string) {
    this.origin = origin;
    this.cookie = cookie;
  }

  get(path: string): Promise<ConsoleResponse> {
    return send(`${this.origin}${path}`, { headers: { cookie: this.cookie } });
  }

  post(path: string, form: Record<string, string>): Promise<ConsoleResponse> {
    return send(`${this.origin}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The CSRF token on a page of this session (every signed-in page carries it in the sign-out form). */
  async csrf(path = '/console'): Promise<string> {
    let res = await this.get(path);
    if (res.status === 303 && res.location) res = await this.get(res.location);
    const token = /name="csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
    return token;
  }
}

/**
 * Signs in at the console on `origin` as the demo person `person` (local/console-sign-in.ts: e.g.
 * `citizen-1`, `steward`, `dpo`, `operator`), through the real authorization code flow.
 */
export async function consoleSignIn(
  origin: string,
  person: string,
  as: 'citizen' | 'staff' = person.startsWith('citizen') ? 'citizen' : 'staff',
): Promise<ConsoleSession> {
  const start = await send(`${origin}/console/sign-in?as=${as}`);
  if (start.status !== 303 || !start.location) throw new Error(`sign-in did not redirect (status ${start.status})`);
  const browser = cookieValue(start.setCookies, 'ndx-sign-in');
  const authorize = new URL(start.location);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('person', person);
  const picked = await send(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (picked.status !== 303 || !picked.location) throw new Error(`the demo sign-in refused ${person} (status ${picked.status}): ${picked.body}`);
  const back = await send(picked.location, { headers: { cookie: `ndx-sign-in=${browser}` } });
  const session = cookieValue(back.setCookies, 'ndx-session');
  if (back.status !== 303 || !session) throw new Error(`the console refused the sign-in of ${person} (status ${back.status})`);
  return new ConsoleSession(origin, `ndx-session=${session}`);
}

/** A lookup through the agency HTTP API as `agency` (a token from the local issuer), waiting for its reply. */
export async function httpLookup(
  engine: { endpoint: { url: string }; api: { issuer: { issue(clientId: string): Promise<string> } } },
  agency: string,
  request: unknown,
): Promise<{ status: number; reply: { status: string; code: string; provenance?: { auditId: string } } }> {
  const token = await engine.api.issuer.issue(`ndx-local-${agency}`);
  const res = await fetch(`${engine.endpoint.url}/v1/lookups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'wait=20' },
    body: JSON.stringify(request),
  });
  return { status: res.status, reply: (await res.json()) as { status: string; code: string; provenance?: { auditId: string } } };
}
