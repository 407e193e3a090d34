// The packed npm package, installed like a user would, called from Node 20
// against the simulator server (SIM_URL, started by `make test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { initSync, GenesysClient, ThousandEyesClient } from "usage-lens";

const SIM = process.env.SIM_URL;
assert.ok(SIM, "SIM_URL must point at the simulator server");
initSync({ module: await readFile(new URL(import.meta.resolve("usage-lens/usage_lens_bg.wasm"))) });

const TOKEN = "node-test-token";
let n = 0;
/** A base URL with a fresh simulator scenario. */
const base = (scenario = "") => `${SIM}/_s/id=node${++n};exec=300${scenario ? ";" + scenario : ""}`;
const gc = (scenario) => new GenesysClient({ baseUrl: base(scenario), accessToken: TOKEN });
const te = (scenario) => new ThousandEyesClient({ baseUrl: base(scenario), accessToken: TOKEN });

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

const week = "2026-05-01T00:00:00Z/2026-05-08T00:00:00Z";
const recent = () => {
  const end = new Date(Date.now() - 86400000);
  const start = new Date(end.getTime() - 14 * 86400000);
  const day = (d) => d.toISOString().slice(0, 10);
  return `${day(start)}T00:00:00Z/${day(end)}T00:00:00Z`;
};

test("queryOrganizationUsage resolves a complete result and reports progress", async () => {
  const seen = [];
  const r = await gc().queryOrganizationUsage(
    { interval: week, granularity: "Day", groupBy: ["OAuthClientId"] },
    { onProgress: (p) => seen.push(p) },
  );
  assert.equal(r.queryStatus, "Complete");
  assert.ok(r.results.length > 0);
  assert.ok(r.results.every((row) => typeof row.requests === "number"));
  assert.deepEqual([...new Set(seen.map((p) => p.phase))].sort(), ["done", "submitting", "waiting"]);
  assert.ok(seen.at(-1).polls >= 1);
});

test("queryClientUsage and clientUsageSummary poll the client's execution", async () => {
  const c = gc();
  const q = await c.queryClientUsage("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa", { interval: week, groupBy: ["TemplateUri"] });
  assert.equal(q.queryStatus, "Complete");
  const s = await c.clientUsageSummary("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa", 7);
  assert.equal(s.queryStatus, "Complete");
  const d = await c.clientUsageSummary("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa");
  assert.equal(d.queryStatus, "Complete");
});

test("simpleSearch concatenates every page", async () => {
  const seen = [];
  const r = await gc("rows=2500").simpleSearch({ interval: week }, { onProgress: (p) => seen.push(p) });
  assert.equal(r.results.length, 2500);
  assert.equal(seen.at(-1).pages, 3);
  assert.ok(!r.capped);
});

test("aggregatesQuery and clientAggregatesQuery merge every page", async () => {
  const c = gc();
  const r = await c.aggregatesQuery({ interval: recent(), granularity: "Day", groupBy: ["OauthClientId"] }, { pageSize: 50 });
  assert.equal(r.queryStatus, "Succeeded");
  assert.ok(r.entities.length > 50, `${r.entities.length} rows over several pages`);
  assert.equal(r.nextUri, undefined);
  const cr = await c.clientAggregatesQuery("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa", { interval: recent(), groupBy: ["TemplateUri"] });
  assert.equal(cr.queryStatus, "Succeeded");
});

test("a year of jobs by month runs as several jobs, each month once, oldest first", async () => {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  // The lookback is a year to the second: start at the next midnight after it.
  const start = day(Date.now() - 364 * 86400000);
  const interval = `${start}T00:00:00Z/${day(Date.now() - 86400000)}T23:59:59Z`;
  const seen = [];
  const r = await gc().aggregatesQuery(
    { interval, granularity: "Month", groupBy: ["OauthClientId"] },
    { onProgress: (p) => seen.push(p) },
  );
  assert.equal(r.queryStatus, "Succeeded");
  assert.ok(r.parts.total >= 5, `${r.parts.total} jobs`);
  assert.equal(r.parts.summed, false);
  const keys = r.entities.map((e) => `${e.date} ${e.oauthClient?.id}`);
  assert.equal(new Set(keys).size, keys.length, "no month comes twice for a client");
  const months = [...new Set(r.entities.map((e) => e.date.slice(0, 7)))];
  assert.deepEqual(months, [...months].sort(), "oldest first");
  assert.ok(months.length >= 12, `${months.length} months`);
  const last = seen.at(-1);
  assert.equal(last.phase, "done");
  assert.equal(last.partsDone, r.parts.total);
  assert.equal(last.partsTotal, r.parts.total);
  await rejects(gc().aggregatesQuery({ interval }, { partsAtOnce: 0 }), "invalidInput");
});

test("ThousandEyes: usage, units (merged) and quotas", async () => {
  const c = te("tests=120;tepage=50");
  const u = await c.usage({ expand: ["test", "enterprise-agent-unit"] });
  assert.ok(u.usage.quota.cloudUnitsIncluded >= 1);
  assert.ok(u.usage.tests.length > 0);
  const t = await c.testUnitsUsage({ startDate: "2026-05-01T00:00:00Z", endDate: "2026-05-15T00:00:00Z" });
  assert.equal(t.breakdowns.length, 120);
  const a = await c.enterpriseAgentUnitsUsage({ startDate: "2026-05-01T00:00:00Z" });
  assert.ok(a.breakdowns.length > 0);
  const q = await c.quotas();
  assert.ok(Array.isArray(q.quotas));
  const plain = await c.usage();
  assert.ok(plain.usage);
});

test("64-bit counters arrive as exact numbers", async () => {
  const u = await te().usage();
  // The simulator's quota is the reference's 4,320,000,000: more than 32 bits, exact in JS.
  assert.equal(u.usage.quota.cloudUnitsIncluded, 4_320_000_000);
});

test("invalid input is refused before any request", async () => {
  const c = gc();
  await rejects(c.queryOrganizationUsage({ interval: week, granularity: "Hour" }), "invalidInput");
  await rejects(c.queryOrganizationUsage({ interval: "2026-05-08/2026-05-01" }), "invalidInput");
  await rejects(c.queryOrganizationUsage({ interval: 42 }), "invalidInput");
  await rejects(c.queryOrganizationUsage(null), "invalidInput");
  await rejects(c.queryOrganizationUsage({ interval: "2026-05-01/".padEnd(2_000_000, "9") }), "invalidInput");
  await rejects(c.queryOrganizationUsage({ interval: week, metrics: ["Requests", 7] }), "invalidInput");
  await rejects(c.queryClientUsage("x".repeat(100_000), { interval: week }), "invalidInput");
  await rejects(c.simpleSearch({ interval: week, oauthClientNames: [""] }), "invalidInput");
  await rejects(c.queryOrganizationUsage({ interval: week, groupby: [] }), "invalidInput");
  await rejects(c.simpleSearch({ interval: week }, { pageSize: 5000 }), "invalidInput");
  await rejects(c.simpleSearch({ interval: week }, { pagesize: 10 }), "invalidInput");
  await rejects(c.queryClientUsage("../../tokens/me", { interval: week }), "invalidInput");
  await rejects(c.clientUsageSummary("abc", 1.5), "invalidInput");
  await rejects(c.clientUsageSummary("abc", 0), "invalidInput");
  await rejects(te().testUnitsUsage({ startDate: "2026-05-01" }), "invalidInput");
  await rejects(te().usage({ expand: ["tests"] }), "invalidInput");
  await rejects(te().usage({ aid: "12; DROP" }), "invalidInput");
  assert.throws(() => new GenesysClient({ region: "mypurecloud.com", accessToken: "" }), (e) => e.kind === "invalidInput");
  assert.throws(() => new GenesysClient({ region: "nowhere.example", accessToken: "t" }), (e) => e.kind === "invalidInput");
  assert.throws(() => new ThousandEyesClient({ accessToken: "t", baseUrl: "http://evil.example" }), (e) => e.kind === "invalidInput");
});

test("vendor errors map to their kinds", async () => {
  const bad = new GenesysClient({ baseUrl: base(), accessToken: "invalid-token" });
  const e401 = await rejects(bad.queryOrganizationUsage({ interval: week }), "unauthorized");
  assert.equal(e401.status, 401);
  assert.equal(e401.vendor, "genesys");
  const e403 = await rejects(gc("deny=1").queryOrganizationUsage({ interval: week }), "forbidden");
  assert.match(e403.message, /usage:organization:view/);
  const e429 = await rejects(gc("r429=50;ra=1;wait=0").queryOrganizationUsage({ interval: week }), "rateLimited");
  assert.equal(e429.retryAfterMs, 0);
  await rejects(gc("e5xx=50").queryOrganizationUsage({ interval: week }, { timeoutMs: 4000 }), "server");
  await rejects(gc("fail=1").queryOrganizationUsage({ interval: week }), "queryFailed");
  const e404 = await rejects(new GenesysClient({ baseUrl: `${SIM}/no-such-api`, accessToken: TOKEN }).queryOrganizationUsage({ interval: week }), "notFound");
  assert.equal(e404.status, 404);
  // The server refuses what the library lets through: a body over its size limit.
  const e413 = await rejects(gc().simpleSearch({ interval: week, templateUris: ["/api/v2/" + "x".repeat(600_000)] }), "http");
  assert.equal(e413.status, 413);
  assert.equal(e413.details?.code, "request.entity.too.large", "the vendor's error body is attached");
  await rejects(gc("html=1").queryOrganizationUsage({ interval: week }), "decode");
  await rejects(new GenesysClient({ baseUrl: "http://127.0.0.1:9", accessToken: TOKEN }).queryOrganizationUsage({ interval: week }, { timeoutMs: 4000 }), "network");
  const te401 = await rejects(new ThousandEyesClient({ baseUrl: base(), accessToken: "invalid" }).quotas(), "unauthorized");
  assert.equal(te401.vendor, "thousandeyes");
});

test("timeoutMs ends a query that never finishes", async () => {
  const t0 = Date.now();
  await rejects(gc("never=1").queryOrganizationUsage({ interval: week }, { timeoutMs: 1500 }), "timeout");
  assert.ok(Date.now() - t0 < 4000);
});

test("an AbortSignal stops the run at once", async () => {
  const ac = new AbortController();
  const p = gc("never=1").queryOrganizationUsage({ interval: week }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 1200);
  const t0 = Date.now();
  await rejects(p, "aborted");
  assert.ok(Date.now() - t0 < 2000);
  const already = new AbortController();
  already.abort();
  await rejects(gc().queryOrganizationUsage({ interval: week }, { signal: already.signal }), "aborted");
});

test("rows fetched before a failure are kept on the error", async () => {
  // The token stops working after the submit, a poll and two pages.
  const e = await rejects(gc("rows=5000;expire=4").simpleSearch({ interval: week }), "unauthorized");
  assert.ok(e.partial, "partial result attached");
  assert.ok(e.partial.results.length >= 1000, `${e.partial.results.length} rows kept`);
});
