// The analysis the app runs on a Genesys answer, written the way one would
// in plain JavaScript (Map-based grouping, one function per result), with
// the same rules as src/analysis: groups ordered by requests then name, the
// groups after the first n summed into "Other", rows without a value in a
// "(none)" group, rows without a date in one "total" day.

export const OTHER = "Other";
export const NONE = "(none)";

/** A text field; empty means absent (as the crate's decoder reads it). */
const text = (v) => (v == null || v === "" ? null : v);

/** A Genesys usage row as the analysis sees it (as `Record::from` does). */
export function toRecord(r) {
  const s200 = r.status200 ?? 0, s300 = r.status300 ?? 0, s400 = r.status400 ?? 0, s500 = r.status500 ?? 0;
  const date = text(r.date);
  return {
    date: date === null ? null : date.slice(0, 10),
    client: text(r.clientName) ?? text(r.clientId),
    templateUri: text(r.templateUri),
    httpMethod: text(r.httpMethod),
    user: text(r.userId),
    organization: text(r.organizationId),
    platform: null,
    requests: r.requests ?? s200 + s300 + s400 + s500,
    status200: s200,
    status300: s300,
    status400: s400,
    status429: r.status429 ?? 0,
    status500: s500,
  };
}

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const share = (part, whole) => (whole <= 0 ? 0 : part / whole);

/** Totals per group, largest first, the groups after the first n summed into "Other". */
export function topN(records, field, n) {
  const sums = new Map();
  for (const r of records) {
    const key = r[field] ?? NONE;
    let s = sums.get(key);
    if (s === undefined) {
      s = { name: key, requests: 0, status429: 0, status400: 0, status500: 0 };
      sums.set(key, s);
    }
    s.requests += r.requests;
    s.status429 += r.status429;
    s.status400 += r.status400;
    s.status500 += r.status500;
  }
  const all = [...sums.values()].sort((a, b) => b.requests - a.requests || byName(a.name, b.name));
  const out = all.slice(0, n).map((s) => ({ ...s, share429: share(s.status429, s.requests) }));
  if (all.length > n) {
    const o = { name: OTHER, requests: 0, status429: 0, status400: 0, status500: 0 };
    for (const s of all.slice(n)) {
      o.requests += s.requests;
      o.status429 += s.status429;
      o.status400 += s.status400;
      o.status500 += s.status500;
    }
    out.push({ ...o, share429: share(o.status429, o.requests) });
  }
  return out;
}

/** Requests per day, stacked by the top n groups and "Other". */
export function dailySeries(records, field, n) {
  const top = topN(records, field, n).filter((g) => g.name !== OTHER).map((g) => g.name);
  const groupIndex = new Map(top.map((g, i) => [g, i]));
  const dateSet = new Set();
  for (const r of records) dateSet.add(r.date ?? "total");
  const dates = [...dateSet].sort(byName);
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const values = Array.from({ length: top.length + 1 }, () => new Array(dates.length).fill(0));
  for (const r of records) {
    const g = groupIndex.get(r[field] ?? NONE) ?? top.length;
    values[g][dateIndex.get(r.date ?? "total")] += r.requests;
  }
  const groups = top.map((name, i) => ({ name, values: values[i] }));
  const other = values[top.length];
  if (other.some((v) => v !== 0)) groups.push({ name: OTHER, values: other });
  return { dates, groups };
}

/** Headline numbers: totals, 429 and 5xx rates, the busiest day, the heaviest client. */
export function headline(records) {
  let requests = 0, s429 = 0, s500 = 0;
  const perDay = new Map();
  for (const r of records) {
    requests += r.requests;
    s429 += r.status429;
    s500 += r.status500;
    if (r.date !== null) perDay.set(r.date, (perDay.get(r.date) ?? 0) + r.requests);
  }
  let busiestDay = null;
  for (const [d, v] of perDay) {
    if (busiestDay === null || v > busiestDay[1] || (v === busiestDay[1] && d < busiestDay[0])) busiestDay = [d, v];
  }
  const heavy = topN(records, "client", 1).find((g) => g.name !== OTHER && g.name !== NONE);
  return {
    requests,
    status429: s429,
    rate429: share(s429, requests),
    rate500: share(s500, requests),
    busiestDay,
    heaviestClient: heavy ? [heavy.name, heavy.requests] : null,
    rows: records.length,
  };
}

const TOP_FIELDS = [["client", "client"], ["endpoint", "templateUri"], ["method", "httpMethod"], ["user", "user"]];

/** The same summary as `analyseRows` of the wasm build (see src/bench_exports.rs). */
export function analyse(records, n) {
  const h = headline(records);
  const series = dailySeries(records, "client", n);
  const groups = series.groups.map((g) => {
    let total = 0, check = 0;
    g.values.forEach((v, i) => {
      total += v;
      check += v * (i + 1);
    });
    return [g.name, total, check];
  });
  const top = {};
  for (const [name, field] of TOP_FIELDS) {
    top[name] = topN(records, field, n).map((g) => [g.name, g.requests, g.status429, g.status400, g.status500, g.share429]);
  }
  return {
    rows: h.rows,
    requests: h.requests,
    status429: h.status429,
    rate429: h.rate429,
    rate500: h.rate500,
    busiestDay: h.busiestDay,
    heaviestClient: h.heaviestClient,
    days: series.dates.length,
    firstDay: series.dates[0] ?? null,
    lastDay: series.dates.at(-1) ?? null,
    groups,
    top,
  };
}
