// Handing 20,000 simple-search rows to JavaScript: GenesysClient.simpleSearch
// against the simulator server vs a bare fetch + response.json() of the same
// pages, in the same page, alternating, median of RUNS each.
import { launch, median } from "../chromium.mjs";
import { record } from "./summary.mjs";

const { WWW_URL, SIM_URL } = process.env;
const RUNS = Number(process.env.RUNS ?? 7);
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${WWW_URL}bench/handoff.html?sim=${encodeURIComponent(SIM_URL)}`);
await page.waitForSelector("body[data-ready=true]", { state: "attached" });
const lib = [], libWork = [], bare = [];
for (let i = 0; i < RUNS + 1; i++) {
  const a = await page.evaluate((id) => window.viaLibrary(id), `ho-lib-${i}`);
  const b = await page.evaluate((id) => window.viaFetch(id), `ho-fetch-${i}`);
  if (a.rows !== 20000 || b.rows !== 20000) throw new Error(`rows: ${a.rows} / ${b.rows}`);
  if (i === 0) continue; // warm-up
  lib.push(a.total); libWork.push(a.afterWait); bare.push(b.total);
}
await browser.close();
const [l, w, f] = [median(lib), median(libWork), median(bare)];
console.log(`## Handing 20,000 rows to JavaScript (same page, median of ${RUNS})`);
console.log("| path | ms |");
console.log("|---|---|");
console.log(`| bare fetch + response.json(), 21 requests | ${f.toFixed(0)} |`);
console.log(`| GenesysClient.simpleSearch, end to end | ${l.toFixed(0)} |`);
console.log(`| … of which before the first status check (submit, and any wait) | ${(l - w).toFixed(0)} |`);
console.log(`| GenesysClient.simpleSearch, from the first status check | ${w.toFixed(0)} |`);
console.log(`| ratio end to end / bare | ${(l / f).toFixed(2)}× (target ≤ 1.5×) |`);
console.log(`| ratio from the first check / bare | ${(w / f).toFixed(2)}× |`);
console.log();
record("6", "20,000 rows to JS: simpleSearch end to end vs bare fetch", `${l.toFixed(0)} ms`, `${f.toFixed(0)} ms`, l / f, "≤ 1.50×", l / f <= 1.5);
record("6", "… the same from the first status check", `${w.toFixed(0)} ms`, `${f.toFixed(0)} ms`, w / f, "", null);
