/**
 * Limits that the configuration checks and the runtime applies, in a module of their own so that a
 * Lambda bundle that needs one does not pull in the configuration schema.
 */

/** Largest pause between two attempts of an HTTP registry source, in ms (the configuration checks attempts fit in an invocation). */
export const HTTP_MAX_BACKOFF_MS = 200;

/**
 * Writes per second one rate-limit item is planned to take: half of what a DynamoDB partition serves
 * (1,000 write units/s), leaving room for refused takes, which write too.
 */
export const RATE_LIMIT_ITEM_WRITES_PER_SECOND = 500;

/**
 * Items one agency-contract window is counted in: a pair whose limit is more than one item can take
 * (`perMinute / 60 > itemWritesPerSecond`) is spread over several, each allowing its share of the limit
 * (shares sum to the limit, so the limit is never exceeded). Derived from the limit alone: a pair can
 * never go faster than its limit.
 */
export function rateLimitShards(perMinute: number, itemWritesPerSecond: number = RATE_LIMIT_ITEM_WRITES_PER_SECOND): number {
  if (!(perMinute > 0) || !(itemWritesPerSecond > 0)) return 1;
  return Math.max(1, Math.ceil(perMinute / 60 / itemWritesPerSecond));
}

/** The share of a window's limit shard `shard` of `shards` allows: the limit split as evenly as whole numbers allow. */
export function rateLimitShareOf(perMinute: number, shard: number, shards: number): number {
  return Math.floor(perMinute / shards) + (shard < perMinute % shards ? 1 : 0);
}

/**
 * The fewest days an audit partition stays in DynamoDB before it may be archived: a redelivered lookup
 * still finishes its record in the partition its marker names (queues keep messages 4 days, DLQs 14).
 */
export const MIN_HOT_DAYS = 30;
