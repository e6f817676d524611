/** What the export modules share: lifecycle and transport as the caller gives them, and the license. */
import type { ContractDefinition, Lifecycle, VersionDefinition } from './model.ts';

/** A version's lifecycle and where it was read: the contract registry, or the catalogue shipped with the code (offline). */
export interface ExportLifecycle extends Lifecycle {
  source: 'registry' | 'shipped';
}

/** Where the platform's queues and API are, as the deployment names them. */
export interface ExportTransport {
  outQueue: (agencyId: string) => string;
  inQueue: (agencyId: string) => string;
  deadLetterQueue: (queueName: string) => string;
  /** Receives of a message before it moves to its queue's dead-letter queue. */
  maxReceiveCount: number;
  /** The AWS regions ndx is deployed in (the first is the default). */
  regions: readonly [string, ...string[]];
  /** The local engine's endpoint (`npm start`), e.g. http://localhost:4566. */
  localEndpoint: string;
  /** The agency HTTPS API's base URLs. */
  apiServers: readonly { url: string; description: string; variables?: Record<string, { default: string }> }[];
}

export interface ExportOptions {
  lifecycle: ExportLifecycle;
  transport: ExportTransport;
}

/** One sentence on where a version stands, and where that was read. */
export function lifecycleNote(l: ExportLifecycle): string {
  const state = l.status === 'deprecated' ? `deprecated${l.sunset ? `: it stops answering on ${l.sunset}` : ''}` : l.status;
  return l.source === 'registry'
    ? `Lifecycle: ${state} (from the contract registry).`
    : `Lifecycle: ${state} in the catalogue shipped with ndx (exported offline; a deployment's contract registry decides: export with --endpoint to read it).`;
}

export function lifecycleExtension(l: ExportLifecycle): Record<string, unknown> {
  return { status: l.status, ...(l.sunset ? { sunset: l.sunset } : {}), source: l.source === 'registry' ? 'contract registry' : 'shipped catalogue' };
}

/** A contract version an agency may use, with its lifecycle. */
export interface AgencyVersion {
  contract: ContractDefinition;
  version: VersionDefinition;
  lifecycle: ExportLifecycle;
}

/** The license of the published documents: the project's (by URL: AsyncAPI 3.0 has no SPDX identifier field). */
export const DOCUMENT_LICENSE = { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' } as const;
