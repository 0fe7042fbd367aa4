// The bench's one table: printed to stdout and written, with the machine, to bench/results.md.
import os from 'node:os';

const COLUMNS = ['Figure', 'Measured', 'Floor', 'Ratio', 'Target', 'Met', 'Naive client'];

/** Formats milliseconds as seconds with two decimals ("1.23 s"), or ms under one second. */
export function formatMs(ms) {
  if (ms === undefined || ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `measured / floor` as "1.23×". */
export function formatRatio(value, floor) {
  return floor ? `${(value / floor).toFixed(2)}×` : '—';
}

/** The rows as a Markdown table whose columns line up in a terminal too. */
export function renderTable(rows) {
  const cells = rows.map((r) => [
    r.figure,
    r.measured,
    r.floor ?? '—',
    r.ratio ?? '—',
    r.target,
    r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
    r.naive ?? '—',
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The machine the figures come from. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    date: new Date().toISOString(),
  };
}

/** bench/results.md: machine, table, the run's details, then the hand-written analysis. */
export function renderResults({ machine, table, details, notes, durationMs }) {
  return [
    '# cometkeys benchmark results',
    '',
    'Written by `npm run bench` (bench/run.mjs); the analysis at the end is bench/notes.md.',
    '',
    `- Date: ${machine.date}`,
    `- CPU: ${machine.cpu} (${machine.cores} cores), ${machine.memoryGb} GB RAM`,
    `- Node: ${machine.node} on ${machine.os}`,
    `- Emulator latency 50 ms per request, in its own process; parallelism 10; bench took ${formatMs(durationMs)}`,
    '',
    table,
    '',
    '## Details of this run',
    '',
    ...details.map((d) => `- ${d}`),
    '',
    notes.trim(),
    '',
  ].join('\n');
}
