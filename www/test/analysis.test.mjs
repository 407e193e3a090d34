// The analysis of the packed npm package from Node: forecast, overview,
// evaluateRules, defaultRules, toPrometheus and overviewCsv, on series and
// rows with known answers, and on the simulator's ThousandEyes answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import {
  initSync,
  forecast,
  overview,
  evaluateRules,
  defaultRules,
  toPrometheus,
  overviewCsv,
  overviewQueries,
  ThousandEyesClient,
} from "usage-lens";

const SIM = process.env.SIM_URL;
assert.ok(SIM, "SIM_URL must point at the simulator server");
initSync({ module: await readFile(new URL(import.meta.resolve("usage-lens/usage_lens_bg.wasm"))) });

function throwsInvalid(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, "UsageLensError");
    assert.equal(e.kind, "invalidInput", e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

// Busy weekdays, quiet weekends, Monday first.
const WEEK = [1200, 1150, 1100, 1120, 980, 210, 160];
const weeks = (n) => Array.from({ length: 7 * n }, (_, i) => WEEK[i % 7]);

test("forecast: a weekly series gives a weekly forecast with an 80 % band", () => {
  const f = forecast(weeks(4), 14);
  assert.equal(f.method, "seasonalDampedTrend");
  assert.equal(f.start, 28);
  assert.equal(f.intervalLevel, 0.8);
  assert.deepEqual(f.mean, [...WEEK, ...WEEK], "next Monday is busy again, the weekend quiet");
  assert.equal(f.lower.length, 14);
  assert.equal(f.upper.length, 14);
  f.mean.forEach((m, i) => assert.ok(f.lower[i] <= m && m <= f.upper[i], `day ${i} inside its band`));
  assert.deepEqual(Object.keys(f).sort(), ["intervalLevel", "lower", "mean", "method", "start", "upper"]);
});

test("forecast: a noisy weekly series keeps its weekend dip and widens with the horizon", () => {
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
  const values = weeks(10).map((v) => Math.round(v * (1 + noise())));
  const f = forecast(values, 28, { intervalLevel: 0.9 });
  assert.equal(f.method, "seasonalDampedTrend");
  assert.equal(f.intervalLevel, 0.9);
  // values end on a Sunday: mean[0] is a Monday, mean[5] a Saturday.
  assert.ok(f.mean[0] > 3 * f.mean[5], `Monday ${f.mean[0]} vs Saturday ${f.mean[5]}`);
  const width = (i) => f.upper[i] - f.lower[i];
  assert.ok(width(27) >= width(6) * 0.99, "the band does not narrow four weeks out");
  assert.ok(f.lower.every((l) => l >= 0));
});

test("forecast: short series say their fallback method", () => {
  const naive = forecast(weeks(1).concat([1190, 1160]), 7);
  assert.equal(naive.method, "seasonalNaive");
  // Nine days end on a Tuesday: Wednesday is forecast as last Wednesday.
  assert.equal(naive.mean[0], WEEK[2]);
  const mean = forecast([10, 20, 30], 3);
  assert.equal(mean.method, "mean");
  assert.deepEqual(mean.mean, [20, 20, 20]);
  assert.equal(forecast([5, 6, 5, 6, 5, 6, 5, 6, 5, 6], 2, { seasonalPeriod: 0 }).method, "dampedTrend");
  assert.deepEqual(forecast([1, 2, 3], 0).mean, []);
});

test("forecast: NaN (or null) is a missing day, not a zero", () => {
  const values = weeks(4);
  values[15] = NaN;
  values[16] = null;
  const f = forecast(values, 7);
  assert.equal(f.method, "seasonalDampedTrend");
  assert.deepEqual(f.mean, WEEK, "two missing weekdays do not pull the level down");
  const typed = forecast(Float64Array.from(weeks(3)), 7);
  assert.deepEqual(typed.mean, WEEK, "a Float64Array works as an array");
  const partial = forecast([...weeks(3), 300], 2, { lastIsPartial: true });
  assert.equal(partial.start, 21, "the partial day is forecast, not fitted");
  assert.ok(partial.mean[0] >= 300);
});

test("forecast: bad input throws invalidInput before anything is computed", () => {
  throwsInvalid(() => forecast([1, -2, 3], 2), /value 1 is -2/);
  throwsInvalid(() => forecast([1, Infinity], 2));
  throwsInvalid(() => forecast([1, "2"], 2), /values\[1\] is not a number/);
  throwsInvalid(() => forecast("1,2,3", 2), /array of numbers/);
  throwsInvalid(() => forecast(undefined, 2));
  throwsInvalid(() => forecast([1, 2], 1.5), /horizon/);
  throwsInvalid(() => forecast([1, 2], -1), /horizon/);
  throwsInvalid(() => forecast([1, 2], "7"), /horizon/);
  throwsInvalid(() => forecast([1, 2], 100_000), /at most 3660/);
  throwsInvalid(() => forecast([1, 2], 2, { intervalLevel: 1 }), /intervalLevel/);
  throwsInvalid(() => forecast([1, 2], 2, { seasonalPeriods: 7 }), /seasonalPeriods/);
  throwsInvalid(() => forecast([1, 2], 2, { seasonalPeriod: 1000 }), /seasonalPeriod/);
});

// ---------------------------------------------------------------- overview

test("overviewQueries: nine weeks of Genesys days by client, ThousandEyes usage with tests", () => {
  assert.deepEqual(overviewQueries("2026-12-10"), {
    genesys: { interval: "2026-10-08T00:00:00Z/2026-12-10T00:00:00Z", granularity: "Day", groupBy: ["OAuthClientId"] },
    thousandEyesUsage: { expand: ["test"] },
  });
  assert.equal(overviewQueries("2026-12-10T23:59:00Z").genesys.interval, "2026-10-08T00:00:00Z/2026-12-10T00:00:00Z");
  throwsInvalid(() => overviewQueries("tomorrow"));
  throwsInvalid(() => overviewQueries(20261210), /today/);
});

/** Rows as queryOrganizationUsage returns them: one per day and client. */
function rows(today, days, clients) {
  const out = [];
  const t = Date.parse(`${today}T00:00:00Z`);
  for (let d = days; d >= 1; d--) {
    const date = new Date(t - d * 86400000).toISOString().replace(".000Z", "Z");
    for (const [name, requests, status429] of clients) {
      out.push({ clientId: `id-${name}`, clientName: name, date, requests, status200: requests - status429, status429 });
    }
  }
  return out;
}

// 63 flat days before the 10th of December: month so far is 9 days.
const TODAY = "2026-12-10";
const ROWS = rows(TODAY, 63, [["CRM sync", 1000, 10], ["Wallboard", 500, 100]]);

test("overview: the month so far, the projection and the overage of flat usage", () => {
  const o = overview({ today: TODAY, genesysRows: ROWS, allowance: { requests: 40_000 } });
  assert.equal(o.today, TODAY);
  assert.equal(o.thousandeyes, null);
  const g = o.genesys;
  assert.equal(g.requests, 63 * 1500);
  assert.equal(g.status429, 63 * 110);
  const m = g.month;
  assert.equal(m.month, "2026-12");
  assert.equal(m.daysInMonth, 31);
  assert.equal(m.daysCounted, 9);
  assert.equal(m.monthToDate, 9 * 1500);
  assert.equal(m.days.length, 31);
  assert.equal(Math.round(m.projected), 31 * 1500);
  assert.equal(m.allowance, 40_000);
  assert.equal(Math.round(m.overage), 31 * 1500 - 40_000);
  assert.ok(Math.abs(m.shareOfAllowance - 46_500 / 40_000) < 1e-6);
  assert.deepEqual(g.clients.map((c) => [c.client, c.requests, c.status429]), [
    ["CRM sync", 63_000, 630],
    ["Wallboard", 31_500, 6_300],
  ]);
  assert.ok(Math.abs(g.clients[1].share429 - 0.2) < 1e-9);
  const licences = overview({ today: TODAY, genesysRows: ROWS, allowance: { licences: 4, perLicence: 10_000 } });
  assert.equal(licences.genesys.month.allowance, 40_000);
});

test("evaluateRules: the default rules flag the 429 share and the allowance", () => {
  const o = overview({ today: TODAY, genesysRows: ROWS, allowance: { requests: 40_000 } });
  const rules = defaultRules();
  assert.deepEqual(rules.map((r) => r.kind), ["share429", "monthAllowance", "spike", "unitsQuota", "groupQuota"]);
  const fired = evaluateRules(o);
  assert.deepEqual(fired, evaluateRules(o, rules), "rules default to defaultRules()");
  assert.deepEqual(fired.map((f) => f.ruleId).sort(), ["429-share", "month-allowance"]);
  const share = fired.find((f) => f.ruleId === "429-share");
  assert.equal(share.who, "Wallboard");
  assert.equal(share.vendor, "genesys");
  assert.ok(Math.abs(share.value - 20) < 1e-9, `value ${share.value} %`);
  assert.equal(share.threshold, 2);
  assert.ok(share.advice.length > 0 && share.what.length > 0 && share.by.length > 0);
  const allowance = fired.find((f) => f.ruleId === "month-allowance");
  assert.ok(Math.abs(allowance.value - 116.25) < 0.01, `value ${allowance.value} %`);
  // Under the allowance and with a high 429 threshold, nothing fires.
  const calm = overview({ today: TODAY, genesysRows: ROWS, allowance: { requests: 100_000 } });
  assert.deepEqual(evaluateRules(calm, [{ id: "429", kind: "share429", threshold: 25 }]), []);
  // A disabled rule never fires.
  assert.deepEqual(evaluateRules(o, [{ id: "429", kind: "share429", threshold: 2, enabled: false }]), []);
});

test("bad overview input and bad rules throw invalidInput", () => {
  throwsInvalid(() => overview({ today: "yesterday" }));
  throwsInvalid(() => overview({ today: TODAY, allowance: { requests: 0 } }), /allowance/);
  throwsInvalid(() => overview({ today: TODAY, genesysrows: [] }), /genesysrows/);
  throwsInvalid(() => overview({ today: TODAY, genesysRows: [{ requests: "many" }] }), /genesysRows\[0\]\.requests/);
  throwsInvalid(() => overview(null));
  const o = overview({ today: TODAY, genesysRows: ROWS });
  throwsInvalid(() => evaluateRules(o, [{ id: "a", kind: "share429", threshold: 0 }]), /threshold/);
  throwsInvalid(() => evaluateRules(o, [{ id: "a", kind: "share429", threshold: 2 }, { id: "a", kind: "spike", threshold: 3 }]));
  throwsInvalid(() => evaluateRules(o, [{ id: "a", kind: "quota", threshold: 2 }]), /kind/);
  throwsInvalid(() => evaluateRules(o, [{ id: "a", kind: "spike", threshold: 3, treshold: 4 }]), /treshold/);
  throwsInvalid(() => evaluateRules({ today: TODAY, genesys: 5 }), /genesys/);
  throwsInvalid(() => toPrometheus(o, [{ ruleId: "x" }]));
});

test("toPrometheus and overviewCsv carry the overview's figures", () => {
  const o = overview({ today: TODAY, genesysRows: ROWS, allowance: { requests: 40_000 } });
  const fired = evaluateRules(o);
  const text = toPrometheus(o, fired);
  assert.match(text, /^# HELP usage_lens_/m);
  assert.match(text, /^# TYPE usage_lens_genesys_month_to_date_requests gauge$/m);
  assert.match(text, /^usage_lens_genesys_month_to_date_requests\{month="2026-12"\} 13500$/m);
  assert.match(text, /^usage_lens_genesys_month_projected_requests\{month="2026-12",bound="mean"\} 46500$/m);
  assert.match(text, /^usage_lens_genesys_month_allowance_requests\{month="2026-12"\} 40000$/m);
  assert.match(text, /^usage_lens_genesys_client_requests\{client="Wallboard"\} 31500$/m);
  assert.match(text, /^usage_lens_rule_fired\{rule="429-share",kind="share429",vendor="genesys",who="Wallboard",severity="critical"\} 1$/m);
  assert.match(text, /^usage_lens_rules_fired 2$/m);
  // Fetched whole just now: Genesys is up, its last success within a minute.
  assert.match(text, /^usage_lens_up\{vendor="genesys"\} 1$/m);
  const last = Number(text.match(/^usage_lens_last_success_timestamp_seconds\{vendor="genesys"\} (\S+)$/m)[1]);
  assert.ok(Math.abs(last - Date.now() / 1000) < 60, `${last}`);
  assert.match(text, /^usage_lens_build_info\{version="[^"]+"\} 1$/m);
  assert.ok(text.endsWith("\n"));
  const csv = overviewCsv(o);
  const lines = csv.trim().split(/\r?\n/);
  assert.equal(lines[0], "vendor,section,who,measure,value");
  assert.ok(lines.length > 5);
  assert.ok(lines.every((l) => l.split(",").length >= 5), "five columns per line");
  assert.ok(lines.some((l) => l.startsWith("genesys,") && l.includes("13500")), "month to date in the CSV");
});

test("overview of the simulator's ThousandEyes usage and quotas", async () => {
  const te = new ThousandEyesClient({ baseUrl: `${SIM}/_s/id=analysis-te`, accessToken: "analysis-token" });
  const [usage, quotas] = await Promise.all([te.usage({ expand: ["test"] }), te.quotas()]);
  const o = overview({ today: new Date().toISOString(), thousandEyesUsage: usage, quotas });
  assert.equal(o.genesys, null);
  const u = o.thousandeyes;
  assert.equal(u.cloud.used, usage.usage.cloudUnitsUsed);
  assert.equal(u.cloud.vendorProjected, usage.usage.cloudUnitsProjected);
  assert.equal(u.cloud.included, usage.usage.quota.cloudUnitsIncluded);
  const byTests = usage.usage.tests.reduce((s, t) => s + (t.cloudUnitsUsed ?? 0), 0);
  assert.equal(u.groups.reduce((s, g) => s + g.used, 0), byTests, "groups add up to the tests");
  const text = toPrometheus(o, evaluateRules(o));
  assert.match(text, /^usage_lens_thousandeyes_units_used\{kind="cloud"\} \d+$/m);
});
