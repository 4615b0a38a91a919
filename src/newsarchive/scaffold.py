"""`newsarchive init`: the files a new archive starts from, never overwriting a person's work.

The site.yml written here lists every setting of `Config`, commented out with its default, so a
person discovers the settings by reading the file rather than the docs; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import SETTINGS
from .diagnostics import UserError

# One commented block per Config field; the order follows config.py.
SETTING_DOCS: dict[str, str] = {
    "title": "# Site title, shown in every page header.\n# title: News archive",
    "description": "# One line shown on the home page and in metadata.\n"
                   "# description: A searchable archive of collected news coverage.",
    "base_url": "# Absolute URL of the published site; only used where an absolute URL is\n"
                "# required (canonical links, feeds, sitemap).\n"
                "# base_url: https://example.org/archive/",
    "language": "# Language of the site, for <html lang>.\n# language: en",
    "articles": "# Folder of article files (.txt, .md, .html), relative to this file.\n"
                "# articles: articles",
    "output": "# Output folder for the built site.\n# output: build",
    "templates": "# A folder of templates that override the built-in theme file by file.\n"
                 "# templates: templates",
    "page_size": "# Articles per listing page.\n# page_size: 20",
    "outlet_aliases": "# Other names an outlet appears under, merged into its canonical name.\n"
                      "# outlet_aliases:\n#   Associated Press: [AP, The Associated Press]",
    "author_aliases": "# Spelling variants of an author's name.\n"
                      "# author_aliases:\n#   Jane Doe: [J. Doe, Jane A. Doe]",
    "workers": "# Worker processes that parse and render; 0 = one per CPU core, 1 = none.\n# workers: 0",
    "feed_size": "# Entries per Atom/JSON feed.\n# feed_size: 50",
    "cname": "# Custom domain, written as CNAME by `newsarchive publish --gh-pages`.\n"
             "# cname: news.example.org",
}

EXAMPLE_ARTICLE = """\
---
title: Example article — replace or delete me
dek: A short summary shown under the title and in listings.
authors: [Jane Doe]
outlet: Example Gazette
date: 2024-01-15
tags: [Example]
source_url: https://example.org/news/example-article
---
This is an example article. Articles are Markdown files with YAML front matter like this one,
plain text copied from a news page (`.txt`), or saved web pages (`.html`).

Add your own with `newsarchive add`: paste copied text into it, or give it a saved file. It writes
a file like this one into `articles/`, with the fields it found in the front matter so you can
correct any of them by hand.
"""

GITIGNORE = """\
# Built site and newsarchive's working files
/build/
/build.tmp-*/
/build.old-*/
/.build.lock
/.build.spare/
/.newsarchive-cache/
"""


@dataclass(frozen=True, slots=True)
class InitResult:
    """What `init` did: files created and files left alone because they exist."""

    root: Path
    created: tuple[Path, ...]
    kept: tuple[Path, ...]


def site_yml() -> str:
    """The commented settings file; every Config setting appears, none is active."""
    missing = [name for name in SETTINGS if name not in SETTING_DOCS]
    if missing:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"settings without documentation in scaffold.py: {missing}")
    blocks = [SETTING_DOCS[name] for name in SETTINGS]
    header = ("# newsarchive settings. Every setting is optional; remove the '# ' in front of a\n"
              "# key to change it. Paths are relative to this file's folder.\n")
    return header + "\n" + "\n\n".join(blocks) + "\n"


def scaffold_files() -> dict[str, str]:
    """Relative path -> text of every file a new archive gets."""
    return {
        "site.yml": site_yml(),
        "articles/2024/2024-01-15-example-article.md": EXAMPLE_ARTICLE,
        ".gitignore": GITIGNORE,
    }


def init_archive(root: Path, *, force: bool = False) -> InitResult:
    """Create the files; refuse when any exists, or with force add only the missing ones."""
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} exists and is not a folder")
    files = scaffold_files()
    existing = [root / rel for rel in files if (root / rel).exists()]
    if (root / "articles").exists() and not force:
        existing.append(root / "articles")
    if existing and not force:
        names = ", ".join(str(p) for p in sorted(set(existing)))
        raise UserError(f"refusing to overwrite {names}; use --force to add only missing files")
    if force and (root / "articles").is_dir() and any((root / "articles").iterdir()):
        files = {k: v for k, v in files.items() if not k.startswith("articles/")}  # theirs, not ours
    created: list[Path] = []
    for rel, text in files.items():
        target = root / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never clobber a racing writer
            handle.write(text)
        created.append(target)
    kept = tuple(sorted(p for p in existing if p.is_file()))
    return InitResult(root, tuple(created), kept)
