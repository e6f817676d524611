/**
 * The direction of imports between the project's folders (README: Project layout). Each folder may
 * import only from the folders listed for it; type-only imports count too, so the domain names its
 * needs as ports instead of reaching for the AWS adapters.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/engine.ts';

/** What each folder may import (besides itself and npm packages); `ndx.config.ts` is the deployment's configuration. */
const ALLOWED: Record<string, readonly string[]> = {
  contracts: [],
  config: ['contracts'],
  domain: ['contracts', 'config'],
  aws: ['contracts', 'config', 'domain'],
  registries: ['contracts', 'config', 'domain', 'aws'],
  // The console's pages and routes: a front door over the domain, no AWS SDK (functions/console wires it).
  console: ['contracts', 'config', 'domain'],
  functions: ['contracts', 'config', 'domain', 'aws', 'registries', 'console'],
  synthetic: ['contracts', 'config', 'domain', 'aws', 'registries'],
  infra: ['contracts', 'config', 'ndx.config.ts'],
  local: ['contracts', 'config', 'domain', 'aws', 'registries', 'functions', 'synthetic', 'infra', 'ndx.config.ts'],
  cli: ['contracts', 'config', 'domain', 'aws', 'registries', 'synthetic', 'ndx.config.ts'],
};

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mjs)$/.test(name)) yield path;
  }
}

/** Every relative import of a file: static, dynamic and type-only. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

function folderOf(path: string): string {
  return relative(PROJECT_ROOT, path).split(sep)[0]!;
}

describe('the direction of imports', () => {
  it('finds the imports of a file, type-only and dynamic ones too', () => {
    expect(
      importsOf(
        `import type { A } from '../aws/a.ts';\nimport { b } from "./b.ts";\nconst c = await import('../c.ts');\nexport { d } from '../d.ts';\nimport x from 'zod';`,
      ),
    ).toEqual(['../aws/a.ts', './b.ts', '../c.ts', '../d.ts']);
  });

  it('has each folder import only from the folders below it', () => {
    const violations: string[] = [];
    let files = 0;
    for (const [folder, allowed] of Object.entries(ALLOWED)) {
      for (const file of sources(join(PROJECT_ROOT, folder))) {
        files++;
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          const target = folderOf(resolve(dirname(file), spec));
          if (target !== folder && !allowed.includes(target)) violations.push(`${relative(PROJECT_ROOT, file)} imports ${spec} (${folder} → ${target})`);
        }
      }
    }
    expect(files).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  });
});
