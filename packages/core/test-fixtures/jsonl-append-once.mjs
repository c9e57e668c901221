// Appends one record of about <bytes> bytes and prints the outcome as JSON, for tests that run it
// under a file-size limit (`ulimit -f`) to provoke a real short write. The test bundles it with
// esbuild first; by hand, run it with `node --import tsx`.
//
//   jsonl-append-once.mjs <file> <sync|async> <bytes>
import { appendJsonl, appendJsonlSync } from '../src/jsonl-appender.ts';

const [file, mode, bytes] = process.argv.slice(2);
const record = { pad: 'y'.repeat(Number(bytes)) };
try {
  if (mode === 'sync') appendJsonlSync(file, record);
  else await appendJsonl(file, record);
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, name: error.name, code: error.code, message: error.message }));
}
