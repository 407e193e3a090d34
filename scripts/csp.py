#!/usr/bin/env python3
"""Adds the Content-Security-Policy to the release build's index.html.

    python3 scripts/csp.py dist/index.html

Trunk injects an inline `<script type="module">` that loads the app, so the
policy allows exactly that script by its sha256 (computed here, after the
build, from the bytes Trunk wrote) and otherwise only scripts from the app's
own origin plus 'wasm-unsafe-eval' (WebAssembly compilation). Connections go
only to the app itself (the proxy path), the Genesys Cloud `api.` and `login.`
hosts of every region in src/genesys/region.rs (the one list of regions),
ThousandEyes, and a simulator or proxy on this machine.

The `<meta>` is inserted right after `<meta charset>`, before any script or
stylesheet, and replaces a policy inserted before, so running it twice is fine.

Browsers ignore `frame-ancestors` in a `<meta>` (and log an error saying so),
so the page's policy leaves it out; a server that can send headers should
send the header form, which has it:

    python3 scripts/csp.py --header dist/index.html   # prints the header value
"""

import base64
import hashlib
import html
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGIONS_RS = ROOT / "src" / "genesys" / "region.rs"
REGION_COUNT = 18

SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
CSP_META_RE = re.compile(
    r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[\"']?[^>]*>", re.IGNORECASE
)
CHARSET_RE = re.compile(r"<meta\b[^>]*\bcharset\b[^>]*>", re.IGNORECASE)
HEAD_RE = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
HTML_RE = re.compile(r"<html\b[^>]*>", re.IGNORECASE)


def region_domains():
    """The 18 Genesys Cloud region domains, in the order of `REGIONS`."""
    text = REGIONS_RS.read_text(encoding="utf-8")
    start = text.find("pub const REGIONS")
    end = text.find("];", start)
    if start < 0 or end < 0:
        sys.exit(f"csp.py: no REGIONS table in {REGIONS_RS}")
    domains = re.findall(r'domain:\s*"([^"]+)"', text[start:end])
    if len(domains) != REGION_COUNT or len(set(domains)) != REGION_COUNT:
        sys.exit(f"csp.py: expected {REGION_COUNT} distinct region domains in {REGIONS_RS}, found {domains}")
    for d in domains:
        if not re.fullmatch(r"[a-z0-9.-]+", d):
            sys.exit(f"csp.py: unexpected region domain {d!r}")
    return domains


def inline_script_hashes(page):
    """'sha256-…' of every inline script's text, in document order."""
    out = []
    for attrs, body in SCRIPT_RE.findall(page):
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        source = "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
        if source not in out:
            out.append(source)
    return out


def policy(script_hashes, domains, header=False):
    connect = ["'self'"]
    for d in domains:
        connect += [f"https://api.{d}", f"https://login.{d}"]
    connect += ["https://api.thousandeyes.com", "http://127.0.0.1:*", "http://localhost:*"]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *script_hashes]),
        "style-src 'self'",
        # The virtual table places rows and the progress bar sizes itself with
        # style attributes; they cannot run script. <style> and stylesheet
        # links stay limited to the app's own files.
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src " + " ".join(connect),
        "base-uri 'none'",
        "form-action 'self'",
    ]
    if header:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def apply(page, csp):
    page = CSP_META_RE.sub("", page)
    value = html.escape(csp, quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{value}">'
    for anchor in (CHARSET_RE, HEAD_RE, HTML_RE):
        m = anchor.search(page)
        if m:
            return page[: m.end()] + meta + page[m.end() :]
    return meta + page


def main(argv):
    args = argv[1:]
    header = "--header" in args
    args = [a for a in args if a != "--header"]
    path = pathlib.Path(args[0] if args else ROOT / "dist" / "index.html")
    page = CSP_META_RE.sub("", path.read_text(encoding="utf-8"))
    hashes = inline_script_hashes(page)
    if not hashes:
        sys.exit(f"csp.py: no inline script in {path}: is it Trunk's output?")
    if header:
        print(policy(hashes, region_domains(), header=True))
        return
    csp = policy(hashes, region_domains())
    path.write_text(apply(page, csp), encoding="utf-8")
    print(f"csp.py: {path}: {len(hashes)} inline script(s) allowed by hash")


if __name__ == "__main__":
    main(sys.argv)
