// The app as a person meets it, in the engines other than Chromium: Firefox
// (geckodriver) and WebKit (WebKitWebDriver + MiniBrowser), through the
// release build (APP_URL), with the simulator server (SIM_URL) for the one
// step that goes over the network. ENGINE names the engine; the steps are the
// same for both: Demo, the overview, a query with a chart, its exports,
// History, a kept year reloaded, and a pasted token against the simulator.
// Screenshots go to target/screenshots/<engine>-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { openSession } from "./webdriver.mjs";

const ENGINE = process.env.ENGINE;
const APP = process.env.APP_URL;
const SIM = process.env.SIM_URL;
assert.ok(ENGINE && APP && SIM, "ENGINE, APP_URL and SIM_URL must be set (scripts/test.sh firefox|webkit sets them)");
const SHOTS = new URL("../../target/screenshots/", import.meta.url).pathname;
/** A hung step fails its test instead of the stage. */
const BOUNDED = { timeout: 180_000 };

const chartMarks = (id) => `[data-testid=${id}] rect, [data-testid=${id}] path`;
const uid = (name) => `${name}-${randomBytes(4).toString("hex")}`;

/** A fresh session (its own storage) at `url`; at the end, no page error may have been seen. */
async function open(t, url = APP) {
  const s = await openSession(ENGINE);
  t.diagnostic(`${ENGINE}: ${s.browser}`);
  const expected = { firefox: "firefox", webkit: "minibrowser" }[ENGINE];
  assert.equal(s.capabilities.browserName.toLowerCase(), expected, `${ENGINE} runs ${s.browser}`);
  t.after(async () => {
    let errors = [];
    try {
      ({ errors } = await s.watched());
    } finally {
      await s.close();
    }
    assert.deepEqual(errors, [], "no uncaught error, rejected promise or Content-Security-Policy violation in the page");
  });
  await s.goto(url);
  return s;
}

/** Waits until no run is in progress and an answer, an empty answer or an error is shown. */
function waitSettled(s) {
  return s.waitFor(
    "the run to settle",
    `const cancel = document.querySelector("[data-testid=cancel]");
     const shown = document.querySelector("[data-testid=row-count], [data-testid=empty], [data-testid=error], [data-testid=notice]");
     return !!(cancel && cancel.disabled && shown);`,
  );
}

/** Runs the query in the form and waits; fails with the error shown, if any. */
async function runAndWait(s) {
  await s.click("[data-testid=run]");
  await waitSettled(s);
  const error = await s.text("[data-testid=error]");
  if (error !== null) assert.fail(`the run failed: ${error}`);
}

/** The total of "N rows" / "N of M rows". */
async function rowTotal(s) {
  const text = (await s.text("[data-testid=row-count]")) ?? "";
  const m = /^([\d,]+)(?: of ([\d,]+))? rows?$/.exec(text.trim());
  assert.ok(m, `row count reads "${text}"`);
  return Number((m[2] ?? m[1]).replaceAll(",", ""));
}

/** How many pixels the page is wider than the window (a layout that differs by engine shows here). */
const sideways = (s) => s.exec("return document.documentElement.scrollWidth - window.innerWidth;");

async function toQuery(s) {
  await s.click("[data-testid=view-query]");
  await s.waitForSelector("[data-testid=run]", { timeout: 10_000 });
}

test("Demo opens the overview: forecast band, fired rules, clients and ThousandEyes units", BOUNDED, async (t) => {
  const s = await open(t);
  await s.click("[data-testid=connect-demo]");
  await s.waitFor("the overview in the address", "return /[?&]view=overview(&|$)/.test(location.search);");
  await s.waitForSelector("[data-testid=overview-progress][data-state=done]");
  await s.waitForSelector("[data-testid=overview-fired]");
  assert.equal(await s.count("[data-testid=month-forecast-band]"), 1, "the month's forecast band");
  const band = await s.attr("[data-testid=month-forecast-band]", "d");
  assert.ok(band.split("L").length > 4, `the band spans several days: ${band.slice(0, 80)}`);
  assert.match(await s.text("[data-testid=month-method]"), /Forecast: .+band should hold 80\.0 %/);
  assert.ok((await s.count("[data-testid=fired-rule][data-kind=share429]")) >= 1, "the 429 rule fired");
  assert.ok((await s.count("[data-testid=top-clients] tbody tr")) >= 3, "the top clients");
  const units = await s.text("[data-testid=units-table]");
  for (const word of ["Cloud (tests)", "Enterprise agents", "Quota"]) assert.ok(units.includes(word), `units say ${word}`);
  assert.equal(await s.count("[data-testid=card-error]"), 0, "no card failed");
  assert.ok((await sideways(s)) <= 0, "no sideways scrolling");
  await s.screenshot(SHOTS, `${ENGINE}-overview.png`);
});

test("A query draws a chart, and CSV and JSON exports hold the rows shown", BOUNDED, async (t) => {
  const s = await open(t);
  await s.click("[data-testid=connect-demo]");
  await toQuery(s);
  await s.select("[data-testid=interval-preset]", "30d");
  await s.click("[data-testid=gran-Week]");
  await s.click("[data-testid=group-TemplateUri]");
  await runAndWait(s);
  assert.ok((await s.count(chartMarks("chart-series"))) > 3, "the chart has marks");
  assert.ok((await s.count("[data-testid^=chart-top-] rect, [data-testid^=chart-status-] rect")) >= 1, "top-N or status bars");
  const total = await rowTotal(s);
  assert.ok(total > 10, `rows: ${total}`);
  assert.ok((await sideways(s)) <= 0, "no sideways scrolling");
  await s.screenshot(SHOTS, `${ENGINE}-query.png`);

  const csv = await s.download("export-csv");
  assert.match(csv.name, /^usage-lens_org_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d_week\.csv$/, csv.name);
  assert.match(csv.type, /^text\/csv/);
  // RFC 4180 lines end in CRLF.
  const lines = csv.text.replace(/\r\n$/, "").split("\r\n");
  assert.equal(lines.length - 1, total, "one CSV line per row, after the header");
  const header = await s.exec(
    `return [...document.querySelectorAll("[data-testid=table] [role=columnheader] button")].map((b) => b.textContent.replace(/[↑↓]/g, "").trim());`,
  );
  assert.equal(lines[0], header.join(","), "the CSV header is the table's");

  const json = await s.download("export-json");
  assert.match(json.name, /_week\.json$/);
  const data = JSON.parse(json.text);
  assert.equal(data.length, total, "one JSON object per row");
  assert.ok(header.every((h) => h in data[0]), "every column in the JSON");
});

test("History shows six past ThousandEyes periods and exports the snapshots", BOUNDED, async (t) => {
  const s = await open(t);
  await s.click("[data-testid=connect-demo]");
  await s.click("[data-testid=view-history]");
  await s.waitForSelector("[data-testid=history-row]");
  assert.match(await s.url(), /[?&]view=history/);
  const periods = await s.count("[data-testid=history-row]");
  // Six past periods, each seen whole (src/app/demo.rs), and the current one.
  assert.equal(periods, 6 + 1, "six past periods and the current one");
  assert.equal(await s.count("[data-testid=history-periods] rect.hist-used"), periods, "a bar per period");
  assert.equal(await s.count("[data-testid=history-days] path.hist-day-line"), periods, "a line per period");
  await s.screenshot(SHOTS, `${ENGINE}-history.png`);
  const file = await s.download("history-export");
  assert.match(file.name, /^usage-lens-thousandeyes-snapshots-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(file.text);
  assert.equal(doc.format, "usage-lens ThousandEyes snapshots");
  assert.ok(doc.snapshots.length > 100, `${doc.snapshots.length} snapshots`);
});

test("A year of jobs runs as five, is kept in IndexedDB, and reloaded asks only for its edges", BOUNDED, async (t) => {
  const s = await open(t, `${APP}?q=job&gran=Week`);
  await s.click("[data-testid=connect-demo]");
  await toQuery(s);
  await s.select("[data-testid=interval-preset]", "12m");
  await runAndWait(s);
  assert.match(await s.text("[data-testid=progress]"), /parts 5\/5/, "the progress names the jobs");
  const weeks = await s.count("[data-testid=chart-series] table tbody tr");
  assert.ok(weeks >= 52 && weeks <= 53, `a year of weeks: ${weeks}`);
  // The finished weeks are in IndexedDB: after a reload they are still there,
  // and asking again sends only the unfinished edges (one job, not five).
  await s.reload();
  await s.waitForSelector("[data-testid=kept-size]", { text: "KB" });
  await runAndWait(s);
  assert.doesNotMatch(await s.text("[data-testid=progress]"), /parts \d+\/\d+/, "one job, not five");
  assert.equal(await s.count("[data-testid=chart-series] table tbody tr"), weeks, "the same weeks");
  await s.click("[data-testid=kept-clear]");
  await s.waitForSelector("[data-testid=kept-size]", { text: "nothing yet" });
});

test("A pasted token runs a query against the simulator server over fetch", BOUNDED, async (t) => {
  const id = uid(`${ENGINE}-fetch`);
  const s = await open(t, `${APP}?q=org`);
  await s.fill("[data-testid=genesys-base-url]", `${SIM}/_s/id=${id}`);
  await s.fill("[data-testid=genesys-token]", `good-token-${id}`);
  await s.click("[data-testid=genesys-connect]");
  await s.waitForSelector("[data-testid=genesys-connected]", { text: "Usage Lens Demo Org" });
  await runAndWait(s);
  assert.ok((await rowTotal(s)) > 0, "rows came back");
  assert.ok((await s.count(chartMarks("chart-series"))) > 3, "the chart has marks");
  const stats = await (await fetch(`${SIM}/_sim/stats?id=${encodeURIComponent(id)}`)).json();
  assert.match(stats.lastPaths.join("\n"), /\/api\/v2\/usage\/query/, "the query reached the simulator");
  const stored = await s.exec("return JSON.stringify([Object.entries(localStorage), location.href]);");
  assert.ok(!stored.includes(`good-token-${id}`), "no token in localStorage or the address");
});
