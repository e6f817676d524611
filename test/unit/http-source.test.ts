/** The HTTP registry source: timeouts, retries with bounded backoff, REGISTRY_UNAVAILABLE after them, the list protocol. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { HTTP_MAX_BACKOFF_MS } from '../../config/limits.ts';
import { HTTP_BASE_BACKOFF_MS, httpSource, type HttpSourceOptions } from '../../registries/http-source.ts';
import { InvalidCursorError, RegistryUnavailableError } from '../../domain/lookup/registry-source.ts';

const Record = z.strictObject({ id: z.string(), name: z.string(), updatedAt: z.iso.datetime() });
const record = { id: 'x1', name: 'An Phát', updatedAt: '2026-01-01T00:00:00.000Z' };

/** A fetch that answers from a script of responses (a status and body, or an error to throw). */
function scripted(script: Array<{ status: number; body?: unknown } | Error>) {
  const calls: string[] = [];
  const fetchFn = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const step = script.shift() ?? { status: 500 };
    if (step instanceof Error) throw step;
    return new Response(step.body === undefined ? null : JSON.stringify(step.body), { status: step.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, calls };
}

function source(fetchFn: typeof fetch, over: Partial<HttpSourceOptions> = {}, sleeps: number[] = []) {
  return httpSource({
    baseUrl: 'http://agency.test/ndx/',
    timeoutMs: 100,
    attempts: 3,
    recordPath: (s) => (s.id ? `/records/${encodeURIComponent(s.id)}` : undefined),
    schema: Record,
    queries: { 'by-name': { path: (s) => `/names/${encodeURIComponent(s.name ?? '')}`, schema: Record } },
    fetch: fetchFn,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.999,
    ...over,
  });
}

describe('httpSource.get', () => {
  it('reads a record, and undefined for 404 (no retry)', async () => {
    const { fetchFn, calls } = scripted([
      { status: 200, body: record },
      { status: 404, body: { error: 'none' } },
    ]);
    const s = source(fetchFn);
    expect(await s.get({ id: 'x1' })).toEqual({ view: record, updatedAt: record.updatedAt });
    expect(await s.get({ id: 'x2' })).toBeUndefined();
    expect(calls).toEqual(['http://agency.test/ndx/records/x1', 'http://agency.test/ndx/records/x2']);
  });

  it('retries 5xx, 429, 408 and network errors with growing, bounded backoff, then answers', async () => {
    const sleeps: number[] = [];
    const { fetchFn, calls } = scripted([{ status: 503 }, { status: 429 }, new TypeError('fetch failed'), { status: 408 }, { status: 200, body: record }]);
    const s = source(fetchFn, { attempts: 5 }, sleeps);
    expect((await s.get({ id: 'x1' }))?.view).toEqual(record);
    expect(calls).toHaveLength(5);
    expect(sleeps).toHaveLength(4);
    for (const [i, ms] of sleeps.entries()) expect(ms).toBeLessThanOrEqual(Math.min(HTTP_MAX_BACKOFF_MS, HTTP_BASE_BACKOFF_MS * 2 ** i));
    expect(sleeps[3]).toBeGreaterThan(sleeps[0]!);
  });

  it('throws RegistryUnavailableError after the last attempt, without the subject in the message', async () => {
    const { fetchFn, calls } = scripted([{ status: 503 }, { status: 502 }, { status: 500 }, { status: 200, body: record }]);
    const error = await source(fetchFn)
      .get({ id: '001203004567' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toMatch(/after 3 attempt\(s\): HTTP 500/);
    expect((error as Error).message).not.toContain('001203004567');
    expect(calls).toHaveLength(3);
  });

  it('does not retry answers another attempt cannot mend (400, 401, a body that is not the record), yet they are REGISTRY_UNAVAILABLE', async () => {
    for (const step of [{ status: 400 }, { status: 401 }, { status: 200, body: { id: 'x1' } }, { status: 200, body: 'not json' }]) {
      const { fetchFn, calls } = scripted([step, { status: 200, body: record }]);
      await expect(source(fetchFn).get({ id: 'x1' })).rejects.toBeInstanceOf(RegistryUnavailableError);
      expect(calls, JSON.stringify(step)).toHaveLength(1);
    }
  });
});

describe('httpSource against a real slow server', () => {
  // A slow answer is one that never comes: only the source's own timeout can end such an attempt, so a
  // test that finishes shows the attempt was abandoned at its timeout, on a machine of any speed. The
  // timeout is long enough that an answer given at once is never lost to a busy machine.
  const TIMEOUT_MS = 600;
  let server: Server;
  let url = '';
  let hits = 0;
  let slowFor = 0;
  let abandoned = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      if (slowFor-- > 0) {
        res.on('close', () => abandoned++);
        return; // never answered
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(record));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  /** Waits (bounded) until the server has seen `n` attempts given up by the client. */
  async function abandonedReaches(n: number): Promise<void> {
    for (let i = 0; i < 200 && abandoned < n; i++) await new Promise((r) => setTimeout(r, 25));
    expect(abandoned).toBe(n);
  }

  it('times out each slow attempt and succeeds on the next', async () => {
    hits = 0;
    abandoned = 0;
    slowFor = 2;
    const s = httpSource({ baseUrl: url, timeoutMs: TIMEOUT_MS, attempts: 3, recordPath: () => '/r', schema: Record });
    expect((await s.get({ id: 'x' }))?.view).toEqual(record);
    expect(hits).toBe(3);
    // The two unanswered attempts were given up (connection closed) by the source, not left open.
    await abandonedReaches(2);
  });

  it('gives up after its attempts when every one is too slow', async () => {
    hits = 0;
    abandoned = 0;
    slowFor = 5;
    const s = httpSource({ baseUrl: url, timeoutMs: TIMEOUT_MS, attempts: 2, recordPath: () => '/r', schema: Record });
    await expect(s.get({ id: 'x' })).rejects.toThrow(new RegExp(`no answer within ${TIMEOUT_MS} ms`));
    expect(hits).toBe(2);
    await abandonedReaches(2);
  });
});

describe('httpSource.query', () => {
  it('asks for a page with limit and cursor, and passes the upstream cursor on', async () => {
    const { fetchFn, calls } = scripted([
      { status: 200, body: { items: [record, { ...record, id: 'x2' }], next: 'c-2' } },
      { status: 200, body: { items: [{ ...record, id: 'x3' }] } },
      { status: 404 },
    ]);
    const s = source(fetchFn);
    const first = await s.query!('by-name', { name: 'An Phát' }, { size: 2 });
    expect(first.items.map((i) => i.view.id)).toEqual(['x1', 'x2']);
    expect(first.next).toBe('c-2');
    const second = await s.query!('by-name', { name: 'An Phát' }, { size: 2, after: 'c-2' });
    expect(second).toEqual({ items: [{ view: { ...record, id: 'x3' }, updatedAt: record.updatedAt }] });
    expect(await s.query!('by-name', { name: 'nobody' }, { size: 2 })).toEqual({ items: [] });
    expect(calls[0]).toBe('http://agency.test/ndx/names/An%20Ph%C3%A1t?limit=2');
    expect(calls[1]).toBe('http://agency.test/ndx/names/An%20Ph%C3%A1t?limit=2&cursor=c-2');
  });

  it('refuses pages that break the protocol, and cursors it did not issue', async () => {
    const { fetchFn } = scripted([
      { status: 200, body: { items: [record, record, record] } },
      { status: 200, body: { items: [record], next: 7 } },
    ]);
    const s = source(fetchFn);
    await expect(s.query!('by-name', { name: 'a' }, { size: 2 })).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(s.query!('by-name', { name: 'a' }, { size: 2 })).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(s.query!('by-name', { name: 'a' }, { size: 2, after: { ownerId: 'x' } })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
