"""Saved pages: the article body as plain-text paragraphs.

Measured on the dev corpus (bench/README.md): trafilatura with `favor_precision` and `fast` (no
readability/jusText fallback) scores best and costs about half the default mode's time. Precision
mode sometimes keeps only a teaser of a paywalled or oddly built page, so when its text is short
and the balanced mode finds more than twice as much, the balanced text wins. JSON-LD `articleBody`
scored worse (often a summary or cut short), so it is only the last resort.
"""

from __future__ import annotations

from lxml import etree

SHORT_BODY = 500  # characters; below this the precision result may be a teaser
MAX_TREE_SIZE = 300_000  # elements; bigger pages are not articles, and would cost seconds


def extract_body(root: etree._Element, article_body: str | None) -> tuple[tuple[str, ...], str]:
    """Body paragraphs and the rule that produced them; ((), "") when the page has none."""
    if sum(1 for _ in root.iter()) > MAX_TREE_SIZE:
        return _paragraphs(article_body or ""), "html.jsonld.articleBody" if article_body else ""
    precise = _trafilatura(root, favor_precision=True)  # it works on its own copy of the tree
    if len(precise) < SHORT_BODY:
        balanced = _trafilatura(root, favor_precision=False)
        if len(balanced) > 2 * len(precise):
            return _paragraphs(balanced), "html.body.trafilatura-balanced"
    if precise:
        return _paragraphs(precise), "html.body.trafilatura"
    if article_body:
        return _paragraphs(article_body), "html.jsonld.articleBody"
    return (), ""


def _trafilatura(root: etree._Element, *, favor_precision: bool) -> str:
    from trafilatura import bare_extraction  # imported here: a second or so, only for .html

    try:
        doc = bare_extraction(root, fast=True, favor_precision=favor_precision,
                              include_comments=False)
    except (ValueError, TypeError, AttributeError, RecursionError, etree.LxmlError):
        return ""  # a page trafilatura cannot read simply has no body from it
    return str(getattr(doc, "text", None) or "")


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in text.split("\n") if line.strip())
