"""Search at scale: index size per 1,000 articles and query time, for both search modes.

    .venv/bin/python bench/search_bench.py [--sizes 1000 20000] [--queries 15]

For each size it generates a corpus with /work/shared/bench/gen_corpus.py (into bench/work/,
git-ignored; reused when present), loads and collects it through the real pipeline, then:
- builds both indexes through `cached_index_files` with an empty cache (every shard indexed:
  what a clean build pays), again with nothing changed, and after a one-article edit (one shard
  re-indexed), wall and CPU time; reports bytes and gzip bytes (total, per 1,000 articles, and
  what the first query of a search has to load);
- opens both in Debian's Chromium (file:// for the compact index, a local http.server for
  Pagefind) and times queries end to end, search plus the first 20 results' data: the median
  of cold queries (first use of each shard/fragment) and of the same queries again (warm).
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from newsarchive.archive import collect
from newsarchive.cache import LoadCache
from newsarchive.config import Config
from newsarchive.pipeline import load_articles
from newsarchive.search import cached_index_files, search_records
from newsarchive.search_index import postings, shard_records
from newsarchive.search_pagefind import WORKERS

HERE = Path(__file__).parent
WORK = HERE / "work" / "search"
GEN = Path("/work/shared/bench/gen_corpus.py")
SEARCH_JS = HERE.parent / "templates" / "static" / "search.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUERY_JS = """async ([queries, rounds]) => {
  const engine = await window.NEWSARCHIVE_SEARCH_ENGINE();
  const times = [];
  for (let round = 0; round < rounds; round++) {
    for (const q of queries) {
      const t0 = performance.now();
      const found = await engine.search(q, {}, "relevance");
      const shown = [];
      for (let n = 0; n < Math.min(20, found.total); n++) shown.push(found.item(n));
      await Promise.all(shown);
      times.push([round, performance.now() - t0, found.total]);
    }
  }
  return [engine.mode, times];
}"""


def corpus(size: int) -> Path:
    folder = WORK / f"corpus-{size}"
    if not folder.is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(size), "--seed", "1",
                        "--out", str(folder), "--format", "md"], check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def pick_queries(records: Any, count: int) -> list[str]:
    """Common, middling and rare words, two-word queries and a typed prefix, from the corpus."""
    by_df = sorted(postings(records).items(), key=lambda kv: (-kv[1].count(","), kv[0]))
    words = [w for w, _ in by_df if w.isalpha() and len(w) > 3]
    n = len(words)
    picks = [words[i] for i in (0, 3, n // 10, n // 4, n // 2, 3 * n // 4, n - 5)]
    pairs = [f"{words[i]} {words[i + 7]}" for i in (1, n // 20, n // 8)]
    prefixes = [words[i][:3] for i in (2, n // 6)]
    return (picks + pairs + prefixes)[:count]


def sizes_of(files: dict[str, bytes], prefix: str) -> tuple[int, int, int]:
    chosen = [data for path, data in files.items() if path.startswith(prefix)]
    return len(chosen), sum(map(len, chosen)), sum(len(gzip.compress(d, 6)) for d in chosen)


def write_site(folder: Path, files: dict[str, bytes]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    (folder / "assets").mkdir(exist_ok=True)
    shutil.copy(SEARCH_JS, folder / "assets" / "search.js")
    (folder / "bench.html").write_text(
        '<!DOCTYPE html><title>bench</title><script src="assets/search.js"></script>\n')


def browser_times(site: Path, queries: list[str]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    result: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=CHROMIUM_ARGS)
            for url in ((site / "bench.html").as_uri(),
                        f"http://127.0.0.1:{server.server_address[1]}/bench.html"):
                page = browser.new_page()
                page.goto(url)
                mode, times = page.evaluate(QUERY_JS, [queries, 2])
                cold = [t for r, t, _ in times if r == 0]
                warm = [t for r, t, _ in times if r == 1]
                result[mode] = (statistics.median(cold), statistics.median(warm), max(cold))
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def timed(make: Any) -> tuple[Any, float, str]:
    """(result, wall s, CPU s of this process and its children, said apart) of make(): the
    Python side and Pagefind's services are made cheaper in different ways."""
    before, started = os.times(), time.perf_counter()
    result = make()
    after = os.times()
    own, children = (sum(after[i] - before[i] for i in parts) for parts in ((0, 1), (2, 3)))
    cpu = f"{own + children:.2f} s CPU ({own:.2f} s Python, {children:.2f} s Pagefind)"
    return result, time.perf_counter() - started, cpu


def bench(size: int, queries_wanted: int) -> None:
    folder = corpus(size)
    started = time.perf_counter()
    loads = LoadCache(WORK / f"loads-{size}.pickle")  # the loader is not what is measured
    articles, _, _ = load_articles(folder, loads)
    loads.save()
    archive, _ = collect(articles, Config(root=folder))
    records = search_records(archive)
    shards = shard_records(records)
    sizes = sorted(len(shard) for _, shard in shards)
    print(f"\n## {size} articles (load + collect {time.perf_counter() - started:.1f} s); "
          f"{len(shards)} shards of {sizes[0]}-{sizes[-1]} records, median {sizes[len(sizes) // 2]}")
    cache = WORK / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    files, wall, cpu = timed(lambda: cached_index_files(records, cache, "en"))
    print(f"both indexes, nothing cached: {wall:.2f} s wall, {cpu} "
          f"(Pagefind in {WORKERS} services beside the compact blocks)")
    _, wall, cpu = timed(lambda: cached_index_files(search_records(archive), cache, "en"))
    print(f"no change (records + hashes + cached shards read back + assembly): {wall:.2f} s wall, "
          f"{cpu}")
    middle = len(records) // 2
    edited = list(records)
    edited[middle] = replace(records[middle], body=records[middle].body + " zanzibar")
    _, wall, cpu = timed(lambda: cached_index_files(edited, cache, "en"))
    print(f"one-article edit (one shard re-indexed): {wall:.2f} s wall, {cpu}")
    compact = {p: d for p, d in files.items() if p.startswith("search/")}
    bundle = {p: d for p, d in files.items() if p.startswith("pagefind/")}
    per = 1000 / size
    for label, part in (("compact", compact), ("pagefind", bundle)):
        count, raw, packed = sizes_of(part, "")
        print(f"{label}: {count} files, {raw / 1e6:.2f} MB ({packed / 1e6:.2f} MB gzip); "
              f"per 1,000 articles {raw * per / 1e3:.0f} kB ({packed * per / 1e3:.0f} kB gzip)")
    head = len(compact["search/index.js"])
    print(f"compact index.js (loaded first): {head / 1e3:.0f} kB "
          f"({len(gzip.compress(compact['search/index.js'])) / 1e3:.0f} kB gzip); largest term "
          f"file {max(len(d) for p, d in compact.items() if '/terms-' in p) / 1e3:.0f} kB; "
          f"docs file {max(len(d) for p, d in compact.items() if '/docs-' in p) / 1e3:.0f} kB")
    first = sum(len(d) for p, d in bundle.items()
                if p.endswith((".pf_meta", "pagefind-entry.json", "shards.json", "pagefind.js")))
    print(f"pagefind loaded before the first query (entry + meta of every shard, pagefind.js; "
          f"plus worker and wasm): {first / 1e3:.0f} kB")
    queries = pick_queries(records, queries_wanted)
    site = WORK / f"site-{size}"
    write_site(site, files)
    for mode, (cold, warm, worst) in browser_times(site, queries).items():
        print(f"query time in Chromium, {mode}: median {cold:.1f} ms cold, {warm:.1f} ms warm "
              f"(worst cold {worst:.0f} ms; {len(queries)} queries incl. 20 results' data)")
    print("queries:", ", ".join(queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--queries", type=int, default=12)
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.queries)


if __name__ == "__main__":
    main()
