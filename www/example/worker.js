// The same query from a Web Worker: the package works off the main thread.
import init, { GenesysClient } from "../node_modules/usage-lens/usage_lens.js";
import { genesysConfig, lastWeek, perClient } from "./shared.js";

const ready = init();
self.onmessage = async ({ data }) => {
  await ready;
  try {
    const gc = new GenesysClient(genesysConfig(data.base, data.token));
    const r = await gc.queryOrganizationUsage(
      { interval: lastWeek(), granularity: "Day", groupBy: ["OAuthClientId"] },
      { onProgress: (p) => self.postMessage({ progress: p }) },
    );
    self.postMessage({ rows: perClient(r) });
  } catch (e) {
    self.postMessage({ error: { name: e.name, kind: e.kind, message: e.message } });
  }
};
