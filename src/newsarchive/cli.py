"""The command line: parse arguments, call the pipeline, print the report. Thin on purpose."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, load_config
from .diagnostics import UserError, exit_code, format_problem, sort_problems
from .explain import explain_record, inspect_record
from .model import DateValue, Problem
from .sources import load_file, read_file

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Verbosity:
    """-q / -v / --debug, shared by every command."""

    quiet: bool = False
    verbose: bool = False
    debug: bool = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail (every written file).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, debug: bool) -> None:
    """Turn collected news articles into a static, searchable, citable website."""
    ctx.obj = Verbosity(quiet, verbose, debug)


@contextmanager
def user_errors(ctx: click.Context) -> Iterator[None]:
    """Errors a user can cause end in one clear line and exit 1; --debug adds the traceback."""
    verbosity: Verbosity = ctx.obj or Verbosity()
    try:
        yield
    except (UserError, OSError) as exc:
        if verbosity.debug:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        ctx.exit(1)


def print_problems(problems: list[Problem] | tuple[Problem, ...], verbosity: Verbosity) -> None:
    for problem in sort_problems(problems):
        if verbosity.quiet and problem.severity != "error":
            continue
        click.echo(format_problem(problem), err=True)


def progress_printer(verbosity: Verbosity) -> Callable[[str, int, int], None] | None:
    """A progress line on a terminal; nothing when output is piped or -q is given."""
    if verbosity.quiet or not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            label = {"load": "articles loaded", "render": "pages rendered"}.get(stage, stage)
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if done == total else ""
            click.echo(f"\r[{bar}] {done}/{total} {label}", err=True, nl=False)
            if end:
                click.echo("", err=True)

    return show


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), default="site.yml",
              show_default=True, help="The archive's settings file; its folder is the archive root.")
@click.option("--articles", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of article files (default: from site.yml, else ./articles).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (default: from site.yml, else ./build).")
@click.option("--strict", is_flag=True, help="Fail the build on warnings too.")
@click.option("--clean", is_flag=True, help="Build as if nothing had been built before.")
@click.option("--workers", type=click.IntRange(min=0),
              help="Worker processes that parse and render (0 = one per core, 1 = none).")
@click.pass_context
def build(ctx: click.Context, config_path: Path, articles: Path | None, out: Path | None,
          strict: bool, clean: bool, workers: int | None) -> None:
    """Build the archive into the output folder."""
    from .pipeline import BuildOptions
    from .pipeline import build as run_build

    verbosity: Verbosity = ctx.obj or Verbosity()
    with user_errors(ctx):
        result = run_build(config_path, BuildOptions(articles, out, clean, workers),
                           progress_printer(verbosity))
    print_problems(result.problems, verbosity)
    if verbosity.verbose:
        for path in result.written:
            click.echo(f"wrote {path}", err=True)
    click.echo(result.summary())
    index = result.out / "index.html"
    if index.exists() and not verbosity.quiet:
        click.echo(f"Open {index.resolve().as_uri()} in a browser.")
    ctx.exit(exit_code(result.problems, strict=strict))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--explain", is_flag=True,
              help="Add where each field came from and why lines were removed.")
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


def config_option(function: F) -> F:
    """--config, shared by the commands that work on an archive."""
    return click.option(
        "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
        default="site.yml", show_default=True,
        help="The archive's settings file; its folder is the archive root.")(function)


def load_settings(config_path: Path, verbosity: Verbosity, *, must_exist: bool = True) -> Config:
    """The archive's Config; a missing archive or a config error is one clear line (UserError)."""
    if must_exist and not config_path.parent.is_dir():
        raise UserError(f"folder {config_path.parent} does not exist")
    config, problems = load_config(config_path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise UserError(format_problem(sort_problems(errors)[0]))
    print_problems(problems, verbosity)
    return config


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--force", is_flag=True, help="Add the missing files to an existing archive.")
@click.pass_context
def init(ctx: click.Context, directory: Path, force: bool) -> None:
    """Create a new archive in DIRECTORY: site.yml, articles/ with an example, .gitignore."""
    from .scaffold import init_archive

    verbosity: Verbosity = ctx.obj or Verbosity()
    with user_errors(ctx):
        result = init_archive(directory, force=force)
    if not verbosity.quiet:
        for path in result.created:
            click.echo(f"created {path}")
        for path in result.kept:
            click.echo(f"kept    {path} (exists)")
    if not result.created:
        click.echo("nothing to do: every file exists")
        return
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"New archive in {directory}. Next: {where}newsarchive add FILE, then newsarchive serve")


@cli.command()
@click.argument("source", required=False, default="-")
@config_option
@click.option("--outlet", help="Set the outlet.")
@click.option("--author", "authors", multiple=True, help="Set the authors (repeat for several).")
@click.option("--date", "date_text", metavar="YYYY[-MM[-DD]]", help="Set the date.")
@click.option("--tag", "tags", multiple=True, help="Set the tags (repeat for several).")
@click.option("--url", help="Set the source URL.")
@click.option("--allow-duplicate", is_flag=True, help="Add even when the text is already archived.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.pass_context
def add(ctx: click.Context, source: str, config_path: Path, outlet: str | None,
        authors: tuple[str, ...], date_text: str | None, tags: tuple[str, ...], url: str | None,
        allow_duplicate: bool, dry_run: bool) -> None:
    """Add one article from copied text (SOURCE '-' or none: stdin), a .txt or a saved .html file.

    Writes articles/YYYY/YYYY-MM-DD-slug.md with the fields found as front matter, so any of them
    can be corrected by hand.
    """
    from . import add as adding

    verbosity: Verbosity = ctx.obj or Verbosity()
    if adding.is_url(source):
        click.echo("error: fetching URLs is not supported (no network): save the page in your "
                   "browser and add the .html file", err=True)
        ctx.exit(2)
    date = DateValue.parse_iso(date_text) if date_text else None
    if date_text and date is None:
        raise click.BadParameter(f"{date_text!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
                                 param_hint="--date")
    overrides = adding.Overrides(outlet, authors, date, tags, url)
    with user_errors(ctx):
        config = load_settings(config_path, verbosity)
        name, data = read_source(source)
        article, problems = adding.parse_input(name, data, overrides)
        print_problems(problems, verbosity)
        if not verbosity.quiet:
            click.echo("Found:", err=True)
            for line in adding.describe(article):
                click.echo(line, err=True)
        result = adding.add_article(article, config, problems, allow_duplicate=allow_duplicate,
                                    dry_run=dry_run)
    click.echo(f"{'would add' if dry_run else 'added'} {result.path}")


@cli.command()
@config_option
@click.option("--articles", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of article files (default: from site.yml).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout, for tools.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def check(ctx: click.Context, config_path: Path, articles: Path | None, as_json: bool,
          strict: bool) -> None:
    """Report everything a build would complain about, without writing a site.

    Per-file problems, missing dates, authors and outlets, suspicious records, duplicates and
    syndicated copies (as groups) and broken internal links. Exit 1 when there are errors.
    """
    from .check import run_check

    verbosity: Verbosity = ctx.obj or Verbosity()
    with user_errors(ctx):
        config = load_settings(config_path, verbosity)
        if articles is not None:
            config = dataclasses.replace(config, articles=articles.resolve())
        if not config.articles_dir.is_dir():
            raise UserError(f"articles folder {config.articles_dir} does not exist")
        result = run_check(config, None if as_json else progress_printer(verbosity))
    problems = sort_problems(result.problems)
    if as_json:
        report = {"articles": result.articles, "pages": result.pages,
                  "problems": [problem_record(p) for p in problems],
                  "groups": [dataclasses.asdict(g) for g in result.groups]}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_problems(problems, verbosity)
        errors = sum(p.severity == "error" for p in problems)
        click.echo(f"{result.articles} articles, {result.pages} pages checked: "
                   f"{len(problems) - errors} warnings, {errors} errors, "
                   f"{len(result.groups)} groups of copies")
    ctx.exit(exit_code(problems, strict=strict))


def problem_record(problem: Problem) -> dict[str, object]:
    return {"path": problem.path.as_posix(), "line": problem.line, "severity": problem.severity,
            "code": problem.code, "message": problem.message}


@cli.command()
@config_option
@click.option("--to", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Copy the site into this folder (only changed files).")
@click.option("--gh-pages", "gh_pages", is_flag=True,
              help="Commit the site to a branch of this git repository and push it.")
@click.option("--remote", default="origin", show_default=True, help="Git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True, help="Branch to commit to.")
@click.option("--dry-run", is_flag=True, help="List what would change; write nothing.")
@click.option("--force", is_flag=True,
              help="Publish even when the build is stale or the inputs have uncommitted changes.")
@click.pass_context
def publish(ctx: click.Context, config_path: Path, folder: Path | None, gh_pages: bool,
            remote: str, branch: str, dry_run: bool, force: bool) -> None:
    """Publish the built site to a folder (--to DIR) or a GitHub Pages branch (--gh-pages).

    Refuses when the build is older than the archive's inputs, or when articles, templates or
    site.yml have uncommitted changes, unless --force.
    """
    from . import publish as publishing

    verbosity: Verbosity = ctx.obj or Verbosity()
    if (folder is None) == (not gh_pages):
        raise click.UsageError("give one of --to DIR or --gh-pages")
    with user_errors(ctx):
        config = load_settings(config_path, verbosity)
        publishing.site_files(config)  # no build at all: say so before anything slower
        if gh_pages:
            publishing.check_repository(config.root, remote, branch)
        if not force:
            publishing.refuse_if_not_current(config)
        if folder is not None:
            result = publishing.publish_to_folder(config, folder, dry_run=dry_run)
        else:
            result = publishing.publish_to_branch(config, remote, branch, dry_run=dry_run)
    if verbosity.verbose or (dry_run and not verbosity.quiet):
        for change in result.changes:
            click.echo(f"{change.action:6} {change.path}")
    counts = {a: sum(c.action == a for c in result.changes) for a in ("add", "update", "delete")}
    summary = f"{counts['add']} added, {counts['update']} updated, {counts['delete']} deleted"
    if not result.changes:
        click.echo(f"{result.target} is up to date")
    elif dry_run:
        click.echo(f"dry run: would publish to {result.target}: {summary}")
    else:
        commit = f" (commit {result.commit[:12]})" if result.commit else ""
        click.echo(f"published to {result.target}{commit}: {summary}")


@cli.command()
@config_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback is reachable from the network.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.pass_context
def serve(ctx: click.Context, config_path: Path, port: int, host: str, open_browser: bool) -> None:
    """Build, serve the site, and rebuild and reload open pages when an input changes.

    Watches articles, templates and site.yml. A failed build is shown in the terminal and over the
    page in the browser, and the last good site stays served.
    """
    from .server import DevServer, host_warning

    verbosity: Verbosity = ctx.obj or Verbosity()
    warning = host_warning(host)
    if warning:
        click.echo(warning, err=True)

    def echo(line: str) -> None:
        if not verbosity.quiet or line.startswith(("error", "warning")) or ": error:" in line:
            click.echo(line, err=True)

    with user_errors(ctx):
        server = DevServer(config_path, host, port, echo, quiet=not verbosity.verbose,
                           debug=verbosity.debug)
    stop = threading.Event()
    try:
        url = server.start()
        click.echo(f"Serving {url} (watching for changes; Ctrl-C to stop)")
        if open_browser:
            import webbrowser  # only here: ~10 ms of every command's start-up

            webbrowser.open(url)
        server.watch(stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()


def read_source(source: str) -> tuple[Path, bytes]:
    """The input's name (its suffix picks the loader) and bytes; stdin is copied text."""
    if source == "-":
        if sys.stdin.isatty():
            click.echo("Paste the article, then press Ctrl-D (Ctrl-Z Enter on Windows):", err=True)
        return Path("stdin.txt"), sys.stdin.buffer.read()
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{path} is not a file")
    data, problem = read_file(path)
    if data is None:
        raise UserError(format_problem(problem) if problem else f"cannot read {path}")
    return path, data


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="newsarchive")
    finally:  # the process ends next: its last cycle collection need not walk what is left
        gc.freeze()  # (~0.03 s after a build at 5,000 articles)


if __name__ == "__main__":  # pragma: no cover
    main()
