"""Articles named as an analyst names them: outlet and date, the title kept for a hover or a column.

A truncated title alone does not say who said it or when, and two copies of
one story carry the same title. So an article is "Outlet, 3 May 2025"; when
two articles would get the same name (one outlet ran a story twice that day,
or a syndicated copy kept the outlet's name), each gets the shortest prefix of
its id that tells them apart, which is also what `newstrace show` accepts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from .display import clean_text
from .views import ArticleView

_MIN_PREFIX = 6


def article_date(value: Any) -> dt.date | None:
    text = clean_text(value)
    if len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def human_date(value: Any) -> str:
    day = article_date(value)
    return f"{day.day} {day:%b} {day.year}" if day else ""


def outlet_of(article: ArticleView | Mapping[str, Any]) -> str:
    """The outlet's name, else the site's host, else the file's name: something an analyst recognises."""
    article = _view(article)
    outlet = clean_text(article.outlet)
    if outlet:
        return outlet
    for url in (article.final_url, article.url):
        host = urlsplit(clean_text(url)).hostname or ""
        if host:
            return host.removeprefix("www.")
    path = clean_text(article.source_path)
    return PurePath(path).name if path else "unknown outlet"


def _view(article: ArticleView | Mapping[str, Any]) -> ArticleView:
    return article if isinstance(article, ArticleView) else ArticleView.from_dict(article)


NO_ARTICLE = ArticleView(None)  # what `ArticleNames.get` gives for an id the report does not list


class ArticleNames:
    """Unique analyst names for every article of a report, and their titles."""

    def __init__(self, articles: Iterable[ArticleView | Mapping[str, Any]]) -> None:
        self.articles: dict[str, ArticleView] = {}
        base: dict[str, str] = {}
        for item in articles:
            article = _view(item)
            key = clean_text(article.id)
            self.articles[key] = article
            date = human_date(article.published) or "undated"
            base[key] = f"{outlet_of(article)}, {date}"
        groups: dict[str, list[str]] = defaultdict(list)
        for key, name in base.items():
            groups[name].append(key)
        self._names: dict[str, str] = {}
        for name, keys in groups.items():
            if len(keys) == 1:
                self._names[keys[0]] = name
                continue
            width = _MIN_PREFIX
            while len({k[:width] for k in keys}) < len(keys) and width < max(len(k) for k in keys):
                width += 2
            for key in keys:
                self._names[key] = f"{name} · {key[:width]}"

    @staticmethod
    def key(article_id: Any) -> str:
        return clean_text(article_id).removeprefix("article:")

    def get(self, article_id: Any) -> ArticleView:
        return self.articles.get(self.key(article_id), NO_ARTICLE)

    def name(self, article_id: Any) -> str:
        key = self.key(article_id)
        return self._names.get(key) or key or "unknown article"

    def title(self, article_id: Any) -> str:
        article = self.get(article_id)
        return clean_text(article.title or article.url or article.source_path or self.key(article_id))

    def known(self, article_id: Any) -> bool:
        return self.key(article_id) in self.articles
