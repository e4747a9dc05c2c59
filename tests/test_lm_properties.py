"""Properties of the shared tokenizer and scoring on arbitrary Unicode text (hypothesis)."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitycheck.lm.model import default_model
from qualitycheck.lm.tokenize import normalize, tokenize, tokenize_with_spans

# Mix of ordinary words, punctuation, digits, typographic characters, controls and other scripts.
PIECES = st.sampled_from([
    "the", "The", "news", "don't", "O\u2019Neil", "3,000", "2.5", "1999", "...", "\u2026", "\u2014",
    "\u201cquoted\u201d", "\ufb01", "\u00e9t\u00e9", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627",
    "<s>", "</s>", "<unk>", "\x00", "\x0b", "\x1c", "\u00a0", "\u2003", "\u200b", "_", "#", "\U0001F600",
    "\u33a1", "\u2460", "\u00bd", " ", "\n", "\t",
])
TEXT = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=40).map("".join))


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_spans_are_ordered_nonempty_and_retokenise_to_the_token(text):
    toks = tokenize_with_spans(text)
    last = None
    prev_end = 0
    for tok, start, end in toks:
        # Spans never go backwards; several tokens share a span only when one character expands.
        assert 0 <= start < end <= len(text) and (start >= prev_end or (start, end) == last)
        assert tok and not any(c.isspace() for c in tok)
        assert tok in tokenize(text[start:end])
        prev_end, last = end, (start, end)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_normalised_text_is_a_fixed_point(text):
    norm = normalize(text)
    assert tokenize(norm) == norm.split() == tokenize(text)


@given(TEXT)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_one_score_per_token_plus_end(text):
    lm = default_model()
    r = lm.score_text(text)
    assert len(r.logprobs) == len(r.tokens) + 1 == len(r.oov) == len(r.ngram_lengths)
    assert all(math.isfinite(x) and x <= 0 for x in r.logprobs)
    if r.tokens:
        assert r.perplexity is not None and r.perplexity >= 1
    else:
        assert r.perplexity is None


# (an invisible format character between two letters joins them: test_lm.py, invisible characters)
@pytest.mark.parametrize("word", ["\x00", "\x0b", "\x1c", "\U0001F600"])
def test_odd_characters_are_kept_as_single_tokens_or_dropped(word):
    toks = tokenize(f"a{word}b")
    assert toks[0] == "a" and toks[-1] == "b"
    assert all(" " not in t for t in toks)


def test_token_pattern_matches_its_lookahead_definition():
    """The word alternative is written as one negated class; the plain reading of the rule ("letters and
    digits, not CJK") is a per-character lookahead. Both must cut any text the same way."""
    import importlib
    import random
    import re

    module = importlib.import_module("qualitycheck.lm.tokenize")   # the package re-exports a function of that name
    cjk, apos, invisible = module._CJK, module._APOS, module.INVISIBLE_CHARS
    reference = re.compile(
        rf"[{cjk}]|\d+(?:[.,]\d+)+|(?:(?![{cjk}])[^\W_])+(?:[{apos}{invisible}](?:(?![{cjk}])[^\W_])+)*"
        r"|\.{2,}|\u2026|[^\w\s]|_")
    rng = random.Random(7)
    pool = [chr(c) for c in [*range(32, 0x250), *range(0x3000, 0x3100), *range(0x4E00, 0x4E20),
                             *range(0xFF00, 0xFFA0), 0x2019, 0x2BC, 0x2026, 0x660, 0x661, 0x66B,
                             0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(30))
        assert ([m.span() for m in module._TOKEN_RE.finditer(text)]
                == [m.span() for m in reference.finditer(text)]), text


def _tokenize_with_spans_reference(text):
    """tokenize_with_spans as a loop per token (main at 23ab945), without its memo: the specification of the
    column-wise rewrite (tokenize_columns)."""
    from qualitycheck.lm.tokenize import _TOKEN_RE, _pieces

    out = []
    for m in _TOKEN_RE.finditer(text):
        pieces = _pieces(m.group())
        if len(pieces) == 1:
            out.append((pieces[0], m.start(), m.end()))
        else:
            out.extend((t, m.start(), m.end()) for t in pieces)
    return out


# Characters whose NFKC form is several tokens or none, or a token of another kind ("\u00a8" -> space +
# combining mark, "\u2474" -> "(1)", "\u3300" -> four katakana, "\u00bd" -> "1/2" with a fraction slash).
EXPANDING = st.sampled_from(["\u00a8", "\u00b4", "\u2474", "\u3300", "\u00bd", "\u33c2", "\ufb01", "\u2026",
                             "\u2002", "\u00b9", "\u2160", "\u32c0"])


@given(st.lists(st.one_of(PIECES, EXPANDING, st.text(max_size=6)), max_size=60).map("".join),
       st.sampled_from([2, 5, 30_000]))
@settings(max_examples=400, deadline=None)
def test_column_tokenizer_matches_the_loop_per_token(text, memo_size):
    """Same tokens, offsets and order as the loop it replaced, with a memo of any state: tiny memos evict
    mid-paragraph, and a raw token can repeat within a paragraph before and after it is memoised."""
    import importlib

    from qualitycheck.memo import RecentCache

    module = importlib.import_module("qualitycheck.lm.tokenize")   # the package re-exports a function of that name

    saved = module._CACHE
    module._CACHE = RecentCache(memo_size)
    try:
        expected = _tokenize_with_spans_reference(text)
        for _ in range(2):   # cold, then with the memo holding this text's tokens
            assert tokenize_with_spans(text) == expected
            tokens, starts, ends = module.tokenize_columns(text)
            assert list(zip(tokens, starts, ends)) == expected
            assert all(type(t) is str for t in tokens)
    finally:
        module._CACHE = saved
