"""The command line: parse arguments, call the pipeline, print the report. Thin on purpose."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .diagnostics import format_problem, sort_problems
from .explain import explain_record, inspect_record
from .sources import load_file, read_file


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
def cli() -> None:
    """Turn collected news articles into a static, searchable, citable website."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--explain", is_flag=True, help="Add where each field came from and why lines were removed.")
def inspect(paths: tuple[Path, ...], explain: bool) -> None:
    """Print each file's parsed record as one JSON object per line."""
    for path in paths:
        data, problem = read_file(path)
        if data is None:
            article, problems = None, [problem] if problem else []
        else:
            article, problems = load_file(path, data)
        record = inspect_record(str(path), article, problems)
        if explain:
            record["explain"] = explain_record(article)
        click.echo(json.dumps(record, ensure_ascii=False))
        for item in sort_problems(problems):
            click.echo(format_problem(item), err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsarchive")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
