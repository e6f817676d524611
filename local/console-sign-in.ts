/**
 * The local engine's stand-in for the console's identity provider (Cognito and the national identity
 * app on AWS): an OpenID Connect authorization endpoint that shows the seeded demo people and staff
 * instead of a password form, clearly marked as local, and the authorization code grant with PKCE
 * at the issuer's token endpoint. The console redeems the code and verifies the ID token exactly as
 * it does on AWS (console/oidc.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { html } from 'htm/preact';
import { renderToString } from 'preact-render-to-string';
import type { StaffRole } from '../domain/console/principal.ts';

export const AUTHORIZE_PATH = '/_ndx/oauth2/authorize';
/** The console's client id at the local issuer. */
export const LOCAL_CONSOLE_CLIENT_ID = 'ndx-local-console';
/** How long a code may wait to be redeemed (Cognito's are valid for five minutes). */
const CODE_SECONDS = 120;

export type DemoPerson =
  | { kind: 'citizen'; id: string; name: string; nationalId: string; note: string }
  | { kind: 'staff'; id: string; name: string; email: string; groups: StaffRole[]; note: string };

/** Staff of the demo: a steward of the population contracts (also a DPO, to show that one person cannot approve twice), a DPO, an operator. */
export const DEMO_STAFF: readonly DemoPerson[] = [
  {
    kind: 'staff',
    id: 'steward',
    name: 'Nguyễn Thị Lan',
    email: 'steward@population.mps.gov.vn',
    groups: ['steward', 'dpo'],
    note: 'steward of the population contracts, also a DPO / người quản lý dữ liệu dân cư, đồng thời là cán bộ bảo vệ dữ liệu',
  },
  {
    kind: 'staff',
    id: 'dpo',
    name: 'Trần Văn Minh',
    email: 'dpo@ndx.gov.vn',
    groups: ['dpo'],
    note: 'data-protection officer / cán bộ bảo vệ dữ liệu cá nhân',
  },
  { kind: 'staff', id: 'operator', name: 'Lê Hoàng Nam', email: 'operator@ndx.gov.vn', groups: ['operator'], note: 'platform operator / cán bộ vận hành' },
  {
    kind: 'staff',
    id: 'official',
    name: 'Phạm Thu Hà',
    email: 'official@vpcp.gov.vn',
    groups: ['official'],
    note: 'official of the Government Office, reads the indicator dashboard / chuyên viên Văn phòng Chính phủ',
  },
];

/** The citizens the demo sign-in offers: the seeded people who hold the demo's consents, and the bank's loan applicant. */
export function demoCitizens(demo: {
  consents: readonly { nationalId: string; consentId: string; state: string }[];
  citizens: readonly { nationalId: string; fullName: string }[];
  bankConsent: { nationalId: string };
}): DemoPerson[] {
  const people: DemoPerson[] = demo.citizens.map((c, i) => {
    const consent = demo.consents.find((x) => x.nationalId === c.nationalId);
    return {
      kind: 'citizen',
      id: `citizen-${i + 1}`,
      name: c.fullName,
      nationalId: c.nationalId,
      note: consent
        ? `consent ${consent.consentId} (${consent.state}) / có sự đồng ý ${consent.consentId}`
        : 'a citizen of the synthetic population / công dân mẫu',
    };
  });
  if (!people.some((p) => p.kind === 'citizen' && p.nationalId === demo.bankConsent.nationalId)) {
    people.push({
      kind: 'citizen',
      id: 'citizen-bank',
      name: 'Người vay vốn (loan applicant)',
      nationalId: demo.bankConsent.nationalId,
      note: 'consented to the bank reading their social insurance / đã đồng ý cho ngân hàng xem thông tin bảo hiểm xã hội',
    });
  }
  return people;
}

interface Pending {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  person: DemoPerson;
  expires: number;
}

export interface LocalConsoleSignIn {
  /** The people the sign-in page offers (the seeded citizens and DEMO_STAFF). */
  setPeople(people: readonly DemoPerson[]): void;
  /** Serves GET/POST on the authorization endpoint; false for any other path. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Redeems a code (the token endpoint's authorization_code grant): the ID token's claims, or an OAuth error code. */
  redeem(form: URLSearchParams): { claims: Record<string, unknown>; clientId: string } | { error: string };
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:* http://127.0.0.1:*; frame-ancestors 'none'";

export function localConsoleSignIn(options: { allowedRedirect: (uri: string) => boolean }): LocalConsoleSignIn {
  let people: readonly DemoPerson[] = DEMO_STAFF;
  const codes = new Map<string, Pending>();

  function page(res: http.ServerResponse, status: number, body: string) {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
      'x-frame-options': 'DENY',
    });
    res.end(`<!doctype html>${body}`);
  }

  function signInPage(params: URLSearchParams): string {
    const kind = params.get('login_hint_kind') === 'staff' ? 'staff' : 'citizen';
    const shown = people.filter((p) => p.kind === kind);
    const hidden = ['client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'scope', 'response_type'];
    return renderToString(html`<html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Đăng nhập thử nghiệm (cục bộ) · Local demo sign-in</title>
        <style>
          body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}header{background:#3d2e00;color:#fff;padding:1rem}main{max-width:48rem;margin:0 auto;padding:1rem}
          .warn{background:#fff4ce;border-left:6px solid #8a4b00;padding:.75rem 1rem}ul{list-style:none;padding:0}li{margin:.5rem 0}
          button{font:inherit;width:100%;text-align:left;padding:.75rem 1rem;border:2px solid #0b4f9c;border-radius:6px;background:#fff;color:#0b4f9c;cursor:pointer}
          button:focus{outline:3px solid #ffbf47;outline-offset:2px}.note{display:block;color:#4a4a4a;font-size:.9rem}
        </style>
      </head>
      <body>
        <header><strong>ndx — Đăng nhập thử nghiệm trên máy này · Local demo sign-in</strong></header>
        <main>
          <p class="warn">
            Trang này chỉ có khi chạy <code>npm start</code>: chọn một người mẫu (dữ liệu giả lập) để đăng nhập, không cần mật khẩu. Trên AWS, người dân đăng nhập bằng
            tài khoản định danh điện tử, cán bộ bằng Cognito. <span lang="en">This page exists only on the local platform: pick a synthetic person; no password. On AWS,
            citizens sign in with the national digital identity and staff with Cognito.</span>
          </p>
          <h1>${kind === 'citizen' ? 'Chọn một công dân mẫu · Pick a demo citizen' : 'Chọn một cán bộ mẫu · Pick a demo staff member'}</h1>
          <form method="post" action=${AUTHORIZE_PATH}>
            ${hidden.map((k) => html`<input type="hidden" name=${k} value=${params.get(k) ?? ''} />`)}
            <ul>
              ${shown.map(
                (p) =>
                  html`<li key=${p.id}>
                    <button type="submit" name="person" value=${p.id} data-person=${p.id}>
                      ${p.name} ${p.kind === 'citizen' ? `(${p.nationalId})` : `<${p.email}>`}
                      <span class="note">${p.note}</span>
                    </button>
                  </li>`,
              )}
            </ul>
          </form>
        </main>
      </body>
    </html>`);
  }

  function check(params: URLSearchParams): string | undefined {
    if (params.get('response_type') !== 'code') return 'unsupported_response_type';
    if (params.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID) return 'unauthorized_client';
    if (!options.allowedRedirect(params.get('redirect_uri') ?? '')) return 'invalid_request: redirect_uri';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? ''))
      return 'invalid_request: PKCE S256 required';
    if (!params.get('state') || !params.get('nonce')) return 'invalid_request: state and nonce required';
    return undefined;
  }

  async function post(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const problem = check(form);
    const person = people.find((p) => p.id === form.get('person'));
    if (problem || !person) return page(res, 400, `<p>${problem ?? 'unknown person'}</p>`);
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: LOCAL_CONSOLE_CLIENT_ID,
      redirectUri: form.get('redirect_uri') ?? '',
      challenge: form.get('code_challenge') ?? '',
      nonce: form.get('nonce') ?? '',
      person,
      expires: Date.now() + CODE_SECONDS * 1000,
    });
    const back = new URL(form.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', form.get('state') ?? '');
    res.writeHead(303, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  return {
    setPeople(list) {
      people = [...list.filter((p) => p.kind === 'citizen'), ...DEMO_STAFF];
    },
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== AUTHORIZE_PATH) return false;
      if (req.method === 'GET') {
        const problem = check(url.searchParams);
        if (problem) page(res, 400, `<p>${problem}</p>`);
        else page(res, 200, signInPage(url.searchParams));
        return true;
      }
      if (req.method === 'POST') {
        post(req, res).catch(() => page(res, 500, '<p>server_error</p>'));
        return true;
      }
      return false;
    },
    redeem(form) {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // used once, whatever happens next
      if (!pending || pending.expires < Date.now()) return { error: 'invalid_grant' };
      if (form.get('client_id') !== pending.clientId || form.get('redirect_uri') !== pending.redirectUri) return { error: 'invalid_grant' };
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== pending.challenge) return { error: 'invalid_grant' };
      const p = pending.person;
      const claims: Record<string, unknown> =
        p.kind === 'staff'
          ? { email: p.email, email_verified: true, name: p.name, 'cognito:groups': p.groups }
          : { 'custom:national_id': p.nationalId, name: p.name };
      return { claims: { ...claims, nonce: pending.nonce, token_use: 'id' }, clientId: pending.clientId };
    },
  };
}
