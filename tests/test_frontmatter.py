"""Front matter: typed fields, safe YAML (no aliases, no object tags), problems with lines."""

from __future__ import annotations

from pathlib import Path

from newsarchive.model import DateValue
from newsarchive.sources.frontmatter import split_front_matter
from newsarchive.sources.markdown import load_markdown

P = Path("a.md")


def test_fields_are_normalised() -> None:
    front, problems = split_front_matter(P, (
        "---\ntitle: Hi\nauthor: Jane Doe\nsummary: Short.\ndate: 2021-03\n"
        "tags: a, b\nurl: https://e.org/x\n---\nBody\n"))
    assert problems == []
    assert front is not None
    assert dict(front.fields) == {
        "title": "Hi", "authors": ("Jane Doe",), "dek": "Short.", "date": DateValue(2021, 3),
        "tags": ("a", "b"), "source_url": "https://e.org/x"}
    assert front.body_line == 9


def test_no_front_matter() -> None:
    assert split_front_matter(P, "Just text\n") == (None, [])


def test_billion_laughs_is_refused() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n---\n"
    _, problems = split_front_matter(P, bomb)
    assert [p.code for p in problems] == ["frontmatter.invalid"]
    assert "aliases" in problems[0].message


def test_object_constructing_tags_are_refused() -> None:
    _, problems = split_front_matter(P, "---\ntitle: !!python/object/apply:os.system [ls]\n---\n")
    assert [p.code for p in problems] == ["frontmatter.invalid"]


def test_unclosed_front_matter_is_an_error_on_line_1() -> None:
    _, problems = split_front_matter(P, "---\ntitle: x\nbody without end\n")
    assert [(p.code, p.line, p.severity) for p in problems] == [("frontmatter.unclosed", 1, "error")]


def test_broken_yaml_names_its_line() -> None:
    _, problems = split_front_matter(P, "---\ntitle: ok\ntags: [a, b\n---\nbody\n")
    assert problems[0].code == "frontmatter.invalid"
    assert problems[0].line is not None and problems[0].line >= 3


def test_unknown_key_and_bad_date_are_warnings() -> None:
    _, problems = split_front_matter(P, "---\ntitle: x\ncolour: red\ndate: someday\n---\n")
    assert sorted(p.code for p in problems) == ["frontmatter.bad-date", "frontmatter.unknown-key"]


def test_markdown_article_from_front_matter() -> None:
    data = b"---\ntitle: T\nauthors: [A B, C D]\noutlet: Wire\ndate: 2020\n---\n\nPara one.\n\n## Sub\n"
    article, problems = load_markdown(P, data)
    assert problems == []
    assert article is not None
    assert (article.title, article.authors, article.outlet) == ("T", ("A B", "C D"), "Wire")
    assert article.date == DateValue(2020) and article.date.precision == "year"
    assert article.body == ("Para one.", "## Sub")
    assert article.body_format == "markdown"


def test_markdown_title_falls_back_to_heading() -> None:
    article, _ = load_markdown(P, b"# Heading title\n\nBody text.\n")
    assert article is not None
    assert article.title == "Heading title"
    assert article.body == ("Body text.",)


def test_markdown_without_title_is_skipped_with_reason() -> None:
    article, problems = load_markdown(P, b"---\nauthors: [A]\n---\nno heading here\n")
    assert article is None
    assert [p.code for p in problems] == ["load.no-title"]


def test_fenced_code_keeps_blank_lines() -> None:
    article, _ = load_markdown(P, b"---\ntitle: T\n---\n```\na\n\nb\n```\n\nafter\n")
    assert article is not None
    assert article.body == ("```\na\n\nb\n```", "after")
