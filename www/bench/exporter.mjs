// `usage-lens serve` as Prometheus meets it, against the simulator server:
// scrape latency from the cache (p50/p99 over 1,000 scrapes), vendor
// requests per hour at a 15 s scrape interval against the refresh schedule
// (the package's RefreshSchedule on a virtual clock, times what one refresh
// costs the simulator), and the exporter's memory over 10,000 scrapes.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { initSync, RefreshSchedule } from "usage-lens";
import { record } from "./summary.mjs";

const SIM = process.env.SIM_URL;
if (!SIM) throw new Error("SIM_URL must point at the simulator server");
initSync({ module: await readFile(new URL(import.meta.resolve("usage-lens/usage_lens_bg.wasm"))) });
const BIN = fileURLToPath(new URL("../node_modules/.bin/usage-lens", import.meta.url));
const REFRESH_MS = 15 * 60_000;
const SCRAPE_MS = 15_000;
const base = `${SIM}/_s/id=bench-exporter;exec=50`;

const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0"], {
  env: { ...process.env, USAGE_LENS_GENESYS_TOKEN: "bench-token", USAGE_LENS_GENESYS_BASE_URL: base, USAGE_LENS_TE_TOKEN: "bench-token", USAGE_LENS_TE_BASE_URL: base },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((resolve, reject) => {
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on("exit", (code) => reject(new Error(`usage-lens serve exited ${code}`)));
});
const scrape = async () => {
  const r = await fetch(`${url}/metrics`);
  const text = await r.text();
  if (r.status !== 200 || !/usage_lens_up\{vendor="genesys"\} 1/.test(text)) throw new Error(`a bad scrape: ${r.status}\n${text.slice(0, 500)}`);
  return text.length;
};
const rss = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, "utf8"))[1]) * 1024;
const stats = async () => JSON.parse(await (await fetch(`${SIM}/_sim/stats?id=bench-exporter`)).text());

try {
  const bytes = await scrape(); // waits for the first refresh
  const perRefresh = (await stats()).requests;

  // 1. Scrape latency from the cache.
  for (let i = 0; i < 100; i++) await scrape();
  const times = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await scrape();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = times[499];
  const p99 = times[989];

  // 2. Vendor requests per hour: an hour on a virtual clock, a scrape every
  //    15 s, each refresh taking 5 s; the schedule decides, a scrape only reads.
  const s = new RefreshSchedule(REFRESH_MS, true, true, 0);
  let refreshes = 0;
  let scrapes = 0;
  let finishAt = null;
  for (let now = 0; now < 3_600_000; now += 1000) {
    if (finishAt !== null && now >= finishAt) {
      s.finish(now);
      finishAt = null;
    }
    if (now % SCRAPE_MS === 0) {
      s.scrapeWaitMs(now);
      scrapes++;
    }
    if (finishAt === null && s.dueInMs(now) === 0 && s.start(now)) {
      refreshes++;
      finishAt = now + 5000;
    }
  }
  const perHour = refreshes * perRefresh;
  const schedule = (3_600_000 / REFRESH_MS) * perRefresh;

  // 3. Memory over 10,000 scrapes, after the 1,100 above.
  global.gc?.();
  const before = await rss();
  for (let i = 0; i < 10_000; i++) await scrape();
  const after = await rss();
  const growth = (after - before) / 1048576;
  const requestsAfter = (await stats()).requests;

  console.log(`## usage-lens serve (one organization, both vendors; ${bytes} bytes per scrape)`);
  console.log("| measure | figure | target |");
  console.log("|---|---|---|");
  console.log(`| scrape latency from the cache, p50 / p99 of 1,000 | ${p50.toFixed(2)} ms / ${p99.toFixed(2)} ms | p99 ≤ 20 ms |`);
  console.log(`| vendor requests per hour at a ${SCRAPE_MS / 1000} s scrape interval (${scrapes} scrapes, ${refreshes} refreshes of ${perRefresh} requests) | ${perHour} | the schedule: ${schedule} |`);
  console.log(`| vendor requests during the 11,100 real scrapes | ${requestsAfter - perRefresh} | 0 |`);
  console.log(`| exporter memory (RSS) over 10,000 scrapes | ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB (${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB) | < 10 MB growth |`);
  console.log();
  record("12", "exporter: scrape latency from the cache, p99 of 1,000 scrapes (p50 beside)", `${p99.toFixed(2)} ms (p50 ${p50.toFixed(2)} ms)`, "20 ms", p99 / 20, "≤ 1.00×", p99 <= 20);
  record("12", `exporter: vendor requests per hour at a ${SCRAPE_MS / 1000} s scrape interval vs the 15 min refresh schedule`, `${perHour}`, `${schedule}`, perHour / schedule, "= 1.00×", perHour === schedule && requestsAfter === perRefresh);
  record("12", "exporter: memory growth over 10,000 scrapes vs 10 MB", `${growth.toFixed(1)} MB`, "10 MB", growth / 10, "< 1.00×", growth < 10);
} finally {
  child.kill("SIGTERM");
}
