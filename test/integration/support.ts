/** Shared set-up for integration tests: a local engine with fast queue timings, log capture. */
import { SQSClient } from '@aws-sdk/client-sqs';
import baseConfig from '../../ndx.config.ts';
import { defineConfig, type NdxConfig } from '../../config/schema.ts';
import { documentClient } from '../../aws/clients.ts';
import type { HandlerDeps } from '../../config/env.ts';
import { PROJECT_ROOT, startEngine, type Engine } from '../../local/engine.ts';
import { seedDemo, type DemoData } from '../../synthetic/demo.ts';
import { LOCAL_FORWARDING_KEY, LOCAL_PEPPER } from '../../config/local.ts';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findContract } from '../../contracts/catalog.ts';
import { legalBasisFor } from '../../contracts/model.ts';
import { LookupRequest, type LookupRequestInput } from '../../contracts/protocol.ts';
import { signForwarded, type ForwardedLookup, type ForwardingKey, type SignedForwardedLookup } from '../../domain/lookup/forwarded.ts';
import { requestDigest } from '../../domain/lookup/resend.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { demoCitizens } from '../../local/console-sign-in.ts';

/** The shipped configuration with short timeouts, so redrive to a DLQ takes seconds, not minutes. */
export function fastConfig(): NdxConfig {
  return defineConfig({ ...baseConfig, queues: { ...baseConfig.queues, maxReceiveCount: 2 }, functions: { ...baseConfig.functions, timeoutSeconds: 1 } });
}

export interface Harness {
  engine: Engine;
  demo: DemoData;
  /** Everything written to stdout and stderr since start. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function startHarness(
  options: {
    count?: number;
    deps?: HandlerDeps /** default: fastConfig() */;
    config?: NdxConfig;
    contractCacheSeconds?: number;
    /** The engine's data folder (NDX_DATA_DIR): tables kept on disk, audit anchors taken there. */
    dataDir?: string;
  } = {},
): Promise<Harness> {
  const chunks: string[] = [];
  const capture = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = original as typeof stream.write;
    };
  };
  const restore = [capture(process.stdout), capture(process.stderr)];
  const engine = await startEngine({
    config: options.config ?? fastConfig(),
    port: 0,
    logLevel: 'INFO',
    // One-second function timeouts make redelivery fast; they are no budget an invocation on a loaded
    // test machine must meet, so invocations here are not ended at them (restart.test.ts's platform is).
    endInvocationsAtDeadline: false,
    functionEnvironment: { NDX_CONTRACT_CACHE_SECONDS: String(options.contractCacheSeconds ?? 0) },
    ...(options.deps ? { deps: options.deps } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const demo = await seedDemo(documentClient(), { pepper: LOCAL_PEPPER, count: options.count ?? 1000 });
  engine.api.issuer.console.setPeople(demoCitizens(demo));
  return {
    engine,
    demo,
    output: () => chunks.join(''),
    async stop() {
      await engine.stop();
      for (const r of restore) r();
    },
  };
}

/** A client configured only the way the README tells agencies to. */
export function plainSqs(engine: Engine): SQSClient {
  return new SQSClient({ endpoint: engine.endpoint.url, region: engine.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

/**
 * A lookup exactly as the router forwards it to a registry: admitted for `hanoi-land-office` under the
 * land-registration legal basis, its subject hashed, signed with the local forwarding key.
 */
export function genuineForward(
  nationalId: string,
  options: { requestId?: string; onBehalfOf?: string; overrides?: Partial<ForwardedLookup>; key?: ForwardingKey } = {},
): SignedForwardedLookup {
  const version = findContract('population.identity-verification')!.versions[0]!;
  const basis = legalBasisFor(version, 'hanoi-land-office', 'LAND_REGISTRATION')!;
  const request = LookupRequest.parse({
    requestId: options.requestId ?? randomUUID(),
    contract: 'population.identity-verification',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId },
    ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
  });
  return signForwarded(
    {
      kind: 'ndx.forwarded-lookup.v1',
      consumer: 'hanoi-land-office',
      request,
      version: version.version,
      basis: { kind: 'legal', id: basis.id, instrument: basis.instrument, article: basis.article },
      subjectHash: subjectHasher(LOCAL_PEPPER)(request.subject),
      requestDigest: requestDigest(LOCAL_PEPPER, request, ''),
      receivedMessageId: randomUUID(),
      receivedAt: new Date().toISOString(),
      ...options.overrides,
    },
    options.key ?? { version: 'local', secret: LOCAL_FORWARDING_KEY },
  );
}

/** The demo land office's identity check of a citizen, as the tests send it. */
export function identityRequest(nationalId: string, over: Partial<LookupRequestInput> = {}): LookupRequestInput {
  return {
    requestId: randomUUID(),
    contract: 'population.identity-verification',
    version: '1',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId },
    onBehalfOf: 'officer-0042',
    ...over,
  };
}

/** A residence lookup under the citizen's consent. */
export function residenceRequest(nationalId: string, consentId?: string): LookupRequestInput {
  return {
    requestId: randomUUID(),
    contract: 'population.residence',
    purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
    subject: { nationalId },
    ...(consentId ? { consentId } : {}),
  };
}

/** What a run of the ndx command printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the ndx command as people run it, a child process, with exactly the environment given. */
export async function runNdx(env: NodeJS.ProcessEnv, args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'bin/ndx.mjs'), ...args], { env, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliRun;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
