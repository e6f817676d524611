/**
 * A client generated from the served OpenAPI document (openapi-typescript + openapi-fetch) performs a
 * lookup against the engine: the generated types type-check the call (TypeScript compiler on the
 * generated module and a small program using it), and the program runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupReply } from '../../contracts/protocol.ts';
import { TOKEN_PATH } from '../../local/issuer.ts';
import { PROJECT_ROOT } from '../../local/engine.ts';
import { startHarness, type Harness } from './support.ts';

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ count: 100 });
  // Inside the project, so the program resolves openapi-fetch from node_modules like an agency's code would.
  dir = mkdtempSync(join(PROJECT_ROOT, '.ndx-generated-client-'));
}, 120_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await h?.stop();
});

const PROGRAM = `import createClient from 'openapi-fetch';
import type { paths } from './ndx-api.ts';

export async function lookup(baseUrl: string, token: string, nationalId: string, requestId: string) {
  const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } });
  const { data, error, response } = await client.POST('/v1/lookups', {
    params: { query: { wait: 20 } },
    body: { requestId, contract: 'population.identity-verification', version: '1', purpose: 'LAND_REGISTRATION', subject: { nationalId } },
  });
  // 200 is a LookupReply, 202 a LookupAccepted (poll its location): the generated types tell them apart.
  if (!data || !('status' in data)) return { status: response.status, data, error };
  const code: string = data.code;
  return { status: response.status, code, replyStatus: data.status, data };
}
`;

describe('a client generated from /v1/openapi.json', () => {
  it('type-checks against the generated types and performs a lookup', async () => {
    const doc = await (await fetch(`${h.engine.endpoint.url}/v1/openapi.json`)).text();
    writeFileSync(join(dir, 'ndx-api.ts'), astToString(await openapiTS(doc)));
    writeFileSync(join(dir, 'client.ts'), PROGRAM);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const client = h.engine.api.issuer.clients.find((c) => c.agency === 'hanoi-land-office');
    if (!client) throw new Error('no local client for hanoi-land-office');
    const res = await fetch(`${h.engine.endpoint.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const { lookup } = (await import(pathToFileURL(join(dir, 'client.ts')).href)) as {
      lookup: (baseUrl: string, token: string, nationalId: string, requestId: string) => Promise<{ status: number; data: unknown }>;
    };
    const requestId = crypto.randomUUID();
    const out = await lookup(h.engine.endpoint.url, access_token, h.demo.living.nationalId, requestId);
    expect(out.status).toBe(200);
    expect(LookupReply.parse(out.data)).toMatchObject({ requestId, status: 'OK', code: 'OK' });
  });
});
