/**
 * The shape of ndx's one configuration (ndx.config.ts): registries, agencies, environments.
 * The CDK app and the local engine are both built from it.
 */
import { z } from 'zod';

const Id = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'lower-case letters, digits and dashes, 3-32 characters');

export const RegistryConfig = z.strictObject({
  id: Id,
  title: z.string(),
  operator: z.string().describe('The agency that runs the registry.'),
  /** Attribute names of the registry table's key. */
  key: z.strictObject({ partition: z.string(), sort: z.string().optional() }),
});

export const AgencyConfig = z.strictObject({
  id: Id,
  name: z.string(),
});

export const EnvironmentConfig = z.strictObject({
  account: z.string().regex(/^\d{12}$/).optional(),
  region: z.string().default('ap-southeast-1'),
  /** Production keeps tables and keys on stack deletion and turns on deletion protection. */
  production: z.boolean().default(false),
  logRetentionDays: z.number().int().positive().default(90),
});

export const NdxConfig = z
  .strictObject({
    registries: z.array(RegistryConfig).min(1),
    agencies: z.array(AgencyConfig).min(1),
    environments: z.record(Id, EnvironmentConfig),
    queues: z
      .strictObject({
        /** Receives before a message moves to its DLQ. */
        maxReceiveCount: z.number().int().min(1).max(1000).default(5),
        retentionDays: z.number().int().min(1).max(14).default(4),
        batchSize: z.number().int().min(1).max(10).default(10),
      })
      .default({ maxReceiveCount: 5, retentionDays: 4, batchSize: 10 }),
    functions: z
      .strictObject({ timeoutSeconds: z.number().int().min(1).max(900).default(10), memoryMb: z.number().int().default(512) })
      .default({ timeoutSeconds: 10, memoryMb: 512 }),
  })
  .superRefine((c, ctx) => {
    for (const [name, list] of [['registry', c.registries], ['agency', c.agencies]] as const) {
      const ids = list.map((x) => x.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) ctx.addIssue({ code: 'custom', message: `${name} id "${dup}" appears twice` });
    }
  });
export type NdxConfig = z.infer<typeof NdxConfig>;
export type NdxConfigInput = z.input<typeof NdxConfig>;

/** Parses a configuration, throwing an error that lists every problem with its path. */
export function defineConfig(input: NdxConfigInput): NdxConfig {
  const parsed = NdxConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(`ndx configuration is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
