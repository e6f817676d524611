/**
 * The edges of the HTTP path, byte for byte: the reply mailbox's schemas and its sealing as documented
 * (domain/lookup/mailbox.ts: X25519, HKDF-SHA256, AES-256-GCM bound to the caller and the slot), the
 * token checks of the API (domain/api/identity.ts) and the webhook's secret, id and delivery verdicts
 * (domain/lookup/webhook.ts). Known answers are computed here from the documented construction, so a
 * changed label, salt or order fails.
 */
import { createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { LookupReply } from '../../contracts/protocol.ts';
import { identify, TOKEN_ALGORITHMS } from '../../domain/api/identity.ts';
import { newReplyKey, openReply, ReplyKey, ReplyRoute, routeOf, SealedReply, sealReply, slotOf } from '../../domain/lookup/mailbox.ts';
import { postWebhook, webhookId, webhookSecret } from '../../domain/lookup/webhook.ts';

const reply: LookupReply = {
  requestId: '0b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11',
  status: 'OK',
  code: 'OK',
  message: 'found',
  data: { fullName: 'Nguyễn Văn A' },
  repliedAt: '2026-11-01T00:00:00.000Z',
};
const SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const b64 = (n: number, c = 'A') => c.repeat(n);

describe('the reply mailbox, as documented', () => {
  it('takes routes, sealed replies and reply keys of the exact shapes only', () => {
    const { route, capability } = newReplyKey();
    expect(ReplyRoute.parse(route)).toEqual(route);
    expect(ReplyKey.parse(capability)).toBe(capability);
    expect(route.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const key of [b64(42), b64(44), `${b64(42)}+`, `${b64(42)}=`, `\n${b64(43)}`, `${b64(43)}\n`]) {
      expect(ReplyRoute.safeParse({ kind: 'mailbox', key }).success, JSON.stringify(key)).toBe(false);
    }
    expect(ReplyRoute.safeParse({ kind: 'queue', key: b64(43) }).success).toBe(false);
    expect(ReplyRoute.safeParse({ kind: 'mailbox', key: b64(43), x: 1 }).success).toBe(false);
    const sealed = sealReply(reply, route, 'a');
    expect(SealedReply.parse(sealed)).toEqual(sealed);
    const bad: Array<Partial<Record<keyof typeof sealed, unknown>>> = [
      { v: 2 },
      { epk: b64(42) },
      { epk: `${b64(43)}x` },
      { iv: b64(15) },
      { iv: b64(17) },
      { iv: `x${b64(15)}=` },
      { ct: '' },
      { ct: 'ab=' },
      { ct: '=ab' },
      { ct: 'a b' },
    ];
    for (const change of bad) expect(SealedReply.safeParse({ ...sealed, ...change }).success, JSON.stringify(change)).toBe(false);
    expect(SealedReply.safeParse({ ...sealed, x: 1 }).success).toBe(false);
    for (const key of [`ndx1.${b64(42)}`, `ndx1.${b64(44)}`, `ndx2.${b64(43)}`, `xndx1.${b64(43)}`, `ndx1.${b64(43)}x`, `ndx1.${b64(42)}+`]) {
      expect(ReplyKey.safeParse(key).success, key).toBe(false);
    }
    expect(ReplyKey.safeParse('x').error?.issues[0]?.message).toBe('an ndx reply key (ndx1.<43 base64url characters>)');
  });

  it('names a slot sha256("ndx.reply-slot.v1\\n" + key), and opens a box sealed by hand the documented way', () => {
    const { route, capability } = newReplyKey();
    expect(slotOf(route)).toBe(createHash('sha256').update(`ndx.reply-slot.v1\n${route.key}`).digest('base64url'));
    const eph = generateKeyPairSync('x25519');
    const epk = eph.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI.length).toString('base64url');
    const routeKey = createPublicKey({ key: Buffer.concat([SPKI, Buffer.from(route.key, 'base64url')]), format: 'der', type: 'spki' });
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: routeKey });
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.from(`${epk}.${route.key}`), 'ndx.reply-mailbox.v1', 32));
    const iv = Buffer.alloc(12, 1);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`ndx.reply-mailbox.v1\nconsumer-a\n${slotOf(route)}`));
    const ct = Buffer.concat([cipher.update(JSON.stringify(reply), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const sealed = { v: 1 as const, epk, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
    expect(openReply(sealed, capability, 'consumer-a')).toEqual(reply);
    expect(openReply(sealed, capability, 'consumer-b')).toBeUndefined();
    // And what sealReply makes opens the same way: the route key the capability opens is the route's.
    expect(routeOf(capability)).toEqual(route);
  });

  it('opens nothing altered: another ephemeral key, nonce or a cut tag', () => {
    const { route, capability } = newReplyKey();
    const sealed = sealReply(reply, route, 'a');
    expect(openReply({ ...sealed, epk: newReplyKey().route.key }, capability, 'a')).toBeUndefined();
    expect(openReply({ ...sealed, iv: b64(16) }, capability, 'a')).toBeUndefined();
    expect(openReply({ ...sealed, ct: sealed.ct.slice(0, -4) }, capability, 'a')).toBeUndefined();
    expect(openReply({ ...sealed, ct: 'AAAA' }, capability, 'a')).toBeUndefined();
  });
});

describe('identify, detail by detail', async () => {
  const es = await generateKeyPair('ES256', { extractable: true });
  const rs = await generateKeyPair('RS256', { extractable: true });
  const es384 = await generateKeyPair('ES384', { extractable: true });
  const keys = createLocalJWKSet({
    keys: [
      { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' },
      { ...(await exportJWK(rs.publicKey)), kid: 'rs', alg: 'RS256' },
      { ...(await exportJWK(es384.publicKey)), kid: 'es384', alg: 'ES384' },
    ],
  });
  const config = { issuer: 'https://issuer.example', clients: { 'client-a': 'agency-a', '5': 'agency-5' } };
  const sign = (claims: Record<string, unknown>, options: { alg?: string; kid?: string; iat?: boolean } = {}) => {
    const alg = options.alg ?? 'ES256';
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, kid: options.kid ?? 'es' })
      .setIssuer(config.issuer)
      .setExpirationTime('5m');
    if (options.iat !== false) jwt.setIssuedAt();
    return jwt.sign(alg === 'RS256' ? rs.privateKey : alg === 'ES384' ? es384.privateKey : es.privateKey);
  };
  const INVALID = { ok: false, status: 401, detail: 'the access token is not valid' };

  it('accepts RS256 and ES256 tokens only', async () => {
    expect(TOKEN_ALGORITHMS).toEqual(['RS256', 'ES256']);
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a' }, { alg: 'RS256', kid: 'rs' })}`, keys, config)).toEqual({
      ok: true,
      agency: 'agency-a',
      clientId: 'client-a',
    });
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a' })}`, keys, config)).toMatchObject({ ok: true });
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a' }, { alg: 'ES384', kid: 'es384' })}`, keys, config)).toEqual(INVALID);
  });

  it('reads only "Bearer <jwt>", whole, and says how to send one otherwise', async () => {
    const token = await sign({ client_id: 'client-a' });
    const how = { ok: false, status: 401, detail: 'send an OAuth 2.0 access token: Authorization: Bearer <token>' };
    for (const header of [undefined, '', `bearer ${token}`, `xBearer ${token}`, `Bearer ${token} x`, `Bearer ${token}.x`, 'Bearer a.b', `Bearer  ${token}`]) {
      expect(await identify(header, keys, config), String(header).slice(0, 12)).toEqual(how);
    }
  });

  it('requires iat, tells an expired token from an invalid one, and refuses a token that is not an access token', async () => {
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a' }, { iat: false })}`, keys, config)).toEqual(INVALID);
    const forged = (await sign({ client_id: 'client-a' })).replace(/\.[^.]+$/, `.${b64(86)}`);
    expect(await identify(`Bearer ${forged}`, keys, config)).toEqual(INVALID);
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a', token_use: 'id' })}`, keys, config)).toEqual({
      ok: false,
      status: 401,
      detail: 'an access token is required',
    });
    expect(await identify(`Bearer ${await sign({ client_id: 'client-a', token_use: 'access' })}`, keys, config)).toMatchObject({ ok: true });
  });

  it('gives the agency only of a client named by a string client_id', async () => {
    const none = { ok: false, status: 403, detail: 'the token’s client is not an agency of ndx' };
    expect(await identify(`Bearer ${await sign({ client_id: 5 })}`, keys, config)).toEqual(none);
    expect(await identify(`Bearer ${await sign({ client_id: '5' })}`, keys, config)).toEqual({ ok: true, agency: 'agency-5', clientId: '5' });
    expect(await identify(`Bearer ${await sign({ sub: 'client-a' })}`, keys, config)).toEqual(none);
    expect(await identify(`Bearer ${await sign({ client_id: 'toString' })}`, keys, config)).toEqual(none);
  });
});

describe('webhooks, byte for byte', () => {
  it('derive the secret as whsec_ + base64 HMAC-SHA256(platform key, "ndx.webhook-secret.v1\\n" + agency)', () => {
    expect(webhookSecret('k', 'agency-a')).toBe(`whsec_${createHmac('sha256', 'k').update('ndx.webhook-secret.v1\nagency-a').digest('base64')}`);
  });

  it('name a reply by agency, requestId, code and its audit record, else its first answer’s, else its message, else nothing', () => {
    const expected = (consumer: string, requestId: string, code: string, anchor: string) =>
      `msg_${createHash('sha256').update(`${consumer}\n${requestId}\n${code}\n${anchor}`).digest('base64url').slice(0, 32)}`;
    const pointer = { status: 'OK' as const, code: 'OK' as const, auditId: 'first/1', repliedAt: reply.repliedAt, digest: 'd' };
    const provenance = { registry: 'population', asOf: reply.repliedAt, auditId: 'this/1', digest: 'd' };
    expect(webhookId('a', { ...reply, provenance, original: pointer, receivedMessageId: 'm' })).toBe(expected('a', reply.requestId ?? '', 'OK', 'this/1'));
    expect(webhookId('a', { ...reply, original: pointer, receivedMessageId: 'm' })).toBe(expected('a', reply.requestId ?? '', 'OK', 'first/1'));
    expect(webhookId('a', { ...reply, receivedMessageId: 'm' })).toBe(expected('a', reply.requestId ?? '', 'OK', 'm'));
    expect(webhookId('a', reply)).toBe(expected('a', reply.requestId ?? '', 'OK', ''));
    expect(webhookId('a', { ...reply, requestId: null, code: 'MALFORMED_MESSAGE', status: 'INVALID' })).toBe(expected('a', '', 'MALFORMED_MESSAGE', ''));
    expect(webhookId('a', reply)).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
  });

  it('POST JSON, and count 200 to 299 as delivered, 199 and 300 not', async () => {
    const target = { url: 'https://agency.example/ndx', secret: webhookSecret('k', 'a') };
    let seen: { url: string; method: string; headers: Record<string, string>; body: string } | undefined;
    const at = (status: number) =>
      postWebhook(
        async (url, init) => {
          seen = { url, method: init.method, headers: init.headers, body: init.body };
          return { status };
        },
        target,
        'a',
        reply,
        { now: new Date('2026-11-01T00:00:01.999Z'), timeoutMs: 1000 },
      );
    expect(await at(200)).toEqual({ ok: true, status: 200 });
    expect(seen).toMatchObject({ url: target.url, method: 'POST', body: JSON.stringify(reply) });
    expect(seen?.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': webhookId('a', reply), 'webhook-timestamp': '1793491201' });
    expect(await at(299)).toEqual({ ok: true, status: 299 });
    expect(await at(199)).toEqual({ ok: false, status: 199 });
    expect(await at(300)).toEqual({ ok: false, status: 300 });
  });
});
