"""Render a claim-provenance report (a `views.ReportView`) to a rich console.

Scraped strings reach the console only as `rich.text.Text` built from
`clean_text` output: rich never parses them as markup ("[bold]" in a title stays
text), and ANSI sequences or other control characters from a page cannot move
the cursor or clear the analyst's screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newstrace.corpus.terminal import plain

from .display import clean_text, figure_key_label, format_number, format_value, shorten, values_differ
from .views import (
    ArticleView,
    AttributionView,
    ClusterView,
    FigureView,
    MentionView,
    ReportView,
)

FLAG_STYLES = {
    "drift": ("drift", "bold yellow"),
    "unattributed": ("unattributed", "bold red"),
    "inferred_attribution": ("inferred attribution", "dark_orange"),
    "primary_mismatch": ("primary mismatch", "bold magenta"),
    "no_primary_source": ("no primary source", "dim"),
}


def _t(value: Any, style: str = "", limit: int | None = None) -> Text:
    """Scraped text, cleaned, as a Text (so never parsed as markup): corpus.terminal.plain, the one way
    data reaches the terminal."""
    return plain(clean_text(value) if limit is None else shorten(value, limit), style)


def _flags(flags: Any) -> Text:
    out = Text()
    for flag in flags or []:
        label, style = FLAG_STYLES.get(clean_text(flag), (clean_text(flag), "bold"))
        if out:
            out.append(" ")
        out.append_text(plain(f" {label} ", f"reverse {style}"))
    return out or Text("no flags", style="green")


# -- console ------------------------------------------------------------------------------------

Titles = Mapping[str, ArticleView]


def render_terminal(report: ReportView, console: Console) -> None:
    titles = report.articles_by_id()
    console.print(_summary_panel(report))
    for figure in report.figures:
        console.print(_figure_table(figure, titles))
        console.print()
    for renderable in (_clusters_table(report, titles), _conflicts_table(report, titles), _gaps_table(report, titles)):
        if renderable is not None:
            console.print(renderable)


def _title_of(article_id: Any, titles: Titles, limit: int = 40) -> Text:
    key = clean_text(article_id).removeprefix("article:")
    article = titles.get(key)
    return _t((article.title or article.url or key) if article else key, limit=limit)


def _summary_panel(report: ReportView) -> Panel:
    summary = report.summary
    figures = report.figures
    counts = [("articles", summary.count("articles", len(report.articles))),
              ("clusters", summary.count("clusters")), ("figure families", summary.count("figures", len(figures))),
              ("flagged", summary.count("flagged", sum(1 for f in figures if f.flags))),
              ("conflicts", summary.count("conflicts", len(report.conflicts))),
              ("failed inputs", summary.count("failed_inputs"))]
    line = Text()
    for label, value in counts:
        if value is None:
            continue
        warn = label in ("flagged", "conflicts", "failed inputs") and isinstance(value, int) and value > 0
        line.append(format_number(value), style="bold red" if warn else "bold")
        line.append(f" {label}   ")
    body = [line]
    if summary.generated_at:
        body.append(Text.assemble(("generated ", "dim"), _t(summary.generated_at, "dim")))
    return Panel(Group(*body), title="newstrace · claim-provenance report", border_style="blue", expand=False)


def _figure_table(figure: FigureView, titles: Titles) -> Table:
    value = format_value(figure.value, figure.unit, figure.of)
    # The verdict comes first under the value, as in the Markdown and HTML views.
    title = Text.assemble((value, "bold cyan"), "  ", _t(figure.said(), "bold"), "\n",
                          _t(figure.verdict.sentence, "bold"))
    table = Table(title=title, title_justify="left", caption=_figure_caption(figure, titles),
                  caption_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    for name, kwargs in (("article", {"ratio": 3}), ("outlet", {"ratio": 2}), ("date", {"no_wrap": True}),
                         ("as stated", {"ratio": 2}), ("attribution", {"ratio": 3}), ("hops", {"justify": "right"})):
        table.add_column(name, **kwargs)
    for mention in figure.mentions:
        table.add_row(*_mention_cells(figure, mention, titles))
    return table


def _figure_caption(figure: FigureView, titles: Titles) -> Text:
    caption = Text.assemble(("flags ", "dim"), _flags(figure.flags))
    variants = [clean_text(v) for v in figure.variants]
    if variants:
        caption.append("   as stated ", style="dim")
        for i, variant in enumerate(variants):
            caption.append((", " if i else "") + variant,
                           style="bold yellow" if values_differ(variant, figure.value) else "")
    source = figure.primary_source
    caption.append("\nprimary source ", style="dim")
    if source is not None:
        caption.append_text(_t(source.name or "unnamed", "bold green"))
        where = "in corpus" if source.in_corpus else "not in corpus"
        caption.append(" ")
        caption.append_text(_t(f"({source.kind or 'source'}, {where})", "dim"))
    else:
        caption.append("none identified", style="red")
    seen = figure.first_seen
    if seen is not None:
        caption.append("\nfirst seen ", style="dim")
        caption.append_text(_t(seen.date or "undated"))
        caption.append(" in ", style="dim")
        caption.append_text(_title_of(seen.article, titles, 50))
        if seen.estimated:
            caption.append(" (estimated)", style="dim")
    return caption


def _mention_cells(figure: FigureView, mention: MentionView, titles: Titles) -> list[Text]:
    article = titles.get(clean_text(mention.article))
    drifted = values_differ(mention.stated, figure.value)
    stated = _t(mention.text or format_number(mention.value), "bold yellow" if drifted else "bold", limit=40)
    hops = mention.hops
    return [_title_of(mention.article, titles), _t(mention.outlet or (article.outlet if article else None), limit=30),
            _t(mention.date or (article.published if article else None), limit=10), stated,
            _attribution(mention.attribution, titles, bool(article and article.is_primary)),
            Text("—" if hops is None else format_number(hops))]


def _attribution(attribution: AttributionView | None, titles: Titles, is_primary: bool) -> Text:
    if attribution is None:
        return Text("primary document", style="green") if is_primary else Text("no source", style="bold red")
    out = _t(attribution.name or "unnamed", limit=60)
    if attribution.kind:
        out.append(" ")
        out.append_text(_t(f"[{clean_text(attribution.kind)}]", "dim"))
    if attribution.inferred:
        out.append("\ninferred via ", style="dark_orange")
        out.append_text(_title_of(attribution.via, titles, 35))
    return out


def _clusters_table(report: ReportView, titles: Titles) -> Table | None:
    clusters = [c for c in report.clusters if len(c.articles) > 1]
    if not clusters:
        return None
    table = Table(title=Text("Coverage clusters", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    # A link's source came first (provenance/cluster.py `_precedence`): older, then newer.
    for name in ("cluster", "older", "newer", "kind", "Jaccard", "contain.", "cosine", "shared figures"):
        table.add_column(name, justify="right" if name in ("Jaccard", "contain.", "cosine") else "left")
    for cluster in clusters:
        for i, link in enumerate(cluster.links or (None,)):
            # An empty link (or none at all) shows the members instead.
            if link is None or link.empty:
                table.add_row(_t(cluster.id) if i == 0 else Text(""), _members(cluster, titles), Text(""),
                              _t(None, "magenta"), _score(None), _score(None), _score(None), _t("", limit=40))
                continue
            table.add_row(_t(cluster.id) if i == 0 else Text(""),
                          _title_of(link.source, titles, 35), _title_of(link.target, titles, 35),
                          _t(link.kind, "magenta"), _score(link.jaccard), _score(link.containment),
                          _score(link.cosine),
                          _t(", ".join(figure_key_label(f) for f in link.shared_figures), limit=40))
    return table


def _members(cluster: ClusterView, titles: Titles) -> Text:
    return Text("\n").join(_title_of(a, titles, 35) for a in cluster.articles)


def _score(value: object) -> Text:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Text(f"{value:.2f}")
    return Text("n/a", style="dim")


def _conflicts_table(report: ReportView, titles: Titles) -> Table | None:
    if not report.conflicts:
        return None
    table = Table(title=Text("Conflicts", style="bold red"), title_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    table.add_column("conflict", ratio=3)
    table.add_column("article", ratio=3)
    table.add_column("says", ratio=2)
    for conflict in report.conflicts:
        for i, value in enumerate(conflict.values):
            table.add_row(_t(conflict.what) if i == 0 else Text(""), _title_of(value.article, titles),
                          _t(value.text, "bold magenta", limit=60))
    return table


def _gaps_table(report: ReportView, titles: Titles) -> Table | None:
    table = Table(title=Text("Attribution gaps", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    for name in ("figure", "as stated", "article", "status"):
        table.add_column(name)
    for figure in report.figures:
        for mention in figure.mentions:
            attribution = mention.attribution
            article = titles.get(clean_text(mention.article))
            if article is not None and article.is_primary:
                continue
            if attribution is not None and not attribution.inferred:
                continue
            status = (Text.assemble(("inferred via ", "dark_orange"), _title_of(attribution.via, titles, 30))
                      if attribution is not None else Text("unattributed", style="bold red"))
            table.add_row(_t(figure.said(), limit=50), _t(mention.text, "bold", limit=30),
                          _title_of(mention.article, titles), status)
    return table if table.row_count else None
