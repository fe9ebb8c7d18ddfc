"""The datatrove filter in a small in-memory pipeline."""

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402

import unspun  # noqa: E402
from unspun.datatrove import UnspunFilter  # noqa: E402
from conftest import SEEDS, cli_score, make_docs, read  # noqa: E402

THRESHOLD = 70.0


def documents():
    texts = [read(s) for s in SEEDS] + make_docs(150, seed=11)
    return texts, [Document(text=t, id=str(i)) for i, t in enumerate(texts)]


def test_filter_drops_below_threshold_and_annotates():
    texts, docs = documents()
    expected = cli_score(texts, "--threshold", str(THRESHOLD))
    kept = list(UnspunFilter(threshold=THRESHOLD, batch_size=32).run(iter(docs)))
    kept_ids = [int(d.id) for d in kept]
    assert kept_ids == [r["id"] for r in expected if not r["flagged"]]
    assert 0 < len(kept) < len(docs), "the threshold should split the documents"
    for d in kept:
        rec = expected[int(d.id)]
        assert d.metadata["unspun_score"] == rec["score"]
        assert d.metadata["unspun_words"] == rec["words"]
        assert d.metadata["unspun_counts"] == rec["counts"]
        assert "unspun_findings" not in d.metadata


def test_annotate_only_keeps_every_document():
    texts, docs = documents()
    expected = cli_score(texts, "--findings", "all")
    f = UnspunFilter(threshold=THRESHOLD, annotate_only=True, findings="all")
    kept = list(f.run(iter(docs)))
    assert len(kept) == len(docs)
    assert [d.metadata["unspun_score"] for d in kept] == [r["score"] for r in expected]
    assert [d.metadata["unspun_findings"] for d in kept] == [r["findings"] for r in expected]
    assert f.stats["unspun_flagged"].total > 0


def test_in_a_local_pipeline_with_a_custom_checker(tmp_path):
    texts, docs = documents()
    checker = unspun.Checker(disable=["ngram.swap"])
    expected = cli_score(texts, "--disable", "ngram.swap", "--threshold", str(THRESHOLD))
    out = []

    def collect(data, rank=0, world_size=1):
        for d in data:
            out.append(d)
            yield d

    LocalPipelineExecutor(
        pipeline=[docs, UnspunFilter(threshold=THRESHOLD, checker=checker), collect],
        tasks=1, logging_dir=str(tmp_path / "logs"),
    ).run()
    assert [int(d.id) for d in out] == [r["id"] for r in expected if not r["flagged"]]
    assert [d.metadata["unspun_score"] for d in out] == \
        [r["score"] for r in expected if not r["flagged"]]
