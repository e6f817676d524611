/**
 * A registry source backed by an agency's existing system over HTTP, for registries whose records
 * stay where they are. Every attempt has a timeout; a failed attempt (network error, timeout, 408,
 * 429 or 5xx) is retried with exponential backoff and full jitter, up to `attempts`; after the last one
 * the source throws `RegistryUnavailableError`, so the adapter leaves the lookup on its queue to be
 * delivered again, and answers `ERROR`/`REGISTRY_UNAVAILABLE` only on its last delivery. Other
 * answers that cannot be used (another 4xx, a body that is not the registry's record) are not retried
 * within the invocation but end the same way.
 *
 * The protocol an agency system implements (paths are the registry module's):
 * - `GET <base>/<record path>`: `200` with the record as JSON, or `404` when there is none.
 * - `GET <base>/<list path>?limit=N[&cursor=C]`: `200` with `{ "items": [...], "next": "C2" }`, `next`
 *   present only when more items follow (an opaque string of at most 512 characters); `404` or an
 *   empty `items` when there are none.
 */
import {
  InvalidCursorError,
  RegistryUnavailableError,
  type RecordView,
  type RegistrySource,
  type SourcePage,
  type SourceRecord,
} from '../domain/lookup/registry-source.ts';
import type { z } from 'zod';
import { HTTP_MAX_BACKOFF_MS } from '../config/limits.ts';

type Subject = Readonly<Record<string, string>>;

/** First backoff ceiling; doubles per attempt up to HTTP_MAX_BACKOFF_MS. */
export const HTTP_BASE_BACKOFF_MS = 50;
/** Largest body read from the agency system. */
const MAX_BODY_BYTES = 1024 * 1024;
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

export interface HttpQuerySpec {
  /** Path of the list for a subject, or undefined when the subject has none. */
  path: (subject: Subject) => string | undefined;
  schema: z.ZodType<{ updatedAt: string }>;
  view?: (item: never) => RecordView;
}

export interface HttpSourceOptions {
  /** Base URL of the agency system, without a trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  attempts: number;
  /** Path of the record a subject designates, or undefined when it designates none. */
  recordPath: (subject: Subject) => string | undefined;
  schema: z.ZodType<{ updatedAt: string }>;
  view?: (record: never) => RecordView;
  queries?: Readonly<Record<string, HttpQuerySpec>>;
  /** Seams for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Why an attempt failed, and whether another attempt may help. */
class AttemptError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}

export function httpSource(options: HttpSourceOptions): RegistrySource {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const base = options.baseUrl.replace(/\/+$/, '');

  /** One GET: the parsed JSON body, or undefined for 404. */
  async function attempt(url: string): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, { headers: { accept: 'application/json', 'user-agent': 'ndx-adapter' }, signal: AbortSignal.timeout(options.timeoutMs) });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new AttemptError(`HTTP ${response.status}`, RETRYABLE.has(response.status));
      }
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > MAX_BODY_BYTES) throw new AttemptError(`body of ${length} bytes is too large`, false);
      text = await response.text();
    } catch (error) {
      if (error instanceof AttemptError) throw error;
      const name = (error as Error).name;
      // TimeoutError (the attempt's deadline), TypeError (network), AbortError: try again.
      throw new AttemptError(name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `request failed: ${name}`, true, { cause: error });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new AttemptError('the body is not JSON', false);
    }
  }

  /** Attempts with backoff; `RegistryUnavailableError` when none succeeds. */
  async function get(path: string): Promise<unknown> {
    const url = `${base}${path}`;
    for (let n = 1; ; n++) {
      try {
        return await attempt(url);
      } catch (error) {
        const e = error as AttemptError;
        if (!e.retryable || n >= options.attempts) {
          // No URL in the message: it carries the subject's identifier.
          throw new RegistryUnavailableError(`agency system did not answer after ${n} attempt(s): ${e.message}`, { cause: error });
        }
        await sleep(random() * Math.min(HTTP_MAX_BACKOFF_MS, HTTP_BASE_BACKOFF_MS * 2 ** (n - 1)));
      }
    }
  }

  function record(schema: z.ZodType<{ updatedAt: string }>, view: ((r: never) => RecordView) | undefined, json: unknown): SourceRecord {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new RegistryUnavailableError(`agency system answered a record that does not fit: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    return { view: view ? view(parsed.data as never) : (parsed.data as RecordView), updatedAt: parsed.data.updatedAt };
  }

  return {
    async get(subject) {
      const path = options.recordPath(subject);
      if (path === undefined) return undefined;
      const json = await get(path);
      return json === undefined ? undefined : record(options.schema, options.view, json);
    },

    async query(name, subject, page): Promise<SourcePage> {
      const spec = options.queries?.[name];
      if (!spec) throw new Error(`agency system source has no query ${name}`);
      const path = spec.path(subject);
      if (path === undefined) return { items: [] };
      if (page.after !== undefined && (typeof page.after !== 'string' || page.after.length > 512))
        throw new InvalidCursorError('not a cursor of this agency system');
      const params = new URLSearchParams({ limit: String(page.size), ...(page.after !== undefined ? { cursor: page.after as string } : {}) });
      const json = await get(`${path}?${params}`);
      if (json === undefined) return { items: [] };
      const body = json as { items?: unknown; next?: unknown };
      if (
        !Array.isArray(body.items) ||
        body.items.length > page.size ||
        (body.next !== undefined && (typeof body.next !== 'string' || body.next.length === 0 || body.next.length > 512))
      ) {
        throw new RegistryUnavailableError('agency system answered a page that does not fit the protocol');
      }
      const items = body.items.map((i) => record(spec.schema, spec.view, i));
      return { items, ...(typeof body.next === 'string' && items.length > 0 ? { next: body.next } : {}) };
    },
  };
}
