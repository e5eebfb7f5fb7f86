import { vi } from 'vitest';

/** Captures what an in-process CLI command writes to stdout (and silences stderr) until `restore()`. */
export function captureOutput(): { text(): string; restore(): void } {
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return {
    text: () => out.join(''),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
