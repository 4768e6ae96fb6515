"""Render a claim-provenance report (the JSON contract, as a plain dict) to a rich console.

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

from .display import (
    clean_text,
    entries,
    figure_key_label,
    format_number,
    format_value,
    shorten,
    statement,
    values_differ,
)
from .verdict import build_verdict

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


def render_terminal(report: dict, console: Console) -> None:
    titles = {clean_text(a.get("id")): a for a in entries(report, "articles")}
    console.print(_summary_panel(report))
    for figure in entries(report, "figures"):
        console.print(_figure_table(figure, titles))
        console.print()
    for renderable in (_clusters_table(report, titles), _conflicts_table(report, titles), _gaps_table(report, titles)):
        if renderable is not None:
            console.print(renderable)


def _title_of(article_id: Any, titles: Mapping[str, Mapping[str, Any]], limit: int = 40) -> Text:
    key = clean_text(article_id).removeprefix("article:")
    article = titles.get(key, {})
    return _t(article.get("title") or article.get("url") or key, limit=limit)


def _summary_panel(report: Mapping[str, Any]) -> Panel:
    summary = report.get("summary") or {}
    figures = entries(report, "figures")
    counts = [("articles", summary.get("articles", len(entries(report, "articles")))),
              ("clusters", summary.get("clusters")), ("figure families", summary.get("figures", len(figures))),
              ("flagged", summary.get("flagged", sum(1 for f in figures if f.get("flags")))),
              ("conflicts", summary.get("conflicts", len(entries(report, "conflicts")))),
              ("failed inputs", summary.get("failed_inputs"))]
    line = Text()
    for label, value in counts:
        if value is None:
            continue
        warn = label in ("flagged", "conflicts", "failed inputs") and isinstance(value, int) and value > 0
        line.append(format_number(value), style="bold red" if warn else "bold")
        line.append(f" {label}   ")
    body = [line]
    if summary.get("generated_at"):
        body.append(Text.assemble(("generated ", "dim"), _t(summary["generated_at"], "dim")))
    return Panel(Group(*body), title="newstrace · claim-provenance report", border_style="blue", expand=False)


def _figure_table(figure: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table:
    value = format_value(figure.get("value"), figure.get("unit"), figure.get("of"))
    # The verdict comes first under the value, as in the Markdown and HTML views.
    title = Text.assemble((value, "bold cyan"), "  ", _t(statement(figure), "bold"), "\n",
                          _t(build_verdict(figure).sentence, "bold"))
    table = Table(title=title, title_justify="left", caption=_figure_caption(figure, titles),
                  caption_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    for name, kwargs in (("article", {"ratio": 3}), ("outlet", {"ratio": 2}), ("date", {"no_wrap": True}),
                         ("as stated", {"ratio": 2}), ("attribution", {"ratio": 3}), ("hops", {"justify": "right"})):
        table.add_column(name, **kwargs)
    for mention in entries(figure, "mentions"):
        table.add_row(*_mention_cells(figure, mention, titles))
    return table


def _figure_caption(figure: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Text:
    caption = Text.assemble(("flags ", "dim"), _flags(figure.get("flags")))
    variants = [clean_text(v) for v in figure.get("variants") or []]
    if variants:
        caption.append("   as stated ", style="dim")
        for i, variant in enumerate(variants):
            caption.append((", " if i else "") + variant,
                           style="bold yellow" if values_differ(variant, figure.get("value")) else "")
    source = figure.get("primary_source")
    caption.append("\nprimary source ", style="dim")
    if isinstance(source, Mapping):
        caption.append_text(_t(source.get("name") or "unnamed", "bold green"))
        where = "in corpus" if source.get("in_corpus") else "not in corpus"
        caption.append(" ")
        caption.append_text(_t(f"({source.get('kind') or 'source'}, {where})", "dim"))
    else:
        caption.append("none identified", style="red")
    seen = figure.get("first_seen")
    if isinstance(seen, Mapping):
        caption.append("\nfirst seen ", style="dim")
        caption.append_text(_t(seen.get("date") or "undated"))
        caption.append(" in ", style="dim")
        caption.append_text(_title_of(seen.get("article"), titles, 50))
        if seen.get("estimated"):
            caption.append(" (estimated)", style="dim")
    return caption


def _mention_cells(figure: Mapping[str, Any], mention: Mapping[str, Any],
                   titles: Mapping[str, Mapping[str, Any]]) -> list[Text]:
    article = titles.get(clean_text(mention.get("article")), {})
    drifted = values_differ(mention.get("value", mention.get("text")), figure.get("value"))
    stated = _t(mention.get("text") or format_number(mention.get("value")), "bold yellow" if drifted else "bold",
                limit=40)
    hops = mention.get("hops")
    return [_title_of(mention.get("article"), titles), _t(mention.get("outlet") or article.get("outlet"), limit=30),
            _t(mention.get("date") or article.get("published"), limit=10), stated,
            _attribution(mention.get("attribution"), titles, bool(article.get("is_primary"))),
            Text("—" if hops is None else format_number(hops))]


def _attribution(attribution: Any, titles: Mapping[str, Mapping[str, Any]], is_primary: bool) -> Text:
    if not isinstance(attribution, Mapping):
        return Text("primary document", style="green") if is_primary else Text("no source", style="bold red")
    out = _t(attribution.get("name") or "unnamed", limit=60)
    if attribution.get("kind"):
        out.append(" ")
        out.append_text(_t(f"[{clean_text(attribution['kind'])}]", "dim"))
    if attribution.get("inferred"):
        out.append("\ninferred via ", style="dark_orange")
        out.append_text(_title_of(attribution.get("via"), titles, 35))
    return out


def _clusters_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    clusters = [c for c in entries(report, "clusters") if len(c.get("articles") or []) > 1]
    if not clusters:
        return None
    table = Table(title=Text("Coverage clusters", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    # A link's source came first (provenance/cluster.py `_precedence`): older, then newer.
    for name in ("cluster", "older", "newer", "kind", "Jaccard", "contain.", "cosine", "shared figures"):
        table.add_column(name, justify="right" if name in ("Jaccard", "contain.", "cosine") else "left")
    for cluster in clusters:
        links = entries(cluster, "links") or [{}]
        for i, link in enumerate(links):
            table.add_row(_t(cluster.get("id")) if i == 0 else Text(""),
                          _title_of(link.get("source"), titles, 35) if link else _members(cluster, titles),
                          _title_of(link.get("target"), titles, 35) if link else Text(""),
                          _t(link.get("kind"), "magenta"), _score(link.get("jaccard")),
                          _score(link.get("containment")), _score(link.get("cosine")),
                          _t(", ".join(figure_key_label(f) for f in link.get("shared_figures") or []), limit=40))
    return table


def _members(cluster: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Text:
    return Text("\n").join(_title_of(a, titles, 35) for a in cluster.get("articles") or [])


def _score(value: Any) -> Text:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Text(f"{value:.2f}")
    return Text("n/a", style="dim")


def _conflicts_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    conflicts = entries(report, "conflicts")
    if not conflicts:
        return None
    table = Table(title=Text("Conflicts", style="bold red"), title_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    table.add_column("conflict", ratio=3)
    table.add_column("article", ratio=3)
    table.add_column("says", ratio=2)
    for conflict in conflicts:
        for i, value in enumerate(entries(conflict, "values")):
            table.add_row(_t(conflict.get("what")) if i == 0 else Text(""), _title_of(value.get("article"), titles),
                          _t(value.get("text"), "bold magenta", limit=60))
    return table


def _gaps_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    table = Table(title=Text("Attribution gaps", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    for name in ("figure", "as stated", "article", "status"):
        table.add_column(name)
    for figure in entries(report, "figures"):
        for mention in entries(figure, "mentions"):
            attribution = mention.get("attribution")
            if titles.get(clean_text(mention.get("article")), {}).get("is_primary"):
                continue
            if isinstance(attribution, Mapping) and not attribution.get("inferred"):
                continue
            status = (Text.assemble(("inferred via ", "dark_orange"), _title_of(attribution.get("via"), titles, 30))
                      if isinstance(attribution, Mapping) else Text("unattributed", style="bold red"))
            table.add_row(_t(statement(figure), limit=50), _t(mention.get("text"), "bold", limit=30),
                          _title_of(mention.get("article"), titles), status)
    return table if table.row_count else None
