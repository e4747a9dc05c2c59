#!/usr/bin/env python3
"""Build models/spin/us_spelling.tsv: British-only spellings and their American forms, for the spin detector's
US-English LM (see models/spin/README.md, "British spellings under the US LM").

  python scripts/build_us_spelling.py [--work /work/build-cache/spelling] [--out models/spin/us_spelling.tsv]

Source: Debian's SCOWL word lists, wbritish and wamerican 2020.12.07-2 (pinned, sha256-checked; fetched with
`apt-get download`). A pair (british, american) is kept when the British word is in wbritish only, the American
one in wamerican only, and one or two of the spelling rules below turn the first into the second, with exactly
one such American word.

Words both lists accept ("programme", "modelling"), or whose American form both accept ("metres": "meters"),
get a second, narrower pass: only suffix rules (SUFFIX_RULES, with a minimum stem so that "tilled" is not read
as "tiled"), and only where the British word is unknown to the LM the table is for (--lm, the CMU model) and the
American one known to it. An unknown word is scored as <unk> and cuts the LM context, so such a pair can only
give the LM a word it reads.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

PINS = {
    "wbritish_2020.12.07-2_all.deb": "f80571f14aa987ef0d727e2077d4f2abd84adf92492af494e7de04882c53be3f",
    "wamerican_2020.12.07-2_all.deb": "c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4",
}
LISTS = {"wbritish": "usr/share/dict/british-english", "wamerican": "usr/share/dict/american-english"}
# British -> American spelling rules (substring rewrites): -our/-or, -ence/-ense, -ise/-ize, -yse/-yze,
# -tre/-ter and -re/-er, doubled or single l, ae/oe -> e, -ogue/-og, -mme/-m, and a few rarer ones.
RULES = (("our", "or"), ("ence", "ense"), ("is", "iz"), ("ys", "yz"), ("tre", "ter"), ("re", "er"),
         ("ll", "l"), ("l", "ll"), ("ae", "e"), ("oe", "e"), ("ogue", "og"), ("mme", "m"), ("ey", "ay"),
         ("yre", "ire"), ("que", "ck"), ("ough", "ow"), ("ium", "um"), ("nce", "nse"), ("eable", "able"),
         ("dgement", "dgment"))


# Second pass (British words the first pass left): British suffix -> American suffix, with the letters the stem
# needs before it. Suffixes only: a rule anywhere in the word made wrong pairs ("aloes" -> "ales").
SUFFIX_RULES = (
    (r"(?<=\w{3})isation(s?)$", r"ization\1"),
    (r"(?<=\w{3})is(e|es|ed|ing|er|ers)$", r"iz\1"),
    (r"(?<=\w{3})our(s|ed|ing|ite|ites|able|er|ers)?$", r"or\1"),
    (r"(?<=\w{3})ys(e|es|ed|ing)$", r"yz\1"),
    (r"(?<=\w{2})tre(s?)$", r"ter\1"),
    (r"(?<=\w{3})ence(s?)$", r"ense\1"),
    (r"(?<=\w{3})mme(s?)$", r"m\1"),
    (r"(?<=\w{4})ll(ed|ing|er|ers)$", r"l\1"),     # travelled; not tilled, pilled, dolling
    (r"(?<=\w{3})ogue(s?)$", r"og\1"),
    (r"(?<=\w{3})llery$", "lry"),
)


def variants(word: str) -> set[str]:
    out = set()
    for old, new in RULES:
        for m in re.finditer(re.escape(old), word):
            out.add(word[:m.start()] + new + word[m.end():])
    return out


def pairs(british: set[str], american: set[str]) -> dict[str, str]:
    only_b = sorted(w for w in british - american if w and w.islower() and w.isalpha())
    only_a = american - british
    out = {}
    for word in only_b:
        found = {v for v in variants(word) if v in only_a}
        if not found:
            found = {x for v in variants(word) for x in variants(v) if x in only_a}
        if len(found) == 1:
            out[word] = found.pop()
    return out


def suffix_pairs(british: set[str], american: set[str], known: Callable[[str], bool],
                 taken: dict[str, str]) -> dict[str, str]:
    """Second pass: British words the first pass left (both lists accept them, or their American form is in
    both too, as "meters" is) that the LM lacks (`known` is False), with exactly one American suffix variant
    the LM has."""
    out = {}
    for word in sorted(british):
        if not (word and word.islower() and word.isalpha()) or word in taken or known(word):
            continue
        found = {re.sub(old, new, word) for old, new in SUFFIX_RULES if re.search(old, word)}
        found = {v for v in found if v != word and v in american and known(v)}
        if len(found) == 1:
            out[word] = found.pop()
    return out


def fetch(work: Path) -> dict[str, set[str]]:
    work.mkdir(parents=True, exist_ok=True)
    words = {}
    for deb, pinned in PINS.items():
        package, version, _ = deb.split("_")
        path = work / deb
        if not path.exists():
            subprocess.run(["apt-get", "download", f"{package}={version}"], cwd=work, check=True)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != pinned:
            raise SystemExit(f"{deb}: sha256 {digest}, expected {pinned}")
        target = work / package
        subprocess.run(["dpkg-deb", "-x", str(path), str(target)], check=True)
        words[package] = set((target / LISTS[package]).read_text(encoding="utf-8", errors="replace").split("\n"))
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/work/build-cache/spelling"))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "models/spin/us_spelling.tsv")
    parser.add_argument("--lm", type=Path, default=Path(__file__).resolve().parents[1] / "models/en-cmu.kenlm",
                        help="the LM the table is for (second pass: words it lacks)")
    args = parser.parse_args()
    import kenlm

    model = kenlm.Model(str(args.lm))
    words = fetch(args.work)
    table = pairs(words["wbritish"], words["wamerican"])
    second = suffix_pairs(words["wbritish"], words["wamerican"], lambda w: w in model, table)
    print(f"{len(table)} British-only pairs, {len(second)} more from the second pass")
    table.update(second)
    with args.out.open("w", encoding="utf-8") as handle:
        handle.write("# British spelling -> American spelling, from Debian wbritish / wamerican 2020.12.07-2 "
                     "(SCOWL, Kevin Atkinson; permissive licence). Built by scripts/build_us_spelling.py "
                     f"(second pass for {args.lm.name}).\n")
        for british, american in sorted(table.items()):
            handle.write(f"{british}\t{american}\n")
    print(f"{len(table)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
