/** The ndx command as people run it: a child process, against the running local engine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { LookupReply } from '../../contracts/protocol.ts';
import { startHarness, type Harness, runNdx } from './support.ts';
import { DEMO_PUBLISHED } from '../../synthetic/demo.ts';

let h: Harness;

const ndx = (...args: string[]) => runNdx({ ...process.env, AWS_ENDPOINT_URL: h.engine.endpoint.url, NDX_OPERATOR: 'operator@ndx.gov.vn' }, args, 30_000);

const identity = (nationalId: string) => [
  'lookup',
  '--as',
  'hanoi-land-office',
  '--contract',
  'population.identity-verification',
  '--purpose',
  'LAND_REGISTRATION',
  '--subject',
  `nationalId=${nationalId}`,
];

beforeAll(async () => {
  h = await startHarness({ count: 200 });
});
afterAll(async () => {
  await h?.stop();
});

describe('ndx lookup', () => {
  it('prints a readable OK reply and exits 0', async () => {
    const r = await ndx(...identity(h.demo.living.nationalId));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK {2}population\.identity-verification@1\.0\.0/);
    expect(r.stdout).toContain(h.demo.living.fullName);
    expect(r.stdout).toContain('basis       Law on Personal Data Protection');
  });

  it('prints the LookupReply as JSON with --json', async () => {
    const r = await ndx('--json', ...identity(h.demo.living.nationalId));
    expect(r.code).toBe(0);
    const reply = LookupReply.parse(JSON.parse(r.stdout));
    expect(reply.data?.nationalId).toBe(h.demo.living.nationalId);
  });

  it('exits 4 on a denial and 3 when the subject is absent', async () => {
    const denied = await ndx(
      'lookup',
      '--as',
      'hcmc-public-services',
      '--contract',
      'population.residence',
      '--purpose',
      'SOCIAL_ALLOWANCE_APPLICATION',
      '--subject',
      `nationalId=${h.demo.living.nationalId}`,
    );
    expect(denied.code).toBe(4);
    expect(denied.stdout).toContain('DENIED CONSENT_REQUIRED');
    const absent = await ndx(...identity('079190999999'));
    expect(absent.code).toBe(3);
  });

  it('exits 2 with a hint when called wrongly', async () => {
    const r = await ndx(
      'lookup',
      '--as',
      'hanoi-land-office',
      '--contract',
      'population.identity-verification',
      '--purpose',
      'LAND_REGISTRATION',
      '--subject',
      'oops',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--subject takes key=value');
    expect((await ndx('lookup')).code).toBe(2);
  });

  it('exits 1 and says what to do when the endpoint is down', async () => {
    const r = await ndx('--endpoint', 'http://127.0.0.1:9', ...identity(h.demo.living.nationalId));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm start');
  });
});

describe('ndx contract', () => {
  it('lists the catalogue with each version’s status', async () => {
    const r = await ndx('contract', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/population\.identity-verification\s+1\.0\.0\s+active/);
    const json = JSON.parse((await ndx('--json', 'contract', 'list')).stdout) as Array<{ contract: string; version: string; status: string }>;
    // Lookup contracts and indicator contracts share the catalogue and its lifecycle.
    expect([...new Set(json.map((x) => x.contract))].sort()).toEqual([...CONTRACTS, ...INDICATORS].map((c) => c.id).sort());
    // The demo publishes its versions; the 1.1.0 versions that raise rate limits wait as drafts for a steward.
    const population = json.filter((x) => x.contract.startsWith('population.'));
    expect(population.map((x) => `${x.contract}@${x.version} ${x.status}`).sort()).toEqual(
      population.map((x) => `${x.contract}@${x.version} ${DEMO_PUBLISHED.includes(`${x.contract}@${x.version}`) ? 'active' : 'draft'}`).sort(),
    );
    expect(population.filter((x) => x.status === 'draft').map((x) => x.version)).toEqual(['1.1.0', '1.1.0']);
    expect(r.stdout).toMatch(/population\.identity-verification\s+1\.1\.0\s+draft/);
  });

  it('shows a version with its terms, fields and history', async () => {
    const r = await ndx('contract', 'show', 'population.residence@1.0.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the citizen’s consent');
    expect(r.stdout).toMatch(/permanentResidence\s+residence\s+personal/);
    expect(r.stdout).toMatch(/publish\s+approved → active/);
  });

  it('checks compatibility offline and exits 0 when nothing breaks', async () => {
    const r = await ndx('contract', 'check', 'population.identity-verification');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ compatible');
  });

  it('exports the catalogue documents generated from the schemas', async () => {
    for (const format of ['jsonschema', 'openapi', 'asyncapi', 'odcs']) {
      const r = await ndx('contract', 'export', 'population.residence', '--format', format);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(JSON.stringify(doc)).toContain('permanentResidence');
    }
    expect((await ndx('contract', 'export', 'population.residence', '--format', 'pdf')).code).toBe(2);
  });

  it('refuses a transition the lifecycle does not allow, with exit code 8 and what to do', async () => {
    const r = await ndx('contract', 'retire', 'population.residence@1.0.0');
    expect(r.code).toBe(8);
    expect(r.stderr).toContain('deprecate it first');
    expect((await ndx('contract', 'approve', 'population.residence@1.0.0', '--as', 'mayor')).code).toBe(2);
  });

  it('tells a steward which agencies used which versions, from the audit trail', async () => {
    const r = await ndx('--json', 'contract', 'consumers', 'population.identity-verification');
    expect(r.code).toBe(0);
    const { usage } = JSON.parse(r.stdout) as { usage: Array<{ consumer: string; version: string; lookups: number; ok: number }> };
    // The lookups made above in this file by the land office: two OK, one absent subject.
    expect(usage).toEqual([expect.objectContaining({ consumer: 'hanoi-land-office', version: '1.0.0', lookups: 3, ok: 2 })]);
    const readable = await ndx('contract', 'consumers', 'population.identity-verification', '--from', '2020-01-01');
    expect(readable.stdout).toMatch(/hanoi-land-office\s+1\.0\.0\s+3\s+2/);
    expect((await ndx('contract', 'consumers', 'population.identity-verification', '--from', 'yesterday')).code).toBe(2);
  });

  it('deprecates a version (lookups carry the notice), then retires it, here before its sunset, forced with a reason (lookups are refused)', async () => {
    const dep = await ndx('contract', 'deprecate', 'population.identity-verification@1.0.0', '--sunset', '2099-06-30', '--by', 'steward@population.mps.gov.vn');
    expect(dep.code).toBe(0);
    const notice = await ndx('--json', ...identity(h.demo.living.nationalId));
    expect(JSON.parse(notice.stdout)).toMatchObject({ status: 'OK', notice: { kind: 'DEPRECATED', sunset: '2099-06-30' } });
    expect((await ndx('contract', 'retire', 'population.identity-verification@1.0.0')).code).toBe(8); // before the sunset
    expect((await ndx('contract', 'retire', 'population.identity-verification@1.0.0', '--force', '--reason', 'test of retirement')).code).toBe(0);
    const refused = await ndx(...identity(h.demo.living.nationalId));
    expect(refused.code).toBe(4);
    expect(refused.stdout).toContain('DENIED VERSION_RETIRED');
  });
});
