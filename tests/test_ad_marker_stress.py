"""Ad-slot leftovers and prose about advertising (tests/fixtures/ad_marker_stress.tsv, written by hand for this
test): each line, put between the paragraphs of a short article, gets the label the fixture gives it.

ad_marker: an ad slot's placeholder or label, or the text left where an ad was ([ad#2], [adsense], <!-- ad -->,
'Advertisement - scroll to continue', 'Story continues below advertisement', 'Anzeige'). boilerplate: native-
advertising and recommendation labels ('Sponsored content', 'Ads by Google'), page chrome. clean: headlines,
captions and prose about advertising. not_ad: anything but ad_marker.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qualitycheck import Checker

FIXTURE = Path(__file__).parent / "fixtures" / "ad_marker_stress.tsv"
ARTICLE = [
    "Ferry operator adds winter sailings",
    "The island's ferry operator will add three extra sailings a week from December, after residents complained "
    "that the winter timetable left them stranded on weekends.",
    "The company said the new crossings would run on Fridays and Sundays, when demand from students and hospital "
    "patients is highest.",
    "Councillors welcomed the change but said they would keep pressing for a larger vessel on the route.",
]


def _rows() -> list[tuple[str, str]]:
    rows = []
    for raw in FIXTURE.read_text("utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        label, line = raw.split("\t", 1)
        assert label in {"ad_marker", "boilerplate", "clean", "not_ad"}, raw
        rows.append((label, line))
    return rows


ROWS = _rows()


def test_the_stress_set_is_large_and_balanced():
    labels = [label for label, _ in ROWS]
    assert labels.count("ad_marker") >= 120
    assert labels.count("clean") + labels.count("not_ad") >= 120
    assert len({line for _, line in ROWS}) == len(ROWS), "a line listed twice"


@pytest.fixture(scope="module")
def fast_checker():
    return Checker(spin_enabled=False)


def _label_of(checker: Checker, line: str) -> str:
    report = checker.check("\n\n".join([*ARTICLE[:2], line, *ARTICLE[2:]]))
    paragraph = report.paragraphs[2]
    assert paragraph["text"] == line.strip()
    labels = set(paragraph["labels"])
    return "ad_marker" if "ad_marker" in labels else "boilerplate" if "boilerplate" in labels else "clean"


@pytest.mark.parametrize("expected, line", ROWS)
def test_stress_line(fast_checker, expected, line):
    got = _label_of(fast_checker, line)
    if expected == "not_ad":
        assert got != "ad_marker", line
    else:
        assert got == expected, line


def test_article_around_the_stress_lines_stays_clean(fast_checker):
    """The ad lines flag themselves only: every ad_marker line of the set between the article's paragraphs."""
    ads = [line for label, line in ROWS if label == "ad_marker"]
    body = [ARTICLE[0]]
    for k, line in enumerate(ads):
        body += [line, ARTICLE[1 + k % 3]]
    report = fast_checker.check("\n\n".join(body))
    for paragraph in report.paragraphs:
        if paragraph["text"] in ARTICLE:
            assert not set(paragraph["labels"]) & {"ad_marker", "boilerplate"}, paragraph["text"]
        else:
            assert "ad_marker" in paragraph["labels"], paragraph["text"]
