// The `prometheus` stage of scripts/test.sh: a real Prometheus scrapes
// `usage-lens serve` (the package's bin as installed in www/) serving two
// organizations of a simulator server, with the shipped scrape config,
// alert rules and dashboard of monitoring/.
//
//   node test/prometheus.stage.mjs   (from www/; SIM_SERVER names the sim-server binary)
//
// It starts its own simulator server, the exporter and Prometheus
// (loopback, free ports, a temporary TSDB, 1 s scrapes), asserts, and stops
// everything it started, also on failure. The alert rules are the shipped
// ones with every `for:` set to 0s, so that a minute's run can see them fire.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, stringify as toYaml } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MONITORING = join(ROOT, "monitoring");
const BIN = join(ROOT, "www/node_modules/.bin/usage-lens");
const SIM_SERVER = process.env.SIM_SERVER ?? join(ROOT, "target/debug/sim-server");
const REFRESH_S = 5;
const TARGETS = ["north", "south"];
const TOKENS = {
  NORTH_GC: "north-gc-Token-do-not-print",
  NORTH_TE: "north-te-Token-do-not-print",
  SOUTH_ID: "south-client-id",
  SOUTH_SECRET: "south-Secret-do-not-print",
  SOUTH_TE: "south-te-Token-do-not-print",
};
const EXPECTED_ALERTS = ["UsageLensMonthOverAllowance", "UsageLensClient429Share", "UsageLensUnitsOverQuota", "UsageLensGroupOverQuota"];

const started = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (m) => process.stdout.write(`prometheus stage [${((Date.now() - t0) / 1000).toFixed(1)} s]: ${m}\n`);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process; resolves once a line of its stdout matches `ready`. */
function start(name, cmd, args, { env, ready } = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const entry = { name, child, out: "", err: "", exited: null };
  started.push(entry);
  child.stdout.on("data", (d) => (entry.out += d));
  child.stderr.on("data", (d) => (entry.err += d));
  child.on("exit", (code, signal) => (entry.exited = { code, signal }));
  if (!ready) return Promise.resolve(entry);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${entry.out}\n${entry.err}`)), 20_000);
    const check = () => {
      const m = ready.exec(entry.out);
      if (m) {
        clearTimeout(timer);
        resolve({ ...entry, match: m });
      }
    };
    child.stdout.on("data", check);
    child.on("exit", () => reject(new Error(`${name} exited:\n${entry.out}\n${entry.err}`)));
  });
}

async function stop(entry, signal = "SIGTERM") {
  if (entry.exited) return entry.exited;
  const done = new Promise((r) => entry.child.once("exit", (code, sig) => r({ code, signal: sig })));
  entry.child.kill(signal);
  const timer = setTimeout(() => entry.child.kill("SIGKILL"), 10_000);
  const result = await done;
  clearTimeout(timer);
  return result;
}

async function getText(url) {
  const r = await fetch(url);
  assert.equal(r.status, 200, `${url}: ${r.status}`);
  return r.text();
}

async function query(prom, expr) {
  const body = JSON.parse(await getText(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`));
  assert.equal(body.status, "success", `${expr}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Polls `probe` until it returns a truthy value, or fails after `ms`. */
async function eventually(what, ms, probe) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.stack : JSON.stringify(last)}`);
}

function promtoolMetrics(text, what) {
  try {
    execFileSync("promtool", ["check", "metrics"], { input: text, stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`promtool check metrics refused ${what}: ${e.stdout}${e.stderr}`);
  }
}

async function firing(prom) {
  const body = JSON.parse(await getText(`${prom}/api/v1/alerts`));
  return body.data.alerts.filter((a) => a.state === "firing");
}

async function main(dir) {
  const sim = await start("simulator", SIM_SERVER, ["--port", "0", "--exec-ms", "50"], { ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/ });
  const SIM = sim.match[1];
  const base = (name, more = "") => `${SIM}/_s/id=prom-${name};exec=50${more}`;
  // Two organizations (the variables' names in the file, never the secrets). North pastes a token
  // and types its allowance; south signs in with client credentials whose tokens live 2 s, has its
  // rate limit raised to 600, and its allowance comes from its billing contract.
  const config = {
    targets: [
      { name: "north", genesys: { baseUrl: base("north"), tokenEnv: "NORTH_GC" }, thousandeyes: { baseUrl: base("north"), tokenEnv: "NORTH_TE" }, allowance: 1_000_000 },
      {
        name: "south",
        genesys: { baseUrl: base("south", ";ttl=2;limit=600"), clientIdEnv: "SOUTH_ID", clientSecretEnv: "SOUTH_SECRET" },
        thousandeyes: { baseUrl: base("south"), tokenEnv: "SOUTH_TE" },
      },
    ],
  };
  await writeFile(join(dir, "usage-lens.yml"), toYaml(config));
  const port = await freePort();
  const exporter = await start("usage-lens serve", BIN, ["serve", "--config", join(dir, "usage-lens.yml"), "--listen", `127.0.0.1:${port}`, "--refresh", `${REFRESH_S}s`], {
    env: TOKENS,
    ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  const EXP = exporter.match[1];

  // The shipped rules, every `for:` at 0s; the shipped scrape config with our addresses and 1 s.
  const rules = (await readFile(join(MONITORING, "alerts.yml"), "utf8")).replace(/^(\s+)for: .*$/gm, "$1for: 0s");
  await writeFile(join(dir, "alerts.yml"), rules);
  const prom = parseYaml(await readFile(join(MONITORING, "prometheus.yml"), "utf8"));
  prom.global = { scrape_interval: "1s", evaluation_interval: "1s" };
  prom.rule_files = [join(dir, "alerts.yml")];
  for (const job of prom.scrape_configs) {
    job.scrape_interval = "1s";
    job.scrape_timeout = "1s";
    if (job.metrics_path === "/probe") {
      job.static_configs = [{ targets: TARGETS }];
      job.relabel_configs.find((r) => r.target_label === "__address__").replacement = `127.0.0.1:${port}`;
    } else job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
  }
  await writeFile(join(dir, "prometheus.yml"), toYaml(prom));
  const promPort = await freePort();
  const PROM = `http://127.0.0.1:${promPort}`;
  await start("prometheus", "prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    `--storage.tsdb.path=${join(dir, "tsdb")}`,
    "--log.level=warn",
  ]);
  await eventually("Prometheus ready", 30_000, async () => (await fetch(`${PROM}/-/ready`)).ok);
  log(`simulator ${SIM}, exporter ${EXP}, Prometheus ${PROM}`);

  // Both targets up, every vendor's refresh up, and the exporter's own /metrics scraped (its job
  // is scraped on its own schedule: the families below need its first scrape).
  await eventually("both targets and the exporter scraped and up", 30_000, async () => {
    const up = await query(PROM, 'up{job="usage-lens"} == 1');
    const own = await query(PROM, 'up{job="usage-lens-exporter"} == 1');
    const vendors = await query(PROM, "usage_lens_up == 1");
    return up.length === 2 && own.length === 1 && vendors.length === 4;
  });
  const counts = async () => {
    const own = await getText(`${EXP}/metrics`);
    const out = {};
    for (const t of TARGETS) {
      const stats = JSON.parse(await getText(`${SIM}/_sim/stats?id=prom-${t}`));
      out[t] = {
        refreshes: Number(new RegExp(`^usage_lens_exporter_refreshes_total\\{target="${t}"\\} (\\d+)$`, "m").exec(own)[1]),
        requests: stats.requests,
        tokens: stats.tokenRequests,
      };
    }
    out.probes = Number(/^usage_lens_exporter_probes_total (\d+)$/m.exec(own)[1]);
    out.at = Date.now();
    return out;
  };
  const first = await counts();
  log(`both targets up; ${JSON.stringify(first)}`);

  // promtool accepts what the exporter writes, at /probe and /metrics.
  for (const t of TARGETS) promtoolMetrics(await getText(`${EXP}/probe?target=${t}`), `/probe?target=${t}`);
  promtoolMetrics(await getText(`${EXP}/metrics`), "/metrics");

  // The expected families.
  const names = new Set((await query(PROM, 'count by (__name__) ({__name__=~"usage_lens_.+"})')).map((r) => r.metric.__name__));
  for (const name of [
    "usage_lens_build_info", "usage_lens_up", "usage_lens_last_success_timestamp_seconds", "usage_lens_refresh_interval_seconds",
    "usage_lens_stale_after_seconds", "usage_lens_genesys_client_requests", "usage_lens_genesys_client_429_responses",
    "usage_lens_genesys_client_429_ratio", "usage_lens_genesys_month_to_date_requests", "usage_lens_genesys_month_projected_requests",
    "usage_lens_genesys_month_allowance_requests", "usage_lens_thousandeyes_units_used", "usage_lens_thousandeyes_units_projected",
    "usage_lens_thousandeyes_units_limit", "usage_lens_thousandeyes_group_units_used", "usage_lens_thousandeyes_group_units_projected",
    "usage_lens_thousandeyes_group_units_quota", "usage_lens_rule_fired", "usage_lens_rules_fired", "usage_lens_exporter_targets",
    "usage_lens_exporter_probes_total", "usage_lens_exporter_refreshes_total",
  ]) assert.ok(names.has(name), `${name} in ${[...names].join(", ")}`);

  // The alerts the simulator's data should fire.
  // Each organization's month is over its allowance (north's typed, south's from its contract);
  // the rules evaluate each series as its scrape lands, so wait for both.
  const overAllowance = (alerts, instance) => alerts.some((a) => a.labels.alertname === "UsageLensMonthOverAllowance" && a.labels.instance === instance);
  const fired = await eventually("the expected alerts firing", 30_000, async () => {
    const alerts = await firing(PROM);
    const got = new Set(alerts.map((a) => a.labels.alertname));
    return EXPECTED_ALERTS.every((a) => got.has(a)) && overAllowance(alerts, "north") && overAllowance(alerts, "south") && alerts;
  });
  for (const a of fired) assert.ok(["warning", "critical"].includes(a.labels.severity) && a.annotations.action, JSON.stringify(a));
  assert.ok(overAllowance(fired, "north") && overAllowance(fired, "south"));
  const southAllowance = await query(PROM, 'usage_lens_genesys_month_allowance_requests{instance="south"}');
  assert.equal(southAllowance.length, 1, "south's allowance, read from its contract");
  assert.equal(Number(southAllowance[0].value[1]), 2_000_000);
  assert.ok(!fired.some((a) => ["UsageLensStale", "UsageLensRefreshFailing", "UsageLensExporterDown"].includes(a.labels.alertname)), "nothing is down yet");
  const firedNames = [...new Set(fired.map((a) => `${a.labels.alertname}{instance=${a.labels.instance}${a.labels.client ? `,client=${a.labels.client}` : ""}${a.labels.account_group ? `,account_group=${a.labels.account_group}` : ""}${a.labels.kind ? `,kind=${a.labels.kind}` : ""}}`))].sort();
  log(`firing: ${firedNames.join(" ")}`);

  // Every panel query of the dashboard returns series, for every target.
  const dashboard = JSON.parse(await readFile(join(MONITORING, "grafana/usage-lens.json"), "utf8"));
  let panelQueries = 0;
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      const expr = target.expr.replaceAll("$target", ".+");
      const result = await query(PROM, expr);
      assert.ok(result.length > 0, `panel "${panel.title}" query ${expr} returns no series`);
      panelQueries++;
    }
  }
  const variable = dashboard.templating.list.find((v) => v.name === "target");
  const values = JSON.parse(await getText(`${PROM}/api/v1/label/instance/values?match[]=usage_lens_up`)).data;
  assert.deepEqual(values.sort(), TARGETS, `the ${variable.definition} variable lists both targets`);
  log(`${panelQueries} panel queries return series`);

  // Vendor requests follow the refresh schedule, not the scrapes.
  await sleep(4 * REFRESH_S * 1000);
  const last = await counts();
  const elapsed = (last.at - first.at) / 1000;
  const probes = (last.probes - first.probes) / TARGETS.length;
  for (const t of TARGETS) {
    const refreshes = last[t].refreshes - first[t].refreshes;
    const requests = last[t].requests - first[t].requests;
    // A later refresh costs at most what the first cost (the client keeps finished days).
    const most = first[t].requests;
    log(`${t}: ${refreshes} refreshes in ${elapsed.toFixed(1)} s at ${REFRESH_S} s, ${requests} vendor requests (at most ${most} each); ${probes} probes`);
    assert.ok(Math.abs(refreshes - elapsed / REFRESH_S) <= 1, `${t}: ${refreshes} refreshes, the schedule says ${elapsed / REFRESH_S}`);
    assert.ok(requests >= refreshes && requests <= refreshes * most, `${t}: ${requests} requests for ${refreshes} refreshes of at most ${most}`);
    assert.ok(probes >= 3 * refreshes, `${probes} scrapes of ${t}, ${refreshes} refreshes`);
  }
  // South's 2-second tokens were renewed as they expired, and no refresh failed for it.
  const renewed = last.south.tokens - first.south.tokens;
  log(`south: ${renewed} client-credentials tokens fetched over ${last.south.refreshes - first.south.refreshes} refreshes`);
  assert.ok(renewed >= 1, "south's short-lived tokens were renewed");
  assert.equal((await query(PROM, 'usage_lens_up{instance="south",vendor="genesys"} == 1')).length, 1, "south's Genesys refreshes keep succeeding");

  // The simulator fails: the figures stay, usage_lens_up drops to 0, the stale alert fires.
  await stop(sim);
  const failedAt = Date.now();
  // A refresh gives up on an unreachable vendor after its retries (1 + 2 + 4 + 8 s of backoff).
  await eventually("usage_lens_up 0 for every vendor", 75_000, async () => (await query(PROM, "usage_lens_up == 0")).length === 4);
  assert.ok((await query(PROM, "usage_lens_genesys_month_to_date_requests")).length === 2, "the last good figures stay");
  assert.ok((await query(PROM, 'usage_lens_refresh_errors_total{kind="network"} > 0')).length > 0, "errors counted by kind");
  const stale = await eventually("UsageLensStale firing", 45_000, async () => {
    const alerts = await firing(PROM);
    return alerts.some((a) => a.labels.alertname === "UsageLensStale") && alerts;
  });
  const downNames = [...new Set(stale.filter((a) => /Stale|Failing/.test(a.labels.alertname)).map((a) => a.labels.alertname))].sort();
  log(`after the simulator stopped: ${downNames.join(", ")} firing after ${((Date.now() - failedAt) / 1000).toFixed(1)} s`);

  // The page shows the last error, escaped; SIGTERM stops the exporter cleanly.
  const page = await getText(`${EXP}/`);
  for (const t of TARGETS) assert.match(page, new RegExp(`>${t}</a>`));
  assert.match(page, /stale/);
  const exit = await stop(started.find((e) => e.name === "usage-lens serve"));
  assert.equal(exit.code, 0, `usage-lens serve after SIGTERM: ${JSON.stringify(exit)}`);
  for (const e of started) for (const token of Object.values(TOKENS)) assert.ok(!e.out.includes(token) && !e.err.includes(token), `a token in ${e.name}'s output`);
}

const dir = await mkdtemp(join(tmpdir(), "usage-lens-prometheus-"));
let code = 0;
try {
  await main(dir);
  log(`passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  code = 1;
  process.stderr.write(`prometheus stage: FAILED: ${e.stack ?? e}\n`);
  for (const s of started) process.stderr.write(`--- ${s.name} stderr:\n${s.err.slice(-3000)}\n`);
} finally {
  for (const s of started.reverse()) await stop(s);
  await rm(dir, { recursive: true, force: true });
}
process.exit(code);
