// The History screen: ThousandEyes units period after period, from the
// usage snapshots this browser keeps. Demo is full on first use (the
// simulator offers past periods); against the simulator server the
// snapshots come from real usage answers; export then import round-trips.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP, LONG, BOUNDED, launch, uid, scenario, open as openIn, download, shot, pasteTeToken, runAndWait, chooseKind, toQuery } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function open(t, url = APP, opts = {}) {
  return (await openIn(t, browser, url, { viewport: { width: 1440, height: 900 }, ...opts })).page;
}

const rows = (page) => page.locator("[data-testid=history-row]").count();
// Demo offers six past periods, each seen whole (src/app/demo.rs), and the current one.
const DEMO_PAST_PERIODS = 6;

test("Demo: History shows six past billing periods and the current one, and export then import round-trips", BOUNDED, async (t) => {
  const page = await open(t);
  await page.click("[data-testid=connect-demo]");
  await page.click("[data-testid=view-history]");
  await page.waitForSelector("[data-testid=history-row]", { timeout: LONG });
  assert.match(page.url(), /[?&]view=history/);
  const periods = await rows(page);
  assert.equal(periods, DEMO_PAST_PERIODS + 1, "six past periods and the current one");
  assert.equal(await page.locator("[data-testid=history-periods] rect.hist-used").count(), periods, "a bar per period");
  assert.equal(await page.locator("[data-testid=history-days] path.hist-day-line").count(), periods, "a line per period");
  assert.equal(await page.locator("[data-testid=history-periods] line.hist-quota").count(), periods, "each period's quota");
  const count = await page.textContent("[data-testid=history-count]");
  await shot(page, "history-demo.png", { fullPage: true });

  const file = await download(page, "history-export");
  assert.match(file.name, /^usage-lens-thousandeyes-snapshots-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(file.text);
  assert.equal(doc.format, "usage-lens ThousandEyes snapshots");
  assert.ok(doc.snapshots.length > 100, `${doc.snapshots.length} snapshots`);
  assert.ok(!file.text.includes("Bearer") && !file.text.includes('"demo"'), "no token in the export");

  await page.click("[data-testid=history-clear]");
  await page.waitForSelector("[data-testid=history-empty]");
  const path = join(tmpdir(), `snapshots-${uid()}.json`);
  await writeFile(path, file.text);
  await page.setInputFiles("[data-testid=history-import]", path);
  await page.waitForSelector("[data-testid=history-row]");
  assert.equal(await rows(page), periods, "the same periods after the import");
  assert.equal(await page.textContent("[data-testid=history-count]"), count, "the same snapshots");
  assert.match(await page.textContent("[data-testid=history-message]"), /Imported \d+ snapshots/);

  // A file that is not an export is refused in words, and loses nothing.
  const bad = join(tmpdir(), `not-snapshots-${uid()}.json`);
  await writeFile(bad, JSON.stringify({ hello: "world" }));
  await page.setInputFiles("[data-testid=history-import]", bad);
  await page.waitForSelector("[data-testid=history-message].invalid");
  assert.match(await page.textContent("[data-testid=history-message]"), /not a usage-lens snapshots file/);
  assert.equal(await rows(page), periods);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "history-demo-390-dark.png", { fullPage: true });
});

test("Against the simulator server, every usage answer becomes the day's snapshot", BOUNDED, async (t) => {
  const page = await open(t, `${APP}?q=te-usage`);
  const token = `hist-secret-${uid("t")}`;
  await pasteTeToken(page, scenario(uid("hist")), token);
  await toQuery(page);
  await chooseKind(page, "te-usage");
  await runAndWait(page);
  await page.click("[data-testid=view-history]");
  await page.waitForSelector("[data-testid=history-row]", { timeout: LONG });
  assert.equal(await rows(page), 1, "this billing period");
  assert.match(await page.textContent("[data-testid=history-count]"), /^1 snapshots over 1 billing periods/);
  assert.match(await page.textContent("[data-testid=history-row]"), /in progress/);
  const file = await download(page, "history-export");
  assert.ok(!file.text.includes(token), "no token in the export");
});
