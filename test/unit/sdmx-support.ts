/** The official SDMX-JSON 2.1 schemas (vendored in test/schemas/, draft 2019-09; not ours, so not strict), compiled once. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv, ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsModule = ajvFormats as unknown as { default: FormatsPlugin | { default: FormatsPlugin } };
const addFormats: FormatsPlugin = typeof formatsModule.default === 'function' ? formatsModule.default : formatsModule.default.default;

const cache = new Map<string, ValidateFunction>();

export function sdmxValidator(kind: 'data' | 'structure'): ValidateFunction {
  let v = cache.get(kind);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, `../schemas/sdmx-json-${kind}-schema-2.1.json`), 'utf8')) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv as unknown as Ajv);
    v = ajv.compile(schema);
    cache.set(kind, v);
  }
  return v;
}

/** The validation errors, as short lines (empty when valid). */
export function sdmxErrors(kind: 'data' | 'structure', document: unknown): string[] {
  const validate = sdmxValidator(kind);
  return validate(document) ? [] : (validate.errors ?? []).slice(0, 15).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
