/**
 * Every exported document of every contract version, in every format, and every agency's AsyncAPI
 * document, through the validators consumers' tools run: zero errors, zero warnings.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportAgency, exportVersion, type ExportLifecycle } from '../../contracts/export.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import {
  AGENCIES,
  asyncApiProblems,
  odcsValidator,
  parseAsyncApi,
  redoclyProblems,
  strictAjv,
  swaggerProblems,
  transport,
  VERSIONS,
} from './export-support.ts';

type Doc = Record<string, unknown>;

async function problems(format: (typeof EXPORT_FORMATS)[number], document: Doc): Promise<string[]> {
  switch (format) {
    case 'jsonschema': {
      const ajv = strictAjv('2020-12');
      try {
        ajv.addSchema(document);
        for (const def of Object.keys(document.$defs as Doc)) ajv.getSchema(`${String(document.$id)}#/$defs/${def}`);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    }
    case 'openapi':
      return [...(await swaggerProblems(document)), ...(await redoclyProblems(document))];
    case 'asyncapi':
      return asyncApiProblems(document);
    case 'odcs': {
      const validate = odcsValidator();
      return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    }
  }
}

const deprecated: ExportLifecycle = { status: 'deprecated', sunset: '2027-06-30', source: 'registry' };

describe('exported documents pass the validators consumers run', () => {
  for (const { contract, version, lifecycle, at } of VERSIONS) {
    for (const format of EXPORT_FORMATS) {
      it(`${at} ${format}`, async () => {
        expect(await problems(format, exportVersion(format, contract, version, { lifecycle, transport }))).toEqual([]);
      });
    }
  }

  for (const agency of AGENCIES) {
    it(`agency ${agency} asyncapi`, async () => {
      const document = exportAgency(agency, VERSIONS, transport);
      expect(await asyncApiProblems(document)).toEqual([]);
      // Versions it may use that answer: drafts (e.g. the 1.1.0 rate limits until published) are left out.
      const usable = VERSIONS.filter((x) => x.version.consumers.includes(agency) && ['active', 'deprecated'].includes(x.lifecycle.status));
      expect(usable.length).toBeGreaterThan(0);
      expect(Object.keys((document.components as { messages: Doc }).messages)).toHaveLength(usable.length * 2 + 1);
    });
  }

  it('agency government-office asyncapi: the indicator request and reply on its queues, valid', async () => {
    const indicators = INDICATORS.flatMap((contract) =>
      contract.versions.map((version) => ({ contract, version, lifecycle: { status: 'active', source: 'shipped' } as ExportLifecycle })),
    );
    const document = exportAgency('government-office', VERSIONS, transport, indicators);
    expect(await asyncApiProblems(document)).toEqual([]);
    expect(Object.keys((document.components as { messages: Doc }).messages).sort()).toEqual(['IndicatorReply', 'IndicatorRequest', 'OtherLookupReply']);
    expect(Object.keys(document.operations as Doc)).toContain('requestIndicator');
  });

  it('a deprecated version: still valid, says so, and gives its sunset', async () => {
    const { contract, version } = VERSIONS[0]!;
    for (const format of EXPORT_FORMATS) {
      expect(await problems(format, exportVersion(format, contract, version, { lifecycle: deprecated, transport }))).toEqual([]);
    }
    const odcs = exportVersion('odcs', contract, version, { lifecycle: deprecated, transport });
    expect(odcs.status).toBe('deprecated');
    expect(odcs.customProperties).toContainEqual(expect.objectContaining({ property: 'sunset', value: '2027-06-30' }));
    expect(odcs.customProperties).toContainEqual(expect.objectContaining({ property: 'lifecycleSource', value: 'contract registry' }));
    const openapi = exportVersion('openapi', contract, version, { lifecycle: deprecated, transport }) as { paths: Record<string, Record<string, Doc>> };
    expect(openapi.paths['/v1/lookups']!.post!.deprecated).toBe(true);
  });

  it('offline, the lifecycle is the shipped catalogue’s and the document says so', () => {
    const { contract, version, lifecycle } = VERSIONS[0]!;
    const odcs = exportVersion('odcs', contract, version, { lifecycle, transport });
    expect(odcs.status).toBe('active');
    expect(odcs.customProperties).toContainEqual(expect.objectContaining({ property: 'lifecycleSource', value: 'shipped catalogue' }));
    expect(JSON.stringify(exportVersion('asyncapi', contract, version, { lifecycle, transport }))).toContain('catalogue shipped with ndx');
  });

  it('an agency document leaves out versions that do not answer', () => {
    const { contract, version } = VERSIONS[0]!;
    const agency = version.consumers[0]!;
    const retired = VERSIONS.map((x) => (x.contract === contract ? { ...x, lifecycle: { status: 'retired', source: 'registry' } as ExportLifecycle } : x));
    const messages = Object.keys((exportAgency(agency, retired, transport).components as { messages: Doc }).messages);
    expect(messages.some((m) => m.startsWith(`${contract.id}.`))).toBe(false);
  });
});

describe('what an AsyncAPI reader and code generator see', () => {
  it('SQS servers and bindings, requestId correlation, request/reply, the shared in-queue, validated payloads', async () => {
    const { contract, version, lifecycle } = VERSIONS.find((x) => x.version.list)!;
    const { document, diagnostics } = await parseAsyncApi(exportVersion('asyncapi', contract, version, { lifecycle, transport }));
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document).toBeDefined();
    const doc = document!;
    expect(
      doc
        .servers()
        .all()
        .map((s) => s.protocol()),
    ).toEqual(['sqs', 'sqs']);
    const out = doc.channels().get('out')!;
    const inbox = doc.channels().get('in')!;
    expect(out.address()).toBe('ndx-agency-{agencyId}-out');
    expect(out.bindings().get('sqs')?.value()).toMatchObject({
      queue: { name: 'ndx-agency-{agencyId}-out', fifoQueue: false },
      deadLetterQueue: { name: 'ndx-agency-{agencyId}-out-dlq' },
    });
    expect(
      inbox
        .messages()
        .all()
        .map((m) => m.id()),
    ).toEqual(['LookupReply', 'OtherLookupReply']);
    expect(inbox.description()).toContain('all its lookups, under every contract');
    const send = doc.operations().get('sendLookup')!;
    expect(send.action()).toBe('send');
    expect(send.reply()?.channel()?.address()).toBe('ndx-agency-{agencyId}-in');
    expect(doc.operations().get('receiveReplies')!.action()).toBe('receive');
    for (const m of doc.messages().all()) {
      expect(m.correlationId()?.location()).toBe('$message.payload#/requestId');
      // The parser read the payload schema: required fields survive for code generators.
      expect(m.payload()?.required()).toContain('requestId');
    }
    const request = doc
      .messages()
      .all()
      .find((m) => m.id() === 'LookupRequest')!;
    expect(request.payload()?.properties()?.page?.properties()?.size?.maximum()).toBe(version.list!.maxPageSize);
  });
});
