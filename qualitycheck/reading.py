"""Find input documents and decode them: folders of .txt, JSONL records, raw strings.

Every failure becomes a RawDocument with `error` set, so one bad file never stops a scan.
Files are opened read-only and never modified.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import math
import os
import re
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, AnyStr

from .config import Config
from .document import RawDocument

TEXT_SUFFIXES = (".txt", ".txt.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
# Columnar dumps (Hugging Face datasets, FineWeb and C4 shards): one document per row. Read with pyarrow,
# an optional dependency (`pip install 'qualitycheck[parquet]'`).
PARQUET_SUFFIXES = (".parquet",)
RECORD_SUFFIXES = JSONL_SUFFIXES + PARQUET_SUFFIXES   # files of many documents, one per record
INPUT_SUFFIXES = TEXT_SUFFIXES + RECORD_SUFFIXES

# Leading bytes of formats that are never text; seen as mis-named files in scraped dumps.
BINARY_MAGIC: dict[bytes, str] = {
    b"\x1f\x8b": "gzip",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "zip archive",
    b"\x7fELF": "ELF executable",
    b"BZh": "bzip2",
    b"\xfd7zXZ": "xz",
    b"RIFF": "RIFF media",
    b"SQLite format 3\x00": "SQLite database",
}

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# What reading a damaged .gz raises: OSError (gzip.BadGzipFile: a bad header or checksum), EOFError (cut short)
# and zlib.error (a bad compressed block, about one flipped bit in thirty), which is neither.
GZIP_ERRORS = (OSError, EOFError, zlib.error)


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _display_path(path: Path) -> str:
    # Non-UTF-8 file names arrive as surrogate escapes; keep them printable and JSON-safe.
    return os.fsencode(path).decode("utf-8", "backslashreplace")


# What the codecs say of an incomplete last character: UTF-8 and UTF-16, UTF-32, the multi-byte legacy code pages
# (GB18030, Big5, Shift_JIS, EUC-KR); the stream decoder finds the same as bytes its decoder holds back at the end.
_CUT_SHORT_REASONS = ("unexpected end of data", "truncated data", "incomplete multibyte sequence")


def _decode_strict(data: bytes, encoding: str) -> tuple[str, bool]:
    """(text, whether an incomplete last character was dropped): strict decoding that forgives one incomplete
    character at the very end: the size cap (or a scraper that stopped mid-write) can cut a multi-byte character
    in two, and that must not turn a whole UTF-8 file into cp1252 mojibake. The caller notes the drop
    (_cut_short_note), as the stream decoder does."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError as exc:
        # (exc.object: the bytes after the mark for utf-8-sig, which counts from there; all of them for the others)
        left = len(exc.object) - exc.start
        if exc.end == len(exc.object) and left < 4 and exc.reason in _CUT_SHORT_REASONS:
            return data[: len(data) - left].decode(encoding), True
        raise


# A UTF-8 file with a few stray bytes (a cp1252 quote pasted in, a damaged block) is still
# UTF-8: decoding all of it as cp1252 would garble every correct accented letter. It is read
# as UTF-8 with U+FFFD for the bad bytes when correct multi-byte characters outnumber the bad
# bytes this many times; genuine cp1252 text almost never contains a valid UTF-8 sequence.
UTF8_GOOD_PER_BAD = 2


_REPLACEMENT_UTF8 = "\ufffd".encode("utf-8")


def _utf8_damage(text: str, data: bytes) -> tuple[int, int]:
    """(bad byte runs, correct non-ASCII characters) of `text`, which is `data` decoded as UTF-8 with U+FFFD for
    bad bytes (a U+FFFD written in the data is not a bad byte)."""
    replaced = text.count("\ufffd")
    return replaced - data.count(_REPLACEMENT_UTF8), len(text) - len(text.encode("ascii", "ignore")) - replaced


def _mostly_utf8(bad: int, good: int) -> bool:
    return bad > 0 and good >= UTF8_GOOD_PER_BAD * bad


def _decode_damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, bad byte runs) when `data` is UTF-8 with a few invalid bytes, else None."""
    text = data.decode("utf-8", "replace")
    bad, good = _utf8_damage(text, data)
    return (text, bad) if _mostly_utf8(bad, good) else None


# Legacy code pages of other scripts (GB18030, Big5, Shift_JIS, EUC-KR, cp1251, KOI8-R, Greek, Arabic, ...)
# read as cp1252 come out as runs of accented Latin letters. charset-normalizer names the code page; its
# answer is taken only when the text it gives is mostly letters outside the Latin script, because it
# confuses the Western code pages with one another (German cp1252 text came back as cp775), and cp1252
# stays the reading of Latin-script text.
NON_LATIN_LETTERS = 0.5
# Only asked when this share of the sample's bytes is above 0x7F: every letter of those scripts is one or two
# such bytes, while Western text (French, German, Polish) has a few percent; it takes milliseconds.
HIGH_BYTE_SHARE = 0.25
_HIGH_BYTES = bytes(range(0x80, 0x100))
# How charset-normalizer samples the bytes it is given: 10 pieces of 1 KiB, where its default is 5 of 512 bytes.
# With the default, KOI8-R Russian came back as cp932 (Japanese half-width katakana, which decodes the same bytes
# and is "letters outside the Latin script") for 25 of 41 sample sizes from 3 to 64 KiB, depending on where its
# pieces cut words; with these, 0 of 205 wrong over KOI8-R, cp1251, cp1253, cp1256 and GB18030 at those sizes
# (measured for the decode-parity work; about 6 ms a 64 KiB sample instead of 2 ms, only for such files).
DETECT_STEPS, DETECT_CHUNK = 10, 1024


def _is_latin_letter(ch: str) -> bool:
    return ch < "\u0250" or "\u1e00" <= ch <= "\u1eff"   # Basic Latin to Latin Extended-B; Latin Extended Additional


def _script_sample(data: bytes) -> bytes:
    """The bytes the code page of a legacy script is judged on, by both readers alike (the stream decoder holds no
    more): the first SNIFF_BYTES of `data` (the text's first bytes), cut after their last line end or space, so
    that no character is cut in two (b"\\n" and b" " are never part of a multi-byte character in these code pages)
    and a run of control bytes after the text is left out. When that cut would leave less than half of them, all
    of them: a headline line and a body without line ends or spaces (Chinese, Japanese) gave charset-normalizer the
    headline alone, and GB18030 came back as Big5, cp1253 Greek as cp1252. Their last character may then be cut
    in two, which _other_script_encoding allows for."""
    head = data[:SNIFF_BYTES]
    cut = max(head.rfind(b"\n"), head.rfind(b" ")) + 1
    return head if cut < len(head) // 2 else head[:cut]


# charset-normalizer decodes all of the bytes it is given in each candidate code page, strictly: a sample whose last
# character is cut in two fails in the right multi-byte code page, and another one wins (GB18030 Chinese came back as
# Shift_JIS, Shift_JIS Japanese as UTF-16, Big5 as nothing). A sample that may end inside a character (one of its
# last 3 bytes above 0x7F: the second byte of a four-byte GB18030 character is an ASCII digit, review24) is also
# judged without its last 1, 2 and 3 bytes (a character of these code pages is at most 4 bytes),
# and the reading charset-normalizer finds least chaotic wins (ties: the fewest bytes dropped; one without chaos
# ends the search).
MAX_CUT_BYTES = 3


def _other_script_encoding(sample: bytes) -> str | None:
    """The legacy code page of a non-Latin script that `sample` (_script_sample) is in, else None. The caller
    checks that the whole file decodes in it."""
    if len(sample) - len(sample.translate(None, _HIGH_BYTES)) < HIGH_BYTE_SHARE * len(sample):
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:   # a core dependency; without it such files are read as cp1252, as before
        return None
    best, kept = None, sample
    for drop in range(MAX_CUT_BYTES + 1 if max(sample[-MAX_CUT_BYTES:], default=0) >= 0x80 else 1):
        trimmed = sample[:len(sample) - drop]
        match = from_bytes(trimmed, steps=DETECT_STEPS, chunk_size=DETECT_CHUNK).best()
        if match is not None and (best is None or match.chaos < best.chaos):
            best, kept = match, trimmed
            if not best.chaos:
                break   # nothing reads cleaner
    if best is None:
        return None
    sample = kept
    try:
        text, _ = _decode_strict(sample, best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    if not letters or sum(1 for ch in letters if not _is_latin_letter(ch)) < NON_LATIN_LETTERS * len(letters):
        return None
    return best.encoding


def _decode_other_script(data: bytes) -> tuple[str, str, bool] | None:
    """(text, encoding, whether an incomplete last character was dropped) when `data` is text of a non-Latin
    script in a legacy code page, else None. The code page is named on _script_sample(data), as the stream
    decoder names it, and must decode all of `data`."""
    encoding = _other_script_encoding(_script_sample(data))
    if encoding is None:
        return None
    try:
        text, cut_short = _decode_strict(data, encoding)
    except UnicodeDecodeError:
        return None
    return text, encoding, cut_short


def decode_bytes(data: bytes) -> tuple[str | None, str | None, str | None]:
    """Decode raw bytes to text. Returns (text, encoding, error)."""
    text, encoding, error, _notes = decode_bytes_noted(data)
    return text, encoding, error


def decode_bytes_noted(data: bytes) -> tuple[str | None, str | None, str | None, list[str]]:
    """Decode raw bytes to text. Returns (text, encoding, error, notes).

    Order: byte-order marks, binary sniffing, strict UTF-8, UTF-8 with a few bad bytes
    replaced, a legacy code page of a non-Latin script (_decode_other_script), then cp1252, then
    latin-1 (which never fails, so it is only reached for bytes cp1252 leaves undefined).
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text, cut_short = _decode_strict(data, encoding)
            except UnicodeDecodeError as exc:
                # (the utf-8-sig codec counts from after the mark, the UTF-16/32 codecs from the first byte)
                start = exc.start + (len(bom) if encoding == "utf-8-sig" else 0)
                return None, None, _bom_error(encoding, exc.reason, start), []
            return text, encoding, None, _cut_short_notes(encoding, cut_short)
    for magic, kind in BINARY_MAGIC.items():
        if data.startswith(magic):
            return None, None, f"binary file ({kind}), not text", []
    notes: list[str] = []
    if data.endswith(b"\x00"):
        # Text followed by zero bytes: a preallocated or half-written file. The text is kept.
        stripped = data.rstrip(b"\x00")
        if not stripped:
            return None, None, ONLY_NULS_ERROR, []
        if b"\x00" not in stripped[:8192]:
            notes.append(_nul_note(len(data) - len(stripped), "byte"))
            data = stripped
    head = data[:8192]
    if b"\x00" in head:
        # Latin-script UTF-16 or UTF-32 without a BOM shows NULs in a fixed place of every code unit;
        # anything else with NULs is binary.
        for encoding in _wide_encodings(head):
            try:
                text, cut_short = _decode_strict(data, encoding)
            except UnicodeDecodeError:
                continue
            kept = text.rstrip("\x00")   # zero padding after wide text
            if "\x00" not in kept and _control_share(kept) <= CONTROL_SHARE:
                if len(kept) < len(text):
                    notes.append(_nul_note(len(text) - len(kept), "character"))
                return kept, encoding, None, notes + _cut_short_notes(encoding, cut_short)
        return None, None, WIDE_NUL_ERROR, []
    try:
        text, cut_short = _decode_strict(data, "utf-8")
        return text, "utf-8", None, notes + _cut_short_notes("UTF-8", cut_short)
    except UnicodeDecodeError:
        pass
    damaged = _decode_damaged_utf8(data)
    if damaged is not None:
        text, bad = damaged
        return text, "utf-8", None, notes + [_damaged_utf8_note(bad)]
    other = _decode_other_script(data)
    cut_short = False
    if other is not None:
        text, encoding, cut_short = other
    else:
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "latin-1"
    # Many control characters mean we are decoding something that is not text at all.
    if _control_share(text) > CONTROL_SHARE:
        return None, None, CONTROL_BYTES_ERROR, []
    return text, encoding, None, notes + [_legacy_note(encoding)] + _cut_short_notes(encoding, cut_short)


CONTROL_BYTES_ERROR = "binary file (control bytes), not text"
ONLY_NULS_ERROR = "binary file (only NUL bytes), not text"
WIDE_NUL_ERROR = "binary file (contains NUL bytes), not text"   # (NULs, and no UTF-16/32 reading of them holds)


def _bom_error(encoding: str, reason: str, offset: int) -> str:
    """The error of text that does not decode after its byte-order mark; `offset`: of the bad byte in the file."""
    return f"invalid {encoding} after byte-order mark: {reason} at byte {offset}"


def _cut_short_notes(encoding: str, cut_short: bool) -> list[str]:
    return [_cut_short_note(encoding)] if cut_short else []


def _nul_note(count: int, unit: str) -> str:
    return f"{count} trailing NUL {unit}(s) dropped"


def _damaged_utf8_note(bad: int) -> str:
    return f"invalid UTF-8: {bad} bad byte sequence(s) replaced with U+FFFD"


def _legacy_note(encoding: str) -> str:
    return f"decoded as {encoding} (not valid UTF-8)"


CONTROL_SHARE = 0.05   # of the first 8,192 characters; more control characters than this is not text


def _control_share(text: str) -> float:
    head = text[:8192]
    return sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v") / max(1, len(head))


def _wide_encodings(head: bytes) -> list[str]:
    """UTF-16/32 byte orders whose zero bytes `head` shows: Latin-script text has a NUL in the high byte(s)
    of most code units (UTF-32: the top two bytes of every one)."""
    quarter = max(1, len(head) // 4)
    half = max(1, len(head) // 2)
    found = []
    if min(head[2::4].count(0), head[3::4].count(0)) > 0.9 * quarter:
        found.append("utf-32-le")
    if min(head[0::4].count(0), head[1::4].count(0)) > 0.9 * quarter:
        found.append("utf-32-be")
    if head[1::2].count(0) > 0.4 * half:
        found.append("utf-16-le")
    if head[0::2].count(0) > 0.4 * half:
        found.append("utf-16-be")
    return found


# --- a whole text file decoded as a stream (train-lm's corpora) ------------------------------------------------
# decode_bytes_noted needs the file in memory; a training corpus may be gigabytes. sniff_stream_decoding makes the
# same choice, on the same rules, while holding at most SNIFF_BYTES + STREAM_CHUNK bytes, in passes over the file:
#  - the first SNIFF_BYTES show a byte-order mark or a binary signature, which decide at once (then one pass to
#    check that the rest decodes); they hold the first 8 KiB where decode_bytes_noted looks for NULs, and the
#    sample a legacy code page is named on (_script_sample, the same bytes in both readers);
#  - one pass counts what needs every byte: the size, the zero bytes the file ends with (NUL padding), and how
#    the bytes before them read as UTF-8 (bad byte runs, correct characters, an incomplete last character) and as
#    cp1252 (its undefined bytes);
#  - a second pass, only for a file NULs show to be UTF-16/32 without a byte-order mark (one for each byte order
#    its NULs fit, as decode_bytes_noted tries each) or one read in a legacy code page, decodes it in that code to
#    find a byte that does not decode, or a NUL character before the end (which makes a wide file binary).
# The control-character share is taken on the first 8,192 characters of the text in both readers. Deliberate
# differences: the stream reads the whole file where scan reads at most max_chars * 4 bytes, and gives lines with
# universal newlines ("\r\n" and "\r" read as "\n"). tests/test_decode_parity.py checks the rest on a family of
# generated files.
# (at least 4 x 8,192: the stream decoder judges NULs on the first 8 KiB of it and control characters on the first
# 8,192 characters, of up to 4 bytes each, decoded from it)
SNIFF_BYTES = 65_536
STREAM_CHUNK = 1 << 20
_WIDE_UNITS = {"utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}   # bytes a character of wide text
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"   # bytes cp1252 leaves undefined: such a file is read as latin-1
# Longest line given whole: a longer one (a corpus without line ends) comes in pieces, so memory is bounded by this,
# not by the file (one 50 MB line took train-lm 2.5 GB to tokenise).
STREAM_LINE_CHARS = 1 << 20


@dataclass(frozen=True)
class StreamDecoding:
    """How to decode a whole file as a stream: the codec and error handler, and the notes scan gives such a file."""

    encoding: str
    errors: str = "strict"   # "replace" for UTF-8 with a few bad bytes
    notes: tuple[str, ...] = ()
    # bytes to decode when scan drops the file's end (the zero bytes it ends with, an incomplete last character);
    # None: all
    length: int | None = None


def open_binary(path: str | Path) -> IO[bytes]:
    """A file's bytes, decompressed when its name ends in .gz (any case)."""
    return gzip.open(path, "rb") if str(path).lower().endswith(".gz") else open(path, "rb")


def sniff_stream_decoding(path: str | Path) -> StreamDecoding:
    """The decoding decode_bytes_noted gives the whole file at `path` (see above), found reading it in chunks.
    Raises ValueError with scan's error for a file that is not text, one of GZIP_ERRORS for one that cannot be
    read (a damaged .gz)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):   # as read_text_file: a FIFO blocks until written to, /dev/zero never ends
        raise ValueError(f"not a regular file ({_file_kind(mode)})")
    with open_binary(path) as handle:
        head = handle.read(SNIFF_BYTES)
        for bom, encoding in BOMS:
            if head.startswith(bom):
                if encoding == "utf-8-sig":   # checked as UTF-8 after the mark: the utf-8-sig codec counts
                    # offsets in its first chunk from after the mark, in the others from the chunk's start
                    check = _decode_check(_chunks(handle, head[len(bom):]), "utf-8", start=len(bom))
                else:
                    check = _decode_check(_chunks(handle, head), encoding)
                if check.error is not None:
                    raise ValueError(_bom_error(encoding, *check.error))
                return StreamDecoding(encoding, notes=tuple(_cut_short_notes(encoding, check.cut > 0)),
                                      length=check.size - check.cut if check.cut else None)
        for magic, kind in BINARY_MAGIC.items():
            if head.startswith(magic):
                raise ValueError(f"binary file ({kind}), not text")
        tally = _Tally()
        for chunk in _chunks(handle, head):
            tally.feed(chunk)
        tally.finish()
    if tally.nuls and tally.nuls == tally.size:
        raise ValueError(ONLY_NULS_ERROR)
    length = tally.size - tally.nuls
    # decode_bytes_noted drops the zero bytes a file ends with unless NULs come in its first 8 KiB as well
    stripped = tally.nuls > 0 and b"\x00" not in head[:length][:8192]
    if b"\x00" in (head[:length] if stripped else head)[:8192]:
        return _sniff_wide(path, head)
    padded = (_nul_note(tally.nuls, "byte"),) if stripped else ()
    if tally.bad == 0:
        return StreamDecoding("utf-8", notes=padded + tuple(_cut_short_notes("UTF-8", tally.cut > 0)),
                              length=length - tally.cut if stripped or tally.cut else None)
    bad = tally.bad + (tally.cut > 0)   # (the incomplete last character is replaced too, as a bad byte run)
    if _mostly_utf8(bad, tally.good):
        return StreamDecoding("utf-8", "replace", padded + (_damaged_utf8_note(bad),), length if stripped else None)
    other = _other_script_encoding(_script_sample(head[:length]))
    if other is not None:
        with open_binary(path) as handle:
            check = _decode_check(_chunks(handle), other, length)
        if check.error is None:
            _refuse_control_bytes(head[:length], other)
            notes = padded + (_legacy_note(other),) + tuple(_cut_short_notes(other, check.cut > 0))
            return StreamDecoding(other, notes=notes, length=length - check.cut if stripped or check.cut else None)
    encoding = "latin-1" if tally.undefined else "cp1252"
    _refuse_control_bytes(head[:length], encoding)
    return StreamDecoding(encoding, notes=padded + (_legacy_note(encoding),), length=length if stripped else None)


def _refuse_control_bytes(head: bytes, encoding: str) -> None:
    """Raise scan's error when the text decoded from `head`, the file's first SNIFF_BYTES (its first 8,192
    characters or more, and an incomplete last character held back), has more control characters than
    CONTROL_SHARE: _control_share judges scan's text on those 8,192."""
    if _control_share(codecs.getincrementaldecoder(encoding)("strict").decode(head)) > CONTROL_SHARE:
        raise ValueError(CONTROL_BYTES_ERROR)


def _sniff_wide(path: str | Path, head: bytes) -> StreamDecoding:
    """The decoding of a file whose first 8 KiB hold NULs: UTF-16/32 without a byte-order mark in the first byte
    order that decodes all of it with no NUL character before its end (zero padding) and few control characters,
    as decode_bytes_noted tries them; one pass over the file for each byte order tried."""
    for encoding in _wide_encodings(head[:8192]):
        with open_binary(path) as handle:
            check = _decode_check(_chunks(handle), encoding, wide=True)
        if check.error is not None or check.inner_nul:
            continue
        if _control_share(check.first_chars.rstrip("\x00")) > CONTROL_SHARE:
            continue
        padded = (_nul_note(check.nul_chars, "character"),) if check.nul_chars else ()
        dropped = check.cut + check.nul_chars * _WIDE_UNITS[encoding]
        return StreamDecoding(encoding, notes=padded + tuple(_cut_short_notes(encoding, check.cut > 0)),
                              length=check.size - dropped if dropped else None)
    raise ValueError(WIDE_NUL_ERROR)


class _Tally:
    """One pass over a file that is not wide text: its size, the zero bytes it ends with (NUL padding), and how the
    bytes before them read as UTF-8 and cp1252. A run of zero bytes is held back (counted, not kept) until a
    later byte shows that it is not the padding: a character cut in two before the padding is then an incomplete
    last character, as decode_bytes_noted sees it after dropping the padding, not a bad byte run."""

    def __init__(self) -> None:
        self.size = self.nuls = 0   # bytes; zero bytes at the end of those read so far
        self.bad = self.good = 0   # bad byte runs, correct non-ASCII characters (_utf8_damage)
        self.cut = 0   # bytes of an incomplete UTF-8 character at the end (before the padding)
        self.undefined = False   # a byte cp1252 cannot decode
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._tail = b""   # the last two bytes counted: a U+FFFD written in the file may straddle two chunks

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        kept = chunk.rstrip(b"\x00")
        if not kept:
            self.nuls += len(chunk)
            return
        while self.nuls:   # the zero bytes held back are inside the text after all (in bounded pieces)
            piece = min(self.nuls, STREAM_CHUNK)
            self._count(bytes(piece))
            self.nuls -= piece
        self._count(kept)
        self.nuls = len(chunk) - len(kept)

    def _count(self, data: bytes) -> None:
        bad, good = _utf8_damage(self._decoder.decode(data), self._tail + data)
        self.bad, self.good = self.bad + bad, self.good + good
        self.undefined = self.undefined or len(data.translate(None, _CP1252_UNDEFINED)) < len(data)
        self._tail = (self._tail + data)[-2:]

    def finish(self) -> None:
        self.cut = len(self._decoder.getstate()[0])


@dataclass
class _Check:
    """What _decode_check found: `error` (reason, byte offset) or None; the bytes it read and the bytes of an
    incomplete last character (0: none), which scan forgives; for wide text, the first 8,192 characters, the
    NUL characters it ends with and whether a NUL character comes before other text."""

    error: tuple[str, int] | None = None
    size: int = 0
    cut: int = 0
    first_chars: str = ""
    nul_chars: int = 0
    inner_nul: bool = False


def _chunks(handle: IO[bytes], first: bytes = b"") -> Iterator[bytes]:
    """`first` (bytes already read from `handle`), then the rest of `handle`, STREAM_CHUNK bytes at a time."""
    if first:
        yield first
    yield from iter(lambda: handle.read(STREAM_CHUNK), b"")


def _decode_check(chunks: Iterable[bytes], encoding: str, length: int | None = None, wide: bool = False,
                  start: int = 0) -> _Check:
    """Whether the bytes (the first `length` of them, when given) decode in `encoding`, strictly but for an
    incomplete last character; with `wide`, also where NUL characters come (decode_bytes_noted drops those the
    text ends with and refuses wide text with any other). `start`: bytes of the file before `chunks`."""
    check = _Check(size=start)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    pending = 0   # bytes the decoder holds back for the next chunk
    for chunk in chunks:
        if length is not None:
            chunk = chunk[: length - check.size]
            if not chunk:
                break
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            check.error = (exc.reason, check.size - pending + exc.start)
            return check
        check.size += len(chunk)
        pending = len(decoder.getstate()[0])
        if wide:
            if len(check.first_chars) < 8192:
                check.first_chars += text[: 8192 - len(check.first_chars)]
            kept = text.rstrip("\x00")
            if kept and (check.nul_chars or "\x00" in kept):
                check.inner_nul = True
                return check
            check.nul_chars = check.nul_chars + len(text) if not kept else len(text) - len(kept)
    check.cut = pending
    return check


def _cut_short_note(encoding: str) -> str:
    return f"incomplete {encoding} character at the end dropped"


def iter_decoded_lines(path: str | Path, decoding: StreamDecoding) -> Iterator[str]:
    """The lines of the file at `path` decoded as `decoding` says (universal newlines), one at a time; a line
    longer than STREAM_LINE_CHARS comes in pieces of at most that, each cut after its last space or tab (if any)
    so that no word is split. NUL characters inside the text (past the 8 KiB binary check) are left out: kept,
    "coun\\x00cil" is tokenised as 'coun', '\\x00', 'cil'. (scan keeps them, with a note: its paragraph offsets
    index the text as given; this is the one difference between the two readers' text.)"""
    with open_binary(path) as raw:
        stream = raw if decoding.length is None else io.BufferedReader(_FirstBytes(raw, decoding.length))
        with io.TextIOWrapper(stream, encoding=decoding.encoding, errors=decoding.errors) as text:
            cap, carried = STREAM_LINE_CHARS, ""   # carried: the part of a piece after its last space
            while True:
                line = carried + text.readline(cap - len(carried))
                if not line:
                    return
                carried = ""
                if len(line) >= cap and not line.endswith("\n"):
                    cut = max(line.rfind(" "), line.rfind("\t")) + 1
                    if cut:
                        line, carried = line[:cut], line[cut:]
                if "\x00" in line:
                    line = line.replace("\x00", "")
                    if not line:
                        continue
                yield line


class _FirstBytes(io.RawIOBase):
    """The first `size` bytes of a binary stream (a file without the zero bytes it ends with)."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream, self.left = stream, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(min(len(buffer), self.left))
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)


def finish_raw(raw: RawDocument, config: Config) -> RawDocument:
    """Apply the size cap and emptiness check shared by every source."""
    if raw.error is None:
        if "\x00" in raw.text:
            # NUL characters past the decoders' 8 KiB binary check, or "\u0000" in a JSON string: said, since tools
            # that read C strings stop at them; kept, since paragraph offsets index the text as given
            raw.notes.append(f"{raw.text.count(chr(0))} NUL character(s) inside the text")
        if len(raw.text) > config.max_chars:
            raw.notes.append(f"truncated: {len(raw.text)} characters, kept the first {config.max_chars}")
            raw.text = raw.text[: config.max_chars]
        if not raw.text.strip():
            raw.error = "empty document (no text)" if not raw.text else "empty document (whitespace only)"
        raw.content_hash = content_hash(raw.text)
    return raw


def read_text_file(path: str | Path, config: Config | None = None) -> RawDocument:
    """Read one text file, never raising: problems are reported in `RawDocument.error`."""
    config = config or Config()
    if str(path) == "":   # (not Path(""), which is the working folder)
        return RawDocument(id="", path="", text="", error=EMPTY_PATH)
    path = Path(path)
    shown = _display_path(path)
    raw = RawDocument(id=shown, path=shown, text="")
    try:
        if path.is_dir():
            raw.error = "is a directory, not a file"
            return raw
        # Only regular files: opening a FIFO named x.txt would block the scan forever, and a
        # device (a symlink to /dev/zero) never ends.
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raw.error = f"not a regular file ({_file_kind(mode)})"
            return raw
        if path.name.lower().endswith(".gz"):
            # decompressed as it is read, so the byte cap bounds a gzip bomb too
            with gzip.open(path, "rb") as handle:
                return _read_capped(raw, handle, config, None, "decompressed file")
        with open(path, "rb") as handle:
            return _read_capped(raw, handle, config, os.fstat(handle.fileno()).st_size)
    except GZIP_ERRORS as exc:
        raw.error = _unreadable(exc)
        return raw


def read_stream(handle: IO[bytes], name: str = "<stdin>", config: Config | None = None) -> RawDocument:
    """Read one document from a byte stream (standard input) as a text file is read: at most 4 x max_chars
    bytes (the rest is left unread), the same decoding and checks, never raising. (A process without standard
    input is told apart before: open_stdin_documents.)"""
    raw = RawDocument(id=name, path=None, text="")
    try:
        return _read_capped(raw, handle, config or Config(), None)
    except GZIP_ERRORS as exc:   # (gzip on standard input, damaged or cut short)
        raw.error = _unreadable(exc)
        return raw


def _unreadable(exc: BaseException) -> str:
    """A read error as a document's error: a damaged .gz says so (its errors have no strerror)."""
    if isinstance(exc, (EOFError, zlib.error)):
        return f"unreadable: damaged or truncated gzip data ({exc})"
    return f"unreadable: {exc.strerror or str(exc) or exc.__class__.__name__}"


def _read_capped(raw: RawDocument, handle: IO[bytes], config: Config, size: int | None,
                 stream: str = "input") -> RawDocument:
    """Read `handle` (a file of `size` bytes, or a stream named `stream`: None) into `raw`: no more bytes than
    the character cap can use (UTF-8 needs at most 4 a character), then decoded and checked."""
    byte_cap = config.max_chars * 4
    data = handle.read(byte_cap + 1)
    if len(data) > byte_cap:
        whole = f"{stream} is longer than {byte_cap} bytes" if size is None else f"file is {max(size, len(data))} bytes"
        raw.notes.append(f"truncated: {whole}, read the first {byte_cap}")
        data = data[:byte_cap]
    return _decoded(raw, data, config, "empty input (0 bytes)" if size is None else "empty file (0 bytes)")


def _decoded(raw: RawDocument, data: bytes, config: Config, empty: str) -> RawDocument:
    """`raw` with the text decoded from `data` (or why it cannot be: `empty` for no bytes), capped and checked."""
    if not data:
        raw.error = empty
        return raw
    text, encoding, error, notes = decode_bytes_noted(data)
    raw.encoding = encoding
    if error:
        raw.error = error
        return raw
    assert text is not None
    raw.notes.extend(notes)
    raw.text = text
    return finish_raw(raw, config)


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return kind
    return "special file"


# Lone surrogates come from invalid UTF-8 bytes in a JSONL line (read with surrogateescape)
# or from "\ud800"-style JSON escapes. They cannot be written as UTF-8, so they would crash
# the report writers; they are replaced with U+FFFD and counted in a note.
_SURROGATE = re.compile("[\ud800-\udfff]")


MAX_JSON_DEPTH = 100   # deeper records are refused: the writers and _scrub recurse per level


# A byte-order mark at the start of a line past the first: files concatenated (`cat a.jsonl b.jsonl`) where the
# second began with one. UTF-8's decodes to U+FEFF; UTF-16's two bytes, not UTF-8, to surrogate escapes.
_LINE_BOMS = ("\ufeff", "\udcfe\udcff", "\udcff\udcfe")


def strip_line_bom(line: str) -> str:
    """`line` without a byte-order mark at its start: not content, so a record after one is read and a line
    holding only one is blank (before, the record was reported as malformed JSON and lost)."""
    for bom in _LINE_BOMS:
        if line.startswith(bom):
            return line[len(bom):]
    return line


def parse_json_line(line: str | bytes) -> tuple[Any, str | None, int]:
    """(value, None, non-finite numbers read as null) or (None, why the line is not a usable JSON value, 0).
    Beyond malformed JSON this refuses what would crash a writer later: nesting deeper than MAX_JSON_DEPTH
    and integers longer than Python converts (4,300 digits). NaN, Infinity and 1e999 become null: strict
    JSON readers reject them in the output."""
    non_finite = 0

    def constant(_name: str) -> None:
        nonlocal non_finite
        non_finite += 1
        return None

    def number(text: str) -> float | None:
        nonlocal non_finite
        value = float(text)
        if math.isfinite(value):
            return value
        non_finite += 1
        return None

    try:
        value = json.loads(line, parse_constant=constant, parse_float=number)
    except json.JSONDecodeError as exc:
        return None, exc.msg, 0
    except RecursionError:
        return None, f"nested deeper than {MAX_JSON_DEPTH} levels", 0
    except (ValueError, UnicodeError) as exc:   # an integer of more than 4,300 digits; bad UTF-8 in bytes
        return None, str(exc), 0
    if _deeper_than(value, MAX_JSON_DEPTH):
        return None, f"nested deeper than {MAX_JSON_DEPTH} levels", 0
    return value, None, non_finite


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _scrub(value: Any) -> tuple[Any, int]:
    """`value` with lone surrogates in every string (keys too) replaced; returns (value, count)."""
    if isinstance(value, str):
        return _SURROGATE.subn("\ufffd", value)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            new_key, n_key = _scrub(key)
            new_item, n_item = _scrub(item)
            out[new_key] = new_item
            total += n_key + n_item
        return out, total
    if isinstance(value, list):
        items = [_scrub(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    return value, 0


def record_to_raw(record: Any, fallback_id: str, config: Config | None = None,
                  text_field: str = "text", path: str | None = None) -> RawDocument:
    """Turn one JSON record ({"text": ..., "id"|"url": ...}) into a RawDocument."""
    config = config or Config()
    if not isinstance(record, dict):
        return RawDocument(id=fallback_id, path=path, text="", error="record is not a JSON object")
    record, replaced = _scrub(record)
    doc_id = record.get("id", record.get("url"))
    doc_id = str(doc_id) if doc_id is not None else fallback_id
    text = record.get(text_field)
    metadata = {k: v for k, v in record.items() if k != text_field}
    raw = RawDocument(id=doc_id, path=path, text="", metadata=metadata, encoding="utf-8")
    if text is None:
        raw.error = (f"'{text_field}' field is null (missing value)" if text_field in record
                     else f"record has no '{text_field}' field")
    elif not isinstance(text, str):
        raw.error = f"'{text_field}' field is {type(text).__name__}, not a string"
    else:
        raw.text = text
    if replaced:
        raw.notes.append(f"invalid UTF-8 or lone surrogates: {replaced} character(s) replaced with U+FFFD")
    return finish_raw(raw, config)


def capped_lines(handle: IO[AnyStr], cap: int) -> Iterator[tuple[AnyStr, bool]]:
    """(line, too_long) pairs from a text or binary stream. A line longer than `cap` characters (bytes)
    is not held in memory: its first `cap` are returned with too_long=True and the rest is skipped."""
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) > cap and not line.endswith(newline):
            while True:
                rest = handle.readline(cap)
                if not rest or rest.endswith(newline):
                    break
            yield line[:cap], True
        else:
            yield line, False


def line_cap(config: Config) -> int:
    """Longest JSONL line read: a record may spell every character of a full-size text (config.max_chars)
    as a 6-character \\uXXXX escape."""
    return max(config.max_chars * 6, 1 << 20)


# Control bytes tolerated at the head of a JSONL file before it is called binary.
JSONL_STRAY_CONTROLS = 8
# How much of a JSONL input not_jsonl looks at (its own name: as SNIFF_BYTES it replaced the stream decoder's).
JSONL_SNIFF_BYTES = 4096


def _open_lines(path: Path) -> tuple[io.TextIOBase | None, str | None]:
    """(text stream, None), or (None, why the file cannot be read as JSONL).

    Exports from Windows tools start with a byte-order mark (UTF-8, sometimes UTF-16), which
    would make the first line malformed; an image or archive named .jsonl would otherwise
    become thousands of "malformed JSON" documents, one per newline byte.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):   # a FIFO would block the scan forever
        return None, f"not a regular file ({_file_kind(mode)})"
    binary = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    try:
        head = binary.peek(JSONL_SNIFF_BYTES)[:JSONL_SNIFF_BYTES]
    except GZIP_ERRORS:
        head = b""   # a damaged gzip stream: reported by the reading loop, after what it can read
    encoding, errors = "utf-8", "surrogateescape"
    for bom, name in BOMS:
        if head.startswith(bom):
            encoding, errors = name, ("surrogateescape" if name == "utf-8-sig" else "replace")
            break
    else:
        why = not_jsonl(head)
        if why is not None:
            binary.close()
            return None, why
    return io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="\n"), None


def not_jsonl(head: bytes) -> str | None:
    """Why a file (or stream) whose first bytes are `head` is binary, not JSONL ("binary file (PNG image), not
    JSONL"), or None when it may be text. `scan` and `filter` both ask it, so they say the same of an image
    or an archive named .jsonl: otherwise it becomes one "malformed JSON" record per newline byte."""
    if any(head.startswith(bom) for bom, _ in BOMS):
        return None
    kind = next((kind for magic, kind in BINARY_MAGIC.items() if head.startswith(magic)), None)
    # JSON text never holds raw control bytes; many of them mean this is not text at all
    # (a few stray bytes only make their own lines malformed).
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v")
    if kind is None and controls > max(JSONL_STRAY_CONTROLS, 0.05 * len(head)):
        kind = "control bytes"
    return None if kind is None else f"binary file ({kind}), not JSONL"


def iter_jsonl(path: str | Path, config: Config | None = None, text_field: str = "text") -> Iterator[RawDocument]:
    """One RawDocument per non-blank line; malformed lines become documents with an error."""
    config = config or Config()
    path = Path(path)
    shown = _display_path(path)
    try:
        handle, error = _open_lines(path)
    except OSError as exc:
        yield RawDocument(id=shown, path=shown, text="", error=f"unreadable: {exc.strerror or exc}")
        return
    if handle is None:
        yield RawDocument(id=shown, path=shown, text="", error=error)
        return
    found = False
    for raw in _jsonl_documents(handle, shown, config, text_field):
        found = True
        yield raw
    if not found:   # every input gets a row: a JSONL file without a record says so
        yield RawDocument(id=shown, path=shown, text="", error="no JSONL records (empty file or blank lines only)")


PARQUET_BATCH_ROWS = 256   # rows decoded at a time: memory stays flat in the file's size
PARQUET_NEEDS = "reading .parquet files needs pyarrow: pip install 'qualitycheck[parquet]'"


def parquet_rows(path: str | Path, text_field: str = "text") -> Iterator[tuple[dict, int]]:
    """(record made JSON-safe, how many of its values were replaced) of each row of a Parquet file, a batch
    of rows at a time; a text column stored as binary is decoded as UTF-8 (bad bytes replaced). Raises
    ImportError without pyarrow and pyarrow's own errors for a damaged file."""
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path)
    try:
        for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                text = record.get(text_field)
                if isinstance(text, (bytes, bytearray)):
                    record[text_field] = text.decode("utf-8", errors="replace")
                yield json_safe(record)
    finally:
        close = getattr(table, "close", None)   # (ParquetFile.close: pyarrow 12 and later)
        if close is not None:
            close()


def iter_parquet(path: str | Path, config: Config | None = None, text_field: str = "text") -> Iterator[RawDocument]:
    """One RawDocument per row of a Parquet file; the row's other columns become metadata (JSON-safe: dates
    as ISO strings, bytes by their length). A file that cannot be read, or pyarrow missing, gives one
    document with the error; a failure part-way gives the rows read so far and one error record."""
    config = config or Config()
    path = Path(path)
    shown = _display_path(path)
    row = 0
    try:
        for record, unsafe in parquet_rows(path, text_field):
            row += 1
            raw = record_to_raw(record, f"{shown}:{row}", config, text_field, path=shown)
            raw.metadata.setdefault("line", row)   # the record's place, as a JSONL line number is
            if unsafe:
                raw.notes.append(f"{unsafe} value(s) of the row not JSON numbers or strings "
                                 "(NaN, Infinity, dates, bytes) stored as null or text")
            yield raw
    except ImportError:
        yield RawDocument(id=shown, path=shown, text="", error=PARQUET_NEEDS)
        return
    except Exception as exc:   # pyarrow raises its own error classes (ArrowInvalid, ArrowIOError, ...)
        yield RawDocument(id=f"{shown}:{row + 1}" if row else shown, path=shown, text="",
                          error=f"unreadable Parquet file ({parquet_where(row)}): {exc.__class__.__name__}: {exc}")
        return
    if not row:   # every input gets a row, as a JSONL file without a record does
        yield RawDocument(id=shown, path=shown, text="", error="no Parquet rows (a file with a schema and no rows)")


def parquet_where(rows: int) -> str:
    return f"after row {rows}" if rows else "before the first row"


def json_safe(value: Any) -> tuple[Any, int]:
    """`value` with what JSON cannot hold replaced, and how many values were replaced: non-finite floats
    become null, dates and times ISO strings, bytes '<N bytes>', other objects their str()."""
    if value is None or isinstance(value, (str, bool, int)):
        return value, 0
    if isinstance(value, float):
        return (value, 0) if math.isfinite(value) else (None, 1)
    if isinstance(value, dict):
        items = [(str(k), *json_safe(v)) for k, v in value.items()]
        return {k: v for k, v, _ in items}, sum(n for *_, n in items)
    if isinstance(value, (list, tuple)):
        items = [json_safe(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>", 1
    if hasattr(value, "isoformat"):
        return value.isoformat(), 1
    return str(value), 1


# An input given as "" (an unset shell variable): no file, not the working folder Path("") names.
EMPTY_PATH = "no such file or directory (an empty path)"

# The input naming standard input (`scan -`).
STDIN = "-"
STDIN_NAME = "<stdin>"
# Started without one (pythonw, `<&-`): sys.stdin is None.
NO_STDIN = "this process has no standard input"


def stdin_file_id() -> tuple[int, int] | None:
    """(device, inode) of the regular file standard input is redirected from (`< x.jsonl`), else None (a pipe, a
    terminal, /dev/null, or no standard input): how an output that would empty the input is told."""
    try:
        given = os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):   # no standard input, or one without a descriptor
        return None
    return (given.st_dev, given.st_ino) if stat.S_ISREG(given.st_mode) else None


def iter_stdin(config: Config | None = None, text_field: str = "text") -> Iterator[RawDocument]:
    """Standard input as `scan -` and `check -` read it: JSONL records when its first non-blank character opens
    a JSON object (gzip or not, with or without a byte-order mark, as `filter` reads it), else one text
    document. Never raises."""
    yield from open_stdin_documents(config, text_field)[1]


def open_stdin_documents(config: Config | None = None,
                         text_field: str = "text") -> tuple[bool, Iterator[RawDocument]]:
    """iter_stdin's documents, and whether standard input held JSONL records (True) or one text (False)."""
    from .streaming import open_records_or_text   # (streaming imports this module)

    config = config or Config()
    if sys.stdin is None:   # started without one (pythonw, a closed descriptor 0)
        return False, iter([RawDocument(id=STDIN_NAME, path=STDIN_NAME, text="", error=f"unreadable: {NO_STDIN}")])
    try:
        # A text document gets its bytes as sent (only gzip undone), so that read_stream decodes them as a
        # file's are: a UTF-16 byte-order mark is then recorded as utf-16, not as the utf-8 of a re-encoding.
        stream, records = open_records_or_text(STDIN)
    except (*GZIP_ERRORS, ValueError) as exc:   # (ValueError: standard input already closed)
        return False, iter([RawDocument(id=STDIN_NAME, path=STDIN_NAME, text="",
                                        error=f"unreadable: {exc or exc.__class__.__name__}")])
    if records:
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="\n")
        return True, _jsonl_documents(text, STDIN_NAME, config, text_field)
    raw = read_stream(stream, STDIN_NAME, config)
    raw.path = STDIN_NAME
    return False, iter([raw])


def _jsonl_documents(handle: io.TextIOBase, shown: str, config: Config, text_field: str) -> Iterator[RawDocument]:
    """The documents of an open JSONL text stream named `shown` (closed at the end)."""
    with handle:
        lineno = 0
        cap = line_cap(config)
        try:
            for lineno, (line, too_long) in enumerate(capped_lines(handle, cap), start=1):
                fallback_id = f"{shown}:{lineno}"
                if too_long:
                    yield RawDocument(id=fallback_id, path=shown, text="",
                                      error=f"line {lineno} longer than {cap} characters, skipped")
                    continue
                line = strip_line_bom(line)
                if not line.strip():
                    continue
                record, why, non_finite = parse_json_line(line)
                if why is not None:
                    yield RawDocument(id=fallback_id, path=shown, text="", error=f"malformed JSON on line {lineno}: {why}")
                    continue
                raw = record_to_raw(record, fallback_id, config, text_field, path=shown)
                raw.metadata.setdefault("line", lineno)
                if non_finite:
                    raw.notes.append(f"{non_finite} non-finite number(s) (NaN, Infinity) in the record read as null")
                yield raw
        except GZIP_ERRORS as exc:
            yield RawDocument(id=f"{shown}:{lineno + 1}", path=shown, text="",
                              error=f"read failed after line {lineno}: {exc}")


def is_input_file(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(INPUT_SUFFIXES)


# Files that together mark a qualitycheck run folder (see run.py). Its documents.jsonl holds
# reports, not documents: `qualitycheck scan .` run twice would otherwise read the first
# run's output as input.
RUN_FOLDER_MARKERS = ("run.json", "documents.jsonl")


def is_run_folder(path: str | Path) -> bool:
    return all(os.path.isfile(os.path.join(path, name)) for name in RUN_FOLDER_MARKERS)


@dataclass(frozen=True)
class UnreadableFolder:
    """A folder under a scanned folder that could not be listed (permission denied, gone mid-scan): discover
    yields it where its files would have come, so the scan reports it instead of silently missing them."""

    path: Path
    error: str


def discover(root: str | Path, exclude: Iterable[str | Path] = (),
             skipped: Counter | None = None) -> Iterator[Path | UnreadableFolder]:
    """Input files under `root` in a stable (sorted) order, and an UnreadableFolder for each folder that
    cannot be listed. Files of other kinds are counted in `skipped` by suffix ("(none)" without one), so a
    scan of a folder of .html pages can say why it found nothing.

    A symbolic link to a folder is followed, unless its target is inside `root` or inside a folder
    already followed (those files are read once, under their own path) or holds `root` (a loop up the
    tree): no walk is endless.

    Folders in `exclude` are skipped: a scan's own run folder inside the scanned folder would
    otherwise feed documents.jsonl back in as input while it is being written, without end.
    Earlier run folders (RUN_FOLDER_MARKERS) below `root` are skipped too.
    """
    root = Path(root)
    skip = {os.path.realpath(path) for path in exclude}
    # os.path.isdir, not Path.is_dir: a path that cannot be looked at (a folder on its way that the user
    # may not enter) is yielded as a file, for read_text_file to report, instead of raising here.
    if not os.path.isdir(root):
        if not (skip and os.path.realpath(root.parent) in skip):   # a file of the run folder itself
            yield root
        return
    if os.path.realpath(root) in skip:
        return   # the run folder itself (run.scan refuses to scan into an input folder)
    walked = [os.path.realpath(root)]   # the real folders whose whole tree is being read
    unlisted: list[OSError] = []        # os.walk's errors: folders it could not list
    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted.append, followlinks=True):
        yield from _unreadable_folders(unlisted)
        dirnames[:] = sorted(name for name in dirnames
                             if not (skip and os.path.realpath(os.path.join(dirpath, name)) in skip)
                             and not is_run_folder(os.path.join(dirpath, name)))
        here = Path(dirpath)
        # A directory named like an input file ("x.txt/") is reported, not walked as a file.
        for name in dirnames:
            if is_input_file(Path(name)):
                yield here / name
        dirnames[:] = [name for name in dirnames
                       if not os.path.islink(os.path.join(dirpath, name))
                       or _new_tree(os.path.join(dirpath, name), walked)]
        for name in sorted(filenames):
            candidate = here / name
            if is_input_file(candidate):
                yield candidate
            elif skipped is not None:
                skipped[candidate.suffix.lower() or "(none)"] += 1
    yield from _unreadable_folders(unlisted)


def _new_tree(link: str, walked: list[str]) -> bool:
    """Whether the folder `link` points to is outside every tree in `walked` (the scanned folder first, then
    the folders followed) and does not hold the scanned folder; it is added to `walked` if so. A link into a
    tree being read would read its files twice, and one up the tree (`sub/up -> ..`, a link to /) for ever."""
    target = os.path.realpath(link)
    if any(_within(target, tree) for tree in walked) or _within(walked[0], target):
        return False
    walked.append(target)
    return True


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _unreadable_folders(errors: list[OSError]) -> Iterator[UnreadableFolder]:
    while errors:
        exc = errors.pop(0)
        yield UnreadableFolder(Path(exc.filename or "?"), f"unreadable folder: {exc.strerror or exc}; the files in it "
                                                   "were not scanned")


def iter_raw_documents(inputs: Iterable[str | Path], config: Config | None = None,
                       text_field: str = "text", exclude: Iterable[str | Path] = (),
                       skipped: Counter | None = None) -> Iterator[RawDocument]:
    """Every document under the given files and folders (but not under `exclude`), read and decoded;
    `skipped` counts the files in those folders that are not inputs (see discover). A path that cannot be
    looked at, and a folder that cannot be listed, is one document with the error."""
    config = config or Config()
    exclude = list(exclude)
    # A file named twice, or with its folder, is read once: paths under inputs already read are passed
    # over (held per input, not per file, so memory does not grow with the folder).
    files_read: set[str] = set()
    folders_read: list[str] = []
    stdin_read = False
    for item in inputs:
        if str(item) == STDIN:
            if not stdin_read:   # (named twice, it is still one stream)
                stdin_read = True
                yield from iter_stdin(config, text_field)
            continue
        if str(item) == "":
            # Path("") is ".": `scan "$DIR"` with DIR unset would scan the working folder
            yield RawDocument(id="", path="", text="", error=EMPTY_PATH)
            continue
        item_path = Path(item)
        try:
            os.lstat(item_path)   # (lstat: a broken or looping symlink is read, and reported, as a file)
        except OSError as exc:
            shown = _display_path(item_path)
            # a folder on the way the user may not enter raises PermissionError: an error, not a crash
            missing = isinstance(exc, (FileNotFoundError, NotADirectoryError))
            yield RawDocument(id=shown, path=shown, text="",
                              error="no such file or directory" if missing else f"unreadable: {exc.strerror or exc}")
            continue
        for path in discover(item_path, exclude, skipped):
            if isinstance(path, UnreadableFolder):
                shown = _display_path(path.path)
                yield RawDocument(id=shown, path=shown, text="", error=path.error)
                continue
            if files_read or folders_read:
                where = os.path.abspath(path)
                if where in files_read or any(where.startswith(folder) for folder in folders_read):
                    continue
            if path.name.lower().endswith(JSONL_SUFFIXES) and not os.path.isdir(path):
                yield from iter_jsonl(path, config, text_field)
            elif path.name.lower().endswith(PARQUET_SUFFIXES) and not os.path.isdir(path):
                yield from iter_parquet(path, config, text_field)
            else:
                yield read_text_file(path, config)
        where = os.path.abspath(item_path)
        if os.path.isdir(item_path):
            folders_read.append(where.rstrip(os.sep) + os.sep)
        else:
            files_read.add(where)
