#!/usr/bin/env node
// `npx usage-lens check`: the overview's queries for both vendors, the rules
// evaluated on the answer, for scheduled jobs and monitoring.
//
// A thin script over the package's own API (GenesysClient, ThousandEyesClient,
// overviewQueries, overview, evaluateRules, toPrometheus, overviewCsv). It is
// shipped in the npm package as cli/usage-lens.mjs (scripts/pkg.sh copies it),
// so its imports are relative to the package's root.
//
// Tokens come only from the environment; nothing this script prints contains
// them. Exit codes: 0 no rule fired, 1 a rule fired, 2 an error.
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { scrub, shown } from "./serve.mjs";
import {
  initSync,
  GenesysClient,
  ThousandEyesClient,
  overviewQueries,
  overview,
  evaluateRules,
  defaultRules,
  toPrometheus,
  overviewCsv,
  overageMoney,
} from "../usage_lens.js";
import { EnvError, genesysOptionsFromEnv, secretsOf, thousandEyesOptionsFromEnv } from "./env.mjs";

const HELP = `usage-lens check: where Genesys Cloud API usage and ThousandEyes units are heading,
and the rules that flag trouble.

Usage:
  usage-lens check [options]
  usage-lens --help

Connections (environment variables only; a token or secret is never an argument):
  GENESYSCLOUD_OAUTHCLIENT_ID   an OAuth client with the client-credentials grant, and
  GENESYSCLOUD_OAUTHCLIENT_SECRET  its secret (tokens are fetched and renewed as needed), or
  USAGE_LENS_GENESYS_TOKEN      a Genesys Cloud OAuth access token (also GENESYSCLOUD_ACCESS_TOKEN)
  GENESYSCLOUD_REGION           a region such as us-east-1 or a domain such as mypurecloud.ie
                                (also USAGE_LENS_GENESYS_REGION), or
  USAGE_LENS_GENESYS_BASE_URL   any https:// base URL (a proxy)
  USAGE_LENS_GENESYS_LOGIN_URL  the login host, when it is not the region's (or the base URL)
  USAGE_LENS_TE_TOKEN           a ThousandEyes user API bearer token
  USAGE_LENS_TE_BASE_URL        default https://api.thousandeyes.com
At least one vendor must be configured; each one configured is queried, in parallel.
The Genesys role needs usage:organization:view, and billing:subscription:view to read
the allowance from the contract.

Options:
  --allowance N                 the organization's monthly API allowance (requests), or
  --licences N --per-licence M  licences times requests per licence per month; without
                                either, the allowance is read from the billing contract
  --charge NAME                 the contract charge that counts API requests (default: the
                                one whose name has "API" in it)
  --licences N --licence-type T when the contract gives no allowance: N licences of type T
                                from the fair-use table (cx1-named, cx1-concurrent, cx2-named,
                                cx2-concurrent, cx3-named, cx3-concurrent, communicate-named,
                                ex-named)
  --rules FILE.json             a JSON array of rules (default: the default rules)
  --format table|json|prometheus
                                what to print (default table); prometheus prints the figures
                                and fired rules in the text exposition format
  --out FILE.json|FILE.csv      also write the answer (overview and fired rules as JSON, or
                                the overview as CSV)
  --timeout-ms N                give up after N milliseconds per query (default 600000)
  --help                        this text

Exit status: 0 when no rule fired, 1 when a rule fired, 2 on an error.
`;

/** Anything printed goes through here: a token or secret value never leaves. */
function redact(text) {
  let out = String(text);
  for (const secret of secretsOf(process.env)) out = out.split(secret).join("[redacted]");
  return out;
}

/** A mistake in the arguments or the environment, said in words (exit 2). */
export class UsageError extends Error {}

function fail(message) {
  process.stderr.write(redact(`usage-lens: ${message}\n`));
  process.exit(2);
}

/** A whole number above 0 given as an option. */
function whole(name, text) {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new UsageError(`--${name} must be a whole number above 0`);
  }
  return Number(text);
}

/** The options of `usage-lens check` from its arguments, or a UsageError. */
export function parse(argv) {
  // Refused before anything else, whatever follows it, and never echoed.
  const tokenFlag = argv.find((a) => /^--?(access[-_]?)?token(=|$)/i.test(a) || /^--?(genesys|te|thousandeyes)[-_]?token(=|$)/i.test(a));
  if (tokenFlag) {
    throw new UsageError(
      "tokens are never taken from arguments (they would show in the process list and shell history); " +
        "set USAGE_LENS_GENESYS_TOKEN and/or USAGE_LENS_TE_TOKEN in the environment",
    );
  }
  const secretFlag = argv.find((a) => /^--?((oauth[-_]?)?client[-_]?)?secret(=|$)/i.test(a) || /^--?(genesys|genesyscloud)[-_]?(client[-_]?)?secret(=|$)/i.test(a));
  if (secretFlag) {
    throw new UsageError(
      "client secrets are never taken from arguments (they would show in the process list and shell history); " +
        "set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET in the environment",
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        allowance: { type: "string" },
        licences: { type: "string" },
        "per-licence": { type: "string" },
        "licence-type": { type: "string" },
        charge: { type: "string" },
        rules: { type: "string" },
        format: { type: "string", default: "table" },
        out: { type: "string" },
        "timeout-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(`${scrub(e.message)} (see usage-lens --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1 || positionals[0] !== "check") {
    throw new UsageError(
      positionals.length === 0 ? "say what to do: usage-lens check [options] (see --help)" : `unknown command ${positionals.map(shown).join(" ")}; the command is check`,
    );
  }
  const format = values.format;
  if (!["table", "json", "prometheus"].includes(format)) {
    throw new UsageError(`--format must be table, json or prometheus, not ${shown(format)}`);
  }
  let allowance;
  const requests = whole("allowance", values.allowance);
  const licences = whole("licences", values.licences);
  const perLicence = whole("per-licence", values["per-licence"]);
  if (requests !== undefined && (licences !== undefined || perLicence !== undefined)) {
    throw new UsageError("give either --allowance or --licences with --per-licence, not both");
  }
  const licenceType = values["licence-type"];
  if (licenceType !== undefined && perLicence !== undefined) {
    throw new UsageError("give --licence-type (the fair-use table) or --per-licence, not both");
  }
  if ((licences === undefined) !== (perLicence === undefined && licenceType === undefined)) {
    throw new UsageError("--licences and --per-licence (or --licence-type) go together");
  }
  if (requests !== undefined) allowance = { requests };
  else if (perLicence !== undefined) allowance = { licences, perLicence };
  const fairUse = licenceType !== undefined ? { licence: licenceType, count: licences } : undefined;
  let out;
  if (values.out !== undefined) {
    const kind = /\.json$/i.test(values.out) ? "json" : /\.csv$/i.test(values.out) ? "csv" : null;
    if (!kind) throw new UsageError("--out must name a .json or a .csv file");
    out = { path: values.out, kind };
  }
  const timeoutMs = whole("timeout-ms", values["timeout-ms"]) ?? 600_000;
  return { format, allowance, fairUse, charge: values.charge, rulesFile: values.rules, out, timeoutMs };
}

function readRules(path) {
  if (path === undefined) return defaultRules();
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the rules file ${path}: ${e.code ?? e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the rules file ${path} is not JSON: ${e.message}`);
  }
}

/** The clients the environment configures. */
function connections(env) {
  let gcOptions, teOptions;
  try {
    gcOptions = genesysOptionsFromEnv(env);
    teOptions = thousandEyesOptionsFromEnv(env);
  } catch (e) {
    throw e instanceof EnvError ? new UsageError(e.message) : e;
  }
  if (!gcOptions && !teOptions) {
    throw new UsageError(
      "nothing to check: set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or USAGE_LENS_GENESYS_TOKEN) with a region, and/or USAGE_LENS_TE_TOKEN",
    );
  }
  return {
    gc: gcOptions && new GenesysClient(gcOptions),
    te: teOptions && new ThousandEyesClient(teOptions),
  };
}

/** A library error in words: which vendor, what kind, the status. */
function describe(e) {
  if (e && e.name === "UsageLensError") {
    const where = e.vendor === "genesys" ? "Genesys Cloud" : e.vendor === "thousandeyes" ? "ThousandEyes" : "usage-lens";
    const status = e.status ? ` (HTTP ${e.status})` : "";
    return `${where}: ${e.kind}${status}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs every configured query at once; all answers, or every failure. With
 * Genesys, the token's rate limit and the allowance (with its source) are
 * read beside them; neither fails the check.
 */
async function fetchAll({ gc, te }, queries, timeoutMs, allowance) {
  const opts = { timeoutMs };
  const jobs = {
    rateLimit: gc ? gc.rateLimit(opts) : undefined,
    allowanceChoice: gc ? gc.allowance({ today: queries.today, ...allowance }, opts) : undefined,
    genesysRows: gc ? gc.queryOrganizationUsage(queries.genesys, opts).then((r) => r.results) : undefined,
    thousandEyesUsage: te ? te.usage(queries.thousandEyesUsage, opts) : undefined,
    quotas: te ? te.quotas(opts) : undefined,
  };
  const names = Object.keys(jobs).filter((k) => jobs[k]);
  const settled = await Promise.allSettled(names.map((k) => jobs[k]));
  const failures = settled.filter((s) => s.status === "rejected").map((s) => describe(s.reason));
  if (failures.length) throw new UsageError([...new Set(failures)].join("\nusage-lens: "));
  return Object.fromEntries(names.map((k, i) => [k, settled[i].value]));
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}

/** The allowance's source, its money and the rate limit, in words. */
function genesysLines({ allowance, money, rateLimit }) {
  const lines = [];
  if (allowance) {
    const why = allowance.fallbacks.length ? ` (${allowance.fallbacks.join("; ")})` : "";
    lines.push(`Allowance: ${allowance.detail}${why}.`);
  }
  if (money) {
    const cur = money.currency ? ` ${money.currency}` : "";
    lines.push(`Projected overage: ${money.projected.toFixed(2)}${cur} at ${money.rate}${cur} a request.`);
  }
  if (rateLimit) {
    const from = rateLimit.fromOrganization ? "the organization's limit" : `the default (${rateLimit.reason})`;
    lines.push(`Rate limit: ${rateLimit.limit} requests a minute per token (${from}); keeping to ${rateLimit.budget}.`);
  }
  return lines;
}

function printTable(answer, fired, genesys) {
  const lines = [];
  const g = answer.genesys;
  if (g) {
    const m = g.month;
    const allowance = m.allowance ? ` of an allowance of ${m.allowance.toLocaleString("en")}` : "";
    lines.push(
      `Genesys Cloud ${m.month}: ${m.monthToDate.toLocaleString("en")} requests so far, ` +
        `${Math.round(m.projected).toLocaleString("en")} projected${allowance}.`,
    );
  }
  if (genesys) lines.push(...genesysLines(genesys));
  const t = answer.thousandeyes;
  if (t) {
    const projected = t.cloud.vendorProjected ?? Math.round(t.cloud.ourProjected ?? t.cloud.used);
    const of = t.cloud.quota ?? t.cloud.included;
    lines.push(
      `ThousandEyes: ${t.cloud.used.toLocaleString("en")} cloud units used, ${projected.toLocaleString("en")} projected` +
        (of ? ` of ${of.toLocaleString("en")}.` : "."),
    );
  }
  if (fired.length === 0) {
    lines.push("No rule fired.");
  } else {
    lines.push(`${fired.length} rule${fired.length === 1 ? "" : "s"} fired:`, "");
    lines.push(table([["SEVERITY", "VENDOR", "RULE", "WHO", "BY"], ...fired.map((f) => [f.severity, f.vendor, f.ruleId, f.who, f.by])]));
    lines.push("");
    for (const f of fired) lines.push(`- ${f.ruleId} (${f.who}): ${f.what}. ${f.advice}`);
  }
  process.stdout.write(redact(lines.join("\n") + "\n"));
}

async function main() {
  const args = parse(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  initSync({ module: readFileSync(new URL("../usage_lens_bg.wasm", import.meta.url)) });
  const today = new Date().toISOString().slice(0, 10);
  const rules = readRules(args.rulesFile);
  // Rules and allowance are checked before any request is sent.
  evaluateRules(overview({ today, allowance: args.allowance }), rules);
  const clients = connections(process.env);
  const asked = { allowance: args.allowance, licences: args.fairUse, charge: args.charge };
  const { rateLimit, allowanceChoice, ...answers } = await fetchAll(clients, { ...overviewQueries(today), today }, args.timeoutMs, asked);
  const allowance = allowanceChoice?.requests ? { requests: allowanceChoice.requests } : args.allowance;
  const answer = overview({ today, allowance, ...answers, ...(rateLimit?.fromOrganization ? { rateLimit: rateLimit.limit } : {}) });
  const fired = evaluateRules(answer, rules);
  const money = allowanceChoice?.contract && answer.genesys ? overageMoney(answer.genesys.month, allowanceChoice.contract) : null;
  const genesys = clients.gc ? { allowance: allowanceChoice, money, rateLimit } : undefined;
  if (args.out) {
    const text = args.out.kind === "csv" ? overviewCsv(answer) : JSON.stringify({ overview: answer, fired }, null, 2) + "\n";
    try {
      writeFileSync(args.out.path, text);
    } catch (e) {
      throw new UsageError(`cannot write ${args.out.path}: ${e.code ?? e.message}`);
    }
  }
  if (args.format === "json") process.stdout.write(redact(JSON.stringify({ today, fired, genesys }, null, 2) + "\n"));
  else if (args.format === "prometheus") process.stdout.write(redact(toPrometheus(answer, fired)));
  else printTable(answer, fired, genesys);
  return fired.length > 0 ? 1 : 0;
}

/** Whether this file is the program run (tests import it for `parse`). */
function isProgram() {
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram() && process.argv[2] === "serve") {
  // The exporter (serve.mjs) runs until SIGTERM; its own --help says how.
  process.exit(await (await import("./serve.mjs")).serve(process.argv.slice(3)));
} else if (isProgram()) {
  main().then(
    (code) => process.exit(code),
    (e) => fail(e instanceof UsageError ? e.message : describe(e)),
  );
}
