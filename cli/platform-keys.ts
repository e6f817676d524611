/**
 * The platform secrets the consent and audit commands need: the subject pepper (to find a person's
 * records by keyed hash) and the consent-signing key derived from it. Locally the pepper is the
 * local engine's; against AWS it is read from Secrets Manager (`ndx/subject-pepper`, or
 * NDX_PEPPER_SECRET_ID) with your credentials.
 */
import { consentSigningKey } from '../domain/consent/consent.ts';
import { ENV, PEPPER_SECRET_NAME } from '../config/names.ts';
import { loadPepper } from '../aws/pepper.ts';
import { subjectHasher, type SubjectHasher } from '../domain/subject-hash.ts';
import { knownSubject } from '../domain/subject.ts';
import { parseSubject } from './lookup.ts';
import { UsageError } from './errors.ts';

async function pepper(): Promise<string> {
  process.env[ENV.pepperSecretId] ??= PEPPER_SECRET_NAME;
  try {
    return await loadPepper(process.env);
  } catch (error) {
    if (/ECONNREFUSED/.test(String((error as Error).message)) || (error as { code?: string }).code === 'ECONNREFUSED') throw error;
    throw new Error(
      `cannot read the subject pepper (${(error as Error).message}). Locally it is set for you; against AWS your credentials need ` +
        `secretsmanager:GetSecretValue on ${process.env[ENV.pepperSecretId]}.`,
    );
  }
}

/** `--subject key=value` pairs as a subject object; none is a usage error. */
export function subjectOf(pairs: readonly string[]): Record<string, string> {
  const subject = parseSubject(pairs);
  if (Object.keys(subject).length === 0) throw new UsageError('give the person with --subject, e.g. --subject nationalId=001203004567');
  return subject;
}

/** The keyed hash of `--subject key=value` pairs, as every table stores it; a subject no contract takes (a mistyped key or identifier) is refused. */
export async function subjectHashOf(pairs: readonly string[]): Promise<string> {
  const subject = knownSubject(subjectOf(pairs));
  return subjectHasher(await pepper())(subject);
}

export async function hasher(): Promise<SubjectHasher> {
  return subjectHasher(await pepper());
}

export async function signingKey(): Promise<Buffer> {
  return consentSigningKey(await pepper());
}
