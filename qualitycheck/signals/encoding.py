"""Where broken decoding (mojibake) and control-character damage are decided."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Config
from ..document import Document


@dataclass(frozen=True)
class DamageRule:
    name: str
    regex: re.Pattern
    what: str       # how the evidence names a hit


# One rule per way text gets damaged; a paragraph with MIN_HITS hits of one rule is flagged `mojibake`.
DAMAGE_RULES = (
    # UTF-8 bytes read as cp1252 (or latin-1 for the two-byte lead): "Ã©" for "é", "â€™" for "’", "Â " for a
    # no-break space; U+FFFD is what a decoder leaves for bytes it could not read.
    DamageRule("utf8_as_cp1252", re.compile(
        r"[ÃÂ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
        r"\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|\ufffd"), "broken sequences"),
    # UTF-8 (or cp1252) bytes read as ISO-8859-1, which maps bytes 0x80-0x9F to the C1 control characters
    # U+0080-U+009F: "’" becomes "â" + U+0080 + U+0099. ISO-8859-1 was HTTP/1.1's default charset for text
    # media types without one (RFC 2616, section 3.7.1), so scrapers that trusted it produce exactly this.
    # No written language uses C1 controls, so each one is damage.
    DamageRule("c1_controls", re.compile(r"[\u0080-\u009f]"), "C1 control characters"),
    # C0 controls other than tab, line and page breaks (and DEL): bytes of a binary file or a corrupted
    # stream read as text; they never occur in edited prose.
    DamageRule("c0_controls", re.compile(r"[\x00-\x08\x0e-\x1f\x7f]"), "control characters"),
)
MIN_HITS = 2
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
                hits = rule.regex.findall(paragraph.text)
                if len(hits) >= MIN_HITS:
                    sample = ", ".join(_CONTROL.sub(_code_point, h) for h in sorted(set(hits))[:5])
                    paragraph.add("mojibake", rule.name, f"{len(hits)} {rule.what}: {sample}", float(len(hits)))
                    break
