#!/usr/bin/env python3
"""Checks that every test the README's fault table names exists: each
`snake_case` name as a test function in tests/*.rs, each quoted Node title
(up to its ellipsis) as the start of a test title in www/test/faults.test.mjs."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
readme = (ROOT / "README.md").read_text()
table = [l for l in readme.splitlines() if l.startswith("| ") and "<br>" in l]
rust = "\n".join(p.read_text() for p in (ROOT / "tests").glob("*.rs"))
node = (ROOT / "www" / "test" / "faults.test.mjs").read_text()
titles = re.findall(r'test\("([^"]+)"', node)
missing = []
for line in table:
    for name in re.findall(r"`([a-z0-9_]+)`", line.split(" | ")[-1]):
        if not re.search(rf"\bfn {name}\(", rust):
            missing.append(f"test function {name}")
    for title in re.findall(r"“([^”]+)”", line):
        stem = title.strip("…").strip()
        if not any(stem in t for t in titles):
            missing.append(f"Node test titled {title!r}")
if not table:
    missing.append("the fault table with its 'proved by' column")
if missing:
    print("README names tests that do not exist:\n  " + "\n  ".join(missing), file=sys.stderr)
    sys.exit(1)
print(f"README: the {len(table)} rows of the fault table name tests that exist")
