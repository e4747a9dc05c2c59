"""The two readers of a text file make the same decision on the same bytes: scan's (read_text_file ->
decode_bytes_noted, the file in memory) and train-lm's (sniff_stream_decoding + iter_decoded_lines, the file in
chunks, at most SNIFF_BYTES + STREAM_CHUNK bytes held). Same error for a file that is not text; else the same
encoding, the same text and the same notes.

Deliberate differences, not compared here (reading.py says so where the stream decoder is described): scan reads at
most max_chars * 4 bytes of a file, the stream all of it (so the comparison is with decode_bytes_noted on all the
bytes), and the stream gives lines with universal newlines ("\\r\\n" and "\\r" come as "\\n").
"""
from __future__ import annotations

import codecs
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualitycheck.reading as reading
from qualitycheck.reading import decode_bytes_noted, iter_decoded_lines, read_text_file, sniff_stream_decoding

K = reading.SNIFF_BYTES

# Written for these tests: one line of news in each script the code pages below are for.
EN = "The harbour board met on Thursday to discuss the new ferry timetable and fares.\n"
FR = "Le conseil r\u00e9gional a vot\u00e9 jeudi un budget \u00ab exceptionnel \u00bb pour les \u00e9coles \u2013 enfin.\n"
RU = ("\u041e\u0431\u043b\u0430\u0441\u0442\u043d\u043e\u0439 \u0441\u043e\u0432\u0435\u0442 \u0432 "
      "\u0447\u0435\u0442\u0432\u0435\u0440\u0433 \u043e\u0431\u0441\u0443\u0434\u0438\u043b \u043d\u043e\u0432\u043e\u0435 "
      "\u0440\u0430\u0441\u043f\u0438\u0441\u0430\u043d\u0438\u0435 \u043f\u0430\u0440\u043e\u043c\u043e\u0432 \u0438 "
      "\u0446\u0435\u043d\u044b \u043d\u0430 \u0431\u0438\u043b\u0435\u0442\u044b.\n")
GR = ("\u03a4\u03bf \u03c0\u03b5\u03c1\u03b9\u03c6\u03b5\u03c1\u03b5\u03b9\u03b1\u03ba\u03cc \u03c3\u03c5\u03bc\u03b2\u03bf"
      "\u03cd\u03bb\u03b9\u03bf \u03c3\u03c5\u03b6\u03ae\u03c4\u03b7\u03c3\u03b5 \u03c4\u03b7\u03bd \u03a0\u03ad\u03bc\u03c0"
      "\u03c4\u03b7 \u03c4\u03bf \u03bd\u03ad\u03bf \u03c0\u03c1\u03cc\u03b3\u03c1\u03b1\u03bc\u03bc\u03b1 \u03c4\u03c9\u03bd "
      "\u03c0\u03bf\u03c1\u03b8\u03bc\u03b5\u03af\u03c9\u03bd.\n")
ZH = "\u6e2f\u52a1\u5c40\u5468\u56db\u5f00\u4f1a\u8ba8\u8bba\u65b0\u7684\u6e21\u8f6e\u65f6\u523b\u8868\u548c\u7968\u4ef7\u3002\n"
TEXTS = {"en": EN, "fr": FR, "ru": RU, "gr": GR, "zh": ZH}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "cp1251", "koi8-r", "cp1253", "gb18030",
             "utf-16-le", "utf-16-be", "utf-16")   # (utf-16: with a byte-order mark)
SIZES = (300, 9_000, K - 7, K + 5, 3 * K)   # bytes of text: below and above the stream decoder's sniff


def _universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_same_reading(path: Path, data: bytes, label: object = None) -> None:
    """The stream decoder gives the file at `path` (holding `data`) what decode_bytes_noted gives `data`."""
    text, encoding, error, notes = decode_bytes_noted(data)
    if error is not None:
        with pytest.raises(ValueError) as info:
            sniff_stream_decoding(path)
        assert str(info.value) == error, label
        return
    decoding = sniff_stream_decoding(path)
    assert codecs.lookup(decoding.encoding).name == codecs.lookup(encoding).name, (label, decoding, encoding)
    assert list(decoding.notes) == notes, (label, decoding, notes)
    streamed = "".join(iter_decoded_lines(path, decoding))
    # (NUL characters inside the text: scan keeps them, with a note; iter_decoded_lines leaves them out)
    assert streamed == _universal(text.replace("\x00", "")), (label, decoding, len(streamed), len(text))


def _variants(data: bytes, rng: random.Random, encoding: str) -> dict[str, bytes]:
    """`data` as it is, and damaged as scraped files are: NUL padding, NUL runs inside, stray bytes, a cut last
    character (with and without padding after it), a cp1252 tail, a run of control bytes, CRLF line ends."""
    mid = rng.randrange(len(data))
    late = max(0, len(data) - 100)   # (after the sniffed head when the text is longer than it)
    return {
        "plain": data,
        "padded": data + b"\x00" * rng.choice([1, 3, 100, K + 10]),
        "nul-inside": data[:mid] + b"\x00" * rng.choice([1, 2, 4, 50]) + data[mid:],
        "nul-late": data[:late] + b"\x00" * 8 + data[late:],
        "damaged": data[:mid] + b"\xff\x92" + data[mid:],
        "cut": data[:-1],
        "cut-padded": data[:-1] + b"\x00" * 10,
        "cp1252-tail": data + "caf\u00e9 cr\u00e8me\n".encode("cp1252"),
        "controls": data[:mid] + b"\x01\x02\x03\x04" * 3000 + data[mid:],
        "crlf": data if encoding.startswith("utf-16") else data.replace(b"\n", b"\r\n"),
    }


def family(seed: int = 0, variants: int = 5) -> dict[str, bytes]:
    """Files of every text in every code page that can write it, at every size, each in `variants` of the variants
    (drawn by `seed`, so that the test takes seconds, not a minute)."""
    rng = random.Random(seed)
    files = {}
    for name, text in TEXTS.items():
        for encoding in ENCODINGS:
            unit = 2 if encoding.startswith("utf-16") else 1
            for size in SIZES:
                try:
                    body = (text * (size // len(text) + 1)).encode(encoding)[: size * unit]   # (may cut a character)
                except UnicodeEncodeError:
                    continue
                made = _variants(body, rng, encoding)
                for variant in rng.sample(sorted(made), variants):
                    files[f"{name}-{encoding}-{size}-{variant}"] = made[variant]
    return files


def test_both_readers_decide_alike_on_a_family_of_files(tmp_path):
    path = tmp_path / "doc.txt"
    files = family()
    assert len(files) > 900
    decided = set()
    for label, data in files.items():
        path.write_bytes(data)
        assert_same_reading(path, data, label)
        text, encoding, error, _ = decode_bytes_noted(data)
        decided.add(error or codecs.lookup(encoding).name)
    # the family reaches every branch: each reading, and refusals (NULs in wide text, control bytes)
    assert {"utf-8", "utf-8-sig", "cp1252", "cp1251", "koi8-r", "cp1253", "gb18030", "utf-16-le", "utf-16-be",
            "utf-16", reading.WIDE_NUL_ERROR, reading.CONTROL_BYTES_ERROR} <= decided, decided


def test_both_readers_decide_alike_when_characters_straddle_chunks(tmp_path, monkeypatch):
    """The same with the stream read 4,099 bytes at a time (an odd size: characters of every width and U+FFFD
    written in a file fall across chunks), on files a little above 64 KiB."""
    monkeypatch.setattr(reading, "STREAM_CHUNK", 4_099)
    path = tmp_path / "doc.txt"
    for label, data in family(seed=1).items():
        if K < len(data) < 2 * K:
            path.write_bytes(data)
            assert_same_reading(path, data, label)


PIECES = st.one_of(
    st.tuples(st.sampled_from(list(TEXTS.values())), st.sampled_from(ENCODINGS), st.integers(1, 900))
      .map(lambda t: (t[0] * t[2]).encode(t[1], "replace")),
    st.binary(max_size=6),
    st.integers(1, 300).map(lambda n: b"\x00" * n),
    st.sampled_from([b"\r\n", b"\r", "\u00e9".encode()[:1], "\u6e2f".encode("gb18030")[:1]]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(PIECES, min_size=1, max_size=5), padding=st.sampled_from([0, 0, 1, 2, 7, 5000]))
def test_both_readers_decide_alike_on_random_files(pieces, padding):
    data = b"".join(pieces) + b"\x00" * padding
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(data)
        assert_same_reading(path, data)
        assert path.read_bytes() == data   # the input is never modified


# --- each difference found, with the bytes that showed it ------------------------------------------------------

def test_nul_characters_inside_wide_text_after_the_sniff_are_refused_by_both(tmp_path):
    """(a) UTF-16 without a byte-order mark whose NUL characters come after the first 64 KiB: scan refuses it
    (NULs inside wide text are binary), the stream decoder read it as text, NULs and all, because it judged NULs
    on its sniff only. It now decodes the whole file in each byte order the NULs fit and refuses as scan does."""
    text = EN * (3 * K // len(EN))
    path = tmp_path / "wide.txt"
    for encoding in ("utf-16-le", "utf-16-be"):
        data = text.encode(encoding)
        data = data[: 2 * K] + b"\x00" * 6 + data[2 * K:]   # three NUL characters, far after the sniff
        path.write_bytes(data)
        assert decode_bytes_noted(data)[2] == reading.WIDE_NUL_ERROR
        with pytest.raises(ValueError, match=r"binary file \(contains NUL bytes\), not text"):
            sniff_stream_decoding(path)
        assert_same_reading(path, data, encoding)


def test_a_character_cut_before_nul_padding_is_dropped_by_both(tmp_path):
    """(b) A half-written file: text whose last character is cut in two, then zero bytes. scan drops the padding,
    then the incomplete character; the stream decoder saw the cut character followed by a NUL as a bad byte run:
    U+FFFD and 'invalid UTF-8' for text with other accents, cp1252 mojibake ('\u00c3') for text without. Both now
    drop it and say so."""
    cut = "caf\u00e9".encode()[:-1]
    for body in ((FR * 20).encode() + cut, (EN * 20).encode() + cut, (EN * 1000).encode() + cut):
        data = body + b"\x00" * 40
        path = tmp_path / "cut.txt"
        path.write_bytes(data)
        decoding = sniff_stream_decoding(path)
        assert decoding.encoding == "utf-8" and decoding.errors == "strict"
        assert decoding.notes == ("40 trailing NUL byte(s) dropped", "incomplete UTF-8 character at the end dropped")
        assert "".join(iter_decoded_lines(path, decoding)) == body[:-1].decode()
        assert_same_reading(path, data)


def test_scan_says_when_it_drops_an_incomplete_last_character(tmp_path):
    """scan dropped a character cut in two at the end of a file in silence (the stream decoder said so); the
    report now says it. And it forgives one wherever the stream decoder does: UTF-8 after a byte-order mark cut so
    was refused ('invalid utf-8-sig after byte-order mark: unexpected end of data', the codec counting from after
    the mark), GB18030 text cut so was read in another code page (Shift_JIS or latin-1 mojibake)."""
    path = tmp_path / "cut.txt"
    for text, encoding, note in ((FR * 5, "utf-8", "UTF-8"), (EN * 5, "utf-16-le", "utf-16-le"),
                                 (FR * 5, "utf-8-sig", "utf-8-sig"), (ZH * 50, "gb18030", "gb18030")):
        data = text.encode(encoding) + "\u6e2f".encode(encoding.removesuffix("-sig"))[:-1]
        path.write_bytes(data)
        raw = read_text_file(path)
        assert raw.error is None and raw.text == text and codecs.lookup(raw.encoding).name == encoding, encoding
        assert f"incomplete {note} character at the end dropped" in raw.notes, raw.notes
        assert_same_reading(path, data, encoding)


def test_a_legacy_code_page_is_named_on_the_same_bytes_by_both(tmp_path):
    """(c) The code page of a non-Latin script was named by charset-normalizer on all of the bytes in scan and on
    the first 64 KiB cut after a line end in the stream, and the checks that accept it (bytes above 0x7F, letters
    outside the Latin script) looked at other amounts of text: Cyrillic followed by a run of control bytes was
    cp1251 to the stream and cp1252 mojibake to scan, KOI8-R longer than 64 KiB KOI8-R to scan and cp932 (Japanese)
    to the stream. Both now name it on _script_sample, with the sampling DETECT_STEPS/DETECT_CHUNK."""
    path = tmp_path / "legacy.txt"
    cases = {
        "cp1251-controls-at-end": ((RU * 400).encode("cp1251")[:30_000] + b"\x01\x02\x03\x04\x05\x06" * 83,
                                   "cp1251"),
        "koi8-r-long": ((RU * 3000).encode("koi8-r")[:9_000] + b"\x01\x02\x03\x04\x05\x06" * 50
                        + (RU * 3000).encode("koi8-r")[9_000:200_000], "koi8-r"),
        "koi8-r-medium": ((RU * 3000).encode("koi8-r")[:70_000], "koi8-r"),
    }
    for label, (data, encoding) in cases.items():
        path.write_bytes(data)
        text, found, error, _ = decode_bytes_noted(data)
        assert error is None and codecs.lookup(found).name == encoding, (label, found)
        assert_same_reading(path, data, label)
    # and text of such a code page with more control characters than text has is refused by both, on the first
    # 8,192 characters of the text
    data = (RU * 50).encode("cp1251")[:2_000] + b"\x01\x02\x03\x04" * 200 + (RU * 3000).encode("cp1251")[:100_000]
    path.write_bytes(data)
    assert decode_bytes_noted(data)[2] == reading.CONTROL_BYTES_ERROR
    assert_same_reading(path, data)



def test_a_headline_and_a_body_without_line_ends_are_read_in_their_code_page(tmp_path):
    """A scraped story as one headline line and a body paragraph with no line end after it: the code page was
    named on the bytes up to the last line end, the headline alone, and scan (and the stream) read cp1253 Greek
    and KOI8-R Russian as cp1252 mojibake and GB18030 Chinese as Big5 (before the decode-parity work scan named
    it on all the bytes and read them right). The sample is now cut after the last line end or space, and is the
    whole text when that cut would leave less than half of a text that fits in it (since the leftovers session: all
    of the first SNIFF_BYTES whatever the text's length, see the next test)."""
    path = tmp_path / "story.txt"
    cases = {
        "cp1253-small": (GR.split(" ")[0] + "\n" + GR.replace("\n", " ") * 12, "cp1253"),
        "gb18030-small": (ZH[:2] + "\n" + ZH.replace("\n", "") * 40, "gb18030"),
        "koi8-r-long": (RU.split(" ")[0] + "\n" + RU.replace("\n", " ") * 900, "koi8-r"),   # past SNIFF_BYTES
    }
    for label, (text, encoding) in cases.items():
        data = text.rstrip().encode(encoding)
        path.write_bytes(data)
        decoded, found, error, _ = decode_bytes_noted(data)
        assert error is None and codecs.lookup(found).name == encoding and decoded == text.rstrip(), (label, found)
        assert_same_reading(path, data, label)

# Written for these tests: a line of Japanese news and one of Chinese in traditional characters, neither with spaces.
JA = "\u6e2f\u6e7e\u5c40\u306f\u6728\u66dc\u65e5\u306b\u4f1a\u8b70\u3092\u958b\u304d\u3001\u65b0\u3057\u3044\u30d5\u30a7\u30ea\u30fc\u306e\u6642\u523b\u8868\u3068\u904b\u8cc3\u306b\u3064\u3044\u3066\u8a71\u3057\u5408\u3063\u305f\u3002"
ZH_HANT = "\u6e2f\u52d9\u5c40\u9031\u56db\u958b\u6703\u8a0e\u8ad6\u65b0\u7684\u6e21\u8f2a\u6642\u523b\u8868\u548c\u7968\u50f9\u3002"


def test_a_long_body_without_line_ends_or_spaces_is_read_in_its_code_page(tmp_path):
    """Chinese or Japanese longer than SNIFF_BYTES with no line end or space after a short first line: the code
    page was named on that first line alone (a text that long had to be cut after a line end or space, so that no
    character was cut in two) and GB18030 came back as Big5 (5 of 234 generated stories); named on the first
    SNIFF_BYTES as they were, a character cut in two at their end made charset-normalizer refuse the right code
    page (GB18030 came back as Shift_JIS, Shift_JIS as UTF-16, Big5 as nothing). The sample is now all of the
    first SNIFF_BYTES and is also judged without its last 1-3 bytes."""
    path = tmp_path / "story.txt"
    cases = {   # (the first line, and a date opening a body, make the body's two-byte characters end mid-way)
        "gb18030-headline": (ZH[:2] + "\n" + ZH.replace("\n", "") * 4000, "gb18030"),
        "gb18030-date": ("5\u6708" + ZH.replace("\n", "") * 4000, "gb18030"),
        "big5-headline": (ZH_HANT[:2] + "\n" + ZH_HANT * 4000, "big5"),
        "shift_jis-headline": (JA[:3] + "\n" + JA * 2000, "shift_jis"),
        "euc-jp-headline": (JA[:3] + "\n" + JA * 2000, "euc_jp"),
    }
    for label, (text, encoding) in cases.items():
        data = text.encode(encoding)
        assert len(data) > K and (len(data[:K].decode(encoding, "ignore").encode(encoding)) < K), label
        path.write_bytes(data)
        decoded, found, error, _ = decode_bytes_noted(data)
        assert error is None and decoded == text, (label, found)   # (Shift_JIS may be named cp932, its superset)
        assert_same_reading(path, data, label)


def test_a_sample_ending_inside_a_four_byte_gb18030_character_is_read_in_its_code_page(tmp_path):
    """review24: a GB18030 character of four bytes has an ASCII digit for its second and fourth (U+3400, a CJK
    Extension A character as rare names use, is 81 39 EF 30); when SNIFF_BYTES end after its first two, the
    sample's last byte is below 0x80, it was judged only as it was, charset-normalizer refused GB18030 for the
    cut character, and both readers read the Chinese as latin-1. A sample is judged without its last 1-3 bytes
    too when any of them is above 0x7F."""
    path = tmp_path / "story.txt"
    body = ZH.replace("\n", "")
    tried = 0
    for date in ("5", "12"):   # (one or two ASCII bytes before two-byte characters: either parity of K)
        head = date + "\u6708" + body * (K // len(body.encode("gb18030")) + 1)
        while len(head.encode("gb18030")) > K - 2:
            head = head[:-1]
        if len(head.encode("gb18030")) != K - 2:
            continue
        text = head + "\u3400" + body * 40
        data = text.encode("gb18030")
        assert data[K - 2:K] == b"\x81\x39", date
        tried += 1
        path.write_bytes(data)
        decoded, found, error, _ = decode_bytes_noted(data)
        assert error is None and decoded == text, (date, found)
        assert_same_reading(path, data, date)
    assert tried == 1


def test_a_bad_byte_after_a_byte_order_mark_is_placed_alike(tmp_path):
    """scan counted the bad byte of UTF-8 after its mark from after the mark (the utf-8-sig codec's count), the
    stream decoder from the file's start, and their messages differed ('invalid utf-8-sig: ...'). Both now give the
    byte's offset in the file, in scan's message."""
    path = tmp_path / "bom.txt"
    for data, error in (
            (codecs.BOM_UTF8 + b"abc\n" * 3 + b"\xff\n",
             "invalid utf-8-sig after byte-order mark: invalid start byte at byte 15"),
            (codecs.BOM_UTF8 + b"abc\n" * 30_000 + b"\xff\n",
             "invalid utf-8-sig after byte-order mark: invalid start byte at byte 120003"),
            (codecs.BOM_UTF16_LE + "abc\n".encode("utf-16-le") * 20_000 + b"\x00\xdc",
             "invalid utf-16 after byte-order mark: illegal encoding at byte 160002")):
        path.write_bytes(data)
        assert decode_bytes_noted(data)[2] == error
        assert_same_reading(path, data)


def test_a_wide_file_is_tried_in_each_byte_order_as_scan_tries_them(tmp_path):
    """scan tries each UTF-16/32 byte order the NULs of the first 8 KiB fit, on the whole file; the stream decoder
    took the first that decoded its sniff and refused the file when it failed later ('invalid utf-32-le: ...')
    where scan said 'binary file (contains NUL bytes)'. Now it tries them on the whole file too."""
    text = EN * (3 * K // len(EN))
    data = text.encode("utf-32-le") + b"\x00\x00\x11\x00"   # a code point above U+10FFFF, after the sniff
    path = tmp_path / "wide32.txt"
    path.write_bytes(data)
    assert decode_bytes_noted(data)[2] == reading.WIDE_NUL_ERROR
    assert_same_reading(path, data)


def test_the_stream_decoder_holds_a_bounded_amount_of_the_file(tmp_path, monkeypatch):
    """No pass reads more than STREAM_CHUNK at a time after the sniff, whatever the file: NUL padding longer than
    a chunk is counted, not kept."""
    reads = []
    real_chunks = reading._chunks

    def chunks(handle, first=b""):
        for chunk in real_chunks(handle, first):
            reads.append(len(chunk))
            yield chunk

    monkeypatch.setattr(reading, "_chunks", chunks)
    monkeypatch.setattr(reading, "STREAM_CHUNK", 10_000)
    path = tmp_path / "big.txt"
    data = (FR * 3000).encode() + b"\x00" * 250_000
    path.write_bytes(data)
    assert_same_reading(path, data)
    assert max(reads) <= max(reading.SNIFF_BYTES, 10_000)


def test_nul_characters_inside_the_text_are_left_out_of_training_lines(tmp_path):
    """A NUL run deep in a UTF-8 file (past the 8 KiB binary check), inside a word: scan keeps it (with a note;
    its offsets index the text as given), train-lm's lines leave it out (before: 'coun', '\\x00', 'cil')."""
    from qualitycheck.lm.tokenize import tokenize
    from qualitycheck.lm.train import read_lines
    head = EN * 120   # about 9.6 KB
    path = tmp_path / "nul.txt"
    path.write_bytes(head.encode() + b"The coun" + b"\x00" * 30 + b"cil met again.\n" + EN.encode())
    scanned = read_text_file(path)
    assert scanned.error is None and "30 NUL character(s) inside the text" in scanned.notes
    streamed = "".join(read_lines([path]))
    assert streamed == scanned.text.replace("\x00", "")
    assert "council" in tokenize(streamed) and "\x00" not in streamed
