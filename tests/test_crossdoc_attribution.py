"""The folder pass's attribution: a paragraph several documents hold word for word belongs to all of them,
and neither the documents flagged nor the source each is named a spun version of depend on the order the
files are listed in or on their names. Text written for these tests (never devset or seed text); needs the
shipped language model and weights."""
from __future__ import annotations

import copy
import functools
import itertools
import random

from tests.conftest import english_document as _doc
from tests.conftest import spin_detector as _detector

from qualitycheck.config import Config
from qualitycheck.document import Document

WIRE = [
    "Firefighters worked through the night to contain a large blaze that broke out in a timber yard near the "
    "harbour on Saturday evening, sending thick smoke over several streets and forcing dozens of families to "
    "leave their homes.",
    "The fire service said the flames spread quickly because of strong winds and dry weather, and that crews "
    "from four nearby towns had been called in to help protect the warehouses along the waterfront.",
    "Nobody was seriously hurt, although two firefighters were treated for minor burns and a resident was taken "
    "to hospital as a precaution after breathing in smoke while trying to rescue a neighbour's dog.",
    "Police closed the main road along the harbour and asked drivers to avoid the area until the morning, when "
    "engineers will inspect a bridge that was damaged by the heat.",
    "The owner of the timber yard said he was shocked by the scale of the damage and thanked the emergency "
    "crews, adding that the business had operated on the site for more than forty years.",
    "Investigators have not yet said what caused the fire, but a spokesman said there was nothing to suggest "
    "that it had been started deliberately and that a full report would follow.",
]
# Another outlet's version: the first four paragraphs word for word, the last two with an editor's word
# choices (a few synonyms each, too few per paragraph pair to call it spinning).
EDITED = WIRE[:4] + [
    WIRE[4].replace("shocked", "stunned").replace("scale", "extent").replace("thanked", "praised")
    .replace("business", "company"),
    WIRE[5].replace("caused", "started").replace("suggest", "indicate").replace("deliberately", "intentionally")
    .replace("full", "complete"),
]


@functools.lru_cache(maxsize=1)
def _scored() -> dict[str, Document]:
    """The versions, each scored by the spin signal once: the wire story, a copy spun in its first four
    paragraphs (the last two left alone, so they are the wire's word for word), that copy republished
    word for word, and the edited version."""
    _detector()
    from qualitycheck.signals.spin import SpinSignal
    from qualitycheck.spin import spinners
    from qualitycheck.spin.thesaurus import load
    spinner = spinners.ThesaurusSpinner(load(("wordnet",)), "wordnet")
    rng = random.Random(3)
    spun = [spinner.spin(p, 0.5, rng).text if k < 4 else p for k, p in enumerate(WIRE)]
    assert spun[:4] != WIRE[:4] and spun[4:] == WIRE[4:]
    docs = {"wire": _doc("wire", WIRE), "spun": _doc("spun", spun), "republished": _doc("republished", spun),
            "edited": _doc("edited", EDITED)}
    for doc in docs.values():
        SpinSignal().apply(doc, Config())
    return docs


def _run(order: tuple[str, ...], names: dict[str, str]) -> dict[str, list[str]]:
    """The pass over copies of the scored versions in `order`, named by `names`; per version (by its
    role, not its name) the sources its notes name, for the flagged ones."""
    from qualitycheck.spin.crossdoc import find_spun_versions
    docs = []
    for role in order:
        doc = copy.deepcopy(_scored()[role])
        doc.id = names[role]
        docs.append(doc)
    find_spun_versions(docs, Config())
    role_of = {name: role for role, name in names.items()}
    out = {}
    for role, doc in zip(order, docs):
        sources = [role_of[n.split("spun version of ", 1)[1].split(":", 1)[0]] for n in doc.notes
                   if n.startswith("spun version of ")]
        if doc.spun_flag and sources:
            out[role] = sources
    return out


def test_verbatim_paragraphs_are_shared_and_the_source_does_not_follow_folder_order():
    """The spun copy's untouched paragraphs are the wire's word for word, and the edited version holds the
    wire's first four paragraphs word for word. Before: listed first, the edited version took the wire's
    paragraphs, and the copy was named a spun version of it; listed before the wire, the copy took the
    untouched paragraphs, and the editor's synonyms in them made it a spun version of the edited one too."""
    roles = ("wire", "spun", "edited")
    plain = {role: f"{role}.txt" for role in roles}
    renamed = {"wire": "z_wire.txt", "spun": "a_spun.txt", "edited": "0_edited.txt"}
    for names in (plain, renamed):
        for order in itertools.permutations(roles):
            assert _run(order, names) == {"spun": ["wire"]}, (order, names)


def test_a_republished_spun_copy_is_flagged_too_in_any_order():
    """A spun copy republished word for word: every one of its paragraphs is held by both, so both are
    spun versions of the wire (before, only the first listed was)."""
    roles = ("wire", "spun", "republished", "edited")
    names = {role: f"{role}.txt" for role in roles}
    for order in itertools.permutations(roles):
        assert _run(order, names) == {"spun": ["wire"], "republished": ["wire"]}, order


def test_flag_details_name_the_source_paragraph_in_its_own_document():
    """The flags and evidence of the copy point at the named source's paragraphs, in paragraph order,
    whichever document holds the aligned paragraph first."""
    from qualitycheck.spin.crossdoc import find_spun_versions
    details = set()
    for order in (("edited", "spun", "wire"), ("wire", "spun", "edited")):
        docs = {role: copy.deepcopy(_scored()[role]) for role in order}
        find_spun_versions([docs[role] for role in order], Config())
        spun = docs["spun"]
        flagged = [(p.index, f.detail) for p in spun.paragraphs for f in p.flags if f.rule == "spin.crossdoc"]
        assert [index for index, _ in flagged] == [0, 1, 2, 3]
        assert all(f"against wire paragraph {index}:" in detail for index, detail in flagged)
        assert all(e["source"] == "wire" for e in spun.spun_evidence if e.get("rule") == "crossdoc")
        details.add(tuple(flagged))
    assert len(details) == 1


def test_scan_names_the_same_source_whatever_the_file_names(tmp_path):
    """End to end (scan, the folder pass over documents.jsonl): the three versions under two sets of file
    names that list them in different orders; the same version is flagged, naming the wire story's file."""
    import json
    from qualitycheck.run import scan
    spun = _scored()["spun"].text
    texts = {"wire": "\n\n".join(WIRE), "spun": spun, "edited": "\n\n".join(EDITED)}
    outcomes = []
    for names in ({"wire": "a_wire.txt", "spun": "b_copy.txt", "edited": "c_other.txt"},
                  {"wire": "c_wire.txt", "spun": "a_copy.txt", "edited": "b_other.txt"}):
        folder = tmp_path / names["wire"].split(".")[0] / "in"
        folder.mkdir(parents=True)
        for role, name in names.items():
            (folder / name).write_text(texts[role] + "\n", encoding="utf-8")
        scan([str(folder)], folder.parent / "run", jobs=1, html=False)
        role_of = {name: role for role, name in names.items()}
        outcome = {}
        for line in (folder.parent / "run" / "documents.jsonl").read_text("utf-8").splitlines():
            record = json.loads(line)
            role = role_of[record["path"].rsplit("/", 1)[-1]]
            sources = {role_of[e["source"].rsplit("/", 1)[-1]] for e in record["spun"]["evidence"]
                       if e.get("rule") == "crossdoc"}
            if sources:
                outcome[role] = sorted(sources)
        outcomes.append(outcome)
    assert outcomes[0] == outcomes[1] == {"spun": ["wire"]}
