"""Score a text column of a PySpark DataFrame on the executors.

    from unspun.spark import score_column

    df = spark.read.json("crawl.jsonl")
    scored = score_column(df, "text", threshold=50)
    scored.filter(~scored.flagged).write.parquet("kept/")

The work runs in ``mapInArrow``: Arrow record batches go to the Python workers, which score
them in Rust (GIL released) and hand back Arrow columns, with no pandas step and no UDF call per
row. The checker travels pickled (its state is the rule pack and configuration texts, not
paths) and is built once per Python worker process.
"""

import unspun

#: Findings per category, the fields of the ``counts`` column.
CATEGORIES = ("swap", "foreign", "boilerplate", "glue", "garble")
#: The columns ``score_column`` adds (before ``prefix``).
COLUMNS = ("score", "flagged", "words", "counts", "findings", "notice", "error")


def output_fields(prefix=""):
    """The Spark fields ``score_column`` adds: score (double), flagged (boolean, null without a
    threshold), words (long), counts (struct of longs per category), findings (a JSON array of
    finding objects, as in ``unspun score``), notice and error (strings, usually null)."""
    from pyspark.sql import types as T

    counts = T.StructType([T.StructField(c, T.LongType()) for c in CATEGORIES])
    kinds = {
        "score": T.DoubleType(),
        "flagged": T.BooleanType(),
        "words": T.LongType(),
        "counts": counts,
        "findings": T.StringType(),
        "notice": T.StringType(),
        "error": T.StringType(),
    }
    return [T.StructField(prefix + c, kinds[c]) for c in COLUMNS]


class _Scorer:
    """What each task runs: Arrow batches in, the same batches with the score columns out.
    A top-level class, so it pickles by reference and only its fields travel."""

    def __init__(self, checker, column, names, threads, findings, threshold, max_doc_bytes):
        self.checker = checker
        self.column = column
        self.names = names
        self.threads = threads
        self.findings = findings
        self.threshold = threshold
        self.max_doc_bytes = max_doc_bytes

    def __call__(self, batches):
        import pyarrow as pa

        for batch in batches:
            cols = self.checker._score_columns(
                batch.column(self.column).to_pylist(), self.threads, findings=self.findings,
                threshold=self.threshold, max_doc_bytes=self.max_doc_bytes)
            missing = pa.array([s is None for s in cols["score"]], pa.bool_())
            counts = pa.StructArray.from_arrays(
                [pa.array(cols[c], pa.int64()) for c in CATEGORIES], names=list(CATEGORIES),
                mask=missing)
            added = [
                pa.array(cols["score"], pa.float64()),
                pa.array(cols["flagged"], pa.bool_()),
                pa.array(cols["words"], pa.int64()),
                counts,
                pa.array(cols["findings"], pa.string()),
                pa.array(cols["notice"], pa.string()),
                pa.array(cols["error"], pa.string()),
            ]
            yield pa.RecordBatch.from_arrays(batch.columns + added,
                                             names=batch.schema.names + self.names)


def score_column(df, column="text", *, threshold=None, findings="top", checker=None, threads=1,
                 prefix="", max_doc_bytes=unspun.DEFAULT_MAX_DOC_BYTES):
    """``df`` with unspun's columns added: one output row per input row, in the same partitions.

    Args:
        df: a DataFrame with a string column ``column``.
        threshold: ``flagged`` is ``score < threshold`` (null when not given).
        findings: "none", "top" (the 5 most confident) or "all".
        checker: an ``unspun.Checker`` (rule folders, configuration); default: built-in packs.
        threads: scoring threads per task. Spark already runs one task per core, so 1 (the
            default) uses every core without oversubscribing them.
        prefix: put before each added column's name (to avoid clashes).
        max_doc_bytes: longer texts are scored on their first part (with a notice).

    The added columns are listed in :func:`output_fields`.
    """
    from pyspark.sql import types as T

    if column not in df.columns:
        raise ValueError(f"no column {column!r} in the DataFrame (columns: {df.columns})")
    fields = output_fields(prefix)
    clash = [f.name for f in fields if f.name in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has {clash}: pass prefix= to name them apart")
    checker = checker if checker is not None else unspun.default_checker()
    # Bad arguments fail here, not in every task.
    checker._score_columns([], threads, findings=findings, threshold=threshold,
                           max_doc_bytes=max_doc_bytes)
    scorer = _Scorer(checker, column, [f.name for f in fields], threads, findings,
                     None if threshold is None else float(threshold), max_doc_bytes)
    return df.mapInArrow(scorer, T.StructType(df.schema.fields + fields))
