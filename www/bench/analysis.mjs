// The analysis of about 100,000 usage rows (headline, requests per day
// stacked by the top 10 clients and "Other", top 10 clients, endpoints,
// methods and users with their 429 shares) in wasm (src/analysis, the code
// the app runs) vs the same computation in plain JavaScript
// (analysis-js.mjs), in the same page, alternating, median of RUNS each.
// Both sides work on rows already in memory; handing the rows over is
// reported apart. The two summaries must be equal.
import assert from "node:assert/strict";
import { launch, median } from "../chromium.mjs";
import { record } from "./summary.mjs";

const { ANALYSIS_URL, SIM_URL } = process.env;
const RUNS = Number(process.env.RUNS ?? 15);
const N = 10;
// Four years, one row per day per client, endpoint, method and user.
const QUERY = {
  interval: "2022-01-01/2025-12-31",
  granularity: "Day",
  groupBy: ["OAuthClientId", "TemplateUri", "HttpMethod", "UserId"],
};

const browser = await launch();
const page = await browser.newPage();
await page.goto(`${ANALYSIS_URL}analysis.html?sim=${encodeURIComponent(SIM_URL)}&query=${encodeURIComponent(JSON.stringify(QUERY))}`);
await page.waitForSelector("body[data-ready=true]", { state: "attached" });
const prep = await page.evaluate(() => window.prepare());
assert.equal(prep.rows, prep.jsRows);
const wasm = [], js = [];
let summaries;
for (let i = 0; i < RUNS + 2; i++) {
  const a = await page.evaluate((n) => window.runWasm(n), N);
  const b = await page.evaluate((n) => window.runJs(n), N);
  assert.deepEqual(a.summary, b.summary, "wasm and JavaScript find the same answer");
  summaries = a.summary;
  if (i < 2) continue; // warm-up (JIT, allocator)
  wasm.push(a.ms);
  js.push(b.ms);
}
await browser.close();
const [w, j] = [median(wasm), median(js)];
const grand = summaries.groups.reduce((s, g) => s + g[1], 0);
assert.equal(grand, summaries.requests, "the stacked series add up to the requests");
const fmt = (n) => n.toLocaleString("en-US");
console.log(`## Analysis of ${fmt(prep.rows)} rows: wasm vs plain JavaScript (same page, median of ${RUNS})`);
console.log(`Rows: a legacy organization query, ${QUERY.interval} by day, grouped by client, endpoint, method and user`);
console.log(`(${fmt(prep.bytes)} bytes of JSON); both sides compute on rows already in memory.`);
console.log(`Same answer on both sides: ${fmt(summaries.requests)} requests, ${fmt(summaries.status429)} 429s, ` +
  `${summaries.days} days, ${summaries.groups.length} stacked groups, top ${N} of 4 dimensions.`);
console.log("| measure | ms |");
console.log("|---|---|");
console.log(`| wasm (src/analysis) | ${w.toFixed(1)} |`);
console.log(`| plain JavaScript (Map-based) | ${j.toFixed(1)} |`);
console.log(`| ratio wasm / JavaScript | ${(w / j).toFixed(2)}× (target ≤ 0.50×) |`);
console.log(`| handing the rows over, once: JSON text to records in wasm | ${prep.wasmLoad.toFixed(0)} |`);
console.log(`| handing the rows over, once: JSON.parse + records in JavaScript | ${prep.jsLoad.toFixed(0)} |`);
console.log();
record("7", `analysis of ${fmt(prep.rows)} rows in memory: wasm vs plain JS`, `${w.toFixed(1)} ms`, `${j.toFixed(1)} ms`, w / j, "≤ 0.50×", w / j <= 0.5);
const [wl, jl] = [prep.wasmLoad + w, prep.jsLoad + j];
record("7", "… the same with the JSON text handed over first", `${wl.toFixed(0)} ms`, `${jl.toFixed(0)} ms`, wl / jl, "", null);
