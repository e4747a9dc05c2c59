"""report.html: one self-contained page for reviewing a run folder by eye.

The page is built from `documents.jsonl` (and `run.json` when present) and needs nothing else:
styles and script are inlined, nothing is fetched, and a Content-Security-Policy in the page
allows only the page's own script and style (by hash), so the page cannot reach the network.

Layout of the embedded data, chosen so a 10,000-document run opens quickly:
- `qc-index`: a small JSON object with one compact row per document (id, path, score, verdict,
  label counts, language). Parsed at load; the table, filters and sorting work on it alone.
- `qc-docs-0`, `qc-docs-1`, ...: every document's full record (paragraphs, evidence, cleaned text),
  one JSON object per line, DOCS_PER_CHUNK documents per block, in index order. The script reads a
  block only when one of its documents is opened, parses just that document's line and removes the
  block, so document text is rendered only for the document on screen. Chunking keeps each string
  the browser handles small (V8 caps one string near 512 MB) and opening a document fast.

Scraped text is hostile input. All of it reaches the page either through `html.escape` (the parts
rendered here in Python) or as JSON inside `<script type="application/json">` with `<`, `>` and `&`
written as `\\u003c`-style escapes, so no data can close the script element or open a tag; the
script then puts it on screen with `textContent` only, never as markup.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

import numpy as np

from ..config import Config
from ..document import JSON_ERRORS, LABELS
from .writers import DOCUMENTS_FILE, REPORT_FILE, RUN_FILE

# The verdicts the scorer emits, in the order the overview lists them.
VERDICTS = ("keep", "review", "drop")
HISTOGRAM_BINS = 20  # report.js assumes bins of equal width over [0, 1]
DOCS_PER_CHUNK = 500  # documents per embedded full-text block; ~3 MB for typical news articles
# Documents one page holds. A page grows with its documents (~11 KB each for news with evidence): 20,000
# synthetic documents made a 110 MB page that headless Chromium rendered first in 0.5 s and finished loading
# in 2.5 s (bench/bench_html.py, eleventh session); a million would be gigabytes no browser opens. A larger
# run's page shows a review selection (page_selection), and its overview still counts every document.
MAX_PAGE_DOCUMENTS = 20_000


@dataclass
class RunData:
    """What the page is built from: the documents of one run plus what is known about the run."""

    records: list[dict[str, Any]] | None   # None: not held in memory, streamed from docs_path when written
    run_info: dict[str, Any]
    config: dict[str, Any]
    config_source: str  # "run.json" or "defaults" (run.json missing or without a config)
    run_key: str  # stable id of this documents.jsonl; the page keys stored decisions by it
    unreadable_lines: list[int] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)   # index_row() of every record the page shows
    docs_path: Path | None = None
    overview: "Overview | None" = None   # over every readable record, shown on the page or not
    shown: list[int] | None = None   # positions (among readable records) the page shows; None: all


def iter_lines(docs_path: Path, digest: Any = None) -> Iterator[tuple[int, bytes, dict[str, Any] | None]]:
    """(line number, line without its newline, the JSON object it holds or None) for each non-blank line of a
    documents.jsonl, streamed; `digest` (a hashlib object) is fed every byte of the file. How the review page
    (and apply-decisions, which must number records as the page does) reads a run."""
    # Binary lines split on b"\n" only: str.splitlines() would also split on U+2028/U+0085, which JSON writers
    # (ensure_ascii=False) leave raw inside strings.
    with docs_path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if digest is not None:
                digest.update(raw)
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except JSON_ERRORS:   # also a 4,300+-digit integer or deep nesting in a hand-edited file
                record = None
            yield number, raw.rstrip(b"\n"), record if isinstance(record, dict) else None


def iter_records(docs_path: Path, unreadable: list[int] | None = None, digest: Any = None) -> Iterator[dict[str, Any]]:
    """The JSON-object lines of documents.jsonl, streamed. Lines that are not JSON objects are skipped (their
    numbers appended to `unreadable`); `digest` (a hashlib object) is fed every byte of the file."""
    for number, _, record in iter_lines(docs_path, digest):
        if record is None:
            if unreadable is not None:
                unreadable.append(number)
            continue
        yield record


def load_run(run_dir: str | Path, keep_records: bool = True,
             max_documents: int | None = MAX_PAGE_DOCUMENTS) -> RunData:
    """Read run_dir/documents.jsonl (required) and run_dir/run.json (optional).

    Lines that are not JSON objects are skipped and their line numbers kept, so the page can say
    how many it could not show instead of failing on one truncated line. keep_records=False reads the
    file once for the index rows and keeps no full record (write_html_report streams them again), so
    writing the page of a large run does not hold every document in memory. A run of more than
    `max_documents` (None: no limit) gets the rows of page_selection() only, from a second reading.
    """
    if max_documents is not None and max_documents < 1:
        raise ValueError(f"max_documents must be at least 1, or None for no limit (got {max_documents})")
    run_dir = Path(run_dir)
    docs_path = run_dir / DOCUMENTS_FILE
    if not docs_path.is_file():
        raise FileNotFoundError(f"{docs_path} not found: not a qualitycheck run folder")
    digest = hashlib.sha256()
    unreadable: list[int] = []
    records: list[dict[str, Any]] | None = [] if keep_records else None
    rows: list[dict[str, Any]] = []
    kept = bytearray()   # per readable record: 1 when its verdict is keep

    def every_row() -> Iterator[dict[str, Any]]:
        for record in iter_records(docs_path, unreadable, digest):
            row = index_row(record, len(kept))
            kept.append(row["verdict"] == "keep")
            if max_documents is None or len(kept) <= max_documents:   # past the limit they are read again
                rows.append(row)
                if records is not None:
                    records.append(record)
            yield row

    overview = build_overview(every_row())
    shown = None
    if max_documents is not None and len(kept) > max_documents:
        shown = page_selection(kept, max_documents)
        rows.clear()
        if records is not None:
            records.clear()
        for position, record in iter_shown(docs_path, shown):
            rows.append(index_row(record, position))
            if records is not None:
                records.append(record)

    run_info: dict[str, Any] = {}
    run_path = run_dir / RUN_FILE
    if run_path.is_file():
        try:
            loaded = json.loads(run_path.read_text(encoding="utf-8", errors="replace"))
            if isinstance(loaded, dict):
                run_info = loaded
        except JSON_ERRORS:
            run_info = {"note": "run.json is not valid JSON"}
    config = run_info.get("config")
    if isinstance(config, dict) and config:
        config_source = "run.json"
    else:
        config = Config().to_dict()
        config_source = "defaults"
    run_key = digest.hexdigest()[:16]
    return RunData(records, run_info, config, config_source, run_key, unreadable, rows, docs_path, overview, shown)


def iter_shown(docs_path: Path, shown: list[int] | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(position among readable records, record) of the records a page shows (`shown`; None: all), streamed."""
    wanted = None if shown is None else set(shown)
    for position, record in enumerate(iter_records(docs_path)):
        if wanted is None or position in wanted:
            yield position, record


def page_selection(kept: bytearray, limit: int) -> list[int]:
    """Positions of the documents a page of at most `limit` shows, in run order: every document not kept
    (review, drop, no verdict), the first `limit` of them if there are more, and kept documents spread
    evenly over the run to fill the rest, so a reviewer sees what the run set aside and samples of what
    it kept."""
    flags = np.frombuffer(bytes(kept), dtype=np.uint8)
    others = np.flatnonzero(flags == 0)
    if len(others) >= limit:
        return others[:limit].tolist()
    keeps = np.flatnonzero(flags)
    room = limit - len(others)
    sample = keeps[(np.arange(room) * len(keeps)) // room]
    return np.sort(np.concatenate([others, sample])).tolist()


# ---------------------------------------------------------------------------------------------
# Tolerant field access: older or error records may miss fields or carry nulls.

def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _label_counts(record: dict[str, Any]) -> dict[str, int]:
    """Label -> number of paragraphs carrying it; from `labels`, else counted from paragraphs."""
    labels = record.get("labels")
    counts: dict[str, int] = {}
    if isinstance(labels, dict):
        for label, count in labels.items():
            number = _number(count)
            if number:
                counts[str(label)] = int(number)
        return counts
    for paragraph in _paragraphs(record):
        for label in paragraph.get("labels") or []:
            counts[str(label)] = counts.get(str(label), 0) + 1
    return counts


def _paragraphs(record: dict[str, Any]) -> list[dict[str, Any]]:
    paragraphs = record.get("paragraphs")
    if not isinstance(paragraphs, list):
        return []
    return [p for p in paragraphs if isinstance(p, dict)]


def display_id(record: dict[str, Any], position: int) -> str:
    """The id the page shows and exports for the record at `position` (0-based, among readable records):
    its own id, or "#<record number>" when it has none."""
    return _text(record.get("id")) or f"#{position + 1}"


def index_row(record: dict[str, Any], position: int) -> dict[str, Any]:
    """The compact row the document table needs; no document text. `n` is the record's 1-based number among
    the run's readable records: the page keys reviewer decisions by it (ids need not be unique)."""
    paragraphs = _paragraphs(record)
    score = _number(record.get("score"))
    row: dict[str, Any] = {
        "n": position + 1,
        "id": display_id(record, position),
        "path": _text(record.get("path")),
        "language": _text(record.get("language")),
        "score": None if score is None else round(score, 4),
        "verdict": _text(record.get("verdict")),
        "labels": _label_counts(record),
        "paragraphs": len(paragraphs),
        "flagged": sum(1 for p in paragraphs if p.get("labels")),
    }
    spun = record.get("spun")
    if isinstance(spun, dict) and spun.get("flag"):
        row["spun"] = True
    if record.get("error"):
        row["error"] = True
    # Set by `qualitycheck apply-decisions`: the verdict came from a reviewer.
    if record.get("reviewer_decision") in ("keep", "drop"):
        row["reviewed"] = record["reviewer_decision"]
        row["model_verdict"] = _text(record.get("model_verdict"))
    return row


# ---------------------------------------------------------------------------------------------
# Overview numbers (rendered in Python so they show even before the script runs).

@dataclass
class Overview:
    """Counts shown at the top of the page."""

    documents: int
    verdicts: dict[str, int]
    label_documents: dict[str, int]  # documents with at least one paragraph carrying the label
    label_paragraphs: dict[str, int]  # paragraphs carrying the label, over all documents
    spun_documents: int
    errors: int
    languages: dict[str, int]
    histogram: list[int]  # HISTOGRAM_BINS bins over [0, 1]; the last bin includes 1.0
    unscored: int


def build_overview(rows: Iterable[dict[str, Any]]) -> Overview:
    verdicts: dict[str, int] = {v: 0 for v in VERDICTS}
    label_docs: dict[str, int] = {label: 0 for label in LABELS}
    label_pars: dict[str, int] = {label: 0 for label in LABELS}
    languages: dict[str, int] = {}
    histogram = [0] * HISTOGRAM_BINS
    documents = spun = errors = unscored = 0
    for row in rows:
        documents += 1
        verdict = row["verdict"] or "(none)"
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        for label, count in row["labels"].items():
            if count > 0:
                label_docs[label] = label_docs.get(label, 0) + 1
                label_pars[label] = label_pars.get(label, 0) + count
        language = row["language"] or "(none)"
        languages[language] = languages.get(language, 0) + 1
        spun += 1 if row.get("spun") else 0
        errors += 1 if row.get("error") else 0
        score = row["score"]
        if score is None:
            unscored += 1
        else:
            # Rounded before flooring so 0.35 lands in [0.35, 0.40), as the page's range filter has it.
            histogram[min(HISTOGRAM_BINS - 1, max(0, math.floor(round(score * HISTOGRAM_BINS, 6))))] += 1
    return Overview(documents, verdicts, label_docs, label_pars, spun, errors, languages,
                    histogram, unscored)


# ---------------------------------------------------------------------------------------------
# Safe embedding.

_SCRIPT_DATA_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                      "\u2028": "\\u2028", "\u2029": "\\u2029"})


def embed_json(value: Any) -> str:
    """JSON text that is safe inside `<script type="application/json">` and still parses to `value`.

    `<` is what could end the script element (`</script>`) or switch the HTML parser into its
    escaped states (`<!--`); these characters only occur inside JSON strings, where `\\u003c` means
    the same thing to JSON.parse. Output never contains a raw newline (the `qc-docs-N` blocks rely
    on one document per line).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=str)
    return text.translate(_SCRIPT_DATA_ESCAPES)


def _clean_for_json(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON) with None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean_for_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_for_json(v) for v in value]
    return value


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _asset(name: str) -> str:
    return resources.files("qualitycheck.report").joinpath("assets", name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Rendering.

def _flatten_config(config: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key in sorted(config):
        value = config[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            items.extend(_flatten_config(value, name + "."))
        else:
            items.append((name, value))
    return items


def _format_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _histogram_svg(overview: Overview, config: dict[str, Any]) -> str:
    width, height, left, bottom, top = 400, 160, 30, 22, 18
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(overview.histogram + [overview.unscored, 1])
    bar_w = plot_w / (HISTOGRAM_BINS + 1.5)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="hist-title hist-desc">',
             '<title id="hist-title">Histogram of document scores</title>']
    desc = ", ".join(f"{i / HISTOGRAM_BINS:.2f}-{(i + 1) / HISTOGRAM_BINS:.2f}: {n}"
                     for i, n in enumerate(overview.histogram) if n)
    parts.append(f'<desc id="hist-desc">{_esc(desc or "no scored documents")}; '
                 f'unscored: {overview.unscored}</desc>')
    for i, count in enumerate(overview.histogram):
        bar_h = max(plot_h * count / peak, 2.0) if count else 0.0   # a bin of a few documents stays visible
        x = left + i * bar_w
        # Full-height transparent target so short bars are easy to click; both filter the table.
        parts.append(f'<rect class="bin-target" x="{x:.1f}" y="{top}" width="{bar_w - 1:.1f}" '
                     f'height="{plot_h}" data-bin="{i}" tabindex="0" role="button" '
                     f'aria-label="show documents scoring {i / HISTOGRAM_BINS:.2f} to '
                     f'{(i + 1) / HISTOGRAM_BINS:.2f} ({count})"></rect>')
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
                     f'width="{bar_w - 1:.1f}" height="{bar_h:.1f}" data-bin="{i}" data-count="{count}">'
                     f'<title>score {i / HISTOGRAM_BINS:.2f}–{(i + 1) / HISTOGRAM_BINS:.2f}: '
                     f'{count} document(s)</title></rect>')
    if overview.unscored:
        bar_h = plot_h * overview.unscored / peak
        x = left + (HISTOGRAM_BINS + 0.5) * bar_w
        parts.append(f'<rect class="bar none" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
                     f'width="{bar_w - 1:.1f}" height="{bar_h:.1f}"><title>no score: '
                     f'{overview.unscored} document(s)</title></rect>')
    # Verdict thresholds as dashed lines, so the bins can be read against them.
    for key in ("drop_threshold", "keep_threshold"):
        threshold = _number(config.get(key))
        if threshold is not None and 0 <= threshold <= 1:
            x = left + threshold * HISTOGRAM_BINS * bar_w
            parts.append(f'<line class="thr" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" '
                         f'y2="{top + plot_h}"><title>{_esc(key)} = {threshold}</title></line>')
            parts.append(f'<text x="{x + 2:.1f}" y="{top - 5}">{_esc(key.split("_")[0])}</text>')   # above the bars
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * HISTOGRAM_BINS * bar_w
        parts.append(f'<text x="{x - 6:.1f}" y="{height - 6}">{tick:g}</text>')
    parts.append(f'<text x="2" y="{top + 9}">{peak}</text><text x="14" y="{top + plot_h}">0</text>')  # y axis
    parts.append("</svg>")
    return "".join(parts)


def _overview_html(overview: Overview, run: RunData) -> str:
    def count_row(kind: str, key: str, value: int, extra: str = "") -> str:
        return (f'<tr><td><button type="button" class="linkish" data-filter-{kind}="{_esc(key)}">'
                f'{_esc(key)}</button></td><td class="num" data-{kind}-count="{_esc(key)}">{value}</td>'
                f'{extra}</tr>')

    verdict_rows = "".join(count_row("verdict", v, n) for v, n in overview.verdicts.items())
    label_rows = "".join(
        count_row("label", label, overview.label_documents.get(label, 0),
                  f'<td class="num" data-label-paragraphs="{_esc(label)}">'
                  f'{overview.label_paragraphs.get(label, 0)}</td>')
        for label in sorted(overview.label_documents,
                            key=lambda lab: (LABELS.index(lab) if lab in LABELS else 99, lab)))
    languages = sorted(overview.languages.items(), key=lambda item: (-item[1], item[0]))
    language_text = ", ".join(f"{lang} {n}" for lang, n in languages[:12])
    if len(languages) > 12:
        language_text += f", … ({len(languages) - 12} more)"
    threshold_rows = _model_rows(run.run_info) + "".join(
        f"<tr><td>{_esc(name)}</td><td>{_esc(_format_value(value))}</td></tr>"
        for name, value in _flatten_config(run.config))
    source = ("from run.json" if run.config_source == "run.json"
              else "run.json missing: qualitycheck defaults shown")
    version = run.run_info.get("qualitycheck_version")
    if version and run.config_source == "run.json":
        source += f" (qualitycheck {version})"
    return f"""
<section class="overview" aria-label="Overview">
  <div class="card"><h3>Verdicts</h3>
    <table class="counts"><thead><tr><th>verdict</th><th class="num">documents</th></tr></thead>
    <tbody>{verdict_rows}</tbody>
    <tfoot><tr><th>total</th><th class="num" data-total-documents>{overview.documents}</th></tr></tfoot></table>
    <p class="muted"><button type="button" class="linkish" data-filter-label="__spun_doc"
      title="documents the spin detector flagged (the Labels card counts documents with a spun paragraph)">spun
      documents</button>: <span data-spun-documents>{overview.spun_documents}</span> ·
    read errors: <span data-error-documents>{overview.errors}</span></p>
  </div>
  <div class="card"><h3>Labels</h3>
    <table class="counts"><thead><tr><th>label</th><th class="num">documents</th><th class="num">paragraphs</th></tr></thead>
    <tbody>{label_rows}</tbody></table>
    <p class="muted">languages: {_esc(language_text) or "none"}</p>
  </div>
  <div class="card hist"><h3>Document scores</h3>{_histogram_svg(overview, run.config)}
    <p class="muted">0 = worst, 1 = cleanest; dashed lines: verdict thresholds. Click a bar to list its documents.</p></div>
  <div class="card"><h3>Thresholds in force</h3><p class="muted">{_esc(source)}</p>
    <div class="thresholds-wrap" tabindex="0" aria-label="Thresholds"><table class="counts thresholds" data-config-source="{_esc(run.config_source)}"><tbody>{threshold_rows}</tbody></table></div>
  </div>
</section>"""


def _model_rows(run_info: dict[str, Any]) -> str:
    """One row per model file the run read (run.json "models"): file name and sha256 prefix, the full path
    as a tooltip, so a reviewer can tell which model scored the run."""
    models = run_info.get("models")
    if not isinstance(models, dict):
        return ""
    rows = []
    for role, entry in models.items():
        if not isinstance(entry, dict):
            continue
        path = str(entry.get("path") or "")
        name = path.replace("\\", "/").rsplit("/", 1)[-1] or "none"
        detail = f"sha256 {str(entry['sha256'])[:12]}" if entry.get("sha256") else entry.get("error") or "not recorded"
        rows.append(f'<tr data-model="{_esc(str(role))}"><td>{_esc(str(role))}</td>'
                    f'<td title="{_esc(path)}">{_esc(name)}<br><span class="muted">{_esc(detail)}</span></td></tr>')
    return "".join(rows)


def _input_text(run_info: dict[str, Any]) -> str | None:
    """run.json `input` is a list of paths from `scan`, a string from older writers."""
    value = run_info.get("input")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return _text(value)


def _selection_html(run: RunData, overview: Overview) -> str:
    """The notice above the table of a page that shows a selection of a large run's documents."""
    if run.shown is None:
        return ""
    set_aside = overview.documents - overview.verdicts.get("keep", 0)
    which = (f"the first {len(run.rows)} of its {set_aside} documents with a review or drop verdict"
             if set_aside >= len(run.rows) else
             f"all {set_aside} documents with a review or drop verdict and {len(run.rows) - set_aside} kept "
             "ones spread evenly over the run")
    return (f'<p class="notice" id="page-selection" data-shown="{len(run.rows)}" data-total="{overview.documents}">'
            f"This page shows {len(run.rows)} of the run's {overview.documents} documents: {_esc(which)}. The "
            "overview above counts all of them; documents.jsonl holds every record, and "
            "<code>qualitycheck report RUN_DIR --max-documents N</code> writes a page with more.</p>\n")


def _run_meta_html(run: RunData, documents: int) -> str:
    info = run.run_info
    parts = [f"{documents} documents"]
    if _input_text(info):
        parts.append(f"input: {_input_text(info)}")
    for key in ("started", "finished"):
        if info.get(key) is not None:
            parts.append(f"{key}: {_format_value(info.get(key))}")
    if info.get("complete") is False:
        parts.append("run incomplete (interrupted)")
    if info.get("errors"):
        parts.append(f"errors: {_format_value(info.get('errors'))}")
    if run.unreadable_lines:
        shown = ", ".join(str(n) for n in run.unreadable_lines[:10])
        parts.append(f"{len(run.unreadable_lines)} unreadable line(s) in documents.jsonl skipped ({shown})")
    return " · ".join(_esc(p) for p in parts)


def render_html(run: RunData, generated: str | None = None) -> str:
    """The complete page as a string."""
    page = io.StringIO()
    write_page(run, page, generated)
    return page.getvalue()


def write_page(run: RunData, out: TextIO, generated: str | None = None) -> None:
    """Write the complete page to `out`: the head and index from run.rows, then the documents' full records
    in blocks of DOCS_PER_CHUNK, from run.records or, when those are not held, streamed from run.docs_path."""
    rows = run.rows
    overview = run.overview or build_overview(rows)
    generated = generated or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    index = {
        "schema": 1,
        "run_key": run.run_key,
        "input": _input_text(run.run_info),
        "started": _text(run.run_info.get("started")),
        "generated": generated,
        "labels": list(LABELS),
        "chunk": DOCS_PER_CHUNK,
        "docs": rows,
    }
    css = _asset("report.css")
    script = _asset("report.js")
    # The inlined assets are ours, not data, but a stray `</` in them would still break the page.
    for name, text in (("report.css", css), ("report.js", script)):
        if "</" in text or "<!--" in text:
            raise ValueError(f"asset {name} contains '</' or '<!--' and cannot be inlined")
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(script)}; style-src {_csp_hash(css)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    title = "qualitycheck report"
    if _input_text(run.run_info):
        title += " — " + str(_input_text(run.run_info))
    keys_help = ("<kbd>n</kbd>/<kbd>j</kbd> next document · <kbd>p</kbd>/<kbd>k</kbd> previous · "
                 "<kbd>f</kbd> next flagged paragraph · <kbd>F</kbd> previous flagged · "
                 "<kbd>a</kbd> keep · <kbd>d</kbd> drop · <kbd>u</kbd> clear decision · "
                 "<kbd>c</kbd> cleaned/annotated tab · <kbd>Esc</kbd> back to list · "
                 "<kbd>/</kbd> search")
    out.write(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="qualitycheck">
<title>{_esc(title)}</title>
<style>{css}</style>
</head>
<body>
<header class="top">
  <h1>qualitycheck report</h1>
  <span class="meta" id="run-meta">{_run_meta_html(run, overview.documents)}</span>
  <span class="meta">generated {_esc(generated)}</span>
</header>
<main>
<noscript><p class="error-box">The overview works without JavaScript; the document table and
document view need it.</p></noscript>
<div id="listview" class="listview">
{_overview_html(overview, run)}
<h2 id="docs-heading">Documents</h2>
{_selection_html(run, overview)}<div class="decisionbar" aria-label="Reviewer decisions">
  <span id="decision-counts" aria-live="polite">no decisions yet</span>
  <button type="button" id="export-csv">Export decisions (CSV)</button>
  <button type="button" id="export-json">Export decisions (JSON)</button>
  <button type="button" id="clear-decisions">Clear all decisions</button>
  <span class="muted">Decisions are stored in this browser only; apply an export with
  <code>qualitycheck apply-decisions RUN_DIR FILE</code>.</span>
</div>
<div class="toolbar" role="search">
  <label>Search id or path<input type="search" id="f-search" placeholder="substring…"></label>
  <label>Verdict<select id="f-verdict"><option value="">all</option></select></label>
  <label>Label<select id="f-label"><option value="">any</option><option value="__flagged">any flag</option><option value="__none">no flags</option></select></label>
  <label>Language<select id="f-language"><option value="">all</option></select></label>
  <label>Score from<input type="number" id="f-score-min" min="0" max="1" step="0.05" placeholder="0"></label>
  <label>Score below<input type="number" id="f-score-max" min="0" max="1.01" step="0.05" placeholder="any"></label>
  <label>Decision<select id="f-decision"><option value="">all</option><option value="__none">undecided</option><option value="keep">keep</option><option value="drop">drop</option></select></label>
  <label>Per page<select id="f-pagesize"><option>50</option><option selected>100</option><option>250</option><option>500</option></select></label>
</div>
<div class="pager"><button type="button" id="page-prev">‹ Previous page</button>
  <span id="page-info" aria-live="polite"></span>
  <button type="button" id="page-next">Next page ›</button></div>
<table class="docs" aria-labelledby="docs-heading"><thead><tr id="docs-head"></tr></thead><tbody id="docs-body"></tbody></table>
<p class="keys">Keys: {keys_help}</p>
</div>
<div id="docview" class="docview" hidden></div>
<p id="status" class="status" role="status" aria-live="polite"></p>
</main>
<script type="application/json" id="qc-index">{embed_json(_clean_for_json(index))}</script>
<script>{script}</script>
""")
    records: Iterable[dict[str, Any]]
    if run.records is not None:
        records = run.records
    else:
        records = (record for _, record in iter_shown(run.docs_path, run.shown))
    for position, record in enumerate(records):
        if position % DOCS_PER_CHUNK == 0:
            out.write(("</script>\n" if position else "")
                      + f'<script type="application/json" id="qc-docs-{position // DOCS_PER_CHUNK}">')
        else:
            out.write("\n")
        out.write(embed_json(_clean_for_json(record)))
    if rows:
        out.write("</script>\n")
    out.write("</body>\n</html>\n")


def write_html_report(run_dir: str | Path, out_path: str | Path | None = None,
                      max_documents: int | None = MAX_PAGE_DOCUMENTS) -> Path:
    """Write the review page for a run folder; returns its path (run_dir/report.html by default). A run of
    more than `max_documents` (None: no limit) gets a page of page_selection()'s documents."""
    run_dir = Path(run_dir)
    run = load_run(run_dir, keep_records=False, max_documents=max_documents)
    out = Path(out_path) if out_path is not None else run_dir / REPORT_FILE
    if out.exists() and out.suffix.lower() not in (".html", ".htm"):
        # `-o run/documents.jsonl` would replace the run's own data with the page
        raise FileExistsError(f"{out} exists and is not an .html page; refusing to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Lone surrogates can arrive from JSON `\\udXXX` escapes; written back as the same escape
    # they stay valid inside the embedded JSON instead of failing the whole report.
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", errors="backslashreplace") as handle:
        write_page(run, handle)
    tmp.replace(out)
    return out
