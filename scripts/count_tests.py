#!/usr/bin/env python3
"""Reads test logs and fails unless every test binary (cargo) or every test
file (node --test) ran at least one test and none failed.

  count_tests.py cargo LABEL LOG...   cargo test / wasm-bindgen-test output
  count_tests.py node  LABEL LOG...   one `node --test <file>` log per file

Prints one line: LABEL: N passed (per binary or file), or what is wrong.
"""
import re
import sys
from pathlib import Path


def cargo(logs):
    """(name, passed) per test binary, in order; None for a binary whose
    result line is missing (it crashed or was cut off)."""
    found = []
    for log in logs:
        current = None
        for line in Path(log).read_text(errors="replace").splitlines():
            m = re.match(r"\s+Running (?:unittests )?(\S+) \(", line)
            d = re.match(r"\s*Doc-tests (\S+)", line)
            if m or d:
                if current is not None:
                    found.append((current, None))
                current = m.group(1) if m else f"doc-tests {d.group(1)}"
                continue
            r = re.match(r"test result: (\w+)\. (\d+) passed; (\d+) failed", line)
            if r and current is not None:
                ok = r.group(1) == "ok" and r.group(3) == "0"
                found.append((current, int(r.group(2)) if ok else -1))
                current = None
        if current is not None:
            found.append((current, None))
    return found


def node(logs):
    found = []
    for log in logs:
        text = Path(log).read_text(errors="replace")
        passed = re.findall(r"^# pass (\d+)", text, re.M)
        failed = re.findall(r"^# fail (\d+)", text, re.M)
        name = Path(log).stem
        if not passed:
            found.append((name, None))
        elif failed and int(failed[-1]) > 0:
            found.append((name, -1))
        else:
            found.append((name, int(passed[-1])))
    return found


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("cargo", "node"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, label, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    found = cargo(logs) if kind == "cargo" else node(logs)
    problems = []
    if not found:
        problems.append("no test binary or file ran")
    for name, n in found:
        if n is None:
            problems.append(f"{name}: no result (crashed or cut off)")
        elif n < 0:
            problems.append(f"{name}: tests failed")
        elif n == 0:
            problems.append(f"{name}: ran no test")
    total = sum(n for _, n in found if n and n > 0)
    parts = ", ".join(f"{Path(name).name} {n}" for name, n in found if n and n > 0)
    if problems:
        print(f"{label}: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"{label}: {total} passed ({parts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
