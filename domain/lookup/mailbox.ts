/**
 * Replies for callers who wait over HTTP: a reply route and the sealing of a reply to it.
 *
 * The exchange keeps no personal data at rest outside the registries, yet an HTTP caller's reply must
 * wait somewhere until the caller reads it. So the front door makes a fresh X25519 key pair for every
 * request: the public half travels with the lookup as its reply route (inside the forwarded lookup, under
 * the router's MAC), the private half is never stored: it stays in the front door's memory while it waits
 * and is handed to the caller as the poll capability. Whoever answers (router or adapter) seals the reply
 * to the route (ephemeral X25519, HKDF-SHA256, AES-256-GCM bound to the caller and the slot) and leaves
 * only the ciphertext in a short-lived mailbox item. Nobody holding the table alone can read it.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import * as z from 'zod';
import { LookupReply } from '../../contracts/protocol.ts';

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/** Where a reply goes instead of the agency's in-queue: a mailbox slot sealed to this X25519 public key. */
export const ReplyRoute = z.strictObject({
  kind: z.literal('mailbox'),
  /** The X25519 public key (32 bytes, base64url). */
  key: z.string().regex(B64URL_32),
});
export type ReplyRoute = z.infer<typeof ReplyRoute>;

/** A reply sealed to a route: the sender's ephemeral public key, the nonce and the ciphertext with its tag. */
export const SealedReply = z.strictObject({
  v: z.literal(1),
  epk: z.string().regex(B64URL_32),
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  ct: z.string().regex(/^[A-Za-z0-9_-]+$/),
});
export type SealedReply = z.infer<typeof SealedReply>;

/** The poll capability: the route's private key, 32 bytes in base64url behind a version prefix. */
export const ReplyKey = z.string().regex(/^ndx1\.[A-Za-z0-9_-]{43}$/, 'an ndx reply key (ndx1.<43 base64url characters>)');

/** Delivers a reply to a route (aws/reply-mailbox.ts). */
export interface Mailbox {
  deliver(route: ReplyRoute, consumer: string, reply: LookupReply): Promise<void>;
}

/** What a mailbox slot holds: who asked, which requestId, and the sealed reply once there is one. */
export type MailboxItem =
  | { consumer: string; requestId: string | null; state: 'pending' }
  | { consumer: string; requestId: string | null; state: 'sealed'; sealed: SealedReply };

const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const INFO = 'ndx.reply-mailbox.v1';

const rawPublic = (key: KeyObject): string => key.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519_PREFIX.length).toString('base64url');
const publicKeyOf = (raw: string): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, Buffer.from(raw, 'base64url')]), format: 'der', type: 'spki' });

/** A new route and its capability (the private key, returned to the caller, never stored). */
export function newReplyKey(): { route: ReplyRoute; capability: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const d = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_X25519_PREFIX.length).toString('base64url');
  return { route: { kind: 'mailbox', key: rawPublic(publicKey) }, capability: `ndx1.${d}` };
}

function privateKeyOf(capability: string): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, Buffer.from(capability.slice(5), 'base64url')]), format: 'der', type: 'pkcs8' });
}

/** The route a capability opens. */
export function routeOf(capability: string): ReplyRoute {
  return { kind: 'mailbox', key: rawPublic(createPublicKey(privateKeyOf(capability))) };
}

/** The mailbox slot of a route: a digest of its key, so the table never holds the key itself. */
export function slotOf(route: ReplyRoute): string {
  return createHash('sha256').update('ndx.reply-slot.v1\n').update(route.key).digest('base64url');
}

function keyFor(shared: Buffer, epk: string, route: ReplyRoute): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.from(`${epk}.${route.key}`), INFO, 32));
}

const aadOf = (consumer: string, route: ReplyRoute) => Buffer.from(`${INFO}\n${consumer}\n${slotOf(route)}`);

export function sealReply(reply: LookupReply, route: ReplyRoute, consumer: string): SealedReply {
  const eph = generateKeyPairSync('x25519');
  const epk = rawPublic(eph.publicKey);
  const key = keyFor(diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyOf(route.key) }), epk, route);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(consumer, route));
  // Stryker disable next-line StringLiteral: an empty encoding is UTF-8 to Node (cipher.update), so the bytes are the same
  const ct = Buffer.concat([cipher.update(JSON.stringify(reply), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { v: 1, epk, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

/** The reply, if the capability opens it for this consumer; undefined for any other key, consumer or an altered box. */
export function openReply(sealed: SealedReply, capability: string, consumer: string): LookupReply | undefined {
  try {
    const route = routeOf(capability);
    const key = keyFor(diffieHellman({ privateKey: privateKeyOf(capability), publicKey: publicKeyOf(sealed.epk) }), sealed.epk, route);
    const bytes = Buffer.from(sealed.ct, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(aadOf(consumer, route));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    return LookupReply.parse(JSON.parse(plain));
  } catch {
    return undefined;
  }
}
