"""Small word lists the spin code needs, written for this project.

STOPWORDS: English function words (articles, pronouns, auxiliaries, prepositions, conjunctions and common
determiners). Spinners leave them alone, and the detector does not score them as substitutions, though
they do take part in multi-word phrases ("due to the fact").
spelling_variant: two spellings of one word, which no thesaurus swap explains.
"""
from __future__ import annotations

import re

STOPWORDS = frozenset("""
a an the this that these those there here it its it's he him his she her hers they them their theirs we us
our ours you your yours i me my mine one ones who whom whose which what when where why how whether
is are was were be been being am do does did doing done have has had having will would shall should can
could may might must ought not no nor neither either both all any some each every few many much more most
other others another such same so than too very just only also even still yet already again ever never
and or but if then else because as while though although unless until since for of in on at by to from
with without within into onto upon about above below over under after before between among through during
against around across along toward towards up down out off away back per via like
says said say s t re ve ll d mr mrs ms dr
""".split())

# Word tokens as spinners see them: letters with inner apostrophes or hyphens, or digit runs.
WORD_RE = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*")


def is_plain_word(token: str) -> bool:
    """Lower-case alphabetic word (names, acronyms and numbers are kept by spinners)."""
    return token.isalpha() and token.islower()


def spelling_variant(a: str, b: str) -> bool:
    """British/American or inflectional variants ("defences"/"defenses", "recognise"/"recognize"): a
    spinner's thesaurus does not swap these, and an American-leaning LM would prefer one spelling."""
    if a[:3] != b[:3] or abs(len(a) - len(b)) > 2:
        return False
    # edit distance <= 2 on short suffix differences
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    ta, tb = a[i:], b[i:]
    j = 0
    while j < min(len(ta), len(tb)) and ta[-1 - j] == tb[-1 - j]:
        j += 1
    return max(len(ta), len(tb)) - j <= 2
