// A TypeScript consumer of the package, type-checked by `tsc --noEmit` in
// `make test`. The lines marked @ts-expect-error must NOT compile: they prove
// the generated types catch the mistakes a user would make.
import init, {
  GenesysClient,
  ThousandEyesClient,
  defaultRules,
  evaluateRules,
  forecast,
  overview,
  overviewCsv,
  overviewQueries,
  toPrometheus,
  type ApiUsageQueryResult,
  type Fired,
  type Forecast,
  type ForecastMethod,
  type Overview,
  type Rule,
  type CallOptions,
  type Progress,
  type PublicApiUsageResultsResponse,
  type TestsUsage,
  type UsageLensError,
  type AllowanceChoice,
  type RateLimit,
  overageMoney,
} from "usage-lens";

export async function dashboard(accessToken: string, teToken: string): Promise<number> {
  await init();
  const gc = new GenesysClient({ region: "mypurecloud.com", accessToken });
  const controller = new AbortController();
  const opts: CallOptions = {
    signal: controller.signal,
    timeoutMs: 600_000,
    onProgress: (p: Progress) => console.log(p.phase, p.polls, p.pages, p.rows, p.nextPollInMs),
  };
  const org: ApiUsageQueryResult = await gc.queryOrganizationUsage(
    { interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z", granularity: "Day", groupBy: ["OAuthClientId", "TemplateUri"] },
    opts,
  );
  const requests: number = org.results.reduce((sum, row) => sum + (row.requests ?? 0), 0);
  await gc.clientUsageSummary("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa");
  await gc.simpleSearch({ interval: "2026-06-01/2026-06-08", httpMethods: ["GET", "POST"] }, { splitOnCap: true, pageSize: 1000 });
  const jobs: PublicApiUsageResultsResponse = await gc.aggregatesQuery({
    interval: "2026-06-01T00:00:00Z/2026-06-30T23:59:59Z",
    groupBy: ["OauthClientId"],
    sortBy: [{ fieldName: "requestCount", order: "Desc" }],
  });
  const first: string | undefined = jobs.entities[0]?.oauthClient?.name;

  const te = new ThousandEyesClient({ accessToken: teToken, baseUrl: "/te-proxy" });
  const units: TestsUsage = await te.testUnitsUsage({ startDate: "2026-06-01T00:00:00Z", endDate: "2026-06-15T00:00:00Z" });
  const cloud: number = units.breakdowns.reduce((s, b) => s + (b.cloudUnitsUsed ?? 0), 0);
  const usage = await te.usage({ expand: ["test", "enterprise-agent-unit"] });
  const included: number | undefined = usage.usage?.quota?.cloudUnitsIncluded;

  try {
    await te.quotas();
  } catch (e) {
    const err = e as UsageLensError;
    if (err.kind === "rateLimited") console.log(`retry in ${err.retryAfterMs} ms`);
    // @ts-expect-error: "rateLimit" is not an error kind.
    if (err.kind === "rateLimit") console.log("never");
  }

  // @ts-expect-error: "OauthClientId" is the jobs API's spelling; legacy queries take "OAuthClientId".
  await gc.queryOrganizationUsage({ interval: "2026-06-01/2026-06-08", groupBy: ["OauthClientId"] });
  // @ts-expect-error: a misspelt groupBy value.
  await gc.queryOrganizationUsage({ interval: "2026-06-01/2026-06-08", groupBy: ["TemplateURI"] });
  // @ts-expect-error: granularity is Day, Week or Month.
  await gc.queryOrganizationUsage({ interval: "2026-06-01/2026-06-08", granularity: "Hour" });
  // @ts-expect-error: the interval is required.
  await gc.simpleSearch({ metrics: ["Date"] });
  // @ts-expect-error: "Requests" is not a simple-search column.
  await gc.simpleSearch({ interval: "2026-06-01/2026-06-08", metrics: ["Requests"] });
  // @ts-expect-error: expand values are a closed list.
  await te.usage({ expand: ["tests"] });
  // @ts-expect-error: an unknown option.
  await gc.aggregatesQuery({ interval: "2026-06-01/2026-06-08" }, { pagesize: 10 });
  // @ts-expect-error: the token is required.
  new GenesysClient({ region: "mypurecloud.com" });
  // @ts-expect-error: a client id needs its secret.
  new GenesysClient({ region: "us-east-1", clientId: "id" });

  // Unattended (Node): client credentials, the organization's limit and allowance.
  const cron = new GenesysClient({ region: "us-east-1", clientId: "id", clientSecret: "secret" });
  const limit: RateLimit = await cron.rateLimit();
  const budget: number = limit.budget;
  const choice: AllowanceChoice = await cron.allowance({ today: "2026-06-21", licences: { licence: "cx3-named", count: 40 } });
  const source: "typed" | "contract" | "licences" | "none" = choice.source;
  // @ts-expect-error: today is required.
  await cron.allowance({ charge: "API Requests" });

  // Where usage is heading: the forecast and the overview of both vendors.
  const daily: number[] = org.results.map((row) => row.requests ?? NaN);
  const f: Forecast = forecast(daily, 7, { intervalLevel: 0.8, lastIsPartial: false });
  const method: ForecastMethod = f.method;
  const band: number = f.upper[0]! - f.lower[0]! + f.mean.length + f.start + f.intervalLevel;
  const queries = overviewQueries("2026-06-08");
  const lastNineWeeks: ApiUsageQueryResult = await gc.queryOrganizationUsage(queries.genesys);
  const o: Overview = overview({
    today: "2026-06-08",
    genesysRows: lastNineWeeks.results,
    allowance: { licences: 40, perLicence: 25_000 },
    thousandEyesUsage: await te.usage(queries.thousandEyesUsage),
    quotas: await te.quotas(),
  });
  const projected: number | undefined = o.genesys?.month.projected;
  const money = o.genesys && choice.contract ? overageMoney(o.genesys.month, choice.contract) : null;
  console.log(budget, source, money?.projected, money?.currency);
  const rules: Rule[] = [...defaultRules(), { id: "busy", kind: "spike", threshold: 4, minRequests: 500 }];
  const fired: Fired[] = evaluateRules(o, rules);
  const exposition: string = toPrometheus(o, fired) + overviewCsv(o);
  console.log(method, fired.map((r) => `${r.who}: ${r.what} (${r.advice})`), exposition.length);

  // @ts-expect-error: the horizon is a number of periods.
  forecast(daily, "7");
  // @ts-expect-error: seasonalPeriod, not seasonalPeriods.
  forecast(daily, 7, { seasonalPeriods: 7 });
  // @ts-expect-error: "holtWinters" is not a method usage-lens reports.
  const wrong: ForecastMethod = "holtWinters";
  // @ts-expect-error: today is required.
  overview({ genesysRows: org.results });
  // @ts-expect-error: an allowance is requests, or licences and requests per licence.
  overview({ today: "2026-06-08", allowance: { licences: 40 } });
  // @ts-expect-error: "quota" is not a rule kind.
  evaluateRules(o, [{ id: "q", kind: "quota", threshold: 90 }]);

  return requests + cloud + (included ?? 0) + (first ? 1 : 0) + band + (projected ?? 0) + (wrong ? 0 : 1);
}
