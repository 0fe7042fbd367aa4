// Preloaded with `node --import` into a measured child where GNU time is missing: on exit,
// writes the process's user and system CPU (µs) and peak RSS (kB) as JSON to BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ user: u.userCPUTime, sys: u.systemCPUTime, maxRss: u.maxRSS }),
    );
  });
}
