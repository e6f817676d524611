/**
 * The stewards' console over HTTP, against the real engine and its contract registry: the catalogue
 * with lifecycle from the registry; the diff; a draft taken through propose → approve as steward →
 * approve as DPO (another person) → publish, each recorded with the signed-in e-mail; the same person
 * refused when approving in the second role (the demo steward holds both roles); operators and
 * citizens refused every steward page and form; a form without the session's CSRF token refused;
 * governance's refusal at publish and the sunset kept at retire shown as pages with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { names } from '../../config/names.ts';
import { findContract } from '../../contracts/catalog.ts';
import { type ContractDefinition, defineContract } from '../../contracts/model.ts';
import { lifecycleContract } from '../fixtures/lifecycle-contract.ts';
import { type ConsoleSession, consoleSignIn, httpLookup } from './console-support.ts';
import { type Harness, identityRequest, startHarness } from './support.ts';

/** The lifecycle test contract, stewarded by the demo's steward: every version a draft at start. */
const stewarded: ContractDefinition = defineContract({ ...lifecycleContract, id: 'test.console-steward', stewards: ['steward@population.mps.gov.vn'] });
const findWithTest = (id: string) => (id === stewarded.id ? stewarded : findContract(id));
const base = `/console/catalog/${stewarded.id}`;

let h: Harness;
let origin: string;
let steward: ConsoleSession;
let dpo: ConsoleSession;
const registry = () => new ContractRegistry(documentClient(), names.contractTable);
const statusOf = async (version: string) => (await registry().record(stewarded.id, version))?.status ?? 'draft';

beforeAll(async () => {
  h = await startHarness({ count: 100, deps: { findContract: findWithTest } });
  origin = h.engine.endpoint.url;
  [steward, dpo] = await Promise.all([consoleSignIn(origin, 'steward'), consoleSignIn(origin, 'dpo')]);
});
afterAll(async () => h?.stop());

/** Posts a confirmed action with the session's CSRF token, taken from the confirmation page itself. */
async function act(s: ConsoleSession, version: string, action: string, extra: Record<string, string> = {}) {
  const csrf = await s.csrf(`${base}/${version}/${action}`);
  return s.post(`${base}/${version}/${action}`, { csrf, ...extra });
}

describe('the catalogue', () => {
  it('lists every shipped contract with its versions’ status from the registry, provider and stewards', async () => {
    const res = await steward.get('/console/catalog');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Danh mục hợp đồng dữ liệu');
    expect(res.body).toContain('href="/console/catalog/population.identity-verification"');
    expect(res.body).toContain('steward@land.mae.gov.vn');
    // The demo publishes every shipped 1.0.0: the registry says active.
    expect(res.body).toMatch(/href="\/console\/catalog\/land\.parcel\/1\.0\.0">1\.0\.0<\/a> <span class="badge ok">Đang áp dụng<\/span>/);
  });

  it('shows a version’s terms in English too: legal bases with instrument, article and what they cover, fields with category and sensitivity', async () => {
    const res = await dpo.get('/console/catalog/population.identity-verification/1.0.0?lang=en');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Law on Personal Data Protection No. 91/2025/QH15');
    expect(res.body).toContain('Art. 19.1(c)');
    expect(res.body).toContain('Hà Nội Land Registration Office — for LAND_REGISTRATION');
    expect(res.body).toMatch(
      /<th scope="row" class="mono">fullName<\/th><td>Name and date of birth <span class="mono">\(identity\)<\/span><\/td><td>Personal data<\/td>/,
    );
    // A DPO who is not a steward of it may not propose, publish, deprecate or retire it.
    expect(res.body).not.toContain('/console/catalog/population.identity-verification/1.0.0/deprecate');
  });

  it('shows a contract the catalogue does not list when the platform knows it (the test contract), all drafts', async () => {
    const res = await steward.get(base);
    expect(res.status).toBe(200);
    expect(res.body.match(/class="badge muted">Bản nháp</g)).toHaveLength(stewarded.versions.length);
  });

  it('answers an unknown contract or version 404', async () => {
    expect((await steward.get('/console/catalog/no.such')).status).toBe(404);
    expect((await steward.get(`${base}/9.9.9`)).status).toBe(404);
    expect((await steward.get(`${base}/1.0.0/approve-twice`)).status).toBe(404);
  });
});

describe('the diff', () => {
  it('shows each change with its verdict, reason and the bump it needs, as ndx contract diff computes it', async () => {
    const res = await steward.get(`${base}/diff?from=1.1.0&to=1.2.0&lang=en`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('The version number makes a MINOR (compatible) bump; the change needs MAJOR (breaking).');
    expect(res.body).toContain('publishing this version will be refused');
    expect(res.body).toMatch(/<th scope="row" class="mono">\$\.fullName<\/th><td class="mono">[a-z-]+<\/td><td><span class="badge bad">Breaking<\/span><\/td>/);
    const ok = await steward.get(`${base}/diff?from=1.1.0&to=2.0.0&lang=en`);
    expect(ok.body).toContain('The number carries the change.');
  });

  it('answers a version that does not exist 404', async () => {
    expect((await steward.get(`${base}/diff?from=1.0.0&to=3.0.0`)).status).toBe(404);
  });
});

describe('who may enter and act', () => {
  const pages = ['/console/catalog', base, `${base}/1.0.0`, `${base}/diff`, `${base}/consumers`, `${base}/1.0.0/propose`];

  it('refuses an operator and a citizen every steward page (403) and every steward form, even with their own CSRF token', async () => {
    for (const person of ['operator', 'citizen-1']) {
      const s = await consoleSignIn(origin, person);
      for (const p of pages) expect((await s.get(p)).status, `${person} GET ${p}`).toBe(403);
      const csrf = await s.csrf();
      for (const action of ['propose', 'approve-steward', 'approve-dpo', 'publish'])
        expect((await s.post(`${base}/1.0.0/${action}`, { csrf })).status, `${person} POST ${action}`).toBe(403);
    }
    expect(await statusOf('1.0.0')).toBe('draft');
  });

  it('refuses a form without the session’s CSRF token, or with another, and changes nothing', async () => {
    expect((await steward.post(`${base}/1.0.0/propose`, {})).status).toBe(403);
    expect((await steward.post(`${base}/1.0.0/propose`, { csrf: await dpo.csrf() })).status).toBe(403);
    expect(await statusOf('1.0.0')).toBe('draft');
  });

  it('refuses a DPO who is not a steward of the contract its steward’s actions, in the page and in the form', async () => {
    expect((await dpo.get(`${base}/1.0.0/propose`)).status).toBe(403);
    const csrf = await dpo.csrf();
    const res = await dpo.post(`${base}/1.0.0/propose`, { csrf });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Chỉ người quản lý dữ liệu của hợp đồng này');
    expect(await statusOf('1.0.0')).toBe('draft');
  });

  it('sends a visitor without a session to the staff sign-in, and refuses their form', async () => {
    const res = await fetch(`${origin}${base}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/sign-in?as=staff&next=${encodeURIComponent(base)}`);
    const post = await fetch(`${origin}${base}/1.0.0/propose`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ csrf: 'x' }) });
    expect(post.status).toBe(401);
  });
});

describe('the two-role approval', () => {
  it('takes a draft through propose, approve as steward, approve as DPO by another person, and publish', async () => {
    const confirm = await steward.get(`${base}/1.0.0/propose`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Đề xuất đưa phiên bản này vào quy trình phê duyệt');
    const proposed = await act(steward, '1.0.0', 'propose');
    expect(proposed.status).toBe(303);
    expect(proposed.location).toBe(`${base}/1.0.0?done=propose`);
    expect((await steward.get(proposed.location!)).body).toContain('Đã đề xuất phiên bản.');

    expect((await act(steward, '1.0.0', 'approve-steward')).status).toBe(303);
    expect(await statusOf('1.0.0')).toBe('proposed');
    expect((await act(dpo, '1.0.0', 'approve-dpo')).status).toBe(303);
    expect(await statusOf('1.0.0')).toBe('approved');
    expect((await act(steward, '1.0.0', 'publish')).status).toBe(303);

    const record = await registry().record(stewarded.id, '1.0.0');
    expect(record?.status).toBe('active');
    expect(record?.approvals.map((a) => [a.role, a.by])).toEqual([
      ['steward', 'steward@population.mps.gov.vn'],
      ['dpo', 'dpo@ndx.gov.vn'],
    ]);
    expect(record?.events.map((e) => [e.action, e.by])).toEqual([
      ['propose', 'steward@population.mps.gov.vn'],
      ['approve', 'steward@population.mps.gov.vn'],
      ['approve', 'dpo@ndx.gov.vn'],
      ['publish', 'steward@population.mps.gov.vn'],
    ]);
    // The platform answers under it now.
    const looked = await httpLookup(h.engine, 'hanoi-land-office', identityRequest(h.demo.living.nationalId, { contract: stewarded.id, version: '1' }));
    expect(looked.reply).toMatchObject({ status: 'OK', version: '1.0.0' });
  });

  it('refuses the same person approving in the second role with a page that says why (409), and keeps the version proposed', async () => {
    await act(steward, '1.1.0', 'propose');
    expect((await act(steward, '1.1.0', 'approve-steward')).status).toBe(303);
    const page = await steward.get(`${base}/1.1.0`);
    // Still offered (the person holds the DPO role): the refusal is the registry's four-eyes rule.
    expect(page.body).toContain(`href="${base}/1.1.0/approve-dpo"`);
    const twice = await act(steward, '1.1.0', 'approve-dpo');
    expect(twice.status).toBe(409);
    expect(twice.body).toContain('Thao tác bị từ chối');
    expect(twice.body).toContain('already approved in another role: approval takes two people');
    const record = await registry().record(stewarded.id, '1.1.0');
    expect(record?.status).toBe('proposed');
    expect(record?.approvals).toHaveLength(1);
  });

  it('shows governance’s refusal at publish with each problem', async () => {
    // 1.2.0 drops a field consumers of 1.0.0 read, under a MINOR number.
    await act(steward, '1.2.0', 'propose');
    await act(steward, '1.2.0', 'approve-steward');
    await act(dpo, '1.2.0', 'approve-dpo');
    const refused = await act(steward, '1.2.0', 'publish');
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('test.console-steward@1.2.0 cannot be published');
    expect(refused.body).toMatch(/<ul data-testid="problems"><li><span lang="en">1\.0\.0 → 1\.2\.0 is a MINOR bump but the change needs MAJOR:/);
    expect(await statusOf('1.2.0')).toBe('approved');
  });
});

describe('deprecation and retirement', () => {
  it('shows who used the version before deprecating it, then deprecates with the sunset given', async () => {
    const confirm = await steward.get(`${base}/1.0.0/deprecate?lang=en`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatch(/Hà Nội Land Registration Office <span class="mono">\(hanoi-land-office\)<\/span><\/th><td>1\.0\.0/);
    expect((await act(steward, '1.0.0', 'deprecate', { sunset: 'soon' })).status).toBe(400);
    expect((await act(steward, '1.0.0', 'deprecate', { sunset: '2020-01-01' })).status).toBe(409);
    const sunset = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    expect((await act(steward, '1.0.0', 'deprecate', { sunset })).status).toBe(303);
    expect(await registry().record(stewarded.id, '1.0.0')).toMatchObject({ status: 'deprecated', sunset });
  });

  it('reports the consumers of a window from the audit trail', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const res = await dpo.get(`${base}/consumers?from=${today}&to=${today}&lang=en`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Version 1.0.0: 1 lookup by 1 agency');
    expect((await dpo.get(`${base}/consumers?from=${today}&to=2000-01-01`)).status).toBe(400);
  });

  it('refuses retiring before the sunset without a reason, and records the reason when given', async () => {
    const confirm = await steward.get(`${base}/1.0.0/retire`);
    expect(confirm.body).toMatch(/<textarea[^>]*name="reason"/);
    const refused = await act(steward, '1.0.0', 'retire');
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('consumers were promised that date');
    expect(await statusOf('1.0.0')).toBe('deprecated');
    expect((await act(steward, '1.0.0', 'retire', { reason: 'court order 2026-88' })).status).toBe(303);
    const record = await registry().record(stewarded.id, '1.0.0');
    expect(record?.status).toBe('retired');
    expect(record?.events.at(-1)).toMatchObject({
      action: 'retire',
      by: 'steward@population.mps.gov.vn',
      note: expect.stringContaining('court order 2026-88'),
    });
  });
});
