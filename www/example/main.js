// The consumer example: plain ES modules, the package as installed from npm.
import init, { GenesysClient, ThousandEyesClient } from "../node_modules/usage-lens/usage_lens.js";
import { genesysConfig, lastWeek, perClient } from "./shared.js";

const $ = (id) => document.getElementById(id);
const log = (line) => { $("log").textContent += line + "\n"; };
let controller = null;

function table(headers, rows) {
  const t = document.createElement("table");
  t.dataset.testid = "result-table";
  const head = t.createTHead().insertRow();
  for (const h of headers) head.appendChild(document.createElement("th")).textContent = h;
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    r.forEach((v, i) => {
      const td = tr.insertCell();
      td.textContent = typeof v === "number" ? v.toLocaleString() : String(v);
      if (i > 0) td.className = "n";
    });
  }
  $("out").replaceChildren(t);
}

function progress(p) {
  log(`${p.phase.padEnd(10)} polls ${p.polls}  pages ${p.pages}  rows ${p.rows}  ${Math.round(p.elapsedMs / 100) / 10} s`);
}

async function run(task) {
  controller?.abort();
  controller = new AbortController();
  $("log").textContent = "";
  try {
    await task(controller.signal);
    log("done");
  } catch (e) {
    log(`${e.name} (${e.kind}): ${e.message}`);
  }
}

await init();
$("run-genesys").onclick = () => run(async (signal) => {
  const gc = new GenesysClient(genesysConfig($("genesys-base").value, $("genesys-token").value));
  const r = await gc.queryOrganizationUsage(
    { interval: lastWeek(), granularity: "Day", groupBy: ["OAuthClientId"] },
    { signal, onProgress: progress },
  );
  table(["OAuth client", "requests"], perClient(r));
});
$("run-te").onclick = () => run(async (signal) => {
  const te = new ThousandEyesClient({ accessToken: $("te-token").value, baseUrl: $("te-base").value || undefined });
  const r = await te.testUnitsUsage({}, { signal, onProgress: progress });
  table(["test", "type", "cloud units"], r.breakdowns.map((b) => [b.testName ?? b.testId, b.testType ?? "", b.cloudUnitsUsed ?? 0]));
});
$("run-worker").onclick = () => run(async () => {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const answer = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.progress ? progress(e.data.progress) : resolve(e.data));
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ base: $("genesys-base").value, token: $("genesys-token").value });
  });
  worker.terminate();
  if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
  table(["OAuth client", "requests"], answer.rows);
});
$("cancel").onclick = () => controller?.abort();
document.body.dataset.ready = "true";
