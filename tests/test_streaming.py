"""`qualitycheck filter`: JSONL in, kept records out, rejected ones routed with a reason."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitycheck import Checker, Config
from qualitycheck.cli import main
from qualitycheck.streaming import (REASON_MALFORMED, REASON_NO_TEXT, REASON_NOT_OBJECT, OverlongLine, filter_stream,
                                    quality_fields)

# Own fixture prose (never the shared seeds or dev set).
PARAGRAPHS = [
    "The county library reopened its main branch on Monday after a renovation that took most of the winter "
    "and added a larger reading room, new shelving and a quiet area for students preparing for exams.",
    "Library staff said the number of visitors on the first day was almost twice the usual figure, and that "
    "the children's section in particular had been busy from the moment the doors opened in the morning.",
    "The renovation was paid for with a grant from the state and with donations collected by a group of "
    "volunteers, who held book sales and concerts over the past two years to raise the remaining money.",
    "Opening hours will stay the same for now, but the library board plans to discuss longer evening hours "
    "at its next meeting, once it has seen how many people use the building after work on weekdays.",
]
GOOD = "\n\n".join(PARAGRAPHS)
NOISY = GOOD + "\n\nAdvertisement\n\nSubscribe to our newsletter for the latest news\n\n" + PARAGRAPHS[1]


def records() -> list[dict]:
    return [
        {"id": "good", "text": GOOD, "url": "https://example.org/good", "lang_hint": "en"},
        {"id": "noisy", "text": NOISY},
        {"id": "tiny", "text": "Short note."},
        {"id": "notext", "title": "no body at all"},
        {"id": "number", "text": 42},
    ]


def jsonl_lines(extra_bad: bool = True) -> list[str]:
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records()]
    if extra_bad:
        lines.insert(2, '{"id": "broken", "text": "unterminated\n')
        lines.insert(4, "[1, 2, 3]\n")
        lines.insert(1, "\n")  # blank lines are skipped, not rejected
    return lines


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Config(spin_enabled=False))


def test_filter_stream_keeps_and_routes_with_reasons(checker):
    kept, rejected = io.StringIO(), io.StringIO()
    stats = filter_stream(jsonl_lines(), kept, rejected, checker=checker)
    kept_records = [json.loads(line) for line in kept.getvalue().splitlines()]
    rejected_records = [json.loads(line) for line in rejected.getvalue().splitlines()]
    assert [r["id"] for r in kept_records] == ["good", "noisy"]
    assert stats.lines == 7 and stats.kept == 2 and stats.rejected == 5
    # kept records keep every original field and gain a quality object
    good = kept_records[0]
    assert good["url"] == "https://example.org/good" and good["lang_hint"] == "en" and good["text"] == GOOD
    assert good["quality"]["verdict"] == "keep" and good["quality"]["flagged_paragraphs"] == []
    noisy = kept_records[1]["quality"]
    assert noisy["labels"] == {"ad_marker": 1, "boilerplate": 1, "duplicate": 1}
    flagged = {p["index"]: p for p in noisy["flagged_paragraphs"]}
    assert set(flagged) == {4, 5, 6}
    assert all(p["reasons"] for p in flagged.values())
    assert "Advertisement" not in noisy["clean_text"]
    reasons = {r.get("id", r.get("raw")): r["reject_reason"] for r in rejected_records}
    assert reasons["tiny"] == "verdict_review"
    assert reasons["notext"] == REASON_NO_TEXT and reasons["number"] == REASON_NO_TEXT
    malformed = [r for r in rejected_records if r["reject_reason"] == REASON_MALFORMED]
    assert len(malformed) == 1 and malformed[0]["line"] == 4 and "unterminated" in malformed[0]["raw"]
    assert [r["raw"] for r in rejected_records if r["reject_reason"] == REASON_NOT_OBJECT] == ["[1, 2, 3]"]
    assert stats.reasons == {"verdict_review": 1, REASON_NO_TEXT: 2, REASON_MALFORMED: 1, REASON_NOT_OBJECT: 1}


def test_review_verdicts_and_min_score(checker):
    kept = io.StringIO()
    stats = filter_stream(jsonl_lines(False), kept, None, checker=checker, keep_verdicts=("keep", "review"))
    assert [json.loads(x)["id"] for x in kept.getvalue().splitlines()] == ["good", "noisy", "tiny"]
    noisy_score = checker.check(NOISY).score
    assert noisy_score < 1.0
    kept = io.StringIO()
    stats = filter_stream(jsonl_lines(False), kept, None, checker=checker, min_score=(noisy_score + 1.0) / 2)
    assert [json.loads(x)["id"] for x in kept.getvalue().splitlines()] == ["good"]
    assert stats.reasons["low_score"] == 1


def test_text_output_replaces_the_text_with_clean_text(checker):
    kept = io.StringIO()
    filter_stream(jsonl_lines(False), kept, checker=checker, output="text")
    out = {json.loads(x)["id"]: json.loads(x) for x in kept.getvalue().splitlines()}
    assert "quality" not in out["noisy"]
    assert out["noisy"]["text"] == checker.check(NOISY).clean_text
    assert "Subscribe" not in out["noisy"]["text"]
    assert out["good"]["url"] == "https://example.org/good"


def test_one_line_at_a_time(checker):
    """Line-by-line design: a record is written before the next input line is even read,
    so memory does not depend on input length."""
    kept, rejected = io.StringIO(), io.StringIO()
    source = jsonl_lines()
    written_before_read = []

    def lazy_lines():
        for line in source:
            written_before_read.append(kept.getvalue().count("\n") + rejected.getvalue().count("\n"))
            yield line

    filter_stream(lazy_lines(), kept, rejected, checker=checker)
    # before reading line k, every earlier non-blank line has produced exactly one output line
    non_blank_before = [sum(1 for x in source[:k] if x.strip()) for k in range(len(source))]
    assert written_before_read == non_blank_before


def test_jobs_give_the_same_output_in_the_same_order(checker):
    """filter with a pool: kept and rejected outputs byte-identical to one process, malformed lines,
    non-objects and blank lines included, on more records than the pool's window holds."""
    from qualitycheck.run import WINDOW_PER_JOB

    source = jsonl_lines() * (2 * WINDOW_PER_JOB)   # 2 jobs: twice the window's length
    outputs = []
    for jobs in (1, 2):
        kept, rejected = io.StringIO(), io.StringIO()
        stats = filter_stream(source, kept, rejected, checker=checker, jobs=jobs)
        outputs.append((kept.getvalue(), rejected.getvalue(), stats.lines, stats.kept, dict(stats.reasons)))
    assert outputs[0] == outputs[1]
    assert outputs[0][3] == 2 * 2 * WINDOW_PER_JOB and outputs[0][4][REASON_MALFORMED] == 2 * WINDOW_PER_JOB


def test_jobs_read_at_most_a_window_ahead(checker):
    """Memory stays flat with a pool too: the input is read at most the pool's window of lines ahead
    of what has been written."""
    from qualitycheck.run import WINDOW_PER_JOB

    jobs = 2
    kept, rejected = io.StringIO(), io.StringIO()
    source = jsonl_lines() * 12
    ahead = []

    def lazy_lines():
        for number, line in enumerate(source):
            written = kept.getvalue().count("\n") + rejected.getvalue().count("\n")
            ahead.append(sum(1 for x in source[:number] if x.strip()) - written)
            yield line

    filter_stream(lazy_lines(), kept, rejected, checker=checker, jobs=jobs)
    assert kept.getvalue().count("\n") + rejected.getvalue().count("\n") == sum(1 for x in source if x.strip())
    assert max(ahead) <= jobs * WINDOW_PER_JOB


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_callback_after_every_line(checker, jobs):
    seen = []
    filter_stream(jsonl_lines(), io.StringIO(), None, checker=checker, jobs=jobs,
                  on_progress=lambda s: seen.append((s.lines, s.kept + s.rejected)))
    non_blank = sum(1 for x in jsonl_lines() if x.strip())
    # one call per line written, in order; with a pool the input is read ahead of what is written
    assert [written for _, written in seen] == list(range(1, non_blank + 1))
    assert all(written <= read <= non_blank for read, written in seen)


def test_cli_jobs_option(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(jsonl_lines()), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        kept, rejected = tmp_path / f"kept{jobs}.jsonl", tmp_path / f"rejected{jobs}.jsonl"
        result = CliRunner().invoke(main, ["filter", str(source), "-o", str(kept), "--rejected", str(rejected),
                                           "--no-spin", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append((kept.read_bytes(), rejected.read_bytes()))
    assert outputs[0] == outputs[1] and outputs[0][0].count(b"\n") == 2


def test_quality_fields_are_json_safe(checker):
    fields = quality_fields(checker.check(NOISY))
    assert json.loads(json.dumps(fields)) == fields


# --- the CLI ------------------------------------------------------------------------------

def test_cli_stdin_to_stdout_with_rejected_gzip(tmp_path):
    rejected = tmp_path / "rejected.jsonl.gz"
    result = CliRunner().invoke(main, ["filter", "--no-spin", "--rejected", str(rejected)],
                                input="".join(jsonl_lines()))
    assert result.exit_code == 0, result.output
    kept_ids = [json.loads(x)["id"] for x in result.stdout.splitlines() if x.strip()]
    assert kept_ids == ["good", "noisy"]
    with gzip.open(rejected, "rt", encoding="utf-8") as handle:
        reasons = sorted(json.loads(x)["reject_reason"] for x in handle)
    assert reasons == sorted([REASON_MALFORMED, REASON_NOT_OBJECT, "verdict_review", REASON_NO_TEXT, REASON_NO_TEXT])
    assert "kept 2, rejected 5" in result.stderr


def test_cli_files_gzip_in_and_out(tmp_path):
    first = tmp_path / "a.jsonl.gz"
    with gzip.open(first, "wt", encoding="utf-8") as handle:
        handle.writelines(jsonl_lines()[:3])
    second = tmp_path / "b.jsonl"
    second.write_text("".join(jsonl_lines()[3:]), encoding="utf-8")
    out = tmp_path / "kept.jsonl.gz"
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q", str(first), str(second), "-o", str(out),
                                       "--verdict", "keep", "--verdict", "review", "--output", "text"])
    assert result.exit_code == 0, result.output
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        kept = [json.loads(x) for x in handle]
    assert [r["id"] for r in kept] == ["good", "noisy", "tiny"]
    assert result.stderr == ""


def test_cli_text_field_option():
    lines = [json.dumps({"id": "c1", "content": GOOD}) + "\n"]
    result = CliRunner().invoke(main, ["filter", "--no-spin", "--text-field", "content"], input="".join(lines))
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["quality"]["verdict"] == "keep"


def test_shell_pipe_with_gzip_stdin(tmp_path):
    """zcat-free: gzip bytes on stdin are recognised; output streams through a real pipe."""
    payload = gzip.compress("".join(jsonl_lines()).encode("utf-8"))
    rejected = tmp_path / "rej.jsonl"
    proc = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "--min-score", "0.7",
                           "--rejected", str(rejected)], input=payload, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    kept = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in kept] == ["good", "noisy"]
    assert len(rejected.read_text(encoding="utf-8").splitlines()) == 5


def test_shell_pipeline_downstream_reader_sees_every_line():
    """qualitycheck filter | consumer: the consumer reads each kept line as JSON."""
    producer = subprocess.Popen([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    consumer = subprocess.Popen([sys.executable, "-c",
                                 "import sys, json; print(sum(1 for l in sys.stdin if json.loads(l)['quality']))"],
                                stdin=producer.stdout, stdout=subprocess.PIPE)
    assert producer.stdout is not None and producer.stdin is not None
    producer.stdout.close()  # the consumer owns the read end now
    producer.stdin.write("".join(jsonl_lines()).encode("utf-8"))
    producer.stdin.close()
    out, _ = consumer.communicate(timeout=300)
    assert producer.wait(timeout=300) == 0
    assert out.decode().strip() == "2"


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    import random
    rng = random.Random(3)
    # Distinct records (numbered ids, shuffled sentences) so the gzip stream is long, not one repeat.
    lines = []
    for i in range(300):
        sentences = GOOD.replace("\n\n", " ").split(". ")
        rng.shuffle(sentences)
        lines.append(json.dumps({"id": f"r{i}-{rng.random()}", "text": GOOD + "\n\n" + ". ".join(sentences)}) + "\n")
    whole = gzip.compress("".join(lines).encode("utf-8"))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "kept.jsonl"
    result = CliRunner().invoke(main, ["filter", "--no-spin", str(broken), "-o", str(out)])
    assert result.exit_code == 1
    # a named file cut short is reported and the next file would be read (twelfth session; before, it
    # stopped the filter); standard input cut short still stops it, with "filter stopped"
    assert "could not be read" in result.stderr
    kept = out.read_text(encoding="utf-8").splitlines()
    assert kept and all(json.loads(x)["quality"] for x in kept)


def test_invalid_utf8_is_escaped_not_fatal(tmp_path):
    source = tmp_path / "latin1.jsonl"
    record = json.dumps({"id": "x", "text": GOOD.replace("county", "CAFE_MARK")}).replace("CAFE_MARK", "caf\udce9")
    source.write_bytes(record.encode("utf-8", "surrogateescape").replace(b"\\udce9", b"\xe9") + b"\n"
                       + (json.dumps({"id": "y", "text": GOOD}) + "\n").encode())
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q", str(source)])
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in kept] == ["x", "y"]
    assert "\\udce9" in result.stdout.splitlines()[0]  # the bad byte is kept, escaped


def test_closed_downstream_pipe_ends_quietly():
    """`qualitycheck filter | head -1`: the filter stops without a traceback."""
    many = "".join(jsonl_lines(False)[:2]) * 200
    producer = subprocess.Popen([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None and producer.stdin is not None and producer.stderr is not None
    import threading

    def feed() -> None:
        try:
            producer.stdin.write(many.encode("utf-8"))
            producer.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    first = producer.stdout.readline()
    producer.stdout.close()  # like `head -1` exiting
    err = producer.stderr.read()
    producer.wait(timeout=300)
    feeder.join(timeout=60)
    assert json.loads(first)["id"] == "good"
    assert producer.returncode == 0
    assert b"Traceback" not in err


def test_overlong_line_is_cut_not_held(tmp_path):
    from qualitycheck.streaming import iter_input_lines

    path = tmp_path / "big.jsonl"
    path.write_bytes(b'{"text": "' + b"x" * 5000 + b'"}\n{"text": "short"}\n')
    lines = list(iter_input_lines([str(path)], max_line_bytes=100))
    assert len(lines) == 2 and len(lines[0]) == 100 and lines[1] == b'{"text": "short"}\n'
    assert isinstance(lines[0], OverlongLine) and not isinstance(lines[1], OverlongLine)


def test_overlong_line_rejected_with_its_own_reason(tmp_path):
    """A line over the cap is reported as too long (not as malformed JSON, which the cut would make it),
    with a short excerpt, and the lines after it are still checked."""
    from qualitycheck.streaming import REASON_TOO_LONG, filter_stream, iter_input_lines

    path = tmp_path / "big.jsonl"
    story = "The council met on Tuesday and approved the budget for roads. " * 6
    path.write_bytes(b'{"id": "huge", "text": "' + b"word " * 5000 + b'"}\n'
                     + json.dumps({"id": "fine", "text": story}).encode() + b"\n")
    kept, rejected = io.StringIO(), io.StringIO()
    stats = filter_stream(iter_input_lines([str(path)], max_line_bytes=4000), kept, rejected,
                          keep_verdicts=("keep", "review"))
    bad = [json.loads(line) for line in rejected.getvalue().splitlines()]
    assert [b["reject_reason"] for b in bad] == [REASON_TOO_LONG]
    assert bad[0]["line"] == 1 and "4,000 bytes" in bad[0]["detail"] and len(bad[0]["raw"]) < 1200   # the head only, quotes escaped
    assert [json.loads(line)["id"] for line in kept.getvalue().splitlines()] == ["fine"]
    assert stats.reasons[REASON_TOO_LONG] == 1 and stats.lines == 2


# --- found by the twelfth session's bug hunt --------------------------------------------------------------------


def _filter(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q", *args],
                          input=stdin, capture_output=True, timeout=300)


def test_byte_order_marks_and_lines_python_cannot_hold(tmp_path):
    good = json.dumps({"id": "good", "text": GOOD}) + "\n"
    (tmp_path / "bom8.jsonl").write_bytes(b"\xef\xbb\xbf" + good.encode())
    (tmp_path / "bom16.jsonl").write_bytes(good.encode("utf-16"))
    deep = '{"text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    digits = '{"text": "x", "n": ' + "9" * 5000 + "}\n"
    (tmp_path / "bad.jsonl").write_text(deep + digits + good)
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    done = _filter(str(tmp_path / "bom8.jsonl"), str(tmp_path / "bom16.jsonl"), str(tmp_path / "bad.jsonl"),
                   "-o", str(kept), "--rejected", str(rejected))
    assert done.returncode == 0, done.stderr.decode()
    assert [json.loads(x)["id"] for x in kept.read_text().splitlines()] == ["good", "good", "good"]
    bad = [json.loads(x) for x in rejected.read_text().splitlines()]
    assert [(b["file"], b["line"], b["reject_reason"]) for b in bad] == [
        (str(tmp_path / "bad.jsonl"), 1, REASON_MALFORMED), (str(tmp_path / "bad.jsonl"), 2, REASON_MALFORMED)]
    assert "nested deeper than 100 levels" in bad[0]["detail"] and "digits" in bad[1]["detail"]
    assert bad[1]["raw"] == digits.rstrip("\n")   # the line as read, not escaped twice


def test_raw_of_a_malformed_line_is_the_line_itself(checker):
    line = '{"id": "x", "text": "caf\u00e9",}'
    rejected = io.StringIO()
    filter_stream([line + "\n"], io.StringIO(), rejected, checker=checker)
    out = json.loads(rejected.getvalue())
    assert out["raw"] == line and "file" not in out and out["line"] == 1


def test_gzip_on_stdin_arriving_one_byte_first(tmp_path):
    data = gzip.compress((json.dumps({"id": "good", "text": GOOD}) + "\n").encode())
    proc = subprocess.Popen([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    import time
    proc.stdin.write(data[:1])
    proc.stdin.flush()
    time.sleep(0.5)
    proc.stdin.write(data[1:])
    proc.stdin.close()
    out = proc.stdout.read()
    proc.wait(timeout=300)
    assert proc.returncode == 0, proc.stderr.read()
    assert [json.loads(x)["id"] for x in out.decode().splitlines()] == ["good"]


def test_outputs_that_are_inputs_are_refused(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "good", "text": GOOD}) + "\n")
    before = source.read_bytes()
    for args in (["-o", str(source)], ["--rejected", str(source)], ["-o", str(tmp_path / "x"), "--rejected", str(tmp_path / "x")]):
        result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-q", *args])
        assert result.exit_code == 2, (args, result.output)
        assert source.read_bytes() == before
    unwritable = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-q", "-o", str(tmp_path / "no" / "x.jsonl")])
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.output
    assert CliRunner().invoke(main, ["filter", str(source), "--min-score", "nan"]).exit_code == 2
    assert CliRunner().invoke(main, ["filter", str(source), "--min-score", "2"]).exit_code == 2


def test_an_output_that_is_standard_inputs_file_or_the_other_output_by_a_link_is_refused(tmp_path):
    """`filter -o x.jsonl < x.jsonl` opened the output, emptying the very file standard input reads (exit 0,
    input lost), and `-o a.jsonl --rejected link-to-a.jsonl` wrote both outputs into one file: the checks
    compared named inputs and paths as spelt only (fuzz25). Both are refused now, before anything is opened."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "good", "text": GOOD}) + "\n")
    before = source.read_bytes()
    for args in (["-o", str(source)], ["-", "--rejected", str(source)]):
        with open(source, "rb") as stdin:
            done = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q", *args],
                                  stdin=stdin, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and "is the file standard input reads" in done.stderr, (args, done.stderr)
        assert source.read_bytes() == before
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "out.jsonl")   # dangling until out.jsonl is made
    for out in (tmp_path / "out.jsonl", tmp_path / "hard.jsonl"):
        result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-q", "-o", str(out),
                                           "--rejected", str(tmp_path / "link.jsonl")])
        assert result.exit_code == 2 and "name the same file" in result.output, result.output
        (tmp_path / "out.jsonl").touch()
        if not (tmp_path / "hard.jsonl").exists():
            os.link(tmp_path / "out.jsonl", tmp_path / "hard.jsonl")
    with open(os.devnull, "rb") as stdin:   # a device is no file to empty
        done = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "filter", "--no-spin", "-q", "-o", os.devnull],
                              stdin=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr



def test_both_outputs_on_one_device_or_pipe_are_allowed(tmp_path):
    """Two outputs naming one file are refused because each opening truncates it and the two writers overwrite
    each other's bytes; a terminal, a pipe or /dev/null has nothing to truncate. `-o /dev/stdout --rejected
    /dev/stderr` with both streams on one pipe (or one terminal) resolved to the same file and was refused since
    the links check compared realpath/samefile (review25), and `-o /dev/null --rejected /dev/null` (keep only
    the summary) always was."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "good", "text": GOOD}) + "\n" + json.dumps({"id": "none", "txt": "x"}) + "\n")
    done = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "filter", str(source), "--no-spin", "-q",
                           "-o", "/dev/stdout", "--rejected", "/dev/stderr"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert done.returncode == 0, done.stdout
    assert {json.loads(line)["id"] for line in done.stdout.splitlines() if line.startswith("{")} == {"good", "none"}
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-o", os.devnull, "--rejected", os.devnull])
    assert result.exit_code == 0, result.output


def test_a_missing_input_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "good", "text": GOOD}) + "\n")
    rejected = tmp_path / "rejected.jsonl"
    done = _filter(str(tmp_path / "missing.jsonl"), str(tmp_path / "b.jsonl"), "--rejected", str(rejected))
    assert done.returncode == 1 and "could not be read" in done.stderr.decode()
    assert [json.loads(x)["id"] for x in done.stdout.decode().splitlines()] == ["good"]
    bad, = [json.loads(x) for x in rejected.read_text().splitlines()]
    assert bad["reject_reason"] == "unreadable_input" and bad["file"].endswith("missing.jsonl")
    assert "No such file" in bad["detail"]


def test_binary_input_is_one_rejection_as_scan_reports_it(tmp_path):
    # Before: an image named .jsonl became one malformed_json rejection per newline byte, with exit 0;
    # scan said "binary file (PNG image), not JSONL" and exited 1. Now filter says the same and exits 1.
    from qualitycheck.reading import iter_jsonl

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2
    (tmp_path / "img.jsonl").write_bytes(png)
    (tmp_path / "img.jsonl.gz").write_bytes(gzip.compress(png))
    (tmp_path / "noise.jsonl").write_bytes(bytes((i * 37 + 11) % 256 for i in range(50_000)))
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "good", "text": GOOD}) + "\n")
    names = ("img.jsonl", "img.jsonl.gz", "noise.jsonl")
    rejected = tmp_path / "rejected.jsonl"
    done = _filter(*(str(tmp_path / name) for name in names + ("b.jsonl",)), "--rejected", str(rejected))
    assert done.returncode == 1
    assert [json.loads(x)["id"] for x in done.stdout.decode().splitlines()] == ["good"]   # the next file is read
    bad = [json.loads(x) for x in rejected.read_text().splitlines()]
    scanned = [next(iter_jsonl(tmp_path / name)).error for name in names]
    assert scanned == ["binary file (PNG image), not JSONL"] * 2 + ["binary file (control bytes), not JSONL"]
    assert [(Path(b["file"]).name, b["reject_reason"], b["detail"]) for b in bad] == \
           [(name, "unreadable_input", why) for name, why in zip(names, scanned)]
    assert f"img.jsonl: {scanned[0]}" in done.stderr.decode()
    piped = _filter(stdin=png)
    assert piped.returncode == 1 and not piped.stdout
    assert f"<stdin>: {scanned[0]}" in piped.stderr.decode()


def test_input_files_are_closed_and_a_cut_gzip_is_one_rejection(tmp_path):
    import gc
    import warnings

    from qualitycheck.streaming import iter_input_lines

    good = json.dumps({"id": "good", "text": GOOD}) + "\n"
    (tmp_path / "a.jsonl").write_text(good)
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(good.encode()))
    (tmp_path / "c.jsonl").write_bytes(good.encode("utf-16"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            list(iter_input_lines([str(tmp_path / name) for name in ("a.jsonl", "b.jsonl.gz", "c.jsonl")]))
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]

    many = "".join(json.dumps({"id": f"r{i}", "text": GOOD}) + "\n" for i in range(200)).encode()
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(many)[:300])
    (tmp_path / "head.jsonl.gz").write_bytes(b"\x1f\x8b")
    rejected = tmp_path / "rejected.jsonl"
    done = _filter(str(tmp_path / "cut.jsonl.gz"), str(tmp_path / "head.jsonl.gz"), str(tmp_path / "a.jsonl"),
                   "--rejected", str(rejected))
    assert done.returncode == 1
    assert json.loads(done.stdout.decode().splitlines()[-1])["id"] == "good"   # the file after them is read
    bad = [json.loads(x) for x in rejected.read_text().splitlines() if json.loads(x)["reject_reason"] == "unreadable_input"]
    assert sorted(Path(b["file"]).name for b in bad) == ["cut.jsonl.gz", "head.jsonl.gz"]


def test_an_unopenable_rejected_file_leaves_the_kept_output_alone(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "good", "text": GOOD}) + "\n")
    kept = tmp_path / "kept.jsonl"
    kept.write_text("precious\n")
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-q", "-o", str(kept),
                                       "--rejected", str(tmp_path / "nodir" / "r.jsonl")])
    assert result.exit_code == 2 and kept.read_text() == "precious\n"


GERMAN = ("Die Stadtbibliothek hat am Montag nach einem langen Umbau wieder geöffnet. Der neue Lesesaal ist "
          "größer, und für Schüler gibt es einen ruhigen Bereich zum Lernen.\n\n"
          "Die Mitarbeiter sagten, am ersten Tag seien fast doppelt so viele Besucher gekommen wie sonst, vor "
          "allem in der Kinderabteilung, die vom Morgen an voll war.\n\n"
          "Bezahlt wurde der Umbau mit einem Zuschuss des Landes und mit Spenden, die Freiwillige in den "
          "letzten zwei Jahren bei Buchbasaren und Konzerten gesammelt haben.")


def test_filter_keeps_only_the_languages_asked_for(checker):
    lines = [json.dumps({"id": "en", "text": GOOD}) + "\n", json.dumps({"id": "de", "text": GERMAN}) + "\n"]
    kept, rejected = io.StringIO(), io.StringIO()
    stats = filter_stream(lines, kept, rejected, checker=checker)
    assert [json.loads(x)["id"] for x in kept.getvalue().splitlines()] == ["en", "de"]   # a clean page is kept
    kept, rejected = io.StringIO(), io.StringIO()
    stats = filter_stream(lines, kept, rejected, checker=checker, keep_languages=["en"])
    assert [json.loads(x)["id"] for x in kept.getvalue().splitlines()] == ["en"]
    out = [json.loads(x) for x in rejected.getvalue().splitlines()]
    assert [(r["id"], r["reject_reason"], r["quality"]["language"]) for r in out] == [("de", "language_de", "de")]
    assert stats.reasons == {"language_de": 1}


def test_filter_cli_keep_language(tmp_path):
    from click.testing import CliRunner

    from qualitycheck.cli import main

    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "en", "text": GOOD}) + "\n" + json.dumps({"id": "de", "text": GERMAN}) + "\n")
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-q", "--keep-language", "en",
                                       "--rejected", str(tmp_path / "rejected.jsonl")])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["en"]
    rejected = [json.loads(x) for x in (tmp_path / "rejected.jsonl").read_text().splitlines()]
    assert [r["reject_reason"] for r in rejected] == ["language_de"]


def test_damaged_gzip_data_is_one_rejection_not_a_crash(tmp_path):
    """A bad compressed block in a .jsonl.gz raises zlib.error, which is no OSError: `filter` stopped with a
    traceback (the files after it unread, standard input's "filter stopped" never said), and so did the count
    of documents behind scan's progress bar. Now it is reported as a .gz cut short is."""
    from qualitycheck.streaming import UnreadableInput, count_input_documents, iter_input_lines
    from tests.test_reading import damaged_deflate, numbered_records

    damaged = damaged_deflate(numbered_records(300))
    (tmp_path / "d.jsonl.gz").write_bytes(damaged)
    (tmp_path / "next.jsonl").write_text(json.dumps({"id": "next", "text": GOOD}) + "\n")
    lines = list(iter_input_lines([str(tmp_path / "d.jsonl.gz"), str(tmp_path / "next.jsonl")]))
    assert isinstance(lines[-2], UnreadableInput) and "while decompressing data" in lines[-2].error
    assert json.loads(lines[-1])["id"] == "next" and json.loads(lines[0])["id"] == "r0"
    assert count_input_documents([str(tmp_path / "d.jsonl.gz")]) >= 1
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q"], input=damaged)
    assert result.exit_code == 1 and "filter stopped: Error -3 while decompressing data" in result.stderr


def test_filter_cli_ctrl_c_says_how_far_it_got(tmp_path, monkeypatch):
    """Ctrl-C during `filter` printed click's bare "Aborted!" and exited 1, as if the filter had failed, with
    no word of what the output holds. Now it says how many records were written (kept and rejected), exits
    130 as shells expect after SIGINT, and a gzip output is closed so what was written can be read."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"r{n}", "text": GOOD}) + "\n" for n in range(4)))
    checked = [0]
    original = Checker.check_raw

    def interrupt_third(self, raw):
        checked[0] += 1
        if checked[0] == 3:
            raise KeyboardInterrupt
        return original(self, raw)

    monkeypatch.setattr(Checker, "check_raw", interrupt_third)
    out = tmp_path / "kept.jsonl.gz"
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "-o", str(out)])
    assert result.exit_code == 130, result.output
    assert "Aborted" not in result.output
    assert "interrupted after 2 records: kept 2, rejected 0" in result.stderr
    assert [json.loads(x)["id"] for x in gzip.decompress(out.read_bytes()).decode().splitlines()] == ["r0", "r1"]


def test_filter_cli_hints_at_text_field_when_no_record_has_it(tmp_path):
    """`filter --text-field content` on records holding their text in "text" kept nothing and said only
    "rejected 5 (no_text 5)" (scan names the missing field in each error). When every record lacks a text,
    standard error now says which field was read and points at --text-field; also with -q, since the
    output is then empty for a reason the user can fix."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"r{n}", "text": GOOD}) + "\n" for n in range(3)))
    for quiet in ([], ["-q"]):
        result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "--text-field", "content", *quiet])
        assert result.exit_code == 0 and result.stdout == ""
        assert "no record has a non-empty string in its 'content' field" in result.stderr
        assert "--text-field" in result.stderr
    # a malformed line beside them does not hide the hint (uat25: it did)
    source.write_text("{not json\n" + "".join(json.dumps({"id": f"r{n}", "text": GOOD}) + "\n" for n in range(2)))
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin", "--text-field", "content"])
    assert "malformed_json 1" in result.stderr and "no record has a non-empty string" in result.stderr
    # nor does a JSON line that is not an object, or an input file that cannot be read (review25: they did)
    source.write_text("[1, 2]\n" + "".join(json.dumps({"id": f"r{n}", "text": GOOD}) + "\n" for n in range(2)))
    result = CliRunner().invoke(main, ["filter", str(source), str(tmp_path / "missing.jsonl"), "--no-spin",
                                       "--text-field", "content"])
    assert "not_an_object 1" in result.stderr and "unreadable_input 1" in result.stderr
    assert "no record has a non-empty string" in result.stderr, result.stderr
    # some records without text: the reason counts say so, no hint
    source.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n" + json.dumps({"id": "b"}) + "\n")
    result = CliRunner().invoke(main, ["filter", str(source), "--no-spin"])
    assert result.exit_code == 0 and "no_text 1" in result.stderr and "--text-field" not in result.stderr


def test_a_byte_order_mark_inside_concatenated_jsonl_loses_no_record(checker, tmp_path):
    """`cat a.jsonl b.jsonl` where b.jsonl began with a UTF-8 byte-order mark: the mark sits at the start of a
    line past the first. Before, that line's record was rejected as malformed JSON (a lost record) in both
    `filter` and `scan`; a line holding only a mark (UTF-8's or UTF-16's two bytes) was a malformed record
    too. Now the mark is not content: the record is read and a mark alone is a blank line."""
    from qualitycheck.reading import iter_jsonl
    first = json.dumps({"id": "a", "text": GOOD}) + "\n"
    second = json.dumps({"id": "b", "text": GOOD}) + "\n"
    body = first.encode() + b"\xef\xbb\xbf" + second.encode() + b"\xfe\xff\n" + b"\xef\xbb\xbf\n"
    kept, rejected = io.StringIO(), io.StringIO()
    filter_stream(io.BytesIO(body), kept, rejected, checker=checker)
    assert [json.loads(x)["id"] for x in kept.getvalue().splitlines()] == ["a", "b"]
    assert rejected.getvalue() == ""
    (tmp_path / "joined.jsonl").write_bytes(body)
    raws = list(iter_jsonl(tmp_path / "joined.jsonl"))
    assert [(r.error, r.metadata.get("id")) for r in raws] == [(None, "a"), (None, "b")]
