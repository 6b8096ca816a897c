// Preloaded into a mesh command the scale bench runs (node --import): when the process exits, writes its peak resident
// set size (KB) and the CPU time it used (ms, user + system) to $MESH_BENCH_RSS_FILE as JSON. Nothing else.
import { writeFileSync } from 'node:fs';

const file = process.env.MESH_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
