"""The HTML report in a real browser: Debian's Chromium driven by Playwright.

Every page of the demo corpus's report is opened from disk (file://, nothing
served, nothing fetched): no console errors, every link between pages lands on
a page of the report and on the element its #fragment names, every page is
reachable from the index, and the index's filters and search hide and show
the right rows. Playwright's own browser download is never used
(`executable_path` points at /usr/bin/chromium); without either, the tests skip
and say which is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The demo store is ingested and extracted with the real models once per run (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("browser tests skipped: Chromium not installed (apt-get install chromium)")
    return Path(found)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Not built on report_folder: tests ask for the browser first, so a machine without Chromium
    # skips before the report is built (24 s of setup for nothing on CI).
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser tests skipped: playwright not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(executable), headless=True,
                                      args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newstrace.corpus.store import Store
    from newstrace.provenance.export import texts_of
    from newstrace.provenance.render_html import write_html_report
    from newstrace.provenance.report import ProvenanceOptions, analyse
    from newstrace.provenance.views import report_view
    from tests.shared_stores import DEMO_KB

    # Asked for here, not in the signature: pytest sets session fixtures up before module ones, and
    # the demo's extraction must not run when `browser` is about to skip.
    demo_extracted = request.getfixturevalue("demo_extracted")
    with Store.open(demo_extracted) as store:
        result, corpus = analyse(store, ProvenanceOptions(kb_paths=DEMO_KB))
    folder = tmp_path_factory.mktemp("browser") / "report"
    write_html_report(report_view(result.to_dict()), texts_of(corpus), folder)
    return folder


def _open(browser: object, url: str | None = None) -> tuple[object, list[str]]:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    # Anything but a file:// page of the report would be a load from elsewhere: refuse it, and say so.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else (errors.append(f"external request: {route.request.url}"), route.abort()))
    if url is not None:
        page.goto(url, wait_until="load")
    return page, errors


def test_every_page_loads_cleanly_and_every_link_lands(browser: object, report_folder: Path) -> None:
    index = (report_folder / "index.html").as_uri()
    seen: dict[str, set[str]] = {}  # page URL -> ids on it
    links: list[tuple[str, str]] = []  # (from page, href as the browser resolved it)
    queue = [index]
    problems: list[str] = []
    page, errors = _open(browser)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        errors.clear()
        page.goto(url, wait_until="load")
        problems += [f"{url}: {e}" for e in errors]
        seen[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        for href in page.eval_on_selector_all(
                "a[href]", "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"):
            if href.startswith("file://"):
                links.append((url, href))
                target, _ = urldefrag(href)
                if target not in seen:
                    queue.append(target)
            elif not href.startswith(("http://", "https://")):
                problems.append(f"{url}: link of another kind: {href}")
    page.close()
    assert problems == []
    for source, href in links:
        target, fragment = urldefrag(href)
        assert target in seen, f"{source} links to a missing page {href}"
        assert not fragment or fragment in seen[target], f"{source} links to a missing #{fragment} on {target}"
    on_disk = {p.as_uri() for p in report_folder.rglob("*.html")}
    assert on_disk == set(seen), "pages not reachable from the index: " + ", ".join(sorted(on_disk - set(seen)))
    assert len(seen) > 10  # families, clusters, articles, lists: not an empty report


def _visible_rows(page: object, table: str) -> list[object]:
    return [row for row in page.query_selector_all(f"#{table} tbody tr") if row.is_visible()]  # type: ignore


def test_index_filters_and_search(browser: object, report_folder: Path) -> None:
    page, errors = _open(browser, (report_folder / "index.html").as_uri())
    rows = _visible_rows(page, "family-table")
    assert len(rows) > 3
    count = page.locator("#family-count")
    assert count.inner_text() == f"{len(rows)} of {len(rows)} shown"

    # Search: the words of one family's value and statement find it, and hide the families without them.
    first = rows[0].get_attribute("data-search")
    words = " ".join(first.split()[:2])
    page.fill("#family-search", words.upper())  # case does not matter
    matched = _visible_rows(page, "family-table")
    assert 1 <= len(matched) <= len(rows)
    assert all(all(w in r.get_attribute("data-search") for w in words.split()) for r in matched)
    page.fill("#family-search", "zzqx no family says this")
    assert _visible_rows(page, "family-table") == [] and page.locator("#family-none").is_visible()
    assert count.inner_text() == f"0 of {len(rows)} shown"
    page.fill("#family-search", "")
    assert len(_visible_rows(page, "family-table")) == len(rows)

    # Flags: one flag keeps exactly the families that carry it; "no flags" the rest.
    flags = [f for f in (r.get_attribute("data-flags") for r in rows) if f]
    assert flags, "the demo report has no flagged family to filter on"
    flag = flags[0].split()[0]
    page.select_option("#family-flag", flag)
    flagged = _visible_rows(page, "family-table")
    assert flagged and all(flag in r.get_attribute("data-flags").split() for r in flagged)
    assert len(flagged) == sum(1 for r in rows if flag in (r.get_attribute("data-flags") or "").split())
    page.select_option("#family-flag", "none")
    assert all(not r.get_attribute("data-flags") for r in _visible_rows(page, "family-table"))
    page.select_option("#family-flag", "")

    # Primary document in corpus: only those rows.
    page.check("#family-primary")
    assert all(r.get_attribute("data-primary") == "yes" for r in _visible_rows(page, "family-table"))
    page.uncheck("#family-primary")
    assert len(_visible_rows(page, "family-table")) == len(rows)
    assert errors == []


def test_a_family_link_opens_its_page_with_the_verdict_first(browser: object, report_folder: Path) -> None:
    page, errors = _open(browser, (report_folder / "index.html").as_uri())
    link = page.locator("#family-table tbody tr a").first
    value = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    assert "/families/" in page.url
    assert page.locator(".bigvalue").inner_text() == value
    verdict = page.locator("p.verdict").first
    assert verdict.is_visible() and verdict.inner_text().startswith(("Primary:", "No primary source"))
    # The verdict sits right under the value, above the statement.
    value_box, verdict_box = page.locator(".bigvalue").bounding_box(), verdict.bounding_box()
    assert value_box["y"] < verdict_box["y"] < page.locator("h1").bounding_box()["y"]
    assert page.locator("svg.graph").count() == 1
    assert errors == []
