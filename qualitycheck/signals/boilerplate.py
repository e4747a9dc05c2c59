"""Where boilerplate and ad markers are decided.

The wording lives in `patterns/boilerplate.toml`; this module only knows how to apply the
four kinds of rule there (whole-line, phrase-in-short-paragraph, related-article sections)
plus one structural rule: the trailer an auto-blog plugin leaves after its last ad tag.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..config import Config
from ..document import Document, Paragraph
from ..textnorm import normalize_line

PATTERN_FILE = "boilerplate.toml"


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    kind: str
    regex: re.Pattern[str]
    max_chars: int
    note: str


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """Parse the pattern file once per process."""
    raw = resources.files("qualitycheck.patterns").joinpath(PATTERN_FILE).read_text("utf-8")
    rules = []
    for entry in tomllib.loads(raw)["rule"]:
        kind = entry["kind"]
        body = entry["pattern"]
        # Line and section rules must cover the whole (normalised) paragraph.
        source = rf"(?:{body})" if kind == "phrase" else rf"(?:{body})\Z"
        rules.append(Rule(entry["name"], entry["label"], kind, re.compile(source, re.IGNORECASE),
                          int(entry.get("max_chars", 0)), entry.get("note", "")))
    return tuple(rules)


# Teasers in a related-articles list are headlines (no closing full stop) or cut-off
# summaries ending in an ellipsis; article prose ends its sentences.
_TEASER_CUT = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?\"'”’)]\s*$")
TEASER_MAX_CHARS = 320
# An auto-blog trailer ("Source link", or its spun forms) is a few words at most.
TRAILER_MAX_WORDS = 4


def _is_teaser(paragraph: Paragraph) -> bool:
    text = paragraph.text.strip()
    if len(text) > TEASER_MAX_CHARS:
        return False
    return bool(_TEASER_CUT.search(text)) or not _SENTENCE_END.search(text)


class BoilerplateSignal:
    """Flags site chrome (`boilerplate`) and ad placeholders (`ad_marker`).

    Catches comment forms, navigation, share bars, paywall and newsletter prompts, cookie
    and legal lines, category labels, related-article blocks and auto-blog trailers: text
    that is on the page but is not the article, and would pollute a training corpus.
    """

    name = "boilerplate"

    def apply(self, doc: Document, config: Config) -> None:
        rules = load_rules()
        paragraphs = doc.paragraphs
        for paragraph in paragraphs:
            line = normalize_line(paragraph.text)
            for rule in rules:
                if rule.kind == "phrase":
                    if len(paragraph.text) <= rule.max_chars and (match := rule.regex.search(paragraph.text)):
                        paragraph.add(rule.label, rule.name, f"matched {match.group(0)!r}")
                        break
                elif rule.regex.match(line):
                    paragraph.add(rule.label, rule.name, f"line {paragraph.text.strip()[:80]!r}")
                    if rule.kind == "section":
                        self._flag_section(paragraphs, paragraph.index, rule)
                    break
        self._flag_autoblog_trailer(paragraphs)

    @staticmethod
    def _flag_section(paragraphs: list[Paragraph], heading_index: int, rule: Rule) -> None:
        """Flag the teasers after a related-articles heading, if they run to the end."""
        tail = paragraphs[heading_index + 1:]
        if not tail:
            return
        if not all(p.flags or _is_teaser(p) for p in tail):
            return
        heading = paragraphs[heading_index].text.strip()[:40]
        for p in tail:
            if not p.flags:
                p.add(rule.label, f"{rule.name}_teaser", f"teaser after heading {heading!r}")

    @staticmethod
    def _flag_autoblog_trailer(paragraphs: list[Paragraph]) -> None:
        """Short lines after the last auto-blog ad tag are the plugin's trailer, whatever the words."""
        last_tag = max((p.index for p in paragraphs if any(f.rule == "autoblog_ad_tag" for f in p.flags)),
                       default=None)
        if last_tag is None:
            return
        for p in paragraphs[last_tag + 1:]:
            if len(p.text.split()) > TRAILER_MAX_WORDS:
                return
        for p in paragraphs[last_tag + 1:]:
            if not p.has("boilerplate"):
                p.add("boilerplate", "autoblog_trailer", f"short line {p.text.strip()!r} after the last ad tag")
