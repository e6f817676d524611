/** Entry point of the `ndx` command: every failure, even one while loading the configuration, is a sentence and an exit code. */
try {
  const { run } = await import('./program.ts');
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  // Loading failed (e.g. ndx.config.ts does not validate): say so without a stack trace.
  const { report } = await import('./errors.ts');
  process.exitCode = report(error, process.argv.includes('--json'));
}
