import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (`npm run mutation`): the fast unit tests that exercise the
 * domain modules, and nothing that starts the engine, a local AWS endpoint or a server. A mutant that only
 * an integration test would notice counts as surviving here, on purpose: the rules must be pinned down by
 * tests that run in seconds.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/*.mutation-gaps.test.ts',
      'test/unit/anchor-store.test.ts',
      'test/unit/audit-archive.test.ts',
      'test/unit/audit-chain.test.ts',
      'test/unit/audit-stored.test.ts',
      'test/unit/citizen-view.test.ts',
      'test/unit/compatibility.property.test.ts',
      'test/unit/compatibility.snapshot.test.ts',
      'test/unit/compatibility.table.test.ts',
      'test/unit/consent-check.test.ts',
      'test/unit/consent-grant.test.ts',
      'test/unit/console-domain.test.ts',
      'test/unit/console-operator.test.ts',
      'test/unit/console-steward.test.ts',
      'test/unit/decide.test.ts',
      'test/unit/envelope.test.ts',
      'test/unit/export-roundtrip.test.ts',
      'test/unit/forwarded.test.ts',
      'test/unit/governance.test.ts',
      'test/unit/http-api.test.ts',
      'test/unit/indicator-contracts.test.ts',
      'test/unit/indicator-disclosure.property.test.ts',
      'test/unit/indicator-run.property.test.ts',
      'test/unit/indicator-view.test.ts',
      'test/unit/lifecycle-service.test.ts',
      'test/unit/page-token.test.ts',
      'test/unit/project.test.ts',
      'test/unit/read.test.ts',
      'test/unit/reply-seal.test.ts',
      'test/unit/subject-and-endpoint.test.ts',
      'test/unit/webhook.test.ts',
    ],
    // Each mutant re-runs the compatibility properties: 10 generated schemas per property instead of 200
    // (the rules are pinned by the tables; the properties add random cases, and at 50 runs they made a
    // run of the compatibility checker take over an hour on 2 shared cores).
    env: { NDX_PROPERTY_RUNS: '10' },
    pool: 'forks',
    testTimeout: 30_000,
    reporters: ['default'],
  },
});
