/**
 * The platform secrets the consent and audit commands need: the subject pepper (to find a person's
 * records by keyed hash) and the consent-signing key derived from it. Locally the pepper is the
 * local engine's; against AWS it is read from Secrets Manager (`ndx/subject-pepper`, or
 * NDX_PEPPER_SECRET_ID) with your credentials.
 */
import { consentSigningKey } from '../domain/consent/consent.ts';
import { ENV, PEPPER_SECRET_NAME } from '../config/names.ts';
import { loadPepper, subjectHasher } from '../domain/subject-hash.ts';
import { parseSubject } from './lookup.ts';
import { UsageError } from './program.ts';

async function pepper(): Promise<string> {
  process.env[ENV.pepperSecretId] ??= PEPPER_SECRET_NAME;
  try {
    return await loadPepper(process.env);
  } catch (error) {
    throw new Error(
      `cannot read the subject pepper (${(error as Error).message}). Locally it is set for you; against AWS your credentials need ` +
        `secretsmanager:GetSecretValue on ${process.env[ENV.pepperSecretId]}.`,
    );
  }
}

/** The keyed hash of `--subject key=value` pairs, as every table stores it. */
export async function subjectHashOf(pairs: readonly string[]): Promise<string> {
  const subject = parseSubject(pairs);
  if (Object.keys(subject).length === 0) throw new UsageError('give the person with --subject, e.g. --subject nationalId=001203004567');
  return subjectHasher(await pepper())(subject);
}

export async function signingKey(): Promise<Buffer> {
  return consentSigningKey(await pepper());
}
