#!/usr/bin/env python3
"""Measure the off_language signal per language on out-of-sample units of the shared dev set's own foreign
sources, built into composites the way the dev set's README builds its off_language documents: an English
article with a real foreign trailer of 2-3 news units (headline and first sentences, or one sentence each),
3-5 Tagalog headlines in teaser-list style, or one long paragraph in a European language; the trailer at the
end, and in every 5th composite in the middle of the article; every 3rd composite has one English chrome line
(written here) before the trailer. Spin and perplexity are off: they do not decide language. Nothing it reads
is committed.

  python scripts/eval_offlang_sources.py [--cache /work/build-cache/offlang-src] [--dl /work/build-cache/modern/dl]
                                         [--hosts-jsonl /work/build-cache/se-modern/clean.jsonl] [--show] [--json]

The units are read from --cache, a folder filled by hand from public GitHub files (no unit of the dev set's
files: those are MasakhaNEWS test.tsv, NusaX test.csv, the Tagalog rows the dev set drew). PROVENANCE.md there
names each file's repository, path and commit. Files:
  <lang>.tsv        MasakhaNEWS train/dev rows (masakhane-io/masakhane-news data/<lang>/{dev,train}.tsv, and
                    IsraelAbebe/masakhane-news data/<lang>/dev-combined.tsv for Hausa and Igbo, which the
                    upstream repository keeps only as test.tsv): "headline<TAB>first sentences" per line;
  nusax_valid.tsv   NusaX validation rows (IndoNLP/nusax datasets/mt/valid.csv), one column per language;
  tl.txt            Tagalog headlines (the real-news rows of lymoelopez/automated-filipino-fake-news-detector
                    "raw datasets/headlinesPhilippineFakeNewsCorpusTL.csv"), one per line; the held-out set may
                    draw on the same file, so it is for measuring only: no rule or word list comes from it.
The European long paragraphs are cut from the German, French and other non-English pages of the test cache
in PyPI trafilatura 0.9.3 (the sdist scripts/eval_chrome_pages.py pins; the dev set took its paragraphs from
the same repository's tests/eval pages).

English hosts (articles of at least 250 words, in turn): the English article texts of PyPI newspaper4k 0.9.6's
test data (as scripts/eval_offlang_texts.py) and, when --hosts-jsonl exists, the first articles of each outlet
in the clean test split of scripts/build_modern.py (New York Times editorials, Lee newspapers, web news).

Each language's units are split into two halves by a fixed rule (even and odd positions in the file), and the
composites of each half are built from that half only: a change developed while looking at half A is judged
on half B. Prints per language and half: trailer paragraphs labelled off_language / trailer paragraphs, and
the English paragraphs (hosts and chrome lines) labelled off_language.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_chrome_pages import (TRAFILATURA, _Blocks, measurement_parser, show_listed,  # noqa: E402
                               newspaper4k_data, trafilatura_pages)
from eval_offlang_texts import ENGLISH, MIN_HOST_WORDS, paragraphs  # noqa: E402

from qualitycheck import Checker  # noqa: E402
from qualitycheck.signals.language import top_language  # noqa: E402

# MasakhaNEWS languages in the cache (the dev set's 14; Amharic is left out: Ethiopic script is found by its
# letters, as Tigrinya shows)
MASAKHANE = ("fra", "hau", "ibo", "lin", "lug", "orm", "run", "sna", "som", "swa", "tir", "xho", "yor")
NUSAX = ("ind", "ace", "ban", "bbc", "bjn", "bug", "jav", "mad", "min", "nij", "sun")
EUROPEAN = ("de", "es", "fr", "it", "pl", "pt")
# A news unit's body: its first sentences, up to this many characters (the dev set's are 150-320)
BODY_CHARS = 320
LONG_CHARS = 700        # a European long paragraph, cut at a word (the dev set's are 160-690)
LONG_MIN_CHARS = 300
LONG_PER_PAGE = 2
LONG_PER_LANGUAGE = 24
HOSTS_PER_OUTLET = 3
# English site chrome put before the trailer in every 3rd composite, as the dev set does with real blocks
# (these lines are written for this script)
CHROME_LINES = ("Share this article on Facebook, Twitter or by email", "Sign up for our morning newsletter",
                "Related stories")
_SENTENCE = re.compile(r"(?<=[.!?…።])\s+")


def first_sentences(text: str, limit: int = BODY_CHARS) -> str:
    """The first sentences of `text` up to `limit` characters; a longer first sentence is cut at a word."""
    text = " ".join(text.split())
    out = ""
    for sentence in _SENTENCE.split(text):
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit else out[:limit].rsplit(" ", 1)[0]


def masakhane_units(path: Path) -> list[list[str]]:
    """[headline, first sentences] per row."""
    units = []
    for line in path.read_text(encoding="utf-8").splitlines():
        headline, _, text = line.partition("\t")
        if headline.strip() and text.strip():
            units.append([" ".join(headline.split()), first_sentences(text)])
    return units


def nusax_units(path: Path) -> dict[str, list[list[str]]]:
    """One sentence (a row's text) per unit, per language column."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    out: dict[str, list[list[str]]] = defaultdict(list)
    for line in lines[1:]:
        for lang, text in zip(header[1:], line.split("\t")[1:]):
            if text.strip():
                out[lang].append([" ".join(text.split())])
    return out


def european_units(dl: Path, tmp: Path) -> dict[str, list[list[str]]]:
    """Long paragraphs of the non-English pages of trafilatura 0.9.3's test cache, by the language langdetect
    gives them with p >= 0.99 (it is reliable on long European text), at most LONG_PER_PAGE a page."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    for _, html_text, _ in trafilatura_pages(dl, tmp):
        parser = _Blocks()
        parser.feed(html_text)
        parser.close()
        taken = 0
        for block in dict.fromkeys(parser.blocks):
            if len(block) < LONG_MIN_CHARS or taken >= LONG_PER_PAGE:
                continue
            lang, prob = top_language(block)
            if lang in EUROPEAN and prob >= 0.99 and len(out[lang]) < LONG_PER_LANGUAGE:
                out[lang].append([block if len(block) <= LONG_CHARS else block[:LONG_CHARS].rsplit(" ", 1)[0]])
                taken += 1
    return out


def load_units(cache: Path, dl: Path, tmp: Path) -> dict[tuple[str, str], list[list[str]]]:
    """(language, shape) -> units; a unit is its trailer paragraphs."""
    units: dict[tuple[str, str], list[list[str]]] = {}
    for lang in MASAKHANE:
        if (cache / f"{lang}.tsv").exists():
            units[(lang, "news")] = masakhane_units(cache / f"{lang}.tsv")
    if (cache / "nusax_valid.tsv").exists():
        for lang, rows in nusax_units(cache / "nusax_valid.tsv").items():
            units[(lang, "sentence")] = rows
    if (cache / "tl.txt").exists():
        units[("tl", "headlines")] = [[" ".join(line.split())]
                                      for line in (cache / "tl.txt").read_text(encoding="utf-8").splitlines()
                                      if line.strip()]
    if (dl / TRAFILATURA).exists():
        for lang, rows in european_units(dl, tmp).items():
            units[(lang, "long")] = rows
    return units


def trailers(units: list[list[str]], shape: str) -> list[list[str]]:
    """Cut a half's units into trailers: 2-3 units (news, sentence), 3-5 headlines, one long paragraph."""
    if shape == "long":
        return units
    sizes = (3, 4, 5) if shape == "headlines" else (2, 3)
    out, i, k = [], 0, 0
    while i < len(units):
        size = sizes[k % len(sizes)]
        chunk = units[i:i + size]
        if len(chunk) >= sizes[0] or not out:
            out.append([p for unit in chunk for p in unit])
        else:
            out[-1].extend(p for unit in chunk for p in unit)   # a short remainder joins the last trailer
        i, k = i + size, k + 1
    return out


def load_hosts(data: Path, hosts_jsonl: Path | None) -> list[list[str]]:
    hosts = [paras for name in ENGLISH
             if len(" ".join(paras := paragraphs((data / f"{name}.txt").read_text(encoding="utf-8"))).split())
             >= MIN_HOST_WORDS]
    if hosts_jsonl and hosts_jsonl.exists():
        taken: dict[str, int] = defaultdict(int)
        for line in hosts_jsonl.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("split") != "test" or record["source"] == "sotu1946" \
                    or taken[record["source"]] >= HOSTS_PER_OUTLET:
                continue
            paras = [" ".join(p["text"].split()) for p in record["paragraphs"] if p["text"].strip()]
            if len(" ".join(paras).split()) >= MIN_HOST_WORDS:
                hosts.append(paras)
                taken[record["source"]] += 1
    return hosts


def composites(trailer_list: list[list[str]], hosts: list[list[str]], start: int):
    """(paragraph kinds, paragraphs) per composite: 'en' host or chrome, 'foreign' trailer."""
    for j, trailer in enumerate(trailer_list):
        k = start + j
        host = hosts[k % len(hosts)]
        cut = len(host) // 2 if k % 5 == 4 else len(host)   # every 5th: the trailer in the middle
        chrome = [CHROME_LINES[k % len(CHROME_LINES)]] if k % 3 == 2 else []
        kinds = ["en"] * cut + ["en"] * len(chrome) + ["foreign"] * len(trailer) + ["en"] * (len(host) - cut)
        yield kinds, [*host[:cut], *chrome, *trailer, *host[cut:]], cut < len(host)


def evaluate(units: dict[tuple[str, str], list[list[str]]], hosts: list[list[str]]) -> dict:
    checker = Checker(spin_enabled=False, perplexity_enabled=False)
    rows, missed, false_positives = [], [], []
    start = 0
    for (lang, shape), lang_units in sorted(units.items()):
        row = {"lang": lang, "shape": shape, "units": len(lang_units)}
        for half, half_units in (("A", lang_units[0::2]), ("B", lang_units[1::2])):
            flagged = total = en_flagged = en_total = 0
            mid_flagged = mid_total = 0
            trailer_list = trailers(half_units, shape)
            for kinds, paras, middle in composites(trailer_list, hosts, start):
                start += 1
                report = checker.check("\n\n".join(paras), id=f"{lang}/{shape}/{half}")
                assert len(report.paragraphs) == len(paras), "paragraphs must map one to one"
                for kind, paragraph in zip(kinds, report.paragraphs):
                    hit = "off_language" in paragraph["labels"]
                    if kind == "en":
                        en_total += 1
                        en_flagged += hit
                        if hit:
                            false_positives.append(f"{lang}/{half}: {paragraph['text'][:120]}")
                    else:
                        total += 1
                        flagged += hit
                        mid_total += middle
                        mid_flagged += hit and middle
                        if not hit:
                            missed.append(f"{lang}/{shape}/{half}: {paragraph['text'][:140]}")
            row[half] = {"trailers": len(trailer_list), "flagged": flagged, "total": total,
                         "middle_flagged": mid_flagged, "middle_total": mid_total,
                         "english_flagged": en_flagged, "english_total": en_total}
        rows.append(row)
    return {"hosts": len(hosts), "rows": rows, "missed": missed, "english_false_positives": false_positives}


def main() -> None:
    parser = measurement_parser(__doc__, "list the trailer paragraphs left unflagged and the flagged English ones")
    parser.add_argument("--cache", type=Path, default=Path("/work/build-cache/offlang-src"),
                        help="folder with the fetched units (see above)")
    parser.add_argument("--hosts-jsonl", type=Path, default=Path("/work/build-cache/se-modern/clean.jsonl"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hosts = load_hosts(newspaper4k_data(args.dl, Path(tmp)) / "txt", args.hosts_jsonl)
        result = evaluate(load_units(args.cache, args.dl, Path(tmp)), hosts)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    print(f"{result['hosts']} English hosts")
    print(f"{'lang':5} {'shape':9} {'units':>5}  {'half A':>9}  {'half B':>9}  {'middle A+B':>10}  {'English FP':>10}")
    totals = {"A": [0, 0], "B": [0, 0], "en": [0, 0]}
    for row in result["rows"]:
        a, b = row["A"], row["B"]
        mid = f"{a['middle_flagged'] + b['middle_flagged']}/{a['middle_total'] + b['middle_total']}"
        en = f"{a['english_flagged'] + b['english_flagged']}/{a['english_total'] + b['english_total']}"
        print(f"{row['lang']:5} {row['shape']:9} {row['units']:>5}  {a['flagged']:>4}/{a['total']:<4}  "
              f"{b['flagged']:>4}/{b['total']:<4}  {mid:>10}  {en:>10}")
        for half in "AB":
            totals[half][0] += row[half]["flagged"]
            totals[half][1] += row[half]["total"]
            totals["en"][0] += row[half]["english_flagged"]
            totals["en"][1] += row[half]["english_total"]
    print(f"{'all':15} {'':>5}  {totals['A'][0]:>4}/{totals['A'][1]:<4}  {totals['B'][0]:>4}/{totals['B'][1]:<4}  "
          f"{'':>10}  {totals['en'][0]}/{totals['en'][1]:<4}")
    if args.show:
        show_listed(result, (("missed", "missed:"), ("english_false_positives", "English flagged:")))


if __name__ == "__main__":
    main()
