"""Adversarial cases for the folder pass (spin/crossdoc.py, spin/attribution.py): honest editing that must not
count as swaps, and which single version a spun copy is named after when the folder holds several. Text
written for these tests (a rail story; never devset or seed text); needs the shipped language model and weights."""
from __future__ import annotations

import copy
import functools
import itertools
import random

from tests.conftest import english_document as _doc
from tests.conftest import spin_detector as _detector

from qualitycheck.config import Config
from qualitycheck.document import Document

RAIL = [
    "Rail services across the north-east were suspended on Tuesday morning after a signalling fault near "
    "Darlington left thousands of commuters stranded at stations during the busiest part of the day.",
    "Network Rail said engineers had been sent to the site shortly after seven o'clock and were working to repair "
    "damaged cables, but warned passengers that disruption was likely to continue until the evening.",
    "The operator said 14 trains had been cancelled and dozens more delayed, and advised travellers to check their "
    "journeys online before setting out and to expect crowded carriages throughout the afternoon.",
    "Passengers at York described long queues at ticket offices as staff tried to arrange replacement buses, with "
    "some people saying they had waited more than two hours without receiving any clear information.",
    "A spokeswoman for the union representing signal workers said the fault showed that years of underinvestment "
    "in the region's ageing equipment were now causing serious problems for ordinary travellers.",
    "The transport minister said she had asked for a full report on the incident and would meet the rail "
    "companies next week to discuss what could be done to prevent similar failures in future.",
]
# Another outlet's edit: an editor's synonym in some paragraphs, numbers as words or digits, American spelling.
EDITED = [
    RAIL[0].replace("Rail", "Train").replace("fault", "failure").replace("north-east", "northeast"),
    RAIL[2].replace("14", "fourteen").replace("travellers", "travelers"),
    RAIL[1].replace("seven o'clock", "7 o'clock").replace("continue", "last"),
    RAIL[3], RAIL[4], RAIL[5],
]


def test_a_number_written_as_a_word_or_in_digits_is_not_a_swap():
    """'14' vs 'fourteen', 'seven' vs '7': house style, which a thesaurus holding numerals must not turn
    into swaps (before: each counted as one, and two of them with one synonym flagged an honest edit)."""
    from qualitycheck.spin import thesaurus
    from qualitycheck.spin.crossdoc import _words, swaps_between
    thes = thesaurus.load()
    for a, b in ((RAIL[2], EDITED[1]), (RAIL[1], EDITED[2])):
        assert not [s for s in swaps_between(_words(a), _words(b), thes)
                    if any(ch.isdigit() for ch in s[0] + s[1])], (a, b)


@functools.lru_cache(maxsize=1)
def _scored() -> dict[str, Document]:
    """The wire story, another outlet's edit, a spun copy of the wire, a spun copy of that copy and a second,
    independent spun copy of the wire, each scored by the spin signal once."""
    _detector()
    from qualitycheck.signals.spin import SpinSignal
    from qualitycheck.spin import spinners
    from qualitycheck.spin.thesaurus import load
    wordnet = spinners.ThesaurusSpinner(load(("wordnet",)), "wordnet")
    aiksaurus = spinners.ThesaurusSpinner(load(("aiksaurus",)), "aiksaurus")
    rng = random.Random(1)
    spun = [wordnet.spin(p, 0.35, rng).text for p in RAIL]
    respun = [wordnet.spin(p, 0.3, rng).text for p in spun]
    other = [aiksaurus.spin(p, 0.2, rng).text for p in RAIL]
    docs = {"wire": _doc("wire", RAIL), "edited": _doc("edited", EDITED), "spun": _doc("spun", spun),
            "respun": _doc("respun", respun), "other": _doc("other", other)}
    for doc in docs.values():
        SpinSignal().apply(doc, Config())
    return docs


def _sources(order: tuple[str, ...]) -> dict[str, list[str]]:
    """The pass over copies of the versions in `order`, named by a letter in that order: per flagged version
    (by role) the sources (by role) its notes name."""
    from qualitycheck.spin.crossdoc import find_spun_versions
    docs, role_of = [], {}
    for k, role in enumerate(order):
        doc = copy.deepcopy(_scored()[role])
        doc.id = f"{'pqrst'[k]}.txt"
        role_of[doc.id] = role
        docs.append(doc)
    find_spun_versions(docs, Config())
    return {role_of[doc.id]: sorted(role_of[n.split("spun version of ", 1)[1].split(":", 1)[0]] for n in doc.notes
                                    if n.startswith("spun version of "))
            for doc in docs if doc.spun_flag}


def test_a_spun_copy_is_named_after_one_version_the_one_it_was_made_from():
    """With the wire story and another outlet's edit of it in the folder, a spun copy of the wire is named a
    spun version of the wire only; before, it was named after the edit (the most swaps: the editor's changes
    added to the spinner's) and then after the wire too, for the same paragraphs."""
    for order in itertools.permutations(("wire", "edited", "spun")):
        assert _sources(order).get("spun") == ["wire"], order


def test_a_spun_copy_of_a_spun_copy_names_its_own_source():
    """A copy spun again: named after the copy it was made from, not also after the wire (whose swaps are the
    two spins together); the first copy names the wire."""
    for order in itertools.permutations(("wire", "spun", "respun")):
        assert _sources(order) == {"spun": ["wire"], "respun": ["spun"]}, order


def test_two_spun_copies_of_one_story_are_not_named_after_each_other():
    """Two copies spun independently from the wire story: each is a spun version of the wire, not of the other
    copy as well (before, each named the other as a second source)."""
    for order in itertools.permutations(("wire", "spun", "other")):
        assert _sources(order) == {"spun": ["wire"], "other": ["wire"]}, order


def test_an_editors_synonyms_one_or_two_a_paragraph_are_not_a_spin():
    """An honest edit changes a word here and there ('Rail' -> 'Train', 'continue' -> 'last'); a spinner swaps
    several in every paragraph it touches. Before the dense-paragraph condition (attribution.DENSE_PARAGRAPHS),
    three or four such synonyms over the story flagged the edit as a spun version of the wire."""
    from qualitycheck.signals.spin import SpinSignal
    from qualitycheck.spin.crossdoc import find_spun_versions
    edits = [
        [RAIL[0].replace("Rail", "Train"), RAIL[1].replace("continue", "last"), RAIL[2],
         RAIL[3].replace("queues", "lines"), RAIL[4].replace("causing", "creating"), RAIL[5]],
        [RAIL[0].replace("Rail", "Train").replace("fault", "failure"), RAIL[1].replace("continue", "last"),
         RAIL[2], RAIL[3], RAIL[4].replace("causing", "creating"), RAIL[5]],
    ]
    _detector()
    for edit in edits:
        docs = [_doc("wire", RAIL), _doc("edited", edit)]
        for doc in docs:
            SpinSignal().apply(doc, Config())
        find_spun_versions(docs, Config())
        assert not any(doc.spun_flag for doc in docs), [doc.notes for doc in docs]
    # the spun copies of the same story are still found (see the tests above): at least one is flagged here too
    assert _sources(("wire", "spun"))["spun"] == ["wire"]
