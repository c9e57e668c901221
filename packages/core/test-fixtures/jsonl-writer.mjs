// A writer process for the JSONL concurrency test. It imports the appender's TypeScript source, so
// the test bundles it with esbuild first; by hand, run it with `node --import tsx`.
//
//   jsonl-writer.mjs <file> <writer-id> <count> <sync|appender|batch>
//
// It prints "ready" once loaded and writes nothing until a line arrives on stdin, so the parent
// can release every writer at the same moment. Every 50th record is padded to 10–20 KiB, past
// the 4 KiB pipe and 8 KiB stdio buffer sizes at which interleaving usually shows.
import { appendJsonl, appendJsonlSync, createJsonlAppender } from '../src/jsonl-appender.ts';

const [file, writerArg, countArg, mode] = process.argv.slice(2);
const writer = Number(writerArg);
const count = Number(countArg);

function record(seq) {
  const base = { writer, seq, text: 'é✓ multi-byte' };
  if (seq % 50 !== 49) return base;
  return { ...base, pad: 'x'.repeat(10_240 + ((writer * 7_919 + seq * 104_729) % 10_240)) };
}

await new Promise((resolve) => {
  process.stdin.once('data', resolve);
  process.stdout.write('ready\n');
});
process.stdin.destroy();

if (mode === 'sync') {
  for (let seq = 0; seq < count; seq += 1) appendJsonlSync(file, record(seq));
} else if (mode === 'appender') {
  const appender = createJsonlAppender(file);
  for (let seq = 0; seq < count; seq += 1) appender.append(record(seq));
  appender.close();
} else if (mode === 'batch') {
  // Batches of 1 to 7 records, each batch one write.
  let seq = 0;
  for (let size = 1; seq < count; size = (size % 7) + 1) {
    const batch = [];
    for (const end = Math.min(seq + size, count); seq < end; seq += 1) batch.push(record(seq));
    await appendJsonl(file, batch);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
