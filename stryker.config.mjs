// @ts-check
/**
 * Mutation testing of the domain: `npm run mutation` (README, "Testing"). Stryker changes one rule at a
 * time (a `<` into `<=`, a condition into `true`, a string into "") and runs the fast domain unit tests
 * (vitest.mutation.config.ts) against each change; a change no test notices is a rule no test pins down.
 *
 * Incremental mode, with the results committed as a baseline: test/mutation/incremental.json holds the
 * last run's verdict for every mutant, and a run retests only the mutants in changed code or covered by
 * changed tests, reusing the rest. A full run takes about an hour of CPU (some 30 minutes on CI's 2 cores,
 * more than CI's budget beside `npm test`); an incremental one retests only what changed. So commit the updated file
 * with any change to a domain module or its tests (CI then retests only what that change touches), and
 * rebuild it now and then with `npm run mutation -- --force`.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    // Every domain module (admission, envelope, projection, paging, the resend protocol and forwarded
    // lookups, the lookup and answer services, consent checks, grants and the consent service, the
    // audit chain, anchors and records, subjects, actors and the subject hash, the contract lifecycle
    // service), and the contract rules: governance, lifecycle and schema compatibility. A new domain
    // module is mutated from its first commit.
    'domain/**/*.ts',
    'contracts/governance.ts',
    'contracts/lifecycle.ts',
    'contracts/compatibility.ts',
    // Ports and error classes only: no rule to mutate.
    '!domain/lookup/registry-source.ts',
  ],
  ignorePatterns: ['cdk.out', '.ndx', 'coverage', 'bench/results', 'reports'],
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportScoreTable: true, reportMutants: false },
  // Scores count mutants no test reaches as survivors (Stryker's mutation score does).
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
export default config;
