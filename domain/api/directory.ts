/**
 * The directory of the HTTP API: what the calling agency may use (contracts, versions, purposes and
 * whether each purpose rests on a legal basis or on consent), one version's schemas, and who it is.
 * Read from the contract definitions and their lifecycle (the router's catalog); nothing else.
 */
import type { ContractList, ContractVersionDetail, Me } from '../../contracts/http-api.ts';
import type { Contract, ContractVersion } from '../../contracts/model.ts';
import { legalBasisFor } from '../../contracts/model.ts';
import { replySchema, requestSchema } from '../../contracts/export-schemas.ts';
import { type HttpResponse, json, problem } from './http.ts';

export interface DirectoryPorts {
  /** Every contract id. */
  contractIds: readonly string[];
  /** A contract with its lifecycle (the router's catalog). */
  load(id: string): Promise<Contract | undefined>;
  /** Served without authentication. */
  public?: Readonly<Record<string, () => HttpResponse>>;
  /** The agency's webhook and its signing secret, if it has one. */
  webhookOf?(agency: string): Promise<{ url: string; secret: string } | undefined>;
}

function versionEntry(contract: Contract, v: ContractVersion, agency: string) {
  return {
    version: v.version,
    status: v.status,
    ...(v.sunset ? { sunset: v.sunset } : {}),
    purposes: v.purposes.map((p) => ({
      code: p.code,
      description: p.description,
      basis: legalBasisFor(v, agency, p.code) ? ('legal' as const) : ('consent' as const),
    })),
    rateLimitPerMinute: v.rateLimit.perAgencyPerMinute,
    list: Boolean(v.list),
    href: `/v1/contracts/${contract.id}/versions/${v.version}`,
  };
}

const VERSION = /^\/contracts\/([a-z0-9.-]+)\/versions\/(\d+\.\d+\.\d+)$/;

export function apiDirectory(ports: DirectoryPorts) {
  async function visible(agency: string) {
    const all = await Promise.all(ports.contractIds.map((id) => ports.load(id)));
    return all.flatMap((c) => {
      const versions = c ? c.versions.filter((v) => v.consumers.includes(agency) && v.status !== 'draft') : [];
      return c && versions.length ? [{ contract: c, versions }] : [];
    });
  }

  return {
    public: ports.public ?? {},
    async get(agency: string, clientId: string, path: string): Promise<HttpResponse | undefined> {
      if (path === '/me') {
        const webhook = await ports.webhookOf?.(agency);
        const me: Me = { agency, clientId, contracts: (await visible(agency)).map((x) => x.contract.id), ...(webhook ? { webhook } : {}) };
        return json(200, me);
      }
      if (path === '/contracts') {
        const list: ContractList = {
          contracts: (await visible(agency)).map(({ contract, versions }) => ({
            id: contract.id,
            title: contract.title,
            description: contract.description,
            registry: contract.provider,
            versions: versions.map((v) => versionEntry(contract, v, agency)),
          })),
        };
        return json(200, list);
      }
      const m = VERSION.exec(path);
      if (!m) return undefined;
      const [, id = '', version = ''] = m;
      const found = (await visible(agency)).find((x) => x.contract.id === id);
      const v = found?.versions.find((x) => x.version === version);
      // Another agency's contract is as absent as an unknown one.
      if (!found || !v) return problem(404, 'NOT_FOUND', 'no such contract version among those this agency may use');
      const detail: ContractVersionDetail = {
        contract: id,
        ...versionEntry(found.contract, v, agency),
        request: requestSchema(found.contract, v, 'draft-2020-12'),
        reply: replySchema(found.contract, v, 'draft-2020-12', 'reader'),
      };
      return json(200, detail);
    },
  };
}
