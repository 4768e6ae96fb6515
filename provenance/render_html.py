"""The claim-provenance report (a `views.ReportView`) as a folder of HTML pages.

One page for 5,000 articles was 135 MB: no browser opens that. So the report
is an index (summary, the figure families with filters and search, the
clusters) and a page per family, per cluster and per article, plus paged
lists (articles, conflicts, quotes, failed inputs). Long tables are paged, so
no page grows with the corpus past a fixed number of rows.

Every page is self-contained and offline: the CSS (templates/report.css,
package data) is inlined, graphs and timelines are inline SVG, the only
script is the index's filter, written in the page; nothing is loaded from
anywhere. Pages are Jinja2 templates (templates/*.html) with autoescape on;
every value also passes `_finalize`, which strips control characters and ANSI
sequences from scraped strings before they are escaped. Markup built in Python
(painted article text) is built only from escaped pieces (article_paint.py).

Layout on disk (`write_html_report`): with a target ending in ".html", that
file is the index and the other pages go in a folder beside it named
"<stem>_files" (as a browser saves a page with its parts); with any other
target, the target is a folder holding index.html and the pages. Links are
relative either way, so the folder can be moved or zipped as it is.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import graph_svg, timeline_svg
from .article_names import ArticleNames, article_date, human_date
from .article_paint import (
    anchor,
    cited_index,
    cited_items,
    mention_sentence,
    painted_text,
    sentence_with_mark,
    spans_by_article,
)
from .display import FLAG_LABELS, clean_text, format_number, number_in, shorten, values_match
from .views import ArticleView, ConflictView, FigureView, MentionView, ReportView

TEMPLATES = Path(__file__).resolve().parent / "templates"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
# Rows per page: a mention row is about 1.5 KB, an article or quote row under 0.5 KB, so a page stays
# well under a megabyte however large the corpus.
MENTIONS_PER_PAGE = 250
ROWS_PER_PAGE = 1000
CONFLICTS_PER_PAGE = 200
INDEX = "index.html"  # the index's name inside the pages folder, when the target is a folder


# -- templates ----------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    """Every printed value: Markup as it is, None as nothing, text cleaned of control characters."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return clean_text(value, keep_spacing=True)
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, finalize=_finalize,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env


@lru_cache(maxsize=1)
def _css() -> Markup:
    # The stylesheet is ours (package data), not scraped: safe to inline as it is.
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def template_files() -> list[Path]:
    """What the pages are made of besides Python, for outputs.py's "renderer changed" digest."""
    return sorted(p for p in TEMPLATES.iterdir() if p.is_file())


# -- helpers ------------------------------------------------------------------------------------


def _slug(value: Any) -> str:
    return _UNSAFE.sub("-", clean_text(value))[:80] or "x"


def _weblink(url: Any) -> str | None:
    """Only web links become clickable; a javascript: or data: URL stays inert text."""
    text = clean_text(url).strip()
    return text if re.match(r"(?i)^https?://", text) else None


def _flags(flags: Any) -> list[dict[str, str]]:
    return [{"slug": _slug(f), "label": FLAG_LABELS.get(clean_text(f), clean_text(f))} for f in flags or []]


def _value(figure: FigureView) -> str:
    return figure.shown_value(keep_spacing=True)


def _is_failure(article: ArticleView) -> bool:
    status = clean_text(article.status or "ok")
    return status.startswith("failed") or status == "blocked"


def _figure_key(figure: FigureView) -> str:
    """The producer's cluster evidence names shared figures as "value|unit[|ofN]"."""
    value = number_in(figure.value)
    key = f"{value:g}|{figure.unit}" if value is not None else ""
    of = number_in(figure.of) if figure.of is not None else None
    if of is not None:
        key += f"|of{of:g}"
    return key


def _offset(value: Any, missing: int) -> int:
    """A character offset as an int; `missing` when there is none or it does not read as a number."""
    # `value or missing` would take offset 0, the start of a text, for a missing one.
    if value is None or value == "":
        return missing
    try:
        return int(value)
    except (TypeError, ValueError):
        return missing


def _pages(total: int, per: int) -> int:
    return max(1, -(-total // per))


@dataclass(frozen=True)
class Page:
    """One file of the report: its path inside the pages folder ("" root) and its text in pieces."""

    path: str
    chunks: Iterator[str]


class Site:
    """Names every page of the report and renders each; `root` is how a page reaches the pages folder."""

    def __init__(self, report: ReportView, texts: Mapping[str, str] | None = None,
                 index_href: str = "../" + INDEX, index_root: str = "", index_name: str = INDEX) -> None:
        self.view = report
        self.texts = texts or {}
        self.index_href = index_href  # from a page two levels down (kind/name.html) to the index
        self.index_root = index_root  # from the index to the pages folder
        self.index_name = index_name  # the index's own file name, for its own links
        articles = self.view.articles
        self.names = ArticleNames(articles)
        self.ok_articles = [a for a in articles if not _is_failure(a)]
        self.failed = [a for a in articles if _is_failure(a)]
        self.figures = self.view.figures
        self.clusters = [c for c in self.view.clusters if len(c.articles) > 1]
        self.conflicts = self.view.conflicts
        self.quotes = self.view.quotes
        self.family_file = self._unique((f.id or _figure_key(f) or i) for i, f in enumerate(self.figures))
        self.cluster_file = self._unique(c.id for c in self.clusters)
        self.cluster_of = {clean_text(c.id): self.cluster_file[i] for i, c in enumerate(self.clusters)}
        self.article_file = {clean_text(a.id): name for a, name in zip(
            self.ok_articles, self._unique(a.id for a in self.ok_articles))}
        self.family_by_key: dict[str, int] = {}
        self.families_of: dict[str, list[int]] = defaultdict(list)
        for i, figure in enumerate(self.figures):
            self.family_by_key.setdefault(clean_text(figure.id), i)
            self.family_by_key.setdefault(_figure_key(figure), i)
            for article_id in dict.fromkeys(clean_text(m.article) for m in figure.mentions):
                self.families_of[article_id].append(i)
        self.links: dict[frozenset[str], str] = {}
        for cluster in self.clusters:
            for link in cluster.links:
                pair = frozenset((clean_text(link.source), clean_text(link.target)))
                self.links.setdefault(pair, _slug(link.kind))

    @staticmethod
    def _unique(ids: Any) -> list[str]:
        out, seen = [], set()
        for raw in ids:
            name = _slug(raw)
            candidate, n = name, 2
            while candidate.lower() in seen:  # case-insensitive file systems
                candidate, n = f"{name}-{n}", n + 1
            seen.add(candidate.lower())
            out.append(candidate)
        return out

    # -- hrefs, relative to a page two levels down ("families/x.html"); the index prefixes index_root

    def family_href(self, i: int, page: int = 1, root: str = "../") -> str:
        suffix = "" if page == 1 else f"-{page}"
        return f"{root}families/{self.family_file[i]}{suffix}.html"

    def article_href(self, article_id: Any, target: str | None = None, root: str = "../") -> str | None:
        name = self.article_file.get(self.names.key(article_id))
        if name is None:
            return None
        return f"{root}articles/{name}.html" + (f"#{target}" if target else "")

    def cluster_href(self, cluster_id: Any, root: str = "../") -> str | None:
        name = self.cluster_of.get(clean_text(cluster_id))
        return f"{root}clusters/{name}.html" if name else None

    def list_href(self, kind: str, page: int = 1, root: str = "../") -> str:
        return f"{root}lists/{kind}-{page}.html"

    def article_ref(self, article_id: Any, target: str | None = None, root: str = "../") -> dict[str, Any]:
        return {"name": self.names.name(article_id), "title": self.names.title(article_id),
                "href": self.article_href(article_id, target, root)}

    # -- pages

    def pages(self) -> Iterator[Page]:
        """Every page; the index is the one with path INDEX."""
        yield Page(INDEX, self._index())
        for i in range(len(self.figures)):
            yield from self._family_pages(i)
        for i in range(len(self.clusters)):
            yield Page(f"clusters/{self.cluster_file[i]}.html", self._cluster(i))
        marks, sentences = spans_by_article(self.view)
        cited: dict[str, list] | None = None
        for article in self.ok_articles:
            article_id = clean_text(article.id)
            text = self.texts.get(article_id)
            if not isinstance(text, str) and cited is None:
                cited = cited_index(self.view)
            painted = (painted_text(text, marks.get(article_id, []), sentences.get(article_id, []))
                       if isinstance(text, str) else None)
            yield Page(f"articles/{self.article_file[article_id]}.html",
                       self._article(article, painted, cited_items((cited or {}).get(article_id, []))))
        for kind, rows, per in self._lists():
            if not rows and kind != "articles":
                continue  # the frame links a list only when it has rows (_common)
            for page in range(1, _pages(len(rows), per) + 1):
                yield Page(f"lists/{kind}-{page}.html", self._list(kind, rows, per, page))

    def _common(self, title: str, root: str | None = None) -> dict[str, Any]:
        """What every page's frame needs; `root` is None for a page in a kind folder, else the index's."""
        on_index = root is not None
        root = root if on_index else "../"
        lists = [{"href": f"lists/{kind}-1.html", "label": label, "count": count}
                 for kind, label, count in (("articles", "Articles", len(self.ok_articles)),
                                            ("conflicts", "Conflicts", len(self.conflicts)),
                                            ("quotes", "Quotes", len(self.quotes)),
                                            ("failed", "Failed inputs", len(self.failed)))
                 if count or kind == "articles"]
        return {"page_title": title, "css": _css(), "root": root, "lists": lists,
                "index_href": self.index_name if on_index else self.index_href,
                "generated": self.view.summary.generated_at}

    def _render(self, name: str, context: dict[str, Any]) -> Iterator[str]:
        return environment().get_template(name).generate(**context)

    # -- the index

    def _index(self) -> Iterator[str]:
        root = self.index_root
        summary = dict(self.view.summary.counts)
        summary.setdefault("articles", len(self.ok_articles))
        summary.setdefault("clusters", len(self.clusters))
        summary.setdefault("figures", len(self.figures))
        summary.setdefault("flagged", sum(1 for f in self.figures if f.flags))
        summary.setdefault("failed_inputs", len(self.failed))
        tiles = [{"value": format_number(summary.get(key)), "label": label,
                  "warn": key in ("flagged", "failed_inputs", "conflicts") and (number_in(summary.get(key)) or 0) > 0}
                 for key, label in (("articles", "articles"), ("clusters", "coverage clusters"),
                                    ("figures", "figure families"), ("flagged", "flagged"),
                                    ("conflicts", "conflicts"), ("failed_inputs", "failed inputs"))
                 if key in summary]
        families: list[dict[str, Any]] = []
        flag_options: dict[str, dict[str, str]] = {}
        for i, figure in enumerate(self.figures):
            mentions = figure.mentions
            flags = _flags(figure.flags)
            for flag in flags:
                flag_options.setdefault(flag["slug"], flag)
            source = figure.primary_source
            outlets = {self.names.name(m.article) for m in mentions}
            said = figure.said(keep_spacing=True)
            families.append({
                "href": self.family_href(i, root=root), "value": _value(figure), "verdict": figure.verdict.sentence,
                "statement": said, "flags": flags, "flag_slugs": " ".join(f["slug"] for f in flags),
                "articles": len({clean_text(m.article) for m in mentions}),
                "no_source": sum(1 for m in mentions if m.attribution is None and not self.names.get(m.article).is_primary),
                "primary_in_corpus": source is not None and source.in_corpus,
                # What the search box matches: value, statement, source, outlets (a few, to keep the row small).
                "search": " ".join([_value(figure), said, clean_text(source.name if source else None),
                                    *sorted(outlets)[:12]]).lower(),
            })
        clusters = []
        for i, cluster in enumerate(self.clusters):
            members = [clean_text(a) for a in cluster.articles]
            representative = clean_text(cluster.representative) or members[0]
            days = sorted(d for a in members if (d := article_date(self.names.get(a).published)))
            kinds: dict[str, int] = defaultdict(int)
            for link in cluster.links:
                kinds[_slug(link.kind)] += 1
            clusters.append({
                "id": clean_text(cluster.id), "href": f"{root}clusters/{self.cluster_file[i]}.html",
                "size": len(members), "earliest": human_date(days[0].isoformat()) if days else "undated",
                "representative": self.article_ref(representative, root=root), "kinds": sorted(kinds.items()),
                "search": " ".join([self.names.name(a) + " " + self.names.title(a) for a in members[:20]]).lower(),
            })
        singles = len(self.view.clusters) - len(self.clusters)
        context = self._common("Claim-provenance report", root)
        context.update(schema=self.view.schema_version, tiles=tiles, families=families,
                       flag_options=sorted(flag_options.values(), key=lambda f: f["label"]),
                       clusters=clusters, singles=singles)
        return self._render("index.html", context)

    # -- families

    def _family_pages(self, i: int) -> Iterator[Page]:
        count = _pages(len(self.figures[i].mentions), MENTIONS_PER_PAGE)
        for page in range(1, count + 1):
            suffix = "" if page == 1 else f"-{page}"
            yield Page(f"families/{self.family_file[i]}{suffix}.html", self._family(i, page, count))

    def _family(self, i: int, page: int, count: int) -> Iterator[str]:
        figure = self.figures[i]
        mentions = figure.mentions
        # An empty record (a source or first seen) is shown as none.
        source = figure.primary_source if figure.primary_source is not None and not figure.primary_source.empty else None
        document = clean_text(source.document) if source else ""
        # The primary document's own mention of the figure, when the corpus holds the document.
        own = next((m for m in mentions if document and clean_text(m.article) == document), None)
        primary_value = number_in(own.stated) if own else None
        facts = [(label, clean_text(value)) for value, label in
                 ((figure.measure, "measure"), (figure.holder, "holder"), (figure.period, "period"),
                  (figure.unit, "unit")) if value]
        if estimates := figure.estimates_line():
            facts.append(("estimates by source", estimates))
        variants = []
        for variant in figure.variants:
            drifted = number_in(variant) is not None and not values_match(variant, figure.value)
            asprimary = primary_value is not None and values_match(variant, primary_value)
            variants.append({"text": clean_text(variant), "drifted": drifted, "asprimary": asprimary,
                             "note": "as the primary document states it" if asprimary
                             else ("differs from the family value" if drifted else "")})
        seen = figure.first_seen if figure.first_seen is not None and not figure.first_seen.empty else None
        first_seen = ({"date": human_date(seen.date) or clean_text(seen.date) or "undated",
                       "article": self.article_ref(seen.article), "estimated": seen.estimated}
                      if seen else None)
        primary = None
        if source:
            evidence = source.evidence if source.evidence is not None and not source.evidence.empty else None
            shown = None
            if evidence and evidence.sentence:
                shown = (sentence_with_mark(evidence.sentence, own.text, own.start, own.sentence_start)
                         if own and _offset(own.sentence_start, -1) == _offset(evidence.start, -2)
                         else clean_text(evidence.sentence))
            target = (anchor("s", document, own.start) if own
                      else anchor("e", evidence.article, evidence.start) if evidence else None)
            primary = {"name": clean_text(source.name) or "unnamed", "kind": clean_text(source.kind),
                       "in_corpus": source.in_corpus,
                       "document": self.article_ref(document) if document else None,
                       "url_href": _weblink(source.url), "url_shown": shorten(source.url, 70),
                       "evidence": shown, "evidence_href": self.article_href(document, target) if document else None}
        lo = (page - 1) * MENTIONS_PER_PAGE
        rows = [self._mention_row(figure, m, primary_value) for m in mentions[lo:lo + MENTIONS_PER_PAGE]]
        pager = {"total": len(mentions), "first": lo + 1, "last": lo + len(rows),
                 "pages": [{"number": n, "here": n == page, "href": self.family_href(i, n)}
                           for n in range(1, count + 1)]}
        graph = timeline = None
        undated = 0
        if page == 1:
            graph = graph_svg.family_graph(figure, self.names, self.links, lambda a: self.article_href(a))
            events = []
            for m in mentions:
                article = self.names.get(m.article)
                day = article_date(m.date or article.published)
                if day is None:
                    undated += 1
                    continue
                first = seen is not None and clean_text(m.article) == clean_text(seen.article)
                events.append(timeline_svg.Event(
                    day, _dot_kind(m, article), first, bool(first and seen is not None and seen.estimated),
                    f"{self.names.name(m.article)}: {clean_text(m.text)} — {self.names.title(m.article)}",
                    self.article_href(m.article, anchor("s", m.article, m.start))))
            timeline = timeline_svg.layout(events)
        context = self._common(f"{_value(figure)} · {shorten(figure.said(), 60)}")
        context.update(f={"value": _value(figure), "verdict": figure.verdict.sentence,
                          "statement": figure.said(keep_spacing=True), "facts": facts, "flags": _flags(figure.flags),
                          "variants": variants, "first_seen": first_seen, "primary": primary},
                       rows=rows, pager=pager, graph=graph, timeline=timeline, undated=undated)
        return self._render("family.html", context)

    def _mention_row(self, figure: FigureView, mention: MentionView, primary_value: float | None) -> dict[str, Any]:
        article_id = clean_text(mention.article)
        article = self.names.get(article_id)
        value = mention.stated
        badges = []
        if article.is_primary:
            badges.append({"cls": "primarydoc", "label": "primary document"})
        if article.auto_generated:
            badges.append({"cls": "muted", "label": "auto-generated"})
        mismatch = (format_number(primary_value) if primary_value is not None and not article.is_primary
                    and number_in(value) is not None and not values_match(value, primary_value) else None)
        attribution = mention.attribution
        shown_attribution = None
        if attribution is not None:
            via = attribution.via
            shown_attribution = {"name": clean_text(attribution.name) or "unnamed",
                                 "kind": clean_text(attribution.kind),
                                 "inferred": attribution.inferred, "cue": clean_text(attribution.cue),
                                 "via": self.article_ref(via) if via else None}
        chain = []
        for step in mention.chain:
            step_id = clean_text(step.id)
            kind = clean_text(step.kind)
            is_article = step_id.startswith("article:") and self.names.known(step_id)
            chain.append({"kind": _slug(kind), "tip": f"{clean_text(step.label)} ({kind})",
                          "label": self.names.name(step_id) if is_article else shorten(step.label or step_id, 34),
                          "href": self.article_href(step_id) if is_article else None})
        hops = mention.hops
        return {"article": self.article_ref(article_id), "badges": badges,
                "href": self.article_href(article_id, anchor("s", article_id, mention.start)),
                "stated": clean_text(mention.text) or format_number(value),
                "drift": mention.drifted(figure), "mismatch": mismatch,
                "sentence": mention_sentence(mention), "attribution": shown_attribution,
                "is_primary": bool(article.is_primary), "chain": chain,
                "hops": "—" if hops is None else clean_text(hops)}

    # -- clusters

    def _cluster(self, i: int) -> Iterator[str]:
        cluster = self.clusters[i]
        representative = clean_text(cluster.representative)
        members = []
        for article_id in cluster.articles:
            ref = self.article_ref(article_id)
            ref.update(date=human_date(self.names.get(article_id).published) or "undated",
                       representative=clean_text(article_id) == representative)
            members.append(ref)
        links = []
        for link in cluster.links:
            figures = []
            for key in link.shared_figures:
                index = self.family_by_key.get(clean_text(key))
                if index is None:
                    figures.append({"label": clean_text(key), "href": None, "tip": ""})
                else:
                    figure = self.figures[index]
                    figures.append({"label": _value(figure), "href": self.family_href(index),
                                    "tip": figure.said(keep_spacing=True)})
            scores = []
            for raw in (link.jaccard, link.containment, link.cosine):
                score = number_in(raw) if raw is not None else None
                scores.append(None if score is None else max(0.0, min(1.0, score)))
            # A link's source came first (provenance/cluster.py `_precedence`)... as the older column.
            links.append({"older": self.article_ref(link.source), "newer": self.article_ref(link.target),
                          "kind": _slug(link.kind), "scores": scores, "figures": figures,
                          "entities": [clean_text(e) for e in link.shared_entities]})
        cid = clean_text(cluster.id)
        conflicts = [self._conflict(k) for k in self.conflicts if clean_text(k.cluster) == cid]
        context = self._common(f"Cluster {cid}")
        context.update(c={"id": cid, "members": members, "links": links, "conflicts": conflicts})
        return self._render("cluster.html", context)

    def _conflict(self, conflict: ConflictView) -> dict[str, Any]:
        sides = []
        for value in conflict.values:
            target = anchor("c", value.article, value.start) if value.start is not None else None
            sides.append({"text": clean_text(value.text),
                          "href": self.article_href(value.article, target) if target else None,
                          "sentence": sentence_with_mark(value.sentence, value.text),
                          "article": self.article_ref(value.article)})
        cluster = conflict.cluster
        href = self.cluster_href(cluster) if cluster is not None else None
        return {"what": clean_text(conflict.what), "sides": sides,
                "cluster": {"id": clean_text(cluster), "href": href} if href else None}

    # -- articles

    def _article(self, article: ArticleView, painted: Markup | None,
                 cited: Sequence[tuple[str, Markup]]) -> Iterator[str]:
        article_id = clean_text(article.id)
        badges = []
        if article.is_primary:
            badges.append({"cls": "primarydoc", "label": "primary document"})
        if article.auto_generated:
            badges.append({"cls": "muted", "label": "auto-generated"})
        facts = [(key, clean_text(value)) for key, value in
                 (("outlet", article.outlet), ("author", article.author), ("published", article.published),
                  ("language", article.language), ("status", article.status)) if value]
        links = []
        for key, url in (("url", article.url), ("final_url", article.final_url)):
            if url and (key == "url" or article.final_url != article.url):
                links.append((key.replace("_", " "), _weblink(url), shorten(url, 80)))
        cluster = article.cluster
        href = self.cluster_href(cluster) if cluster is not None else None
        families = [{"label": _value(self.figures[i]), "href": self.family_href(i),
                     "tip": self.figures[i].said(keep_spacing=True)} for i in self.families_of.get(article_id, [])]
        context = self._common(self.names.name(article_id))
        context.update(a={"id": article_id, "name": self.names.name(article_id),
                          "title": clean_text(article.title) or article_id, "badges": badges, "facts": facts,
                          "links": links, "cluster": {"id": clean_text(cluster), "href": href} if href else None,
                          "families": families, "text": painted, "cited": list(cited)})
        return self._render("article.html", context)

    # -- paged lists

    def _lists(self) -> list[tuple[str, Sequence[Any], int]]:
        return [("articles", self.ok_articles, ROWS_PER_PAGE), ("conflicts", self.conflicts, CONFLICTS_PER_PAGE),
                ("quotes", self.quotes, ROWS_PER_PAGE), ("failed", self.failed, ROWS_PER_PAGE)]

    def _list(self, kind: str, items: Sequence[Any], per: int, page: int) -> Iterator[str]:
        lo = (page - 1) * per
        chunk = items[lo:lo + per]
        if kind == "articles":
            rows = []
            for a in chunk:
                article_id = clean_text(a.id)
                cluster = a.cluster
                href = self.cluster_href(cluster) if cluster is not None else None
                badges = ([{"cls": "primarydoc", "label": "primary document"}] if a.is_primary else []) + \
                         ([{"cls": "muted", "label": "auto-generated"}] if a.auto_generated else [])
                rows.append({"article": self.article_ref(article_id), "badges": badges,
                             "status": clean_text(a.status or "ok"),
                             "cluster": {"id": clean_text(cluster), "href": href} if href else None,
                             "figures": len(self.families_of.get(article_id, []))})
        elif kind == "quotes":
            rows = [{"speaker": clean_text(q.speaker) or "unknown speaker", "text": clean_text(q.text),
                     "href": self.article_href(q.article, anchor("q", q.article, q.start)),
                     "article": self.article_ref(q.article)} for q in chunk]
        elif kind == "conflicts":
            rows = [self._conflict(k) for k in chunk]
        else:
            rows = [{"id": clean_text(a.id), "input": clean_text(a.url or a.source_path),
                     "status": clean_text(a.status), "reason": clean_text(a.reason)} for a in chunk]
        count = _pages(len(items), per)
        heading = {"articles": "Articles", "conflicts": "Conflicts", "quotes": "Quotes",
                   "failed": "Failed inputs"}[kind]
        empty = {"articles": "No articles.", "conflicts": "No contradictions found.", "quotes": "No quotes found.",
                 "failed": "No failed inputs."}[kind]
        pager = {"total": len(items), "first": lo + 1 if rows else 0, "last": lo + len(rows),
                 "pages": [{"number": n, "here": n == page, "href": self.list_href(kind, n)} for n in range(1, count + 1)]}
        context = self._common(heading if count == 1 else f"{heading} ({page} of {count})")
        context.update(kind=kind, heading=heading, rows=rows, pager=pager, empty=empty)
        return self._render("list.html", context)


def _dot_kind(mention: MentionView, article: ArticleView) -> str:
    if article.is_primary:
        return "primary"
    if mention.attribution is None:
        return "unattributed"
    return "inferred" if mention.attribution.inferred else "attributed"


# -- public surface -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HtmlLayout:
    """Where the index and the other pages go for a target path (see the module docstring)."""

    index: Path
    folder: Path

    @classmethod
    def for_target(cls, target: Path) -> "HtmlLayout":
        if target.suffix.lower() in (".html", ".htm"):
            return cls(target, target.with_name(target.stem + "_files"))
        return cls(target / INDEX, target)

    def site(self, report: ReportView, texts: Mapping[str, str] | None) -> Site:
        # Pages sit two levels below the index's folder when the folder is the target, else inside <stem>_files.
        index_href = os.path.relpath(self.index, self.folder / "families").replace(os.sep, "/")
        root = os.path.relpath(self.folder, self.index.parent).replace(os.sep, "/")
        return Site(report, texts, index_href=index_href, index_root="" if root == "." else root + "/",
                    index_name=self.index.name)


@dataclass(frozen=True)
class WrittenHtml:
    index: Path
    folder: Path
    pages: int
    bytes: int
    largest: tuple[str, int]
    index_sha256: str


def iter_pages(report: ReportView, texts: Mapping[str, str] | None = None) -> Iterator[Page]:
    """Every page of the report laid out as a folder (index.html at its top)."""
    return HtmlLayout.for_target(Path("report")).site(report, texts).pages()


def render_html(report: ReportView, texts: Mapping[str, str] | None = None) -> str:
    """The index page alone (as a folder's index.html), as one string: small at any corpus size."""
    return "".join(next(iter_pages(report, texts)).chunks)


def render_pages(report: ReportView, texts: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every page as {path: html}; for tests and small reports (a large one is written with write_html_report)."""
    return {page.path: "".join(page.chunks) for page in iter_pages(report, texts)}


_KINDS = ("families", "clusters", "articles", "lists")


def write_html_report(report: ReportView, texts: Mapping[str, str] | None, target: Path) -> WrittenHtml:
    """Write the report's pages for `target` (a folder, or an index file NAME.html beside NAME_files/).

    Each page is written atomically (corpus/atomic.py); the index goes last, so
    until the new report is complete the old index still opens. Pages of an
    earlier report that this one no longer has are removed, and only those:
    .html files in the four folders this module writes.
    """
    from newstrace.corpus.atomic import OutputError, atomic_write, describe_write_error

    layout = HtmlLayout.for_target(target)
    try:
        for kind in _KINDS:
            (layout.folder / kind).mkdir(parents=True, exist_ok=True)
        layout.index.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe_write_error(layout.folder, exc)) from exc
    written: set[Path] = set()
    count, total, largest, index_digest = 0, 0, ("", 0), ""
    index_page: Page | None = None
    for page in layout.site(report, texts).pages():
        if page.path == INDEX:
            index_page = page  # rendered last, below
            continue
        path = layout.folder / page.path
        atomic_write(path, page.chunks)
        written.add(path)
        size = path.stat().st_size
        count, total = count + 1, total + size
        if size > largest[1]:
            largest = (page.path, size)
    for kind in _KINDS:
        for stale in (layout.folder / kind).glob("*.html"):
            if stale not in written:
                stale.unlink()
    assert index_page is not None
    index_digest = atomic_write(layout.index, index_page.chunks)
    size = layout.index.stat().st_size
    if size > largest[1]:
        largest = (layout.index.name, size)
    return WrittenHtml(layout.index, layout.folder, count + 1, total + size, largest, index_digest)
