"""Renderers: the HTML report folder, the Markdown file and the terminal view of the report contract.

The sample report (tests/data/sample_report.json) models the seed stories and
carries hostile titles: one with a <script> tag, one with an ANSI clear-screen
sequence. Its "texts" key holds the article texts the HTML view highlights.
Real-browser checks (console errors, filters) are in tests/test_browser.py.
"""

from __future__ import annotations

import configparser
import copy
import datetime as dt
import fnmatch
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from rich.console import Console

from newstrace.provenance.render_html import MENTIONS_PER_PAGE, TEMPLATES, render_html, render_pages, write_html_report
from newstrace.provenance.render_md import MENTION_ROWS, render_markdown
from newstrace.provenance.render_term import render_terminal
from newstrace.provenance.views import ReportView, report_view

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "data" / "sample_report.json"
MENTION_HEADER = "| article | title | as stated |"


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def view(report: dict) -> ReportView:
    # The renderers take the typed view; the tests read the contract dict it is built from.
    return report_view(report)


@pytest.fixture(scope="module")
def pages(view: ReportView, report: dict) -> dict[str, str]:
    return render_pages(view, report["texts"])


def _mentions(report: dict) -> list[dict]:
    return [m for f in report["figures"] for m in f["mentions"]]


def _family_page(report: dict, pages: dict[str, str], figure_no: int = 0) -> str:
    return pages[f"families/{report['figures'][figure_no]['id']}.html"]


def _ids(page: str) -> list[str]:
    return re.findall(r' id="([^"]+)"', page)


def _broken_links(pages: dict[str, str]) -> list[str]:
    """Every relative href must name a page of the set and, with a #fragment, an id on that page."""
    import posixpath

    ids = {path: set(_ids(page)) for path, page in pages.items()}
    broken = []
    for path, page in pages.items():
        for href in re.findall(r'href="([^"]+)"', page):
            href = href.replace("&amp;", "&")
            if re.match(r"(?i)^https?://", href):
                continue
            target, fragment = urldefrag(href)
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) if target else path
            if resolved not in pages or (fragment and fragment not in ids[resolved]):
                broken.append(f"{path} -> {href}")
    return broken


# -- HTML ---------------------------------------------------------------------------------------


def test_sample_is_hostile_enough(report: dict) -> None:
    titles = [a.get("title") or "" for a in report["articles"]]
    assert any("<script>alert(1)</script>" in t for t in titles)
    assert any("\x1b[2J" in t for t in titles)


def test_the_report_is_an_index_and_a_page_per_family_cluster_and_article(report: dict, view: ReportView,
                                                                          pages: dict) -> None:
    assert "index.html" in pages
    assert {f"families/{f['id']}.html" for f in report["figures"]} <= set(pages)
    assert {f"clusters/{c['id']}.html" for c in report["clusters"] if len(c["articles"]) > 1} <= set(pages)
    ok = [a for a in report["articles"] if a["status"] == "ok"]
    assert {f"articles/{a['id']}.html" for a in ok} <= set(pages)
    assert render_html(view, report["texts"]) == pages["index.html"]


def test_html_escapes_scraped_strings(pages: dict) -> None:
    for path, page in pages.items():
        assert "<script>alert" not in page.lower(), path
        assert "\x1b" not in page and "[2J" not in page, path
        assert 'href="javascript' not in page.lower(), path
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages.values())


def test_html_loads_nothing_from_anywhere(pages: dict) -> None:
    for path, page in pages.items():
        assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I), path
        assert not re.search(r"\bsrc\s*=", page, re.I), path
        assert "@import" not in page and not re.search(r"url\((?!#)", page), path  # url(#marker) is in the page
        # The one script is the index's filter, written in the page.
        assert page.count("<script") == (1 if path == "index.html" else 0), path


def test_html_pages_are_well_formed(view: ReportView, pages: dict) -> None:
    for variant in (pages, render_pages(view)):
        for path, page in variant.items():
            checker = _TagChecker()
            checker.feed(page)
            checker.close()
            assert checker.problems == [] and checker.stack == [], path


def test_links_between_pages_resolve_with_and_without_texts(view: ReportView, pages: dict) -> None:
    for variant in (pages, render_pages(view)):
        assert _broken_links(variant) == []
        for path, page in variant.items():
            ids = _ids(page)
            assert len(ids) == len(set(ids)), f"duplicate ids on {path}"


def test_mentions_link_to_highlighted_figures(report: dict, pages: dict) -> None:
    for figure in report["figures"]:
        family = pages[f"families/{figure['id']}.html"]
        for mention in figure["mentions"]:
            anchor = f"s-{mention['article']}-{mention['start']}"
            assert f'href="../articles/{mention["article"]}.html#{anchor}"' in family
            article = pages[f"articles/{mention['article']}.html"]
            mark = re.search(rf'<mark class="fig" id="{re.escape(anchor)}"[^>]*>(.*?)</mark>', article)
            assert mark is not None, anchor
            assert mark.group(1) == mention["text"].replace("&", "&amp;")


def test_the_verdict_comes_first_under_the_value(report: dict, pages: dict) -> None:
    from newstrace.provenance.verdict import build_verdict

    for figure in report["figures"]:
        page = pages[f"families/{figure['id']}.html"]
        sentence = build_verdict(figure).sentence.replace("&", "&amp;")
        value, verdict = page.index('class="bigvalue"'), page.index(f'<p class="verdict">{sentence}</p>')
        assert value < verdict < page.index("<h1>") < page.index('id="graph"')
        assert f'<p class="verdict">{sentence}</p>' in pages["index.html"]


def test_articles_are_named_by_outlet_and_date(report: dict, pages: dict) -> None:
    family = _family_page(report, pages)
    # Named, not titled: outlet and date link to the article; the title is the hover and its own column.
    assert re.search(r'<a href="../articles/004_2f8c5ab0.html[^"]*" title="Chinese open models hit 17.1% of '
                     r'downloads, study finds">AI Weekly Digest, 18 Dec 2025</a>', family)
    assert '<td class="title-col small">Chinese open models hit 17.1% of downloads, study finds</td>' in family


def test_two_copies_of_one_story_get_different_names() -> None:
    from newstrace.provenance.article_names import ArticleNames

    same = {"outlet": "County Courier", "published": "2024-06-03", "title": "Hospital waiting lists grow"}
    names = ArticleNames([{"id": "a1b2c3d4e5", **same}, {"id": "a1b2c3ffff", **same},
                          {"id": "9f9f9f9f9f", "outlet": "County Courier", "published": "2024-06-04"},
                          {"id": "7e7e7e7e7e", "url": "https://www.example.net/jobs/1"}])
    first, second = names.name("a1b2c3d4e5"), names.name("a1b2c3ffff")
    assert first != second and first.startswith("County Courier, 3 Jun 2024") and "a1b2c3d4" in first
    assert names.name("9f9f9f9f9f") == "County Courier, 4 Jun 2024"  # alone on its day: no suffix
    assert names.name("7e7e7e7e7e") == "example.net, undated"
    assert names.title("a1b2c3d4e5") == "Hospital waiting lists grow"


def test_family_graph_types_its_edges(report: dict, pages: dict) -> None:
    page = _family_page(report, pages)
    svg = re.search(r'<svg class="graph".*?</svg>', page, re.S)
    assert svg is not None
    kinds = set(re.findall(r'class="edge" data-kind="([^"]+)"', svg.group()))
    # 17%: an article that names the study, one whose source is inferred via its cluster's original,
    # which it rewrites, and the study published as a document in the corpus.
    assert {"names source", "inferred via", "rewrite of", "published as"} <= kinds
    boxes = re.findall(r'<g class="node kind-([a-z]+)', svg.group())
    assert boxes.count("primary") == 1 and "outlet" in boxes and "study" in boxes
    # Only this family's own articles and sources: nothing from other stories' graphs.
    assert "Artificial Analysis" not in svg.group()


def test_the_family_graph_folds_a_crowd_of_articles() -> None:
    from newstrace.provenance import graph_svg
    from newstrace.provenance.article_names import ArticleNames

    articles = [{"id": f"art{i:03d}", "outlet": f"Outlet {i}", "published": "2024-02-01"} for i in range(90)]
    figure = {"value": 3.2, "unit": "percent", "mentions": [
        {"article": a["id"], "text": "3.2%", "attribution": {"name": "Statistics Office", "kind": "organization"},
         "chain": [{"id": f"article:{a['id']}", "kind": "article"},
                   {"id": "kb:stats", "label": "Statistics Office", "kind": "organization"}]} for a in articles]}
    from newstrace.provenance.views import ArticleView, FigureView

    names = ArticleNames([ArticleView.from_dict(a) for a in articles])
    drawing = graph_svg.family_graph(FigureView.from_dict(figure), names, {}, lambda a: None)
    assert drawing is not None
    assert len(drawing.boxes) == graph_svg.MAX_ARTICLES + 2  # the shown articles, the source, "+50 more"
    assert drawing.hidden == 90 - graph_svg.MAX_ARTICLES
    assert any(b.label == "+50 more articles" for b in drawing.boxes)


def test_timeline_dots_never_overlap_when_dates_bunch() -> None:
    from newstrace.provenance.timeline_svg import GAP, LABEL_W, MAX_LEVELS, OVERFLOW_W, Event, R, layout

    day = dt.date(2024, 9, 12)
    # Thirty retellings on two days, one a year later: the bunch must not be drawn as one dot.
    events = ([Event(day, "attributed", i == 0, False, f"a{i}", None) for i in range(18)]
              + [Event(day + dt.timedelta(days=1), "unattributed", False, False, f"b{i}", None) for i in range(12)]
              + [Event(day + dt.timedelta(days=365), "primary", False, False, "late", None)])
    drawn = layout(events)
    assert drawn is not None
    dots = drawn.dots
    assert len(dots) + sum(o.count for o in drawn.overflow) == len(events)
    for i, a in enumerate(dots):
        for b in dots[i + 1:]:
            assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 >= 2 * R, (a, b)
    assert len({round(d.y) for d in dots}) <= MAX_LEVELS
    # Past MAX_LEVELS a column says "+N"; neighbouring days share one label rather than print over each other.
    crowd = layout([Event(day + dt.timedelta(days=k % 3), "attributed", False, False, f"c{k}", None)
                    for k in range(200)] + [Event(day + dt.timedelta(days=800), "primary", False, False, "z", None)])
    assert crowd is not None and len(crowd.dots) + sum(o.count for o in crowd.overflow) == 201
    assert all(b.x - a.x >= OVERFLOW_W for a, b in zip(crowd.overflow, crowd.overflow[1:]))
    labels = [t for t in drawn.ticks if t.label]
    assert all(b.x - a.x >= LABEL_W for a, b in zip(labels, labels[1:]))
    assert labels and all(re.search(r"\d{4}", t.label) for t in labels)  # ticks name dates, years included
    # A few days close together: each day with a mention is a tick that names it.
    few = layout([Event(day + dt.timedelta(days=k * 9), "attributed", False, False, "x", None) for k in range(4)])
    assert few is not None and [t.label for t in few.ticks] == ["12 Sep 2024", "21 Sep 2024", "30 Sep 2024",
                                                                "9 Oct 2024"]
    assert GAP >= 0


def test_html_shows_flags_inference_and_conflict(pages: dict) -> None:
    everything = "".join(pages.values())
    for needle in ("flag-drift", "flag-unattributed", "flag-primary_mismatch", "inferred</span> via",
                   "Yeongdeungpo", "Yongsan", '<svg class="timeline"', 'id="family-search"', 'id="family-flag"'):
        assert needle in everything, needle


def test_html_is_deterministic(report: dict, pages: dict) -> None:
    assert render_pages(report_view(report), report["texts"]) == pages


def test_a_large_family_is_paged_and_every_page_linked() -> None:
    articles = [{"id": f"n{i:04d}", "outlet": f"Paper {i % 40}", "published": f"2024-03-{1 + i % 28:02d}",
                 "status": "ok", "title": f"Bus fares rise {i}"} for i in range(600)]
    mentions = [{"article": a["id"], "text": "4.5%", "value": 4.5, "start": 10, "end": 14, "sentence_start": 0,
                 "sentence_end": 40, "sentence": "Bus fares rose 4.5% this spring, the council said.",
                 "attribution": {"name": "City Council", "kind": "organization", "inferred": False}}
                for a in articles]
    report = {"articles": articles, "figures": [{"id": "f-fares", "value": 4.5, "unit": "percent",
                                                 "mentions": mentions}]}
    pages = render_pages(report_view(report))
    family = [p for p in pages if p.startswith("families/")]
    assert len(family) == -(-600 // MENTIONS_PER_PAGE)
    for path in family:
        rows = pages[path].count('<a class="stated"')
        assert rows <= MENTIONS_PER_PAGE
        for other in family:
            assert f'href="../{other}"' in pages[path] or other == path
    assert sum(pages[p].count('<a class="stated"') for p in family) == 600
    assert _broken_links(pages) == []


def test_write_html_report_as_a_folder_or_an_index_beside_its_pages(report: dict, view: ReportView,
                                                                   tmp_path: Path) -> None:
    folder = write_html_report(view, report["texts"], tmp_path / "out")
    assert folder.index == tmp_path / "out" / "index.html" and folder.folder == tmp_path / "out"
    beside = write_html_report(view, report["texts"], tmp_path / "report.html")
    assert beside.index == tmp_path / "report.html" and beside.folder == tmp_path / "report_files"
    for written, base in ((folder, tmp_path / "out"), (beside, tmp_path)):
        files = [written.index, *written.folder.rglob("*.html")]
        pages = {p.relative_to(base).as_posix(): p.read_text(encoding="utf-8") for p in set(files)}
        assert _broken_links(pages) == []
        assert written.pages == len(pages)
    index_links = re.findall(r'href="([^"#]+)', beside.index.read_text(encoding="utf-8"))
    assert index_links and all(link.startswith(("report_files/", "report.html")) for link in index_links)
    # A page the report no longer has is removed; nothing else in the folder is touched.
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    write_html_report(report_view({**report, "figures": report["figures"][:1]}), report["texts"], tmp_path / "out")
    assert len(list((tmp_path / "out" / "families").glob("*.html"))) == 1
    assert (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_templates_ship_as_package_data() -> None:
    # setup.cfg's package_data globs must name every file of provenance/templates, or an installed
    # newstrace renders nothing (the wheel check is in the report of the change that added them).
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    globs = [g.strip() for g in config["options.package_data"]["newstrace.provenance"].split(",")]
    files = [p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.iterdir() if p.is_file()]
    assert {"templates/report.css", "templates/index.html", "templates/report.md"} <= set(files)
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files)


def test_renderers_tolerate_sparse_reports() -> None:
    odd = {"figures": [{"value": [2, 9], "unit": "rank", "flags": ["unknown flag"],
                        "mentions": [{"article": "x", "start": "bad", "attribution": {"inferred": True}}],
                        "primary_source": {"url": "javascript:alert(1)"}}],
           "articles": [{"id": "x", "title": "[bold]x[/bold]", "published": "not a date"}],
           "graph": {"nodes": [{"id": "a", "kind": "mystery"}, {"id": "b"}],
                     "edges": [{"source": "a", "target": "b", "kind": "new_kind"}, {"source": "a", "target": "gone"}]},
           "clusters": [{"articles": ["x", "y"], "links": [{}]}], "conflicts": [{}], "quotes": [{}]}
    for sparse in ({}, odd):
        sample = report_view(sparse)
        pages = render_pages(sample, {"x": "text \x1b[31m with \x07 controls"})
        for page in pages.values():
            assert 'href="javascript' not in page and "\x1b" not in page
        assert render_markdown(sample).startswith("# ")
        console = Console(record=True, width=100, file=io.StringIO())
        render_terminal(sample, console)
        if sparse:
            assert "[bold]x[/bold]" in console.export_text()


# -- Markdown -----------------------------------------------------------------------------------


def _mention_rows(markdown: str) -> list[str]:
    rows, in_table = [], False
    for line in markdown.splitlines():
        if line.startswith(MENTION_HEADER):
            in_table = True
            continue
        if in_table and line.startswith("| ---"):
            continue
        if in_table and line.startswith("|"):
            rows.append(line)
        else:
            in_table = False
    return rows


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_has_a_row_per_mention(report: dict, view: ReportView) -> None:
    markdown = render_markdown(view)
    rows = _mention_rows(markdown)
    assert len(rows) == len(_mentions(report))
    width = len(_cells(next(line for line in markdown.splitlines() if line.startswith(MENTION_HEADER))))
    assert all(len(_cells(r)) == width for r in rows)
    assert "<script" not in markdown and "\x1b" not in markdown
    assert "**17.1%** (drift)" in markdown
    assert "| AI Weekly Digest, 18 Dec 2025 | Chinese open models hit 17.1% of downloads, study finds |" in markdown
    assert "\n\n\n" not in markdown and markdown.endswith("|\n")


def test_markdown_caps_mention_tables_and_says_where_the_rest_are() -> None:
    articles = [{"id": f"m{i:03d}", "outlet": "Harbour Gazette", "published": "2023-11-0" + str(1 + i % 9)}
                for i in range(MENTION_ROWS + 7)]
    figure = {"id": "f-ferry", "value": 12, "unit": "percent", "mentions": [
        {"article": a["id"], "text": "12%", "value": 12, "sentence": "Ferry crossings fell 12% in autumn."}
        for a in articles]}
    markdown = render_markdown(report_view({"articles": articles, "figures": [figure]}))
    assert len(_mention_rows(markdown)) == MENTION_ROWS
    assert "… and 7 more mention(s): every mention of this family is on the HTML report's page " \
           "families/f-ferry.html and in report.json." in markdown.replace("\\", "")


def test_markdown_cells_survive_pipes_and_newlines(report: dict) -> None:
    hostile = copy.deepcopy(report)
    mention = hostile["figures"][0]["mentions"][0]
    mention["sentence"] = "a | b\nc"
    next(a for a in hostile["articles"] if a["id"] == mention["article"])["outlet"] = "x|y"
    rows = _mention_rows(render_markdown(report_view(hostile)))
    assert len(rows) == len(_mentions(report))
    assert len({len(_cells(r)) for r in rows}) == 1
    assert "a \\| b c" in rows[0] and "x\\|y" in rows[0]


# -- terminal -----------------------------------------------------------------------------------


def test_terminal_shows_figures_without_escapes(view: ReportView) -> None:
    console = Console(record=True, width=120, file=io.StringIO())
    render_terminal(view, console)
    text = console.export_text()
    for value in ("17%", "15.8%", "17.1%", "8 of 10", "#2", "#9", "#1", "Yeongdeungpo", "Yongsan"):
        assert value in text
    assert "\x1b" not in text and "[2J" not in text
    assert "Model Race <" in text  # the <script> title is shown as text, not dropped


def test_terminal_puts_the_verdict_under_the_value(report: dict, view: ReportView) -> None:
    from newstrace.provenance.display import format_value
    from newstrace.provenance.verdict import build_verdict

    console = Console(record=True, width=400, file=io.StringIO())
    render_terminal(view, console)
    lines = [line.strip() for line in console.export_text().splitlines()]
    for figure in report["figures"]:
        value = format_value(figure.get("value"), figure.get("unit"), figure.get("of"))
        heading = next(i for i, line in enumerate(lines) if line.startswith(f"{value}  ") and figure["holder"] in line)
        assert lines[heading + 1] == build_verdict(figure).sentence


def test_terminal_colours_come_only_from_us(view: ReportView) -> None:
    console = Console(record=True, width=120, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())
    render_terminal(view, console)
    styled = console.export_text(styles=True)
    assert "\x1b[" in styled  # flags are coloured...
    assert "\x1b[2J" not in styled and "[2J" not in console.export_text()  # ...but the page's escape is gone


class _TagChecker(HTMLParser):
    """Every element that opens also closes, in order (void elements excepted)."""

    VOID = {"meta", "input", "br", "hr", "img", "link", "wbr", "path", "rect", "circle", "line", "stop"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def test_streamed_report_json_parses_back_to_the_same_dict() -> None:
    from newstrace.provenance.export import report_json_chunks

    sample = json.loads((Path(__file__).parent / "data" / "sample_report.json").read_text(encoding="utf-8"))
    for data in (sample, {}, {"empty": [], "nested": {"a": [1, 2]}, "text": "Yeongdeungpo é \u201cq\u201d"}):
        assert json.loads("".join(report_json_chunks(data))) == data


# (value, plain, keep_spacing, keep_newlines): what each mode of display.clean_text shows for it, written
# out here. From the fifth row on, each kind of character to clean (ESC, break, tab, C0, DEL, C1, bidi)
# stands in otherwise plain text, so the shortcut that returns a string needing no cleaning as it is
# must see every one of them.
CLEAN_TEXT_CASES = [
    ("  plain words  ", "plain words", "  plain words  ", "plain words"),
    ("nb\u00a0sp é中", "nb\u00a0sp é中", "nb\u00a0sp é中", "nb\u00a0sp é中"),
    (None, "", "", ""),
    (42, "42", "42", "42"),
    ("\x1b[2Jtitle", "title", "title", "title"),  # an ANSI sequence goes whole, not leaving "[2J"
    ("\x1b]0;t\x07title", "title", "title", "title"),
    ("a\x1b[31mred\x1b[0m b", "ared b", "ared b", "ared b"),
    (" a \n b ", "a b", " a   b ", "a \n b"),
    ("one \r\n  two", "one two", "one    two", "one \n  two"),
    ("a\n\nb", "a b", "a b", "a\n\nb"),
    ("a\tb", "a b", "a b", "a\tb"),
    ("  \x07 ", "", "   ", ""),
    ("x\x00y", "xy", "xy", "xy"),
    ("x\x7fy", "xy", "xy", "xy"),
    ("x\x85y", "xy", "xy", "xy"),  # C1 controls too
    ("rtl\u202eevil", "rtlevil", "rtlevil", "rtlevil"),  # a bidi override would make the title read backwards
    ("x\u200ey", "xy", "xy", "xy"),
    ("x\u2066y", "xy", "xy", "xy"),
]


@pytest.mark.parametrize(("value", "plain", "keep_spacing", "keep_newlines"), CLEAN_TEXT_CASES)
def test_clean_text_removes_controls_and_breaks(value, plain, keep_spacing, keep_newlines) -> None:
    from newstrace.provenance.display import clean_text

    assert clean_text(value) == plain
    assert clean_text(value, keep_spacing=True) == keep_spacing
    assert clean_text(value, keep_newlines=True) == keep_newlines


def test_markdown_pieces_join_to_the_whole_text() -> None:
    # iter_markdown holds back whitespace across pieces; the joined pieces equal the text tidied whole.
    from newstrace.provenance import render_md

    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    big = {**sample, "articles": sample["articles"] * 150}  # past one 64 KB piece
    for report in map(report_view, (sample, {**sample, "figures": []}, {"summary": {}}, big)):
        pieces = list(render_md.iter_markdown(report))
        whole = "".join(render_md.environment().get_template("report.md").generate(**render_md._context(report)))
        assert "".join(pieces) == render_md._tidy(whole.rstrip(), True) + "\n"
    assert len(list(render_md.iter_markdown(report_view(big)))) > 1


# -- the report command -------------------------------------------------------------------------


def _cli(db: Path, *args: str):
    from click.testing import CliRunner

    import newstrace.cli as cli_module

    return CliRunner().invoke(cli_module.cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-html")
    line = {"id": "lab1", "status": "ok", "title": "Depot staff accept pay offer", "text": (
        "Union members approved the pay deal by 58%, ending a six-week dispute at the bus depots, "
        "the union's regional secretary said on Friday.")}
    (folder / "in.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert _cli(folder / "c.db", "import", str(folder / "in.jsonl")).exit_code == 0
    return folder / "c.db"


def test_report_html_needs_a_place_on_disk(small_db: Path, tmp_path: Path) -> None:
    for args in ([], ["-o", "-"]):
        result = _cli(small_db, "report", "--format", "html", *args)
        assert result.exit_code == 2 and "pass -o DIR or -o NAME.html" in result.stderr
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    result = _cli(small_db, "report", "--format", "html", "-o", str(tmp_path / "taken"))
    assert result.exit_code == 2 and "in the way" in result.stderr
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "a file"


def test_report_html_writes_a_folder_or_an_index_with_its_pages(small_db: Path, tmp_path: Path) -> None:
    result = _cli(small_db, "report", "--format", "html", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "articles" / "lab1.html").is_file()
    assert "pages" in result.stderr and "largest" in result.stderr
    result = _cli(small_db, "report", "--format", "html", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    index = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'href="r_files/lists/articles-1.html"' in index
    article = (tmp_path / "r_files" / "articles" / "lab1.html").read_text(encoding="utf-8")
    assert 'href="../../r.html"' in article and "Depot staff accept pay offer" in article


def test_an_offset_of_zero_is_an_offset_not_a_missing_one():
    from newstrace.provenance.render_html import _offset

    assert _offset(0, -1) == 0
    assert _offset("0", -2) == 0
    assert _offset(None, -1) == -1
    assert _offset("", -2) == -2
    assert _offset("x", -2) == -2
    assert _offset(17, -1) == 17


def test_a_share_fraction_is_shown_as_the_share_it_says() -> None:
    from newstrace.provenance.display import format_value

    assert format_value(1 / 9, "ratio") == "1 in 9"
    assert format_value(0.75, "ratio") == "3 in 4"
    assert format_value(0.137, "ratio") == "0.137"  # no small denominator: as stated
    assert format_value(1, "ratio", 9) == "1 of 9"
