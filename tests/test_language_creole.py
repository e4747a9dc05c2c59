"""English-lexified creoles (Nigerian Pidgin, Tok Pisin): langdetect reads them as English, so the language
signal tells them apart by their own function words (signals/language.py, CREOLE_MARKERS).
Every sentence here was written for this project."""
from __future__ import annotations

import pytest

from qualitycheck import Checker
from qualitycheck.signals.language import measure

ARTICLE = [
    "The city council approved a new budget on Tuesday after a long debate about road repairs and school funding.",
    "Officials said the plan would add two hundred teachers over the next three years and fix the worst bridges first.",
    "Opposition members argued that the tax increase would hurt small businesses, but the measure passed easily.",
    "The mayor told reporters that residents would see the first repairs before the end of the summer.",
]
PIDGIN = [
    "Di Lagos State goment don announce say all di schools go close from Monday because of di flood.",
    "Plenty people dey happy well well about dis new announcement.",   # one core word: joins the block
    "Di police say dem don arrest di two suspects wey dey involved for di robbery.",
    "Tori be say di pikin comot house since Friday and e never return.",
]
TOK_PISIN = [
    "Gavman i tok olsem ol bai wokim nupela rot long ples bilong ol.",
    "Polis i kisim tupela man long nait asde.",
]


@pytest.fixture(scope="module")
def checker():
    return Checker(spin_enabled=False, perplexity_enabled=False)


def _report(checker, paragraphs):
    return checker.check("\n\n".join(paragraphs))


def test_measure_names_the_creole():
    assert measure(PIDGIN[0]).creole == "pcm"
    assert measure(TOK_PISIN[0]).creole == "tpi"
    assert measure(ARTICLE[0]).creole is None and measure(ARTICLE[0]).creole_hits == 0


@pytest.mark.parametrize("trailer, code", [(PIDGIN, "pcm"), (TOK_PISIN, "tpi")])
def test_creole_trailer_of_an_english_article_is_off_language(checker, trailer, code):
    report = _report(checker, ARTICLE + trailer)
    assert report.language == "en"
    paragraphs = report.paragraphs
    assert not any("off_language" in p["labels"] for p in paragraphs[:len(ARTICLE)])
    for p in paragraphs[len(ARTICLE):]:
        assert "off_language" in p["labels"], p["text"]
        assert p["language"] == code
    rules = {e["rule"] for p in paragraphs for e in p["evidence"]}
    assert "english_creole" in rules
    assert report.clean_text.count("\n\n") == len(ARTICLE) - 1   # only the article is kept


def test_lone_weak_paragraph_is_not_flagged_without_a_creole_neighbour(checker):
    # one core word ("dey") is not enough on its own
    report = _report(checker, ARTICLE + [PIDGIN[1]])
    assert not any("off_language" in p["labels"] for p in report.paragraphs)


def test_english_quoting_a_pidgin_phrase_stays_english(checker):
    quoted = ("Residents told reporters that the flooding had ruined their shops, and one trader summed up the "
              "mood in the market: \"Wahala dey o\", before the governor promised compensation next week.")
    report = _report(checker, ARTICLE[:2] + [quoted] + ARTICLE[2:])
    assert not any("off_language" in p["labels"] for p in report.paragraphs)


def test_a_pidgin_document_is_in_pidgin(checker):
    report = _report(checker, PIDGIN + ["Una fit follow us for our YouTube channel for more tori."])
    assert report.language == "pcm"
    assert not any("off_language" in p["labels"] for p in report.paragraphs)
    assert report.to_dict()["spun"]["score"] is None   # the spin detector is English-only


def test_policy_switch_reads_creoles_as_english():
    checker = Checker(spin_enabled=False, perplexity_enabled=False, english_creoles_off_language=False)
    report = _report(checker, ARTICLE + PIDGIN)
    assert report.language == "en"
    assert not any("off_language" in p["labels"] for p in report.paragraphs)


def test_main_language_may_be_forced_to_a_creole():
    checker = Checker(spin_enabled=False, perplexity_enabled=False, main_language="pcm")
    report = _report(checker, PIDGIN[1:2] + ["Una fit follow us for our YouTube channel."])
    assert report.language == "pcm"
    assert not any("off_language" in p["labels"] for p in report.paragraphs)


# Pidgin teasers as news sites list them: a headline, then the story's first sentence. The headlines carry
# no marker, or one, or one only as their first word after a colon.
TEASERS = [
    "Court order release of detained journalists",
    "Di Federal High Court for Abuja tok say di way wey goment take arrest dem no follow law.",
    "Fuel scarcity: Wetin make queues return",
    "Plenty motorists sleep for filling stations afta di price of petrol go up again for Lagos.",
]


def test_marker_free_headlines_of_a_pidgin_trailer_are_off_language(checker):
    report = _report(checker, ARTICLE + TEASERS)
    assert not any(p["labels"] for p in report.paragraphs[:len(ARTICLE)])
    for p in report.paragraphs[len(ARTICLE):]:
        assert "off_language" in p["labels"] and p["language"] == "pcm", p["text"]
    rules = {e["rule"] for p in report.paragraphs for e in p["evidence"]}
    assert "creole_headline" in rules


def test_capitalised_first_word_after_a_colon_is_a_marker():
    assert "wetin" in measure(TEASERS[2]).creole_words
    assert measure("Don Quixote is a novel by Miguel de Cervantes.").creole_hits == 0   # a name, not "don"


def test_only_the_line_right_above_a_pidgin_paragraph_is_its_headline(checker):
    # headlines do not spread to headlines: the short English line above the teaser's headline stays English
    report = _report(checker, ARTICLE + ["Snow warning for the north of England", *TEASERS[:2]])
    upper, headline, body = report.paragraphs[len(ARTICLE):]
    assert upper["labels"] == [] and upper["language"] == "en"
    assert "off_language" in headline["labels"] and "off_language" in body["labels"]


def test_a_line_other_rules_flagged_is_not_taken_as_a_pidgin_headline(checker):
    report = _report(checker, ARTICLE + ["Share this page", TEASERS[1]])
    share, body = report.paragraphs[len(ARTICLE):]
    assert share["labels"] == ["boilerplate"]
    assert "off_language" in body["labels"]


def test_languages_that_share_pidgin_markers_are_not_pidgin(checker):
    # "na", "sabi", "una" are Tagalog words too: a Tagalog article came back Nigerian Pidgin
    tagalog = [
        "Sabi ng alkalde na bubuksan na ang bagong tulay sa susunod na buwan.",
        "Ayon sa mga opisyal, mahigit sampung libong sasakyan ang dadaan dito araw-araw.",
        "Natuwa ang mga residente na matagal na nilang hinihintay ang proyekto, sabi ng isang tindera.",
    ]
    assert all(measure(p).creole is None and measure(p).creole_near is None for p in tagalog)
    report = _report(checker, tagalog)
    assert report.language == "tl"
    assert not any(p["language"] == "pcm" for p in report.paragraphs)
