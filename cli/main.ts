/** Entry point of the `ndx` command. */
import { run } from './program.ts';

process.exitCode = await run(process.argv.slice(2));
