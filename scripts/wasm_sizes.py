#!/usr/bin/env python3
"""Prints the largest functions of a wasm file (code size by function name,
from the name section) and totals by crate, to see where the bytes go."""
import re
import sys
from collections import Counter


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7F) << s; s += 7
        if x < 0x80:
            return r, i


def main(path, top=40):
    b = open(path, "rb").read()
    i = 8
    imports = 0
    bodies, names = [], {}
    while i < len(b):
        sid = b[i]; i += 1
        size, i = leb(b, i)
        end = i + size
        if sid == 2:  # imports: count function imports
            n, j = leb(b, i)
            for _ in range(n):
                for _ in range(2):
                    l, j = leb(b, j); j += l
                kind = b[j]; j += 1
                if kind == 0:
                    _, j = leb(b, j); imports += 1
                elif kind == 1:
                    j += 1; flags, j = leb(b, j); _, j = leb(b, j)
                    if flags & 1: _, j = leb(b, j)
                elif kind == 2:
                    flags, j = leb(b, j); _, j = leb(b, j)
                    if flags & 1: _, j = leb(b, j)
                elif kind == 3:
                    j += 2
        elif sid == 10:
            n, j = leb(b, i)
            for _ in range(n):
                l, j = leb(b, j); bodies.append(l); j += l
        elif sid == 0:
            l, j = leb(b, i); nm = b[j:j + l].decode(errors="replace"); j += l
            if nm == "name":
                while j < end:
                    sub = b[j]; j += 1
                    sl, j = leb(b, j); se = j + sl
                    if sub == 1:
                        n, k = leb(b, j)
                        for _ in range(n):
                            idx, k = leb(b, k); l2, k = leb(b, k)
                            names[idx] = b[k:k + l2].decode(errors="replace"); k += l2
                    j = se
        i = end
    total = sum(bodies)
    rows = [(sz, names.get(imports + k, f"func{imports + k}")) for k, sz in enumerate(bodies)]
    rows.sort(reverse=True)
    print(f"code: {total} bytes in {len(bodies)} functions")
    for sz, nm in rows[:top]:
        print(f"{sz:8d}  {nm[:150]}")
    by = Counter()
    for sz, nm in rows:
        m = (re.search(r"Cs[0-9a-zA-Z]+_\d+([a-z_][a-z0-9_]*)", nm) or re.search(r"_ZN\d+([a-z_][a-z0-9_]*)", nm)
             or re.match(r"[<&\s]*(?:mut |dyn )*([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::", nm))
        key = m.group(1) if m else "?"
        if key in ("usage_lens",):
            m2 = re.search(r"usage_lens\d+([a-z_]+)", nm) or re.search(r"usage_lens::([a-z_]+)", nm)
            key += "::" + (m2.group(1) if m2 else "?")
        by[key] += sz
    print("\nby crate (approximate):")
    for k, v in by.most_common(25):
        print(f"{v:8d}  {k}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40)
