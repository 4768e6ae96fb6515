"""Renderers: HTML, Markdown and terminal views of the report contract.

The sample report (tests/data/sample_report.json) models the seed stories and
carries hostile titles: one with a <script> tag, one with an ANSI clear-screen
sequence. Its "texts" key holds the article texts the HTML view highlights.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from newstrace.provenance.render_html import render_html
from newstrace.provenance.render_md import render_markdown
from newstrace.provenance.render_term import render_terminal

SAMPLE = Path(__file__).parent / "data" / "sample_report.json"
MENTION_HEADER = "| article | outlet | date | as stated |"


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page(report: dict) -> str:
    return render_html(report, report["texts"])


def _mentions(report: dict) -> list[dict]:
    return [m for f in report["figures"] for m in f["mentions"]]


# -- HTML ---------------------------------------------------------------------------------------


def test_sample_is_hostile_enough(report: dict) -> None:
    titles = [a.get("title") or "" for a in report["articles"]]
    assert any("<script>alert(1)</script>" in t for t in titles)
    assert any("\x1b[2J" in t for t in titles)


def test_html_escapes_scraped_strings(page: str) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page
    assert "[2J" not in page
    assert "javascript:" not in page.lower()


def test_html_is_self_contained(page: str) -> None:
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\bsrc\s*=", page, re.I)
    assert "@import" not in page and "url(http" not in page


def test_html_is_well_formed(report: dict, page: str) -> None:
    for html_text in (page, render_html(report)):
        checker = _TagChecker()
        checker.feed(html_text)
        checker.close()
        assert checker.problems == [] and checker.stack == []


def test_graph_svg_has_a_node_per_graph_node(report: dict, page: str) -> None:
    svg = re.search(r'<svg class="graph".*?</svg>', page, re.S)
    assert svg is not None
    assert len(re.findall(r'<g class="node\b', svg.group())) == len(report["graph"]["nodes"])
    assert 'class="edge"' in svg.group()


def test_mentions_link_to_highlighted_figures(report: dict, page: str) -> None:
    for mention in _mentions(report):
        anchor = f"s-{mention['article']}-{mention['start']}"
        assert f'href="#{anchor}"' in page
        mark = re.search(rf'<mark class="fig" id="{re.escape(anchor)}"[^>]*>(.*?)</mark>', page)
        assert mark is not None, anchor
        assert mark.group(1) == mention["text"].replace("&", "&amp;")


def test_internal_links_resolve_with_and_without_texts(report: dict, page: str) -> None:
    for html_text in (page, render_html(report)):
        ids = re.findall(r' id="([^"]+)"', html_text)
        assert len(ids) == len(set(ids)), "duplicate ids"
        missing = set(re.findall(r'href="#([^"]+)"', html_text)) - set(ids)
        assert not missing


def test_html_shows_flags_inference_and_conflict(page: str) -> None:
    for needle in ("flag-drift", "flag-unattributed", "flag-primary_mismatch", "inferred</span> via",
                   "Yeongdeungpo", "Yongsan", "<svg class=\"timeline\""):
        assert needle in page


def test_html_is_deterministic(report: dict, page: str) -> None:
    assert render_html(report, report["texts"]) == page


def test_renderers_tolerate_sparse_reports() -> None:
    odd = {"figures": [{"value": [2, 9], "unit": "rank", "flags": ["unknown flag"],
                        "mentions": [{"article": "x", "start": "bad", "attribution": {"inferred": True}}],
                        "primary_source": {"url": "javascript:alert(1)"}}],
           "articles": [{"id": "x", "title": "[bold]x[/bold]", "published": "not a date"}],
           "graph": {"nodes": [{"id": "a", "kind": "mystery"}, {"id": "b"}],
                     "edges": [{"source": "a", "target": "b", "kind": "new_kind"}, {"source": "a", "target": "gone"}]},
           "clusters": [{"articles": ["x", "y"], "links": [{}]}], "conflicts": [{}], "quotes": [{}]}
    for sample in ({}, odd):
        html_text = render_html(sample, {"x": "text \x1b[31m with \x07 controls"})
        assert 'href="javascript' not in html_text and "\x1b" not in html_text
        assert render_markdown(sample).startswith("# ")
        console = Console(record=True, width=100, file=io.StringIO())
        render_terminal(sample, console)
        if sample:
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


def test_markdown_has_a_row_per_mention(report: dict) -> None:
    markdown = render_markdown(report)
    rows = _mention_rows(markdown)
    assert len(rows) == len(_mentions(report))
    width = len(_cells(next(l for l in markdown.splitlines() if l.startswith(MENTION_HEADER))))
    assert all(len(_cells(r)) == width for r in rows)
    assert "<script" not in markdown and "\x1b" not in markdown
    assert "**17.1%** (drift)" in markdown


def test_markdown_cells_survive_pipes_and_newlines(report: dict) -> None:
    hostile = copy.deepcopy(report)
    mention = hostile["figures"][0]["mentions"][0]
    mention["sentence"] = "a | b\nc"
    mention["outlet"] = "x|y"
    rows = _mention_rows(render_markdown(hostile))
    assert len(rows) == len(_mentions(report))
    assert len({len(_cells(r)) for r in rows}) == 1
    assert "a \\| b c" in rows[0]


# -- terminal -----------------------------------------------------------------------------------


def test_terminal_shows_figures_without_escapes(report: dict) -> None:
    console = Console(record=True, width=120, file=io.StringIO())
    render_terminal(report, console)
    text = console.export_text()
    for value in ("17%", "15.8%", "17.1%", "8 of 10", "#2", "#9", "#1", "Yeongdeungpo", "Yongsan"):
        assert value in text
    assert "\x1b" not in text and "[2J" not in text
    assert "Model Race <" in text  # the <script> title is shown as text, not dropped


def test_terminal_colours_come_only_from_us(report: dict) -> None:
    console = Console(record=True, width=120, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())
    render_terminal(report, console)
    styled = console.export_text(styles=True)
    assert "\x1b[" in styled  # flags are coloured...
    assert "\x1b[2J" not in styled and "[2J" not in console.export_text()  # ...but the page's escape is gone


# -- headless browser ---------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def test_page_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium not installed: apt-get install chromium")
    target = tmp_path / "report.html"
    target.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         f"--screenshot={shot}", "--window-size=1280,2000", target.as_uri()],
        capture_output=True, text=True, timeout=50, check=False)
    assert shot.exists(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    assert len(data) > 50_000  # a blank page compresses to a few KB
    page_errors = [line for line in result.stderr.splitlines()
                   if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower())]
    assert page_errors == []


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


def _clean_text_in_full(value: str, keep_spacing: bool) -> str:
    # The three passes of display.clean_text without its shortcut for strings that need none.
    from newstrace.provenance import display

    text = display._ANSI.sub("", value)
    text = (display._BREAKS if keep_spacing else display._BREAKS_AND_SPACE).sub(" ", text)
    text = display._CONTROL.sub("", text)
    return text if keep_spacing else text.strip()


def test_clean_text_shortcut_changes_nothing() -> None:
    import random

    from newstrace.provenance.display import clean_text

    rng = random.Random(7)
    alphabet = list("ab 17%.,") + ["\x1b[2J", "\x1b]0;t\x07", "\n", "\r\n", "\t", "\x00", "\x85", "\u202e",
                                   "\u00a0", "é", "中", " \n "]
    for _ in range(3000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        for keep_spacing in (False, True):
            assert clean_text(value, keep_spacing=keep_spacing) == _clean_text_in_full(value, keep_spacing), value


def test_markdown_pieces_join_to_the_whole_text() -> None:
    # iter_markdown holds back trailing whitespace across pieces; the reference is the text built whole.
    from newstrace.provenance.render_md import _blocks, iter_markdown

    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    variants = [sample, {**sample, "figures": []}, {**sample, "clusters": [], "articles": []},
                {**sample, "figures": [], "clusters": [], "conflicts": [], "quotes": [], "articles": []},
                {"summary": {}}]
    for report in variants:
        whole = "\n".join(line for block in _blocks(report) for line in block).rstrip() + "\n"
        assert "".join(iter_markdown(report)) == whole


def test_html_comes_in_pieces_of_a_card_at_most() -> None:
    from newstrace.provenance.render_html import iter_html

    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    pieces = list(iter_html(sample, sample["texts"]))
    # One piece per figure card and per article card at least: no section arrives as one string.
    assert len(pieces) > len(sample["figures"]) + len(sample["articles"])
