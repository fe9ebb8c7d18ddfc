"""unspun: find the fingerprints of article spinning, machine translation and scraping in
English text, and score every document from 0 (garbled) to 100 (clean).

    >>> import unspun
    >>> unspun.check("He said thatRussia was ready.")["findings"][0]["rule"]
    'glue.joined-words'
    >>> [r["score"] for r in unspun.score_batch(["One text.", "Another text."])]
    [100.0, 100.0]

Everything (rule packs, lexicon, models) is compiled into the extension: no file is read at run
time. ``unspun.Checker`` is reusable and picklable; ``unspun.datatrove.UnspunFilter`` and
``unspun.spark.score_column`` plug it into datatrove and PySpark pipelines.
"""

from ._unspun import DEFAULT_MAX_DOC_BYTES, Checker, __version__

__all__ = ["Checker", "check", "score_batch", "default_checker", "DEFAULT_MAX_DOC_BYTES"]

_default = None


def default_checker():
    """The checker with the built-in packs and no configuration (built once per process)."""
    global _default
    if _default is None:
        _default = Checker()
    return _default


def check(text, format="text", *, path=None, min_severity=None, max_doc_bytes=None):
    """Check one document: the document object of ``unspun check --format json`` as a dict
    ``{"path", "score", "words", "findings": [...]}``. ``format`` is "text", "markdown" or
    "html"; a text longer than ``max_doc_bytes`` (default: ``unspun check``'s, 50 MiB) is
    checked on its first part and carries ``"truncated": "max-doc-bytes"``."""
    extra = {} if max_doc_bytes is None else {"max_doc_bytes": max_doc_bytes}
    return default_checker().check(text, format, path=path, min_severity=min_severity, **extra)


def score_batch(texts, threads=None, *, findings="top", threshold=None,
                max_doc_bytes=DEFAULT_MAX_DOC_BYTES):
    """Score many texts on all cores (``threads`` to limit), releasing the GIL: one
    ``unspun score`` record per text, in order (``{"score", "words", "counts", "findings"}``,
    ``"flagged"`` when a threshold is given). ``findings``: "none", "top" (5) or "all"."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("score_batch takes a list of texts, not one text")
    return default_checker().score_batch(list(texts), threads, findings=findings,
                                         threshold=threshold, max_doc_bytes=max_doc_bytes)


# Unpickling builds a checker once per process and state: Spark unpickles the same checker
# for every task, and building one compiles every pack.
_restored = {}


def _restore(state):
    c = _restored.get(state)
    if c is None:
        if len(_restored) >= 8:
            _restored.clear()
        c = _restored[state] = Checker._from_state(state)
    return c
