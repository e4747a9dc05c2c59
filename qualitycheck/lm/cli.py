"""The ``train-lm`` command, ready to register on the main CLI group (``main.add_command(train_lm)``).

Kept here so the trainer and its command line change together; the command is a thin layer over
``qualitycheck.lm.train.train_arpa``.
"""
from __future__ import annotations

import json
from dataclasses import asdict

import click


@click.command("train-lm")
@click.argument("corpus", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="ARPA file to write (gzip-compressed when the name ends in .gz).")
@click.option("--order", type=click.IntRange(2, 6), default=3, show_default=True,
              help="n-gram order (2-6: the kenlm package loads models up to order 6, and scoring needs a bigram).")
@click.option("--language", default=None,
              help="ISO code of the text's language (e.g. de); detected with langdetect if omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print the training statistics as JSON.")
def train_lm(corpus: tuple[str, ...], out_path: str, order: int, language: str | None,
             as_json: bool) -> None:
    """Train a modified Kneser-Ney n-gram model on your own clean text.

    CORPUS: text files (.gz accepted), one sentence or paragraph per line, raw text (it is
    tokenised with the same tokenizer used for scoring), decoded as scan decodes a .txt file: UTF-8,
    UTF-16 with a byte-order mark, else a legacy code page such as cp1252, with a note naming it; a
    file that is not text is refused, and so is a pipe (each file is read more than once). Use the
    result with --model. Pure Python and numpy; about 15 s and 400 MB for a million words at order 5.

    \b
    Examples:
      qualitycheck train-lm my_news/*.txt -o models/mine.arpa --order 5 --language en
      qualitycheck scan crawl/ --model models/mine.arpa
    """
    from ..reading import GZIP_ERRORS
    from .train import train_arpa

    try:
        stats = train_arpa(list(corpus), out_path, order=order, language=language)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    except GZIP_ERRORS as exc:   # a damaged or truncated .gz corpus, an unwritable output
        raise click.ClickException(f"cannot train: {exc.__class__.__name__}: {exc}") from exc
    for note in stats.notes:   # a corpus read in another encoding than UTF-8, or with bad bytes replaced
        click.echo(f"note: {note}", err=True)
    if as_json:
        click.echo(json.dumps(asdict(stats), indent=1))
        return
    click.echo(f"wrote {stats.out_path}: order {stats.order}, language {stats.language or 'unknown'}, "
               f"{stats.sentences:,} lines, {stats.tokens:,} tokens, vocabulary {stats.vocabulary:,}, "
               f"n-grams {', '.join(f'{n:,}' for n in stats.ngrams)} in {stats.seconds:.1f} s")
    if stats.fallback_orders:
        click.echo(f"note: fallback discounts (0.5, 1, 1.5) used for order(s) "
                   f"{', '.join(map(str, stats.fallback_orders))}: too little text to estimate them",
                   err=True)
    if stats.language is None:
        click.echo("note: language not detected; pass --language or the model will score no document",
                   err=True)
