"""The Python API against the CLI's JSON: same dicts, on the seeds and on made documents."""

import json
import multiprocessing
import pickle
import shutil
import subprocess
import sys

import pytest

import unspun
from conftest import ROOT, SEEDS, cli, cli_score, make_docs, read


def test_check_equals_cli_json_on_the_seeds():
    assert SEEDS, "no seed documents"
    rel = [str(s.relative_to(ROOT)) for s in SEEDS]
    expected = json.loads(cli("check", "--format", "json", "--no-config", *rel))
    got = [unspun.check(read(s), path=r) for s, r in zip(SEEDS, rel)]
    assert got == expected
    assert any(d["findings"] for d in got)


@pytest.mark.parametrize("path,fmt", [("tests/fixtures/md/code.md", "markdown"),
                                      ("tests/fixtures/html/page.html", "html")])
def test_check_markup_equals_cli(path, fmt):
    [expected] = json.loads(cli("check", "--format", "json", "--no-config", path))
    assert unspun.check(read(ROOT / path), fmt, path=path) == expected


def test_min_severity_as_cli():
    s = str(SEEDS[0].relative_to(ROOT))
    [expected] = json.loads(cli("check", "--format", "json", "--no-config",
                                "--min-severity", "info", s))
    assert unspun.check(read(SEEDS[0]), path=s, min_severity="info") == expected


def test_score_batch_equals_cli_score():
    texts = [read(s) for s in SEEDS] + make_docs(400)
    expected = cli_score(texts, "--threshold", "60")
    for r in expected:
        del r["id"]
    assert unspun.score_batch(texts, threshold=60) == expected
    expected_all = cli_score(texts[:50], "--findings", "all")
    for r in expected_all:
        del r["id"]
    assert unspun.score_batch(texts[:50], findings="all") == expected_all


def test_threads_do_not_change_results():
    texts = make_docs(120, seed=3)
    one = unspun.score_batch(texts, threads=1, findings="none")
    assert unspun.score_batch(texts, threads=2, findings="none") == one
    assert unspun.score_batch(texts, findings="none") == one
    assert unspun.score_batch(iter(texts), findings="none") == one


def test_long_text_is_cut_with_a_notice():
    [rec] = unspun.score_batch(["word " * 1000], max_doc_bytes=100)
    assert rec["words"] == 20 and "first 100 bytes" in rec["notice"]


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="format"):
        unspun.check("x", "pdf")
    with pytest.raises(ValueError, match="findings"):
        unspun.score_batch(["x"], findings="some")
    with pytest.raises(ValueError, match="threads"):
        unspun.score_batch(["x"], threads=0)
    with pytest.raises(TypeError):
        unspun.score_batch("not a list of texts")
    with pytest.raises(ValueError, match="cannot read rule folder"):
        unspun.Checker(rules="/no/such/folder")


def test_rules_disable_and_config_as_cli(tmp_path):
    # A pack folder and a configuration, copied away from the repository.
    src = ROOT / "tests/fixtures/packcfg"
    shutil.copytree(src, tmp_path / "packcfg")
    cfg = tmp_path / "packcfg/.unspun.toml"
    doc = tmp_path / "packcfg/doc.txt"
    [configured] = json.loads(cli("check", "--format", "json", "--config", cfg, doc))
    checker = unspun.Checker(config=cfg)
    assert checker.check(read(doc), path=str(doc)) == configured
    assert any(f["rule"] == "house.brand" and f["severity"] == "error"
               for f in configured["findings"])

    [expected] = json.loads(cli("check", "--format", "json", "--no-config",
                                "--rules", tmp_path / "packcfg/packs", "--disable",
                                "garble.broken-sentence", doc))
    by_folder = unspun.Checker(rules=tmp_path / "packcfg/packs",
                               disable=["garble.broken-sentence"])
    assert by_folder.check(read(doc), path=str(doc)) == expected
    by_dict = unspun.Checker(rules={"house.toml": read(tmp_path / "packcfg/packs/house.toml")},
                             disable=["garble.broken-sentence"])
    assert by_dict.check(read(doc), path=str(doc)) == expected

    # Pickled, then the folder is gone: a fresh process rebuilds it from the texts alone.
    blob = pickle.dumps(checker)
    text = read(doc)
    shutil.rmtree(tmp_path / "packcfg")
    code = ("import pickle, sys, json; c = pickle.loads(sys.stdin.buffer.read()); "
            f"print(json.dumps(c.check({text!r}, path={str(doc)!r})))")
    p = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True,
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert json.loads(p.stdout) == configured


# The documents of tests/cli/entry_points.rs: the Python package gives the report that
# `unspun check` and `unspun score` give (and they give the library's, tested there).
MARKDOWN = """# Notes on the meeting

He said thatRussia was ready to talk in no unpredictable terms.

<!-- unspun-disable-next-line glue.joined-words -->
The systemwith no name was ready.

Once once again the committee met, and `thatRussia` stays in code.

```
thatRussia in a fence
```
"""


def test_same_reports_as_cli_with_a_config_markup_ignores_and_a_cut(tmp_path):
    (tmp_path / ".git").mkdir()
    cfg = tmp_path / ".unspun.toml"
    cfg.write_text("[categories]\ngarble = false\n")
    docs = []
    for s in SEEDS:
        shutil.copy(s, tmp_path / s.name)
        docs.append(tmp_path / s.name)
    (tmp_path / "notes.md").write_text(MARKDOWN)
    (tmp_path / "long.txt").write_text(
        "He said thatRussia was ready in no unpredictable terms. Once once again. " * 200)
    docs += [tmp_path / "notes.md", tmp_path / "long.txt"]
    limit = "4096"
    expected = json.loads(cli("check", "--format", "json", "--max-doc-bytes", limit,
                              "--config", cfg, *docs))
    checker = unspun.Checker(config=cfg)
    got = [checker.check(read(d), "markdown" if d.suffix == ".md" else "text", path=str(d),
                         max_doc_bytes=int(limit))
           for d in docs]
    assert got == expected
    notes, long = got[-2], got[-1]
    assert [f["text"] for f in notes["findings"]] == ["thatRussia", "in no unpredictable terms"]
    assert long["truncated"] == "max-doc-bytes"
    assert all(f["category"] != "garble" for d in got for f in d["findings"])

    # Batch scoring: plain texts as JSON Lines records, as `unspun score` reads them.
    plain = [read(d) for d in docs if d.suffix == ".txt"]
    records = cli_score(plain, "--findings", "all", "--max-doc-bytes", limit, "--config", cfg)
    batch = checker.score_batch(plain, findings="all", max_doc_bytes=int(limit))
    assert batch[-1]["truncated"] == "max-doc-bytes" and "first 4096 bytes" in batch[-1]["notice"]
    # The notices name each side's own option (--max-doc-bytes, max_doc_bytes).
    for r in records + batch:
        r.pop("id", None)
        assert ("first 4096 bytes" in r.pop("notice", "")) == ("truncated" in r)
    assert batch == records
    for r, d in zip(batch, [g for g, d in zip(got, docs) if d.suffix == ".txt"]):
        assert (r["score"], r["findings"]) == (d["score"], d["findings"])


def test_a_folder_named_as_rules_and_in_the_config_loads_once(tmp_path):
    shutil.copytree(ROOT / "tests/fixtures/packcfg", tmp_path / "packcfg")
    cfg = tmp_path / "packcfg/.unspun.toml"
    doc = tmp_path / "packcfg/doc.txt"
    [expected] = json.loads(cli("check", "--format", "json", "--config", cfg,
                                "--rules", tmp_path / "packcfg/packs", doc))
    checker = unspun.Checker(rules=tmp_path / "packcfg/packs", config=cfg)
    assert checker.check(read(doc), path=str(doc)) == expected
    # Pickled and rebuilt where the folder is gone, it still loads each pack once.
    blob = pickle.dumps(checker)
    text = read(doc)
    shutil.rmtree(tmp_path / "packcfg")
    assert pickle.loads(blob).check(text, path=str(doc)) == expected


def test_pickle_round_trip_is_cached_per_process():
    c = unspun.Checker(disable=["ngram.swap"])
    again = pickle.loads(pickle.dumps(c))
    assert pickle.loads(pickle.dumps(c)) is again
    text = read(SEEDS[1])
    assert again.check(text) == c.check(text) != unspun.check(text)


def _score_quietly(texts):
    return unspun.score_batch(texts, findings="none")


def test_score_batch_in_a_forked_child():
    # The child of a fork must not use the threads of the parent's pool: they are gone there.
    texts = make_docs(20, seed=9)
    want = _score_quietly(texts)
    with multiprocessing.get_context("fork").Pool(1) as p:
        assert p.apply_async(_score_quietly, (texts,)).get(timeout=60) == want
