"""`newsarchive init`: every setting documented, nothing overwritten, --force only fills gaps."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.config import SETTINGS, load_config
from newsarchive.scaffold import site_yml


def test_init_creates_archive(tmp_path: Path) -> None:
    target = tmp_path / "news"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "site.yml").is_file()
    assert (target / ".gitignore").read_text().count("/build/") == 1
    examples = list((target / "articles").rglob("*.md"))
    assert len(examples) == 1
    config, problems = load_config(target / "site.yml")
    assert problems == []  # everything is commented out: the defaults apply
    assert config.title == "News archive"


def test_site_yml_lists_every_setting_commented() -> None:
    text = site_yml()
    for name in SETTINGS:
        assert f"\n# {name}:" in text, name
    assert yaml.safe_load(text) is None  # nothing active


def uncomment(text: str) -> str:
    """Uncomment each `# key:` example and its indented continuation lines."""
    keys = tuple(f"# {name}:" for name in SETTINGS)
    return "\n".join(line[2:] if line.startswith(keys) or line.startswith("#   ") else line
                     for line in text.splitlines()) + "\n"


def test_uncommented_examples_are_valid_config(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text(uncomment(site_yml()))
    config, problems = load_config(tmp_path / "site.yml")
    assert [p.message for p in problems] == []
    assert config.cname == "news.example.org"
    assert dict(config.author_aliases) == {"Jane Doe": ("J. Doe", "Jane A. Doe")}


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("title: Mine\n")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output and "site.yml" in result.output
    assert (tmp_path / "site.yml").read_text() == "title: Mine\n"
    assert not (tmp_path / ".gitignore").exists()


def test_init_force_adds_only_missing_files(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("title: Mine\n")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "mine.md").write_text("---\ntitle: Mine\n---\nBody\n")
    result = CliRunner().invoke(cli, ["init", "--force", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site.yml").read_text() == "title: Mine\n"
    assert (tmp_path / ".gitignore").is_file()
    assert [p.name for p in (tmp_path / "articles").rglob("*.md")] == ["mine.md"]


def test_init_on_a_file_is_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "afile")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
