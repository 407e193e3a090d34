// The README's "When things go wrong" table, row by row, through the packed
// npm package in Node against the simulator server: the error kind, the rows
// kept, retryAfterMs, the progress fields, and the requests the server saw
// (its per-scenario statistics). Exact waits are proven on virtual time in
// tests/faults.rs; here each fault is real and its effect is counted.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { initSync, GenesysClient, ThousandEyesClient } from "usage-lens";

const SIM = process.env.SIM_URL;
assert.ok(SIM, "SIM_URL must point at the simulator server");
initSync({ module: await readFile(new URL(import.meta.resolve("usage-lens/usage_lens_bg.wasm"))) });

const TOKEN = "node-faults-token";
const WEEK = "2026-05-01T00:00:00Z/2026-05-08T00:00:00Z";
const ORG = { interval: WEEK, granularity: "Day" };
let n = 0;
/** A fresh scenario: its id, and clients whose base URL carries it. */
function scenario(settings) {
  const id = `nf${++n}-${Date.now() % 100000}`;
  const base = `${SIM}/_s/id=${id};exec=0;${settings}`;
  return {
    id,
    gc: () => new GenesysClient({ baseUrl: base, accessToken: TOKEN }),
    te: () => new ThousandEyesClient({ baseUrl: base, accessToken: TOKEN }),
    stats: async () => (await fetch(`${SIM}/_sim/stats?id=${id}`)).json(),
  };
}

async function rejects(promise, kind) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, "UsageLensError");
    assert.equal(e.kind, kind, e.message);
    assert.ok(!e.message.includes(TOKEN), "no token in messages");
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

function recorder() {
  const seen = [];
  // Each event with the moment it arrived, to compare times it announces.
  return { seen, onProgress: (p) => seen.push({ ...p, seenAt: Date.now() }) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every test has its own scenario, so they run side by side.
describe("the fault table through the npm package", { concurrency: true }, () => {
  test("429 with Retry-After: waited, then the query completes", async () => {
    const s = scenario("r429=2;ra=1;wait=1");
    const p = recorder();
    const t0 = Date.now();
    const r = await s.gc().queryOrganizationUsage(ORG, { onProgress: p.onProgress });
    assert.equal(r.queryStatus, "Complete");
    assert.ok(Date.now() - t0 >= 2000, "two waits of 1 s");
    const retrying = p.seen.filter((e) => e.phase === "retrying");
    assert.equal(retrying.length, 2);
    assert.equal(retrying[0].retryReason, "rate limited");
    // Announced as due 1 s (plus up to 10 % jitter) after it was announced.
    const due = retrying[0].retryAtMs - retrying[0].seenAt;
    assert.ok(due >= 950 && due <= 1150, `${due} ms`);
    assert.equal(p.seen.at(-1).retries, 2);
    assert.equal(p.seen.at(-1).requests, 4);
    const st = await s.stats();
    assert.equal(st.rateLimited, 2);
    assert.equal(st.requests, 4, "two 429s, the submit, the check");
  });

  test("429 with Retry-After: ten retries, then rateLimited with retryAfterMs and a correlationId", async () => {
    const s = scenario("r429=99;ra=1;wait=0");
    const e = await rejects(s.gc().queryOrganizationUsage(ORG), "rateLimited");
    assert.equal(e.retryAfterMs, 0);
    assert.equal(e.status, 429);
    assert.match(e.correlationId, /^[0-9a-f-]{36}$/);
    assert.equal((await s.stats()).requests, 11);
  });

  test("429 asking for more than 3 minutes is not waited", async () => {
    const s = scenario("r429=1;ra=1;wait=181");
    const t0 = Date.now();
    const e = await rejects(s.gc().queryOrganizationUsage(ORG), "rateLimited");
    assert.equal(e.retryAfterMs, 181_000);
    assert.ok(Date.now() - t0 < 10_000, "not the 181 s it asked for");
    assert.equal((await s.stats()).requests, 1);
  });

  test("429 without Retry-After: the seconds of the Genesys message, and ThousandEyes' reset header", async () => {
    const s = scenario("r429=1;wait=1");
    const t0 = Date.now();
    await s.gc().queryOrganizationUsage(ORG);
    assert.ok(Date.now() - t0 >= 1000);
    assert.deepEqual([(await s.stats()).rateLimited, (await s.stats()).requests], [1, 3]);
    const gone = scenario("r429=99;wait=0");
    const e = await rejects(gone.gc().queryOrganizationUsage(ORG), "rateLimited");
    assert.equal(e.retryAfterMs, 0, "the [0] of the message");
    assert.equal((await gone.stats()).requests, 11);
    const te = scenario("r429=1;wait=1");
    const t1 = Date.now();
    const q = await te.te().quotas();
    assert.ok(Array.isArray(q.quotas));
    assert.ok(Date.now() - t1 >= 1000, "waited until the reset");
    assert.equal((await te.stats()).requests, 2);
  });

  test("a nearly spent window pauses until it resets: no 429 though the limit is below the requests", async () => {
    // Three requests a 3 s window, four requests needed: without the pause the fourth is a 429.
    const s = scenario("limit=3;windowms=3000;rows=3000");
    const t0 = Date.now();
    const r = await s.gc().simpleSearch({ interval: WEEK });
    assert.equal(r.results.length, 3000);
    const st = await s.stats();
    assert.equal(st.rateLimited, 0);
    assert.equal(st.requests, 4);
    assert.ok(Date.now() - t0 >= 1500, "paused for the reset");
  });

  test("500, 502, 503, 504 are retried and the query completes", async () => {
    for (const code of [500, 502, 503, 504]) {
      const s = scenario(`e5xx=2;code=${code}`);
      const p = recorder();
      await s.gc().queryOrganizationUsage(ORG, { onProgress: p.onProgress });
      const st = await s.stats();
      assert.deepEqual([st.serverErrors, st.requests], [2, 4], `${code}`);
      assert.ok(p.seen.some((e) => e.phase === "retrying" && e.retryReason === `the server answered ${code}`));
    }
  });

  test("a persistent 5xx is tried five times, then is a server error", async () => {
    const s = scenario("e5xx=99;code=503");
    const t0 = Date.now();
    const e = await rejects(s.gc().queryOrganizationUsage(ORG), "server");
    assert.equal(e.status, 503);
    const took = Date.now() - t0;
    assert.ok(took >= 15_000 && took < 30_000, `1+2+4+8 s (+ jitter): ${took} ms`);
    assert.deepEqual([(await s.stats()).requests, (await s.stats()).serverErrors], [5, 5]);
  });

  test("a connection dropped once is retried; gone mid-page, the pages read come back", async () => {
    const once = scenario("drop=1;faultafter=1");
    await once.gc().queryOrganizationUsage(ORG);
    assert.deepEqual([(await once.stats()).dropped, (await once.stats()).requests], [1, 3]);
    const gone = scenario("rows=5000;drop=99;faultafter=3");
    const e = await rejects(gone.gc().simpleSearch({ interval: WEEK }), "network");
    assert.equal(e.partial.results.length, 2000, "pages 1 and 2");
    const st = await gone.stats();
    assert.deepEqual([st.requests, st.dropped], [8, 5]);
  });

  test("an answer held back 60 s is given up on, its connection closed, and asked again", async () => {
    const s = scenario("stall=1;stallms=90000;faultafter=1");
    const t0 = Date.now();
    const p = recorder();
    const r = await s.gc().queryOrganizationUsage(ORG, { onProgress: p.onProgress });
    assert.equal(r.queryStatus, "Complete");
    const took = Date.now() - t0;
    assert.ok(took >= 60_000 && took < 80_000, `${took} ms, not the 90 s of the held answer`);
    const st = await s.stats();
    assert.deepEqual([st.stalled, st.clientAborts, st.requests], [1, 1, 3]);
    assert.ok(p.seen.some((e) => e.phase === "retrying" && e.retryReason === "the connection failed"));
  });

  test("a retry that cannot happen before timeoutMs stops at once with the real cause", async () => {
    const s = scenario("e5xx=99");
    // The 1 s retry fits in 2.5 s, the 2 s one does not: the cause, not a timeout.
    const e = await rejects(s.gc().queryOrganizationUsage(ORG, { timeoutMs: 2500 }), "server");
    assert.equal((await s.stats()).requests, 2);
    const r = scenario("r429=1;ra=1;wait=10");
    const e2 = await rejects(r.gc().queryOrganizationUsage(ORG, { timeoutMs: 5000 }), "rateLimited");
    assert.equal(e2.retryAfterMs, 10_000);
    assert.equal((await r.stats()).requests, 1);
    assert.notEqual(e.kind, "timeout");
  });

  test("truncated JSON and an HTML page are decode errors that say why", async () => {
    const t = scenario("trunc=1");
    const e = await rejects(t.gc().queryOrganizationUsage(ORG), "decode");
    assert.match(e.message, /Body starts/);
    assert.equal((await t.stats()).requests, 1, "not retried");
    const h = scenario("html=1");
    const e2 = await rejects(h.gc().queryOrganizationUsage(ORG), "decode");
    assert.match(e2.message, /HTML.*base URL/s);
  });

  test("Failed and Cancelled executions and jobs are queryFailed with the vendor's body", async () => {
    const recent = () => {
      const day = (d) => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10);
      return `${day(10)}T00:00:00Z/${day(3)}T00:00:00Z`;
    };
    await rejects(scenario("fail=1").gc().queryOrganizationUsage(ORG), "queryFailed");
    const e = await rejects(scenario("fail=1").gc().aggregatesQuery({ interval: recent() }), "queryFailed");
    assert.equal(typeof e.details.message, "string");
    assert.ok(e.message.includes(e.details.message));
    const c = await rejects(scenario("cancel=1").gc().aggregatesQuery({ interval: recent() }), "queryFailed");
    assert.match(c.message, /cancelled/);
  });

  test("an execution that never finishes is polled until timeoutMs", async () => {
    const s = scenario("never=1");
    const p = recorder();
    const t0 = Date.now();
    await rejects(s.gc().queryOrganizationUsage(ORG, { timeoutMs: 2500, onProgress: p.onProgress }), "timeout");
    const took = Date.now() - t0;
    assert.ok(took >= 2500 && took < 6000, `${took} ms`);
    // The submit, a check at once, then 1.5 s and 1.95 s after the submit
    // (the last may fall past the limit on a busy machine).
    const requests = (await s.stats()).requests;
    assert.ok(requests >= 3 && requests <= 4, `${requests}`);
    const waits = p.seen.filter((e) => e.phase === "waiting" && e.nextPollInMs !== undefined);
    // A check at once, then waits counted from the submit: never over the
    // 1.5 s of the first grid point, shorter when an answer came late.
    const gaps = waits.map((e) => e.nextPollInMs);
    assert.equal(gaps[0], 0, JSON.stringify(gaps));
    assert.ok(gaps.length >= 2 && gaps.slice(1).every((g) => g > 0 && g <= 1500), JSON.stringify(gaps));
    const elapsed = p.seen.map((e) => e.elapsedMs);
    assert.deepEqual(elapsed, [...elapsed].sort((a, b) => a - b), "elapsedMs never goes back");
    // Polling went on to the limit: the last wait announced a check at
    // 1.95 s or later. (Whether that check's own answer came back before the
    // limit depends on the machine's load, so its event is not required.)
    const last = waits.at(-1);
    assert.ok(last.elapsedMs + last.nextPollInMs >= 1900, JSON.stringify(waits));
  });

  test("a repeated cursor stops the walk: every page is asked for once", async () => {
    const s = scenario("rows=5000;repeat=1");
    const p = recorder();
    const r = await s.gc().simpleSearch({ interval: WEEK }, { onProgress: p.onProgress });
    assert.equal(r.results.length, 3000);
    const st = await s.stats();
    const pages = st.lastPaths.filter((x) => x.includes("/results"));
    assert.equal(pages.length, 3);
    assert.equal(new Set(pages).size, 3, pages.join("\n"));
    assert.ok(p.seen.some((e) => e.phase === "paging" && e.pages === 3 && e.rows === 3000));
  });

  test("the 20,000-record cap is reported, and splitOnCap reads every record in parts", async () => {
    const capped = scenario("rows=25000");
    const p = recorder();
    const r = await capped.gc().simpleSearch({ interval: WEEK }, { onProgress: p.onProgress });
    assert.equal(r.results.length, 20000);
    assert.equal(r.capped, true);
    assert.equal(p.seen.at(-1).capped, true);
    const split = scenario("perday=3000");
    const q = recorder();
    const all = await split.gc().simpleSearch({ interval: WEEK }, { splitOnCap: true, onProgress: q.onProgress });
    assert.equal(all.results.length, 21000);
    assert.ok(!all.capped);
    assert.deepEqual([q.seen.at(-1).partsDone, q.seen.at(-1).partsTotal], [2, 2]);
  });

  test("the token expires on page 7 of 20: unauthorized with pages 1 to 6", async () => {
    const s = scenario("rows=20000;expire=7");
    const e = await rejects(s.gc().simpleSearch({ interval: WEEK }), "unauthorized");
    assert.equal(e.partial.results.length, 6000);
    assert.equal((await s.stats()).requests, 8, "nothing after the 401");
  });

  test("20 queries at once share one budget: no 429 at the real limit, where 20 clients alone draw them", async () => {
    const search = { interval: WEEK };
    const opts = { pageSize: 100 };
    // 20 searches of 21 requests: 420 in all, against 300 a minute.
    const shared = scenario("rows=2000");
    const one = shared.gc();
    const alone = scenario("rows=2000");
    const [together, apart] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => one.simpleSearch(search, opts))),
      Promise.all(Array.from({ length: 20 }, () => alone.gc().simpleSearch(search, opts))),
    ]);
    assert.ok(together.every((r) => r.results.length === 2000));
    assert.ok(apart.every((r) => r.results.length === 2000), "they retry their 429s and complete");
    const st = await shared.stats();
    assert.equal(st.rateLimited, 0);
    assert.equal(st.requests, 420);
    // The client books 280 a minute when it sends; the server counts when
    // requests arrive, so a burst queued in the connection pool can land
    // closer together. The reserve below the vendor's 300 absorbs that.
    assert.ok(st.maxPerMinute <= 300, `${st.maxPerMinute}`);
    const sa = await alone.stats();
    assert.ok(sa.rateLimited > 0, JSON.stringify(sa));
  });

  test("20 ThousandEyes queries at once share 200 a minute: no 429 at the real limit", async () => {
    // 20 × 13 pages = 260 requests against 240 a minute.
    const s = scenario("tests=650;tepage=50");
    const te = s.te();
    const all = await Promise.all(Array.from({ length: 20 }, () => te.testUnitsUsage({})));
    assert.ok(all.every((r) => r.breakdowns.length === 650));
    const st = await s.stats();
    assert.equal(st.rateLimited, 0);
    assert.equal(st.requests, 260);
    assert.ok(st.maxPerMinute <= 240, `${st.maxPerMinute}`);
  });

  test("abort during a wait: at once, and nothing is sent after", async () => {
    const s = scenario("never=1");
    const ac = new AbortController();
    const run = s.gc().queryOrganizationUsage(ORG, { signal: ac.signal });
    await sleep(1200);
    const before = (await s.stats()).requests;
    const t0 = Date.now();
    ac.abort();
    await rejects(run, "aborted");
    assert.ok(Date.now() - t0 < 1000, "not the next check, 1.5 s or more away");
    await sleep(2500);
    assert.equal((await s.stats()).requests, before);
  });

  test("abort of a request in flight: the server sees the connection closed, and nothing after", async () => {
    // The submit is answered; the first check's answer is held 10 s.
    const s = scenario("stall=1;stallms=10000;faultafter=1");
    const ac = new AbortController();
    const run = s.gc().queryOrganizationUsage(ORG, { signal: ac.signal });
    await sleep(1000);
    const t0 = Date.now();
    ac.abort();
    await rejects(run, "aborted");
    assert.ok(Date.now() - t0 < 1000, "not the 9 s left of the held answer");
    await sleep(1500);
    const st = await s.stats();
    assert.deepEqual([st.stalled, st.clientAborts, st.requests], [1, 1, 2]);
  });

  test("bad input is refused and nothing reaches the server", async () => {
    const s = scenario("");
    const c = s.gc();
    await rejects(c.queryOrganizationUsage({ interval: "2026-05-08/2026-05-01" }), "invalidInput");
    await rejects(c.simpleSearch({ interval: WEEK }, { pageSize: 0 }), "invalidInput");
    await rejects(c.queryClientUsage("../../tokens/me", { interval: WEEK }), "invalidInput");
    await rejects(s.te().testUnitsUsage({ aid: "12; DROP" }), "invalidInput");
    assert.equal((await s.stats()).requests, 0);
  });

  test("rows pass through as the vendor sent them: unknown fields and empty strings survive", async () => {
    const s = scenario("unknown=1");
    const r = await s.gc().queryOrganizationUsage({ interval: WEEK, groupBy: ["OAuthClientId"] });
    const row = r.results[0];
    assert.deepEqual(row.fromTheFuture, { kind: "new", values: [1, ""] });
    assert.equal(row.templateUri, "", "a dimension not grouped by stays \"\"");
    const te = await s.te().testUnitsUsage({});
    assert.deepEqual(te.breakdowns[0].fromTheFuture, { kind: "new", values: [1, ""] });
  });
});
