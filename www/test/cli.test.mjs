// `npx usage-lens check`, the package's bin as installed in www/, against
// the simulator server (SIM_URL): exit codes, outputs that parse, tokens that
// never show, and the Prometheus text read by the official Python client's
// parser (USAGE_LENS_PYTHON, the venv of scripts/venv.sh; `make test` sets it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIM = process.env.SIM_URL;
assert.ok(SIM, "SIM_URL must point at the simulator server");
const PYTHON = process.env.USAGE_LENS_PYTHON;
assert.ok(PYTHON, "USAGE_LENS_PYTHON must name the venv's python (scripts/venv.sh)");
const BIN = fileURLToPath(new URL("../node_modules/.bin/usage-lens", import.meta.url));

const GENESYS_TOKEN = "gc-Token-4f9a1c7e-do-not-print";
const TE_TOKEN = "te-Token-8b2d6e0a-do-not-print";
let n = 0;
const base = (scenario = "") => `${SIM}/_s/id=cli${++n};exec=300${scenario ? ";" + scenario : ""}`;

/** The environment of a job with both vendors on the simulator. */
function both(genesys = "", te = "") {
  return {
    USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN,
    USAGE_LENS_GENESYS_BASE_URL: base(genesys),
    USAGE_LENS_TE_TOKEN: TE_TOKEN,
    USAGE_LENS_TE_BASE_URL: base(te),
  };
}

/** Both vendors on a port where nothing listens: a request sent would fail as `network`. */
const NOWHERE = {
  USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN,
  USAGE_LENS_GENESYS_BASE_URL: "http://127.0.0.1:9",
  USAGE_LENS_TE_TOKEN: TE_TOKEN,
  USAGE_LENS_TE_BASE_URL: "http://127.0.0.1:9",
};

/** Runs the bin; resolves { code, stdout, stderr } and checks no token leaked. */
function run(args, env = {}) {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("USAGE_LENS_") && !k.startsWith("GENESYSCLOUD_")));
    execFile(BIN, args, { env: { ...clean, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      for (const token of [GENESYS_TOKEN, TE_TOKEN, ...Object.values(env).filter((v) => /token/i.test(v))]) {
        for (const [name, text] of [["stdout", stdout], ["stderr", stderr]]) {
          assert.ok(!text.includes(token), `the token ${token} appears in ${name} of ${args.join(" ")}:\n${text}`);
        }
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails when either token, or a tell-tale piece of one, is in `text`. */
function assertNoToken(text, where) {
  for (const token of [GENESYS_TOKEN, TE_TOKEN]) {
    for (const piece of [token, token.slice(0, 12), encodeURIComponent(token), Buffer.from(token).toString("base64")]) {
      assert.ok(!text.includes(piece), `the token ${token} appears in ${where}`);
    }
  }
}

function expectCode(r, code) {
  assert.equal(r.code, code, `exit ${r.code}, expected ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

let dir;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "usage-lens-cli-"));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rulesFile(name, content) {
  const path = join(dir, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

test("a rule that fires: exit 1, the table names it, JSON lists it", async () => {
  const table = await run(["check", "--allowance", "1000000"], both());
  expectCode(table, 1);
  assert.match(table.stdout, /^Genesys Cloud \d{4}-\d{2}: [\d,]+ requests so far, [\d,]+ projected of an allowance of 1,000,000\.$/m);
  assert.match(table.stdout, /^ThousandEyes: [\d,]+ cloud units used/m);
  assert.match(table.stdout, /^\d+ rules? fired:$/m);
  assert.match(table.stdout, /^SEVERITY\s+VENDOR\s+RULE\s+WHO\s+BY$/m);
  assert.match(table.stdout, /^critical\s+genesys\s+month-allowance\s+organization\s+[\d.]+ % of the allowance/m);
  assert.equal(table.stderr, "");

  const json = await run(["check", "--licences", "10", "--per-licence", "100000", "--format", "json"], both());
  expectCode(json, 1);
  const answer = JSON.parse(json.stdout);
  assert.match(answer.today, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(answer.fired.length >= 1);
  const allowance = answer.fired.find((f) => f.ruleId === "month-allowance");
  assert.ok(allowance, "a million requests a month is below the simulator's usage");
  assert.equal(allowance.vendor, "genesys");
  for (const f of answer.fired) {
    for (const key of ["ruleId", "kind", "severity", "vendor", "who", "what", "by", "advice"]) assert.equal(typeof f[key], "string", key);
    assert.ok(f.value > f.threshold, `${f.ruleId} fired above its threshold`);
  }
});

test("no rule fires: exit 0", async () => {
  const calm = await rulesFile("calm.json", [
    { id: "429", kind: "share429", threshold: 100 },
    { id: "allowance", kind: "monthAllowance", threshold: 10_000 },
  ]);
  const r = await run(["check", "--rules", calm, "--allowance", "1000000"], both());
  expectCode(r, 0);
  assert.match(r.stdout, /^No rule fired\.$/m);
  const json = await run(["check", "--rules", calm, "--format", "json"], both());
  expectCode(json, 0);
  assert.deepEqual(JSON.parse(json.stdout).fired, []);
});

test("one vendor is enough: ThousandEyes alone", async () => {
  const calm = await rulesFile("te-calm.json", [{ id: "units", kind: "unitsQuota", threshold: 10_000 }]);
  const r = await run(["check", "--rules", calm, "--format", "json", "--out", join(dir, "te.json")], {
    USAGE_LENS_TE_TOKEN: TE_TOKEN,
    USAGE_LENS_TE_BASE_URL: base(),
  });
  expectCode(r, 0);
  const text = await readFile(join(dir, "te.json"), "utf8");
  assertNoToken(text, "the --out JSON file");
  const saved = JSON.parse(text);
  assert.equal(saved.overview.genesys, null);
  assert.ok(saved.overview.thousandeyes.cloud.used > 0);
});

test("--out writes the answer as JSON or CSV, with no token in either", async () => {
  const jsonPath = join(dir, "answer.json");
  const r = await run(["check", "--allowance", "1000000", "--out", jsonPath, "--format", "json"], both());
  expectCode(r, 1);
  const jsonText = await readFile(jsonPath, "utf8");
  assertNoToken(jsonText, "the --out JSON file");
  const saved = JSON.parse(jsonText);
  assert.deepEqual(saved.fired, JSON.parse(r.stdout).fired, "the file holds what was printed");
  assert.equal(saved.overview.genesys.month.allowance, 1_000_000);
  assert.ok(saved.overview.genesys.clients.length > 3);
  assert.ok(saved.overview.thousandeyes.groups.length > 0);

  const csvPath = join(dir, "answer.csv");
  expectCode(await run(["check", "--out", csvPath], both()), 1);
  const csvText = await readFile(csvPath, "utf8");
  assertNoToken(csvText, "the --out CSV file");
  const rows = parseCsv(csvText);
  assert.deepEqual(rows[0], ["vendor", "section", "who", "measure", "value"]);
  assert.ok(rows.length > 20);
  for (const row of rows.slice(1)) {
    assert.equal(row.length, 5, `five fields: ${row.join("|")}`);
    assert.ok(["genesys", "thousandeyes"].includes(row[0]), row[0]);
    assert.ok(row[4] === "" || Number.isFinite(Number(row[4])), `a number: ${row[4]}`);
  }
  assert.ok(rows.some((r) => r[0] === "thousandeyes"), "both vendors in the CSV");
});

test("--format prometheus parses with prometheus_client and matches the fired rules", async () => {
  const r = await run(["check", "--allowance", "1000000", "--format", "prometheus"], both());
  expectCode(r, 1);
  const families = await parsePrometheus(r.stdout);
  const byName = Object.fromEntries(families.map((f) => [f.name, f]));
  for (const name of [
    "usage_lens_genesys_client_requests",
    "usage_lens_genesys_client_429_responses",
    "usage_lens_genesys_client_429_ratio",
    "usage_lens_genesys_month_to_date_requests",
    "usage_lens_genesys_month_projected_requests",
    "usage_lens_genesys_month_allowance_requests",
    "usage_lens_thousandeyes_units_used",
    "usage_lens_rule_fired",
    "usage_lens_up",
    "usage_lens_last_success_timestamp_seconds",
    "usage_lens_build_info",
  ]) {
    assert.ok(byName[name], `${name} in ${families.map((f) => f.name).join(", ")}`);
    assert.equal(byName[name].type, "gauge", name);
  }
  assert.equal(byName.usage_lens_genesys_month_allowance_requests.samples[0].value, 1_000_000);
  assert.deepEqual(byName.usage_lens_up.samples.map((s) => [s.labels.vendor, s.value]).sort(), [["genesys", 1], ["thousandeyes", 1]]);
  const clients = byName.usage_lens_genesys_client_requests.samples;
  assert.ok(clients.length > 3 && clients.every((s) => s.labels.client && s.value >= 0));
  const json = JSON.parse((await run(["check", "--allowance", "1000000", "--format", "json"], both())).stdout);
  const fired = byName.usage_lens_rule_fired.samples;
  assert.deepEqual(
    fired.map((s) => `${s.labels.rule}/${s.labels.who}`).sort(),
    json.fired.map((f) => `${f.ruleId}/${f.who}`).sort(),
    "one gauge per fired rule",
  );
  assert.ok(fired.every((s) => s.value === 1));
});

test("bad arguments: exit 2 with a message, before any request", async () => {
  const cases = [
    [["check", "--frobnicate"], /--frobnicate/],
    [["check", "--token", "abc-secret-xyz"], /tokens are never taken from arguments/],
    [["check", `--token=${GENESYS_TOKEN}`], /USAGE_LENS_GENESYS_TOKEN/],
    [["check", "--access-token", "abc"], /never taken from arguments/],
    [["check", "--format", "xml"], /--format must be table, json or prometheus/],
    [["check", "--allowance", "lots"], /--allowance must be a whole number/],
    [["check", "--allowance", "0"], /--allowance must be a whole number above 0/],
    [["check", "--allowance", "5", "--licences", "3", "--per-licence", "4"], /not both/],
    [["check", "--licences", "3"], /go together/],
    [["check", "--out", "answer.txt"], /\.json or a \.csv/],
    [["check", "--timeout-ms", "soon"], /--timeout-ms/],
    [[], /usage-lens check/],
    [["verify"], /unknown command/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args, NOWHERE);
    expectCode(r, 2);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /^usage-lens: /);
    assert.equal(r.stdout, "");
    assert.ok(!r.stderr.includes("abc-secret-xyz"), "a token given as an argument is not echoed");
  }
  const help = await run(["--help"]);
  expectCode(help, 0);
  assert.match(help.stdout, /USAGE_LENS_GENESYS_TOKEN/);
  assert.match(help.stdout, /--format table\|json\|prometheus/);
});

test("bad rules files: exit 2, before any request", async () => {
  const cases = [
    [await rulesFile("broken.json", "[{"), /not JSON/],
    [await rulesFile("zero.json", [{ id: "a", kind: "share429", threshold: 0 }]), /threshold/],
    [await rulesFile("kind.json", [{ id: "a", kind: "quota", threshold: 5 }]), /kind/],
    [join(dir, "missing.json"), /cannot read the rules file .*ENOENT/],
  ];
  for (const [path, message] of cases) {
    const r = await run(["check", "--rules", path], NOWHERE);
    expectCode(r, 2);
    assert.match(r.stderr, message, path);
  }
});

test("environment problems: exit 2", async () => {
  const none = await run(["check"], {});
  expectCode(none, 2);
  assert.match(none.stderr, /nothing to check/);
  const noRegion = await run(["check"], { USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN });
  expectCode(noRegion, 2);
  assert.match(noRegion.stderr, /USAGE_LENS_GENESYS_REGION/);
  const noToken = await run(["check"], { USAGE_LENS_TE_BASE_URL: base() });
  expectCode(noToken, 2);
  assert.match(noToken.stderr, /USAGE_LENS_TE_TOKEN is not/);
  const badRegion = await run(["check"], { USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN, USAGE_LENS_GENESYS_REGION: "nowhere.example" });
  expectCode(badRegion, 2);
  assert.match(badRegion.stderr, /invalidInput.*unknown region/);
});

test("failed queries: an unreachable server, a 401, a 403: exit 2 naming the vendor", async () => {
  const unreachable = await run(["check", "--timeout-ms", "5000"], {
    USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN,
    USAGE_LENS_GENESYS_BASE_URL: "http://127.0.0.1:9",
  });
  expectCode(unreachable, 2);
  assert.match(unreachable.stderr, /^usage-lens: Genesys Cloud: network/m);

  const expired = "invalid-Token-31c5-do-not-print";
  const unauthorized = await run(["check"], {
    USAGE_LENS_GENESYS_TOKEN: expired,
    USAGE_LENS_GENESYS_BASE_URL: base(),
    USAGE_LENS_TE_TOKEN: TE_TOKEN,
    USAGE_LENS_TE_BASE_URL: base(),
  });
  expectCode(unauthorized, 2);
  assert.match(unauthorized.stderr, /^usage-lens: Genesys Cloud: unauthorized \(HTTP 401\)/m);
  assert.equal(unauthorized.stdout, "", "no partial answer is printed");

  const denied = await run(["check"], both("", "deny=1"));
  expectCode(denied, 2);
  assert.match(denied.stderr, /^usage-lens: ThousandEyes: forbidden \(HTTP 403\)/m);

  const slow = await run(["check", "--timeout-ms", "1500"], both("never=1"));
  expectCode(slow, 2);
  assert.match(slow.stderr, /Genesys Cloud: timeout/);
});

// ------------------------------------------------------ client credentials

const CLIENT_SECRET = "cc-Secret-9d3e71b2-do-not-print";

let cc = 0;

/**
 * Genesys through client credentials on the simulator (ThousandEyes left
 * out), in a scenario whose id is this process's own (its counters are read).
 */
function unattended(scenario = "") {
  const id = `cc-${process.pid}-${++cc}`;
  return {
    env: {
      GENESYSCLOUD_OAUTHCLIENT_ID: "usage-lens-cron",
      GENESYSCLOUD_OAUTHCLIENT_SECRET: CLIENT_SECRET,
      USAGE_LENS_GENESYS_BASE_URL: base(`id=${id}${scenario ? ";" + scenario : ""}`),
    },
    id,
  };
}

/** Runs the bin and checks the client secret is in none of its output. */
async function runSecret(args, env) {
  const r = await run(args, env);
  for (const [name, text] of [["stdout", r.stdout], ["stderr", r.stderr]]) {
    assert.ok(!text.includes(CLIENT_SECRET), `the client secret appears in ${name} of ${args.join(" ")}:\n${text}`);
  }
  return r;
}

async function simStats(id) {
  return (await fetch(`${SIM}/_sim/stats?id=${id}`)).json();
}

test("client credentials: the allowance from the contract, its money and the raised limit in JSON", async () => {
  const calm = await rulesFile("cc-calm.json", [{ id: "allowance", kind: "monthAllowance", threshold: 10_000 }]);
  const { env, id } = unattended("limit=600;fairuse=100000000");
  const r = await runSecret(["check", "--rules", calm, "--format", "json"], env);
  expectCode(r, 0);
  const { genesys } = JSON.parse(r.stdout);
  assert.equal(genesys.allowance.source, "contract");
  assert.equal(genesys.allowance.requests, 100_000_000);
  assert.equal(genesys.allowance.contract.contract, "C-0042-7781");
  assert.match(genesys.allowance.detail, /C-0042-7781.*API Requests/);
  assert.equal(genesys.money.currency, "USD");
  assert.equal(genesys.money.projected, 0, "a hundred million requests are far above the simulator's month");
  // A small allowance: the month-allowance rule fires (exit 1) and the overage has a price.
  const over = await runSecret(["check", "--format", "json", "--out", join(dir, "cc-over.json")], unattended("fairuse=1000").env);
  expectCode(over, 1);
  const { genesys: g } = JSON.parse(over.stdout);
  const month = JSON.parse(await readFile(join(dir, "cc-over.json"), "utf8")).overview.genesys.month;
  assert.equal(month.allowance, 1000);
  assert.ok(g.money.projected > 0);
  assert.ok(Math.abs(g.money.projected - month.overage * 0.00025) < 1e-6, `${g.money.projected} for ${month.overage} requests over`);
  assert.deepEqual([genesys.rateLimit.limit, genesys.rateLimit.budget], [600, 580]);
  assert.equal(genesys.rateLimit.key, "client.credentials.token.rate.per.minute");
  assert.equal((await simStats(id)).tokenRequests, 1, "one token serves the whole check");
  const table = await runSecret(["check", "--rules", calm], env);
  expectCode(table, 0);
  assert.match(table.stdout, /^Allowance: contract C-0042-7781, charge "API Requests"\.$/m);
  assert.match(table.stdout, /^Projected overage: [\d.]+ USD at 0.00025 USD a request\.$/m);
  assert.match(table.stdout, /^Rate limit: 600 requests a minute per token \(the organization's limit\); keeping to 580\.$/m);
});

test("client credentials: a token that expires mid-run is renewed and the answer is whole", async () => {
  const keep = join(dir, "cc-keep.json");
  const short = join(dir, "cc-short.json");
  const calm = await rulesFile("cc-calm2.json", [{ id: "allowance", kind: "monthAllowance", threshold: 10_000 }]);
  expectCode(await runSecret(["check", "--rules", calm, "--out", keep], unattended().env), 0);
  const { env, id } = unattended("ttl=1;exec=2500");
  const r = await runSecret(["check", "--rules", calm, "--out", short], env);
  expectCode(r, 0);
  assert.ok((await simStats(id)).tokenRequests >= 2, "a second token was fetched");
  const [a, b] = [JSON.parse(await readFile(keep, "utf8")), JSON.parse(await readFile(short, "utf8"))];
  assert.equal(b.overview.genesys.requests, a.overview.genesys.requests);
  assert.deepEqual(b.overview.genesys.clients.map((c) => c.client), a.overview.genesys.clients.map((c) => c.client));
});

test("client credentials: a wrong secret is unauthorized with the advice, exit 2, the secret never shown", async () => {
  const r = await runSecret(["check"], unattended("badsecret=1").env);
  expectCode(r, 2);
  assert.match(r.stderr, /^usage-lens: Genesys Cloud: unauthorized \(HTTP 401\): .*the client secret or the region is wrong/m);
  assert.equal(r.stdout, "");
});

test("client credentials: without the billing permission the fair-use table is used, and says why", async () => {
  const calm = await rulesFile("cc-calm3.json", [{ id: "allowance", kind: "monthAllowance", threshold: 10_000 }]);
  const { env } = unattended("nobilling=1;nolimits=1");
  const r = await runSecret(["check", "--rules", calm, "--licences", "10", "--licence-type", "cx3-named", "--format", "json"], env);
  expectCode(r, 0);
  const { genesys } = JSON.parse(r.stdout);
  assert.equal(genesys.allowance.source, "licences");
  assert.equal(genesys.allowance.requests, 1_400_000);
  assert.match(genesys.allowance.fallbacks[0], /billing:subscription:view/);
  assert.equal(genesys.money, null);
  assert.deepEqual([genesys.rateLimit.limit, genesys.rateLimit.budget, genesys.rateLimit.fromOrganization], [300, 280, false]);
});

test("client credentials: secret flags and half-set variables are refused before any request", async () => {
  for (const flag of [["--client-secret", "abc-secret-xyz"], ["--secret=abc-secret-xyz"], ["--genesys-client-secret", "abc-secret-xyz"]]) {
    const r = await run(["check", ...flag], NOWHERE);
    expectCode(r, 2);
    assert.match(r.stderr, /client secrets are never taken from arguments/);
    assert.ok(!r.stderr.includes("abc-secret-xyz"));
  }
  const half = await runSecret(["check"], { GENESYSCLOUD_OAUTHCLIENT_SECRET: CLIENT_SECRET, GENESYSCLOUD_REGION: "us-east-1" });
  expectCode(half, 2);
  assert.match(half.stderr, /go together/);
  const both = await runSecret(["check"], { ...unattended().env, USAGE_LENS_GENESYS_TOKEN: GENESYS_TOKEN });
  expectCode(both, 2);
  assert.match(both.stderr, /unset one/);
  const noWhere = await runSecret(["check"], { GENESYSCLOUD_OAUTHCLIENT_ID: "a", GENESYSCLOUD_OAUTHCLIENT_SECRET: CLIENT_SECRET });
  expectCode(noWhere, 2);
  assert.match(noWhere.stderr, /GENESYSCLOUD_REGION/);
});

// ---------------------------------------------------------------- helpers

/** RFC 4180 fields: quotes around commas, quotes doubled. */
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": family.name, "type": family.type, "help": family.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
print(json.dumps(out))
`;

/** The text parsed by prometheus_client; a parse error fails the test. */
function parsePrometheus(text) {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ["-c", PARSER], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`prometheus_client refused the text: ${stderr}\n${text}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin.end(text);
  });
}
