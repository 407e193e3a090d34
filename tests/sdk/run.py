#!/usr/bin/env python3
"""Runs the SDK tier: the vendors' official Python SDKs against a running
sim-server whose origin is in SIM_URL.

    SIM_URL=http://127.0.0.1:8787 target/venv/bin/python tests/sdk/run.py [test names...]

With names (`test_genesys.Errors`, `test_thousandeyes.Usage.test_without_expand`)
only those run. The last line is `sdk: N passed` (with `, M failed` when some
failed); the exit status is 1 when any test failed or none ran.
"""

import os
import socket
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import common  # noqa: E402,F401  (isolates the Genesys SDK's settings before it loads)


def test_id(test):
    """The id of a test, or of the test a failed subtest belongs to."""
    return getattr(test, "test_case", test).id()


def main(argv):
    if not os.environ.get("SIM_URL"):
        print("sdk: SIM_URL is not set (the sim-server origin)", file=sys.stderr)
        return 2
    # No request may hang the tier: urllib3 uses this when a call sets no timeout.
    socket.setdefaulttimeout(60)
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = {test_id(t) for t, _ in result.failures + result.errors}
    failed |= {test_id(t) for t in result.unexpectedSuccesses}
    skipped = {test_id(t) for t, _ in result.skipped}
    passed = result.testsRun - len(failed | skipped)
    line = f"sdk: {passed} passed"
    if failed:
        line += f", {len(failed)} failed"
    if skipped:
        line += f", {len(skipped)} skipped"
    print(line)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
