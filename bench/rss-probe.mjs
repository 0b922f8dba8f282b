// Preloaded into the benchmarked eligo process (node --import): on exit, writes the
// process's peak resident set size (kB) and CPU seconds as JSON to $ELIGO_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const file = process.env.ELIGO_BENCH_RSS_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
});
