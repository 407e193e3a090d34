// Entry for the bundler check: a bare `usage-lens` import, resolved and
// bundled by esbuild as in any application build.
import init, { GenesysClient } from "usage-lens";

const params = new URLSearchParams(location.search);
await init();
const gc = new GenesysClient({ baseUrl: params.get("base"), accessToken: "bundled-example" });
const now = new Date();
const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
const start = new Date(end.getTime() - 3 * 86400000);
const r = await gc.queryOrganizationUsage({ interval: `${start.toISOString().slice(0, 10)}/${end.toISOString().slice(0, 10)}` });
const out = document.createElement("output");
out.dataset.testid = "bundled-result";
out.textContent = `${r.queryStatus}: ${r.results.length} rows`;
document.body.append(out);
