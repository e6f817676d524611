/**
 * A stand-in for an agency's existing system that serves its registry over HTTP, as an HTTP-backed
 * registry source reads it (registries/http-source.ts): the business registration portal,
 * serving the synthetic world's enterprises from memory. With faults to switch on, so tests (and
 * people) can see the adapter ride out a slow or failing upstream:
 * - `delay(ms, { times, match })`: the next `times` requests (whose path contains `match`) answer after `ms`;
 * - `fail(status, { times, match })`: the next `times` such requests answer `status` (e.g. 503);
 * - `times` defaults to Infinity and `match` to every path; `heal()` clears every fault.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnterpriseProfile, type Representation } from '../registries/business/record.ts';
import { generateWorld, type WorldOptions } from '../synthetic/world.ts';

export interface FaultOptions {
  /** How many requests the fault applies to (default: all). */
  times?: number;
  /** Only requests whose path contains this (default: every request). */
  match?: string;
}

interface Fault {
  kind: 'delay' | 'fail';
  value: number;
  left: number;
  match: string;
}

export interface AgencySystem {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Requests received so far (including failed and delayed ones). */
  readonly requests: number;
  delay(ms: number, options?: FaultOptions): void;
  fail(status: number, options?: FaultOptions): void;
  heal(): void;
  close(): Promise<void>;
}

/** Serves the business register of the synthetic world (seed, count) at /enterprises and /representatives. */
export async function startBusinessSystem(world: WorldOptions, port = 0): Promise<AgencySystem> {
  const enterprises = new Map<string, EnterpriseProfile>();
  const byRepresentative = new Map<string, Representation[]>();
  for (const e of generateWorld(world)) {
    if (e.kind !== 'enterprise') continue;
    enterprises.set(e.record.enterpriseCode, EnterpriseProfile.parse(e.record));
    for (const { sk: _sk, representativeId, ...row } of e.representations) {
      const list = byRepresentative.get(representativeId) ?? [];
      list.push(row);
      byRepresentative.set(representativeId, list);
    }
  }
  for (const list of byRepresentative.values()) list.sort((a, b) => a.enterpriseCode.localeCompare(b.enterpriseCode));

  let requests = 0;
  let faults: Fault[] = [];
  const take = (kind: Fault['kind'], path: string): number | undefined => {
    const f = faults.find((x) => x.kind === kind && x.left > 0 && path.includes(x.match));
    if (!f) return undefined;
    f.left--;
    return f.value;
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const delay = take('delay', url.pathname);
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    const failure = take('fail', url.pathname);
    if (failure !== undefined) return json(res, failure, { error: 'injected failure' });
    if (req.method !== 'GET') return json(res, 405, { error: 'GET only' });
    const enterpriseCode = /^\/enterprises\/([^/]+)$/.exec(url.pathname)?.[1];
    if (enterpriseCode !== undefined) {
      const e = enterprises.get(decodeURIComponent(enterpriseCode));
      return e ? json(res, 200, e) : json(res, 404, { error: 'no such enterprise' });
    }
    const representative = /^\/representatives\/([^/]+)\/enterprises$/.exec(url.pathname)?.[1];
    if (representative !== undefined) {
      const limit = Number(url.searchParams.get('limit') ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return json(res, 400, { error: 'limit must be 1-100' });
      const cursor = url.searchParams.get('cursor');
      const all = byRepresentative.get(decodeURIComponent(representative)) ?? [];
      // The cursor is the last enterprise code of the previous page (opaque to callers).
      const from = cursor ? all.findIndex((r) => r.enterpriseCode > Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
      const items = from < 0 ? [] : all.slice(from, from + limit);
      const more = from >= 0 && from + limit < all.length;
      const last = items.at(-1);
      return json(res, 200, { items, ...(more && last ? { next: Buffer.from(last.enterpriseCode).toString('base64url') } : {}) });
    }
    if (url.pathname === '/_health') return json(res, 200, { enterprises: enterprises.size });
    return json(res, 404, { error: 'no such path' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => json(res, 500, { error: 'internal' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    get requests() {
      return requests;
    },
    delay(ms, options = {}) {
      faults.push({ kind: 'delay', value: ms, left: options.times ?? Infinity, match: options.match ?? '' });
    },
    fail(status, options = {}) {
      faults.push({ kind: 'fail', value: status, left: options.times ?? Infinity, match: options.match ?? '' });
    },
    heal() {
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `NDX_BUSINESS_SOURCE=http npm start`: the configuration with the business registry read over HTTP
 * from this stand-in (serving the same synthetic world as the demo), and the stand-in itself.
 */
export async function businessOverHttp<C extends { registries: ReadonlyArray<{ id: string }> }>(
  config: C,
  world: WorldOptions,
): Promise<{ config: C; system: AgencySystem }> {
  const system = await startBusinessSystem(world);
  return {
    config: {
      ...config,
      registries: config.registries.map((r) => (r.id === 'business' ? { ...r, source: { kind: 'http', url: system.url, timeoutMs: 2000, attempts: 3 } } : r)),
    },
    system,
  };
}
