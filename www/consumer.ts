// A TypeScript consumer of the package, type-checked by `tsc --noEmit` in
// `make test`. The lines marked @ts-expect-error must NOT compile: they prove
// the generated types catch the mistakes a user would make.
import init, {
  GenesysClient,
  ThousandEyesClient,
  type ApiUsageQueryResult,
  type CallOptions,
  type Progress,
  type PublicApiUsageResultsResponse,
  type TestsUsage,
  type UsageLensError,
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

  return requests + cloud + (included ?? 0) + (first ? 1 : 0);
}
