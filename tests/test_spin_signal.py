"""SpinSignal behaviour that does not depend on trained weights: non-English documents, skipped paragraphs."""
from __future__ import annotations

from qualitycheck.config import Config
from qualitycheck.document import Document, Paragraph
from qualitycheck.signals.spin import SpinSignal, mostly_english


def _doc(paragraphs: list[str], language: str | None) -> Document:
    text = "\n\n".join(paragraphs)
    out, pos = [], 0
    for k, p in enumerate(paragraphs):
        out.append(Paragraph(index=k, start=pos, end=pos + len(p), text=p))
        pos += len(p) + 2
    return Document(id="t", path=None, text=text, paragraphs=out, language=language)


def test_non_english_gets_null_score_and_note():
    doc = _doc(["Der Stadtrat hat am Montag beschlossen, die Gebühren für das kommende Jahr zu erhöhen.",
                "Die Opposition kritisierte die Entscheidung scharf und kündigte Widerstand an."], "de")
    SpinSignal().apply(doc, Config())
    assert doc.spun_flag is False and doc.spun_score is None
    assert all(p.spun_score is None and not p.has("spun") for p in doc.paragraphs)
    assert any("English-only" in n for n in doc.notes)


def test_mostly_english_guess():
    assert mostly_english("The minister said that the plan for the new road was agreed by the council "
                          "after a long debate and it is expected to open in the spring of next year.")
    assert not mostly_english("Le conseil municipal a décidé lundi d'augmenter les frais pour l'année "
                              "prochaine malgré les critiques de l'opposition et des habitants du quartier.")


def test_overlong_paragraph_scored_on_its_start_with_a_note():
    """A one-paragraph 60,000-character text is scored on its first MAX_SCORED_CHARS characters (the
    detector's memory grows with paragraph length), and the report says so."""
    from tests.conftest import spin_detector
    spin_detector()
    from qualitycheck.checker import Checker
    from qualitycheck.signals.spin import MAX_SCORED_CHARS
    sentence = "The harbour board met on Monday to discuss the cost of dredging the channel before winter. "
    long_paragraph = sentence * (60_000 // len(sentence))
    report = Checker().check(long_paragraph)
    assert any("scored on their first" in n for n in report.notes)
    paragraph = report.paragraphs[0]
    assert paragraph["spun_score"] is not None
    assert all(s["end"] <= MAX_SCORED_CHARS for s in paragraph["spun_spans"])


def test_in_process_checking_releases_what_it_built_when_done():
    """check_in_order with one job releases the spin detector (its memos, candidate index and the thesaurus's
    phrase forms) and langdetect's profiles when its input is exhausted (what follows in a scan, the folder
    pass, needs none of it: a 2,000-document one-process scan peaked at 260 MiB instead of 278); all of it is built
    again on demand: the same document checks the same afterwards."""
    from qualitycheck.config import Config
    from qualitycheck.document import RawDocument
    from qualitycheck.run import check_in_order
    from qualitycheck.signals import language
    from qualitycheck.spin import thesaurus
    from qualitycheck.spin.detector import default_detector

    config = Config()
    text = ("The minister said on Tuesday that the agreement would help farmers sell their crops abroad.\n\n"
            "Officials expect the deal to be signed next month after talks in the capital.")
    raw = RawDocument(id="memo", path=None, text=text, encoding="utf-8")
    records = check_in_order(iter([raw]), config, 1)
    first = next(records)
    index = default_detector(config.spin_model_path or config.model_path).index
    assert len(index._info) > 0
    language.detect_languages("Le conseil municipal a voté le budget de la ville mardi soir.")
    assert language._LangDetect._factory is not None
    assert list(records) == []          # exhausted: released
    assert len(index._info) == 0 and len(index._ranked) == 0
    assert default_detector(config.spin_model_path or config.model_path).index is not index
    assert "_phrase_forms" in thesaurus.load().__dict__    # rebuilt by the new detector just above
    records = check_in_order(iter([raw]), config, 1)
    assert next(records) == first
    assert list(records) == []
    assert language._LangDetect._factory is None and "_phrase_forms" not in thesaurus.load().__dict__


def test_invisible_characters_inside_words_change_no_label():
    # soft hyphens and zero-width characters after the third letter of every longer word once cut the words
    # in two ("op", "ened"), and the spin detector called the clean article spun
    import re
    from pathlib import Path

    from qualitycheck import check

    text = (Path(__file__).resolve().parents[1] / "examples/news/harbour_bridge_clean.txt").read_text(encoding="utf-8")
    plain = check(text)
    for char in ("\u00ad", "\u200b", "\u200d", "\u2060"):
        marked = re.sub(r"(\w{3})(\w{3,})", r"\g<1>" + char + r"\g<2>", text)
        assert marked != text
        report = check(marked)
        assert report.verdict == plain.verdict and report.labels == plain.labels, hex(ord(char))
        assert report.spun["flag"] is False
        assert [p["text"] for p in report.paragraphs] != [p["text"] for p in plain.paragraphs]  # text kept as is


def test_spin_detector_keeps_its_model_beside_a_perplexity_model_without_detector_weights(tmp_path):
    # detector weights are fitted to one model's scores: on a small model trained with train-lm the default
    # weights called nearly every clean paragraph spun, so --model alone no longer moves the detector
    import json
    from pathlib import Path

    from qualitycheck.lm.train import train_arpa
    from qualitycheck.provenance import model_files
    from qualitycheck.spin.detector import spin_lm_path

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("The council met on Monday to discuss the new budget for the town.\n" * 20, encoding="utf-8")
    small = tmp_path / "small.arpa"
    train_arpa([str(corpus)], str(small), order=2)
    assert spin_lm_path(None, str(small)) is None                      # the detector's shipped model
    assert spin_lm_path(str(small), None) == str(small)                # asked for
    assert spin_lm_path(None, str(small), "weights.json") == str(small)  # weights given for it
    shipped = Path(__file__).resolve().parents[1] / "models" / "en.kenlm"
    assert spin_lm_path(None, str(shipped)) == str(shipped)            # models/spin/weights.json fits it
    sidecar = tmp_path / "small.arpa.json"
    trained = sidecar.read_text()
    sidecar.write_text(json.dumps({**json.loads(trained), "spin_weights": "mine.json"}))
    assert spin_lm_path(None, str(small)) == str(small)                # its sidecar names weights
    sidecar.write_text(trained)
    files = model_files(Config(model_path=str(small)))
    assert "en-cmu.kenlm" in files["spin model"]["path"] and "small.arpa" in files["perplexity model"]["path"]
