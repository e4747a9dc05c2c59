import codecs
import gzip
import json
import zlib

from qualitycheck.config import Config
from qualitycheck.reading import decode_bytes, iter_jsonl, iter_raw_documents, read_text_file


def test_utf8_with_and_without_bom(tmp_path):
    (tmp_path / "a.txt").write_bytes("Caf\u00e9 news".encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF8 + "Caf\u00e9 news".encode("utf-8"))
    a, b = read_text_file(tmp_path / "a.txt"), read_text_file(tmp_path / "b.txt")
    assert a.text == b.text == "Caf\u00e9 news"
    assert a.encoding == "utf-8" and b.encoding == "utf-8-sig"


def test_utf16_bom_and_cp1252_fallback(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Hello \u2013 world".encode("utf-16"))
    (tmp_path / "cp.txt").write_bytes("It\u2019s \u00a3100".encode("cp1252"))
    u16, cp = read_text_file(tmp_path / "u16.txt"), read_text_file(tmp_path / "cp.txt")
    assert u16.text == "Hello \u2013 world" and u16.error is None
    assert cp.text == "It\u2019s \u00a3100" and cp.encoding == "cp1252"
    assert any("cp1252" in note for note in cp.notes)


LEGACY_SCRIPT_TEXTS = [
    ("北京市政府周二表示，新桥将于春季通车。经过两年的施工和关于其成本的长期辩论，市议会终于批准了预算。", "gb18030"),
    ("台北市政府週二表示，新橋將於春季通車。經過兩年的施工和關於其成本的長期辯論，市議會終於批准了預算。", "big5"),
    ("市役所は火曜日、新しい橋が春に開通すると発表した。二年間の工事と費用をめぐる長い議論の末、市議会は予算を承認した。",
     "shift_jis"),
    ("시청은 화요일 새 다리가 봄에 개통될 것이라고 밝혔다. 2년간의 공사와 비용을 둘러싼 긴 논쟁 끝에 시의회는 예산을 승인했다.",
     "euc_kr"),
    ("Городской совет во вторник утвердил новый бюджет после долгих споров о стоимости ремонта старого моста.",
     "cp1251"),
    ("Городской совет во вторник утвердил новый бюджет после долгих споров о стоимости ремонта старого моста.",
     "koi8_r"),
    ("Το δημοτικό συμβούλιο ενέκρινε την Τρίτη νέο προϋπολογισμό μετά από μακρά συζήτηση για το κόστος.", "cp1253"),
    ("وافق المجلس البلدي يوم الثلاثاء على ميزانية جديدة بعد نقاش طويل حول تكلفة إصلاح الجسر القديم في الميناء.",
     "cp1256"),
]
WESTERN_TEXTS = [
    "Der Stadtrat hat am Dienstagabend nach einer langen Debatte über die Kosten für die Reparatur der alten "
    "Hafenbrücke einen neuen Haushalt beschlossen – die Brücke ist seit dem Frühjahr gesperrt.",
    "Le conseil municipal a adopté mardi soir un nouveau budget après un long débat sur le coût de la réparation "
    "du vieux pont, fermé aux poids lourds depuis le printemps. « C'est une étape », a déclaré le maire.",
    "The council said on Tuesday that the new bridge would open in the spring – after two years of work and a "
    "long “debate” about its cost.",
]


def test_legacy_code_pages_of_other_scripts_are_decoded(tmp_path):
    """Chinese, Japanese, Korean, Russian, Greek and Arabic pages saved in their legacy code pages are text in
    those scripts, not cp1252 mojibake; Western text in cp1252 stays cp1252 (the code-page detector alone
    misnames it)."""
    for k, (text, encoding) in enumerate(LEGACY_SCRIPT_TEXTS):
        path = tmp_path / f"{k}.txt"
        path.write_bytes(text.encode(encoding))
        raw = read_text_file(path)
        assert raw.text == text and raw.error is None, encoding
        assert codecs.lookup(raw.encoding).name != "cp1252" and any(raw.encoding in n for n in raw.notes)
    for text in WESTERN_TEXTS:
        decoded, encoding, error = decode_bytes(text.encode("cp1252"))
        assert (decoded, encoding, error) == (text, "cp1252", None)


def test_binary_empty_and_directory_get_errors(tmp_path):
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "gz.txt").write_bytes(gzip.compress(b"hello"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ")
    (tmp_path / "dir.txt").mkdir()
    errors = {raw.path.rsplit("/", 1)[-1]: raw.error for raw in iter_raw_documents([tmp_path])}
    assert "binary" in errors["img.txt"] and "gzip" in errors["gz.txt"]
    assert "empty" in errors["empty.txt"] and "whitespace" in errors["blank.txt"]
    assert "directory" in errors["dir.txt"]


def test_nul_bytes_are_binary():
    text, encoding, error = decode_bytes(b"abc\x00\x01\x02\x03def" * 10)
    assert text is None and "binary" in error


def test_size_cap_truncates_with_note(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 1000)
    raw = read_text_file(tmp_path / "big.txt", Config(max_chars=100))
    assert len(raw.text) == 100 and any("truncated" in n for n in raw.notes)


def test_jsonl_records_and_bad_lines(tmp_path):
    lines = [json.dumps({"id": "a", "text": "Hello there."}), "{not json", json.dumps({"url": "http://x", "text": "Hi."}),
             json.dumps({"id": "c"}), json.dumps({"id": "d", "text": 5}), ""]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines))
    raws = list(iter_jsonl(path))
    assert [r.id for r in raws] == ["a", f"{path}:2", "http://x", "c", "d"]
    assert raws[0].error is None and raws[0].text == "Hello there."
    assert "malformed JSON" in raws[1].error
    assert "no 'text' field" in raws[3].error and "not a string" in raws[4].error


def test_inputs_never_modified(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Some text\r\n\r\nMore")
    before = path.stat().st_mtime_ns, path.read_bytes()
    list(iter_raw_documents([tmp_path]))
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_gzipped_text_files(tmp_path):
    """.txt.gz files are read like .txt (scraped dumps are often gzipped one file per article); the byte cap
    applies to the decompressed data (a gzip bomb is cut, with a note); damaged or mislabelled gzip is an error
    record, not a crash."""
    text = "The council said on Tuesday that the new bridge would open in the spring.\n\nThe mayor agreed."
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(text.encode("utf-8") * 50)[:40])
    (tmp_path / "plain.txt.gz").write_bytes(b"plain text, not gzip")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"word " * 1_000_000))
    raws = {r.path.rsplit("/", 1)[-1]: r for r in iter_raw_documents([tmp_path], Config(max_chars=100_000))}
    assert raws["story.txt.gz"].text == text and raws["story.txt.gz"].error is None
    assert raws["cut.txt.gz"].error.startswith("unreadable: damaged or truncated gzip data")
    assert raws["plain.txt.gz"].error.startswith("unreadable: Not a gzipped file")
    bomb = raws["bomb.txt.gz"]
    assert bomb.error is None and len(bomb.text) <= 100_000
    assert any(n.startswith("truncated: decompressed file is longer than 400000 bytes") for n in bomb.notes)


def test_a_jsonl_file_without_records_gets_one_row(tmp_path):
    from qualitycheck.reading import iter_raw_documents

    for name, body in (("empty.jsonl", b""), ("blank.jsonl", b"\n \n\n"), ("bom.jsonl", b"\xfe\xff")):
        (tmp_path / name).write_bytes(body)
        raws = list(iter_raw_documents([tmp_path / name]))
        assert len(raws) == 1 and raws[0].error.startswith("no JSONL records"), name


# --- a whole file decoded as a stream (train-lm's corpora) ------------------------------------------------------

def _streamed(path):
    from qualitycheck.reading import iter_decoded_lines, sniff_stream_decoding
    decoding = sniff_stream_decoding(path)
    return "".join(iter_decoded_lines(path, decoding)), decoding


def test_a_file_streamed_is_decoded_as_scan_decodes_it(tmp_path, monkeypatch):
    """sniff_stream_decoding makes decode_bytes_noted's choice without holding the file: same text, same notes,
    for every kind of text scan reads, also when the telling bytes come after the first chunks."""
    import qualitycheck.reading as reading

    long_ascii = b"plain words on a line\n" * 4000   # longer than SNIFF_BYTES: the head alone says UTF-8
    samples = {
        "utf8": "Caf\u00e9 cr\u00e8me \u2013 na\u00efve\n".encode() * 50,
        "utf8-bom": codecs.BOM_UTF8 + "Caf\u00e9\n".encode() * 50,
        "utf16": "Hello \u2013 world\n".encode("utf-16") * 1,
        "utf16-nobom": ("Hello world, caf\u00e9\n" * 50).encode("utf-16-le"),
        "cp1252": "It\u2019s \u00a3100 at the caf\u00e9\n".encode("cp1252") * 50,
        "cp1252-late": long_ascii + "caf\u00e9 cr\u00e8me\n".encode("cp1252"),
        "latin1": b"caf\xe9 \x81 undefined in cp1252\n",
        "damaged-utf8": "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\n".encode() * 20 + b"a \x92 quote\n",
        "damaged-late": "caf\u00e9\n".encode() * 3 + long_ascii + b"\xff\n",
        "written-fffd": ("caf\u00e9 \ufffd ok\n" * 10).encode() + b"a \x92 quote\n",   # 1 bad byte, not 11
        "cut-short": "caf\u00e9\n".encode() * 3 + "\u00e9".encode()[:1],
        **{f"legacy-{encoding}": (text + "\n").encode(encoding) * 30 for text, encoding in LEGACY_SCRIPT_TEXTS},
        "legacy-long": ("\u5317\u4eac\u5e02\u653f\u5e9c\u5468\u4e8c\u8868\u793a\u3002\n" * 3000).encode("gb18030"),
        # a half-written or preallocated file: text, then zero bytes, which scan drops (and says so); the stream
        # kept them as NUL characters, without the note
        "nul-padded": "caf\u00e9\n".encode() * 10 + b"\x00" * 100,
        "nul-padded-long": long_ascii + b"\x00" * 100,
        "cp1252-nul-padded": "It\u2019s \u00a3100 at the caf\u00e9\n".encode("cp1252") * 5 + b"\x00" * 700,
        "utf16-nobom-nul-padded": ("Hello world, caf\u00e9\n" * 50).encode("utf-16-le") + b"\x00" * 20,
        "utf16be-nobom-nul-padded": ("Hello world, caf\u00e9\n" * 50).encode("utf-16-be") + b"\x00" * 20,
    }
    for chunk in (reading.STREAM_CHUNK, 5):   # 5: characters and U+FFFD written in the file straddle chunks
        monkeypatch.setattr(reading, "STREAM_CHUNK", chunk)
        for name, data in samples.items():
            path = tmp_path / f"{name}.txt"
            path.write_bytes(data)
            text, encoding, error, notes = reading.decode_bytes_noted(data)
            assert error is None, name
            streamed, decoding = _streamed(path)
            assert streamed == text.replace("\r\n", "\n"), (name, decoding)
            assert list(decoding.notes) == notes, (name, decoding, notes)
            assert codecs.lookup(decoding.encoding).name == codecs.lookup(encoding).name, (name, decoding)
    monkeypatch.setattr(reading, "SNIFF_BYTES", 16)   # and with the bytes of UTF-8 text judged chunk by chunk
    monkeypatch.setattr(reading, "STREAM_CHUNK", 2)
    for name in ("utf8", "cp1252", "latin1", "damaged-utf8", "written-fffd", "cut-short", "nul-padded"):
        text, encoding, _, notes = reading.decode_bytes_noted(samples[name])
        streamed, decoding = _streamed(tmp_path / f"{name}.txt")
        assert (streamed, decoding.encoding) == (text, encoding) and list(decoding.notes) == notes, name
    # an incomplete last character is dropped, as scan drops it, and said
    assert _streamed(tmp_path / "cut-short.txt")[1].notes == ("incomplete UTF-8 character at the end dropped",)


def test_a_file_that_is_not_text_is_refused_when_streamed(tmp_path):
    import pytest

    from qualitycheck.reading import decode_bytes_noted, sniff_stream_decoding
    # (scan's own error, which the stream gives since the decode-parity work: it said "invalid utf-8-sig: ..."
    # where scan said "... after byte-order mark: ... at byte 120000", counting from after the mark)
    bad_after_bom = "invalid utf-8-sig after byte-order mark: invalid start byte at byte 120003"
    cases = {
        "pdf.txt": (b"%PDF-1.4\n" + bytes(range(256)), "binary file (PDF), not text"),
        "controls.txt": (b"\x01\x02\x03\xe9" * 100, "binary file (control bytes), not text"),
        "bad-after-bom.txt": (codecs.BOM_UTF8 + b"abc\n" * 30000 + b"\xff\n", bad_after_bom),
        "bad-after-bom-early.txt": (codecs.BOM_UTF8 + b"abc\n" * 3 + b"\xff\n",
                                    "invalid utf-8-sig after byte-order mark: invalid start byte at byte 15"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError) as info:
            sniff_stream_decoding(tmp_path / name)
        assert str(info.value) == message == decode_bytes_noted(data)[2], name


def test_a_file_streamed_is_judged_on_as_many_bytes_as_scan_judges(tmp_path):
    """reading.py defined SNIFF_BYTES twice: the JSONL sniff's 4,096, further down, replaced the stream's 65,536,
    so sniff_stream_decoding judged NUL and control bytes on the first 4 KiB where scan looks at 8 KiB, and
    read as text a file scan refuses."""
    import pytest

    from qualitycheck.reading import decode_bytes_noted, sniff_stream_decoding
    cases = {"nul-at-5000.txt": b"a" * 5000 + b"\x00" + b"more words\n" * 10,
             "controls-after-4k.txt": b"caf\xe9 " * 1000 + b"\x01\x02\x03\x04" * 1000}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        error = decode_bytes_noted(data)[2]
        assert error is not None, name
        with pytest.raises(ValueError) as info:
            sniff_stream_decoding(tmp_path / name)
        assert str(info.value) == error, name


def test_a_line_without_end_is_streamed_in_pieces_cut_after_a_space(tmp_path, monkeypatch):
    """iter_decoded_lines gave a line whole, however long: a 50 MB corpus without line ends took 2.5 GB to
    tokenise for train-lm (365 MB as 200-character lines). A line longer than STREAM_LINE_CHARS now comes in
    pieces of at most that, each cut after a space so no word is split; shorter lines are untouched."""
    import qualitycheck.reading as reading

    monkeypatch.setattr(reading, "STREAM_LINE_CHARS", 100)
    long_line = " ".join(f"word{i}" for i in range(2000))
    for name, data in (("long.txt", f"short\n{long_line}\nend\n".encode()),
                       ("long-utf16.txt.gz", gzip.compress(f"short\r\n{long_line}\r\nend".encode("utf-16"))),
                       ("unspaced.txt", b"x" * 250)):
        (tmp_path / name).write_bytes(data)
        pieces = list(reading.iter_decoded_lines(tmp_path / name, reading.sniff_stream_decoding(tmp_path / name)))
        assert max(len(piece) for piece in pieces) <= 100, name
        if name != "unspaced.txt":
            assert pieces[0] == "short\n" and pieces[-1].startswith("end"), name
            assert "".join(pieces[1:-1]) == long_line + "\n" and all(p.endswith(" ") for p in pieces[1:-2]), name
    assert "".join(pieces) == "x" * 250   # no space to cut after: cut where the piece is full


# --- damaged .gz data -------------------------------------------------------------------------------------------

def damaged_deflate(data: bytes) -> bytes:
    """gzip of `data` with one bit flipped where zlib itself stops ("Error -3 while decompressing data"), in the second
    half when it can be: zlib.error, which is neither an OSError nor an EOFError. About one flipped bit in thirty
    does this; the others give a bad CRC (gzip.BadGzipFile, an OSError) at the end."""
    whole = gzip.compress(data)
    middle = len(whole) // 2
    for pos in [*range(middle, len(whole) - 8), *range(10, middle)]:
        for bit in range(8):
            damaged = bytearray(whole)
            damaged[pos] ^= 1 << bit
            try:
                gzip.decompress(bytes(damaged))
            except zlib.error:
                return bytes(damaged)
            except (OSError, EOFError):
                pass
    raise AssertionError("no bit flip that zlib refuses")


def numbered_records(count: int) -> bytes:
    return "".join(json.dumps({"id": f"r{i}", "text": f"Record {i} of the file, {i * 7919 % 1000} words."}) + "\n"
                   for i in range(count)).encode()


def test_damaged_gzip_data_is_an_error_record_not_a_crash(tmp_path, monkeypatch):
    """A bad compressed block in a .jsonl.gz (zlib.error) stopped `scan` with a traceback, losing every document
    after it; so did such a .gz, or one cut short (EOFError: click printed only "Aborted!"), as one text document
    on standard input. Each is now the error record a damaged .txt.gz gets, after the records read before it."""
    import io
    import sys

    damaged = damaged_deflate(numbered_records(3000))
    (tmp_path / "d.jsonl.gz").write_bytes(damaged)
    (tmp_path / "next.jsonl").write_bytes(numbered_records(1))
    raws = list(iter_raw_documents([tmp_path / "d.jsonl.gz", tmp_path / "next.jsonl"]))
    assert raws[-1].id == "r0" and raws[-1].error is None   # the file after it is read
    assert raws[-2].error.startswith("read failed after line ") and "while decompressing data" in raws[-2].error
    assert [raw.id for raw in raws[:-2]] == [f"r{i}" for i in range(len(raws) - 2)]   # the records before it stay

    (tmp_path / "d.txt.gz").write_bytes(damaged)
    assert read_text_file(tmp_path / "d.txt.gz").error.startswith("unreadable: damaged or truncated gzip data")
    for data in (damaged, gzip.compress(numbered_records(3000))[:3000]):   # JSONL records on standard input
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        raws = list(iter_raw_documents(["-"]))
        assert raws[0].id == "r0" and raws[-1].error.startswith("read failed after line "), raws[-1]
    text = b"Plain words of a text document.\n" * 3000
    for data in (damaged_deflate(text), gzip.compress(text)[:300]):   # one text document on standard input
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        (raw,) = iter_raw_documents(["-"])
        assert raw.error.startswith("unreadable: damaged or truncated gzip data"), raw.error


def test_nul_characters_past_the_binary_check_get_a_note(tmp_path):
    """A NUL run deep inside a UTF-8 file (past the 8 KiB the decoders check for binary data) and a "\u0000"
    inside a JSONL record's text: the text is read as given (paragraph offsets index it), with a note saying
    how many NUL characters it holds."""
    body = "The council met on Tuesday to discuss the new budget for the town. " * 200
    path = tmp_path / "a.txt"
    path.write_bytes(body.encode() + b"\x00" * 40 + b"The meeting ended at nine.\n")
    raw = read_text_file(path)
    assert raw.error is None and raw.text.endswith("\x00" * 40 + "The meeting ended at nine.\n")
    assert "40 NUL character(s) inside the text" in raw.notes
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": "x", "text": "Rates rose\u0000 again on Monday."}) + "\n", encoding="utf-8")
    (doc,) = list(iter_jsonl(records))
    assert doc.text == "Rates rose\x00 again on Monday." and "1 NUL character(s) inside the text" in doc.notes
    assert path.read_bytes().count(b"\x00") == 40   # the input is never modified
