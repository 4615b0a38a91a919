"""Where an article ends inside its body span: before related-story teasers, a comment thread or
the author's bio box.

The page finder's densest run of long lines runs on past the article, because the teaser lists
under it (a headline and a one-sentence summary, repeated) and bios are long lines too. Each rule
below finds one of those tails by its shape alone; the article ends at the earliest one found,
moved up over the short unpunctuated lines (section label, photo caption, name line) that sit
between the last paragraph and the tail. Nothing is cut unless paragraphs stay above the cut.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .dates import is_date_line
from .lexicon import words
from .page import classify_body_line, is_paragraph, is_title_shaped, normalise, word_count

CHAIN_MIN = 3  # teaser headlines in a row that make a list of related stories
CHAIN_GAP = 3  # most lines between two teaser headlines (label, summary, author, date)
SUMMARY_MAX_WORDS = 50  # a teaser's summary is a sentence or two, never a long paragraph
SUMMARY_MAX_SENTENCES = 2
TAIL_PARAGRAPHS = 2  # paragraphs allowed below a list of teasers that are no summary (footer's)
PARAGRAPHS_ABOVE = 2  # paragraphs that must stay above a cut: the article itself
BIO_PARAGRAPHS_ABOVE = 3  # a bio needs more article above it (the name may open a sentence)
LABEL_MAX_WORDS = 16  # a caption or label line between the last paragraph and the tail
LABELS_ABOVE = 6  # how many such lines the cut may move up over
NUMBERED = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|\w{1,2}:)\s")  # `3.`, `4)`, `Q:`: a list item
SENTENCE_BREAK = re.compile(r"[.!?…]\s+(?=[\"“'‘(]?[A-Z\u0400-\u042f])")
TRUNCATED = ("...", "…")
HEADLINE_END = re.compile(r"(?:[^\W_]|[\"'”’]|\.\.\.|…|\?)$")  # not `!`, `)`, an emoji
MONTH_DAY = re.compile(r"^[^\W\d_]{3,9}\.? \d{1,2}\b")  # `June 9 – Tampa`: a list of dates
SENTENCE_CLOSE = (".", "!", "?", ":", "\"", "”", "»", "…", "。")


@dataclass(frozen=True, slots=True)
class TailCut:
    """Where the article ends in its body span, and the rule that found the tail."""

    index: int  # first line of the tail (index into the page's lines); the span's end if none
    rule: str  # "" when nothing is cut


@dataclass(frozen=True, slots=True)
class TailView:
    """A body span with what every tail rule asks computed once."""

    texts: Sequence[str]
    start: int  # first body line
    authors: tuple[str, ...]  # the byline's authors, whose bio may close the article
    paragraphs_above: tuple[int, ...]  # paragraphs in texts[start:i], at i - start

    def enough_above(self, index: int, needed: int) -> bool:
        return self.paragraphs_above[index - self.start] >= needed


def tail_view(texts: Sequence[str], start: int, end: int, authors: Sequence[str]) -> TailView:
    counts, seen = [0], 0
    for text in texts[start:end]:
        seen += is_paragraph(text)
        counts.append(seen)
    return TailView(texts, start, tuple(authors), tuple(counts))


@functools.lru_cache(maxsize=8192)
def is_teaser_headline(text: str) -> bool:
    """A related story's headline: title-shaped, not a sentence (a truncated one counts),
    not a numbered list item and not already furniture or a prefixed related link."""
    truncated = text.endswith(TRUNCATED)
    if not HEADLINE_END.search(text) or "://" in text or MONTH_DAY.match(text) \
            or is_date_line(text):
        return False
    if not is_title_shaped(text) or not 5 <= word_count(text) <= 20 or NUMBERED.match(text):
        return False
    if (text.endswith(".") and not truncated) or (is_paragraph(text) and not truncated):
        return False
    return classify_body_line(text)[0] == "body"


@functools.lru_cache(maxsize=8192)
def is_teaser_gap(text: str) -> bool:
    """What sits between two teaser headlines: a short label, byline or date, furniture, or a
    one- or two-sentence summary."""
    count = word_count(text)
    if count <= 5 or classify_body_line(text)[0] != "body":
        return True
    sentences = len(SENTENCE_BREAK.findall(text.rstrip(" .!?…"))) + 1
    return count <= SUMMARY_MAX_WORDS and sentences <= SUMMARY_MAX_SENTENCES


def _chains(texts: Sequence[str], start: int, end: int) -> list[int]:
    """Where each run of CHAIN_MIN or more teaser headlines starts (each at most CHAIN_GAP gap
    lines after the one before)."""
    starts: list[int] = []
    chain: list[int] = []
    for index in range(start, end):
        text = texts[index]
        if is_teaser_headline(text):
            chain = chain if chain and index - chain[-1] <= CHAIN_GAP + 1 else []
            chain.append(index)
            if len(chain) == CHAIN_MIN:
                starts.append(chain[0])
        elif not is_teaser_gap(text):
            chain = []
    return starts


def _only_teasers_below(texts: Sequence[str], first: int, end: int) -> bool:
    """Below a list's first headline, each headline has at most one summary paragraph under it
    (TAIL_PARAGRAPHS more are allowed, a footer's), and no headline is printed twice (a list
    that repeats its own lines, such as a meal plan or a repeated caption, is the article's)."""
    summary_open, loose, heads = False, 0, set()
    for text in texts[first:end]:
        if is_teaser_headline(text):
            key = normalise(text)
            if key in heads:
                return False
            heads.add(key)
            summary_open = True
        elif is_paragraph(text):
            loose += 0 if summary_open and word_count(text) <= 2 * SUMMARY_MAX_WORDS else 1
            summary_open = False
    return loose <= TAIL_PARAGRAPHS


def teaser_list(view: TailView, end: int) -> int | None:
    """A list of related stories that runs to the end of the span (a list with the article's
    text below it is the article's own)."""
    for first in _chains(view.texts, view.start, end):
        if view.enough_above(first, PARAGRAPHS_ABOVE) \
                and _only_teasers_below(view.texts, first, end):
            return first
    return None


@functools.lru_cache(maxsize=64)
def _comment_header() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in sorted(words().comment_verbs))
    return re.compile(rf"^\S.{{0,60}}?\s(?:{verbs})\s*:$", re.IGNORECASE)


def comment_thread(view: TailView, end: int) -> int | None:
    """Two comment headers (`jane99 says:`) and the thread has begun at the first."""
    headers = [i for i in range(view.start, end) if _comment_header().match(view.texts[i])]
    if len(headers) >= 2 and view.enough_above(headers[0], PARAGRAPHS_ABOVE):
        return headers[0]
    return None


def _bio_label(texts: Sequence[str], index: int, authors: Sequence[str]) -> bool:
    """`About the author`, or `About Jane Doe` / `Über Jane Doe`, above a paragraph."""
    text, vocab = texts[index], words()
    following = texts[index + 1] if index + 1 < len(texts) else ""
    if word_count(following) < 8 or word_count(text) > 6:
        return False
    low = normalise(text)
    if low in vocab.bio_labels:
        return True
    for opener in vocab.bio_openers:
        rest = text[len(opener):].strip(" :")
        if low.startswith(opener + " ") and rest and rest[0].isupper() and (
                rest.casefold() in {a.casefold() for a in authors} or _name_shaped(rest)):
            return True
    return False


def _name_shaped(text: str) -> bool:
    parts = text.split()
    return 2 <= len(parts) <= 4 and all(p[:1].isupper() for p in parts)


def _bio_sentence(text: str, authors: Sequence[str]) -> bool:
    """`Jane Doe is a reporter at ...`, `Jane Doe's book ...`: an author's name, early in the
    line, followed by a bio verb."""
    low = text.casefold()
    for author in authors:
        name = author.casefold()
        at = low.find(name)
        if at < 0 or at > 60 or word_count(text) > 100:
            continue
        after = low[at + len(name):]
        verb = re.match(r"('s|\s+\S+)", after)
        if verb and verb[1].strip() in words().bio_verbs:
            return True
    return False


def author_bio(view: TailView, end: int) -> int | None:
    """An author bio box: its label, or a line about the byline's author, below the article."""
    for index in range(view.start, end):
        if not view.enough_above(index, BIO_PARAGRAPHS_ABOVE):
            continue
        if _bio_label(view.texts, index, view.authors) \
                or _bio_sentence(view.texts[index], view.authors):
            return index
    return None


TailRule = Callable[[TailView, int], "int | None"]
TAIL_RULES: tuple[tuple[str, TailRule], ...] = (
    ("tail.teaser-list", teaser_list),
    ("tail.comments", comment_thread),
    ("tail.author-bio", author_bio),
)


def _label_like(text: str) -> bool:
    """A section label, caption or name line: short, and not closing a sentence."""
    if classify_body_line(text)[0] != "body":
        return True
    return word_count(text) <= LABEL_MAX_WORDS and not text.rstrip().endswith(SENTENCE_CLOSE)


def article_end(texts: Sequence[str], start: int, end: int, authors: Sequence[str]) -> TailCut:
    """The earliest tail any rule finds (each searches above the ones found before it), moved up
    over the label lines just above it."""
    cut, rule = end, ""
    view = tail_view(texts, start, end, authors)
    for name, find in TAIL_RULES:
        found = find(view, cut)
        if found is not None and found < cut:
            cut, rule = found, name
    if not rule:
        return TailCut(end, "")
    floor = max(start + 1, cut - LABELS_ABOVE)
    while cut > floor and _label_like(texts[cut - 1]):
        cut -= 1
    return TailCut(cut, rule)
