"""Finding the article inside a whole copied page: menus above, footers and related stories below.

General signals only: the body is the densest run of long, sentence-like lines; the headline is the
nearest title-shaped line above that run (past bylines, dates and captions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?…。！？»”\"')]\s*$")
PAGE_MIN_LEAD = 30  # lines before the body run: more than this and the copy is a whole page
TITLE_LOOKBACK = 25  # how far above the body run the headline may sit


@dataclass(frozen=True, slots=True)
class Span:
    """Where the article is, as indexes into the list of non-blank lines."""

    title: int  # index of the headline
    body_end: int  # index after the last body line
    whole_page: bool  # True when the text was a whole-page copy


def word_count(text: str) -> int:
    """Words, counting two CJK characters as a word (those scripts have no spaces)."""
    return max(len(text.split()), len(CJK.findall(text)) // 2)


def is_paragraph(text: str) -> bool:
    """A long, sentence-like line: what article bodies are made of."""
    words = word_count(text)
    return words >= 14 or (words >= 9 and len(text) >= 70 and bool(SENTENCE_END.search(text)))


def is_title_shaped(text: str) -> bool:
    """A headline: 3-30 words, not ending like a sentence of a paragraph, not a bare label."""
    words = word_count(text)
    if not 3 <= words <= 30 or len(text) < 15 or len(text) > 250:
        return False
    return not text.rstrip().endswith((",", ":", ";")) and not text.startswith(("©", "("))


def _weights(texts: list[str]) -> list[float]:
    """Long lines pull a run together; short lines (menus, buttons) push it apart."""
    out: list[float] = []
    for text in texts:
        if is_paragraph(text):
            out.append(min(len(text) / 80.0, 4.0))
        else:
            out.append(-0.35 if word_count(text) <= 12 else 0.2)
    return out


def densest_run(texts: list[str]) -> tuple[int, int]:
    """(start, end) of the maximum-weight run of lines (Kadane), end exclusive."""
    best, best_span = 0.0, (0, len(texts))
    total, start = 0.0, 0
    for index, weight in enumerate(_weights(texts)):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def find_title(texts: list[str], body_start: int, is_header: object) -> int:
    """Nearest title-shaped line above the body run that is not a byline, date or caption."""
    check = is_header if callable(is_header) else (lambda _t: False)
    lowest = max(0, body_start - TITLE_LOOKBACK)
    fallback = None
    for index in range(body_start - 1, lowest - 1, -1):
        text = texts[index]
        if check(text) or not is_title_shaped(text):
            continue
        if is_paragraph(text) and SENTENCE_END.search(text):
            fallback = index if fallback is None else fallback
            continue  # a dek or standfirst: the headline is further up
        return index
    return fallback if fallback is not None else body_start


def find_article(texts: list[str], is_header: object) -> Span:
    """Locate the article; a clean article copy (headline first) is left whole."""
    if not texts:
        return Span(0, 0, False)
    start, end = densest_run(texts)
    lead = [word_count(t) for t in texts[:8]]
    lead_is_menu = start > 6 and lead[0] <= 3 and sum(lead) <= 3 * len(lead)
    if start <= PAGE_MIN_LEAD and not lead_is_menu:
        return Span(0, len(texts), False)
    return Span(find_title(texts, start, is_header), end, True)
