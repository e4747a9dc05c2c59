"""Where broken decoding (mojibake) is decided."""
from __future__ import annotations

import re

from ..config import Config
from ..document import Document

# UTF-8 bytes read as cp1252/latin-1: "Ã©" for "é", "â€™" for "’", "Â " for a no-break space.
MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|\ufffd")
MIN_HITS = 2


class MojibakeSignal:
    """Flags paragraphs whose text shows encoding damage ("Ã©", "â€™", U+FFFD).

    Such text was decoded with the wrong codec somewhere upstream; it can often be
    repaired (e.g. with ftfy) but should not be trained on as is.
    """

    name = "mojibake"

    def apply(self, doc: Document, config: Config) -> None:
        for paragraph in doc.paragraphs:
            hits = MOJIBAKE.findall(paragraph.text)
            if len(hits) >= MIN_HITS:
                sample = ", ".join(sorted(set(hits))[:5])
                paragraph.add("mojibake", "utf8_as_cp1252", f"{len(hits)} broken sequences: {sample}", float(len(hits)))
