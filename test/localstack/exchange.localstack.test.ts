/**
 * Opt-in: the exchange end to end on LocalStack, after `cdklocal deploy --all` (see README,
 * "Deploy"). Runs only when NDX_LOCALSTACK_ENDPOINT is set, e.g. http://localhost:4566; there is no
 * Docker engine on ndx's CI machines, so CI never sets it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { ENV } from '../../config/names.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { seedDemo, type DemoData } from '../../synthetic/demo.ts';
import { PEPPER_SECRET_NAME } from '../../config/names.ts';

const endpoint = process.env.NDX_LOCALSTACK_ENDPOINT;

describe.skipIf(!endpoint)('on LocalStack (NDX_LOCALSTACK_ENDPOINT)', () => {
  let demo: DemoData;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    process.env.AWS_REGION ??= 'ap-southeast-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const pepper = await loadPepper({ [ENV.pepperSecretId]: PEPPER_SECRET_NAME });
    demo = await seedDemo(documentClient(), { pepper, count: 100 });
  }, 300_000);

  it('answers an identity lookup OK with exactly the contract fields', async () => {
    const reply = await new AgencyClient(sqsClient(), 'hanoi-land-office').lookup(
      { requestId: randomUUID(), contract: 'population.identity-verification', purpose: 'LAND_REGISTRATION', subject: { nationalId: demo.living.nationalId } },
      120_000,
    );
    expect(reply.status).toBe('OK');
    expect(Object.keys(reply.data!).sort()).toEqual(['dateOfBirth', 'fullName', 'nationalId', 'status']);
  });

  it('denies a consent lookup without consent', async () => {
    const reply = await new AgencyClient(sqsClient(), 'hcmc-public-services').lookup(
      { requestId: randomUUID(), contract: 'population.residence', purpose: 'SOCIAL_ALLOWANCE_APPLICATION', subject: { nationalId: demo.living.nationalId } },
      120_000,
    );
    expect(reply).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
  });
});
