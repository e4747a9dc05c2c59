"""Where boilerplate and ad markers are decided.

The wording lives in `patterns/boilerplate.toml`; this module only knows how to apply the
four kinds of rule there (whole-line, phrase-in-short-paragraph, related-article sections)
plus two structural rules: the trailer an auto-blog plugin leaves after its last ad tag, and
(across the documents of a scan, applied by the folder pass) short lines that several
different stories repeat word for word (RepeatedLines).
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..config import Config
from ..document import Document, Paragraph
from ..textnorm import normalize_line_cased

try:   # the regex parser, to read the literals a phrase rule needs (re._parser from Python 3.11, sre_parse before)
    from re import _parser as _sre_parse
except ImportError:   # pragma: no cover - Python < 3.11
    import sre_parse as _sre_parse

PATTERN_FILE = "boilerplate.toml"
CHROME_LABELS = ("boilerplate", "ad_marker")   # the labels this signal gives
BESIDE_MAX_CHARS = 40   # "beside" rules are for lone link words; longer lines are not tried


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    kind: str
    regex: re.Pattern[str]
    max_chars: int
    note: str
    narrative_guard: bool = False   # phrase rules: also skip third-person narrative sentences (see _reads_as_prose)
    # Phrase rules: casefolded strings one of which every match contains (None: not known). A paragraph holding
    # none of them cannot match, so the regex is not run on it (a substring test is far cheaper than a search).
    needs: tuple[str, ...] | None = None
    # Line rules: match the normalised line with its case kept (the pattern's case-sensitive parts are
    # written (?-i:...)); the others see it casefolded.
    cased: bool = False
    # Line rules: leave alone a line that ends like a sentence (see _ends_sentence).
    sentence_guard: bool = False


# A named piece of pattern from the pattern file's [fragment] table, written <<name>> in a pattern.
_FRAGMENT = re.compile(r"<<(\w+)>>")


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """Parse the pattern file once per process."""
    raw = resources.files("qualitycheck.patterns").joinpath(PATTERN_FILE).read_text("utf-8")
    data = tomllib.loads(raw)
    fragments = data.get("fragment", {})

    def fragment(match: re.Match) -> str:
        if match.group(1) not in fragments:
            raise ValueError(f"pattern names an unknown fragment <<{match.group(1)}>>")
        return fragments[match.group(1)]

    rules = []
    for entry in data["rule"]:
        kind = entry["kind"]
        for option in ("cased", "sentence_guard"):
            if entry.get(option) and kind != "line":
                raise ValueError(f"rule {entry['name']}: only line rules take {option}")
        body = _FRAGMENT.sub(fragment, entry["pattern"])
        # Line and section rules must cover the whole (normalised) paragraph.
        source = rf"(?:{body})" if kind == "phrase" else rf"(?:{body})\Z"
        rules.append(Rule(entry["name"], entry["label"], kind, re.compile(source, re.IGNORECASE),
                          int(entry.get("max_chars", 0)), entry.get("note", ""),
                          bool(entry.get("narrative_guard", False)),
                          required_literals(source) if kind == "phrase" else None,
                          bool(entry.get("cased", False)), bool(entry.get("sentence_guard", False))))
    return tuple(rules)


NEEDS_MIN_CHARS = 3   # a shorter required literal occurs in most paragraphs: no use as a filter


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Casefolded literals one of which occurs in every match of `pattern` (matched case-insensitively), or
    None when some match may hold no literal of NEEDS_MIN_CHARS characters. Read from the parsed pattern:
    a run of literal characters outside any optional part is required; an alternation requires one of what
    each branch requires."""
    try:
        tree = _sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _needs(list(tree))
    if not found or min(map(len, found)) < NEEDS_MIN_CHARS:
        return None
    return tuple(sorted(found))


def _needs(items: list) -> frozenset[str] | None:
    """What a sequence of parsed items requires (see required_literals): the best of the candidates its items
    give, the one whose shortest literal is longest."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _sre_parse.LITERAL:
            run.append(chr(av).casefold())
            continue
        close_run()
        found = None
        if op is _sre_parse.SUBPATTERN:
            found = _needs(list(av[-1]))
        elif op is _sre_parse.BRANCH:
            branches = [_needs(list(branch)) for branch in av[1]]
            if all(branches):
                found = frozenset().union(*branches)
        elif op in (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT, getattr(_sre_parse, "POSSESSIVE_REPEAT", None)) \
                and av[0] >= 1:
            found = _needs(list(av[2]))
        elif op is getattr(_sre_parse, "ATOMIC_GROUP", None):
            found = _needs(list(av))
        if found:
            candidates.append(found)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


# Teasers in a related-articles list are headlines (no closing full stop) or cut-off
# summaries ending in an ellipsis; article prose ends its sentences.
_TEASER_CUT = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?\"'”’)]\s*$")
TEASER_MAX_CHARS = 320
# An auto-blog trailer ("Source link", or its spun forms) is a few words at most.
TRAILER_MAX_WORDS = 4


# Phrase rules find chrome words inside short paragraphs; a short news sentence may use the same words ("The
# company said subscribers to its newsletter had doubled"). Chrome addresses the reader and never reports
# speech: a paragraph that opens with a quotation followed by its attribution ('"Subscribe to what?" she
# asked'), or one of at least PROSE_MIN_WORDS words with a reporting verb, is article text for every phrase
# rule. Rules whose trigger is a bare topic word (a newsletter, a privacy policy, a free trial) also leave
# alone a third-person narrative sentence of at least NARRATIVE_MIN_WORDS words: one that opens with an
# article or a pronoun (or whose second word is a past-tense verb), ends with a full stop, and neither addresses the reader ("you", "your", "we", "our")
# nor asks or exclaims.
PROSE_MIN_WORDS = 8
NARRATIVE_MIN_WORDS = 6
_QUOTED_SPEECH = re.compile(r"[\"“‘][^\"“”]{2,300}?[,?!.]\s*[\"”’]\s+\w")
_REPORTING = re.compile(r"\b(said|says|told|asked|warned|admitted|urged|added|insisted|explained|argued|replied|"
                        r"recalled|wrote)\b"
                        # "..., organisers say." (not "Have your say")
                        r"|\b[a-z]+s say\b(?=[.,;])", re.IGNORECASE)
# Addressing the reader: second person, first person plural, a question or exclamation, or an imperative call to
# action opening a sentence ("... in five minutes. Sign up free.").
_ADDRESSED = re.compile(r"\b(you|your|yours|we|our)\b|[!?]|(^|[.:]\s+)(sign up|subscribe|join|click|tap|download|"
                        r"register|log in|sign in|get|try|read|follow|share)\b", re.IGNORECASE)
_NARRATIVE_START = re.compile(r"[\"'“‘]?(the|a|an|he|she|they|it|his|her|their|its|one|two|three|four|five|more|most|some|many)\s",
                              re.IGNORECASE)
_FULL_STOP = re.compile(r"\.[\"'”’)]?\s*\Z")
# ... or whose second word is a past-tense verb ("Critics accused the company of ...", "Members voted to ...")
# (not an adjective in -ed such as "unlimited", "related" or "sponsored")
# Also after a name and an appositive ("Substack, the newsletter platform, raised ..."), and common irregular
# past tenses ("Shares rose ...", "The firm's newsletter grew ...").
_PAST_VERB_WORD = (r"(?!(unlimited|limited|related|featured|sponsored|required|selected|detailed|updated|advanced|"
                   r"personali[sz]ed|curated|trusted|preferred|recommended)\b)(was|were|had|said|[a-z]{2,}ed|rose|fell|"
                   r"grew|won|lost|made|took|gave|saw|became|began|sold|bought|paid|left|met|ran|spent|sent|built|"
                   r"brought|wrote|chose|drew|knew|beat|struck|stood|spoke|broke|came|went|found|held|kept|led|told|"
                   r"thought)")
_PAST_VERB = _PAST_VERB_WORD + r"\s"
# ... or after an opening phrase and a comma, a subject and a past-tense verb ("Published in St. Paul, Minn., the
# newsletter ran for 30 years.")
_NARRATIVE_PAST = re.compile(r"[\"'“‘]?[^\W\d_][\w'’-]{0,30}\s+" + _PAST_VERB
                             + r"|[\"'“‘]?[A-Z][\w'’.&-]{0,30}(\s+[A-Z][\w'’.&-]{0,30}){0,3}, [^,;:!?]{3,60}, " + _PAST_VERB
                             + r"|[^!?:;\n]{3,80}?, (the|a|an|he|she|they|it|his|her|their|its|this|that)\s+"
                               r"([\w'’-]+\s+){0,2}" + _PAST_VERB,
                             re.IGNORECASE)


def _reads_as_prose(text: str, narrative: bool) -> bool:
    """Reported speech (and, with `narrative`, a third-person narrative sentence), not chrome."""
    if _QUOTED_SPEECH.match(text.lstrip()):
        return True
    words = len(text.split())
    if words >= PROSE_MIN_WORDS and _REPORTING.search(text):
        return True
    return (narrative and words >= NARRATIVE_MIN_WORDS and not _ADDRESSED.search(text)
            and bool(_NARRATIVE_START.match(text.lstrip()) or _NARRATIVE_PAST.match(text.lstrip()))
            and bool(_FULL_STOP.search(text)))


# A category or tag row ends with a label ('Politics', 'St. Louis, Mo.', 'U.S.'); a line whose last word is a
# lowercase word with a full stop (or ! or ?) after it ends a sentence ('Posted in Kabul, Sgt. Ruiz died.',
# 'Categories: judges scored taste, price and presentation.'): prose for a sentence_guard rule, when it has a verb.
# A lowercase initialism ('a.m.') is not a word here: its last letter follows a full stop.
_LAST_WORD = re.compile(r"(?<![\w.'’-])([^\W\d_][\w'’-]*)[.!?][\"'”’)]*\s*\Z")
# ... and it reads as a clause, not a list: a word followed, with no separator between, by a past-tense verb ('Ruiz
# died', 'judges scored'), or three words in one item of the list after the opener ('Ms. Sato writes weekly',
# 'residents vote today'). A tag row may end with a lowercase tag of one or two words and a full stop too ('Tags:
# politics, economy.', 'Posted in news.', 'Filed under: news, local news.'), which the first sentence_guard (any
# lowercase last word) took for prose (review24).
_SUBJECT_VERB = re.compile(r"(?<![\w'’-])[^\W\d_][\w'’-]*+[ \t]++" + _PAST_VERB_WORD + r"(?![\w'’-])", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[,;/|•·]")
CLAUSE_MIN_WORDS = 3


def _ends_sentence(text: str) -> bool:
    match = _LAST_WORD.search(text)
    if not match or not match.group(1)[0].islower():
        return False
    if _SUBJECT_VERB.search(text):
        return True
    # the items follow the opener: its colon ('Tags:'), or its two words ('Posted in', 'Filed under')
    _, colon, items = text.partition(":")
    if not colon:
        items = " ".join(text.split()[2:])
    return any(sum(1 for word in item.split() if any(ch.isalnum() for ch in word)) >= CLAUSE_MIN_WORDS
               for item in _LIST_SEPARATOR.split(items))


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
        # "beside" rules need their neighbours' labels, so they are tried after the others (split once per
        # document, not tested in the loop over paragraphs)
        beside = tuple(rule for rule in rules if rule.kind == "beside")
        if beside:
            rules = tuple(rule for rule in rules if rule.kind != "beside")
        paragraphs = doc.paragraphs
        # Where the last section check stopped: the first later paragraph that is neither flagged nor a
        # teaser (a heading before it cannot have a tail of teasers either), or len() once a section ran to
        # the end. Without it a page of thousands of "Related" headings rescanned its tail per heading.
        sections = [rule for rule in rules if rule.kind == "section"]
        blocked_at = -1
        lines: list[str] = []   # normalised, kept for the beside rules
        for position, paragraph in enumerate(paragraphs):
            text = paragraph.text
            cased = normalize_line_cased(text)
            line = cased.casefold()
            lines.append(line)
            folded = text.casefold()
            matched = None
            for rule in rules:
                if rule.kind == "phrase":
                    if len(text) <= rule.max_chars \
                            and (rule.needs is None or any(literal in folded for literal in rule.needs)) \
                            and (match := rule.regex.search(text)) \
                            and not _reads_as_prose(text, rule.narrative_guard):
                        paragraph.add(rule.label, rule.name, f"matched {match.group(0)!r}")
                        matched = rule
                        break
                elif rule.regex.match(cased if rule.cased else line) \
                        and not (rule.sentence_guard and _ends_sentence(text)):
                    paragraph.add(rule.label, rule.name, f"line {text.strip()[:80]!r}")
                    matched = rule
                    break
            # A heading that an earlier rule caught ("Read more" is also a call to action) still opens a section.
            if matched is not None and position >= blocked_at:
                section = matched if matched.kind == "section" else next(
                    (rule for rule in sections if rule.regex.match(line)), None)
                if section is not None:
                    blocked_at = self._flag_section(paragraphs, position, section)
        self._flag_autoblog_trailer(paragraphs)
        self._flag_beside_chrome(paragraphs, lines, beside)

    @staticmethod
    def _flag_section(paragraphs: list[Paragraph], heading_position: int, rule: Rule) -> int:
        """Flag the teasers after a related-articles heading, if they run to the end. Returns the position of
        the first paragraph that is neither flagged nor a teaser, or len(paragraphs) when none is left."""
        tail = paragraphs[heading_position + 1:]
        blocker = next((k for k, p in enumerate(tail) if not (p.flags or _is_teaser(p))), None)
        if blocker is not None:
            return heading_position + 1 + blocker
        heading = paragraphs[heading_position].text.strip()[:40]
        for p in tail:
            if not p.flags:
                p.add(rule.label, f"{rule.name}_teaser", f"teaser after heading {heading!r}")
        return len(paragraphs)

    @staticmethod
    def _flag_beside_chrome(paragraphs: list[Paragraph], lines: list[str], rules: tuple[Rule, ...]) -> None:
        """Lines that are chrome only next to chrome ("beside" rules: a lone 'Contact' or 'Advertising' may be
        an article's subheading, but not in a run of footer links). Only unflagged short lines next to a flagged
        one are tried; each newly flagged line makes its neighbours candidates in turn, so a run costs a walk."""
        if not rules:
            return
        n = len(paragraphs)
        chrome = [any(p.has(label) for label in CHROME_LABELS) for p in paragraphs]
        tried = [False] * n
        frontier = [k for k in range(n) if not chrome[k] and ((k and chrome[k - 1]) or (k + 1 < n and chrome[k + 1]))]
        while frontier:
            k = frontier.pop()
            if tried[k] or paragraphs[k].flags or len(lines[k]) > BESIDE_MAX_CHARS:
                continue
            tried[k] = True
            rule = next((r for r in rules if r.regex.match(lines[k])), None)
            if rule is None:
                continue
            paragraphs[k].add(rule.label, rule.name, f"line {paragraphs[k].text.strip()[:80]!r} beside other chrome")
            chrome[k] = True
            frontier.extend(j for j in (k - 1, k + 1) if 0 <= j < n and not chrome[j])

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


# --- across documents: page furniture a run repeats -------------------------------------------------------
# A short line found word for word in this many different stories of one run is site chrome the pattern file
# does not know (a site's tagline, an author box, a footer): CCNet drops paragraphs repeated across a crawl
# shard for the same reason. "Different stories": documents that are not repeats of one text and share
# neither a paragraph longer than REPEATED_LINE_MAX_CHARS nor two of at least STORY_PARAGRAPH_CHARS, so
# the paragraphs syndicated copies of one story share are not counted (one shared chrome block of 100-300
# characters, such as an author box, does not make two pages one story). A line that holds a quotation is
# reporting, not chrome: three outlets may quote one statement word for word.
REPEATED_LINE_STORIES = 3
REPEATED_LINE_MAX_CHARS = 300    # the longest phrase rule's reach; a longer paragraph is article text
STORY_PARAGRAPH_CHARS = 100      # about 15-20 words: a paragraph of the story, when two of them are shared
_QUOTATION = re.compile('["“”«»„]')
# A document whose repeated lines would be over half its text is itself a copy, not a page with chrome.
REPEATED_LINE_MAX_SHARE = 0.5
REPEATED_LINES_NOTE = "page furniture repeated across documents: "
REPEATED_LINE_RULE = "repeated_across_documents"


# One int per short paragraph instead of a tuple (a 20,000-document run holds ~10 of them per document):
# document << 26 | paragraph index << 10 | characters << 1 | unlabelled. Paragraph indexes from 2**16 on (more
# than Config.max_paragraphs allows by default) are not indexed.
_MAX_INDEX = 1 << 16


def _pack(position: int, index: int, chars: int, unlabelled: bool) -> int:
    return position << 26 | index << 10 | chars << 1 | int(unlabelled)


def _unpack(code: int) -> tuple[int, int, int, bool]:
    return code >> 26, (code >> 10) & 0xFFFF, (code >> 1) & 0x1FF, bool(code & 1)


def _line_key(text: str) -> bytes:
    return hashlib.blake2b(" ".join(text.split()).casefold().encode("utf-8", "surrogatepass"), digest_size=8).digest()


@dataclass
class RepeatedLines:
    """Short paragraphs repeated word for word across different stories of a run. Fed the run's records one
    at a time (add, in run order); holds an 8-byte digest per paragraph, not the text. found() gives the
    unlabelled ones to flag as boilerplate. The long paragraphs it indexes to tell stories apart also give
    the folder pass its near copies (shared_long, long_paragraphs)."""

    short: dict[bytes, list[int]] = field(default_factory=dict)   # key -> _pack(doc, ¶, chars, unlabelled) each
    long_first: dict[bytes, int] = field(default_factory=dict)   # story paragraph or whole text -> first doc
    parent: list[int] = field(default_factory=list)    # union-find over documents: one story per root
    chars: list[int] = field(default_factory=list)     # characters per document
    long_paragraphs: list[int] = field(default_factory=list)   # paragraphs of STORY_PARAGRAPH_CHARS or more
    # document -> {earlier document: how many of its story paragraphs first appeared there}
    shared_long: dict[int, Counter] = field(default_factory=dict)

    def add(self, position: int, record: dict) -> None:
        assert position == len(self.parent)
        self.parent.append(position)
        self.chars.append(0)
        self.long_paragraphs.append(0)
        if record.get("error"):
            return
        text_hash = record.get("content_hash")
        if text_hash:
            self._same_story(position, b"text:" + str(text_hash).encode())
        paragraphs = record.get("paragraphs")
        for p in paragraphs if isinstance(paragraphs, list) else []:
            text, index = (p.get("text"), p.get("index")) if isinstance(p, dict) else (None, None)
            if not isinstance(text, str) or not isinstance(index, int):   # a hand-edited record: not indexed
                continue
            self.chars[position] += len(text)
            key = _line_key(text)
            if len(text) >= STORY_PARAGRAPH_CHARS:
                self.long_paragraphs[position] += 1
                first = self.long_first.setdefault(key, position)
                if first != position:
                    self.shared_long.setdefault(position, Counter())[first] += 1
                    if len(text) > REPEATED_LINE_MAX_CHARS:
                        self._join(position, first)
            if (len(text) <= REPEATED_LINE_MAX_CHARS and text.strip() and 0 <= index < _MAX_INDEX
                    and not _QUOTATION.search(text)):
                self.short.setdefault(key, []).append(_pack(position, index, len(text), not p.get("labels")))

    def _same_story(self, position: int, key: bytes) -> int:
        """Join `position` to the story of the first document holding `key`; returns that document."""
        first = self.long_first.setdefault(key, position)
        if first != position:
            self._join(position, first)
        return first

    def _join(self, a: int, b: int) -> None:
        self.parent[self._root(a)] = self._root(b)

    def _root(self, position: int) -> int:
        parent = self.parent
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    def found(self) -> dict[int, list[tuple[int, int, int]]]:
        """{document: [(paragraph index, other stories holding the line, one such document)]}."""
        for position, shared in self.shared_long.items():
            for first, count in shared.items():
                if count >= 2:
                    self._join(position, first)
        hits: dict[int, list[tuple[int, int, int, int]]] = {}
        for packed in self.short.values():
            if len(packed) < REPEATED_LINE_STORIES:
                continue
            entries = [_unpack(code) for code in packed]
            story_of = {entry[0]: self._root(entry[0]) for entry in entries}
            stories = set(story_of.values())
            if len(stories) < REPEATED_LINE_STORIES:
                continue
            # the first documents of the first two stories: "another story" is one of them for every entry,
            # so naming it stays linear however many copies of one story hold the line
            firsts: list[tuple[int, int]] = []
            for p, story in story_of.items():
                if not firsts or story != firsts[0][1]:
                    firsts.append((p, story))
                    if len(firsts) == 2:
                        break
            for position, index, chars, unlabelled in entries:
                other = firsts[1][0] if story_of[position] == firsts[0][1] else firsts[0][0]
                hits.setdefault(position, []).append((index, len(stories) - 1, other, chars if unlabelled else -chars))
        out: dict[int, list[tuple[int, int, int]]] = {}
        for position, found in hits.items():
            repeated = sum(abs(chars) for *_, chars in found)
            if repeated > REPEATED_LINE_MAX_SHARE * self.chars[position]:
                continue   # mostly shared text: a copy of a story, not a page with chrome
            flags = [(index, stories, other) for index, stories, other, chars in found if chars > 0]
            if flags:
                out[position] = sorted(set(flags))
        return out
