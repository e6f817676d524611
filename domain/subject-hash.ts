/**
 * Subjects are stored and audited as keyed hashes (HMAC-SHA256 with a platform secret, the
 * "pepper"), never as clear identifiers. The same person hashes the same way in every table, so a
 * citizen's view can find every access, while a leaked table reveals no identifier.
 */
import { createHmac } from 'node:crypto';

export type SubjectHasher = (subject: Readonly<Record<string, string>>) => string;

export function subjectHasher(pepper: string): SubjectHasher {
  return (subject) => {
    const canonical = Object.keys(subject)
      .sort()
      .map((k) => `${k}=${subject[k]}`)
      .join('&');
    return createHmac('sha256', pepper).update(canonical).digest('hex');
  };
}
