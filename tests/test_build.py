"""The whole build on disk: every input is a page or skipped, links resolve, bad input stops nothing."""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from newsarchive import export, pipeline
from newsarchive.cli import cli
from newsarchive.diagnostics import UserError
from newsarchive.model import Page
from newsarchive.output import MARKER, Sink
from sitetools import build_site, tree_digest


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def internal_links(page: Path) -> list[str]:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return [link for link in collector.links
            if not urlsplit(link).scheme and not link.startswith(("#", "//", "mailto:"))]


def broken_links(out: Path) -> list[str]:
    broken = []
    for page in sorted(out.rglob("*.html")):
        for link in internal_links(page):
            target_path = unquote(urlsplit(link).path)
            if not target_path:
                continue
            target = (page.parent / target_path).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(out)} -> {link}")
    return broken


def test_sample_archive_builds_and_every_link_resolves(sample_site: Path) -> None:
    result = build_site(sample_site)
    out = sample_site / "build"
    assert (out / "index.html").is_file()
    assert (out / MARKER).is_file()
    assert result.skipped == ()
    inputs = [p for p in (sample_site / "articles").rglob("*") if p.is_file()]
    assert result.articles == len(inputs)
    assert broken_links(out) == []


def test_every_link_points_at_an_explicit_file(sample_site: Path) -> None:
    build_site(sample_site)
    out = sample_site / "build"
    for page in [out / "index.html", *sorted(out.glob("20*/*/*/index.html"))[:3]]:
        for link in internal_links(page):
            path = PurePosixPath(urlsplit(link).path)
            assert path.suffix, f"{page}: {link} does not name a file"


BAD_INPUTS = {
    "empty.txt": (b"", "load.empty"),
    "blank.md": (b"\n  \n", "load.empty"),
    "binary.txt": (bytes(range(256)) * 8, "load.binary"),
    "broken-front-matter.md": (b"---\ntitle: [unclosed\n---\nBody text here.\n", "frontmatter.invalid"),
    "no-title.md": (b"---\nauthors: [A]\n---\nno heading\n", "load.no-title"),
    "picture.jpg": (b"\xff\xd8\xff\xe0JFIF", "load.unsupported"),
}


def test_bad_inputs_are_skipped_with_reasons_and_stop_nothing(small_site: Path) -> None:
    articles = small_site / "articles"
    good = len(list(articles.iterdir()))
    for name, (data, _) in BAD_INPUTS.items():
        (articles / name).write_bytes(data)
    (articles / "latin1.txt").write_bytes("Caf\xe9 owners protest\n\nBy Ana Lima\n\n"
                                          "Owners of the caf\xe9 said the rent rose.\n".encode("latin-1"))
    result = build_site(small_site)
    skipped = dict(result.skipped)
    codes: dict[str, set[str]] = {}
    for problem in result.problems:
        codes.setdefault(problem.path.name, set()).add(problem.code)
    for name, (_, code) in BAD_INPUTS.items():
        assert str(articles / name) in skipped or (articles / name).as_posix() in skipped, name
        assert code in codes[name], name
    assert "load.not-utf8" in codes["latin1.txt"]  # decoded with a warning, still a page
    assert result.articles == good + 1
    assert (small_site / "build" / "index.html").is_file()


def test_cli_prints_path_line_severity_and_summary(small_site: Path) -> None:
    (small_site / "articles" / "broken.md").write_bytes(b"---\ntitle: x\ntags: [a\n---\nbody\n")
    result = CliRunner().invoke(cli, ["build", "--config", str(small_site / "site.yml")])
    assert result.exit_code == 1
    assert "broken.md:3: error: front matter is not valid YAML" in result.output
    assert "skipped" in result.output and "in " in result.output


def test_strict_fails_on_warnings(small_site: Path) -> None:
    (small_site / "articles" / "note.rtf").write_text("not an article")
    runner = CliRunner()
    config = str(small_site / "site.yml")
    assert runner.invoke(cli, ["build", "--config", config]).exit_code == 0
    assert runner.invoke(cli, ["build", "--config", config, "--strict"]).exit_code == 1


def test_refuses_to_replace_a_foreign_folder(small_site: Path) -> None:
    foreign = small_site / "build"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("years of work")
    result = CliRunner().invoke(cli, ["build", "--config", str(small_site / "site.yml")])
    assert result.exit_code == 1
    assert "not made by newsarchive" in result.output
    assert "Traceback" not in result.output
    assert (foreign / "thesis.docx").read_text() == "years of work"
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.docx"]


def test_missing_articles_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--config", str(tmp_path / "site.yml")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: articles folder")


def test_clean_builds_are_byte_identical(small_site: Path, tmp_path: Path) -> None:
    first = build_site(small_site, tmp_path / "one", clean=True)
    second = build_site(small_site, tmp_path / "two", clean=True)
    assert first.problems == second.problems
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_the_site_is_the_same_whichever_folder_the_build_runs_from(
        small_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsarchive build` in the archive and `--config /abs/site.yml` elsewhere give the same
    bytes: nothing published names the folder the command ran from."""
    monkeypatch.chdir(small_site)
    pipeline.build(Path("site.yml"), pipeline.BuildOptions(workers=1))
    here = tree_digest(small_site / "build")
    monkeypatch.chdir(tmp_path)
    again = pipeline.build(small_site.resolve() / "site.yml", pipeline.BuildOptions(workers=1))
    assert again.written == ()
    assert tree_digest(small_site / "build") == here
    lines = (small_site / "build" / "data" / "articles.jsonl").read_text().splitlines()
    paths = [json.loads(line)["source_path"] for line in lines]
    assert paths and all(not p.startswith(("/", "articles/")) for p in paths)


def many_articles(tmp_path: Path, count: int = 150) -> Path:
    """An archive big enough for the render pool (and the search index process) to be used."""
    site = tmp_path / "many"
    (site / "articles").mkdir(parents=True)
    for n in range(count):
        (site / "articles" / f"a{n:03d}.md").write_text(
            f"---\ntitle: Story number {n}\nauthors: [Writer {n % 7}]\noutlet: Wire {n % 3}\n"
            f"date: 2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}\ntags: [t{n % 5}]\n---\n\nBody {n}.\n")
    return site


def test_process_pool_gives_the_same_bytes(tmp_path: Path) -> None:
    site = many_articles(tmp_path)
    pooled = build_site(site, tmp_path / "pooled", clean=True, workers=2)
    single = build_site(site, tmp_path / "single", clean=True, workers=1)
    assert pooled.pages > 200
    assert tree_digest(tmp_path / "pooled") == tree_digest(tmp_path / "single")
    assert len(pooled.written) == len(single.written) == pooled.pages


@pytest.mark.parametrize("steps", [0, pipeline.RENDER_NICENESS])
def test_render_workers_run_as_nice_as_asked(tmp_path: Path, steps: int) -> None:
    """While the search index is made, it and Pagefind get the cores first (the workers fill
    the rest); with nothing beside them, the workers keep the build's priority."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                             initializer=pipeline._init_worker,
                             initargs=(None, tmp_path, (), Sink(tmp_path, tmp_path, False),
                                       os.getpid(), steps)) as pool:
        niceness = pool.submit(os.nice, 0).result()
    assert niceness == min(19, os.nice(0) + steps)


@pytest.mark.parametrize("mode", ["process", "thread", "now"])
def test_the_background_is_busy_only_while_it_works(mode: str) -> None:
    import threading
    import time

    go = threading.Event() if mode == "thread" else None
    started = time.monotonic()

    def make() -> tuple[Page, ...]:
        if go is not None:
            go.wait(10)
        else:
            time.sleep(max(0.0, started + 0.5 - time.monotonic()))
        return (Page.raw("x.txt", b"x"),)

    late = pipeline._Background(make, mode)
    assert late.busy() == (mode != "now")
    if go is not None:
        go.set()
    deadline = time.monotonic() + 10
    while late.busy() and time.monotonic() < deadline:  # done, or handing its pages over
        time.sleep(0.02)
    assert not late.busy()
    assert [p.path for p in late.result()] == ["x.txt"] and not late.busy()


def test_an_edit_makes_one_line_of_the_whole_archive_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data files' other lines are copied from the live files (`segments.py`): an edit
    makes one row, and the files still equal a clean build's."""
    site = many_articles(tmp_path)
    build_site(site, tmp_path / "pooled", clean=True, workers=2)
    made: list[object] = []
    real = export.json_line
    monkeypatch.setattr(export, "json_line", lambda row: made.append(row) or real(row))
    (site / "articles" / "a007.md").write_text(
        "---\ntitle: Story number 7, edited\n---\n\nBody seven.\n")
    result = build_site(site, tmp_path / "pooled", workers=2)
    assert "data/articles.jsonl" in result.written
    assert [row["title"] for row in made] == ["Story number 7, edited"]  # type: ignore[index]
    build_site(site, tmp_path / "fresh", clean=True, workers=1)
    for name in ("articles.jsonl", "articles.csv"):
        assert (tmp_path / "pooled" / "data" / name).read_bytes() == \
            (tmp_path / "fresh" / "data" / name).read_bytes()


def test_a_failure_in_the_search_index_process_stops_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index files are made in a forked process in pooled builds; its error reaches the
    build, which keeps the previous site."""
    site = many_articles(tmp_path)
    build_site(site, tmp_path / "out", clean=True, workers=2)
    before = tree_digest(tmp_path / "out")

    def broken(*args: object) -> tuple[Page, ...]:
        raise UserError("search index broke")

    monkeypatch.setattr(pipeline, "index_pages", broken)
    (site / "articles" / "a001.md").write_text("---\ntitle: Changed\n---\n\nNew body.\n")
    with pytest.raises(UserError, match="search index broke"):
        build_site(site, tmp_path / "out", clean=True, workers=2)
    assert tree_digest(tmp_path / "out") == before


def test_a_search_process_that_dies_silently_is_reported_and_a_cancelled_one_let_go() -> None:
    """The pages come back pickled through a pipe as a stream: a process that ends without
    sending them is an error naming its exit code; cancelling closes the pipe."""
    dead = pipeline._Background(lambda: os._exit(3), "process")
    with pytest.raises(RuntimeError, match="ended with code 3"):
        dead.result()
    many = pipeline._Background(
        lambda: tuple(Page.raw(f"p{n}.txt", bytes(1000)) for n in range(5000)), "process")
    assert len(many.result()) == 5000  # ~5 MB, more than a pipe holds: read as it comes
    import time

    slow = pipeline._Background(lambda: (time.sleep(30), ())[1], "process")
    fd = slow._reader
    slow.cancel()
    with pytest.raises(OSError):
        os.fstat(fd)
    assert not slow.busy()


def test_loading_in_a_pool_gives_the_same_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose cache misses (first build, --clean) parses files in a pool: same articles,
    problems and skipped files, in the same order, as one process; the cache gets them all."""
    from newsarchive.cache import LoadCache
    from newsarchive.pipeline import load_articles

    site = many_articles(tmp_path, count=330)
    (site / "articles" / "z-empty.md").write_text("")
    (site / "articles" / "z-notes.docx").write_bytes(b"PK\x03\x04")
    pooled_calls: list[int] = []
    real = pipeline._load_pooled

    def spy(candidates, cache, workers):  # type: ignore[no-untyped-def]
        pooled_calls.append(len(candidates))
        return real(candidates, cache, workers)

    monkeypatch.setattr(pipeline, "_load_pooled", spy)
    cache = LoadCache(tmp_path / "loads.pickle")
    pooled = load_articles(site / "articles", cache, None, 2)
    cache.save()
    assert pooled_calls == [332 - pipeline.LOAD_PROBE]
    single = load_articles(site / "articles", LoadCache(None), None, 1)
    assert pooled == single
    assert len(pooled[0]) == 330 and len(pooled[2]) == 2
    again = load_articles(site / "articles", LoadCache(tmp_path / "loads.pickle"), None, 2)
    # every file came from the cache: no pool
    assert again == single and len(pooled_calls) == 1


def test_bodies_rendered_by_the_load_pool_serve_the_whole_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Markdown body parsed in the load pool is rendered there, once: the build's own process
    and the processes forked from it (render workers) read it back instead of rendering it."""
    import multiprocessing

    from newsarchive.cache import LoadCache
    from newsarchive.pipeline import load_articles
    from newsarchive.render import BODIES, BodyStore

    site = many_articles(tmp_path, count=300)
    monkeypatch.setattr(BODIES, "shared", None)
    articles, _, _ = load_articles(site / "articles", LoadCache(tmp_path / "c" / "loads.pickle"),
                                   None, 2)
    last = "\n\n".join(articles[-1].body)  # parsed in the pool (the first LOAD_PROBE are not)
    expected = BodyStore().render(last)

    def never(source: str) -> tuple[str, str]:
        raise AssertionError("rendered again")

    monkeypatch.setattr(BODIES, "_made", never)
    assert (BODIES.markdown_html(last), BODIES.markdown_text(last)) == expected[1:]
    assert "<p>Body 299.</p>" in expected[1]
    with multiprocessing.get_context("fork").Pool(1) as pool:  # a render worker's view
        assert pool.apply(_body_html_here, (last,)) == expected[1]


def _body_html_here(source: str) -> str:
    from newsarchive.render import BODIES

    return BODIES.markdown_html(source)


def test_an_edit_build_reads_only_the_edited_file_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build stamp reads and hashes every input once; loading takes the cached records by
    those hashes, so only a file the cache does not hold is read (and parsed) again."""
    site = many_articles(tmp_path, count=30)
    build_site(site, tmp_path / "out")
    (site / "articles" / "a011.md").write_text("---\ntitle: Eleven, edited\n---\n\nNew.\n")
    reads: list[str] = []
    real = pipeline.read_file

    def counting(path: Path) -> tuple[bytes | None, object]:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(pipeline, "read_file", counting)
    result = build_site(site, tmp_path / "out")
    assert reads == ["a011.md"]
    assert tree_digest(tmp_path / "out") == tree_digest(
        build_site(site, tmp_path / "clean", clean=True).out)
    assert result.articles == 30


def test_a_planning_failure_leaves_no_search_index_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index process starts before planning; `serve` builds again and again in one process,
    so a failed plan must not leave it running."""
    import multiprocessing

    site = many_articles(tmp_path, count=30)

    def broken(*args: object, **kwargs: object) -> tuple[Page, ...]:
        raise UserError("planning broke")

    monkeypatch.setattr(pipeline, "plan_site", broken)
    with pytest.raises(UserError, match="planning broke"):
        build_site(site, tmp_path / "out", workers=2)
    assert multiprocessing.active_children() == []


def test_a_cache_that_cannot_be_saved_costs_a_warning_not_the_build(
        small_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caches are saved before rendering; a full disk there leaves the build to finish
    (and to fail clearly at the output, if the output cannot be written either)."""
    def full(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.Derived, "save", full)
    result = build_site(small_site)
    warnings = [p for p in result.problems if p.code == "cache.not-saved"]
    assert len(warnings) == 1 and "No space left on device" in warnings[0].message
    assert (small_site / "build" / "index.html").is_file() and result.pages > 10
    monkeypatch.undo()
    assert tree_digest(small_site / "build") == tree_digest(
        build_site(small_site, clean=True).out)  # the next build is whole
