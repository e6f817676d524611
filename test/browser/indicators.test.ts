/**
 * The officials' indicator dashboard in a real browser (Debian's Chromium), against the engine: an
 * official of the Government Office signs in, lands on the indicators, and reads one for a period —
 * the table with withheld cells marked (never a number), the trend over periods, the provinces ranked —
 * each figure an audited release; other staff do not reach it; axe finds no serious or critical
 * violation in Vietnamese or English; no JavaScript.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../integration/support.ts';
import { javascriptGzipBytes, launchBrowser, seriousViolations, signInAs } from './support.ts';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleUrl: string;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ count: 2000 }), launchBrowser()]);
  consoleUrl = h.engine.console.url;
  context = await browser.newContext();
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the indicator dashboard', () => {
  it('lands an official on the indicators, and shows one with withheld cells marked, its trend and the provinces ranked', async () => {
    await signInAs(page, consoleUrl, 'official');
    expect(new URL(page.url()).pathname).toBe('/console/indicators');
    await expect(page.locator('h1').textContent()).resolves.toBe('Chỉ tiêu thống kê');
    await page.click('a[href="/console/indicators/population.living-population"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Living population by province, sex and age');
    const table = page.locator('[data-testid="indicator-table"]');
    // 34 provinces and the total row; withheld cells say so and hold no number.
    await expect(table.locator('tbody tr').count()).resolves.toBe(35);
    const withheld = table.locator('td.withheld');
    expect(await withheld.count()).toBeGreaterThan(0);
    for (const text of await withheld.allTextContents()) expect(text).toMatch(/^× [AD]không công bố \([AD]\)$/);
    const published = await table.locator('td.num:not(.withheld)').allTextContents();
    expect(published.length).toBeGreaterThan(0);
    for (const text of published) expect(text).toMatch(/^[\d.]+$/);
    await expect(page.locator('[data-testid="chart-trend"] title').textContent()).resolves.toMatch(/kỳ/);
    await expect(page.locator('[data-testid="trend-table"] tbody tr').count()).resolves.toBe(1);
    const ranked = await page.locator('[data-testid="ranking"] li').allTextContents();
    expect(ranked).toHaveLength(34);
    // Largest first among the provinces with a published total.
    const totals = ranked
      .map((r) => /: ([\d.]+)$/.exec(r)?.[1])
      .filter((x): x is string => x !== undefined)
      .map((x) => Number(x.replaceAll('.', '')));
    expect(totals.length).toBeGreaterThan(0);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
  });

  it('charts a trend over the periods computed, and each release is audited', async () => {
    await page.goto(`${consoleUrl}/indicators/business.enterprises-registered?lang=en`);
    const rows = await page.locator('[data-testid="trend-table"] tbody tr').count();
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(12);
    await expect(page.locator('p.small').textContent()).resolves.toBe(`${rows} release(s) recorded in the audit trail.`);
    await expect(page.locator('[data-testid="summary"]').textContent()).resolves.toMatch(/cells published/);
  });

  it('is not for other staff', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signInAs(p, consoleUrl, 'operator');
    const res = await p.goto(`${consoleUrl}/indicators`);
    expect(res?.status()).toBe(403);
    await other.close();
  });
});

describe('accessibility and weight of the dashboard', () => {
  it('axe finds no serious or critical violation, in Vietnamese and in English', async () => {
    const found: Record<string, unknown> = {};
    for (const lang of ['vi', 'en']) {
      for (const path of [
        '/indicators',
        '/indicators/population.living-population',
        '/indicators/business.enterprises-registered',
        '/indicators/land.parcels-by-land-use',
      ]) {
        await page.goto(`${consoleUrl}${path}?lang=${lang}`);
        expect(new URL(page.url()).pathname).toBe(`/console${path}`);
        const violations = await seriousViolations(page);
        if (violations.length) found[`${lang} ${path}`] = violations;
      }
    }
    expect(found).toEqual({});
  });

  it('ships no JavaScript', async () => {
    for (const path of ['/indicators', '/indicators/population.living-population']) {
      const { scripts } = await javascriptGzipBytes(page, `${consoleUrl}${path}`);
      expect(scripts).toBe(0);
    }
  });
});
