/** Progress on stderr, only when it is a terminal, so piped output and --json stay clean. */

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function spinner(label: string, enabled = true): { tick: () => void; stop: () => void } {
  const on = enabled && process.stderr.isTTY;
  let i = 0;
  return {
    tick: () => {
      if (on) process.stderr.write(`\r${FRAMES[i++ % FRAMES.length]} ${label}`);
    },
    stop: () => {
      if (on) process.stderr.write('\r\x1b[K');
    },
  };
}

export function progressBar(
  label: string,
  total: number,
  enabled = true,
): { enabled: boolean; update: (done: number, newTotal?: number) => void; stop: () => void } {
  const on = enabled && Boolean(process.stderr.isTTY);
  const started = Date.now();
  return {
    enabled: on,
    update: (done, newTotal) => {
      if (!on) return;
      if (newTotal !== undefined) total = newTotal;
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
      process.stderr.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${Math.round(rate)}/s`);
    },
    stop: () => {
      if (on) process.stderr.write('\r\x1b[K');
    },
  };
}
