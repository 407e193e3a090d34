"""Unattended use through the vendor's Python SDK (PureCloudPlatformClientV2):
its own client-credentials sign-in, BillingApi's contract and billing-period
calls and OrganizationApi's limits call against the simulator. Every answer
is read by the SDK's own models, field by field.

What SDK 269 shows, noted where it shows: its client-credentials sign-in
keeps no lifetime (nothing renews the token: an expired one is a 401 on the
next call); `get_billing_contracts` documents `page_size` as a string of at
most 10 but compares it with a number, so only a number works; there is no
list of billing periods other than the contract's own `billingPeriods`."""

import time
import unittest

import common as C
from common import genesys as P
from PureCloudPlatformClientV2.rest import ApiException

CLIENT_ID = "sdk-tier-cc-client"
# Any secret works on the simulator but one starting `wrong`.
SECRET = "sdk-tier-cc-secret"


class ClientCredentials(unittest.TestCase):
    def signed_in(self, **faults):
        scen, sid = C.scenario("cc", **faults)
        client = P.ApiClient(host=C.base(scen))
        client.get_client_credentials_token(CLIENT_ID, SECRET)
        return client, sid

    def test_the_sdk_signs_in_and_its_token_works(self):
        client, sid = self.signed_in()
        self.assertTrue(client.access_token.startswith("cc-"))
        me = P.TokensApi(client).get_tokens_me()
        self.assertEqual(me.o_auth_client.id, CLIENT_ID)
        self.assertEqual(C.stats(sid)["tokenRequests"], 1)

    def test_a_short_lived_token_expires_and_the_sdk_does_not_renew_it(self):
        client, _ = self.signed_in(ttl=1)
        P.TokensApi(client).get_tokens_me()
        time.sleep(1.2)
        with self.assertRaises(ApiException) as caught:
            P.TokensApi(client).get_tokens_me()
        self.assertEqual(caught.exception.status, 401)
        body = C.genesys_deserialize(client, caught.exception.body, "ErrorBody")
        self.assertEqual(body.code, "credentials.expired")

    def test_a_refused_secret_is_a_401_with_an_oauth_error_body(self):
        scen, _ = C.scenario("ccbad", badsecret=1)
        client = P.ApiClient(host=C.base(scen))
        with self.assertRaises(ApiException) as caught:
            client.get_client_credentials_token(CLIENT_ID, SECRET)
        self.assertEqual(caught.exception.status, 401)
        self.assertIn('"error":"invalid_client"', caught.exception.body)
        self.assertNotIn(SECRET, str(caught.exception))
        self.assertFalse(client.access_token)


class Billing(unittest.TestCase):
    faults = {}

    def setUp(self):
        self.scen, self.sid = C.scenario("billing", **self.faults)
        self.client = C.genesys_client(C.base(self.scen))
        self.billing = P.BillingApi(self.client)

    def strict(self, model):
        C.genesys_strict(self, model, C.genesys_last_json(self.client))
        return model

    def test_the_active_contract_and_its_period_with_the_api_charge(self):
        # SDK 269 documents pageSize as a string but compares it with 10: only a number works.
        listing = self.strict(self.billing.get_billing_contracts(status="Active", page_size=10))
        self.assertEqual(len(listing.entities), 1)
        contract = listing.entities[0]
        self.assertEqual((contract.status, contract.external_number), ("Active", "C-0042-7781"))
        today = C.utc_today()
        holding = [p for p in contract.billing_periods if p.date_start <= today <= p.date_end]
        self.assertEqual(len(holding), 1)
        self.assertEqual(holding[0].status, "Open")
        detail = self.strict(self.billing.get_billing_contract_billingperiod(contract.id, holding[0].id))
        api = [c for c in detail.charges if "API" in (c.name or "")]
        self.assertEqual(len(api), 1)
        charge = api[0]
        self.assertEqual(charge.fairuse_quantity, 2_000_000)
        self.assertEqual(charge.overage_quantity, max(0, charge.actual_quantity - charge.fairuse_quantity))
        self.assertAlmostEqual(charge.overage_charge, charge.overage_quantity * charge.overage_rate, places=6)
        self.assertEqual(charge.overage_currency, "USD")
        self.assertEqual(charge.product.unit_of_measure, "Transaction")

    def test_the_period_detail_answers_a_missing_period_with_404(self):
        with self.assertRaises(ApiException) as caught:
            self.billing.get_billing_contract_billingperiod("5e7c1d20-4a8b-4f0e-9c3d-1b2a3c4d5e6f", "bp-1999-01")
        self.assertEqual(caught.exception.status, 404)


class BillingWithoutPermission(Billing):
    faults = {"nobilling": 1}

    def test_the_active_contract_and_its_period_with_the_api_charge(self):
        with self.assertRaises(ApiException) as caught:
            self.billing.get_billing_contracts(status="Active")
        self.assertEqual(caught.exception.status, 403)
        body = C.genesys_deserialize(self.client, caught.exception.body, "ErrorBody")
        self.assertIn("billing:subscription:view", body.message)

    def test_the_period_detail_answers_a_missing_period_with_404(self):
        # Without the permission the period is refused before it is looked up.
        with self.assertRaises(ApiException) as caught:
            self.billing.get_billing_contract_billingperiod("5e7c1d20-4a8b-4f0e-9c3d-1b2a3c4d5e6f", "bp-1999-01")
        self.assertEqual(caught.exception.status, 403)


class Limits(unittest.TestCase):
    def limits(self, **faults):
        scen, _ = C.scenario("limits", **faults)
        client = C.genesys_client(C.base(scen))
        listing = P.OrganizationApi(client).get_organizations_limits_namespace("platform.api")
        C.genesys_strict(self, listing, C.genesys_last_json(client))
        return {l.key: l.value for l in listing.entities if l.namespace == "platform.api"}

    def test_the_platform_api_namespace_names_both_token_limits(self):
        got = self.limits()
        self.assertEqual(got["token.rate.per.minute"], 300)
        self.assertEqual(got["client.credentials.token.rate.per.minute"], 300)

    def test_a_raised_limit_is_reported(self):
        got = self.limits(limit=600)
        self.assertEqual(got["client.credentials.token.rate.per.minute"], 600)


if __name__ == "__main__":
    unittest.main()
