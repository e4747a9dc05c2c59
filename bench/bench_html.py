"""Page-load figures for report.html on a large synthetic run (default 10,000 documents).

Builds a run with tests/browser/synthetic.py (invented text, same schema as `qualitycheck scan`),
writes report.html, then loads it from disk in headless Chromium several times and prints medians:

- write: seconds for write_html_report (Python side)
- size: report.html bytes (and documents.jsonl bytes for comparison)
- first render: ms from navigation start to the page script's `qc-first-render` mark (overview,
  filters and the first page of the table are in the DOM)
- first contentful paint, DOMContentLoaded, load: ms, from the browser's performance timing
- sort by score / filter by verdict: ms for the table to re-sort and re-render over all documents
- open document: ms to render the first document view (reads and parses that one record)
- JS heap after load (MB)

Usage: python bench/bench_html.py [--docs 10000] [--runs 5] [--keep DIR] [--json OUT]
Needs chromium, chromium-driver and selenium (.ci/browser-deps.sh).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO))

from browserkit import _browser_problem, make_driver  # noqa: E402
from synthetic import synthetic_records, write_run  # noqa: E402

from qualitycheck.report.html import write_html_report  # noqa: E402

TIMINGS_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName('qc-first-render')[0];
const fcp = performance.getEntriesByName('first-contentful-paint')[0];
return {
  first_render_ms: mark ? mark.startTime : null,
  fcp_ms: fcp ? fcp.startTime : null,
  dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
  load_ms: nav ? nav.loadEventEnd : null,
  heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
  rows: document.querySelectorAll('#docs-body tr').length,
};
"""

# Responsiveness of the table on the whole run: sort by score, then filter by verdict (both
# handlers run synchronously, so performance.now() around them spans the re-render).
TABLE_JS = """
let t0 = performance.now();
document.querySelector('button[data-sort="score"]').click();
const sort_ms = performance.now() - t0;
const select = document.getElementById('f-verdict');
select.value = 'review';
t0 = performance.now();
select.dispatchEvent(new Event('change'));
const filter_ms = performance.now() - t0;
select.value = '';
select.dispatchEvent(new Event('change'));
document.querySelector('button[data-sort="order"]').click();
return {sort_ms: sort_ms, filter_ms: filter_ms};
"""

OPEN_DOC_JS = """
const t0 = performance.now();
document.querySelector('[data-open]').click();
const t1 = performance.now();
return {open_document_ms: t1 - t0, paragraphs: document.querySelectorAll('#docview .para').length};
"""


def wait_loaded(driver, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script("return document.readyState") == "complete":
            return
        time.sleep(0.05)
    raise TimeoutError("page did not finish loading")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the run folder here instead of a temp dir")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args()

    problem = _browser_problem()
    if problem:
        print(f"cannot run: {problem}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.keep or Path(tmp) / "run"
        started = time.perf_counter()
        write_run(run_dir, synthetic_records(args.docs, seed=1))
        generate_s = time.perf_counter() - started
        writes = []
        for _ in range(3):
            started = time.perf_counter()
            page = write_html_report(run_dir)
            writes.append(time.perf_counter() - started)
        size = page.stat().st_size
        jsonl_size = (run_dir / "documents.jsonl").stat().st_size

        samples: list[dict] = []
        driver = make_driver()
        try:
            for _ in range(args.runs):
                driver.get("about:blank")
                driver.get(page.resolve().as_uri())
                wait_loaded(driver)
                timings = driver.execute_script(TIMINGS_JS)
                timings.update(driver.execute_script(TABLE_JS))
                timings.update(driver.execute_script(OPEN_DOC_JS))
                samples.append(timings)
        finally:
            driver.quit()

    def median(key: str) -> float | None:
        values = [s[key] for s in samples if s.get(key) is not None]
        return round(statistics.median(values), 1) if values else None

    figures = {
        "documents": args.docs,
        "runs": args.runs,
        "report_bytes": size,
        "documents_jsonl_bytes": jsonl_size,
        "write_report_s": round(statistics.median(writes), 3),
        "first_render_ms": median("first_render_ms"),
        "first_contentful_paint_ms": median("fcp_ms"),
        "dom_content_loaded_ms": median("dom_content_loaded_ms"),
        "load_ms": median("load_ms"),
        "sort_by_score_ms": median("sort_ms"),
        "filter_by_verdict_ms": median("filter_ms"),
        "open_document_ms": median("open_document_ms"),
        "js_heap_mb": median("heap_mb"),
        "table_rows_in_dom": samples[0]["rows"] if samples else None,
    }
    print(f"report.html for {args.docs} documents (synthetic run generated in {generate_s:.1f}s)")
    print(f"  file size:            {size / 1e6:.1f} MB (documents.jsonl {jsonl_size / 1e6:.1f} MB)")
    print(f"  write_html_report:    {figures['write_report_s']:.2f} s (median of {len(writes)})")
    print(f"  medians over {args.runs} loads in headless Chromium:")
    for key in ("first_render_ms", "first_contentful_paint_ms", "dom_content_loaded_ms", "load_ms",
                "sort_by_score_ms", "filter_by_verdict_ms", "open_document_ms", "js_heap_mb"):
        print(f"    {key:<26} {figures[key]}")
    print(f"  table rows in the DOM:  {figures['table_rows_in_dom']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
