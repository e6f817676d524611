/** Pricing what the benchmark measures (bench/cost.ts) at the list prices of bench/prices.ts. */
import { describe, expect, it } from 'vitest';
import { costPerMillion, gbSeconds, sqsRequestsOf, storagePerMillionPerMonth } from '../../bench/cost.ts';
import { PRICES } from '../../bench/prices.ts';

describe('costPerMillion', () => {
  it('prices each billed unit at its list price', () => {
    // The floor: 6 SQS requests and one eventually consistent read (half a unit), no function of its own.
    const floor = costPerMillion({ sqsRequests: 6, writeUnits: 0, readUnits: 0.5, lambdaInvocations: 0, lambdaGbSeconds: 0 });
    expect(floor.sqs).toBeCloseTo(2.4, 10);
    expect(floor.dynamodbReads).toBeCloseTo(0.07125, 10);
    expect(floor.total).toBeCloseTo(2.47125, 10);
    const one = costPerMillion({ sqsRequests: 0, writeUnits: 1, readUnits: 0, lambdaInvocations: 1, lambdaGbSeconds: 1 });
    expect(one.dynamodbWrites).toBeCloseTo(0.7125, 10);
    expect(one.lambda).toBeCloseTo(0.2 + 13.3334, 6);
  });

  it('is linear: twice the work costs twice as much', () => {
    const w = { sqsRequests: 4.2, writeUnits: 8, readUnits: 2.5, lambdaInvocations: 0.3, lambdaGbSeconds: 0.01 };
    const twice = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, 2 * v])) as typeof w;
    expect(costPerMillion(twice).total).toBeCloseTo(2 * costPerMillion(w).total, 10);
  });

  it('prices storage by the GB-month and converts Lambda time to GB-seconds', () => {
    // A million lookups of 1 KiB each is 0.954 GiB.
    expect(storagePerMillionPerMonth(1024)).toBeCloseTo((1e6 / 1024 ** 2) * PRICES.dynamodb.storageGbMonth, 10);
    expect(gbSeconds(1000, 512)).toBe(0.5);
  });

  it('counts every SQS call of a run as a request, and nothing else', () => {
    expect(sqsRequestsOf({ 'client SQS.SendMessage': 1, 'poller ndx-router SQS.ReceiveMessage': 0.5, 'ndx-router DynamoDB.PutItem': 1 })).toBe(1.5);
  });
});
