/**
 * AWS list prices the benchmark and the national-day model price ndx at: region ap-southeast-1
 * (Singapore), on-demand, USD, no free tier, as of the date below. One module so that a price change is
 * one edit; each price names its source.
 *
 * Check them against the AWS Price List before quoting a figure outside this repository: the Singapore
 * DynamoDB request prices are the November 2024 on-demand prices (half of the earlier ones, as AWS
 * announced for every region; us-east-1: $0.625 and $0.125 per million), the others the published
 * Singapore prices as of the date.
 */
export const PRICES = {
  region: 'ap-southeast-1',
  asOf: '2026-11-29',
  currency: 'USD',
  dynamodb: {
    /** Per on-demand write request unit (a write of up to 1 KB; Standard table class). */
    writeRequestUnit: 0.7125 / 1e6,
    /** Per on-demand read request unit (a strongly consistent read of up to 4 KB; eventually consistent: half). */
    readRequestUnit: 0.1425 / 1e6,
    /** Per GB-month stored (Standard table class; items and index entries, 100 bytes of overhead each). */
    storageGbMonth: 0.285,
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (Asia Pacific (Singapore)); price cut of 2024-11-01: https://aws.amazon.com/about-aws/whats-new/2024/11/amazon-dynamo-db-reduces-prices-on-demand-throughput-global-tables/',
  },
  sqs: {
    /** Per standard-queue request (each 64 KB chunk of a request; a SendMessageBatch of small messages is one). */
    request: 0.4 / 1e6,
    source: 'https://aws.amazon.com/sqs/pricing/ (standard queue, beyond the first million a month)',
  },
  lambda: {
    /** Per GB-second of duration, Arm (Graviton2), first pricing tier. */
    gbSecondArm: 0.0000133334,
    /** Per invocation. */
    request: 0.2 / 1e6,
    source: 'https://aws.amazon.com/lambda/pricing/ (Asia Pacific (Singapore), Arm)',
  },
  stepFunctions: {
    /** Per state transition of a Standard workflow (the indicators job's state machines and their distributed map's child executions). */
    standardTransition: 0.025 / 1000,
    source: 'https://aws.amazon.com/step-functions/pricing/ (Asia Pacific (Singapore): $0.0250 per 1,000 state transitions)',
  },
  s3: {
    /** Per GB-month in S3 Glacier Instant Retrieval (what audit records past their retention would cost there). */
    glacierInstantGbMonth: 0.005,
    source: 'https://aws.amazon.com/s3/pricing/ (Asia Pacific (Singapore))',
  },
} as const;

export type Prices = typeof PRICES;
