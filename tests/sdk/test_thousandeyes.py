"""The ThousandEyes v7 usage operations through the vendor's Python SDK
(thousandeyes-sdk-usage): UsageApi with every `expand` value, its paginators
over the units endpoints, QuotasApi, and the error answers. Every answer is
read by the SDK's strict pydantic models, none of which may keep a field
aside, and checked against the other operations."""

import datetime as dt
import math
import time
import unittest
import urllib.parse
from zoneinfo import ZoneInfo

import common as C
from thousandeyes_sdk.core import ApiClient, Configuration
from thousandeyes_sdk.core.exceptions import (
    BadRequestException,
    ForbiddenException,
    ServiceException,
    TooManyRequestsException,
    UnauthorizedException,
)
from thousandeyes_sdk.usage import QuotasApi, UsageApi
from thousandeyes_sdk.usage.models import (
    Error,
    ExpandUsageOptions as Expand,
    UnauthorizedError,
    ValidationError,
)

API = "https://api.thousandeyes.com"
GROUPS = {"1234": "Support", "315": "Documentation", "2207": "Network Operations", "4410": "Retail Stores"}
REAL_EXPANDS = [e for e in Expand if e is not Expand.UNKNOWN]
# Which array of `usage` each expand value adds.
EXPANDED_FIELD = {
    Expand.TEST: "tests",
    Expand.ENTERPRISE_MINUS_AGENT: "enterprise_agents",
    Expand.ENTERPRISE_MINUS_AGENT_MINUS_UNIT: "enterprise_agent_units",
    Expand.ENDPOINT_MINUS_AGENT: "endpoint_agents",
    Expand.ENDPOINT_MINUS_AGENT_MINUS_ESSENTIAL: "endpoint_agents_essentials",
    Expand.ENDPOINT_MINUS_AGENT_MINUS_EMBEDDED: "endpoint_agents_embedded",
}


def client(scen, token=C.TOKEN):
    return ApiClient(Configuration(host=f"{C.base(scen)}/v7", access_token=token))


def close(a, b, tol):
    return abs(a - b) <= tol


def stable(row):
    """A row without the numbers that grow with the clock."""
    return {k: v for k, v in row.model_dump().items() if isinstance(v, (str, bool)) or v is None}


class TeCase(unittest.TestCase):
    faults = {}

    def setUp(self):
        self.scen, self.sid = C.scenario(type(self).__name__.lower(), **self.faults)
        self.api_client = client(self.scen)
        self.usage = UsageApi(self.api_client)

    def strict(self, model):
        C.te_strict(self, model)
        return model

    def rate_headers(self, headers):
        self.assertEqual(C.header(headers, "X-Organization-Rate-Limit-Limit"), "240")
        remaining = int(C.header(headers, "X-Organization-Rate-Limit-Remaining"))
        self.assertTrue(0 <= remaining < 240)
        reset = int(C.header(headers, "X-Organization-Rate-Limit-Reset"))
        self.assertTrue(time.time() - 2 <= reset <= time.time() + 61, "reset is a Unix time within the minute")

    def period(self):
        """The current billing period, from /v7/usage."""
        q = self.usage.get_usage().usage.quota
        return q.month_start, q.month_end

    def recording(self, method_name):
        """Wraps one SDK call so that the SDK's paginator, which calls it by
        name, leaves every page it read (model and self link) here."""
        pages = []
        inner = getattr(self.usage, method_name)

        def call(**kwargs):
            page = inner(**kwargs)
            pages.append((kwargs.get("cursor"), page))
            return page

        setattr(self.usage, method_name, call)
        return pages


class Usage(TeCase):
    """GET /v7/usage, without `expand`, with each value the SDK's enum has,
    and with all of them."""

    def test_without_expand(self):
        resp = self.usage.get_usage_with_http_info()
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(C.header(resp.headers, "Content-Type"), "application/hal+json")
        self.rate_headers(resp.headers)
        u = self.strict(resp.data)
        d = u.usage
        self.assertEqual(u.links.var_self.href, f"{API}/v7/usage")
        q = d.quota
        now = dt.datetime.now(dt.timezone.utc)
        self.assertTrue(q.month_start <= now < q.month_end)
        self.assertEqual((q.month_start.day, q.month_start.hour, q.month_start.minute), (5, 8, 0))
        self.assertEqual((q.month_end.day, q.month_end.hour), (5, 8))
        self.assertTrue(28 <= (q.month_end - q.month_start).days <= 31)
        self.assertEqual(q.cloud_units_included, 4_320_000_000)
        for name in type(q).model_fields:
            self.assertIsNotNone(getattr(q, name), name)
        for name in type(d).model_fields:
            value = getattr(d, name)
            if name in EXPANDED_FIELD.values() or name == "allocations":
                self.assertIsNone(value, f"{name} comes only with expand")
            else:
                self.assertIsNotNone(value, name)
                if isinstance(value, int):
                    self.assertGreaterEqual(value, 0, name)
        self.assertLessEqual(d.cloud_units_used, d.cloud_units_projected)
        self.assertLessEqual(d.enterprise_units_used, d.enterprise_units_projected)
        self.assertLessEqual(d.connected_devices_units_used, d.connected_devices_units_projected)

    def test_each_expand_value_alone(self):
        whole = self.usage.get_usage(expand=REAL_EXPANDS).usage
        self.strict(whole)
        for e in REAL_EXPANDS:
            with self.subTest(expand=e.value):
                resp = self.usage.get_usage_with_http_info(expand=[e])
                u = self.strict(resp.data)
                self.assertEqual(u.links.var_self.href, f"{API}/v7/usage?expand={e.value}")
                d = u.usage
                for other, field in EXPANDED_FIELD.items():
                    if other is e:
                        self.assertTrue(getattr(d, field), f"{e.value} fills {field}")
                    else:
                        self.assertIsNone(getattr(d, field), f"{e.value} leaves {field} out")
                self.assertIsNotNone(d.allocations)
                rows = getattr(d, EXPANDED_FIELD[e])
                for r in rows:
                    self.assertEqual(GROUPS.get(r.aid), r.account_group_name)
                # The same rows alone or with every expand (counters move on
                # with the clock between the two calls).
                same = getattr(whole, EXPANDED_FIELD[e])
                self.assertEqual([stable(r) for r in rows], [stable(r) for r in same])
                for r, w in zip(rows, same):
                    for k, v in r.model_dump().items():
                        if isinstance(v, int) and not isinstance(v, bool):
                            self.assertTrue(close(v, getattr(w, k), max(v, 1) * 1e-4 + 2), (k, v, getattr(w, k)))
        n = lambda rows, f: sum(getattr(r, f) for r in rows)  # noqa: E731
        d = whole
        self.assertEqual(n(d.enterprise_agents, "enterprise_agents_used"), d.enterprise_agents_used)
        self.assertEqual(n(d.endpoint_agents, "endpoint_agents_used"), d.endpoint_agents_used)
        self.assertEqual(n(d.endpoint_agents_essentials, "endpoint_agents_essentials_used"), d.endpoint_agents_essentials_used)
        self.assertEqual(n(d.endpoint_agents_embedded, "endpoint_agents_embedded_used"), d.endpoint_agents_embedded_used)
        # Rows are rounded one by one: the sums may differ by half a unit a row.
        self.assertTrue(close(n(d.tests, "cloud_units_used"), d.cloud_units_used, len(d.tests)))
        self.assertTrue(close(n(d.tests, "cloud_units_projected"), d.cloud_units_projected, len(d.tests)))
        self.assertTrue(close(n(d.enterprise_agent_units, "enterprise_units_used"), d.enterprise_units_used, len(d.enterprise_agent_units)))
        for t in d.tests:
            self.assertLessEqual(t.cloud_units_used, t.cloud_units_projected)
        self.assertEqual(len({t.test_id for t in d.tests}), len(d.tests))
        a = d.allocations
        self.assertTrue(close(a.used, d.cloud_units_used + d.enterprise_units_used, 1))
        self.assertTrue(close(a.projected, d.cloud_units_projected + d.enterprise_units_projected, 1))
        self.assertTrue(all(x.product_name and x.allocated_units > 0 for x in a.allocations))
        self.assertLessEqual(sum(x.allocated_units for x in a.allocations), d.quota.cloud_units_included)

    def test_account_group_context(self):
        u = self.strict(self.usage.get_usage(aid="315", expand=[Expand.TEST, Expand.ENDPOINT_MINUS_AGENT]))
        self.assertEqual(u.links.var_self.href, f"{API}/v7/usage?aid=315&expand=test,endpoint-agent")
        self.assertTrue(u.usage.tests and u.usage.endpoint_agents)
        # One comma-separated parameter (style form, explode false), as the SDK sends it.
        self.assertTrue(C.stats(self.sid)["lastPaths"][-1].endswith("/v7/usage?aid=315&expand=test,endpoint-agent"))


class TestsUnits(TeCase):
    """GET /v7/usage/units/tests through the SDK's paginator."""

    faults = {"tepage": 7}

    def test_every_page_of_the_current_period(self):
        pages = self.recording("get_tests_units_usage")
        rows = list(self.usage.get_tests_units_usage_paginated(aid="1234"))
        self.assertEqual(len(pages), math.ceil(len(rows) / 7))
        self.assertGreater(len(pages), 3)
        cursors = []
        for i, (cursor, page) in enumerate(pages):
            self.strict(page)
            self.assertEqual(page.links.var_self.href.split("&cursor=")[0], f"{API}/v7/usage/units/tests?aid=1234")
            if i + 1 < len(pages):
                self.assertEqual(len(page.breakdowns), 7)
                nxt = urllib.parse.urlsplit(page.links.next.href)
                self.assertEqual(urllib.parse.parse_qs(nxt.query)["aid"], ["1234"])
                cursors.append(urllib.parse.parse_qs(nxt.query)["cursor"][0])
            else:
                self.assertIsNone(page.links.next, "the last page has no next link")
        self.assertEqual([c for c, _ in pages], [None] + cursors, "the paginator sent each next cursor")
        self.assertEqual(len(set(cursors)), len(cursors))
        ids = [r.test_id for r in rows]
        self.assertEqual(len(set(ids)), len(ids), "no row twice")
        # The same rows as /v7/usage reports for the period.
        usage = self.usage.get_usage(expand=[Expand.TEST]).usage
        by_id = {r.test_id: r for r in rows}
        for t in usage.tests:
            r = by_id[t.test_id]
            self.assertEqual((r.test_name, r.test_type, r.aid, r.account_group_name), (t.test_name, t.test_type, t.aid, t.account_group_name))
            self.assertTrue(close(r.cloud_units_used, t.cloud_units_used, 50_000), t.test_id)
        for r in rows:
            self.assertEqual(GROUPS[r.aid], r.account_group_name)
            self.assertLessEqual(r.cloud_units_used, r.cloud_units_projected)
            self.assertLessEqual(r.enterprise_units_used, r.enterprise_units_projected)
            self.assertIsInstance(r.is_instant_test, bool)
        self.assertEqual({r.is_instant_test for r in rows}, {True, False})
        tol = max(1e-4 * usage.cloud_units_used, 5_000)
        self.assertTrue(close(sum(r.cloud_units_used for r in rows), usage.cloud_units_used, tol))

    def test_dates_as_the_sdk_sends_them(self):
        start, end = self.period()
        # A past period: its numbers no longer move.
        start, end = (start - dt.timedelta(days=31)).replace(day=5), start
        variants = {
            "UTC": (start, end),
            "offset": (start.astimezone(ZoneInfo("Europe/Berlin")), end.astimezone(ZoneInfo("America/New_York"))),
            "naive": (start.replace(tzinfo=None), end.replace(tzinfo=None)),
        }
        results = {}
        for name, (a, b) in variants.items():
            rows = list(self.usage.get_tests_units_usage_paginated(start_date=a, end_date=b))
            # Projections are of the current period and move with the clock.
            results[name] = [{k: v for k, v in r.model_dump().items() if "projected" not in k} for r in rows]
            sent = [p for p in C.stats(self.sid)["lastPaths"] if "startDate=" in p][-1]
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(sent).query)
            # The SDK's own format: microseconds and a numeric offset (none when naive).
            self.assertRegex(q["startDate"][0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}([+-]\d{4})?$")
            raw = q["startDate"][0]
            if len(raw) > 26:
                sent_start = dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%f%z")
            else:
                sent_start = dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=dt.timezone.utc)
            self.assertEqual(sent_start, a if a.tzinfo else a.replace(tzinfo=dt.timezone.utc))
        self.assertEqual(results["UTC"], results["offset"])
        self.assertEqual(results["UTC"], results["naive"])
        self.assertEqual(len(results["UTC"]), 60)
        self.assertTrue(any(r["cloud_units_used"] > 0 for r in results["UTC"]))
        # After the period, nothing is used but the projection stays.
        later = list(self.usage.get_tests_units_usage_paginated(start_date=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)))
        self.assertTrue(all(r.cloud_units_used == 0 and r.enterprise_units_used == 0 for r in later))

    def test_many_rows_in_server_sized_pages(self):
        self.scen, self.sid = C.scenario("tests-many", tests=130, tepage=50)
        self.usage = UsageApi(client(self.scen))
        pages = self.recording("get_tests_units_usage")
        rows = list(self.usage.get_tests_units_usage_paginated())
        self.assertEqual([len(p.breakdowns) for _, p in pages], [50, 50, 30])
        self.assertEqual(len({r.test_id for r in rows}), 130)


class EnterpriseAgentsUnits(TeCase):
    """GET /v7/usage/units/enterprise-agents through the SDK's paginator."""

    faults = {"tepage": 4}

    def test_every_page_and_the_tests_agree(self):
        start, _ = self.period()
        a, b = (start - dt.timedelta(days=31)).replace(day=5), start
        pages = self.recording("get_enterprise_agents_units_usage")
        rows = list(self.usage.get_enterprise_agents_units_usage_paginated(start_date=a, end_date=b))
        self.assertEqual(len(pages), math.ceil(len(rows) / 4))
        self.assertGreater(len(pages), 2)
        for _, page in pages:
            self.strict(page)
            self.assertNotIn("aid=", page.links.var_self.href)
        seen = set()
        for r in rows:
            self.assertEqual(GROUPS[r.aid], r.account_group_name)
            self.assertTrue(r.agent_name)
            self.assertGreaterEqual(min(r.enterprise_units_used, r.enterprise_units_projected), 0)
            self.assertNotIn((r.aid, r.agent_name), seen)
            seen.add((r.aid, r.agent_name))
        self.assertTrue(any(r.agent_id is None for r in rows), "agentId may be missing")
        self.assertTrue(all(r.agent_id is None or r.agent_id.isdigit() for r in rows))
        names_by_agent = {}
        for r in rows:
            names_by_agent.setdefault(r.agent_name, set()).add(r.aid)
        self.assertTrue(any(len(g) > 1 for g in names_by_agent.values()), "a shared agent's units are split across groups")
        # Each test's enterprise units are split across its agents: the sums agree.
        tests = list(self.usage.get_tests_units_usage_paginated(start_date=a, end_date=b))
        total_tests = sum(t.enterprise_units_used for t in tests)
        self.assertGreater(total_tests, 0)
        self.assertTrue(close(sum(r.enterprise_units_used for r in rows), total_tests, len(rows) + len(tests)))
        per_group = {}
        for t in tests:
            per_group[t.aid] = per_group.get(t.aid, 0) + t.enterprise_units_used
        for aid, n in per_group.items():
            got = sum(r.enterprise_units_used for r in rows if r.aid == aid)
            self.assertTrue(close(got, n, len(rows) + len(tests)), aid)

    def test_current_period_by_following_next_with_the_cursor(self):
        # The other way the vendor allows: the plain call, with the cursor of _links.next.
        cursor, rows, calls = None, [], 0
        while True:
            page = self.strict(self.usage.get_enterprise_agents_units_usage(cursor=cursor))
            calls += 1
            rows += page.breakdowns
            if page.links.next is None:
                break
            cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(page.links.next.href).query)["cursor"][0]
        self.assertEqual(calls, math.ceil(len(rows) / 4))
        same = list(self.usage.get_enterprise_agents_units_usage_paginated())
        self.assertEqual([r.agent_name for r in rows], [r.agent_name for r in same])
        usage = self.usage.get_usage(expand=[Expand.ENTERPRISE_MINUS_AGENT_MINUS_UNIT]).usage
        tol = max(1e-3 * usage.enterprise_units_used, 5_000)
        self.assertTrue(close(sum(r.enterprise_units_used for r in rows), usage.enterprise_units_used, tol))


class Quotas(TeCase):
    """GET /v7/quotas."""

    def test_quotas_match_usage(self):
        resp = QuotasApi(self.api_client).get_quotas_with_http_info()
        self.assertEqual(resp.status_code, 200)
        self.rate_headers(resp.headers)
        q = self.strict(resp.data)
        self.assertEqual(q.links.var_self.href, f"{API}/v7/quotas")
        self.assertEqual(len(q.quotas), 1)
        org = q.quotas[0]
        usage = self.usage.get_usage(expand=[Expand.ENTERPRISE_MINUS_AGENT]).usage
        self.assertEqual(org.organization_quota.value, usage.quota.cloud_units_included)
        self.assertTrue(org.organization_quota.org_id.isdigit())
        aids = [g.aid for g in org.account_group_quotas]
        self.assertEqual(sorted(aids), sorted(GROUPS))
        self.assertEqual(set(aids), {g.aid for g in usage.enterprise_agents})
        self.assertTrue(all(g.value > 0 for g in org.account_group_quotas))
        self.assertLessEqual(sum(g.value for g in org.account_group_quotas), org.organization_quota.value)


class Errors(TeCase):
    """The error answers as the SDK raises them, with its own error models."""

    def problem(self, exc, status, model):
        self.assertEqual(exc.status, status)
        self.assertIsInstance(exc.data, model)
        self.strict(exc.data)
        self.assertEqual(C.header(exc.headers, "Content-Type"), "application/problem+json")
        self.rate_headers(exc.headers)
        self.assertIsNone(C.header(exc.headers, "Retry-After"), "ThousandEyes sends no Retry-After")
        if model is not UnauthorizedError:
            self.assertEqual((exc.data.type, exc.data.status), ("about:blank", status))
            self.assertTrue(exc.data.title and exc.data.detail)
        return exc.data

    def test_400_for_the_sdks_catch_all_expand(self):
        # `unknown` is the SDK's catch-all for values it does not know, not one to send.
        with self.assertRaises(BadRequestException) as cm:
            self.usage.get_usage(expand=["no-such-thing"])
        e = self.problem(cm.exception, 400, ValidationError)
        self.assertIn("expand", e.detail)
        self.assertEqual(e.instance, "/v7/usage")
        self.assertIn("expand=unknown", C.stats(self.sid)["lastPaths"][-1])

    def test_400_for_a_range_that_ends_before_it_starts(self):
        now = dt.datetime.now(dt.timezone.utc)
        with self.assertRaises(BadRequestException) as cm:
            list(self.usage.get_tests_units_usage_paginated(start_date=now, end_date=now - dt.timedelta(days=2)))
        e = self.problem(cm.exception, 400, ValidationError)
        self.assertEqual([(x.var_field, x.code) for x in e.errors], [("startDate", "INVALID_FIELD")])
        self.assertEqual(e.instance, "/v7/usage/units/tests")

    def test_400_for_an_end_without_a_start(self):
        with self.assertRaises(BadRequestException) as cm:
            self.usage.get_enterprise_agents_units_usage(end_date=dt.datetime.now(dt.timezone.utc))
        e = self.problem(cm.exception, 400, ValidationError)
        self.assertEqual([x.var_field for x in e.errors], ["endDate"])

    def test_400_for_an_account_group_that_is_not_one(self):
        with self.assertRaises(BadRequestException) as cm:
            list(self.usage.get_tests_units_usage_paginated(aid="support"))
        e = self.problem(cm.exception, 400, ValidationError)
        self.assertEqual([x.var_field for x in e.errors], ["aid"])

    def test_500_reaches_the_caller(self):
        self.scen, self.sid = C.scenario("e500", e5xx=1, code=500)
        with self.assertRaises(ServiceException) as cm:
            UsageApi(client(self.scen)).get_usage()
        e = self.problem(cm.exception, 500, Error)
        self.assertEqual(e.title, "Internal server error")

    def test_401_for_a_bad_token(self):
        api = UsageApi(client(self.scen, token=C.BAD_TOKEN))
        with self.assertRaises(UnauthorizedException) as cm:
            api.get_usage()
        e = self.problem(cm.exception, 401, UnauthorizedError)
        self.assertEqual((e.error, e.error_description), ("invalid_token", "Invalid access token"))
        self.assertNotIn(C.BAD_TOKEN, str(cm.exception))

    def test_403_names_the_permission(self):
        self.scen, self.sid = C.scenario("deny", deny=1)
        with self.assertRaises(ForbiddenException) as cm:
            QuotasApi(client(self.scen)).get_quotas()
        e = self.problem(cm.exception, 403, Error)
        self.assertIn("Edit organization and account group quotas", e.detail)

    def test_429_is_retried_once_by_the_sdk_then_raised(self):
        # The SDK retries a 429 once, sleeping until X-Organization-Rate-Limit-Reset.
        self.scen, self.sid = C.scenario("r429", r429=2, wait=1)
        api = UsageApi(client(self.scen))
        started = time.monotonic()
        with self.assertRaises(TooManyRequestsException) as cm:
            api.get_usage()
        self.assertGreaterEqual(time.monotonic() - started, 0.8, "it waited for the reset")
        e = self.problem(cm.exception, 429, Error)
        self.assertEqual(C.header(cm.exception.headers, "X-Organization-Rate-Limit-Remaining"), "0")
        self.assertEqual(e.instance, "/v7/usage")
        self.assertEqual(C.stats(self.sid)["rateLimited"], 2)
        # One 429 only: the SDK's retry gets the answer.
        self.scen, self.sid = C.scenario("r429once", r429=1, wait=1)
        quotas = QuotasApi(client(self.scen)).get_quotas()
        self.strict(quotas)
        st = C.stats(self.sid)
        self.assertEqual((st["rateLimited"], st["requests"]), (1, 2))


if __name__ == "__main__":
    unittest.main()
