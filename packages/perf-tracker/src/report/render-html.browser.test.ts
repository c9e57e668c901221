import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerfRecord } from '@whitebox/core';
import { buildPerfReport } from './build-perf-report.js';
import { renderHtml } from './render-html.js';

const CHROMIUM = '/usr/bin/chromium';
// In CI (.ci/run installs Debian's chromium) a missing browser is a failure. On a developer's
// machine without it, the README's test command still passes and says loudly what it skipped.
const skip =
  process.env['WHITEBOX_SKIP_BROWSER'] === '1' || (!existsSync(CHROMIUM) && process.env['CI'] !== 'true' && process.env['CI'] !== '1');
if (skip && process.env['WHITEBOX_SKIP_BROWSER'] !== '1') {
  process.stderr.write(`perf-tracker: skipping the HTML report browser test: ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
}
const UNTIL = Date.parse('2026-11-27T12:00:00.000Z');

let dir: string;
let htmlFile: string;

beforeAll(async () => {
  if (skip) return;
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or set WHITEBOX_SKIP_BROWSER=1 to skip the browser test`);
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-html-'));
  const log = path.join(dir, 'log.jsonl');
  const lines: PerfRecord[] = [];
  for (let i = 0; i < 48; i++) {
    const at = UNTIL - 3 * 86_400_000 + i * 3_600_000;
    const common = { v: 1, session_id: 's', runner: 'single', outcome: 'ok', kind: 'hook', tool_use_id: `t${i}` } as const;
    lines.push({ ...common, ts: new Date(at).toISOString(), event: 'PreToolUse', hook: 'lint-hook', duration_ms: 80 + (i % 7) * 30 });
    lines.push({ ...common, ts: new Date(at).toISOString(), event: 'PreToolUse', hook: 'format-hook', duration_ms: 12 + (i % 3) });
  }
  await writeFile(log, lines.map((l) => JSON.stringify(l)).join('\n'));
  const report = await buildPerfReport({ file: log, until: UNTIL, periodMs: 7 * 86_400_000 });
  htmlFile = path.join(dir, 'report.html');
  await writeFile(htmlFile, await renderHtml(report));
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('the HTML report in headless Chromium', () => {
  it('renders both charts with data and shows the hook names in its table', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Offline on purpose: the file must not need the network.
      await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      await page.goto(pathToFileURL(htmlFile).href);
      const charts = await page.evaluate(() => {
        const list = (window as unknown as { __perfCharts?: { config: { type: string }; data: { datasets: { label: string; data: unknown[] }[] } }[] }).__perfCharts ?? [];
        return list.map((chart) => ({ type: chart.config.type, labels: chart.data.datasets.map((d) => d.label), points: chart.data.datasets[0]?.data.length ?? 0 }));
      });
      expect(errors).toEqual([]);
      expect(charts).toEqual([
        { type: 'bar', labels: ['lint-hook (PreToolUse)', 'format-hook (PreToolUse)'], points: 16 },
        { type: 'line', labels: ['lint-hook (PreToolUse)', 'format-hook (PreToolUse)'], points: 48 },
      ]);
      for (const id of ['distribution', 'over-time']) {
        const painted = await page.evaluate((canvasId) => {
          const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          let opaque = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque += 1;
          return { width: canvas.width, opaque };
        }, id);
        expect(painted.width).toBeGreaterThan(0);
        expect(painted.opaque).toBeGreaterThan(1000);
      }
      const hooks = await page.locator('#hooks tbody tr td:nth-child(2)').allTextContents();
      expect(hooks).toEqual(['lint-hook', 'format-hook']);
    } finally {
      await browser.close();
    }
  });
});
