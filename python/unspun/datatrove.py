"""A datatrove filter that scores documents with unspun and drops (or only annotates) the
ones scoring below a threshold.

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from unspun.datatrove import UnspunFilter

    pipeline = [JsonlReader("crawl/"), UnspunFilter(threshold=50), JsonlWriter("kept/")]

Every document that passes carries ``unspun_score``, ``unspun_words`` and ``unspun_counts``
(findings per category) in ``doc.metadata``. Documents are scored in batches with the GIL
released, on all cores unless ``threads`` says otherwise.

datatrove is imported here only: ``import unspun`` does not need it.
"""

from datatrove.pipeline.filters.base_filter import BaseFilter

import unspun


class UnspunFilter(BaseFilter):
    """Drop documents whose unspun score is below ``threshold`` (0-100; 50 is where the
    verdict turns to "likely spun"), or with ``annotate_only=True`` keep them all and only add
    the metadata.

    Args:
        threshold: drop documents scoring below this.
        annotate_only: keep every document (metadata only).
        checker: an ``unspun.Checker`` (rule folders, configuration); default: the built-in
            packs.
        findings: also store findings in ``doc.metadata["unspun_findings"]``: "none", "top"
            (the 5 most confident) or "all".
        threads: scoring threads per batch (default: all cores).
        batch_size: documents scored together.
        exclusion_writer: a datatrove writer for the dropped documents.
    """

    name = "🌀 unspun"

    def __init__(self, threshold=50.0, *, annotate_only=False, checker=None, findings="none",
                 threads=None, batch_size=256, exclusion_writer=None):
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        self.threshold = float(threshold)
        self.annotate_only = annotate_only
        self.checker = checker if checker is not None else unspun.default_checker()
        self.findings = findings
        self.threads = threads

    def filter(self, doc):
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch):
        records = self.checker.score_batch([doc.text for doc in batch], self.threads,
                                           findings=self.findings, threshold=self.threshold)
        results = []
        for doc, rec in zip(batch, records):
            if "error" in rec:
                # A bug in a detector costs no document: keep it, say why it has no score.
                doc.metadata["unspun_error"] = rec["error"]
                self.stat_update("unspun_error")
                results.append(True)
                continue
            doc.metadata["unspun_score"] = rec["score"]
            doc.metadata["unspun_words"] = rec["words"]
            doc.metadata["unspun_counts"] = rec["counts"]
            if "findings" in rec:
                doc.metadata["unspun_findings"] = rec["findings"]
            if "notice" in rec:
                doc.metadata["unspun_notice"] = rec["notice"]
            if rec["flagged"]:
                self.stat_update("unspun_flagged")
                results.append(True if self.annotate_only else (False, "unspun_below_threshold"))
            else:
                results.append(True)
        return results
