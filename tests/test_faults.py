"""Faults: a build killed at any moment, a full disk, a read-only output, two builds at once.

In every case the previous site stays intact and complete (never a mix of two builds), the
error is one clear line, and the next build succeeds and equals a clean build.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.output import OutputError, output_lock
from sitetools import tree_digest

KILL_TRIALS = int(os.environ.get("NEWSARCHIVE_KILL_TRIALS", "30"))
ARTICLES = 200
OUTLETS = ("Daily Planet", "Springfield Gazette", "The Example Times", "Metro Wire", "Harbor News")
AUTHORS = tuple(f"{first} {last}" for first in ("Ann", "Ben", "Cleo", "Dev", "Eli", "Fay")
                for last in ("Stone", "Rivers", "Okafor", "Lind", "Moreau"))
TAGS = ("Politics", "Weather", "Sport", "Science", "Courts", "Transport", "Health", "Arts")
WORDS = ("council", "budget", "river", "bridge", "storm", "vote", "court", "school", "market",
         "harbour", "train", "hospital", "museum", "festival", "report", "inquiry", "station",
         "park", "library", "election")


def write_archive(site: Path, folder: str, version: int, count: int = ARTICLES) -> Path:
    """A generated archive; version 1 rewrites one body, drops one article and adds one, so the
    two versions differ in many files (articles, listings, search, exports) but not all."""
    rng = random.Random(1234)
    articles = site / folder
    articles.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(120)]
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        if version == 1 and n == 17:
            continue  # removed in version 1
        if version == 1 and n == 100:
            words[0] = "Rewritten"
        body = "\n\n".join(" ".join(words[i:i + 30]).capitalize() + "." for i in range(0, 120, 30))
        (articles / f"a{n:03d}.md").write_text(
            f"---\ntitle: {title} {n}\nauthors: [{AUTHORS[n % len(AUTHORS)]}]\n"
            f"outlet: {OUTLETS[n % len(OUTLETS)]}\ndate: {2019 + n % 4}-{1 + n % 12:02d}-"
            f"{1 + n % 28:02d}\ntags: [{TAGS[n % len(TAGS)]}, {TAGS[(n * 3) % len(TAGS)]}]\n---\n"
            f"{body}\n")
    if version == 1:
        (articles / "new-in-version-1.md").write_text("---\ntitle: Added later\n---\nNew.\n")
    return articles


def make_site(root: Path) -> Path:
    site = root / "site"
    site.mkdir()
    (site / "site.yml").write_text("title: Fault Archive\ndescription: Generated.\nlanguage: en\n"
                                   "page_size: 20\n")
    write_archive(site, "articles-0", 0)
    write_archive(site, "articles-1", 1)
    return site


def leftovers(site: Path) -> list[str]:
    """Temporary or moved-away output folders an interrupted build left beside the output."""
    return sorted(p.name for p in site.iterdir() if p.name.startswith(("build.tmp-", "build.old-")))


def build_command(site: Path, version: int) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "-q", "build", "--config", str(site / "site.yml"),
            "--articles", str(site / f"articles-{version}")]


def run_build(site: Path, version: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(build_command(site, version), capture_output=True, text=True, cwd=site)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


# --- SIGKILL at random moments -------------------------------------------------------------------


def test_sigkill_at_random_moments_never_leaves_a_mixed_site(tmp_path: Path) -> None:
    """Kill the whole build (its process group, so render workers die too) after a random delay
    in [0, build time]; the output is then exactly the old site or exactly the new one, and the
    next build succeeds and equals a clean build of its input."""
    site = make_site(tmp_path)
    out = site / "build"
    clean: dict[int, dict[str, str]] = {}
    times = []
    for version in (1, 0):  # end on version 0: the trials start from it
        shutil.rmtree(out, ignore_errors=True)
        times.append(run_build(site, version))
        clean[version] = tree_digest(out)
    assert clean[0] != clean[1]
    build_time = max(times)
    rng = random.Random(int(os.environ.get("NEWSARCHIVE_KILL_SEED", "7")))
    current = 0
    outcomes = {"old": 0, "new": 0, "interrupted-write": 0}
    for trial in range(KILL_TRIALS):
        target = 1 - current
        proc = subprocess.Popen(build_command(site, target), cwd=site, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, build_time))
        with contextlib.suppress(ProcessLookupError):  # it may have finished already
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if leftovers(site):
            outcomes["interrupted-write"] += 1
        seen = tree_digest(out)
        assert seen in (clean[current], clean[target]), f"trial {trial}: a mix of two builds"
        outcomes["old" if seen == clean[current] else "new"] += 1
        run_build(site, target)
        assert tree_digest(out) == clean[target], f"trial {trial}: next build differs from clean"
        assert leftovers(site) == [], f"trial {trial}: leftovers not cleaned up"
        current = target
    print(f"\n{KILL_TRIALS} kill trials survived: {outcomes}")
    assert outcomes["old"] + outcomes["new"] == KILL_TRIALS


# --- disk full and read-only output (simulated: the tests run as root, so chmod cannot) ---------

WRITE_MODES = ("w", "x", "a", "+")


class FaultyDisk:
    """Makes file-system writes under `root` fail with `err`, as a full or read-only disk would.

    Covers what the build writes with: open() and os.open() for writing, mkdir, rename/replace, link, unlink,
    rmdir, and the renameat2 exchange. `after` lets that many writes succeed first (a disk that
    fills up half-way). With `full_disk`, a file that exists may still be opened for appending
    (the lock file) and links and removals still work, as on a real full disk.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, err: int, *, after: int = 0,
                 full_disk: bool = False, ops: tuple[str, ...] | None = None,
                 paths_with: str = "") -> None:
        self.root = str(root.resolve())
        self.ops = ops  # only these operations fail (None: all)
        self.paths_with = paths_with  # only on paths containing this
        self.err = err
        self.budget = after
        self.full_disk = full_disk
        self.failures: list[str] = []
        real_open = builtins.open
        for module, name in ((os, "mkdir"), (os, "rename"), (os, "replace"), (os, "link"),
                             (os, "unlink"), (os, "rmdir")):
            if full_disk and name in ("link", "unlink", "rmdir", "rename", "replace"):
                continue
            monkeypatch.setattr(module, name, self._wrap(getattr(module, name), name))

        def faulty_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
            if isinstance(file, (str, os.PathLike)) and any(m in mode for m in WRITE_MODES):
                appending_existing = "a" in mode and os.path.exists(file)
                if not (full_disk and appending_existing):
                    self._check(file, f"open({mode})")
            return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(builtins, "open", faulty_open)
        monkeypatch.setattr(io, "open", faulty_open)
        real_os_open = os.open

        def faulty_os_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
            if flags & (os.O_WRONLY | os.O_RDWR) and kwargs.get("dir_fd") is None:
                self._check(file, "open(os)")  # a data file written over in place, and more
            return real_os_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", faulty_os_open)
        if not full_disk:
            import newsarchive.output as output

            real_exchange = output._exchange

            def faulty_exchange(a: Path, b: Path) -> bool:
                if self.ops is None or "renameat2" in self.ops:
                    self.failures.append(f"renameat2 {a}")
                    return False  # as renameat2 returns -1 with EROFS
                return real_exchange(a, b)

            monkeypatch.setattr(output, "_exchange", faulty_exchange)

    def _check(self, path: object, what: str) -> None:
        text = os.path.abspath(os.fsdecode(path))  # type: ignore[arg-type]
        if self.ops is not None and what.split("(")[0] not in self.ops:
            return
        if self.paths_with not in text:
            return
        if text == self.root or text.startswith(self.root + os.sep):
            if self.budget > 0:
                self.budget -= 1
                return
            self.failures.append(f"{what} {text}")
            raise OSError(self.err, os.strerror(self.err), text)

    def _wrap(self, real: Callable[..., object], name: str) -> Callable[..., object]:
        def faulty(path: object, *args: object, **kwargs: object) -> object:
            if kwargs.get("dir_fd") is None:
                self._check(path, name)
            elif not self.full_disk:
                self._check(os.path.join(self.root, "via-dir-fd"), name)
            return real(path, *args, **kwargs)

        return faulty


def small_generated_site(root: Path) -> Path:
    """30 articles in two versions: a previous site built from version 0, version 1 to come."""
    site = root / "site"
    site.mkdir()
    (site / "site.yml").write_text("title: Fault Archive\ndescription: Generated.\nlanguage: en\n")
    write_archive(site, "articles-0", 0, count=30)
    write_archive(site, "articles-1", 1, count=30)
    return site


def build_version(site: Path, version: int, *, clean: bool = False) -> None:
    from newsarchive.pipeline import BuildOptions, build

    build(site / "site.yml", BuildOptions(articles=site / f"articles-{version}", clean=clean,
                                          workers=1))


@pytest.fixture
def built_site(tmp_path: Path) -> Iterator[tuple[Path, dict[int, dict[str, str]]]]:
    """A site whose output holds version 0, and the digests of clean builds of both versions."""
    site = small_generated_site(tmp_path)
    digests = {}
    for version in (1, 0):
        build_version(site, version, clean=True)
        digests[version] = tree_digest(site / "build")
    assert digests[0] != digests[1]
    # the kept previous site (version 1) would let the next build write almost nothing, and
    # these faults are about a build that must write
    shutil.rmtree(site / ".build.spare")
    yield site, digests


DISK_FAULTS = {
    "disk full at once": dict(err=errno.ENOSPC, full_disk=True),
    "disk full half-way": dict(err=errno.ENOSPC, full_disk=True, after=40),
    "read-only": dict(err=errno.EROFS),
    "read-only after the lock": dict(err=errno.EROFS, after=1),
    # the old site is moved aside, then moving the new one in fails: the old one must come back
    "read-only at the swap": dict(err=errno.EROFS, ops=("renameat2", "rename"),
                                  paths_with=".tmp-"),
}
REASONS = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only"}


@pytest.mark.parametrize("fault", DISK_FAULTS, ids=list(DISK_FAULTS))
def test_disk_faults_raise_a_clear_error_and_keep_the_previous_site(
        built_site: tuple[Path, dict[int, dict[str, str]]], monkeypatch: pytest.MonkeyPatch,
        fault: str) -> None:
    site, digests = built_site
    options = DISK_FAULTS[fault]
    with monkeypatch.context() as patch:
        disk = FaultyDisk(patch, site, **options)  # type: ignore[arg-type]
        with pytest.raises(OutputError) as failed:
            build_version(site, 1)
    assert disk.failures, "the fault was never hit"
    message = str(failed.value)
    assert REASONS[int(options["err"])] in message and "\n" not in message
    assert tree_digest(site / "build") == digests[0], "the previous site changed"
    if options.get("full_disk"):
        assert leftovers(site) == [], "a failed build left its temporary folder"
    build_version(site, 1)
    assert tree_digest(site / "build") == digests[1]
    assert leftovers(site) == []


@pytest.mark.parametrize("fault", ["disk full at once", "read-only"])
def test_cli_reports_a_disk_fault_in_one_line(
        built_site: tuple[Path, dict[int, dict[str, str]]], monkeypatch: pytest.MonkeyPatch,
        fault: str) -> None:
    site, digests = built_site
    options = DISK_FAULTS[fault]
    with monkeypatch.context() as patch:
        FaultyDisk(patch, site, **options)  # type: ignore[arg-type]
        result = CliRunner().invoke(cli, ["-q", "build", "--config", str(site / "site.yml"),
                                          "--articles", str(site / "articles-1")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert REASONS[int(options["err"])] in lines[0]
    assert "Traceback" not in result.output
    assert tree_digest(site / "build") == digests[0]


# --- two builds at once --------------------------------------------------------------------------


def test_a_second_build_on_the_same_output_refuses_while_one_runs(
        built_site: tuple[Path, dict[int, dict[str, str]]]) -> None:
    """While a build holds the output's lock, another refuses at once with a clear message and
    touches nothing; the output is never a mix."""
    site, digests = built_site
    out = site / "build"
    with output_lock(out):
        result = CliRunner().invoke(cli, ["-q", "build", "--config", str(site / "site.yml"),
                                          "--articles", str(site / "articles-1")])
        assert result.exit_code == 1
        assert "another newsarchive build is writing" in result.output
        assert tree_digest(out) == digests[0]
        assert leftovers(site) == []


def test_two_build_processes_started_at_once(
        built_site: tuple[Path, dict[int, dict[str, str]]]) -> None:
    """Two real processes race for the same output, many times: each either builds or refuses
    with the lock message, at least one builds, and the output is always one complete build."""
    site, digests = built_site
    refusals = 0
    for round_ in range(6):
        procs = [subprocess.Popen(build_command(site, version), cwd=site, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for version in (round_ % 2, 1 - round_ % 2)]
        results = [(proc.wait(), proc.communicate()) for proc in procs]
        codes = [code for code, _ in results]
        assert 0 in codes, results
        for code, (_, stderr) in results:
            if code != 0:
                refusals += 1
                assert stderr.strip().splitlines() == [
                    f"error: another newsarchive build is writing {site / 'build'}; "
                    "try again when it has finished"], stderr
        assert tree_digest(site / "build") in (digests[0], digests[1])
        assert leftovers(site) == []
    print(f"\ntwo builds at once: {refusals} of 6 rounds had one refuse")


# --- what an interrupted build leaves behind -----------------------------------------------------


def test_leftovers_of_a_killed_build_are_recovered_and_foreign_folders_kept(
        built_site: tuple[Path, dict[int, dict[str, str]]]) -> None:
    """Found by the kill trials: a build killed between creating its temp folder and writing
    the marker, or while removing the old site after the swap (marker already gone), left a
    `build.tmp-<pid>` that recover() never removed. Now the marker is removed last and an empty
    leftover is removed; a folder with content and no marker is still never touched."""
    site, digests = built_site
    killed_after_mkdir = site / "build.tmp-999990"
    killed_after_mkdir.mkdir()
    killed_while_removing = site / "build.tmp-999991"  # marker still there: removal resumes
    shutil.copytree(site / "build", killed_while_removing)
    not_ours = site / "build.tmp-999992"
    not_ours.mkdir()
    (not_ours / "notes.txt").write_text("a user's file")
    build_version(site, 1)
    assert tree_digest(site / "build") == digests[1]
    assert not killed_after_mkdir.exists() and not killed_while_removing.exists()
    assert (not_ours / "notes.txt").read_text() == "a user's file"


def test_an_interrupted_removal_keeps_the_marker_until_last(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from newsarchive import output

    folder = tmp_path / "build.tmp-999993"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "page.html").write_text("x")
    (folder / "z.html").write_text("x")
    (folder / output.MARKER).write_text("{}")
    real_unlink = Path.unlink

    def unlink_fails_once(path: Path, missing_ok: bool = False) -> None:
        if path.name == "z.html":
            raise KeyboardInterrupt  # stands in for the process dying here
        real_unlink(path, missing_ok=missing_ok)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "unlink", unlink_fails_once)
        with pytest.raises(KeyboardInterrupt):
            output._remove_ours(folder)
    assert (folder / output.MARKER).is_file()
    output.recover(tmp_path / "build")
    assert not folder.exists()
