/**
 * Rotates `ndx/forwarding-key`, the HMAC key the router signs forwarded lookups with, in Secrets
 * Manager's four steps (the protocol of AWS's rotation template):
 *
 * - createSecret: a new random key (GetRandomPassword) as the AWSPENDING version of this rotation's
 *   token, unless that version exists already (a retried step);
 * - setSecret: nothing: the key is no service's credential, only ndx's functions read it;
 * - testSecret: the pending key is there and well formed;
 * - finishSecret: AWSCURRENT moves to the new version; Secrets Manager then labels the former one
 *   AWSPREVIOUS, which the adapters still accept, so lookups signed just before a rotation verify.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

/** Length of a forwarding key (letters and digits: about 380 bits). */
export const FORWARDING_KEY_LENGTH = 64;

export const RotationEvent = z.object({
  SecretId: z.string().min(1),
  ClientRequestToken: z.string().min(1),
  Step: z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
});
export type RotationEvent = z.infer<typeof RotationEvent>;

/** The Secrets Manager calls a rotation makes (a real client, or a fake in tests). */
export type SecretsApi = Pick<SecretsManagerClient, 'send'>;

export class RotationError extends Error {
  override readonly name = 'RotationError';
}

/** A well-formed forwarding key: what createSecret generates. */
export function isForwardingKey(value: string | undefined): boolean {
  return typeof value === 'string' && new RegExp(`^[A-Za-z0-9]{${FORWARDING_KEY_LENGTH}}$`).test(value);
}

export async function rotate(sm: SecretsApi, input: unknown): Promise<void> {
  const event = RotationEvent.parse(input);
  const { SecretId: id, ClientRequestToken: token } = event;
  const meta = await sm.send(new DescribeSecretCommand({ SecretId: id }));
  if (!meta.RotationEnabled) throw new RotationError(`${id}: rotation is not enabled`);
  const stages = meta.VersionIdsToStages ?? {};
  if (!stages[token]) throw new RotationError(`${id}: version ${token} has no stage for rotation`);
  if (stages[token].includes('AWSCURRENT')) return; // already finished
  if (!stages[token].includes('AWSPENDING')) throw new RotationError(`${id}: version ${token} is not AWSPENDING`);

  switch (event.Step) {
    case 'createSecret': {
      await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSCURRENT' }));
      try {
        await sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));
        return; // created by an earlier attempt of this step
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException') throw error;
      }
      const random = await sm.send(
        new GetRandomPasswordCommand({ PasswordLength: FORWARDING_KEY_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }),
      );
      if (!isForwardingKey(random.RandomPassword)) throw new RotationError(`${id}: GetRandomPassword returned no usable key`);
      await sm.send(new PutSecretValueCommand({ SecretId: id, ClientRequestToken: token, SecretString: random.RandomPassword, VersionStages: ['AWSPENDING'] }));
      return;
    }
    case 'setSecret':
      return;
    case 'testSecret': {
      const pending = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));
      if (!isForwardingKey(pending.SecretString)) throw new RotationError(`${id}: the pending version ${token} is not a forwarding key`);
      return;
    }
    case 'finishSecret': {
      const current = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: id,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          ...(current ? { RemoveFromVersionId: current } : {}),
        }),
      );
      return;
    }
  }
}

let client: SecretsManagerClient | undefined;
/** The Lambda entry point Secrets Manager invokes, once per step. */
export const handler = (event: unknown): Promise<void> => {
  client ??= new SecretsManagerClient({});
  return rotate(client, event);
};
