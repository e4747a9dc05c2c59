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
