// The bench's one table: printed to stdout and written, with the machine, to bench/results.md.
import os from 'node:os';

const COLUMNS = [
  'Figure (whole process)',
  'N',
  'Wall',
  'CPU',
  'Peak RSS',
  'Floor',
  '× floor',
  'Target',
  'Met',
  'Naive client (× floor, N)',
];

/** Formats milliseconds as seconds with two decimals ("1.23 s"), or ms under one second. */
export function formatMs(ms) {
  if (ms === undefined || ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `measured / floor` as "1.23×". */
export function formatRatio(value, floor) {
  return floor ? `${(value / floor).toFixed(2)}×` : '—';
}

export const formatMb = (mb) => (mb === undefined ? '—' : `${mb.toFixed(0)} MB`);

/** "yes" when every check passed, "NO (what)" naming the failed ones, "—" without a target. */
function metCell(checks) {
  if (checks.length === 0) return '—';
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return 'yes';
  return checks.length === 1 ? 'NO' : `NO (${failed.map((c) => c.name).join(', ')})`;
}

function cellsOf(r) {
  if (r.error) return [r.figure, '—', 'failed', '—', '—', '—', '—', r.target ?? '—', 'NO', '—'];
  return [
    r.figure,
    String(r.runs),
    formatMs(r.wallMs),
    formatMs(r.cpuMs),
    formatMb(r.rssMb),
    r.floorText,
    formatRatio(r.wallMs, r.floorMs),
    r.checks.length === 0 ? '—' : r.checks.map((c) => c.text).join(', '),
    metCell(r.checks),
    r.naive
      ? `${formatMs(r.naive.wallMs)} (${formatRatio(r.naive.wallMs, r.floorMs)}, ${r.naive.runs})`
      : (r.naiveNote ?? '—'),
  ];
}

/** The rows as a Markdown table whose columns line up in a terminal too. */
export function renderTable(rows) {
  const cells = rows.map(cellsOf);
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

/** The line of bench/results.md after which its copy of bench/notes.md begins. */
export const NOTES_MARKER =
  '<!-- bench/notes.md follows: npm run bench -- --renotes refreshes it -->';

/** bench/results.md: machine and run, the table, the run's details, then the hand-written analysis. */
export function renderResults({ machine, about, table, details, notes }) {
  return [
    '# cometkeys benchmark results',
    '',
    'Written by `npm run bench` (bench/run.mjs); the analysis at the end is bench/notes.md.',
    '',
    `- Date: ${machine.date}`,
    `- CPU: ${machine.cpu} (${machine.cores} cores), ${machine.memoryGb} GB RAM`,
    `- Node: ${machine.node} on ${machine.os}`,
    ...about.map((a) => `- ${a}`),
    '',
    table,
    '',
    '## Details of this run',
    '',
    ...details.map((d) => `- ${d}`),
    '',
    NOTES_MARKER,
    '',
    notes.trim(),
    '',
  ].join('\n');
}
