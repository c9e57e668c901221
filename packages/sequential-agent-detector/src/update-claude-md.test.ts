import { describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { PARALLEL_DELEGATION_SECTION, SECTION_END, SECTION_START, updateClaudeMd } from './update-claude-md.js';

describe(updateClaudeMd, () => {
  it('creates the file content when there is no CLAUDE.md', () => {
    const { text, action } = updateClaudeMd(undefined);
    expect(action).toBe('created');
    expect(text).toBe(`${SECTION_START}\n${PARALLEL_DELEGATION_SECTION}\n${SECTION_END}\n`);
    expect(text).toContain('one Agent tool call per task');
  });

  it('appends after the user’s text and is idempotent', () => {
    const user = '# Project\n\n- run `pnpm test` before committing';
    const first = updateClaudeMd(user);
    expect(first.action).toBe('appended');
    expect(first.text.startsWith(`${user}\n\n${SECTION_START}`)).toBe(true);
    const second = updateClaudeMd(first.text);
    expect(second).toEqual({ text: first.text, action: 'unchanged' });
  });

  it('replaces only what is between the markers, keeping text before and after', () => {
    const old = `# Project\n\n${SECTION_START}\n## Parallel agent delegation\n\nold rule\n${SECTION_END}\n\n## Style\nTabs.\n`;
    const { text, action } = updateClaudeMd(old);
    expect(action).toBe('updated');
    expect(text).toBe(`# Project\n\n${SECTION_START}\n${PARALLEL_DELEGATION_SECTION}\n${SECTION_END}\n\n## Style\nTabs.\n`);
  });

  it('finds a start marker whose note was reworded', () => {
    const old = `intro\n<!-- whitebox:parallel-agent-delegation:start -->\nstale\n${SECTION_END}\n`;
    expect(updateClaudeMd(old).text).toBe(`intro\n${SECTION_START}\n${PARALLEL_DELEGATION_SECTION}\n${SECTION_END}\n`);
  });

  it('keeps CRLF line endings in a CRLF file', () => {
    const { text } = updateClaudeMd('# Project\r\n');
    expect(text).toContain(`\r\n${SECTION_START}\r\n## Parallel agent delegation\r\n`);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it.each([
    [`a\n${SECTION_START}\nb\n`, 'found 1 and 0'],
    [`a\n${SECTION_END}\nb\n${SECTION_START}\n`, 'comes before its start marker'],
    [`${SECTION_START}\n${SECTION_END}\n${SECTION_START}\n${SECTION_END}\n`, 'found 2 and 2'],
  ])('refuses broken markers rather than guess (%#)', (text, message) => {
    expect(() => updateClaudeMd(text, 'docs/CLAUDE.md')).toThrow(WhiteboxError);
    expect(() => updateClaudeMd(text, 'docs/CLAUDE.md')).toThrow(message);
    expect(() => updateClaudeMd(text, 'docs/CLAUDE.md')).toThrow('docs/CLAUDE.md');
  });
});
