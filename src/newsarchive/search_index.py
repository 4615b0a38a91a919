"""The compact search index for sites opened from disk (`file://`), where Pagefind cannot load.

Browsers refuse `fetch()` and module imports from `file://`, but a plain `<script src>` still
runs, so every file here is a classic script that hands its data to a global callback. The index
is split so a query loads only what it needs:

    search/index.js         facet names, the blocks (shards) in order with their sizes,
                            per-article filter fields (outlet, date, authors, tags), the stop
                            words and the list of term files; loaded first
    search/terms-<c>.js     token -> posting list, for tokens starting with <c> (a-z, 0-9, "_")
    search/docs-<name>.js   url, title and a short excerpt of one block's articles; loaded only
                            for the results on screen

Articles are numbered in search order (newest first, then URL) and grouped in the same shards
as Pagefind's bundles (`shard_records`), so an edit re-indexes one shard and the rest is put
together from cached blocks. A posting list is `;`-separated segments `<block>:<items>`, block
a hexadecimal index into index.js's blocks; items are comma-separated hexadecimal deltas of ids
local to that block (the first from 0), each optionally followed by `.weight` (default 1):
weight counts body occurrences (capped) plus bonuses for the title, dek and byline, so relevance
needs no second lookup. Tokenising here and in search.js must agree: NFKD, combining marks
dropped, lower case, runs of letters and digits, at least two characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

INDEX_VERSION = 2
# Shards (shared with Pagefind's bundles, see shard_records): mean size SHARD_TARGET records.
# An edit re-indexes one shard (Pagefind: ~4 ms a record), the browser merges every shard.
SHARD_TARGET, SHARD_MIN, SHARD_MAX = 128, 32, 384
EXCERPT_CHARS = 280  # stored lead (dek, then body); search.js shows ~160 around the first hit
BODY_TF_CAP = 5  # a body repeating a word more often says little more about relevance
TITLE_BONUS, DEK_BONUS, BYLINE_BONUS = 8, 4, 4
MAX_WEIGHT = BODY_TF_CAP + TITLE_BONUS + DEK_BONUS + BYLINE_BONUS
MAX_TOKEN = 32  # longer runs are ids or noise, not words people type
# Words too common to narrow a search; dropped from the index and from queries alike. Kept short
# so a phrase such as "state of the union" still finds "state" and "union".
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she", "that", "the",
    "their", "them", "they", "this", "to", "was", "we", "were", "which", "who", "will", "with",
    "you",
))
_WORD = re.compile(r"[^\W_]+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Byte table for `word_counts`: ASCII letters lower-cased, digits and non-ASCII bytes kept, every
# other ASCII byte (punctuation, "_", controls) a space; UTF-8 puts no byte < 0x80 inside a char.
_ASCII_SEPARATORS = bytes(c for c in range(0x80) if not chr(c).isalnum())
_ASCII_SPLIT = bytes.maketrans(_ASCII_SEPARATORS + string.ascii_uppercase.encode(),
                               b" " * len(_ASCII_SEPARATORS) + string.ascii_lowercase.encode())
GLOBAL = "NEWSARCHIVE_SEARCH"  # index.js assigns window.NEWSARCHIVE_SEARCH = {...}
CALLBACK = "NEWSARCHIVE_SEARCH_CHUNK"  # shard and docs files call it with (name, data)


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One article as search sees it: what is matched, filtered on, sorted by and shown.

    Made once from the Archive and shared by the compact index and Pagefind, so both modes find
    the same articles with the same filters.
    """

    url: str  # the article page, relative to the output root
    title: str
    dek: str
    authors: tuple[str, ...]  # canonical names, as the author filter shows them
    outlet: str  # canonical name; "" when unknown
    date: str  # ISO by precision ("2021-03-04", "2021-03", "2021"); "" when undated
    tags: tuple[str, ...]
    body: str  # paragraphs joined by newlines
    markdown: bool = False  # body is Markdown still; search.index_files makes it plain text
    key: str = field(default="", compare=False)  # a hash of the fields above, or "": see
    # `search.records_hash`, which reads it instead of the text (an edit hashes keys, not bodies)

    @property
    def year(self) -> str:
        return self.date[:4]


def tokens(text: str) -> list[str]:
    """Words as both the index and search.js see them, in order; the two must stay in step.

    The plain definition, as search.js folds: NFKD over the whole text, marks dropped, lower
    case, then runs of letters and digits. `word_counts` gives the same words faster.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        if not text.isascii():
            text = _NON_ASCII_RUN.sub(_drop_marks, text)
    return [w for w in _WORD.findall(text.lower()) if _kept(w)]


def word_counts(text: str) -> dict[str, int]:
    """Word -> occurrences: `Counter(tokens(text))`, at about half the cost.

    ASCII punctuation and all whitespace always separate words, so the text is cut there
    first (a byte table and `str.split`, C speed) and counted; only distinct pieces with
    non-ASCII characters are folded, each alone. Folding piece by piece gives the same words:
    NFKD never reorders across the separators (they are starters), dropping marks and
    lower-casing go character by character, except a capital sigma, whose lower case depends
    on its neighbours: such text takes `tokens`.
    """
    pieces = Counter(text.encode("utf-8", "surrogatepass").translate(_ASCII_SPLIT)
                     .decode("utf-8", "surrogatepass").split())
    counts = {piece: count for piece, count in pieces.items()  # _kept, inline: 1.6M calls
              if 2 <= len(piece) <= MAX_TOKEN and piece not in STOP_WORDS}
    if text.isascii():
        return counts
    unfolded = [piece for piece in pieces if not piece.isascii()]
    for piece in unfolded:  # all out first: one piece may fold to another ("Ελληνικά")
        counts.pop(piece, None)
    for piece in unfolded:
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", piece)
                         if not unicodedata.category(ch).startswith("M"))
        if "\u03a3" in folded:  # GREEK CAPITAL LETTER SIGMA
            return dict(Counter(tokens(text)))
        for word in _WORD.findall(folded.lower()):
            if _kept(word):
                counts[word] = counts.get(word, 0) + pieces[piece]
    return counts


def _kept(word: str) -> bool:
    return 2 <= len(word) <= MAX_TOKEN and word not in STOP_WORDS


def _drop_marks(run: re.Match[str]) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.category(ch).startswith("M"))


def shard_of(token: str) -> str:
    first = token[0]
    return first if ("a" <= first <= "z" or "0" <= first <= "9") else "_"


def date_number(date: str) -> int:
    """`2021-03-04` -> 20210304, `2021-03` -> 20210300, `` -> 0: sortable, small in JSON."""
    parts = [int(p) for p in date.split("-") if p] + [0, 0, 0]
    return parts[0] * 10000 + parts[1] * 100 + parts[2] if date else 0


def excerpt(record: SearchRecord, limit: int = EXCERPT_CHARS) -> str:
    """The dek and the opening of the body, cut at a word boundary: enough that search.js can
    usually show the query's words in context, small enough to keep the docs files light."""
    whole = f"{record.dek} {record.body}"
    # collapsing the spaces of a prefix gives a prefix of the collapsed whole: enough when longer
    text = " ".join(whole[:2 * limit].split())
    if len(text) <= limit:
        text = " ".join(whole.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-—") + "…"


def term_weights(record: SearchRecord) -> dict[str, int]:
    """Token -> weight for one article: capped body counts plus field bonuses."""
    weights = {token: count if count < BODY_TF_CAP else BODY_TF_CAP
               for token, count in word_counts(record.body).items()}
    for text, bonus in ((record.title, TITLE_BONUS), (record.dek, DEK_BONUS),
                        (" ".join((*record.authors, record.outlet)), BYLINE_BONUS)):
        for token in word_counts(text):
            weights[token] = weights.get(token, 0) + bonus
    return weights


def postings(records: Sequence[SearchRecord]) -> dict[str, str]:
    """Token -> encoded posting list (ascending article ids, hex deltas, `.weight`)."""
    # every item an encoded list can hold, spelled once: items[delta][weight - 1]
    items = [[f"{delta:x}", *(f"{delta:x}.{weight}" for weight in range(2, MAX_WEIGHT + 1))]
             for delta in range(len(records))]
    lists: defaultdict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    for doc_id, record in enumerate(records):
        for token, weight in term_weights(record).items():
            lists[token].append(items[doc_id - last.get(token, 0)][weight - 1])
            last[token] = doc_id
    return {token: ",".join(lists[token]) for token in sorted(lists)}


def shard_records(records: Iterable[SearchRecord]) -> list[tuple[str, tuple[SearchRecord, ...]]]:
    """Records in search order (newest first, then by URL), cut into shards whose membership
    does not move when one article is added, removed or edited: (name, records) per shard.

    A shard ends after a record whose URL hash is 0 modulo SHARD_TARGET - SHARD_MIN once it
    holds SHARD_MIN records (content-defined cuts: an edit touches one shard, an addition or
    removal one shard or two), or at SHARD_MAX records. A shard is named by the hash of its
    first URL, so its files keep their paths while its other records change.
    """
    ordered = sorted(records, key=lambda r: (-date_number(r.date), r.url))
    modulus = max(1, SHARD_TARGET - SHARD_MIN)
    shards: list[list[SearchRecord]] = []
    current: list[SearchRecord] = []
    for record in ordered:
        current.append(record)
        if len(current) >= SHARD_MAX or (
                len(current) >= SHARD_MIN and _url_hash(record.url) % modulus == 0):
            shards.append(current)
            current = []
    if current:
        shards.append(current)
    return [(f"{_url_hash(shard[0].url):08x}", tuple(shard)) for shard in shards]


def _url_hash(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8", "surrogatepass"),
                                          digest_size=4).digest(), "big")


@dataclass(frozen=True, slots=True)
class CompactBlock:
    """One shard's part of the compact index, made once per shard and cached."""

    terms: dict[str, str]  # token -> posting list with ids local to the shard
    rows: list[list[str]]  # [url, title, excerpt] per record
    fields: list[tuple[str, int, tuple[str, ...], tuple[str, ...]]]  # outlet, date, authors, tags


def compact_block(records: Sequence[SearchRecord]) -> CompactBlock:
    return CompactBlock(
        terms=postings(records),
        rows=[[r.url.removesuffix("index.html"), r.title, excerpt(r)] for r in records],
        fields=[(r.outlet, date_number(r.date), r.authors, r.tags) for r in records])


def compact_files(records: Sequence[SearchRecord]) -> dict[str, bytes]:
    """Every file of the compact index: output path -> bytes. Deterministic for equal input."""
    return assemble_compact([(name, compact_block(shard))
                             for name, shard in shard_records(records)])


def assemble_compact(blocks: Sequence[tuple[str, CompactBlock]]) -> dict[str, bytes]:
    """The compact index from its shards' blocks, in shard order: no tokenising here."""
    merged: defaultdict[str, list[str]] = defaultdict(list)
    for number, (_, block) in enumerate(blocks):
        prefix = f"{number:x}:"
        for token, encoded in block.terms.items():
            merged[token].append(prefix + encoded)
    by_shard: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for token, segments in merged.items():
        by_shard[shard_of(token)][token] = ";".join(segments)
    files = {f"search/terms-{shard}.js": _call(f"terms-{shard}", terms)
             for shard, terms in sorted(by_shard.items())}
    for name, block in blocks:
        files[f"search/docs-{name}.js"] = _call(f"docs-{name}", block.rows)
    files["search/index.js"] = _assign(index_head(blocks, sorted(by_shard)))
    return dict(sorted(files.items()))


def index_head(blocks: Sequence[tuple[str, CompactBlock]],
               shards: Iterable[str]) -> dict[str, object]:
    """What index.js holds: facet name tables and, per article, the fields filters need."""
    fields = [row for _, block in blocks for row in block.fields]
    outlets = _names(outlet for outlet, _, _, _ in fields if outlet)
    authors = _names(a for _, _, names, _ in fields for a in names)
    tags = _names(t for _, _, _, names in fields for t in names)
    outlet_id = {name: i for i, name in enumerate(outlets)}
    author_id = {name: i for i, name in enumerate(authors)}
    tag_id = {name: i for i, name in enumerate(tags)}
    return {
        "v": INDEX_VERSION,
        "count": len(fields),
        "blocks": [[name, len(block.rows)] for name, block in blocks],
        "stop": sorted(STOP_WORDS),
        "shards": list(shards),
        "outlets": outlets,
        "authors": authors,
        "tags": tags,
        # per article, in id order: [outlet id or -1, date number, [author ids], [tag ids]]
        "docs": [[outlet_id.get(outlet, -1), date,
                  [author_id[a] for a in names], [tag_id[t] for t in labels]]
                 for outlet, date, names, labels in fields],
    }


def _names(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda name: (name.casefold(), name))


def _json(value: object) -> str:
    # ASCII only: no charset question when opened from disk. "<" only occurs inside strings, so
    # escaping it keeps "</script>" out even if a file is ever inlined into a page.
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c")


def _assign(value: Mapping[str, object]) -> bytes:
    return f"window.{GLOBAL}={_json(value)};\n".encode("ascii")


def _call(name: str, value: object) -> bytes:
    return f"window.{CALLBACK}({_json(name)},{_json(value)});\n".encode("ascii")

