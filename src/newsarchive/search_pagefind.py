"""Pagefind's bundles for hosted sites, made from our search records by its service.

Filters (outlet, author, tag, year) and the date sort are given per record, never scraped from
HTML. `search.py` splits the records into shards and asks for one bundle per shard (search.js
merges them in the browser with Pagefind's `mergeIndex`); only shards whose records changed run
through Pagefind. Three things are fixed up, all measured on pagefind 1.5.2:
- speed: its Python service sleeps 0.1 s before reading each answer (5,000 records: 8 minutes)
  and formats every request into a debug string even with logging off; `_FastService` reads
  answers as they arrive and writes a shard's requests at once, in the service's own protocol,
  and the files come back on the pipe (GetFiles; writing them to a folder and reading them back
  costs more CPU in all, measured).
- determinism: it lists filters, sorts and filter values in hash-map order, which changes from
  run to run, and names files by hashes of those bytes; `stable_bundle` puts them in name order
  and renames, so equal records give a byte-identical bundle.
- merged sorting: a merged search orders results by score only, whatever sort was asked for, so
  `stable_bundle` names every page `<language>_<date number>_<hash>`: search.js reads each
  result's date from its id and sorts across shards without loading any fragment.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import queue
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

from .search_index import SearchRecord, date_number

PAGEFIND_DIR = "pagefind"  # the bundles' folder in the output, next to search/
MAGIC = b"pagefind_dcd"  # the head of every decompressed .pf_meta and .pf_filter file
WORKERS = 2  # Pagefind services run side by side (each one is single-threaded)
PIPE_LIMIT = 2**28  # the longest answer read from the service: a shard's files, base64 twice
FRAGMENT_HEAD = 1024  # bytes inflated to read a fragment's URL; a longer one is read whole
UNUSED = re.compile(r"pagefind-(?:.*ui|highlight)\.(?:js|css)$")  # our search.js shows results


def pagefind_version() -> str:
    """The installed Pagefind version, or "none": the compact index then serves every mode."""
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "none"


def pagefind_files(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """One Pagefind bundle for these records (`pagefind/...` -> bytes); empty without Pagefind
    or when Pagefind fails (search.js then falls back to the compact index)."""
    bundles = pagefind_bundles([(0, records)], language) if records else iter(())
    bundle = next(bundles, (0, None))[1]
    return {f"{PAGEFIND_DIR}/{path}": data for path, data in (bundle or {}).items()}


K = TypeVar("K")
Bundle = dict[str, bytes] | None


def pagefind_bundles(shards: Iterable[tuple[K, Sequence[SearchRecord]]], language: str,
                     workers: int = WORKERS) -> Iterator[tuple[K, Bundle]]:
    """A stable Pagefind bundle (path inside the bundle -> bytes) per (key, shard of records),
    as each is made, in no set order; None for a shard Pagefind failed on twice, and for every
    shard without Pagefind.

    `shards` is read lazily, a shard whenever a service is free to take one, so a caller that
    makes each shard's records on demand and lets each bundle go once handled holds a few
    shards at a time, not the archive. The services run in a thread of their own (the caller
    may already run an event loop: a server, Playwright); `shards` is read in that thread.
    """
    if pagefind_version() == "none":
        yield from ((key, None) for key, _ in shards)
        return
    done: queue.SimpleQueue[tuple[K, Bundle] | BaseException | None] = queue.SimpleQueue()
    thread = threading.Thread(target=_serve, args=(iter(shards), language, workers, done),
                              daemon=True)
    thread.start()
    while (item := done.get()) is not None:
        if isinstance(item, BaseException):
            thread.join()
            raise item
        yield item
    thread.join()


def _serve(shards: Iterator[tuple[K, Sequence[SearchRecord]]], language: str, workers: int,
           done: queue.SimpleQueue[tuple[K, Bundle] | BaseException | None]) -> None:
    """In the services' thread: every bundle onto `done`, then None (or the exception)."""
    try:
        asyncio.run(_run_shards(shards, language, workers, done.put))
    except BaseException as exc:  # handed to the caller's thread
        done.put(exc)
        return
    done.put(None)


async def _run_shards(shards: Iterator[tuple[K, Sequence[SearchRecord]]], language: str,
                      workers: int, put: Callable[[tuple[K, Bundle]], None]) -> None:
    """`workers` services, each taking the next shard when it finishes one."""

    async def worker() -> None:
        service = None  # launched with the first shard: an edit's one shard needs one service
        try:
            for key, records in shards:  # one iterator shared: each shard goes to one service
                if service is None:
                    service = await _fast_service().launch()
                bundle: Bundle = None
                for _ in range(2):  # one retry
                    try:
                        bundle = stable_bundle(
                            await _bundle(service, records, language),
                            {record.url: date_number(record.date) for record in records})
                        break
                    except (RuntimeError, ValueError, KeyError, AssertionError):
                        continue
                put((key, bundle))
        finally:
            if service is not None:
                await service.close()

    await asyncio.gather(*(worker() for _ in range(max(1, workers))))


async def _bundle(service: Any, records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """Index records in a fresh index of a running service; its files come back on the pipe.

    Spoken in the service's own requests (what `PagefindIndex` sends): every record written at
    once and answered in order, and only the files we keep decoded.
    """
    (created,) = await service.send_all([{"type": "NewIndex",
                                           "config": {"force_language": language}}])
    index = created["index_id"]
    try:
        await service.send_all([{"type": "AddRecord", "index_id": index,
                                 **pagefind_record(record, language)} for record in records])
        (answer,) = await service.send_all([{"type": "GetFiles", "index_id": index}])
    finally:  # frees the service's memory for the next shard
        await service.send_all([{"type": "DeleteIndex", "index_id": index}])
    return {str(file["path"]): base64.b64decode(file["content"]) for file in answer["files"]
            if not UNUSED.search(str(file["path"]))}


def pagefind_record(record: SearchRecord, language: str) -> dict[str, Any]:
    """One custom record: filters and the date sort straight from our fields."""
    filters = {"author": list(record.authors), "tag": list(record.tags),
               "outlet": [record.outlet] if record.outlet else [],
               "year": [record.year] if record.year else []}
    byline = f"By {', '.join(record.authors)}" if record.authors else ""
    content = "\n".join(part for part in (record.title, record.dek, byline, record.body) if part)
    meta = {"title": record.title, "outlet": record.outlet, "date": record.date}
    return {"url": record.url, "content": content, "language": language,
            "meta": {k: v for k, v in meta.items() if v},
            "filters": {k: v for k, v in filters.items() if v},
            "sort": {"date": record.date} if record.date else {}}


def _fast_service() -> Any:
    """Pagefind's service with a reader that does not sleep between answers, and `send_all`."""
    from pagefind.service import PagefindService

    class _FastService(PagefindService):
        async def launch(self) -> Any:
            # the stock limit (2 MiB) is less than one shard's files sent back by get_files
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                limit=PIPE_LIMIT)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def send(self, payload: Any) -> Any:
            return (await self.send_all([payload]))[0]

        async def send_all(self, payloads: Sequence[Any]) -> list[Any]:
            """Write every request, then wait for every answer: one write, no task each, and
            none of the stock `send`'s debug formatting of every request and answer (which
            runs even with logging off: a second encoding of every record's content)."""
            first = self._message_id + 1
            self._message_id += len(payloads)
            ids = range(first, self._message_id + 1)
            answers = [self._loop.create_future() for _ in ids]
            self._responses.update(zip(ids, answers, strict=True))
            stdin = self._backend.stdin
            assert stdin is not None  # launched with stdin=PIPE
            stdin.write(b"".join(base64.b64encode(json.dumps(
                {"message_id": message_id, "payload": payload}).encode("utf-8")) + b","
                for message_id, payload in zip(ids, payloads, strict=True)))
            try:
                await stdin.drain()
                results = await asyncio.gather(*answers, return_exceptions=True)
            finally:  # answers (a shard's files) are not kept
                for message_id in ids:
                    del self._responses[message_id]
            for result in results:
                if isinstance(result, BaseException):
                    raise result
            return results

        async def _wait_for_responses(self) -> None:
            stdout = self._backend.stdout
            assert stdout is not None  # launched with stdout=PIPE
            while True:
                output = (await stdout.readuntil(b",")).strip()[:-1]
                if not output:
                    continue  # a bare separator
                answer = json.loads(base64.b64decode(output))
                if not answer or answer.get("message_id") is None:
                    continue  # an answer we cannot route; the stock reader drops it too
                future = self._responses.get(answer["message_id"])
                payload = answer["payload"]
                if future is None or future.done():
                    continue
                if payload["type"] == "Error":
                    future.set_exception(RuntimeError(f"pagefind: {payload['message']}"))
                else:
                    future.set_result(payload)

    return _FastService()


# --- a byte-identical bundle ----------------------------------------------------------------------


def stable_bundle(files: Mapping[str, bytes],
                  dates: Mapping[str, int] | None = None) -> dict[str, bytes]:
    """Pagefind's files with filters, sorts and filter values in name order, renamed to match,
    and every page named `<language>_<date number>_<fragment hash>` (see the module's text).

    `dates` (URL -> date number, from the records) spares inflating every fragment for its
    date: only the URL at its head is read. A fragment not found there is read whole.
    """
    import cbor2

    result = {path: data for path, data in files.items() if not UNUSED.search(path)}
    entry = json.loads(result["pagefind-entry.json"])
    for language, info in sorted(entry["languages"].items()):
        meta = _read(result.pop(f"pagefind.{info['hash']}.pf_meta"), cbor2)
        pages = []
        for page, words in meta[1]:  # [page hash, word count]
            data = result.pop(f"fragment/{page}.pf_fragment")
            when = dates.get(_fragment_url(data) or "") if dates else None
            if when is None:
                fragment = json.loads(gzip.decompress(data)[len(MAGIC):])
                when = date_number(str(fragment.get("meta", {}).get("date", "")))
            named = f"{language}_{when:08d}_{page.rsplit('_', 1)[-1]}"
            result[f"fragment/{named}.pf_fragment"] = data
            pages.append([named, words])
        meta[1] = pages
        filters = []
        for name, chunk in meta[3]:  # [filter name, file hash]
            values = _read(result.pop(f"filter/{chunk}.pf_filter"), cbor2)
            values[1] = sorted(values[1], key=lambda row: row[0])  # [value, page numbers]
            data = _write(values, cbor2)
            stable = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
            result[f"filter/{stable}.pf_filter"] = data
            filters.append([name, stable])
        meta[3] = sorted(filters)
        meta[4] = sorted(meta[4], key=lambda sort: sort[0])  # [sort name, page order]
        data = _write(meta, cbor2)
        info["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        result[f"pagefind.{info['hash']}.pf_meta"] = data
    result["pagefind-entry.json"] = json.dumps(
        entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return dict(sorted(result.items()))


def _fragment_url(data: bytes) -> str | None:
    """The URL a fragment starts with (Pagefind writes `{"url":` first), inflating only its
    head; None if it is not there."""
    head = zlib.decompressobj(wbits=31).decompress(data, FRAGMENT_HEAD)  # 31: gzip framing
    opening = MAGIC + b'{"url":'
    if not head.startswith(opening):
        return None
    try:  # a cut through the last character cannot end the string early
        url, _ = json.JSONDecoder().raw_decode(head[len(opening):].decode("utf-8", "ignore"))
    except json.JSONDecodeError:
        return None
    return url if isinstance(url, str) else None


def _read(data: bytes, cbor2: Any) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(MAGIC):])


def _write(value: Any, cbor2: Any) -> bytes:
    return gzip.compress(MAGIC + cbor2.dumps(value), compresslevel=9, mtime=0)
