import { readdirSync, statSync } from 'node:fs';

/**
 * The other processes that hold the file `dev`/`ino` open, found by scanning `/proc/<pid>/fd`
 * (Linux). Processes of other users are invisible, which is fine for a user's own log.
 *
 * @param procDir - The proc filesystem. @default '/proc'
 * @returns Their pids, or `undefined` when there is no `/proc` to ask.
 */
export function findFileHolders(dev: number, ino: number, procDir = '/proc'): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return undefined;
  }
  const holders: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${procDir}/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = statSync(`${procDir}/${name}/fd/${fd}`);
        if (target.ino === ino && target.dev === dev) {
          holders.push(Number(name));
          break;
        }
      } catch {
        // The fd closed while we looked: one holder fewer.
      }
    }
  }
  return holders;
}
