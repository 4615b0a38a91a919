"""site.yml: defaults, typed values, unknown keys with suggestions, bad values with lines."""

from __future__ import annotations

from pathlib import Path

from newsarchive.config import Config, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "site.yml")
    assert problems == []
    assert config == Config(root=tmp_path)
    assert config.articles_dir == tmp_path / "articles"
    assert config.output_dir == tmp_path / "build"


def test_values_are_typed(tmp_path: Path) -> None:
    config, problems = load_config(write(tmp_path, (
        "title: My archive\nbase_url: https://example.org/a\npage_size: 7\n"
        "outlet_aliases:\n  Harbor Ledger: [The Ledger, HL]\ntemplates: theme\n")))
    assert problems == []
    assert config.title == "My archive"
    assert config.base_url == "https://example.org/a/"
    assert config.page_size == 7
    assert dict(config.outlet_aliases) == {"Harbor Ledger": ("The Ledger", "HL")}
    assert config.templates_dir == tmp_path / "theme"


def test_unknown_key_is_reported_with_suggestion_and_line(tmp_path: Path) -> None:
    _, problems = load_config(write(tmp_path, "title: X\npage_sise: 3\n"))
    assert [(p.code, p.line, p.severity) for p in problems] == [("config.unknown-key", 2, "warning")]
    assert "did you mean 'page_size'" in problems[0].message


def test_bad_values_are_errors_with_lines(tmp_path: Path) -> None:
    _, problems = load_config(write(tmp_path, "page_size: zero\nbase_url: example.org\nworkers: -1\n"))
    assert [(p.code, p.line) for p in problems] == [
        ("config.bad-value", 1), ("config.bad-value", 2), ("config.bad-value", 3)]
    assert all(p.severity == "error" for p in problems)


def test_invalid_yaml_is_one_error(tmp_path: Path) -> None:
    _, problems = load_config(write(tmp_path, "title: [unclosed\n"))
    assert [p.code for p in problems] == ["config.invalid"]
