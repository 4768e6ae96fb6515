"""Ingest end to end through the real CLI: every bad input becomes a row, nothing else is lost.

Pages are served on loopback by the `http` fixture (tests/net_fixtures.py); the CLI runs in a
subprocess with `--allow-private` so it may reach 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from werkzeug import Response

from newstrace.corpus.ingest import Source, expand_sources
from newstrace.corpus.records import Status
from newstrace.corpus.store import Store

REPO = Path(__file__).resolve().parent.parent
FAST = ["--allow-private", "--ignore-robots", "--rate", "0", "--timeout", "5", "--extract-timeout", "10"]


def article_html(title: str, paragraphs: int = 4, extra_head: str = "", body_prefix: str = "") -> str:
    sentences = [
        f"Officials in the harbour town said on Tuesday that {title.lower()} would change how the port works.",
        "The council published a report showing that cargo volumes rose 12 percent over the past year.",
        "Dock workers interviewed at the gate described longer shifts and new scheduling software.",
        "A spokesperson for the port authority said the figures would be reviewed again in the spring.",
        "Local shop owners welcomed the extra traffic but asked for more parking near the ferry terminal.",
    ]
    body = "".join(f"<p>{sentences[i % len(sentences)]} Paragraph {i} adds detail about {title}.</p>"
                   for i in range(paragraphs))
    return (f"<!doctype html><html><head><title>{title}</title>{extra_head}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{body_prefix}{body}</article>"
            f"<footer>Copyright Harbour Times. All rights reserved.</footer></body></html>")


def cli(db: Path, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)
    return subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), *args], input=stdin, text=True,
                          capture_output=True, timeout=timeout, env=env, cwd=REPO)


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def serve(http, path: str, html: str | bytes, **kw) -> str:
    http.expect_request(path).respond_with_data(html, content_type=kw.pop("content_type", "text/html"), **kw)
    return http.url_for(path)


# -- files -----------------------------------------------------------------------------------


def test_seeds_ingest_clean_with_origin_links_and_auto_flag(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "c.db"
    result = cli(db, "ingest", str(seeds_dir))
    assert result.returncode == 0, result.stderr
    assert "4 ok" in result.stderr
    with Store.open(db) as store:
        articles = {Path(a.source_path).stem[:3]: a for a in store.iter_articles()}
    assert sorted(articles) == ["000", "001", "002", "003"]
    assert all(a.title and len(a.text) > 1000 for a in articles.values())
    assert [k for k, a in sorted(articles.items()) if a.auto_generated] == ["001"]
    origin = {k: [link.href for link in a.links if link.kind == "origin_link"] for k, a in articles.items()}
    assert origin["000"] and "toutiao.com/article/1852208574524496" in origin["000"][0]
    assert origin["002"] and "toutiao.com/article/1850269585341451" in origin["002"][0]
    assert not origin["001"] and not origin["003"]


def test_rerun_is_a_noop(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "c.db"
    assert cli(db, "ingest", str(seeds_dir)).returncode == 0
    before = rows(db, "SELECT id, updated_at FROM articles ORDER BY id")
    again = cli(db, "ingest", str(seeds_dir))
    assert again.returncode == 0 and "4 unchanged" in again.stderr
    assert rows(db, "SELECT id, updated_at FROM articles ORDER BY id") == before


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    result = cli(tmp_path / "c.db", "ingest")
    assert result.returncode == 2 and result.stderr.startswith("Error: nothing to ingest")
    result = cli(tmp_path / "c.db", "ingest", "-i", str(tmp_path / "missing.txt"))
    assert result.returncode == 2 and "check the -i path" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_unsupported_type_become_rows(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(article_html("Ferry timetable"), encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    result = cli(tmp_path / "c.db", "ingest", str(good), str(tmp_path / "image.png"), str(tmp_path / "nope.html"))
    assert result.returncode == 1
    assert "1 ok" in result.stderr and "2 failed" in result.stderr
    assert "unsupported_file_type" in result.stderr and "not_found" in result.stderr
    status = json.loads(cli(tmp_path / "c.db", "status", "--json").stdout)
    assert len(status["invalid_inputs"]) == 2 and status["counts"] == {"ok": 1}


def test_warc_records_ingest_as_fetched_pages(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(2):
            body = article_html(f"Harbour story {number}").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://harbour.test/story-{number}", "response",
                                                          payload=BytesIO(body), http_headers=headers))
    result = cli(tmp_path / "c.db", "ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert rows(tmp_path / "c.db", "SELECT count(*) FROM articles WHERE status='ok' AND url LIKE 'https://harbour.test/%'") == [(2,)]


def test_primary_flag_marks_documents(tmp_path: Path) -> None:
    doc = tmp_path / "study.html"
    doc.write_text(article_html("Port volumes study"), encoding="utf-8")
    assert cli(tmp_path / "c.db", "ingest", "--primary", str(doc)).returncode == 0
    assert rows(tmp_path / "c.db", "SELECT is_primary FROM articles") == [(1,)]


# -- URLs ------------------------------------------------------------------------------------


def test_url_list_with_bad_lines_keeps_the_good_ones(tmp_path: Path, http) -> None:
    good = serve(http, "/story", article_html("Bridge repairs"))
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join([good, "not a url at all", "ftp://files.test/x", "harbour.test/no-scheme",
                                  good, "# a comment", ""]), encoding="utf-8")
    result = cli(tmp_path / "c.db", "ingest", "-i", str(listing), *FAST)
    assert result.returncode == 1
    assert "line 2" in result.stderr and "line 3" in result.stderr and "line 4" in result.stderr
    assert "1 ok" in result.stderr
    assert len([r for r in http.log if r[0].path == "/story"]) == 1  # duplicate line collapsed


def test_tracking_parameters_and_fragment_map_to_one_article(tmp_path: Path, http) -> None:
    url = serve(http, "/news/story.html", article_html("Harbour dredging"))
    variant = url + "?utm_source=feed&fbclid=abc#comments"
    assert cli(tmp_path / "c.db", "ingest", url, *FAST).returncode == 0
    again = cli(tmp_path / "c.db", "ingest", variant, *FAST)
    assert again.returncode == 0 and "1 unchanged" in again.stderr
    assert len(http.log) == 1
    assert rows(tmp_path / "c.db", "SELECT count(*) FROM articles") == [(1,)]


def test_same_article_at_two_urls_is_linked_as_duplicate(tmp_path: Path, http) -> None:
    html = article_html("Lighthouse restoration")
    a, b = serve(http, "/a", html), serve(http, "/amp/a", html)
    result = cli(tmp_path / "c.db", "ingest", a, b, *FAST)
    assert result.returncode == 0 and "1 ok" in result.stderr and "1 duplicate" in result.stderr
    dup = rows(tmp_path / "c.db", "SELECT duplicate_of, text FROM articles WHERE status='duplicate'")
    first = rows(tmp_path / "c.db", "SELECT id FROM articles WHERE status='ok'")
    assert dup == [(first[0][0], "")]


def test_http_errors_become_rows_and_the_batch_goes_on(tmp_path: Path, http) -> None:
    ok = serve(http, "/ok", article_html("Ferry strike"))
    gone = http.url_for("/gone")
    http.expect_request("/gone").respond_with_data("no", status=404)
    pdf = serve(http, "/doc.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    result = cli(tmp_path / "c.db", "ingest", gone, pdf, ok, *FAST)
    assert result.returncode == 1
    got = dict(rows(tmp_path / "c.db", "SELECT url, status || ':' || coalesce(reason,'') FROM articles"))
    assert got[gone] == "failed_permanent:http_404"
    assert got[pdf].startswith("failed_permanent:unsupported_type")
    assert got[ok] == "ok:"
    assert sum(1 for r in http.log if r[0].path == "/gone") == 1  # a 404 is not retried


def test_private_address_blocked_without_flag(tmp_path: Path, http) -> None:
    url = serve(http, "/internal", article_html("Internal"))
    result = cli(tmp_path / "c.db", "ingest", url, "--ignore-robots", "--rate", "0")
    assert result.returncode == 1 and "blocked(non_public_address)" in result.stderr
    assert http.log == []


def test_navigation_only_page_is_no_article_with_raw_kept(tmp_path: Path, http) -> None:
    html = "<html><head><title>Index</title></head><body><nav><a href='/a'>Home</a> <a href='/b'>About</a></nav></body></html>"
    url = serve(http, "/nav", html)
    result = cli(tmp_path / "c.db", "ingest", url, *FAST)
    assert result.returncode == 0 and "1 no_article" in result.stderr
    assert rows(tmp_path / "c.db", "SELECT a.status, length(r.body) > 0 FROM articles a JOIN raw_responses r "
                                   "ON r.article_id = a.id") == [("no_article", 1)]
    assert rows(tmp_path / "c.db", "SELECT count(*) FROM annotations") == [(0,)]


def test_latin1_without_charset_decodes_exactly(tmp_path: Path, http) -> None:
    text = "Café crème à la française"
    html = article_html("Harbour café").replace("<article>", f"<article><p>{text} was served at the opening of "
                                                              "the new terminal building on Sunday morning.</p>")
    url = serve(http, "/latin1", html.encode("latin-1"), content_type="text/html")
    assert cli(tmp_path / "c.db", "ingest", url, *FAST).returncode == 0
    stored = rows(tmp_path / "c.db", "SELECT text, encoding_source FROM articles")[0]
    assert text in stored[0]


def test_deep_nesting_is_no_article(tmp_path: Path, http) -> None:
    html = "<html><body>" + "<div>" * 300 + "<p>" + "Deep text about the harbour. " * 30 + "</p>" + "</div>" * 300
    url = serve(http, "/deep", html + "</body></html>")
    result = cli(tmp_path / "c.db", "ingest", url, *FAST)
    assert result.returncode == 0
    assert rows(tmp_path / "c.db", "SELECT status, reason FROM articles") == [("no_article", "parser_depth")]


@pytest.mark.timeout(120)
def test_pathological_page_times_out_and_the_batch_continues(tmp_path: Path, http) -> None:
    table = "<table>" + "".join(f"<tr><td>cell {i}</td><td>value {i}</td></tr>" for i in range(60_000)) + "</table>"
    heavy = serve(http, "/heavy", f"<html><body><article>{table}</article></body></html>")
    ok = serve(http, "/fine", article_html("Ferry timetable"))
    args = [a if a != "10" else "1" for a in FAST]
    result = cli(tmp_path / "c.db", "ingest", heavy, ok, *args)
    got = dict(rows(tmp_path / "c.db", "SELECT url, status || ':' || coalesce(reason,'') FROM articles"))
    assert got[heavy] == "failed_permanent:extraction_timeout"
    assert got[ok] == "ok:"
    assert result.returncode == 1


def test_hostile_title_is_stored_verbatim_and_printed_safely(tmp_path: Path, http) -> None:
    title = "Tide <script>alert(1)</script> \x1b[2J tables"
    url = serve(http, "/hostile", article_html(title.replace("<", "&lt;").replace(">", "&gt;")))
    assert cli(tmp_path / "c.db", "ingest", url, *FAST).returncode == 0
    stored = rows(tmp_path / "c.db", "SELECT title FROM articles")[0][0]
    assert "<script>" in stored
    listing = cli(tmp_path / "c.db", "status")
    assert "\x1b[2J" not in listing.stdout


# -- crash, interrupt, concurrency -------------------------------------------------------------


def _slow_site(http, count: int, delay: float) -> list[str]:
    def handler(request):
        time.sleep(delay)
        return Response(article_html(f"Story {request.path}"), content_type="text/html")

    urls = []
    for number in range(count):
        path = f"/slow/{number}"
        http.expect_request(path).respond_with_handler(handler)
        urls.append(http.url_for(path))
    return urls


def _slow_listing(http, tmp_path: Path, count: int, delay: float, name: str = "urls.txt") -> Path:
    listing = tmp_path / name
    listing.write_text("\n".join(_slow_site(http, count, delay)), encoding="utf-8")
    return listing


def _background(db: Path, listing: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "newstrace", "--db", str(db), "ingest", "-i", str(listing), *FAST],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)


def _wait_for_rows(db: Path, at_least: int, limit: float = 90) -> int:
    deadline = time.time() + limit
    while time.time() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                count = rows(db, "SELECT count(*) FROM articles WHERE status='ok'")[0][0]
            except sqlite3.OperationalError:
                continue
            if count >= at_least:
                return count
    raise AssertionError("ingest made no progress")


@pytest.mark.timeout(240)
def test_kill_9_mid_batch_then_resume_fetches_only_the_rest(tmp_path: Path, http) -> None:
    listing = _slow_listing(http, tmp_path, 30, 0.1)
    db = tmp_path / "c.db"
    proc = _background(db, listing)
    _wait_for_rows(db, 8)
    proc.kill()
    proc.wait()
    done_before = {r[0] for r in rows(db, "SELECT url FROM articles WHERE status='ok'")}
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    result = cli(db, "ingest", "-i", str(listing), *FAST)
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT count(*) FROM articles WHERE status='ok'") == [(30,)]
    hits: dict[str, int] = {}
    for request, _ in http.log:
        hits[request.path] = hits.get(request.path, 0) + 1
    for url in done_before:
        assert hits["/" + url.split("/", 3)[3]] == 1  # finished URLs were not fetched again
    assert max(hits.values()) <= 2


@pytest.mark.timeout(240)
def test_sigint_exits_130_and_rerun_resumes(tmp_path: Path, http) -> None:
    listing = _slow_listing(http, tmp_path, 20, 0.1)
    db = tmp_path / "c.db"
    proc = _background(db, listing)
    _wait_for_rows(db, 5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "rerun" in err
    assert cli(db, "ingest", "-i", str(listing), *FAST).returncode == 0
    assert rows(db, "SELECT count(*) FROM articles WHERE status='ok'") == [(20,)]


@pytest.mark.timeout(240)
def test_two_concurrent_ingests_store_each_article_once(tmp_path: Path, http) -> None:
    urls = _slow_site(http, 16, 0.05)
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("\n".join(urls[:12]), encoding="utf-8")
    second.write_text("\n".join(urls[4:]), encoding="utf-8")
    db = tmp_path / "c.db"
    cli(db, "status")  # create the schema first, as a team would
    procs = [_background(db, first), _background(db, second)]
    outs = [p.communicate(timeout=200) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-400:] for o in outs]
    assert "locked" not in outs[0][1] + outs[1][1]
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles WHERE status='ok'") == [(16, 16)]


def test_disk_full_stops_with_exit_3_and_keeps_committed_rows(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "c.db"
    assert cli(db, "ingest", str(seeds_dir)).returncode == 0
    big = tmp_path / "big"
    big.mkdir()
    for number in range(5):
        (big / f"{number}.html").write_text(article_html(f"Big story {number}", paragraphs=3000), encoding="utf-8")
    size = db.stat().st_size + (db.with_name(db.name + "-wal").stat().st_size
                                if db.with_name(db.name + "-wal").exists() else 0)
    script = (
        "import resource, signal, sys, runpy;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 400_000}, {size + 400_000}));"
        f"sys.argv = ['newstrace', '--db', {str(db)!r}, 'ingest', {str(big)!r}];"
        "runpy.run_module('cli', run_name='__main__')"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO,
                            timeout=120)
    assert result.returncode == 3, result.stderr[-600:]
    # The last line is ours; the extraction worker inherits the file-size limit and may complain first.
    assert result.stderr.strip().splitlines()[-1].startswith("Error: disk full")
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT count(*) FROM articles WHERE status='ok'")[0][0] >= 4


# -- library ----------------------------------------------------------------------------------


def test_expand_sources_classifies_and_dedupes(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("x", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    found = list(expand_sources([str(tmp_path), "https://x.test/a", "https://x.test/a", "javascript:alert(1)"]))
    kinds = [(Path(s.ref).name if s.kind == "file" else s.ref, s.kind) for s in found]
    assert kinds == [("a.html", "file"), ("https://x.test/a", "url"), ("javascript:alert(1)", "invalid")]
    assert isinstance(found[0], Source) and Status.OK.value == "ok"


def _ingest_folder(folder: Path, db: Path, **options: object) -> list[tuple]:
    from newstrace.corpus.ingest import IngestOptions, ingest

    reported: list[tuple] = []
    with Store.open(db) as store:
        ingest(expand_sources([str(folder)]), store, IngestOptions(**options),
               on_item=lambda r: reported.append((r.source.ref, r.status, r.reason, r.article_id)))
    return reported


def test_two_workers_store_the_same_rows_in_the_same_order_as_one(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for seed in sorted(seeds_dir.iterdir())[:4]:
        (folder / f"a-{seed.name}").write_bytes(seed.read_bytes())
    for number in range(8):
        (folder / f"b-{number}.html").write_text(article_html(f"Harbour story {number}", paragraphs=3 + number),
                                                 encoding="utf-8")
    # The same text in other markup (a duplicate), the same bytes again (unchanged), nothing to extract.
    (folder / "c-dup.html").write_text(article_html("Harbour story 2", paragraphs=5).replace("<nav>", "<nav id='x'>"),
                                       encoding="utf-8")
    (folder / "c-same.html").write_bytes((folder / "b-3.html").read_bytes())
    (folder / "c-empty.html").write_bytes(b"")
    (folder / "c-nav.html").write_text("<html><body><nav><a href='/a'>Home</a></nav></body></html>", encoding="utf-8")
    (folder / "d-last.html").write_text(article_html("Ferry timetable"), encoding="utf-8")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    reported = _ingest_folder(folder, one, extract_workers=1)
    assert _ingest_folder(folder, two, extract_workers=2) == reported
    assert [Path(ref).name for ref, *_ in reported] == sorted(p.name for p in folder.iterdir())
    articles = ("SELECT id, status, reason, duplicate_of, title, language, content_hash, text FROM articles "
                "ORDER BY id")
    log = "SELECT input, status, reason, article_id FROM ingest_log ORDER BY id"
    assert rows(two, articles) == rows(one, articles)
    assert rows(two, log) == rows(one, log)
    statuses = [status for _, status, _, _ in reported]
    assert (statuses.count("duplicate"), statuses.count("unchanged"), statuses.count("no_article")) == (1, 1, 2)


@pytest.mark.timeout(120)
def test_a_hanging_page_in_one_worker_does_not_hold_up_the_other(tmp_path: Path, monkeypatch) -> None:
    import newstrace.corpus.ingest as ingest_module

    folder = tmp_path / "pages"
    folder.mkdir()
    table = "<table>" + "".join(f"<tr><td>cell {i}</td><td>value {i}</td></tr>" for i in range(120_000)) + "</table>"
    (folder / "0-heavy.html").write_text(f"<html><body><article>{table}</article></body></html>", encoding="utf-8")
    for number in range(1, 7):
        (folder / f"{number}-fine.html").write_text(article_html(f"Harbour story {number}"), encoding="utf-8")
    submitted: dict[str, float] = {}
    real = ingest_module.start_extraction

    def recording(html: str, *args: object, **kwargs: object):
        call = real(html, *args, **kwargs)
        submitted.setdefault("heavy" if "cell 0" in html else html[html.index("<title>") + 7:][:16], time.monotonic())
        return call

    monkeypatch.setattr(ingest_module, "start_extraction", recording)
    db = tmp_path / "c.db"
    _ingest_folder(folder, db, extract_workers=2, extract_timeout=1.5)
    # Every fine page was sent while the heavy one was still running; one may have waited
    # behind it in its worker's pipe and been sent again to the replacement (first sends count).
    assert len(submitted) == 7
    assert max(submitted.values()) < submitted["heavy"] + 1.5
    got = rows(db, "SELECT input, status, reason FROM ingest_log ORDER BY id")
    assert [Path(i).name for i, _, _ in got] == sorted(p.name for p in folder.iterdir())
    assert got[0][1:] == ("failed_permanent", "extraction_timeout")
    assert [s for _, s, _ in got[1:]] == ["ok"] * 6


@pytest.mark.timeout(120)
def test_a_page_queued_behind_a_hanging_one_is_sent_again(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    table = "<table>" + "".join(f"<tr><td>cell {i}</td><td>value {i}</td></tr>" for i in range(120_000)) + "</table>"
    (folder / "0-heavy.html").write_text(f"<html><body><article>{table}</article></body></html>", encoding="utf-8")
    (folder / "1-fine.html").write_text(article_html("Harbour story"), encoding="utf-8")
    db = tmp_path / "c.db"
    # One worker, so the fine page waits in its pipe behind the heavy one and is cancelled with it.
    reported = _ingest_folder(folder, db, extract_workers=1, extract_timeout=1.5, crash_retries=0)
    assert [(Path(ref).name, status, reason) for ref, status, reason, _ in reported] == [
        ("0-heavy.html", "failed_permanent", "extraction_timeout"), ("1-fine.html", "ok", None)]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("retries", [0, 1])
def test_a_page_that_kills_its_worker_is_retried_then_recorded_and_the_page_behind_it_is_kept(
        tmp_path: Path, monkeypatch, retries: int) -> None:
    import newstrace.corpus.ingest as ingest_module

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "0-crash.html").write_text(article_html("Crashing story"), encoding="utf-8")
    (folder / "1-fine.html").write_text(article_html("Harbour story"), encoding="utf-8")
    sent: list[str] = []
    real = ingest_module.start_extraction

    def crashing(html: str, url: object, timeout_s: float, *, options: object, worker: object):
        sent.append("crash" if "Crashing story" in html else "fine")
        if "Crashing story" in html:
            return worker.submit(os.abort, timeout_s=timeout_s)
        return real(html, url, timeout_s, options=options, worker=worker)

    monkeypatch.setattr(ingest_module, "start_extraction", crashing)
    # One worker: the fine page waits behind the crashing one and is cancelled with it each time.
    reported = _ingest_folder(tmp_path / "pages", tmp_path / "c.db", extract_workers=1, crash_retries=retries)
    assert sent.count("crash") == 1 + retries
    assert [(Path(ref).name, status, reason) for ref, status, reason, _ in reported] == [
        ("0-crash.html", "failed_transient", "extractor_crash"), ("1-fine.html", "ok", None)]


@pytest.mark.timeout(240)
def test_kill_9_mid_folder_with_two_workers_then_resume_gives_one_row_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for number in range(200):
        (folder / f"{number:03d}.html").write_text(article_html(f"Harbour story {number}", paragraphs=12),
                                                   encoding="utf-8")
    db = tmp_path / "c.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "newstrace", "--db", str(db), "ingest", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    _wait_for_rows(db, 15)
    proc.kill()
    proc.wait()
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    stored = [Path(p).name for p, in rows(db, "SELECT source_path FROM articles ORDER BY rowid")]
    # Committed in input order: what survived is a prefix of the sorted folder.
    assert stored == sorted(stored) and stored == [f"{n:03d}.html" for n in range(len(stored))]
    result = cli(db, "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"{len(stored)} unchanged" in result.stderr
    assert rows(db, "SELECT count(*), count(DISTINCT source_path) FROM articles WHERE status='ok'") == [(200, 200)]


# -- issue 16: plain-text URLs, reruns with a lifting flag, invalid inputs once, -q/-v -----------


def test_a_text_plain_url_takes_the_text_path(tmp_path: Path, http) -> None:
    body = ("Heat pump sales up a third\n\n"
            "Installers reported that heat pump sales rose 34% in the first half of the year, the trade body said.\n\n"
            "Grants for older homes were the main reason, according to the energy ministry's quarterly figures.\n\n"
            "Fitters in the northern counties said waiting times for an installation had grown to eleven weeks, "
            "and several firms were training plumbers to meet the extra demand before the winter.\n\n"
            "Consumer groups welcomed the trend but warned that running costs still depend on electricity "
            "tariffs, which the regulator will review again in the autumn.\n")
    url = serve(http, "/notes.txt", body.encode(), content_type="text/plain; charset=utf-8")
    result = cli(tmp_path / "c.db", "ingest", url, *FAST)
    assert result.returncode == 0 and "1 ok" in result.stderr, result.stderr
    with Store.open(tmp_path / "c.db") as store:
        [article] = list(store.iter_articles())
    assert "rose 34%" in article.text and "energy ministry" in article.text
    # A corpus from before text/plain support holds such a page as no_article(empty_body), with its
    # response: the next ingest redoes it from the stored bytes, without fetching it again.
    db = tmp_path / "c.db"
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE articles SET status = 'no_article', reason = 'empty_body', text = ''")
    con.close()
    fetched = len(http.log)
    again = cli(db, "ingest", url, *FAST)
    assert again.returncode == 0 and "1 ok" in again.stderr, again.stderr
    assert rows(db, "SELECT status FROM articles") == [("ok",)] and len(http.log) == fetched
    assert "1 unchanged" in cli(db, "ingest", url, *FAST).stderr


def test_a_blocked_row_names_its_flag_and_a_rerun_with_it_fetches(tmp_path: Path, http) -> None:
    url = serve(http, "/clinic", article_html("Clinic waiting lists"))
    db = tmp_path / "c.db"
    first = cli(db, "ingest", url, "--ignore-robots", "--rate", "0")
    assert first.returncode == 1
    assert "blocked(non_public_address): pass --allow-private to fetch it" in first.stderr
    [failure] = json.loads(cli(db, "status", "--json").stdout)["failures"]
    assert failure["reason"] == "non_public_address" and failure["hint"] == "pass --allow-private to fetch it"
    same = cli(db, "ingest", url, "--ignore-robots", "--rate", "0")  # nothing changed: not fetched
    assert "1 unchanged" in same.stderr and http.log == []
    again = cli(db, "ingest", url, *FAST)
    assert again.returncode == 0 and "1 ok" in again.stderr, again.stderr
    assert rows(db, "SELECT status FROM articles") == [("ok",)]


def test_invalid_inputs_are_listed_once_however_often_they_are_given(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    missing = str(tmp_path / "no-such-page.html")
    for _ in range(3):
        assert cli(db, "ingest", missing).returncode == 1
    status = json.loads(cli(db, "status", "--json").stdout)
    assert [row["input"] for row in status["invalid_inputs"]] == [missing]


def test_quiet_drops_the_summary_and_verbose_names_each_input(tmp_path: Path) -> None:
    page = tmp_path / "survey.html"
    page.write_text(article_html("Commuter survey"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)

    def ingest(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newstrace", *flags, "--db", str(tmp_path / "c.db"), "ingest",
                               str(page)], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)

    quiet = ingest("-q")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
    verbose = ingest("--verbose")
    assert verbose.returncode == 0 and f"unchanged: {page.resolve()}" in verbose.stderr
    assert "1 unchanged" in verbose.stderr
    plain_run = ingest()
    assert "1 unchanged" in plain_run.stderr and "unchanged: " not in plain_run.stderr
