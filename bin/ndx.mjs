#!/usr/bin/env node
// The ndx command. ndx runs on Node 24 (installed by `npm install` into node_modules/.bin), which
// runs its TypeScript sources directly; `npx ndx` and npm scripts put that Node first on PATH.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `ndx needs Node 24 or later (this is ${process.version}). Run it as \`npx ndx ...\` after \`npm install\`, which installs Node 24 for the project.`,
  );
  process.exit(2);
}
await import('../cli/main.ts');
