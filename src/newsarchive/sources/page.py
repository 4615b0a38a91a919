"""Line shapes and line rules: paragraphs, headline shapes, buttons, captions, related links and
footers. Each rule is a pure function of one line (finder.py uses the shapes to find the article)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .lexicon import words

HeaderTest = Callable[[str], bool]

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?…。！？»”\"')]\s*$")
CREDIT_TAIL = re.compile(r"\((?:[^()]*(?:photo|image|credit|file|foto)[^()]*|[^()]{2,50}/[^()]{2,50})"
                         r"\)\s*(?:less)?$|\[(?:file|photo|image)?[^\[\]]{0,60}\]\s*$", re.IGNORECASE)
# A caption cut short with its expand toggle (`The Islanders ... more`).
CAPTION_TOGGLE = re.compile(r"\w\s*(?:\.\.\.|…)\s*more$", re.IGNORECASE)
# A long caption ending in its credit: `... on July 25, 2019. Jane Doe / AP file`.
SLASH_CREDIT = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3} ?/ ?([\w .&-]{2,40}?)(?: file)?$")
NORMAL = re.compile(r"[^\w+#&'’ ]+")
COUNT = re.compile(r"^([\d.,]+\s*(?:[kKmM](?![^\W\d_]))?)\s*(.*)$")
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
                       r"([^\d.|,;©][^.|,;©]{1,60}?)\s*(?:\.|,|;|\||all rights|$)", re.IGNORECASE)
GALLERY = re.compile(r"^(?:(?:image|photo|picture|slide|foto|bild)\s+\d+\s*(?:of|/|von|di|de)\b"
                     r"|\d+\s*/\s*\d+$)", re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
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


GLUE = re.compile(r"(?<=[a-z0-9)!?])(?=[A-Z])")  # a link's text runs into the next one's
TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or",
                               "but", "by", "with", "from", "as", "vs", "vs.", "is"})


def _title_word(word: str) -> bool:
    return word[:1].isupper() or not word[:1].isalpha() or word.casefold() in TITLE_SMALL_WORDS


@functools.lru_cache(maxsize=16384)
def is_glued_teaser(text: str) -> bool:
    """`Michigan To Mail Panel Applications To 250,000The state will mail ...`: a teaser whose
    Title Case headline runs into its summary sentence with no break (menus and headline lists).

    The head must be 4+ capitalised words with nothing but small words between them, and the
    tail a sentence (half its words lower-case) opening with a word, not a glued letter (`GaN`).
    """
    for match in GLUE.finditer(text):
        head, tail = text[: match.start()].split(), text[match.start():].split()
        if not all(_title_word(w) for w in head):
            return False  # past the point where a Title Case headline could end
        if sum(1 for w in head if w[:1].isupper()) < 4 or len(tail) < 6:
            continue
        lower = sum(1 for w in tail[1:] if w[:1].islower())
        if (len(tail[0]) > 1 or tail[0] in ("A", "I")) and lower * 2 >= len(tail) - 1:
            return True
    return False


# --- line rules: each returns a rule name when it fires, else None ----------------------------

@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    return " ".join(NORMAL.sub(" ", text.casefold()).split())


def _is_counter(text: str) -> bool:
    """`4553`, `84.1K`, `195Shares`, `0 Comments`, `3.409 letture`: a number and a count word."""
    match = COUNT.match(text.strip())
    if match is None:
        return False
    rest = match[2].casefold().strip(" .:")
    return not rest or rest in words().count_words or rest in words().boilerplate_lines


@functools.lru_cache(maxsize=8192)
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
    low = text.casefold()
    if word_count(text) <= 30 and any(p in low for p in vocab.furniture_phrases):
        return "boilerplate.phrase"
    return None


def has_caption_prefix(text: str) -> bool:
    """`Photo: X`, `(Image: © X)`, `Credit | X`: a caption label and its separator."""
    low = text.casefold().lstrip("([ ")
    return any(low.startswith(p) and low[len(p):len(p) + 2].lstrip()[:1] in (":", "©", "|", "/")
               for p in words().caption_prefixes)


@functools.lru_cache(maxsize=8192)
def match_caption(text: str) -> str | None:
    """Photo captions and credits: `Photo: X/Getty Images`, `(Image: © NASA)`, `... (Name/AP)`."""
    if has_caption_prefix(text):
        return "caption.prefix"
    vocab = words()
    if text.startswith("©") and word_count(text) <= 12:
        return "caption.copyright"
    if CREDIT_TAIL.search(text[-200:]):
        return "caption.credit-tail"
    if CAPTION_TOGGLE.search(text[-40:]):
        return "caption.toggle"
    credit = SLASH_CREDIT.search(text[-80:])
    if credit and credit[1].strip().casefold() in vocab.photo_credits and word_count(text) <= 50:
        return "caption.slash-credit"
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


@functools.lru_cache(maxsize=8192)
def classify_body_line(text: str) -> tuple[str, str]:
    """(kind, rule) for a line inside the article body; the first rule that answers wins."""
    for kind, rule in BODY_RULES:
        if (name := rule(text)) is not None:
            return kind, name
    return "body", "body.paragraph"
