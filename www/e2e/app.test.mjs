// The app as a person meets it: Playwright drives headless Chromium through
// the release build (APP_URL), with the simulator server (SIM_URL) standing
// in for the vendors. Screenshots go to target/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  APP,
  SIM,
  LONG,
  chartMarks,
  launch,
  uid,
  scenario,
  simStats,
  open as openIn,
  waitSettled,
  runAndWait,
  rowCount,
  chooseKind,
  pasteGenesysToken,
  signInWithGenesys,
  download,
  parseCsv,
  shot,
  toQuery,
  BOUNDED,
  SHOTS,
} from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** A fresh page; fails the test on page errors, dialogs and CSP violations. */
async function open(t, url = APP, opts = {}) {
  return (await openIn(t, browser, url, opts)).page;
}

const chartBars = chartMarks("chart-series");
// Opened with a query, connecting keeps the Query view and the overview sends
// nothing to a test's simulator scenario.
const QUERY_URL = `${APP}?q=org`;
const XSS = "<img src=x onerror=alert(1)>";

test("Demo: one click, run, and a chart with data", BOUNDED, async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  await page.click("[data-testid=run]");
  await page.waitForSelector(chartBars, { timeout: LONG });
  assert.ok((await page.locator(chartBars).count()) > 3, "the chart has marks");
  await shot(page, "demo-genesys.png", { fullPage: true });
});

test("Demo: every Genesys query type answers with charts, headline numbers and rows", BOUNDED, async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  await page.waitForSelector("[data-testid=connection]:has-text('Demo')");
  const kinds = [
    ["org", "Organization usage"],
    ["client", "One OAuth client's usage"],
    ["summary", "OAuth client summary"],
    ["search", null],
    ["job", null],
    ["client-job", null],
  ];
  for (const [kind, label] of kinds) {
    await chooseKind(page, kind);
    await runAndWait(page);
    assert.match(page.url(), new RegExp(`[?&]q=${kind}(&|$)`), `${kind}: the query is in the address`);
    const heading = await page.textContent("#answer-h");
    assert.match(heading, /^Genesys Cloud · /, `${kind}: answer heading`);
    if (label) assert.ok(heading.includes(label), `${kind}: heading "${heading}" names the query`);
    assert.ok((await page.locator(chartBars).count()) >= 1, `${kind}: the requests-over-time chart has marks`);
    const bars = await page.locator("[data-testid^=chart-top-] rect, [data-testid^=chart-status-] rect").count();
    assert.ok(bars >= 1, `${kind}: top-N or status charts have bars`);
    const requests = Number((await page.textContent("[data-testid=headline-requests]")).replace(/\D/g, ""));
    assert.ok(requests > 0, `${kind}: the headline counts requests`);
    const { total } = await rowCount(page);
    assert.ok(total > 0, `${kind}: the table has rows`);
    assert.equal(await page.locator("[data-testid=empty]").count(), 0);
    if (kind === "org") await shot(page, "demo-org-chart.png", { fullPage: true });
  }
});

test("Demo: the ThousandEyes views (usage, test units, agent units) answer with charts", BOUNDED, async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);

  await chooseKind(page, "te-usage");
  await runAndWait(page);
  assert.match(await page.textContent("#answer-h"), /^ThousandEyes · /);
  assert.ok((await page.locator(chartMarks("chart-quota")).count()) >= 2, "the quota chart has bars");
  const facts = await page.textContent("[data-testid=quota-facts]");
  for (const word of ["Used", "Projected", "Quota", "Remaining"]) assert.ok(facts.includes(word), `quota facts say ${word}: ${facts}`);
  assert.match(facts, /\d{1,3}(,\d{3})+/, "the quota facts hold numbers");
  assert.ok((await page.locator(chartMarks("chart-top-test")).count()) >= 3, "units by test");
  assert.ok((await rowCount(page)).total > 0);
  await shot(page, "te-usage.png", { fullPage: true });

  await chooseKind(page, "te-tests");
  await runAndWait(page);
  assert.ok((await page.locator(chartMarks("chart-top-test")).count()) >= 3, "test units by test");
  assert.ok((await page.locator(chartMarks("chart-top-test-type")).count()) >= 1, "test units by test type");
  assert.ok((await rowCount(page)).total > 0);
  await shot(page, "te-tests.png", { fullPage: true });

  await chooseKind(page, "te-agents");
  await runAndWait(page);
  assert.ok((await page.locator(chartMarks("chart-top-agent")).count()) >= 3, "agent units by agent");
  assert.ok((await rowCount(page)).total > 0);
});

test("Sign in with Genesys (PKCE) against the simulator, come back connected, and the query runs", BOUNDED, async (t) => {
  const id = uid("pkce");
  const page = await open(t, `${APP}?q=org&range=7d&gran=Day`);
  const navigated = [];
  page.on("request", (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && navigated.push(r.url()));
  await signInWithGenesys(page, scenario(id, "exec=300"));
  // Back on the app, the code exchanged; the address is the query again, with no code.
  await page.waitForFunction(() => !location.search.includes("code="), null, { timeout: 10_000 });
  assert.ok(navigated.some((u) => u.startsWith(SIM) && u.includes("/oauth/authorize")), "went to the login host");
  assert.ok(navigated.some((u) => u.startsWith(APP) && /[?&]code=/.test(u)), "came back with a code");
  // The connection check names the organization (tokens/me), in the panel and the header.
  await page.waitForSelector("[data-testid=genesys-connected]:has-text('Usage Lens Demo Org')", { timeout: 10_000 });
  assert.match(await page.textContent("[data-testid=connection]"), /Genesys: Usage Lens Demo Org/);
  // The query of the address ran against the simulator with the new token.
  await page.waitForSelector(chartBars, { timeout: LONG });
  await waitSettled(page);
  assert.equal(await page.locator("[data-testid=error]").count(), 0);
  assert.match(page.url(), /[?&]q=org/);
  const stats = await simStats(id);
  const paths = stats.lastPaths.join("\n");
  assert.match(paths, /\/oauth\/authorize/);
  assert.match(paths, /\/oauth\/token/);
  assert.match(paths, /\/api\/v2\/usage\/query/);
  // Another query runs with the same connection.
  await chooseKind(page, "search");
  await runAndWait(page);
  assert.ok((await rowCount(page)).total > 0);
});

test("A mismatched or unsolicited sign-in answer is refused in words", BOUNDED, async (t) => {
  const id = uid("pkce-bad");
  const page = await open(t);
  const tokenRequests = [];
  page.on("request", (r) => r.url().includes("/oauth/token") && tokenRequests.push(r.url()));
  // The login host answers with a state this tab never sent.
  await page.route(`${SIM}/_s/**/oauth/authorize**`, (route) =>
    route.fulfill({ status: 302, headers: { Location: `${APP}?code=x&state=wrong` } }),
  );
  await page.fill("[data-testid=genesys-base-url]", scenario(id));
  await page.fill("[data-testid=genesys-client-id]", "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa");
  await page.click("[data-testid=genesys-sign-in]");
  const error = page.locator("[data-testid=connect-error]");
  await error.waitFor({ timeout: 20_000 });
  const words = await error.textContent();
  assert.match(words, /state|sign in again|did not start/i, `refusal in words: ${words}`);
  assert.equal(await page.locator("[data-testid=genesys-connected]").count(), 0, "not connected");
  assert.doesNotMatch(await page.evaluate(() => location.search), /code=|state=/, "the code left the address");
  assert.deepEqual(tokenRequests, [], "the code was never exchanged");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usage-lens.pkce")), null, "the pending sign-in is gone");
  await shot(page, "sign-in-refused.png");

  // The same answer arriving in a tab that started no sign-in.
  await page.goto(`${APP}?code=x&state=wrong`);
  await error.waitFor({ timeout: 20_000 });
  assert.match(await error.textContent(), /did not start a sign-in|sign in again/i);
  assert.equal(await page.locator("[data-testid=genesys-connected]").count(), 0);
  assert.deepEqual(tokenRequests, []);
  assert.equal((await simStats(id)).requests, 0, "the simulator heard nothing");
});

test("Cancel stops the run at once and the simulator hears nothing afterwards", BOUNDED, async (t) => {
  const id = uid("cancel");
  const page = await open(t, QUERY_URL);
  await pasteGenesysToken(page, scenario(id, "never=1"), "good-token-cancel");
  await page.click("[data-testid=run]");
  // Waiting for Genesys: polls are going out.
  await page.waitForSelector("[data-testid=progress][data-phase=waiting]", { timeout: 10_000 });
  await page.waitForFunction(() => /\b[1-9]\d* polls\b/.test(document.querySelector("[data-testid=progress-counts]")?.textContent ?? ""), null, { timeout: 15_000 });
  assert.ok(await page.isEnabled("[data-testid=cancel]"));
  const after = [];
  let cancelled = false;
  page.on("request", (r) => cancelled && r.url().startsWith(SIM) && after.push(r.url()));
  cancelled = true;
  await page.click("[data-testid=cancel]");
  await page.waitForSelector("[data-testid=notice]", { timeout: 5_000 });
  assert.match(await page.textContent("[data-testid=notice]"), /Cancelled/);
  assert.ok(await page.isDisabled("[data-testid=cancel]"), "nothing is running");
  assert.equal(await page.locator("[data-testid=error]").count(), 0, "a cancel is not an error");
  await page.waitForTimeout(300); // a request already on the wire may still land
  const atCancel = (await simStats(id)).requests;
  // Unchecked, polls would go out about every second.
  await page.waitForTimeout(3_500);
  assert.equal((await simStats(id)).requests, atCancel, "no request reached the simulator after the cancel");
  assert.deepEqual(after, [], "the page sent nothing after the cancel");
  // And the form works again.
  assert.ok(await page.isEnabled("[data-testid=run]"));
});

/** The keys of the first object in a JSON text, in the order they are written. */
function firstObjectKeys(text) {
  const keys = [];
  let depth = 0;
  let expectKey = false;
  for (let i = text.indexOf("{"); i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(text.slice(i, j + 1)));
        expectKey = false;
      }
      i = j;
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) break;
    } else if (c === "," && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

test("Export CSV and JSON hold exactly the rows shown, with the table's header", BOUNDED, async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  await page.selectOption("[data-testid=interval-preset]", "30d");
  await page.click("[data-testid=gran-Week]");
  await page.click("[data-testid=group-TemplateUri]");
  await runAndWait(page);
  const header = (await page.locator("[data-testid=table] [role=columnheader] button").allTextContents()).map((h) => h.replace(/[↑↓]/g, "").trim());
  assert.ok(header.length >= 3, `columns: ${header}`);
  const { total } = await rowCount(page);
  assert.ok(total > 10, `enough rows to mean something: ${total}`);
  await page.locator(".table-section").screenshot({ path: `${SHOTS}table.png` });

  const csv = await download(page, "export-csv");
  assert.match(csv.name, /^usage-lens_org_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d_week\.csv$/, csv.name);
  const rows = parseCsv(csv.text.replace(/\n$/, ""));
  assert.deepEqual(rows[0], header, "the CSV header is the table's");
  assert.equal(rows.length - 1, total, "one CSV line per row of the table");
  assert.ok(rows.slice(1).every((r) => r.length === header.length), "every line has every column");
  // The first line is the first row of the table (numbers without separators).
  const first = await page.locator("[data-testid=table] .tbody .tr").first().locator("[role=cell]").evaluateAll((cells) =>
    cells.map((c) => (c.classList.contains("num") ? c.textContent.replace(/[,\s\u202f]/g, "") : c.textContent)),
  );
  assert.deepEqual(rows[1], first);

  // Filtered, the export holds only what is shown.
  await page.fill("[data-testid=table-filter]", "users");
  const filtered = await rowCount(page);
  assert.ok(filtered.shown > 0 && filtered.shown < total, `filter narrows: ${JSON.stringify(filtered)}`);
  const csv2 = parseCsv((await download(page, "export-csv")).text.replace(/\n$/, ""));
  assert.equal(csv2.length - 1, filtered.shown);
  assert.ok(csv2.slice(1).every((r) => r.join(" ").toLowerCase().includes("users")));

  const json = await download(page, "export-json");
  assert.match(json.name, /_week\.json$/);
  const data = JSON.parse(json.text);
  assert.ok(Array.isArray(data));
  assert.equal(data.length, filtered.shown);
  // Keys in the file follow the table's columns (JS objects reorder integer-like keys such as "429",
  // so read the order from the text).
  const keysInText = firstObjectKeys(json.text);
  assert.deepEqual(keysInText, header, "one field per column, in column order");
  assert.deepEqual(header.map((h) => String(data[0][h] ?? "")), csv2[1], "the same first row as the CSV");
  const numeric = header.filter((h) => typeof data[0][h] === "number");
  assert.ok(numeric.length >= 1, "counts are numbers in JSON");
});

test("Demo: four years by day, about 100,000 rows: monthly bars, a sortable table, a filter", BOUNDED, async (t) => {
  const page = await open(t, `${APP}?q=org&range=custom&from=2022-01-01&to=2025-12-31&gran=Day&group=OAuthClientId,TemplateUri,HttpMethod,UserId`);
  await page.click("[data-testid=connect-demo]");
  await runAndWait(page);
  const { total } = await rowCount(page);
  assert.ok(total > 90_000, `about 100,000 rows: ${total}`);
  // 1,461 days would be bars thinner than a pixel: the chart sums them into months.
  assert.match(await page.textContent("[data-testid=series-per]"), /one bar per month/);
  const periods = await page.locator("[data-testid=chart-series] table tbody tr").count();
  assert.equal(periods, 48, "one period per month of the four years");
  // The table holds only the rows in view.
  assert.ok((await page.locator("[data-testid=table] .tbody .tr").count()) < 60);
  const header = (await page.locator("[data-testid=table] [role=columnheader] button").allTextContents()).map((h) => h.replace(/[↑↓]/g, "").trim());
  const col = header.indexOf("Requests");
  const requestsOf = (n) =>
    page.locator("[data-testid=table] .tbody .tr").evaluateAll(
      (rows, [col, n]) => rows.slice(0, n).map((r) => Number(r.querySelectorAll("[role=cell]")[col].textContent.replace(/\D/g, ""))),
      [col, n],
    );
  await page.click(`[data-testid=sort-${col}]`);
  await page.waitForSelector(`[role=columnheader][aria-sort=descending] [data-testid=sort-${col}]`);
  const top = await requestsOf(5);
  assert.deepEqual(top, [...top].sort((a, b) => b - a), "largest first");
  const busiest = Number((await page.textContent("[data-testid=headline] div:nth-child(3) dd")).match(/\(([\d,]+)\)/)[1].replace(/,/g, ""));
  assert.ok(top[0] <= busiest, "no row holds more than the busiest day");
  await page.click(`[data-testid=sort-${col}]`);
  await page.waitForSelector(`[role=columnheader][aria-sort=ascending] [data-testid=sort-${col}]`);
  const bottom = await requestsOf(5);
  assert.deepEqual(bottom, [...bottom].sort((a, b) => a - b), "smallest first");
  await page.fill("[data-testid=table-filter]", "api/v2/usage/query");
  const filtered = await rowCount(page);
  assert.ok(filtered.shown > 0 && filtered.shown < total, `filter narrows: ${JSON.stringify(filtered)}`);
});

test("Demo: Last 12 months of an aggregates job runs as several jobs and draws a year by week and by month", BOUNDED, async (t) => {
  const page = await open(t, `${APP}?q=job&gran=Week`);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  const presets = await page.locator("[data-testid=interval-preset] option").evaluateAll((o) => o.map((x) => x.value));
  for (const p of ["6m", "12m", "this-year"]) assert.ok(presets.includes(p), `${p} is offered for jobs`);
  await page.selectOption("[data-testid=interval-preset]", "12m");
  await runAndWait(page);
  assert.match(await page.textContent("[data-testid=progress]"), /parts 5\/5/, "the progress names the jobs");
  const weeks = await page.locator("[data-testid=chart-series] table tbody tr").count();
  assert.ok(weeks >= 52 && weeks <= 53, `a year of weeks: ${weeks}`);
  await shot(page, "demo-job-12-months-weekly.png", { fullPage: true });
  await page.click("[data-testid=gran-Month]");
  await runAndWait(page);
  const months = await page.locator("[data-testid=chart-series] table tbody tr").count();
  assert.ok(months >= 12 && months <= 13, `a year of months: ${months}`);
  // The finished weeks and months are kept in IndexedDB: after a reload they
  // are still there, and asking again sends only the unfinished edges.
  await page.reload();
  await page.waitForSelector("[data-testid=kept-size]:has-text('KB')", { timeout: LONG });
  await runAndWait(page, { refresh: false });
  assert.ok(!/parts \d+\/\d+/.test(await page.textContent("[data-testid=progress]")), "one job, not five");
  assert.equal(await page.locator("[data-testid=chart-series] table tbody tr").count(), months, "the same months");
  await page.click("[data-testid=kept-clear]");
  await page.waitForSelector("[data-testid=kept-size]:has-text('nothing yet')");
  // A kind that cannot answer a year does not offer it, and falls back to 90 days.
  await chooseKind(page, "search");
  const searchPresets = await page.locator("[data-testid=interval-preset] option").evaluateAll((o) => o.map((x) => x.value));
  assert.ok(!searchPresets.includes("12m"), "no year for a simple search");
  assert.equal(await page.inputValue("[data-testid=interval-preset]"), "90d");
});

test("Reload restores the query from the address, which never holds the token", BOUNDED, async (t) => {
  const id = uid("reload");
  const token = `reload-token-${uid("s")}`;
  const page = await open(t, QUERY_URL);
  const seen = [];
  page.on("framenavigated", (f) => f === page.mainFrame() && seen.push(f.url()));
  page.on("request", (r) => seen.push(r.url()));
  await pasteGenesysToken(page, scenario(id, "exec=200"), token);
  await chooseKind(page, "search", { demoClient: false });
  await page.selectOption("[data-testid=interval-preset]", "30d");
  await page.click("details.filters > summary");
  await page.click("[data-testid=method-GET]");
  await runAndWait(page);
  const before = page.url();
  assert.match(before, /[?&]q=search/);
  assert.match(before, /range=30d/);
  const rows = (await rowCount(page)).total;
  assert.ok(rows > 0);

  await page.reload();
  // Still connected (this tab's session), the form as it was, and the query ran again.
  await page.waitForSelector("[data-testid=genesys-connected]", { timeout: 10_000 });
  await page.waitForSelector("[data-testid=row-count]", { timeout: LONG });
  await waitSettled(page);
  assert.equal(page.url(), before);
  assert.equal(await page.inputValue("[data-testid=query-kind]"), "search");
  assert.equal(await page.inputValue("[data-testid=interval-preset]"), "30d");
  assert.ok(await page.isChecked("[data-testid=method-GET]"));
  assert.equal((await rowCount(page)).total, rows, "the same answer");

  // Back goes to the previous query, forward returns.
  await chooseKind(page, "org", { demoClient: false });
  await runAndWait(page);
  assert.match(page.url(), /[?&]q=org/);
  await page.goBack();
  await page.waitForFunction(() => /[?&]q=search/.test(location.search), null, { timeout: 5_000 });
  await page.waitForFunction(() => document.querySelector("[data-testid=query-kind]")?.value === "search", null, { timeout: 5_000 });
  await page.goForward();
  await page.waitForFunction(() => document.querySelector("[data-testid=query-kind]")?.value === "org", null, { timeout: 5_000 });

  const leaks = seen.filter((u) => u.includes(token) || decodeURIComponent(u).includes(token));
  assert.deepEqual(leaks, [], "the token is in no address and no request URL");
  assert.ok(!(await page.evaluate(() => JSON.stringify({ ...localStorage }))).includes(token), "nor in localStorage");
});

test("A vendor string containing HTML is shown as text and never run", BOUNDED, async (t) => {
  const id = uid("xss");
  const { page, dialogs } = await openIn(t, browser, QUERY_URL);
  await pasteGenesysToken(page, scenario(id, "xss=1;exec=200"), "good-token-xss");
  await runAndWait(page);
  await page.fill("[data-testid=table-filter]", "onerror");
  const { shown } = await rowCount(page);
  assert.ok(shown >= 1, "the client's rows are there");
  const cells = await page.locator("[data-testid=table] [role=cell]").allTextContents();
  assert.ok(cells.includes(XSS), `the name is shown literally in the table: ${cells.slice(0, 8)}`);
  const text = await page.evaluate(() => document.body.innerText);
  assert.ok(text.includes(XSS), "visible as text");
  // Nothing was parsed as HTML: no such image, no handler, no dialog.
  assert.equal(await page.locator("img[src=x]").count(), 0);
  assert.equal(await page.locator("[onerror]").count(), 0);
  // The charts label bars with the name, as SVG text.
  await page.fill("[data-testid=table-filter]", "");
  const svgText = await page.locator("svg text, svg title").allTextContents();
  assert.ok(svgText.some((s) => s.includes(XSS)), "the charts name the client as text");
  await page.waitForTimeout(300); // an onerror would fire by now
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator("img").count(), 0);
  await shot(page, "xss-as-text.png", { fullPage: true });
});

test("Errors in words: a missing permission is named", BOUNDED, async (t) => {
  const id = uid("deny");
  const page = await open(t, QUERY_URL);
  await pasteGenesysToken(page, scenario(id, "deny=1"), "good-token-deny");
  await page.click("[data-testid=run]");
  await waitSettled(page);
  const error = page.locator("[data-testid=error]");
  assert.equal(await error.getAttribute("data-kind"), "forbidden");
  const words = await error.textContent();
  assert.match(words, /usage:organization:view/, `names the permission: ${words}`);
  assert.match(words, /permission/i);
  assert.match(words, /HTTP 403/);
  assert.ok(await error.isVisible());
  await shot(page, "error-permission.png", { fullPage: true });
});

test("Errors in words: rate limited, retrying at hh:mm:ss, then the answer", BOUNDED, async (t) => {
  const id = uid("r429");
  const page = await open(t, QUERY_URL);
  // The connection check passes; the query's first two requests get 429 with Retry-After: 2.
  await pasteGenesysToken(page, scenario(id, "faultafter=1;r429=2;ra=1;wait=2;exec=200"), "good-token-429");
  await page.click("[data-testid=run]");
  await page.waitForSelector("[data-testid=progress][data-phase=retrying]", { timeout: 15_000 });
  const phase = await page.textContent("[data-testid=progress-phase]");
  assert.match(phase, /rate limit|429/i, phase);
  assert.match(phase, /retrying at \d\d:\d\d:\d\d/, phase);
  await shot(page, "retrying.png");
  await waitSettled(page);
  assert.equal(await page.locator("[data-testid=error]").count(), 0, "it recovered");
  assert.ok((await rowCount(page)).total > 0);
  assert.match(await page.textContent("[data-testid=progress-counts]"), /\b2 retries\b/);
  assert.equal((await simStats(id)).rateLimited, 2);
});

test("Errors in words: a token expiring mid-run offers the rows fetched so far", BOUNDED, async (t) => {
  const id = uid("expire");
  const page = await open(t, QUERY_URL);
  // Simple search of 20,000 rows in pages; the token stops working after 8 requests.
  await pasteGenesysToken(page, scenario(id, "rows=20000;expire=8;exec=200"), "good-token-expire");
  await chooseKind(page, "search", { demoClient: false });
  await page.click("[data-testid=run]");
  await waitSettled(page);
  const error = page.locator("[data-testid=error]");
  assert.equal(await error.getAttribute("data-kind"), "unauthorized");
  assert.match(await error.textContent(), /sign in again/i);
  const offer = page.locator("[data-testid=show-partial]");
  await offer.waitFor({ timeout: 5_000 });
  const note = await page.locator(".partial").textContent();
  const fetched = Number(/([\d,]+) rows were fetched/.exec(note)[1].replaceAll(",", ""));
  assert.ok(fetched > 0 && fetched < 20_000, note);
  await offer.click();
  await page.waitForSelector("[data-testid=partial]");
  assert.equal((await rowCount(page)).total, fetched, "the rows offered are the rows shown");
  const csv = parseCsv((await download(page, "export-csv")).text.replace(/\n$/, ""));
  assert.equal(csv.length - 1, fetched, "and they export");
});

test("Looks: 375 px wide and dark mode", BOUNDED, async (t) => {
  const mobile = await open(t, APP, { viewport: { width: 375, height: 800 } });
  await mobile.click("[data-testid=connect-demo]");
  await toQuery(mobile);
  await runAndWait(mobile);
  assert.ok(await mobile.isVisible("[data-testid=chart-series]"));
  // The panels stack: the query panel sits above the answer, both within the width.
  const query = await mobile.locator("section.query").boundingBox();
  const answer = await mobile.locator("section.answer").boundingBox();
  assert.ok(query.y + query.height <= answer.y, "the query panel is above the answer");
  assert.ok(query.width <= 375 && answer.width <= 375, "panels fit the width");
  await shot(mobile, "mobile-375.png", { fullPage: true });

  const dark = await open(t, APP, { viewport: { width: 1440, height: 900 }, colorScheme: "dark" });
  await dark.click("[data-testid=connect-demo]");
  await toQuery(dark);
  await runAndWait(dark);
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 200, `a dark background in dark mode: ${bg}`);
  await shot(dark, "dark.png", { fullPage: true });
});

test(
  "Looks: no sideways scrolling after a run, at 375 px and at 1280 px",
  BOUNDED,
  async (t) => {
    for (const width of [375, 1280]) {
      const page = await open(t, APP, { viewport: { width, height: 800 } });
      await page.click("[data-testid=connect-demo]");
      await toQuery(page);
      await runAndWait(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width} px: the page is ${overflow} px wider than the window`);
    }
  },
);
