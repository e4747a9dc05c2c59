"""The Python API pipeline users call: check(), a reusable Checker, score_frame on pandas."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import qualitycheck
from qualitycheck import Checker, Config, DocumentReport
from qualitycheck.checker import ModelLoadError
from qualitycheck.frames import QUALITY_COLUMNS

# Fixture articles written for these tests (not taken from the shared seeds or dev set).
ARTICLE = (
    "Harbor Town Council Approves New Ferry Schedule\n\n"
    "The harbor town council voted on Tuesday evening to extend the summer ferry schedule by two weeks, "
    "after local shop owners argued that the late season brought more visitors than the old timetable allowed for.\n\n"
    "Council members said the change would cost the town about forty thousand dollars, most of it for extra crew "
    "hours, and that the money would come from the parking fund rather than from property taxes.\n\n"
    "Residents who spoke at the meeting were mostly in favor, although several asked whether the ferry operator "
    "had enough boats to keep the early morning crossings running on time during the busiest weekends.\n\n"
    "The new schedule takes effect next month and will be reviewed by the council again in the autumn, when "
    "figures from the ticket office are expected to show whether the extra weeks paid for themselves."
)
NOISY = (ARTICLE + "\n\nAdvertisement\n\nSubscribe to our newsletter for the latest news\n\n"
         "El consejo municipal aprobó el martes un nuevo horario para el transbordador, que funcionará dos "
         "semanas más durante el verano, según explicaron los comerciantes del puerto.\n\n"
         "Council members said the change would cost the town about forty thousand dollars, most of it for extra crew "
         "hours, and that the money would come from the parking fund rather than from property taxes.")

FAST = Config(spin_enabled=False)


@pytest.fixture(scope="module")
def fast_checker() -> Checker:
    return Checker(FAST)


def test_check_returns_a_report_with_the_schema_fields():
    report = qualitycheck.check(NOISY, spin_enabled=False)
    assert isinstance(report, DocumentReport)
    record = report.to_dict()
    for key in ("schema", "id", "score", "verdict", "labels", "spun", "paragraphs", "clean_text", "language"):
        assert key in record
    assert report.language == "en"
    assert report.labels.get("ad_marker") == 1
    assert report.labels.get("boilerplate") == 1
    assert report.labels.get("duplicate") == 1
    assert report.labels.get("off_language") == 1
    assert "Advertisement" not in report.clean_text
    assert "transbordador" not in report.clean_text
    assert report.clean_text.startswith("Harbor Town Council")
    assert 0.0 <= report.score < 1.0


def test_clean_article_is_kept(fast_checker):
    report = fast_checker.check(ARTICLE)
    assert report.verdict == "keep"
    assert report.labels == {}
    assert report.score == 1.0


def test_short_clean_text_is_review_with_a_note(fast_checker):
    """Below min_clean_chars a document is at best review, and the report says why (its score alone
    would keep it); a long enough one gets no such note."""
    short = ARTICLE.split("\n\n")[1].split(", after")[0] + "."
    assert len(short) < Config().min_clean_chars
    report = fast_checker.check(short, id="short")
    assert report.score == 1.0 and report.verdict == "review"
    assert any("min_clean_chars" in n and str(len(report.clean_text)) in n for n in report.notes)
    assert not any("min_clean_chars" in n for n in fast_checker.check(ARTICLE).notes)
    lenient = Checker(FAST.updated(min_clean_chars=len(short) - 10)).check(short)
    assert lenient.verdict == "keep" and not any("min_clean_chars" in n for n in lenient.notes)
    # re-scoring a record (as the folder pass does) decides the note again: not twice, and not once spun
    from qualitycheck.folder import document_from_record
    from qualitycheck.scoring import build_report
    again = build_report(document_from_record(report.to_dict()), FAST)
    assert again.verdict == "review" and sum("min_clean_chars" in n for n in again.notes) == 1
    spun = document_from_record(report.to_dict())
    spun.spun_flag = True
    assert not any("min_clean_chars" in n for n in build_report(spun, FAST).notes)


def test_possible_spinning_is_review_with_a_note(fast_checker):
    """A document spun score above spun_review_threshold but not above spun_document_threshold sends a
    document the score would keep to review, saying why; at or below it, or flagged spun, no such note."""
    from qualitycheck.folder import document_from_record
    from qualitycheck.scoring import build_report
    config = FAST.updated(spun_review_threshold=0.25, spun_document_threshold=0.5)
    record = fast_checker.check(ARTICLE).to_dict()

    def verdict(spun_score, flag=False):
        doc = document_from_record(record)
        doc.spun_score, doc.spun_flag = spun_score, flag
        report = build_report(doc, config)
        return report.verdict, [n for n in report.notes if "possible spinning" in n], report

    assert verdict(0.3)[0] == "review" and len(verdict(0.3)[1]) == 1 and "0.30" in verdict(0.3)[1][0]
    assert verdict(0.25)[:2] == ("keep", [])
    assert verdict(None)[:2] == ("keep", [])
    assert verdict(0.9, flag=True)[:2] == (config.spun_verdict, [])
    # re-scored (the folder pass): decided again, one note
    again = build_report(document_from_record(verdict(0.3)[2].to_dict()), config)
    assert again.verdict == "review" and sum("possible spinning" in n for n in again.notes) == 1
    # a document its labels already keep from keep still says it may be spun
    noisy = document_from_record(fast_checker.check(NOISY).to_dict())
    noisy.spun_score = 0.3
    held = build_report(noisy, config)
    assert held.score < config.keep_threshold and any("possible spinning" in n for n in held.notes)
    with pytest.raises(ValueError):
        Config(spun_review_threshold=0.6, spun_document_threshold=0.5)


def test_to_dict_round_trip_and_json(fast_checker):
    report = fast_checker.check(NOISY, id="doc-1", metadata={"source": "unit"})
    record = report.to_dict()
    again = DocumentReport.from_dict(json.loads(json.dumps(record)))
    assert again == report
    assert again.metadata == {"source": "unit"}
    assert again.id == "doc-1"


def test_checker_is_reusable_and_deterministic(fast_checker):
    first = [fast_checker.check(t).to_dict() for t in (ARTICLE, NOISY, ARTICLE)]
    fresh = Checker(FAST)
    second = [fresh.check(t).to_dict() for t in (ARTICLE, NOISY, ARTICLE)]
    assert first == second
    assert first[0] == first[2]  # no state leaks from one document into the next


def test_module_check_reuses_one_checker_per_options():
    qualitycheck.check(ARTICLE, spin_enabled=False)
    from qualitycheck import checker as checker_module
    cached = dict(checker_module._default_checkers)
    qualitycheck.check(NOISY, spin_enabled=False)
    assert checker_module._default_checkers == cached  # same options: no new Checker built


def test_unknown_option_is_refused():
    with pytest.raises(ValueError, match="unknown config option"):
        qualitycheck.check(ARTICLE, no_such_threshold=3)


def test_empty_text_is_an_error_report_not_an_exception(fast_checker):
    report = fast_checker.check("   \n")
    assert report.error is not None
    assert report.verdict == "drop"


def test_score_frame_adds_columns_aligned_with_the_index(fast_checker):
    texts = [NOISY, ARTICLE, None, "Short note.", ARTICLE]
    frame = pd.DataFrame({"text": texts, "source": list("abcde")}, index=[40, 7, 19, 3, 11])
    out = fast_checker.score_frame(frame)
    assert list(out.columns) == ["text", "source", *QUALITY_COLUMNS]
    assert list(out.index) == [40, 7, 19, 3, 11]
    assert out["text"].tolist()[:2] == texts[:2]  # the original columns are untouched
    for index, text in zip(out.index, texts):
        row = out.loc[index]
        if text is None:
            assert row["verdict"] == "drop" and row["error"] == "'text' field is null (missing value)"
            continue
        report = fast_checker.check(text)
        assert row["verdict"] == report.verdict
        assert row["score"] == report.score
        assert row["clean_text"] == report.clean_text
        assert row["n_ad_marker"] == report.labels.get("ad_marker", 0)
        assert bool(row["spun"]) is bool(report.spun["flag"])
    assert out.loc[40, "n_duplicate"] == 1
    assert out.loc[7, "language"] == "en"
    assert str(out["n_boilerplate"].dtype) == "int64"
    assert str(out["score"].dtype) == "float64"


def test_score_frame_uses_the_id_column_and_refuses_clashes(fast_checker):
    frame = pd.DataFrame({"body": [ARTICLE], "doc": ["x1"], "score": [0.3]})
    with pytest.raises(ValueError, match="prefix"):
        fast_checker.score_frame(frame, text_col="body")
    from qualitycheck.frames import score_frame
    out = score_frame(fast_checker, frame, text_col="body", id_col="doc", prefix="qc_")
    assert out["score"].tolist() == [0.3]  # the user's column survives
    assert out["qc_verdict"].tolist() == ["keep"]
    with pytest.raises(KeyError):
        fast_checker.score_frame(frame, text_col="missing")
    # an id column the frame lacks is named as a text column is (fuzz25: a bare KeyError: 'ident')
    with pytest.raises(KeyError, match="no column 'ident' in the frame"):
        fast_checker.score_frame(frame, text_col="body", id_col="ident", prefix="qc_")


def test_score_frame_on_an_empty_frame(fast_checker):
    out = fast_checker.score_frame(pd.DataFrame({"text": pd.Series([], dtype=object)}))
    assert len(out) == 0
    assert set(QUALITY_COLUMNS) <= set(out.columns)


def test_score_frame_missing_values_are_none_whatever_the_other_rows_hold(fast_checker):
    """`error` and `language` hold None where a report has none, as the report, the datasets columns and a
    frame without errors do. Before (fuzz25, pandas 3) a frame with one bad row got NaN in the others: pandas
    inferred a str column from text and None, and turned None into NaN."""
    frame = pd.DataFrame({"text": [ARTICLE, None, "12345 678"]}, index=[4, 4, 9])
    out = fast_checker.score_frame(frame)
    assert out.index.tolist() == [4, 4, 9]
    assert out["error"].tolist()[0] is None and out["error"].tolist()[2] is None
    assert out["language"].tolist()[1] is None and out["language"].tolist()[0] == "en"
    assert out["error"].dtype == object and out["verdict"].tolist()[1] == "drop"


# --- found by the twelfth session's bug hunt ----------------------------------------------------------------------

FAST_API = Config(spin_enabled=False)


@pytest.mark.parametrize("value", [None, 123, b"bytes text", ["a"]])
def test_check_refuses_what_is_not_a_string(value):
    with pytest.raises(TypeError, match="text must be a str"):
        Checker(FAST_API).check(value)


def test_check_reads_lone_surrogates_as_filter_and_scan_do():
    report = Checker(FAST_API).check(ARTICLE + " \ud800")
    assert not any(note.startswith("signal failed") for note in report.notes)
    assert "1 character(s) replaced with U+FFFD" in " ".join(report.notes)
    report.clean_text.encode("utf-8")   # writable as UTF-8
    assert all(p["perplexity"] is not None for p in report.paragraphs)


@pytest.mark.parametrize("options, message", [
    ({"main_language": "EN"}, "langdetect knows"),
    ({"main_language": "xx"}, "langdetect knows"),
    ({"spun_verdict": "maybe"}, "spun_verdict"),
    ({"spin_enabled": "no"}, "spin_enabled must be bool"),
    ({"keep_threshold": "0.9"}, "keep_threshold must be float"),
    ({"spun_document_threshold": float("nan")}, "from 0 to 1"),
    ({"max_chars": 1.5}, "max_chars must be int"),
    ({"label_weights": {"spun": -1}}, "label_weights"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        Config(**options)
    with pytest.raises(ValueError, match=message):
        qualitycheck.check(ARTICLE, **options)


def test_type_errors_name_the_whole_type():
    # the annotation "dict[str, float]" was cut at its first space: "must be dict[str,"
    with pytest.raises(ValueError) as info:
        Config().updated(label_weights=[1])
    assert str(info.value) == "label_weights must be dict[str, float], got list [1]"
    with pytest.raises(ValueError) as info:
        Config(main_language=5)
    assert str(info.value) == "main_language must be str or None, got int 5"


def test_good_options_still_pass():
    Config(main_language="zh-cn", spun_verdict="review", keep_threshold=1, max_chars=10_000)


def test_a_model_file_that_is_not_there_is_an_error_at_once(tmp_path):
    for name in ("model_path", "spin_model_path", "spin_weights_path"):
        with pytest.raises(ModelLoadError, match=name):
            Checker(**{name: str(tmp_path / "missing.kenlm")})


def test_score_frame_through_the_checker_takes_a_prefix_and_refuses_doubled_columns():
    checker = Checker(FAST_API)
    frame = pd.DataFrame({"text": [ARTICLE], "score": [1]})
    out = checker.score_frame(frame, prefix="qc_")
    assert out["score"].tolist() == [1] and "qc_verdict" in out.columns
    doubled = pd.concat([frame[["text"]], frame[["text"]]], axis=1)
    with pytest.raises(ValueError, match="2 columns named 'text'"):
        checker.score_frame(doubled)


def test_perplexity_off_changes_only_the_perplexity_field(tmp_path):
    """perplexity_enabled=False drops the per-paragraph perplexity and nothing else: labels, scores, verdicts and
    the spin detector's scores (which then tokenise the text themselves) stay the same; a scan's run.json says
    so and names no perplexity model."""
    from click.testing import CliRunner

    from qualitycheck.cli import main

    texts = [ARTICLE, NOISY, ARTICLE.replace("ferry", "boat service")]
    with_ppl, without = Checker(), Checker(perplexity_enabled=False)
    assert "perplexity" not in [s.name for s in without.signals]
    for text in texts:
        a, b = with_ppl.check(text).to_dict(), without.check(text).to_dict()
        assert any(p["perplexity"] is not None for p in a["paragraphs"])
        assert all(p["perplexity"] is None for p in b["paragraphs"])
        for record in (a, b):
            for p in record["paragraphs"]:
                p.pop("perplexity")
        assert a == b
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(NOISY, encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(tmp_path / "run"), "--no-perplexity",
                                       "--no-spin", "-q", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["config"]["perplexity_enabled"] is False and info["models"] == {}
    record = json.loads((tmp_path / "run" / "documents.jsonl").read_text())
    assert record["labels"] and all(p["perplexity"] is None for p in record["paragraphs"])
