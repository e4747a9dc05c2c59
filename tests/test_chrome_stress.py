"""The boilerplate signal on a stress set of site chrome and hard negatives written for it
(tests/fixtures/chrome_stress.tsv: see its header). Every chrome line must be flagged and every negative left
alone, so a rule change that loses a family of chrome, or starts firing on prose, fails here line by line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualitycheck import Checker
from qualitycheck.signals import boilerplate
from qualitycheck.signals.boilerplate import load_rules, required_literals
from qualitycheck.textnorm import normalize_line

FIXTURE = Path(__file__).parent / "fixtures" / "chrome_stress.tsv"
BLOCK = " ¶ "
CHROME_LABELS = {"boilerplate", "ad_marker"}
ARTICLE = [
    "Harbour wall repairs to start in spring",
    "Work to repair the harbour wall at Dunmore will begin in April, after winter storms opened a crack along a "
    "40-metre stretch of the old stone pier.",
    "The county council said the repairs would cost about £1.4m and take six months, during which the slipway "
    "will be closed to boats.",
    "Fishermen said they were relieved that work would start before the summer, when the harbour is at its busiest.",
]


def load_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in FIXTURE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            category, label, text = line.split("\t")
            rows.append((category, label, text))
    return rows


ROWS = load_rows()


@pytest.fixture(scope="module")
def checker():
    return Checker(spin_enabled=False)


def test_fixture_is_large_and_balanced():
    labels = [label for _, label, _ in ROWS]
    assert labels.count("boilerplate") >= 300 and labels.count("clean") >= 300
    assert set(labels) == {"boilerplate", "clean"}
    assert len({text for *_, text in ROWS}) == len(ROWS)
    assert len({category for category, label, _ in ROWS if label == "boilerplate"}) >= 15


@pytest.mark.parametrize("category, label, text", ROWS,
                         ids=[f"{label}-{category}-{i}" for i, (category, label, _) in enumerate(ROWS)])
def test_stress_line(checker, category, label, text):
    block = [part.strip() for part in text.split(BLOCK)]
    # chrome goes where pages leave it, after the article; a negative sits among the article's paragraphs
    body = [*ARTICLE, *block] if label == "boilerplate" else [*ARTICLE[:2], *block, *ARTICLE[2:]]
    report = checker.check("\n\n".join(body))
    by_text = {p["text"].strip(): p for p in report.paragraphs}
    for part in block:
        found = set(by_text[part]["labels"]) & CHROME_LABELS
        if label == "boilerplate":
            assert found, f"chrome not flagged: {part!r}"
        else:
            assert not found, f"prose flagged: {part!r} {by_text[part]['evidence']}"
    for paragraph in ARTICLE:
        assert not by_text[paragraph.strip()]["labels"], paragraph


def test_phrase_rule_literal_filter_is_sound():
    """A phrase rule skips its regex on a paragraph holding none of the literals it needs: on every text of the
    fixture (and its sentences), a regex match always comes with one of those literals."""
    texts = [part for *_, text in ROWS for part in text.split(BLOCK)] + ARTICLE
    texts += [s for t in list(texts) for s in re.split(r"(?<=[.!?])\s+", t)]
    checked = 0
    for rule in load_rules():
        if rule.kind != "phrase" or rule.needs is None:
            continue
        for text in texts:
            if rule.regex.search(text):
                checked += 1
                assert any(literal in text.casefold() for literal in rule.needs), (rule.name, text)
    assert checked > 300


def test_required_literals():
    assert required_literals(r"\bsign up\b.{0,40}\b(free|email)\b") == ("sign up",)
    assert required_literals(r"\bprivacy policy\b|\bterms of (use|service)\b") == ("privacy policy", "terms of ")
    assert required_literals(r"\b(get|receive) (our |free )*e-?mail alerts") == ("mail alerts",)   # optional parts skipped
    assert required_literals(r"(ab)?cookies?") == ("cookie",)
    assert required_literals(r"(foo|bar)+baz") == ("baz",)
    assert required_literals(r"(sign|log) ?in to (reply|comment)") == ("in to ",)
    assert required_literals(r"©|\(c\) (19|20)\d\d") is None     # a one-character literal filters nothing
    assert required_literals(r"\w+ed") is None


def test_rules_skip_paragraphs_without_their_literals(monkeypatch):
    """The filter is used: a phrase rule's regex is not run on a paragraph that lacks its literals."""
    from qualitycheck.config import Config
    from qualitycheck.document import Document, Paragraph
    calls = []
    rules = []
    for rule in load_rules():
        if rule.kind == "phrase" and rule.needs:
            class Spy:
                def __init__(self, regex, name):
                    self.regex, self.name = regex, name

                def search(self, text):
                    calls.append(self.name)
                    return self.regex.search(text)
            rule = boilerplate.Rule(rule.name, rule.label, rule.kind, Spy(rule.regex, rule.name), rule.max_chars,
                                    rule.note, rule.narrative_guard, rule.needs)
        rules.append(rule)
    monkeypatch.setattr(boilerplate, "load_rules", lambda: tuple(rules))
    text = "Fishermen mended nets on the quay at dawn"
    doc = Document("x", None, text, [Paragraph(0, 0, len(text), text)])
    boilerplate.BoilerplateSignal().apply(doc, Config())
    needing = [r.name for r in rules if r.kind == "phrase" and r.needs
               and not any(literal in text.casefold() for literal in r.needs)]
    assert needing and not set(calls) & set(needing)


@pytest.mark.parametrize("raw, line", [
    ("Next Post »", "next post"), ("« Previous: Bread recipes", "previous: bread recipes"), ("Top ↑", "top"),
    ("☰ Menu", "menu"), ("Trending Now 🔥", "trending now"), ("SUBSCRIBE ✉️", "subscribe"),
    ("- Advertisement -", "advertisement"), ('One response to "Lasagna"', 'one response to "lasagna"'),
    ("Home » News » Local", 'home " news " local'), ("© 2024 Valley Herald", "© 2024 valley herald"),
])
def test_line_normalisation_strips_arrows_and_icons(raw, line):
    assert normalize_line(raw) == line


def test_heading_caught_by_another_rule_still_opens_a_section(checker):
    """'Read more' is also a call to action (a phrase rule finds it first); as a heading it still opens a
    related-articles section, so the teasers after it are flagged."""
    teasers = ["Why the bus timetable changed again", "Farmers warn of price rises after dry summer"]
    report = checker.check("\n\n".join([*ARTICLE, "Read more", *teasers]))
    by_text = {p["text"]: p for p in report.paragraphs}
    for teaser in teasers:
        assert by_text[teaser]["labels"] == ["boilerplate"], teaser


@pytest.mark.parametrize("text, prose", [
    ('"Subscribe to what?" she asked, laughing.', True),
    ('"Click here and you have lost your savings," the fraud officer warned.', True),
    ("The company said subscribers to its newsletter had doubled since the start of the year.", True),
    ("Subscribe to our newsletter for the week's best stories.", False),
    ("Critics accused the company of burying the changes in its privacy policy.", True),
    ("Get unlimited access for just $1 a week.", False),
    ("The Evening Edition: the day's news in five minutes. Sign up free.", False),
])
def test_prose_guard(text, prose):
    assert boilerplate._reads_as_prose(text, narrative=True) is prose


@pytest.mark.parametrize("text", [
    *(line for *_, line in ROWS), *ARTICLE, "  ÉDITION SPÉCIALE: Straße — ΣΊΣΥΦΟΣ »", "İstanbul · Next Post »", "ǅ ﬁnal ß",
])
def test_cased_line_folds_to_the_line(text):
    """Cased line rules see normalize_line_cased; the others its casefolded form, which must be normalize_line."""
    from qualitycheck.textnorm import normalize_line_cased
    assert normalize_line_cased(text).casefold() == normalize_line(text)


def test_only_line_rules_can_be_cased():
    assert {rule.kind for rule in load_rules() if rule.cased} <= {"line"}
    assert any(rule.cased for rule in load_rules())
