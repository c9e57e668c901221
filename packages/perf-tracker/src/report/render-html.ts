import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WhiteboxError } from '@whitebox/core';
import { formatMs } from './format-duration.js';
import type { PerfReport } from './perf-report.js';
import {
  EVENT_COLUMNS,
  HOOK_COLUMNS,
  TOOL_COLUMNS,
  describeInput,
  describePeriod,
  emptyHint,
  eventCells,
  hookCells,
  toolCells,
} from './report-text.js';

/** Options for {@link renderHtml}. */
export interface RenderHtmlOptions {
  /** The chart.js UMD build to inline; read from the installed chart.js when omitted. */
  readonly chartJs?: string;
}

/**
 * The report as one self-contained HTML file: chart.js is inlined, so it opens offline and can be
 * mailed or archived. Two charts (latency distribution per hook, p95 over time) and the tables.
 */
export async function renderHtml(report: PerfReport, options: RenderHtmlOptions = {}): Promise<string> {
  const chartJs = options.chartJs ?? (await loadChartJs());
  const table = (id: string, head: readonly string[], rows: readonly string[][]) =>
    `<table id="${id}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((cells) => `<tr>${cells.map((c, i) => `<td${i < 2 ? '' : ' class="n"'}>${escapeHtml(c).replaceAll('\n', '<br>')}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const empty = report.hooks.length === 0 && report.tools.length === 0;
  const body = empty
    ? `<p class="empty">${escapeHtml(emptyHint(report))}</p>`
    : [
        report.charts.distribution.length > 0
          ? `<section><h2>Latency distribution per hook</h2><div class="chart"><canvas id="distribution"></canvas></div></section>` +
            `<section><h2>Latency over time (p95 per ${report.charts.intervalMs >= 604_800_000 ? 'week' : report.charts.intervalMs >= 86_400_000 ? 'day' : 'hour'})</h2><div class="chart"><canvas id="over-time"></canvas></div></section>`
          : '',
        report.hooks.length > 0
          ? `<section><h2>Hooks, slowest first (budget ${report.budgetMs} ms at p95)</h2>${table('hooks', HOOK_COLUMNS, report.hooks.map(hookCells))}</section>`
          : '',
        report.tools.length > 0 ? `<section><h2>Tools</h2>${table('tools', TOOL_COLUMNS, report.tools.map(toolCells))}</section>` : '',
        report.events.length > 0
          ? `<section><h2>Per event: wall time and critical path</h2>${table('events', EVENT_COLUMNS, report.events.map((e) => eventCells(e, '\n')))}</section>`
          : '',
        `<section><h2>Suggestions</h2>${
          report.suggestions.length === 0
            ? '<p>None: every hook is within budget.</p>'
            : `<ol id="suggestions">${report.suggestions
                .map((s) => `<li class="${s.severity}"><strong>${s.severity}</strong> ${escapeHtml(s.message)}<br><small>Evidence: ${escapeHtml(s.evidence)}</small></li>`)
                .join('')}</ol>`
        }</section>`,
      ].join('\n');
  const bucketLabels = report.charts.bucketBoundsMs
    .map((bound) => `≤ ${formatMs(bound)}`)
    .concat(`> ${formatMs(report.charts.bucketBoundsMs.at(-1) ?? 0)}`);
  const data = { ...report.charts, bucketLabels };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hook performance</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:.2rem}.meta{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f8fa}
.chart{position:relative;height:320px}li{margin-bottom:.5rem}li.high strong{color:#cf222e}li.medium strong{color:#9a6700}li.low strong{color:#57606a}
small{color:#57606a}
</style>
</head>
<body>
<h1>Hook performance</h1>
<p class="meta">${escapeHtml(describePeriod(report))}. ${escapeHtml(describeInput(report))}</p>
${body}
<script type="application/json" id="perf-data">${scriptJson(data)}</script>
<script>${chartJs.replace(/<\/(script)/gi, '<\\/$1')}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('perf-data').textContent);
  var palette = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a3069', '#57606a'];
  var charts = [];
  var distribution = document.getElementById('distribution');
  if (distribution && data.distribution.length) {
    charts.push(new Chart(distribution, {
      type: 'bar',
      data: { labels: data.bucketLabels, datasets: data.distribution.map(function (d, i) {
        return { label: d.label, data: d.counts, backgroundColor: palette[i % palette.length] };
      }) },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { title: { display: true, text: 'latency' } }, y: { title: { display: true, text: 'runs' } } } }
    }));
  }
  var overTime = document.getElementById('over-time');
  if (overTime && data.overTime.length) {
    charts.push(new Chart(overTime, {
      type: 'line',
      data: { labels: data.times.map(function (t) { return t.slice(0, 16).replace('T', ' '); }), datasets: data.overTime.map(function (d, i) {
        return { label: d.label, data: d.p95, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true, pointRadius: 2 };
      }) },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { title: { display: true, text: 'p95 ms' }, beginAtZero: true } } }
    }));
  }
  window.__perfCharts = charts;
})();
</script>
</body>
</html>
`;
}

/** chart.js's UMD build, read from the installed package (beside the bundle at runtime). */
export async function loadChartJs(): Promise<string> {
  const resolver = createRequire(import.meta.url);
  let file: string;
  try {
    file = path.join(path.dirname(resolver.resolve('chart.js')), 'chart.umd.js');
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new WhiteboxError('IO', `Cannot read chart.js for the HTML report: ${(error as Error).message}; is the chart.js dependency installed?`, {
      cause: error,
    });
  }
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** JSON that cannot end its `<script>` element early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}
