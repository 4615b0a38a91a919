"""Saved pages: the article body as plain-text paragraphs."""

from __future__ import annotations

from lxml import etree


def extract_body(root: etree._Element, article_body: str | None, title: str
                 ) -> tuple[tuple[str, ...], str]:
    """Body paragraphs and the rule that produced them."""
    from trafilatura import bare_extraction

    doc = bare_extraction(root, include_comments=False)
    text = getattr(doc, "text", None) or ""
    return tuple(p.strip() for p in text.split("\n") if p.strip()), "html.body.trafilatura"
