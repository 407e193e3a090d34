// The overview as a person meets it: Demo or pasted tokens open it, both
// vendors' queries run at once under one progress bar, and it shows the fired
// rules, the month against the allowance with its forecast band, the clients
// and units against quotas. The allowance and the rules are kept in
// localStorage (never a token), and every card opens the query behind it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP, LONG, BOUNDED, launch, uid, scenario, simStats, open as openIn, download, shot, pasteGenesysToken, pasteTeToken, waitSettled, rowCount } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function open(t, url = APP, opts = {}) {
  return (await openIn(t, browser, url, { viewport: { width: 1440, height: 900 }, ...opts })).page;
}

/** Waits until the overview's queries are done and its cards are drawn. */
async function waitOverview(page) {
  await page.waitForSelector("[data-testid=overview-progress][data-state=done]", { timeout: LONG });
  await page.waitForSelector("[data-testid=overview-fired]", { timeout: LONG });
}

const number = (text) => Number(text.replace(/[^\d.]/g, ""));
/** The number a figure shows first (its note, in <small>, left out). */
const figure = (page, id) => page.$eval(`[data-testid=${id}] dd`, (el) => el.childNodes[0].textContent).then(number);

async function demoOverview(t, opts = {}) {
  const page = await open(t, APP, opts);
  await page.click("[data-testid=connect-demo]");
  await page.waitForURL(/[?&]view=overview(&|$)/, { timeout: 10_000 });
  await waitOverview(page);
  return page;
}

test("Demo opens the overview: forecast band, fired rules, the clients and ThousandEyes units", BOUNDED, async (t) => {
  const page = await demoOverview(t);
  assert.equal(await page.getAttribute("[data-testid=view-overview]", "aria-current"), "page");
  assert.ok(await page.isHidden("[data-testid=run]"), "the query form is on the other view");
  // The month: counted so far, the forecast band to the month's end.
  assert.equal(await page.locator("[data-testid=month-forecast-band]").count(), 1, "the month's forecast band");
  const band = await page.getAttribute("[data-testid=month-forecast-band]", "d");
  assert.ok(band.split("L").length > 4, `the band spans several days: ${band.slice(0, 80)}`);
  assert.ok((await figure(page, "month-projected")) > 0, "a projected month total");
  assert.match(await page.textContent("[data-testid=month-method]"), /Forecast: .+band should hold 80\.0 %/);
  assert.ok((await page.locator("[data-testid=month-contributors] tbody tr").count()) >= 2, "the clients that make up the month");
  // Nothing typed: the allowance is the billing contract's, said where it came from, with the money.
  assert.equal(await page.locator("[data-testid=month-no-allowance]").count(), 0);
  assert.ok((await figure(page, "month-share")) > 0, "the month against the contract's allowance");
  assert.match(await page.textContent("[data-testid=month-allowance-source]"), /^Allowance 2,000,000 requests, from contract C-[\w-]+ \(charge "API Requests", period \d{4}-\d\d-01\/\d{4}-\d\d-\d\d\)\.$/);
  assert.match(await page.textContent("[data-testid=month-overage-money] dd"), /^[\d,]+\.\d\d USD/);
  assert.match(await page.textContent("[data-testid=month-vendor-count]"), /^Genesys Cloud's own count this billing period: [\d,]+ requests/);
  assert.match(await page.textContent("[data-testid=allowance-contract]"), /^From your contract: 2,000,000 requests a month/);
  assert.match(await page.textContent("[data-testid=rate-limit]"), /^Rate limit: 300 requests a minute for this token \(read from the organization\); usage-lens keeps to 280\.$/);
  // The Demo data has clients rate limited well beyond the default 2 %: that rule fires.
  const fired = page.locator("[data-testid=fired-rule]");
  assert.ok((await fired.count()) >= 1, "at least one rule fired");
  const kinds = await fired.evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.ok(kinds.includes("share429"), `the 429 rule fired: ${kinds}`);
  const first = await page.textContent("[data-testid=fired-rule][data-kind=share429]");
  assert.match(first, /429/, first);
  assert.match(first, /%/, "says by how much");
  // Top clients and the worst 429 offenders, highlighted past the rule's threshold.
  assert.ok((await page.locator("[data-testid=top-clients] tbody tr").count()) >= 3);
  assert.ok((await page.locator("[data-testid=top-429] tbody tr.hot").count()) >= 1, "an offender past the threshold");
  // ThousandEyes: used, both projections, the quota; account groups.
  const units = await page.textContent("[data-testid=units-table]");
  for (const word of ["Cloud (tests)", "Enterprise agents", "Vendor's projection", "Ours", "Quota"]) assert.ok(units.includes(word), `units say ${word}`);
  assert.ok((await page.locator("[data-testid=units-groups] tbody tr").count()) >= 1, "account groups");
  assert.equal(await page.locator("[data-testid=card-error]").count(), 0, "no card failed");
  assert.equal(await page.locator("[data-testid=card-not-connected]").count(), 0);
});

test("Entering an allowance shows the share and the overage; licences × requests; kept over a reload", BOUNDED, async (t) => {
  const page = await demoOverview(t);
  const projected = await figure(page, "month-projected");
  assert.ok(projected > 0);
  // An allowance of about half the projection: twice over, an overage, and the rule fires.
  const allowance = Math.max(1, Math.round(projected / 2));
  await page.fill("[data-testid=allowance-requests]", String(allowance));
  await page.click("[data-testid=allowance-save]");
  // What is typed overrides the contract's allowance, and says so.
  await page.waitForSelector("[data-testid=month-allowance-source]:has-text('as typed')");
  assert.equal(
    await page.textContent("[data-testid=month-allowance-source]"),
    `Allowance ${allowance.toLocaleString("en-US")} requests, as typed: it overrides the contract's 2,000,000.`,
  );
  const share = await figure(page, "month-share");
  assert.ok(share > 150 && share < 250, `about 200 % of the allowance: ${share}`);
  const overage = await page.textContent("[data-testid=month-overage] dd");
  assert.match(overage, /[\d,]+ requests/, overage);
  assert.ok(number(overage.split("requests")[0]) > 0);
  assert.equal(await page.locator("[data-testid=month-allowance-line]").count(), 1, "the allowance line in the chart");
  await page.waitForSelector("[data-testid=fired-rule][data-kind=monthAllowance]");
  assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem("usage-lens.allowance"))).requests, allowance);

  // Licences × requests per licence, both typed by the user.
  await page.click("[data-testid=allowance-mode-licences]");
  await page.fill("[data-testid=allowance-licences]", "250");
  await page.fill("[data-testid=allowance-per-licence]", "40000");
  await page.click("[data-testid=allowance-save]");
  await page.waitForSelector("[data-testid=allowance-current]:has-text('10,000,000')");
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem("usage-lens.allowance"))), { licences: 250, perLicence: 40000 });
  // A bad number is refused in words and changes nothing.
  await page.fill("[data-testid=allowance-licences]", "-3");
  await page.click("[data-testid=allowance-save]");
  await page.waitForSelector("[data-testid=allowance-error]");
  assert.match(await page.textContent("[data-testid=allowance-error]"), /above 0/);
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem("usage-lens.allowance"))), { licences: 250, perLicence: 40000 });

  await page.reload();
  await waitOverview(page);
  assert.match(await page.textContent("[data-testid=allowance-current]"), /10,000,000/);
  await page.waitForSelector("[data-testid=month-share]");
  assert.equal(await page.inputValue("[data-testid=allowance-per-licence]"), "40000");
});

test("Each card opens the query behind it; Back returns to the overview", BOUNDED, async (t) => {
  const page = await demoOverview(t);
  const href = await page.getAttribute("[data-testid=link-month]", "href");
  assert.match(href, /[?&]q=org(&|$)/);
  assert.match(href, /range=custom&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d/);
  await page.click("[data-testid=link-month]");
  await page.waitForURL((u) => u.searchParams.get("q") === "org" && u.searchParams.get("range") === "custom", { timeout: 10_000 });
  await page.waitForSelector("[data-testid=row-count]", { timeout: LONG });
  await waitSettled(page);
  assert.equal(await page.getAttribute("[data-testid=view-query]", "aria-current"), "page");
  assert.equal(await page.inputValue("[data-testid=query-kind]"), "org");
  assert.equal(await page.inputValue("[data-testid=interval-preset]"), "custom");
  assert.ok((await rowCount(page)).total > 0, "the overview's rows, in the table");
  assert.ok(await page.isVisible("[data-testid=series-forecast-band]"), "the series chart's forecast band");
  assert.match(await page.textContent("[data-testid=series-forecast-method]"), /80 % band \(weekly pattern/);

  await page.goBack();
  await page.waitForURL(/[?&]view=overview/, { timeout: 5_000 });
  // A fired rule links to its vendor's query too.
  const ruleLink = page.locator("[data-testid=fired-rule][data-kind=share429] [data-testid=link-fired]").first();
  assert.equal(await ruleLink.getAttribute("href"), href, "the 429 rule's query is the clients' query");
  await page.waitForSelector("[data-testid=overview]", { state: "visible" });
  assert.ok((await page.locator("[data-testid=fired-rule]").count()) >= 1, "the overview as it was");
  await page.goForward();
  await page.waitForSelector("[data-testid=run]", { state: "visible", timeout: 5_000 });

  // The ThousandEyes card opens the usage of the billing period.
  await page.click("[data-testid=view-overview]");
  await page.click("[data-testid=link-units]");
  await page.waitForURL(/[?&]q=te-usage/, { timeout: 10_000 });
  await page.waitForSelector("[data-testid=chart-quota]", { timeout: LONG });
});

test("Rules: edit a threshold, export, reset, import the export back; bad JSON loses nothing", BOUNDED, async (t) => {
  const page = await demoOverview(t);
  const threshold = "[data-testid=rule-threshold-429-share]";
  assert.equal(await page.inputValue(threshold), "2");
  await page.fill(threshold, "7.5");
  await page.press(threshold, "Tab");
  await page.waitForFunction(() => (localStorage.getItem("usage-lens.rules") ?? "").includes("7.5"));
  // At 7.5 % no Demo client is past the threshold: the rule no longer fires and no offender is highlighted.
  await page.waitForFunction(() => !document.querySelector("[data-testid=fired-rule][data-kind=share429]"), null, { timeout: 5_000 });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=top-429] tr.hot").length === 0, null, { timeout: 5_000 });
  await page.uncheck("[data-testid=rule-enabled-spike]");
  await page.waitForFunction(() => JSON.parse(localStorage.getItem("usage-lens.rules")).find((r) => r.id === "spike").enabled === false);

  const exported = await download(page, "rules-export");
  assert.equal(exported.name, "usage-lens-rules.json");
  const rules = JSON.parse(exported.text);
  assert.equal(rules.find((r) => r.id === "429-share").threshold, 7.5);
  assert.equal(rules.find((r) => r.id === "spike").enabled, false);

  await page.click("[data-testid=rules-reset]");
  await page.waitForFunction((sel) => document.querySelector(sel)?.value === "2", threshold);
  assert.ok(await page.isChecked("[data-testid=rule-enabled-spike]"));

  const file = join(tmpdir(), `${uid("rules")}.json`);
  await writeFile(file, exported.text);
  await page.setInputFiles("[data-testid=rules-import]", file);
  await page.waitForSelector("[data-testid=rules-message]:has-text('Imported')");
  assert.equal(await page.inputValue(threshold), "7.5");
  assert.ok(!(await page.isChecked("[data-testid=rule-enabled-spike]")));

  // Not JSON, then JSON that is not a rule set: refused in words, the rules as they were.
  const bad = join(tmpdir(), `${uid("bad")}.json`);
  for (const text of ["{ not json", JSON.stringify([{ id: "x", kind: "share429", threshold: -1 }])]) {
    await writeFile(bad, text);
    await page.setInputFiles("[data-testid=rules-import]", bad);
    await page.waitForSelector("[data-testid=rules-error]");
    assert.match(await page.textContent("[data-testid=rules-error]"), /Nothing was changed/);
    assert.equal(await page.inputValue(threshold), "7.5");
    assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem("usage-lens.rules"))).length, rules.length);
  }

  // Kept over a reload.
  await page.reload();
  await waitOverview(page);
  assert.equal(await page.inputValue(threshold), "7.5");
  assert.ok(!(await page.isChecked("[data-testid=rule-enabled-spike]")));
});

test("Against the simulator server: pasted tokens, both vendors at once, no token in storage or address", BOUNDED, async (t) => {
  const gid = uid("ov-g");
  const tid = uid("ov-te");
  const token = `ov-secret-${uid("g")}`;
  const teToken = `ov-te-secret-${uid("t")}`;
  const page = await open(t);
  const seen = [];
  page.on("framenavigated", (f) => f === page.mainFrame() && seen.push(f.url()));
  page.on("request", (r) => seen.push(r.url()));
  await pasteTeToken(page, scenario(tid), teToken);
  // A role without billing:subscription:view, and a raised rate limit.
  await pasteGenesysToken(page, scenario(gid, "exec=300;nobilling=1;limit=600"), token);
  await page.waitForURL(/[?&]view=overview/, { timeout: 10_000 });
  await waitOverview(page);
  assert.equal(await page.locator("[data-testid=card-error]").count(), 0, await page.locator("[data-testid=card-error]").allTextContents().then(String));
  assert.ok(await page.isVisible("[data-testid=month-forecast-band]"));
  assert.ok((await page.locator("[data-testid=units-table] tbody tr").count()) === 2);
  const g = await simStats(gid);
  assert.ok(g.lastPaths.some((p) => p.includes("/api/v2/usage/query")), "Genesys usage was queried");
  const te = await simStats(tid);
  const tePaths = te.lastPaths.join("\n");
  assert.match(tePaths, /\/v7\/usage/);
  assert.match(tePaths, /\/v7\/quotas/);

  // No allowance: the month says why the contract gave none; the limit read is the raised one.
  assert.match(await page.textContent("[data-testid=month-no-allowance]"), /^The contract could not be read: the role lacks the permission billing:subscription:view\. Enter your monthly allowance/);
  assert.match(await page.textContent("[data-testid=allowance-contract]"), /^Your contract states none: .*billing:subscription:view/);
  assert.match(await page.textContent("[data-testid=rate-limit]"), /600 requests a minute for this token \(read from the organization\); usage-lens keeps to 580/);
  assert.ok(g.lastPaths.some((p) => p.includes("/api/v2/organizations/limits/namespaces/platform.api")), "the limit was read");

  await page.fill("[data-testid=allowance-requests]", "123456");
  await page.click("[data-testid=allowance-save]");
  await page.waitForSelector("[data-testid=month-share]");
  assert.equal(await page.textContent("[data-testid=month-allowance-source]"), "Allowance 123,456 requests, as typed.");
  const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  for (const secret of [token, teToken]) {
    assert.ok(!local.includes(secret), "no token in localStorage");
    assert.deepEqual(seen.filter((u) => decodeURIComponent(u).includes(secret)), [], "no token in an address or request URL");
    assert.ok(!page.url().includes(secret));
  }
});

test("One vendor missing or failing: that card says so, the rest still works; Cancel stops both", BOUNDED, async (t) => {
  // Genesys refuses (403), ThousandEyes is not connected.
  const id = uid("ov-deny");
  const page = await open(t);
  await pasteGenesysToken(page, scenario(id, "deny=1"), "good-token-ov-deny", { waitForOrg: false });
  await waitOverview(page);
  const error = page.locator("[data-testid=card-month] [data-testid=card-error]");
  assert.equal(await error.getAttribute("data-kind"), "forbidden");
  assert.match(await error.textContent(), /usage:organization:view/);
  assert.ok(await page.isVisible("[data-testid=card-units] [data-testid=card-not-connected]"));
  assert.ok(await page.isVisible("[data-testid=rules-editor]"), "the editors still work");
  await shot(page, "overview-card-error.png", { fullPage: true });

  // A Genesys query that never finishes: Cancel stops it, the cards say so.
  const slow = uid("ov-never");
  const page2 = await open(t);
  await pasteGenesysToken(page2, scenario(slow, "never=1"), "good-token-ov-never");
  await page2.waitForSelector("[data-testid=overview-progress][data-state=running]", { timeout: 10_000 });
  await page2.waitForFunction(() => /waiting/.test(document.querySelector("[data-testid=overview-progress]")?.textContent ?? ""), null, { timeout: 15_000 });
  await page2.click("[data-testid=overview-cancel]");
  await page2.waitForSelector("[data-testid=overview-notice]", { timeout: 5_000 });
  assert.match(await page2.textContent("[data-testid=overview-notice]"), /Cancelled/);
  assert.ok(await page2.isVisible("[data-testid=card-month] [data-testid=card-cancelled]"));
  await page2.waitForTimeout(300); // a request already on the wire may still land
  const atCancel = (await simStats(slow)).requests;
  await page2.waitForTimeout(2_500);
  assert.equal((await simStats(slow)).requests, atCancel, "nothing reached the simulator after the cancel");
});

test("Looks: the overview at 1440 px and 390 px, light and dark, without sideways scrolling", BOUNDED, async (t) => {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    for (const colorScheme of ["light", "dark"]) {
      const page = await demoOverview(t, { viewport: { width, height }, colorScheme });
      await page.fill("[data-testid=allowance-requests]", "2500000");
      await page.click("[data-testid=allowance-save]");
      await page.waitForSelector("[data-testid=month-share]");
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, `overview-${width}-${colorScheme}.png`, { fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest(".table-wrap, .chart"))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
      );
      assert.ok(overflow <= 0, `${width} px ${colorScheme}: the page is ${overflow} px wider than the window: ${wide.join(", ")}`);
      if (width < 500) {
        // The overview comes first on a phone; the Connect panel after it.
        const ov = await page.locator("[data-testid=overview]").boundingBox();
        const connect = await page.locator("section.connect").boundingBox();
        assert.ok(ov.y < connect.y, "the overview above the Connect panel");
      }
      await page.context().close();
    }
  }
});
