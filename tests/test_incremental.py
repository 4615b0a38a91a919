"""Incremental builds equal clean ones, and only the pages whose inputs changed are rendered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitetools import build_site, tree_digest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_change_rebuild_renders_and_writes_nothing(small_site: Path) -> None:
    build_site(small_site)
    before = {p: p.stat().st_mtime_ns for p in (small_site / "build").rglob("*")}
    second = build_site(small_site)
    assert second.rendered == ()
    assert second.written == ()
    assert {p: p.stat().st_mtime_ns for p in (small_site / "build").rglob("*")} == before


def test_body_edit_rerenders_only_that_article(small_site: Path, tmp_path: Path) -> None:
    first = build_site(small_site)
    article = small_site / "articles" / "guardian-floods.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\nA correction was appended.\n", encoding="utf-8")
    second = build_site(small_site)
    clean = build_site(small_site, tmp_path / "clean", clean=True)
    assert tree_digest(small_site / "build") == tree_digest(tmp_path / "clean")
    assert second.problems == clean.problems
    article_pages = [p for p in second.rendered if p.count("/") == 3 and p.endswith("/index.html")]
    assert len(article_pages) == 1  # only the edited article's own page of all article pages
    assert len(second.rendered) < first.pages // 3


def test_retitle_rerenders_exactly_the_pages_that_show_it(small_site: Path, tmp_path: Path) -> None:
    build_site(small_site)
    before = tree_digest(small_site / "build")
    article = small_site / "articles" / "reuters-markets.md"
    text = article.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    edit(article, title_line, "title: Markets rally after surprise rate decision")
    second = build_site(small_site)
    after = tree_digest(small_site / "build")
    build_site(small_site, tmp_path / "clean", clean=True)
    assert after == tree_digest(tmp_path / "clean")
    changed = {path for path, digest in after.items()
               if before.get(path) != digest and path != ".newsarchive-manifest.json"}
    assert set(second.rendered) == changed  # rendered: exactly the pages whose bytes changed
    assert set(second.written) == changed
    unchanged_articles = [p for p in after if p[:2].isdigit() and p.count("/") == 3
                          and p not in changed]
    assert unchanged_articles  # most article pages were carried forward untouched


def test_deleted_article_disappears(small_site: Path, tmp_path: Path) -> None:
    build_site(small_site)
    (small_site / "articles" / "dots.md").unlink()
    build_site(small_site)
    build_site(small_site, tmp_path / "clean", clean=True)
    assert tree_digest(small_site / "build") == tree_digest(tmp_path / "clean")


def test_template_override_rerenders_only_pages_using_it(small_site: Path, tmp_path: Path) -> None:
    first = build_site(small_site)
    theme = small_site / "theme"
    theme.mkdir()
    builtin = Path(__file__).parent.parent / "templates" / "terms.html"
    (theme / "terms.html").write_text(builtin.read_text(encoding="utf-8") + "<!-- mine -->\n")
    with (small_site / "site.yml").open("a", encoding="utf-8") as handle:
        handle.write("templates: theme\n")
    second = build_site(small_site)
    assert sorted(second.rendered) == ["authors/index.html", "outlets/index.html", "tags/index.html"]
    assert second.pages == first.pages
    clean = build_site(small_site, tmp_path / "clean", clean=True)
    assert clean.pages == second.pages
    assert tree_digest(small_site / "build") == tree_digest(tmp_path / "clean")


def test_config_title_change_reaches_every_page(small_site: Path) -> None:
    first = build_site(small_site)
    edit(small_site / "site.yml", "title: Small Test Archive", "title: Renamed Archive")
    second = build_site(small_site)
    html_pages = [p for p in second.rendered if p.endswith(".html")]
    assert len(html_pages) == sum(1 for p in (small_site / "build").rglob("*.html"))
    assert first.pages == second.pages


def test_damaged_output_is_repaired(small_site: Path, tmp_path: Path) -> None:
    build_site(small_site)
    victim = small_site / "build" / "outlets" / "index.html"
    os.remove(victim)
    build_site(small_site)
    assert victim.is_file()
    build_site(small_site, tmp_path / "clean", clean=True)
    assert tree_digest(small_site / "build") == tree_digest(tmp_path / "clean")


def test_clean_build_reads_no_cache_but_leaves_one_for_the_next_edit(small_site: Path) -> None:
    """`--clean` ignores what earlier builds cached, yet the build after it starts warm."""
    from newsarchive.cache import BodyCache, LoadCache

    cache_dir = small_site / ".newsarchive-cache"
    first = build_site(small_site, clean=True)
    loads = LoadCache(cache_dir / "build-loads.pickle")
    assert len(loads._old) == first.articles, "a clean build saves every parsed record"
    bodies = BodyCache(cache_dir / "build-bodies.pickle")
    assert bodies._html, "and the Markdown bodies it rendered"
    assert LoadCache(cache_dir / "build-loads.pickle", read=False)._old == {}


def test_an_edit_makes_per_article_products_for_that_article_only(
        small_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Citations come from the memo and export lines from the live data files for unchanged
    articles; lazy data files are made only when they are written, and the result equals a
    clean build."""
    from newsarchive import export, metadata

    build_site(small_site)
    made: list[str] = []
    real_row, real_cite = export.article_row, metadata.record_for_entry

    def counted_row(entry, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(f"row:{Path(entry.source_path).name}")
        return real_row(entry, *args, **kwargs)

    def counted_cite(entry, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(f"cite:{Path(entry.source_path).name}")
        return real_cite(entry, *args, **kwargs)

    monkeypatch.setattr(export, "article_row", counted_row)
    monkeypatch.setattr(metadata, "record_for_entry", counted_cite)
    article = small_site / "articles" / "guardian-floods.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\nA correction was appended.\n", encoding="utf-8")
    build_site(small_site)
    # a row is made per file that shows it (two data files, article.json): none is kept
    assert sorted(set(made)) == ["cite:guardian-floods.md", "row:guardian-floods.md"], made
    # the citation record: once for the memo (key and styles), once for the three files
    assert made.count("cite:guardian-floods.md") == 2, made
    monkeypatch.undo()
    build_site(small_site, tmp_path / "clean", clean=True)
    assert tree_digest(small_site / "build") == tree_digest(tmp_path / "clean")


def test_clean_build_indexes_search_anew(small_site: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    """`--clean` does not read the search index cache (a normal rebuild does)."""
    from newsarchive import search

    calls: list[int] = []
    real = search.index_files

    def counted(records, language, text=None):  # type: ignore[no-untyped-def]
        calls.append(len(records))
        return real(records, language, text)

    monkeypatch.setattr(search, "index_files", counted)
    build_site(small_site)
    first = len(calls)  # 0 or 1: the fixture may come with a cache
    (small_site / "build" / "index.html").unlink()  # defeat the no-change stamp
    build_site(small_site)
    assert len(calls) == first, "an unchanged archive reads its indexes from the cache"
    build_site(small_site, clean=True)
    assert len(calls) == first + 1, "a clean build indexes again"


def test_page_count_includes_the_search_index_files(small_site: Path) -> None:
    """The summary's page count is every file the build made, index files made late included."""
    from newsarchive.output import read_manifest

    result = build_site(small_site)
    manifest = read_manifest(small_site / "build")
    assert manifest is not None
    assert any(path.startswith("search/") and path.endswith(".js") for path in manifest.pages)
    assert result.pages == len(manifest.pages)
