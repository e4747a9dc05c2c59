"""The CMU Sphinx LM for the spin detector: the spoken-word view of our tokens (SpokenLMView), and the
detector run with models/en-cmu.kenlm.

The view tests use the small ARPA model of tests/test_sphinx_lm.py. The detector tests need
models/en-cmu.kenlm (bash models/build_cmu.sh) and the shared seeds, and skip without them.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import REPO, SEEDS
from tests.test_sphinx_lm import ARPA

@pytest.fixture(scope="module")
def spoken_view(tmp_path_factory):
    import kenlm

    from qualitycheck.lm.tokenize import tokenize_with_spans
    from qualitycheck.spin.lmview import SpokenLMView, view_for

    folder = tmp_path_factory.mktemp("spoken")
    path = folder / "s.arpa"
    path.write_text(ARPA.replace("ngram 1=8", "ngram 1=9").replace("-1.9\tup\t-0.15", "-1.9\tup\t-0.15\n-6.0\t<unk>\t0.0"))
    (folder / "s.arpa.json").write_text(json.dumps({"language": "en", "lm_words": "spoken"}))
    view = view_for(kenlm.Model(str(path)), tokenize_with_spans, str(path))
    assert isinstance(view, SpokenLMView)
    return view


def _words(view, text):
    return view.lm_words([t for t, _, _ in view.tokenize(text)])


def test_spoken_view_maps_punctuation(spoken_view):
    from qualitycheck.spin.lmview import SKIP
    assert _words(spoken_view, 'The cat, "sat" (the mat). Up 5% - the end!') == [
        "the", "cat", SKIP, SKIP, "sat", SKIP, SKIP, "the", "mat", SKIP, "</s>", "up", "0", "percent", SKIP, "the",
        "end", "</s>"]
    # a full stop after a single letter or a title is an abbreviation, not a sentence end
    assert _words(spoken_view, "Mr. Cat of the U.S. sat")[:2] == ["mr", SKIP]
    assert SKIP in _words(spoken_view, "Mr. Cat of the U.S. sat")[5:9]
    assert "</s>" not in _words(spoken_view, "Mr. Cat of the U.S. sat")


def test_spoken_view_punctuation_is_transparent(spoken_view):
    """A comma or quote changes no score; a sentence end restarts the context from <s>."""
    w1, w2 = _words(spoken_view, "the cat sat the mat"), _words(spoken_view, 'the cat, "sat" the mat')
    _, s1 = spoken_view.forward(w1)
    _, s2 = spoken_view.forward(w2)
    assert [s for s, w in zip(s2, w2) if w] == pytest.approx(s1)
    _, s3 = spoken_view.forward(_words(spoken_view, "mat. the cat"))
    _, s4 = spoken_view.forward(_words(spoken_view, "the cat"))
    assert s3[2:] == pytest.approx(s4)


def test_spoken_view_state_before_matches_forward(spoken_view):
    import kenlm
    for text in ["The cat, sat. The mat (the cat) sat the mat!", "Up 5% - the cat sat. Mr. Mat sat the cat"]:
        words = _words(spoken_view, text)
        _, scores = spoken_view.forward(words)
        for i, w in enumerate(words):
            if not w:
                continue
            out = kenlm.State()
            assert spoken_view.model.BaseScore(spoken_view.state_before(words, i), w, out) == pytest.approx(scores[i])


CMU_MODEL = REPO / "models" / "en-cmu.kenlm"


def test_spelling_table_maps_only_where_the_lm_prefers_the_target(tmp_path):
    """A spelling table gives the LM its own spelling of a word (scored as that word, context kept), but a
    pair stays out when the LM knows the table's word better than the target."""
    import kenlm

    from qualitycheck.lm.tokenize import tokenize_with_spans
    from qualitycheck.spin.lmview import view_for

    path = tmp_path / "s.arpa"
    path.write_text(ARPA.replace("ngram 1=8", "ngram 1=9").replace("-1.9\tup\t-0.15", "-1.9\tup\t-0.15\n-6.0\t<unk>\t0.0"))
    (tmp_path / "table.tsv").write_text("# test table\nkat\tcat\nmatt\tmat\nup\tupp\n", encoding="utf-8")
    (tmp_path / "s.arpa.json").write_text(json.dumps({"language": "en", "lm_words": "spoken", "spelling": "table.tsv"}))
    view = view_for(kenlm.Model(str(path)), tokenize_with_spans, str(path))
    # "upp" is unknown to the LM, "up" known: that pair is dropped
    assert view.spelling == {"kat": "cat", "matt": "mat"}
    assert _words(view, "The kat sat the Matt up") == ["the", "cat", "sat", "the", "mat", "up"]
    assert view.norm("Kat") == "cat"
    _, mapped = view.forward(_words(view, "the kat sat the matt"))
    _, plain = view.forward(_words(view, "the cat sat the mat"))
    assert mapped == pytest.approx(plain)




def _require_cmu():
    if not CMU_MODEL.exists():
        pytest.skip("models/en-cmu.kenlm not built (bash models/build_cmu.sh)")
    if not (SEEDS / "EXPECTED.json").exists():
        pytest.skip("../shared/seeds not present (shared material is outside the repo)")


def _check(name: str, fingerprints: bool):
    from qualitycheck.checker import Checker
    from qualitycheck.document import RawDocument
    checker = Checker(spin_fingerprints=fingerprints, spin_model_path=str(CMU_MODEL))
    return checker.annotate(RawDocument(id=name, path=None, text=(SEEDS / name).read_text(encoding="utf-8"),
                                        encoding="utf-8"))


def _expected():
    return json.loads((SEEDS / "EXPECTED.json").read_text(encoding="utf-8"))["documents"]


@pytest.mark.slow
def test_cmu_detector_uses_its_own_weights():
    if not CMU_MODEL.exists():
        pytest.skip("models/en-cmu.kenlm not built (bash models/build_cmu.sh)")
    from qualitycheck.spin.detector import default_detector, weights_for_model
    from qualitycheck.spin.lmview import SpokenLMView
    assert weights_for_model(str(CMU_MODEL)) == (REPO / "models" / "spin" / "weights-cmu.json").resolve()
    detector = default_detector(str(CMU_MODEL))
    assert isinstance(detector.view, SpokenLMView)
    assert detector.weights["lm"].endswith(".kenlm") and "screen" in detector.weights


@pytest.mark.slow
def test_cmu_seed_003_flagged_with_fingerprints():
    _require_cmu()
    name = next(n for n in _expected() if n.startswith("003_"))
    doc = _check(name, True)
    assert doc.spun_flag, doc.spun_score


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="with the CMU LM too (0.016): the real spinner's swaps (agreement -> "
                   "settlement, relationship -> romance, said -> reported) are not thesaurus neighbours the "
                   "detector tries; see models/spin/README.md")
def test_cmu_seed_003_flagged_without_fingerprints():
    _require_cmu()
    name = next(n for n in _expected() if n.startswith("003_"))
    assert _check(name, False).spun_flag


@pytest.mark.slow
def test_cmu_other_seeds_not_spun():
    _require_cmu()
    for name, info in _expected().items():
        if info.get("spun"):
            continue
        for fingerprints in (True, False):
            doc = _check(name, fingerprints)
            assert not doc.spun_flag, (name, doc.spun_score)
            assert not any(p.has("spun") for p in doc.paragraphs), name


def test_shipped_spelling_table_gives_british_news_the_lm_spelling():
    """models/en-cmu.kenlm's sidecar names models/spin/us_spelling.tsv: British-only spellings reach the US LM
    in its spelling ("offence" is unknown to it, "offense" is not), so British news does not read as rare words;
    "labour", which the LM knows better than "labor" (the party), stays."""
    if not CMU_MODEL.exists():
        pytest.skip("models/en-cmu.kenlm not built (bash models/build_cmu.sh)")
    from qualitycheck.spin.lmview import load
    view = load(str(CMU_MODEL))
    british = "The colour of the defence centre was an offence to the organisation of labour."
    american = "The color of the defense center was an offense to the organization of labour."
    assert _words(view, british) == _words(view, american)
    assert "offence" not in view.model and "offense" in view.model
    assert "labour" not in view.spelling


def test_spelling_pairs_need_one_rule_and_both_lists():
    """scripts/build_us_spelling.py keeps a pair only when the British word is British-only, the American one
    American-only, and exactly one rule-made variant qualifies ("four" is in both lists: never "for")."""
    module = _spelling_builder()
    british = {"colour", "four", "for", "centre", "organise", "grey", "gray"}
    american = {"color", "four", "for", "center", "organize", "grey", "gray"}
    assert module.pairs(british, american) == {"colour": "color", "centre": "center", "organise": "organize"}


def _spelling_builder():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_us_spelling", REPO / "scripts" / "build_us_spelling.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spelling_second_pass_takes_only_suffixes_the_lm_lacks():
    """The second pass of scripts/build_us_spelling.py: a British word both lists accept ("programmes",
    "modelling") or whose American form both accept ("metres") maps by a suffix rule, but only when the LM
    lacks it and knows the American form. A short stem is no suffix ("tilled" is not "tiled"), a word the LM
    knows stays ("four"), and an American form the LM lacks gives no pair ("penalisation")."""
    module = _spelling_builder()
    british = {"programmes", "modelling", "metres", "meters", "tilled", "tiled", "four", "for", "penalisation",
               "colour"}
    american = {"programmes", "programs", "modelling", "modeling", "meters", "tilled", "tiled", "four", "for",
                "penalisation", "penalization", "color"}
    lm = {"programs", "modeling", "meters", "tiled", "four", "for", "color"}
    second = module.suffix_pairs(british, american, lm.__contains__, taken={"colour": "color"})
    assert second == {"programmes": "programs", "modelling": "modeling", "metres": "meters"}


def test_shipped_spelling_table_covers_british_forms_american_lists_accept():
    """"programmes" is in both SCOWL lists, so the first pass leaves it; the CMU LM lacks it, and it read as
    an unknown word (a clean seed paragraph about weapons programmes scored near the spun threshold)."""
    if not CMU_MODEL.exists():
        pytest.skip("models/en-cmu.kenlm not built (bash models/build_cmu.sh)")
    from qualitycheck.spin.lmview import load
    view = load(str(CMU_MODEL))
    assert "programmes" not in view.model
    assert _words(view, "Its weapons programmes were modelled on others.") == \
        _words(view, "Its weapons programs were modeled on others.")
