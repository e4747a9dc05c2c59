#!/usr/bin/env python3
"""Measure the off_language signal on real news text outside the dev set: the foreign-language article texts
in the test data of PyPI newspaper4k 0.9.6 (Arabic, Bengali, Burmese, Chinese, Hindi, Japanese, Korean,
Latvian, Nepali, Spanish, Thai), appended as trailers to the package's English article texts, the way the
shared dev set builds its off_language documents. Nothing it reads is committed.

  python scripts/eval_offlang_texts.py [--dl /work/build-cache/modern/dl] [--show] [--json]

Each English article of at least 250 words (hosts, in turn) gets one foreign text's trailer in two shapes: three teaser units
(the first 200 characters of its second to fourth paragraphs) and one long paragraph (its longest, first
600 characters). Prints how many trailer paragraphs were labelled off_language, and how many paragraphs of
the English hosts were (false positives). Spin and perplexity are off: they do not decide language.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_chrome_pages import measurement_parser, newspaper4k_data, show_listed  # noqa: E402  (the pinned sdist, unpacked)

from qualitycheck import Checker  # noqa: E402

FOREIGN = ("arabic_article", "bengali_article", "burmese_article", "chinese_article", "chinese_article_001",
           "chinese_article_002", "hindi_article", "japanese_article", "japanese_article2", "korean_article",
           "latvian_article", "nepali_article", "spanish_article", "thai_article")
ENGLISH = ("article_with_br", "article_with_divs", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article",
           "cnn_test_nlp", "fox13now_001", "time_001", "video_article_02", "wired_001")
TEASER_CHARS = 200
LONG_CHARS = 600
# A host must hold most of the document, as a news article holds most of a page: the main language is the
# one of most of the text, so a three-line host under a long foreign paragraph is rightly the foreign part.
MIN_HOST_WORDS = 250


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def trailers(text: str) -> dict[str, list[str]]:
    """The two trailer shapes cut from a foreign article text."""
    paras = paragraphs(text)
    teasers = [p[:TEASER_CHARS] for p in paras[1:4]] or [paras[0][:TEASER_CHARS]]
    return {"teasers": teasers, "long": [max(paras, key=len)[:LONG_CHARS]]}


def evaluate(data: Path) -> dict:
    checker = Checker(spin_enabled=False, perplexity_enabled=False)
    hosts = [paras for name in ENGLISH
             if len(" ".join(paras := paragraphs((data / f"{name}.txt").read_text(encoding="utf-8"))).split())
             >= MIN_HOST_WORDS]
    flagged = total = english_flagged = english_total = 0
    missed = []
    for k, name in enumerate(FOREIGN):
        for shape, trailer in trailers((data / f"{name}.txt").read_text(encoding="utf-8")).items():
            host = hosts[k % len(hosts)]
            report = checker.check("\n\n".join([*host, *trailer]), id=f"{name}/{shape}")
            for position, paragraph in enumerate(report.paragraphs):
                hit = "off_language" in paragraph["labels"]
                if position < len(host):
                    english_total += 1
                    english_flagged += hit
                else:
                    total += 1
                    flagged += hit
                    if not hit:
                        missed.append(f"{name}/{shape}: {paragraph['text'][:120]}")
    return {"foreign_texts": len(FOREIGN), "hosts": len(hosts), "trailer_paragraphs": total, "trailer_flagged": flagged,
            "english_paragraphs": english_total, "english_flagged": english_flagged, "missed": missed}


def main() -> None:
    args = measurement_parser(__doc__, "list the trailer paragraphs left unflagged").parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(newspaper4k_data(args.dl, Path(tmp)) / "txt")
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    print(f"{result['foreign_texts']} foreign texts: {result['trailer_flagged']} of {result['trailer_paragraphs']} "
          f"trailer paragraphs off_language; English host paragraphs flagged: {result['english_flagged']} of "
          f"{result['english_paragraphs']}")
    if args.show:
        show_listed(result, (("missed", "missed:"),))


if __name__ == "__main__":
    main()
