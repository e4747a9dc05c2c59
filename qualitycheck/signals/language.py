"""Where the document language and off-language paragraphs are decided.

langdetect alone is not trusted: it names a language for any string, confidently calling
Garo "Tagalog" and short English headlines "Welsh". So a paragraph is called off-language
only when langdetect disagrees with the main language AND the paragraph carries little
evidence of the main language (its function words and its vocabulary). Capitalised words,
numbers and symbols are neutral: names and figures never make a paragraph foreign.

English evidence is counted on lowercase words that are not parts of names: particles joined to a
name ("d'Ivoire", "al-Assad") or between two capitalised words ("de Gaulle", "von der Leyen") are name
parts, and letters glued to a digit ("5km", "21st") are units. One- and two-letter words count as English
only from a closed list (the corpus vocabulary lists "na", "ya", "de", "je" as initials and loans);
English function words count only beside English content words ("a", "an", "in", "no" are Spanish,
Irish, Italian and Portuguese words too); a word spelt with letters English does not use (ł, ə, ọ, ɛ)
is evidence for another language. langdetect's "en" is not taken for a paragraph most of whose words are
not English (it has no profile for most languages, and often answers "en" for them). A short line of
names and numbers is foreign when none of its one or two lowercase words is English and they look
foreign (letters English does not use, or two unknown words without English endings), unless
langdetect says English; one whose Latin letters are only names, beside a third or more of another
script in more than one place, is in that script's language.

Nigerian Pidgin and Tok Pisin are English-lexified: their words are English words to langdetect and to the
vocabulary. They are found by their own function words (CREOLE_MARKERS) and, by default, treated as
languages of their own.

langdetect costs milliseconds a call, so it only runs on paragraphs the cheap English
evidence cannot settle; ordinary English prose never reaches it.
"""
from __future__ import annotations

import heapq
from collections import Counter

import gzip
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..config import Config
from ..document import Document, Paragraph
from ..textnorm import CJK_LETTERS, drop_invisible

# Closed-class English words (articles, pronouns, auxiliaries, prepositions, conjunctions).
# Written for this project; the usual core of English stopword lists.
ENGLISH_FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either every
few for from further had has have having he her here hers herself him himself his how if
in into is it its itself just may me might more most must my myself no nor not now of off on
once only or other our ours ourselves out over own same shall she should so some such than
that the their theirs them themselves then there these they this those through to too under
until up upon very was we were what when where which while who whom whose why will with
within without would yet you your yours yourself yourselves said says told according
""".split())

# Apostrophes, hyphens and the Garo/Catalan middle dot join parts of one word.
# Function words of other Latin-script languages that are rare in English text. English
# corpora (Wikipedia leads) contain foreign words, so the vocabulary alone lets a German
# paragraph look English; these are counted as evidence against the English fast path.
# Written for this project from general knowledge of each language's most frequent words. Lower-case
# "i" is here, not in the English list: English writes the pronoun "I"; "i" is "in" in the Scandinavian
# languages, "and" in Polish, Czech and Croatian, "the" in Italian.
OTHER_FUNCTION_WORDS = frozenset("""
der das den dem des und ist nicht mit sich auf ein eine einen einem einer hat wird werden wurde
ich wir ihr sie auch noch nach bei aus für über oder aber wie zum zur vom durch gegen sind
el los las del y que en un una por para con se es su sus al lo como más pero fue está este esta
le les des du et est une dans pour pas qui sur au aux avec ce cette il elle sont ont été leur
il di che è della delle degli nel nella gli sono anche più questo
os da das dos não uma em ao pelo pela mais foi são seu sua
het een dat niet zijn voor hij ze wordt worden bij ook
yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke
ng ang mga sa na ay kay si
och att är som på för inte med han hon av
og er det til af ikke som på med han hun
i
""".split()) - ENGLISH_FUNCTION_WORDS  # left out: words English uses too (per, met, till, van, com)

# English-lexified creoles. langdetect has no profile for them and reads them as English, and most of their
# words are in the English vocabulary; their own function words tell them apart. Written for this project
# from general knowledge of each language: Nigerian Pidgin as BBC News Pidgin spells it ("Di goment don
# announce say dem go close di schools"), Tok Pisin as Papua New Guinea's papers write it ("Gavman i tok olsem
# ol bai wokim nupela rot"). Per language: core words, rare in English text, and support words, which English
# has too ("long", "em", "dis" in dialogue) and which count only beside two different core words.
CREOLE_MARKERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pcm": (frozenset("dey wetin wey una pikin sabi wahala comot sef goment pipo pesin tori dem don na abi "
                      "becos wia dia afta tok enta sey abeg anoda hapun happun plenti".split()),
            frozenset("dis dat di im e wen kain oga".split())),
    "tpi": (frozenset("bilong yumi mipela yupela wanpela tupela olsem tasol dispela kisim givim mekim gavman "
                      "pipol pikinini".split()),
            frozenset("ol em bai long nau tok stori".split())),
}
CREOLE_NAMES = {"pcm": "Nigerian Pidgin", "tpi": "Tok Pisin"}
# Share of a paragraph's other lowercase words (not markers) that must be English for the creole: Nigerian
# Pidgin writes its other words as English does (0.9-1.0 in our own Pidgin sentences), while languages that
# share some of its markers do not ("na", "sabi", "una" are Tagalog words, "dem" German, "wahala" Hausa: a
# Tagalog article came back Nigerian Pidgin). Tok Pisin respells its words ("nupela", "wokim"; 0.2-0.33) and
# its markers are its own, so it has no floor.
CREOLE_MIN_ENGLISH = {"pcm": 0.5}
_CREOLE_WORDS = frozenset().union(*(core | support for core, support in CREOLE_MARKERS.values()))
_CREOLE_CORE = frozenset().union(*(core for core, _ in CREOLE_MARKERS.values()))
# ...as the first word of a sentence or headline writes them ("Wetin we know about ..."), except the ones that
# are also given names there ("Don Quixote is ...", "Tori Amos", "Una", "Abi", "Dia")
_CREOLE_TITLE_NAMES = frozenset("Don Tori Una Abi Dia".split())
_CREOLE_CORE_TITLE = frozenset(w.capitalize() for w in _CREOLE_CORE) - _CREOLE_TITLE_NAMES
CREOLE_MIN_CORE = 2          # different core words a paragraph needs
# Share of its words that are the creole's markers. With CREOLE_MIN_CORE, no paragraph of the registry prose of
# models/prepare_corpus.py (40,867 paragraphs of SOTU, Brown and Wikipedia text) is called a creole, and 5
# hold one core word; our own Pidgin and Tok Pisin news sentences (tests/test_language_creole.py) carry 0.15-0.7.
CREOLE_MIN_SHARE = 0.15

# A word starts after a non-word character: letters glued to a digit ("5km", "21st", "$2bn", "1990s") are
# units and ordinals, not words of any language.
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:['’·\-][^\W\d_]+)*")

# Evidence thresholds (see module docstring). Kept here, next to the logic they steer.
MIN_LOWER_WORDS = 3          # fewer lowercase words than this: too little evidence on its own
ENGLISH_FUNCTION_SHARE_STRONG = 0.2  # this many function words: English prose, no langdetect needed
# ...counted only from this many function words: in a 4-word foreign headline one shared word ("most"
# in Polish, "no" in Portuguese, "in" in Dutch) is already 20-25 %
MIN_STRONG_FUNCTION_WORDS = 2
ENGLISH_FUNCTION_SHARE = 0.12  # with a mostly English vocabulary, also enough
ENGLISH_VOCAB_SHARE = 0.6    # English words dominate whatever langdetect says
ENGLISH_VOCAB_SHARE_STRONG = 0.85  # nearly every word English: no langdetect needed
NEIGHBOUR_VOCAB_SHARE = 0.5  # a short line beside a foreign block joins it below this
FOREIGN_FUNCTION_SHARE = 0.1  # this many words of other languages (function words, letters): ask langdetect
# Fewer English words than this, and no strong English function words: not English even when langdetect
# says so. langdetect has no profile for most languages (Irish, Malagasy, Yoruba...) and then often
# answers "en". English that reaches langdetect has half or more of its lowercase words in the vocabulary,
# even lists of dishes and slang-heavy posts ("lol this is so cringe ngl"); 0.4 leaves a margin.
ENGLISH_MIN_VOCAB_SHARE = 0.4
# English function words are English evidence only beside English content words: "a", "an", "in", "no"
# are also Spanish, Irish, Italian, Portuguese words, and a foreign headline can be 40 % of them.
MIN_CONTENT_WORD_LETTERS = 4
ENGLISH_CONTENT_SHARE = 0.5
# A short line whose Latin letters are names and brands (fewer than MIN_LOWER_WORDS lowercase words) and
# whose other letters are another script is in that script's language ("ソニーが新型PlayStation 5 Proを発表").
MIXED_SCRIPT_SHARE = 1 / 3
MIXED_SCRIPT_MIN_LETTERS = 4
LANGDETECT_MIN_PROB = 0.8
MIN_VOCAB_COUNT = 2          # corpus count for a word to join the English vocabulary
NON_LATIN_SHARE = 0.5        # letters outside the Latin script: another writing system

# The English vocabulary comes from corpus counts, where one- and two-letter tokens are mostly initials,
# abbreviations and foreign words ("na", "ya", "la", "de", "je", "pe", "cu" all occur). English has few
# such words; only these count as English. Written for this project.
ENGLISH_SHORT_WORDS = frozenset(w for w in ENGLISH_FUNCTION_WORDS if len(w) <= 2) | frozenset("""
ad ah aw ax eh ex go oh ok ox uh um us tv v vs km kg cm mm ml mg ft lb oz hr pm bn
""".split())

# Other languages' function words that English writes in borrowed phrases ("en route", "en masse", "au pair", "et
# al", "al fresco", "du jour", "per se") or before a surname after a lowercase word ("star du Plessis", "striker
# da Silva", "coach di Matteo", "leader el Sisi", "rival le Pen"): in an English headline they are no sign of
# another language's grammar (foreign_grammar_words), though they stay foreign evidence. Written for this project
# from general knowledge of English usage (review24).
BORROWED_FUNCTION_WORDS = frozenset("en au et al du se da di el le".split())

# Lowercase particles of personal and place names in many languages; between two capitalised words they
# are part of the name, not words of the sentence. Written for this project.
NAME_PARTICLES = frozenset("""
de da di do dos das du del della dei der den van von ter ten la le el al bin ibn ben bint binti abu wa y zu af
""".split())

# Latin letters English spells with: ASCII and the accents of common French and Spanish loanwords (café,
# façade, naïve, rôle, señor). A lowercase word with another Latin letter (ł, ə, ı, ž, ő, ọ, ɛ, ā, ü, å...)
# is a word of another language. (Other scripts are judged by their share of the letters.)
_FOREIGN_LETTER = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff]")
_ENGLISH_ACCENTS = frozenset("éèêëàâçîïôûñ")


@dataclass
class LanguageEvidence:
    """What the cheap checks measured on one paragraph."""

    lower_words: int       # lowercase-initial words: the ones that carry language evidence
    function_share: float  # of those, share that are English function words
    vocab_share: float     # of those, share found in the English vocabulary
    latin_share: float     # share of letters in the Latin script
    all_words: int         # every word, names included
    all_vocab_share: float  # share of every word (lower-cased) in the English vocabulary
    # lowercase words that are other languages' function words or spelt with letters English does not use
    foreign_function_share: float = 0.0
    content_words: int = 0       # lowercase words of MIN_CONTENT_WORD_LETTERS+ letters, not function words
    content_share: float = 1.0   # of those, share in the English vocabulary (1.0 when there are none)
    non_latin_letters: int = 0   # letters of other scripts
    non_latin_tokens: int = 0    # space-separated tokens with letters of other scripts
    foreign_letter_words: int = 0  # lowercase words spelt with letters English does not use
    # distinct lowercase words of 3+ letters, not in the English vocabulary and without an English ending
    unknown_long_words: int = 0
    # words of scripts without letter case (Chinese, Japanese, Arabic, Hebrew, Thai, Indic...), which
    # lower_words leaves out: what such a paragraph weighs in the document's main language
    uncased_words: int = 0
    creole_hits: int = 0          # words that are core markers of an English-lexified creole (CREOLE_MARKERS)
    creole: str | None = None     # the creole those markers establish (enough of them), else None
    creole_near: str | None = None   # the creole with the most core words here (one may be enough beside it)
    creole_share: float = 0.0     # creole_near's markers' share of the words counted for it
    creole_words: tuple[str, ...] = ()   # creole_near's distinct core words found, for the evidence
    # lowercase words that are grammar of another language and no English word: other languages' function
    # words the English vocabulary lacks ("ng", "sa", "pero"; not "con", "hat", "den"), or words spelt with
    # letters English does not use
    foreign_grammar_words: int = 0

    @property
    def weight(self) -> int:
        """The words that carry language evidence: lowercase ones and those of scripts without case."""
        return self.lower_words + self.uncased_words

    @property
    def english_content(self) -> bool:
        """The content words are not mostly foreign (or there are none)."""
        return self.content_words == 0 or self.content_share >= ENGLISH_CONTENT_SHARE

    @property
    def strong_english_function(self) -> bool:
        """Enough English function words, in share and in number, to call the paragraph English prose,
        beside content words that are English too."""
        return (self.function_share >= ENGLISH_FUNCTION_SHARE_STRONG
                and round(self.function_share * self.lower_words) >= MIN_STRONG_FUNCTION_WORDS
                and self.english_content)

    @property
    def mixed_script(self) -> bool:
        """Mostly Latin letters, but those are names and brands, and a third or more is another script in
        more than one place (one word of it is a name's gloss: "Kyiv (Київ), Ukraine")."""
        return (self.lower_words < MIN_LOWER_WORDS and self.non_latin_letters >= MIXED_SCRIPT_MIN_LETTERS
                and self.non_latin_tokens >= 2 and 1 - self.latin_share >= MIXED_SCRIPT_SHARE)

    @property
    def short_foreign(self) -> bool:
        """A short line (one or two lowercase words among names and numbers) none of whose lowercase words
        is English: one spelt with letters English does not use, or two different words of three or more
        letters without English endings (one unknown word is often an abbreviation or a rare English word:
        "og", "whingeing")."""
        return (0 < self.lower_words < MIN_LOWER_WORDS and self.vocab_share == 0.0
                and (self.foreign_letter_words > 0 or self.unknown_long_words >= 2))


def _models_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models"


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words from the shipped LM's unigram counts (function words if absent)."""
    words = set(ENGLISH_FUNCTION_WORDS)
    path = _models_dir() / "en-unigrams.tsv.gz"
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                word, _, count = line.rstrip("\n").partition("\t")
                # Words seen once are often typos or foreign names; keep the rest.
                if count.isdigit() and int(count) >= MIN_VOCAB_COUNT and word.isalpha() and word.islower():
                    words.add(word)
    return frozenset(words)


_LETTER = re.compile(r"[^\W\d_]")
# Letters of the major non-Latin scripts (Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic,
# Thai, Georgian, Ethiopic, CJK, Hangul, ...), matched in C rather than per character.
_NON_LATIN_LETTER = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0700-\u08ff"
    r"\u0900-\u0dff\u0e00-\u0fff\u1000-\u10ff\u1100-\u11ff\u1200-\u139f\u13a0-\u18af"
    r"\u2d30-\u2d7f\u3040-\u30ff\u3100-\u9fff\ua000-\ua4cf\uac00-\ud7af\uf900-\ufaff]")


_JOINERS = re.compile(r"['·\-]")


# Regular English endings: "shoppers" is known when "shopper" is.
_SUFFIXES = ("'s", "s", "es", "ed", "d", "ing", "ly", "er", "est")
# Endings of English derivation and inflection. A word the vocabulary lacks but that ends so is more likely
# an English word the 1960s-2000s corpus never saw ("protesters", "whingeing", "berates") than a foreign one.
_ENGLISH_ENDINGS = ("ing", "ings", "ers", "ed", "ates", "ation", "ations", "ment", "ments", "ness", "ists", "ism",
                    "ity", "ities", "ous", "ful", "less", "able", "ible", "ive", "ize", "izes", "ized", "ise",
                    "ises", "ised", "ors", "ly", "'s")


def _is_known(word: str, vocab: frozenset[str]) -> bool:
    """In the vocabulary as is, after removing a regular ending, or every part of a
    hyphenated/elided word is ("co-operation")."""
    if len(word) <= 2:
        return word in ENGLISH_SHORT_WORDS
    if word in vocab:
        return True
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and word[: -len(suffix)] in vocab:
            return True
    parts = [part for part in _JOINERS.split(word) if part]
    return len(parts) > 1 and all(part in vocab if len(part) > 2 else part in ENGLISH_SHORT_WORDS for part in parts)


@lru_cache(maxsize=1 << 16)
def _known(word: str) -> bool:
    """_is_known against the English vocabulary, remembered: news repeats its words."""
    return _is_known(word, english_vocabulary())


@lru_cache(maxsize=1 << 16)
def _lowercase_word_evidence(word: str) -> tuple[bool, bool, bool, bool]:
    """(spelt with letters English does not use, evidence for another language, English, another language's
    grammar and no English word nor part of a borrowed phrase) for one lowercase word. Another language's
    function word, or a word spelt with letters English does not use, is evidence for another language, even
    when the English vocabulary lists it (a name in the LM corpus: Tagalog "kay")."""
    folded = word.lower()
    odd = not folded.isascii() and any(c not in _ENGLISH_ACCENTS for c in _FOREIGN_LETTER.findall(folded))
    foreign = odd or word in OTHER_FUNCTION_WORDS
    known = _known(folded)
    grammar = odd or (foreign and not known and word not in BORROWED_FUNCTION_WORDS)
    return odd, foreign, not foreign and known, grammar


def _lowercase_words(words: list[str]) -> list[str]:
    """The words that carry language evidence: lowercase-initial ones, less the parts of names among them.
    A particle joined to a capitalised name by an apostrophe or hyphen is part of the name ("Côte d'Ivoire",
    "Ballon d'Or", "al-Assad"); so are name particles between two capitalised words ("Charles de Gaulle",
    "Ursula von der Leyen", "Ngugi wa Thiong'o"). A prefix glued to a capital ("kuRufaro", "iPhone") stays:
    in Bantu and Celtic languages it is grammar."""
    lower = []
    for i, word in enumerate(words):
        if not word[0].islower():
            continue
        if not word.islower() and any(part[:1].isupper() for part in _JOINERS.split(word)[1:]):
            continue
        if word in NAME_PARTICLES:
            j = i
            while j < len(words) and words[j] in NAME_PARTICLES:
                j += 1
            k = i
            while k > 0 and words[k - 1] in NAME_PARTICLES:
                k -= 1
            if k > 0 and j < len(words) and words[k - 1][0].isupper() and words[j][0].isupper():
                continue
        lower.append(word)
    return lower


# URLs, e-mail addresses and handles are not language evidence ("jane.doe@example.com"), nor is HTML markup
# a scraper left in the text: '<img src="..." width="728" alt=""> Advertisement' read as German, a lone
# '<div class="ad-slot"></div>' as Swedish (found in the twenty-fifth session's README walk-through).
_MARKUP = r"<!--[^<>]{0,2000}-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]{0,2000})?/?>"
_NOT_WORDS = re.compile(r"(?<!\S)\S+@\S+|https?://\S+|www\.\S+|@\w+|" + _MARKUP, re.DOTALL)
_MARKUP_ONLY = re.compile(_MARKUP, re.DOTALL)


def without_markup(text: str) -> str:
    """`text` with HTML tags and comments taken out (each a space), for judging its language."""
    return _MARKUP_ONLY.sub(" ", text) if "<" in text else text


# The first word of a sentence (capitalised only for that reason): "Wetin we know about ..." starts with a marker,
# and so does a headline's part after its colon ("Minimum wage: Wetin di new law mean").
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"'”’)]*\s+)[\"'“‘(]*([A-Z][a-z]+)\b")


# A headline: a short line that does not end a sentence (a question mark may end one).
HEADLINE_MAX_WORDS = 14
_HEADLINE_END = re.compile(r"[.!…;,][\"'”’)\]]*\s*$")


def _is_headline(text: str) -> bool:
    return 2 <= len(text.split()) <= HEADLINE_MAX_WORDS and not _HEADLINE_END.search(text)


def _creole_evidence(text: str, lower: list[str]) -> tuple[int, str | None, str | None, float, tuple[str, ...]]:
    """(core marker words, the creole they establish or None, the creole with the most core words or None,
    that creole's markers' share, its core words found) over the lowercase words plus each sentence's first
    word."""
    words = lower + [w.lower() for w in _SENTENCE_START.findall(text) if w not in _CREOLE_TITLE_NAMES]
    hits = [w for w in words if w in _CREOLE_WORDS]
    near, near_key, near_share, near_core = None, (0, 0.0), 0.0, ()
    english: float | None = None   # the English share of the words that are no marker, computed once if needed
    for code, (core, support) in CREOLE_MARKERS.items():
        found_core = tuple(sorted({w for w in hits if w in core}))
        if found_core and CREOLE_MIN_ENGLISH.get(code):
            if english is None:
                others = [w for w in lower if w not in _CREOLE_WORDS]
                english = sum(map(_known, others)) / len(others) if others else 1.0
            if english < CREOLE_MIN_ENGLISH[code]:
                continue
        share = sum(1 for w in hits if w in core or w in support) / len(words)
        if found_core and (len(found_core), share) > near_key:
            near, near_key, near_share, near_core = code, (len(found_core), share), share, found_core
    established = near if len(near_core) >= CREOLE_MIN_CORE and near_share >= CREOLE_MIN_SHARE else None
    return sum(1 for w in hits if w in _CREOLE_CORE), established, near, near_share, near_core


# A quotation in another language inside an English sentence ('The minister said: "Nous ne laisserons pas
# tomber nos partenaires", before leaving.') leaves the paragraph English when the words outside the quotation
# marks are English prose on their own: at least this many lowercase words that pass the cheap English test.
ENGLISH_FRAME_MIN_WORDS = 6
# Such a paragraph is a few sentences; finding the quotations of a long one with many quotes that never close
# ('el ‘nuevo ...' a thousand times) takes time quadratic in its length, so longer paragraphs are not looked at.
FRAME_MAX_CHARS = 2_000
# Quotation marks of English, French, German („…“, »…«, ‚…‘) and Swedish or Finnish (”…”, the same mark at both ends,
# also what some converters make of every curly quote). A single quote closes before no letter, and a straight one
# also opens after none, so an apostrophe ('l'île', 'geht's', 'the partner's') neither opens nor closes one.
# A quotation may cross the line break a hard-wrapped paragraph keeps (DOTALL, as [^”]* does).
_QUOTATION = re.compile(r'“[^”]*”|"[^"]*"|«[^»]*»|„[^“”]*[“”]|»[^«»]*«|”[^“”]*”|‚[^‘’]*[‘’](?!\w)|‘.*?’(?!\w)'
                        r"|(?<!\w)'.*?'(?!\w)", re.DOTALL)
_QUOTE_MARKS = frozenset('"“«„‘»”‚\'')

# Text this repetitive is no language ("aaaa aaaa ...", "p0 p1 p2 ...", a column of "ab/cd/ef"): of the first
# 5,000 characters' words, fewer than this share are different ones. Prose in any language, even a chant
# or a list, is several times above it (a page of English has ~40 % different words).
REPETITIVE_MIN_WORDS = 20
REPETITIVE_DISTINCT_SHARE = 0.1

# English's least share of all the words beside words of scripts without case (see _main_language)
ENGLISH_MIN_SHARE_BESIDE_UNCASED = 0.25

# Scripts written without spaces, where a run of letters is a whole clause: it counts one word per so many
# letters (at least one). Chinese and Japanese words are one to three characters; Thai, Lao, Khmer and
# Burmese ones a few letters with their vowel signs.
_SPACELESS_LETTERS_PER_WORD = (
    (re.compile(f"[{CJK_LETTERS}]"), 2),
    (re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"), 4),
)


def _uncased_word_weight(words: list[str]) -> int:
    """How many words the runs of letters without case (Chinese, Japanese, Arabic, Hebrew, Thai, Indic ...)
    among `words` stand for."""
    weight = 0
    for w in words:
        if w[0].islower() or w[0].isupper():
            continue
        per_word = next((n for script, n in _SPACELESS_LETTERS_PER_WORD if script.match(w)), 0)
        weight += max(1, len(w) // per_word) if per_word else 1
    return weight


def measure(text: str) -> LanguageEvidence:
    text = drop_invisible(text)   # a soft hyphen or zero-width space inside a word would cut it in two
    if "@" in text or "http" in text or "www." in text or "<" in text:   # every _NOT_WORDS match holds one
        text = _NOT_WORDS.sub(" ", text)
    # (_WORD joins letters across both apostrophes, so straightening them first gives the same words)
    words = _WORD.findall(text.replace("’", "'"))
    lower = _lowercase_words(words)
    non_latin = len(_NON_LATIN_LETTER.findall(text))
    # (counting every letter is the costliest step here; only needed when some are not Latin)
    letters = len(_LETTER.findall(text)) if non_latin else 0
    latin = 1.0 - non_latin / letters if letters else 1.0
    tokens = sum(1 for token in text.split() if _NON_LATIN_LETTER.search(token)) if non_latin else 0
    uncased = _uncased_word_weight(words) if non_latin else 0
    all_known = sum(map(_known, map(str.lower, words))) / len(words) if words else 0.0
    if not lower:
        return LanguageEvidence(0, 0.0, 0.0, latin, len(words), all_known, non_latin_letters=non_latin,
                                non_latin_tokens=tokens, uncased_words=uncased)
    odd = foreign = known = function = content = content_known = grammar = 0
    unknown_long = set()
    for word in lower:
        is_odd, is_foreign, is_known, is_grammar = _lowercase_word_evidence(word)
        odd += is_odd
        grammar += is_grammar
        foreign += is_foreign
        known += is_known
        if word in ENGLISH_FUNCTION_WORDS:
            function += 1
        elif len(word) >= MIN_CONTENT_WORD_LETTERS:
            content += 1
            content_known += is_known
        if not is_known and len(word) >= 3 and not word.endswith(_ENGLISH_ENDINGS):
            unknown_long.add(word)
    n = len(lower)
    evidence = LanguageEvidence(n, function / n, known / n, latin, len(words), all_known, foreign / n, content,
                                content_known / content if content else 1.0, non_latin, tokens, odd,
                                len(unknown_long), uncased_words=uncased, foreign_grammar_words=grammar)
    # (gated on core words: English paragraphs have support words, "long", "e")
    if not _CREOLE_CORE.isdisjoint(lower) or not _CREOLE_CORE_TITLE.isdisjoint(words):
        (evidence.creole_hits, evidence.creole, evidence.creole_near, evidence.creole_share,
         evidence.creole_words) = _creole_evidence(text, lower)
    return evidence


# langdetect averages 7 random-walk trials per call by default; 3 gave the same labels on every devset
# paragraph (263 documents) and cut the Checker's CPU time (spin off) from 4.6 to 3.7 ms/document there.
LANGDETECT_TRIALS = 3


class _SparseProbabilities(dict):
    """langdetect's n-gram -> per-language probability table, stored sparsely. langdetect keeps a
    55-slot list per n-gram although 2.1 slots are non-zero on average (87,598 n-grams): its loader
    leaves ~61 MB per process, this one ~27 MB. Each n-gram keeps [index, probability, ...] and a
    lookup rebuilds the full row, with the same values in the same slots, so detection results are
    unchanged."""

    size = 0
    DENSE_ROWS = 4096   # full rows kept for the n-grams asked first (common letters and pairs), ~2 MB

    def __init__(self) -> None:
        super().__init__()
        self._dense: dict[str, list[float]] = {}

    def __getitem__(self, ngram: str) -> list[float]:
        row = self._dense.get(ngram)
        if row is not None:
            return row
        row = [0.0] * self.size
        pairs = dict.__getitem__(self, ngram)
        for k in range(0, len(pairs), 2):
            row[pairs[k]] = pairs[k + 1]
        if len(self._dense) < self.DENSE_ROWS:
            self._dense[ngram] = row   # langdetect only reads the rows it is given
        return row


def _sparse_factory():
    """A langdetect DetectorFactory whose profiles load into _SparseProbabilities (the same arithmetic
    as DetectorFactory.add_profile, so the same probabilities, without building the dense table)."""
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    class SparseFactory(DetectorFactory):
        def __init__(self) -> None:
            super().__init__()
            self.word_lang_prob_map = _SparseProbabilities()

        def add_profile(self, profile, index: int, langsize: int) -> None:
            if profile.name in self.langlist:
                raise LangDetectException(ErrorCode.DuplicateLangError, "Duplicate the same language profile.")
            self.langlist.append(profile.name)
            table = self.word_lang_prob_map
            table.size = langsize
            for word in profile.freq:
                pairs = dict.setdefault(table, word, [])
                length = len(word)
                if 1 <= length <= 3:
                    prob = 1.0 * profile.freq.get(word) / profile.n_words[length - 1]
                    if prob:
                        pairs.extend((index, prob))

    return SparseFactory()


class _LangDetect:
    """langdetect behind one small class: profiles load once per process (sparsely, see
    _SparseProbabilities), seeded for determinism."""

    _factory = None

    @classmethod
    def detect(cls, text: str, seed: int) -> list[tuple[str, float]]:
        from langdetect import DetectorFactory, detector_factory
        from langdetect.lang_detect_exception import LangDetectException

        if cls._factory is None:
            DetectorFactory.seed = seed
            factory = _sparse_factory()
            factory.load_profile(detector_factory.PROFILES_DIRECTORY)
            cls._factory = factory
        try:
            detector = cls._factory.create()
            detector.n_trial = LANGDETECT_TRIALS
            detector.append(text)
            return [(lang.lang, float(lang.prob)) for lang in detector.get_probabilities()]
        except LangDetectException:
            return []


def release() -> None:
    """Drop what checking built here (langdetect's profiles, ~25 MiB, and the word memos, up to ~20 MiB); all
    of it is built again on next use. For a scan's later passes, which need none of it."""
    _LangDetect._factory = None
    _known.cache_clear()
    _lowercase_word_evidence.cache_clear()


def detect_languages(text: str, seed: int = 0) -> list[tuple[str, float]]:
    """langdetect's ranked guesses for `text`, deterministic for a given seed."""
    return _LangDetect.detect(drop_invisible(without_markup(text)), seed)


def top_language(text: str, seed: int = 0) -> tuple[str, float]:
    """langdetect's best guess for `text` and its probability; ("und", 0.0) when it has none."""
    guesses = detect_languages(text, seed)
    return guesses[0] if guesses else ("und", 0.0)


class LanguageSignal:
    """Sets the document's main language and flags `off_language` paragraphs.

    Catches foreign-language trailers (teaser lists in another language appended by
    aggregators), pasted foreign passages, and paragraphs in languages langdetect does not
    know (it still says "not English", which the English evidence then confirms).
    """

    name = "language"

    def apply(self, doc: Document, config: Config) -> None:
        evidence = [measure(p.text) for p in doc.paragraphs]
        if not config.english_creoles_off_language:
            # the policy, decided here once: creoles read as English, so no paragraph is called one (their
            # markers still count where the document's language is forced to a creole)
            evidence = [replace(ev, creole=None, creole_near=None) if ev.creole_near else ev for ev in evidence]
        doc.language, doc.language_confidence = self._main_language(doc, evidence, config)
        if doc.language == "en":
            undecided = [p.index for p, ev in zip(doc.paragraphs, evidence)
                         if not self._judge_english_doc_paragraph(p, ev, config)]
            self._judge_by_neighbours(doc.paragraphs, evidence, undecided)
            self._join_same_language_blocks(doc.paragraphs, evidence)
            if self._join_foreign_grammar_headlines(doc.paragraphs, evidence):
                # a short line beside a headline it joined is part of the block too
                self._judge_by_neighbours(doc.paragraphs, evidence, undecided)
            if any(ev.creole for ev in evidence):
                self._join_creole_blocks(doc.paragraphs, evidence)
        elif doc.language is not None:
            for paragraph, ev in zip(doc.paragraphs, evidence):
                self._judge_other_doc_paragraph(paragraph, ev, doc.language, config)

    @staticmethod
    def _main_language(doc: Document, evidence: list[LanguageEvidence],
                       config: Config) -> tuple[str | None, float | None]:
        if not doc.paragraphs:
            return None, None
        weights = [ev.weight for ev in evidence]
        total = sum(weights)
        is_english = [ev.latin_share >= NON_LATIN_SHARE and not ev.creole and LanguageSignal._looks_english(ev)
                      for ev in evidence]
        english_weights = [w if e else 0 for w, e in zip(weights, is_english)]
        english = sum(english_weights)
        if config.main_language:
            return config.main_language, None
        creole = LanguageSignal._main_creole(weights, evidence)
        if creole is not None:
            return creole
        # English is half of the words of cased scripts (confidence: that share, as langdetect is not asked),
        # unless scripts without case hold most of the document's words besides: a Japanese article with an
        # English line. A trailer in such a script (Amharic, Hindi) may outweigh a short English article;
        # it is English unless the trailer is three times the article and the article does not come first.
        cased = sum(ev.lower_words for ev in evidence)
        english_cased = sum(ev.lower_words for ev, e in zip(evidence, is_english) if e)
        if cased and english_cased / cased >= 0.5 and (
                english >= ENGLISH_MIN_SHARE_BESIDE_UNCASED * total
                or LanguageSignal._english_share_of_first_half(weights, english_weights) >= 0.5):
            return "en", round(english_cased / cased, 3)
        if total < MIN_LOWER_WORDS and all(ev.latin_share >= NON_LATIN_SHARE for ev in evidence):
            # A headline or a name or two: langdetect on so few words is a guess ("OK" came back Portuguese,
            # "Hello" Finnish). Every word English is evidence enough; otherwise say nothing.
            words = sum(ev.all_words for ev in evidence)
            known = sum(ev.all_words * ev.all_vocab_share for ev in evidence)
            if words and known / words >= ENGLISH_VOCAB_SHARE_STRONG:
                return "en", round(known / words, 3)
            if words < MIN_LOWER_WORDS:
                doc.notes.append(f"language not identified: too few words ({words})")
                return None, None
        sample = "\n".join(p.text for p in doc.paragraphs)[:5000]
        words = [w.lower() for w in _WORD.findall(drop_invisible(sample))]
        distinct = len(set(words))
        if len(words) >= REPETITIVE_MIN_WORDS and distinct < REPETITIVE_DISTINCT_SHARE * len(words):
            # langdetect names a language for anything ("aaaa aaaa ..." came back Somali with p=1.0)
            doc.notes.append(f"language not identified: {len(words)} words but only {distinct} different ones")
            return None, None
        guesses = detect_languages(LanguageSignal._script_sample(doc, evidence), config.langdetect_seed)
        if not guesses:
            return None, None
        return guesses[0][0], round(guesses[0][1], 3)

    @staticmethod
    def _english_share_of_first_half(weights: list[int], english_weights: list[int]) -> float:
        """English's share of the paragraphs that hold the first half of the document's words (an article
        comes before what a page appends to it)."""
        half = sum(weights) / 2
        seen = english = 0
        for w, e in zip(weights, english_weights):
            seen += w
            english += e
            if seen >= half:
                break
        return english / seen if seen else 0.0

    @staticmethod
    def _script_sample(doc: Document, evidence: list[LanguageEvidence]) -> str:
        """What langdetect reads for the main language: the document's first 5,000 characters, from the
        paragraphs of the script kind with the most words (Latin, other cased alphabets, scripts without
        case). langdetect favours alphabets, whose letter n-grams are many: a Chinese or Japanese article
        with one English or Russian line came back in the line's language."""
        def kind(ev: LanguageEvidence) -> str:
            if ev.latin_share >= NON_LATIN_SHARE:
                return "latin"
            return "uncased" if ev.uncased_words > ev.lower_words else "cased"

        kinds = [kind(ev) for ev in evidence]
        weight: Counter[str] = Counter()
        for k, ev in zip(kinds, evidence):
            weight[k] += ev.weight
        main = max(weight, key=weight.__getitem__) if len(weight) > 1 else None
        return "\n".join(p.text for p, k in zip(doc.paragraphs, kinds) if main is None or k == main)[:5000]

    @staticmethod
    def _main_creole(weights: list[int], evidence: list[LanguageEvidence]) -> tuple[str, float] | None:
        """An English-lexified creole as the main language: its paragraphs outweigh the English-looking ones
        without a single marker of it. (Not every paragraph of a Pidgin article carries enough markers to be
        told from English, but nearly all carry some; an English article's paragraphs carry none.)"""
        found = {ev.creole for ev in evidence if ev.creole}
        if not found:
            return None
        plain_english = sum(w for w, ev in zip(weights, evidence)
                            if not ev.creole_hits and ev.latin_share >= NON_LATIN_SHARE
                            and LanguageSignal._looks_english(ev))
        for code in sorted(found):
            creole = sum(w for w, ev in zip(weights, evidence) if ev.creole == code)
            if creole > plain_english:
                return code, round(creole / sum(weights), 3)
        return None

    @staticmethod
    def _looks_english(ev: LanguageEvidence) -> bool:
        """Cheap English evidence strong enough to skip langdetect."""
        if ev.foreign_function_share >= FOREIGN_FUNCTION_SHARE:
            return False
        return (ev.strong_english_function
                or (ev.function_share >= ENGLISH_FUNCTION_SHARE and ev.vocab_share >= ENGLISH_VOCAB_SHARE)
                or ev.vocab_share >= ENGLISH_VOCAB_SHARE_STRONG)

    def _judge_english_doc_paragraph(self, paragraph: Paragraph, ev: LanguageEvidence, config: Config) -> bool:
        """Label one paragraph of an English document. Returns False when it is too short to judge."""
        if (not self._looks_english(ev) and len(paragraph.text) <= FRAME_MAX_CHARS
                and not _QUOTE_MARKS.isdisjoint(paragraph.text)):
            frame = measure(_QUOTATION.sub(" ", paragraph.text))
            if frame.lower_words >= ENGLISH_FRAME_MIN_WORDS and self._looks_english(frame):
                paragraph.language, paragraph.language_confidence = "en", round(frame.vocab_share, 3)
                return True
        if ev.latin_share < NON_LATIN_SHARE:
            top, prob = top_language(paragraph.text, config.langdetect_seed)
            paragraph.language, paragraph.language_confidence = top, round(prob, 3)
            paragraph.add("off_language", "non_latin_script",
                          f"{1 - ev.latin_share:.0%} of letters outside the Latin script; langdetect {top} p={prob:.2f}",
                          1 - ev.latin_share)
            return True
        if ev.mixed_script:
            top, prob = top_language(paragraph.text, config.langdetect_seed)
            paragraph.language, paragraph.language_confidence = top, round(prob, 3)
            paragraph.add("off_language", "mixed_script",
                          f"{1 - ev.latin_share:.0%} of letters outside the Latin script, the Latin ones names "
                          f"({ev.lower_words} lowercase words); langdetect {top} p={prob:.2f}", 1 - ev.latin_share)
            return True
        if ev.creole:
            paragraph.language, paragraph.language_confidence = ev.creole, round(ev.creole_share, 3)
            paragraph.add("off_language", "english_creole",
                          f"{CREOLE_NAMES[ev.creole]}: {ev.creole_share:.0%} of its words are its markers "
                          f"({', '.join(ev.creole_words[:6])})", ev.creole_share)
            return True
        if ev.lower_words < MIN_LOWER_WORDS:
            if not ev.short_foreign:
                return False
            # Names, numbers and one or two lowercase words none of which is English ("Legia pokonała Lecha
            # 2:1"). langdetect on so little text is a guess, so it can only keep the line English.
            top, prob = top_language(paragraph.text, config.langdetect_seed)
            if top == "en":
                return False
            paragraph.language, paragraph.language_confidence = top, round(prob, 3)
            paragraph.add("off_language", "short_line_without_english_words",
                          f"langdetect {top} p={prob:.2f}; none of its {ev.lower_words} lowercase words is English",
                          prob)
            return True
        if self._looks_english(ev):
            paragraph.language, paragraph.language_confidence = "en", round(ev.vocab_share, 3)
            return True
        top, prob = top_language(paragraph.text, config.langdetect_seed)
        if top == "en":
            if ev.vocab_share >= ENGLISH_MIN_VOCAB_SHARE or ev.strong_english_function:
                paragraph.language, paragraph.language_confidence = "en", round(prob, 3)
                return True
            # langdetect has no profile for most of the world's languages and often names English for
            # them; a paragraph most of whose lowercase words are not English is not English.
            paragraph.language, paragraph.language_confidence = "und", round(1 - ev.vocab_share, 3)
            paragraph.add("off_language", "few_english_words",
                          f"langdetect en p={prob:.2f}, but English vocabulary only {ev.vocab_share:.0%} of "
                          f"{ev.lower_words} lowercase words, English function words {ev.function_share:.0%}",
                          1 - ev.vocab_share)
            return True
        paragraph.language, paragraph.language_confidence = top, round(prob, 3)
        if ev.vocab_share < ENGLISH_VOCAB_SHARE and not ev.strong_english_function:
            paragraph.add("off_language", "langdetect_with_english_evidence",
                          f"langdetect {top} p={prob:.2f}; English function words {ev.function_share:.0%}, "
                          f"English vocabulary {ev.vocab_share:.0%} of {ev.lower_words} lowercase words",
                          prob)
        return True

    @staticmethod
    def _judge_by_neighbours(paragraphs: list[Paragraph], evidence: list[LanguageEvidence],
                             undecided: list[int]) -> None:
        """A short line between or beside foreign paragraphs, with few English words, is part of
        the same foreign block (a headline of a foreign teaser list).

        The label spreads line by line. Pass by pass in reading order (what the rule means): a line is
        labelled when a neighbour already is, preferring the one above. Only the lines beside a newly
        labelled one are looked at again, so a block of thousands of lines costs a walk, not a walk per
        line (it took 20 s for 3,000 one-word lines above a foreign paragraph; twelfth session)."""
        eligible = {i for i in undecided if not paragraphs[i].has("off_language") and evidence[i].lower_words > 0
                    # Needs lowercase words that are not English: a list of names has none.
                    and evidence[i].vocab_share < NEIGHBOUR_VOCAB_SHARE
                    and evidence[i].all_vocab_share < NEIGHBOUR_VOCAB_SHARE}

        def foreign_beside(i: int) -> Paragraph | None:
            return next((paragraphs[j] for j in (i - 1, i + 1)
                         if 0 <= j < len(paragraphs) and paragraphs[j].has("off_language")), None)

        frontier = {i for i in eligible if foreign_beside(i) is not None}
        while frontier:
            later: set[int] = set()   # lines above one labelled this pass: the pass has gone by them
            heap = sorted(frontier)
            while heap:
                i = heapq.heappop(heap)
                p = paragraphs[i]
                foreign = None if p.has("off_language") else foreign_beside(i)
                if foreign is None:
                    continue
                ev = evidence[i]
                p.language = foreign.language
                p.add("off_language", "beside_foreign_paragraph",
                      f"short line beside off-language paragraph {foreign.index}; "
                      f"English vocabulary {ev.all_vocab_share:.0%} of {ev.all_words} words")
                if i + 1 in eligible:
                    heapq.heappush(heap, i + 1)   # below: this same pass reaches it
                if i - 1 in eligible:
                    later.add(i - 1)
            frontier = {i for i in later if not paragraphs[i].has("off_language")}

    @staticmethod
    def _join_same_language_blocks(paragraphs: list[Paragraph], evidence: list[LanguageEvidence]) -> None:
        """A paragraph langdetect put in another language but the English evidence kept (its lowercase words
        just English enough: 'Metro Manila, isinailalim sa state of calamity'), beside an off-language
        paragraph of that same language, is part of that block: a teaser list mixes in English loanwords.
        It needs a function word of another language ('sa') as well: an English headline beside a foreign
        teaser ('Sunak mulls snap poll', which langdetect may call Tagalog) has none. Spreads line by line."""
        leaning = {i for i, p in enumerate(paragraphs)
                   if p.language not in (None, "en", "und") and not p.flags
                   and evidence[i].foreign_function_share > 0}
        if not leaning:
            return
        found = [i for i in range(len(paragraphs)) if paragraphs[i].has("off_language")
                 and (i - 1 in leaning or i + 1 in leaning)]
        while found:
            i = found.pop()
            for j in (i - 1, i + 1):
                if j in leaning and paragraphs[j].language == paragraphs[i].language \
                        and not paragraphs[j].has("off_language"):
                    paragraphs[j].add("off_language", "beside_same_language_paragraph",
                                      f"langdetect {paragraphs[j].language} p={paragraphs[j].language_confidence}, "
                                      f"as paragraph {paragraphs[i].index} beside it; English words kept it English "
                                      f"on its own")
                    found.append(j)

    @staticmethod
    def _join_foreign_grammar_headlines(paragraphs: list[Paragraph], evidence: list[LanguageEvidence]) -> bool:
        """A headline beside an off-language paragraph whose grammar words are another language's is part of
        that block. Code-mixed headlines ("Mayor nag-sorry sa flood control delays", as Tagalog news writes)
        borrow English content words, so the vocabulary finds them mostly English and langdetect may answer
        English or Spanish, but they keep their own function words. Such a line needs a function word of another
        language that English does not have as a word ("ng", "sa", "pero", not "con" or "hat"), or two words
        spelt with letters English does not use (one is a loanword: "Government boosts whānau support funding",
        review24), and no English function word: an English headline beside a foreign teaser has English
        function words ("Police arrest two in Lagos") or none at all ("Sunak mulls snap poll"). Lines with fewer
        lowercase words are _judge_by_neighbours' work. Spreads line by line, as a teaser list can be long.
        Returns whether it labelled a paragraph."""
        found = [i for i, p in enumerate(paragraphs) if p.has("off_language")]
        labelled = False
        while found:
            i = found.pop()
            for j in (i - 1, i + 1):
                if not 0 <= j < len(paragraphs) or paragraphs[j].has("off_language"):
                    continue
                ev = evidence[j]
                if (ev.lower_words >= MIN_LOWER_WORDS and ev.function_share == 0
                        and (ev.foreign_grammar_words >= 2 or ev.foreign_grammar_words > ev.foreign_letter_words)
                        and ev.latin_share >= NON_LATIN_SHARE and _is_headline(paragraphs[j].text)):
                    paragraphs[j].language = paragraphs[i].language
                    paragraphs[j].add("off_language", "beside_foreign_paragraph_foreign_grammar",
                                      f"headline beside off-language paragraph {paragraphs[i].index}: no English "
                                      f"function word, {ev.foreign_grammar_words} of its {ev.lower_words} lowercase "
                                      f"words another language's grammar")
                    found.append(j)
                    labelled = True
        return labelled

    @staticmethod
    def _join_creole_blocks(paragraphs: list[Paragraph], evidence: list[LanguageEvidence]) -> None:
        """A paragraph with a core word of a creole, beside a paragraph found to be in that creole, is part
        of the same block ("Plenty people dey happy ..." in a Pidgin trailer has one core word). A headline
        right above a paragraph with the creole's words is that story's headline, markers or not: a teaser
        is a headline and its first sentences, and a Pidgin headline often reads as English ("Police arrest
        suspects for Lagos market fire"). Spreads both ways, line by line, as a block can be long; a
        headline joined so passes the block on to a neighbour with a core word, not to another headline."""
        # (position, whether the paragraph has the creole's own words)
        found = [(i, True) for i, p in enumerate(paragraphs)
                 if p.has("off_language") and p.language in CREOLE_MARKERS]
        while found:
            i, has_words = found.pop()
            code = paragraphs[i].language
            name = CREOLE_NAMES[code]
            for j in (i - 1, i + 1):
                if not 0 <= j < len(paragraphs) or paragraphs[j].has("off_language"):
                    continue
                ev = evidence[j]
                if ev.creole_near == code:
                    paragraphs[j].language, paragraphs[j].language_confidence = code, round(ev.creole_share, 3)
                    paragraphs[j].add("off_language", "beside_creole_paragraph",
                                      f"{name} word(s) {', '.join(ev.creole_words[:6])} beside {name} paragraph "
                                      f"{paragraphs[i].index}", ev.creole_share)
                    found.append((j, True))
                elif has_words and j == i - 1 and not paragraphs[j].flags and _is_headline(paragraphs[j].text):
                    paragraphs[j].language, paragraphs[j].language_confidence = code, None
                    paragraphs[j].add("off_language", "creole_headline",
                                      f"headline of {name} paragraph {paragraphs[i].index}")
                    found.append((j, False))

    @staticmethod
    def _judge_other_doc_paragraph(paragraph: Paragraph, ev: LanguageEvidence, main: str, config: Config) -> None:
        if ev.weight < MIN_LOWER_WORDS:
            return
        creole_document = main in CREOLE_MARKERS
        # English and the creole cannot be told apart paragraph by paragraph where its markers are few: in a
        # creole document, what reads as English (to the cheap checks or to langdetect) is taken to be the creole
        creole_confidence = round(ev.creole_share, 3) if ev.creole_hits else None
        if creole_document and (ev.creole_hits or LanguageSignal._looks_english(ev)):
            paragraph.language, paragraph.language_confidence = main, creole_confidence
            return
        guesses = detect_languages(paragraph.text, config.langdetect_seed)
        if not guesses:
            return
        top, prob = guesses[0]
        if creole_document and top == "en":
            paragraph.language, paragraph.language_confidence = main, creole_confidence
            return
        paragraph.language, paragraph.language_confidence = top, round(prob, 3)
        if top != main and prob >= LANGDETECT_MIN_PROB and not any(lang == main and p > 0.1 for lang, p in guesses):
            paragraph.add("off_language", "langdetect", f"langdetect {top} p={prob:.2f}; document is {main}", prob)
