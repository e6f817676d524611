/**
 * What every ndx stack needs to know about the deployment it belongs to: the validated configuration,
 * the target environment's settings, and the secure defaults derived from them.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { capacityPlan, type CapacityPlan } from '../config/capacity.ts';
import type { NdxConfig } from '../config/schema.ts';
import { CONTRACTS } from '../contracts/catalog.ts';

export type EnvironmentSettings = NdxConfig['environments'][string];

/** A resolved deployment target: the configuration plus one of its environments. */
export interface Deployment {
  readonly config: NdxConfig;
  /** Name of the environment (a key of `config.environments`), e.g. `dev` or `prod`. */
  readonly environment: string;
  readonly settings: EnvironmentSettings;
  /** What the stacks derive from the environment's capacity (config/capacity.ts). */
  readonly capacity: CapacityPlan;
}

/** The configuration cannot carry the capacity its environment states (synthesis stops with it). */
export class CapacityError extends Error {
  override readonly name = 'CapacityError';
}

/** Resolves an environment name against the configuration; throws if it is not configured. */
export function resolveDeployment(config: NdxConfig, environment: string): Deployment {
  const settings = config.environments[environment];
  if (!settings) {
    const known = Object.keys(config.environments).join(', ') || '(none)';
    throw new Error(`ndx: environment "${environment}" is not in ndx.config.ts (configured: ${known})`);
  }
  const capacity = capacityPlan(config, environment, CONTRACTS);
  if (capacity.problems.length) {
    throw new CapacityError(
      `ndx: environment "${environment}" cannot carry its capacity (${capacity.peak} lookups/s at the peak); see \`ndx capacity --env ${environment}\`:\n` +
        capacity.problems.map((p) => `  ✖ ${p}`).join('\n'),
    );
  }
  return { config, environment, settings, capacity };
}

/**
 * Removal policy for stateful resources (tables, keys, secrets, log groups): kept in production so
 * that deleting a stack never deletes citizens' data, audit records or the keys that decrypt them.
 */
export function statefulRemovalPolicy(d: Deployment): RemovalPolicy {
  return d.settings.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

const VALID_RETENTION_DAYS = Object.values(RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/**
 * CloudWatch Logs accepts only certain retention periods; this rounds the configured number of days
 * up to the nearest accepted one (never shortening what the configuration asked for).
 */
export function logRetention(days: number): RetentionDays {
  const accepted = VALID_RETENTION_DAYS.find((v) => v >= days);
  return (accepted ?? RetentionDays.INFINITE) as RetentionDays;
}

/** Lambda timeout for ndx functions, from the configuration. */
export function functionTimeout(d: Deployment): Duration {
  return Duration.seconds(d.config.functions.timeoutSeconds);
}

/**
 * Visibility timeout for a queue a Lambda function consumes: AWS recommends at least six times the
 * function timeout, so that a message is not redelivered while a throttled or retried batch holding
 * it is still being processed.
 */
export function consumerVisibilityTimeout(d: Deployment): Duration {
  return Duration.seconds(6 * d.config.functions.timeoutSeconds);
}

/**
 * Folds a display name to printable ASCII for resource descriptions (IAM accepts only Latin-1 in
 * descriptions; Vietnamese names such as "Hà Nội" or "Đà Nẵng" become "Ha Noi", "Da Nang").
 */
export function asciiDescription(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7E]/g, '?');
}
