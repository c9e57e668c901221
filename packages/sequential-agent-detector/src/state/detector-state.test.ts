import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-fixtures/helpers.js';
import {
  appendEvent,
  compactScopeLog,
  foldEvents,
  pruneStaleSessions,
  readScopeState,
  removeSessionState,
  stateFilePath,
  type BatchEvent,
  type DetectorEvent,
} from './detector-state.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

const pre = (id: string, turn: string | null = 't1'): DetectorEvent => ({ e: 'pre', id, turn, hash: `h-${id}`, at: 1, origin: 1 });
const batch = (spawns: BatchEvent['spawns'], others = 0, turn: string | null = 't1'): BatchEvent => ({ e: 'batch', turn, at: 2, spawns, others, marker: 0 });
const lines = (...events: DetectorEvent[]) => events.map((event) => JSON.stringify(event)).join('\n');

describe(foldEvents, () => {
  it('keeps the calls seen since the last batch, and that batch', () => {
    const state = foldEvents(lines(pre('a'), batch([{ id: 'a', outcome: 'foreground' }]), pre('b'), pre('c')));
    expect(state.pending.map((event) => event.id)).toEqual(['b', 'c']);
    expect(state.lastBatch?.spawns).toEqual([{ id: 'a', outcome: 'foreground' }]);
    expect(state.batches).toBe(1);
  });

  it('skips a batch of refused calls only, since nothing ran', () => {
    const state = foldEvents(lines(batch([{ id: 'a', outcome: 'foreground' }]), batch([{ id: 'b', outcome: 'denied' }])));
    expect(state.lastBatch?.spawns[0]?.id).toBe('a');
    expect(state.batches).toBe(2);
  });

  it('does not skip a batch where a refused call ran beside other tools', () => {
    const state = foldEvents(lines(batch([{ id: 'a', outcome: 'foreground' }]), batch([{ id: 'b', outcome: 'denied' }], 1)));
    expect(state.lastBatch?.spawns[0]?.id).toBe('b');
  });

  it('counts torn, foreign and half-written lines as corrupt and carries on', () => {
    const text = [JSON.stringify(pre('a')), '{"e":"pre","id":', 'not json', '{"e":"batch"}', '{"e":"mystery"}', '', JSON.stringify(pre('b'))].join('\n');
    const state = foldEvents(text);
    expect(state.corruptLines).toBe(4);
    expect(state.pending.map((event) => event.id)).toEqual(['a', 'b']);
  });

  it('starts over from a snapshot line', () => {
    const snapshot: DetectorEvent = { e: 'snapshot', at: 3, batches: 7, markers: 2, lastBatch: batch([{ id: 'z', outcome: 'background' }]), pending: [], denies: [], escapes: [] };
    const state = foldEvents(lines(pre('a'), snapshot, pre('b')));
    expect(state).toMatchObject({ batches: 7, markers: 2, pending: [{ id: 'b' }] });
    expect(state.lastBatch?.spawns[0]?.id).toBe('z');
  });
});

describe(readScopeState, () => {
  it('reads a missing log as the empty state', () => {
    expect(readScopeState(path.join(dir, 'none.jsonl'))).toMatchObject({ batches: 0, pending: [], lastBatch: undefined });
  });

  it('reads what appendEvent wrote, one agent per file', () => {
    const main = stateFilePath(dir, { sessionId: 's1' });
    const sub = stateFilePath(dir, { sessionId: 's1', agentId: 'a/../b' });
    appendEvent(main, pre('m'));
    appendEvent(sub, pre('s'));
    expect(readScopeState(main).pending.map((event) => event.id)).toEqual(['m']);
    expect(readScopeState(sub).pending.map((event) => event.id)).toEqual(['s']);
    expect(path.dirname(sub)).toBe(path.join(dir, 's1'));
  });
});

describe(compactScopeLog, () => {
  it('rewrites a long log as one snapshot that folds to the same state', async () => {
    const file = stateFilePath(dir, { sessionId: 's1' });
    for (let i = 0; i < 40; i++) {
      appendEvent(file, pre(`c${i}`, 'old'));
      appendEvent(file, batch([{ id: `c${i}`, outcome: 'foreground' }], 0, 'old'));
    }
    appendEvent(file, { e: 'deny', id: 'd-old', turn: 'old', hash: 'h', at: 1 });
    appendEvent(file, batch([{ id: 'x', outcome: 'foreground' }], 0, 'now'));
    appendEvent(file, { e: 'deny', id: 'd-now', turn: 'now', hash: 'h', at: 1 });
    const before = readScopeState(file);
    expect(await compactScopeLog(file, { minBytes: 1024 })).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(1);
    const after = readScopeState(file);
    expect(after.lastBatch).toEqual(before.lastBatch);
    expect(after.batches).toBe(41);
    expect(after.denies.map((deny) => deny.id)).toEqual(['d-now']);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('leaves a short log alone', async () => {
    const file = stateFilePath(dir, { sessionId: 's1' });
    appendEvent(file, pre('a'));
    expect(await compactScopeLog(file)).toBe(false);
    expect(readScopeState(file).pending).toHaveLength(1);
  });
});

describe(removeSessionState, () => {
  it('deletes the session’s directory and nothing else', async () => {
    appendEvent(stateFilePath(dir, { sessionId: 's1' }), pre('a'));
    appendEvent(stateFilePath(dir, { sessionId: 's2' }), pre('b'));
    await removeSessionState(dir, 's1');
    expect(existsSync(path.join(dir, 's1'))).toBe(false);
    expect(existsSync(path.join(dir, 's2'))).toBe(true);
  });
});

describe(pruneStaleSessions, () => {
  it('removes sessions idle longer than the cutoff and keeps recent ones', async () => {
    const now = Date.now();
    for (const [name, ageHours] of [['old', 100], ['fresh', 1]] as const) {
      const file = stateFilePath(dir, { sessionId: name });
      appendEvent(file, pre('a'));
      const when = (now - ageHours * 3_600_000) / 1000;
      await utimes(file, when, when);
      await utimes(path.dirname(file), when, when);
    }
    await mkdir(path.join(dir, 'keepme'));
    await utimes(path.join(dir, 'keepme'), 0, 0);
    await writeFile(path.join(dir, 'stray-file'), '');
    const removed = await pruneStaleSessions(dir, { olderThanMs: 72 * 3_600_000, now: () => now, keep: 'keepme' });
    expect(removed).toEqual(['old']);
    expect(existsSync(path.join(dir, 'fresh'))).toBe(true);
    expect(existsSync(path.join(dir, 'keepme'))).toBe(true);
  });

  it('treats a missing state directory as nothing to prune', async () => {
    expect(await pruneStaleSessions(path.join(dir, 'nope'), { olderThanMs: 1 })).toEqual([]);
  });
});
