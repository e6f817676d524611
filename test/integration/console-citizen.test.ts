/**
 * The citizen's console over HTTP, against the real engine: a citizen sees only their own trail and
 * consents whatever URL or id they try; a session ends at sign-out (its cookie replayed opens
 * nothing); forms need the session's CSRF token; sign-in cannot be completed in another browser or
 * twice; and nothing the console keeps names the citizen.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { consoleSignIn, type ConsoleSession, httpLookup } from './console-support.ts';
import { type Harness, identityRequest, residenceRequest, startHarness } from './support.ts';

let h: Harness;
let origin: string;
/** The demo's citizen-1 (living[0], holder of cns-demo-active); citizen-2 holds cns-demo-revoked. */
let first: { nationalId: string };
let auditId: string;

beforeAll(async () => {
  h = await startHarness({ count: 400 });
  origin = h.engine.endpoint.url;
  first = h.demo.citizens[0]!;
  const looked = await httpLookup(h.engine, 'hanoi-land-office', identityRequest(first.nationalId));
  expect(looked.reply.status).toBe('OK');
  auditId = looked.reply.provenance?.auditId ?? '';
  expect(auditId).not.toBe('');
});
afterAll(async () => h?.stop());

describe('signing in', () => {
  it('sends a visitor without a session to sign in, and back to the page asked for', async () => {
    const res = await fetch(`${origin}/console/me`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?as=citizen&next=%2Fconsole%2Fme');
  });

  it('takes a citizen to their own page, and keeps only a hash of who they are', async () => {
    const s = await consoleSignIn(origin, 'citizen-1');
    const page = await s.get('/console/me');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Ai đã xem dữ liệu của tôi');
    const items = (await documentClient().send(new ScanCommand({ TableName: names.consoleSessionsTable }))).Items ?? [];
    expect(items.length).toBeGreaterThan(0);
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(first.nationalId);
    expect(stored).not.toContain(s.cookie.split('=')[1]); // the token itself is never stored
  });

  it('refuses a callback that another browser began, and a code used twice', async () => {
    const start = await fetch(`${origin}/console/sign-in?as=citizen`, { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location') ?? '');
    const form = new URLSearchParams(authorize.searchParams);
    form.set('person', 'citizen-1');
    const picked = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
    const callback = picked.headers.get('location') ?? '';
    // No sign-in cookie: an attacker's link opened in the victim's browser.
    const foreign = await fetch(callback, { redirect: 'manual', headers: { cookie: 'ndx-sign-in=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.getSetCookie().some((c) => c.startsWith('ndx-session='))).toBe(false);
    // The right browser, but the sign-in was spent by the first attempt: refused too.
    const browser = start.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const again = await fetch(callback, { redirect: 'manual', headers: { cookie: browser } });
    expect(again.status).toBe(400);
  });

  it('never sends a signed-in person to another site after sign-in', async () => {
    for (const next of ['https://evil.example/console', '//evil.example', '/console/../evil', '/elsewhere']) {
      const res = await fetch(`${origin}/console/sign-in?as=citizen&next=${encodeURIComponent(next)}`, { redirect: 'manual' });
      const state = new URL(res.headers.get('location') ?? '').searchParams.get('state');
      expect(state).toBeTruthy();
    }
    // The returned-to path is checked when the sign-in completes; a session for citizen-1 started from a bad next lands on /console/me.
    const start = await fetch(`${origin}/console/sign-in?as=citizen&next=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location') ?? '');
    const form = new URLSearchParams(authorize.searchParams);
    form.set('person', 'citizen-1');
    const picked = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
    const back = await fetch(picked.headers.get('location') ?? '', {
      redirect: 'manual',
      headers: { cookie: start.headers.getSetCookie()[0]?.split(';')[0] ?? '' },
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/console/me');
  });
});

describe('a citizen sees only their own data', () => {
  let mine: ConsoleSession;
  let other: ConsoleSession;
  beforeAll(async () => {
    mine = await consoleSignIn(origin, 'citizen-1');
    other = await consoleSignIn(origin, 'citizen-2');
  });

  it('shows the lookup of my data in my trail, with the agency’s name and what was released', async () => {
    const page = await mine.get('/console/me');
    expect(page.body).toContain('Hà Nội Land Registration Office');
    expect(page.body).toContain('Đăng ký đất đai');
    expect(page.body).toContain('Đã cung cấp dữ liệu');
    expect(page.body).not.toContain(first.nationalId); // names of fields, never values
  });

  it('ignores any subject named in the URL: another citizen’s id shows nothing of theirs', async () => {
    for (const path of [`/console/me?nationalId=${first.nationalId}`, `/console/me?subject=nationalId%3D${first.nationalId}`, `/console/me?subjectHash=x`]) {
      const page = await other.get(path);
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('Hà Nội Land Registration Office');
    }
    expect((await other.get(`/console/me/${first.nationalId}`)).status).toBe(404);
  });

  it('answers another citizen’s consent exactly as one that does not exist, and changes nothing', async () => {
    const csrf = await other.csrf('/console/me/consents');
    const theirs = await other.get('/console/me/consents/cns-demo-active/revoke');
    const none = await other.get('/console/me/consents/cns-no-such-consent/revoke');
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    expect(theirs.body).toBe(none.body.replaceAll('cns-no-such-consent', 'cns-demo-active'));
    const post = await other.post('/console/me/consents/cns-demo-active/revoke', { csrf });
    expect(post.status).toBe(404);
    const mineNow = await mine.get('/console/me/consents');
    expect(mineNow.body).toContain('Đang có hiệu lực'); // still active
    expect((await other.get('/console/me/consents')).body).not.toContain('cns-demo-active');
  });

  it('refuses a form without the session’s CSRF token, and changes nothing', async () => {
    const res = await mine.post('/console/me/consents/cns-demo-active/pause', { csrf: 'forged-token' });
    expect(res.status).toBe(403);
    const none = await mine.post('/console/me/consents/cns-demo-active/pause', {});
    expect(none.status).toBe(403);
    expect((await mine.get('/console/me/consents')).body).toContain('Đang có hiệu lực');
  });

  it('keeps staff out of a citizen’s pages', async () => {
    const operator = await consoleSignIn(origin, 'operator');
    expect((await operator.get('/console/me')).status).toBe(403);
    expect((await operator.get('/console/me/consents')).status).toBe(403);
    const csrf = await operator.csrf();
    expect((await operator.post('/console/me/consents/cns-demo-active/revoke', { csrf })).status).toBe(403);
  });
});

describe('pausing, resuming and revoking, and what it does to lookups', () => {
  it('a pause refuses the next lookup under the consent, a resume allows it again, a revoke ends it', async () => {
    const s = await consoleSignIn(origin, 'citizen-1');
    const csrf = await s.csrf('/console/me/consents');
    const lookup = () => httpLookup(h.engine, 'hcmc-public-services', residenceRequest(first.nationalId, 'cns-demo-active'));
    expect((await lookup()).reply.code).toBe('OK');

    const confirm = await s.get('/console/me/consents/cns-demo-active/pause');
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Cả những yêu cầu đã gửi nhưng chưa được trả lời cũng sẽ bị từ chối');
    const paused = await s.post('/console/me/consents/cns-demo-active/pause', { csrf });
    expect(paused.status).toBe(303);
    expect(paused.location).toBe('/console/me/consents?done=PAUSED#cns-demo-active');
    expect((await lookup()).reply.code).toBe('CONSENT_PAUSED');

    await s.post('/console/me/consents/cns-demo-active/resume', { csrf });
    expect((await lookup()).reply.code).toBe('OK');

    await s.post('/console/me/consents/cns-demo-active/revoke', { csrf });
    expect((await lookup()).reply.code).toBe('CONSENT_REVOKED');
    const page = await s.get('/console/me/consents');
    expect(page.body).toContain('Đã rút lại');
    // A revoked consent offers no action; asking for one leads back to the list.
    expect((await s.get('/console/me/consents/cns-demo-active/resume')).status).toBe(303);
    // The trail shows the lookups made under the consent, with the consent as their basis.
    expect((await s.get('/console/me')).body).toContain('Sự đồng ý của bạn (cns-demo-active)');
  });
});

describe('signing out', () => {
  it('ends the session: the old cookie, replayed, opens nothing and changes nothing', async () => {
    const s = await consoleSignIn(origin, 'citizen-2');
    const csrf = await s.csrf('/console/me');
    const out = await s.post('/console/sign-out', { csrf });
    expect(out.status).toBe(303);
    expect(out.setCookies.some((c) => /^ndx-session=;.*Max-Age=0/.test(c))).toBe(true);
    const replayed = await s.get('/console/me');
    expect(replayed.status).toBe(303);
    expect(replayed.location).toContain('/console/sign-in');
    const post = await s.post('/console/me/consents/cns-demo-revoked/resume', { csrf });
    expect(post.status).toBe(401);
  });

  it('refuses a made-up or malformed session cookie', async () => {
    for (const cookie of ['ndx-session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'ndx-session=x', 'ndx-session=']) {
      const res = await fetch(`${origin}/console/me`, { redirect: 'manual', headers: { cookie } });
      expect(res.status).toBe(303);
    }
  });
});

describe('language', () => {
  it('keeps the language asked for with ?lang= on the pages that follow', async () => {
    const s = await consoleSignIn(origin, 'citizen-2');
    const english = await s.get('/console/me?lang=en');
    expect(english.body).toContain('<html lang="en">');
    const lang = english.setCookies.find((c) => c.startsWith('ndx-lang=en'));
    expect(lang).toBeDefined();
    s.cookie = `${s.cookie}; ndx-lang=en`;
    expect((await s.get('/console/me/consents')).body).toContain('My consents');
    expect((await s.get('/console/me/consents?lang=vi')).body).toContain('Sự đồng ý của tôi');
  });
});
