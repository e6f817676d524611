/**
 * Pricing what the benchmark measures: from the work one lookup costs (SQS requests, DynamoDB read and
 * write units, Lambda invocations and GB-seconds) a cost per million lookups at list prices
 * (bench/prices.ts), and what the data a lookup leaves behind costs a month. Pure arithmetic.
 */
import { PRICES, type Prices } from './prices.ts';

/** What one lookup costs in billed units (means over a run). */
export interface Work {
  sqsRequests: number;
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
}

export interface Cost {
  sqs: number;
  dynamodbWrites: number;
  dynamodbReads: number;
  lambda: number;
  total: number;
}

/** USD per million lookups, by service. */
export function costPerMillion(work: Work, prices: Prices = PRICES): Cost {
  const m = 1e6;
  const sqs = work.sqsRequests * prices.sqs.request * m;
  const dynamodbWrites = work.writeUnits * prices.dynamodb.writeRequestUnit * m;
  const dynamodbReads = work.readUnits * prices.dynamodb.readRequestUnit * m;
  const lambda = (work.lambdaInvocations * prices.lambda.request + work.lambdaGbSeconds * prices.lambda.gbSecondArm) * m;
  return { sqs, dynamodbWrites, dynamodbReads, lambda, total: sqs + dynamodbWrites + dynamodbReads + lambda };
}

/** USD a month for what `bytes` stored per lookup cost, for a million lookups (DynamoDB Standard). */
export function storagePerMillionPerMonth(bytes: number, prices: Prices = PRICES): number {
  return ((bytes * 1e6) / 1024 ** 3) * prices.dynamodb.storageGbMonth;
}

/** GB-seconds of `durationMs` at `memoryMb`. */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  return (durationMs / 1000) * (memoryMb / 1024);
}

/**
 * Sums the operation counts of a run (per lookup, keyed `<stage> <Service>.<Operation>`) into billed
 * SQS requests: every SQS call is a request (the benchmark's messages are far below 64 KB).
 */
export function sqsRequestsOf(ops: Readonly<Record<string, number>>): number {
  return Object.entries(ops).reduce((n, [k, v]) => n + (/ SQS\./.test(k) ? v : 0), 0);
}
