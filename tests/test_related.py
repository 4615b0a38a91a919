"""Related articles: shared tags and authors first, then shared words; never the article
itself; "more from this outlet" is the outlet's nearest articles in time."""

from __future__ import annotations

from newsarchive.archive import collect
from newsarchive.config import Config
from newsarchive.model import Article, DateValue
from newsarchive.related import SHOWN, related_index


def article(name: str, day: int, outlet: str = "Gazette", tags: tuple[str, ...] = (),
            authors: tuple[str, ...] = (), body: str = "Nothing much.") -> Article:
    return Article(f"{name}.md", name, (body,), outlet=outlet, tags=tags, authors=authors,
                   date=DateValue(2021, 1, day))


def test_tags_and_authors_rank_before_words_and_self_is_excluded() -> None:
    articles = [
        article("Harbour floods", 1, tags=("Floods", "Harbour"), body="harbour seawall storms"),
        article("Seawall plan", 2, tags=("Floods", "Harbour")),
        article("Flood money", 3, tags=("Floods",), outlet="Ledger"),
        article("Storm words", 4, outlet="Ledger", body="harbour seawall storms tides"),
        article("Unrelated", 5, outlet="Ledger", body="cricket scores"),
    ]
    archive, _ = collect(articles, Config())
    index = related_index(archive)
    first = next(e for e in archive.entries if e.title == "Harbour floods")
    titles = [s.title for s in index[first.url].articles]
    assert titles == ["Seawall plan", "Flood money", "Storm words"]
    assert all(s.url != first.url for s in index[first.url].outlet)
    assert [s.title for s in index[first.url].outlet] == ["Seawall plan"]


def test_a_tag_on_every_article_is_read_only_near_each_article() -> None:
    articles = [article(f"Story {n}", 1 + n % 28, tags=("Everything",)) for n in range(600)]
    archive, _ = collect(articles, Config())
    index = related_index(archive)
    assert len(index) == 600
    assert all(len(r.articles) == SHOWN and len(r.outlet) == SHOWN for r in index.values())


def test_the_lists_key_changes_with_any_summary_they_show() -> None:
    """Fingerprints read only `Related.key`: it must change when a listed article's title
    changes or an article moves between the two lists, and stay when nothing shown changes."""
    def keys(retitle: str = "Seawall plan", outlet: str = "Gazette") -> dict[str, str]:
        articles = [article("Harbour floods", 1, tags=("Floods",)),
                    article("Seawall plan", 2, tags=("Floods",)),
                    article("Flood money", 3, tags=("Floods",), outlet=outlet)]
        articles[1] = article(retitle, 2, tags=("Floods",))
        archive, _ = collect(articles, Config())
        return {e.title: related_index(archive)[e.url].key for e in archive.entries}
    same, retitled, moved = keys(), keys(retitle="Seawall plan, revised"), keys(outlet="Ledger")
    assert same == keys()
    assert same["Harbour floods"] != retitled["Harbour floods"]  # shows the retitled summary
    assert same["Harbour floods"] != moved["Harbour floods"]  # "Flood money" left the outlet list


def test_distinctive_words_are_the_most_frequent_ties_alphabetically() -> None:
    """Title words count twice; stop words and words under four letters are dropped; of the
    rest the most frequent are kept, ties broken alphabetically, and returned sorted."""
    from newsarchive.archive import collect as collected
    from newsarchive.related import WORDS_PER_ARTICLE, distinctive_words

    rare = " ".join(f"w{chr(97 + i)}{chr(97 + j)}zz" for i in range(4) for j in range(6))
    body = f"Zebra zebra zebra yak yak about with {rare} Éclair ÉCLAIR"
    archive, _ = collected([article("Quokka elk", 1, body=body)], Config())
    words = distinctive_words(archive.entries[0])
    ranked_first = {"zebra", "quokka", "éclair"}  # 3, 2 (title twice) and 2; "elk" is short
    ties = sorted(w for w in rare.split())[:WORDS_PER_ARTICLE - len(ranked_first)]
    assert words == tuple(sorted(ranked_first | set(ties)))
