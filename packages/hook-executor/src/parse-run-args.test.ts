import { describe, expect, it } from 'vitest';
import { parseRunArgs } from './parse-run-args.js';

describe(parseRunArgs, () => {
  it('recognises the settings.json command line in both flag spellings', () => {
    expect(parseRunArgs(['run', '--event', 'PreToolUse'])).toEqual({ event: 'PreToolUse', forward: true });
    expect(parseRunArgs(['run', '--event=Stop', '--config', 'c.json', '--project-dir=/p', '--no-forward'])).toEqual({
      event: 'Stop',
      config: 'c.json',
      projectDir: '/p',
      forward: false,
    });
  });

  it('leaves everything else to the full parser, which reports the errors', () => {
    for (const args of [
      [],
      ['serve'],
      ['run'],
      ['run', '--event'],
      ['run', '--event', '--help'],
      ['run', '--event', 'A', '--event', 'B'],
      ['run', '--event', 'Stop', '--help'],
      ['run', '--event', 'Stop', '--verbose'],
      ['run', '--event', ''],
    ]) {
      expect(parseRunArgs(args)).toBeUndefined();
    }
  });
});
