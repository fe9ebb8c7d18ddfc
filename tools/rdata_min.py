"""A minimal reader of R's serialization format (XDR, versions 2 and 3), enough to get the
character vectors out of `.rda` files and lazy-load databases (`.rdb`) that R packages in
Debian ship as data (tools/clean_corpus.py reads Jane Austen's novels from r-cran-janeaustenr
and Reuters-21578 samples from r-cran-tm with it, so no R installation is needed).

Values come back as Python objects: character vectors as `RVec(list of str|None, attrs)`,
lists as `RVec(list, attrs)`, pairlists as `RPairs([(tag, value), ...], attrs)`, numeric
vectors as `RVec(None, attrs)` (their contents are skipped), NULL as None.
"""

import bz2
import gzip
import lzma
import struct
import zlib


class RVec:
    def __init__(self, kind, items, attrs):
        self.kind, self.items, self.attrs = kind, items, attrs

    def names(self):
        n = self.attrs.get("names")
        return n.items if isinstance(n, RVec) else None

    def get(self, name):
        names = self.names() or []
        return self.items[names.index(name)] if name in names else None


class RPairs:
    def __init__(self, pairs, attrs):
        self.pairs, self.attrs = pairs, attrs


class Sym(str):
    pass


class Env:
    def __init__(self):
        self.frame = None


_SPECIAL = {254, 242, 241, 253, 252, 251, 250}  # NILVALUE, EMPTYENV, BASEENV, GLOBALENV, ...


class Reader:
    def __init__(self, data):
        self.d, self.p, self.refs = data, 0, []

    def i32(self):
        v = struct.unpack_from(">i", self.d, self.p)[0]
        self.p += 4
        return v

    def length(self):
        n = self.i32()
        if n == -1:
            hi, lo = self.i32(), self.i32()
            n = (hi << 32) + lo
        return n

    def header(self):
        if self.d[:2] != b"X\n":
            raise ValueError("not an XDR R serialization")
        self.p = 2
        version = self.i32()
        self.i32()  # writer R version
        self.i32()  # minimal reader version
        if version == 3:
            n = self.i32()
            self.p += n  # native encoding

    def attrs_of(self, has_attr):
        if not has_attr:
            return {}
        a = self.item()
        out = {}
        if isinstance(a, RPairs):
            for tag, val in a.pairs:
                out[str(tag)] = val
        return out

    def item(self):
        flags = self.i32()
        t = flags & 0xFF
        has_attr, has_tag = bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if t in _SPECIAL:
            return None
        if t == 255:  # REFSXP
            idx = flags >> 8
            if idx == 0:
                idx = self.i32()
            return self.refs[idx - 1]
        if t == 1:  # SYMSXP
            s = Sym(self.item() or "")
            self.refs.append(s)
            return s
        if t in (247, 248, 249):  # PERSISTSXP, PACKAGESXP, NAMESPACESXP: a string vector
            self.i32()
            n = self.i32()
            v = [self.item() for _ in range(n)]
            self.refs.append(v)
            return v
        if t == 9:  # CHARSXP
            n = self.i32()
            if n == -1:
                return None
            raw = self.d[self.p : self.p + n]
            self.p += n
            latin1 = bool((flags >> 12) & 4)  # LATIN1_MASK among the CHARSXP levels
            try:
                return raw.decode("latin-1" if latin1 else "utf-8")
            except UnicodeDecodeError:
                return raw.decode("latin-1")
        if t == 4:  # ENVSXP
            env = Env()
            self.refs.append(env)
            self.i32()  # locked
            self.item()  # enclosure
            env.frame = self.item()
            self.item()  # hash table
            self.item()  # attributes
            return env
        if t in (2, 3, 5, 6, 17):  # pairlist-like: attr, tag, car, cdr
            pairs = []
            attrs = {}
            while True:
                a = self.attrs_of(has_attr)
                attrs = attrs or a
                tag = self.item() if has_tag else None
                pairs.append((tag, self.item()))
                # The cdr: another cell of the same list is read in the loop.
                flags = self.i32()
                t2 = flags & 0xFF
                if t2 not in (2, 3, 5, 6, 17):
                    self.p -= 4
                    rest = self.item()
                    if isinstance(rest, RPairs):
                        pairs.extend(rest.pairs)
                    break
                has_attr, has_tag = bool(flags & (1 << 9)), bool(flags & (1 << 10))
            return RPairs(pairs, attrs)
        if t == 16:  # STRSXP
            n = self.length()
            items = [self.item() for _ in range(n)]
            return RVec("character", items, self.attrs_of(has_attr))
        if t in (19, 20):  # VECSXP, EXPRSXP
            n = self.length()
            items = [self.item() for _ in range(n)]
            return RVec("list", items, self.attrs_of(has_attr))
        if t in (10, 13, 14, 15, 24):  # LGLSXP, INTSXP, REALSXP, CPLXSXP, RAWSXP
            n = self.length()
            self.p += n * {10: 4, 13: 4, 14: 8, 15: 16, 24: 1}[t]
            return RVec("numeric", None, self.attrs_of(has_attr))
        if t == 25:  # S4SXP
            return RVec("s4", None, self.attrs_of(has_attr))
        if t == 238:  # ALTREP_SXP: class info, state, attributes
            self.item()
            state = self.item()
            self.item()
            return state
        if t == 21:  # BCODESXP: not expected in data
            raise ValueError("byte code in data")
        raise ValueError(f"unsupported R type {t} at byte {self.p - 4}")


def unserialize(data):
    r = Reader(data)
    r.header()
    return r.item()


def decompress(raw):
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:3] == b"BZh":
        return bz2.decompress(raw)
    if raw[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(raw)
    return raw


def read_rda(path):
    """The objects of an `.rda` file: {name: value}."""
    data = decompress(open(path, "rb").read())
    if not data.startswith(b"RDX2\n") and not data.startswith(b"RDX3\n"):
        raise ValueError(f"{path}: not an RDX2/RDX3 file")
    top = unserialize(data[5:])
    return {str(tag): val for tag, val in top.pairs}


def read_rdb(path):
    """Every object of a lazy-load database (`X.rdb`), in file order. Each entry is a 4-byte
    length followed by a zlib stream of a serialized object."""
    blob = open(path, "rb").read()
    objs = []
    p = 0
    while p < len(blob):
        d = zlib.decompressobj()
        data = d.decompress(blob[p + 4 :])
        objs.append(unserialize(data))
        p = len(blob) - len(d.unused_data)
    return objs
