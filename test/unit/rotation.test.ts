/**
 * The forwarding key's rotation function: Secrets Manager's four steps against an in-memory secret
 * with staging labels (the calls the function makes, as Secrets Manager answers them).
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { FORWARDING_KEY_LENGTH, isForwardingKey, rotate, RotationError, type SecretsApi } from '../../functions/rotation/handler.ts';

/** A secret's versions and their stages, with the Secrets Manager semantics the rotation relies on. */
function fakeSecret(initial = 'A'.repeat(FORWARDING_KEY_LENGTH)) {
  const values = new Map<string, string | undefined>([['v1', initial]]);
  const stages = new Map<string, string[]>([['v1', ['AWSCURRENT']]]);
  let rotationEnabled = true;
  let random = 0;
  const sm: SecretsApi = {
    send: (async (command: unknown) => {
      if (command instanceof DescribeSecretCommand) return { RotationEnabled: rotationEnabled, VersionIdsToStages: Object.fromEntries(stages) };
      if (command instanceof GetSecretValueCommand) {
        const { VersionId, VersionStage } = command.input;
        const id = VersionId ?? [...stages].find(([, s]) => s.includes(VersionStage!))?.[0];
        if (!id || !stages.get(id)?.includes(VersionStage ?? 'AWSCURRENT') || values.get(id) === undefined) {
          throw new ResourceNotFoundException({ message: 'Secrets Manager can’t find the specified secret value', $metadata: {} });
        }
        return { VersionId: id, SecretString: values.get(id) };
      }
      if (command instanceof GetRandomPasswordCommand) {
        random++;
        return { RandomPassword: `k${random}`.padEnd(command.input.PasswordLength!, 'x') };
      }
      if (command instanceof PutSecretValueCommand) {
        const { ClientRequestToken, SecretString, VersionStages } = command.input;
        values.set(ClientRequestToken!, SecretString);
        for (const stage of VersionStages!) for (const s of stages.values()) if (s.includes(stage)) s.splice(s.indexOf(stage), 1);
        stages.set(ClientRequestToken!, [...VersionStages!]);
        return {};
      }
      if (command instanceof UpdateSecretVersionStageCommand) {
        const { VersionStage, MoveToVersionId, RemoveFromVersionId } = command.input;
        if (VersionStage !== 'AWSCURRENT') throw new Error('unexpected stage');
        const old = stages.get(RemoveFromVersionId!)!;
        old.splice(old.indexOf('AWSCURRENT'), 1);
        for (const s of stages.values()) if (s.includes('AWSPREVIOUS')) s.splice(s.indexOf('AWSPREVIOUS'), 1);
        old.push('AWSPREVIOUS'); // as Secrets Manager does when AWSCURRENT moves
        stages.get(MoveToVersionId!)!.push('AWSCURRENT');
        return {};
      }
      throw new Error('unexpected command');
    }) as SecretsApi['send'],
  };
  /** What Secrets Manager does before invoking the function: a new version id labelled AWSPENDING. */
  const startRotation = (token: string) => {
    values.set(token, undefined);
    stages.set(token, ['AWSPENDING']);
  };
  return { sm, values, stages, startRotation, disable: () => (rotationEnabled = false) };
}

const steps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const event = (Step: string, ClientRequestToken = 'v2') => ({ SecretId: 'ndx/forwarding-key', ClientRequestToken, Step });

describe('forwarding key rotation', () => {
  it('makes a new random key AWSCURRENT and leaves the former one AWSPREVIOUS (still accepted by adapters)', async () => {
    const f = fakeSecret();
    f.startRotation('v2');
    for (const step of steps) await rotate(f.sm, event(step));
    expect(f.stages.get('v2')).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(f.stages.get('v1')).toEqual(['AWSPREVIOUS']);
    expect(isForwardingKey(f.values.get('v2'))).toBe(true);
    expect(f.values.get('v2')).not.toBe(f.values.get('v1'));
  });

  it('is safe to retry: a repeated createSecret keeps the pending key, a finished rotation is left alone', async () => {
    const f = fakeSecret();
    f.startRotation('v2');
    await rotate(f.sm, event('createSecret'));
    const pending = f.values.get('v2');
    await rotate(f.sm, event('createSecret'));
    expect(f.values.get('v2')).toBe(pending);
    for (const step of steps.slice(1)) await rotate(f.sm, event(step));
    await rotate(f.sm, event('finishSecret'));
    expect(f.stages.get('v2')).toContain('AWSCURRENT');
  });

  it('refuses what Secrets Manager would not ask: rotation disabled, an unknown version, a malformed pending key, a bad event', async () => {
    const f = fakeSecret();
    await expect(rotate(f.sm, event('createSecret', 'v9'))).rejects.toThrow(RotationError);
    f.startRotation('v2');
    f.values.set('v2', 'short');
    await expect(rotate(f.sm, event('testSecret'))).rejects.toThrow(/not a forwarding key/);
    await expect(rotate(f.sm, { ...event('createSecret'), Step: 'dropSecret' })).rejects.toThrow();
    f.disable();
    await expect(rotate(f.sm, event('createSecret'))).rejects.toThrow(/not enabled/);
  });
});
