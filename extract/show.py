"""`newstrace show`: one article in the terminal with what extraction found, highlighted in place."""

from __future__ import annotations

from typing import Any

from newstrace.corpus.records import Article
from newstrace.corpus.terminal import plain

from .records import Annotations

STYLES = {"statistic": "bold black on yellow", "entity": "underline cyan", "quote": "italic green",
          "source": "bold magenta", "corrected": "bold white on blue"}
# The key under Annotations.extra where an imported human correction lists what it changed
# (provenance/human_annotations.py writes it; extract only reads it, to show it).
HUMAN_KEY = "human_annotation"


def _clean(text: Any) -> Any:
    # Scraped or imported text as a rich Text: never parsed as markup, escapes shown as spaces (I7, I8).
    # One character in, one out, so annotation offsets still fit.
    return plain(text)


def render_article(article: Article, ann: Annotations | dict[str, Any] | None, console: Any) -> None:
    """Print the article with its annotations highlighted, then tables of what was found.

    `ann` is what the report uses: extract's annotations with any imported human correction laid
    over them; statistics a person added or changed are highlighted as "corrected" and marked in the
    table, and the ones they removed are listed.
    """
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    header = Text()
    header.append_text(plain(article.title or "(no title)", "bold", single_line=True))
    header.append("\n")
    header.append_text(plain(f"{article.id}  {article.outlet or ''}  {article.published or 'no date'}  "
                             f"{article.language or ''}  status={article.status.value}", single_line=True))
    if article.auto_generated:
        header.append("  auto-generated", style="red")
    if article.is_primary:
        header.append("  primary source", style="green")
    console.print(Panel(header))

    body = _clean(article.text)
    if isinstance(ann, dict):
        ann = Annotations.from_dict(ann) if ann else None
    human = (ann.extra.get(HUMAN_KEY) or {}) if ann is not None else {}
    edited = {tuple(span) for span in human.get("edited") or ()}
    if ann is not None and not ann.skipped:
        for entity in ann.entities:
            body.stylize(STYLES["entity"], entity.start, entity.end)
        for quote in ann.quotes:
            body.stylize(STYLES["quote"], quote.start, quote.end)
        for stat in ann.statistics:
            body.stylize(STYLES["corrected" if (stat.start, stat.end) in edited else "statistic"],
                         stat.start, stat.end)
            if stat.attribution and stat.attribution.start >= 0:
                body.stylize(STYLES["source"], stat.attribution.start, stat.attribution.end)
    console.print(body)
    if ann is None:
        console.print("not annotated yet: run `newstrace extract`", style="yellow")
        return
    if ann.skipped:
        console.print(plain(f"annotation skipped: {ann.skipped}", "yellow"))
        return
    legend = Text("legend: ")
    for name, style in STYLES.items():
        legend.append(name, style=style)
        legend.append("  ")
    console.print(legend)
    if human:
        console.print(plain(f"corrected by a person ({human.get('origin') or 'imported'}): "
                            f"{len(edited)} statistic(s) added or changed, {len(human.get('removed') or ())} "
                            "removed", "blue"))
    table = Table("figure", "value", "unit", "holder", "measure", "period", "source", "by", title="statistics")
    for stat in ann.statistics:
        source = stat.attribution.name if stat.attribution else "-"
        table.add_row(*(_clean(x) for x in (
            stat.text, f"{stat.value:g}" + (f" of {stat.of:g}" if stat.of is not None else ""), stat.unit,
            stat.holder, stat.measure, stat.period, source,
            "person" if (stat.start, stat.end) in edited else "extract")))
    console.print(table)
    removed = [tuple(span) for span in human.get("removed") or ()]
    if removed:
        console.print("statistics a person removed:")  # a title would wrap to this narrow table's width
        gone = Table("figure", "at")
        for start, end in removed:
            gone.add_row(_clean(article.text[start:end]), f"{start}..{end}")
        console.print(gone)
    if ann.quotes:
        quotes = Table("speaker", "quote", title="quotes")
        for quote in ann.quotes:
            quotes.add_row(_clean(quote.speaker or "?"), _clean(quote.text[:120]))
        console.print(quotes)
    if ann.citations:
        cites = Table("kind", "name", title="citations")
        for citation in ann.citations:
            cites.add_row(_clean(citation.kind), _clean(citation.name))
        console.print(cites)
