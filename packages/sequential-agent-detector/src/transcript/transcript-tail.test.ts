import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-fixtures/helpers.js';
import { TranscriptTail } from './transcript-tail.js';

const prompt = (id: string) => JSON.stringify({ type: 'user', promptId: id, message: { role: 'user', content: `prompt ${id}` } });
const call = (msg: string, id: string) =>
  JSON.stringify({ type: 'assistant', message: { id: msg, role: 'assistant', content: [{ type: 'tool_use', id, name: 'Agent', input: { description: id } }] } });
const noise = (n: number) => JSON.stringify({ type: 'attachment', attachment: { type: 'skill_listing', content: 'x'.repeat(n) } });

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe(TranscriptTail, () => {
  it('reads backwards only to the start of the turn it is told about', async () => {
    const file = path.join(dir, 't.jsonl');
    const older = Array.from({ length: 50 }, () => noise(200));
    await writeFile(file, [prompt('p1'), call('msg_1', 'toolu_old'), ...older, prompt('p2'), call('msg_2', 'toolu_new'), noise(10)].join('\n') + '\n');
    const tail = await TranscriptTail.open(file, { chunkBytes: 256, isStart: (entry) => entry.kind === 'prompt' && entry.promptId === 'p2' });
    expect(tail.reachedStart).toBe(true);
    expect(tail.lines.map((line) => line.entry?.kind ?? 'other')).toEqual(['prompt', 'assistant', 'other']);
    expect(tail.lines[1]).toMatchObject({ messageId: 'msg_2', user: false });
  });

  it('leaves a last line without its newline for the next poll, then picks it up', async () => {
    const file = path.join(dir, 't.jsonl');
    const partial = call('msg_2', 'toolu_2');
    await writeFile(file, `${prompt('p1')}\n${call('msg_1', 'toolu_1')}\n${partial.slice(0, 40)}`);
    const tail = await TranscriptTail.open(file);
    expect(tail.lines).toHaveLength(2);
    await appendFile(file, `${partial.slice(40)}\n${noise(5)}\n`);
    expect(await tail.poll()).toBe(2);
    expect(tail.lines.map((line) => line.messageId)).toEqual([undefined, 'msg_1', 'msg_2', undefined]);
    expect(await tail.poll()).toBe(0);
  });

  it('stops at maxBytes when the turn start is further back, and says so', async () => {
    const file = path.join(dir, 't.jsonl');
    await writeFile(file, [prompt('p1'), ...Array.from({ length: 100 }, () => noise(100)), call('msg_1', 'toolu_1')].join('\n') + '\n');
    const tail = await TranscriptTail.open(file, { maxBytes: 2048, chunkBytes: 512, isStart: (entry) => entry.kind === 'prompt' });
    expect(tail.truncated).toBe(true);
    expect(tail.reachedStart).toBe(false);
    expect(tail.lines.at(-1)?.messageId).toBe('msg_1');
    expect(tail.lines.length).toBeLessThan(30);
  });

  it('reads a whole file whose lines straddle every chunk boundary', async () => {
    const file = path.join(dir, 't.jsonl');
    const lines = [prompt('p1'), ...Array.from({ length: 20 }, (_, i) => call(`msg_${i}`, `toolu_${i}`))];
    await writeFile(file, lines.join('\n') + '\n');
    const tail = await TranscriptTail.open(file, { chunkBytes: 7 });
    expect(tail.lines).toHaveLength(21);
    expect(tail.lines.filter((line) => line.entry?.kind === 'assistant')).toHaveLength(20);
    expect(tail.end).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
  });

  it('handles an empty file and a file that is one unfinished line', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    expect((await TranscriptTail.open(empty)).lines).toEqual([]);
    const torn = path.join(dir, 'torn.jsonl');
    await writeFile(torn, '{"type":"user","mess');
    const tail = await TranscriptTail.open(torn);
    expect(tail.lines).toEqual([]);
    expect(tail.end).toBe(0);
  });

  it('rejects with the fs error when the transcript does not exist yet', async () => {
    await expect(TranscriptTail.open(path.join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
