"""Render: the Jinja environment, one Page -> bytes, and template fingerprints.

Escaping and strictness are not options: autoescape is always on and a missing variable is an
error, not an empty string. `render_page` is pure, so a process pool runs it with one environment
per worker.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.compiler
import jinja2.meta
from markupsafe import Markup, escape

try:  # markupsafe >= 3: the C escaping that `escape` wraps in a Markup
    from markupsafe._speedups import _escape_inner
except ImportError:  # older or pure-Python markupsafe: the same text, as a Markup
    _escape_inner = escape

from .archive import MONTH_NAMES
from .model import DateValue, Page
from .spill import SpillMemo, resolved

if TYPE_CHECKING:  # markdown-it-py is imported when a body first needs it (most builds: none)
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

    from .markdown_engine import Accelerator

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
STATIC_PREFIX = "static/"  # template names served as raw bytes (stylesheet, scripts, icons)
SAFE_LINK_SCHEMES = ("http:", "https:", "mailto:")
UNSAFE_LINK_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def make_environment(site_templates: Path | None) -> jinja2.Environment:
    """The one environment: user templates override the theme file by file, and `default/NAME`
    always reaches the built-in theme so a user template can extend the one it replaces."""
    builtin = jinja2.FileSystemLoader(BUILTIN_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = [builtin]
    if site_templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(site_templates))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"default": builtin}), *loaders]),
        autoescape=True,  # JSON outputs are made with json.dumps, not templates
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one environment per build: no stat() per include to see edits
    )
    env.code_generator_class = PlainEscapeCodeGenerator
    relurl = relurl_filter()
    env.filters["relurl"] = relurl
    env.globals["relurl"] = relurl
    env.filters["body_html"] = body_html
    env.filters["date_text"] = date_text
    env.filters["date_iso"] = date_iso
    env.filters["safe_url"] = safe_url
    return env


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one planned page; `static/` templates come back as their bytes, untouched."""
    if not page.template:
        raise ValueError(f"{page.path}: no template; its bytes are made elsewhere")
    if page.template.startswith(STATIC_PREFIX):
        return static_bytes(env, page.template)
    return env.get_template(page.template).render(resolved(page.context)).encode("utf-8")


class PlainEscapeCodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `{{ value }}` to `escape_output(value)`: the same text as `escape`, as a str.

    Escaped output is only joined into the page (or into a macro's result, which Jinja marks
    safe itself), so the Markup `escape` makes for each of ~1.3 M values per 5,000-article
    build is thrown away; making it costs more than the escaping.
    """

    def visit_Template(self, node: jinja2.nodes.Template,
                       frame: jinja2.compiler.Frame | None = None) -> None:
        self.writeline(f"from {__name__} import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: jinja2.compiler.Frame,
                          finalize: jinja2.compiler.CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


def escape_output(value: object) -> str:
    """`str(markupsafe.escape(value))`, without making the Markup for a str or a Markup."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)  # type: ignore[arg-type]
    if kind is Markup:
        return value  # type: ignore[return-value]
    return escape(value)


def static_bytes(env: jinja2.Environment, name: str) -> bytes:
    """A static asset through the same loaders as templates, so a site can override it."""
    if env.loader is None:
        raise jinja2.TemplateNotFound(name)
    source, _, _ = env.loader.get_source(env, name)
    return source.encode("utf-8")


# --- links -------------------------------------------------------------------------------------


def relative_url(target: str, page_path: str) -> str:
    """`target` (relative to the output root) as seen from `page_path`, always naming a file:
    `outlets/` -> `../outlets/index.html` from `2021/index.html`. Works from file://, under any
    sub-path of a host, and at a domain root."""
    return relative_from(target, page_folders(page_path))


def page_folders(page_path: str) -> tuple[str, ...]:
    """The folder prefixes of a page, root first: `2021/03/x/index.html` -> ("", "2021/",
    "2021/03/", "2021/03/x/"); what `relative_from` needs, worked out once per page."""
    here = page_path.lstrip("/").split("/")[:-1]
    return ("", *("/".join(here[:depth]) + "/" for depth in range(1, len(here) + 1)))


def relative_from(target: str, folders: tuple[str, ...]) -> str:
    """`relative_url` with the page's `page_folders`: a link shares the page's first k folders
    exactly when it starts with the k-th prefix, so a few `startswith` replace splitting both."""
    target = target.lstrip("/")
    if not target or target.endswith("/"):
        target += "index.html"
    depth = len(folders) - 1
    common = 0
    while common < depth and target.startswith(folders[common + 1]):
        common += 1
    return "../" * (depth - common) + target[len(folders[common]):]


def relurl_filter() -> Callable[[jinja2.runtime.Context, str], str]:
    """`{{ url | relurl }}`: relative to the page being rendered (its `page_path`). One per
    environment: it keeps each page's folders, as a page has many links (~45 on average)."""
    folders_of: dict[str, tuple[str, ...]] = {}

    @jinja2.pass_context
    def relurl(context: jinja2.runtime.Context, target: str) -> str:
        page = str(context["page_path"])
        folders = folders_of.get(page)
        if folders is None:
            folders = folders_of[page] = page_folders(page)
        return relative_from(target, folders)

    return relurl


def safe_url(url: str | None) -> str | None:
    """An external URL fit for an href: only http(s); anything else (javascript:, data:, …)
    is None, so the template shows it as text."""
    if url is None:
        return None
    candidate = url.strip()
    return candidate if candidate.lower().startswith(("http://", "https://")) else None


# --- article bodies ---------------------------------------------------------------------------


def make_markdown() -> MarkdownIt:
    """CommonMark with raw HTML off, dangerous link schemes refused, headings moved down one
    level (the article title is the page's only h1)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = _link_is_safe  # type: ignore[method-assign]
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def _link_is_safe(url: str) -> bool:
    """Refused links stay visible as text; markdown-it would allow some data: images."""
    scheme = url.strip().lower()
    return not scheme.startswith(UNSAFE_LINK_SCHEMES)


def _demote_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"


# markdown-it-pyrs renders most bodies ~10x faster with identical bytes (`markdown_engine`); it is
# optional (`pip install newsarchive[fast]`), and NEWSARCHIVE_NO_ACCELERATOR=1 or this flag set
# to False before the first body is rendered keeps every body on markdown-it-py.
USE_ACCELERATOR = os.environ.get("NEWSARCHIVE_NO_ACCELERATOR", "") in ("", "0")


def make_accelerator() -> Accelerator | None:
    if not USE_ACCELERATOR:
        return None
    try:
        from .markdown_engine import Accelerator
        return Accelerator(UNSAFE_LINK_SCHEMES)
    except ImportError:  # markdown-it-pyrs not installed: markdown-it-py alone
        return None


class BodyStore:
    """Each Markdown body rendered once per build, and kept between builds by content hash.

    An article's HTML is wanted by its page and by every feed it is in, its plain text by the
    data export and the JSON feed; both come from one parse (`markdown_html_and_text`), with
    the accelerator when it is installed and the source is one it renders alike.
    Keys are the hash of exactly what is rendered (the joined Markdown), so equal keys give
    equal output; `saved` is what a previous build made (see `cache.BodyCache`).
    """

    def __init__(self) -> None:
        self.html: dict[str, str] = {}
        self.text: dict[str, str] = {}
        self.used: set[str] = set()  # keys asked for in this build: what is worth saving
        self._md: MarkdownIt | None = None
        self._fast: Accelerator | None = None
        self._chosen = False  # whether `_fast` was decided (on the first body rendered)
        self.spill: SpillMemo | None = None  # see `for_worker`
        self.shared: SpillMemo | None = None  # see `share`

    def for_worker(self, folder: Path | None) -> None:
        """In a render worker: keep the HTML and text it makes in a file (`SpillMemo` in
        `folder`), not in memory. A body's HTML is wanted by its page and its feeds, its text
        by up to three data files, far apart; held in memory they grew each worker by the
        archive's text (~230 MiB at 20,000 articles), and not kept at all each body was parsed
        twice more for its feeds. What the build's own process loaded from the cache stays
        readable."""
        self.spill = SpillMemo(folder)

    def share(self, key: str, html: str, text: str, folder: Path | None) -> None:
        """Keep a body rendered elsewhere (by the load worker that parsed it) for this build,
        in a file the render workers forked later read: rendered in each worker that needs
        it, every body was rendered twice (its page and feeds in one worker, its data lines
        in the other). Not saved with the cache: only what a build asks for is."""
        if self.shared is None:
            self.shared = SpillMemo(folder, shared=True)
        self.shared.put((0, key), html)
        self.shared.put((1, key), text)

    def load(self, html: Mapping[str, str], text: Mapping[str, str]) -> None:
        self.html.update(html)
        self.text.update(text)

    @staticmethod
    def key(source: str) -> str:
        return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def markdown_html(self, source: str) -> str:
        return self._get(source, 0)

    def markdown_text(self, source: str) -> str:
        return self._get(source, 1)

    def _get(self, source: str, part: int) -> str:
        """Part 0 (HTML) or 1 (text) of a body, from memory, the spill file, or rendered."""
        key = self.key(source)
        self.used.add(key)
        found = (self.html, self.text)[part].get(key)
        if found is None and self.shared is not None:
            found = self.shared.find((part, key))
        if found is None and self.spill is not None:
            found = self.spill.find((part, key))
        return found if found is not None else self._render(key, source)[part]

    def render(self, source: str) -> tuple[str, str, str]:
        """(key, HTML, text) of one Markdown body, made here and not kept (for `share`)."""
        return (self.key(source), *self._made(source))

    def _made(self, source: str) -> tuple[str, str]:
        if not self._chosen:
            self._fast, self._chosen = make_accelerator(), True
        both = None if self._fast is None else self._fast.render_both(source)
        if both is None:
            if self._md is None:
                self._md = make_markdown()
            both = markdown_html_and_text(self._md, source)
        return both

    def _render(self, key: str, source: str) -> tuple[str, str]:
        both = self._made(source)
        if self.spill is None:
            self.html[key], self.text[key] = both
        else:  # both parts kept, whichever was asked for
            self.spill.put((0, key), both[0])
            self.spill.put((1, key), both[1])
        return both


BODIES = BodyStore()  # one per process: a memo of pure functions, inherited by forked workers


def body_html(entry: Any) -> Markup:
    """`{{ article | body_html }}`: Markdown through markdown-it, text as escaped paragraphs."""
    if entry.body_format == "markdown":
        return Markup(BODIES.markdown_html("\n\n".join(entry.body)))
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in entry.body)


def body_plain_text(entry: Any) -> str:
    """The body as plain text, paragraphs separated by a blank line; Markdown loses its marks
    (emphasis, link targets) but keeps every word, headings and list items included. A link
    refused for its scheme is text in the HTML, so it is the same text here."""
    if entry.body_format != "markdown":
        return "\n\n".join(entry.body)
    return BODIES.markdown_text("\n\n".join(entry.body))


def markdown_html_and_text(md: MarkdownIt, source: str) -> tuple[str, str]:
    """One parse, two outputs: the HTML `md.render` gives and the plain text of the same tokens."""
    env: dict[str, Any] = {}
    tokens = md.parse(source, env)
    return md.renderer.render(tokens, md.options, env), tokens_plain_text(tokens)


def markdown_plain_text(md: MarkdownIt, source: str) -> str:
    return tokens_plain_text(md.parse(source))


def tokens_plain_text(tokens: Sequence[Token]) -> str:
    blocks: list[str] = []
    for token in tokens:
        if token.type == "inline":
            blocks.append("".join(_inline_text(token.children or [])))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(b for b in blocks if b)


def _inline_text(children: Sequence[object]) -> Iterator[str]:
    for child in children:
        kind, content = getattr(child, "type", ""), getattr(child, "content", "")
        if kind in ("text", "code_inline"):
            yield content
        elif kind in ("softbreak", "hardbreak"):
            yield "\n" if kind == "hardbreak" else " "
        elif kind == "image":
            yield from _inline_text(getattr(child, "children", None) or [])


def date_iso(date: DateValue) -> str:
    """`{{ date | date_iso }}`: `date.iso()` as a filter, which Jinja calls directly (a method
    call goes through `Context.call`, ~2x the cost, once per date shown)."""
    return date.iso()


def date_text(date: DateValue | None) -> str:
    """A date as precise as it is known: "3 March 2021", "March 2021", "2021", "Undated"."""
    if date is None:
        return "Undated"
    if date.month is None:
        return f"{date.year:04d}"
    month = MONTH_NAMES[date.month - 1]
    return f"{month} {date.year:04d}" if date.day is None else f"{date.day} {month} {date.year:04d}"


# --- fingerprints -------------------------------------------------------------------------------


def template_hashes(env: jinja2.Environment, names: Iterable[str]) -> Mapping[str, str]:
    """Name -> hash of its resolved source and of everything it extends, includes or imports
    (`TemplateHashes`, for these names)."""
    hashes = TemplateHashes(env)
    return MappingProxyType({name: hashes[name] for name in sorted(set(names))})


class TemplateHashes:
    """Each template's hash, made when first asked for: its resolved source and everything it
    extends, includes or imports. Sources and references are read once per environment, however
    many templates share them.

    A dynamic reference makes a template depend on every template (safe); a missing name hashes
    as "missing", so adding a site override later changes the hash.
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._sources: dict[str, str | None] = {}
        self._references: dict[str, frozenset[str] | None] = {}
        self._hashes: dict[str, str] = {}
        self._every: frozenset[str] | None = None

    def __getitem__(self, name: str) -> str:
        if name not in self._hashes:
            if self._every is None:
                self._every = frozenset(self.env.list_templates())
            digest = hashlib.sha256()
            for member in sorted(_closure(name, self._references_of, self._every)):
                source = self._source_of(member)
                part = "missing" if source is None else hashlib.sha256(source.encode()).hexdigest()
                digest.update(f"{member}\0{part}\n".encode())
            self._hashes[name] = digest.hexdigest()
        return self._hashes[name]

    def _source_of(self, name: str) -> str | None:
        if name not in self._sources:
            env = self.env
            try:
                self._sources[name] = env.loader.get_source(env, name)[0] if env.loader else None
            except jinja2.TemplateNotFound:
                self._sources[name] = None
        return self._sources[name]

    def _references_of(self, name: str) -> frozenset[str] | None:
        if name not in self._references:
            source = self._source_of(name)
            self._references[name] = frozenset() if source is None or name.startswith(
                STATIC_PREFIX) else _referenced(self.env, source)
        return self._references[name]


def _referenced(env: jinja2.Environment, source: str) -> frozenset[str] | None:
    """Names a template refers to; None when one is dynamic (or the source does not parse)."""
    try:
        found = list(jinja2.meta.find_referenced_templates(env.parse(source)))
    except jinja2.TemplateSyntaxError:
        return frozenset()
    if any(name is None for name in found):
        return None
    return frozenset(name for name in found if name is not None)


def _closure(name: str, references_of: Callable[[str], frozenset[str] | None],
             every: frozenset[str]) -> frozenset[str]:
    seen = {name}
    todo = [name]
    while todo:
        refs = references_of(todo.pop())
        for ref in every if refs is None else refs:
            if ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return frozenset(seen)
