// The kept days (IndexedDB) when the browser's store misbehaves: missing or
// refused, full, two tabs at once, a database of an older version, a record
// that does not decode; and the app's own promises about it: it trims to its
// limit after a run, Refresh everything asks for every day again, and no
// token is ever kept.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { APP, LONG, BOUNDED, launch, uid, scenario, simStats, open as openIn, pasteGenesysToken, runAndWait, toQuery } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const DB = "usage-lens-kept";
const NOT_KEPT = /refuses to keep data here .*nothing is kept/;
const FULL = /storage is full: the answer is shown but not kept/;
const weeks = (page) => page.locator("[data-testid=chart-series] table tbody tr").count();
const progress = (page) => page.textContent("[data-testid=progress]");
const notices = (page) => page.locator("[data-testid=notice]").count();

/** A page of a fresh context, the init script (if any) run before the app. */
async function open(t, init, url = `${APP}?q=job&gran=Week`) {
  const opened = await openIn(t, browser, null);
  if (init) await opened.page.addInitScript(init);
  await opened.page.goto(url);
  return opened;
}

/** Demo, the Query view, the last 12 months of an aggregates job. */
async function demoYear(page) {
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  await page.selectOption("[data-testid=interval-preset]", "12m");
}

/** Every record of every store of every database of the page's origin. */
function dump(page) {
  return page.evaluate(async () => {
    const all = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, no) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      for (const store of db.objectStoreNames) {
        const tx = db.transaction(store);
        const get = (r) => new Promise((ok) => (r.onsuccess = () => ok(r.result)));
        const [keys, values] = await Promise.all([get(tx.objectStore(store).getAllKeys()), get(tx.objectStore(store).getAll())]);
        all[`${name}/${store}`] = keys.map((k, i) => [k, values[i]]);
      }
      db.close();
    }
    return all;
  });
}

/** Replaces every kept bucket of the app's database with `value`. */
function overwriteBuckets(page, value) {
  return page.evaluate(
    ([name, value]) =>
      new Promise((ok, no) => {
        const r = indexedDB.open(name);
        r.onerror = () => no(r.error);
        r.onsuccess = () => {
          const db = r.result;
          const tx = db.transaction("buckets", "readwrite");
          const store = tx.objectStore("buckets");
          store.getAllKeys().onsuccess = (e) => e.target.result.forEach((k, i) => store.put(i % 2 ? value : 7, k));
          tx.oncomplete = () => (db.close(), ok());
          tx.onerror = () => no(tx.error);
        };
      }),
    [DB, value],
  );
}

const keptBytes = async (page) =>
  ((await dump(page))[`${DB}/meta`] ?? []).reduce((sum, [, v]) => sum + Number(String(v).split(" ")[0]), 0);

for (const [how, init] of [
  ["missing", () => Object.defineProperty(window, "indexedDB", { configurable: true, get: () => undefined })],
  [
    "refused",
    () => {
      IDBFactory.prototype.open = () => {
        throw new DOMException("refused by policy", "SecurityError");
      };
    },
  ],
]) {
  test(`IndexedDB ${how}: the app works, keeps nothing and says so once`, BOUNDED, async (t) => {
    const { page } = await open(t, init);
    await demoYear(page);
    await runAndWait(page);
    assert.ok((await weeks(page)) >= 52, "the answer is shown");
    assert.match(await page.textContent("[data-testid=notice]"), NOT_KEPT);
    await page.waitForSelector("[data-testid=kept-size]:has-text('nothing yet')");
    await page.click("[data-testid=gran-Month]");
    await runAndWait(page);
    assert.ok((await weeks(page)) >= 12, "the next answer too");
    assert.equal(await notices(page), 0, "said once");
  });
}

test("Quota exceeded: the older half is evicted and the write retried once; else the answer stays on screen, not kept", BOUNDED, async (t) => {
  // Every `put` into the buckets fails while window.__full > 0.
  const { page } = await open(t, () => {
    window.__full = 0;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.name === "buckets" && window.__full > 0) {
        window.__full--;
        throw new DOMException("the quota has been exceeded", "QuotaExceededError");
      }
      return put.apply(this, args);
    };
  });
  await demoYear(page);
  await runAndWait(page);
  assert.equal(await notices(page), 0);
  const before = (await dump(page))[`${DB}/buckets`].length;
  assert.ok(before > 40, `weeks kept: ${before}`);
  // Full once: the retry keeps the months, after evicting the older weeks.
  await page.evaluate(() => (window.__full = 1));
  await page.click("[data-testid=gran-Month]");
  await runAndWait(page);
  assert.equal(await notices(page), 0, "nothing to say: the retry kept them");
  const kept = (await dump(page))[`${DB}/buckets`].map(([k]) => k);
  assert.ok(kept.length < before, `the older half evicted: ${kept.length} of ${before}`);
  assert.ok(kept.length > 0);
  // Full for good: the answer is shown, not kept, and the user is told.
  await page.evaluate(() => (window.__full = Infinity));
  await page.click("[data-testid=gran-Week]");
  await runAndWait(page, { refresh: true });
  assert.ok((await weeks(page)) >= 52, "the year on screen");
  assert.match(await page.textContent("[data-testid=notice]"), FULL);
  const after = (await dump(page))[`${DB}/buckets`].length;
  assert.ok(after <= kept.length, "no day kept");
  assert.equal((await dump(page))[`${DB}/meta`].length, after, "nor its size");
});

test("Two tabs of one browser write at once: both keep their days", BOUNDED, async (t) => {
  const { page, context } = await open(t, null);
  const other = await context.newPage();
  await other.goto(`${APP}?q=job&gran=Month`);
  await Promise.all([demoYear(page), demoYear(other)]);
  await Promise.all([runAndWait(page), runAndWait(other)]);
  // A third tab asks both again: every finished week and month is kept.
  const third = await context.newPage();
  await third.goto(`${APP}?q=job&gran=Week`);
  await demoYear(third);
  await third.waitForSelector("[data-testid=kept-size]:has-text('KB')", { timeout: LONG });
  await runAndWait(third);
  assert.ok(!/parts \d+\/\d+/.test(await progress(third)), "the weeks were kept: one job, not five");
  await third.click("[data-testid=gran-Month]");
  await runAndWait(third);
  assert.ok(!/parts \d+\/\d+/.test(await progress(third)), "and the months");
});

test("A database of an older version is upgraded: its days are dropped and fetched again", BOUNDED, async (t) => {
  const { page } = await open(t, null, `${APP}no-such-page`);
  await page.evaluate(
    (name) =>
      new Promise((ok, no) => {
        const r = indexedDB.open(name, 1);
        r.onupgradeneeded = () => {
          r.result.createObjectStore("buckets").put({ rows: "an older shape" }, "old-key");
        };
        r.onsuccess = () => (r.result.close(), ok());
        r.onerror = () => no(r.error);
      }),
    DB,
  );
  await page.goto(`${APP}?q=job&gran=Week`);
  await demoYear(page);
  await runAndWait(page);
  assert.match(await progress(page), /parts 5\/5/);
  const all = await dump(page);
  assert.ok(!all[`${DB}/buckets`].some(([k]) => k === "old-key"), "the older record is gone");
  assert.ok(all[`${DB}/buckets`].length > 40 && all[`${DB}/meta`], "today's days are kept");
  await page.waitForSelector("[data-testid=kept-size]:has-text('KB')");
});

test("A kept record that does not decode is ignored and fetched again, never shown", BOUNDED, async (t) => {
  const { page } = await open(t, null);
  await demoYear(page);
  await runAndWait(page);
  const rows = await weeks(page);
  await overwriteBuckets(page, "[{not json");
  await page.reload();
  await page.waitForSelector("[data-testid=kept-size]:has-text('KB')", { timeout: LONG });
  await runAndWait(page);
  assert.match(await progress(page), /parts 5\/5/, "every week fetched again");
  assert.equal(await weeks(page), rows, "the same weeks");
  assert.ok(!(await page.textContent("body")).includes("not json"));
  const kept = (await dump(page))[`${DB}/buckets`];
  assert.ok(kept.every(([, v]) => typeof v === "string" && v.startsWith("[")), "kept anew");
});

test("The app trims the kept days to its limit on its own after a run", BOUNDED, async (t) => {
  const { page } = await open(t, () => localStorage.setItem("usage-lens-kept-limit", "10000"));
  await demoYear(page);
  await runAndWait(page);
  const bytes = await keptBytes(page);
  assert.ok(bytes > 0 && bytes <= 10000, `kept ${bytes} bytes of at most 10000`);
  // Without the lower limit, the same year keeps more.
  const { page: free } = await open(t, null);
  await demoYear(free);
  await runAndWait(free);
  assert.ok((await keptBytes(free)) > 10000);
});

test("Refresh everything asks the server for every day again, and no store keeps the token", BOUNDED, async (t) => {
  const id = uid("refresh");
  const token = `idb-token-${uid("s")}`;
  const { page } = await open(t, null);
  await pasteGenesysToken(page, scenario(id), token);
  await toQuery(page);
  await page.selectOption("[data-testid=interval-preset]", "12m");
  await runAndWait(page);
  const first = (await simStats(id)).requests;
  await runAndWait(page);
  const again = (await simStats(id)).requests;
  assert.equal(again, first, "asked again, the answer of this session");
  await runAndWait(page, { refresh: true });
  assert.match(await progress(page), /parts 5\/5/);
  const refreshed = (await simStats(id)).requests - again;
  assert.ok(refreshed >= 10, `five jobs submitted and read again: ${refreshed} requests`);
  const all = JSON.stringify(await dump(page));
  assert.ok(all.includes(`${DB}/buckets`) && all.length > 10_000, "days are kept");
  assert.ok(!all.includes(token), "no token in any IndexedDB store");
});
