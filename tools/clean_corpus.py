#!/usr/bin/env python3
"""Build the clean-English benchmark corpora (issue 15) from pinned registry packages.

Every source is a package of a public registry, pinned by name, version and SHA-256 (crates by
tools/clean_corpus/Cargo.lock, whose checksums cargo verifies). The text is third-party and is
not committed: this script rebuilds it, and tools/clean_corpus/MANIFEST.tsv (committed) holds
the SHA-256, split, genre and word count of every output file, so a rebuild is verified.

    tools/clean_corpus.sh                    # build bench-data/clean, verify against MANIFEST.tsv
    tools/clean_corpus.sh --write-manifest   # (maintainers) rewrite MANIFEST.tsv

Output: bench-data/clean/{dev,holdout}/GENRE/SOURCE/... with each file's original extension
(.md read as Markdown, .html as HTML, anything else as plain text, as `unspun check` does).
Genres: markdown, rst, news, fiction, changelog, api-docs. Documents are split between dev
(~70%) and holdout (~30%) by a hash of their group (a crate, a package file, a book), so the
chapters of one book or the sections of one page never straddle the two.

Needs: python3 (standard library only), cargo, pip, npm, apt-get and dpkg-deb (Debian), and
network access to the registries. Downloads are cached in bench-data/cache.
"""

import argparse
import glob
import gzip
import hashlib
import html.parser
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "tools", "clean_corpus")
MANIFEST = os.path.join(HERE, "MANIFEST.tsv")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import rdata_min  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Pins. Debian: bookworm (12) packages, name -> (version, sha256 of the .deb).
DEBIAN = {
    "git": ("1:2.39.5-0+deb12u3", "637a85ddd6247fab13bdd0592f2f39aff04ce4dbf0655d3ab553ac359a38ce6f"),
    "git-doc": ("1:2.39.5-0+deb12u3", "3c89668a11053a6bafade3de1f611f4613db31e082af63f43d8c5b69ad8795ec"),
    "nodejs-doc": ("18.20.4+dfsg-1~deb12u3", "d2fbd4f3aecccea9d901a03842ef8380379e0d33010a48af5e797ed68ae874ce"),
    "python3.11-doc": ("3.11.2-6+deb12u9", "5b3594189d6ef9a6963ce0347fd307a1cc67620ad697e144db366070e2e146be"),
    "r-cran-janeaustenr": ("1.0.0-1", "df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95"),
    "r-cran-tm": ("0.7-11-1", "483fa4e8c8fec74a36875470932b71c21ed2209bbab504f50844aca2d24cb51b"),
    "coreutils": ("9.1-1", "61038f857e346e8500adf53a2a0a20859f4d3a3b51570cc876b153a2d51a3091"),
    "diffutils": ("1:3.8-4", "8bdfedc14c1035e3750e9f055ac9c1ecd9b5d05d9e6dc6466c4e9237eef407dd"),
    "findutils": ("4.9.0-4", "5dd86bd0af4aa73f067dfd6b8339dd868f2dd84056aa79db29d1206d4fbc5e04"),
    "gawk": ("1:5.2.1-2", "9cd63c1b35ff082092c221a23dcb167f72c4d1c3de3a42e11f16181f42ab3b55"),
    "grep": ("3.8-5", "3264acea728df3c48a54f20e9291b965130e306b9d00adac76647049da7196df"),
    "make": ("4.3-4.1", "a1a83af8cbd854af887b72ad196b1f4af58387815e21ced1000253a116a46e2a"),
    "sed": ("4.9-1+deb12u1", "fd557efeee8aae4619c2cb7f68aadccb804322ad4a99ab048aaae5901d253885"),
    "tar": ("1.34+dfsg-1.2+deb12u1", "24fb92e98c2969171f81a8b589263d705f6b1670f95d121cd74c810d4605acc3"),
    # Used by tools/spin_corpus.py (WordNet 3.0), not a corpus source.
    "wordnet-base": ("1:3.0-37", "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752"),
    "wget": ("1.21.3-1+deb12u1", "b389052d1d8a8cacec4f0380d9ee54e8082bfbebe374299be95b5286c9380f80"),
}
NEWS_PACKAGES = ["coreutils", "diffutils", "findutils", "gawk", "grep", "make", "sed", "tar", "wget"]

# PyPI source distributions (their docs) and one wheel (gensim's test data: ABC news).
PYPI_SDISTS = [
    ("click", "8.1.7", "click-8.1.7.tar.gz", "ca9853ad459e787e2192211578cc907e7594e294c7ccc834310722b41b9ca6de"),
    ("docutils", "0.21.2", "docutils-0.21.2.tar.gz", "3a6b18732edf182daa3cd12775bbb338cf5691468f91eeeb109deff6ebfa986f"),
    ("flask", "3.0.3", "flask-3.0.3.tar.gz", "ceb27b0af3823ea2737928a4d99d125a06175b8512c445cbd9a9ce200ef76842"),
    ("jinja2", "3.1.4", "jinja2-3.1.4.tar.gz", "4a3aee7acbbe7303aede8e9648d13b8bf88a429282aa6122a993f0ac800cb369"),
    ("pytest", "8.3.3", "pytest-8.3.3.tar.gz", "70b98107bd648308a7952b06e6ca9a50bc660be218d53c257cc1fc94fda10181"),
    ("sphinx", "7.4.7", "sphinx-7.4.7.tar.gz", "242f92a7ea7e6c5b406fdc2615413890ba9f699114a9c09192d7dfead2ee9cfe"),
]
PYPI_WHEELS = [
    ("gensim", "4.3.3", "gensim-4.3.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
     "d662bf96e3d741b6ab61a54be842a7cbf5e45193008b2f4225c758cafd7f9cdc", "3.11", "manylinux_2_17_x86_64"),
]

# npm packages (their READMEs and Markdown docs): name, version, sha256 of the tarball.
NPM = [
    ("ajv", "8.20.0", "b2f0b3a893bbb8cc5efb6814f08b1499e19e31d5dd73683f5893382f48f6e7b3"),
    ("async", "3.2.6", "6bb45cfba08cd2eea39eb3ce6eaa94113070fe137ec0bd4a9f122be9a0250e6f"),
    ("axios", "1.21.1", "5659acb8c9414ad88aa539db8e529947c9bac8cdf55973e314a078fc0205751c"),
    ("bcryptjs", "3.0.3", "419a1c3122155f61c46eda54e851ba238272f8bd3859005a91b891020b0efc2c"),
    ("bluebird", "3.7.2", "c68b0b2a44f58961277e975053c6f0053d93bac8f68cef9dae596f2a04806ddc"),
    ("body-parser", "2.4.0", "3f6e22dc9710a8bd5942fee8dfbd4632b54980cc2f33854f1ec1e314b17b2357"),
    ("chalk", "5.6.2", "94957715a483aa3b9db60c8f22d5498227d8025c407f982eef81e34f37574ffd"),
    ("chart.js", "4.6.1", "9345dacdf4bb4c5d40321f4b9aafab6fe676d37a534fc0bc2d17c4c4e29c4f00"),
    ("cheerio", "1.2.0", "56024eb0f315c373a4be57b26f3d956e9618cd2778ad283960c09cc1d4e820ab"),
    ("commander", "14.0.3", "5849703c500e0f324eb01340d8bda1f9ec48fc37bb7be9712eb0dd52aad92f6c"),
    ("concurrently", "9.2.5", "87c22977dcffa7fcf2a0e877394eceaa429015b91767c76b5449e5cb41ca6549"),
    ("cors", "2.8.6", "32242124397140800e1238a252b4cd74669d58c81b655d9d3721789b56c1c1ff"),
    ("cross-env", "10.1.0", "f6fa0919bb0deb7d4f1727d7f8b7c402f7dc9fd387af732bdd602d76897a90d8"),
    ("d3", "7.9.2", "f0c1d2c2479907a6e3265370d0fd715f7aef0f561cdd2b415df385ba7df9d1aa"),
    ("date-fns", "4.4.0", "eb106d1e9276213d6144b221c103e4abb7d92186734f7505f5a3860427b41a06"),
    ("dayjs", "1.11.23", "7da0ff55ddb6d4050b91ea0a11a8e9d92c048305155039387373f20be080e594"),
    ("debug", "4.4.3", "89c1ac9c946ee8905a875837114528e97eeae35e03be3190584b2216af43e4a7"),
    ("dotenv", "18.0.10", "20a0bc8a1cf06b168161a943ddb0ec557482af479dfa3023db2118399ec0a3b7"),
    ("ejs", "7.0.2", "1e77def2bb9a66761aded08e3354b02d92f1b15e791596fd74992fd7bef34adf"),
    ("esbuild", "0.28.2", "e045f94c235c7adc50e77ba2a579c7bec41b496b6b47c3a7845f7c1e19959a88"),
    ("eslint", "10.16.0", "dd276c6ce30dce8c2a2ab63db48f814baa2f492e85e7b124d9976d7bb023b751"),
    ("express", "5.3.0", "62450d99e36dc393295f1ddd93cb9291e658c169f3b700b0110c1ae8fa799930"),
    ("fastify", "5.12.8", "459048aabd9311309f4f95b36e8ca065e3a4613ded292bcf50442926931e4748"),
    ("fs-extra", "11.4.1", "6eee04ab29b3f37ce2fa75014fb3fd4836d8a24a2945edfae11e571409ffcbfa"),
    ("glob", "14.0.6", "25783530017d408140b709492053f419379b272ecd6ec36b09e23b65bc2e7467"),
    ("got", "14.6.6", "32216c3a4a7ba48f51fb4f3a81cd9bcafdfbff245348a5ad6b79c0ffb9d23176"),
    ("handlebars", "4.7.10", "14f356e6cadb5b064a156d2b39dd843abba8f4b1a38ee036935adecc1a13ad9f"),
    ("hapi", "18.1.0", "bd2c362e7a668cbdfff03e7aca6502489994d79a6f4d4ec60d8b7f7c1bce5587"),
    ("helmet", "8.3.0", "b8a9ed18c15665bf2de38f409468904dd3d4bbb849b946f6b4557ee7e7ab449b"),
    ("highlight.js", "11.12.0", "accbfaaab745088609b4eea2bdca2ad62f1f1dd27304e0f8df65cfe0fe042143"),
    ("husky", "9.1.7", "720e354eba8b12afd32ac5844499753375916a721ee47ea7194e9b32ed44fe0c"),
    ("immer", "11.2.14", "590d2d7d6b5a114cbbe07af2ca99ee9c4fd362f135d1757b14c869c445e9dc22"),
    ("inquirer", "14.3.1", "c758a7cf6127b581fe8b06e005738983a4df29e744a89d9cab701f2e54b10119"),
    ("jest", "30.5.2", "aa278879dd8634e13f3392d28a0e1310d87117bcb5a0c59beea7a530be24dd8c"),
    ("joi", "18.3.2", "32e56f6aa607770c0f34cbe209e197b887c7815f9d31e8a03944f3cd54cc19b7"),
    ("jsonwebtoken", "9.0.3", "d9af2628a7a4dda25acf1e19c7ecc2468e1e9e8d4619fe2cae829e89d96f6b82"),
    ("knex", "3.3.0", "6f017ec9d4b8d665c739fa5ed20833bc96e61bc3903ea7ab6ad8498c926f1cc5"),
    ("koa", "3.3.0", "2b1cae002c5c8a066b9c77ac9bf197e2369ba8501fb76b75c9f21d474ef02cf4"),
    ("lint-staged", "16.4.0", "984ec6203d37de97a6e5b304b436836fc6d87152adf2cec274152efe0a4df331"),
    ("lodash", "4.18.1", "696942c2a488c9d7428e9ca5f12ccf03b52de01dcdbfe4d4751d392f0491ae16"),
    ("luxon", "3.7.2", "498078da47254917ea264631160880fec8936994de3e6271e9c75c542bd35832"),
    ("markdown-it", "15.0.3", "98a7453983ab0e268c17dbd5260bf7190ba46b4cca912327fc1c1a2578e4b56d"),
    ("marked", "18.3.0", "ac4b23ef5425d83f7aad00a81640d29e5b0fd81a6361a30fa96b4b8bb228ad24"),
    ("minimist", "1.2.8", "350a76c115b393c19d24654834261e5dc9f0e8cc5e08f3937fa80140f3e4ce83"),
    ("mkdirp", "3.0.1", "fc7a7c3d357bb9f265e78ef38d108f1aa2bd86e9e781d5bcc28250b3dcdc8ebf"),
    ("mocha", "12.0.3", "3a93ba09b4b5f591a947ef5226ca9ae76220b124fe610dbcd5b76eb320512919"),
    ("moment", "2.31.0", "efddf549c13aa7cf270f573d9c464978ab0810c0652673ae6af1189bb56ab3f8"),
    ("mongoose", "9.12.2", "7912c8220eeff43334bb619304ad56029e631afa8f319ddc92708fde6901be63"),
    ("morgan", "1.12.1", "ad86e5589b5a3e720e8462492788f7bbfd90bc712b5ecec6bd96f543e0e85232"),
    ("multer", "2.5.0", "b6a535ae5fa87f6cffc90fb213b43c2ea34fdc21dc7ccad3f25caaf009d7fcaa"),
    ("node-fetch", "3.3.2", "615af90e363f8f276b4b54f8e6c163cf3686dce1d8867dd7e52cbed4d38d2dab"),
    ("nodemailer", "10.6.1", "7b1a6615b333c7f09c5a3e9147085f6c762eb2ace4abde0341a9e0dd4bf02af8"),
    ("nodemon", "3.1.14", "6f8851bd80d32526612f6dd6703b65603cef497944a7c081580ae49ce3a2f252"),
    ("nunjucks", "3.2.4", "3c060c7bd5be36c3a2b0cdf01d6589253a5efb3c66e5e06257dd8b08acc2f16f"),
    ("ora", "9.4.1", "6c29a82c18fc7aa83e838c5091e0b3a468846fb6f7866a6814301f6db341661b"),
    ("passport", "0.7.0", "f69294d05ec9e1ccad27dde98ef81e7240f321d61a4916d804e76750855267b5"),
    ("pg", "8.23.1", "0d7999c755c25f7c02fbd96196291148eda737bb91e78e4031b9ebe5ef7d7de7"),
    ("pino", "10.4.0", "f745d3dee0bddd39f11226335ee6dbbe3d49cc037168f2b31a8cdbe78f0e6216"),
    ("postcss", "8.5.34", "524cdd605965ab2d602c9b1bc9387a2747b84a6f7ca6bb7dd6462e86168aada8"),
    ("prettier", "3.10.1", "8625d008f4f0d7d513509ecc269b4b2a551a6f1ea3a57ac880e13e84a434213c"),
    ("pug", "3.0.4", "074bc1f9c15efec2d5f1fa80ca76250b2be17d68e3888dd9299e1f2a17216e26"),
    ("qs", "6.17.1", "b7405805e2055f9900dd48c42d226ed4ab51f5f43459ba4781c3f6f6763ed3de"),
    ("ramda", "0.32.0", "e99a665207ddba7c1177c8062f607c37d31ac376674d41200418627428863967"),
    ("react", "19.3.1", "56936913918dcf1f7a6fe58784e79df54b18200a88655ce809cf5e9c4ef871aa"),
    ("redis", "6.4.0", "bdfc9d5b0a386746b5e121dd8f5f414e34c7c11e4f088e6d2301f75866902550"),
    ("redux", "5.0.1", "adacd4f8a377e638a3feb568e45e8b8ff22c926516941db25b1acfc34d94398b"),
    ("rimraf", "6.1.4", "a0d85772811c6ff771df415784de534ff2c2ed310b90a075ad1061c48a5bd381"),
    ("rollup", "4.69.1", "a902318be608d657768e083371fc5b39d80baafab6952276f670c2ecbd7438f6"),
    ("rxjs", "7.8.2", "2312f8ffd9726ffd7bd53ea12c5f13663d09a3dc3326f448c70b88f5ef6fac82"),
    ("sass", "1.108.2", "a3398fa194c3379174bac6650bdaad077d1fbe71c4e58e817b2e213d1479bbfe"),
    ("semver", "7.8.6", "c6584c324e8b1e5d0403c6c16ee2b25dd61567c13f0449a58820350c21cd71bf"),
    ("sequelize", "6.37.8", "fabd247885c91dba5208f3db4f2d3632986591462230006149783355068cb9ff"),
    ("socket.io", "4.8.4", "eac2f8dd36bd1ddc827407c6890cc9fa305e5f94038b9abdba98a4351934c6c2"),
    ("superagent", "10.4.2", "895c42b32ca6f41a283422697e188b3667255f4ab6da32f1e2385ce7661eaa4d"),
    ("underscore", "1.13.8", "6547214df2878ae60cc552422ef14af38b8d4e3aa613be5bfe9c52b775d96f7a"),
    ("uuid", "14.0.3", "4750af69abb91dae4c49e4c71c96fd6a3bd0613900f18429b955ad6fb8099977"),
    ("validator", "13.15.35", "f9a6b506bd9eda8df9d2a4120613426948d9f66cde1b6d5fad3406758d2f81f4"),
    ("vite", "8.4.0", "db2e7150615e404440c73407bf5d01764e572beeb71367c9ff96d97b84578953"),
    ("vue", "3.5.46", "2f8d8d22497e8151701e18ed3fe6a8134b9924f3b9601dd4783a82618caaf8d6"),
    ("webpack", "5.113.0", "095755cb8e271b3f38615ae794264f314b1e4dd3158c5677e8700aee9ea20bb7"),
    ("winston", "3.19.0", "4183f422c69153b58b8595d3ec06c523087ca1a978006e1a6db63e199c18748e"),
    ("ws", "8.23.1", "86236e8c3cc4fd2d136d413670efb5b105ebddfbda975f1143b8b0429d584ade"),
    ("yargs", "18.2.0", "44ddd9d39e41a7d73dd794b6d229f2b92fd655d394ef59e2ca34d31df6181d13"),
    ("zod", "4.6.7", "84efd155bed93270286e793fc951be270b536cbd5b0eeb111f0fa3967201d698"),
]

# Per-source caps (words), applied by a hash order of the documents, so no source dominates.
CAPS = {
    "crates": 700_000,
    "crates-changelog": 400_000,
    "npm": 250_000,
    "pypi-md": 100_000,
    "pypi-rst": 450_000,
    "pypi-changelog": 150_000,
    "git-doc": 250_000,
    "git-relnotes": 200_000,
    "debian-news": 200_000,
    "nodejs-doc": 400_000,
    "python-doc": 250_000,
    "austen": 600_000,
}

MIN_WORDS = 40  # shorter files are left out (a badge line, a stub)
SPLIT_ABOVE = 6000  # longer documents are cut into sections of at least TARGET words
TARGET = 1500
DEV_SHARE = 70  # percent

WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")


def words(text):
    return len(WORD.findall(text))


class _Visible(html.parser.HTMLParser):
    """The text of an HTML page outside script, style and head (what unspun checks)."""

    SKIP = {"script", "style", "head", "code", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.out = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)


def doc_words(name, text):
    """Words of a document as a reader sees them (HTML: its visible text)."""
    if name.endswith(".html"):
        p = _Visible()
        p.feed(text)
        return words(" ".join(p.out))
    return words(text)


def die(msg):
    sys.stderr.write(f"clean_corpus: error: {msg}\n")
    sys.exit(1)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path, sha):
    got = sha256_file(path)
    if got != sha:
        die(f"{path}: sha256 {got}, pinned {sha}")


def run(cmd, cwd=None):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr[-2000:]}")
    return r.stdout


# ---------------------------------------------------------------------------------------------
# Fetching


class Missing(Exception):
    pass


def fetch_debian(cache, name):
    version, sha = DEBIAN[name]
    d = os.path.join(cache, "debian")
    os.makedirs(d, exist_ok=True)
    pattern = os.path.join(d, f"{name}_{version.replace(':', '%3a')}_*.deb")
    found = glob.glob(pattern)
    if not found:
        try:
            run(["apt-get", "download", f"{name}={version}"], cwd=d)
        except (RuntimeError, FileNotFoundError) as e:
            raise Missing(f"debian {name}={version}: {e} (run apt-get update first; a superseded "
                          "version may have left the archive)")
        found = glob.glob(pattern)
    verify(found[0], sha)
    x = os.path.join(cache, "debian-x", name)
    if not os.path.isdir(x):
        os.makedirs(x + ".tmp", exist_ok=True)
        run(["dpkg-deb", "-x", found[0], x + ".tmp"])
        os.rename(x + ".tmp", x)
    return x


def fetch_pypi(cache, name, version, filename, sha, wheel=None):
    d = os.path.join(cache, "pypi")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, filename)
    if not os.path.exists(path):
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", d, f"{name}=={version}"]
        if wheel:
            cmd += ["--only-binary", ":all:", "--python-version", wheel[0], "--platform", wheel[1]]
        else:
            cmd += ["--no-binary", ":all:"]
        try:
            run(cmd)
        except RuntimeError as e:
            raise Missing(f"pypi {name}=={version}: {e}")
    verify(path, sha)
    return path


def fetch_npm(cache, name, version, sha):
    d = os.path.join(cache, "npm")
    os.makedirs(d, exist_ok=True)
    fname = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    path = os.path.join(d, fname)
    if not os.path.exists(path):
        try:
            run(["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", d])
        except (RuntimeError, FileNotFoundError) as e:
            raise Missing(f"npm {name}@{version}: {e}")
    verify(path, sha)
    return path


def crate_pins():
    """(name, version, sha256) of every crate in tools/clean_corpus/Cargo.lock."""
    out = []
    cur = {}
    with open(os.path.join(HERE, "Cargo.lock")) as f:
        for line in f:
            line = line.strip()
            if line == "[[package]]":
                if "checksum" in cur:
                    out.append((cur["name"], cur["version"], cur["checksum"]))
                cur = {}
            m = re.match(r'(\w+) = "(.*)"', line)
            if m:
                cur[m.group(1)] = m.group(2)
    if "checksum" in cur:
        out.append((cur["name"], cur["version"], cur["checksum"]))
    return out


def fetch_crates(cache):
    """Fetch the locked crates with cargo (which checks each checksum) and return their paths."""
    build = os.path.join(cache, "crates-build")
    os.makedirs(build, exist_ok=True)
    for f in ("Cargo.toml", "Cargo.lock"):
        shutil.copy(os.path.join(HERE, f), build)
    open(os.path.join(build, "lib.rs"), "w").close()
    try:
        run(["cargo", "fetch", "--locked", "--manifest-path", os.path.join(build, "Cargo.toml")])
    except (RuntimeError, FileNotFoundError) as e:
        raise Missing(f"crates: {e}")
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    caches = glob.glob(os.path.join(home, "registry", "cache", "*"))
    out = []
    for name, version, sha in crate_pins():
        cands = [os.path.join(c, f"{name}-{version}.crate") for c in caches]
        cands = [c for c in cands if os.path.exists(c)]
        if not cands:
            die(f"crate {name} {version}: not in {home}/registry/cache after cargo fetch")
        verify(cands[0], sha)
        out.append((name, version, cands[0]))
    return out


# ---------------------------------------------------------------------------------------------
# Documents


class Doc:
    __slots__ = ("genre", "source", "group", "name", "text")

    def __init__(self, genre, source, group, name, text):
        self.genre, self.source, self.group, self.name, self.text = genre, source, group, name, text


SKIP_DIRS = {"test", "tests", "testing", "testdata", "test-data", "test_data", "fixtures", "fixture",
             "benches", "bench", "vendor", "third_party", "third-party", "node_modules", "target",
             "_build", "_templates", "_static", ".github", "snapshots", "examples", "example",
             "locale", "locales", "i18n", "translations"}
SKIP_BASE = re.compile(r"^(licen[cs]e|copying|notice|authors|contributors|code[-_]of[-_]conduct|"
                       r"third[-_]party|requirements|pull_request_template|issue_template|funding|"
                       r"codeowners|maintainers)", re.I)
CHANGELOG = re.compile(r"^(change[-_ ]?log|changes|history|news|releases?|release[-_ ]?notes|"
                       r"relnotes|whatsnew|whats[-_]new)([-_.].*)?$", re.I)
CHANGELOG_DIRS = {"changelog", "changelogs", "changes", "relnotes", "release-notes", "releases",
                  "changelog.d", "whatsnew"}


def decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def is_changelog(rel):
    parts = rel.lower().split("/")
    stem = parts[-1]
    return bool(CHANGELOG.match(stem)) or any(p in CHANGELOG_DIRS for p in parts[:-1])


def skipped(rel):
    parts = rel.lower().split("/")
    return any(p in SKIP_DIRS for p in parts[:-1]) or bool(SKIP_BASE.match(parts[-1]))


def mostly_english_letters(text):
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    ascii_letters = sum(1 for c in letters if c.isascii())
    return ascii_letters / len(letters) >= 0.95


def crates_docs(crates):
    for name, version, path in crates:
        with tarfile.open(path) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if not m.isfile() or "/" not in m.name:
                    continue
                rel = m.name.split("/", 1)[1]
                if not rel.lower().endswith((".md", ".markdown")) or skipped(rel):
                    continue
                text = decode(t.extractfile(m).read())
                if text is None:
                    continue
                ch = is_changelog(rel)
                yield Doc("changelog" if ch else "markdown", "crates-changelog" if ch else "crates",
                          f"crate:{name}", f"crates/{name}-{version}/{rel}", text)


def npm_docs(cache):
    for name, version, sha in NPM:
        path = fetch_npm(cache, name, version, sha)
        with tarfile.open(path) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if not m.isfile() or "/" not in m.name:
                    continue
                rel = m.name.split("/", 1)[1]
                if not rel.lower().endswith((".md", ".markdown")) or skipped(rel):
                    continue
                text = decode(t.extractfile(m).read())
                if text is None:
                    continue
                ch = is_changelog(rel)
                safe = name.lstrip("@").replace("/", "-")
                yield Doc("changelog" if ch else "markdown", "crates-changelog" if ch else "npm",
                          f"npm:{name}", f"npm/{safe}-{version}/{rel}", text)


def pypi_docs(cache):
    for name, version, filename, sha in PYPI_SDISTS:
        path = fetch_pypi(cache, name, version, filename, sha)
        with tarfile.open(path) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if not m.isfile() or "/" not in m.name:
                    continue
                rel = m.name.split("/", 1)[1]
                low = rel.lower()
                top = "/" not in rel
                in_docs = low.startswith(("doc/", "docs/"))
                if skipped(rel) or not (top or in_docs):
                    continue
                if low.endswith(".md"):
                    genre, source = "markdown", "pypi-md"
                elif low.endswith(".rst") or (low.endswith(".txt") and (in_docs or top)):
                    genre, source = "rst", "pypi-rst"
                else:
                    continue
                text = decode(t.extractfile(m).read())
                if text is None:
                    continue
                if is_changelog(rel):
                    genre, source = "changelog", "pypi-changelog"
                yield Doc(genre, source, f"pypi:{name}:{rel}", f"pypi/{name}-{version}/{rel}", text)


def debian_docs(cache):
    x = fetch_debian(cache, "git-doc")
    base = os.path.join(x, "usr/share/doc/git-doc")
    for path in sorted(glob.glob(os.path.join(base, "**", "*.txt"), recursive=True)):
        rel = os.path.relpath(path, base)
        text = decode(open(path, "rb").read())
        if text is None:
            continue
        yield Doc("rst", "git-doc", f"git:{rel}", f"git-doc/{rel}", text)
    x = fetch_debian(cache, "git")
    base = os.path.join(x, "usr/share/doc/git/RelNotes")
    for path in sorted(glob.glob(os.path.join(base, "*.txt*"))):
        rel = os.path.basename(path).removesuffix(".gz")
        raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
        text = decode(raw)
        if text is not None:
            yield Doc("changelog", "git-relnotes", f"git:RelNotes/{rel}", f"git/RelNotes/{rel}", text)

    x = fetch_debian(cache, "nodejs-doc")
    base = os.path.join(x, "usr/share/doc/nodejs/api")
    for path in sorted(glob.glob(os.path.join(base, "*.md.gz"))):
        rel = os.path.basename(path)[:-3]
        if rel in ("all.md", "index.md"):
            continue
        text = decode(gzip.open(path).read())
        if text is not None:
            yield Doc("api-docs", "nodejs-doc", f"node:{rel}", f"nodejs-doc/{rel}", text)

    x = fetch_debian(cache, "python3.11-doc")
    base = os.path.join(x, "usr/share/doc/python3.11/html/library")
    for path in sorted(glob.glob(os.path.join(base, "*.html"))):
        rel = os.path.basename(path)
        text = decode(open(path, "rb").read())
        if text is not None:
            yield Doc("api-docs", "python-doc", f"python:{rel}", f"python3.11-doc/library/{rel}", text)

    for pkg in NEWS_PACKAGES:
        x = fetch_debian(cache, pkg)
        path = os.path.join(x, f"usr/share/doc/{pkg}/NEWS.gz")
        text = decode(gzip.open(path).read())
        if text is not None:
            yield Doc("changelog", "debian-news", f"news:{pkg}", f"debian/{pkg}/NEWS.txt", text)

    # Fiction: Jane Austen's six novels (public domain), cut into chapters.
    x = fetch_debian(cache, "r-cran-janeaustenr")
    for vec in rdata_min.read_rdb(os.path.join(x, "usr/lib/R/site-library/janeaustenr/data/Rdata.rdb")):
        lines = ["" if s is None else s for s in vec.items]
        title = next(s for s in lines if s.strip())
        slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
        yield from chapters(lines, slug)

    # News: Reuters-21578 samples (crude oil, acquisitions) from the tm package.
    x = fetch_debian(cache, "r-cran-tm")
    for corpus in ("crude", "acq"):
        rda = rdata_min.read_rda(os.path.join(x, f"usr/lib/R/site-library/tm/data/{corpus}.rda"))
        docs = rda[corpus].get("content")
        for key, doc in zip(docs.names(), docs.items):
            body = "\n".join(s or "" for s in doc.get("content").items)
            heading = doc.get("meta").get("heading")
            head = heading.items[0] if heading is not None and heading.items else None
            text = (head.strip().title() + "\n\n" if head else "") + body.strip() + "\n"
            yield Doc("news", "reuters", f"reuters:{corpus}:{key}",
                      f"reuters/{corpus}/{key[:-4]}.txt", text)


CHAPTER = re.compile(r"^\s*(CHAPTER|Chapter)\s+([0-9IVXLC]+)\.?\s*$")


def chapters(lines, slug):
    starts = [i for i, line in enumerate(lines) if CHAPTER.match(line)]
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = "\n".join(lines[s:e]).strip() + "\n"
        yield Doc("fiction", "austen", f"austen:{slug}", f"austen/{slug}/chapter-{n + 1:03}.txt", body)


def gensim_docs(cache):
    name, version, filename, sha, py, plat = PYPI_WHEELS[0]
    path = fetch_pypi(cache, name, version, filename, sha, wheel=(py, plat))
    with zipfile.ZipFile(path) as z:
        for member, tag in (("gensim/test/test_data/lee_background.cor", "background"),
                            ("gensim/test/test_data/lee.cor", "lee")):
            # One article has a byte that is not UTF-8 (Windows-1252 punctuation): each line
            # is decoded as UTF-8, else as Windows-1252, so no U+FFFD is made up.
            lines = z.read(member).split(b"\n")
            for i, raw_line in enumerate(lines):
                try:
                    line = raw_line.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw_line.decode("cp1252", errors="replace")
                if line.strip():
                    yield Doc("news", "abc-lee", f"lee:{tag}:{i}", f"abc-lee/{tag}-{i + 1:03}.txt",
                              line.strip() + "\n")


# ---------------------------------------------------------------------------------------------
# Cutting long documents


def sections(text, ext):
    """Start offsets of the sections of a document, by its headings."""
    lines = text.splitlines(keepends=True)
    cuts, pos, fence = [0], 0, False
    for i, line in enumerate(lines):
        s = line.rstrip("\n")
        if ext == ".md" and re.match(r"^\s*(```|~~~)", s):
            fence = not fence
        if not fence and i > 0:
            if ext == ".md" and re.match(r"^#{1,2}\s", s):
                cuts.append(pos)
            elif ext in (".rst", ".txt") and i + 1 < len(lines):
                under = lines[i + 1].rstrip("\n")
                if (s.strip() and not re.match(r"^[=\-~^\"'`#*+]+$", s.strip())
                        and re.match(r"^([=\-~^\"'`#*+])\1+$", under)
                        and len(under) >= len(s.rstrip())):
                    cuts.append(pos)
                elif re.match(r"^\*?\s?(Noteworthy changes|Changes in|Version \d|Git v?\d)", s) \
                        and lines[i - 1].strip() == "":
                    cuts.append(pos)
        pos += len(line)
    return cuts


def paragraphs(text, ext):
    """Start offsets of paragraphs outside code fences."""
    cuts, pos, fence, prev_blank = [0], 0, False, False
    for line in text.splitlines(keepends=True):
        if ext == ".md" and re.match(r"^\s*(```|~~~)", line):
            fence = not fence
        if prev_blank and line.strip() and not fence and pos > 0:
            cuts.append(pos)
        prev_blank = not line.strip()
        pos += len(line)
    return cuts


def pieces(text, cuts):
    cuts = sorted(set(cuts)) + [len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b]]


def cut(doc):
    """A long document as sections of TARGET..SPLIT_ABOVE words where the headings allow."""
    if doc.name.endswith(".html") or words(doc.text) <= SPLIT_ABOVE:
        return [doc]
    ext = os.path.splitext(doc.name)[1]
    parts = []
    for sec in pieces(doc.text, sections(doc.text, ext)):
        if words(sec) > SPLIT_ABOVE:
            parts.extend(pieces(sec, paragraphs(sec, ext)))
        else:
            parts.append(sec)
    out, cur = [], ""
    for p in parts:
        if cur and words(cur) + words(p) > SPLIT_ABOVE and words(cur) >= TARGET:
            out.append(cur)
            cur = ""
        cur += p
        if words(cur) >= TARGET * 2:
            out.append(cur)
            cur = ""
    if cur:
        if out and words(cur) < TARGET:
            out[-1] += cur
        else:
            out.append(cur)
    stem, ext = os.path.splitext(doc.name)
    return [Doc(doc.genre, doc.source, doc.group, f"{stem}.part{i + 1:02}{ext}", t)
            for i, t in enumerate(out)]


# ---------------------------------------------------------------------------------------------


def split_of(group):
    h = hashlib.sha256(("split:" + group).encode()).digest()
    return "dev" if int.from_bytes(h[:8], "big") % 100 < DEV_SHARE else "holdout"


def collect(cache, only):
    gens = {
        "debian": lambda: debian_docs(cache),
        "pypi": lambda: pypi_docs(cache),
        "gensim": lambda: gensim_docs(cache),
        "npm": lambda: npm_docs(cache),
        "crates": lambda: crates_docs(fetch_crates(cache)),
    }
    docs, missing = [], []
    for key, gen in gens.items():
        if only and key not in only:
            continue
        t0 = __import__("time").time()
        try:
            got = list(gen())
        except Missing as e:
            missing.append(str(e))
            sys.stderr.write(f"clean_corpus: missing: {e}\n")
            continue
        sys.stderr.write(f"clean_corpus: {key}: {len(got)} files ({__import__('time').time() - t0:.0f} s)\n")
        docs.extend(got)
    return docs, missing


def select(docs):
    seen = set()
    kept = []
    for d in docs:
        if words(d.text) < MIN_WORDS or not mostly_english_letters(d.text):
            continue
        key = hashlib.sha256(d.text.encode()).digest()
        if key in seen:
            continue
        seen.add(key)
        kept.extend(x for x in cut(d) if doc_words(x.name, x.text) >= MIN_WORDS)
    by_source = {}
    for d in kept:
        by_source.setdefault(d.source, []).append(d)
    out = []
    for source, ds in sorted(by_source.items()):
        ds.sort(key=lambda d: hashlib.sha256(d.name.encode()).digest())
        cap, total = CAPS.get(source), 0
        for d in ds:
            w = doc_words(d.name, d.text)
            if cap is not None and total + w > cap:
                continue
            total += w
            out.append(d)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data", "clean"))
    ap.add_argument("--cache", default=os.path.join(ROOT, "bench-data", "cache"))
    ap.add_argument("--write-manifest", action="store_true", help="rewrite MANIFEST.tsv")
    ap.add_argument("--only", action="append", choices=["debian", "pypi", "gensim", "npm", "crates"],
                    help="build from these source kinds only (repeatable; verification is partial)")
    args = ap.parse_args()
    docs, missing = collect(args.cache, args.only)
    docs = select(docs)
    if not args.only:  # a partial build leaves the other sources' files in place
        for split in ("dev", "holdout"):
            shutil.rmtree(os.path.join(args.out, split), ignore_errors=True)
    rows = []
    for d in docs:
        split = split_of(d.group)
        rel = os.path.join(split, d.genre, d.name)
        path = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = d.text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        rows.append((rel, hashlib.sha256(data).hexdigest(), split, d.genre, doc_words(d.name, d.text)))
    rows.sort()
    # Summary per split and genre.
    table = {}
    for rel, _, split, genre, w in rows:
        t = table.setdefault((genre, split), [0, 0])
        t[0] += 1
        t[1] += w
    sys.stderr.write(f"{'genre':<10} {'split':<8} {'docs':>6} {'words':>9}\n")
    for (genre, split), (n, w) in sorted(table.items()):
        sys.stderr.write(f"{genre:<10} {split:<8} {n:>6} {w:>9}\n")
    lines = [f"{sha}\t{split}\t{genre}\t{rel}\t{w}\n" for rel, sha, split, genre, w in rows]
    if args.write_manifest:
        with open(MANIFEST, "w") as f:
            f.write("# sha256\tsplit\tgenre\tpath (under bench-data/clean)\twords\n")
            f.writelines(lines)
        sys.stderr.write(f"clean_corpus: wrote {MANIFEST} ({len(lines)} files)\n")
        return 0
    if not os.path.exists(MANIFEST):
        die(f"{MANIFEST} is missing (run with --write-manifest)")
    want = [l for l in open(MANIFEST) if not l.startswith("#")]
    if args.only or missing:
        # Partial build: compare the files that were built.
        got_paths = {l.split("\t")[3] for l in lines}
        want = [l for l in want if l.split("\t")[3] in got_paths]
    diff = set(want) ^ set(lines)
    if diff:
        for l in sorted(diff)[:20]:
            sys.stderr.write(f"  mismatch: {l}")
        die(f"{len(diff)} lines differ from {MANIFEST}")
    sys.stderr.write(f"clean_corpus: {len(lines)} files verified against MANIFEST.tsv\n")
    if missing:
        die(f"{len(missing)} sources missing: " + "; ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
