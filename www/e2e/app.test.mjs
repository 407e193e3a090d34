// The app as a person meets it: Playwright drives headless Chromium through
// the release build (APP_URL), with the simulator server (SIM_URL) standing
// in for the vendors. Screenshots go to target/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const APP = process.env.APP_URL;
const SIM = process.env.SIM_URL;
const SHOTS = new URL("../../target/screenshots/", import.meta.url).pathname;
assert.ok(APP && SIM, "APP_URL and SIM_URL must be set (make test sets them)");

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"],
  });
});
after(async () => browser?.close());

/** A fresh page; fails the test on any uncaught page error. */
async function open(t, url = APP, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors.map(String), [], "no uncaught errors in the page");
  });
  await page.goto(url);
  return page;
}

const chartBars = "[data-testid=chart-series] rect, [data-testid=chart-series] path";

test("Demo: one click, run, and a chart with data", async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await page.click("[data-testid=run]");
  await page.waitForSelector(chartBars, { timeout: 60_000 });
  assert.ok((await page.locator(chartBars).count()) > 3, "the chart has marks");
  await page.screenshot({ path: join(SHOTS, "demo-genesys.png"), fullPage: true });
});
