"""Within-document duplicates on documents written for these tests: what is a repeat (the same paragraph up to
case, spacing, punctuation and quote style, or with a photo credit or site name added or dropped) and what is
not (a prefix that ends inside a word, lines that only start alike, short lines, chrome already labelled)."""
from __future__ import annotations

import time

import pytest

from qualitycheck import Checker
from qualitycheck.config import Config
from qualitycheck.document import Document, Paragraph
from qualitycheck.signals.duplicates import ContainedPassageSignal, DuplicateSignal

BODY = [
    "The island's ferry operator will add three extra sailings a week from December, after residents complained "
    "that the winter timetable left them stranded on weekends.",
    "The company said the new crossings would run on Fridays and Sundays, when demand from students and hospital "
    "patients is highest.",
    "Councillors welcomed the change but said they would keep pressing for a larger vessel on the route.",
]
CAPTION = "A ferry leaves the island's main harbour on Tuesday morning."


@pytest.fixture(scope="module")
def fast_checker():
    return Checker(spin_enabled=False)


def duplicates(checker, paragraphs):
    """{index: duplicate rule} of the document made of `paragraphs`."""
    report = checker.check("\n\n".join(paragraphs))
    assert len(report.paragraphs) == len(paragraphs)
    return {p["index"]: next(e["rule"] for e in p["evidence"] if e["label"] == "duplicate")
            for p in report.paragraphs if "duplicate" in p["labels"]}


@pytest.mark.parametrize("first, again", [
    (BODY[0], BODY[0]),
    (BODY[0], "  " + BODY[0].upper().replace(" ", "   ")),
    (CAPTION, CAPTION.rstrip(".")),                                       # the full stop dropped
    (CAPTION, CAPTION.replace("'", "\u2019").replace(".", "!")),
    ('"We will not let this town die," the mayor said.', "'We will not let this town die,' the mayor said."),
    ('"We will not let this town die," the mayor said.', "\u201cWe will not let this town die\u201d \u2013 the mayor said"),
    ("Ferry operator adds winter sailings", "Ferry Operator Adds Winter Sailings."),
])
def test_repeats_up_to_case_spacing_punctuation_and_quotes(fast_checker, first, again):
    assert duplicates(fast_checker, [first, BODY[0] if first != BODY[0] else BODY[1], again, BODY[2]]) == {
        2: "exact_repeat"}


@pytest.mark.parametrize("credit", [" (Photo: Jane Smith/Getty Images)", " Photo: Reuters", " | Photo: AP",
                                    " REUTERS/Jane Doe", " (AP Photo/John Doe)", " Credit: Island Times",
                                    " Picture: PA", " Jane Smith/Getty Images"])
def test_a_caption_repeated_with_or_without_its_credit(fast_checker, credit):
    assert duplicates(fast_checker, [CAPTION, BODY[0], CAPTION + credit, BODY[1]]) == {2: "repeat_with_suffix"}
    # the credit on the first occurrence only: the bare repeat is the duplicate
    assert duplicates(fast_checker, [CAPTION + credit, BODY[0], CAPTION, BODY[1]]) == {2: "repeat_without_suffix"}


@pytest.mark.parametrize("first, again", [(" Photo: Jane Smith/AP", " Photo: AP"),
                                          (" (Getty Images)", " (Reuters)"),
                                          (" Picture: PA", " Credit: Island Times")])
def test_a_caption_repeated_with_another_credit(fast_checker, first, again):
    # the alt text and the caption of one photo, credited differently: neither credit holds the other
    assert duplicates(fast_checker, [CAPTION + first, BODY[0], CAPTION + again, BODY[1]]) == {
        2: "repeat_with_other_credit"}
    # two different captions with one agency are two captions
    other = "Passengers queue for the first winter sailing on Friday evening."
    assert duplicates(fast_checker, [CAPTION + first, BODY[0], other + first, BODY[1]]) == {}


def test_a_short_caption_with_a_long_credit(fast_checker):
    """The credit is longer than the caption: still a repeat (a credit, not the 40% share rule)."""
    caption = "Divers at the wreck site."
    credit = " (Photo: Jane Smith-Whitaker/Getty Images)"
    assert duplicates(fast_checker, [caption, BODY[0], caption + credit]) == {2: "repeat_with_suffix"}
    assert duplicates(fast_checker, [caption + credit, BODY[0], caption]) == {2: "repeat_without_suffix"}


@pytest.mark.parametrize("page_title", ["Ferry operator adds winter sailings - Island Times",
                                        "Ferry operator adds winter sailings | Island Times"])
def test_a_title_repeated_at_the_top(fast_checker, page_title):
    headline = "Ferry operator adds winter sailings"
    assert duplicates(fast_checker, [headline, headline, *BODY]) == {1: "exact_repeat"}
    assert duplicates(fast_checker, [page_title, headline, *BODY]) == {1: "repeat_without_suffix"}
    assert duplicates(fast_checker, [headline, page_title, *BODY]) == {1: "repeat_with_suffix"}


def test_a_teaser_then_the_full_paragraph_keeps_the_full_one(fast_checker):
    """A later paragraph that goes on from an earlier one with sentences of its own is the fuller copy: the
    earlier one is the duplicate, and the cleaned text keeps every sentence of the later one."""
    teaser = BODY[0]
    full = BODY[0] + " Tickets for the extra crossings go on sale at the harbour office next week."
    report = fast_checker.check("\n\n".join([teaser, BODY[1], full, BODY[2]]))
    flagged = {p["index"]: p["evidence"][0] for p in report.paragraphs if "duplicate" in p["labels"]}
    assert list(flagged) == [0] and flagged[0]["rule"] == "repeated_with_more"
    assert "paragraph 2" in flagged[0]["detail"]
    assert "Tickets for the extra crossings" in report.clean_text
    assert report.clean_text.count("after residents complained") == 1


@pytest.mark.parametrize("tail, flagged", [
    (" Tickets go on sale at the harbour office.", 0),    # eight more words: a sentence of its own
    (" Tickets go on sale today.", 2),                    # five: kept as a short tail on the later copy
    (" (Photo: Jane Smith-Whitaker of the Island Times/Getty Images)", 2),   # a long credit is still a credit
])
def test_which_copy_a_continuation_flags(fast_checker, tail, flagged):
    assert list(duplicates(fast_checker, [BODY[0], BODY[1], BODY[0] + tail])) == [flagged]


def test_a_teaser_repeated_and_continued_is_flagged_once(fast_checker):
    """The teaser twice, then the full paragraph: the repeat is an exact repeat of the teaser, and the
    teaser itself is the shorter copy of the full paragraph; each paragraph carries one duplicate label."""
    full = BODY[0] + " Tickets for the extra crossings go on sale at the harbour office next week."
    assert duplicates(fast_checker, [BODY[0], BODY[0], BODY[1], full]) == {0: "repeated_with_more",
                                                                           1: "exact_repeat"}


def test_a_pasted_paragraph_and_a_pull_quote(fast_checker):
    quote = "\u201cWe have waited ten years for this,\u201d said one islander."
    assert duplicates(fast_checker, [BODY[0], quote, BODY[1], BODY[0], BODY[2], '"We have waited ten years for '
                                     'this," said one islander.']) == {3: "exact_repeat", 5: "exact_repeat"}


QUOTE_WORDS = "We will not let the island be cut off again this winter"


@pytest.mark.parametrize("first, second", [
    # the same quotation twice, as a pull quote and as a body paragraph: each is inside the other's words
    (f"\u201c{QUOTE_WORDS}\u201d \u2014 Harbour master Ann Reid", f"\u201c{QUOTE_WORDS},\u201d Reid told the council."),
    (f"\u201c{QUOTE_WORDS},\u201d Reid told the council.", f"\u201c{QUOTE_WORDS}\u201d \u2014 Harbour master Ann Reid"),
])
def test_a_quotation_given_twice_with_two_attributions_is_kept_once(fast_checker, first, second):
    report = fast_checker.check("\n\n".join([BODY[0], first, BODY[1], second, BODY[2]]))
    assert [p["labels"] for p in report.paragraphs].count(["duplicate"]) == 1
    assert report.clean_text.count("cut off again") == 1


def test_a_quoted_headline_is_not_a_pull_quote_of_its_lead(fast_checker):
    """A headline that is a quotation ('\u2018We will not ...,\u2019 says harbour master') is repeated by the lead, as
    an unquoted headline's words may open the lead: the title stays, as the first paragraph always does."""
    title = "\u2018We will not let the island be cut off,\u2019 says harbour master"
    lead = ("The harbour master told the council on Monday: \u201cWe will not let the island be cut off,\u201d as "
            "storms closed the pier.")
    assert duplicates(fast_checker, [title, lead, BODY[1], BODY[2]]) == {}


def test_a_passage_is_not_a_duplicate_of_a_paragraph_the_cleaned_text_drops(fast_checker):
    """The English quotation is inside a French paragraph that is off_language: were it a pull quote of that
    paragraph, the cleaned text would hold it nowhere."""
    quote = "\u201cWe will not let the island be cut off\u201d"
    french = ("Le ministre des transports a d\u00e9clar\u00e9 mardi \u00e0 la presse locale, apr\u00e8s une longue "
              "r\u00e9union avec les p\u00eacheurs du port et les \u00e9lus de la commune, que l'\u00c9tat ne "
              "laisserait pas tomber les habitants de l'\u00eele : \u00ab We will not let the island be cut off "
              "\u00bb, a-t-il r\u00e9p\u00e9t\u00e9 devant les cam\u00e9ras de la t\u00e9l\u00e9vision r\u00e9gionale.")
    report = fast_checker.check("\n\n".join([BODY[0], quote, BODY[1], french, BODY[2]]))
    assert [p["labels"] for p in report.paragraphs] == [[], [], [], ["off_language"], []]
    assert "island be cut off" in report.clean_text


def test_an_apostrophe_is_not_the_end_of_a_quotation(fast_checker):
    """\u2018Tis ... council\u2019s: the mark inside 'council\u2019s' is an apostrophe, so the paragraph is not
    one quotation with an attribution, and its own words ('wrote one resident on the island forum') stay."""
    body = ("Locals joked that \u2018Tis the season to be jolly and the council\u2019s budget is tight this winter, "
            "but the ferry will run.")
    line = "\u2018Tis the season to be jolly and the council\u2019s budget is tight, wrote one resident on the forum."
    assert duplicates(fast_checker, [BODY[0], body, BODY[1], line]) == {}


@pytest.mark.parametrize("closing", ["\u2019", "'"])
def test_an_apostrophe_in_the_attribution_does_not_end_the_quotation(fast_checker, closing):
    """'\u201c...,\u201d said the ferry workers\u2019 union': the quotation ends at the closing mark of its own
    (double) kind, not at the plural possessive's apostrophe after it."""
    body = f"The harbour master told the council: \u201c{QUOTE_WORDS}.\u201d She did not give a date."
    line = f"\u201c{QUOTE_WORDS},\u201d said the ferry workers{closing} union."
    assert duplicates(fast_checker, [BODY[0], body, BODY[1], line]) == {3: "pull_quote"}


def test_an_attribution_that_goes_on_with_a_sentence_is_not_an_attribution(fast_checker):
    body = f"The harbour master told the council: \u201c{QUOTE_WORDS}.\u201d She did not give a date."
    line = f"\u201c{QUOTE_WORDS},\u201d she said. The mayor agreed."
    report = fast_checker.check("\n\n".join([BODY[0], body, BODY[1], line]))
    assert "The mayor agreed." in report.clean_text
    # an attribution of one clause is still one
    line = f"\u201c{QUOTE_WORDS},\u201d she said."
    assert duplicates(fast_checker, [BODY[0], body, BODY[1], line]) == {3: "pull_quote"}


@pytest.mark.parametrize("paragraphs", [
    # a prefix that ends inside a word is not a repeat ('Monday' / 'Mondays')
    ["The council will meet on Monday", BODY[0], "The council will meet on Mondays and Fridays"],
    ["Reporting by Jane Smith", "Reporting by Jane Smithson; additional reporting by Tom Jones"],
    # credit lines that differ
    ["Reporting by Jane Smith; Editing by Tom Jones", "Reporting by Jane Smith", "Editing by Tom Jones"],
    # numbered steps and list items that start alike
    ["1.", "Preheat the oven to 200C.", "2.", "Mix the flour and butter.",
     "Step 1: Mix the flour and the butter", "Step 2: Mix the flour and the sugar"],
    ["- Two new sailings on Fridays", "- Two new sailings on Sundays", "- Two new sailings on holidays"],
    # a lede that goes on from the headline with news of its own
    ["Bridge to close on Monday for repairs", "Bridge to close on Monday for repairs to its deck, the council said."],
    # short lines are chrome or answers, not duplicates
    ["Yes.", BODY[0], "Yes.", "Share", "Share", "Photo", "Photo"],
    # scores and numbers keep their parts: 2-1 is not 21
    ["Final score: Harbour United 2-1 Island Rovers", "Final score: Harbour United 21 Island Rovers"],
])
def test_lines_that_only_look_alike_are_not_duplicates(fast_checker, paragraphs):
    assert duplicates(fast_checker, paragraphs) == {}


def test_repeated_chrome_keeps_its_own_label_only(fast_checker):
    """'Story continues below advertisement' three times is three ad markers, not ad markers and duplicates
    (a second label would count the line twice in the document score)."""
    ad, share = "Story continues below advertisement", "Share this article on Facebook"
    report = fast_checker.check("\n\n".join([BODY[0], ad, BODY[1], ad, BODY[2], ad, share, share]))
    assert [p["labels"] for p in report.paragraphs] == [
        [], ["ad_marker"], [], ["ad_marker"], [], ["ad_marker"], ["boilerplate"], ["boilerplate"]]


def _apply(texts):
    doc = Document(id="x", path=None, text="",
                   paragraphs=[Paragraph(index=i, start=0, end=0, text=t) for i, t in enumerate(texts)])
    started = time.perf_counter()
    DuplicateSignal().apply(doc, Config(spin_enabled=False))
    ContainedPassageSignal().apply(doc, Config(spin_enabled=False))
    return time.perf_counter() - started, doc


SHAPES = {
    "distinct": lambda i: f"Entry {i} lists the unique item number {i * 7919} in the harbour register.",
    "same start": lambda i: "Comment from a reader on the island: " + "word " * (i % 300) + str(i),
    "captions and credits": lambda i: f"A ferry leaves harbour {i % 50} on Tuesday (Photo: Jane Smith {i}/Getty Images)",
    "prefixes of each other": lambda i: "The harbour wall " + "and the pier " * (i % 40),
    "long paragraphs": lambda i: f"{i} " + "The council said the vessel would sail on Monday. " * 40,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_5000_paragraph_document_stays_linear(shape):
    """5,000 paragraphs (the segmenter's cap) take about five times what 1,000 take, not 25 times. (The bound
    is 15 times: on a loaded machine 'same start' measured 6-14 times, best of two runs, in the fifteenth
    session; a quadratic walk would be 25.)"""
    make = SHAPES[shape]
    small = min(_apply([make(i) for i in range(1000)])[0] for _ in range(3))
    large, doc = min((_apply([make(i) for i in range(5000)]) for _ in range(3)), key=lambda run: run[0])
    assert large < 15 * small + 0.05, (shape, small, large)
    assert large < 10.0, (shape, large)
    if shape == "distinct":
        assert not any(p.flags for p in doc.paragraphs)
