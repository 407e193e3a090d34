// The npm package as a JavaScript developer meets it in a browser: the plain
// ES-module example page (main thread and a Web Worker) and an esbuild bundle,
// all against the simulator server. WWW_URL serves www/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../chromium.mjs";

const WWW = process.env.WWW_URL;
const SIM = process.env.SIM_URL;
assert.ok(WWW && SIM, "WWW_URL and SIM_URL must be set (make test sets them)");

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function open(t, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, []);
  });
  await page.goto(new URL(path, WWW).href);
  return page;
}

async function exampleReady(t) {
  const page = await open(t, "example/index.html");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#genesys-base", `${SIM}/_s/id=example;exec=300`);
  await page.fill("#te-base", `${SIM}/_s/id=example-te;tests=80`);
  return page;
}

test("the example page runs a Genesys query and prints progress and a table", async (t) => {
  const page = await exampleReady(t);
  await page.click("#run-genesys");
  await page.waitForSelector("[data-testid=result-table] tbody tr");
  assert.ok((await page.locator("[data-testid=result-table] tbody tr").count()) > 3);
  assert.match(await page.textContent("#log"), /waiting .*done/s);
});

test("the example page runs a ThousandEyes query across pages", async (t) => {
  const page = await exampleReady(t);
  await page.click("#run-te");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=result-table] tbody tr").length === 80);
});

test("the package works in a Web Worker", async (t) => {
  const page = await exampleReady(t);
  await page.click("#run-worker");
  await page.waitForSelector("[data-testid=result-table] tbody tr");
  assert.match(await page.textContent("#log"), /done/);
});

test("Cancel aborts the run at once", async (t) => {
  const page = await exampleReady(t);
  await page.fill("#genesys-base", `${SIM}/_s/id=example-never;never=1`);
  await page.click("#run-genesys");
  await page.waitForFunction(() => document.getElementById("log").textContent.includes("waiting"));
  await page.click("#cancel");
  await page.waitForFunction(() => document.getElementById("log").textContent.includes("aborted"), null, { timeout: 2000 });
});

test("an esbuild bundle of a bare `usage-lens` import runs", async (t) => {
  const page = await open(t, `example/bundled.html?base=${encodeURIComponent(`${SIM}/_s/id=bundled;exec=300`)}`);
  const text = await (await page.waitForSelector("[data-testid=bundled-result]")).textContent();
  assert.match(text, /^Complete: [1-9]\d* rows$/);
});
