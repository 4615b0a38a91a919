"""`newsarchive check`: problems, suspicious records, copy groups and broken links, no site written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsarchive.check import copy_groups, looks_like_person, resolve_link
from newsarchive.cli import cli
from newsarchive.model import Article

STORY = ("The central bank raised interest rates by half a percentage point on Wednesday, its "
         "largest increase in two decades, as policymakers moved to cool inflation that has climbed "
         "to the highest level in forty years. The decision was unanimous, and officials signalled "
         "that further increases were likely at coming meetings as they watch prices for food, fuel "
         "and housing. Markets rose after the announcement, with investors saying the move had been "
         "expected for weeks.")
BARE = ("Neighbours gathered in the square to argue about the new parking rules, which shopkeepers "
        "say will drive customers away, while the council insists that the change will make the "
        "street safer for children walking to the two schools at its northern end.")
PERSON = ("The museum reopened its east wing after a flood last winter damaged paintings and "
          "furniture, and curators said most of the collection had been restored by specialists who "
          "worked through the summer to dry, clean and repair the pieces one by one.")
LONG = ("A ferry ran aground near the harbour mouth on Tuesday night, and all passengers were "
        "taken off safely by lifeboat crews who worked for three hours in strong wind and heavy "
        "rain, the coastguard said in a statement issued after midnight.")
OTHER = ("Volunteers planted two thousand trees along the river on Saturday in the largest community "
         "project the town has seen, organisers said, with families, schools and local businesses "
         "joining in despite the rain that fell for most of the morning and turned the banks to mud.")


def article(title: str, body: str, *, outlet: str | None = "Daily Planet", author: str | None = "Lois Lane",
            date: str | None = "2024-03-02") -> str:
    lines = ["---", f"title: {title}"]
    lines += [f"outlet: {outlet}"] if outlet else []
    lines += [f"authors: [{author}]"] if author else []
    lines += [f"date: {date}"] if date else []
    return "\n".join([*lines, "---", body, ""])


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    files = {
        "rates-ap.md": article("Bank raises rates", STORY, outlet="Associated Press", author="Ann Wire"),
        "rates-copy.md": article("Central bank lifts rates sharply", STORY.replace(
            "Markets rose after the announcement", "Stocks climbed after the news"), outlet="The Courier",
            author="Ann Wire"),
        "trees.md": article("Volunteers plant trees", OTHER),
        "trees-again.md": article("Volunteers plant trees again", OTHER),
        "bare.md": article("A bare record", BARE, outlet=None, author=None, date=None),
        "short.md": article("Short one", "Only a few words here."),
        "long-title.md": article("Long " * 70, LONG),
        "person-outlet.md": article("Person as outlet", PERSON, outlet="Perry White",
                                    author="Clark Kent"),
    }
    (root / "articles").mkdir(parents=True)
    for name, text in files.items():
        (root / "articles" / name).write_text(text)
    (root / "site.yml").write_text("title: Check test\n")
    return root


def run(archive: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["check", "--config", str(archive / "site.yml"), *args])


def codes_by_file(report: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for problem in report["problems"]:  # type: ignore[attr-defined]
        found.setdefault(Path(problem["path"]).name, set()).add(problem["code"])
    return found


def test_check_reports_records_and_groups_as_json(archive: Path) -> None:
    result = run(archive, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["articles"] == 8
    codes = codes_by_file(report)
    assert {"check.no-date", "check.no-author", "check.no-outlet"} <= codes["bare.md"]
    assert "check.short-body" in codes["short.md"]
    assert "check.long-title" in codes["long-title.md"]
    assert "check.outlet-person" in codes["person-outlet.md"]
    assert "check.no-date" not in codes.get("trees.md", set())
    groups = {tuple(Path(f).name for f in g["files"]): g for g in report["groups"]}
    assert groups[("rates-ap.md", "rates-copy.md")]["kind"] == "syndicated"
    assert groups[("trees-again.md", "trees.md")]["kind"] == "duplicate"
    assert "check.syndicated" in codes["rates-ap.md"]
    assert "check.duplicate" in codes["trees-again.md"]
    assert not (archive / "build").exists()  # nothing written


def test_check_text_output_and_summary(archive: Path) -> None:
    result = run(archive)
    assert result.exit_code == 0
    assert "short.md: warning: body has only 5 words" in result.output
    assert "syndicated copy: the same story as" in result.output
    assert "8 articles" in result.output and "2 groups of copies" in result.output
    assert run(archive, "--strict").exit_code == 1


def test_broken_internal_link_is_an_error(archive: Path) -> None:
    (archive / "templates").mkdir()
    (archive / "templates" / "about.html").write_text(
        '{% extends "default/about.html" %}{% block main %}<a href="nowhere/">x</a>'
        '<a href="https://example.org/">ok</a><a href="#top">ok</a>{% endblock %}')
    (archive / "site.yml").write_text("title: Check test\ntemplates: templates\n")
    result = run(archive)
    assert result.exit_code == 1, result.output
    assert "error: broken link: nowhere/ (no file about/nowhere/index.html)" in result.output


def test_bad_config_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("page_size: many\n")
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 1 and "page_size" in result.output
    (tmp_path / "site.yml").write_text("title: x\n")
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_resolve_link() -> None:
    assert resolve_link("a/b/index.html", "../c/", None, None) == "a/c/index.html"
    assert resolve_link("a/index.html", "x.css?v=1#f", None, None) == "a/x.css"
    assert resolve_link("index.html", "https://elsewhere.org/", None, None) is None
    assert resolve_link("index.html", "#main", None, None) is None
    base = "https://ex.org/arch/"
    assert resolve_link("404.html", "tags/", base, base) == "tags/index.html"
    assert resolve_link("p/index.html", f"{base}a/", None, base) == "a/index.html"


def test_looks_like_person() -> None:
    assert looks_like_person("Jane Smith", set())
    assert not looks_like_person("Springfield Gazette", set())
    assert not looks_like_person("Reuters", set())
    assert looks_like_person("Reuters", {"reuters"})  # an author elsewhere in the corpus


def test_copy_groups_scale_to_thousands() -> None:
    import random
    import time

    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(5000)]
    bodies = [" ".join(rng.choices(vocabulary, k=300)) for _ in range(3000)]
    articles = [Article(f"a{i}.md", f"t{i}", (b,), outlet=f"o{i % 7}") for i, b in enumerate(bodies)]
    articles.append(Article("copy.md", "copy", (bodies[42] + " extra words at the end",), outlet="x"))
    started = time.perf_counter()
    groups = copy_groups(articles)
    assert time.perf_counter() - started < 20
    assert [g.files for g in groups] == [("a42.md", "copy.md")]
