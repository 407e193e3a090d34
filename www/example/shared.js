// Query helpers used by the page and by the worker.

/** The last seven full UTC days as a Genesys interval. */
export function lastWeek(now = new Date()) {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - 7 * 86400000);
  return `${start.toISOString().slice(0, 19)}Z/${end.toISOString().slice(0, 19)}Z`;
}

/** Genesys `{ region }` or `{ baseUrl }` from what the person typed. */
export function genesysConfig(baseOrRegion, accessToken) {
  return /^https?:\/\//.test(baseOrRegion) ? { baseUrl: baseOrRegion, accessToken } : { region: baseOrRegion, accessToken };
}

/** Requests per client, largest first. */
export function perClient(result) {
  const totals = new Map();
  for (const row of result.results) {
    const name = row.clientName ?? row.clientId ?? "(none)";
    totals.set(name, (totals.get(name) ?? 0) + (row.requests ?? 0));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
