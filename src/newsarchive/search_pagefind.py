"""Pagefind's bundle for hosted sites, made from our search records through its Python API.

Filters (outlet, author, tag, year) and the date sort are given per record, never scraped from
HTML. Two things are fixed up after Pagefind runs, both measured on pagefind 1.5.2:
- speed: its Python service sleeps 0.1 s before reading each answer (5,000 records: 8 minutes);
  `_FastService` reads answers as they arrive.
- determinism: it lists filters, sorts and filter values in hash-map order, which changes from
  run to run, and names files by hashes of those bytes; `stable_bundle` puts them in name order
  and renames, so equal records give a byte-identical bundle.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .search_index import SearchRecord

PAGEFIND_DIR = "pagefind"  # the bundle's folder in the output, next to search/
MAGIC = b"pagefind_dcd"  # the head of every decompressed .pf_meta and .pf_filter file
UNUSED = re.compile(r"pagefind-(?:.*ui|highlight)\.(?:js|css)$")  # our search.js shows results


def pagefind_version() -> str:
    """The installed Pagefind version, or "none": the compact index then serves every mode."""
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "none"


def pagefind_files(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """Pagefind's bundle for these records (`pagefind/...` -> bytes); empty without Pagefind.

    Pagefind writes a folder, so it writes into a temporary one that is read back and removed.
    """
    if pagefind_version() == "none" or not records:
        return {}
    for _ in range(2):  # one retry: Pagefind's output has been seen unsettled under load
        with tempfile.TemporaryDirectory(prefix="newsarchive-pagefind-") as tmp:
            folder = Path(tmp) / PAGEFIND_DIR
            # a thread of its own: the caller may already run an event loop (a server, Playwright)
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, _run_pagefind(records, language, folder)).result()
            try:
                files = _settled_files(folder)
            except RuntimeError:
                continue
        return {f"{PAGEFIND_DIR}/{path}": data for path, data in stable_bundle(files).items()}
    return {}  # the compact index, which search.js falls back to, still serves every mode


def _settled_files(folder: Path, attempts: int = 60) -> dict[str, bytes]:
    """Read Pagefind's output once it has settled.

    Pagefind can answer `write_files` before its last files are flushed (seen under load: an
    empty pagefind-entry.json), so read until the entry file parses and two reads agree.
    """
    previous: dict[str, bytes] | None = None
    for _ in range(attempts):
        files = {path.relative_to(folder).as_posix(): path.read_bytes()
                 for path in sorted(folder.rglob("*")) if path.is_file()}
        try:
            json.loads(files.get("pagefind-entry.json", b""))
        except ValueError:
            previous = None
        else:
            if files == previous:
                return files
            previous = files
        time.sleep(0.05)
    raise RuntimeError("Pagefind's output did not settle; search falls back to the built-in index")


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


async def _run_pagefind(records: Sequence[SearchRecord], language: str, out: Path) -> None:
    from pagefind.index import IndexConfig

    service = await _fast_service().launch()
    try:
        index = await service.create_index(IndexConfig(force_language=language))
        # every record in flight at once: requests are written in order, answered in order
        await asyncio.gather(*(index.add_custom_record(**pagefind_record(record, language))
                               for record in records))
        await index.write_files(output_path=str(out))
    finally:
        await service.close()


def _fast_service() -> Any:
    """Pagefind's service with a reader that does not sleep between answers."""
    from pagefind.service import PagefindService

    class _FastService(PagefindService):
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


def stable_bundle(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Pagefind's files with filters, sorts and filter values in name order, renamed to match."""
    import cbor2

    result = {path: data for path, data in files.items() if not UNUSED.search(path)}
    entry = json.loads(result["pagefind-entry.json"])
    for language, info in sorted(entry["languages"].items()):
        meta = _read(result.pop(f"pagefind.{info['hash']}.pf_meta"), cbor2)
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


def _read(data: bytes, cbor2: Any) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(MAGIC):])


def _write(value: Any, cbor2: Any) -> bytes:
    return gzip.compress(MAGIC + cbor2.dumps(value), compresslevel=9, mtime=0)
