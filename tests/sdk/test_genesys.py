"""The Genesys Cloud usage operations through the vendor's Python SDK
(PureCloudPlatformClientV2): UsageApi, OAuthApi and TokensApi against the
simulator. Every answer is read by the SDK's own models and checked field by
field against what was asked and against the other operations."""

import collections
import datetime as dt
import json
import math
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import urllib3

import common as C
from common import genesys as P
from PureCloudPlatformClientV2.rest import ApiException

LEGACY_STATUSES = {"Running", "Complete", "Failed"}
JOB_STATUSES = {"Queued", "Running", "Succeeded", "Failed", "Cancelled"}
JOB_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
POLL_TIMEOUT_S = 60


def days_back(n):
    return C.utc_today() - dt.timedelta(days=n)


class GenesysCase(unittest.TestCase):
    """A fresh scenario, an SDK client on it, and polling helpers."""

    faults = {}

    def setUp(self):
        self.scen, self.sid = C.scenario(type(self).__name__.lower(), **self.faults)
        self.client = C.genesys_client(C.base(self.scen))
        self.usage = P.UsageApi(self.client)
        self.oauth = P.OAuthApi(self.client)

    def strict(self, model):
        """The last answer was read completely into `model`."""
        C.genesys_strict(self, model, C.genesys_last_json(self.client))
        return model

    def status(self):
        return self.client.last_response.status

    def submitted(self, result, results_uri):
        """Checks an `UsageExecutionResult` and returns its execution id."""
        self.strict(result)
        self.assertIn(self.status(), (200, 202))
        self.assertRegex(result.execution_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(result.results_uri, results_uri.format(id=result.execution_id))
        return result.execution_id

    def poll_legacy(self, fetch):
        """Polls a legacy execution until it is no longer Running."""
        deadline = time.monotonic() + POLL_TIMEOUT_S
        while True:
            res = fetch()
            self.strict(res)
            self.assertEqual(self.status(), 200)
            self.assertIn(res.query_status, LEGACY_STATUSES)
            if res.query_status != "Running":
                return res
            self.assertIsNone(res.results, "a running execution has no rows yet")
            self.assertLess(time.monotonic(), deadline, "the execution never finished")
            time.sleep(0.15)

    def run_org_query(self, query):
        eid = self.submitted(self.usage.post_usage_query(query), "/api/v2/usage/query/{id}/results")
        res = self.poll_legacy(lambda: self.usage.get_usage_query_execution_id_results(eid))
        self.assertEqual(res.query_status, "Complete")
        return res

    def run_client_query(self, api, client_id, query):
        eid = self.submitted(
            api.post_oauth_client_usage_query(client_id, query),
            f"/api/v2/oauth/clients/{client_id}/usage/query/results/{{id}}",
        )
        res = self.poll_legacy(lambda: api.get_oauth_client_usage_query_result(eid, client_id))
        self.assertEqual(res.query_status, "Complete")
        return res

    def job_pages(self, first, page_size, self_uri):
        """Polls a job until it has rows, then reads every page through
        `nextUri` (its `after` handed back to the SDK call). Returns the pages."""
        deadline = time.monotonic() + POLL_TIMEOUT_S
        seen = []
        while True:
            page = first(None)
            self.strict(page)
            self.assertIn(page.query_status, JOB_STATUSES)
            seen.append(page.query_status)
            self.assertEqual(page.self_uri, self_uri)
            if page.query_status in ("Queued", "Running"):
                self.assertEqual(self.status(), 202, "a job that is not done answers 202")
                self.assertIsNone(page.entities)
                self.assertLess(time.monotonic(), deadline, "the job never finished")
                time.sleep(0.15)
                continue
            break
        self.assertEqual(page.query_status, "Succeeded", f"statuses seen: {seen}")
        self.assertEqual(self.status(), 200)
        self.assertEqual(seen, sorted(seen, key=["Queued", "Running", "Succeeded"].index))
        pages = [page]
        afters = set()
        while page.next_uri:
            uri = urllib.parse.urlsplit(page.next_uri)
            self.assertEqual(uri.path, self_uri, "nextUri stays on the job")
            q = dict(urllib.parse.parse_qsl(uri.query))
            self.assertEqual(q.get("pageSize"), str(page_size))
            after = q["after"]
            self.assertNotIn(after, afters, "a cursor came back twice")
            afters.add(after)
            page = first(after)
            self.strict(page)
            self.assertEqual((page.query_status, self.status()), ("Succeeded", 200))
            pages.append(page)
            self.assertLess(len(pages), 500)
        for p in pages[:-1]:
            self.assertEqual(len(p.entities), page_size, "every page but the last is full")
        self.assertTrue(0 < len(pages[-1].entities) <= page_size)
        return pages


def counters_add_up(testcase, row, total_field):
    total = getattr(row, total_field)
    testcase.assertEqual(total, row.status200 + row.status300 + row.status400 + row.status500, row)
    testcase.assertLessEqual(row.status429, row.status400, "429s are a part of the 4xx")
    testcase.assertGreaterEqual(min(row.status200, row.status300, row.status400, row.status429, row.status500), 0)


class OrganizationQuery(GenesysCase):
    """POST /api/v2/usage/query and GET /api/v2/usage/query/{executionId}/results."""

    def test_daily_rows_per_client_and_method(self):
        a, b = days_back(8), days_back(2)
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{a}/{b}"
        q.granularity = "Day"
        q.group_by = ["OAuthClientId", "HttpMethod"]
        res = self.run_org_query(q)
        self.assertIsNone(res.cursors)
        self.assertTrue(res.results)
        keys = set()
        dates = set()
        for r in res.results:
            # A date-only end includes that whole day; buckets start at midnight UTC.
            self.assertEqual((r.date.tzinfo.utcoffset(r.date), r.date.time()), (dt.timedelta(0), dt.time(0)))
            self.assertTrue(a <= r.date.date() <= b, r.date)
            dates.add(r.date.date())
            self.assertTrue(r.client_id and r.client_name, r)
            self.assertIn(r.http_method, {"GET", "POST", "PUT", "PATCH", "DELETE"})
            # Dimensions not grouped come back as empty strings.
            self.assertEqual((r.user_id, r.template_uri, r.organization_id), ("", "", ""))
            counters_add_up(self, r, "requests")
            keys.add((r.client_id, r.http_method, r.date))
        self.assertEqual(len(keys), len(res.results), "one row per client, method and day")
        self.assertEqual(dates, {a + dt.timedelta(days=i) for i in range((b - a).days + 1)})
        # Without a granularity: one total per group, no date, the same sums.
        q2 = P.ApiUsageOrganizationQuery()
        q2.interval = f"{a}/{b}"
        q2.group_by = ["OAuthClientId", "HttpMethod"]
        totals = self.run_org_query(q2)
        per_group = collections.Counter()
        for r in res.results:
            per_group[(r.client_id, r.http_method)] += r.requests
        self.assertEqual({(r.client_id, r.http_method): r.requests for r in totals.results}, dict(per_group))
        self.assertTrue(all(r.date is None for r in totals.results))

    def test_month_buckets_and_selected_metrics(self):
        a = days_back(70).replace(day=1)
        b = days_back(2)
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{a.isoformat()[:7]}/{b.isoformat()[:7]}"
        q.granularity = "Month"
        q.metrics = ["Requests", "Status429"]
        q.group_by = ["TemplateUri"]
        res = self.run_org_query(q)
        raw = C.genesys_last_json(self.client)["results"]
        self.assertTrue(raw)
        for r, wire in zip(res.results, raw):
            # Counters that were not selected are left out.
            self.assertEqual(set(wire) - {"clientId", "clientName", "organizationId", "userId", "templateUri", "httpMethod", "date"}, {"requests", "status429"})
            self.assertIsNone(r.status200)
            self.assertEqual(r.date.day, 1, "month buckets start on the 1st")
            self.assertTrue(a <= r.date.date() <= b)
            self.assertTrue(r.template_uri and not r.template_uri.startswith("/"), r.template_uri)
            self.assertLessEqual(r.status429, r.requests)
            self.assertEqual(r.client_id, "")


class ClientQuery(GenesysCase):
    """POST /api/v2/oauth/clients/{clientId}/usage/query and its results, through
    both SDK classes that carry them (UsageApi and OAuthApi)."""

    def test_equals_the_organization_rows_of_that_client(self):
        a, b = days_back(9), days_back(3)
        org_q = P.ApiUsageOrganizationQuery()
        org_q.interval = f"{a}/{b}"
        org_q.granularity = "Day"
        org_q.group_by = ["OAuthClientId", "HttpMethod"]
        org = self.run_org_query(org_q)
        want = {(r.http_method, r.date): r.requests for r in org.results if r.client_id == C.DASHBOARD_CLIENT}
        self.assertTrue(want)
        for api in (self.usage, self.oauth):
            q = P.ApiUsageClientQuery()
            q.interval = f"{a}/{b}"
            q.granularity = "Day"
            q.group_by = ["OAuthClientId", "HttpMethod"]
            res = self.run_client_query(api, C.DASHBOARD_CLIENT, q)
            for r in res.results:
                self.assertEqual((r.client_id, r.client_name), (C.DASHBOARD_CLIENT, C.DASHBOARD_NAME))
                counters_add_up(self, r, "requests")
            self.assertEqual({(r.http_method, r.date): r.requests for r in res.results}, want, type(api).__name__)


class ClientSummary(GenesysCase):
    """GET /api/v2/oauth/clients/{clientId}/usage/summary: it starts an
    execution whose results are read like a client query's."""

    def test_summary_of_the_last_days(self):
        for api, days in ((self.oauth, "7"), (self.usage, "3")):
            eid = self.submitted(
                api.get_oauth_client_usage_summary(C.DASHBOARD_CLIENT, days=days),
                f"/api/v2/oauth/clients/{C.DASHBOARD_CLIENT}/usage/query/results/{{id}}",
            )
            res = self.poll_legacy(lambda: api.get_oauth_client_usage_query_result(eid, C.DASHBOARD_CLIENT))
            self.assertEqual(res.query_status, "Complete")
            self.assertTrue(res.results)
            for r in res.results:
                self.assertEqual(r.client_id, C.DASHBOARD_CLIENT)
                counters_add_up(self, r, "requests")
            # The same days through an ordinary client query (up to yesterday).
            q = P.ApiUsageClientQuery()
            q.interval = f"{days_back(int(days))}/{days_back(1)}"
            q.group_by = ["OAuthClientId"]
            total = self.run_client_query(api, C.DASHBOARD_CLIENT, q)
            self.assertEqual(len(total.results), 1)
            self.assertEqual(sum(r.requests for r in res.results), total.results[0].requests, f"days={days}")


class SimpleSearch(GenesysCase):
    """POST /api/v2/usage/simplesearch and every `cursors.after` page of
    GET /api/v2/usage/simplesearch/{executionId}/results."""

    def search(self, body, page_size):
        eid = self.submitted(self.usage.post_usage_simplesearch(body), "/api/v2/usage/simplesearch/{id}/results")
        res = self.poll_legacy(lambda: self.usage.get_usage_simplesearch_execution_id_results(eid, page_size=page_size))
        self.assertEqual(res.query_status, "Complete")
        pages = [res]
        while res.cursors is not None and res.cursors.after:
            after = res.cursors.after
            res = self.usage.get_usage_simplesearch_execution_id_results(eid, after=after, page_size=page_size)
            self.strict(res)
            self.assertEqual(res.query_status, "Complete")
            self.assertIsNotNone(res.cursors.before, "pages after the first point back")
            pages.append(res)
            self.assertLess(len(pages), 100)
        self.assertIsNone(pages[0].cursors.before if pages[0].cursors else None)
        return pages

    def test_every_page_of_a_filtered_search_matches_the_query(self):
        a, b = days_back(6), days_back(2)
        body = P.ApiUsageSimpleSearch()
        body.interval = f"{a}/{b}"
        body.oauth_client_names = [C.DASHBOARD_NAME]
        body.http_methods = ["GET", "POST"]
        pages = self.search(body, 7)
        rows = [r for p in pages for r in p.results]
        for p in pages[:-1]:
            self.assertEqual(len(p.results), 7)
        self.assertTrue(0 < len(pages[-1].results) <= 7)
        self.assertGreater(len(pages), 2)
        seen = set()
        for r in rows:
            self.assertEqual(r.client_name, C.DASHBOARD_NAME)
            self.assertIn(r.http_method, {"GET", "POST"})
            self.assertTrue(a <= r.date.date() <= b)
            self.assertIsNone(r.requests, "a simple search has no Requests column")
            key = (r.date, r.http_method, r.template_uri)
            self.assertNotIn(key, seen, "a record came back on two pages")
            seen.add(key)
        # The same numbers as an organization query grouped the same way.
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{a}/{b}"
        q.granularity = "Day"
        q.group_by = ["OAuthClientId", "TemplateUri", "HttpMethod"]
        org = self.run_org_query(q)
        want = {
            (r.date, r.http_method, r.template_uri): (r.status200, r.status400, r.status429)
            for r in org.results
            if r.client_id == C.DASHBOARD_CLIENT and r.http_method in ("GET", "POST") and r.requests > 0
        }
        got = {(r.date, r.http_method, r.template_uri): (r.status200, r.status400, r.status429) for r in rows}
        self.assertEqual(got, want)

    def test_2500_records_in_pages_of_1000_with_chosen_columns(self):
        self.scen, self.sid = C.scenario("search-rows", rows=2500)
        self.client = C.genesys_client(C.base(self.scen))
        self.usage = P.UsageApi(self.client)
        body = P.ApiUsageSimpleSearch()
        body.interval = f"{days_back(30)}/{days_back(1)}"
        body.metrics = ["Date", "ClientName", "Status200", "Status429"]
        pages = self.search(body, 1000)
        self.assertEqual([len(p.results) for p in pages], [1000, 1000, 500])
        raw_last = C.genesys_last_json(self.client)
        self.assertNotIn("after", raw_last.get("cursors", {}), "the last page has no after cursor")
        for p in pages:
            for r in p.results:
                self.assertIsNotNone(r.date)
                self.assertTrue(r.client_name)
                self.assertIsNone(r.http_method, "columns not asked for are left out")
                self.assertIsNone(r.status400)
                self.assertGreaterEqual(min(r.status200, r.status429), 0)
        # One request per page after the Running polls.
        st = C.stats(self.sid)
        paths = [p for p in st["lastPaths"] if "/simplesearch/" in p and "/results" in p and "after=" in p]
        self.assertEqual(len(paths), 2)


class OrganizationJob(GenesysCase):
    """POST /api/v2/usage/aggregates/query/jobs and every page of
    GET /api/v2/usage/aggregates/query/jobs/{jobId}."""

    def test_every_page_agrees_with_the_legacy_query(self):
        a, b = days_back(10), days_back(2)
        body = P.OrganizationPublicApiUsageQueryRequest()
        body.interval = f"{a}/{b}"
        body.granularity = "Day"
        body.group_by = ["OauthClientId", "HttpMethod"]
        job = self.strict(self.usage.post_usage_aggregates_query_jobs(body))
        self.assertIn(self.status(), (200, 202))
        uri = f"/api/v2/usage/aggregates/query/jobs/{job.id}"
        self.assertEqual((job.results_uri, job.self_uri), (uri, uri))
        size = 25

        def page(after):
            if after is None:
                return self.usage.get_usage_aggregates_query_job(job.id, page_size=size)
            return self.usage.get_usage_aggregates_query_job(job.id, page_size=size, after=after)

        pages = self.job_pages(page, size, uri)
        rows = [e for p in pages for e in p.entities]
        self.assertEqual(len(pages), math.ceil(len(rows) / size))
        got = {}
        for e in rows:
            self.assertIsInstance(e.date, dt.date)
            self.assertTrue(a <= e.date <= b)
            self.assertIn(e.http_method, JOB_METHODS)
            self.assertTrue(e.oauth_client.id and e.oauth_client.name)
            self.assertEqual(e.oauth_client.self_uri, f"/api/v2/oauth/clients/{e.oauth_client.id}")
            self.assertIsNone(e.user, "users were not grouped")
            self.assertIsNone(e.template_uri)
            counters_add_up(self, e, "request_count")
            key = (e.oauth_client.id, e.http_method, e.date)
            self.assertNotIn(key, got, "a row came back on two pages")
            got[key] = e.request_count
        # The legacy query hides Genesys' own clients; everything else is equal.
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{a}/{b}"
        q.granularity = "Day"
        q.group_by = ["OAuthClientId", "HttpMethod"]
        legacy = self.run_org_query(q)
        want = {(r.client_id, r.http_method, r.date.date()): r.requests for r in legacy.results}
        self.assertEqual({k: got.get(k) for k in want}, want)
        self.assertGreater(len(got), len(want), "jobs also count the built-in clients")

    def test_sorted_descending_across_pages(self):
        body = P.OrganizationPublicApiUsageQueryRequest()
        body.interval = f"{days_back(5)}/{days_back(2)}"
        body.group_by = ["TemplateUri", "UserId"]
        body.metrics = ["Requests"]
        sort = P.UsageQuerySortBy()
        sort.field_name = "requestCount"
        sort.order = "Desc"
        body.sort_by = [sort]
        job = self.usage.post_usage_aggregates_query_jobs(body)
        uri = f"/api/v2/usage/aggregates/query/jobs/{job.id}"
        pages = self.job_pages(
            lambda after: self.usage.get_usage_aggregates_query_job(job.id, page_size=40, **({"after": after} if after else {})),
            40,
            uri,
        )
        counts = [e.request_count for p in pages for e in p.entities]
        self.assertGreater(len(pages), 1)
        self.assertEqual(counts, sorted(counts, reverse=True))
        for p in pages:
            for e in p.entities:
                self.assertIsNone(e.status200, "only Requests was asked for")
                self.assertIsNone(e.date, "no granularity, no date")
                if e.user is not None:
                    self.assertEqual(e.user.self_uri, f"/api/v2/users/{e.user.id}")


class ClientJob(GenesysCase):
    """POST /api/v2/usage/client/{clientId}/aggregates/query/jobs and every page
    of GET .../jobs/{jobId}."""

    def test_every_page_agrees_with_the_client_query(self):
        me = P.TokensApi(self.client).get_tokens_me()
        self.strict(me)
        org_id = me.organization.id
        a, b = days_back(12), days_back(2)
        body = P.ClientPublicApiUsageQueryRequest()
        body.interval = f"{a}/{b}"
        body.granularity = "Day"
        body.group_by = ["HttpMethod", "OrganizationId"]
        job = self.strict(self.usage.post_usage_client_client_id_aggregates_query_jobs(C.DASHBOARD_CLIENT, body))
        uri = f"/api/v2/usage/client/{C.DASHBOARD_CLIENT}/aggregates/query/jobs/{job.id}"
        self.assertEqual((job.results_uri, job.self_uri), (uri, uri))
        pages = self.job_pages(
            lambda after: self.usage.get_usage_client_client_id_aggregates_query_job(
                C.DASHBOARD_CLIENT, job.id, page_size=4, **({"after": after} if after else {})
            ),
            4,
            uri,
        )
        self.assertGreater(len(pages), 2)
        got = {}
        for p in pages:
            for e in p.entities:
                self.assertEqual(e.organization_id, org_id)
                self.assertIn(e.http_method, JOB_METHODS)
                self.assertTrue(a <= e.date <= b)
                counters_add_up(self, e, "request_count")
                self.assertNotIn((e.http_method, e.date), got)
                got[(e.http_method, e.date)] = e.request_count
        q = P.ApiUsageClientQuery()
        q.interval = f"{a}/{b}"
        q.granularity = "Day"
        q.group_by = ["HttpMethod"]
        legacy = self.run_client_query(self.oauth, C.DASHBOARD_CLIENT, q)
        self.assertEqual(got, {(r.http_method, r.date.date()): r.requests for r in legacy.results})


class EndStates(GenesysCase):
    """Executions and jobs that fail or are cancelled, as the SDK reads them."""

    def job(self, **faults):
        self.scen, self.sid = C.scenario("end", **faults)
        self.client = C.genesys_client(C.base(self.scen))
        self.usage = P.UsageApi(self.client)
        body = P.OrganizationPublicApiUsageQueryRequest()
        body.interval = f"{days_back(4)}/{days_back(2)}"
        job = self.usage.post_usage_aggregates_query_jobs(body)
        deadline = time.monotonic() + POLL_TIMEOUT_S
        while True:
            page = self.strict(self.usage.get_usage_aggregates_query_job(job.id))
            if page.query_status not in ("Queued", "Running"):
                return page
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.15)

    def test_a_failed_job_says_why(self):
        page = self.job(fail=1)
        self.assertEqual((page.query_status, self.status()), ("Failed", 202))
        self.assertIsNone(page.entities)
        self.assertIsNone(page.next_uri)
        e = page.error_body
        self.assertEqual((e.status, e.code), (500, "internal.server.error"))
        self.assertTrue(e.message and e.context_id)

    def test_a_cancelled_job(self):
        page = self.job(cancel=1)
        self.assertEqual((page.query_status, self.status()), ("Cancelled", 200))
        self.assertIsNone(page.entities)
        self.assertIsNone(page.error_body)

    def test_a_failed_legacy_execution(self):
        self.scen, self.sid = C.scenario("end", fail=1)
        self.client = C.genesys_client(C.base(self.scen))
        self.usage = P.UsageApi(self.client)
        body = P.ApiUsageSimpleSearch()
        body.interval = f"{days_back(4)}/{days_back(2)}"
        eid = self.submitted(self.usage.post_usage_simplesearch(body), "/api/v2/usage/simplesearch/{id}/results")
        res = self.poll_legacy(lambda: self.usage.get_usage_simplesearch_execution_id_results(eid))
        self.assertEqual(res.query_status, "Failed")
        self.assertIsNone(res.results)
        self.assertIsNone(res.cursors)


class Tokens(GenesysCase):
    """GET /api/v2/tokens/me, which the app uses to name the organization."""

    def test_token_info(self):
        me = self.strict(P.TokensApi(self.client).get_tokens_me())
        self.assertEqual(me.organization.id, me.home_organization.id)
        self.assertTrue(me.organization.name)
        self.assertEqual(me.o_auth_client.organization.id, me.organization.id)


class PkceSignIn(GenesysCase):
    """The login host as the SDK's PKCE helpers use it: the SDK makes the
    verifier and challenge, the browser step is one GET, and the SDK trades
    the code for a token at /oauth/token."""

    def authorize(self, client_id, redirect_uri, challenge):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        q = urllib.parse.urlencode({
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "sdk-state",
        })
        opener = urllib.request.build_opener(NoRedirect)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            opener.open(f"{C.base(self.scen)}/oauth/authorize?{q}", timeout=10)
        self.assertEqual(cm.exception.code, 302)
        location = urllib.parse.urlsplit(cm.exception.headers["Location"])
        self.assertEqual(f"{location.scheme}://{location.netloc}{location.path}", redirect_uri)
        back = dict(urllib.parse.parse_qsl(location.query))
        self.assertEqual(back["state"], "sdk-state")
        return back["code"]

    def test_code_for_token_with_the_sdk(self):
        client_id, redirect_uri = "9a1b2c3d-sdk-pkce-client", "http://127.0.0.1:8080/"
        verifier = self.client.generate_pkce_code_verifier(128)
        code = self.authorize(client_id, redirect_uri, self.client.compute_pkce_code_challenge(verifier))
        fresh = C.genesys_client(C.base(self.scen), token="")
        _, answer = fresh.get_pkce_token(client_id, verifier, code, redirect_uri)
        self.assertEqual(set(answer), {"access_token", "token_type", "expires_in"})
        self.assertEqual(answer["token_type"], "bearer")
        self.assertTrue(300 <= answer["expires_in"] <= 172_800)
        self.assertTrue(fresh.access_token and fresh.access_token == answer["access_token"])
        me = P.TokensApi(fresh).get_tokens_me()
        self.assertEqual(me.o_auth_client.id, client_id)
        # A code is good for one exchange.
        with self.assertRaises(ApiException) as cm:
            C.genesys_client(C.base(self.scen), token="").get_pkce_token(client_id, verifier, code, redirect_uri)
        self.assertEqual(cm.exception.status, 400)
        self.assertEqual(json.loads(cm.exception.body)["error"], "invalid_grant")


class Errors(GenesysCase):
    """The error answers as the SDK raises them: status, headers and an
    `ErrorBody` its deserializer reads completely."""

    def error_body(self, exc, status, code):
        self.assertEqual(exc.status, status)
        raw = json.loads(exc.body)
        body = C.genesys_deserialize(self.client, exc.body, "ErrorBody")
        C.genesys_strict(self, body, raw)
        self.assertEqual((body.status, body.code), (status, code))
        self.assertTrue(body.message)
        self.assertEqual(body.context_id, C.header(exc.headers, "ININ-Correlation-Id"))
        self.assertEqual(body.errors, [])
        self.assertEqual(body.message_params, {})
        for name in ("inin-ratelimit-allowed", "inin-ratelimit-count", "inin-ratelimit-reset"):
            self.assertRegex(C.header(exc.headers, name) or "", r"^\d+$", name)
        self.assertEqual(C.header(exc.headers, "Content-Type"), "application/json")
        return body

    def test_400_for_a_value_the_sdk_does_not_know(self):
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{days_back(3)}/{days_back(1)}"
        q.granularity = "Hour"
        # The SDK keeps an unknown enum value as its own marker and sends that.
        self.assertEqual(q.granularity, C.OUTDATED)
        with self.assertRaises(ApiException) as cm:
            self.usage.post_usage_query(q)
        body = self.error_body(cm.exception, 400, "invalid.value")
        self.assertIn("Day, Week, Month", body.message)
        self.assertEqual([d.field_name for d in body.details], ["granularity"])

    def test_400_for_a_reversed_interval(self):
        body = P.OrganizationPublicApiUsageQueryRequest()
        body.interval = f"{days_back(1)}/{days_back(5)}"
        with self.assertRaises(ApiException) as cm:
            self.usage.post_usage_aggregates_query_jobs(body)
        b = self.error_body(cm.exception, 400, "bad.request")
        self.assertEqual([d.field_name for d in b.details], ["interval"])

    def test_401_for_a_bad_token(self):
        self.client = C.genesys_client(C.base(self.scen), token=C.BAD_TOKEN)
        with self.assertRaises(ApiException) as cm:
            P.UsageApi(self.client).get_usage_query_execution_id_results("0d0e7c1e-8c5f-4c3a-9b1e-2f6a7d8e9f00")
        self.error_body(cm.exception, 401, "bad.credentials")
        self.assertNotIn(C.BAD_TOKEN, str(cm.exception), "the token never comes back")

    def test_404_for_an_unknown_execution(self):
        with self.assertRaises(ApiException) as cm:
            self.usage.get_usage_simplesearch_execution_id_results("0d0e7c1e-8c5f-4c3a-9b1e-2f6a7d8e9f00")
        self.error_body(cm.exception, 404, "not.found")

    def test_403_lists_the_permissions(self):
        self.scen, self.sid = C.scenario("deny", deny=1)
        self.client = C.genesys_client(C.base(self.scen))
        with self.assertRaises(ApiException) as cm:
            P.OAuthApi(self.client).get_oauth_client_usage_summary(C.DASHBOARD_CLIENT)
        b = self.error_body(cm.exception, 403, "missing.any.permissions")
        self.assertIn("oauth:client:view, usage:client:view", b.message)

    def test_503_reaches_the_caller(self):
        self.scen, self.sid = C.scenario("e5xx", e5xx=1)
        self.client = C.genesys_client(C.base(self.scen))
        with self.assertRaises(ApiException) as cm:
            P.UsageApi(self.client).get_usage_query_execution_id_results("0d0e7c1e-8c5f-4c3a-9b1e-2f6a7d8e9f00")
        self.error_body(cm.exception, 503, "service.unavailable")

    def test_429_without_retry_after_reaches_the_caller(self):
        self.scen, self.sid = C.scenario("r429", r429=1, wait=3)
        self.client = C.genesys_client(C.base(self.scen))
        q = P.ApiUsageOrganizationQuery()
        q.interval = f"{days_back(3)}/{days_back(1)}"
        with self.assertRaises(ApiException) as cm:
            P.UsageApi(self.client).post_usage_query(q)
        e = cm.exception
        body = self.error_body(e, 429, "too.many.requests")
        self.assertIn("Retry the request in [3] seconds", body.message)
        self.assertIsNone(C.header(e.headers, "Retry-After"))
        self.assertEqual((body.limit.namespace, body.limit.key), ("platform.api", "token.rate.per.minute"))
        self.assertEqual(str(body.limit.value), C.header(e.headers, "inin-ratelimit-allowed"))
        # The next call goes through.
        r = P.UsageApi(self.client).post_usage_query(q)
        self.assertTrue(r.execution_id)

    def test_429_with_retry_after_is_retried_by_the_sdk(self):
        # The SDK's HTTP layer honours Retry-After on a 429 by itself.
        self.scen, self.sid = C.scenario("r429ra", r429=2, ra=1, wait=1)
        client = C.genesys_client(C.base(self.scen))
        started = time.monotonic()
        me = P.TokensApi(client).get_tokens_me()
        self.assertTrue(me.organization.id)
        self.assertGreaterEqual(time.monotonic() - started, 1.8, "it waited Retry-After twice")
        st = C.stats(self.sid)
        self.assertEqual((st["rateLimited"], st["requests"]), (2, 3))

    def test_429_with_retry_after_as_the_sdk_sees_it(self):
        self.scen, self.sid = C.scenario("r429raw", r429=1, ra=1, wait=4)
        self.client = C.genesys_client(C.base(self.scen))
        # Switch the SDK's own retry off to look at the answer itself.
        self.client.get_http_client().rest_client.pool_manager = urllib3.PoolManager(retries=False)
        with self.assertRaises(ApiException) as cm:
            P.UsageApi(self.client).get_usage_aggregates_query_job("0d0e7c1e-8c5f-4c3a-9b1e-2f6a7d8e9f00")
        body = self.error_body(cm.exception, 429, "too.many.requests")
        self.assertEqual(C.header(cm.exception.headers, "Retry-After"), "4")
        self.assertIn("[4]", body.message)


if __name__ == "__main__":
    unittest.main()
