"""Command line: click commands only; every command is a thin layer over the library API."""
from __future__ import annotations

import errno
import json
import os
import shlex
import stat
import sys
import time
from pathlib import Path
from typing import Any

import click

from .config import Config

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE = 0, 1, 2


def config_options(func: Any) -> Any:
    """Options shared by every command that checks documents."""
    options = [
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                     help="File of Config overrides: TOML if named .toml, else JSON (see README, 'Scoring', and "
                          "qualitycheck/config.py)."),
        click.option("--keep-threshold", type=float, help="Score at or above which a document is kept."),
        click.option("--drop-threshold", type=float, help="Score below which a document is dropped."),
        click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False),
                     help="KenLM model (binary or ARPA) instead of the shipped default."),
        click.option("--spin-model", "spin_model_path", type=click.Path(exists=True, dir_okay=False),
                     help="KenLM model of the spin detector (default: the shipped models/en-cmu.kenlm, or "
                          "--model when detector weights were trained for it); its sidecar names the detector "
                          "weights trained for it, e.g. --spin-model models/en.kenlm runs it with "
                          "models/spin/weights.json."),
        click.option("--language", "main_language", help="Force the documents' main language (e.g. en)."),
        click.option("--no-spin", is_flag=True, help="Skip the spun-text detector."),
        click.option("--no-perplexity", "perplexity_enabled", flag_value=False, default=None,
                     help="Skip the per-paragraph perplexity (a report field only: no label or verdict uses it); "
                          "with --no-spin, no language model is loaded at all."),
        click.option("--exact-spin", "spin_screen", flag_value=False, default=None,
                     help="Re-score every word in the spin detector instead of the ones its screen picks "
                          "(about 2x slower in the detector; the scores the screen approximates)."),
        click.option("--max-chars", type=int, help="Per-document size cap; longer text is truncated with a note."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_checker(config: Config) -> "Checker":
    """A Checker whose models are loaded: a model that is missing or cannot load is a usage error (exit 2)."""
    from .checker import Checker, ModelLoadError

    try:
        return Checker(config).load_models()
    except ModelLoadError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from exc


def build_config(config_file: str | None, no_spin: bool = False, **overrides: Any) -> Config:
    try:
        config = Config.from_file(config_file) if config_file else Config()
        if no_spin:
            overrides["spin_enabled"] = False
        return config.updated(**overrides)
    except (ValueError, TypeError, OSError) as exc:
        raise click.UsageError(f"bad configuration: {exc}") from exc


def end_on_closed_pipe() -> None:
    """Exit 0 after the reader of standard output went away (`| head -1`), as other shell tools stop: stdout
    is pointed at /dev/null so that the interpreter's last flush does not raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OK)


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # click would exit 1, this command line's code for input errors (a pipefail pipeline then fails)
            end_on_closed_pipe()
        except OSError as exc:
            _end_on_full_disk(exc, f"qualitycheck {ctx.invoked_subcommand}")

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:   # the group's own output: `qualitycheck --help > /dev/full`
            _end_on_full_disk(exc, "qualitycheck")


def _end_on_full_disk(exc: OSError, who: str) -> None:
    """A full disk is no bug: said as other shell tools say it (`cat: write error: ...`), not a traceback.
    Any other OSError is raised again."""
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        raise exc
    click.echo(f"{who}: write error: {exc.strerror}", err=True)
    sys.exit(EXIT_INPUT_ERRORS)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qualitycheck")
def main() -> None:
    """Find spun text, foreign trailers, boilerplate, ad markers and duplicates in scraped news.

    \b
    Examples:
      qualitycheck scan examples/news/            # report under reports/<run-name>/
      qualitycheck scan crawl/ -o reports/crawl1 --jobs 2
      qualitycheck check article.txt --json
    """


def worker_count(jobs: int | None) -> int:
    """--jobs as processes to start: 0 or None all cores, and never more than the cores (each worker loads the
    models, ~200 MiB: '--jobs 1000' would start a thousand for no speed), said on stderr when capped."""
    cores = os.cpu_count() or 1
    if jobs and jobs > cores:
        click.echo(f"note: --jobs {jobs} is more than the {cores} cores here; using {cores}", err=True)
    return min(jobs or cores, cores)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False),
              help="Run folder to write (default: reports/<timestamp>-<input name>/).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (default and 0: all cores).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in --out (required), skipping finished "
                                             "documents.")
@click.option("--overwrite", is_flag=True, help="Replace an existing run in --out.")
@click.option("--no-html", is_flag=True, help="Do not write report.html.")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@config_options
def scan(inputs: tuple[str, ...], out_dir: str | None, jobs: int | None, resume: bool, overwrite: bool,
         no_html: bool, text_field: str, quiet: bool, config_file: str | None, no_spin: bool,
         **overrides: Any) -> None:
    """Scan files and folders (recursively: .txt, .txt.gz, .jsonl, .jsonl.gz, .ndjson, .parquet) and write a run folder.

    The run folder holds documents.jsonl (one report per document), summary.csv,
    run.json (settings and counts) and report.html. Exit code 1 if some inputs could
    not be read (their reports carry the error; the rest are written as usual).
    '-' reads standard input: JSONL records (gzip or not) when it starts with '{',
    else one text document.

    \b
    Examples:
      qualitycheck scan examples/news/ -o reports/news
      qualitycheck scan dump.jsonl --text-field content --keep-threshold 0.9
      zcat crawl.jsonl.gz | qualitycheck scan - -o reports/crawl
    """
    from .checker import ModelLoadError
    from .reading import INPUT_SUFFIXES
    from .run import RunExistsError, WorkersFailedError, default_run_dir, scan as run_scan

    config = build_config(config_file, no_spin, **overrides)
    jobs = worker_count(jobs)
    run_dir = out_dir or (None if resume else str(default_run_dir(list(inputs))))   # (--resume needs -o)
    again = (f"finished documents are saved in {run_dir}; rerun with --resume -o {shlex.quote(str(run_dir))} "
             "to continue")
    if "-" in inputs:   # (--resume refuses standard input: it cannot be read again)
        again = (f"finished documents are saved in {run_dir}; standard input cannot be read again, so --resume "
                 "cannot continue this scan: save it to a file and scan that")
    started = time.monotonic()
    try:
        result = run_scan(list(inputs), run_dir, config, jobs=jobs, resume=resume, overwrite=overwrite,
                          progress=not quiet, html=not no_html, text_field=text_field)
    except (RunExistsError, ModelLoadError) as exc:
        raise click.UsageError(str(exc)) from exc
    except WorkersFailedError as exc:
        click.echo(f"error: {exc}\n{again}", err=True)
        sys.exit(EXIT_INPUT_ERRORS)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {again}", err=True)
        sys.exit(130)
    if not quiet:
        # the whole command's time (model loading, the folder pass, writing the report) beside the checking's
        click.echo(f"scanned {result.documents} documents in {time.monotonic() - started:.1f}s "
                   f"({result.elapsed:.1f}s checking) -> {result.run_dir}")
        if result.resumed:
            click.echo(f"  ({result.resumed} carried over from the run being resumed)")
        click.echo("  verdicts: " + (", ".join(f"{k} {v}" for k, v in sorted(result.verdicts.items(), key=str))
                                     or "none"))
        click.echo("  labels:   " + (", ".join(f"{k} {v}" for k, v in sorted(result.labels.items())) or "none"))
        click.echo(f"  errors:   {result.errors}")
        for example in result.error_examples:
            click.echo(f"    {example}")
        for note in result.notes:
            click.echo(f"  note:     {note}")
        if result.report_html is not None:
            click.echo(f"  review:   {result.report_html} (open in a browser)")
    if not result.documents:
        click.echo("warning: no documents found in " + ", ".join(inputs)
                   + " (inputs are " + ", ".join(INPUT_SUFFIXES) + " files)", err=True)
    sys.exit(EXIT_INPUT_ERRORS if result.errors else EXIT_OK)


def _describe(record: dict[str, Any]) -> str:
    where = record.get("path") or record.get("id")
    if record.get("id") and record.get("id") != where:
        where = f"{where}: {record['id']}"   # a JSONL record: file and record id
    lines = [str(where),
             f"  verdict {record['verdict']}  score {record['score']:.3f}  language {record.get('language')}"
             f"  spun {record['spun'].get('flag')} ({record['spun'].get('score')})"]
    if record.get("error"):
        lines.append(f"  error: {record['error']}")
    for note in record.get("notes") or []:
        lines.append(f"  note: {note}")
    for paragraph in record.get("paragraphs") or []:
        if not paragraph["labels"]:
            continue
        text = paragraph["text"].replace("\n", " ")
        lines.append(f"  [{paragraph['index']:>3}] {','.join(paragraph['labels']):<24} {text[:70]!r}")
        for evidence in paragraph["evidence"]:
            lines.append(f"        {evidence['label']}: {evidence['rule']} - {evidence['detail'][:100]}")
    return "\n".join(lines)


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True,
              help="Print the report object (documents.jsonl schema); one per line for a JSONL file.")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the text.")
@config_options
def check(file: str, as_json: bool, text_field: str, config_file: str | None, no_spin: bool,
          **overrides: Any) -> None:
    """Check one file and print its report. A .jsonl / .jsonl.gz / .ndjson / .parquet file gets one
    report per record. '-' reads standard input as scan does: JSONL records (gzip or not) when it
    starts with '{', else one text document.

    \b
    Examples:
      qualitycheck check article.txt
      curl -s URL | html2text | qualitycheck check - --json
      qualitycheck check sample.jsonl.gz --json | jq .verdict
    """
    from .checker import Checker
    from .reading import RECORD_SUFFIXES, open_stdin_documents, read_text_file

    checker = make_checker(build_config(config_file, no_spin, **overrides))
    # records, not one text: the whole JSONL file (or JSONL piped in) read as one article came back "keep"
    per_record = file != "-" and file.lower().endswith(RECORD_SUFFIXES) and not os.path.isdir(file)
    if per_record:
        reports = checker.check_paths([file], text_field)
    elif file == "-":
        per_record, raws = open_stdin_documents(checker.config, text_field)
        reports = (checker.check_raw(raw) for raw in raws)
    else:
        reports = [checker.check_raw(read_text_file(file, checker.config))]
    errors = 0
    for number, report in enumerate(reports):
        record = report.to_dict()
        errors += bool(record["error"])
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False, indent=None if per_record else 2))
        else:
            click.echo(("\n" if number else "") + _describe(record))
    sys.exit(EXIT_INPUT_ERRORS if errors else EXIT_OK)


@main.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--labels", "labelled_dir", type=click.Path(exists=True, file_okay=False), required=True,
              help="Labelled set: a folder with labels.jsonl and docs/ (the devset layout).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(run_dir: str, labelled_dir: str, as_json: bool) -> None:
    """Score a scan of a labelled set: per-label paragraph precision/recall/F1, document spun figures.

    Labelled documents missing from the run and run documents without labels are left out, with a note
    on stderr; a figure with nothing to measure (no predictions, no instances) is n/a (null in --json).

    \b
    Example:
      qualitycheck scan ../shared/devset/docs -o reports/dev && \\
      qualitycheck evaluate reports/dev --labels ../shared/devset
    """
    from .evaluate import LabelledSetError, coverage_notes, evaluate_run, format_table

    try:
        figures = evaluate_run(Path(run_dir), Path(labelled_dir))
    except LabelledSetError as exc:
        raise click.UsageError(str(exc)) from exc
    for note in coverage_notes(figures):
        click.echo(f"note: {note}", err=True)
    click.echo(json.dumps(figures, indent=2) if as_json else format_table(figures))


@main.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False),
              help="Where to write the page (default: RUN_DIR/report.html).")
@click.option("--max-documents", type=click.IntRange(min=0), default=20_000, show_default=True,
              help="Documents the page holds (0: all). A larger run's page shows its review and drop "
                   "documents first, then kept ones spread over the run; the overview counts every document.")
def report(run_dir: str, out_path: str | None, max_documents: int) -> None:
    """Rebuild report.html, the review page, from RUN_DIR/documents.jsonl (and run.json).

    The page is one self-contained file: open it from disk in a browser, review documents,
    mark them keep/drop and export the decisions for `qualitycheck apply-decisions`.

    \b
    Example:
      qualitycheck report reports/seeds && xdg-open reports/seeds/report.html
    """
    from .report.html import write_html_report

    try:
        path = write_html_report(run_dir, out_path, max_documents or None)
    except (FileNotFoundError, FileExistsError) as exc:
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:   # e.g. report.html is a folder, or the folder is read-only
        raise click.ClickException(f"cannot write the page: {exc.strerror or exc}: {exc.filename2 or exc.filename}") from exc
    click.echo(f"wrote {path}")


@main.command("apply-decisions")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("decisions", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False),
              help="Write a new run folder here (documents.jsonl with the decided verdicts, summary.csv, "
                   "run.json, report.html, decisions_applied.jsonl, and a copy of DECISIONS). "
                   "Default: only RUN_DIR/decisions_applied.jsonl is written.")
def apply_decisions_command(run_dir: str, decisions: str, out_dir: str | None) -> None:
    """Apply keep/drop decisions exported from report.html (CSV or JSON) to a run.

    RUN_DIR/documents.jsonl is never modified. Each record's verdict becomes the reviewer's
    decision where there is one; the scanner's verdict is kept as model_verdict. Decisions of an
    earlier round (a run written by apply-decisions) stay unless this file decides them again.

    \b
    Examples:
      qualitycheck apply-decisions reports/seeds ~/Downloads/decisions-1a2b3c.csv
      qualitycheck apply-decisions reports/seeds decisions.json -o reports/seeds-reviewed
    """
    from .decisions import DecisionsError, apply_decisions

    try:
        result = apply_decisions(run_dir, decisions, out_dir)
    except (DecisionsError, FileNotFoundError, FileExistsError) as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(result.summary())
    for doc_id in result.unknown_ids[:10]:
        click.echo(f"  not in the run: {doc_id}", err=True)
    if result.documents_path is not None:
        from .report.html import write_html_report

        click.echo(f"wrote {write_html_report(result.out_dir)}")


@main.command("filter")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str, allow_dash=True))
@click.option("-o", "--out", "out_path", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where kept records go (default: standard output; gzip when the name ends in .gz).")
@click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False),
              help="Write rejected records here with a reject_reason (gzip when .gz). Default: drop them.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None, callback=lambda _c, _p, v: _not_nan(v),
              help="Also reject kept-verdict records scoring below this (0..1).")
@click.option("--verdict", "verdicts", multiple=True, type=click.Choice(["keep", "review"]), default=("keep",),
              show_default=True, help="Verdicts that pass (repeat: --verdict keep --verdict review).")
@click.option("--keep-language", "keep_languages", multiple=True, metavar="CODE",
              help="Only documents whose main language is this pass (repeat for several: --keep-language en "
                   "--keep-language pcm); others are rejected as language_<code>. Default: any language.")
@click.option("--output", type=click.Choice(["record", "text"]), default="record", show_default=True,
              help="record: original fields plus a 'quality' object; text: the record with its text "
                   "replaced by the cleaned text.")
@click.option("--text-field", default="text", show_default=True, help="JSON field holding the text.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes checking records (0: all cores); output and its order do not change.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line or summary on standard error.")
@config_options
def filter_command(inputs: tuple[str, ...], out_path: str, rejected_path: str | None, min_score: float | None,
                   verdicts: tuple[str, ...], keep_languages: tuple[str, ...], output: str, text_field: str,
                   jobs: int, quiet: bool, config_file: str | None, no_spin: bool, **overrides: Any) -> None:
    """Filter JSONL records (files or standard input, gzip or not) line by line.

    Kept records go to standard output (or --out); rejected ones are dropped or written to
    --rejected with their reason. Memory stays flat however long the input.

    \b
    Examples:
      zcat crawl.jsonl.gz | qualitycheck filter --min-score 0.7 > kept.jsonl
      qualitycheck filter a.jsonl b.jsonl.gz -o kept.jsonl.gz --rejected rejected.jsonl.gz
      qualitycheck filter dump.jsonl --verdict keep --verdict review --output text
      zcat crawl.jsonl.gz | qualitycheck filter --jobs 0 | gzip > kept.jsonl.gz
      qualitycheck filter crawl.jsonl --keep-language en --rejected other.jsonl > english.jsonl
    """
    from .checker import Checker
    from .run import Progress
    from .reading import GZIP_ERRORS, line_cap
    from .streaming import (REASON_MALFORMED, REASON_NO_TEXT, REASON_NOT_OBJECT, REASON_TOO_LONG, REASON_UNREADABLE,
                            filter_stream, iter_input_lines, open_output)

    _check_outputs(inputs, out_path, rejected_path)
    checker = make_checker(build_config(config_file, no_spin, **overrides))
    bar = Progress(not quiet)   # on a terminal's standard error only
    try:
        kept = open_output(out_path)
    except OSError as exc:
        raise click.UsageError(f"cannot write {exc.filename}: {exc.strerror or exc}") from exc
    try:
        rejected = open_output(rejected_path) if rejected_path else None
    except OSError as exc:
        if out_path not in (None, "-"):
            kept.close()
        raise click.UsageError(f"cannot write {exc.filename}: {exc.strerror or exc}") from exc
    failed, stats, closed_pipe, interrupted = None, None, False, False
    counts: Any = None   # filter_stream's running counts, for a Ctrl-C message

    def progress(running: Any) -> None:
        nonlocal counts
        counts = running
        if bar.enabled:
            bar.update(running.kept + running.rejected)

    try:
        stats = filter_stream(iter_input_lines(inputs, line_cap(checker.config), text_field), kept, rejected,
                              checker=checker, min_score=min_score,
                              keep_verdicts=verdicts, keep_languages=keep_languages or None,
                              output=output, text_field=text_field,
                              jobs=worker_count(jobs), on_progress=progress)
    except KeyboardInterrupt:   # Ctrl-C: close the outputs below (a .gz gets its trailer), then say how far it got
        interrupted = True
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, like other shell tools
        closed_pipe = True
    except GZIP_ERRORS as exc:  # unreadable file or damaged gzip on standard input: keep what was written
        failed = exc
    finally:
        bar.finish()
        for handle in (kept, rejected):
            if handle is None:
                continue
            try:
                if out_path in (None, "-") and handle is kept:
                    handle.flush()
                    handle.detach()  # leave standard output open for click
                else:
                    handle.close()
            except BrokenPipeError:
                closed_pipe = True
    if closed_pipe:
        end_on_closed_pipe()
    if failed is not None:
        click.echo(f"filter stopped: {failed}", err=True)
        sys.exit(EXIT_INPUT_ERRORS)
    if interrupted:
        kept_n, rejected_n = (counts.kept, counts.rejected) if counts is not None else (0, 0)
        click.echo(f"interrupted after {kept_n + rejected_n} records: kept {kept_n}, rejected {rejected_n}; "
                   "the outputs hold those records", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(stats.summary(), err=True)
    # every record that parsed lacked the text (a malformed or overlong line, a JSON line that is no object or an
    # input file that could not be read among them must not hide the hint)
    records = stats.lines - sum(stats.reasons.get(reason, 0) for reason in (
        REASON_MALFORMED, REASON_NOT_OBJECT, REASON_TOO_LONG, REASON_UNREADABLE)) if stats is not None else 0
    if stats is not None and records and stats.reasons.get(REASON_NO_TEXT) == records:
        click.echo(f"filter: no record has a non-empty string in its '{text_field}' field; "
                   "--text-field names the field that holds the text", err=True)
    if stats is not None and stats.reasons.get(REASON_UNREADABLE):
        unread = stats.reasons[REASON_UNREADABLE]
        click.echo(f"filter: {unread} input file(s) could not be read"
                   + (":" if unread <= len(stats.unreadable) else " (see --rejected for all), among them:"), err=True)
        for why in stats.unreadable:
            click.echo(f"  {why}", err=True)
        sys.exit(EXIT_INPUT_ERRORS)


def _not_nan(value: float | None) -> float | None:
    if value is not None and value != value:   # FloatRange lets NaN through: every comparison with it is false
        raise click.BadParameter("must be a number from 0 to 1, not nan")
    return value


def _check_outputs(inputs: tuple[str, ...], out_path: str | None, rejected_path: str | None) -> None:
    """Both outputs checked before either is opened, since opening truncates: each must be in a writable
    folder, and one that is also an input (or the other output) would be emptied before it is read (or
    written by two writers at once)."""
    named = [(path, what) for path, what in ((out_path, "--out"), (rejected_path, "--rejected"))
             if path not in (None, "-")]
    for path, _ in named:
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise click.UsageError(f"cannot write {path}: {folder} is not a writable folder")
    for i, (path, what) in enumerate(named):
        for other, other_what in named[i + 1:]:
            if _same_file(path, other):   # (also through a symlink or a hard link)
                raise click.UsageError(f"{what} and {other_what} name the same file: {path}")
        if not os.path.exists(path):
            continue
        for item in inputs:
            if item != "-" and os.path.exists(item) and os.path.samefile(item, path):
                raise click.UsageError(f"{what} {path} is also an input; write the output to another file")
        if (not inputs or "-" in inputs) and _is_stdin_file(path):
            # `filter -o x.jsonl < x.jsonl`: opening the output would empty the file standard input reads
            raise click.UsageError(f"{what} {path} is the file standard input reads; write the output to another file")


def _same_file(path: str, other: str) -> bool:
    """Whether two output paths name one file that opening both would truncate and overwrite twice: a terminal,
    a pipe or /dev/null (`-o /dev/stdout --rejected /dev/stderr` on one terminal) takes both writers."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
    except OSError:   # (not there yet, or a dangling link: compared by where it points)
        pass
    if os.path.realpath(path) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(path, other)
    except OSError:   # (either not there yet)
        return False


def _is_stdin_file(path: str) -> bool:
    """Whether standard input is redirected from the file `path` (a regular file only: `-o /dev/null <
    /dev/null` empties nothing)."""
    from .reading import stdin_file_id

    given = stdin_file_id()
    try:
        there = os.stat(path)
    except OSError:
        return False
    return given is not None and (there.st_dev, there.st_ino) == given


from .lm.cli import train_lm  # noqa: E402  (defined beside the trainer it wraps)

main.add_command(train_lm)

if __name__ == "__main__":  # pragma: no cover
    main()
