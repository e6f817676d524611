/**
 * The stewards' console in a real browser (Debian's Chromium), against the engine: the catalogue and a
 * version's terms; the diff between two versions chosen in the form; the demo steward, who also holds
 * the DPO role, refused when approving a second time in the other role, and a DPO (another person)
 * completing the approval; axe finds no serious or critical violation on any steward page, in
 * Vietnamese and in English.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { type ContractDefinition, defineContract } from '../../contracts/model.ts';
import { lifecycleContract } from '../fixtures/lifecycle-contract.ts';
import { type Harness, startHarness } from '../integration/support.ts';
import { launchBrowser, seriousViolations, signInAs } from './support.ts';

const stewarded: ContractDefinition = defineContract({ ...lifecycleContract, id: 'test.browser-steward', stewards: ['steward@population.mps.gov.vn'] });

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleUrl: string;

beforeAll(async () => {
  [h, browser] = await Promise.all([
    startHarness({ count: 100, deps: { findContract: (id) => (id === stewarded.id ? stewarded : findContract(id)) } }),
    launchBrowser(),
  ]);
  consoleUrl = h.engine.console.url;
  context = await browser.newContext();
  page = await context.newPage();
  await signInAs(page, consoleUrl, 'steward');
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const h1 = (p: Page) => p.locator('h1').textContent();

describe('the stewards’ pages', () => {
  it('land a steward on the catalogue, and lead to a version’s terms', async () => {
    expect(new URL(page.url()).pathname).toBe('/console/catalog');
    await expect(h1(page)).resolves.toBe('Danh mục hợp đồng dữ liệu');
    const row = page.locator('tbody tr').filter({ hasText: 'population.identity-verification' });
    await expect(row.locator('.badge').first().textContent()).resolves.toBe('Đang áp dụng');
    await row.getByRole('link', { name: '1.0.0' }).click();
    await expect(h1(page)).resolves.toBe('Identity verification 1.0.0');
    const fields = page.locator('table').filter({ hasText: 'fullName' });
    await expect(fields.locator('tr').filter({ hasText: 'fullName' }).textContent()).resolves.toContain('Dữ liệu cá nhân cơ bản');
    await expect(page.locator('main').textContent()).resolves.toContain('Art. 19.1(c)');
  });

  it('compare two versions chosen in the form: each change’s verdict, reason and bump', async () => {
    await page.goto(`${consoleUrl}/catalog/${stewarded.id}`);
    await page.getByRole('link', { name: 'So sánh 1.2.0 với 2.0.0' }).click();
    await expect(page.getByTestId('bump').textContent()).resolves.toContain('Số phiên bản phản ánh đúng thay đổi.');
    await page.getByLabel('Từ phiên bản').selectOption('1.1.0');
    await page.getByLabel('Đến phiên bản').selectOption('1.2.0');
    await page.getByRole('button', { name: 'So sánh' }).click();
    expect(new URL(page.url()).search).toBe('?from=1.1.0&to=1.2.0');
    await expect(page.getByTestId('bump').textContent()).resolves.toContain('KHÔNG phản ánh đúng thay đổi');
    const row = page.getByTestId('response-backward').locator('tr').filter({ hasText: '$.fullName' });
    await expect(row.locator('.badge').textContent()).resolves.toBe('Không tương thích');
    await expect(row.textContent()).resolves.toContain('MAJOR');
  });

  it('refuse the same person approving in both roles, with the reason; another person completes the approval', async () => {
    const version = `${consoleUrl}/catalog/${stewarded.id}/1.0.0`;
    await page.goto(version);
    await page.getByRole('link', { name: 'Đề xuất' }).click();
    await page.getByRole('button', { name: 'Xác nhận: Đề xuất' }).click();
    await expect(page.locator('[role=status]').textContent()).resolves.toBe('Đã đề xuất phiên bản.');
    await page.getByRole('link', { name: 'Phê duyệt (người quản lý dữ liệu)' }).click();
    await page.getByRole('button', { name: 'Xác nhận: Phê duyệt (người quản lý dữ liệu)' }).click();
    await expect(page.locator('[role=status]').textContent()).resolves.toBe('Đã ghi phê duyệt của bạn với vai trò người quản lý dữ liệu.');

    await page.getByRole('link', { name: 'Phê duyệt (cán bộ bảo vệ dữ liệu)' }).click();
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Xác nhận: Phê duyệt (cán bộ bảo vệ dữ liệu)' }).click();
    expect((await refused).status()).toBe(409);
    await expect(h1(page)).resolves.toBe('Thao tác bị từ chối');
    await expect(page.getByTestId('refusal').textContent()).resolves.toContain('already approved in another role: approval takes two people');
    expect(await seriousViolations(page)).toEqual([]);
    // The same refusal in English (the language kept in its cookie for the confirmation's POST).
    await page.goto(`${consoleUrl}/lang?to=en&back=${encodeURIComponent(`/console/catalog/${stewarded.id}/1.0.0/approve-dpo`)}`);
    const again = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Confirm: Approve as data-protection officer' }).click();
    expect((await again).status()).toBe(409);
    await expect(h1(page)).resolves.toBe('Action refused');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${consoleUrl}/lang?to=vi&back=/console/catalog`);

    const dpoContext = await browser.newContext();
    const dpo = await dpoContext.newPage();
    await signInAs(dpo, consoleUrl, 'dpo');
    await dpo.goto(`${consoleUrl}/lang?to=en&back=${encodeURIComponent(`/console/catalog/${stewarded.id}/1.0.0`)}`);
    await dpo.getByRole('link', { name: 'Approve as data-protection officer' }).click();
    await dpo.getByRole('button', { name: 'Confirm: Approve as data-protection officer' }).click();
    await expect(dpo.locator('main .badge').first().textContent()).resolves.toBe('Approved');
    await dpoContext.close();

    await page.goto(version);
    await expect(page.locator('main .badge').first().textContent()).resolves.toBe('Đã phê duyệt');
    await expect(page.locator('main').textContent()).resolves.toContain('dpo@ndx.gov.vn');
  });
});

describe('accessibility of every steward page', () => {
  it('axe finds no serious or critical violation, in Vietnamese and in English', async () => {
    const base = `/catalog/${stewarded.id}`;
    const paths = [
      '/catalog',
      base,
      `${base}/1.0.0`,
      `${base}/diff?from=1.1.0&to=1.2.0`,
      `${base}/consumers`,
      `${base}/1.0.0/publish`,
      `${base}/1.1.0/propose`,
      '/catalog/population.identity-verification/1.0.0',
      '/catalog/population.identity-verification/1.0.0/deprecate',
    ];
    const found: Record<string, unknown> = {};
    const seen: string[] = [];
    for (const lang of ['vi', 'en']) {
      for (const path of paths) {
        const res = await page.goto(`${consoleUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        seen.push(`${lang} ${res?.status()} ${new URL(page.url()).pathname}`);
        const violations = await seriousViolations(page);
        if (violations.length) found[`${lang} ${path}`] = violations;
      }
    }
    // Each page was the one asked for, not an error or a redirect.
    expect(seen).toEqual(['vi', 'en'].flatMap((lang) => paths.map((p) => `${lang} 200 /console${p.split('?')[0]}`)));
    expect(found).toEqual({});
  });
});
