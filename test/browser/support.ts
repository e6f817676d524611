/**
 * Browser tests: Debian's Chromium driven by playwright-core (Playwright's own browser download is
 * not reachable here; `.ci/run` installs the chromium package), the console signed in through the
 * local demo sign-in, and axe (@axe-core/playwright) for accessibility.
 */
import AxeBuilder from '@axe-core/playwright';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';

export const CHROMIUM = process.env.NDX_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in CI, and on a machine whose network is closed: no sandbox, no background traffic.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the pages: the front page's button, then the demo person on the local sign-in page. */
export async function signInAs(page: Page, consoleUrl: string, person: string): Promise<void> {
  await page.goto(consoleUrl);
  const door = person.startsWith('citizen') ? 'citizen' : 'staff';
  await page.click(`a[href="/console/sign-in?as=${door}"]`);
  await page.click(`button[data-person="${person}"]`);
  await page.waitForURL((url) => url.pathname.startsWith('/console/') && !url.pathname.startsWith('/console/callback'));
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/** axe's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** The JavaScript a page runs, gzipped: every script it loads and every inline script, in bytes. */
export async function javascriptGzipBytes(page: Page, url: string): Promise<{ gzip: number; scripts: number }> {
  const bodies: Promise<Buffer>[] = [];
  const counting = (response: Response) => {
    if (response.request().resourceType() === 'script') bodies.push(response.body());
  };
  page.on('response', counting);
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  page.off('response', counting);
  const inline = await page.evaluate(() => Array.from(document.querySelectorAll('script:not([src])'), (s) => s.textContent ?? ''));
  const all = [...(await Promise.all(bodies)), ...inline.map((t) => Buffer.from(t))];
  return { gzip: all.reduce((n, b) => n + gzipSync(b).length, 0), scripts: all.length };
}
