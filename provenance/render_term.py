"""Render a claim-provenance report (the JSON contract, as a plain dict) to a rich console.

Scraped strings reach the console only as `rich.text.Text` built from
`_clean` output: rich never parses them as markup ("[bold]" in a title stays
text), and ANSI sequences or other control characters from a page cannot move
the cursor or clear the analyst's screen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

FLAG_STYLES = {
    "drift": ("drift", "bold yellow"),
    "unattributed": ("unattributed", "bold red"),
    "inferred_attribution": ("inferred attribution", "dark_orange"),
    "primary_mismatch": ("primary mismatch", "bold magenta"),
    "no_primary_source": ("no primary source", "dim"),
}


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = _ANSI.sub("", str(value))
    return _CONTROL.sub("", re.sub(r"\s*[\r\n\t]+\s*", " ", text)).strip()


def _t(value: Any, style: str = "", limit: int | None = None) -> Text:
    """Scraped text, cleaned, as a Text (so never parsed as markup)."""
    text = _clean(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return Text(text, style=style)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _clean(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:.6g}"


def _fmt_value(value: Any, unit: Any, of: Any = None) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt_value(v, unit, of) for v in value)
    shown = _num(value)
    if of is not None:
        return f"{shown} of {_num(of)}"
    return {"percent": f"{shown}%", "rank": f"#{shown}", "multiplier": f"{shown}×"}.get(str(unit), shown)


def _differs(a: Any, b: Any) -> bool:
    def number(value: Any) -> float | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        match = re.search(r"-?\d[\d,]*(?:\.\d+)?", _clean(value))
        return float(match.group().replace(",", "")) if match else None

    x, y = number(a), number(b)
    return x is not None and y is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def _list(container: Mapping[str, Any], key: str) -> list[dict]:
    return [item for item in container.get(key) or [] if isinstance(item, Mapping)]


def _statement(figure: Mapping[str, Any]) -> str:
    if figure.get("statement"):
        return _clean(figure["statement"])
    parts = [f"{_clean(figure.get('holder'))}:" if figure.get("holder") else "",
             _fmt_value(figure.get("value"), figure.get("unit"), figure.get("of")), _clean(figure.get("measure")),
             f"({_clean(figure.get('period'))})" if figure.get("period") else ""]
    return " ".join(p for p in parts if p)


def _flags(flags: Any) -> Text:
    out = Text()
    for flag in flags or []:
        label, style = FLAG_STYLES.get(_clean(flag), (_clean(flag), "bold"))
        if out:
            out.append(" ")
        out.append(f" {label} ", style=f"reverse {style}")
    return out or Text("no flags", style="green")


# -- console ------------------------------------------------------------------------------------


def render_terminal(report: dict, console: Console) -> None:
    titles = {_clean(a.get("id")): a for a in _list(report, "articles")}
    console.print(_summary_panel(report))
    for figure in _list(report, "figures"):
        console.print(_figure_table(figure, titles))
        console.print()
    for renderable in (_clusters_table(report, titles), _conflicts_table(report, titles), _gaps_table(report, titles)):
        if renderable is not None:
            console.print(renderable)


def _title_of(article_id: Any, titles: Mapping[str, Mapping[str, Any]], limit: int = 40) -> Text:
    key = _clean(article_id).removeprefix("article:")
    article = titles.get(key, {})
    return _t(article.get("title") or article.get("url") or key, limit=limit)


def _summary_panel(report: Mapping[str, Any]) -> Panel:
    summary = report.get("summary") or {}
    figures = _list(report, "figures")
    counts = [("articles", summary.get("articles", len(_list(report, "articles")))),
              ("clusters", summary.get("clusters")), ("figure families", summary.get("figures", len(figures))),
              ("flagged", summary.get("flagged", sum(1 for f in figures if f.get("flags")))),
              ("conflicts", summary.get("conflicts", len(_list(report, "conflicts")))),
              ("failed inputs", summary.get("failed_inputs"))]
    line = Text()
    for label, value in counts:
        if value is None:
            continue
        warn = label in ("flagged", "conflicts", "failed inputs") and isinstance(value, int) and value > 0
        line.append(_num(value), style="bold red" if warn else "bold")
        line.append(f" {label}   ")
    body = [line]
    if summary.get("generated_at"):
        body.append(Text.assemble(("generated ", "dim"), _t(summary["generated_at"], "dim")))
    return Panel(Group(*body), title="newstrace · claim-provenance report", border_style="blue", expand=False)


def _figure_table(figure: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table:
    value = _fmt_value(figure.get("value"), figure.get("unit"), figure.get("of"))
    title = Text.assemble((value, "bold cyan"), "  ", _t(_statement(figure), "bold"))
    table = Table(title=title, title_justify="left", caption=_figure_caption(figure, titles),
                  caption_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    for name, kwargs in (("article", {"ratio": 3}), ("outlet", {"ratio": 2}), ("date", {"no_wrap": True}),
                         ("as stated", {"ratio": 2}), ("attribution", {"ratio": 3}), ("hops", {"justify": "right"})):
        table.add_column(name, **kwargs)
    for mention in _list(figure, "mentions"):
        table.add_row(*_mention_cells(figure, mention, titles))
    return table


def _figure_caption(figure: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Text:
    caption = Text.assemble(("flags ", "dim"), _flags(figure.get("flags")))
    variants = [_clean(v) for v in figure.get("variants") or []]
    if variants:
        caption.append("   as stated ", style="dim")
        for i, variant in enumerate(variants):
            caption.append((", " if i else "") + variant,
                           style="bold yellow" if _differs(variant, figure.get("value")) else "")
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
    article = titles.get(_clean(mention.get("article")), {})
    drifted = _differs(mention.get("value", mention.get("text")), figure.get("value"))
    stated = _t(mention.get("text") or _num(mention.get("value")), "bold yellow" if drifted else "bold", limit=40)
    hops = mention.get("hops")
    return [_title_of(mention.get("article"), titles), _t(mention.get("outlet") or article.get("outlet"), limit=30),
            _t(mention.get("date") or article.get("published"), limit=10), stated,
            _attribution(mention.get("attribution"), titles, bool(article.get("is_primary"))),
            Text("—" if hops is None else _num(hops))]


def _attribution(attribution: Any, titles: Mapping[str, Mapping[str, Any]], is_primary: bool) -> Text:
    if not isinstance(attribution, Mapping):
        return Text("primary document", style="green") if is_primary else Text("no source", style="bold red")
    out = _t(attribution.get("name") or "unnamed", limit=60)
    if attribution.get("kind"):
        out.append(" ")
        out.append_text(_t(f"[{_clean(attribution['kind'])}]", "dim"))
    if attribution.get("inferred"):
        out.append("\ninferred via ", style="dark_orange")
        out.append_text(_title_of(attribution.get("via"), titles, 35))
    return out


def _clusters_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    clusters = [c for c in _list(report, "clusters") if len(c.get("articles") or []) > 1]
    if not clusters:
        return None
    table = Table(title=Text("Coverage clusters", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    for name in ("cluster", "newer", "older", "kind", "Jaccard", "contain.", "cosine", "shared figures"):
        table.add_column(name, justify="right" if name in ("Jaccard", "contain.", "cosine") else "left")
    for cluster in clusters:
        links = _list(cluster, "links") or [{}]
        for i, link in enumerate(links):
            table.add_row(_t(cluster.get("id")) if i == 0 else Text(""),
                          _title_of(link.get("source"), titles, 35) if link else _members(cluster, titles),
                          _title_of(link.get("target"), titles, 35) if link else Text(""),
                          _t(link.get("kind"), "magenta"), _score(link.get("jaccard")),
                          _score(link.get("containment")), _score(link.get("cosine")),
                          _t(", ".join(_shared(f) for f in link.get("shared_figures") or []), limit=40))
    return table


def _shared(key: Any) -> str:
    """Cluster evidence names figures by key ("17|percent", "8|count|of10"); show them as values."""
    parts = _clean(key).split("|")
    try:
        value = float(parts[0])
        of = float(parts[2].removeprefix("of")) if len(parts) > 2 else None
    except ValueError:
        return _clean(key)
    return _fmt_value(value, parts[1] if len(parts) > 1 else None, of)


def _members(cluster: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Text:
    return Text("\n").join(_title_of(a, titles, 35) for a in cluster.get("articles") or [])


def _score(value: Any) -> Text:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Text(f"{value:.2f}")
    return Text("n/a", style="dim")


def _conflicts_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    conflicts = _list(report, "conflicts")
    if not conflicts:
        return None
    table = Table(title=Text("Conflicts", style="bold red"), title_justify="left", box=box.SIMPLE_HEAVY, expand=True)
    table.add_column("conflict", ratio=3)
    table.add_column("article", ratio=3)
    table.add_column("says", ratio=2)
    for conflict in conflicts:
        for i, value in enumerate(_list(conflict, "values")):
            table.add_row(_t(conflict.get("what")) if i == 0 else Text(""), _title_of(value.get("article"), titles),
                          _t(value.get("text"), "bold magenta", limit=60))
    return table


def _gaps_table(report: Mapping[str, Any], titles: Mapping[str, Mapping[str, Any]]) -> Table | None:
    table = Table(title=Text("Attribution gaps", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY,
                  expand=True)
    for name in ("figure", "as stated", "article", "status"):
        table.add_column(name)
    for figure in _list(report, "figures"):
        for mention in _list(figure, "mentions"):
            attribution = mention.get("attribution")
            if titles.get(_clean(mention.get("article")), {}).get("is_primary"):
                continue
            if isinstance(attribution, Mapping) and not attribution.get("inferred"):
                continue
            status = (Text.assemble(("inferred via ", "dark_orange"), _title_of(attribution.get("via"), titles, 30))
                      if isinstance(attribution, Mapping) else Text("unattributed", style="bold red"))
            table.add_row(_t(_statement(figure), limit=50), _t(mention.get("text"), "bold", limit=30),
                          _title_of(mention.get("article"), titles), status)
    return table if table.row_count else None
