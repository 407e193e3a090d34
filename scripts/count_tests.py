#!/usr/bin/env python3
"""Reads test logs and fails unless every test binary (cargo) or every test
file (node --test) ran at least one test, none failed, and none was skipped,
ignored, left to do or cancelled unless tests/skipped.txt names it with a
reason.

  count_tests.py cargo LABEL LOG...   cargo test / wasm-bindgen-test output
  count_tests.py node  LABEL LOG...   one `node --test <file>` log per file
  count_tests.py selftest             checks this script on made-up logs

Prints one line: LABEL: N passed (per binary or file), or what is wrong.
"""
import re
import sys
import tempfile
from pathlib import Path

ALLOWED = Path(__file__).resolve().parent.parent / "tests" / "skipped.txt"


def allowed(path=ALLOWED):
    """{name: reason} of the tests that may be skipped; a line without a
    reason raises ValueError."""
    names = {}
    if not path.exists():
        return names
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" -- ")
        if not name.strip() or not reason.strip():
            raise ValueError(f"{path.name} line {n}: write `NAME -- REASON`")
        names[name.strip()] = reason.strip()
    return names


def cargo(logs):
    """(name, passed, not_run) per test binary, in order: passed is None for
    a binary whose result line is missing (it crashed or was cut off), -1
    when a test failed; not_run lists the ignored tests (by name, or a count
    where the log names fewer than its result line counts)."""
    found = []
    for log in logs:
        current, ignored = None, []
        for line in Path(log).read_text(errors="replace").splitlines():
            m = re.match(r"\s+Running (?:unittests )?(\S+) \(", line)
            d = re.match(r"\s*Doc-tests (\S+)", line)
            if m or d:
                if current is not None:
                    found.append((current, None, ignored))
                current = m.group(1) if m else f"doc-tests {d.group(1)}"
                ignored = []
                continue
            i = re.match(r"test (.+?) \.\.\. ignored\b", line)
            if i:
                ignored.append(i.group(1))
                continue
            r = re.match(r"test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored", line)
            if r and current is not None:
                ok = r.group(1) == "ok" and r.group(3) == "0"
                unnamed = int(r.group(4)) - len(ignored)
                not_run = ignored + [f"{unnamed} unnamed ignored test(s)"] * (unnamed > 0)
                found.append((current, int(r.group(2)) if ok else -1, not_run))
                current, ignored = None, []
        if current is not None:
            found.append((current, None, ignored))
    return found


def node(logs):
    """As `cargo`, for TAP logs of node --test: skipped, todo and cancelled
    tests are not run."""
    found = []
    for log in logs:
        text = Path(log).read_text(errors="replace")
        passed = re.findall(r"^# pass (\d+)", text, re.M)
        failed = re.findall(r"^# fail (\d+)", text, re.M)
        named = re.findall(r"^\s*(?:not )?ok \d+ - (.*?) # (?:SKIP|TODO)\b", text, re.M | re.I)
        counted = sum(
            int(n[-1]) if n else 0
            for n in (re.findall(rf"^# {k} (\d+)", text, re.M) for k in ("skipped", "todo", "cancelled"))
        )
        unnamed = counted - len(named)
        not_run = named + [f"{unnamed} unnamed skipped, todo or cancelled test(s)"] * (unnamed > 0)
        name = Path(log).stem
        if not passed:
            found.append((name, None, not_run))
        elif failed and int(failed[-1]) > 0:
            found.append((name, -1, not_run))
        else:
            found.append((name, int(passed[-1]), not_run))
    return found


def judge(label, found, may_skip):
    """(exit code, the line to print)."""
    problems = []
    if not found:
        problems.append("no test binary or file ran")
    skipped = 0
    for name, n, not_run in found:
        if n is None:
            problems.append(f"{name}: no result (crashed or cut off)")
        elif n < 0:
            problems.append(f"{name}: tests failed")
        elif n == 0:
            problems.append(f"{name}: ran no test")
        for test in not_run:
            if test in may_skip:
                skipped += 1
            else:
                problems.append(f"{name}: `{test}` did not run and tests/skipped.txt does not name it")
    if problems:
        return 1, f"{label}: " + "; ".join(problems)
    total = sum(n for _, n, _ in found if n and n > 0)
    parts = ", ".join(f"{Path(name).name} {n}" for name, n, _ in found if n and n > 0)
    listed = f", {skipped} skipped as tests/skipped.txt allows" if skipped else ""
    return 0, f"{label}: {total} passed{listed} ({parts})"


def selftest():
    """The judge on made-up logs: a skipped test fails a run unless listed."""
    cargo_log = """     Running tests/a.rs (target/debug/deps/a-1)
test one ... ok
test two ... ignored, needs a display
test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out
"""
    node_log = """ok 1 - one
ok 2 - two # SKIP no network
not ok 3 - three # TODO later
# pass 1
# fail 0
# cancelled 0
# skipped 1
# todo 1
"""
    clean = "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n"
    with tempfile.TemporaryDirectory() as d:
        logs = {}
        for name, text in [("c", cargo_log), ("n", node_log), ("k", "     Running x (y)\n" + clean)]:
            logs[name] = Path(d) / f"{name}.log"
            logs[name].write_text(text)
        checks = [
            (judge("t", cargo([logs["c"]]), {})[0], 1),
            (judge("t", cargo([logs["c"]]), {"two": "r"})[0], 0),
            (judge("t", node([logs["n"]]), {"two": "r"})[0], 1),
            (judge("t", node([logs["n"]]), {"two": "r", "three": "r"})[0], 0),
            (judge("t", cargo([logs["k"]]), {})[0], 0),
        ]
        lst = Path(d) / "skipped.txt"
        lst.write_text("# c\none -- a reason\n")
        checks.append((allowed(lst), {"one": "a reason"}))
        lst.write_text("two\n")
        try:
            allowed(lst)
            checks.append(("no reason accepted", "refused"))
        except ValueError:
            pass
    bad = [i for i, (got, want) in enumerate(checks) if got != want]
    if bad:
        print(f"count_tests selftest: checks {bad} failed", file=sys.stderr)
        return 1
    print(f"count_tests selftest: {len(checks)} passed, 0 failed")
    return 0


def main():
    if sys.argv[1:] == ["selftest"]:
        return selftest()
    if len(sys.argv) < 4 or sys.argv[1] not in ("cargo", "node"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, label, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        may_skip = allowed()
    except ValueError as e:
        print(f"{label}: {e}", file=sys.stderr)
        return 1
    code, line = judge(label, cargo(logs) if kind == "cargo" else node(logs), may_skip)
    print(line, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
