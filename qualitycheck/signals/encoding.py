"""Where broken decoding (mojibake) and control-character damage are decided."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Config
from ..document import Document


# The characters cp1252 gives bytes 0x80-0xBF (0x80-0x9F are its own, not the C1 controls; 0xA0-0xBF are
# latin-1's): the second byte of a two-byte UTF-8 letter read as cp1252.
_CP1252_TAIL = ("\u0080-\u00bf\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
                "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc")


@dataclass(frozen=True)
class DamageRule:
    name: str
    regex: re.Pattern
    what: str       # how the evidence names a hit
    min_hits: int   # hits of this rule that flag a paragraph...
    alone: re.Pattern | None = None   # ...or one hit of these, which are damage on their own
    # a character every hit holds: paragraphs without one skip the rule (the alternation is tried at every
    # character, about 0.15 ms a document; this one character class costs a few microseconds)
    gate: re.Pattern | None = None


# Sequences no language writes, each damage on its own: UTF-8's three-byte punctuation read as cp1252 ("â€™" for
# "’", "â€œ" for "“"), its byte-order mark so read ("ï»¿"), and the two-byte letters of Polish, Czech, Turkish,
# Romanian or Vietnamese ("Å›" for "ś", "ÅŸ" for "ş", "Ä…" for "ą", "á»…" for "ễ"): a lead "Ä", "Å" or "á»"
# before a cp1252 tail character; and a symbol after "Â" ("Â£" for "£", "Â°" for "°").
_UNAMBIGUOUS = rf"â€[{_CP1252_TAIL}]|ï»¿|[ÄÅ][{_CP1252_TAIL}]|á[º»][{_CP1252_TAIL}]|Â[£©®°±]"

# One rule per way text gets damaged; a paragraph with `min_hits` hits of one rule (or one `alone` hit) is
# flagged `mojibake`.
DAMAGE_RULES = (
    # UTF-8 read as cp1252 (or latin-1 for the two-byte lead): the sequences above, and the two-byte letters of
    # Western European languages ("Ã©" for "é", "Â " for a no-break space, "Â£" for "£"), two of which are
    # needed: "Ã" and "Â" are Portuguese and French capitals, and an uppercase word may end in one before a
    # guillemet («ATÉ AMANHÃ»), which is left out. U+FFFD is what a decoder leaves for bytes it could not read.
    DamageRule("utf8_as_cp1252", re.compile(
        rf"{_UNAMBIGUOUS}|[ÃÂ](?![«»])[{_CP1252_TAIL}]|(?<![A-ZÀ-Þ])[ÃÂ][«»]|\ufffd"), "broken sequences", 2,
        re.compile(_UNAMBIGUOUS), re.compile("[âïÄÅáÂÃ\ufffd]")),
    # UTF-8 (or cp1252) bytes read as ISO-8859-1, which maps bytes 0x80-0x9F to the C1 control characters
    # U+0080-U+009F: "’" becomes "â" + U+0080 + U+0099. ISO-8859-1 was HTTP/1.1's default charset for text
    # media types without one (RFC 2616, section 3.7.1), so scrapers that trusted it produce exactly this.
    # No written language uses C1 controls, so each one is damage.
    DamageRule("c1_controls", re.compile(r"[\u0080-\u009f]"), "C1 control characters", 1),
    # C0 controls other than tab, line and page breaks (and DEL): bytes of a binary file or a corrupted
    # stream read as text; they never occur in edited prose (two, as one may be a stray byte).
    DamageRule("c0_controls", re.compile(r"[\x00-\x08\x0e-\x1f\x7f]"), "control characters", 2),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")   # shown in evidence by code point: invisible, or a line break


def _code_point(match: re.Match) -> str:
    return f"U+{ord(match.group(0)):04X}"


class MojibakeSignal:
    """Flags paragraphs whose text shows encoding damage ("Ã©", "â€™", U+FFFD, stray control characters).

    Such text was decoded with the wrong codec somewhere upstream (or is not text at all); it can
    often be repaired (e.g. with ftfy) but should not be trained on as is.
    """

    name = "mojibake"

    def apply(self, doc: Document, config: Config) -> None:
        for paragraph in doc.paragraphs:
            for rule in DAMAGE_RULES:
                if rule.gate is not None and not rule.gate.search(paragraph.text):
                    continue
                hits = rule.regex.findall(paragraph.text)
                if len(hits) >= rule.min_hits or hits and rule.alone is not None and any(map(rule.alone.match, hits)):
                    sample = ", ".join(_CONTROL.sub(_code_point, h) for h in sorted(set(hits))[:5])
                    paragraph.add("mojibake", rule.name, f"{len(hits)} {rule.what}: {sample}", float(len(hits)))
                    break
