/**
 * `npm run screenshots`: the pictures of the console in the README, taken from the local engine with
 * Debian's Chromium: each role's main page, in Vietnamese (the citizen's also in English). Starts its
 * own engine on a free port, seeds the demo, makes a few lookups so the pages have something to show.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { documentClient } from '../aws/clients.ts';
import { LOCAL_PEPPER } from '../config/local.ts';
import { demoCitizens } from '../local/console-sign-in.ts';
import { PROJECT_ROOT, startEngine } from '../local/engine.ts';
import config from '../ndx.config.ts';
import { seedDemo } from '../synthetic/demo.ts';
import { httpLookup } from '../test/integration/console-support.ts';
import { identityRequest, residenceRequest } from '../test/integration/support.ts';
import { launchBrowser, signInAs } from '../test/browser/support.ts';

const out = join(PROJECT_ROOT, 'docs');
mkdirSync(out, { recursive: true });
const engine = await startEngine({ config, port: 0, logLevel: 'ERROR' });
const browser = await launchBrowser();
try {
  const demo = await seedDemo(documentClient(), { pepper: LOCAL_PEPPER, count: 400 });
  engine.api.issuer.console.setPeople(demoCitizens(demo));
  const citizen = demo.citizens[0];
  if (!citizen) throw new Error('the demo has no citizen');
  await httpLookup(engine, 'hanoi-land-office', identityRequest(citizen.nationalId, { onBehalfOf: 'HS-2026-0042' }));
  await httpLookup(engine, 'hcmc-public-services', residenceRequest(citizen.nationalId, 'cns-demo-active'));
  await httpLookup(engine, 'danang-tax-office', identityRequest(citizen.nationalId, { purpose: 'TAX_REGISTRATION' }));

  const shots: Array<{ person: string; path: string; file: string; lang?: 'en' }> = [
    { person: 'citizen-1', path: '/me', file: 'console-citizen.png' },
    { person: 'citizen-1', path: '/me', file: 'console-citizen-en.png', lang: 'en' },
    { person: 'citizen-1', path: '/me/consents', file: 'console-consents.png' },
    { person: 'steward', path: '/catalog', file: 'console-steward.png' },
    { person: 'operator', path: '/ops', file: 'console-operator.png' },
  ];
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, engine.console.url, shot.person);
    const res = await page.goto(`${engine.console.url}${shot.path}${shot.lang ? `?lang=${shot.lang}` : ''}`);
    if (!res?.ok()) {
      console.error(`skipped ${shot.file}: ${shot.path} answered ${res?.status()}`);
    } else {
      await page.screenshot({ path: join(out, shot.file), fullPage: false });
      console.log(`docs/${shot.file}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await engine.stop({ drainMs: 0 });
}
