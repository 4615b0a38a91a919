"""Any sequence of edits, each followed by an incremental build, gives the output of a clean
build of the same inputs, byte for byte (issue #5, "correct before fast").

Edits: add, change (body or title), rename and delete articles (Markdown and copied text),
change a site template, change config values. Every feature is on (base_url: feeds, sitemap).
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitetools import build_site, tree_digest

NAMES = ("Jane Doe", "Richard Roe", "Ana Lima", "Kwame Mensah")
OUTLETS = ("Wire Service", "Daily Gazette", "The Observer")
TAGS = ("floods", "budget", "elections", "health")
WORDS = ("river", "council", "budget", "vote", "storm", "clinic", "harbour", "report")

text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
article = st.fixed_dictionaries({
    "format": st.sampled_from(("md", "txt")),
    "title": text.map(str.title),
    "body": st.lists(text, min_size=1, max_size=3),
    "author": st.sampled_from(NAMES),
    "outlet": st.sampled_from(OUTLETS),
    "tag": st.sampled_from(TAGS),
    "date": st.one_of(st.none(), st.dates(datetime.date(2015, 1, 1), datetime.date(2024, 12, 31))),
})
edit = st.one_of(
    st.tuples(st.just("add"), article),
    st.tuples(st.just("body"), st.integers(0, 99), text),
    st.tuples(st.just("title"), st.integers(0, 99), text.map(str.title)),
    st.tuples(st.just("rename"), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("template"), st.integers(0, 3)),
    st.tuples(st.just("config"), st.sampled_from(("title", "description", "page_size",
                                                  "feed_size")), st.integers(1, 4)),
)


def article_text(fields: dict[str, object]) -> str:
    body = "\n\n".join(fields["body"])  # type: ignore[arg-type]
    date = fields["date"]
    if fields["format"] == "md":
        front = [f"title: {fields['title']}", f"authors: [{fields['author']}]",
                 f"outlet: {fields['outlet']}", f"tags: [{fields['tag']}]"]
        front += [f"date: {date.isoformat()}"] if date else []  # type: ignore[attr-defined]
        return "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n"
    dated = [date.strftime("%B %d, %Y")] if date else []  # type: ignore[attr-defined]
    return "\n\n".join([str(fields["title"]), f"By {fields['author']}, {fields['outlet']}",
                        *dated, body]) + "\n"


CONFIG = {"title": "Edited Archive", "description": "An archive under edits.", "page_size": 2,
          "feed_size": 3}


def write_config(site: Path, values: dict[str, object]) -> None:
    lines = [f"{key}: {value}" for key, value in values.items()]
    (site / "site.yml").write_text("\n".join([*lines, "base_url: https://example.org/a/",
                                              "templates: templates", ""]), encoding="utf-8")


def apply(site: Path, step: tuple[object, ...], values: dict[str, object], serial: list[int]
          ) -> None:
    articles = site / "articles"
    files = sorted(articles.iterdir())
    kind = step[0]
    if kind == "add":
        fields = step[1]
        assert isinstance(fields, dict)
        serial[0] += 1
        (articles / f"a{serial[0]}.{fields['format']}").write_text(article_text(fields),
                                                                  encoding="utf-8")
        return
    if kind == "template":
        (site / "templates" / "listing.html").write_text(
            '{% extends "default/listing.html" %}{% block heading %}{{ super() }}'
            f"<p>variant {step[1]}</p>{{% endblock %}}\n", encoding="utf-8")
        return
    if kind == "config":
        key, number = step[1], step[2]
        assert isinstance(key, str) and isinstance(number, int)
        values[key] = number + 1 if key.endswith("size") else f"{CONFIG[key]} {number}"
        write_config(site, values)
        return
    if not files:
        return
    target = files[int(step[1]) % len(files)]  # type: ignore[call-overload]
    source = target.read_text(encoding="utf-8")
    if kind == "body":
        target.write_text(source.rstrip("\n") + f"\n\n{step[2]}\n", encoding="utf-8")
    elif kind == "title":
        if target.suffix == ".md":
            lines = source.split("\n")
            lines[1] = f"title: {step[2]}"
            target.write_text("\n".join(lines), encoding="utf-8")
        else:
            target.write_text(f"{step[2]}\n" + source.split("\n", 1)[1], encoding="utf-8")
    elif kind == "rename":
        serial[0] += 1
        target.rename(target.with_name(f"r{serial[0]}{target.suffix}"))
    else:
        target.unlink()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(article, min_size=1, max_size=5),
       steps=st.lists(st.lists(edit, min_size=1, max_size=3), min_size=1, max_size=3))
def test_any_edits_then_an_incremental_build_equal_a_clean_build(
        start: list[dict[str, object]], steps: list[list[tuple[object, ...]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        (site / "articles").mkdir(parents=True)
        (site / "templates").mkdir()
        values = dict(CONFIG)
        write_config(site, values)
        serial = [0]
        for fields in start:
            apply(site, ("add", fields), values, serial)
        build_site(site, clean=True)
        for number, step in enumerate(steps):
            for change in step:
                apply(site, change, values, serial)
            incremental = build_site(site)
            clean = build_site(site, Path(folder) / f"clean{number}", clean=True)
            assert tree_digest(site / "build") == tree_digest(Path(folder) / f"clean{number}")
            assert incremental.problems == clean.problems
            assert incremental.skipped == clean.skipped
            shutil.rmtree(Path(folder) / f"clean{number}")
