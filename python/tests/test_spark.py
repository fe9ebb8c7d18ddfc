"""The Spark helper in local[2] mode: one row per input, the CLI's scores."""

import json
import os
import sys

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

from pyspark.sql import SparkSession  # noqa: E402

import unspun  # noqa: E402
from unspun.spark import score_column  # noqa: E402
from conftest import SEEDS, cli_score, make_docs, read  # noqa: E402

N_DOCS = 3000
THRESHOLD = 60.0


@pytest.fixture(scope="module")
def spark():
    # Executors run this very interpreter (the venv the wheel is installed in).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("unspun-test")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_scores_equal_the_cli(spark, tmp_path):
    texts = [read(s) for s in SEEDS] + make_docs(N_DOCS - len(SEEDS))
    expected = cli_score(texts, "--threshold", str(THRESHOLD))
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    df = spark.read.schema("id long, text string").json(str(path)).repartition(4)
    scored = score_column(df, "text", threshold=THRESHOLD)
    rows = scored.drop("text").collect()
    assert len(rows) == N_DOCS
    by_id = {r["id"]: r for r in rows}
    assert sorted(by_id) == list(range(N_DOCS))
    for rec in expected:
        row = by_id[rec["id"]]
        assert row["score"] == rec["score"], rec["id"]
        assert row["flagged"] == rec["flagged"]
        assert row["words"] == rec["words"]
        assert row["counts"].asDict() == rec["counts"]
        assert json.loads(row["findings"]) == rec["findings"]
        assert row["notice"] is None and row["error"] is None
    assert 0 < sum(r["flagged"] for r in rows) < N_DOCS


def test_custom_checker_nulls_and_prefix(spark):
    texts = make_docs(40, seed=5)
    checker = unspun.Checker(disable=["ngram.swap"])
    expected = cli_score(texts, "--disable", "ngram.swap", "--findings", "none")
    df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)] + [(len(texts), None)],
                               "id long, text string")
    scored = score_column(df, "text", checker=checker, findings="none", prefix="u_")
    assert scored.columns == ["id", "text", "u_score", "u_flagged", "u_words", "u_counts",
                              "u_findings", "u_notice", "u_error"]
    rows = sorted(scored.collect(), key=lambda r: r["id"])
    assert [r["u_score"] for r in rows[:-1]] == [r["score"] for r in expected]
    assert all(r["u_flagged"] is None and r["u_findings"] is None for r in rows)
    assert rows[-1]["u_score"] is None and rows[-1]["u_error"] == "the text is null"
    with pytest.raises(ValueError, match="prefix"):
        score_column(scored, "text", prefix="u_")
    with pytest.raises(ValueError, match="findings"):
        score_column(df, "text", findings="most")
