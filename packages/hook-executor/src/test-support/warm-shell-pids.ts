import { readdir, readFile } from 'node:fs/promises';

/** Idle warm shells this process started: children blocked in their `read` (Linux, via /proc). */
export async function warmShellPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [stat, cmdline] = await Promise.all([readFile(`/proc/${entry}/stat`, 'utf8'), readFile(`/proc/${entry}/cmdline`, 'utf8')]);
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // A zombie has an empty cmdline: it exited and only awaits its parent.
      if (ppid === process.pid && cmdline.includes('IFS= read -r line')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
