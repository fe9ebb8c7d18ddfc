#!/usr/bin/env python3
"""Time `unspun score -j2` and the Spark helper in local[2] on the same JSON Lines file and
print documents per second for both; check that every Spark score equals the CLI's.

usage: spark_score.py CORPUS.jsonl (records with "id" and "text" strings) [--bin target/release/unspun] [--runs 2]

Wall time is what a user waits; CPU time (the CLI process, or the Spark driver, JVM and Python
workers together) is steadier on a machine shared with other jobs. Spark's start-up (the JVM,
the session) is timed apart: it is paid once per application, not
per document. The Spark time covers reading the JSON Lines, scoring and writing the scored rows
as JSON Lines, as the CLI does. The input is split into about 4 partitions per core
(spark.sql.files.maxPartitionBytes) so both cores stay busy to the end.
"""

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root):
    """CPU seconds (user + system) used so far by `root` and every process below it: the
    driver, the JVM, the Python daemon and its workers."""
    children = {}
    cpu = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(pid))
        cpu[int(pid)] = (int(fields[11]) + int(fields[12])) / TICKS
    total, todo = 0.0, [root]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--bin", default="target/release/unspun")
    ap.add_argument("--runs", type=int, default=2, help="best of N runs for each")
    args = ap.parse_args()
    size = os.path.getsize(args.corpus)
    with open(args.corpus, "rb") as f:
        docs = sum(1 for line in f if line.strip())
    tmp = tempfile.mkdtemp(prefix="unspun-spark-")
    print(f"corpus: {args.corpus} ({size / 1e6:.1f} MB, {docs} documents), {os.cpu_count()} cores",
          file=sys.stderr)

    cli_out = os.path.join(tmp, "cli.jsonl")
    cli_secs, cli_cpus = [], []
    for _ in range(args.runs):
        t, c = time.perf_counter(), child_cpu()
        subprocess.run([args.bin, "score", "-j2", "-q", "-o", cli_out, args.corpus], check=True)
        cli_secs.append(time.perf_counter() - t)
        cli_cpus.append(child_cpu() - c)
    cli, cli_cpu = min(cli_secs), min(cli_cpus)
    print(f"unspun score -j2: {cli:.2f} s, {docs / cli:.0f} docs/s, {cli_cpu:.1f} CPU s",
          file=sys.stderr)

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    t = time.perf_counter()
    from pyspark.sql import SparkSession

    from unspun.spark import score_column

    spark = (SparkSession.builder.master("local[2]").appName("unspun-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.files.maxPartitionBytes", str(max(1 << 20, size // 8)))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    startup = time.perf_counter() - t
    print(f"spark start-up: {startup:.2f} s", file=sys.stderr)

    spark_secs, spark_cpus = [], []
    out_dir = os.path.join(tmp, "spark")
    for _ in range(args.runs):
        t, c = time.perf_counter(), tree_cpu(os.getpid())
        df = spark.read.schema("id string, text string").json(args.corpus)
        scored = score_column(df, "text").drop("text")
        scored.write.mode("overwrite").json(out_dir)
        spark_secs.append(time.perf_counter() - t)
        spark_cpus.append(tree_cpu(os.getpid()) - c)
    sp, sp_cpu = min(spark_secs), min(spark_cpus)
    print(f"spark local[2] score_column: {sp:.2f} s, {docs / sp:.0f} docs/s, {sp_cpu:.1f} CPU s",
          file=sys.stderr)
    spark.stop()

    # Every document once, every score, count and finding as the CLI's.
    want = {}
    with open(cli_out) as f:
        for line in f:
            r = json.loads(line)
            want[r["id"]] = r
    got = {}
    for part in glob.glob(os.path.join(out_dir, "part-*")):
        with open(part) as f:
            for line in f:
                r = json.loads(line)
                got[r["id"]] = r
    assert len(got) == len(want) == docs, (len(got), len(want), docs)
    for i, r in want.items():
        g = got[i]
        assert g["score"] == r["score"] and g["words"] == r["words"], i
        assert g["counts"] == r["counts"] and json.loads(g["findings"]) == r["findings"], i
    print("scores: all equal to the CLI's", file=sys.stderr)

    print()
    print("| run | wall time | docs/s | MB/s | CPU time | CPU ms/doc |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, secs, cpu in [("`unspun score -j2`", cli, cli_cpu),
                             ("Spark `local[2]`, `score_column`", sp, sp_cpu)]:
        print(f"| {label} | {secs:.2f} s | {docs / secs:.1f} | {size / 1e6 / secs:.2f} | "
              f"{cpu:.1f} s | {1000 * cpu / docs:.1f} |")
    print(f"| Spark session start-up (once) | {startup:.2f} s | | | | |")
    print(f"\nSpark / CLI: throughput {cli / sp:.2f}, CPU per document {sp_cpu / cli_cpu:.2f}")


if __name__ == "__main__":
    main()
