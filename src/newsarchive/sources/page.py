"""Finding the article inside a whole copied page: menus above, footers and related stories below.

General signals only: the body is the densest run of long, sentence-like lines; the headline is the
nearest title-shaped line above that run (past bylines, dates and captions).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

HeaderTest = Callable[[str], bool]

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
    ends_sentence = bool(SENTENCE_END.search(text))
    return words >= 25 or (words >= 14 and ends_sentence) or (
        words >= 9 and len(text) >= 70 and ends_sentence)


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


def _headline_candidates(texts: list[str], body_start: int, is_header: HeaderTest) -> list[int]:
    """Title-shaped lines above the body run, nearest first, skipping deks and header lines."""
    lowest = max(0, body_start - TITLE_LOOKBACK)
    out = []
    for index in range(body_start - 1, lowest - 1, -1):
        text = texts[index]
        if is_header(text) or not is_title_shaped(text):
            continue
        if is_paragraph(text) and SENTENCE_END.search(text):
            continue  # a dek or standfirst: the headline is further up
        out.append(index)
    return out


def find_title(texts: list[str], body_start: int, is_header: HeaderTest) -> int:
    """The nearest headline-shaped line with a byline or date just below it, else the nearest.

    A long unpunctuated line right under a shorter headline is its dek, so the upper one wins.
    """
    candidates = _headline_candidates(texts, body_start, is_header)
    if not candidates:
        return body_start if body_start < len(texts) else 0
    near_header = [i for i in candidates
                   if any(is_header(t) for t in texts[i + 1: min(i + 7, body_start)])]
    chosen = (near_header or candidates)[0]
    above = chosen - 1
    if above in candidates and word_count(texts[chosen]) >= 12 \
            and word_count(texts[above]) < word_count(texts[chosen]):
        return above
    return chosen


def looks_like_page(texts: list[str], body_start: int, is_furniture: HeaderTest) -> bool:
    """A whole-page copy opens with menus: a button label, short lines, or a long lead-in."""
    lead = [word_count(t) for t in texts[:8]]
    if body_start > PAGE_MIN_LEAD or is_furniture(texts[0]):
        return True
    return body_start > 6 and lead[0] <= 3 and sum(lead) <= 3 * len(lead)


def find_article(texts: list[str], is_header: HeaderTest, is_furniture: HeaderTest) -> Span:
    """Locate the article; a clean article copy (headline first) is left whole."""
    if not texts:
        return Span(0, 0, False)
    start, end = densest_run(texts)
    if not looks_like_page(texts, start, is_furniture):
        return Span(0, len(texts), False)
    return Span(find_title(texts, start, is_header), end, True)
