#!/usr/bin/env python3
"""Lists the licence of every crate in Cargo.lock and every npm package in
www/package-lock.json, and fails if one is outside the allow-list."""
import json
import re
import subprocess
import sys
from pathlib import Path

ALLOWED = {
    "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "Unicode-3.0",
    "Unicode-DFS-2016", "CC0-1.0", "Unlicense", "0BSD", "BSL-1.0", "MPL-2.0", "Apache-2.0 WITH LLVM-exception",
}
ROOT = Path(__file__).resolve().parent.parent


def acceptable(expr: str) -> bool:
    """An SPDX expression is acceptable when at least one of its OR
    alternatives consists only of allowed licences."""
    expr = expr.replace("/", " OR ").replace("(", " ").replace(")", " ")
    for alternative in re.split(r"\s+OR\s+", expr):
        parts = [p.strip() for p in re.split(r"\s+AND\s+", alternative) if p.strip()]
        if parts and all(p in ALLOWED for p in parts):
            return True
    return False


def main() -> int:
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    bad, seen = [], {}
    for pkg in meta["packages"]:
        lic = pkg.get("license") or "(none)"
        seen[lic] = seen.get(lic, 0) + 1
        if pkg["name"] != "usage-lens" and not acceptable(lic):
            bad.append(f"crate {pkg['name']} {pkg['version']}: {lic}")
    lock = json.loads((ROOT / "www" / "package-lock.json").read_text())
    for path, info in lock.get("packages", {}).items():
        if not path:
            continue
        lic = info.get("license") or "(none)"
        seen[lic] = seen.get(lic, 0) + 1
        if not acceptable(lic):
            bad.append(f"npm {path}: {lic}")
    print("licences:", ", ".join(f"{k} ×{v}" for k, v in sorted(seen.items(), key=lambda kv: -kv[1])))
    if bad:
        print("not on the allow-list:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    print(f"all {len(meta['packages']) - 1} crates and {len(lock.get('packages', {})) - 1} npm packages are on the allow-list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
