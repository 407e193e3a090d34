// A year of Genesys usage in one aggregates query, against the simulator
// server with every job taking EXEC_MS to finish: the jobs run at once
// (the default) and one after another (partsAtOnce: 1), same query, same
// answer, timed end to end from Node through the packed package.
import { readFile } from "node:fs/promises";
import { initSync, GenesysClient } from "usage-lens";
import { record } from "./summary.mjs";

const SIM = process.env.SIM_URL;
if (!SIM) throw new Error("SIM_URL must point at the simulator server");
initSync({ module: await readFile(new URL(import.meta.resolve("usage-lens/usage_lens_bg.wasm"))) });

const EXEC_MS = 4000;
const RUNS = 3;
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
// The last 364 full days: the furthest a jobs query may reach back, by whole days.
const interval = `${day(Date.now() - 364 * 86400000)}T00:00:00Z/${day(Date.now() - 86400000)}T23:59:59Z`;
let n = 0;

async function once(partsAtOnce) {
  const gc = new GenesysClient({
    baseUrl: `${SIM}/_s/id=bench-year-${++n};exec=${EXEC_MS}`,
    accessToken: "bench-token",
  });
  let last;
  const t0 = performance.now();
  const r = await gc.aggregatesQuery(
    { interval, granularity: "Day", groupBy: ["OauthClientId"] },
    { partsAtOnce, onProgress: (p) => (last = p) },
  );
  return { ms: performance.now() - t0, requests: last.requests, rows: r.entities.length, parts: r.parts.total };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const serial = [];
const together = [];
for (let i = 0; i < RUNS; i++) {
  together.push(await once(6));
  serial.push(await once(1));
}
const rowsOf = new Set([...serial, ...together].map((r) => r.rows));
if (rowsOf.size !== 1) throw new Error(`the two ways gave different answers: ${[...rowsOf]}`);
const s = { ms: median(serial.map((r) => r.ms)), requests: median(serial.map((r) => r.requests)) };
const c = { ms: median(together.map((r) => r.ms)), requests: median(together.map((r) => r.requests)) };
const parts = together[0].parts;

console.log(`## A year of jobs (${interval}, by day, ${parts} jobs of ≤ 90 days, each job ${EXEC_MS / 1000} s; median of ${RUNS})`);
console.log("| how | wall time | requests | rows |");
console.log("|---|---|---|---|");
console.log(`| jobs at once (partsAtOnce 6) | ${Math.round(c.ms)} ms | ${c.requests} | ${together[0].rows} |`);
console.log(`| one after another (partsAtOnce 1) | ${Math.round(s.ms)} ms | ${s.requests} | ${serial[0].rows} |`);
const ratio = c.ms / s.ms;
console.log(`| ratio | ${ratio.toFixed(2)}× (target ≤ 0.40×) | ${(c.requests / s.requests).toFixed(2)}× | |`);
console.log();
record("10", `a year of jobs (${parts} parts, ${EXEC_MS / 1000} s each): wall time at once vs one after another`,
  `${Math.round(c.ms)} ms`, `${Math.round(s.ms)} ms`, ratio, "≤ 0.40×", ratio <= 0.4);
record("10", "… requests at once vs one after another", `${c.requests}`, `${s.requests}`,
  c.requests / s.requests, "", null);
