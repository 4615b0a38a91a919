"""`newsarchive add`: pasted text, files and saved pages become front-matter Markdown in articles/."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.sources import load_file

PASTED = """\
Harbour bridge reopens after two years of repairs

Engineers say the crossing will carry twice the traffic it did before.

By Jane Doe, Springfield Gazette

The harbour bridge reopened to traffic on Monday after two years of repairs, city officials said.

Drivers queued from early morning to be among the first across, and the mayor cut a ribbon.

# Not a heading: a hash sign that was in the copied text, kept as it was.

Officials expect the crossing to carry twice the traffic it did before the repairs began.
"""

SAVED_PAGE = """<!doctype html><html><head><title>Wire story</title>
<meta property="og:title" content="Storm closes schools across the region">
<meta name="author" content="John Roe">
<meta property="article:published_time" content="2023-11-02T10:00:00Z">
</head><body><article><h1>Storm closes schools across the region</h1>
<p>A winter storm closed schools across the region on Thursday as snow and ice made roads unsafe
for buses, officials said in a statement released early in the morning.</p>
<p>Forecasters expect the storm to move east by the weekend, bringing milder weather behind it
and clearing the way for classes to resume on Monday.</p>
</article></body></html>
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "site")]).exit_code == 0
    return tmp_path / "site"


def run(archive: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--config", str(archive / "site.yml")], input=stdin)
    return result.exit_code, result.output


def added_file(output: str) -> Path:
    line = next(ln for ln in output.splitlines() if ln.startswith("added "))
    return Path(line.removeprefix("added "))


def test_add_from_stdin_writes_front_matter_and_verbatim_body(archive: Path) -> None:
    code, output = run(archive, "add", "--date", "2024-05-06", "--tag", "Transport", stdin=PASTED)
    assert code == 0, output
    assert "authors: Jane Doe" in output  # the fields found are shown
    path = added_file(output)
    assert path == archive / "articles/2024/2024-05-06-harbour-bridge-reopens-after-two-years-of-repairs.md"
    text = path.read_text()
    assert text.startswith("---\ntitle: Harbour bridge reopens after two years of repairs\n")
    assert "date: 2024-05-06\n" in text and "- Transport" in text
    article, _ = load_file(path, path.read_bytes())
    assert article is not None
    assert article.title == "Harbour bridge reopens after two years of repairs"
    assert article.authors == ("Jane Doe",)
    assert article.outlet == "Springfield Gazette"
    assert article.date is not None and article.date.iso() == "2024-05-06"
    assert article.tags == ("Transport",)
    # the body survives as text: the hash sign is not turned into a heading
    assert any(block.startswith("\\# Not a heading") for block in article.body)
    assert "twice the traffic it did before the repairs began" in text


def test_add_undated_file_and_overrides(archive: Path, tmp_path: Path) -> None:
    source = tmp_path / "copied.txt"
    source.write_text(PASTED)
    code, output = run(archive, "add", str(source), "--outlet", "The Courier", "--author", "A. Person",
                       "--author", "B. Person", "--url", "https://example.org/bridge")
    assert code == 0, output
    path = added_file(output)
    assert path.parent.name == "undated"
    article, _ = load_file(path, path.read_bytes())
    assert article is not None
    assert article.outlet == "The Courier"
    assert article.authors == ("A. Person", "B. Person")
    assert article.source_url == "https://example.org/bridge"


def test_add_saved_html_page(archive: Path, tmp_path: Path) -> None:
    page = tmp_path / "storm.html"
    page.write_text(SAVED_PAGE)
    code, output = run(archive, "add", str(page))
    assert code == 0, output
    path = added_file(output)
    assert path.parent.name == "2023"
    assert path.name.startswith("2023-11-02-storm-closes-schools")


def test_never_overwrites_same_name_gets_suffix(archive: Path) -> None:
    first = added_file(run(archive, "add", "--date", "2024-05-06", stdin=PASTED)[1])
    changed = PASTED.replace("mayor cut a ribbon", "mayor gave a speech")
    code, output = run(archive, "add", "--date", "2024-05-06", stdin=changed)
    assert code == 0, output
    second = added_file(output)
    assert second.name == first.name.replace(".md", "-2.md")
    assert "ribbon" in first.read_text()


def test_duplicate_text_is_refused_unless_allowed(archive: Path, tmp_path: Path) -> None:
    run(archive, "add", stdin=PASTED)
    before = sorted((archive / "articles").rglob("*.md"))
    code, output = run(archive, "add", "--outlet", "Elsewhere", stdin=PASTED)
    assert code == 1
    assert "already in the archive as" in output and "--allow-duplicate" in output
    assert sorted((archive / "articles").rglob("*.md")) == before
    code, output = run(archive, "add", "--allow-duplicate", stdin=PASTED)
    assert code == 0, output
    assert len(sorted((archive / "articles").rglob("*.md"))) == len(before) + 1


def test_url_is_refused_with_a_clear_line(archive: Path) -> None:
    code, output = run(archive, "add", "https://example.org/news/story")
    assert code == 2
    assert "fetching URLs is not supported (no network)" in output
    assert "Traceback" not in output


def test_missing_archive_and_file_are_one_line_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["add", "--config", str(tmp_path / "nowhere" / "site.yml")],
                                input=PASTED)
    assert result.exit_code == 1 and "does not exist" in result.output
    code, output = run(tmp_path, "add", str(tmp_path / "missing.txt"))
    assert code == 1 and "is not a file" in output
    assert "Traceback" not in output


def test_bad_date_is_usage_error(archive: Path) -> None:
    code, output = run(archive, "add", "--date", "May 5th", stdin=PASTED)
    assert code == 2
    assert "--date" in output


def test_dry_run_writes_nothing(archive: Path) -> None:
    before = sorted((archive / "articles").rglob("*"))
    code, output = run(archive, "add", "--dry-run", stdin=PASTED)
    assert code == 0 and "would add" in output
    assert sorted((archive / "articles").rglob("*")) == before
