// `usage-lens serve`: an exporter that Prometheus scrapes.
//
//   usage-lens serve [--listen HOST:PORT] [--config FILE] [--refresh DURATION]
//
// Without --config it serves the one organization of the environment at
// /metrics; with --config (YAML) several, in the multi-target pattern:
// /probe?target=NAME for each, /metrics for the exporter's own figures.
// / is a small status page, /-/healthy answers 200.
//
// This script only listens, schedules and writes. What to do and when (is a
// refresh due, may a scrape wait, is a target stale, how long to back off
// after a failure, what the metrics are called) is decided by the package's
// RefreshSchedule; a scrape only reads the text written after the last
// refresh and never sends a vendor request.
//
// Secrets come only from environment variables (the config file names
// them); no page, log line or error message carries their values.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  initSync,
  GenesysClient,
  ThousandEyesClient,
  RefreshSchedule,
  overviewQueries,
  overview,
  evaluateRules,
  defaultRules,
} from "../usage_lens.js";
import { EnvError, genesysOptionsFromEnv, secretsOf, thousandEyesOptionsFromEnv } from "./env.mjs";

/**
 * The default port. Prometheus's list of default port allocations has no
 * free number left in 9100-9999, so usage-lens takes one above it that the
 * list does not name.
 */
export const DEFAULT_PORT = 10135;
const DEFAULT_REFRESH = "15m";
/** Each vendor call gives up after this long. */
const CALL_TIMEOUT_MS = 600_000;
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const HELP = `usage-lens serve: Genesys Cloud API usage and ThousandEyes units for Prometheus.

Usage:
  usage-lens serve [--listen HOST:PORT] [--config FILE] [--refresh DURATION]

Options:
  --listen HOST:PORT   where to listen (default 127.0.0.1:${DEFAULT_PORT}; other
                       addresses only when asked for)
  --config FILE        a YAML (or JSON) file of targets, served at /probe?target=NAME;
                       without it, the organization of the environment at /metrics
                       (the variables of usage-lens check --help)
  --refresh DURATION   how often each target's figures are fetched, such as 15m,
                       30s or 1h (default ${DEFAULT_REFRESH}); a scrape never fetches
  --help               this text

Config file:
  targets:
    - name: acme                        # /probe?target=acme
      genesys:
        region: mypurecloud.com         # or baseUrl: https://...
        tokenEnv: ACME_GENESYS_TOKEN    # the NAME of the variable holding the token, or
        # clientIdEnv: ACME_CLIENT_ID and clientSecretEnv: ACME_CLIENT_SECRET
      thousandeyes:                     # optional
        tokenEnv: ACME_TE_TOKEN
        baseUrl: https://api.thousandeyes.com   # optional
      allowance: 5000000                # optional: monthly API requests
      rules: acme-rules.json            # optional: a JSON array of rules
Secrets are never written in the file, only the names of the variables.

Exit status: 0 after SIGTERM or SIGINT, 2 when it cannot start.
`;

export class UsageError extends Error {}

/** A value that may be a pasted token or key: long, letters mixed with digits. */
export function looksSecret(value) {
  const t = String(value);
  return t.length >= 16 && /[A-Za-z]/.test(t) && /[0-9]/.test(t);
}

/** A value quoted for a message, unless it may be a secret. */
export function shown(value) {
  return looksSecret(value) ? "a value that looks like a secret (not shown)" : JSON.stringify(value);
}

/** Someone else's message on one line, its words that may be a secret replaced. */
export function scrub(message) {
  return String(message).replace(/\s*\n\s*/g, " ").replace(/[^\s'"`:,()[\]{}]+/g, (w) => (looksSecret(w) ? "[not shown]" : w));
}

/** A duration such as 90s, 15m, 1h or 1h30m, in milliseconds. */
export function duration(text) {
  const parts = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text ?? "");
  if (!parts || !text) throw new UsageError(`--refresh must be a duration such as 15m, 30s or 1h, not ${shown(text)}`);
  const [h, m, s, ms] = parts.slice(1).map((p) => Number(p ?? 0));
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (loopback). */
export function listenAddress(text) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text ?? "");
  const port = m && Number(m[3]);
  if (!m || port > 65535) throw new UsageError(`--listen must be HOST:PORT such as 127.0.0.1:${DEFAULT_PORT}, not ${shown(text)}`);
  return { host: m[1] ?? (m[2] || "127.0.0.1"), port };
}

export function parse(argv) {
  if (argv.some((a) => /^--?(access[-_]?)?(token|secret|client[-_]?secret)(=|$)/i.test(a))) {
    throw new UsageError("secrets are never taken from arguments; name the environment variables in the config file (see --help)");
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        listen: { type: "string", default: `127.0.0.1:${DEFAULT_PORT}` },
        config: { type: "string" },
        refresh: { type: "string", default: DEFAULT_REFRESH },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(`${scrub(e.message)} (see usage-lens serve --help)`);
  }
  if (values.help) return { help: true };
  return { listen: listenAddress(values.listen), config: values.config, refreshMs: duration(values.refresh) };
}

// ------------------------------------------------------------ targets

/** A key of the file as a message shows it: on one line, short, never a secret. */
function keyShown(key) {
  if (looksSecret(key)) return "[a name that looks like a secret]";
  return /^[A-Za-z_$][\w$-]{0,63}$/.test(key) ? key : JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

/** A plain object with only the keys allowed; `at` names it in messages. */
function fields(value, at, allowed) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${at} must be a mapping`);
  for (const key of Object.keys(value)) {
    if (/token$|secret$|password/i.test(key) && !/Env$/.test(key)) {
      throw new UsageError(`${at}.${keyShown(key)}: secrets are never written in the file; name the environment variable that holds it (${keyShown(key)}Env)`);
    }
    if (!allowed.includes(key)) throw new UsageError(`${at}.${keyShown(key)}: unknown field (expected ${allowed.join(", ")})`);
  }
  return value;
}

function text(value, at, pattern) {
  if (typeof value !== "string" || value === "" || (pattern && !pattern.test(value))) {
    throw new UsageError(`${at} must be ${pattern === ENV_NAME ? "the name of an environment variable" : pattern === TARGET_NAME ? "a name of letters, digits, _ . - (up to 63)" : "a non-empty string"}`);
  }
  return value;
}

/** The value of the variable named at `at`; its value becomes a secret to hide. */
function secretFrom(env, name, at, secrets) {
  const value = env[text(name, at, ENV_NAME)];
  if (!value) {
    // A secret written where its variable's name belongs is not repeated.
    if (/^[A-Z_][A-Z0-9_]*$/.test(name) || !looksSecret(name)) throw new UsageError(`${at}: the environment variable ${name} is not set`);
    throw new UsageError(`${at}: the environment variable it names is not set (write the variable's name there, never the secret)`);
  }
  secrets.push(value);
  return value;
}

function genesysSpec(g, at, env, secrets) {
  fields(g, at, ["region", "baseUrl", "loginUrl", "tokenEnv", "clientIdEnv", "clientSecretEnv"]);
  if ((g.region === undefined) === (g.baseUrl === undefined)) throw new UsageError(`${at}: give region or baseUrl (one of them)`);
  const where = g.region !== undefined ? { region: text(g.region, `${at}.region`) } : { baseUrl: text(g.baseUrl, `${at}.baseUrl`) };
  if (g.loginUrl !== undefined) where.loginUrl = text(g.loginUrl, `${at}.loginUrl`);
  if (g.tokenEnv !== undefined) {
    if (g.clientIdEnv !== undefined || g.clientSecretEnv !== undefined) throw new UsageError(`${at}: give tokenEnv or clientIdEnv with clientSecretEnv, not both`);
    return { ...where, accessToken: secretFrom(env, g.tokenEnv, `${at}.tokenEnv`, secrets) };
  }
  if (g.clientIdEnv === undefined || g.clientSecretEnv === undefined) throw new UsageError(`${at}: give tokenEnv, or clientIdEnv with clientSecretEnv`);
  return {
    ...where,
    clientId: secretFrom(env, g.clientIdEnv, `${at}.clientIdEnv`, secrets),
    clientSecret: secretFrom(env, g.clientSecretEnv, `${at}.clientSecretEnv`, secrets),
  };
}

function thousandEyesSpec(t, at, env, secrets) {
  fields(t, at, ["baseUrl", "tokenEnv"]);
  const spec = { accessToken: secretFrom(env, t.tokenEnv, `${at}.tokenEnv`, secrets) };
  if (t.baseUrl !== undefined) spec.baseUrl = text(t.baseUrl, `${at}.baseUrl`);
  return spec;
}

function rulesFrom(path, at) {
  // A path is named as it is, unless a line break or the like would hide it.
  const named = /[\u0000-\u001f\u2028\u2029]/.test(path) ? JSON.stringify(path) : path;
  let body;
  try {
    body = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`${at}: cannot read ${named}: ${e.code ?? e.message}`);
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new UsageError(`${at}: ${named} is not JSON: ${scrub(e.message)}`);
  }
}

/** The targets of a parsed config file; every error names its field. */
export function targetsFromConfig(doc, { env, baseDir, secrets }) {
  fields(doc, "the config", ["targets"]);
  if (!Array.isArray(doc.targets) || doc.targets.length === 0) throw new UsageError("targets must be a list of at least one target");
  const names = new Map();
  return doc.targets.map((t, i) => {
    const at = `targets[${i}]`;
    fields(t, at, ["name", "genesys", "thousandeyes", "allowance", "rules"]);
    const name = text(t.name, `${at}.name`, TARGET_NAME);
    if (names.has(name)) throw new UsageError(`${at}.name: ${looksSecret(name) ? `the name of targets[${names.get(name)}]` : name} is used twice`);
    names.set(name, i);
    if (t.genesys === undefined && t.thousandeyes === undefined) throw new UsageError(`${at}: give genesys, thousandeyes or both`);
    const spec = { name };
    if (t.genesys !== undefined) spec.genesys = genesysSpec(t.genesys, `${at}.genesys`, env, secrets);
    if (t.thousandeyes !== undefined) spec.thousandeyes = thousandEyesSpec(t.thousandeyes, `${at}.thousandeyes`, env, secrets);
    if (t.allowance !== undefined) {
      if (!Number.isSafeInteger(t.allowance) || t.allowance < 1) throw new UsageError(`${at}.allowance must be a whole number of requests above 0`);
      spec.allowance = { requests: t.allowance };
    }
    if (t.rules !== undefined) spec.rules = rulesFrom(resolve(baseDir, text(t.rules, `${at}.rules`)), `${at}.rules`);
    return spec;
  });
}

/**
 * The one target of the environment (no --config): the variables of
 * `usage-lens check` (GENESYSCLOUD_* or USAGE_LENS_*, see env.mjs).
 */
export function targetFromEnvironment(env, secrets) {
  const spec = { name: "default" };
  try {
    const genesys = genesysOptionsFromEnv(env);
    const thousandeyes = thousandEyesOptionsFromEnv(env);
    if (genesys) spec.genesys = genesys;
    if (thousandeyes) spec.thousandeyes = thousandeyes;
  } catch (e) {
    if (e instanceof EnvError) throw new UsageError(e.message);
    throw e;
  }
  secrets.push(...secretsOf(env));
  if (!spec.genesys && !spec.thousandeyes) {
    throw new UsageError("nothing to serve: set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or USAGE_LENS_GENESYS_TOKEN) with a region, and/or USAGE_LENS_TE_TOKEN, or give --config");
  }
  return spec;
}

// ------------------------------------------------------------ refreshing

/** A library error in words: vendor, kind, status. */
function describe(e) {
  if (e && e.name === "UsageLensError") {
    const where = e.vendor === "genesys" ? "Genesys Cloud" : e.vendor === "thousandeyes" ? "ThousandEyes" : "usage-lens";
    return `${where}: ${e.kind}${e.status ? ` (HTTP ${e.status})` : ""}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** One organization: its clients, its schedule and the text of its last refresh. */
export class Target {
  constructor(spec, refreshMs, now = Date.now()) {
    this.name = spec.name;
    this.allowance = spec.allowance;
    this.rules = spec.rules ?? defaultRules();
    // The rules and allowance are checked before any request is sent.
    evaluateRules(overview({ today: new Date(now).toISOString().slice(0, 10), allowance: this.allowance }), this.rules);
    this.gc = spec.genesys ? new GenesysClient(spec.genesys) : undefined;
    this.te = spec.thousandeyes ? new ThousandEyesClient(spec.thousandeyes) : undefined;
    this.schedule = new RefreshSchedule(refreshMs, Boolean(this.gc), Boolean(this.te), now);
    this.answers = {};
    this.lastOverview = null;
    this.lastFired = [];
    this.text = this.schedule.toPrometheus(null, []);
    this.running = null;
    this.lastRefresh = null;
    this.lastError = null;
  }

  /** The vendors' calls of one refresh, by vendor. */
  calls(today, signal) {
    const q = overviewQueries(today);
    const opts = { timeoutMs: CALL_TIMEOUT_MS, signal };
    const calls = [];
    if (this.gc) calls.push(["genesys", this.#genesys(q.genesys, today, opts)]);
    if (this.te) {
      const te = Promise.all([this.te.usage(q.thousandEyesUsage, opts), this.te.quotas(opts)]);
      calls.push(["thousandeyes", te.then(([thousandEyesUsage, quotas]) => ({ thousandEyesUsage, quotas }))]);
    }
    return calls;
  }

  /**
   * Genesys: the token's rate limit once per client (the runs keep to it and
   * the 429 advice names it), the usage, and, with no allowance in the
   * config, the billing contract's.
   */
  async #genesys(query, today, opts) {
    this.limit ??= await this.gc.rateLimit(opts);
    const [rows, choice] = await Promise.all([
      this.gc.queryOrganizationUsage(query, opts),
      this.allowance ? undefined : this.gc.allowance({ today }, opts),
    ]);
    if (choice) this.allowanceChoice = choice;
    return { genesysRows: rows.results, ...(this.limit.fromOrganization ? { rateLimit: this.limit.limit } : {}) };
  }

  /** The allowance the month is set against: the config's, else the contract's. */
  monthAllowance() {
    if (this.allowance) return this.allowance;
    const requests = this.allowanceChoice?.requests;
    return requests ? { requests } : undefined;
  }

  /** Refreshes now, or shares the refresh already running. */
  refresh(signal) {
    if (!this.schedule.start(Date.now())) return this.running;
    this.running = this.#refresh(signal).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #refresh(signal) {
    const today = new Date().toISOString().slice(0, 10);
    let calls;
    try {
      calls = this.calls(today, signal);
    } catch (e) {
      calls = [...(this.gc ? ["genesys"] : []), ...(this.te ? ["thousandeyes"] : [])].map((v) => [v, Promise.reject(e)]);
    }
    const settled = await Promise.allSettled(calls.map(([, p]) => p));
    const failed = {};
    const errors = [];
    settled.forEach((s, i) => {
      const vendor = calls[i][0];
      if (s.status === "fulfilled") Object.assign(this.answers, s.value);
      else {
        failed[vendor] = s.reason?.kind ?? "unknown";
        errors.push(describe(s.reason));
      }
    });
    let o = null;
    let fired = [];
    if (Object.keys(this.answers).length > 0) {
      try {
        o = overview({ today, allowance: this.monthAllowance(), ...this.answers });
        fired = evaluateRules(o, this.rules);
      } catch (e) {
        for (const [vendor] of calls) failed[vendor] = e?.kind ?? "unknown";
        errors.push(describe(e));
        o = null;
        fired = [];
      }
    }
    const now = Date.now();
    this.schedule.finish(now, failed.genesys, failed.thousandeyes);
    // A vendor that failed keeps its last good figures, now with up 0.
    if (o) [this.lastOverview, this.lastFired] = [o, fired];
    this.text = this.schedule.toPrometheus(this.lastOverview ?? null, this.lastFired ?? []);
    this.lastRefresh = now;
    if (errors.length) this.lastError = { at: now, message: errors.join("; ") };
    return errors;
  }

  /** The text a scrape answers: the cache, after the first refresh if it is running. */
  async scrape() {
    const wait = this.schedule.scrapeWaitMs(Date.now());
    if (wait > 0 && this.running) {
      let timer;
      await Promise.race([this.running, new Promise((r) => (timer = setTimeout(r, wait)))]);
      clearTimeout(timer);
    }
    return this.text;
  }
}

// ------------------------------------------------------------ the server

/** Where a target's allowance comes from, in words. */
function allowanceWords(t) {
  if (!t.gc) return "no Genesys Cloud";
  if (t.allowance) return "from the config";
  const c = t.allowanceChoice;
  if (!c) return "not read yet";
  return c.requests ? `${c.requests} requests: ${c.detail}` : `none: ${c.fallbacks.join("; ")}`;
}

function page(targets, probe) {
  const rows = targets.map((t) => {
    const when = (ms) => (ms ? new Date(ms).toISOString() : "never");
    const link = probe ? `<a href="/probe?target=${encodeURIComponent(t.name)}">${escapeHtml(t.name)}</a>` : `<a href="/metrics">${escapeHtml(t.name)}</a>`;
    const state = t.schedule.stale(Date.now()) ? "stale" : "fresh";
    const error = t.lastError ? `${when(t.lastError.at)}: ${escapeHtml(t.lastError.message)}` : "none";
    return `<tr><td>${link}</td><td>${state}</td><td>${when(t.lastRefresh)}</td><td>${escapeHtml(allowanceWords(t))}</td><td>${error}</td></tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>usage-lens exporter</title></head><body>
<h1>usage-lens exporter</h1>
<table><thead><tr><th>Target</th><th>Figures</th><th>Last refresh</th><th>Allowance</th><th>Last error</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
<p><a href="/metrics">/metrics</a> · <a href="/-/healthy">/-/healthy</a></p>
</body></html>
`;
}

function version() {
  try {
    return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The exporter's own figures (multi-target mode's /metrics). */
function ownMetrics(targets, scrapes) {
  const lines = [
    "# HELP usage_lens_build_info Always 1; the usage-lens version of this exporter.",
    "# TYPE usage_lens_build_info gauge",
    `usage_lens_build_info{version="${version().replace(/["\\\n]/g, "")}"} 1`,
    "# HELP usage_lens_exporter_targets Targets in the exporter's config file, each at /probe?target=NAME.",
    "# TYPE usage_lens_exporter_targets gauge",
    `usage_lens_exporter_targets ${targets.length}`,
    "# HELP usage_lens_exporter_probes_total Probes answered since the exporter started (each from the cache).",
    "# TYPE usage_lens_exporter_probes_total counter",
    `usage_lens_exporter_probes_total ${scrapes}`,
    "# HELP usage_lens_exporter_refreshes_total Refreshes of each target's figures from the vendors since the exporter started, failed ones included.",
    "# TYPE usage_lens_exporter_refreshes_total counter",
    ...targets.map((t) => `usage_lens_exporter_refreshes_total{target="${t.name}"} ${t.schedule.refreshes}`),
  ];
  return lines.join("\n") + "\n";
}

const METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function handler(targets, multi, redact, counters) {
  const byName = new Map(targets.map((t) => [t.name, t]));
  return async (req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : redact(body));
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "only GET\n");
    const url = new URL(req.url ?? "/", "http://exporter");
    if (url.pathname === "/-/healthy") return send(200, "text/plain", "OK\n");
    if (url.pathname === "/") return send(200, "text/html; charset=utf-8", page(targets, multi));
    if (url.pathname === "/metrics") {
      if (multi) return send(200, METRICS_TYPE, ownMetrics(targets, counters.probes));
      return send(200, METRICS_TYPE, await targets[0].scrape());
    }
    if (url.pathname === "/probe" && multi) {
      const name = url.searchParams.get("target");
      const t = name && byName.get(name);
      if (!t) return send(name ? 404 : 400, "text/plain", name ? "no such target in the config file\n" : "say which: /probe?target=NAME\n");
      counters.probes++;
      return send(200, METRICS_TYPE, await t.scrape());
    }
    return send(404, "text/plain", "not found: /metrics, /probe?target=NAME, /-/healthy or /\n");
  };
}

async function loadConfig(path, env, secrets) {
  let body;
  try {
    body = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the config file ${path}: ${e.code ?? e.message}`);
  }
  return targetsFromYaml(body, path, { env, baseDir: dirname(resolve(path)), secrets });
}

/** The targets of a config file's text (`path` names it in messages). */
export async function targetsFromYaml(body, path, { env, baseDir, secrets }) {
  const { parse: parseYaml } = await import("yaml");
  let doc;
  try {
    // Warnings stay quiet: they would print the file's lines.
    doc = parseYaml(body, { logLevel: "error" });
  } catch (e) {
    throw new UsageError(`the config file ${path} is not YAML: ${scrub(String(e?.message ?? e).split("\n")[0])}`);
  }
  return targetsFromConfig(doc, { env, baseDir, secrets });
}

function redactor(secrets) {
  const hidden = secrets.filter((s) => s && s.length >= 4);
  return (text) => hidden.reduce((out, s) => out.split(s).join("[redacted]"), String(text));
}

/** Runs the exporter until SIGTERM or SIGINT; resolves the exit code. */
export async function serve(argv, env = process.env) {
  const secrets = [];
  let redact = redactor(secrets);
  try {
    const args = parse(argv);
    if (args.help) {
      process.stdout.write(HELP);
      return 0;
    }
    initSync({ module: readFileSync(new URL("../usage_lens_bg.wasm", import.meta.url)) });
    // The schedule checks the interval, before the environment and the file are read.
    new RefreshSchedule(args.refreshMs, true, true, 0).free();
    const specs = args.config ? await loadConfig(args.config, env, secrets) : [targetFromEnvironment(env, secrets)];
    redact = redactor(secrets);
    const now = Date.now();
    const targets = specs.map((s) => {
      try {
        return new Target(s, args.refreshMs, now);
      } catch (e) {
        throw new UsageError(`${args.config ? `target ${s.name}: ` : ""}${describe(e)}`);
      }
    });
    return await run(targets, Boolean(args.config), args.listen, redact);
  } catch (e) {
    process.stderr.write(redact(`usage-lens serve: ${e instanceof UsageError ? e.message : describe(e)}\n`));
    return 2;
  }
}

function run(targets, multi, listen, redact) {
  const aborter = new AbortController();
  const timers = new Map();
  let stopping = false;
  const schedule = (t) => {
    if (stopping) return;
    timers.set(t, setTimeout(async () => {
      let errors;
      try {
        errors = (await t.refresh(aborter.signal)) ?? [];
      } catch (e) {
        errors = [describe(e)];
      }
      for (const e of errors) if (!stopping) process.stderr.write(redact(`usage-lens serve: ${t.name}: ${e}\n`));
      schedule(t);
    }, t.schedule.dueInMs(Date.now())));
  };
  const answer = handler(targets, multi, redact, { probes: 0 });
  const server = createServer((req, res) =>
    answer(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(redact(`usage-lens serve: ${describe(e)}\n`));
    }),
  );
  return new Promise((resolveExit, reject) => {
    server.once("error", (e) => reject(new UsageError(`cannot listen on ${listen.host}:${listen.port}: ${e.code ?? e.message}`)));
    server.listen(listen.port, listen.host, () => {
      const { port } = server.address();
      const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
      process.stdout.write(`listening on http://${host}:${port}\n`);
      for (const t of targets) schedule(t);
    });
    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const timer of timers.values()) clearTimeout(timer);
      aborter.abort();
      server.close(() => resolveExit(0));
      server.closeAllConnections?.();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
