/** The HTTP API's rules at their boundaries: sealing replies, status codes, the wait, token checks. */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { LOOKUP_WAIT } from '../../contracts/http-api.ts';
import { ALL_CODES, type LookupReply } from '../../contracts/protocol.ts';
import type { HttpRequest } from '../../domain/api/http.ts';
import { identify } from '../../domain/api/identity.ts';
import { httpStatusOf, waitOf } from '../../domain/api/lookups.ts';
import { newReplyKey, openReply, routeOf, sealReply, slotOf } from '../../domain/lookup/mailbox.ts';

const reply: LookupReply = {
  requestId: '0b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11',
  status: 'OK',
  code: 'OK',
  message: 'found',
  data: { nationalId: '001203004567', fullName: 'Nguyễn Văn A' },
  repliedAt: '2026-11-01T00:00:00.000Z',
};

describe('sealed replies', () => {
  it('opens with the capability for the consumer it was sealed for, and for nobody else', () => {
    const { route, capability } = newReplyKey();
    expect(routeOf(capability)).toEqual(route);
    const sealed = sealReply(reply, route, 'hanoi-land-office');
    expect(JSON.stringify(sealed)).not.toContain('001203004567');
    expect(openReply(sealed, capability, 'hanoi-land-office')).toEqual(reply);
    expect(openReply(sealed, capability, 'danang-tax-office')).toBeUndefined();
    expect(openReply(sealed, newReplyKey().capability, 'hanoi-land-office')).toBeUndefined();
    const flipped = `${sealed.ct.slice(0, 10)}${sealed.ct[10] === 'A' ? 'B' : 'A'}${sealed.ct.slice(11)}`;
    expect(openReply({ ...sealed, ct: flipped }, capability, 'hanoi-land-office')).toBeUndefined();
  });

  it('names a slot by a digest of the route, never the key itself', () => {
    const { route } = newReplyKey();
    expect(slotOf(route)).not.toContain(route.key);
    expect(slotOf(route)).toBe(slotOf({ ...route }));
    expect(slotOf(route)).not.toBe(slotOf(newReplyKey().route));
  });
});

describe('HTTP status of a reply', () => {
  it('is 200 for every answer but the unreadable (400), the too large (413) and the rate-limited (429)', () => {
    const special: Record<string, number> = { MALFORMED_MESSAGE: 400, SCHEMA_VIOLATION: 400, PAYLOAD_TOO_LARGE: 413, RATE_LIMITED: 429 };
    for (const code of ALL_CODES) expect(httpStatusOf(code)).toBe(special[code] ?? 200);
  });
});

describe('the wait', () => {
  const req = (headers: Record<string, string> = {}, query: Record<string, string> = {}): HttpRequest => ({
    method: 'POST',
    path: '/v1/lookups',
    headers,
    query,
    body: '',
    requestId: 'r',
  });
  it('takes Prefer: wait=N or ?wait=N, the default when absent, up to the maximum exactly', () => {
    expect(waitOf(req(), 7)).toBe(7);
    expect(waitOf(req({ prefer: 'respond-async, wait=3' }), 7)).toBe(3);
    expect(waitOf(req({}, { wait: '0' }), 7)).toBe(0);
    expect(waitOf(req({}, { wait: String(LOOKUP_WAIT.maxSeconds) }), 7)).toBe(LOOKUP_WAIT.maxSeconds);
    expect(waitOf(req({}, { wait: String(LOOKUP_WAIT.maxSeconds + 1) }), 7)).toMatchObject({ error: expect.any(String) });
    expect(waitOf(req({}, { wait: '-1' }), 7)).toMatchObject({ error: expect.any(String) });
    expect(waitOf(req({}, { wait: '1.5' }), 7)).toMatchObject({ error: expect.any(String) });
  });
});

describe('identify', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
  const config = { issuer: 'https://issuer.example', clients: { 'client-a': 'agency-a' } };
  const token = (claims: Record<string, unknown>, exp: number | string = '5m', issuer = config.issuer) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setIssuer(issuer).setIssuedAt().setExpirationTime(exp).sign(privateKey);

  it('gives the agency of the token’s client', async () => {
    expect(await identify(`Bearer ${await token({ client_id: 'client-a', token_use: 'access' })}`, keys, config)).toEqual({
      ok: true,
      agency: 'agency-a',
      clientId: 'client-a',
    });
  });

  it('refuses no token, another issuer, an expired token, an ID token (401) and a client of no agency (403)', async () => {
    expect(await identify(undefined, keys, config)).toMatchObject({ ok: false, status: 401 });
    expect(await identify('Basic abc', keys, config)).toMatchObject({ ok: false, status: 401 });
    expect(await identify(`Bearer ${await token({ client_id: 'client-a' }, '5m', 'https://other.example')}`, keys, config)).toMatchObject({
      ok: false,
      status: 401,
    });
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await identify(`Bearer ${await token({ client_id: 'client-a' }, past)}`, keys, config)).toMatchObject({
      ok: false,
      status: 401,
      detail: expect.stringContaining('expired'),
    });
    expect(await identify(`Bearer ${await token({ client_id: 'client-a', token_use: 'id' })}`, keys, config)).toMatchObject({ ok: false, status: 401 });
    expect(await identify(`Bearer ${await token({ client_id: 'client-b' })}`, keys, config)).toMatchObject({ ok: false, status: 403 });
    expect(await identify(`Bearer ${await token({ client_id: '__proto__' })}`, keys, config)).toMatchObject({ ok: false, status: 403 });
    expect(await identify(`Bearer ${await token({})}`, keys, config)).toMatchObject({ ok: false, status: 403 });
  });
});
