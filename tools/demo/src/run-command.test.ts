import { describe, expect, it } from 'vitest';
import { formatMs } from './demo-section.js';
import { runCommand } from './run-command.js';

describe(runCommand, () => {
  it('resolves with the child’s real exit code', async () => {
    await expect(runCommand('exit 0')).resolves.toBe(0);
    await expect(runCommand('exit 3')).resolves.toBe(3);
  });

  it('rejects when aborted, so a graph node can be cancelled', async () => {
    const controller = new AbortController();
    const running = runCommand('sleep 5', controller.signal);
    controller.abort();
    await expect(running).rejects.toThrow(/abort/i);
  });
});

describe(formatMs, () => {
  it('keeps one decimal below 100 ms and none above', () => {
    expect(formatMs(51.26)).toBe('51.3 ms');
    expect(formatMs(1187.4)).toBe('1187 ms');
  });
});
