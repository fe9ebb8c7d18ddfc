#!/usr/bin/env python3
"""Check that `rust-version` in Cargo.toml (and python/Cargo.toml) covers every locked package.

usage: tools/check_msrv.py        (run from anywhere; .ci/run runs it)

`cargo metadata --locked` lists the `rust-version` each package of the lockfile declares; the
declared minimum of unspun must be at least the highest of them (dev-dependencies included, so
`cargo test --locked` works on it), else a user on the declared version cannot build.
"""

import json
import os
import subprocess
import sys


def version(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--locked", "--format-version", "1"],
            cwd=root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    ours = {p["name"]: p for p in meta["packages"] if p["source"] is None}
    need = max(
        (version(p["rust_version"]), p["name"], p["version"])
        for p in meta["packages"]
        if p["source"] is not None and p.get("rust_version")
    )
    bad = False
    for name, p in sorted(ours.items()):
        declared = p.get("rust_version") or "0"
        ok = version(declared) >= need[0]
        print(
            f"{name}: rust-version {declared}; the lockfile needs "
            f"{'.'.join(map(str, need[0]))} ({need[1]} {need[2]}): {'ok' if ok else 'TOO LOW'}"
        )
        bad |= not ok
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
