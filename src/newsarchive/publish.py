"""`newsarchive publish`: put the built site somewhere people can read it, only when it is current.

Two targets: a folder (only changed files copied, files we published before and no longer build are
removed, nothing else touched) and a git branch for GitHub Pages, committed with plumbing and a
private index so the user's working tree, index and current branch never move.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .diagnostics import UserError
from .output import MARKER, read_manifest

PUBLISHED_MARKER = ".newsarchive-published.json"  # in a --to folder: the files we put there


@dataclass(frozen=True, slots=True)
class Change:
    action: str  # "add", "update" or "delete"
    path: str  # relative to the site root, POSIX form


@dataclass(frozen=True, slots=True)
class PublishResult:
    target: str  # folder path or "remote/branch"
    changes: tuple[Change, ...]
    commit: str | None = None  # the new gh-pages commit, when one was made
    dry_run: bool = False


# --- is the build current? ------------------------------------------------------------------------


def site_files(config: Config) -> tuple[str, ...]:
    """The files of the built site, from its manifest; no manifest means no build to publish."""
    manifest = read_manifest(config.output_dir)
    if manifest is None:
        raise UserError(f"no built site in {config.output_dir}; run `newsarchive build` first")
    return tuple(f for f in manifest.files if f != MARKER)


def stale_pages(config: Config) -> list[str]:
    """Pages whose recorded fingerprint differs from what the inputs would build now."""
    from .check import plan_archive
    from .pipeline import page_fingerprints
    from .render import make_environment

    manifest = read_manifest(config.output_dir)
    recorded = dict(manifest.pages) if manifest is not None else {}
    planned = plan_archive(config)
    wanted = page_fingerprints(planned.pages, make_environment(config.templates_dir))
    return sorted(path for path in wanted.keys() | recorded.keys()
                  if wanted.get(path) != recorded.get(path))


def unbuilt_changes(config: Config) -> list[str]:
    """Uncommitted changes to the archive's inputs (articles, templates, site.yml), per git."""
    inputs = [config.articles_dir, config.root / "site.yml"]
    if config.templates_dir is not None:
        inputs.append(config.templates_dir)
    if not is_git_repo(config.root):
        return []
    output = git(config.root, "status", "--porcelain", "--untracked-files=all", "--",
                 *(str(p.resolve()) for p in inputs if p.exists()))
    return [line[3:] for line in output.splitlines() if line.strip()]


def refuse_if_not_current(config: Config) -> None:
    """The site must match the inputs, and the inputs must be committed; --force skips this."""
    changed = unbuilt_changes(config)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        raise UserError(f"uncommitted changes to the archive ({changed[0]}{more}); commit them "
                        "and build, or use --force")
    stale = stale_pages(config)
    if stale:
        more = f" and {len(stale) - 1} more pages" if len(stale) > 1 else ""
        raise UserError(f"the build is stale ({stale[0]}{more} would change); run "
                        "`newsarchive build` first, or use --force")


# --- to a folder ----------------------------------------------------------------------------------


def publish_to_folder(config: Config, target: Path, *, dry_run: bool) -> PublishResult:
    """Copy new and changed files (compared by content); remove files only we put there."""
    source = config.output_dir
    files = site_files(config)
    resolved, built = target.resolve(), source.resolve()
    if resolved == built or resolved.is_relative_to(built) or built.is_relative_to(resolved):
        raise UserError(f"{target} overlaps the output folder {source}; choose another folder")
    if target.exists() and not target.is_dir():
        raise UserError(f"{target} is not a folder")
    ours = _published_before(target)
    changes = [Change("add" if not (target / f).exists() else "update", f)
               for f in files if not _same_file(source / f, target / f)]
    changes += [Change("delete", f) for f in sorted(ours - set(files)) if (target / f).is_file()]
    if not dry_run:
        for change in changes:
            _apply(change, source, target)
        _write_atomic(target / PUBLISHED_MARKER, "\n".join(files).encode() + b"\n")
    return PublishResult(str(target), tuple(changes), None, dry_run)


def _published_before(target: Path) -> set[str]:
    try:
        return set((target / PUBLISHED_MARKER).read_text(encoding="utf-8").split())
    except OSError:
        return set()


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
    except OSError:
        return False
    return _digest(a) == _digest(b)


def _digest(path: Path) -> str:
    digest = hashlib.blake2b()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _apply(change: Change, source: Path, target: Path) -> None:
    destination = target / change.path
    if change.action == "delete":
        destination.unlink(missing_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(destination, (source / change.path).read_bytes())


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; a web server must read it
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- to a gh-pages branch -------------------------------------------------------------------------


def git(root: Path, *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> str:
    """Run git in root; a failure is a UserError carrying git's own first line."""
    if shutil.which("git") is None:
        raise UserError("git is not installed")
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, input=stdin,
                          env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise UserError(f"git {args[0]} failed: {reason[-1] if reason else done.returncode}")
    return done.stdout


def is_git_repo(root: Path) -> bool:
    done = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True,
                          check=False)
    return done.returncode == 0


def check_repository(root: Path, remote: str, branch: str) -> None:
    """Refuse early, in one line: no repository, no such remote, or the branch is checked out."""
    if not is_git_repo(root):
        raise UserError(f"{root.resolve()} is not in a git repository; `git init` it and add a remote")
    if remote not in git(root, "remote").split():
        raise UserError(f"no git remote named '{remote}' (see `git remote -v`)")
    current = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    if current == branch:
        raise UserError(f"'{branch}' is the checked-out branch; publish from your main branch")


def publish_to_branch(config: Config, remote: str, branch: str, *, dry_run: bool) -> PublishResult:
    """Commit the site (plus .nojekyll and CNAME) as the branch's next commit, then push it."""
    root = config.root
    check_repository(root, remote, branch)
    files = _branch_files(config)
    parent = _remote_tip(root, remote, branch)
    old = _tree_blobs(root, parent) if parent else {}
    new = _hash_blobs(root, files, write=not dry_run)
    changes = [Change("add" if p not in old else "update", p) for p in sorted(new)
               if old.get(p) != new[p]] + [Change("delete", p) for p in sorted(old.keys() - new.keys())]
    target = f"{remote}/{branch}"
    if dry_run or not changes:
        return PublishResult(target, tuple(changes), None, dry_run)
    commit = _commit(root, new, parent, branch)
    git(root, "update-ref", f"refs/heads/{branch}", commit)
    git(root, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    return PublishResult(target, tuple(changes), commit, False)


def _branch_files(config: Config) -> dict[str, Path | bytes]:
    """Path in the branch -> file on disk, or bytes for the files GitHub Pages needs from us."""
    files: dict[str, Path | bytes] = {f: config.output_dir / f for f in site_files(config)}
    files.setdefault(".nojekyll", b"")  # serve folders starting with _ and skip Jekyll
    if config.cname:
        files["CNAME"] = config.cname.encode() + b"\n"
    return files


def _remote_tip(root: Path, remote: str, branch: str) -> str | None:
    """The remote branch's tip (fetched), else the local branch's, else None: a first publish."""
    listing = git(root, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
    if not listing.strip():
        local = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                               cwd=root, capture_output=True, text=True, check=False)
        return local.stdout.strip() or None  # an unpushed local branch: build on it
    git(root, "fetch", "--quiet", remote, f"refs/heads/{branch}")
    return git(root, "rev-parse", "FETCH_HEAD^{commit}").strip()


def _tree_blobs(root: Path, commit: str) -> dict[str, str]:
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        blobs[path] = meta.split()[2]
    return blobs


def _hash_blobs(root: Path, files: Mapping[str, Path | bytes], *, write: bool) -> dict[str, str]:
    """Blob ids of every file; with write, the blobs are stored in the repository."""
    flag = ["-w"] if write else []
    on_disk = {p: v for p, v in sorted(files.items()) if isinstance(v, Path)}
    blobs: dict[str, str] = {}
    if on_disk:
        listing = "\n".join(str(v.resolve()) for v in on_disk.values()) + "\n"
        ids = git(root, "hash-object", *flag, "--no-filters", "--stdin-paths", stdin=listing).split()
        blobs.update(zip(on_disk, ids, strict=True))
    for path, value in files.items():
        if isinstance(value, bytes):
            blobs[path] = _hash_bytes(root, value, flag)
    return blobs


def _hash_bytes(root: Path, data: bytes, flag: Sequence[str]) -> str:
    done = subprocess.run(["git", "hash-object", *flag, "--stdin"], cwd=root, input=data,
                          capture_output=True, check=True)
    return done.stdout.decode().strip()


def _commit(root: Path, blobs: Mapping[str, str], parent: str | None, branch: str) -> str:
    """Write a tree from a private index file, then a commit on top of parent."""
    with tempfile.TemporaryDirectory(prefix="newsarchive-index-") as folder:
        env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
        entries = "".join(f"100644 {blob}\t{path}\n" for path, blob in sorted(blobs.items()))
        git(root, "update-index", "--add", "--index-info", env=env, stdin=entries)
        tree = git(root, "write-tree", env=env).strip()
    parents = ["-p", parent] if parent else []
    message = f"Publish site ({len(blobs)} files)"
    return git(root, "commit-tree", tree, *parents, "-m", message).strip()
