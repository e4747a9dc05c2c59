"""No regular expression in qualitycheck backtracks catastrophically.

Every boilerplate/ad rule (patterns/boilerplate.toml, applied the way the signal applies it)
and every compiled pattern at module level in the package is run against adversarial
strings: long runs of single characters, of the words the pattern itself contains, and of
near-misses that fail only at the very end. A linear matcher handles 20,000 characters in a
millisecond or two; a quadratic one needs seconds and an exponential one never finishes.

Each pattern runs in a forked child so that a runaway match can be killed (Python's regex
engine cannot be interrupted from inside the process). The bound per input is generous
(hundreds of times what a linear match needs) so that a loaded machine does not fail it.
"""
from __future__ import annotations

import importlib
import multiprocessing as mp
import pkgutil
import re
import time
from dataclasses import dataclass

import pytest

import qualitycheck
from qualitycheck.signals.boilerplate import load_rules

SIZE = 20_000
SECONDS_PER_INPUT = 0.5
# Patterns known to be quadratic, waiting for a fix in a module this test does not own.
# Each entry: (module, name) -> the fix. The test is expected to fail for them (xfail,
# not strict, so it turns green the moment the pattern is fixed).
KNOWN_QUADRATIC: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Case:
    name: str
    regex: re.Pattern
    mode: str   # "match" (anchored at the start, as line rules are used), "scan" (finditer: every start)


def rule_cases() -> list[Case]:
    return [Case(f"boilerplate.toml:{rule.name}", rule.regex, "scan" if rule.kind == "phrase" else "match")
            for rule in load_rules()]


def module_cases() -> list[Case]:
    seen: dict[int, Case] = {}
    for info in pkgutil.walk_packages(qualitycheck.__path__, "qualitycheck."):
        try:
            module = importlib.import_module(info.name)
        except Exception:   # a module whose optional dependency is missing has no patterns to run
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and id(value) not in seen:
                seen[id(value)] = Case(f"{info.name}.{attr}", value, "scan")
            elif isinstance(value, tuple):   # rule tables: items holding their pattern as .regex (encoding.DAMAGE_RULES)
                for item in value:
                    regex = getattr(item, "regex", None)
                    if isinstance(regex, re.Pattern) and id(regex) not in seen:
                        seen[id(regex)] = Case(f"{info.name}.{attr}[{getattr(item, 'name', '?')}]", regex, "scan")
    return list(seen.values())


GENERIC = ["a", " ", "\n", "\t", ".", "-", "@", "\u00e9", "0", "ab", "a ", "a\n", " \n", "\n \n", ". ", "a.",
           "[", "\u2026", "\u00c3", "\u00e2\u20ac", "'", "a'", "a-", "a@", "@a", "1.", "1,", "www.", "http://",
           "\u00a0", "\u0430", "_", "a_", "a1", "!"]


def adversarial_inputs(regex: re.Pattern) -> list[tuple[str, str]]:
    """(label, text) pairs of about SIZE characters built to make `regex` backtrack."""
    inputs: list[tuple[str, str]] = []
    for base in GENERIC:
        body = base * (SIZE // len(base))
        inputs.append((f"{base!r}*n", body))
        inputs.append((f"{base!r}*n+NUL", body + "\x00"))
    words = list(dict.fromkeys(w.lower() for w in re.findall(r"[^\W\d_]{2,}", regex.pattern)))[:40]
    for word in words:
        for sep in (" ", "-", ""):
            unit = word + sep
            inputs.append((f"({word!r}+{sep!r})*n+!", unit * (SIZE // len(unit)) + "!"))
    # Link rows ("News | Sports | Home"): a pattern whose segments may end with or without the space before the
    # separator tries every split (share_counters' permalink row never finished on a 16-link menu; fifteenth session).
    for word in words[:12]:
        for sep in (" | ", " \u2022 ", "|"):
            unit = word + sep
            inputs.append((f"({word!r}+{sep!r})*n+!", unit * (SIZE // len(unit)) + "!"))
    if words:
        sentence = " ".join(words) + " "
        inputs.append(("all words*n+!", sentence * (SIZE // len(sentence) + 1) + "!"))
    # A few of the pattern's words between long runs of one separator, failing at the end: a pattern whose
    # neighbouring separator runs can share the characters tries every split (advertisement_line took 10 s
    # on 1.2 KB of "ad" + 400 dashes, three times; twelfth session). Short on purpose: exponential, not long.
    for word in words[:12]:
        for sep in (" ", "-", "\u2014", ".", "\n"):
            inputs.append((f"({word!r}+{sep!r}*400)*3+!", (word + sep * 400) * 3 + "!"))
    return inputs


def _run_case(regex: re.Pattern, mode: str, conn, inputs: list[tuple[str, str]] | None = None) -> None:
    for label, text in adversarial_inputs(regex) if inputs is None else inputs:
        conn.send(("start", label))
        begin = time.perf_counter()
        if mode == "match":
            regex.match(text)
        else:
            for _ in regex.finditer(text):
                pass
        conn.send(("done", label, time.perf_counter() - begin))
    conn.send(("end",))


def slow_inputs(regex: re.Pattern, mode: str, bound: float = SECONDS_PER_INPUT,
                inputs: list[tuple[str, str]] | None = None) -> list[str]:
    """Labels of the inputs (default adversarial_inputs) on which `regex` took longer than `bound` (or never
    finished)."""
    context = mp.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    proc = context.Process(target=_run_case, args=(regex, mode, child, inputs), daemon=True)
    proc.start()
    child.close()
    slow: list[str] = []
    current = None
    try:
        while True:
            # A hung match sends nothing: waiting a few bounds is enough to call it.
            if not parent.poll(max(5.0, 10 * bound)):
                slow.append(f"{current} (did not finish)")
                break
            message = parent.recv()
            if message[0] == "start":
                current = message[1]
            elif message[0] == "done":
                if message[2] > bound:
                    slow.append(f"{message[1]} ({message[2]:.2f}s)")
                    break   # one is enough; the rest would only repeat it, slowly
            else:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
    return slow


def _params() -> list:
    params = []
    for case in rule_cases() + module_cases():
        module, _, attr = case.name.rpartition(".")
        reason = KNOWN_QUADRATIC.get((module, attr))
        marks = [pytest.mark.xfail(reason=f"known quadratic; fix: {reason}", strict=False)] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_pattern_is_linear_on_adversarial_input(case: Case):
    slow = slow_inputs(case.regex, case.mode)
    assert not slow, f"{case.name} backtracks: {slow}"


# Runs that make a pattern's lookahead or list of items backtrack once the line has passed its opening words: every
# position of 'a.' or 'u.s.' is a word boundary and none is followed by a space.
AFTER_OPENER_UNITS = ["a.", "a-", "a'", "u.s.", "a.b.c.d.", "a, ", "st. ", "a ; "]


def opener_inputs(regex: re.Pattern) -> list[tuple[str, str]]:
    """A line rule only reaches its list of items after its opening words ('Filed under', 'Tags:'), which the
    generic inputs never supply: each opening of the stress set's chrome lines the rule matches (its first one
    or two words as the signal sees them, with and without their colon) followed by a long run of one unit."""
    from tests.test_chrome_stress import ROWS
    from qualitycheck.textnorm import normalize_line_cased

    openers: set[str] = set()
    for _, label, text in ROWS:
        line = normalize_line_cased(text).casefold()
        if label != "clean" and regex.match(line):
            words = line.split()
            for n in (1, 2):
                opener = " ".join(words[:n])
                openers |= {opener + " ", opener.rstrip(":") + ": "}
    return [(f"{opener!r}+({unit!r})*n+!", opener + unit * (SIZE // len(unit)) + "!")
            for opener in sorted(openers) for unit in AFTER_OPENER_UNITS]


@pytest.mark.parametrize("rule", [rule for rule in load_rules() if rule.kind == "line"], ids=lambda rule: rule.name)
def test_line_rule_is_linear_after_its_opening_words(rule):
    # review24: category_label's prose guard (a lookahead for a word and ' was') took 6 s on 'Filed under '
    # + 'a.b.c.d.' * 1000: from every word boundary of a long run without a space it read to the run's end
    slow = slow_inputs(rule.regex, "match", inputs=opener_inputs(rule.regex))
    assert not slow, f"{rule.name} backtracks: {slow}"


def test_the_harness_catches_a_catastrophic_pattern():
    # Without this, a broken harness (say, inputs that never reach the regex) would pass everything.
    nested = re.compile(r"(a+)+b")
    assert slow_inputs(nested, "scan", bound=0.2)
    quadratic = re.compile(r"\S+@\S+")
    assert slow_inputs(quadratic, "scan", bound=0.2)
    assert not slow_inputs(re.compile(r"\s+"), "scan")


def test_every_rule_and_module_pattern_is_covered():
    names = {case.name for case in rule_cases() + module_cases()}
    assert len([n for n in names if n.startswith("boilerplate.toml:")]) == len(load_rules()) > 10
    assert "qualitycheck.segment._BLOCK_SEP" in names
    assert {f"qualitycheck.signals.encoding.DAMAGE_RULES[{name}]"
            for name in ("utf8_as_cp1252", "c1_controls", "c0_controls")} <= names


def test_advertisement_line_matches_what_the_backtracking_pattern_matched():
    """The possessive rewrite of advertisement_line (twelfth session) changes speed, not meaning: on random
    strings of its words, separators and tails it matches exactly where the old pattern did (a first
    rewrite made the repeated group atomic and lost 'Ads - Ads')."""
    import random

    old = re.compile(r"(?:(([-–—\s]*(advertisement|advertisements|advert|adverts|ad|ads)[-–—\s]*){1,3}"
                     r"(continue reading below|scroll to continue( with content)?|story continues below)?))\Z", re.I)
    new = next(rule for rule in load_rules() if rule.name == "advertisement_line").regex
    parts = ["ad", "ads", "advert", "adverts", "advertisement", "advertisements", " ", "-", "\u2014", "  ", "x",
             "story continues below", "continue reading below", "scroll to continue", "scroll to continue with content"]
    rng = random.Random(1)
    for _ in range(30_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 7)))
        assert bool(old.match(text)) == bool(new.match(text)), text
    for text in ("Advertisements Advertisements", "Ads - Ads", "Advertisement - Ads -"):
        assert new.match(text.lower())
