"""Shared helpers of the SDK tier: where the simulator is, scenario URLs, and
the checks that make the vendors' SDKs strict about what they read.

Importing this module isolates the Genesys SDK from the developer's own
settings first: that SDK reads ~/.genesyscloudpython/config at import time,
and such a file can redirect every call to a gateway or log request headers
(the bearer token) to the console. HOME points at a fresh directory whose
config only switches the file watcher off.
"""

import atexit
import datetime as dt
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
import uuid

if not os.environ.get("USAGE_LENS_SDK_HOME"):
    _home = tempfile.mkdtemp(prefix="usage-lens-sdk-home-")
    os.makedirs(os.path.join(_home, ".genesyscloudpython"))
    with open(os.path.join(_home, ".genesyscloudpython", "config"), "w") as f:
        f.write("[general]\nlive_reload_config = false\n[logging]\nlog_level = none\n")
    os.environ["HOME"] = _home
    os.environ["USAGE_LENS_SDK_HOME"] = _home
    atexit.register(shutil.rmtree, _home, True)

import PureCloudPlatformClientV2 as genesys  # noqa: E402
from pydantic import BaseModel  # noqa: E402

# Any non-empty token works on the simulator; tokens starting `invalid` get 401.
# They are never printed: assertion messages below name ids and values only.
TOKEN = "sdk-tier-token"
BAD_TOKEN = "invalid-sdk-tier-token"

# The simulator's fixed OAuth client `Usage Dashboard (PKCE)`.
DASHBOARD_CLIENT = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa"
DASHBOARD_NAME = "Usage Dashboard (PKCE)"


def sim_url():
    """The simulator server's origin, from SIM_URL."""
    url = os.environ.get("SIM_URL", "").rstrip("/")
    if not url:
        raise RuntimeError("set SIM_URL to the sim-server origin, e.g. http://127.0.0.1:8787")
    return url


def scenario(name, **faults):
    """A fresh scenario string `id=<unique>;k=v...` and its id."""
    sid = f"sdk-{name}-{uuid.uuid4().hex[:10]}"
    parts = [f"id={sid}"] + [f"{k}={v}" for k, v in faults.items()]
    return ";".join(parts), sid


def base(scen):
    """The base URL that puts every request in scenario `scen`."""
    return f"{sim_url()}/_s/{scen}"


def stats(sid):
    """The simulator's counters of one scenario id."""
    q = urllib.parse.urlencode({"id": sid})
    with urllib.request.urlopen(f"{sim_url()}/_sim/stats?{q}", timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


def utc_today():
    return dt.datetime.now(dt.timezone.utc).date()


def header(headers, name):
    """A header value from whatever mapping an SDK gives, case-insensitively."""
    if headers is None:
        return None
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


# ------------------------------------------------------------------ Genesys

OUTDATED = "outdated_sdk_version"


def genesys_strict(testcase, model, raw, path="$"):
    """Checks that the Genesys SDK read every field of `raw` (the JSON it got)
    into `model`: every key is one of the model's wire names, every value
    arrived (nothing left None), and no enum fell back to the SDK's
    `outdated_sdk_version` (its mark for a value it does not know)."""
    if isinstance(raw, dict) and hasattr(model, "swagger_types"):
        wire_to_attr = {w: a for a, w in model.attribute_map.items()}
        for key, value in raw.items():
            testcase.assertIn(key, wire_to_attr, f"{path}: field {key!r} is not in {type(model).__name__}")
            attr = wire_to_attr[key]
            got = getattr(model, attr)
            if value is not None:
                testcase.assertIsNotNone(got, f"{path}.{key} was sent but not read")
            genesys_strict(testcase, got, value, f"{path}.{key}")
    elif isinstance(raw, list):
        testcase.assertIsInstance(model, list, path)
        testcase.assertEqual(len(model), len(raw), path)
        for i, (m, r) in enumerate(zip(model, raw)):
            genesys_strict(testcase, m, r, f"{path}[{i}]")
    elif isinstance(model, str):
        testcase.assertNotEqual(model, OUTDATED, f"{path}: value {raw!r} is unknown to the SDK")


def genesys_client(base_url, token=TOKEN):
    """An SDK ApiClient on the simulator, with the SDK's own HTTP client."""
    client = genesys.ApiClient(host=base_url)
    client.access_token = token
    return client


def genesys_last_json(client):
    """The JSON body of the SDK client's last response."""
    return json.loads(client.last_response.data)


def genesys_deserialize(client, body, type_name):
    """Reads an error body with the SDK's own deserializer, as it would read a 2xx."""

    class _Resp:
        data = body

        @staticmethod
        def getheader(name, default=None):
            return "application/json" if name.lower() == "content-type" else default

    return client.deserialize(_Resp(), type_name)


# ------------------------------------------------------------- ThousandEyes


def te_strict(testcase, model, path="$"):
    """Checks that a ThousandEyes SDK model kept no field aside: its pydantic
    models allow extra fields (`model_extra`) instead of failing, which would
    hide a field the simulator invents or misspells."""
    if isinstance(model, BaseModel):
        testcase.assertFalse(model.model_extra, f"{path}: fields the SDK does not know: {model.model_extra}")
        for name in type(model).model_fields:
            te_strict(testcase, getattr(model, name), f"{path}.{name}")
    elif isinstance(model, list):
        for i, item in enumerate(model):
            te_strict(testcase, item, f"{path}[{i}]")
