"""`newsarchive publish`: --to a folder and --gh-pages to a local bare repository, with refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsarchive.cli import cli
from newsarchive.publish import PUBLISHED_MARKER

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def invoke(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--config", str(site / "site.yml")])


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built archive in a git repository whose `origin` is a bare repository in tmp_path."""
    root = tmp_path / "site"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "site.yml").write_text("title: Test archive\ncname: news.example.org\n")
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "archive")
    git(root, "remote", "add", "origin", str(tmp_path / "remote.git"))
    result = invoke(root, "build")
    assert result.exit_code == 0, result.output
    return root


def edit_article(site: Path, text: str = "\nOne more paragraph.\n") -> None:
    article = next((site / "articles").rglob("*.md"))
    article.write_text(article.read_text() + text)


def test_gh_pages_commits_and_pushes_without_touching_the_work_tree(site: Path, tmp_path: Path) -> None:
    head, status = git(site, "rev-parse", "HEAD"), git(site, "status", "--porcelain")
    result = invoke(site, "publish", "--gh-pages")
    assert result.exit_code == 0, result.output
    assert "published to origin/gh-pages" in result.output
    remote = tmp_path / "remote.git"
    files = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert {".nojekyll", "CNAME", "index.html", "404.html"} <= set(files)
    assert ".newsarchive-manifest.json" not in files
    assert git(remote, "show", "gh-pages:CNAME") == "news.example.org\n"
    built = (site / "build" / "index.html").read_text()
    assert git(remote, "show", "gh-pages:index.html") == built
    # the user's branch, index and files are untouched
    assert git(site, "rev-parse", "HEAD") == head
    assert git(site, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(site, "status", "--porcelain") == status
    # a second publish with nothing new commits nothing
    again = invoke(site, "publish", "--gh-pages")
    assert again.exit_code == 0 and "up to date" in again.output
    assert len(git(remote, "rev-list", "gh-pages").split()) == 1


def test_gh_pages_next_publish_is_a_child_commit(site: Path, tmp_path: Path) -> None:
    assert invoke(site, "publish", "--gh-pages").exit_code == 0
    edit_article(site)
    git(site, "commit", "-q", "-am", "edit")
    assert invoke(site, "build").exit_code == 0
    result = invoke(site, "publish", "--gh-pages")
    assert result.exit_code == 0, result.output
    assert "updated" in result.output and " 0 updated" not in result.output
    assert len(git(tmp_path / "remote.git", "rev-list", "gh-pages").split()) == 2


def test_gh_pages_dry_run_pushes_nothing(site: Path, tmp_path: Path) -> None:
    result = invoke(site, "publish", "--gh-pages", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "add    index.html" in result.output and "dry run" in result.output
    assert git(tmp_path / "remote.git", "branch", "--list") == ""
    assert "gh-pages" not in git(site, "branch", "--list")


def test_refuses_uncommitted_changes_unless_forced(site: Path) -> None:
    edit_article(site)
    result = invoke(site, "publish", "--gh-pages")
    assert result.exit_code == 1
    assert "uncommitted changes" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    forced = invoke(site, "publish", "--gh-pages", "--force")
    assert forced.exit_code == 0, forced.output


def test_refuses_stale_build(site: Path, tmp_path: Path) -> None:
    edit_article(site)
    git(site, "commit", "-q", "-am", "edit without building")
    result = invoke(site, "publish", "--to", str(tmp_path / "share"))
    assert result.exit_code == 1
    assert "the build is stale" in result.output
    assert not (tmp_path / "share").exists()


def test_refuses_template_change_as_stale(site: Path, tmp_path: Path) -> None:
    (site / "site.yml").write_text("title: Test archive\ntemplates: templates\n")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text('{% extends "default/404.html" %}\n')
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "templates")
    assert invoke(site, "build").exit_code == 0
    assert invoke(site, "publish", "--to", str(tmp_path / "share")).exit_code == 0
    (site / "templates" / "404.html").write_text('{% extends "default/404.html" %}{# changed #}\n')
    git(site, "commit", "-q", "-am", "template edit")
    result = invoke(site, "publish", "--to", str(tmp_path / "share"))
    assert result.exit_code == 1 and "stale" in result.output


def test_not_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    CliRunner().invoke(cli, ["init", str(root)])
    assert invoke(root, "build").exit_code == 0
    result = invoke(root, "publish", "--gh-pages")
    assert result.exit_code == 1
    assert "not in a git repository" in result.output


def test_unknown_remote(site: Path) -> None:
    result = invoke(site, "publish", "--gh-pages", "--remote", "upstream")
    assert result.exit_code == 1 and "no git remote named 'upstream'" in result.output


def test_no_build_yet(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path / "s")])
    result = invoke(tmp_path / "s", "publish", "--to", str(tmp_path / "share"))
    assert result.exit_code == 1 and "run `newsarchive build` first" in result.output


def test_needs_exactly_one_target(site: Path, tmp_path: Path) -> None:
    assert invoke(site, "publish").exit_code == 2
    assert invoke(site, "publish", "--gh-pages", "--to", str(tmp_path / "x")).exit_code == 2


def test_to_folder_copies_only_changed_files(site: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "keep").mkdir(parents=True)
    (share / "keep" / "theirs.txt").write_text("not ours")
    dry = invoke(site, "publish", "--to", str(share), "--dry-run")
    assert dry.exit_code == 0 and "add    index.html" in dry.output
    assert not (share / "index.html").exists()
    first = invoke(site, "publish", "--to", str(share))
    assert first.exit_code == 0, first.output
    assert (share / "index.html").read_bytes() == (site / "build" / "index.html").read_bytes()
    assert (share / PUBLISHED_MARKER).is_file()
    untouched = share / "404.html"
    stamp = untouched.stat().st_mtime_ns
    edit_article(site)
    git(site, "commit", "-q", "-am", "edit")
    assert invoke(site, "build").exit_code == 0
    second = invoke(site, "publish", "--to", str(share))
    assert second.exit_code == 0, second.output
    assert "updated" in second.output and " 0 updated" not in second.output
    assert untouched.stat().st_mtime_ns == stamp  # unchanged files are not rewritten
    assert (share / "keep" / "theirs.txt").read_text() == "not ours"  # never delete what is not ours
    assert invoke(site, "publish", "--to", str(share)).output.strip().endswith("is up to date")


def test_to_folder_removes_only_files_it_published(site: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    assert invoke(site, "publish", "--to", str(share)).exit_code == 0
    article = next((site / "articles").rglob("*.md"))
    old_pages = {p.relative_to(share).as_posix() for p in share.rglob("index.html")}
    article.write_text(article.read_text().replace("title: Example article", "title: Renamed article"))
    git(site, "commit", "-q", "-am", "retitle")
    assert invoke(site, "build").exit_code == 0
    result = invoke(site, "publish", "--to", str(share))
    assert result.exit_code == 0, result.output
    assert "deleted" in result.output and " 0 deleted" not in result.output
    new_pages = {p.relative_to(share).as_posix() for p in share.rglob("index.html")}
    assert new_pages != old_pages
    built = {p.relative_to(site / "build").as_posix() for p in (site / "build").rglob("index.html")}
    assert new_pages == built


def test_to_folder_refuses_the_output_folder(site: Path) -> None:
    result = invoke(site, "publish", "--to", str(site / "build" / "copy"))
    assert result.exit_code == 1 and "overlaps the output folder" in result.output
