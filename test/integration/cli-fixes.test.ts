/**
 * The CLI as a new user meets it (issue 13), through the command against the local engine: one
 * endpoint rule, options checked before anything is sent, --json errors, no stack traces, wrong
 * agencies and mistyped subjects refused, consent subjects checked against the contract, the sunset
 * kept at retirement, who acted recorded, dead letters listed honestly and deleted with confirmation.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ClassicLevel } from 'classic-level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../aws/clients.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import type { DeadLetter } from '../../aws/operations.ts';
import { names } from '../../config/names.ts';
import { PROJECT_ROOT } from '../../local/engine.ts';
import { startHarness, type Harness, runNdx, type CliRun } from './support.ts';

const exec = promisify(execFile);
let h: Harness;
let port: string;

/** The command with only the environment given (no AWS_ENDPOINT_URL, NDX_PORT or NDX_OPERATOR unless set here). */
function cli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|NDX_)/.test(k)));
  return runNdx({ ...base, ...env }, args);
}

/** Against the harness engine by NDX_PORT, as an operator who said who they are. */
const ndx = (...args: string[]) => cli({ NDX_PORT: port, NDX_OPERATOR: 'operator@ndx.gov.vn' }, ...args);

const noStack = (r: CliRun) => expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

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

async function trailLength(nationalId: string): Promise<number> {
  const r = await ndx('--json', 'audit', 'trail', '--subject', `nationalId=${nationalId}`);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { entries: unknown[] }).entries.length;
}

beforeAll(async () => {
  h = await startHarness({ count: 200 });
  port = new URL(h.engine.endpoint.url).port;
});
afterAll(async () => {
  await h?.stop();
});

describe('one endpoint rule: --endpoint, NDX_PORT, AWS configuration, the local default', () => {
  it('follows NDX_PORT before AWS_ENDPOINT_URL, and --endpoint before NDX_PORT', async () => {
    const byPort = await cli({ NDX_PORT: port, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, ...identity(h.demo.living.nationalId));
    expect(byPort.code, byPort.stderr).toBe(EXIT.OK);
    const byOption = await cli({ NDX_PORT: port }, '--endpoint', 'http://127.0.0.1:9', ...identity(h.demo.living.nationalId));
    expect(byOption.code).toBe(EXIT.FAILURE);
    expect(byOption.stderr).toContain('cannot reach http://127.0.0.1:9 (endpoint from --endpoint)');
    noStack(byOption);
    const byAws = await cli({ AWS_ENDPOINT_URL: h.engine.endpoint.url }, ...identity(h.demo.living.nationalId));
    expect(byAws.code, byAws.stderr).toBe(EXIT.OK);
  });

  it('refuses a bad NDX_PORT (exit 2) and says so', async () => {
    const r = await cli({ NDX_PORT: 'abc' }, 'contract', 'list');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('NDX_PORT must be a port number');
    noStack(r);
  });

  it('seed treats a localhost that is not ndx’s engine as remote', async () => {
    const other = http.createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://localhost:${(other.address() as AddressInfo).port}`;
      const r = await cli({}, '--endpoint', url, 'seed', '--count', '10');
      expect(r.code).toBe(EXIT.REFUSED);
      expect(r.stderr).toContain("is not ndx's local engine");
      expect(r.stderr).toContain('--force');
    } finally {
      other.close();
    }
  });
});

describe('options checked before anything is sent', () => {
  it('--timeout abc: exit 2 with what it takes, and no lookup is sent or audited', async () => {
    const nationalId = h.demo.living.nationalId;
    const before = await trailLength(nationalId);
    for (const bad of [
      ['--timeout', 'abc'],
      ['--timeout', '0'],
      ['--page-size', 'two'],
    ]) {
      const r = await ndx(...identity(nationalId), ...bad);
      expect(r.code, bad.join(' ')).toBe(EXIT.USAGE);
      expect(r.stderr).toContain(`${bad[0]} takes`);
      expect(r.stderr).not.toContain('NaN');
    }
    expect(await trailLength(nationalId)).toBe(before);
  });

  it('a wrong agency lists the valid ones', async () => {
    const r = await ndx(
      'lookup',
      '--as',
      'hanoi-land-ofice',
      '--contract',
      'population.identity-verification',
      '--purpose',
      'LAND_REGISTRATION',
      '--subject',
      `nationalId=${h.demo.living.nationalId}`,
    );
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('no agency "hanoi-land-ofice"');
    expect(r.stderr).toContain('hanoi-land-office, hcmc-public-services');
    const grant = await ndx(
      'consent',
      'grant',
      '--agency',
      'hcmc',
      '--contract',
      'population.residence',
      '--purpose',
      'ADDRESS_CONFIRMATION',
      '--evidence',
      'e',
      '--subject',
      `nationalId=${h.demo.living.nationalId}`,
    );
    expect(grant.code).toBe(EXIT.USAGE);
    expect(grant.stderr).toContain('hcmc-public-services');
  });
});

describe('--json: errors as JSON on stdout', () => {
  it('prints {"error": {"code", "message"}} for usage errors, refusals and what is not found', async () => {
    for (const [args, code] of [
      [['lookup', '--as', 'nobody', '--contract', 'x', '--purpose', 'X', '--subject', 'nationalId=1'], 'USAGE'],
      [['lookup'], 'USAGE'],
      [['contract', 'retire', 'population.residence@1.0.0'], 'REFUSED'],
      [['consent', 'show', 'cns-nope'], 'NOT_FOUND'],
    ] as const) {
      const r = await ndx('--json', ...args);
      expect(r.code, args.join(' ')).toBe(EXIT[code]);
      const parsed = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(parsed.error.code).toBe(code);
      expect(parsed.error.message.length).toBeGreaterThan(5);
    }
  });
});

describe('no stack trace for an expected failure', () => {
  it('a second npm start on the same NDX_DATA_DIR says another ndx is using it (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndx-lock-'));
    const held = new ClassicLevel(dir);
    await held.open();
    try {
      const r = await exec(process.execPath, [join(PROJECT_ROOT, 'local/main.ts')], {
        env: { ...process.env, NDX_DATA_DIR: dir, NDX_PORT: '45698' },
        timeout: 60_000,
      }).then(
        (x) => ({ code: 0, ...x }),
        (e: CliRun) => e,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`another ndx is using ${dir}; stop it or pick another NDX_DATA_DIR`);
      noStack(r);
    } finally {
      await held.close();
    }
  });

  it('an AWS error is a sentence', async () => {
    const r = await ndx('ops', 'dlq', 'list', names.registryInQueue('population'), '--max', '0');
    expect(r.code).toBe(EXIT.USAGE);
    noStack(r);
    const down = await cli({ NDX_OPERATOR: 'x' }, '--endpoint', 'http://127.0.0.1:9', 'consent', 'revoke', 'cns-x');
    expect(down.code).toBe(EXIT.FAILURE);
    noStack(down);
  });
});

describe('subjects', () => {
  it('audit trail refuses a subject that is not a valid identifier instead of reassuring', async () => {
    const id = h.demo.living.nationalId;
    for (const subject of ['nationalId=12345', `nationalID=${id}`, 'foo=bar']) {
      const r = await ndx('audit', 'trail', '--subject', subject);
      expect(r.code, subject).toBe(EXIT.USAGE);
      expect(r.stdout).not.toContain('No lookup');
    }
    expect((await ndx('audit', 'trail', '--subject', `nationalId=${id}`)).code).toBe(EXIT.OK);
  });

  it('consent grant checks the subject against the contract version’s subject schema', async () => {
    const id = h.demo.world.examples.owner.nationalId;
    const grant = (subject: string) =>
      ndx(
        'consent',
        'grant',
        '--agency',
        'hcmc-public-services',
        '--contract',
        'population.residence',
        '--purpose',
        'ADDRESS_CONFIRMATION',
        '--evidence',
        'case-7',
        '--subject',
        subject,
      );
    const count = async () => (JSON.parse((await ndx('--json', 'consent', 'list', '--subject', `nationalId=${id}`)).stdout) as unknown[]).length;
    const before = await count();
    const wrong: Array<[string, string]> = [
      ['nationalId=12345', 'nationalId: a 12-digit'],
      [`nationalID=${id}`, 'not a key of this subject (nationalID)'],
      ['foo=bar', 'not a key of this subject (foo)'],
    ];
    for (const [subject, says] of wrong) {
      const r = await grant(subject);
      expect(r.code, subject).toBe(EXIT.USAGE);
      expect(r.stderr).toContain(says);
    }
    expect(await count()).toBe(before);
    expect((await grant(`nationalId=${id}`)).code).toBe(EXIT.OK);
    expect(await count()).toBe(before + 1);
  });
});

describe('contract lifecycle: who acted, and the sunset kept', () => {
  it('refuses a change without an identity: no "unknown", no $USER', async () => {
    const r = await cli({ NDX_PORT: port, USER: 'someone' }, 'contract', 'deprecate', 'population.residence@1.0.0', '--sunset', '2099-06-30');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('--by');
    expect(r.stderr).toContain('NDX_OPERATOR');
  });

  it('retire before the sunset is refused unless forced with a recorded reason', async () => {
    const ref = 'population.residence@1.0.0';
    expect((await ndx('contract', 'deprecate', ref, '--sunset', '2099-06-30', '--by', 'steward@population.mps.gov.vn')).code).toBe(EXIT.OK);
    const early = await ndx('contract', 'retire', ref);
    expect(early.code).toBe(EXIT.REFUSED);
    expect(early.stderr).toContain('answers until its sunset 2099-06-30');
    expect((await ndx('contract', 'retire', ref, '--force')).code).toBe(EXIT.USAGE);
    const forced = await ndx('--json', 'contract', 'retire', ref, '--force', '--reason', 'court order 2026-88', '--by', 'dpo@ndx.gov.vn');
    expect(forced.code, forced.stderr).toBe(EXIT.OK);
    expect(JSON.parse(forced.stdout).events.at(-1)).toMatchObject({
      action: 'retire',
      by: 'dpo@ndx.gov.vn',
      note: 'before its sunset 2099-06-30: court order 2026-88',
    });
  });
});

describe('dead letters', () => {
  const queue = names.registryInQueue('land');
  const dlqUrl = () => h.engine.queueUrl(names.deadLetterQueue(queue));
  const list = async () => {
    const r = await ndx('--json', 'ops', 'dlq', 'list', queue);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { depth: number; messages: DeadLetter[] };
  };

  it('lists receive counts as they were before the listing, and says so', async () => {
    for (const body of ['poison-1', 'poison-2']) await sqsClient().send(new SendMessageCommand({ QueueUrl: dlqUrl(), MessageBody: body }));
    const first = await list();
    expect(first.messages.map((m) => m.receiveCount)).toEqual([0, 0]);
    const readable = await ndx('ops', 'dlq', 'list', queue);
    expect(readable.stdout).toContain('before this listing');
    expect(readable.stdout).toContain(`ndx ops dlq delete ${queue}`);
  });

  it('delete and purge ask first, refuse without a terminal and without --yes, and act with --yes', async () => {
    const { messages } = await list();
    const [one] = messages;
    if (!one) throw new Error('no dead letter to delete');
    const unconfirmed = await ndx('ops', 'dlq', 'delete', queue, one.messageId);
    expect(unconfirmed.code).toBe(EXIT.USAGE);
    expect(unconfirmed.stderr).toContain('--yes');
    expect((await list()).depth).toBe(2);
    const deleted = await ndx('ops', 'dlq', 'delete', queue, one.messageId, '--yes');
    expect(deleted.code, deleted.stderr).toBe(EXIT.OK);
    expect((await list()).messages.map((m) => m.messageId)).not.toContain(one.messageId);
    expect((await ndx('ops', 'dlq', 'delete', queue, one.messageId, '--yes')).code).toBe(EXIT.NOT_FOUND);
    expect((await ndx('ops', 'dlq', 'purge', queue)).code).toBe(EXIT.USAGE);
    const purged = await ndx('--json', 'ops', 'dlq', 'purge', queue, '--yes');
    expect(purged.code, purged.stderr).toBe(EXIT.OK);
    expect(JSON.parse(purged.stdout)).toMatchObject({ purged: 1 });
    expect((await list()).depth).toBe(0);
  });
});

describe('ndx --version', () => {
  it('prints the version of package.json', async () => {
    const r = await cli({}, '--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
