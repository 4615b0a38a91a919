"""Every command: --help, --version, one-line errors without tracebacks, --debug shows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import __version__
from newsarchive.cli import cli

COMMANDS = ("build", "inspect", "init", "add", "serve", "check", "publish")


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"newsarchive, version {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {command}" in result.output or f"Usage: newsarchive {command}" in result.output
    assert len(result.output.splitlines()) > 3


def test_group_help_lists_the_daily_loop() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", ["check", "publish --to out", "serve --port 0",
                                     "add --dry-run"])
def test_missing_archive_folder_is_one_line(command: str, tmp_path: Path) -> None:
    args = [*command.split(), "--config", str(tmp_path / "nowhere" / "site.yml")]
    result = CliRunner().invoke(cli, args, input="Title\n\nSome body text.\n")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "publish --to out", "serve --port 0"])
def test_bad_config_value_is_one_line(command: str, tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("page_size: lots\n")
    (tmp_path / "articles").mkdir()
    result = CliRunner().invoke(cli, [*command.split(), "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 1
    assert "site.yml:1: error: setting 'page_size'" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("page_size: lots\n")
    result = CliRunner().invoke(cli, ["--debug", "check", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_unknown_key_is_a_warning_with_suggestion(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    (tmp_path / "site.yml").write_text("titel: Typo\n")
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 0
    assert "unknown setting 'titel'; did you mean 'title'?" in result.output


def test_quiet_prints_only_the_summary(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["-q", "check", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        "1 articles, " + result.output.split("1 articles, ")[1].strip()]
    assert "[" not in result.output  # no progress bar when output is not a terminal


def test_start_up_leaves_out_what_most_commands_never_use() -> None:
    """Every edit build pays the start-up: markdown-it-py (a body that the accelerator cannot
    render) and webbrowser (`serve --open`) are imported where they are needed."""
    import subprocess
    import sys

    code = ("import sys, newsarchive.cli, newsarchive.pipeline; "
            "print(sorted(m for m in ('markdown_it', 'webbrowser') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "[]"


def test_loading_a_file_imports_only_its_own_reader(tmp_path: Path) -> None:
    """An edit of one Markdown file need not import the copied-text and HTML readers."""
    import subprocess
    import sys

    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nBody.\n", encoding="utf-8")
    readers = ("newsarchive.sources.text", "newsarchive.sources.html",
               "newsarchive.sources.markdown")
    code = ("import sys; from pathlib import Path; from newsarchive.sources import load_file; "
            f"p = Path({str(tmp_path / 'a.md')!r}); article, _ = load_file(p, p.read_bytes()); "
            f"print(article.title, sorted(m for m in {readers!r} if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "A ['newsarchive.sources.markdown']"
