// `usage-lens serve`, the package's bin as installed in www/, against the
// simulator server (SIM_URL): what it serves, that a scrape never sends a
// vendor request, that a failed refresh keeps the last good figures with
// up 0, the config file's errors (exit 2, naming the field), secrets that
// never show, and a clean stop on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIM = process.env.SIM_URL;
assert.ok(SIM, "SIM_URL must point at the simulator server");
const BIN = fileURLToPath(new URL("../node_modules/.bin/usage-lens", import.meta.url));
const GC_TOKEN = "gc-Serve-Token-5e1d-do-not-print";
const TE_TOKEN = "te-Serve-Token-9a7c-do-not-print";
const CC_SECRET = "cc-Serve-Secret-41f0-do-not-print";
let n = 0;
const base = (scenario = "") => `${SIM}/_s/id=serve${++n};exec=50${scenario ? ";" + scenario : ""}`;
const stats = async (url) => JSON.parse(await (await fetch(`${SIM}/_sim/stats?id=${/id=([^;]+)/.exec(url)[1]}`)).text());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const clean = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("USAGE_LENS_") && !k.startsWith("GENESYSCLOUD_")));

function noSecret(text, where) {
  for (const s of [GC_TOKEN, TE_TOKEN, CC_SECRET]) assert.ok(!text.includes(s), `a secret in ${where}:\n${text}`);
}

/** Starts the exporter on a free port; resolves { url, stop, output }. */
function serve(args, env) {
  const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0", ...args], { env: { ...clean(), ...env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 15_000);
    exited.then((e) => reject(new Error(`serve exited ${JSON.stringify(e)}: ${err}`)));
    child.stdout.on("data", () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        output: () => out + err,
        stop: async () => {
          child.kill("SIGTERM");
          const e = await exited;
          noSecret(out + err, "the exporter's output");
          return e;
        },
      });
    });
  });
}

function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(BIN, ["serve", ...args], { env: { ...clean(), ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      noSecret(stdout + stderr, `serve ${args.join(" ")}`);
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

async function get(url) {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
}

let dir;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "usage-lens-serve-"));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("one organization from the environment at /metrics; scrapes send no vendor request", async () => {
  const gc = base();
  const te = base();
  const s = await serve([], { USAGE_LENS_GENESYS_TOKEN: GC_TOKEN, USAGE_LENS_GENESYS_BASE_URL: gc, USAGE_LENS_TE_TOKEN: TE_TOKEN, USAGE_LENS_TE_BASE_URL: te });
  try {
    // The first scrape waits for the first refresh; the answer has figures.
    const first = await get(`${s.url}/metrics`);
    assert.equal(first.status, 200);
    assert.match(first.type, /^text\/plain; version=0\.0\.4/);
    assert.match(first.text, /^usage_lens_up\{vendor="genesys"\} 1$/m);
    assert.match(first.text, /^usage_lens_up\{vendor="thousandeyes"\} 1$/m);
    assert.match(first.text, /^usage_lens_refresh_interval_seconds 900$/m);
    assert.match(first.text, /^usage_lens_genesys_client_requests\{client="[^"]+"\} \d+$/m);
    assert.match(first.text, /^usage_lens_thousandeyes_units_used\{kind="cloud"\} \d+$/m);
    const before = [(await stats(gc)).requests, (await stats(te)).requests];
    assert.ok(before[0] > 0 && before[1] > 0);
    // Fifty scrapes, ten at a time: answered from the cache.
    for (let i = 0; i < 5; i++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => get(`${s.url}/metrics`)));
      for (const a of answers) assert.equal(a.text, first.text);
    }
    assert.deepEqual([(await stats(gc)).requests, (await stats(te)).requests], before, "no vendor request from a scrape");
    assert.equal((await get(`${s.url}/-/healthy`)).status, 200);
    const page = await get(`${s.url}/`);
    assert.match(page.type, /text\/html/);
    assert.match(page.text, />default<\/a>/);
    assert.equal((await get(`${s.url}/probe?target=default`)).status, 404, "no /probe without a config file");
    assert.equal((await fetch(`${s.url}/metrics`, { method: "POST" })).status, 405);
  } finally {
    const e = await s.stop();
    assert.equal(e.code, 0, `exit after SIGTERM: ${JSON.stringify(e)}`);
  }
});

test("a config file: /probe?target=NAME per organization, /metrics for the exporter", async () => {
  const config = join(dir, "two.yml");
  const a = base();
  const b = base("xss=1");
  await writeFile(
    config,
    `# two organizations
targets:
  - name: alpha
    genesys: { baseUrl: "${a}", tokenEnv: ALPHA_GC }
    allowance: 1000000
  - name: beta
    thousandeyes: { baseUrl: "${b}", tokenEnv: BETA_TE }
`,
  );
  const s = await serve(["--config", config, "--refresh", "2s"], { ALPHA_GC: GC_TOKEN, BETA_TE: TE_TOKEN });
  try {
    const alpha = await get(`${s.url}/probe?target=alpha`);
    assert.equal(alpha.status, 200);
    assert.match(alpha.text, /^usage_lens_up\{vendor="genesys"\} 1$/m);
    assert.doesNotMatch(alpha.text, /vendor="thousandeyes"/);
    assert.match(alpha.text, /^usage_lens_genesys_month_allowance_requests\{month="\d{4}-\d{2}"\} 1000000$/m);
    assert.match(alpha.text, /^usage_lens_rule_fired\{rule="month-allowance"/m);
    const beta = await get(`${s.url}/probe?target=beta`);
    assert.match(beta.text, /^usage_lens_up\{vendor="thousandeyes"\} 1$/m);
    assert.doesNotMatch(beta.text, /usage_lens_genesys_/);
    assert.equal((await get(`${s.url}/probe?target=gamma`)).status, 404);
    assert.equal((await get(`${s.url}/probe`)).status, 400);
    const own = await get(`${s.url}/metrics`);
    assert.match(own.text, /^usage_lens_exporter_targets 2$/m);
    assert.match(own.text, /^usage_lens_exporter_probes_total 2$/m);
    assert.match(own.text, /^usage_lens_build_info\{version="[^"]+"\} 1$/m);
    // Refreshed every 2 s: after 5 s, 3 or 4 refreshes of alpha, whatever the scrapes.
    const perRefresh = (await stats(a)).requests;
    for (let i = 0; i < 25; i++) {
      await get(`${s.url}/probe?target=alpha`);
      await sleep(200);
    }
    const refreshes = (await stats(a)).requests / perRefresh;
    assert.ok(refreshes >= 2 && refreshes <= 5, `${refreshes} refreshes in 5 s at 2 s`);
    const page = await get(`${s.url}/`);
    assert.match(page.text, /href="\/probe\?target=alpha">alpha<\/a>/);
    assert.match(page.text, /href="\/probe\?target=beta">beta<\/a>/);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test("no config: client credentials from GENESYSCLOUD_* renew 2-second tokens; the allowance is the contract's", async () => {
  const gc = base("ttl=2;fairuse=1000;limit=600");
  const env = { GENESYSCLOUD_OAUTHCLIENT_ID: "serve-client", GENESYSCLOUD_OAUTHCLIENT_SECRET: CC_SECRET, USAGE_LENS_GENESYS_BASE_URL: gc };
  const s = await serve(["--refresh", "1s"], env);
  try {
    const first = await get(`${s.url}/metrics`);
    assert.match(first.text, /^usage_lens_up\{vendor="genesys"\} 1$/m);
    assert.match(first.text, /^usage_lens_genesys_month_allowance_requests\{month="\d{4}-\d{2}"\} 1000$/m, "the contract's allowance");
    // Refreshed every second for 4.5 s with tokens that live 2 s: each refresh still succeeds.
    await sleep(4_500);
    const later = await get(`${s.url}/metrics`);
    assert.match(later.text, /^usage_lens_up\{vendor="genesys"\} 1$/m);
    assert.doesNotMatch(later.text, /usage_lens_refresh_errors_total\{vendor="genesys"/);
    const st = await stats(gc);
    assert.ok(st.tokenRequests >= 2, `expired tokens were replaced: ${st.tokenRequests} token requests`);
    assert.equal(st.rateLimited, 0);
    assert.match((await get(`${s.url}/`)).text, /1000 requests: contract C-[\w-]+, charge &quot;API Requests&quot;/);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
  // A refused secret: Genesys is down with the advice, and the secret is nowhere.
  const refused = await serve(["--refresh", "1s"], { ...env, USAGE_LENS_GENESYS_BASE_URL: base("badsecret=1") });
  try {
    const m = await get(`${refused.url}/metrics`);
    assert.match(m.text, /^usage_lens_up\{vendor="genesys"\} 0$/m);
    assert.match(m.text, /^usage_lens_refresh_errors_total\{vendor="genesys",kind="unauthorized"\} [1-9]/m);
    const page = (await get(`${refused.url}/`)).text;
    assert.match(page, /Genesys Cloud: unauthorized.*secret.*region/s);
    noSecret(page + m.text, "the refused exporter's page and metrics");
  } finally {
    assert.equal((await refused.stop()).code, 0);
  }
});

test("a failed refresh keeps the last good figures with up 0 and counts the error's kind", async () => {
  // ThousandEyes answers the first refresh (usage and quotas), then every request fails with 401.
  const te = base("faultafter=2;expire=2");
  const s = await serve(["--refresh", "1s"], { USAGE_LENS_TE_TOKEN: TE_TOKEN, USAGE_LENS_TE_BASE_URL: te });
  try {
    const first = await get(`${s.url}/metrics`);
    assert.match(first.text, /^usage_lens_up\{vendor="thousandeyes"\} 1$/m);
    const used = /^usage_lens_thousandeyes_units_used\{kind="cloud"\} (\d+)$/m.exec(first.text)[1];
    let later;
    for (let i = 0; i < 40; i++) {
      await sleep(250);
      later = (await get(`${s.url}/metrics`)).text;
      if (/^usage_lens_up\{vendor="thousandeyes"\} 0$/m.test(later)) break;
    }
    assert.match(later, /^usage_lens_up\{vendor="thousandeyes"\} 0$/m);
    assert.match(later, new RegExp(`^usage_lens_thousandeyes_units_used\\{kind="cloud"\\} ${used}$`, "m"), "the last good figures stay");
    assert.match(later, /^usage_lens_refresh_errors_total\{vendor="thousandeyes",kind="unauthorized"\} [1-9]\d*$/m);
    assert.equal(
      /^usage_lens_last_success_timestamp_seconds\{vendor="thousandeyes"\} (\S+)$/m.exec(later)[1],
      /^usage_lens_last_success_timestamp_seconds\{vendor="thousandeyes"\} (\S+)$/m.exec(first.text)[1],
    );
    const page = (await get(`${s.url}/`)).text;
    assert.match(page, /ThousandEyes: unauthorized/);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test("a bad config file stops the start with exit 2 and names the field", async () => {
  const cases = [
    ["targets: []", /targets must be a list/],
    ["targets:\n  - name: a\n", /targets\[0\]: give genesys, thousandeyes or both/],
    ["targets:\n  - name: a b\n    thousandeyes: { tokenEnv: T }\n", /targets\[0\]\.name must be a name/],
    ["targets:\n  - name: a\n    thousandeyes: { token: abc }\n", /targets\[0\]\.thousandeyes\.token: secrets are never written in the file/],
    ["targets:\n  - name: a\n    thousandeyes: { tokenEnv: NOT_SET_ANYWHERE }\n", /targets\[0\]\.thousandeyes\.tokenEnv: the environment variable NOT_SET_ANYWHERE is not set/],
    ["targets:\n  - name: a\n    genesys: { tokenEnv: T }\n", /targets\[0\]\.genesys: give region or baseUrl/],
    ["targets:\n  - name: a\n    thousandeyes: { tokenEnv: T }\n    alowance: 5\n", /targets\[0\]\.alowance: unknown field/],
    ["targets:\n  - name: a\n    thousandeyes: { tokenEnv: T }\n    allowance: -5\n", /targets\[0\]\.allowance must be a whole number/],
    ["targets:\n  - { name: a, thousandeyes: { tokenEnv: T } }\n  - { name: a, thousandeyes: { tokenEnv: T } }\n", /targets\[1\]\.name: a is used twice/],
    ["targets: [ {", /is not YAML/],
  ];
  for (const [i, [body, message]] of cases.entries()) {
    const path = join(dir, `bad${i}.yml`);
    await writeFile(path, body);
    const r = await run(["--config", path], { T: TE_TOKEN });
    assert.equal(r.code, 2, `${body}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, body);
  }
  const missing = await run(["--config", join(dir, "nowhere.yml")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the config file/);
});

test("bad arguments and an empty environment: exit 2; --help: exit 0", async () => {
  for (const [args, message] of [
    [["--refresh", "soon"], /--refresh must be a duration/],
    [["--refresh", "100ms"], /refresh interval must be between/],
    [["--listen", "localhost"], /--listen must be HOST:PORT/],
    [["--frobnicate"], /--frobnicate/],
    [[`--token=${GC_TOKEN}`], /never taken from arguments/],
    [[], /nothing to serve/],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage-lens serve \[--listen HOST:PORT\] \[--config FILE\] \[--refresh DURATION\]/);
  assert.match(help.stdout, /127\.0\.0\.1:10135/);
});
