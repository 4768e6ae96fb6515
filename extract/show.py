"""`newstrace show`: one article in the terminal with what extraction found, highlighted in place."""

from __future__ import annotations

from typing import Any

from corpus.records import Article

from .records import Annotations

STYLES = {"statistic": "bold black on yellow", "entity": "underline cyan", "quote": "italic green",
          "source": "bold magenta"}


def _clean(text: str) -> str:
    # Scraped text may carry terminal escapes; show them as spaces, never execute them.
    return "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)


def render_article(article: Article, data: dict[str, Any] | None, console: Any) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    header = Text()
    header.append(_clean(article.title or "(no title)"), style="bold")
    header.append(f"\n{article.id}  {article.outlet or ''}  {article.published or 'no date'}  "
                  f"{article.language or ''}  status={article.status.value}")
    if article.auto_generated:
        header.append("  auto-generated", style="red")
    if article.is_primary:
        header.append("  primary source", style="green")
    console.print(Panel(header))

    body = Text(_clean(article.text))
    ann = Annotations.from_dict(data) if data else None
    if ann is not None and not ann.skipped:
        for entity in ann.entities:
            body.stylize(STYLES["entity"], entity.start, entity.end)
        for quote in ann.quotes:
            body.stylize(STYLES["quote"], quote.start, quote.end)
        for stat in ann.statistics:
            body.stylize(STYLES["statistic"], stat.start, stat.end)
            if stat.attribution and stat.attribution.start >= 0:
                body.stylize(STYLES["source"], stat.attribution.start, stat.attribution.end)
    console.print(body)
    if ann is None:
        console.print("not annotated yet: run `newstrace extract`", style="yellow")
        return
    if ann.skipped:
        console.print(f"annotation skipped: {ann.skipped}", style="yellow")
        return
    legend = Text("legend: ")
    for name, style in STYLES.items():
        legend.append(name, style=style)
        legend.append("  ")
    console.print(legend)
    table = Table("figure", "value", "unit", "holder", "measure", "period", "source", title="statistics")
    for stat in ann.statistics:
        source = stat.attribution.name if stat.attribution else "-"
        table.add_row(*(_clean(str(x)) if x is not None else "" for x in (
            stat.text, f"{stat.value:g}" + (f" of {stat.of:g}" if stat.of is not None else ""), stat.unit,
            stat.holder, stat.measure, stat.period, source)))
    console.print(table)
    if ann.quotes:
        quotes = Table("speaker", "quote", title="quotes")
        for quote in ann.quotes:
            quotes.add_row(_clean(quote.speaker or "?"), _clean(quote.text[:120]))
        console.print(quotes)
    if ann.citations:
        cites = Table("kind", "name", title="citations")
        for citation in ann.citations:
            cites.add_row(citation.kind, _clean(citation.name))
        console.print(cites)
