// Shared by the end-to-end tests of the app (app.test.mjs, security.test.mjs):
// one headless Chromium, a fresh context per test that fails the test on page
// errors, dialogs and Content-Security-Policy violations, and small steps a
// person takes (connect, choose a query, run, wait for the answer).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

export const APP = process.env.APP_URL;
export const SIM = process.env.SIM_URL;
export const SHOTS = new URL("../../target/screenshots/", import.meta.url).pathname;
assert.ok(APP && SIM, "APP_URL and SIM_URL must be set (make test sets them)");

/** Every wait is bounded by this (ms). */
export const LONG = 60_000;
/** And every test by this: a hung step fails its test instead of the stage. */
export const BOUNDED = { timeout: 120_000 };

export const chartMarks = (id) => `[data-testid=${id}] rect, [data-testid=${id}] path`;

export { launch } from "../chromium.mjs";

/** A scenario id unique to this run, so counters of earlier runs never mix in. */
export function uid(name) {
  return `${name}-${randomBytes(4).toString("hex")}`;
}

/** The simulator base URL of a scenario: `${SIM}/_s/id=<id>;k=v;…`. */
export function scenario(id, settings = "") {
  return `${SIM}/_s/id=${id}${settings ? ";" + settings : ""}`;
}

/** The simulator's counters for a scenario id. */
export async function simStats(id) {
  const r = await fetch(`${SIM}/_sim/stats?id=${encodeURIComponent(id)}`);
  assert.equal(r.status, 200);
  return r.json();
}

/**
 * A fresh page in a fresh context (its own storage). The test fails on any
 * uncaught page error, any dialog (alert/confirm/prompt) and any
 * Content-Security-Policy violation, unless `expectViolations` is set; those
 * are returned for the test to check.
 */
export async function open(t, browser, url = APP, opts = {}) {
  const { viewport = { width: 1280, height: 900 }, colorScheme = "light", expectViolations = false } = opts;
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  const dialogs = [];
  const violations = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  // Reported from inside the page, across navigations (sign-in leaves and comes back).
  await page.exposeBinding("__reportViolation", (_source, v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`.trim());
    });
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], "no uncaught errors in the page");
    assert.deepEqual(dialogs, [], "no dialog opened");
    if (!expectViolations) assert.deepEqual(violations, [], "no Content-Security-Policy violation");
  });
  if (url) await page.goto(url);
  return { page, context, errors, dialogs, violations };
}

/** Waits until no run is in progress and an answer, an empty answer or an error is shown. */
export async function waitSettled(page, timeout = LONG) {
  await page.waitForFunction(
    () => {
      const cancel = document.querySelector("[data-testid=cancel]");
      const shown = document.querySelector("[data-testid=row-count], [data-testid=empty], [data-testid=error], [data-testid=notice]");
      return cancel && cancel.disabled && shown;
    },
    null,
    { timeout },
  );
}

/** Runs the query in the form and waits for the answer; fails with the error shown, if any. */
export async function runAndWait(page, { refresh = false } = {}) {
  // The run starts at once (Cancel is enabled before the click's task ends); wait for it to end.
  await page.click(refresh ? "[data-testid=refresh]" : "[data-testid=run]");
  await waitSettled(page);
  const error = await page.locator("[data-testid=error]").count();
  if (error) assert.fail(`the run failed: ${await page.textContent("[data-testid=error]")}`);
}

/** The number in "N rows" / "N of M rows". */
export async function rowCount(page) {
  const text = await page.textContent("[data-testid=row-count]");
  const m = /^([\d,]+)(?: of ([\d,]+))? rows?$/.exec(text.trim());
  assert.ok(m, `row count reads "${text}"`);
  return { shown: Number(m[1].replaceAll(",", "")), total: Number((m[2] ?? m[1]).replaceAll(",", "")) };
}

/**
 * Opens the Query view (after connecting, the app shows the overview unless
 * the page was opened with a query) and waits for the form.
 */
export async function toQuery(page) {
  await page.click("[data-testid=view-query]");
  await page.waitForSelector("[data-testid=run]", { state: "visible", timeout: 10_000 });
}

/** Chooses a query kind; in Demo, fills in the demo's OAuth client where one is asked for. */
export async function chooseKind(page, kind, { demoClient = true } = {}) {
  await page.selectOption("[data-testid=query-kind]", kind);
  if (demoClient && (await page.locator("[data-testid=use-demo-client]").count())) {
    await page.click("[data-testid=use-demo-client]");
  }
}

/**
 * Connects to Genesys Cloud with a pasted token and a custom base URL, and
 * (unless told not to) waits for the connection check to name the
 * organization, so that the check's request is done before a query starts.
 */
export async function pasteGenesysToken(page, base, token, { waitForOrg = true } = {}) {
  await page.fill("[data-testid=genesys-base-url]", base);
  await page.fill("[data-testid=genesys-token]", token);
  await page.click("[data-testid=genesys-connect]");
  await page.waitForSelector("[data-testid=genesys-connected]", { timeout: 10_000 });
  if (waitForOrg) await page.waitForSelector("[data-testid=genesys-connected]:has-text('Usage Lens Demo Org')", { timeout: 10_000 });
}

/** Connects to ThousandEyes with a pasted token and a base URL. */
export async function pasteTeToken(page, base, token) {
  await page.fill("[data-testid=te-token]", token);
  await page.fill("[data-testid=te-base-url]", base);
  await page.click("[data-testid=te-connect]");
  await page.waitForSelector("[data-testid=te-connected]", { timeout: 10_000 });
}

/** "Sign in with Genesys" against the simulator's login host; resolves when connected. */
export async function signInWithGenesys(page, base, clientId = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa") {
  await page.fill("[data-testid=genesys-base-url]", base);
  await page.fill("[data-testid=genesys-client-id]", clientId);
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(APP) && u.searchParams.has("code"), { timeout: 20_000 }),
    page.click("[data-testid=genesys-sign-in]"),
  ]);
  await page.waitForSelector("[data-testid=genesys-connected]", { timeout: 20_000 });
}

/** Clicks an export button and returns { name, text } of the downloaded file. */
export async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent("download", { timeout: 10_000 }), page.click(`[data-testid=${testid}]`)]);
  const path = await dl.path();
  const { readFile } = await import("node:fs/promises");
  return { name: dl.suggestedFilename(), text: await readFile(path, "utf8") };
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export async function shot(page, name, opts = {}) {
  await page.screenshot({ path: join(SHOTS, name), ...opts });
}
