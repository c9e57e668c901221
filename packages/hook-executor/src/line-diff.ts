/**
 * A unified diff of two texts by lines (longest common subsequence), for `--dry-run`. Meant for
 * settings-sized files: time and memory grow with the product of the line counts.
 */
export function unifiedDiff(before: string, after: string, labels: { readonly from: string; readonly to: string }, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (lcs[i] as Uint32Array)[j] = a[i] === b[j] ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1 : Math.max((lcs[i + 1] as Uint32Array)[j] as number, (lcs[i] as Uint32Array)[j + 1] as number);
    }
  }
  const ops: { kind: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string, ai: i++, bi: j++ });
    } else if (i < a.length && (j === b.length || ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))) {
      ops.push({ kind: '-', line: a[i] as string, ai: i++, bi: j });
    } else {
      ops.push({ kind: '+', line: b[j] as string, ai: i, bi: j++ });
    }
  }
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  let h = 0;
  while (h < changed.length) {
    // Changes closer than 2 × context lines share one hunk.
    let last = h;
    while (last + 1 < changed.length && (changed[last + 1] as number) - (changed[last] as number) <= context * 2 + 1) last++;
    const start = Math.max(0, (changed[h] as number) - context);
    const end = Math.min(ops.length, (changed[last] as number) + context + 1);
    const hunk = ops.slice(start, end);
    const first = hunk[0] as (typeof ops)[number];
    const fromCount = hunk.filter((op) => op.kind !== '+').length;
    const toCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${first.ai + (fromCount > 0 ? 1 : 0)},${fromCount} +${first.bi + (toCount > 0 ? 1 : 0)},${toCount} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    h = last + 1;
  }
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
