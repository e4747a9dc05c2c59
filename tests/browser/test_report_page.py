"""report.html in headless Chromium: the review flow a reviewer follows, and hostile text.

Run with `pytest -m browser`. Needs Debian chromium + chromium-driver and selenium
(.ci/browser-deps.sh installs them). Screenshots land in reports/ci-artifacts/.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from browserkit import require_browser, screenshot, severe_console_messages
from synthetic import (HOSTILE_ID, HOSTILE_PARAGRAPHS, HOSTILE_PATH, hostile_record, scan_examples, scan_seeds,
                       synthetic_records, write_run)

from qualitycheck.decisions import apply_decisions, load_decisions
from qualitycheck.report.html import write_html_report

pytestmark = pytest.mark.browser


def read_records(run: Path) -> list[dict]:
    text = (run / "documents.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def fixture_run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "fixture", synthetic_records(24, seed=11))


def css(driver, selector):
    return driver.find_elements("css selector", selector)


def one(driver, selector):
    return driver.find_element("css selector", selector)


def wait_for(predicate, timeout: float = 5.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def press(driver, keys: str):
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(driver).send_keys(keys).perform()


def open_page(driver, path: Path, fragment: str = ""):
    driver.get(path.resolve().as_uri() + fragment)
    wait_for(lambda: driver.execute_script("return document.documentElement.getAttribute('data-qc-ready')"),
             what="page script to finish first render")


@pytest.mark.parametrize("source", ["fixture", "seeds", "examples"])
def test_review_flow(browser, artifacts_dir, tmp_path, source):
    if source == "fixture":
        run = fixture_run(tmp_path)
    elif source == "seeds":
        run = scan_seeds(tmp_path / "seeds", html=False)
    else:
        run = scan_examples(tmp_path / "examples", html=False)
    records = read_records(run)
    page = write_html_report(run)
    open_page(browser, page)
    screenshot(browser, artifacts_dir, f"{source}-01-overview")

    # Overview counts equal what documents.jsonl says.
    verdicts = Counter(r.get("verdict") for r in records)
    for verdict in ("keep", "review", "drop"):
        assert one(browser, f'[data-verdict-count="{verdict}"]').text == str(verdicts[verdict])
    for label in ("spun", "off_language", "boilerplate", "ad_marker", "duplicate"):
        docs = sum(1 for r in records if (r.get("labels") or {}).get(label))
        assert one(browser, f'[data-label-count="{label}"]').text == str(docs), label
    assert one(browser, "[data-total-documents]").text == str(len(records))
    assert len(css(browser, "#docs-body tr")) == min(len(records), 100)

    # Sorting by score puts the lowest score first; filtering by verdict narrows the table.
    one(browser, 'button[data-sort="score"]').click()
    first = int(one(browser, "#docs-body tr").get_attribute("data-pos"))
    assert records[first]["score"] == min(r["score"] for r in records)
    from selenium.webdriver.support.ui import Select
    target_verdict = max(verdicts, key=verdicts.get)
    Select(one(browser, "#f-verdict")).select_by_value(target_verdict)
    assert len(css(browser, "#docs-body tr")) == min(verdicts[target_verdict], 100)
    Select(one(browser, "#f-verdict")).select_by_value("")
    # Clicking a label in the overview filters the table to documents carrying it.
    label = next(lab for lab in ("boilerplate", "spun", "ad_marker") if any((r.get("labels") or {}).get(lab) for r in records))
    one(browser, f'button[data-filter-label="{label}"]').click()
    shown_rows = [int(tr.get_attribute("data-pos")) for tr in css(browser, "#docs-body tr[data-pos]")]
    assert shown_rows and all((records[i].get("labels") or {}).get(label) for i in shown_rows)
    assert len(shown_rows) == min(100, sum(1 for r in records if (r.get("labels") or {}).get(label)))
    Select(one(browser, "#f-label")).select_by_value("")
    language = records[0].get("language") or "(none)"
    Select(one(browser, "#f-language")).select_by_value(language)
    assert len(css(browser, "#docs-body tr[data-pos]")) == min(100, sum(1 for r in records if (r.get("language") or "(none)") == language))
    Select(one(browser, "#f-language")).select_by_value("")
    # Clicking a histogram bar lists exactly the documents counted in it.
    bars = [(int(b.get_attribute("data-count")), b.get_attribute("data-bin")) for b in css(browser, ".hist rect.bar[data-bin]")]
    count, number = max(bars)
    one(browser, f'.hist rect.bin-target[data-bin="{number}"]').click()
    assert len(css(browser, "#docs-body tr[data-pos]")) == min(count, 100)
    one(browser, "#f-score-min").clear()
    one(browser, "#f-score-max").clear()
    browser.execute_script("document.getElementById('f-score-max').dispatchEvent(new Event('change'))")
    assert len(css(browser, "#docs-body tr[data-pos]")) == min(len(records), 100)
    # Shortcut letters typed into the search box are text, not commands.
    search = one(browser, "#f-search")
    search.send_keys("npjk")
    assert one(browser, "#listview").is_displayed() and search.get_attribute("value") == "npjk"
    # Let the debounced search apply first, so clearing must itself refresh the list
    # (WebDriver's clear() fires change, not input; on a slow machine this order is the usual one).
    wait_for(lambda: one(browser, "#page-info").text == "0 documents", what="search applied")
    search.clear()
    search.send_keys("\ue00c")  # Escape leaves the box
    wait_for(lambda: "filtered" not in one(browser, "#page-info").text
             and len(css(browser, "#docs-body tr[data-pos]")) == min(len(records), 100), what="search cleared")
    one(browser, 'button[data-sort="order"]').click()

    # Open a document with boilerplate (or spun) paragraphs.
    wanted = next(i for i, r in enumerate(records)
                  if (r.get("labels") or {}).get("spun") or (r.get("labels") or {}).get("boilerplate"))
    record = records[wanted]
    one(browser, f'[data-open="{wanted}"]').click()
    wait_for(lambda: css(browser, "#docview .para"), what="document view")
    assert one(browser, "#doc-title").text == record["id"]
    flagged_expected = [p for p in record["paragraphs"] if p["labels"]]
    flagged = css(browser, "#docview .para.flagged")
    assert len(flagged) == len(flagged_expected)
    for element, paragraph in zip(flagged, flagged_expected):
        for label in paragraph["labels"]:
            assert f"[{label}]" in element.find_element("css selector", ".phead").text  # text tag, not only colour
            assert f"lab-{label}" in element.get_attribute("class")
    side = one(browser, "#docview aside.side").text
    for paragraph in flagged_expected:
        for evidence in paragraph["evidence"]:
            assert evidence["rule"] in side
    spans = sum(len(p.get("spun_spans") or []) for p in record["paragraphs"])
    assert len(css(browser, "#docview mark.spun-word")) == spans
    weak = sum(1 for p in record["paragraphs"] for s in p.get("spun_spans") or [] if s.get("weak"))
    assert len(css(browser, "#docview mark.spun-word.weak")) == weak
    if spans:
        first_span = next(s for p in record["paragraphs"] for s in p.get("spun_spans") or [])
        assert one(browser, "#docview mark.spun-word").text == first_span["word"]
    languages = [p.get("language") for p in record["paragraphs"]]
    shown = [e.text.split(" ")[0] for e in css(browser, "#docview .para .lang")]
    assert shown == [lang or "–" for lang in languages]

    # Keyboard: f focuses the first flagged paragraph and shows its evidence; f again moves on.
    press(browser, "f")
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == flagged[0].get_attribute("id")
    popup = active.find_element("css selector", ".evidence-pop")
    assert popup.is_displayed() and flagged_expected[0]["evidence"][0]["rule"] in popup.text
    screenshot(browser, artifacts_dir, f"{source}-02-document-flag-focused")
    if len(flagged) > 1:
        press(browser, "f")
        assert browser.switch_to.active_element.get_attribute("id") == flagged[1].get_attribute("id")
        press(browser, "F")
        assert browser.switch_to.active_element.get_attribute("id") == flagged[0].get_attribute("id")
    press(browser, "F")  # before the first: wraps to the last flagged paragraph
    assert browser.switch_to.active_element.get_attribute("id") == flagged[-1].get_attribute("id")

    # Cleaned text in the second tab.
    press(browser, "c")
    clean = one(browser, "#clean-text")
    assert clean.is_displayed()
    assert clean.get_attribute("textContent") == (record["clean_text"] or "(no cleaned text)")
    screenshot(browser, artifacts_dir, f"{source}-03-cleaned-text")
    press(browser, "c")

    # Decision by key, then next/previous document by key.
    press(browser, "a")
    assert one(browser, "#decide-keep").get_attribute("aria-pressed") == "true"
    press(browser, "u")
    assert one(browser, "#decide-keep").get_attribute("aria-pressed") == "false"
    assert one(browser, "#decision-counts").get_attribute("textContent") == "no decisions yet"
    press(browser, "d")
    assert one(browser, "#decide-drop").get_attribute("aria-pressed") == "true"
    if wanted + 1 < len(records):
        press(browser, "n")
        wait_for(lambda: one(browser, "#doc-title").text == records[wanted + 1]["id"], what="next document")
        press(browser, "a")
        press(browser, "p")
        wait_for(lambda: one(browser, "#doc-title").text == record["id"], what="previous document")
        assert one(browser, "#decide-drop").get_attribute("aria-pressed") == "true"  # decision remembered
    press(browser, "\ue00c")  # Escape: back to the list
    assert one(browser, "#listview").is_displayed()
    expected = {record["id"]: "drop"}
    if wanted + 1 < len(records):
        expected[records[wanted + 1]["id"]] = "keep"
    assert "decisions: " in one(browser, "#decision-counts").text
    Select(one(browser, "#f-decision")).select_by_value("drop")
    assert [tr.get_attribute("data-pos") for tr in css(browser, "#docs-body tr[data-pos]")] == [str(wanted)]
    Select(one(browser, "#f-decision")).select_by_value("")

    # Decisions survive a reload (browser storage), then export both formats and apply them. Chrome hands a
    # page's storage writes to its browser process asynchronously, and a reload right after the last key press
    # missed it once in a CI run: the page is opened again until the decisions show, for up to 10 s.
    counts = f"decisions: {list(expected.values()).count('keep')} keep, {list(expected.values()).count('drop')} drop"

    def reopened_counts() -> str:
        open_page(browser, page)
        return one(browser, "#decision-counts").text

    wait_for(lambda: reopened_counts().startswith(counts), timeout=10.0, what="decisions to survive a reload")
    one(browser, "#export-csv").click()
    one(browser, "#export-json").click()
    downloads = browser.downloads
    csv_file = wait_for(lambda: next(iter(downloads.glob("*.csv")), None), what="CSV download")
    json_file = wait_for(lambda: next(iter(downloads.glob("*.json")), None), what="JSON download")
    wait_for(lambda: not list(downloads.glob("*.crdownload")), what="downloads to finish")
    assert load_decisions(csv_file) == expected
    assert load_decisions(json_file) == expected
    result = apply_decisions(run, json_file, tmp_path / "reviewed")
    assert result.applied == len(expected) and not result.unknown_ids
    screenshot(browser, artifacts_dir, f"{source}-04-decisions")
    assert severe_console_messages(browser) == []


def test_decisions_follow_records_not_ids(browser, artifacts_dir, tmp_path):
    """Two shards that both number from 1, an id the page must not treat as an object key, no drop
    verdict at all, and a label name with a quote: each document keeps its own decision."""
    from selenium.webdriver.support.ui import Select

    records = [r for r in synthetic_records(12) if r["verdict"] != "drop"][:4]
    records[0]["id"] = records[1]["id"] = "1"
    records[0]["path"], records[1]["path"] = "a.jsonl", "b.jsonl"
    records[2]["id"] = "__proto__"
    records[3]["labels"] = dict(records[3].get("labels") or {}, **{'odd"]label': 1})
    run = write_run(tmp_path / "shared-ids", records)
    page = write_html_report(run)
    open_page(browser, page)

    # The overview's zero-count "drop" filters to nothing, not to everything.
    assert one(browser, '[data-verdict-count="drop"]').text == "0"
    one(browser, '[data-filter-verdict="drop"]').click()
    wait_for(lambda: one(browser, "#page-info").text == "0 documents", what="empty drop filter")
    Select(one(browser, "#f-verdict")).select_by_value("")
    wait_for(lambda: len(css(browser, "#docs-body tr[data-pos]")) == 4, what="all rows again")

    for pos, decision in ((0, "keep"), (1, "drop"), (2, "drop")):
        one(browser, f'[data-open="{pos}"]').click()
        wait_for(lambda: css(browser, "#docview .para"), what="document view")
        one(browser, f"#decide-{decision}").click()
        assert one(browser, f"#decide-{decision}").get_attribute("aria-pressed") == "true"
        one(browser, "#back").click()
    decided = [tr.find_elements("css selector", "td")[1].text for tr in css(browser, "#docs-body tr[data-pos]")]
    assert decided == ["keep", "drop", "drop", ""]
    assert one(browser, "#decision-counts").text.startswith("decisions: 1 keep, 2 drop")
    # Sorting by the odd label's column works and keeps focus on its button.
    sort = [b for b in css(browser, "button[data-sort]") if b.get_attribute("data-sort") == 'label:odd"]label'][0]
    sort.click()
    assert browser.switch_to.active_element.get_attribute("data-sort") == 'label:odd"]label'

    open_page(browser, page)   # decisions come back from browser storage
    assert one(browser, "#decision-counts").text.startswith("decisions: 1 keep, 2 drop")
    one(browser, "#export-json").click()
    json_file = wait_for(lambda: next(iter(browser.downloads.glob("*.json")), None), what="JSON download")
    wait_for(lambda: not list(browser.downloads.glob("*.crdownload")), what="download to finish")
    result = apply_decisions(run, json_file)
    applied = [json.loads(line) for line in result.applied_path.read_text(encoding="utf-8").split("\n") if line]
    assert [r["reviewer_decision"] for r in applied] == ["keep", "drop", "drop", None]
    assert severe_console_messages(browser) == []


def test_reviewer_page_fixes(browser, artifacts_dir, tmp_path):
    """What a reviewer hit (twelfth session): swapped words found against another version unmarked, overview
    links adding to stale filters, Esc clearing the search, deep links of shared ids, no way to list the
    documents flagged spun."""
    from selenium.webdriver.support.ui import Select

    run = scan_examples(tmp_path / "examples", html=False)
    records = read_records(run)
    page = write_html_report(run)
    open_page(browser, page)
    spun_pos = next(i for i, r in enumerate(records) if r["spun"]["flag"])

    # The overview's "spun documents" lists exactly the flagged ones, whatever was filtered before.
    one(browser, "#f-search").send_keys("clean")
    wait_for(lambda: len(css(browser, "#docs-body tr[data-pos]")) == 1, what="search filter")
    one(browser, 'button[data-filter-label="__spun_doc"]').click()
    wait_for(lambda: [tr.get_attribute("data-pos") for tr in css(browser, "#docs-body tr[data-pos]")] == [str(spun_pos)],
             what="spun documents listed after an unrelated search")
    assert one(browser, "#f-search").get_attribute("value") == ""
    # Esc leaves the search box without clearing it.
    one(browser, "#f-search").send_keys("storm")
    wait_for(lambda: one(browser, "#f-search").get_attribute("value") == "storm", what="typed search")
    press(browser, "\ue00c")
    assert one(browser, "#f-search").get_attribute("value") == "storm"
    Select(one(browser, "#f-label")).select_by_value("")

    # Words the folder pass found swapped against the clean version are marked in the text.
    one(browser, "#f-search").clear()
    open_page(browser, page, f"#doc={records[spun_pos]['id']}&n={spun_pos + 1}")
    wait_for(lambda: css(browser, "#docview .para"), what="deep-linked document")
    marked = [m.get_attribute("title") for m in css(browser, "#docview mark.spun-word")]
    assert any("rule: crossdoc" in title for title in marked), marked
    assert "spun_verdict" in one(browser, "#docview .dochead[role=group]").text
    screenshot(browser, artifacts_dir, "fixes-01-crossdoc-marks")
    assert severe_console_messages(browser) == []


def test_deep_link_opens_the_record_not_the_first_sharing_its_id(browser, tmp_path):
    records = synthetic_records(3)
    records[0]["id"] = records[2]["id"] = "a1"
    run = write_run(tmp_path / "dupids", records)
    page = write_html_report(run)
    open_page(browser, page, "#doc=a1&n=3")
    wait_for(lambda: css(browser, "#docview .para"), what="deep-linked document")
    assert one(browser, "#doc-position").text.startswith("document 3 of 3")


def test_hostile_text_runs_nothing(browser, artifacts_dir, tmp_path):
    run = write_run(tmp_path / "hostile", synthetic_records(3) + [hostile_record()])
    page = write_html_report(run)
    # Any script that managed to run would set this flag or raise a dialog.
    open_page(browser, page)
    assert one(browser, f'[data-open="3"]').text == HOSTILE_ID
    assert HOSTILE_PATH in one(browser, 'tr[data-pos="3"] td.path').text
    one(browser, 'input#f-search').send_keys('evil"')
    wait_for(lambda: len(css(browser, "#docs-body tr[data-pos]")) == 1, what="search for a path with a quote")
    one(browser, '[data-open="3"]').click()
    wait_for(lambda: css(browser, "#docview .para"), what="document view")
    # Hover and focus everything that shows evidence, then look at the cleaned text.
    from selenium.webdriver.common.action_chains import ActionChains
    for element in css(browser, "#docview .para"):
        ActionChains(browser).move_to_element(element).perform()
    press(browser, "fff")
    screenshot(browser, artifacts_dir, "hostile-01-document")
    texts = [e.get_attribute("textContent") for e in css(browser, "#docview .para .ptext")]
    assert texts == HOSTILE_PARAGRAPHS  # shown literally, character for character
    meta = one(browser, "#docview .docmeta").text
    assert "javascript:window.__qcPwned='meta'" in meta
    assert "<script>window.__qcPwned='spun'</script>" in meta  # document-level spin evidence, as text
    one(browser, "#tab-clean").click()
    assert "<script>" in one(browser, "#clean-text").text
    press(browser, "a")
    one(browser, "#back").click()
    one(browser, "#export-csv").click()
    one(browser, "#export-json").click()
    csv_file = wait_for(lambda: next(iter(browser.downloads.glob("*.csv")), None), what="CSV download")
    wait_for(lambda: not list(browser.downloads.glob("*.crdownload")), what="downloads to finish")
    assert load_decisions(csv_file) == {HOSTILE_ID: "keep"}
    # Reopen by deep link with the hostile id in the fragment.
    open_page(browser, page, "#doc=" + __import__("urllib.parse").parse.quote(HOSTILE_ID, safe=""))
    wait_for(lambda: css(browser, "#docview .para"), what="deep-linked document")
    screenshot(browser, artifacts_dir, "hostile-02-deeplink")

    assert browser.execute_script("return window.__qcPwned === undefined")
    assert not css(browser, "#docview img, #docview iframe, #docview svg, #docview script, #docview a")
    assert not css(browser, "a[href^='javascript:'], [onerror], [onload], [onmouseover]")
    assert browser.execute_script("return document.querySelectorAll('script').length") == 2  # qc-docs-0 dropped after reading
    # No dialog is open (an executed alert would leave one).
    from selenium.common.exceptions import NoAlertPresentException
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert severe_console_messages(browser) == []


def test_large_run_renders_one_page_of_rows_and_one_document(browser, artifacts_dir, tmp_path):
    records = synthetic_records(1500, seed=5)
    page = write_html_report(write_run(tmp_path / "large", records))
    open_page(browser, page)
    assert len(css(browser, "#docs-body tr")) == 100
    assert css(browser, ".para") == []  # no document text rendered before one is opened
    one(browser, "#page-next").click()
    assert one(browser, "#docs-body tr").get_attribute("data-pos") == "100"
    assert "101–200 of 1500" in one(browser, "#page-info").text
    one(browser, "#f-search").send_keys("article_01499")
    wait_for(lambda: len(css(browser, "#docs-body tr[data-pos]")) == 1, what="search by path")
    one(browser, '[data-open="1499"]').click()
    wait_for(lambda: css(browser, "#docview .para"), what="document view")
    assert len(css(browser, ".para")) == len(records[1499]["paragraphs"])
    # Only the full-text block holding this document was read (then removed); the others are untouched.
    assert browser.execute_script("return document.getElementById('qc-docs-2') === null")
    assert browser.execute_script("return document.getElementById('qc-docs-0') !== null")
    screenshot(browser, artifacts_dir, "large-01-document")
    assert severe_console_messages(browser) == []


def test_selection_page_of_a_run_over_the_limit(browser, artifacts_dir, tmp_path):
    """A run past max_documents: the table lists the selection, its notice is shown, and opening a selected
    document late in the run renders that document's own record (the blocks hold the selection only)."""
    records = synthetic_records(1500, seed=7)
    page = write_html_report(write_run(tmp_path / "over", records), max_documents=600)
    open_page(browser, page)
    assert "This page shows 600 of the run's 1500 documents" in one(browser, "#page-selection").text
    assert "of 600" in one(browser, "#page-info").text
    shown = browser.execute_script("return JSON.parse(document.getElementById('qc-index').textContent).docs"
                                   ".map(function (row) { return row.id; })")
    assert len(shown) == 600
    screenshot(browser, artifacts_dir, "selection-01-list")
    last = next(r for r in records if r["id"] == shown[-1])
    one(browser, "#f-search").send_keys(shown[-1])
    wait_for(lambda: len(css(browser, "#docs-body tr[data-pos]")) == 1, what="search by id")
    one(browser, '[data-open="599"]').click()
    wait_for(lambda: css(browser, "#docview .para"), what="document view")
    assert one(browser, "#doc-title").text == last["id"]
    assert len(css(browser, ".para")) == len(last["paragraphs"])
    screenshot(browser, artifacts_dir, "selection-02-document")
    assert severe_console_messages(browser) == []


def test_missing_browser_is_reported(monkeypatch):
    """In CI a missing browser fails the test run instead of skipping it."""
    import browserkit
    monkeypatch.setattr(browserkit, "_browser_problem", lambda: "chromium binary missing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_browser()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        require_browser()


def test_content_security_policy_blocks_injected_markup(browser, artifacts_dir, tmp_path):
    """Second line of defence: if an escaping bug ever let markup through, the page's CSP (only the
    page's own script, by hash) would still stop it from running. Simulate such a bug by editing
    the written page."""
    page = write_html_report(write_run(tmp_path / "csp", synthetic_records(3)))
    text = page.read_text(encoding="utf-8")
    injected = ("<script>window.__qcPwned='inline'</script>"
                "<img src=x onerror=\"window.__qcPwned='onerror'\">"
                "<a id=jslink href=\"javascript:window.__qcPwned='link'\">x</a>")
    page.write_text(text.replace("<main>", "<main>" + injected, 1), encoding="utf-8")
    open_page(browser, page)
    one(browser, "#jslink").click()
    time.sleep(0.2)
    assert browser.execute_script("return window.__qcPwned === undefined")
    assert len(css(browser, "#docs-body tr[data-pos]")) == 3  # the page's own script still ran
    blocked = [m for m in severe_console_messages(browser) if "Content Security Policy" in m]
    assert blocked, "expected the browser to report the blocked script"
