// The environment the CLI and the exporter read (www/cli/env.mjs): which
// GenesysClient and ThousandEyesClient options it gives, and the clear
// error for each half-set configuration. Pure: no package, no server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EnvError, genesysOptionsFromEnv, secretsOf, thousandEyesOptionsFromEnv } from "../cli/env.mjs";

test("the GENESYSCLOUD_* names give client credentials for a region", () => {
  const env = { GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "s3cret", GENESYSCLOUD_REGION: "us-east-1" };
  assert.deepEqual(genesysOptionsFromEnv(env), { region: "us-east-1", clientId: "id", clientSecret: "s3cret" });
  const proxied = { ...env, USAGE_LENS_GENESYS_BASE_URL: "https://proxy.example", USAGE_LENS_GENESYS_LOGIN_URL: "https://login.example" };
  assert.deepEqual(genesysOptionsFromEnv(proxied), {
    baseUrl: "https://proxy.example",
    clientId: "id",
    clientSecret: "s3cret",
    loginUrl: "https://login.example",
  });
  assert.deepEqual(secretsOf(env), ["s3cret"]);
});

test("a token comes from either name, and the USAGE_LENS_* names win", () => {
  assert.deepEqual(genesysOptionsFromEnv({ GENESYSCLOUD_ACCESS_TOKEN: "tok1", GENESYSCLOUD_REGION: "mypurecloud.ie" }), {
    region: "mypurecloud.ie",
    accessToken: "tok1",
  });
  assert.deepEqual(
    genesysOptionsFromEnv({ USAGE_LENS_GENESYS_TOKEN: "tok2", GENESYSCLOUD_ACCESS_TOKEN: "tok1", USAGE_LENS_GENESYS_REGION: "mypurecloud.com", GENESYSCLOUD_REGION: "eu-west-1" }),
    { region: "mypurecloud.com", accessToken: "tok2" },
  );
  assert.equal(genesysOptionsFromEnv({ GENESYSCLOUD_REGION: "us-east-1" }), undefined, "a region alone configures nothing");
  assert.equal(thousandEyesOptionsFromEnv({}), undefined);
  assert.deepEqual(thousandEyesOptionsFromEnv({ USAGE_LENS_TE_TOKEN: "t" }), { accessToken: "t" });
});

test("half-set configurations are clear errors", () => {
  const cases = [
    [{ GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_REGION: "us-east-1" }, /go together/],
    [{ GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "s", GENESYSCLOUD_ACCESS_TOKEN: "t", GENESYSCLOUD_REGION: "us-east-1" }, /unset one/],
    [{ GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "s" }, /GENESYSCLOUD_REGION/],
    [{ USAGE_LENS_GENESYS_BASE_URL: "https://x.example" }, /no credentials/],
    [{ USAGE_LENS_GENESYS_TOKEN: "t", USAGE_LENS_GENESYS_REGION: "mypurecloud.com", USAGE_LENS_GENESYS_BASE_URL: "https://x.example" }, /not both/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => genesysOptionsFromEnv(env), (e) => e instanceof EnvError && message.test(e.message), JSON.stringify(env));
  }
  assert.throws(() => thousandEyesOptionsFromEnv({ USAGE_LENS_TE_BASE_URL: "https://x.example" }), EnvError);
});
