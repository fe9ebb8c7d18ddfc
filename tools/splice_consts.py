#!/usr/bin/env python3
"""Replace the fitted constants in src/detect/ngram/{features,tune}.rs with the output of
tools/fit_ngram.py:  tools/fit_ngram.py ... > consts.rs && tools/splice_consts.py consts.rs

Each printed item (a `pub const NAME ...;` with the doc comments above it) replaces the item of
the same name in the file named by the preceding `// FILE` line, so a re-fit is reproducible and
reviewable as a diff of numbers.
"""
import re
import sys

ITEM = re.compile(r"((?:[ \t]*///[^\n]*\n)*)pub const (\w+)\b.*?;\n", re.S)


def items(text):
    return {m.group(2): m for m in ITEM.finditer(text)}


def main():
    fitted = open(sys.argv[1], encoding="utf-8").read()
    parts = re.split(r"^// (\S+\.rs)\n", fitted, flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2]):
        path = f"src/detect/ngram/{name}"
        src = open(path, encoding="utf-8").read()
        for const, new in items(body).items():
            old = items(src).get(const)
            if old is None:
                sys.exit(f"{path}: no constant {const}")
            # keep the file's own doc comment, replace the definition
            start = old.start() + len(old.group(1))
            src = src[:start] + new.group(0)[len(new.group(1)):] + src[old.end():]
        open(path, "w", encoding="utf-8").write(src)
        print(f"{path}: {len(items(body))} constants", file=sys.stderr)


if __name__ == "__main__":
    main()
