"""Bad inputs: every kind gets a clear per-document error or a correct result, never a crash.

Each test builds its own hostile input in tmp_path (nothing here is copied from the shared
seeds or dev set). docs/robustness.md lists the same cases with what each one gets; keep the
two in sync. The spin detector is switched off: the model is not what is tested here.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import json
import os
import zlib
from pathlib import Path

import pytest

from qualitycheck import reading
from qualitycheck.checker import Checker
from qualitycheck.config import Config
from qualitycheck.reading import iter_jsonl, iter_raw_documents, read_text_file
from qualitycheck.run import DOCUMENTS, SUMMARY, RunExistsError, scan
from qualitycheck.segment import MAX_PARAGRAPHS

CONFIG = Config(spin_enabled=False)

ARTICLE = (
    "The river authority opened the new footbridge on Tuesday after two years of work.\n\n"
    "Engineers said the span would carry about four thousand walkers a day in summer.\n\n"
    "The council will decide next month whether to light the bridge at night.\n"
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CONFIG)


def report_for(path: Path, checker: Checker, config: Config = CONFIG) -> dict:
    record = checker.check_raw(read_text_file(path, config)).to_dict()
    # Whatever came in, the report must survive the trip through documents.jsonl.
    json.loads(json.dumps(record, ensure_ascii=False))
    return record


def assert_offsets(record: dict, text: str) -> None:
    for paragraph in record["paragraphs"]:
        assert text[paragraph["start"]:paragraph["end"]] == paragraph["text"]


# --------------------------------------------------------------------------- empty and binary


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file (0 bytes)"),
    (b"   \n\n\t \r\n  ", "empty document (whitespace only)"),
    ("\u00a0\u2003\n\u3000".encode("utf-8"), "empty document (whitespace only)"),
])
def test_empty_and_whitespace_files(tmp_path, checker, content, expected):
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    record = report_for(path, checker)
    assert record["error"] == expected
    assert record["verdict"] == "drop" and record["paragraphs"] == [] and record["clean_text"] == ""


@pytest.mark.parametrize("content, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "JPEG image"),
    (b"GIF89a\x01\x00\x01\x00" + bytes(64), "GIF image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    (gzip.compress(ARTICLE.encode("utf-8")), "gzip"),
    (b"PK\x03\x04\x14\x00\x00\x00" + bytes(100), "zip archive"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "ELF executable"),
])
def test_binary_files_named_txt(tmp_path, checker, content, kind):
    path = tmp_path / "photo.txt"
    path.write_bytes(content)
    record = report_for(path, checker)
    assert record["error"] == f"binary file ({kind}), not text"


def test_binary_without_magic(tmp_path, checker):
    # zlib stream (no gzip header) and raw bytes with NULs: caught by NUL / control sniffing.
    (tmp_path / "a.txt").write_bytes(zlib.compress(os.urandom(4000)))
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 20)
    for name in ("a.txt", "b.txt"):
        record = report_for(tmp_path / name, checker)
        assert record["error"] is not None and record["error"].startswith("binary file"), record["error"]


# --------------------------------------------------------------------------- encodings


def test_utf16_and_utf32_with_bom(tmp_path, checker):
    for name, codec in (("le.txt", "utf-16-le"), ("be.txt", "utf-16-be"), ("u32.txt", "utf-32-le")):
        bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
               "utf-32-le": codecs.BOM_UTF32_LE}[codec]
        (tmp_path / name).write_bytes(bom + ARTICLE.encode(codec))
        record = report_for(tmp_path / name, checker)
        assert record["error"] is None
        assert record["encoding"] in ("utf-16", "utf-32")
        assert len(record["paragraphs"]) == 3
        assert record["paragraphs"][0]["text"].startswith("The river authority")


def test_utf16_without_bom(tmp_path, checker):
    (tmp_path / "nobom.txt").write_bytes(ARTICLE.encode("utf-16-le"))
    record = report_for(tmp_path / "nobom.txt", checker)
    assert record["error"] is None and record["encoding"] == "utf-16-le"
    assert len(record["paragraphs"]) == 3


def test_utf16_bom_then_garbage_is_an_error(tmp_path, checker):
    # A lone low surrogate after the BOM cannot be UTF-16.
    (tmp_path / "bad16.txt").write_bytes(codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xdc" + b"a\x00")
    record = report_for(tmp_path / "bad16.txt", checker)
    assert record["error"].startswith("invalid utf-16 after byte-order mark")


def test_cp1252_is_decoded_and_recorded(tmp_path, checker):
    text = ARTICLE.replace("Tuesday", "Tuesday \u2013 \u201cfinally\u201d \u2013 at a cost of \u00a34m")
    (tmp_path / "cp.txt").write_bytes(text.encode("cp1252"))
    record = report_for(tmp_path / "cp.txt", checker)
    assert record["error"] is None and record["encoding"] == "cp1252"
    assert "decoded as cp1252 (not valid UTF-8)" in record["notes"]
    assert "\u201cfinally\u201d" in record["paragraphs"][0]["text"]
    assert "mojibake" not in record["labels"]


def test_latin1_bytes_cp1252_leaves_undefined(tmp_path, checker):
    # 0x81 and 0x8d are unassigned in cp1252, so only latin-1 can read this file.
    (tmp_path / "l1.txt").write_bytes(ARTICLE.encode("latin-1") + b"Caf\xe9 \x81\x8d.\n")
    record = report_for(tmp_path / "l1.txt", checker)
    assert record["error"] is None and record["encoding"] == "latin-1"
    assert "decoded as latin-1 (not valid UTF-8)" in record["notes"]


def test_invalid_utf8_bytes_in_utf8_text(tmp_path, checker):
    # A UTF-8 article with accented words and two stray cp1252 quote bytes.
    text = ARTICLE.replace("footbridge", "caf\u00e9 footbridge na\u00efve d\u00e9j\u00e0 vu")
    data = text.encode("utf-8").replace(b"two years", b"\x93two years\x94")
    (tmp_path / "bad8.txt").write_bytes(data)
    record = report_for(tmp_path / "bad8.txt", checker)
    assert record["error"] is None and record["encoding"] == "utf-8"
    assert "invalid UTF-8: 2 bad byte sequence(s) replaced with U+FFFD" in record["notes"]
    assert "caf\u00e9 footbridge na\u00efve d\u00e9j\u00e0 vu" in record["paragraphs"][0]["text"]
    assert "\ufffdtwo years\ufffd" in record["paragraphs"][0]["text"]


def test_mojibake_is_flagged(tmp_path, checker):
    # UTF-8 text that was once decoded as cp1252 and saved again: the file itself is valid UTF-8.
    broken = ("The caf\u00e9 owner said the d\u00e9j\u00e0 vu was \u2018unreal\u2019 and the na\u00efve "
              "plan would cost \u00a3200.").encode("utf-8").decode("cp1252")
    assert "\u00c3\u00a9" in broken and "\u00e2\u20ac\u2122" in broken
    (tmp_path / "moji.txt").write_text(ARTICLE + "\n" + broken + "\n", encoding="utf-8")
    record = report_for(tmp_path / "moji.txt", checker)
    assert record["error"] is None and record["labels"].get("mojibake") == 1
    flagged = [p for p in record["paragraphs"] if "mojibake" in p["labels"]]
    assert flagged[0]["text"] == broken
    assert any("\u00c3\u00a9" in e["detail"] for e in flagged[0]["evidence"])
    assert record["score"] < 1.0


def test_long_text_without_a_language_goes_to_review(tmp_path, checker):
    # long enough to pass min_clean_chars, but no words to identify a language from: not prose to keep
    for name, text in (("run.txt", "a" * 50_000), ("scores.txt", "\n\n".join(f"{n} - {n * 7 % 5}" for n in range(400)))):
        (tmp_path / name).write_text(text, encoding="utf-8")
        record = report_for(tmp_path / name, checker)
        assert record["error"] is None and record["language"] is None, name
        assert record["verdict"] == "review", name
        assert any(n.startswith("review: language undetermined") for n in record["notes"]), name
    # a short text keeps its own reason only; an English article is untouched
    (tmp_path / "short.txt").write_text("a" * 60, encoding="utf-8")
    notes = report_for(tmp_path / "short.txt", checker)["notes"]
    assert any(n.startswith("review: too little clean text") for n in notes)
    assert not any(n.startswith("review: language undetermined") for n in notes)
    (tmp_path / "article.txt").write_text(ARTICLE * 3, encoding="utf-8")
    record = report_for(tmp_path / "article.txt", checker)
    assert record["language"] == "en" and not any("language undetermined" in n for n in record["notes"])


# --------------------------------------------------------------------------- size limits


def test_50_mb_single_line_is_truncated(tmp_path, checker):
    path = tmp_path / "huge.txt"
    chunk = ("caf\u00e9 " * 200_000).encode("utf-8")   # 1.2 MB, multi-byte characters on purpose
    with open(path, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    config = CONFIG
    record = report_for(path, checker, config)
    assert record["error"] is None
    # The cap can cut a two-byte character in half; that must not make the file cp1252.
    assert record["encoding"] == "utf-8"
    assert any(n.startswith("truncated: file is") for n in record["notes"])
    assert any(n.startswith("truncated:") and f"kept the first {config.max_chars}" in n for n in record["notes"])
    assert len(record["paragraphs"]) == 1
    assert len(record["paragraphs"][0]["text"]) <= config.max_chars
    assert "mojibake" not in record["labels"]


def test_configured_cap_is_honoured(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(ARTICLE * 50, encoding="utf-8")
    config = Config(spin_enabled=False, max_chars=500)
    record = Checker(config).check_raw(read_text_file(path, config)).to_dict()
    assert max(p["end"] for p in record["paragraphs"]) <= 500
    # The reader takes at most 4 bytes per allowed character from disk, then cuts to the cap.
    assert "truncated: file is 11900 bytes, read the first 2000" in record["notes"]
    assert "truncated: 2000 characters, kept the first 500" in record["notes"]


def test_million_tiny_lines(tmp_path, checker):
    path = tmp_path / "lines.txt"
    path.write_bytes(b"ok\n" * 1_000_000)
    record = report_for(path, checker)
    assert record["error"] is None
    assert len(record["paragraphs"]) == MAX_PARAGRAPHS
    assert any(n.startswith(f"truncated: more than {MAX_PARAGRAPHS} paragraphs") for n in record["notes"])
    assert_offsets(record, read_text_file(path, CONFIG).text)


def test_many_distinct_paragraphs_stay_bounded(tmp_path, checker):
    # Distinct sentences defeat the duplicate signal's exact-match shortcut, so it compares
    # pairs; the paragraph cap keeps that bounded (this took minutes before the cap).
    path = tmp_path / "list.txt"
    path.write_text("\n\n".join(f"Entry {i} lists the unique item number {i * 7919}." for i in range(30_000)),
                    encoding="utf-8")
    record = report_for(path, checker)
    assert len(record["paragraphs"]) == MAX_PARAGRAPHS


def test_overlong_jsonl_line_is_skipped_not_loaded(tmp_path):
    config = Config(spin_enabled=False, max_chars=1000)
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "huge", "text": "x" * 3_000_000}) + "\n")
        handle.write(json.dumps({"id": "after", "text": ARTICLE}) + "\n")
    raws = list(iter_jsonl(path, config))
    assert raws[0].id == f"{path}:1" and "longer than" in raws[0].error and "skipped" in raws[0].error
    assert raws[1].id == "after" and raws[1].error is None and raws[1].metadata["line"] == 2


# --------------------------------------------------------------------------- files that are not files


def test_directory_named_txt(tmp_path):
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "inner.txt").write_text(ARTICLE)
    raws = {Path(r.path).name: r for r in iter_raw_documents([tmp_path], CONFIG)}
    assert raws["x.txt"].error == "is a directory, not a file"
    assert raws["inner.txt"].error is None   # its contents are still scanned


def test_broken_and_looping_symlinks(tmp_path):
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop_a.txt").symlink_to(tmp_path / "loop_b.txt")
    (tmp_path / "loop_b.txt").symlink_to(tmp_path / "loop_a.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)          # directory loop: not followed
    (tmp_path / "ok.txt").write_text(ARTICLE)
    raws = {Path(r.path).name: r for r in iter_raw_documents([tmp_path], CONFIG)}
    assert set(raws) == {"broken.txt", "loop_a.txt", "loop_b.txt", "ok.txt"}
    assert raws["broken.txt"].error == "unreadable: No such file or directory"
    assert raws["loop_a.txt"].error == "unreadable: Too many levels of symbolic links"
    assert raws["ok.txt"].error is None


def test_fifo_named_txt_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    raw = read_text_file(tmp_path / "pipe.txt", CONFIG)
    assert raw.error == "not a regular file (named pipe)"
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.txt").symlink_to("/dev/zero")
        assert read_text_file(tmp_path / "zero.txt", CONFIG).error == "not a regular file (character device)"


def test_unreadable_file(tmp_path, monkeypatch):
    # Tests run as root, for whom chmod 000 blocks nothing; the permission error is simulated
    # by replacing `open` in the reading module, and the other case uses a real OS error.
    path = tmp_path / "secret.txt"
    path.write_text(ARTICLE)

    def denied(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(reading, "open", denied, raising=False)
    assert read_text_file(path, CONFIG).error == "unreadable: Permission denied"
    jsonl = tmp_path / "secret.jsonl"
    jsonl.write_text(json.dumps({"text": ARTICLE}) + "\n")
    [raw] = list(iter_jsonl(jsonl, CONFIG))
    assert raw.error == "unreadable: Permission denied"
    monkeypatch.undo()
    # A path through a regular file: the OS answers ENOTDIR.
    assert read_text_file(path / "child.txt", CONFIG).error == "unreadable: Not a directory"


def _lock_folder(monkeypatch, locked: Path) -> None:
    """What `chmod 000 locked` does for a user who is not root (tests run as root, for whom it blocks
    nothing): the folder can be seen but not listed, and nothing in it can be looked at."""
    inside = str(locked) + os.sep

    def guarded(real, also_self: bool):
        def call(path=".", *args, **kwargs):
            name = os.fsdecode(path) if not isinstance(path, int) else ""
            if name.startswith(inside) or (also_self and name == str(locked)):
                raise PermissionError(13, "Permission denied", name)
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "stat", guarded(os.stat, False))
    monkeypatch.setattr(os, "lstat", guarded(os.lstat, False))
    monkeypatch.setattr(os, "scandir", guarded(os.scandir, True))


def test_folder_that_cannot_be_listed_and_a_path_through_it(tmp_path, monkeypatch):
    # Before: a folder that could not be listed was passed over without a word (os.walk without
    # onerror), and a file named inside it ended the scan with a PermissionError from Path.exists.
    from qualitycheck.streaming import count_input_documents

    inputs = tmp_path / "in"
    (inputs / "locked").mkdir(parents=True)
    (inputs / "ok.txt").write_text(ARTICLE)
    (inputs / "locked" / "a.txt").write_text(ARTICLE)
    _lock_folder(monkeypatch, inputs / "locked")
    raws = [(Path(r.path).relative_to(tmp_path).as_posix(), r.error)
            for r in iter_raw_documents([inputs, inputs / "locked" / "a.txt", inputs / "locked"], CONFIG)]
    unlisted = "unreadable folder: Permission denied; the files in it were not scanned"
    assert raws == [("in/ok.txt", None), ("in/locked", unlisted),
                    ("in/locked/a.txt", "unreadable: Permission denied"), ("in/locked", unlisted)]
    assert count_input_documents([str(inputs), str(inputs / "locked" / "a.txt")]) == 3


def _unprivileged() -> list[str]:
    """A command prefix that runs a child without root's permission override, so chmod 000 blocks it."""
    import shutil
    import subprocess

    if os.geteuid() != 0:
        return []
    drop = "-dac_override,-dac_read_search"
    prefix = [shutil.which("setpriv") or "setpriv", "--bounding-set", drop, "--inh-caps", drop]
    try:
        subprocess.run(prefix + ["true"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("running as root, and setpriv cannot drop the permission override here")
    return prefix


def test_scan_of_a_locked_folder_with_real_permissions(tmp_path):
    # The same through the command line, with a real chmod 000: every input gets a row, exit 1 (some inputs
    # could not be read), no traceback. Before: (a) exit 0 with no row for the folder, (b) a traceback and
    # an empty documents.jsonl, ok.txt not reported either.
    import subprocess
    import sys

    inputs = tmp_path / "in"
    (inputs / "locked").mkdir(parents=True)
    (inputs / "ok.txt").write_text(ARTICLE)
    (inputs / "locked" / "a.txt").write_text(ARTICLE)
    prefix = _unprivileged()
    os.chmod(inputs / "locked", 0)
    try:
        for args, expected in (
            (["in"], {"in/ok.txt": None,
                      "in/locked": "unreadable folder: Permission denied; the files in it were not scanned"}),
            (["in/locked/a.txt", "in/ok.txt"], {"in/locked/a.txt": "unreadable: Permission denied", "in/ok.txt": None}),
        ):
            run = tmp_path / f"run{len(args)}"
            done = subprocess.run(prefix + [sys.executable, "-m", "qualitycheck.cli", "scan", *args, "-o", str(run),
                                            "--no-spin", "--no-html", "-q", "--jobs", "1"],
                                  cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(Path(reading.__file__).parents[1])),
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
            records = [json.loads(line) for line in (run / DOCUMENTS).read_text().splitlines()]
            assert {r["path"]: r["error"] for r in records} == expected
            assert json.loads((run / "run.json").read_text())["errors"] == 1
    finally:
        os.chmod(inputs / "locked", 0o755)


def test_symlinked_folders_are_followed_once(tmp_path):
    # A symlink to a folder was passed over without a word (os.walk without followlinks), while a symlink
    # to a file was read. It is followed now, but never into a tree being read: no loop, no file twice.
    from qualitycheck.streaming import count_input_documents

    inputs, other = tmp_path / "in", tmp_path / "other"
    (inputs / "sub").mkdir(parents=True)
    other.mkdir()
    (inputs / "a.txt").write_text(ARTICLE)
    (inputs / "sub" / "s.txt").write_text(ARTICLE)
    (other / "o.txt").write_text(ARTICLE)
    (inputs / "ext").symlink_to(other)          # outside the tree: followed
    (inputs / "ext2").symlink_to(other)         # the same folder again: already read
    (inputs / "inner").symlink_to("sub")        # inside the tree: read under its own path
    (inputs / "sub" / "up").symlink_to("..")    # a loop
    (other / "back").symlink_to(inputs)         # a loop through the outside folder
    (inputs / "sub" / "top").symlink_to(tmp_path)   # a folder holding the scanned one: a loop too
    paths = [Path(r.path).relative_to(inputs).as_posix() for r in iter_raw_documents([inputs], CONFIG)]
    assert paths == ["a.txt", "ext/o.txt", "sub/s.txt"]
    assert count_input_documents([str(inputs)]) == 3


def test_non_utf8_file_name(tmp_path, checker):
    name = os.fsencode(tmp_path) + b"/caf\xe9-\xff.txt"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, ARTICLE.encode("utf-8"))
    os.close(fd)
    [raw] = list(iter_raw_documents([tmp_path], CONFIG))
    assert raw.error is None
    assert raw.path.endswith("caf\\xe9-\\xff.txt")   # shown escaped, and encodable as UTF-8
    raw.path.encode("utf-8")
    record = checker.check_raw(raw).to_dict()
    json.dumps(record, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- JSONL records


def test_jsonl_bad_records(tmp_path):
    good = json.dumps({"id": "good", "text": ARTICLE})
    lines = [
        good,
        "{not json",
        '{"id": "cut", "text": "the line ends mid-str',
        json.dumps({"id": "no-text", "title": "x"}),
        json.dumps({"id": "num", "text": 42}),
        json.dumps({"id": "null", "text": None}),
        json.dumps({"id": "list", "text": ["a", "b"]}),
        json.dumps({"id": "obj", "text": {"body": "x"}}),
        json.dumps(["an", "array"]),
        json.dumps("a bare string"),
        json.dumps({"id": "blank", "text": "   "}),
        "",
        "   ",
        json.dumps({"id": 7, "text": ARTICLE}),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n" + '{"id": "torn", "te', encoding="utf-8")
    raws = list(iter_jsonl(path, CONFIG))
    errors = {r.id: r.error for r in raws}
    assert errors["good"] is None and errors["7"] is None
    assert errors[f"{path}:2"].startswith("malformed JSON on line 2")
    assert errors[f"{path}:3"].startswith("malformed JSON on line 3")
    assert errors["no-text"] == "record has no 'text' field"
    assert errors["num"] == "'text' field is int, not a string"
    assert errors["null"] == "'text' field is null (missing value)"
    assert errors["list"] == "'text' field is list, not a string"
    assert errors["obj"] == "'text' field is dict, not a string"
    assert errors[f"{path}:9"] == "record is not a JSON object"
    assert errors[f"{path}:10"] == "record is not a JSON object"
    assert errors["blank"] == "empty document (whitespace only)"
    assert errors[f"{path}:15"].startswith("malformed JSON on line 15")
    assert len(raws) == 13   # blank lines are skipped, everything else is accounted for


def test_jsonl_invalid_utf8_and_lone_surrogates(tmp_path, checker):
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(b'{"id": "raw\\ud800", "text": "Bad \xff\xfe bytes and \\udc00 an escape.", '
                     b'"meta": {"k\\ud801": ["\\udfff"]}}\n')
    [raw] = list(iter_jsonl(path, CONFIG))
    assert raw.error is None
    assert raw.text == "Bad \ufffd\ufffd bytes and \ufffd an escape."
    assert raw.id == "raw\ufffd" and raw.metadata["meta"] == {"k\ufffd": ["\ufffd"]}
    assert "invalid UTF-8 or lone surrogates: 6 character(s) replaced with U+FFFD" in raw.notes
    json.dumps(checker.check_raw(raw).to_dict(), ensure_ascii=False).encode("utf-8")


def test_jsonl_gz_that_is_not_gzip_and_truncated_gzip(tmp_path):
    (tmp_path / "fake.jsonl.gz").write_text(json.dumps({"text": ARTICLE}) + "\n")
    [raw] = list(iter_jsonl(tmp_path / "fake.jsonl.gz", CONFIG))
    assert raw.error.startswith("read failed after line 0")
    payload = gzip.compress(("\n".join(json.dumps({"id": str(i), "text": ARTICLE}) for i in range(200)) + "\n").encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(payload[: len(payload) // 2])
    raws = list(iter_jsonl(tmp_path / "cut.jsonl.gz", CONFIG))
    assert raws[0].id == "0" and raws[0].error is None
    assert raws[-1].error.startswith("read failed after line")


# --------------------------------------------------------------------------- whole scans


def _tree_state(root: Path) -> dict[str, tuple]:
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = os.lstat(path)
            digest = None
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha1(path.read_bytes()).hexdigest()
            state[os.fsdecode(path)] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


def build_hostile_folder(root: Path) -> int:
    """A folder holding one of each bad input kind next to good articles. Returns how many
    documents a scan of it must report."""
    root.mkdir()
    (root / "good.txt").write_text(ARTICLE)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text(" \n\n ")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (root / "archive.txt").write_bytes(gzip.compress(ARTICLE.encode()))
    (root / "u16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (root / "cp.txt").write_bytes(("\u201cQuoted\u201d " + ARTICLE).encode("cp1252"))
    (root / "dir.txt").mkdir()
    (root / "broken.txt").symlink_to(root / "nowhere")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    os.mkfifo(root / "pipe.txt")
    fd = os.open(os.fsencode(root) + b"/name-\xff.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, ARTICLE.encode())
    os.close(fd)
    # Hostile text: spreadsheet formulas in the id, file name and text; markup in the text.
    (root / "=HYPERLINK(1).txt").write_text("=cmd|' /C calc'!A0\n\n<script>alert(1)</script>\n\n" + ARTICLE)
    records = [
        {"id": "=1+1", "text": "@SUM(A1:A9)\n\n" + ARTICLE},
        {"id": "+danger", "text": "-2+3\n\n" + ARTICLE},
        {"id": "no-text"},
        {"id": "number", "text": 3.5},
    ]
    (root / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    return 13 + len(records) + 1


def test_scan_of_hostile_folder(tmp_path):
    inputs = tmp_path / "in"
    expected = build_hostile_folder(inputs)
    before = _tree_state(inputs)
    run = tmp_path / "run"
    result = scan([str(inputs)], run, CONFIG, jobs=2, html=True)

    assert _tree_state(inputs) == before, "the scan changed its inputs"
    lines = (run / DOCUMENTS).read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == result.documents == expected
    by_name = {Path(r["path"]).name if r["path"] else r["id"]: r for r in records if not r["path"].endswith(".jsonl")}
    assert by_name["good.txt"]["error"] is None
    assert by_name["u16.txt"]["error"] is None and by_name["cp.txt"]["encoding"] == "cp1252"
    for name in ("empty.txt", "blank.txt", "image.txt", "archive.txt", "dir.txt", "broken.txt",
                 "loop.txt", "pipe.txt"):
        assert by_name[name]["error"], name
    assert result.errors == sum(1 for r in records if r["error"])

    # summary.csv: one row per document, no cell a spreadsheet would run as a formula.
    with open(run / SUMMARY, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == expected + 1
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell[:1] == "-" and not _is_number(cell)]
    assert "'=1+1" in cells and "'+danger" in cells
    assert any(cell.startswith("'=HYPERLINK") or "/'=HYPERLINK" in cell or cell.endswith("=HYPERLINK(1).txt")
               for cell in cells)
    run_info = json.loads((run / "run.json").read_text())
    assert run_info["complete"] is True and run_info["documents"] == expected
    # The page's own escaping is tested with the HTML report; here only that the scan's page
    # was written and carries no live copy of the hostile markup.
    if (run / "report.html").exists():
        assert "<script>alert(1)</script>" not in (run / "report.html").read_text("utf-8")


def test_line_breaks_in_ids_and_file_names_keep_summary_rows_whole(tmp_path):
    # A lone CR was written unquoted (the writer's line end is "\n"), so csv readers ended the row there and
    # the text after it, "=1+1", began a row of its own: a live formula and every later column shifted.
    inputs = tmp_path / "in"
    inputs.mkdir()
    ids = ["x\r=1+1", "y\n@SUM(A1)", "z\r\n-2+3", "\r=cmd"]
    (inputs / "ids.jsonl").write_text("".join(json.dumps({"id": i, "text": ARTICLE + i}) + "\n" for i in ids))
    (inputs / "name\r=2+2.txt").write_text(ARTICLE)
    scan([str(inputs)], tmp_path / "run", CONFIG, html=False)
    with open(tmp_path / "run" / SUMMARY, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [len(row) for row in rows] == [15] * 5 and not [row for row in rows if None in row]
    assert [row["id"] for row in rows if row["path"].endswith("ids.jsonl")] == ids[:3] + ["'\r=cmd"]
    assert [row["verdict"] for row in rows] == ["keep"] * 5   # no column shifted
    assert any(row["path"].endswith("name\r=2+2.txt") for row in rows)
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_existing_run_is_not_overwritten(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(ARTICLE)
    run = tmp_path / "run"
    scan([str(inputs)], run, CONFIG, html=False)
    first = (run / DOCUMENTS).read_bytes()
    (inputs / "b.txt").write_text(ARTICLE.replace("river", "harbour"))
    with pytest.raises(RunExistsError):
        scan([str(inputs)], run, CONFIG, html=False)
    assert (run / DOCUMENTS).read_bytes() == first
    scan([str(inputs)], run, CONFIG, html=False, overwrite=True)
    assert len((run / DOCUMENTS).read_text().splitlines()) == 2


def test_cli_refuses_existing_run(tmp_path):
    from click.testing import CliRunner

    from qualitycheck.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(ARTICLE)
    run = tmp_path / "run"
    args = ["scan", str(inputs), "-o", str(run), "--jobs", "1", "--no-spin", "--no-html", "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    assert CliRunner().invoke(main, args + ["--overwrite"]).exit_code == 0


def test_run_folder_inside_the_scanned_folder(tmp_path, monkeypatch):
    # Its documents.jsonl grows while the scan walks the folder: read as input, it fed itself
    # back without end. Earlier run folders (`qualitycheck scan .` twice) are skipped too.
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3):
        (inputs / f"a{i}.txt").write_text(ARTICLE.replace("river", f"river {i}"))
    first = scan([str(inputs)], inputs / "run", CONFIG, html=False)
    assert first.documents == 3 and first.errors == 0
    second = scan([str(inputs)], inputs / "run2", CONFIG, html=False)
    assert second.documents == 3 and second.errors == 0
    monkeypatch.chdir(inputs)
    third = scan(["."], None, CONFIG, html=False)   # default run folder: ./reports/<stamp>-<name>
    assert third.documents == 3 and third.run_dir.parent.name == "reports"


def test_jsonl_with_byte_order_marks(tmp_path):
    # Windows tools write a UTF-8 BOM (and some UTF-16); the first record must not be lost.
    lines = "\n".join(json.dumps({"id": str(i), "text": f"Caf\u00e9 story {i}."}, ensure_ascii=False)
                      for i in range(3)) + "\n"
    (tmp_path / "bom8.jsonl").write_bytes(codecs.BOM_UTF8 + lines.encode("utf-8"))
    (tmp_path / "bom16.jsonl").write_bytes(lines.encode("utf-16"))
    for name in ("bom8.jsonl", "bom16.jsonl"):
        raws = list(iter_jsonl(tmp_path / name, CONFIG))
        assert [(r.id, r.error, r.text) for r in raws] == [(str(i), None, f"Caf\u00e9 story {i}.") for i in range(3)]


def test_binary_named_jsonl_is_one_error(tmp_path):
    # Not one "malformed JSON" document per newline byte of an image.
    (tmp_path / "img.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 200)
    (tmp_path / "noise.jsonl").write_bytes(bytes((i * 37 + 11) % 256 for i in range(50_000)))
    assert [r.error for r in iter_jsonl(tmp_path / "img.jsonl", CONFIG)] == ["binary file (PNG image), not JSONL"]
    assert [r.error for r in iter_jsonl(tmp_path / "noise.jsonl", CONFIG)] == ["binary file (control bytes), not JSONL"]
    # One stray control byte only spoils its own line.
    (tmp_path / "stray.jsonl").write_bytes(json.dumps({"text": ARTICLE}).encode() * 1 + b"\n\x00\x01\n"
                                           + json.dumps({"id": "last", "text": ARTICLE}).encode() + b"\n")
    errors = [r.error for r in iter_jsonl(tmp_path / "stray.jsonl", CONFIG)]
    assert errors[0] is None and errors[1].startswith("malformed JSON on line 2") and errors[2] is None


def test_fifo_named_jsonl_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")
    assert [r.error for r in iter_jsonl(tmp_path / "pipe.jsonl", CONFIG)] == ["not a regular file (named pipe)"]


def test_the_progress_count_opens_no_fifo_or_device_named_jsonl(tmp_path):
    """A scan on a terminal counts the inputs' records for its ETA (streaming.count_input_documents) before
    reading them. Before (fuzz25) the count opened a FIFO named .jsonl, which blocks until a writer comes, and
    read a symlink to /dev/zero named .jsonl for ever: an interactive scan hung where a piped one did not. It
    runs in a child process here, so that a hang is a failure, not a stuck suite."""
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.jsonl").write_text('{"text": "one"}\n{"text": "two"}\n')
    os.mkfifo(folder / "pipe.jsonl")
    os.symlink("/dev/zero", folder / "zero.jsonl")
    os.symlink("/dev/zero", folder / "zero.jsonl.gz")
    code = ("import sys; from qualitycheck.streaming import count_input_documents; "
            "print(count_input_documents([sys.argv[1]]), count_input_documents([sys.argv[2]]))")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(folder), str(folder / "pipe.jsonl")],
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("count_input_documents hung on a FIFO or a device named .jsonl")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5", "1"]   # one record each for what the scan reports as one error
    records = list(iter_raw_documents([str(folder)], CONFIG))
    assert len(records) == 5


def test_output_path_that_is_a_file(tmp_path):
    from click.testing import CliRunner

    from qualitycheck.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(ARTICLE)
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    for extra in ([], ["--overwrite"]):
        result = CliRunner().invoke(main, ["scan", str(inputs), "-o", str(target), "--no-spin", "--no-html", "-q",
                                           "--jobs", "1", *extra])
        assert result.exit_code == 2 and "is a file" in result.output   # click's own check
    # The library call says so too, instead of failing in mkdir.
    with pytest.raises(RunExistsError, match="is not a folder"):
        scan([str(inputs)], target, CONFIG, html=False, overwrite=True)
    assert target.read_text() == "keep me"


def test_check_command_on_bad_inputs(tmp_path):
    # `qualitycheck check FILE` prints the error and exits 1, without a traceback.
    from click.testing import CliRunner

    from qualitycheck.cli import main

    (tmp_path / "dir.txt").mkdir()
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    expected = {"dir.txt": "is a directory", "pipe.txt": "not a regular file", "img.txt": "binary file (PNG image)",
                "missing.txt": "unreadable: No such file or directory"}
    for name, message in expected.items():
        result = CliRunner().invoke(main, ["check", str(tmp_path / name), "--no-spin"])
        assert result.exit_code == 1, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert message in result.output, (name, result.output)


# --------------------------------------------------------------------------- found by the twelfth session's bug hunt


def _cli(*args: str):
    from click.testing import CliRunner

    from qualitycheck.cli import main
    return CliRunner().invoke(main, list(args))


def test_scanning_into_an_input_folder_is_refused(tmp_path, monkeypatch):
    # It read its own documents.jsonl back as input while writing it, without end.
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(ARTICLE)
    with pytest.raises(RunExistsError, match="also an input folder"):
        scan([str(inputs)], inputs, CONFIG, html=False)
    assert sorted(p.name for p in inputs.iterdir()) == ["a.txt"]
    monkeypatch.chdir(inputs)
    result = _cli("scan", ".", "-o", ".", "--no-spin", "--no-html", "-q", "--jobs", "1")
    assert result.exit_code == 2 and "also an input folder" in result.output
    assert sorted(p.name for p in inputs.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("line, why", [
    ('{"text": "The council met.", "m": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper than 100"),
    ('{"text": "The council met.", "m": ' + "[" * 500 + "]" * 500 + "}", "nested deeper than 100"),
    ('{"text": "The council met.", "n": ' + "9" * 5000 + "}", "integer string conversion"),
])
def test_jsonl_lines_python_cannot_hold_are_error_records(tmp_path, line, why):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.jsonl").write_text(line + "\n" + json.dumps({"id": "ok", "text": ARTICLE}) + "\n")
    (tmp_path / "in" / "z.txt").write_text(ARTICLE)
    result = scan([str(tmp_path / "in")], tmp_path / "run", CONFIG, html=True)
    records = [json.loads(x) for x in (tmp_path / "run" / DOCUMENTS).read_text().splitlines()]
    assert [r["error"] is None for r in records] == [False, True, True]
    assert records[0]["error"].startswith("malformed JSON on line 1") and why in records[0]["error"]
    assert result.documents == 3
    checked = _cli("check", str(tmp_path / "in" / "bad.jsonl"), "--no-spin")
    assert checked.exit_code == 1 and "Traceback" not in checked.output


def test_non_finite_numbers_in_jsonl_become_null(tmp_path):
    # Python's json writes NaN and Infinity; strict readers of documents.jsonl reject them.
    (tmp_path / "nan.jsonl").write_text('{"id": "a", "text": "%s", "w": NaN, "x": [Infinity, 1e999, 2.5]}\n'
                                        % ARTICLE.replace("\n", "\\n"))
    raw, = iter_jsonl(tmp_path / "nan.jsonl", CONFIG)
    assert raw.error is None and raw.metadata["w"] is None and raw.metadata["x"] == [None, None, 2.5]
    assert "3 non-finite number(s)" in " ".join(raw.notes)


@pytest.mark.parametrize("content, expected_error, expected_encoding", [
    (bytes(4096), "binary file (only NUL bytes), not text", None),
    (b"SQLite format 3\x00" + bytes(range(1, 200)) * 20, "binary file (SQLite database), not text", None),
    (ARTICLE.encode() + bytes(3001), None, "utf-8"),                 # text, then zero padding
    (ARTICLE.encode("utf-32-le"), None, "utf-32-le"),
    (ARTICLE.encode("utf-32-be"), None, "utf-32-be"),
    (ARTICLE.encode("utf-16-le"), None, "utf-16-le"),
    (ARTICLE.encode("utf-16-be") + b"\x00\x00", None, "utf-16-be"),
])
def test_nul_bytes_are_binary_padding_or_wide_text(tmp_path, checker, content, expected_error, expected_encoding):
    (tmp_path / "f.txt").write_bytes(content)
    record = report_for(tmp_path / "f.txt", checker)
    assert record["error"] == expected_error
    if expected_encoding:
        assert record["encoding"] == expected_encoding
        assert "\x00" not in record["clean_text"] and "footbridge" in record["clean_text"]
        assert record["language"] == "en"
    if content.startswith(ARTICLE.encode()):
        assert "3001 trailing NUL byte(s) dropped" in record["notes"]


def test_upper_case_gzip_suffixes(tmp_path):
    line = (json.dumps({"id": "r", "text": ARTICLE}) + "\n").encode()
    (tmp_path / "UP.JSONL.GZ").write_bytes(gzip.compress(line))
    (tmp_path / "Mixed.jsonl.Gz").write_bytes(gzip.compress(line))
    raws = list(iter_raw_documents([str(tmp_path)], CONFIG))
    assert [(r.id, r.error) for r in raws] == [("r", None), ("r", None)]


def test_output_folder_that_cannot_be_made_is_a_usage_error(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    (tmp_path / "afile").write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    for target in (tmp_path / "afile" / "sub", tmp_path / "dangling"):
        result = _cli("scan", str(tmp_path / "in"), "-o", str(target), "--no-spin", "--no-html", "-q")
        assert result.exit_code == 2 and "cannot create the output folder" in result.output, result.output


def test_symlink_loop_as_first_input_with_the_default_run_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("l2.txt", "l1.txt")
    os.symlink("l1.txt", "l2.txt")
    result = _cli("scan", "l1.txt", "--no-spin", "--no-html", "-q")
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    run, = (tmp_path / "reports").iterdir()
    record, = [json.loads(x) for x in (run / DOCUMENTS).read_text().splitlines()]
    assert "symbolic links" in record["error"]


def test_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_text(ARTICLE.replace("river", name))
    a = str(tmp_path / "in" / "a.txt")
    raws = list(iter_raw_documents([a, str(tmp_path / "in"), a, str(tmp_path / "in" / ".")], CONFIG))
    assert sorted(Path(r.path).name for r in raws) == ["a.txt", "b.txt"]


def test_run_files_in_a_folder_that_is_not_a_run_are_not_replaced(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("mine")
    with pytest.raises(RunExistsError, match="summary.csv"):
        scan([str(tmp_path / "in")], out, CONFIG, html=False)
    assert (out / "summary.csv").read_text() == "mine"


def test_resume_after_inputs_changed_equals_a_fresh_scan(tmp_path):
    # Changed documents used to be appended after the others, so "same text as" notes pointed the
    # wrong way: doc03 (copied from doc15) named doc15 as the earlier copy.
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(21):
        (inputs / f"doc{i:02d}.txt").write_text(f"Story {i}: the council met on Tuesday to debate item {i} of the "
                                                 "budget for the new library and the school on the hill.\n")
    scan([str(inputs)], tmp_path / "run", CONFIG, html=False)
    (inputs / "doc03.txt").write_text((inputs / "doc15.txt").read_text())
    (inputs / "doc07.txt").unlink()
    (inputs / "doc08b.txt").write_text("A new story about the harbour wall, which the storm broke last week.\n")
    resumed = scan([str(inputs)], tmp_path / "run", CONFIG, html=False, resume=True)
    scan([str(inputs)], tmp_path / "fresh", CONFIG, html=False)
    assert (tmp_path / "run" / DOCUMENTS).read_bytes() == (tmp_path / "fresh" / DOCUMENTS).read_bytes()
    assert resumed.documents == 21
    assert any("dropped 2 record(s)" in note for note in resumed.notes)


def test_a_file_of_the_run_folder_as_input_is_refused(tmp_path):
    import subprocess
    import sys

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    run = tmp_path / "run"
    scan([str(tmp_path / "in")], run, CONFIG, html=False)
    before = (run / DOCUMENTS).read_bytes()
    for flag in ("--resume", "--overwrite"):
        # in a child with a timeout: before the fix --resume read its own growing output without end
        done = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "scan", str(run / DOCUMENTS), "-o", str(run),
                               flag, "--no-spin", "--no-html", "-q", "--jobs", "1"], capture_output=True, timeout=120)
        assert done.returncode == 2 and b"file of the output folder" in done.stderr, done.stderr
        assert (run / DOCUMENTS).read_bytes() == before


def test_resume_matches_records_by_file_and_line_too(tmp_path):
    """A record is reused on resume only for the same file and JSONL line: after a line was deleted, or a
    file holding the same record as another was removed, the kept records carried stale lines or the
    deleted file's path (twelfth session)."""
    line = lambda i: json.dumps({"id": f"r{i}", "text": ARTICLE.replace("river", f"river {i}")}) + "\n"  # noqa: E731
    (tmp_path / "in").mkdir()
    x, p, q = tmp_path / "in" / "x.jsonl", tmp_path / "in" / "p.jsonl", tmp_path / "in" / "q.jsonl"
    x.write_text("".join(line(i) for i in range(5)))
    p.write_text(line(9))
    q.write_text(line(9) + line(8))
    run, fresh = tmp_path / "run", tmp_path / "fresh"
    scan([str(x), str(p), str(q)], run, CONFIG, html=False)
    x.write_text("".join(line(i) for i in range(1, 5)))   # first line deleted
    p.unlink()
    scan([str(x), str(q)], run, CONFIG, html=False, resume=True)
    scan([str(x), str(q)], fresh, CONFIG, html=False)
    assert (run / DOCUMENTS).read_bytes() == (fresh / DOCUMENTS).read_bytes()


@pytest.mark.parametrize("bad", ["[" * 100_000, '{"id": ' + "7" * 5_000 + "}"], ids=["deep", "huge_int"])
def test_hand_edited_run_files_too_deep_or_with_huge_integers_are_errors_not_tracebacks(tmp_path, bad):
    """JSON that json.loads refuses with RecursionError (deep nesting) or a plain ValueError (an integer of
    4,300+ digits), in each file a command reads besides the inputs: a damaged documents.jsonl line is passed
    over like any damaged line, a damaged run.json is a run without settings, and a labels file, decisions
    file or config file holding it is a usage error naming the file. Before (fuzz25) each was a traceback."""
    import shutil

    from click.testing import CliRunner

    from qualitycheck.cli import main

    def invoke(*args: str):
        result = CliRunner().invoke(main, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
        return result

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    scan_args = ["--jobs", "1", "--no-spin", "--no-perplexity", "--no-html", "-q"]
    run = tmp_path / "run"
    invoke("scan", str(tmp_path / "in"), "-o", str(run), *scan_args)
    good = (run / DOCUMENTS).read_bytes()

    damaged = tmp_path / "damaged"
    shutil.copytree(run, damaged)
    with open(damaged / DOCUMENTS, "a") as handle:
        handle.write(bad + "\n")
    assert invoke("report", str(damaged)).exit_code == 0
    assert invoke("scan", str(tmp_path / "in"), "-o", str(damaged), "--resume", *scan_args).exit_code == 0
    assert (damaged / DOCUMENTS).read_bytes() == good

    (damaged / "run.json").write_text(bad)
    assert invoke("report", str(damaged)).exit_code == 0
    (tmp_path / "keep.json").write_text(json.dumps({"in/a.txt": "keep"}))
    assert invoke("apply-decisions", str(damaged), str(tmp_path / "keep.json"), "-o", str(tmp_path / "out")).exit_code == 0
    assert invoke("scan", str(tmp_path / "in"), "-o", str(damaged), "--resume", *scan_args).exit_code == 0

    (tmp_path / "decisions.json").write_text(bad)
    refused = invoke("apply-decisions", str(run), str(tmp_path / "decisions.json"))
    assert refused.exit_code == 2 and "decisions.json: not valid JSON" in refused.output
    labelled = tmp_path / "labelled"
    (labelled / "docs").mkdir(parents=True)
    (labelled / "labels.jsonl").write_text(bad + "\n")
    refused = invoke("evaluate", str(run), "--labels", str(labelled))
    assert refused.exit_code == 2 and "labels.jsonl, line 1: not JSON" in refused.output
    for name, text in (("config.json", bad), ("config.toml", "x = " + bad)):
        (tmp_path / name).write_text(text)
        refused = invoke("check", str(tmp_path / "in" / "a.txt"), "--config", str(tmp_path / name), "--no-spin")
        assert refused.exit_code == 2 and f"{name}: not valid" in refused.output, refused.output


@pytest.mark.parametrize("field, value", [
    ("labels", [1]), ("spun", "yes"), ("score", "high"), ("path", 9), ("id", {"a": 1}), ("paragraphs", {"a": 1}),
    ("paragraphs", [{"index": 0, "text": "x", "start": "a", "end": None}]),
    ("paragraphs", [{"index": 0, "start": 0, "end": 1, "text": "x", "evidence": ["boilerplate"]}]),
])
def test_a_record_of_other_field_types_in_documents_jsonl_is_redone_not_a_traceback(tmp_path, field, value):
    """A documents.jsonl line that parses as an object but holds other types than a report (a hand edit with
    jq, a half-damaged line) ended `scan --resume` and `apply-decisions -o` in an AttributeError or TypeError
    (fuzz25). --resume now drops it as a damaged line and checks its document again; apply-decisions writes
    it back as it is, with a summary row of what it can read."""
    import shutil

    from click.testing import CliRunner

    from qualitycheck.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    (tmp_path / "in" / "b.txt").write_text(ARTICLE.replace("river", "harbour"))
    scan_args = ["--jobs", "1", "--no-spin", "--no-perplexity", "--no-html", "-q"]
    run, edited = tmp_path / "run", tmp_path / "edited"
    assert CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(run), *scan_args]).exit_code == 0
    good = (run / DOCUMENTS).read_bytes()
    shutil.copytree(run, edited)
    lines = good.decode().splitlines(keepends=True)
    record = json.loads(lines[0])
    record[field] = value
    (edited / DOCUMENTS).write_text(json.dumps(record) + "\n" + "".join(lines[1:]))
    (tmp_path / "decisions.json").write_text(json.dumps({record["id"] if isinstance(record["id"], str) else "x": "drop"}))
    applied = CliRunner().invoke(main, ["apply-decisions", str(edited), str(tmp_path / "decisions.json"),
                                        "-o", str(tmp_path / "applied")])
    assert applied.exit_code == 0 and applied.exception is None, applied.output
    resumed = CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(edited), "--resume", *scan_args])
    assert resumed.exit_code == 0 and resumed.exception is None, resumed.output
    assert (edited / DOCUMENTS).read_bytes() == good


def test_an_empty_path_is_no_file_not_the_working_folder(tmp_path, monkeypatch):
    """`qualitycheck scan "$CRAWL"` with CRAWL unset passes "": Path("") is ".", so the scan read the whole
    working folder (842 documents in the folder it was found in, fuzz25) and `check ""` reported "is a
    directory". An empty path is now a missing input for scan, check and filter; the rest is still read."""
    from click.testing import CliRunner

    from qualitycheck.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE.replace("river", "harbour"))
    raws = list(iter_raw_documents(["", str(tmp_path / "a.txt")], CONFIG))
    assert len(raws) == 2 and (raws[0].path, raws[0].error) == ("", "no such file or directory (an empty path)")
    assert raws[1].path.endswith("a.txt") and raws[1].error is None
    assert read_text_file("", CONFIG).error == "no such file or directory (an empty path)"
    checked = CliRunner().invoke(main, ["check", "", "--no-spin", "--json"])
    assert checked.exit_code == 1 and json.loads(checked.output)["error"].endswith("(an empty path)")
    filtered = CliRunner().invoke(main, ["filter", "", "--no-spin", "-q"])
    assert filtered.exit_code == 1 and "'': unreadable: no such file or directory (an empty path)" in filtered.output


@pytest.mark.parametrize("name", ["report.html", "summary.csv", "run.json", "documents.jsonl"])
def test_a_run_file_that_is_a_folder_is_refused_before_checking(tmp_path, name):
    """An output folder where report.html (summary.csv, run.json, documents.jsonl) is a folder: the scan checked
    every document, then ended in IsADirectoryError when it wrote that file, and `report` in a traceback too
    (fuzz25). The scan is refused at the start now (exit 2) and `report` says it cannot write the page."""
    from click.testing import CliRunner

    from qualitycheck.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    run = tmp_path / "run"
    args = ["--jobs", "1", "--no-spin", "--no-perplexity", "-q"]
    assert CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(run), "--no-html", *args]).exit_code == 0
    (run / name).unlink(missing_ok=True)
    (run / name).mkdir()
    refused = CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(run), "--overwrite", *args])
    assert refused.exit_code == 2 and f"holds {name} that is not a file" in refused.output, refused.output
    page = CliRunner().invoke(main, ["report", str(run)])
    assert page.exception is None or isinstance(page.exception, SystemExit), page.output
    assert page.exit_code == (0 if name in ("summary.csv", "run.json") else 1 if name == "report.html" else 2)


def test_a_report_html_folder_does_not_refuse_a_scan_without_html(tmp_path):
    """The refusal of a run file that is a folder (fuzz25) also named report.html under --no-html, where the
    scan never writes it (review25): `scan --overwrite --no-html` into such a folder runs."""
    from click.testing import CliRunner

    from qualitycheck.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    run = tmp_path / "run"
    (run / "report.html").mkdir(parents=True)
    done = CliRunner().invoke(main, ["scan", str(tmp_path / "in"), "-o", str(run), "--overwrite", "--no-html", "-j", "1",
                                     "--no-spin", "--no-perplexity", "-q"])
    assert done.exit_code == 0, done.output
    assert (run / "documents.jsonl").is_file() and (run / "report.html").is_dir()
