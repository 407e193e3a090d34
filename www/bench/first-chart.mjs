// Time to first chart: the release build served on loopback, from navigation
// to the first Demo chart drawn, next to the time the same page takes to reach
// `load` (the floor: HTML, JS and wasm fetched, nothing run yet). Median of RUNS.
// The page is opened with a query (`?q=org`), so Demo keeps the Query view
// and the overview's own run does not share the measured time.
import { launch, median } from "../chromium.mjs";
import { record } from "./summary.mjs";

const APP = process.env.APP_URL;
const RUNS = Number(process.env.RUNS ?? 7);
const browser = await launch();
const load = [], chart = [], ready = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${APP}?q=org`, { waitUntil: "load" });
  load.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
  await page.click("[data-testid=connect-demo]");
  ready.push(await page.evaluate(() => performance.now()));
  await page.click("[data-testid=run]");
  await page.waitForSelector("[data-testid=chart-series] rect");
  chart.push(await page.evaluate(() => performance.now()));
  await context.close();
}
await browser.close();
const [l, r, c] = [median(load), median(ready), median(chart)];
console.log(`## Time to first chart (release build, loopback, median of ${RUNS})`);
console.log("| measure | ms |");
console.log("|---|---|");
console.log(`| \`load\` event (floor: files fetched, wasm not started) | ${l.toFixed(0)} |`);
console.log(`| app interactive, Demo connected | ${r.toFixed(0)} |`);
console.log(`| first Demo chart drawn | ${c.toFixed(0)} |`);
console.log(`| of which the run: submit, status check, decode, charts | ≈ ${(c - r).toFixed(0)} |`);
console.log(`| ratio chart / load | ${(c / l).toFixed(1)}× |`);
console.log(`| ratio interactive / load | ${(r / l).toFixed(2)}× |`);
console.log();
record("3", "first Demo chart drawn vs the page's load event (floor)", `${c.toFixed(0)} ms`, `${l.toFixed(0)} ms`, c / l, "", null);
record("3", "app interactive, Demo connected, vs load", `${r.toFixed(0)} ms`, `${l.toFixed(0)} ms`, r / l, "", null);
