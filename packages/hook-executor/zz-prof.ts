import { request } from 'node:http';
import { startHookServer } from './src/hook-server.js';
const dir = '/tmp/hx/sv';
const server = await startHookServer({ configPath: dir + '/.claude/hook-executor.json', projectDir: dir, token: 'tok-0123456789abcdef', port: 0 });
const body = JSON.stringify({ session_id: 's', transcript_path: '/t', cwd: dir, hook_event_name: 'PostToolBatch', tool_calls: [] });
const post = () => new Promise<void>((resolve, reject) => { const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/hooks/PostToolBatch', agent: false, headers: { authorization: 'Bearer tok-0123456789abcdef', 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => resolve()); }); req.on('error', reject); req.end(body); });
for (let i = 0; i < 100; i++) await post();
const ms: number[] = [];
for (let i = 0; i < 400; i++) { const t = performance.now(); await post(); ms.push(performance.now() - t); }
ms.sort((a, b) => a - b);
console.log('p50', ms[200].toFixed(2), 'p99', ms[396].toFixed(2));
await server.close({ graceMs: 0 });
