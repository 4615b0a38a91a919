"""The whole build on one screen: load -> resolve -> collect -> plan -> render -> write."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import pickle
import select
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType

import jinja2

from . import __version__
from .archive import collect
from .bodies import BodyFile, PackedBody
from .buckets import collector_paused, heap_frozen
from .cache import (
    BodyCache,
    BuildStamp,
    InputKeys,
    LoadCache,
    changed_pages,
    content_key,
    inputs_key,
    page_fingerprint,
    read_stamp,
    write_stamp,
)
from .config import Config, load_config
from .corpus_pass import resolve_corpus
from .derive import Derived
from .diagnostics import UserError
from .feeds import feed_problems
from .model import RAW, Article, Page, Problem
from .output import (
    MARKER,
    Manifest,
    Sink,
    SiteWriter,
    check_output,
    output_lock,
    read_manifest,
    recover,
)
from .render import BODIES, BUILTIN_TEMPLATES, TemplateHashes, make_environment, render_page
from .search import index_pages
from .site import plan_site
from .sources import iter_article_files, load_file, read_file
from .spill import MEMORY_BUDGET, MemoryBudget

Progress = Callable[[str, int, int], None]  # (stage, done, total)
POOL_THRESHOLD = 200  # below this many pages a process pool costs more than it saves
# Render workers forked while the search index is being made run this much nicer than the build:
# the index process and its Pagefind services (the longest chain of a clean build) get the cores
# first and the workers fill what is left, so the index is not what the build waits for at the
# end. With nothing beside them they keep the build's priority (a template edit was slower nicer).
RENDER_NICENESS = 5


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the command line may override; None means "from site.yml"."""

    articles: Path | None = None
    out: Path | None = None
    clean: bool = False  # ignore the caches and the previous output (still swaps atomically)
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class BuildResult:
    out: Path
    articles: int
    pages: int
    rendered: tuple[str, ...]  # pages whose templates ran
    written: tuple[str, ...]  # files whose bytes changed on disk
    skipped: tuple[tuple[str, str], ...]  # (input file, reason) for inputs that gave no page
    problems: tuple[Problem, ...]
    seconds: float

    def summary(self) -> str:
        warnings = sum(1 for p in self.problems if p.severity == "warning")
        errors = sum(1 for p in self.problems if p.severity == "error")
        lines = [f"{self.articles} articles, {self.pages} pages ({len(self.written)} files "
                 f"written), {warnings} warnings, {errors} errors, {len(self.skipped)} skipped, "
                 f"in {self.seconds:.2f} s"]
        lines += [f"  skipped {path}: {reason}" for path, reason in self.skipped]
        return "\n".join(lines)


def load_articles(
    root: Path, cache: LoadCache, progress: Progress | None = None, workers: int = 1,
    keys: Mapping[Path, str] | None = None,
) -> tuple[tuple[Article, ...], list[Problem], list[tuple[str, str]]]:
    """Load every file under root; each file is an article or a skipped entry with its reason.
    `keys` (path -> content key, from the build stamp) spares reading files the cache holds."""
    articles: list[Article] = []
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    candidates = list(iter_article_files(root))
    for done, ((path, _), found) in enumerate(
            zip(candidates, _load_all(candidates, cache, workers, keys or {}), strict=True), 1):
        article = found[0] if isinstance(found[0], Article) else None
        file_problems = [p for p in found if isinstance(p, Problem)]
        problems += file_problems
        if article is not None:
            articles.append(article)
        else:
            reason = next((p.message for p in file_problems if p.severity == "error"),
                          file_problems[0].message if file_problems else "no article found")
            skipped.append((path.as_posix(), reason))
        if progress is not None:
            progress("load", done, len(candidates))
    return tuple(articles), problems, skipped


LOAD_PROBE = 64  # files loaded in this process first, to see whether the cache holds them


def _load_all(candidates: Sequence[tuple[Path, Problem | None]], cache: LoadCache,
              workers: int, keys: Mapping[Path, str]) -> Iterator[list[Article | Problem]]:
    """Each candidate's article and problems, in order. When most of the first LOAD_PROBE
    files miss the cache (a first build, `--clean`, a new loader version), the rest are parsed
    in a process pool: at 5,000 articles parsing is ~1.5 s, reading and hashing ~0.3 s."""
    hits = cache.hits
    for n, (path, refused) in enumerate(candidates):
        if (n == LOAD_PROBE and cache.hits - hits < LOAD_PROBE // 2 and workers > 1
                and len(candidates) - n >= POOL_THRESHOLD
                and "fork" in multiprocessing.get_all_start_methods()):
            yield from _load_pooled(candidates[n:], cache, workers)
            return
        yield [refused] if refused else _load_one(path, cache, keys.get(path))


def _load_one(path: Path, cache: LoadCache, known: str | None = None) -> list[Article | Problem]:
    """One file's record from the cache, or parsed. `known` is its content key when read
    moments ago: a hit needs no read; a miss reads and keys the bytes it parses."""
    if known is not None:
        hit = cache.get(path.as_posix(), known)
        if hit is not None:
            return _as_list(hit)
    data, error = read_file(path)
    if data is None:
        return [error] if error else []
    key = content_key(data)
    hit = cache.get(path.as_posix(), key)
    if hit is None:
        loaded, found = load_file(path, data)
        hit = cache.put(path.as_posix(), key, (loaded, tuple(found)))
    return _as_list(hit)


def _as_list(result: tuple[Article | None, tuple[Problem, ...]]) -> list[Article | Problem]:
    article, problems = result
    return [article, *problems] if article is not None else list(problems)


_TO_LOAD: list[Sequence[tuple[Path, Problem | None]]] = []  # set once per load worker


def _load_pooled(candidates: Sequence[tuple[Path, Problem | None]], cache: LoadCache,
                 workers: int) -> Iterator[list[Article | Problem]]:
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_TO_LOAD.append, initargs=(candidates,)) as pool:
        loaded = pool.map(_load_in_worker, range(len(candidates)), chunksize=32)
        folder = None if cache.path is None else cache.path.parent
        for (path, _), made in zip(candidates, loaded, strict=True):
            if isinstance(made, Problem):  # refused, or unreadable
                yield [made]
                continue
            key, result, body = made
            if body is not None:
                BODIES.share(*body, folder)
            yield _as_list(cache.put(path.as_posix(), key, result))


Rendered = tuple[str, str, str]  # a Markdown body's (key, HTML, plain text)


def _load_in_worker(index: int) -> Problem | tuple[str, tuple[Article | None,
                                                               tuple[Problem, ...]],
                                                   Rendered | None]:
    """Read, hash and parse one file (the worker's cache copy is not consulted: most missed),
    and render a Markdown body here, in parallel, for the whole build (`BodyStore.share`)."""
    path, refused = _TO_LOAD[0][index]
    if refused is not None:
        return refused
    data, error = read_file(path)
    if data is None:
        assert error is not None
        return error
    loaded, found = load_file(path, data)
    body = None
    if loaded is not None:  # one blob to send back, and packed here rather than in the build
        if loaded.body_format == "markdown":
            body = BODIES.render("\n\n".join(loaded.body))
        loaded = dataclasses.replace(loaded, body=PackedBody.of(loaded.body))
    return content_key(data), (loaded, tuple(found)), body


def build(config_path: Path, options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> BuildResult:
    """Build the archive; bad input becomes Problems, a bad output folder raises OutputError."""
    started = time.perf_counter()
    config, problems = load_config(config_path)
    config = _apply_options(config, options)
    out = config.output_dir
    if not config.articles_dir.is_dir():
        raise UserError(f"articles folder {config.articles_dir} does not exist")
    check_output(out, (config.root, config.articles_dir))
    with output_lock(out):
        recover(out)
        keys: dict[Path, str] = {}  # each input file's content key, read once here
        known = InputKeys(_cache_file(config, "inputs"), read=not options.clean)
        key = inputs_key(_stamp_parts(config), _input_files(config), keys, known)
        _save_quietly(known)  # a key kept is only time saved: never a reason to fail
        stamp = None if options.clean else _unchanged(out, _cache_file(config, "stamp"), key)
        if stamp is not None:  # same inputs, same output: nothing to load, plan or write
            return BuildResult(out, stamp.articles, stamp.pages, (), (), stamp.skipped,
                               tuple(problems) + stamp.problems, time.perf_counter() - started)
        made = _build_site(config, options, key, keys, progress)
    return dataclasses.replace(made, problems=tuple(problems) + made.problems,
                               seconds=time.perf_counter() - started)


def _build_site(config: Config, options: BuildOptions, key: str, keys: Mapping[Path, str],
                progress: Progress | None) -> BuildResult:
    """Load, plan, render and write: the build when its inputs changed (its problems are
    those of loading, collecting and rendering; its time is set by the caller)."""
    out = config.output_dir
    # what is loaded and planned lives until the site is written: out of collections
    with heap_frozen():
        # --clean reads no cache but leaves fresh ones, so the next edit is incremental
        budget = MemoryBudget(MEMORY_BUDGET)  # bodies and kept values, then nameless files
        cache = LoadCache(_cache_file(config), read=not options.clean,
                          bodies=BodyFile(config.cache_dir, budget))
        bodies = BodyCache(_cache_file(config, "bodies"), read=not options.clean)
        bodies.load_into(BODIES)
        derived = Derived(_cache_file(config, "derived").with_suffix(""),
                          read=not options.clean, budget=budget)
        with collector_paused():  # acyclic: nothing to collect
            articles, pages, found, skipped, late = plan_parts(
                config, cache, progress, derived, clean=options.clean, beside=True, keys=keys)
        count = len(articles)
        planned: list[Sequence[Page]] = [pages]  # emptied by _render_and_write: let go once written
        del articles, pages  # the pages hold what they show; the records themselves go
        try:
            # The load cache and the derived memo are complete once the site is planned: saved
            # now (while the search index is being made) and let go, so that neither this
            # process nor the render workers forked from it hold their records and values.
            found += _save_caches(config, cache, derived)
            cache.forget()
            derived.forget()
            rendered, written, render_problems, total = _render_and_write(
                planned, config, None if options.clean else read_manifest(out), progress, late)
        finally:
            late.cancel()  # only does something when the build failed
        bodies.save(BODIES)
        write_stamp(_cache_file(config, "stamp"), None if render_problems else BuildStamp(
            key, _manifest_hash(out), count, total, tuple(skipped), tuple(found)))
    return BuildResult(out, count, total, rendered, written, tuple(skipped),
                       tuple(found + render_problems), 0.0)


def _save_quietly(known: InputKeys) -> None:
    with contextlib.suppress(OSError):
        known.save()


def _save_caches(config: Config, cache: LoadCache, derived: Derived) -> list[Problem]:
    """Save the load cache and the derived memo; one that cannot be saved (a full disk, a
    read-only folder) costs the next build time, not this build: a warning."""
    try:
        cache.save()
        derived.save()
    except OSError as exc:
        return [Problem(config.cache_dir, f"cache not saved ({exc.strerror or exc}); the next "
                        "build redoes the work it would have saved", "cache.not-saved", None,
                        "warning")]
    return []


def plan(config: Config, cache: LoadCache, progress: Progress | None = None,
         derived: Derived | None = None) -> tuple[
        tuple[Article, ...], tuple[Page, ...], list[Problem], list[tuple[str, str]]]:
    """load -> resolve -> collect -> plan: every page of the site, nothing rendered.

    `check` and `publish` call this too, so they see exactly the pages a build would make.
    """
    articles, pages, found, skipped, late = plan_parts(config, cache, progress, derived)
    return articles, (*pages, *late.result()), found, skipped


def plan_parts(config: Config, cache: LoadCache, progress: Progress | None = None,
               derived: Derived | None = None, clean: bool = False, beside: bool = False,
               keys: Mapping[Path, str] | None = None
               ) -> tuple[tuple[Article, ...], Sequence[Page], list[Problem],
                          list[tuple[str, str]], _Background]:
    """`plan`, with the search index files (the slow part) left to `late.result()`.

    With `beside`, the index is started as soon as the archive is collected and made while the
    rest is planned and rendered: in a forked process (the index is ~8 s of Python at 5,000
    articles, which in a thread would hold the GIL), or in a thread with `workers: 1`.
    Without it, `result()` makes the index there and then.
    """
    articles, load_problems, skipped = load_articles(config.articles_dir, cache, progress,
                                                     config.workers or os.cpu_count() or 1, keys)
    articles, resolve_problems = resolve_corpus(articles)
    archive, collect_problems = collect(articles, config, derived)
    # a thread only where no render pool will fork: a forked worker must not inherit it
    mode = ("thread" if config.workers == 1 else "process") if beside else "now"
    late = _Background(partial(index_pages, archive, config, not clean), mode)
    try:
        pages = plan_site(archive, config, derived, search_index=False)
    except BaseException:
        late.cancel()  # a long-lived caller (`serve`) must not keep an orphan index process
        raise
    found = load_problems + resolve_problems + collect_problems + feed_problems(config)
    return articles, pages, found, skipped, late


def page_fingerprints(pages: Iterable[Page], env: jinja2.Environment,
                      paths: list[str] | None = None) -> dict[str, str]:
    """Each page's fingerprint (context + template closure + tool version), as the manifest holds.
    One pass: pages made per item (`Pages.each`) are made once here; `paths` gets each page's
    path in order, so the write pass need not make them again."""
    hashes = TemplateHashes(env)
    fingerprints: dict[str, str] = {}
    for page in pages:
        template = page.template
        fingerprints[page.path] = page_fingerprint(page, "raw" if template == RAW
                                                   else hashes[template])
        if paths is not None:
            paths.append(page.path)
    return fingerprints


def _stamp_parts(config: Config) -> list[str]:
    """Everything besides the input files that decides the output's bytes."""
    return [__version__, repr(dataclasses.replace(config, workers=0)),
            os.environ.get("SOURCE_DATE_EPOCH", ""), _pagefind_version()]


def _pagefind_version() -> str:
    from .search_pagefind import pagefind_version

    return pagefind_version()


def _input_files(config: Config) -> list[Path]:
    """The article files and every template file (theme and site), in a fixed order."""
    files = [path for path, _ in iter_article_files(config.articles_dir)]
    for folder in (BUILTIN_TEMPLATES, config.templates_dir):
        if folder is not None and folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def _unchanged(out: Path, stamp_file: Path, key: str) -> BuildStamp | None:
    """The last build's stamp when it read these very inputs and its output is still whole."""
    stamp = read_stamp(stamp_file)
    if stamp is None or stamp.inputs != key or _manifest_hash(out) != stamp.manifest:
        return None
    manifest = read_manifest(out)
    if manifest is None or not all(os.path.isfile(out / path) for path in manifest.files):
        return None
    return stamp


def _manifest_hash(out: Path) -> str:
    try:
        return content_key((out / MARKER).read_bytes())
    except OSError:
        return "missing"


def _apply_options(config: Config, options: BuildOptions) -> Config:
    return dataclasses.replace(
        config,
        articles=config.articles if options.articles is None else options.articles.resolve(),
        output=config.output if options.out is None else options.out.resolve(),
        workers=config.workers if options.workers is None else options.workers,
    )


def _cache_file(config: Config, kind: str = "loads") -> Path:
    return config.cache_dir / f"{config.output_dir.name}-{kind}.pickle"


def _render_and_write(
    planned: list[Sequence[Page]], config: Config, previous: Manifest | None,
    progress: Progress | None, late: _Background,
) -> tuple[tuple[str, ...], tuple[str, ...], list[Problem], int]:
    """Render only pages whose fingerprint changed; carry the rest forward; swap atomically.
    Returns (pages rendered, files written, problems, number of pages).

    `planned` holds the planned pages and is emptied here, so they are let go once written:
    what comes after (the late pages, the manifest) then reuses their memory. `late` makes the
    pages that take long to plan (the search indexes): it runs beside the rendering, so the
    indexes are made while templates render.
    """
    pages = planned.pop()
    env = make_environment(config.templates_dir)
    paths: list[str] = []
    late_paths: list[str] = []
    fingerprints = page_fingerprints(pages, env, paths)
    old_pages = previous.pages if previous else MappingProxyType({})
    todo = changed_pages(fingerprints, old_pages)
    out = config.output_dir
    late_pages: Sequence[Page] | None = None
    if previous is not None and not todo:  # maybe nothing changed: decide with every page
        late_pages = late.result()
        fingerprints.update(page_fingerprints(late_pages, env, late_paths))
        todo = changed_pages(fingerprints, old_pages)
        if not todo and set(old_pages) == set(fingerprints) and all(
                (out / path).is_file() for path in fingerprints):
            return (), (), [], len(fingerprints)  # nothing changed: touch nothing
    writer = SiteWriter(out, reuse_spare=previous is not None)
    problems: list[Problem] = []
    kept: dict[str, str] = {}
    rendered: set[str] = set()
    try:
        batch, pages = pages, ()
        while True:
            niceness = RENDER_NICENESS if late.busy() else 0  # the index first, if made now
            rendered |= _write_batch(batch, paths, fingerprints, old_pages, writer, kept,
                                     problems, env, config, progress, niceness)
            if late_pages is not None and batch is late_pages:
                break
            if len(rendered) >= POOL_THRESHOLD:  # many files: to disk while the rest is made
                writer.flush_soon()
            batch = ()  # written: let go before the late pages arrive
            if late_pages is None:
                late_pages = late.result()
                fingerprints.update(page_fingerprints(late_pages, env, late_paths))
            batch, paths = late_pages, late_paths
        writer.commit(Manifest(__version__, MappingProxyType(kept), writer.files))
    except BaseException:
        writer.abort()
        raise
    return tuple(sorted(rendered)), tuple(sorted(writer.written)), problems, len(fingerprints)


class _Background:
    """`make()` beside the main work: in a forked process ("process"), a thread ("thread"), or
    at the first `result()` call ("now"). A process is forked before any thread or render pool
    exists in this process, so it inherits no running thread."""

    def __init__(self, make: Callable[[], Sequence[Page]], mode: str) -> None:
        self._make: Callable[[], Sequence[Page]] | None = make
        self._future: Future[Sequence[Page]] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._done: Sequence[Page] | None = None
        if mode == "process" and "fork" not in multiprocessing.get_all_start_methods():
            mode = "thread"
        if mode == "process":
            context = multiprocessing.get_context("fork")
            self._reader, writer = os.pipe()  # the pages come back pickled, as a stream
            self._process = context.Process(target=_run_background, args=(make, writer),
                                            daemon=True)
            self._process.start()
            os.close(writer)
        elif mode == "thread":
            thread = ThreadPoolExecutor(1)
            self._future = thread.submit(make)
            thread.shutdown(wait=False)

    def busy(self) -> bool:
        """Whether `make` is still working beside the caller (a process that has begun to
        send its pages back is done: it only waits for them to be read)."""
        if self._process is not None:
            return self._done is None and self._process.is_alive() and \
                not select.select([self._reader], [], [], 0)[0]
        return self._future is not None and not self._future.done()

    def result(self) -> Sequence[Page]:
        """The pages `make` returned (made once); its exception, raised here, if it failed."""
        if self._done is None:
            self._done = self._wait()
        return self._done

    def _wait(self) -> Sequence[Page]:
        if self._future is not None:
            return self._future.result()
        if self._process is None:
            assert self._make is not None
            return self._make()
        reader, self._reader = self._reader, -1  # closed with `pipe`, whatever happens
        try:  # read as it comes: the pickled pages are never all in memory at once
            with os.fdopen(reader, "rb") as pipe:
                made, value = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):  # it ended without a word
            made, value = False, None
        finally:
            self._process.join()
        if not made:
            raise value or RuntimeError(
                f"the search index process ended with code {self._process.exitcode}")
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop a process still working (the build failed); a finished one is left alone."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._process is not None and self._reader >= 0:  # its pages will not be read
            os.close(self._reader)
            self._reader = -1


def _run_background(make: Callable[[], Sequence[Page]], writer: int) -> None:
    """In the forked process: send back (True, pages) or (False, the exception), pickled
    straight into the pipe (no copy of the whole pickle in either process)."""
    with os.fdopen(writer, "wb") as pipe:
        try:
            pages = tuple(make())
        except BaseException as exc:  # every failure goes back to the build
            try:
                pipe.write(pickle.dumps((False, exc)))
            except Exception:  # an exception that cannot be pickled: keep its message
                pipe.write(pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}"))))
            return
        pickle.dump((True, pages), pipe, protocol=pickle.HIGHEST_PROTOCOL)


def _write_batch(pages: Sequence[Page], paths: Sequence[str], fingerprints: Mapping[str, str],
                 old_pages: Mapping[str, str], writer: SiteWriter, kept: dict[str, str],
                 problems: list[Problem], env: jinja2.Environment, config: Config,
                 progress: Progress | None, niceness: int = 0) -> set[str]:
    """Reuse, carry or render each page of one batch (`paths[i]` is `pages[i].path`) into the
    writer; the paths rendered. Only pages to render are made here, and they are kept by their
    place in `pages`, not held: they are made again where they render (`Pages`)."""
    todo: set[str] = set()
    raw: list[int] = []  # first: the whole-archive data files are the slowest single pages
    templated: list[int] = []
    work = 0  # pages whose bytes are made already (small data files) need no pool
    for index, path in enumerate(paths):
        changed = old_pages.get(path) != fingerprints[path]
        if writer.reuse(path, fingerprints[path]) or (not changed and writer.carry(path)):
            kept[path] = fingerprints[path]
            continue
        todo.add(path)
        writer.prepare(path)
        page = pages[index]
        (templated if page.template != RAW else raw).append(index)
        work += page.template != RAW or "data" not in page.context
    to_render = raw + templated
    for done, (path, written, error) in enumerate(_render_all(
            pages, to_render, env, config, _workers(config, work), writer.sink, niceness), 1):
        if written is None:
            problems.append(Problem(Path(path), f"page not written: {error}", "render.failed",
                                    None, "error"))
        else:
            writer.record(path, written)
            kept[path] = fingerprints[path]
        if progress is not None:
            progress("render", done, len(to_render))
    return todo


def _workers(config: Config, count: int) -> int:
    if count < POOL_THRESHOLD:
        return 1
    return config.workers or os.cpu_count() or 1


Made = tuple[str, bool | None, str | None]  # (path, bytes written (False: linked), error)


def _render_all(pages: Sequence[Page], order: Sequence[int], env: jinja2.Environment,
                config: Config, workers: int, sink: Sink, niceness: int = 0) -> Iterator[Made]:
    """Render and store pages[i] for each i of `order`, in a process pool when it pays (the
    render stage is pure), its workers `niceness` steps nicer than the build.

    Workers store the files they render, so only a flag per page comes back.
    """
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_make_one(env, pages[index], sink) for index in order)
        return
    # Forked workers inherit the pages, so contexts are never pickled.
    chunk = max(1, min(64, len(order) // (workers * 8)))
    parent = os.getpid()
    # The planned pages stay out of the workers' cycle collections (`heap_frozen`).
    with heap_frozen(), ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_init_worker,
            initargs=(config.templates_dir, config.cache_dir, pages, sink, parent, niceness)
    ) as pool:
        yield from pool.map(_render_in_worker, order, chunksize=chunk)


@dataclass(slots=True)
class _Worker:
    env: jinja2.Environment
    pages: Sequence[Page]
    sink: Sink
    parent: int  # the build's pid: a worker whose build was killed stops writing


_IN_WORKER: list[_Worker] = []  # set once per worker process


def _init_worker(templates_dir: Path | None, cache_dir: Path, pages: Sequence[Page], sink: Sink,
                 parent: int, niceness: int = 0) -> None:
    BODIES.for_worker(cache_dir)
    if niceness:
        with contextlib.suppress(OSError):  # not allowed: the workers render all the same
            os.nice(niceness)
    _IN_WORKER.append(_Worker(make_environment(templates_dir), pages, sink, parent))


def _render_in_worker(index: int) -> Made:
    worker = _IN_WORKER[0]
    if os.getppid() != worker.parent:  # the build is gone (killed): write nothing more
        os._exit(1)
    return _make_one(worker.env, worker.pages[index], worker.sink)


def _make_one(env: jinja2.Environment, page: Page, sink: Sink) -> Made:
    """Render one page and store it; a template error is reported for that page and stops
    nothing else. A stream (`Page.stream`) is stored as it is made."""
    if page.template == RAW and "chunks" in page.context:
        path = page.path
        return path, sink.store_chunks(path, page.chunks()), None
    path, data, error = _render_one(env, page)
    return path, None if data is None else sink.store(path, data), error


def _render_one(env: jinja2.Environment, page: Page) -> tuple[str, bytes | None, str | None]:
    """Render one page's bytes, or say why not."""
    if page.template == RAW:
        return page.path, page.data(), None
    try:
        return page.path, render_page(env, page), None
    except jinja2.TemplateError as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        return page.path, None, f"template {page.template}{where}: {exc}"


def iter_problems(results: Iterable[BuildResult]) -> Iterator[Problem]:
    for result in results:
        yield from result.problems
