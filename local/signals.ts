/**
 * How the local platform stops on SIGINT/SIGTERM: it takes no new lookups from agencies, answers the
 * ones it accepted (within NDX_STOP_SECONDS, default 20), says what is left, then exits. A second
 * signal stops at once. Used by `npm start` and by the tests that stop and kill the platform.
 */
import type { Engine } from './engine.ts';

export function stopOnSignals(engine: Engine, options: { drainMs?: number; afterStop?: () => Promise<void> } = {}): void {
  const drainMs = options.drainMs ?? Number(process.env.NDX_STOP_SECONDS ?? 20) * 1000;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: stopping now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping ndx: no new lookups; answering the ones accepted (up to ${Math.round(drainMs / 1000)} s; ${signal} again to stop now)`);
    let last = '';
    const report = await engine.stop({
      drainMs,
      onProgress: (p) => {
        const line = `  ${p.forwarded} lookup(s) on their way to a registry`;
        if (line !== last) {
          last = line;
          console.log(line);
        }
      },
    });
    await options.afterStop?.();
    const left = report.forwarded + report.routing;
    console.log(
      left === 0
        ? 'ndx stopped: every accepted lookup was answered'
        : `ndx stopped with ${left} accepted lookup(s) unanswered; resend them after restart (same requestId and body): they are carried through to one reply`,
    );
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
