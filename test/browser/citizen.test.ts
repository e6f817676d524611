/**
 * The citizen's console in a real browser (Debian's Chromium), against the engine: a lookup made
 * through the HTTP API appears on the citizen's page; withdrawing a consent in the page makes the next
 * lookup under it CONSENT_REVOKED; the language switch; axe finds no serious or critical violation on
 * any citizen page in Vietnamese or English; and no page ships more JavaScript than its budget.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpLookup } from '../integration/console-support.ts';
import { type Harness, identityRequest, residenceRequest, startHarness } from '../integration/support.ts';
import { demoCitizens } from '../../local/console-sign-in.ts';
import { javascriptGzipBytes, launchBrowser, seriousViolations, signInAs } from './support.ts';

/** The heaviest page may load at most this much JavaScript, gzipped (issue 16). */
const JS_BUDGET_GZIP_BYTES = 150 * 1024;

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleUrl: string;
let citizen: { nationalId: string };

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ count: 400 }), launchBrowser()]);
  consoleUrl = h.engine.console.url;
  citizen = h.demo.citizens[0]!;
  context = await browser.newContext();
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the citizen’s pages', () => {
  it('show a lookup made through the HTTP API on the citizen’s own page', async () => {
    const looked = await httpLookup(h.engine, 'hanoi-land-office', identityRequest(citizen.nationalId, { onBehalfOf: 'case-2026-0042' }));
    expect(looked.reply.code).toBe('OK');
    await signInAs(page, consoleUrl, 'citizen-1');
    expect(new URL(page.url()).pathname).toBe('/console/me');
    await expect(page.locator('h1').textContent()).resolves.toBe('Ai đã xem dữ liệu của tôi');
    const access = page.locator('ol.accesses > li').filter({ hasText: 'case-2026-0042' });
    await expect(access.count()).resolves.toBe(1);
    const text = (await access.textContent()) ?? '';
    expect(text).toContain('Hà Nội Land Registration Office');
    expect(text).toContain('Đăng ký đất đai');
    expect(text).toContain('Law on Personal Data Protection');
    expect(text).toContain('Đã cung cấp dữ liệu');
    expect(text).not.toContain(citizen.nationalId);
  });

  it('switch to English and back', async () => {
    await page.click('a[hreflang="en"]');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Who looked at my data');
    await page.click('a[hreflang="vi"]');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
  });

  it('withdraw a consent after saying what that does, and the next lookup under it is CONSENT_REVOKED', async () => {
    expect((await httpLookup(h.engine, 'hcmc-public-services', residenceRequest(citizen.nationalId, 'cns-demo-active'))).reply.code).toBe('OK');
    await page.goto(`${consoleUrl}/me/consents`);
    const card = page.locator('section#cns-demo-active');
    await expect(card.locator('.badge').textContent()).resolves.toBe('Đang có hiệu lực');
    await card.getByRole('link', { name: 'Rút lại' }).click();
    await expect(page.locator('.notice').first().textContent()).resolves.toContain('Rút lại là vĩnh viễn');
    await page.getByRole('button', { name: 'Xác nhận: Rút lại' }).click();
    await expect(page.locator('[role=status]').textContent()).resolves.toBe('Đã rút lại sự đồng ý.');
    await expect(page.locator('section#cns-demo-active .badge').textContent()).resolves.toBe('Đã rút lại');
    const after = await httpLookup(h.engine, 'hcmc-public-services', residenceRequest(citizen.nationalId, 'cns-demo-active'));
    expect(after.reply.code).toBe('CONSENT_REVOKED');
  });
});

describe('accessibility and weight of every citizen page', () => {
  it('axe finds no serious or critical violation, in Vietnamese and in English', async () => {
    // The bank's loan applicant holds an active consent: its confirmation pages exist.
    const applicant = demoCitizens(h.demo).find((p) => p.kind === 'citizen' && p.nationalId === h.demo.bankConsent.nationalId);
    if (!applicant) throw new Error('the demo has no loan applicant to sign in as');
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signInAs(p, consoleUrl, applicant.id);
    const consent = h.demo.bankConsent.consentId;
    const found: Record<string, unknown> = {};
    const seen: string[] = [];
    for (const lang of ['vi', 'en']) {
      for (const path of ['/me', '/me/consents', `/me/consents/${consent}/pause`, `/me/consents/${consent}/revoke`]) {
        await p.goto(`${consoleUrl}${path}?lang=${lang}`);
        seen.push(`${lang} ${new URL(p.url()).pathname} ${await p.locator('h1').textContent()}`);
        const violations = await seriousViolations(p);
        if (violations.length) found[`${lang} ${path}`] = violations;
      }
    }
    // Each page really was the page asked for (a confirmation page, not a redirect to the list).
    expect(seen).toContain(`vi /console/me/consents/${consent}/revoke Rút lại sự đồng ý`);
    expect(seen).toContain(`en /console/me/consents/${consent}/pause Pause a consent`);
    // A signed-out visitor's front page, and the local demo sign-in page.
    const anonymous = await (await browser.newContext()).newPage();
    for (const lang of ['vi', 'en']) {
      await anonymous.goto(`${consoleUrl}?lang=${lang}`);
      found[`front ${lang}`] = await seriousViolations(anonymous);
    }
    await anonymous.click('a[href="/console/sign-in?as=citizen"]');
    found.demoSignIn = await seriousViolations(anonymous);
    expect(found).toEqual({ 'front vi': [], 'front en': [], demoSignIn: [] });
    await ctx.close();
  });

  it('ships no JavaScript: every page is under the budget (it is zero)', async () => {
    for (const path of ['', '/me', '/me/consents']) {
      const { gzip, scripts } = await javascriptGzipBytes(page, `${consoleUrl}${path}`);
      expect(gzip).toBeLessThanOrEqual(JS_BUDGET_GZIP_BYTES);
      expect(scripts).toBe(0);
    }
  });
});
