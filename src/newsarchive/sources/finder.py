"""Where the article is inside a whole copied page: the body run, then the headline above it.

General signals only: the body is the densest run of long, sentence-like lines. The headline is
the title-shaped line above it that best shares the lede's words, sits next to a byline or date,
is printed again elsewhere on the page (breadcrumbs, share text, "responses to X"), and is near
the body; a line inside a list of other title-shaped lines (related stories) counts less.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .page import is_glued_teaser, is_paragraph, is_title_shaped, normalise, word_count

HeaderTest = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class LineTests:
    """What the finder asks of a line; the loader's header rules answer (kept out to avoid a cycle)."""

    is_header: HeaderTest  # anything that sits around a headline: dates, bylines, captions, buttons
    is_furniture: HeaderTest  # buttons, counters, ad labels
    is_byline: HeaderTest  # a person's byline (prefixed, or a mixed-case name line)
    is_dated: HeaderTest  # a line that carries a date

PAGE_MIN_LEAD = 30  # lines before the body run: more than this and the copy is a whole page
TITLE_LOOKBACK = 40  # how far above the body run the headline may sit
LEDE_LINES = 6  # body paragraphs whose words a headline is compared with
COUNT_TAIL = re.compile(r"\(\d[\d,.]*[kKmM]?\)\s*$")  # `Headline (185)`: a most-read list's entry
CONTENT_WORD = re.compile(r"[^\W\d_]{4,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}")


@dataclass(frozen=True, slots=True)
class Span:
    """Where the article is, as indexes into the list of non-blank lines."""

    title: int  # index of the headline
    body_end: int  # index after the last body line
    whole_page: bool  # True when the text was a whole-page copy


@dataclass(frozen=True, slots=True)
class HeadlineWeights:
    """How much each piece of evidence counts when choosing the headline (see headline_score)."""

    lede_words: float = 2.5  # share of the line's content words found in the lede
    byline_below: float = 2.0  # a person's byline within three lines below
    date_below: float = 1.0  # a date within three lines below
    header_near: float = 0.5  # any header line within six lines below, or a byline right above
    printed_again: float = 1.0  # the same line printed once or twice more on the page
    printed_often: float = -1.0  # printed four times or more: a repeated caption or label
    beat_first_line: float = 1.0  # how much better than line 1 a lower headline must score
    in_list: float = -1.0  # title-shaped lines on both sides: a list of related stories
    in_records: float = -1.0  # one of 3+ teasers of the same shape (`LABEL / headline / date`)
    per_line_away: float = -0.03  # distance from the first body paragraph
    sentence_end: float = -0.8  # ends like a sentence: more often a dek than a headline


WEIGHTS = HeadlineWeights()


def _weights(texts: list[str]) -> list[float]:
    """Long lines pull a run together; short lines (menus, buttons) push it apart. A line ending
    in a bare count (`Headline (185)`: comments or reads) or a headline glued to its summary is a
    list entry, however long."""
    out: list[float] = []
    for text in texts:
        if COUNT_TAIL.search(text) or is_glued_teaser(text):
            out.append(-0.35)
        elif is_paragraph(text):
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


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in CONTENT_WORD.findall(text)}


def _is_candidate(text: str, is_header: HeaderTest) -> bool:
    """Title-shaped, not a header line, not a dek-like full sentence paragraph."""
    if not is_title_shaped(text) or is_header(text):  # the cheap test first
        return False
    return not (is_paragraph(text) and text.rstrip().endswith((".", "。")))


@dataclass(frozen=True, slots=True)
class PageView:
    """The page's lines with what the headline score needs computed once."""

    texts: list[str]
    tests: LineTests
    lede: frozenset[str]  # content words of the first body paragraphs
    printed: dict[str, int]  # normalised line -> how many times it is printed


RECORD_PERIODS = (2, 3, 4)  # lines per teaser in a list of related stories
RECORD_COUNT = 3  # teasers of the same shape in a row make a list


def _shape(text: str, tests: LineTests) -> str:
    """What a line is, coarsely, so that the teasers of a related-stories list look alike."""
    if _is_candidate(text, tests.is_header):
        return "headline"
    if tests.is_dated(text):
        return "date"
    if tests.is_byline(text):
        return "byline"
    return "label" if word_count(text) <= 3 else "text"


def in_record_list(view: PageView, index: int, limit: int) -> bool:
    """The line is one of RECORD_COUNT teasers in a row whose lines repeat the same shapes
    (`AUTO NEWS / headline / May 15, 2017`, thrice): a list of related stories, not the article.

    A headline's own header (label, headline, byline, date) is printed once, so it never repeats.
    Teasers sit above the body (`limit`); shapes are computed only where headlines repeat.
    """
    texts, tests, size = view.texts, view.tests, min(limit, len(view.texts))
    shapes: dict[int, str] = {}

    def shape(i: int) -> str:
        if i not in shapes:
            shapes[i] = _shape(texts[i], tests) if 0 <= i < size else ""
        return shapes[i]

    for period in RECORD_PERIODS:
        span = period * RECORD_COUNT
        heads = [m for m in range(1 - RECORD_COUNT, RECORD_COUNT)
                 if 0 <= index + m * period < size
                 and _is_candidate(texts[index + m * period], tests.is_header)]
        if not any(all(m in heads for m in range(first, first + RECORD_COUNT))
                   for first in range(1 - RECORD_COUNT, 1)):
            continue
        for start in range(max(0, index - span + 1), min(index + 1, size - span + 1)):
            if len({shape(j) for j in range(start, start + period)}) > 1 and all(
                    shape(j) == shape(j + period) for j in range(start, start + span - period)):
                return True
    return False


def headline_score(view: PageView, index: int, body_start: int) -> float:
    """Evidence that texts[index] is the headline (weights in HeadlineWeights)."""
    texts, tests, w = view.texts, view.tests, WEIGHTS
    is_header = tests.is_header
    text = texts[index]
    own = _content_words(text)
    score = w.lede_words * (len(own & view.lede) / len(own) if own else 0.0)
    close = texts[index + 1: index + 4]
    if any(tests.is_byline(t) for t in close):
        score += w.byline_below
    if any(tests.is_dated(t) for t in close):
        score += w.date_below
    if any(is_header(t) for t in texts[index + 1: index + 7]) or (
            index > 0 and tests.is_byline(texts[index - 1])):
        score += w.header_near
    printed = view.printed.get(normalise(text), 0)
    if 2 <= printed <= 3:
        score += w.printed_again
    elif printed >= 4:  # a headline is printed at most thrice (title, breadcrumb, share text)
        score += w.printed_often
    if 0 < index < len(texts) - 1 and all(
            _is_candidate(texts[i], is_header) for i in (index - 1, index + 1)):
        score += w.in_list
    if in_record_list(view, index, body_start):
        score += w.in_records
    if text.rstrip().endswith("."):
        score += w.sentence_end
    return score + w.per_line_away * (body_start - index)


def _body_start(texts: list[str], run_start: int) -> int:
    """The first sentence-like paragraph of the run (a caption may open the run)."""
    return next((i for i in range(run_start, min(run_start + 8, len(texts)))
                 if is_paragraph(texts[i]) and texts[i].rstrip().endswith((".", "。", "”", '"'))),
                run_start)


def _page_view(texts: list[str], body_start: int, tests: LineTests) -> PageView:
    lede: set[str] = set()
    for text in [t for t in texts[body_start: body_start + 12] if is_paragraph(t)][:LEDE_LINES]:
        lede |= _content_words(text)
    printed: dict[str, int] = {}
    for text in texts:
        key = normalise(text)
        printed[key] = printed.get(key, 0) + 1
    return PageView(texts, tests, frozenset(lede), printed)


@dataclass(frozen=True, slots=True)
class HeadlineChoice:
    """The chosen headline and whether it clearly beat the page's first line at being one."""

    index: int
    beats_first_line: bool  # the first line is no candidate, or scores lower


def find_title(texts: list[str], run_start: int, tests: LineTests) -> HeadlineChoice:
    """The best-scoring headline candidate above the body; a long unpunctuated line right under
    a shorter candidate is that headline's dek, so the upper one wins."""
    body_start = _body_start(texts, run_start)
    lowest = max(0, body_start - TITLE_LOOKBACK)
    candidates = [i for i in range(body_start - 1, lowest - 1, -1)
                  if _is_candidate(texts[i], tests.is_header)]
    if not candidates:
        return HeadlineChoice(body_start if body_start < len(texts) else 0, False)
    view = _page_view(texts, body_start, tests)
    scores = {i: headline_score(view, i, body_start) for i in candidates}
    chosen = max(candidates, key=lambda i: (scores[i], i))
    above = chosen - 1
    if above in candidates and above - 1 not in candidates and word_count(texts[chosen]) >= 8 \
            and 4 <= word_count(texts[above]) < word_count(texts[chosen]) \
            and not texts[chosen].rstrip().endswith("."):
        chosen = above  # unless the upper line is itself one of a list of headlines
    first = scores.get(0)
    first_bylined = any(tests.is_byline(t) for t in texts[1:4])  # a menu has no byline under it
    beats = not first_bylined and (first is None or first + WEIGHTS.beat_first_line < scores[chosen])
    return HeadlineChoice(chosen, chosen > 0 and beats)


def heads_article(texts: list[str], index: int, is_header: HeaderTest) -> bool:
    """A headline has a byline, date or caption below it, or the body starts right away."""
    return any(is_header(t) for t in texts[index + 1: index + 7]) or any(
        is_paragraph(t) for t in texts[index + 1: index + 4])


def looks_like_page(texts: list[str], body_start: int, tests: LineTests) -> bool:
    """A whole-page copy opens with menus: a button label, short lines, or a long lead-in."""
    is_header, is_furniture = tests.is_header, tests.is_furniture
    lead = [word_count(t) for t in texts[:8]]
    if body_start > PAGE_MIN_LEAD or is_furniture(texts[0]):
        return True
    if not heads_article(texts, 0, is_header):
        return True
    return body_start > 6 and lead[0] <= 3 and sum(lead) <= 3 * len(lead)


def find_article(texts: list[str], tests: LineTests) -> Span:
    """Locate the article; a clean article copy (headline first) is left whole."""
    if not texts:
        return Span(0, 0, False)
    is_header = tests.is_header
    start, end = densest_run(texts)
    choice = find_title(texts, start, tests)
    title = choice.index
    first_header = next((i for i in range(1, min(len(texts), title + 7)) if is_header(texts[i])),
                        len(texts))
    kicker_only = title == 1 and word_count(texts[0]) <= 2  # `EXCLUSIVE` above: text.py's rule
    moved_headline = 0 < title < first_header < title + 7 and not kicker_only
    if choice.beats_first_line and not kicker_only:
        return Span(title, end, True)
    if not moved_headline and not looks_like_page(texts, start, tests):
        return Span(0, len(texts), False)
    return Span(title, end, True)
