// A small W3C WebDriver client over plain fetch, for the engines Playwright
// does not drive here: Firefox (geckodriver) and WebKit (WebKitWebDriver with
// MiniBrowser, which needs a display: give it DISPLAY). Each session has a
// driver of its own; a session takes the steps a person takes (click, choose,
// wait, read). Nothing it starts outlives the session.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFile, mkdir } from "node:fs/promises";

/** Every wait is bounded by this (ms). */
export const LONG = 60_000;

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** How each engine's driver is started and what a new session asks for. */
const ENGINES = {
  firefox: {
    driver: process.env.GECKODRIVER || "geckodriver",
    args: (port) => ["--port", String(port), "--host", "127.0.0.1"],
    capabilities: () => ({
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: process.env.FIREFOX_BIN || "/usr/bin/firefox-esr",
        args: ["-headless"],
        // A closed network: no update checks, telemetry or first-run pages.
        prefs: {
          "app.update.enabled": false,
          "browser.shell.checkDefaultBrowser": false,
          "datareporting.policy.dataSubmissionEnabled": false,
          "toolkit.telemetry.enabled": false,
        },
      },
    }),
  },
  webkit: {
    driver: process.env.WEBKITWEBDRIVER || "WebKitWebDriver",
    args: (port) => [`--port=${port}`],
    // WebKitWebDriver opens its own MiniBrowser when no binary is named.
    capabilities: () => ({}),
  },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the engine's WebDriver server in a process group of its own, so that
 * `stop()` ends it with every browser process it started.
 */
async function startDriver(engine) {
  const spec = ENGINES[engine];
  assert.ok(spec, `unknown engine "${engine}" (firefox or webkit)`);
  const port = await freePort();
  const log = [];
  const child = spawn(spec.driver, spec.args(port), { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on("data", (d) => log.push(String(d)));
  child.stderr.on("data", (d) => log.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    signal("SIGTERM");
    if (child.exitCode === null && child.signalCode === null) await Promise.race([exited, sleep(5_000)]);
    signal("SIGKILL");
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) assert.fail(`${spec.driver} exited: ${log.join("")}`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 200) {
      await stop();
      assert.fail(`${spec.driver} did not listen on ${url}: ${log.join("")}`);
    }
    await sleep(50);
  }
  return { url, log, capabilities: spec.capabilities(), stop };
}

/**
 * A driver of its own and a browser session in it (a fresh profile: its own
 * storage). WebKitWebDriver now and then never answers a new session (its
 * MiniBrowser did not come up); that attempt is ended and made once more.
 */
export async function openSession(engine) {
  for (let attempt = 1; ; attempt++) {
    const driver = await startDriver(engine);
    try {
      return await Session.open(engine, driver);
    } catch (e) {
      await driver.stop();
      if (attempt >= 2 || !/no answer/.test(e.message)) throw new Error(`${e.message}\n${driver.log.join("")}`);
      process.stderr.write(`${engine}: ${e.message}; starting the driver again\n`);
    }
  }
}

/** One WebDriver command; a driver that does not answer within LONG fails it, named. */
async function call(url, method, body, timeout = LONG) {
  const what = `${method} ${url.replace(/^http:\/\/[^/]+/, "")}`;
  const r = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  }).catch((e) => {
    throw new Error(`${what}: ${e.name === "TimeoutError" ? `no answer in ${timeout} ms` : e.message}`);
  });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${r.status} ${text.slice(0, 300)}`);
  }
  if (!r.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new Error(`${what}: ${v.error}: ${v.message}`);
  }
  return json.value;
}

// Installed in the page after every navigation: it records uncaught errors,
// rejected promises (a panic of the app ends as one) and
// Content-Security-Policy violations, and keeps each Blob
// the app turns into a download link, preventing the link's default (a
// download dialog), so that a test reads what an export button offered. The
// Blob is kept at URL.createObjectURL: the page's Content-Security-Policy
// lets nothing fetch a blob: URL back.
const WATCH = `
  const w = window;
  if (!w.__ul) {
    const ul = (w.__ul = { errors: [], files: [], blobs: new w.Map() });
    w.addEventListener("error", (e) => ul.errors.push("error: " + (e.message || e.type)));
    w.addEventListener("unhandledrejection", (e) => ul.errors.push("rejection: " + String(e.reason)));
    w.document.addEventListener("securitypolicyviolation", (e) => ul.errors.push("csp: " + e.violatedDirective + " " + e.blockedURI));
    const create = w.URL.createObjectURL.bind(w.URL);
    w.URL.createObjectURL = (blob) => { const url = create(blob); ul.blobs.set(url, blob); return url; };
    w.document.addEventListener("click", (e) => {
      const a = e.target;
      if (a && a.tagName === "A" && a.download && ul.blobs.has(a.href)) {
        e.preventDefault();
        const blob = ul.blobs.get(a.href);
        blob.text().then((text) => ul.files.push({ name: a.download, type: blob.type, text }));
      }
    }, true);
  }
  return true;`;

/** One browser session (a fresh profile: its own storage). */
export class Session {
  static async open(engine, driver) {
    const value = await call(`${driver.url}/session`, "POST", { capabilities: { alwaysMatch: driver.capabilities } }, 30_000);
    const s = new Session(engine, driver, value.sessionId, value.capabilities);
    await call(`${s.base}/window/rect`, "POST", { width: 1280, height: 900 }).catch(() => {});
    return s;
  }

  constructor(engine, driver, id, capabilities) {
    this.engine = engine;
    this.driver = driver;
    this.base = `${driver.url}/session/${id}`;
    this.capabilities = capabilities;
  }

  /** "Firefox 153.8.0esr", "MiniBrowser 2.50.6". */
  get browser() {
    return `${this.capabilities.browserName} ${this.capabilities.browserVersion}`;
  }

  /** Ends the session, the browser and the driver. */
  async close() {
    await call(this.base, "DELETE", undefined, 10_000).catch(() => {});
    await this.driver.stop();
  }

  /** Runs `body` (a function body using `arguments`) in the page. */
  exec(body, ...args) {
    return call(`${this.base}/execute/sync`, "POST", { script: body, args });
  }

  async goto(url) {
    await call(`${this.base}/url`, "POST", { url });
    await this.exec(WATCH);
  }

  async reload() {
    await call(`${this.base}/refresh`, "POST", {});
    await this.exec(WATCH);
  }

  url() {
    return call(`${this.base}/url`, "GET");
  }

  /** What the watcher recorded: errors, and the files of download links clicked so far. */
  async watched() {
    return this.exec("const u = window.__ul; return u ? { errors: u.errors, files: u.files } : { errors: [], files: [] };");
  }

  /** Polls `body` (run in the page) until it returns something truthy; returns that. */
  async waitFor(what, body, args = [], timeout = LONG) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.exec(body, ...args);
        if (last) return last;
      } catch (e) {
        last = e.message; // a navigation in progress: ask again
      }
      if (Date.now() > end) assert.fail(`${this.engine}: waited ${timeout} ms for ${what} (last: ${JSON.stringify(last)})`);
      await sleep(100);
    }
  }

  /** Waits for an element matching `css` to exist (and be shown unless `hidden`). */
  waitForSelector(css, { timeout = LONG, text } = {}) {
    return this.waitFor(
      text ? `${css} reading ${text}` : css,
      `const el = [...document.querySelectorAll(arguments[0])].find((e) => e.getClientRects().length && (!arguments[1] || e.textContent.includes(arguments[1])));
       return !!el;`,
      [css, text ?? ""],
      timeout,
    );
  }

  count(css) {
    return this.exec("return document.querySelectorAll(arguments[0]).length;", css);
  }

  text(css) {
    return this.exec("const el = document.querySelector(arguments[0]); return el ? el.textContent : null;", css);
  }

  attr(css, name) {
    return this.exec("const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;", css, name);
  }

  /** A real click, through the driver (scrolled into view, hit-tested). */
  async click(css) {
    await this.waitForSelector(css, { timeout: 10_000 });
    const el = await call(`${this.base}/element`, "POST", { using: "css selector", value: css });
    await call(`${this.base}/element/${el[ELEMENT]}/click`, "POST", {});
  }

  /** Chooses an option of a <select> as a person would, and tells the page it changed. */
  async select(css, value) {
    await this.waitForSelector(css, { timeout: 10_000 });
    const ok = await this.exec(
      `const s = document.querySelector(arguments[0]);
       if (![...s.options].some((o) => o.value === arguments[1])) return false;
       s.value = arguments[1];
       s.dispatchEvent(new Event("input", { bubbles: true }));
       s.dispatchEvent(new Event("change", { bubbles: true }));
       return true;`,
      css,
      value,
    );
    assert.ok(ok, `${css} offers ${value}`);
  }

  /** Types into an input (cleared first), through the driver. */
  async fill(css, text) {
    await this.waitForSelector(css, { timeout: 10_000 });
    const el = await call(`${this.base}/element`, "POST", { using: "css selector", value: css });
    await call(`${this.base}/element/${el[ELEMENT]}/clear`, "POST", {});
    await call(`${this.base}/element/${el[ELEMENT]}/value`, "POST", { text });
  }

  /** Clicks an export button and returns the file it offered: { name, type, text }. */
  async download(testid) {
    const before = (await this.watched()).files.length;
    await this.click(`[data-testid=${testid}]`);
    await this.waitFor(`the file of ${testid}`, "return window.__ul.files.length > arguments[0];", [before], 10_000);
    return (await this.watched()).files[before];
  }

  /** Saves a PNG of the window to `dir/name`, once what the DOM holds is painted. */
  async screenshot(dir, name) {
    // WebKit's screenshot is the last painted frame, which can be older than the DOM.
    const frame = "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    await call(`${this.base}/execute/async`, "POST", { script: frame, args: [] });
    const png = await call(`${this.base}/screenshot`, "GET");
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/${name}`, Buffer.from(png, "base64"));
  }
}
