"""Finding stored articles the way people name them, and listing them for `newstrace articles`.

An analyst types whatever they have at hand: the id (or its first characters, as git
users do), the URL they gave ingest, or the path of a saved page. All resolve here, so
the CLI stays a thin layer and every command that takes an article accepts the same forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .records import Article
from .store import Store
from .urls import content_id, safe_canonical_url, strip_userinfo

# How many candidates an ambiguous prefix lists before "...": enough to pick from, not a flood.
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class ArticleRow:
    """One line of `newstrace articles`: what tells two stored documents apart at a glance."""

    id: str
    outlet: str | None
    published: str | None
    date_estimated: bool
    status: str
    title: str | None
    url: str | None
    source_path: str | None
    is_primary: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "outlet": self.outlet, "published": self.published,
                "date_estimated": self.date_estimated, "status": self.status, "title": self.title,
                "url": self.url, "source_path": self.source_path, "is_primary": self.is_primary}


def article_rows(store: Store) -> Iterator[ArticleRow]:
    """Every stored document, failures included (a failed row has an id too), in id order."""
    for a in store.iter_articles(statuses=None):
        yield ArticleRow(a.id, a.outlet, a.published, a.date_estimated, a.status.value, a.title, a.url,
                         a.source_path, a.is_primary)


def resolve_article(store: Store, ref: str) -> Article:
    """The one article `ref` names: an id, a unique id prefix, a URL or a file path.

    Raises UsageError naming the candidates when a prefix matches several, and
    saying how to list ids when nothing matches.
    """
    ref = ref.strip()
    if not ref:
        raise UsageError("no article given; `newstrace articles` lists the ids")
    found = store.get_article(ref)
    if found is not None:
        return found
    for alias in _aliases(ref):
        hit = store.find_alias(alias)
        if hit is not None:
            return store.get_article(hit.id) or hit
    by_content = _content_id(ref)
    if by_content is not None:
        found = store.get_article(by_content)
        if found is not None:
            return found
    candidates = [a.id for a in store.iter_articles(statuses=None) if a.id.startswith(ref)] if _could_be_id(ref) else []
    if len(candidates) == 1:
        return store.get_article(candidates[0]) or _missing(ref)
    if len(candidates) > 1:
        shown = ", ".join(candidates[:MAX_CANDIDATES]) + (", ..." if len(candidates) > MAX_CANDIDATES else "")
        raise UsageError(f"{ref!r} matches {len(candidates)} articles ({shown}); type more of the id")
    return _missing(ref)


def _missing(ref: str) -> Article:
    raise UsageError(f"no article {ref!r}; `newstrace articles` lists the ids")


def _could_be_id(ref: str) -> bool:
    # Ids are hex digests; a URL or a path never is a prefix of one, and scanning for it is wasted.
    return "/" not in ref and ":" not in ref


def _aliases(ref: str) -> Iterator[str]:
    """The url_aliases keys ingest would have stored for `ref` (see corpus/ingest.py)."""
    if "://" in ref:
        ref = strip_userinfo(ref)  # ingest stored the URL without credentials
        yield ref
        canonical = safe_canonical_url(ref)
        if canonical is not None:
            yield canonical
        return
    try:
        path = Path(ref).expanduser()
        if path.exists():
            yield "file:" + str(path.resolve())
    except (OSError, ValueError):
        pass


def _content_id(ref: str) -> str | None:
    # A file whose alias was stored under another path (moved, or ingested through a folder
    # symlink) still has the id of its bytes.
    try:
        path = Path(ref).expanduser()
        if "://" in ref or not path.is_file():
            return None
        return content_id(path.read_bytes())
    except (OSError, ValueError):
        return None
