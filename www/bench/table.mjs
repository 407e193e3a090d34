// The answer with about 100,000 rows in the app (release build, loopback,
// Demo): four years of daily organization usage grouped by client,
// endpoint, method and user. Times the first run, drawing the answer again
// from the session cache, and re-sorting the table by a number and by a
// text column; then runs the same query RUNS times more (Refresh, so each
// run fetches again) and compares the JS heap, the wasm memory and the
// DOM after a forced garbage collection with those after the first and the
// second run. The wasm memory is the allocator's high-water mark (it never
// shrinks), so it shows growth but not what is in use.
import assert from "node:assert/strict";
import { launch, median } from "../chromium.mjs";
import { record } from "./summary.mjs";

const APP = process.env.APP_URL;
const RUNS = Number(process.env.RUNS ?? 50);
const QUERY = "q=org&range=custom&from=2022-01-01&to=2025-12-31&gran=Day&group=OAuthClientId,TemplateUri,HttpMethod,UserId";
const TIMEOUT = Number(process.env.TIMEOUT ?? 120_000);

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// Trunk's loader announces the wasm instance; its memory is the app's heap.
await page.addInitScript(() => {
  addEventListener("TrunkApplicationStarted", (e) => {
    window.__wasmMemory = e.detail.wasm.memory;
  });
});
const cdp = await context.newCDPSession(page);
await page.goto(`${APP}?${QUERY}`);
await page.click("[data-testid=connect-demo]");
await page.waitForSelector("[data-testid=connection]:has-text('Demo')");

// The conditions a timed click waits for, defined in the page (its
// Content-Security-Policy allows no eval, so they cannot be sent as text).
await page.evaluate(() => {
  window.__benchDone = {
    // The run is over and its answer is on screen (the app draws it in
    // microtasks right after the run ends, so by the next task it is done).
    fetched: () => {
      const cancel = document.querySelector("[data-testid=cancel]");
      return !!(cancel?.disabled && !document.querySelector("[data-testid=cached]") &&
        document.querySelector("[data-testid=table] .tbody [role=cell]"));
    },
    // The answer is on screen again, from the session cache.
    cached: () => !!(document.querySelector("[data-testid=cached]") &&
      document.querySelector("[data-testid=table] .tbody [role=cell]")),
    // The sort order shown in the column's header changed, and the rows with it.
    sorted: ({ col, before, firstBefore }) => {
      const h = document.querySelector(`[data-testid=sort-${col}]`).parentElement;
      const first = document.querySelector("[data-testid=table] .tbody [role=row]")?.textContent;
      return h.getAttribute("aria-sort") !== before && first !== firstBefore;
    },
  };
});

/**
 * Clicks `selector` and waits (polling on tasks, so the app's own tasks run
 * first) until the condition `done` holds in the page, then forces style and
 * layout; the milliseconds from the click to then.
 */
async function timedClick(selector, done, arg) {
  return page.evaluate(
    async ({ selector, done, arg, timeout }) => {
      const check = window.__benchDone[done];
      const tick = () => new Promise((r) => setTimeout(r, 0));
      const t0 = performance.now();
      document.querySelector(selector).click();
      await tick();
      while (!check(arg)) {
        if (performance.now() - t0 > timeout) throw new Error(`timed out waiting after clicking ${selector}: ${document.querySelector("main")?.innerText.slice(0, 400)}`);
        await tick();
      }
      void document.body.offsetHeight;
      return performance.now() - t0;
    },
    { selector, done, arg, timeout: TIMEOUT },
  );
}

async function sortBy(col) {
  const state = await page.evaluate((col) => ({
    col,
    before: document.querySelector(`[data-testid=sort-${col}]`).parentElement.getAttribute("aria-sort"),
    firstBefore: document.querySelector("[data-testid=table] .tbody [role=row]")?.textContent,
  }), col);
  return timedClick(`[data-testid=sort-${col}]`, "sorted", state);
}

async function memory() {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const wasm = await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? NaN);
  const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  return { js: usedSize, wasm, nodes };
}

async function rowCount() {
  const text = await page.textContent("[data-testid=row-count]");
  return Number(text.replace(/\D/g, ""));
}

// The first run.
const first = await timedClick("[data-testid=run]", "fetched");
const rows = await rowCount();
assert.ok(rows >= 90_000, `the query answers with about 100,000 rows (${rows})`);
const columns = await page.$$eval("[data-testid=table] [role=columnheader]", (hs) => hs.map((h) => h.textContent.replace(/[↑↓]/g, "").trim()));
const numCol = columns.indexOf("Requests");
const textCol = columns.indexOf("Endpoint");
assert.ok(numCol >= 0 && textCol >= 0, `columns: ${columns}`);

// Drawn again from the session cache (Run with an unchanged query): charts and table, no fetching.
const cached = [];
for (let i = 0; i < 5; i++) cached.push(await timedClick("[data-testid=run]", "cached"));
// Re-sorting: each click flips or moves the order.
const sortNum = [], sortText = [];
for (let i = 0; i < 5; i++) {
  sortNum.push(await sortBy(numCol));
  sortText.push(await sortBy(textCol));
}
const after1 = await memory();

// The same query, fetched again RUNS times.
const runs = [];
let after2;
for (let i = 0; i < RUNS; i++) {
  runs.push(await timedClick("[data-testid=refresh]", "fetched"));
  assert.equal(await rowCount(), rows);
  if (i === 0) after2 = await memory();
}
const progress = (await page.innerText("[data-testid=progress]")).trim().replace(/\s*\n\s*/g, " · ");
const afterN = await memory();
await browser.close();
assert.deepEqual(errors, [], "no uncaught errors in the page");

const mb = (b) => (b / 1048576).toFixed(1);
const growth = (a, b) => `${b - a >= 0 ? "+" : ""}${mb(b - a)} MB (${b - a >= 0 ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)}%)`;
const fmt = (n) => n.toLocaleString("en-US");
console.log(`## Table and charts with ${fmt(rows)} rows in the app (release build, Demo, loopback)`);
console.log(`Query: organization usage 2022-01-01..2025-12-31 by day, grouped by client, endpoint, method and user`);
console.log(`(the Demo simulator in the page builds the response; the last run's progress read "${progress}").`);
console.log("| measure | ms |");
console.log("|---|---|");
console.log(`| first run, click to table (simulated, fetched, decoded, drawn) | ${first.toFixed(0)} |`);
console.log(`| run again (Refresh: simulated, fetched, decoded, drawn), median of ${RUNS} | ${median(runs).toFixed(0)} |`);
console.log(`| answer drawn again from the session cache (charts + table), median of 5 | ${median(cached).toFixed(0)} |`);
console.log(`| re-sort by ${columns[numCol]} (number), median of 5 | ${median(sortNum).toFixed(0)} |`);
console.log(`| re-sort by ${columns[textCol]} (text), median of 5 | ${median(sortText).toFixed(0)} |`);
console.log();
console.log(`| after a forced GC | after the first run | after the second | after ${RUNS} more | growth from the first | growth from the second |`);
console.log("|---|---|---|---|---|---|");
const line = (label, k, unit = (v) => `${mb(v)} MB`, diff = growth) =>
  console.log(`| ${label} | ${unit(after1[k])} | ${unit(after2[k])} | ${unit(afterN[k])} | ${diff(after1[k], afterN[k])} | ${diff(after2[k], afterN[k])} |`);
line("JS heap used (CDP Runtime.getHeapUsage)", "js");
line("wasm memory (WebAssembly.Memory byteLength; it never shrinks)", "wasm");
line("DOM elements", "nodes", fmt, (a, b) => `${b - a >= 0 ? "+" : ""}${b - a}`);
console.log("(target: no growth beyond noise)");
console.log();
record("8", `${fmt(rows)} rows: answer drawn from the session cache vs first run`, `${median(cached).toFixed(0)} ms`, `${first.toFixed(0)} ms`, median(cached) / first, "", null);
record("8", "re-sort by a text column vs drawing the answer", `${median(sortText).toFixed(0)} ms`, `${median(cached).toFixed(0)} ms`, median(sortText) / median(cached), "", null);
// Noise: a few percent of the heap, or a fraction of a megabyte.
const flat = (a, b) => b - a <= Math.max(a * 0.05, 512 * 1024);
record("8", `JS heap after ${RUNS + 1} runs vs after the first`, `${mb(afterN.js)} MB`, `${mb(after1.js)} MB`, afterN.js / after1.js, "no growth beyond noise", flat(after1.js, afterN.js));
record("8", `wasm memory after ${RUNS + 1} runs vs after the second`, `${mb(afterN.wasm)} MB`, `${mb(after2.wasm)} MB`, afterN.wasm / after2.wasm, "", null);
record("8", `wasm memory after ${RUNS + 1} runs vs after the first`, `${mb(afterN.wasm)} MB`, `${mb(after1.wasm)} MB`, afterN.wasm / after1.wasm, "", null);
