#!/usr/bin/env python3
"""Build models/spin/us_spelling.tsv: British-only spellings and their American forms, for the spin detector's
US-English LM (see models/spin/README.md, "British spellings under the US LM").

  python scripts/build_us_spelling.py [--work /work/build-cache/spelling] [--out models/spin/us_spelling.tsv]

Source: Debian's SCOWL word lists, wbritish and wamerican 2020.12.07-2 (pinned, sha256-checked; fetched with
`apt-get download`). A pair (british, american) is kept when the British word is in wbritish only, the American
one in wamerican only, and one or two of the spelling rules below turn the first into the second, with exactly
one such American word. Words both lists accept ("programme", "travelled", "grey") are left alone.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
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
    args = parser.parse_args()
    words = fetch(args.work)
    table = pairs(words["wbritish"], words["wamerican"])
    with args.out.open("w", encoding="utf-8") as handle:
        handle.write("# British-only spelling -> American spelling, from Debian wbritish / wamerican 2020.12.07-2 "
                     "(SCOWL, Kevin Atkinson; permissive licence). Built by scripts/build_us_spelling.py.\n")
        for british, american in sorted(table.items()):
            handle.write(f"{british}\t{american}\n")
    print(f"{len(table)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
