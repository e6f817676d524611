/**
 * Independent validators for the exported documents, as consumers' tools run them: ajv 8 (2020-12,
 * strict) with ajv-formats, the official ODCS v3.1.0 JSON Schema (vendored in test/schemas/),
 * @apidevtools/swagger-parser, Redocly's recommended OpenAPI ruleset and @asyncapi/parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { EXPORT_SCHEMA_KEYWORDS, type ExportLifecycle } from '../../contracts/export.ts';
import { exportTransport, shippedLifecycle } from '../../cli/contract.ts';

// ajv-formats is CommonJS with `exports.default`: under Node's ESM the plugin is `default.default`.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsModule = ajvFormats as unknown as { default: FormatsPlugin | { default: FormatsPlugin } };
const addFormats: FormatsPlugin = typeof formatsModule.default === 'function' ? formatsModule.default : formatsModule.default.default;

export const transport = exportTransport();

/** Every contract version with the lifecycle of the shipped catalogue. */
export const VERSIONS = CONTRACTS.flatMap((contract) => {
  const states = shippedLifecycle(contract);
  return contract.versions.map((version) => ({
    contract,
    version,
    lifecycle: states.get(version.version)! as ExportLifecycle,
    at: `${contract.id}@${version.version}`,
  }));
});

export const AGENCIES = [...new Set(CONTRACTS.flatMap((c) => c.versions.flatMap((v) => v.consumers)))].sort();

/** Strict ajv for the exported JSON Schemas, told about the documents' `x-ndx-…` keywords. */
export function strictAjv(draft: '2020-12' | 'draft-07'): Ajv {
  const ajv = draft === '2020-12' ? new Ajv2020({ strict: true, allErrors: true }) : new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const keyword of EXPORT_SCHEMA_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

const ODCS_SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../schemas/odcs-json-schema-v3.1.0.json'), 'utf8')) as object;
let odcs: ValidateFunction | undefined;

/** The official ODCS v3.1.0 schema (draft 2019-09; not ours, so not strict). */
export function odcsValidator(): ValidateFunction {
  if (!odcs) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    odcs = ajv.compile(ODCS_SCHEMA);
  }
  return odcs;
}

export async function swaggerProblems(document: object): Promise<string[]> {
  try {
    // swagger-parser dereferences in place; give it a copy.
    await SwaggerParser.validate(structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0]);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

let redocly: Awaited<ReturnType<typeof createConfig>> | undefined;

/** Redocly's recommended ruleset: every error and warning. */
export async function redoclyProblems(document: object): Promise<string[]> {
  redocly ??= await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config: redocly });
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
}

const asyncapi = new Parser();

/** @asyncapi/parser's errors and warnings (information, such as "3.1.0 exists", is not a problem). */
export async function asyncApiProblems(document: object): Promise<string[]> {
  const diagnostics = await asyncapi.validate(JSON.stringify(document));
  return diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
    .map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`);
}

export async function parseAsyncApi(document: object) {
  return asyncapi.parse(JSON.stringify(document));
}
