/**
 * The operators' desk in a real browser (Debian's Chromium), against the engine: the desk shows a
 * dead-lettered lookup; the redrive in the page (its link, the confirmation, the button) empties the
 * dead-letter queue and the lookup is then answered; axe finds no serious or critical violation on
 * any operator page, in Vietnamese or English; no page ships JavaScript.
 */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { MESSAGES } from '../../console/i18n.ts';
import { activityPage } from '../../console/pages/operator.ts';
import { CSS } from '../../console/style.ts';
import { activityWindow, intervals, onIntervals } from '../../domain/ops/activity.ts';
import { httpLookup } from '../integration/console-support.ts';
import { genuineForward, type Harness, identityRequest, startHarness } from '../integration/support.ts';
import { javascriptGzipBytes, launchBrowser, seriousViolations, signInAs } from './support.ts';

const REGISTRY_QUEUE = names.registryInQueue('population');
const DLQ = names.deadLetterQueue(REGISTRY_QUEUE);

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleUrl: string;
let nationalId: string;

async function dlqDepth(): Promise<number> {
  const a = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: h.engine.queueUrl(DLQ),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ count: 200 }), launchBrowser()]);
  consoleUrl = h.engine.console.url;
  nationalId = h.demo.citizens[0]!.nationalId;
  context = await browser.newContext();
  page = await context.newPage();
  await signInAs(page, consoleUrl, 'operator');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the operator’s desk', () => {
  const requestId = randomUUID();

  it('lands the operator on a healthy desk', async () => {
    expect(new URL(page.url()).pathname).toBe('/console/ops');
    await expect(page.locator('h1').textContent()).resolves.toBe('Tình trạng nền tảng');
    await expect(page.getByTestId('verdict').textContent()).resolves.toContain('hoạt động bình thường');
    await expect(page.getByTestId('no-dead-letters').count()).resolves.toBe(1);
  });

  it('redrives a dead-lettered lookup from the page: the DLQ empties and the lookup is answered', async () => {
    // A genuine forwarded lookup that failed on every delivery, as test/integration/ops.test.ts puts one there.
    const body = JSON.stringify(genuineForward(nationalId, { requestId, onBehalfOf: 'officer-0042' }));
    await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(DLQ), MessageBody: body }));
    // English from here on, for every page (the language switch's cookie).
    await page.goto(`${consoleUrl}/lang?to=en&back=${encodeURIComponent('/console/ops')}`);
    await expect(page.getByTestId('verdict').textContent()).resolves.toContain('1 problem needs attention');
    await page
      .getByTestId('dead-letters')
      .getByRole('link', { name: /See and redrive/ })
      .click();
    expect(new URL(page.url()).pathname).toBe(`/console/ops/dlq/${REGISTRY_QUEUE}`);
    const row = page.locator('tbody tr').filter({ hasText: requestId });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain('Forwarded lookup');
    expect(await page.content()).not.toContain(nationalId);
    await page.getByRole('link', { name: 'Move them all back to the queue' }).click();
    await expect(page.locator('.notice').first().textContent()).resolves.toContain(`1 message in ${DLQ} will move back to ${REGISTRY_QUEUE}`);
    expect(await dlqDepth()).toBe(1); // nothing moves before the confirmation
    await page.getByRole('button', { name: 'Confirm: redrive' }).click();
    await expect(page.getByTestId('flash').textContent()).resolves.toBe(`Moved 1 message back to ${REGISTRY_QUEUE}.`);
    expect(await dlqDepth()).toBe(0);
    await expect(page.getByTestId('dlq-empty').textContent()).resolves.toBe(`${DLQ} is empty.`);
    const reply = await new AgencyClient(sqsClient(), 'hanoi-land-office').awaitReply({ requestId }, 30_000);
    expect(reply).toMatchObject({ requestId, status: 'OK' });
  });

  it('charts lookups per outcome with the same figures in a table', async () => {
    expect((await httpLookup(h.engine, 'hanoi-land-office', identityRequest(nationalId))).reply.status).toBe('OK');
    await page.goto(`${consoleUrl}/ops/activity?lang=en`);
    const chart = page.getByTestId('chart-outcomes');
    await expect(chart.getAttribute('role')).resolves.toBe('img');
    await expect(page.locator('#chart-outcomes-title').textContent()).resolves.toContain('Bar chart: lookups per hour');
    // The redriven lookup and the HTTP one, at least: both answered OK within the last hours.
    const okColumn = await page.getByTestId('table-outcomes').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(okColumn.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    await expect(chart.locator('rect').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByTestId('latency-none').textContent()).resolves.toContain('CloudWatch');
  });
});

describe('accessibility and weight of every operator page', () => {
  it('axe finds no serious or critical violation, in Vietnamese and in English', async () => {
    // A dead letter, so that the queue's page lists it and its confirmation page exists.
    await sqsClient().send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(DLQ), MessageBody: 'not a forwarded lookup' }));
    const found: Record<string, unknown> = {};
    const seen: string[] = [];
    for (const lang of ['vi', 'en']) {
      for (const path of ['/ops', `/ops/dlq/${REGISTRY_QUEUE}`, `/ops/dlq/${REGISTRY_QUEUE}/redrive`, '/ops/activity', '/ops/audit']) {
        await page.goto(`${consoleUrl}${path}?lang=${lang}`);
        seen.push(`${lang} ${new URL(page.url()).pathname}`);
        const violations = await seriousViolations(page);
        if (violations.length) found[`${lang} ${path}`] = violations;
      }
    }
    // Each page was the one asked for (the confirmation page, not a redirect to the queue's page).
    expect(seen).toContain(`vi /console/ops/dlq/${REGISTRY_QUEUE}/redrive`);
    expect(seen).toContain(`en /console/ops/audit`);
    expect(found).toEqual({});
  });

  it('axe finds none on the latency chart either (drawn only on AWS: rendered here with figures)', async () => {
    const w = activityWindow(new Date());
    const points = (f: number) => new Map(intervals(w).map((t, i) => [t.getTime(), (i % 5) * f + 20] as [number, number]));
    const latency = onIntervals(w, { average: points(10), maximum: points(90) });
    const counts = { rows: [], total: 0, read: 0, truncated: false };
    const p = await context.newPage();
    for (const lang of ['vi', 'en'] as const) {
      const c = {
        m: MESSAGES[lang],
        path: '/console/ops/activity',
        local: false,
        principal: { kind: 'staff' as const, email: 'operator@ndx.gov.vn', roles: ['operator' as const] },
        csrf: 'x',
      };
      await p.setContent(`<!doctype html>${renderToString(activityPage(c, { window: w, counts, latency }))}`);
      await p.addStyleTag({ content: CSS });
      await expect(p.getByTestId('chart-latency').getAttribute('role')).resolves.toBe('img');
      await expect(p.getByTestId('table-latency').locator('tbody tr').count()).resolves.toBe(24);
      expect(await seriousViolations(p), lang).toEqual([]);
    }
    await p.close();
  });

  it('ships no JavaScript', async () => {
    for (const path of ['/ops', '/ops/activity', '/ops/audit']) {
      const { scripts } = await javascriptGzipBytes(page, `${consoleUrl}${path}`);
      expect(scripts).toBe(0);
    }
  });
});
