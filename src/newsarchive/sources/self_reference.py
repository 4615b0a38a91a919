"""Signals read from the article's own sentences, used only when the header and footer gave none.

The outlet: a newsroom refers to itself in the third person where it reports its own work
(`..., she told The Hill in a statement`, `Gizmodo reached out to Apple for comment`, `did not
respond to Daily Planet's request for comment`), a site's disclaimer names it by its domain
(`The views expressed on example.com are the authors' own`), a company blog announces in its own
name (`Acme is thrilled to welcome ...`), and a known outlet brands its explainers in the headline
(`PolitiFact's guide to ...`). Each phrase is a vote; an outlet that the text also cites as a source
(`according to X`, `X reported`) gets none, so a quoted rival never wins; a tie decides nothing.

The date: an article with no date of its own that embeds posts (`— Jane Doe (@jane) October 9,
2018`, the text an embedded tweet leaves in a copy) is no older than the newest of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import DateValue, FieldSource
from .byline import is_person
from .dates import find_date
from .draft import OUTLET_RANK, Draft, Line
from .lexicon import outlet_key, outlet_table, words

# A name as printed in running text: Title Case words (a leading `The`, small connectors inside).
_WORD = r"[A-Z0-9][\w&'’.+-]*"
NAME = r"(?P<n>(?:[Tt]he )?" + _WORD + r"(?: (?:of |on |& |and )?" + _WORD + r"){0,5})"
DOMAIN_TEXT = (r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|info|news|co"
               r"|co\.\w\w|com\.\w\w|\w\w)")
DOMAIN = re.compile(r"^" + DOMAIN_TEXT + r"$")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
QUOTES = re.compile(r"[\"“”]")

# How a source answered the newsroom directly: `told X by email`, `told X in a statement`.
MEDIUM = (r"(?=(?:'s|’s)? (?:in an? (?:written |emailed |e-mailed |brief |separate )?(?:statement|e-?mail"
          r"|interview|phone interview|phone call|text message|message)|by (?:e-?mail|phone|telephone|text"
          r"|text message)|via (?:e-?mail|phone|text|a spokes\w+)|over the phone|exclusively|on condition"
          r")\b)")
# What may follow the name of an outlet that was told something; a lower-case noun instead makes
# the name a modifier (`told the BBC interviewer`, `told CNN anchor Jane Doe`), not the recipient.
AFTER_NAME = re.compile(r"^(?:$|[.,;:!?)\]—–-]|(?:'s|’s) (?:request|inquir|question|e-?mail|call|message)"
                        r"|(?:that|in|by|on|via|over|last|this|earlier|after|about|when|before|during"
                        r"|the|a|an|he|she|they|it|we|his|her|their|its|there|and|but|while|as|at|for"
                        r"|from|recently|previously|following|what|how|why|if|of|to|late|early|through"
                        r"|with|yesterday|today|tonight|exclusively|it's|it’s|he's|she's|they're"
                        r"|is|was|were|are|had|has|would|will|morning|afternoon|evening|night)\b)")

# (rule, pattern, weight, where the name sits: "after" the phrase or "before" it)
PHRASES: tuple[tuple[str, re.Pattern[str], float, str], ...] = (
    ("outlet.self-reference", re.compile(r"\b(?:told|tells|telling) " + NAME + MEDIUM), 2.0, "after"),
    ("outlet.self-reference", re.compile(r"\b(?:told|tells|telling) " + NAME), 1.0, "after"),
    ("outlet.self-reference", re.compile(
        r"\b(?:in|via|by) (?:a |an )?(?:written |emailed |e-mailed |separate |brief )?(?:statement"
        r"|email|e-mail|interview|text message|phone call|phone interview|conversation) (?:to|with) "
        + NAME), 1.0, "after"),
    ("outlet.self-reference", re.compile(r"\b(?:speaking|spoke|talking|talked) (?:to|with) " + NAME),
     1.0, "after"),
    ("outlet.self-reference", re.compile(r"\b(?:contacted|reached|interviewed) by " + NAME), 1.0,
     "after"),
    ("outlet.self-reference", re.compile(r"\b(?:confirmed|explained|shared|provided|sent) (?:to|with) "
                                         + NAME), 1.0, "after"),
    ("outlet.self-reference", re.compile(
        r"\b(?:respond|responded|reply|replied|answer|answered) to (?:a |an |repeated )?" + NAME
        + r"(?:'s|’s) (?:requests?|inquir(?:y|ies)|questions?|emails?|calls?|messages?)"), 2.0,
     "after"),
    ("outlet.self-reference", re.compile(r"\b(?:requests?|inquir(?:y|ies)) for comment from " + NAME),
     2.0, "after"),
    ("outlet.self-reference", re.compile(
        NAME + r" (?:has |had |have )?(?:reached out to|contacted|emailed|called|asked|sought|requested)"
        r"\b[^.;]{0,120}?\bcomment"), 2.0, "before"),
    ("outlet.self-reference", re.compile(NAME + r" (?:has |had |have )?reached out to\b"), 2.0,
     "before"),
    ("outlet.self-reference", re.compile(
        NAME + r" (?:could not|couldn't|was unable to|were unable to|has been unable to|has not been"
        r" able to|cannot) (?:immediately |independently )?(?:reach|contact|confirm|verify)\b"), 2.0,
     "before"),
    ("outlet.self-reference", re.compile(NAME + r" (?:has |had )?(?:not )?independently (?:verified"
                                         r"|confirmed)\b"), 2.0, "before"),
)
# Words one of which a line must hold for the phrase of the same place to be tried.
PHRASE_KEYS: tuple[tuple[str, ...], ...] = (
    ("tell", "told"), ("tell", "told"), ("statement", "mail", "interview", "phone", "text", "conversation"),
    ("spok", "speak", "talk"), ("contacted", "reached", "interviewed"),
    ("confirmed", "explained", "shared", "provided", "sent"), ("respond", "repl", "answer"),
    ("comment",), ("comment",), ("reached out",), ("could", "unable", "able to", "cannot"),
    ("independently",),
)
ANY_KEY = re.compile("|".join(sorted({re.escape(k) for keys in PHRASE_KEYS for k in keys}
                                      | {"ed to ", "disclaimer", "disclosure", "expressed"})))
# A company's own blog or newsroom announcing in its name (a news story would quote it).
ANNOUNCE = re.compile(NAME + r" (?:is|are) (?:so |very )?(?:thrilled|excited|pleased|proud|delighted"
                      r"|happy|honou?red) to (?:announce|welcome|introduce|have|share|unveil|launch"
                      r"|present)\b")
# A known outlet's branded explainer or editorial in the headline (`X's guide to`, `The X view on`).
HEADLINE_BRAND = re.compile(r"^" + NAME + r"(?:(?:'s|’s) (?:guide|explainer|primer|cheat sheet)\b"
                            r"| view on\b)")
# Where a site names itself by its domain: a disclaimer sentence about what is published on it
# (`Disclaimer: The views expressed on example.com are ...`, `Example.com advises users to ...`).
DISCLAIMER = re.compile(r"^(?:disclaimer|disclosure)\b|\b(?:views|opinions) (?:and \w+ )?expressed\b",
                        re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
SITE_DOMAIN = re.compile(r"(?:\b(?:on|at|of)\s+(?:www\.)?(?P<a>" + DOMAIN_TEXT + r")(?![\w/@-])"
                         r"|(?<![\w@./-])(?:www\.)?(?P<b>" + DOMAIN_TEXT + r")\s+(?:advises|does|is not"
                         r"|accepts|disclaims|assumes|shall|will not|cannot|makes no|bears)\b)")
# Citing another outlet as a source: such a name gets no vote.
CITATIONS = (
    re.compile(r"\baccording to (?:a |an )?(?:report (?:by|in|from) )?" + NAME),
    re.compile(NAME + r" (?:first |previously |earlier |also |later )?(?:reported|reports|reporting|"
                      r"broke the news|published|revealed)\b"),
    re.compile(r"\b(?:reported|first reported|published|broadcast|aired|revealed) (?:by|in|on) "
               + NAME),
    re.compile(r"\b(?:report|story|article|interview|investigation|analysis) (?:by|in|from) " + NAME),
)
CITATION_KEYS: tuple[tuple[str, ...], ...] = (
    ("according to",), ("report", "broke the news", "published", "revealed"),
    ("report", "published", "broadcast", "aired", "revealed"),
    ("report", "story", "article", "interview", "investigation", "analysis"),
)
EMBEDDED_POST = re.compile(r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)\s*(?P<d>.{6,40})$"
                           r"|^A post shared by .{1,80}\(@[\w.]{1,30}\) on (?P<i>.{6,40})$")
# Words that open a sentence before its subject (`On Monday The Hill reached out ...`); YAML
# would read a bare `on` as a boolean, so these stay in code.
OPENERS = frozenset({"on", "in", "at", "after", "before", "when", "while", "but", "and", "so", "yet",
                     "last", "this", "earlier", "later", "since", "as", "if", "for", "by", "during",
                     "meanwhile", "also", "then", "however", "still", "now", "today", "yesterday"})
MIN_VOTES = 2.0  # one plain `told X` is not enough: famous interviews are cited that way too
MAX_LINE = 3000  # a longer "line" is not a sentence of an article


@dataclass(frozen=True, slots=True)
class Vote:
    name: str  # the outlet as it is to be recorded
    weight: float
    rule: str


@functools.lru_cache(maxsize=1)
def _outlet_words() -> frozenset[str]:
    return words().outlet_words


def _trim(candidate: str) -> str:
    """`NBC News.` -> `NBC News`, `Gizmodo's` -> `Gizmodo`; a domain keeps its dots."""
    name = POSSESSIVE.sub("", candidate.strip()).rstrip(".,")
    return name[4:] if name.startswith("the ") else name


def _date_word(token: str) -> bool:
    low = token.casefold().strip(".,")
    vocab = words()
    return low in vocab.weekdays or low in vocab.months


def outlet_name(candidate: str, *, any_name: bool = False) -> str | None:
    """The outlet a printed name stands for, if it can be one: a known outlet, a domain, a name
    with a newsroom word (`Argus Leader`, `Daily Planet News`); with any_name, any Title Case name
    that is not a person's. `Dempsey`, `Jane Doe`, `the FBI` are not outlets."""
    name = _trim(candidate)
    if not name or len(name) > 60:
        return None
    known = outlet_table().find(name)
    if known is not None:
        return known.name
    if DOMAIN.match(name):
        return name
    tokens = name.split()
    opener = tokens[0].casefold()
    sentence_start = opener != "the" and (opener in OPENERS or opener in words().not_name_words)
    if not tokens[0][:1].isupper() or sentence_start or _date_word(tokens[0]):
        return None  # `On Monday The Hill`: the sentence's opening, not the name
    if any_name:  # a company names itself (`Brightwater Labs` looks like a person); not `We`
        generic = words().not_name_words | words().site_name_stopwords
        return None if any(t.casefold() in generic for t in tokens) else name
    if is_person(name):
        return None
    lowered = [t.casefold().strip(".,") for t in tokens]
    if len(tokens) >= 2 and any(t in _outlet_words() for t in lowered[1:]):
        return name
    return None


def _spans(candidate: str, where: str) -> list[str]:
    """The name and its shorter forms: words after the name may be prose (`told VOA Pentagon
    correspondent`), words before it the sentence's opening (`On Monday The Hill reached out`)."""
    tokens = candidate.split()
    while tokens and _date_word(tokens[-1]):
        tokens.pop()
    if where == "after":
        return [" ".join(tokens[:k]) for k in range(len(tokens), 0, -1)]
    spans = [" ".join(tokens[k:]) for k in range(len(tokens))]
    return [s for s in spans if s.split()[0] not in {"the", "of", "on", "&", "and"}]


def _resolve_recipient(candidate: str, rest: str) -> str | None:
    """The longest outlet name at the start of candidate whose next words fit a recipient
    (`told VOA Pentagon correspondent ...` -> none; `told The Hill in a statement` -> The Hill)."""
    tokens = candidate.split()
    for k in range(len(tokens), 0, -1):
        span = " ".join(tokens[:k])
        after = " ".join(tokens[k:]) + rest
        if (possessive := POSSESSIVE.search(span)) is not None:
            after = span[possessive.start():] + " " + after
        if span[-1:] not in ".,;:" and not AFTER_NAME.match(after.lstrip(" ")):
            continue
        span = " ".join(t for t in span.split() if not _date_word(t)) if k > 1 else span
        found = outlet_name(span)
        if found is not None:
            return found
    return None


def _resolve(candidate: str, where: str, *, any_name: bool = False) -> str | None:
    for span in _spans(candidate, where):
        found = outlet_name(span, any_name=any_name)
        if found is not None:
            return found
    return None


def _quoted(text: str, position: int) -> bool:
    """Inside a quotation: an odd number of quote marks before the position."""
    return len(QUOTES.findall(text, 0, position)) % 2 == 1


@functools.lru_cache(maxsize=8192)
def line_votes(text: str) -> tuple[Vote, ...]:
    """The self-naming phrases of one line (pure, cached)."""
    if len(text) > MAX_LINE:
        return ()
    low = text.casefold()
    if ANY_KEY.search(low) is None:
        return ()
    votes: list[Vote] = []
    taken: set[int] = set()  # a phrase's name start: `told X by email` is not also `told X`
    for (rule, pattern, weight, where), keys in zip(PHRASES, PHRASE_KEYS, strict=True):
        if not any(key in low for key in keys):
            continue  # cheap test first: most lines hold none of the phrase's words
        for match in pattern.finditer(text):
            if match.start("n") in taken or _quoted(text, match.start()):
                continue
            name = (_resolve_recipient(match["n"], text[match.end("n"):]) if where == "after"
                    else _resolve(match["n"], where))
            if name is not None:
                taken.add(match.start("n"))
                votes.append(Vote(name, weight, rule))
    for match in ANNOUNCE.finditer(text) if " to " in low and "ed to " in low else ():
        name = _resolve(match["n"], "before", any_name=True)
        if name is not None and not _quoted(text, match.start()):
            votes.append(Vote(name, 2.0, "outlet.announcement"))
    if ("disclaimer" in low or "disclosure" in low or "expressed" in low) and DISCLAIMER.search(text):
        for sentence in SENTENCE.split(text):
            if DISCLAIMER.search(sentence) or text.casefold().startswith("disclaimer"):
                for match in SITE_DOMAIN.finditer(sentence):
                    domain = match["a"] or match["b"]
                    known = outlet_table().find(domain)
                    votes.append(Vote(known.name if known else domain, 2.0,
                                      "outlet.disclaimer-domain"))
    return tuple(votes)


@functools.lru_cache(maxsize=8192)
def cited(text: str) -> frozenset[str]:
    """Outlets the line cites as a source (`according to Reuters`, `CNN first reported`), as
    outlet keys."""
    if len(text) > MAX_LINE:
        return frozenset()
    low = text.casefold()
    found = set()
    for pattern, keys in zip(CITATIONS, CITATION_KEYS, strict=True):
        if not any(key in low for key in keys):
            continue
        for match in pattern.finditer(text):
            name = _resolve(match["n"], "before" if match.start("n") == match.start() else "after")
            if name is not None:
                found.add(outlet_key(name))
    return frozenset(found)


def _headline_vote(text: str) -> Vote | None:
    match = HEADLINE_BRAND.match(text)
    known = outlet_table().find(_trim(match["n"])) if match is not None else None
    return Vote(known.name, 2.0, "outlet.headline-brand") if known is not None else None


def _brand(domain: str, texts: Sequence[str]) -> str:
    """`Moneycontrol.com` is printed `Moneycontrol` when the text also uses that word alone in
    running prose (`the Moneycontrol website`), not only inside longer names (`Space Station`,
    `All About Space`)."""
    stem = domain.removeprefix("www.").split(".")[0]
    if not stem[:1].isupper():
        return domain
    alone = re.compile(r"(?:^|(?<=\s))" + re.escape(stem) + r"(?=\s|[,;:!?)]|\.(?:\s|$)|$)")
    for text in texts:
        for match in alone.finditer(text):
            before = text[:match.start()].split()[-1:]
            after = text[match.end():].split()[:1]
            if not any(w[:1].isupper() for w in before + after):
                return stem
    return domain


def take_self_reference(draft: Draft, lines: Sequence[Line]) -> None:
    """Vote over the article's lines; the winner fills the outlet only where nothing else did."""
    rank = OUTLET_RANK["self-reference"]
    if draft.outlet_rank <= rank or not lines:
        return
    totals: dict[str, float] = {}
    first: dict[str, tuple[float, int, str, str]] = {}  # key -> (weight, line, rule, name)
    headline = _headline_vote(lines[0].text)
    for line in lines:
        votes = line_votes(line.text)
        if line is lines[0] and headline is not None:
            votes = (*votes, headline)
        for vote in votes:
            key = outlet_key(vote.name)
            totals[key] = totals.get(key, 0.0) + vote.weight
            if vote.weight > first.get(key, (0.0, 0, "", ""))[0]:
                first[key] = (vote.weight, line.number, vote.rule, vote.name)
    if not totals:
        return
    citations = set().union(*(cited(line.text) for line in lines))
    ranked = sorted(((v, k) for k, v in totals.items() if k not in citations), reverse=True)
    if not ranked or ranked[0][0] < MIN_VOTES or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return
    _, number, rule, name = first[ranked[0][1]]
    if DOMAIN.match(name):
        name = _brand(name, [line.text for line in lines])
    draft.set_outlet(name, number, rule, rank)


def take_embedded_post_date(draft: Draft, lines: Sequence[Line]) -> None:
    """No date of its own: the newest embedded post's date (the article is no older)."""
    if draft.date is not None:
        return
    best: tuple[DateValue, int] | None = None
    for line in lines:
        match = EMBEDDED_POST.match(line.text) if len(line.text) <= 200 else None
        found = find_date(match["d"] or match["i"]) if match is not None else None
        if found is None or found.value.day is None:
            continue
        if best is None or _day(found.value) > _day(best[0]):
            best = (found.value, line.number)
    if best is not None:
        draft.date, draft.date_line = best
        draft.sources.append(("date", FieldSource(best[1], "date.embedded-post")))


def _day(value: DateValue) -> tuple[int, int, int]:
    return value.year, value.month or 0, value.day or 0
