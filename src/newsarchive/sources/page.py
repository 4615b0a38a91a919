"""Page furniture and where the article is: line rules for buttons, captions, related links and
footers, and the finder of the article inside a whole copied page.

General signals only: the body is the densest run of long, sentence-like lines; the headline is the
nearest title-shaped line above that run with a byline or date just below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .lexicon import words

HeaderTest = Callable[[str], bool]

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?…。！？»”\"')]\s*$")
CREDIT_TAIL = re.compile(r"\((?:[^()]*(?:photo|image|credit|file|foto)[^()]*|[^()]{2,50}/[^()]{2,50})"
                         r"\)\s*$|\[(?:file|photo|image)?[^\[\]]{0,60}\]\s*$", re.IGNORECASE)
NORMAL = re.compile(r"[^\w+#&'’ ]+")
COUNT = re.compile(r"^([\d.,]+\s*(?:[kKmM](?![^\W\d_]))?)\s*(.*)$")
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
                       r"([^\d.|,;©][^.|,;©]{1,60}?)\s*(?:\.|,|;|\||all rights|$)", re.IGNORECASE)
GALLERY = re.compile(r"^(?:(?:image|photo|picture|slide|foto|bild)\s+\d+\s*(?:of|/|von|di|de)\b"
                     r"|\d+\s*/\s*\d+$)", re.IGNORECASE)
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
    """Title-shaped lines above the first body paragraph, nearest first, past deks and headers."""
    lowest = max(0, body_start - TITLE_LOOKBACK)
    out = []
    for index in range(body_start - 1, lowest - 1, -1):
        text = texts[index]
        if is_header(text) or not is_title_shaped(text):
            continue
        if is_paragraph(text) and text.rstrip().endswith((".", "。")):
            continue  # a dek or standfirst: the headline is further up
        out.append(index)
    return out


def find_title(texts: list[str], run_start: int, is_header: HeaderTest) -> int:
    """The nearest headline-shaped line with a byline or date just below it, else the nearest.

    Lines that end like a sentence are deks more often than headlines, so they come last; a long
    unpunctuated line right under a shorter headline is its dek, so the upper one wins.
    """
    body_start = next((i for i in range(run_start, min(run_start + 8, len(texts)))
                       if is_paragraph(texts[i]) and texts[i].rstrip().endswith((".", "。", "”", '"'))),
                      run_start)
    candidates = _headline_candidates(texts, body_start, is_header)
    if not candidates:
        return body_start if body_start < len(texts) else 0
    near_header = [i for i in candidates if any(is_header(t) for t in texts[i + 1: i + 7])]
    ordered = sorted(near_header or candidates,
                     key=lambda i: (texts[i].rstrip().endswith("."), -i))
    chosen = ordered[0]
    above = chosen - 1
    if above in candidates and word_count(texts[chosen]) >= 8 \
            and 4 <= word_count(texts[above]) < word_count(texts[chosen]):
        return above
    return chosen


def heads_article(texts: list[str], index: int, is_header: HeaderTest) -> bool:
    """A headline has a byline, date or caption below it, or the body starts right away."""
    return any(is_header(t) for t in texts[index + 1: index + 7]) or any(
        is_paragraph(t) for t in texts[index + 1: index + 4])


def looks_like_page(texts: list[str], body_start: int, tests: tuple[HeaderTest, HeaderTest]) -> bool:
    """A whole-page copy opens with menus: a button label, short lines, or a long lead-in."""
    is_header, is_furniture = tests
    lead = [word_count(t) for t in texts[:8]]
    if body_start > PAGE_MIN_LEAD or is_furniture(texts[0]):
        return True
    if not heads_article(texts, 0, is_header):
        return True
    return body_start > 6 and lead[0] <= 3 and sum(lead) <= 3 * len(lead)


def find_article(texts: list[str], is_header: HeaderTest, is_furniture: HeaderTest) -> Span:
    """Locate the article; a clean article copy (headline first) is left whole."""
    if not texts:
        return Span(0, 0, False)
    start, end = densest_run(texts)
    title = find_title(texts, start, is_header)
    first_header = next((i for i in range(1, min(len(texts), title + 7)) if is_header(texts[i])),
                        len(texts))
    kicker_only = title == 1 and word_count(texts[0]) <= 2  # `EXCLUSIVE` above: text.py's rule
    moved_headline = 0 < title < first_header < title + 7 and not kicker_only
    if not moved_headline and not looks_like_page(texts, start, (is_header, is_furniture)):
        return Span(0, len(texts), False)
    return Span(title, end, True)


# --- line rules: each returns a rule name when it fires, else None ----------------------------

def normalise(text: str) -> str:
    return " ".join(NORMAL.sub(" ", text.casefold()).split())


def _is_counter(text: str) -> bool:
    """`4553`, `84.1K`, `195Shares`, `0 Comments`, `3.409 letture`: a number and a count word."""
    match = COUNT.match(text.strip())
    if match is None:
        return False
    rest = match[2].casefold().strip(" .:")
    return not rest or rest in words().count_words or rest in words().boilerplate_lines


def match_boilerplate(text: str) -> str | None:
    """Share buttons, ad labels, counters: page furniture, not article text."""
    if len(text) > 300:
        return None
    vocab = words()
    norm = normalise(text)
    if not norm or norm in vocab.boilerplate_lines:
        return "boilerplate.label"
    if len(text) <= 40 and (_is_counter(text) or GALLERY.match(text)):
        return "boilerplate.count"
    tokens = norm.split()
    known = sum(1 for t in tokens if t in vocab.boilerplate_lines)
    if len(tokens) <= 8 and known >= max(2, int(len(tokens) * 0.7)):
        return "boilerplate.share"
    if any(norm.startswith(c) for c in vocab.count_words) and word_count(text) <= 6:
        return "boilerplate.reading-time"
    if word_count(text) <= 14 and re.search(r"\b(?:subscribe|newsletter|sign up)\b", norm):
        return "boilerplate.newsletter"
    return None


def has_caption_prefix(text: str) -> bool:
    """`Photo: X`, `(Image: © X)`, `Credit | X`: a caption label and its separator."""
    low = text.casefold().lstrip("([ ")
    return any(low.startswith(p) and low[len(p):len(p) + 2].lstrip()[:1] in (":", "©", "|", "/")
               for p in words().caption_prefixes)


def match_caption(text: str) -> str | None:
    """Photo captions and credits: `Photo: X/Getty Images`, `(Image: © NASA)`, `... (Name/AP)`."""
    if has_caption_prefix(text):
        return "caption.prefix"
    vocab = words()
    if text.startswith("©") and word_count(text) <= 12:
        return "caption.copyright"
    if CREDIT_TAIL.search(text[-200:]):
        return "caption.credit-tail"
    tail = re.split(r"[,/]|\s-\s", text)[-1].strip(" .").casefold()
    if word_count(text) <= 12 and tail in vocab.photo_credits and ("," in text or "/" in text):
        return "caption.credit"
    return None


def match_copyright(text: str) -> str | None:
    """A footer copyright line; it names the outlet, which the builder takes."""
    if COPYRIGHT.search(text) and word_count(text) <= 40 and re.search(r"\d{4}|rights", text, re.I):
        return "footer.copyright"
    return None


def match_tags(text: str) -> str | None:
    low = text.casefold()
    if any(low.startswith(p) and low[len(p):].lstrip()[:1] == ":" for p in words().tag_prefixes):
        return "tags.list"
    return None


def match_related(text: str) -> str | None:
    """`Read more: X`, `Related: X`, `Read  X` (two spaces: a link glued to its label)."""
    low = text.casefold()
    for prefix in words().related_prefixes:
        if not low.startswith(prefix):
            continue
        rest = text[len(prefix):]
        if re.match(r"\s*[:|»›>–—-]\s*\S", rest) or re.match(r"\s{2,}\S", rest):
            return "related.prefix"
        if " " in prefix and rest.startswith(" ") and word_count(rest) <= 20:
            return "related.prefix"
    return None


BodyRule = Callable[[str], "str | None"]
BODY_RULES: tuple[tuple[str, BodyRule], ...] = (
    ("related", match_related),
    ("copyright", match_copyright),
    ("boilerplate", match_boilerplate),
    ("caption", match_caption),
    ("tags", match_tags),
)


def classify_body_line(text: str) -> tuple[str, str]:
    """(kind, rule) for a line inside the article body; the first rule that answers wins."""
    for kind, rule in BODY_RULES:
        if (name := rule(text)) is not None:
            return kind, name
    return "body", "body.paragraph"
