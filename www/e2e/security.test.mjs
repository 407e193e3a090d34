// Security of the app as deployed (issue 8): tokens never leak, PKCE is done
// right, and the release build carries a Content-Security-Policy that the app
// runs under. Against the release build (APP_URL) and the simulator server
// (SIM_URL), whose log scripts/test.sh writes to target/test-logs/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  APP,
  SIM,
  LONG,
  chartMarks,
  launch,
  uid,
  scenario,
  open,
  waitSettled,
  runAndWait,
  chooseKind,
  pasteGenesysToken,
  pasteTeToken,
  toQuery,
  signInWithGenesys,
  download,
  shot,
  BOUNDED,
} from "./helpers.mjs";

const SIM_LOGS = process.env.SIM_LOG_DIR ?? new URL("../../target/test-logs/", import.meta.url).pathname;
const CLIENT_ID = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const base64url = (buf) => buf.toString("base64").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** Everything a page sent, received, logged and was sent to, for searching. */
function record(page) {
  const rec = { urls: [], requests: [], bodies: [], console: [] };
  page.on("request", (r) => {
    rec.urls.push(r.url());
    rec.requests.push(r);
  });
  page.on("framenavigated", (f) => rec.urls.push(f.url()));
  page.on("console", (m) => rec.console.push(`${m.type()}: ${m.text()}`));
  page.on("response", (r) => {
    rec.bodies.push(
      r.text().then(
        (body) => ({ url: r.url(), status: r.status(), body, headers: r.headers() }),
        () => ({ url: r.url(), status: r.status(), body: "", headers: r.headers() }),
      ),
    );
  });
  return rec;
}

/** Every message the page shows in an alert or error area. */
async function shownMessages(page) {
  return page.locator("[role=alert], [data-testid=error], [data-testid=connect-error], [data-testid=invalid], [data-testid=notice]").allTextContents();
}

/** Runs the form's query and returns the error shown (kind, words). */
async function runExpectingError(page) {
  await page.click("[data-testid=run]");
  await waitSettled(page);
  const error = page.locator("[data-testid=error]");
  assert.equal(await error.count(), 1, "the run failed visibly");
  return { kind: await error.getAttribute("data-kind"), words: await error.textContent() };
}

async function signOutBoth(page) {
  if (await page.locator("[data-testid=genesys-sign-out]").count()) await page.click("[data-testid=genesys-sign-out]");
  if (await page.locator("[data-testid=te-sign-out]").count()) await page.click("[data-testid=te-sign-out]");
  await page.waitForSelector("[data-testid=genesys-token]");
  await page.waitForSelector("[data-testid=te-token]");
}

test("Tokens never leak: sign in, paste, run, fail, export, sign out, then search everywhere", BOUNDED, async (t) => {
  const gid = uid("sec-g");
  const tid = uid("sec-te");
  const teToken = `te-secret-${randomBytes(12).toString("hex")}`;
  const { page } = await open(t, browser, `${APP}?q=org&range=7d&gran=Day`);
  const rec = record(page);
  const messages = [];
  const files = [];

  // Sign in with Genesys (PKCE); the token endpoint's answer is the one place the token may appear.
  const [tokenResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/oauth/token") && r.request().method() === "POST", { timeout: 20_000 }),
    signInWithGenesys(page, scenario(gid, "exec=200"), CLIENT_ID),
  ]);
  const genesysToken = (await tokenResponse.json()).access_token;
  assert.ok(typeof genesysToken === "string" && genesysToken.length >= 16, "a token was issued");
  await page.waitForSelector(chartMarks("chart-series"), { timeout: LONG });
  await waitSettled(page);
  files.push(await download(page, "export-csv"), await download(page, "export-json"));

  // ThousandEyes by pasted token.
  await pasteTeToken(page, scenario(tid), teToken);
  await chooseKind(page, "te-usage");
  await runAndWait(page);
  assert.ok((await page.locator(chartMarks("chart-quota")).count()) > 0);
  files.push(await download(page, "export-csv"), await download(page, "export-json"));
  const tokens = [genesysToken, teToken];

  // Failures: 403, 401 and 429 from both services, with the same tokens.
  const failures = [
    ["org", "genesys", "deny=1", "forbidden"],
    ["org", "genesys", "expire=1", "unauthorized"],
    ["org", "genesys", "faultafter=1;r429=1;ra=1;wait=900", "rateLimited"],
    ["te-usage", "te", "deny=1", "forbidden"],
    ["te-usage", "te", "expire=0", "unauthorized"],
    ["te-usage", "te", "r429=1;wait=900", "rateLimited"],
  ];
  for (const [kind, vendor, settings, expected] of failures) {
    const base = scenario(`${vendor === "te" ? tid : gid}-f`, settings);
    if (vendor === "genesys") {
      await page.click("[data-testid=genesys-sign-out]");
      await pasteGenesysToken(page, base, genesysToken);
    } else {
      await page.click("[data-testid=te-sign-out]");
      await pasteTeToken(page, base, teToken);
    }
    await chooseKind(page, kind);
    const { kind: got, words } = await runExpectingError(page);
    assert.equal(got, expected, `${vendor} ${settings}: ${words}`);
    messages.push(...(await shownMessages(page)));
  }
  await shot(page, "security-failed-run.png", { fullPage: true });

  // Sign out of both.
  await signOutBoth(page);
  messages.push(...(await shownMessages(page)));
  const session = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
  const local = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  const pageText = await page.evaluate(() => document.documentElement.outerHTML + document.body.innerText);
  const inputs = await page.evaluate(() => [...document.querySelectorAll("input")].map((i) => i.value).join("\n"));

  // Where a token may appear: the Authorization header of requests and the token endpoint's response.
  const places = [];
  for (const r of rec.requests) {
    const headers = await r.allHeaders().catch(() => r.headers());
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== "authorization") places.push([`request header ${name} of ${r.url()}`, value]);
    }
    places.push([`request body of ${r.url()}`, r.postData() ?? ""]);
  }
  for (const b of await Promise.all(rec.bodies)) {
    for (const [name, value] of Object.entries(b.headers)) places.push([`response header ${name} of ${b.url}`, value]);
    if (!(b.url.startsWith(SIM) && b.url.includes("/oauth/token"))) places.push([`response body of ${b.url}`, b.body]);
  }
  for (const u of rec.urls) places.push([`URL ${u}`, u], [`URL (decoded) ${u}`, safeDecode(u)]);
  places.push(["localStorage", local], ["sessionStorage after sign-out", session]);
  places.push(["page after sign-out", pageText], ["inputs after sign-out", inputs]);
  rec.console.forEach((m, i) => places.push([`console message ${i}`, m]));
  messages.forEach((m, i) => places.push([`message shown ${i}`, m]));
  files.forEach((f) => places.push([`download ${f.name}`, f.text]));
  const simLog = await readSimLog();
  places.push(["simulator log", simLog]);

  // The search is meaningful: each place was recorded.
  assert.ok(rec.urls.some((u) => u.includes("/oauth/authorize")) && rec.urls.some((u) => u.includes("/v7/usage")));
  assert.ok(messages.length >= failures.length, "error messages were collected");
  assert.equal(files.length, 4);
  assert.ok(simLog.includes(`/_s/id=${gid}`) && simLog.includes(`/_s/id=${tid}`), "the simulator logged this test's requests (run with --verbose)");
  assert.ok(messages.some((m) => /permission/i.test(m)) && messages.some((m) => /sign in again|token/i.test(m)));
  // The token did travel where it must: in the Authorization header.
  const authorized = await Promise.all(rec.requests.map((r) => r.headerValue("authorization")));
  assert.ok(authorized.includes(`Bearer ${genesysToken}`) && authorized.includes(`Bearer ${teToken}`));

  for (const token of tokens) {
    const leaks = places.filter(([, text]) => text.includes(token)).map(([where]) => where);
    assert.deepEqual(leaks, [], `the token ${token.slice(0, 6)}… appears nowhere else`);
  }
  // Not even a long piece of one (a truncated token in a message is a leak too).
  for (const token of tokens) {
    const piece = token.slice(4, 20);
    const leaks = places.filter(([, text]) => text.includes(piece)).map(([where]) => where);
    assert.deepEqual(leaks, [], `no piece of ${token.slice(0, 6)}…`);
  }
});

function safeDecode(u) {
  try {
    return decodeURIComponent(u);
  } catch {
    return u;
  }
}

async function readSimLog() {
  const parts = [];
  for (const name of ["sim.out", "sim.err"]) parts.push(await readFile(join(SIM_LOGS, name), "utf8").catch(() => ""));
  return parts.join("\n");
}

test("PKCE: a random verifier used once and removed, the state checked, the app's own address as redirect", BOUNDED, async (t) => {
  const id = uid("sec-pkce");
  const { page } = await open(t, browser, null);
  // Count the bytes the page draws from crypto.getRandomValues, across navigations.
  let randomBytesDrawn = 0;
  await page.exposeBinding("__countRandom", (_s, n) => (randomBytesDrawn += n));
  await page.addInitScript(() => {
    const real = crypto.getRandomValues.bind(crypto);
    crypto.getRandomValues = (a) => {
      window.__countRandom(a.byteLength);
      return real(a);
    };
  });
  const authorize = [];
  const tokenPosts = [];
  const backWithCode = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith("/oauth/authorize")) authorize.push(u);
    if (u.pathname.endsWith("/oauth/token")) tokenPosts.push(r.postData() ?? "");
    if (r.isNavigationRequest() && r.url().startsWith(APP) && u.searchParams.has("code")) backWithCode.push(r.url());
  });
  await page.goto(APP);
  await signInWithGenesys(page, scenario(id), CLIENT_ID);

  // The authorize request: S256, the app's own address to come back to, a state.
  assert.equal(authorize.length, 1);
  const a = authorize[0].searchParams;
  const own = new URL(APP);
  assert.equal(a.get("redirect_uri"), own.origin + own.pathname, "redirect_uri is the app's own address");
  assert.equal(new URL(a.get("redirect_uri")).origin, own.origin);
  assert.equal(a.get("response_type"), "code");
  assert.equal(a.get("code_challenge_method"), "S256");
  assert.equal(a.get("client_id"), CLIENT_ID);
  const state = a.get("state");
  assert.ok(state && state.length >= 16, `a state of some length: ${state}`);
  // The exchange: the verifier matches the challenge, and it came from crypto.getRandomValues.
  assert.equal(tokenPosts.length, 1, "one exchange");
  const form = new URLSearchParams(tokenPosts[0]);
  const verifier = form.get("code_verifier");
  assert.match(verifier, /^[A-Za-z0-9\-._~]{43,128}$/, "a verifier of 43–128 unreserved characters");
  assert.equal(base64url(createHash("sha256").update(verifier).digest()), a.get("code_challenge"));
  assert.equal(form.get("redirect_uri"), a.get("redirect_uri"));
  assert.ok(randomBytesDrawn >= 32, `random from crypto.getRandomValues (${randomBytesDrawn} bytes)`);
  assert.ok(!verifier.includes(state) && !state.includes(verifier), "state and verifier differ");
  // Used once and removed: nothing of the sign-in is left in storage.
  const stored = await page.evaluate(() => JSON.stringify({ s: Object.entries(sessionStorage), l: Object.entries(localStorage) }));
  assert.ok(!stored.includes(verifier), "the verifier is gone from storage");
  assert.ok(!stored.includes(state), "the state is gone from storage");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usage-lens.pkce")), null);

  // Replayed: the same answer again is refused, and the code is not sent again.
  assert.equal(backWithCode.length, 1);
  await page.goto(backWithCode[0]);
  const refusal = page.locator("[data-testid=connect-error]");
  await refusal.waitFor({ timeout: 20_000 });
  assert.match(await refusal.textContent(), /did not start a sign-in|sign in again/i);
  assert.equal(tokenPosts.length, 1, "the replayed code was not exchanged");
  assert.doesNotMatch(page.url(), /code=/);

  // Mismatched: a second sign-in whose answer carries another state is refused.
  await page.click("[data-testid=genesys-sign-out]");
  await page.route(`${SIM}/_s/**/oauth/authorize**`, async (route) => {
    const u = new URL(route.request().url());
    // A real code from the login host, with a state this tab did not send.
    const real = await fetch(u, { redirect: "manual" });
    const back = new URL(real.headers.get("location"));
    back.searchParams.set("state", base64url(randomBytes(16)));
    await route.fulfill({ status: 302, headers: { Location: back.href } });
  });
  await page.fill("[data-testid=genesys-base-url]", scenario(id));
  await page.click("[data-testid=genesys-sign-in]");
  await page.waitForSelector("[data-testid=connect-error]", { timeout: 20_000 });
  assert.match(await page.textContent("[data-testid=connect-error]"), /state|sign in again/i);
  assert.equal(await page.locator("[data-testid=genesys-connected]").count(), 0, "not signed in");
  assert.equal(tokenPosts.length, 1, "the mismatched code was not exchanged");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usage-lens.pkce")), null, "the pending sign-in is dropped");
  // Each sign-in draws a fresh state and verifier.
  assert.equal(authorize.length, 2);
  assert.notEqual(authorize[1].searchParams.get("state"), state);
  assert.notEqual(authorize[1].searchParams.get("code_challenge"), a.get("code_challenge"));
});

test("Content-Security-Policy: the served page has it, Demo runs under it, other hosts are blocked", BOUNDED, async (t) => {
  const html = await (await fetch(APP)).text();
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, "the page carries a CSP meta");
  const csp = Object.fromEntries(
    m[1]
      .replaceAll("&#x27;", "'")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(csp["default-src"], ["'self'"]);
  assert.deepEqual(csp["base-uri"], ["'none'"]);
  assert.deepEqual(csp["form-action"], ["'self'"]);
  // Scripts: the app's own files, WebAssembly, and Trunk's inline loader by its hash, nothing else.
  const scripts = csp["script-src"];
  assert.deepEqual(scripts.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  assert.ok(!scripts.some((s) => ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "blob:"].includes(s) || /^https?:/.test(s)), scripts.join(" "));
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((x) => `'sha256-${createHash("sha256").update(x[1]).digest("base64")}'`);
  assert.ok(inline.length >= 1);
  assert.deepEqual(scripts.slice(2).sort(), [...new Set(inline)].sort(), "exactly the inline scripts' hashes");
  // Connections: the app itself, the 18 Genesys regions' api/login hosts, ThousandEyes, this machine.
  const connect = csp["connect-src"];
  assert.equal(connect[0], "'self'");
  const genesys = connect.filter((c) => /^https:\/\/(api|login)\./.test(c) && !c.includes("thousandeyes"));
  assert.equal(genesys.length, 36, genesys.join(" "));
  for (const host of ["https://api.mypurecloud.com", "https://login.mypurecloud.ie", "https://api.usw2.pure.cloud", "https://login.edee1.eusc-pure.cloud", "https://api.thousandeyes.com", "http://127.0.0.1:*", "http://localhost:*"]) {
    assert.ok(connect.includes(host), `connect-src allows ${host}`);
  }
  assert.ok(!connect.some((c) => c === "*" || c === "https:" || c === "http:"), "no wildcard host");

  // The app runs under it: Demo, a Genesys and a ThousandEyes answer, no violation (open() checks).
  const { page } = await open(t, browser, APP);
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').count(), 1);
  await page.click("[data-testid=connect-demo]");
  await toQuery(page);
  await runAndWait(page);
  assert.ok((await page.locator(chartMarks("chart-series")).count()) > 3);
  await chooseKind(page, "te-usage");
  await runAndWait(page);
  assert.ok((await page.locator(chartMarks("chart-quota")).count()) > 0);
  // The simulator on this machine is allowed.
  assert.equal(await page.evaluate(async (sim) => (await fetch(`${sim}/_sim/health`)).text(), SIM), "ok");

  // What is not allowed is blocked, and reported.
  const blocked = await open(t, browser, APP, { expectViolations: true });
  const outcome = await blocked.page.evaluate(async () => {
    try {
      await fetch("https://example.com/collect?x=1");
      return "sent";
    } catch (e) {
      return `blocked: ${e}`;
    }
  });
  assert.match(outcome, /^blocked/);
  // An injected inline script does not run.
  const ran = await blocked.page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = 1";
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.__injected ?? 0;
  });
  assert.equal(ran, 0, "an inline script added to the page does not run");
  await blocked.page.waitForTimeout(100);
  assert.ok(blocked.violations.some((v) => v.startsWith("connect-src https://example.com/")), blocked.violations.join("\n"));
  assert.ok(blocked.violations.some((v) => v.startsWith("script-src")), blocked.violations.join("\n"));
});
