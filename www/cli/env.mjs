// The connections the environment configures, for `usage-lens check` and
// `usage-lens serve`: the option objects of GenesysClient and
// ThousandEyesClient, or a clear error. Secrets come only from here (never
// from arguments), and `secretsOf(env)` lists the values no output may show.
//
// Genesys Cloud reads the names its own CLI and Terraform provider read
// (GENESYSCLOUD_*), and the USAGE_LENS_* names:
//   GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET  client credentials
//   GENESYSCLOUD_ACCESS_TOKEN or USAGE_LENS_GENESYS_TOKEN         or a pasted token
//   GENESYSCLOUD_REGION (us-east-1, or a domain such as mypurecloud.ie)
//     or USAGE_LENS_GENESYS_REGION, or USAGE_LENS_GENESYS_BASE_URL (a proxy; it wins)
//   USAGE_LENS_GENESYS_LOGIN_URL                                  the login host, when not
//                                                                 derived from the region
// ThousandEyes: USAGE_LENS_TE_TOKEN, USAGE_LENS_TE_BASE_URL.

/** The variables whose values are secrets. */
export const SECRET_VARIABLES = [
  "GENESYSCLOUD_OAUTHCLIENT_SECRET",
  "GENESYSCLOUD_ACCESS_TOKEN",
  "USAGE_LENS_GENESYS_TOKEN",
  "USAGE_LENS_TE_TOKEN",
];

/** A configuration the environment gets wrong; its message says what to set. */
export class EnvError extends Error {}

/** The secret values set in `env`, for redaction. */
export function secretsOf(env) {
  return SECRET_VARIABLES.map((name) => env[name]).filter((v) => typeof v === "string" && v.length >= 4);
}

const set = (v) => typeof v === "string" && v.trim() !== "";

/**
 * The GenesysClient options `env` configures, `undefined` when it configures
 * no Genesys connection, or an EnvError.
 */
export function genesysOptionsFromEnv(env) {
  const token = set(env.USAGE_LENS_GENESYS_TOKEN) ? env.USAGE_LENS_GENESYS_TOKEN : env.GENESYSCLOUD_ACCESS_TOKEN;
  const clientId = env.GENESYSCLOUD_OAUTHCLIENT_ID;
  const clientSecret = env.GENESYSCLOUD_OAUTHCLIENT_SECRET;
  const baseUrl = env.USAGE_LENS_GENESYS_BASE_URL;
  const region = set(env.USAGE_LENS_GENESYS_REGION) ? env.USAGE_LENS_GENESYS_REGION : env.GENESYSCLOUD_REGION;
  const loginUrl = env.USAGE_LENS_GENESYS_LOGIN_URL;
  const credentials = set(clientId) || set(clientSecret);
  if (!set(token) && !credentials) {
    if (set(baseUrl) || set(env.USAGE_LENS_GENESYS_REGION)) {
      throw new EnvError("a Genesys region or base URL is set but no credentials: set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET, or USAGE_LENS_GENESYS_TOKEN");
    }
    return undefined;
  }
  if (set(token) && credentials) {
    throw new EnvError("both a Genesys access token and client credentials are set: unset one (client credentials renew themselves; a token expires)");
  }
  if (credentials && !(set(clientId) && set(clientSecret))) {
    throw new EnvError("GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET go together");
  }
  if (set(baseUrl) && set(env.USAGE_LENS_GENESYS_REGION)) {
    throw new EnvError("set USAGE_LENS_GENESYS_REGION or USAGE_LENS_GENESYS_BASE_URL, not both");
  }
  if (!set(baseUrl) && !set(region)) {
    throw new EnvError("Genesys credentials are set: set GENESYSCLOUD_REGION or USAGE_LENS_GENESYS_REGION (such as us-east-1 or mypurecloud.ie), or USAGE_LENS_GENESYS_BASE_URL too");
  }
  const where = set(baseUrl) ? { baseUrl } : { region: region.trim() };
  if (set(token)) return { ...where, accessToken: token };
  return { ...where, clientId, clientSecret, ...(set(loginUrl) ? { loginUrl } : {}) };
}

/**
 * The ThousandEyesClient options `env` configures, `undefined` when it
 * configures none, or an EnvError.
 */
export function thousandEyesOptionsFromEnv(env) {
  const accessToken = env.USAGE_LENS_TE_TOKEN;
  const baseUrl = env.USAGE_LENS_TE_BASE_URL;
  if (!set(accessToken)) {
    if (set(baseUrl)) throw new EnvError("USAGE_LENS_TE_BASE_URL is set but USAGE_LENS_TE_TOKEN is not");
    return undefined;
  }
  return set(baseUrl) ? { accessToken, baseUrl } : { accessToken };
}
