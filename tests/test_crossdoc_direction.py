"""Which of two aligned versions the folder pass calls the spun one (spin/crossdoc.py _spun_side_is_first,
spin/attribution.py name_sources / undetermined): only on evidence that tells, never both of a pair as each
other's spun version, and otherwise both to review with the swaps. Text written for these tests (a library
story; never devset or seed text); the end-to-end cases need the shipped language model and weights."""
from __future__ import annotations

import copy
import functools
import random

import pytest
from tests.conftest import english_document as _doc
from tests.conftest import spin_detector as _detector

from qualitycheck.config import Config
from qualitycheck.document import Document

LIBRARY = [
    "The county council voted on Thursday evening to keep all eleven of its public libraries open next year, "
    "reversing a plan that would have closed three branches in the smaller villages to save money.",
    "Councillors said the decision followed a consultation in which more than four thousand residents wrote in, "
    "most of them asking that the buildings stay open at least three days a week for children and older readers.",
    "To cover the cost, the council will cut the budget for new books by a fifth and ask volunteers to help run "
    "the reading groups, homework clubs and computer classes that paid staff organise at present.",
    "The leader of the opposition group welcomed the vote but warned that fewer new books would make the branches "
    "less attractive to young families, who already borrow far less than they did ten years ago.",
    "A spokesman for the library staff union said members were relieved that no jobs would be lost this year, "
    "although they remained worried about relying on volunteers to deliver services that needed training.",
    "The council expects to publish a detailed plan for each branch in the spring, after talks with parish "
    "councils about sharing the buildings with post offices, health visitors and other community groups.",
]
# Another outlet's edit: two everyday synonyms in each of the first three paragraphs, dense enough for the
# swap conditions (attribution.DENSE_SWAPS / DENSE_PARAGRAPHS), with nothing to say which text came first.
EDITED = [
    LIBRARY[0].replace("reversing", "overturning").replace("villages", "hamlets"),
    LIBRARY[1].replace("decision", "choice").replace("older", "elderly"),
    LIBRARY[2].replace("cut", "reduce").replace("help", "assist"),
    *LIBRARY[3:],
]


def _direction(monkeypatch, fits: dict[str, float | None], a: tuple[str, float | None],
               b: tuple[str, float | None]) -> bool | None:
    from qualitycheck.spin import crossdoc
    monkeypatch.setattr(crossdoc, "_fit", lambda text: fits[text])
    return crossdoc._spun_side_is_first(a[0], a[1], b[0], b[1])


def test_close_evidence_does_not_decide_the_direction(monkeypatch):
    """Spin scores 0.01 apart and fits 0.01 apart: no side (before, the higher score, however close, named the
    spun side). The answer mirrors when the two are given the other way round."""
    fits = {"a": -3.00, "b": -3.01}
    assert _direction(monkeypatch, fits, ("a", 0.30), ("b", 0.31)) is None
    assert _direction(monkeypatch, fits, ("b", 0.31), ("a", 0.30)) is None


def test_the_fit_decides_and_a_contradicting_score_vetoes(monkeypatch):
    """The side fitting the language model worse by FIT_MARGIN is the spin, whatever close scores say; spin
    scores SCORE_MARGIN or more apart the other way make it undecided (before, the score alone decided)."""
    from qualitycheck.spin.crossdoc import FIT_MARGIN, SCORE_MARGIN
    fits = {"a": -3.0 - 2 * FIT_MARGIN, "b": -3.0}   # a fits worse
    assert _direction(monkeypatch, fits, ("a", 0.30), ("b", 0.31)) is True
    assert _direction(monkeypatch, fits, ("b", 0.31), ("a", 0.30)) is False
    assert _direction(monkeypatch, fits, ("a", 0.30), ("b", 0.30 + 2 * SCORE_MARGIN)) is None
    assert _direction(monkeypatch, fits, ("a", 0.30 + 2 * SCORE_MARGIN), ("b", 0.30)) is True
    assert _direction(monkeypatch, fits, ("a", None), ("b", 0.9)) is True   # one side unscored: the fit alone
    # no language model: scores SCORE_MARGIN apart decide, closer ones do not
    none = {"a": None, "b": None}
    assert _direction(monkeypatch, none, ("a", 0.30), ("b", 0.30 + 2 * SCORE_MARGIN)) is False
    assert _direction(monkeypatch, none, ("a", 0.30), ("b", 0.30 + SCORE_MARGIN / 2)) is None


def test_mutual_sources_are_dropped_and_each_side_chooses_again_without_the_other(monkeypatch):
    """Two documents each named the other's spun version keep neither naming; each chooses its sources again
    without the other (0 then has none, 1 keeps the third source); a pair the second round makes mutual (4 and
    5, once 4 may not name 6) is dropped too. choose_sources is stubbed with fixed preferences."""
    from qualitycheck.spin import attribution
    prefer = {0: [1], 1: [0, 2], 3: [2], 4: [6, 5], 5: [4], 6: [4]}

    def choose(d, _pairs, _holders, _min_swaps, exclude=frozenset()):
        return [(s, []) for s in prefer[d] if s not in exclude][:1]

    monkeypatch.setattr(attribution, "choose_sources", choose)
    found, mutual = attribution.name_sources({d: [] for d in prefer}, None, 3)
    assert mutual == {(0, 1), (4, 6), (4, 5)}
    assert found == {1: [(2, [])], 3: [(2, [])]}


@functools.lru_cache(maxsize=1)
def _scored() -> dict[str, Document]:
    """The story, the edit, and two copies each spinning the paragraphs the other left alone (a spun story
    whose source is not in the folder), each scored by the spin signal once."""
    _detector()
    from qualitycheck.signals.spin import SpinSignal
    from qualitycheck.spin import spinners
    from qualitycheck.spin.thesaurus import load
    wordnet = spinners.ThesaurusSpinner(load(("wordnet",)), "wordnet")
    out = {}
    for seed in (1, 5):
        rng = random.Random(seed)
        out[f"front{seed}"] = [wordnet.spin(p, 0.3, rng).text if k < 3 else p for k, p in enumerate(LIBRARY)]
        out[f"back{seed}"] = [wordnet.spin(p, 0.3, rng).text if k >= 3 else p for k, p in enumerate(LIBRARY)]
    docs = {"wire": _doc("wire", LIBRARY), "edited": _doc("edited", EDITED),
            **{role: _doc(role, paragraphs) for role, paragraphs in out.items()}}
    for doc in docs.values():
        SpinSignal().apply(doc, Config())
    return docs


def _pass(roles: tuple[str, ...]) -> dict[str, Document]:
    from qualitycheck.spin.crossdoc import find_spun_versions
    docs = {role: copy.deepcopy(_scored()[role]) for role in roles}
    find_spun_versions(list(docs.values()), Config())
    return docs


def _named(doc: Document, prefix: str) -> list[str]:
    return sorted(note.split(prefix, 1)[1].split(":", 1)[0] for note in doc.notes if note.startswith(prefix))


@pytest.mark.parametrize("roles", [("wire", "edited"), ("edited", "wire")])
def test_a_dense_edit_without_a_direction_goes_to_review_not_spun(roles):
    """The edit's spin scores are within 0.015 of the story's in every changed paragraph (before: the higher
    score, by 0.007-0.014, named the edit a spun version of the story, and dropped it). Now neither is
    named, both hold a note naming the other with the swaps, and neither is kept."""
    from qualitycheck.folder import holds_folder_additions
    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE, build_report
    docs = _pass(roles)
    for role, other in (("edited", "wire"), ("wire", "edited")):
        doc = docs[role]
        assert _named(doc, "spun version of ") == [], doc.notes
        assert not any(f.rule == "spin.crossdoc" for p in doc.paragraphs for f in p.flags)
        assert _named(doc, UNDETERMINED_SPIN_NOTE) == [other], doc.notes
        report = build_report(doc, Config()).to_dict()
        assert report["verdict"] == "review", report["notes"]
        assert holds_folder_additions(report)
    reversed_order = _pass(roles[::-1])   # the same notes, word for word, in either order
    assert {role: doc.notes for role, doc in docs.items()} == {role: doc.notes for role, doc in reversed_order.items()}
    unchanged = build_report(copy.deepcopy(_scored()["wire"]), Config()).to_dict()
    assert unchanged["verdict"] == "keep"   # the note alone holds the story at review


@pytest.mark.parametrize("roles", [("front5", "back5"), ("back5", "front5")])
def test_two_copies_are_never_each_others_spun_version(roles):
    """Two copies each spinning the paragraphs the other left alone: before, each was named a spun version of
    the other. Now neither names the other; both go to review naming each other."""
    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE
    docs = _pass(roles)
    front, back = docs["front5"], docs["back5"]
    assert not ("back5" in _named(front, "spun version of ") and "front5" in _named(back, "spun version of "))
    assert _named(front, UNDETERMINED_SPIN_NOTE) == ["back5"]
    assert _named(back, UNDETERMINED_SPIN_NOTE) == ["front5"]


@pytest.mark.parametrize("roles", [("front1", "back1"), ("back1", "front1")])
def test_a_paragraph_left_alone_is_not_flagged_for_the_other_copys_swaps(roles):
    """The copy spinning the first three paragraphs is a spun version of the other in those; its last three
    are the story's own words, which score high among its spun ones (the detector reads the document's
    counts). Before, the higher scores named it the spun side of those three pairs too, and its untouched
    paragraphs 3 and 4 were flagged spun."""
    docs = _pass(roles)
    flagged = {role: [p.index for p in doc.paragraphs if any(f.rule == "spin.crossdoc" for f in p.flags)]
               for role, doc in docs.items()}
    assert set(flagged["front1"]) <= {0, 1, 2}, flagged
    assert set(flagged["back1"]) <= {3, 4, 5}, flagged


def test_scan_sends_both_versions_to_review_with_the_note(tmp_path):
    """End to end (scan, the folder pass over documents.jsonl, records re-scored): the story and the dense
    edit are both `review` with the note naming the other; neither has a spun label."""
    import json
    from qualitycheck.run import scan
    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE
    _detector()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text("\n\n".join(LIBRARY) + "\n", encoding="utf-8")
    (folder / "edit.txt").write_text("\n\n".join(EDITED) + "\n", encoding="utf-8")
    scan([str(folder)], tmp_path / "run", jobs=1, html=False)
    records = {r["path"].rsplit("/", 1)[-1]: r
               for r in map(json.loads, (tmp_path / "run" / "documents.jsonl").read_text("utf-8").splitlines())}
    for name, other in (("story.txt", "edit.txt"), ("edit.txt", "story.txt")):
        record = records[name]
        assert record["verdict"] == "review" and "spun" not in record["labels"], record["notes"]
        assert [n.split(":", 1)[0].rsplit("/", 1)[-1] for n in record["notes"] if n.startswith(UNDETERMINED_SPIN_NOTE)] \
            == [other], record["notes"]
    # resumed after the edit was removed: the story's record, which the note made a folder addition, is
    # checked again, and is a fresh scan's (keep, no note), not the stale review
    (folder / "edit.txt").unlink()
    scan([str(folder)], tmp_path / "run", jobs=1, html=False, resume=True)
    scan([str(folder)], tmp_path / "fresh", jobs=1, html=False)
    resumed, fresh = ((tmp_path / run / "documents.jsonl").read_text("utf-8") for run in ("run", "fresh"))
    assert resumed == fresh and json.loads(resumed)["verdict"] == "keep"


def test_the_unclear_note_lists_the_swaps_in_the_same_order_whatever_the_folder_order(monkeypatch):
    """One paragraph of the story aligned with two paragraphs of another version (a page holding two edits of
    it), whose texts other versions hold too, so which unit comes first follows folder order. The note on the
    story lists the swaps by its own paragraph, then the other's (as _annotate does); before, a tie on its own
    paragraph fell to folder order, and the note's text changed with it. The fit is held equal, so every
    direction is unclear (no language model needed)."""
    from qualitycheck.spin import crossdoc
    from qualitycheck.spin.crossdoc import find_spun_versions
    monkeypatch.setattr(crossdoc, "_fit", lambda text: -3.0)
    second = [LIBRARY[0].replace("smaller", "little").replace("money", "cash"),
              LIBRARY[1].replace("residents", "locals").replace("children", "kids"),
              LIBRARY[2].replace("budget", "funds").replace("volunteers", "helpers"), *LIBRARY[3:]]
    both = [EDITED[0], second[0], EDITED[1], second[2], *LIBRARY[3:]]
    texts = {"wire": LIBRARY, "edited": EDITED, "second": second, "both": both}
    notes = []
    for order in (("wire", "edited", "second", "both"), ("wire", "second", "edited", "both")):
        docs = {role: _doc(role, texts[role]) for role in order}
        find_spun_versions(list(docs.values()), Config())
        notes.append({role: doc.notes for role, doc in docs.items()})
    assert any(note.startswith("spin direction unclear against both") for note in notes[0]["wire"]), notes[0]
    assert notes[0] == notes[1]


@pytest.mark.parametrize("order", [("wire", "front", "back"), ("back", "front", "wire"), ("front", "wire", "back")])
def test_the_other_side_of_a_mutual_pair_is_noted_when_its_partner_is_flagged_against_a_third(monkeypatch, order):
    """The wire holds the story's first two paragraphs; 'front' spun those two and kept the rest; 'back' kept
    them and changed the other four. Between front and back the direction is read wrong in two paragraphs
    (front's own words judged the spun side), so each is named the other's spun version on two paragraphs of
    its own and the pair is dropped (name_sources); front, choosing again without back, is the wire's spun
    version. Before, front was named against back only, the pair was dropped, and back
    had neither a flag nor a note, though its four changed paragraphs are a spin's swaps: now it holds the
    'spin direction unclear' note naming front, whatever the folder order. Directions are set by a stub, so
    the case needs no language model."""
    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE
    from qualitycheck.spin import crossdoc
    from qualitycheck.spin.crossdoc import find_spun_versions
    spun_front = [LIBRARY[0].replace("reversing", "overturning").replace("villages", "hamlets"),
                  LIBRARY[1].replace("decision", "choice").replace("older", "elderly")]
    changed_back = [LIBRARY[2].replace("cut", "reduce").replace("help", "assist"),
                    LIBRARY[3].replace("attractive", "appealing").replace("warned", "cautioned"),
                    LIBRARY[4].replace("relieved", "eased").replace("worried", "concerned"),
                    LIBRARY[5].replace("expects", "anticipates").replace("talks", "negotiations")]
    texts = {"wire": LIBRARY[:2], "front": [*spun_front, *LIBRARY[2:]], "back": [*LIBRARY[:2], *changed_back]}
    # the side the stub calls spun: front's two spun paragraphs, front's own words in paragraphs 2-3 (wrong),
    # back's changed paragraphs 4-5
    judged_spun = {*spun_front, LIBRARY[2], LIBRARY[3], *changed_back[2:]}
    monkeypatch.setattr(crossdoc, "_spun_side_is_first",
                        lambda a, _sa, b, _sb: (a in judged_spun) if (a in judged_spun) != (b in judged_spun) else None)
    docs = {role: _doc(role, texts[role]) for role in order}
    find_spun_versions(list(docs.values()), Config())
    assert _named(docs["front"], "spun version of ") == ["wire"], docs["front"].notes
    assert _named(docs["back"], "spun version of ") == [], docs["back"].notes
    assert _named(docs["back"], UNDETERMINED_SPIN_NOTE) == ["front"], docs["back"].notes
    assert _named(docs["wire"], UNDETERMINED_SPIN_NOTE) == [] and not docs["wire"].spun_flag


# Two pairs of everyday synonyms per LIBRARY paragraph that the thesaurus pairs (review24): a version of a paragraph
# takes the first pair, the second, both, or neither.
SYNONYMS = [[("reversing", "overturning"), ("villages", "hamlets"), ("plan", "scheme"), ("save", "conserve")],
            [("decision", "choice"), ("older", "elderly"), ("asking", "requesting"), ("buildings", "structures")],
            [("cut", "reduce"), ("help", "assist"), ("cost", "expense"), ("classes", "courses")],
            [("attractive", "appealing"), ("warned", "cautioned"), ("young", "youthful"), ("vote", "ballot")],
            [("relieved", "eased"), ("worried", "concerned"), ("lost", "missed"), ("deliver", "render")],
            [("expects", "anticipates"), ("talks", "negotiations"), ("publish", "print"), ("detailed", "elaborate")]]


def _version(k: int, which: int) -> str:
    text = LIBRARY[k]
    for old, new in {0: [], 1: SYNONYMS[k][:2], 2: SYNONYMS[k][2:], 3: SYNONYMS[k]}[which]:
        text = text.replace(old, new, 1)
    return text


def test_random_folders_give_the_same_flags_and_notes_in_any_order_and_no_pair_both_ways(monkeypatch):
    """review24: folders of 3-6 versions of the story (random paragraphs, each in one of four versions), with
    each paragraph pair's direction drawn at random (a stub: first, second, or not told), run in four orders: the
    same flags, notes and paragraph labels per document; no document both flagged and noted; no naming cycle
    (two documents each named the other's spun version, or A of B, B of C and C of A; session 25); no note naming a document that is named a spun version of it or its
    source. (3,000 such folders passed when name_sources was reviewed; a few here keep it so.)"""
    import hashlib

    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE
    from qualitycheck.spin import crossdoc
    from qualitycheck.spin.crossdoc import find_spun_versions
    flagged = noted = 0
    for case in range(40):
        rng = random.Random(case)
        specs = [(f"d{i}", [_version(k, rng.choice([0, 0, 1, 2, 3]))
                            for k in sorted(rng.sample(range(6), rng.randint(3, 6)))])
                 for i in range(rng.randint(3, 6))]

        def direction(a, _sa, b, _sb, salt=str(case)):
            lo, hi = min(a, b), max(a, b)
            draw = int(hashlib.sha1(f"{salt}{lo}|{hi}".encode()).hexdigest(), 16) % 5
            return None if draw == 0 else a == (lo if draw <= 2 else hi)

        monkeypatch.setattr(crossdoc, "_spun_side_is_first", direction)
        seen = []
        for order in (list(range(len(specs))), list(reversed(range(len(specs)))),
                      rng.sample(range(len(specs)), len(specs)), rng.sample(range(len(specs)), len(specs))):
            docs = [_doc(*specs[i]) for i in order]
            find_spun_versions(docs, Config())
            seen.append({d.id: (d.spun_flag, d.notes, [(p.labels, [str(f) for f in p.flags]) for p in d.paragraphs])
                         for d in docs})
        assert all(result == seen[0] for result in seen[1:]), case
        named = {d: set(_named_in(notes, "spun version of ")) for d, (_, notes, _) in seen[0].items()}
        unclear = {d: set(_named_in(notes, UNDETERMINED_SPIN_NOTE)) for d, (_, notes, _) in seen[0].items()}
        for d, (flag, _, _) in seen[0].items():
            assert not (flag and unclear[d]), case
            assert d not in _reachable(named, d), case   # no naming cycle, of two documents or more
            assert not any(d in named[o] or o in named[d] for o in unclear[d]), case
        flagged += sum(flag for flag, _, _ in seen[0].values())
        noted += sum(bool(names) for names in unclear.values())
    assert flagged > 40 and noted > 20   # (the folders hold both findings: the checks above are not empty)


def _reachable(named: dict[str, set[str]], start: str) -> set[str]:
    """The documents reached from `start` by following 'spun version of' names."""
    seen: set[str] = set()
    todo = list(named[start])
    while todo:
        d = todo.pop()
        if d not in seen:
            seen.add(d)
            todo.extend(named.get(d, ()))
    return seen


def _named_in(notes: list[str], prefix: str) -> list[str]:
    return [note.split(prefix, 1)[1].split(":", 1)[0] for note in notes if note.startswith(prefix)]
