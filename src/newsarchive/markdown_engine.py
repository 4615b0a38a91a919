"""The optional Markdown accelerator: markdown-it-pyrs (Rust) where it is known to give the very
bytes markdown-it-py gives with `render.make_markdown`, and None where it might not.

markdown-it-pyrs takes no Python plugins, so our two rules are met another way:

- Headings one level down: a post-process on its HTML. Raw HTML is off, so every `<` the author
  wrote comes out as `&lt;`; the only `<h1>`…`</h6>` in the output are real headings (they never
  carry attributes), and the substitution cannot touch anything else.
- Refused link schemes: pyrs has markdown-it's default rule (which allows `data:image/png` and
  the like, and does not trim a destination before checking it, so `< javascript:x>` passes),
  not ours. Rather than reproduce ours, any source that could reach it goes to markdown-it-py:
  see `needs_fallback`.

Sources that fall back to markdown-it-py (`needs_fallback` / `render_both` returning None):

- an unsafe scheme (`UNSAFE_LINK_SCHEMES`: javascript:, data:, vbscript:, file:) appears
  anywhere in the text once backslash escapes and character references are decoded and case is
  folded: `JaVaScRiPt:`, `&#106;avascript:`, `javascript&colon;`, `javascript\\:` all count. A
  mere mention ("data: 40 %") falls back too; that is only slower.
- a backtick after a `[`: markdown-it-pyrs 0.4 (markdown-it.rs 0.6) panics on an unclosed
  code span inside a link label (`[`]`, `[a `` b]`); backticks are rare in news text, so any
  `[` before a backtick falls back rather than trying to tell which would panic. A panic that
  still happens is caught (Rust prints its message to stderr) and falls back too.
- an image whose alt text has a character reference, a backslash escape or a line break:
  pyrs leaves them out of the `alt` attribute, markdown-it-py keeps them.
- a code block right after the text of a tight list item (`- a` then a fence on the next
  line): markdown-it-py starts the `<pre>` on the same line, pyrs on the next.
- a NUL character: markdown-it-py replaces it with U+FFFD before parsing (so in the text
  too, and in link destinations), pyrs only when writing HTML.
- whitespace other than space, tab and line breaks (no-break space, vertical tab, form feed,
  U+2028, ideographic space, …): markdown-it-py strips it from the ends of a paragraph or
  heading (Python's `str.strip`), pyrs does not.
- a code span of spaces only (`` `  ` ``): pyrs strips a space from each end, CommonMark and
  markdown-it-py keep them all; any backtick, blanks, backtick sequence falls back.
- a character reference to whitespace (`&#10;`, `&Tab;`, `&nbsp;`, …): pyrs trims it like
  source whitespace before a line break, markdown-it-py keeps it.
- an empty blockquote or list item (`>` alone): markdown-it-py writes `<blockquote></blockquote>`,
  pyrs puts a line break inside.
- `*` or `_` next to a non-ASCII symbol (emoji, €, ©, °: Unicode category S*): markdown-it-py
  counts symbols as punctuation when deciding what can open or close emphasis (CommonMark
  0.31), pyrs does not (`# word*🙂*`).
- a blockquote followed, with no blank line between, by a line starting with an ordered-list
  number other than 1 (`> a` then `2) b`): markdown-it-py ends the quote and starts a list,
  pyrs continues the quoted paragraph.
- nesting deeper than `MAX_DEPTH` nodes: markdown-it-py's commonmark preset stops nesting at 20
  levels, pyrs at 100.
- a code fence that runs to the end of a source with no final newline (unclosed, or closed on
  the last line): markdown-it-py drops a last whitespace-only line there and ends the code
  without a newline, pyrs keeps the line and adds one.
- any node kind the plain-text walk does not know (none with the plugins enabled here).

The plain text comes from pyrs's syntax tree, walked the way `render.markdown_plain_text` walks
markdown-it-py's tokens (a tight list item's text is the item's own inline children in pyrs,
a hidden paragraph in markdown-it-py). `tests/test_markdown_engine.py` renders every body in the
repository and generated Markdown with both engines and asserts equal HTML and text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

# markdown-it-pyrs's "commonmark" preset without html_block/html_inline (raw HTML off); linkify,
# typographer (replacements, smartquotes) and the GFM extras stay off, as in markdown-it-py's.
PLUGINS = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
           "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link",
           "newline"]
MAX_DEPTH = 12  # tree depth under the root; markdown-it-py's limit (20 levels) is never reached

_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_ODD_SPACE = re.compile("[%s]" % "".join(  # noqa: UP031
    re.escape(chr(c)) for c in range(0x3000 + 1) if chr(c).isspace() and chr(c) not in " \t\n\r"))
_SPACE_CODE = re.compile(r"`[ \t\r\n]+`")  # line endings in a code span are spaces
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# a quote line, then (no blank line between) a line opening with an ordered-list number but 1
_QUOTE_THEN_ORDERED = re.compile(
    r"^[ \t]*>.*\n(?:[ \t]*\S.*\n)*?[ \t>]*(?!1[.)])[0-9]{1,9}[.)]", re.MULTILINE)
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark's escapable ASCII punctuation

_INLINE_TEXT = frozenset({"text", "text_special"})
_INLINE = frozenset({"text", "text_special", "softbreak", "hardbreak", "em", "strong", "link",
                     "image", "code_inline", "autolink"})
_IN_ALT = frozenset({"text", "em", "strong", "link", "image"})  # what pyrs puts in alt alike
_INLINE_BLOCKS = frozenset({"paragraph", "heading", "lheading"})
_CODE_BLOCKS = frozenset({"code_block", "fence"})
_CONTAINERS = frozenset({"blockquote", "bullet_list", "ordered_list", "list_item"})
_LEAF_BLOCKS = frozenset({"hr", "definition"})


class _Unsupported(Exception):
    """The tree has something the walk does not know, or is too deep: use markdown-it-py."""


def _demote(match: re.Match[str]) -> str:
    return f"<{match[1]}h{min(6, int(match[2]) + 1)}>"


class Accelerator:
    """markdown-it-pyrs configured like `render.make_markdown`, for the sources it renders alike."""

    def __init__(self, unsafe_schemes: Sequence[str]) -> None:
        from markdown_it_pyrs import MarkdownIt

        self._md = MarkdownIt("zero").enable_many(PLUGINS)  # type: ignore[arg-type]
        self._unsafe = tuple(s.rstrip(":").lower() for s in unsafe_schemes)
        self._longest = max(len(s) for s in self._unsafe)

    def needs_fallback(self, source: str) -> bool:
        """True when a link-safety rule could matter (an unsafe scheme in any spelling) or
        pyrs could panic (a backtick after a `[`)."""
        if "\0" in source:
            return True
        odd_space_possible = not source.isascii() or "\v" in source or "\f" in source
        if odd_space_possible and _ODD_SPACE.search(source) is not None:
            return True
        if not source.isascii() and _symbol_beside_delimiter(source):
            return True
        if ">" in source and _QUOTE_THEN_ORDERED.search(source):
            return True
        tick = source.rfind("`")
        if tick >= 0 and (0 <= source.find("[") < tick or _SPACE_CODE.search(source)):
            return True
        text = source
        if "\\" in text:
            text = _BACKSLASH_ESCAPE.sub(r"\1", text)
        if "&" in text and any(html.unescape(m[0]).isspace() for m in _REFERENCE.finditer(text)):
            return True
        if "&" in text:  # html.unescape decodes every reference markdown-it does, and more
            text = html.unescape(text)
        # "scheme:" in text.lower(), looked for only before each colon (str.lower never
        # shortens a string, so the window of `_longest` characters is enough)
        colon = text.find(":")
        while colon >= 0:
            if text[max(0, colon - self._longest):colon].lower().endswith(self._unsafe):
                return True
            colon = text.find(":", colon + 1)
        return False

    def render_both(self, source: str) -> tuple[str, str] | None:
        """(HTML, plain text) byte-identical to markdown-it-py's, or None: use markdown-it-py."""
        if self.needs_fallback(source):
            return None
        try:
            text = tree_plain_text(self._md.tree(source), final_newline=source.endswith("\n"))
            rendered = self._md.render(source)
        except _Unsupported:
            return None
        except BaseException as exc:  # pyo3's PanicException derives from BaseException
            if type(exc).__name__ != "PanicException":
                raise
            return None
        return _HEADING_TAG.sub(_demote, rendered), text


def _symbol_beside_delimiter(source: str) -> bool:
    """Whether a `*` or `_` has a non-ASCII symbol just before or after it (those neighbours
    decide whether a delimiter run can open or close emphasis)."""
    last = len(source) - 1
    for mark in "*_":
        index = source.find(mark)
        while index >= 0:
            for near in (index - 1, index + 1):
                if 0 <= near <= last and not source[near].isascii() and (
                        unicodedata.category(source[near]).startswith("S")):
                    return True
            index = source.find(mark, index + 1)
    return False


def tree_plain_text(root: Any, final_newline: bool = True) -> str:
    """`render.markdown_plain_text` over a pyrs tree: each paragraph's or heading's text, each
    code block's content, joined by blank lines. Raises `_Unsupported` for a tree pyrs may
    render otherwise than markdown-it-py."""
    blocks: list[str] = []
    _blocks(root, blocks, 0, -1 if final_newline else root.srcmap[1])
    return "\n\n".join(b for b in blocks if b)


def _blocks(node: Any, out: list[str], depth: int, end: int) -> None:
    """`end`: the source's length in bytes when it has no final newline, else -1."""
    if depth > MAX_DEPTH:
        raise _Unsupported
    run: list[str] | None = None  # a tight list item's inline children (no paragraph node)
    for child in node.children:
        name = child.name
        if name in _INLINE:
            if run is None:
                run = []
            _inline(child, run, depth + 1)
            continue
        after_text = run is not None
        if run is not None:
            out.append("".join(run))
            run = None
        if name in _INLINE_BLOCKS:
            parts: list[str] = []
            for grandchild in child.children:
                _inline(grandchild, parts, depth + 2)
            out.append("".join(parts))
        elif name in _CODE_BLOCKS:
            if name == "fence" and child.srcmap[1] == end:
                raise _Unsupported("fence at the end of a source without a final newline")
            if after_text:
                raise _Unsupported("code block after a tight list item's text")
            out.append(child.meta["content"].rstrip("\n"))
        elif name in _CONTAINERS:
            if not child.children:
                raise _Unsupported(f"empty {name}")
            _blocks(child, out, depth + 1, end)
        elif name not in _LEAF_BLOCKS:
            raise _Unsupported(name)
    if run is not None:
        out.append("".join(run))


def _inline(node: Any, out: list[str], depth: int, in_image: bool = False) -> None:
    if depth > MAX_DEPTH:
        raise _Unsupported
    name = node.name
    if in_image and name not in _IN_ALT:
        raise _Unsupported(f"{name} in an image's alt text")
    if name in _INLINE_TEXT:
        out.append(node.meta["content"])
    elif name == "softbreak":
        out.append(" ")
    elif name == "hardbreak":
        out.append("\n")
    elif name in _INLINE:
        in_image = in_image or name == "image"
        for child in node.children:
            _inline(child, out, depth + 1, in_image)
    else:
        raise _Unsupported(name)
