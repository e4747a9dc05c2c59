"""The model build path (models/prepare_corpus.py, models/build.sh) on small fixtures written here."""
from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from qualitycheck.lm.tokenize import normalize

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prep():
    spec = importlib.util.spec_from_file_location("prepare_corpus", REPO / "models" / "prepare_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_build_script_parses():
    subprocess.run(["bash", "-n", str(REPO / "models" / "build.sh")], check=True)


def test_brown_lines_lose_tags_and_token_spacing(prep):
    tagged = "\tThe/at mayor/nn said/vbd ``/`` no/at ''/'' ,/, and/cc left/vbd ./."
    assert prep._brown_detok(tagged) == 'The mayor said " no ", and left.'


def test_addresses_lose_audience_reactions_and_are_grouped(prep, tmp_path):
    d = tmp_path / "sotu"
    d.mkdir()
    (d / "2001_someone_x.txt").write_text(
        "Thank you. (Applause.) We met today. The year was hard. We are strong! "
        "What comes next? We will build. (Laughter.) Good night.", encoding="utf-8")
    [(doc_id, lines)] = list(prep.sotu_documents(d))
    assert doc_id == "sotu/2001_someone_x"
    assert not any("Applause" in ln or "Laughter" in ln for ln in lines)
    assert lines[0] == "Thank you. We met today. The year was hard. We are strong!"
    assert len(lines) == 2


def test_prepare_writes_aligned_raw_and_tokenised_splits(prep, tmp_path):
    wiki = tmp_path / "summaries.json"
    articles = {f"Topic {i}": {"extract": f"Topic {i} is a subject. It has {i} parts.\nSecond paragraph {i}."}
                for i in range(300)}
    wiki.write_text(json.dumps(articles), encoding="utf-8")
    out = tmp_path / "out"
    assert prep.main(["--wiki", str(wiki), "-o", str(out)]) == 0
    for split in ("train", "heldout"):
        raw = (out / f"{split}.txt").read_text(encoding="utf-8").splitlines()
        tok = (out / f"{split}.tok").read_text(encoding="utf-8").splitlines()
        assert len(raw) == len(tok) and raw
        assert [normalize(r) for r in raw] == tok
    stats = json.loads((out / "stats.json").read_text())
    # About 5 % of documents are held out, whole documents only (both paragraphs together).
    held = (out / "heldout.txt").read_text(encoding="utf-8").splitlines()
    assert 2 <= len(held) // 2 <= 40 and len(held) % 2 == 0
    assert stats["heldout_tokens"] + stats["train_tokens"] == sum(
        len(t.split()) for s in ("train", "heldout") for t in (out / f"{s}.tok").read_text().splitlines())
    # Same ids, same split: the hash is stable.
    assert prep.is_heldout("wiki/Topic 1") == prep.is_heldout("wiki/Topic 1")
    counts = [ln.split("\t") for ln in (out / "unigrams.tsv").read_text(encoding="utf-8").splitlines()]
    assert int(counts[0][1]) >= int(counts[-1][1])
