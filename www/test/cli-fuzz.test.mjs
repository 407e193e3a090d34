// The CLI's argument and config parsing under random and mutated input, from
// a small seeded generator: `usage-lens check`'s arguments, `usage-lens
// serve`'s flags (--listen, --refresh, --config) and its YAML config file.
// The parsers are the package's own, as installed in www/.
//
// Properties, each over thousands of cases:
// - a parser throws nothing but its UsageError, and that error says in one
//   line which flag, command or field is wrong;
// - where the CLI would exit on it, it exits with 2 and prints that message;
// - a secret-looking value (a token as vendors issue them) given in the
//   arguments or the config never appears in a message. File paths are the
//   exception: a message names the file it could not read, so that a person
//   can find it;
// - valid input round-trips to the options it spells.
//
// CLI_FUZZ_CASES sets the cases per property (default 1000; `make fuzz` runs
// many more) and CLI_FUZZ_SEED the seed; a failure names both and the case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

const CLI = new URL("../node_modules/usage-lens/cli/", import.meta.url);
const check = await import(new URL("usage-lens.mjs", CLI).href);
const serve = await import(new URL("serve.mjs", CLI).href);
const BIN = fileURLToPath(new URL("../node_modules/.bin/usage-lens", import.meta.url));
const CASES = Number(process.env.CLI_FUZZ_CASES || 1000);
const SEED = Number(process.env.CLI_FUZZ_SEED || 20261207);

// ------------------------------------------------------------ the generator

/** A small seeded generator (a 32-bit mixer): the same seed, the same cases. */
function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    chars: (n, alphabet) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
    shuffle: (list) => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
  return r;
}

/** Runs `property(r, i)` for every case, each from its own seed; a failure names it. */
function forAll(name, property, cases = CASES) {
  for (let i = 0; i < cases; i++) {
    const r = rng(SEED * 7919 + i * 104729 + name.length);
    try {
      property(r, i);
    } catch (e) {
      e.message = `${name}, case ${i} (CLI_FUZZ_SEED=${SEED}): ${e.message}`;
      throw e;
    }
  }
}

/** The same for async properties. */
async function forAllAsync(name, property, cases = CASES) {
  for (let i = 0; i < cases; i++) {
    const r = rng(SEED * 7919 + i * 104729 + name.length);
    try {
      await property(r, i);
    } catch (e) {
      e.message = `${name}, case ${i} (CLI_FUZZ_SEED=${SEED}): ${e.message}`;
      throw e;
    }
  }
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const UNICODE = ["é", "ß", "Ω", "🙂", "👩‍💻", "中文", "\u202e", "\u0301", "\u00a0", "\u2028", "\ufeff", "\u0000", "\t", "\n", "𝔘"];

/** A token as vendors issue them: long, letters with digits, and never a variable name. */
function secret(r) {
  const forms = [
    () => `${r.chars(8, HEX)}-${r.chars(4, HEX)}-4${r.chars(3, HEX)}-a${r.chars(3, HEX)}-${r.chars(12, HEX)}`,
    () => r.chars(r.range(24, 90), ALNUM + "-_"),
    () => `sk-${r.chars(32, ALNUM)}`,
    () => `eyJ${r.chars(20, ALNUM)}.${r.chars(30, ALNUM)}.${r.chars(20, ALNUM + "-_")}`,
    () => r.chars(r.range(20, 40), ALNUM),
  ];
  let s = r.pick(forms)();
  if (!/[a-z]/.test(s)) s += "k";
  if (!/[0-9]/.test(s)) s += "7";
  return s;
}

/** Any text: empty, odd numbers, dashes, unicode, huge. */
function junk(r) {
  return r.pick([
    () => "",
    () => " ",
    () => r.pick(["-1", "0", "1.5", "1e309", "9".repeat(r.range(16, 400)), "0x10", " 5", "5 ", "NaN", "Infinity", "-0", "1_000"]),
    () => r.pick(["-", "--", "---", "-=", "--=", "=", "--=x", "-h", "--help", "--no-help"]),
    () => r.pick(["check", "serve", "table", "json", "prometheus", "15m", "1h30m", ":0", "[::1]:9", "127.0.0.1:10135"]),
    () => r.chars(r.range(1, 12), ALNUM + "-_=:./[]{}"),
    () => Array.from({ length: r.range(1, 5) }, () => r.pick(UNICODE)).join(""),
    () => r.chars(r.range(1000, 20000), ALNUM),
    () => "-".repeat(r.range(1, 3)) + r.chars(r.range(1, 20), ALNUM + "-"),
  ])();
}

/** A text that cannot start an option (a value given apart from its flag). */
function word(r, alphabet = ALNUM + "_. ") {
  return r.pick(["", "a", ...UNICODE.slice(0, 6)]) + r.chars(r.range(1, 16), alphabet);
}

/** Asserts that `fn` returns, or throws only `Kind` with a one-line message matching `names`. */
function onlyUsageErrors(fn, Kind, names) {
  try {
    return { value: fn() };
  } catch (e) {
    assert.ok(e instanceof Kind, `not a UsageError: ${e?.stack ?? e}`);
    assert.ok(e.message.length > 0 && !e.message.includes("\n"), `one line: ${JSON.stringify(e.message)}`);
    assert.match(e.message, names, "the message names what is wrong");
    return { error: e };
  }
}

async function onlyUsageErrorsAsync(fn, Kind, names) {
  try {
    return { value: await fn() };
  } catch (e) {
    assert.ok(e instanceof Kind, `not a UsageError: ${e?.stack ?? e}`);
    assert.ok(e.message.length > 0 && !e.message.includes("\n"), `one line: ${JSON.stringify(e.message)}`);
    assert.match(e.message, names, "the message names what is wrong");
    return { error: e };
  }
}

function noSecret(text, secrets, where) {
  for (const s of secrets) assert.ok(!String(text).includes(s), `the secret ${s} appears in ${where}: ${text}`);
}

// ------------------------------------------------------------ usage-lens check

/** A message of check's that names a flag, the command, or the variables to set. */
const CHECK_NAMES = /(^|[\s'"(])-{1,2}[^\s-]|\bcheck\b|\bcommand\b|USAGE_LENS_|GENESYSCLOUD_/;

/** Valid arguments of check, in any order and spelling, and the options they mean. */
function validCheck(r) {
  const flags = [];
  const expected = { format: "table", allowance: undefined, fairUse: undefined, charge: undefined, rulesFile: undefined, out: undefined, timeoutMs: 600_000 };
  const whole = () => {
    const n = r.pick([1, 2, r.range(1, 1e6), Number.MAX_SAFE_INTEGER, r.range(1, 2 ** 40)]);
    return { text: (r.chance(0.1) ? "00" : "") + String(n), n };
  };
  if (r.chance(0.6)) {
    expected.format = r.pick(["table", "json", "prometheus"]);
    flags.push(["format", expected.format]);
  }
  const a = r.int(4);
  if (a === 3) {
    // Licences of a fair-use type: the allowance the contract does not give.
    const l = whole();
    const type = r.pick(["cx1-named", "cx3-concurrent", "x-" + word(r)]);
    flags.push(["licences", l.text], ["licence-type", type]);
    expected.fairUse = { licence: type, count: l.n };
  } else if (a === 1) {
    const w = whole();
    flags.push(["allowance", w.text]);
    expected.allowance = { requests: w.n };
  } else if (a === 2) {
    const [l, p] = [whole(), whole()];
    flags.push(["licences", l.text], ["per-licence", p.text]);
    expected.allowance = { licences: l.n, perLicence: p.n };
  }
  if (r.chance(0.3)) {
    expected.charge = word(r);
    flags.push(["charge", expected.charge]);
  }
  if (r.chance(0.4)) {
    expected.rulesFile = word(r) + ".json";
    flags.push(["rules", expected.rulesFile]);
  }
  if (r.chance(0.4)) {
    const ext = r.pick([".json", ".csv", ".JSON", ".Csv"]);
    expected.out = { path: word(r) + ext, kind: ext.toLowerCase().slice(1) };
    flags.push(["out", expected.out.path]);
  }
  if (r.chance(0.4)) {
    const w = whole();
    flags.push(["timeout-ms", w.text]);
    expected.timeoutMs = w.n;
  }
  const argv = r.shuffle([["check"], ...flags.map(([k, v]) => (r.chance(0.5) ? [`--${k}`, v] : [`--${k}=${v}`]))]).flat();
  return { argv, expected };
}

test("check: valid arguments in any order and spelling round-trip to their options", () => {
  forAll("check valid", (r) => {
    const { argv, expected } = validCheck(r);
    assert.deepEqual(check.parse(argv), expected, JSON.stringify(argv));
    // --help before or after the rest wins.
    const help = r.chance(0.5) ? [r.pick(["--help", "-h"]), ...argv] : [...argv, r.pick(["--help", "-h"])];
    assert.deepEqual(check.parse(help), { help: true }, JSON.stringify(help));
  });
});

/** Valid arguments, broken: a value wrong, a flag lost, doubled, unknown or misspelt. */
function mutateArgv(r, argv) {
  const out = [...argv];
  for (let k = r.range(1, 3); k > 0; k--) {
    const i = r.int(out.length + 1);
    r.pick([
      () => out.splice(i, 0, junk(r)),
      () => out.splice(i, 1),
      () => (out[i] = junk(r)),
      () => out.splice(i, 0, `--${junk(r)}`),
      () => out.splice(i, 0, r.pick(["--allowance", "--licences", "--per-licence", "--format", "--out", "--timeout-ms", "--rules", "--listen", "--refresh", "--config"]), junk(r)),
      () => out.splice(i, 0, `${r.pick(["--allowance", "--format", "--out", "--timeout-ms", "--listen", "--refresh"])}=${junk(r)}`),
      () => out.push(...out.slice(0, r.range(1, 3))),
      () => out.splice(i, 0, "--"),
    ])();
  }
  return out;
}

test("check: random and broken arguments give a UsageError naming the flag or command, never anything else", () => {
  let refused = 0;
  forAll("check broken", (r) => {
    const argv = r.chance(0.3) ? Array.from({ length: r.range(0, 6) }, () => junk(r)) : mutateArgv(r, validCheck(r).argv);
    if (onlyUsageErrors(() => check.parse(argv), check.UsageError, CHECK_NAMES).error) refused++;
  });
  assert.ok(refused > CASES / 2, `most broken arguments are refused: ${refused} of ${CASES}`);
});

/** Where a secret may be put in arguments: anywhere but as the file a flag names. */
function plantSecret(r, argv, s, known) {
  const out = [...argv];
  const i = r.int(out.length + 1);
  const flag = r.pick([...known, "--token", "--access-token", "--te-token", "--client-secret", "--secret", "--password", "--bearer", "-t"]);
  r.pick([
    () => out.splice(i, 0, s),
    () => out.splice(i, 0, flag, s),
    () => out.splice(i, 0, `${flag}=${s}`),
    () => out.push("--", s),
  ])();
  return out;
}

test("check: a secret given in the arguments never appears in the message", () => {
  let refused = 0;
  forAll("check secrets", (r) => {
    const s = secret(r);
    const argv = plantSecret(r, validCheck(r).argv, s, ["--format", "--allowance", "--licences", "--per-licence", "--timeout-ms"]);
    const { error } = onlyUsageErrors(() => check.parse(argv), check.UsageError, CHECK_NAMES);
    if (error) {
      refused++;
      noSecret(error.message, [s], `the message for ${JSON.stringify(argv)}`);
    }
  });
  assert.ok(refused > CASES * 0.9, `a secret in the arguments is refused: ${refused} of ${CASES}`);
});

test("check: a value just outside what a flag takes is refused, naming the flag", () => {
  forAll("check edges", (r) => {
    const [flag, value] = r.pick([
      ["--allowance", r.pick(["0", "-1", "1.5", "1e3", String(2 ** 53), "9".repeat(r.range(17, 400)), "", " 1"])],
      ["--timeout-ms", r.pick(["0", "-5", "0x10", String(2 ** 53 + 2)])],
      ["--licences", r.pick(["0", "ten"])],
      ["--format", r.pick(["TABLE", "csv", "", "json "])],
      ["--out", r.pick(["answer.txt", "answer", "answer.json.gz", ""])],
    ]);
    const { argv } = validCheck(r);
    const withIt = r.chance(0.5) ? [...argv, flag, value] : [...argv, `${flag}=${value}`];
    assert.throws(() => check.parse(withIt), (e) => e instanceof check.UsageError && e.message.includes(flag), JSON.stringify(withIt));
  });
});

// ------------------------------------------------------------ usage-lens serve's flags

const SERVE_NAMES = /(^|[\s'"(])-{1,2}[^\s-]|secrets are never taken from arguments/;

function validServe(r) {
  const flags = [];
  const expected = { listen: { host: "127.0.0.1", port: serve.DEFAULT_PORT }, config: undefined, refreshMs: 15 * 60_000 };
  if (r.chance(0.7)) {
    const port = r.pick([0, 1, 80, serve.DEFAULT_PORT, 65535, r.range(0, 65535)]);
    const [text, host] = r.pick([
      [`127.0.0.1:${port}`, "127.0.0.1"],
      [`0.0.0.0:${port}`, "0.0.0.0"],
      [`:${port}`, "127.0.0.1"],
      [`[::1]:${port}`, "::1"],
      [`[::]:${port}`, "::"],
      [`localhost:${port}`, "localhost"],
      (() => {
        const h = r.chars(1, "abcdefghijklmnopqrstuvwxyz") + r.chars(r.range(0, 20), "abcdefghijklmnopqrstuvwxyz0123456789.-");
        return [`${h}:${port}`, h];
      })(),
    ]);
    flags.push(["listen", text]);
    expected.listen = { host, port };
  }
  if (r.chance(0.7)) {
    const parts = [];
    let ms = 0;
    for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]]) {
      if (r.chance(0.5)) {
        const n = r.pick([0, 1, 15, 90, r.range(0, 100_000)]);
        parts.push(`${n}${unit}`);
        ms += n * size;
      }
    }
    if (parts.length === 0) parts.push("0s");
    flags.push(["refresh", parts.join("")]);
    expected.refreshMs = ms;
  }
  if (r.chance(0.5)) {
    expected.config = word(r) + r.pick([".yml", ".yaml", ".json", ""]);
    flags.push(["config", expected.config]);
  }
  const argv = r.shuffle(flags.map(([k, v]) => (r.chance(0.5) ? [`--${k}`, v] : [`--${k}=${v}`]))).flat();
  return { argv, expected };
}

test("serve: valid --listen, --refresh and --config round-trip to their options", () => {
  forAll("serve valid", (r) => {
    const { argv, expected } = validServe(r);
    assert.deepEqual(serve.parse(argv), expected, JSON.stringify(argv));
  });
});

test("serve: a value just outside what a flag takes is refused, naming the flag", () => {
  forAll("serve edges", (r) => {
    const [flag, value] = r.pick([
      ["--listen", r.pick([":65536", `:${r.range(65536, 99999)}`, `:${r.range(100000, 999999)}`, "127.0.0.1", "127.0.0.1:", "[::1]", "::1:80", "[::1:80", "127.0.0.1:-1", ""])],
      ["--refresh", r.pick(["", "15", "1d", "m", "1.5m", "-1m", "15 m", "1s1h", "1ms1s"])],
    ]);
    const { argv } = validServe(r);
    const withIt = r.chance(0.5) ? [...argv, flag, value] : [...argv, `${flag}=${value}`];
    assert.throws(() => serve.parse(withIt), (e) => e instanceof serve.UsageError && e.message.includes(flag), JSON.stringify(withIt));
  });
});

test("serve: random and broken flags give a UsageError naming the flag, never anything else", () => {
  let refused = 0;
  forAll("serve broken", (r) => {
    const argv = r.chance(0.3) ? Array.from({ length: r.range(1, 6) }, () => junk(r)) : mutateArgv(r, validServe(r).argv);
    if (onlyUsageErrors(() => serve.parse(argv), serve.UsageError, SERVE_NAMES).error) refused++;
  });
  assert.ok(refused > CASES / 2, `most broken flags are refused: ${refused} of ${CASES}`);
});

test("serve: a secret given in the flags never appears in the message", () => {
  let refused = 0;
  forAll("serve secrets", (r) => {
    const s = secret(r);
    const argv = plantSecret(r, validServe(r).argv, s, ["--listen", "--refresh"]);
    const { error } = onlyUsageErrors(() => serve.parse(argv), serve.UsageError, SERVE_NAMES);
    if (error) {
      refused++;
      noSecret(error.message, [s], `the message for ${JSON.stringify(argv)}`);
    }
  });
  assert.ok(refused > CASES * 0.9, `a secret in the flags is refused: ${refused} of ${CASES}`);
});

// ------------------------------------------------------------ usage-lens serve's config file

const DIR = mkdtempSync(join(tmpdir(), "usage-lens-cli-fuzz-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));
const RULES = [{ id: "share-429", vendor: "genesys", kind: "share429", over: 0.05, severity: "warning" }];
writeFileSync(join(DIR, "rules.json"), JSON.stringify(RULES));

/** A message about the config that names the field, or the file. */
const CONFIG_NAMES = /\btargets\b|the config/;

const envName = (r) => r.pick(["", "ACME_", "ORG_"]) + r.chars(r.range(1, 12), "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") + r.pick(["", "_TOKEN", "_2"]);

/**
 * A valid config as a value (targets sharing sections, so that the YAML
 * writer aliases them), the environment it names, and the targets it means.
 */
function validConfig(r) {
  const env = {};
  const secrets = [];
  const variable = () => {
    const name = envName(r);
    if (!(name in env)) {
      env[name] = secret(r);
      secrets.push(env[name]);
    }
    return name;
  };
  const names = new Set();
  const targets = [];
  const expected = [];
  let shared;
  for (let n = r.range(1, 4); n > 0; n--) {
    let name;
    do name = r.chars(1, ALNUM) + r.chars(r.range(0, 20), ALNUM + "_.-");
    while (names.has(name));
    names.add(name);
    const t = { name };
    const spec = { name };
    if (shared && r.chance(0.3)) {
      t.genesys = shared.value;
      spec.genesys = shared.spec;
    } else if (r.chance(0.8)) {
      const g = {};
      const gs = {};
      if (r.chance(0.5)) g.region = gs.region = r.pick(["mypurecloud.com", "mypurecloud.ie", "usw2.pure.cloud"]);
      else g.baseUrl = gs.baseUrl = r.pick(["https://api.example.test", "http://127.0.0.1:9", "https://proxy.test/genesys"]);
      if (r.chance(0.2)) g.loginUrl = gs.loginUrl = "https://login.example.test";
      if (r.chance(0.6)) {
        g.tokenEnv = variable();
        gs.accessToken = env[g.tokenEnv];
      } else {
        g.clientIdEnv = variable();
        g.clientSecretEnv = variable();
        gs.clientId = env[g.clientIdEnv];
        gs.clientSecret = env[g.clientSecretEnv];
      }
      t.genesys = g;
      spec.genesys = gs;
      shared = { value: g, spec: gs };
    }
    if (!t.genesys || r.chance(0.5)) {
      t.thousandeyes = { tokenEnv: variable() };
      spec.thousandeyes = { accessToken: env[t.thousandeyes.tokenEnv] };
      if (r.chance(0.3)) t.thousandeyes.baseUrl = spec.thousandeyes.baseUrl = "https://api.thousandeyes.com";
    }
    if (r.chance(0.4)) {
      t.allowance = r.pick([1, 5_000_000, Number.MAX_SAFE_INTEGER, r.range(1, 1e9)]);
      spec.allowance = { requests: t.allowance };
    }
    if (r.chance(0.2)) {
      t.rules = "rules.json";
      spec.rules = RULES;
    }
    targets.push(t);
    expected.push(spec);
  }
  return { doc: { targets }, env, secrets, expected };
}

/** A config value as text: block YAML (shared sections aliased), flow YAML or JSON. */
function write(r, doc) {
  return r.pick([
    () => stringify(doc),
    () => stringify(doc, { aliasDuplicateObjects: false }),
    () => stringify(doc, { collectionStyle: "flow" }),
    () => JSON.stringify(doc),
    () => JSON.stringify(doc, null, 2),
  ])();
}

const fromYaml = (text, env, secrets = []) => serve.targetsFromYaml(text, "fuzz.yaml", { env, baseDir: DIR, secrets });

test("serve config: valid files in any style (aliases included) round-trip to their targets", async () => {
  await forAllAsync("config valid", async (r) => {
    const { doc, env, expected } = validConfig(r);
    const text = write(r, doc);
    const found = [];
    assert.deepEqual(await fromYaml(text, env, found), expected, text);
    for (const spec of expected) {
      for (const s of [spec.genesys?.accessToken, spec.genesys?.clientId, spec.genesys?.clientSecret, spec.thousandeyes?.accessToken]) {
        if (s) assert.ok(found.includes(s), "every secret read is handed back to be hidden");
      }
    }
  });
});

/** Something of the wrong kind for any field. */
function wrongValue(r, s) {
  return r.pick([
    () => null,
    () => r.pick([true, false]),
    () => r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53, Number.MAX_SAFE_INTEGER + 2]),
    () => "",
    () => junk(r),
    () => [],
    () => [junk(r), 1],
    () => ({}),
    () => ({ [junk(r) || "x"]: junk(r) }),
    () => {
      let v = "deep";
      for (let d = r.range(10, 200); d > 0; d--) v = r.chance(0.5) ? [v] : { a: v };
      return v;
    },
    () => s,
  ])();
}

/** A valid config value, broken where it matters; a secret goes in as a value or a key. */
function mutateConfig(r, doc, s) {
  const copy = structuredClone(doc);
  const spots = [];
  const walk = (v, parent, key) => {
    if (parent) spots.push([parent, key]);
    if (v && typeof v === "object") for (const k of Object.keys(v)) walk(v[k], v, k);
  };
  walk(copy);
  for (let k = r.range(1, 3); k > 0; k--) {
    const [parent, key] = r.pick(spots.length ? spots : [[copy, "targets"]]);
    const target = copy.targets?.[0];
    // A file's path is named in messages: no secret goes there.
    r.pick([
      () => (parent[key] = wrongValue(r, key === "rules" ? "rules" : s)),
      () => delete parent[key],
      () => typeof parent === "object" && !Array.isArray(parent) && (parent[r.pick([junk(r) || "extra", s, "token", "clientSecret", "password", "__proto__"])] = r.pick([s, junk(r), 1])),
      () => target && typeof target === "object" && r.pick(["genesys", "thousandeyes"]) in target && (target[r.pick(["genesys", "thousandeyes"])] = { ...target.genesys, tokenEnv: s }),
      () => Array.isArray(copy.targets) && copy.targets.push(structuredClone(copy.targets[0])),
      () => (copy.targets = wrongValue(r, s)),
      () => target && typeof target === "object" && (target.rules = r.pick(["nowhere.json", "", "rules.json/x", s.slice(0, 8)])),
    ])();
  }
  return copy;
}

test("serve config: broken files give a UsageError naming the field, and no secret", async () => {
  let refused = 0;
  await forAllAsync("config broken", async (r) => {
    const { doc, env, secrets } = validConfig(r);
    const s = secret(r);
    const text = write(r, mutateConfig(r, doc, s));
    const { error } = await onlyUsageErrorsAsync(() => fromYaml(text, env), serve.UsageError, CONFIG_NAMES);
    if (error) {
      refused++;
      noSecret(error.message, [s, ...secrets], `the message for:\n${text}`);
    }
  });
  assert.ok(refused > CASES / 2, `most broken files are refused: ${refused} of ${CASES}`);
});

/** The text of a valid file, damaged: characters, lines, directives, bombs. */
function damage(r, text) {
  let t = text;
  for (let k = r.range(1, 3); k > 0; k--) {
    const i = r.int(t.length + 1);
    const lines = t.split("\n");
    const line = r.int(lines.length);
    t = r.pick([
      () => t.slice(0, i) + t.slice(i + r.range(1, 10)),
      () => t.slice(0, i) + r.pick([":", "-", "[", "{", "]", "}", "&a ", "*a ", "*nowhere ", "!!binary ", "!tag ", "? ", "|", ">", "#", "'", '"', "\t", "\u0000", "\ufeff", ...UNICODE]) + t.slice(i),
      () => t.slice(0, i),
      () => [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join("\n"),
      () => "%YAML 1.1\n---\n" + t,
      () => "%YAML 9.9\n---\n" + t,
      () => t + "\n---\n" + t,
      () => "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n" + t,
      () => "[".repeat(r.range(10, 400)) + "]".repeat(r.range(0, 400)),
      () => t.replace(/tokenEnv/g, "token"),
      () => "targets:\n  - name: a\n    name: b\n" + t,
    ])();
  }
  return t;
}

test("serve config: damaged text (duplicate keys, aliases bombs, deep nesting, unicode) gives a UsageError, never anything else", async () => {
  let refused = 0;
  await forAllAsync("config damaged", async (r) => {
    const { doc, env, secrets } = validConfig(r);
    const text = damage(r, write(r, doc));
    const { error } = await onlyUsageErrorsAsync(() => fromYaml(text, env), serve.UsageError, /\btargets\b|the config/);
    if (error) {
      refused++;
      noSecret(error.message, secrets, `the message for:\n${text}`);
    }
  });
  assert.ok(refused > CASES / 2, `most damaged files are refused: ${refused} of ${CASES}`);
});

test("serve config: the classic attacks are refused in words, quickly", async () => {
  const env = { T: "te-Token-5e1d-do-not-print" };
  const laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const c of "bcdefghi") laughs.push(`${c}: &${c} [${Array(9).fill("*" + String.fromCharCode(c.charCodeAt(0) - 1)).join(", ")}]`);
  const cases = [
    [laughs.join("\n") + "\ntargets: *i\n", /fuzz\.yaml is not YAML: .*alias/i],
    ["[".repeat(100_000) + "]".repeat(100_000), /fuzz\.yaml is not YAML/],
    ["targets:\n" + "  ".repeat(1) + Array.from({ length: 2000 }, (_, d) => "  ".repeat(d) + "- ").join("\n") + "x\n", /targets\[0\]|not YAML/],
    ["targets:\n  - name: a\n    name: b\n    thousandeyes: { tokenEnv: T }\n", /fuzz\.yaml is not YAML: Map keys must be unique/],
    ["targets: []\ntargets: []\n", /not YAML: Map keys must be unique/],
    ["targets:\n  - { name: a, thousandeyes: { tokenEnv: T } }\n  - { name: b, thousandeyes: { tokenEnv: T } }\n  - { name: a, thousandeyes: { tokenEnv: T } }\n", /targets\[2\]\.name: a is used twice/],
    ["targets: []\n", /targets must be a list of at least one target/],
    ["targets:\n  - name: a\n    genesys: { region: mypurecloud.com, baseUrl: https://x.test, tokenEnv: T }\n", /targets\[0\]\.genesys: give region or baseUrl/],
    ["", /the config must be a mapping/],
    ["---\n", /the config must be a mapping/],
    ["- a\n- b\n", /the config must be a mapping/],
    ["targets: 7\n", /targets must be a list/],
    ["targets:\n  - name: a\n    allowance: 99999999999999999999999999\n    thousandeyes: { tokenEnv: T }\n", /targets\[0\]\.allowance must be a whole number/],
    ["targets:\n  - name: a\n    allowance: 1.5\n    thousandeyes: { tokenEnv: T }\n", /targets\[0\]\.allowance/],
    ["targets:\n  - name: \"é\"\n    thousandeyes: { tokenEnv: T }\n", /targets\[0\]\.name must be a name/],
    ["__proto__: { targets: [] }\ntargets: []\n", /the config\.__proto__: unknown field/],
    ["targets:\n  - name: a\n    thousandeyes: { token: te-Token-5e1d-do-not-print }\n", /targets\[0\]\.thousandeyes\.token: secrets are never written in the file/],
    ["targets:\n  - name: a\n    thousandeyes: { tokenEnv: Ab3dEf6hIj9kLm2nOp5q }\n", /targets\[0\]\.thousandeyes\.tokenEnv: the environment variable it names is not set \(write the variable's name there, never the secret\)/],
  ];
  for (const [text, message] of cases) {
    const started = Date.now();
    await assert.rejects(fromYaml(text, env), (e) => {
      assert.ok(e instanceof serve.UsageError, `${e?.stack}`);
      assert.match(e.message, message, text.slice(0, 200));
      noSecret(e.message, ["te-Token-5e1d-do-not-print", "Ab3dEf6hIj9kLm2nOp5q"], "the message");
      return true;
    });
    assert.ok(Date.now() - started < 2000, `quickly: ${Date.now() - started} ms for ${text.slice(0, 60)}`);
  }
});

// ------------------------------------------------------------ as the CLI exits

/** Runs the installed bin; resolves { code, stdout, stderr }. */
function run(args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("USAGE_LENS_")));
  return new Promise((resolve) => {
    execFile(BIN, args, { env, timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test("check and serve exit with 2 and print the parser's message, without the secret", async () => {
  const r = rng(SEED);
  const jobs = [];
  for (let i = 0; i < 8; i++) {
    const s = secret(r);
    const argv = i % 2 ? plantSecret(r, validCheck(r).argv, s, ["--format"]) : mutateArgv(r, validCheck(r).argv);
    if (argv.some((a) => a.includes("\0"))) continue; // no process argument holds one
    if (argv[0] === "serve") continue; // the bin hands these to serve's parser
    let message;
    try {
      const parsed = check.parse(argv);
      if (parsed.help) continue;
      continue; // valid arguments would send requests: not this test's business
    } catch (e) {
      message = e.message;
    }
    jobs.push(run(argv).then((got) => [argv, `usage-lens: ${message}\n`, got, s]));
  }
  for (let i = 0; i < 6; i++) {
    const s = secret(r);
    const argv = plantSecret(r, validServe(r).argv, s, ["--listen", "--refresh"]);
    let message;
    try {
      serve.parse(argv);
      continue;
    } catch (e) {
      message = e.message;
    }
    jobs.push(run(["serve", ...argv]).then((got) => [argv, `usage-lens serve: ${message}\n`, got, s]));
  }
  for (let i = 0; i < 6; i++) {
    const { doc, secrets } = validConfig(r);
    const s = secret(r);
    const text = write(r, mutateConfig(r, doc, s));
    const path = join(DIR, `config-${i}.yaml`);
    writeFileSync(path, text);
    let message;
    try {
      await serve.targetsFromYaml(text, path, { env: {}, baseDir: DIR, secrets: [] });
      continue;
    } catch (e) {
      message = e.message;
    }
    // The variables are not set for the bin: the first error is the same either way.
    jobs.push(run(["serve", "--listen", "127.0.0.1:0", "--config", path]).then((got) => [["--config", text], `usage-lens serve: ${message}\n`, got, s, ...secrets]));
  }
  assert.ok(jobs.length >= 10, `enough refused inputs to run: ${jobs.length}`);
  for (const [argv, message, got, ...hidden] of await Promise.all(jobs)) {
    assert.equal(got.code, 2, `exit 2 for ${JSON.stringify(argv)}: ${got.stderr}`);
    assert.equal(got.stderr, message, `the parser's message for ${JSON.stringify(argv)}`);
    assert.equal(got.stdout, "");
    noSecret(got.stdout + got.stderr, hidden, `the output for ${JSON.stringify(argv)}`);
  }
});
