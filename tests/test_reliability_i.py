"""RELIABILITY.md section I: inputs that used to cost data, each a test named by its row id.

Every test asserts the status or message the row expects AND that nothing else was lost (the
previous file, the valid lines or records around the bad one, the store as it was). Sentences are
written for these tests, across domains; servers are loopback only (tests/net_fixtures.py).
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import resource
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import newstrace.cli as cli_module
from newstrace.corpus.ingest import text_hash
from newstrace.corpus.store import Store
from newstrace.extract.records import Annotations, Attribution, Entity, Statistic

REPO = Path(__file__).resolve().parent.parent

HEALTH = ("The regional health authority said 42% of clinics reported staff shortages in the winter survey, "
          "up from 30% a year earlier. Officials blamed retirements and long commutes.")
ENERGY = ("Grid operators expect demand to rise by 8% next summer as heat pumps spread, according to the "
          "national energy regulator, which published its outlook on Tuesday.")
LABOUR = ("Union members voted 61% in favour of the wage offer, ending a dispute that had closed three "
          "warehouses for a fortnight, the union's general secretary said.")


def invoke(db: Path, *args: str, input: str | None = None):
    """Run the CLI in-process (fast); stdout and stderr separately."""
    # Wide enough that table cells are not wrapped mid-word, so printed strings can be found whole.
    return CliRunner(env={"COLUMNS": "400"}).invoke(cli_module.cli, ["--db", str(db), *args], input=input,
                                                    catch_exceptions=False)


def run(db: Path, *args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)
    return subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO, **kwargs)


def line(article_id: str, text: str, **extra) -> str:
    return json.dumps({"id": article_id, "text": text, "status": "ok", **extra}, ensure_ascii=False)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db: Path) -> dict[str, tuple[str, str]]:
    """id -> (status, text) for every stored article."""
    with Store.open(db) as store:
        return {a.id: (a.status.value, a.text) for a in store.iter_articles(statuses=None)}


def seed(db: Path, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """A store holding one good article, to check that a refused import leaves it as it was."""
    result = invoke(db, "import", str(write_lines(tmp_path / "seed.jsonl", [line("s1", LABOUR)])))
    assert result.exit_code == 0, result.output
    before = stored(db)
    assert before == {"s1": ("ok", LABOUR)}
    return before


def annotations_with(article_id: str, text: str, **stat) -> dict:
    start = text.index("42%")
    fields = dict(start=start, end=start + 3, text="42%", value=42.0, unit="percent", holder="clinics",
                  attribution=Attribution(name="regional health authority", kind="organization", cue="said",
                                          start=4, end=29))
    fields.update(stat)
    ann = Annotations(article_id=article_id, pipeline_version="test/1", language="en",
                      entities=(Entity(start=4, end=29, text=text[4:29], label="ORG"),),
                      statistics=(Statistic(**fields),))
    return json.loads(json.dumps(ann.to_dict()))


# -- I1 I4 I5 I11 I17: import ------------------------------------------------------------------


def test_I1_import_recomputes_hash(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    # Line 2 carries line 1's hash but a different text: trusted, it was stored as a duplicate of line 1
    # and its own text thrown away.
    path = write_lines(tmp_path / "in.jsonl", [line("a1", HEALTH, content_hash=text_hash(HEALTH)),
                                               line("a2", ENERGY, content_hash=text_hash(HEALTH))])
    result = invoke(db, "import", str(path))
    assert result.exit_code == 2
    assert "line 2: content_hash" in result.stderr and "does not match the text" in result.stderr
    assert stored(db) == {}
    # Without the wrong field both lines are kept, each with its own text and a hash computed from it.
    path = write_lines(tmp_path / "ok.jsonl", [line("a1", HEALTH, content_hash=text_hash(HEALTH)),
                                               line("a2", ENERGY)])
    assert invoke(db, "import", str(path)).exit_code == 0
    assert stored(db) == {"a1": ("ok", HEALTH), "a2": ("ok", ENERGY)}
    with Store.open(db) as store:
        assert store.get_article("a2").content_hash == text_hash(ENERGY)


@pytest.mark.parametrize("field", ["title", "outlet", "entity"])
def test_I4_strict_import_is_one_transaction(tmp_path: Path, field: str) -> None:
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    last = {"id": "b3", "text": HEALTH, "status": "ok"}
    if field == "entity":
        ann = annotations_with("b3", HEALTH)
        ann["entities"][0]["text"] = "health \ud800"  # a lone surrogate deep inside the annotations
        last["annotations"] = ann
    else:
        last[field] = "Clinic \udfff survey"
    # json.dumps escapes the surrogate as \udfff, which json.loads turns back into one.
    path = write_lines(tmp_path / "in.jsonl", [line("b1", HEALTH.replace("42%", "43%")), line("b2", ENERGY),
                                               json.dumps(last)])
    result = invoke(db, "import", str(path))
    assert result.exit_code == 2, result.output
    assert "line 3:" in result.stderr and "lone surrogate" in result.stderr
    assert stored(db) == before  # nothing of lines 1 and 2 was committed


def test_I4_nul_in_title_follows_d8(tmp_path: Path) -> None:
    """NUL in metadata is stripped like every control character (D8), so the row copies to PostgreSQL;
    NUL in the text is refused (stripping it would move every annotation offset)."""
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    refused = invoke(db, "import", str(write_lines(tmp_path / "a.jsonl", [line("n1", ENERGY),
                                                                         line("n2", "Grid\x00 load")])))
    assert refused.exit_code == 2 and "line 2: text contains NUL" in refused.stderr
    assert stored(db) == before
    ok = invoke(db, "import", str(write_lines(tmp_path / "b.jsonl", [line("n1", ENERGY, title="Grid\x00 outlook")])))
    assert ok.exit_code == 0
    with Store.open(db) as store:
        assert store.get_article("n1").title == "Grid outlook" and store.get_article("n1").text == ENERGY
    assert stored(db) == {**before, "n1": ("ok", ENERGY)}


def test_I4_database_failure_mid_import_commits_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a failure validation cannot foresee (the driver raising on line 3) leaves the store unchanged."""
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    path = write_lines(tmp_path / "in.jsonl", [line("c1", HEALTH), line("c2", ENERGY), line("c3", HEALTH + " More.")])
    original = Store.save_article
    calls = []

    def failing(self, article, **kwargs):
        calls.append(article.id)
        if article.id == "c3":
            raise RuntimeError("driver failed")
        return original(self, article, **kwargs)

    monkeypatch.setattr(Store, "save_article", failing)
    from newstrace.provenance.jsonl_import import import_jsonl

    with Store.open(db) as store, pytest.raises(RuntimeError):
        import_jsonl(path, store)
    assert calls == ["c1", "c2", "c3"]
    assert stored(db) == before


def test_I5_duplicate_ids_in_one_import(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    path = write_lines(tmp_path / "in.jsonl", [line("d1", HEALTH), line("d2", LABOUR + " Talks resume."),
                                               line("d1", ENERGY)])
    result = invoke(db, "import", str(path))
    assert result.exit_code == 2
    assert "line 3: id 'd1' was already given on line 1" in result.stderr
    assert stored(db) == before
    skipped = invoke(db, "import", str(path), "--skip-invalid")
    assert skipped.exit_code == 1 and "rejected: line 3:" in skipped.stderr
    # The first line with the id wins; the later one is reported, never silently applied.
    assert stored(db) == {**before, "d1": ("ok", HEALTH), "d2": ("ok", LABOUR + " Talks resume.")}


def test_I11_import_refuses_string_value(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    good = line("e1", ENERGY)
    bad = line("e2", HEALTH, annotations=annotations_with("e2", HEALTH, value="42"))
    result = invoke(db, "import", str(write_lines(tmp_path / "in.jsonl", [good, bad])))
    assert result.exit_code == 2
    assert "line 2: annotations.statistics[0].value must be a number, not a string" in result.stderr
    assert stored(db) == before
    # The same line with a numeric value imports, and every report format still works on the corpus.
    fixed = line("e2", HEALTH, annotations=annotations_with("e2", HEALTH))
    assert invoke(db, "import", str(write_lines(tmp_path / "ok.jsonl", [good, fixed]))).exit_code == 0
    exported = tmp_path / "e.jsonl"
    assert invoke(db, "export", "-o", str(exported)).exit_code == 0
    assert {json.loads(line)["id"] for line in exported.read_text().splitlines()} == {"s1", "e1", "e2"}


@pytest.mark.parametrize("extra, where", [
    ({"links": 5}, "field 'links' must be a list"),
    ({"spans": [1]}, "spans[0] must be an object"),
    ({"links": [{"href": "https://stats.example.org/t1", "start": [1]}]}, "links[0].start must be an integer"),
    ({"annotations": {"article_id": "f2", "pipeline_version": "x", "entities": [{"start": 0}]}},
     "annotations.entities[0].end is missing"),
    ({"annotations": {"article_id": "f2", "pipeline_version": "x", "sentences": [[0, "9"]]}},
     "annotations.sentences[0][1] must be an integer"),
    ({"is_primary": "yes"}, "field 'is_primary' must be true, false or null"),
])
def test_I17_import_schema_checked(tmp_path: Path, extra: dict, where: str) -> None:
    db = tmp_path / "c.db"
    before = seed(db, tmp_path)
    path = write_lines(tmp_path / "in.jsonl", [line("f1", ENERGY), line("f2", HEALTH, **extra)])
    result = invoke(db, "import", str(path))
    assert result.exit_code == 2
    assert f"line 2: {where}" in result.stderr
    assert stored(db) == before
    skipped = invoke(db, "import", str(path), "--skip-invalid")
    assert skipped.exit_code == 1 and "1 imported" in skipped.stderr
    assert stored(db) == {**before, "f1": ("ok", ENERGY)}


# -- I8 I7 I10: plain text in the terminal -----------------------------------------------------


def test_I8_control_characters_stripped_at_import(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    escapes = {"outlet": "Daily\x1b]0;pwned\x07 Post", "published": "2024-03-01\x1b[2J",
               "language": "e\x1bn", "title": "Wage \x9b31m deal"}
    path = write_lines(tmp_path / "in.jsonl", [line("g\x1b[2J1", LABOUR, **escapes)])
    assert invoke(db, "import", str(path)).exit_code == 0
    with Store.open(db) as store:
        [article] = list(store.iter_articles(statuses=None))
    assert article.id == "g[2J1" and article.text == LABOUR
    assert (article.outlet, article.published, article.language, article.title) == (
        "Daily]0;pwned Post", "2024-03-01[2J", "en", "Wage 31m deal")
    shown = invoke(db, "show", article.id)
    assert shown.exit_code == 0
    assert "\x1b" not in shown.stdout and "\x9b" not in shown.stdout and "\x07" not in shown.stdout
    assert "Wage" in shown.stdout and "Union members voted" in shown.stdout


def test_I7_scraped_markup_printed_as_text(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    text = HEALTH + " [blink]Hidden[/blink] note [link=https://evil.example]here[/link]."
    ann = annotations_with("h1", text, holder="[link=https://evil.example]clinics[/link]",
                           measure="[on black][black]secret[/black][/on black]")
    ann["quotes"] = []
    path = write_lines(tmp_path / "in.jsonl", [line("h1", text, title="[bold red]Clinics[/bold red] [/x]",
                                                    annotations=ann)])
    assert invoke(db, "import", str(path)).exit_code == 0
    shown = invoke(db, "show", "h1")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    # Every markup-looking piece is there literally: nothing was interpreted, hidden or linked.
    for literal in ("[bold red]Clinics[/bold red] [/x]", "[blink]Hidden[/blink]", "[link=https://evil.example]",
                    "[black]secret", "42%"):
        assert literal in out, literal
    assert "\x1b]8;" not in out


def test_I10_markup_in_url_does_not_crash(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    urls = ["http://127.0.0.1:9/reports/[/x]", "http://127.0.0.1:9/q?[/]=1"]
    # Blocked (loopback without --allow-private): no connect is made, but the URL is stored and printed.
    result = invoke(db, "ingest", *urls)
    assert result.exit_code == 1, result.output
    assert "MarkupError" not in result.output and "blocked(non_public_address)" in result.stderr
    status = invoke(db, "status")
    assert status.exit_code == 0, status.output
    flat = status.stdout.replace("\n", " ")
    assert "[/x]" in flat and "blocked" in flat
    data = json.loads(invoke(db, "status", "--json").stdout)
    assert data["counts"] == {"blocked": 2}


# -- I2 I21: writing files -----------------------------------------------------------------------


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", [["export"], ["report", "--format", "md"], ["report", "--format", "term"]])
def test_I2_failed_write_keeps_old_file(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "c.db"
    # Quotes and line breaks are escaped in JSON, so the export is bigger than the database holding the text:
    # a file-size limit just above the database's size fails the export and nothing else.
    big = HEALTH + "\n" + "\n".join(['"Yes," said the nurse. "No," said the driver. "Maybe," said the clerk.'] * 30000)
    assert invoke(db, "import", str(write_lines(tmp_path / "in.jsonl", [line("i1", big)]))).exit_code == 0
    import sqlite3

    with sqlite3.connect(db) as con:  # fold the WAL into the database, so only the database's size counts
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    scratch = tmp_path / "scratch.out"
    assert run(db, *command, "-o", str(scratch)).returncode == 0
    limit = max(p.stat().st_size for p in tmp_path.glob("c.db*")) + 4096
    target = tmp_path / "out" / "previous.txt"
    target.parent.mkdir()
    target.write_text("the previous good report\n", encoding="utf-8")
    result = run(db, *command, "-o", str(target), preexec_fn=_limit_file_size(limit))
    if scratch.stat().st_size > limit:
        assert result.returncode == 3, result.stderr
        assert "disk full or file too large while writing" in result.stderr and "old file is kept" in result.stderr
        assert target.read_text(encoding="utf-8") == "the previous good report\n"
    else:
        # A report smaller than the limit is written whole: the file is the old one or the new one, never half.
        assert result.returncode == 0, result.stderr
        assert abs(target.stat().st_size - scratch.stat().st_size) < 200  # whole (only the timestamp differs)
    assert [p.name for p in target.parent.iterdir()] == ["previous.txt"]  # no temporary file left
    assert stored(db) == {"i1": ("ok", big)}
    if command == ["export"]:
        assert scratch.stat().st_size > limit  # the case this test is for did happen


def test_I2_atomic_write_keeps_old_file_on_any_failure(tmp_path: Path) -> None:
    from newstrace.corpus.atomic import OutputError, atomic_write

    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")

    def chunks():
        yield "new first half\n"
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="disk full"):
        atomic_write(target, chunks())
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["report.md"]
    with pytest.raises(ValueError):
        atomic_write(target, (piece if piece else (_ for _ in ()).throw(ValueError("renderer bug"))
                              for piece in ("a", "")))
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["report.md"]
    atomic_write(target, ["new ", "report\n"])
    assert target.read_text() == "new report\n" and os.listdir(tmp_path) == ["report.md"]


def test_I21_bad_out_checked_before_any_work(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    page = tmp_path / "pages" / "story.txt"
    page.parent.mkdir()
    page.write_text("Clinics short of staff\n\n" + HEALTH + "\n", encoding="utf-8")
    result = run(db, "run", str(page), "--out", "/dev/full")
    assert result.returncode == 3
    assert result.stderr.startswith("Error: output folder /dev/full is not a folder")
    assert stored(db) == {}  # nothing was ingested before the check
    exported = run(db, "export", "-o", str(page.parent))
    assert exported.returncode == 2 and "is a directory" in exported.stderr
    assert page.read_text(encoding="utf-8").startswith("Clinics")


def test_I21_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert invoke(db, "import", str(write_lines(tmp_path / "in.jsonl", [line("j1", HEALTH)]))).exit_code == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -1` that already exited
    proc = subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), "export"], stdout=writer,
                          stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, timeout=120)
    os.close(writer)
    assert proc.returncode == 0, proc.stderr
    assert "BrokenPipeError" not in proc.stderr and "Traceback" not in proc.stderr


def test_I21_disk_full_during_run_leaves_no_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace.corpus import atomic
    from newstrace.provenance import outputs

    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.json").write_text("{}\n")
    real_replace = os.replace

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    with pytest.raises(atomic.OutputError, match="disk full"):
        atomic.atomic_write(folder / "report.json", ['{"a": 1}\n'])
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert sorted(os.listdir(folder)) == ["report.json"] and (folder / "report.json").read_text() == "{}\n"
    assert outputs.atomic_write is atomic.atomic_write  # the run folder goes through the same helper


# -- I9: address vetting sees every embedded IPv4 ------------------------------------------------


EMBEDDED_LOOPBACK = [
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:127.0.0.1",  # IPv4-mapped
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 well-known prefix
    "64:ff9b:1::7f00:1",  # NAT64 local-use prefix
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
]


@pytest.mark.parametrize("address", EMBEDDED_LOOPBACK)
def test_I9_embedded_ipv4_forms_are_blocked(http, fake_dns, no_egress, address: str) -> None:
    from newstrace.corpus.errors import BlockedError
    from newstrace.corpus.fetch import Fetcher, FetchOptions

    urls = [f"http://[{address}]:{http.port}/admin"]
    fake_dns.add("wrapped.test", [address])
    urls.append(f"http://wrapped.test:{http.port}/admin")
    with Fetcher(FetchOptions(timeout=3.0, retries=0, rate=0.0, respect_robots=False)) as fetcher:
        for url in urls:
            with pytest.raises(BlockedError) as info:
                fetcher.fetch(url)
            assert info.value.reason == "non_public_address", url
    assert http.log == [] and no_egress.attempts == []


def test_I9_public_addresses_still_pass() -> None:
    """The policy must not refuse what is public: a check that blocks everything would pass the test above."""
    import ipaddress

    from newstrace.corpus.fetch import embedded_ipv4, public_address_policy

    for public in ("8.8.8.8", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e", "64:ff9b::808:808",
                   "2002:808:808::1", "::ffff:8.8.8.8"):
        assert public_address_policy(ipaddress.ip_address(public), 443), public
    for address in EMBEDDED_LOOPBACK:
        assert not public_address_policy(ipaddress.ip_address(address), 443), address
    assert embedded_ipv4(ipaddress.ip_address("2002:7f00:1::1")) == [ipaddress.ip_address("127.0.0.1")]


def test_I9_ingest_records_blocked_row(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = invoke(db, "ingest", "http://[::127.0.0.1]:9/", "http://[64:ff9b::7f00:1]:9/")
    assert result.exit_code == 1
    assert result.stderr.count("blocked(non_public_address)") == 2
    assert json.loads(invoke(db, "status", "--json").stdout)["counts"] == {"blocked": 2}


# -- I20: secrets --------------------------------------------------------------------------------

FAST = ["--allow-private", "--ignore-robots", "--rate", "0", "--timeout", "5", "--extract-timeout", "10"]


def page_html(title: str, sentences: list[str]) -> str:
    body = "".join(f"<p>{s}</p>" for s in sentences)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Grid Weekly</footer></body></html>")


ENERGY_PAGE = page_html("Grid operators brace for a hot summer", [
    ENERGY, "Battery storage on the network doubled over two years, the regulator's report said.",
    "Engineers at the northern substations described longer maintenance windows and new forecasting tools.",
    "Consumer groups asked for clearer tariffs as smart meters reach more households in rural districts.",
    "The regulator will publish a second outlook in the autumn, after the first heat wave of the season."])


def test_I20_db_password_never_echoed(tmp_path: Path) -> None:
    for url in ("mysql://analyst:hunter2-secret@127.0.0.1/corpus", "postgresql://analyst:hunter2-secret@127.0.0.1:1/x"):
        result = run(url, "status")
        assert result.returncode == 3, result.stderr
        assert "hunter2-secret" not in result.stderr, result.stderr
        assert "analyst:***@" in result.stderr or "mysql" not in url
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


def test_I20_userinfo_stripped_before_storing(tmp_path: Path, http) -> None:
    db = tmp_path / "c.db"
    http.expect_request("/grid").respond_with_data(ENERGY_PAGE, content_type="text/html")
    plain_url = http.url_for("/grid")
    secret_url = plain_url.replace("http://", "http://reader:s3cret-pass@")
    result = run(db, "ingest", *FAST, secret_url)
    assert result.returncode == 0, result.stderr
    assert "s3cret-pass" not in result.stdout + result.stderr
    with Store.open(db) as store:
        [article] = list(store.iter_articles())
        assert article.url == plain_url and "Battery storage" in article.text
        assert store.find_alias(plain_url).id == article.id
    exported = run(db, "export")
    assert plain_url in exported.stdout and "s3cret" not in exported.stdout and "reader@" not in exported.stdout
    # Kept nowhere: not in any table, index or log of the database file.
    for path in tmp_path.glob("c.db*"):
        assert b"s3cret-pass" not in path.read_bytes(), path
    status = run(db, "status", "--json")
    assert "s3cret" not in status.stdout


@pytest.mark.postgres
def test_I22_missing_postgres_database_names_createdb(pg_base_url: str) -> None:
    base = pg_base_url.rsplit("/", 1)[0]
    result = run(f"{base}/newstrace_no_such_db_i22", "status")
    assert result.returncode == 3
    assert "database newstrace_no_such_db_i22 does not exist: createdb newstrace_no_such_db_i22" in result.stderr


# -- I6 I13 I14: WARC record by record, bounded ----------------------------------------------------

SURVEY_PAGES = {
    "https://labour.test/strike-vote": page_html("Warehouse staff accept wage offer", [
        LABOUR, "Shift managers said the three sites would reopen on Monday with extra staff on loan.",
        "The agreement raises the base hourly rate and adds a night premium, according to the union.",
        "Employers said the deal would cost about four million over two years across the region.",
        "A national survey of logistics workers is due next month from the statistics office."]),
    "https://energy.test/summer-outlook": ENERGY_PAGE,
    "https://health.test/clinic-staff": page_html("Clinics short of staff", [
        HEALTH, "Rural districts were hit hardest, with some practices closing two days a week.",
        "The authority plans a recruitment drive aimed at nurses returning from career breaks.",
        "Patients' groups asked for evening appointments to cut waiting times at the larger clinics.",
        "A follow-up survey will be published after the spring, the authority's director said."]),
}


from newstrace.corpus.warc import MAX_RECORD_BYTES, iter_warc  # noqa: E402


def warc_record(uri: str, body: bytes, *, kind: str = "response", http: bool = True,
                length: str | None = None) -> bytes:
    block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
             + str(len(body)).encode() + b"\r\n\r\n" + body) if http else body
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {length if length is not None else len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def good_records(uris: list[str]) -> list[bytes]:
    return [warc_record(uri, SURVEY_PAGES[uri].encode()) for uri in uris]


def stored_urls(db: Path) -> dict[str, str]:
    with Store.open(db) as store:
        return {a.url: a.status.value for a in store.iter_articles(statuses=None)}


def invalid_rows(db: Path) -> list[str]:
    return [row["reason"] for row in json.loads(invoke(db, "status", "--json").stdout)["invalid_inputs"]]


def test_I6_every_warc_record_ends_as_a_row(tmp_path: Path) -> None:
    uris = list(SURVEY_PAGES)
    records = [good_records(uris[:1])[0],
               warc_record("dns:labour.test", b"20240501100000\nlabour.test. 300 IN A 192.0.2.7\n", http=False),
               warc_record("https://big.test/huge", b"x" * (MAX_RECORD_BYTES + 10)),  # over the record cap
               good_records(uris[1:2])[0],
               warc_record("urn:x-archive:note", b"<p>not http</p>"),
               good_records(uris[2:3])[0]]
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(records))
    items = list(iter_warc(path))
    reasons = {item.target_uri: item.reason for item in items}
    assert [item.number for item in items] == [1, 2, 3, 4, 5, 6]
    assert reasons["dns:labour.test"].startswith("not_http")
    assert reasons["https://big.test/huge"].startswith("too_large")
    assert reasons["urn:x-archive:note"] is None  # an HTTP response, refused later as a URL
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(path))
    assert result.returncode == 1, result.stderr
    assert "3 ok" in result.stderr
    assert {url: status for url, status in stored_urls(db).items()} == {uri: "ok" for uri in uris}
    reasons_stored = invalid_rows(db)
    assert any(r.startswith("not_http") for r in reasons_stored)
    assert any(r.startswith("invalid_url") for r in reasons_stored)


def test_I6_truncated_record_keeps_the_ones_before(tmp_path: Path) -> None:
    uris = list(SURVEY_PAGES)
    records = good_records(uris[:2])
    last = warc_record(uris[2], SURVEY_PAGES[uris[2]].encode(), length="999999")  # claims more than the file
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in records + [last]))
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(path))
    assert result.returncode == 1
    assert stored_urls(db) == {uris[0]: "ok", uris[1]: "ok"}
    assert any("record 3: truncated" in r for r in invalid_rows(db))


@pytest.mark.parametrize("damage", ["not_gzip", "length_abc", "length_negative", "garbage"])
def test_I13_corrupt_warc_is_a_row_and_batch_goes_on(tmp_path: Path, damage: str) -> None:
    uris = list(SURVEY_PAGES)
    first = good_records(uris[:1])[0]
    bad = {
        "not_gzip": b"\x1f\x8b\x08\x00" + os.urandom(200),
        "length_abc": warc_record("https://labour.test/x", b"<p>x</p>", length="abc"),
        "length_negative": warc_record("https://labour.test/y", b"<p>y</p>", length="-5"),
        "garbage": os.urandom(300).replace(b"\n", b" "),
    }[damage]
    broken = tmp_path / ("broken.warc.gz" if damage == "not_gzip" else "broken.warc")
    broken.write_bytes(bad if damage in ("not_gzip", "garbage") else first + bad)
    after = tmp_path / "later.warc"
    after.write_bytes(b"".join(good_records(uris[1:])))
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(broken), str(after))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "ArchiveLoadFailed" not in result.stderr
    expected = {uris[1]: "ok", uris[2]: "ok"} | ({uris[0]: "ok"} if damage.startswith("length") else {})
    assert stored_urls(db) == expected
    assert any(r.startswith("bad_warc:") for r in invalid_rows(db))


def test_I14_warc_bomb_and_endless_header_line_are_bounded(tmp_path: Path) -> None:
    uris = list(SURVEY_PAGES)
    bomb = tmp_path / "bomb.warc.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with bomb.open("wb") as handle:
        handle.write(compressor.compress(good_records(uris[:1])[0] + b"WARC/1.0\r\nWARC-Type: response\r\nX: "))
        zeros = b"0" * (1 << 20)
        for _ in range(256):  # 256 MB of header line with no end, about 250 KB on disk
            handle.write(compressor.compress(zeros))
        handle.write(compressor.flush())
    assert bomb.stat().st_size < 2 * 2**20
    header = tmp_path / "header.warc"
    with header.open("wb") as handle:
        handle.write(warc_record(uris[1], SURVEY_PAGES[uris[1]].encode()).replace(
            b"\r\n\r\n<!doctype", b"\r\nX-Junk: " + b"a" * (8 << 20) + b"\r\n\r\n<!doctype", 1))
    db = tmp_path / "c.db"
    # A wrapper runs the ingest and reports the peak of it and its workers alone: this test process's own
    # RUSAGE_CHILDREN already holds the peaks of earlier tests' children (1.5 GB when models were loaded).
    code = ("import resource, subprocess, sys; done = subprocess.run([sys.executable, '-m', 'cli', *sys.argv[1:]]); "
            "sys.stderr.write(f'PEAK_KB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}'); "
            "sys.exit(done.returncode)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code, "--db", str(db), "ingest", str(bomb), str(header)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    stderr, _, peak = proc.stderr.rpartition("PEAK_KB ")
    peak_kb = int(peak)
    assert proc.returncode == 1, proc.stderr
    assert len(stderr) < 4000 and "Traceback" not in stderr
    assert peak_kb < 600 * 1024  # well under the gigabytes it took (ru_maxrss is in KiB)
    assert stored_urls(db) == {uris[0]: "ok"}
    reasons = invalid_rows(db)
    assert any("header line is longer than" in r for r in reasons), reasons
    assert any("bad_http_headers" in r for r in reasons), reasons


# -- I12 I16 I22: input lists and local paths ------------------------------------------------------


def story_file(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{body.split('.')[0][:40]}\n\n{body}\n\n{body}\n", encoding="utf-8")
    return path


def test_I12_long_non_url_line_is_a_row(tmp_path: Path) -> None:
    first = story_file(tmp_path, "first.txt", HEALTH)
    last = story_file(tmp_path, "last.txt", ENERGY)
    listing = tmp_path / "list.txt"
    html_line = "<html><body>" + "<p>" + LABOUR * 3 + "</p>" * 2 + "</body></html>"
    assert len(html_line) > 255
    listing.write_text("\n".join([str(first), html_line, str(last)]) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    result = run(db, "ingest", "-i", str(listing))
    assert result.returncode == 1, result.stderr
    assert "(line 2)" in result.stderr and "invalid_input" in result.stderr
    texts = [text for status, text in stored(db).values() if status == "ok"]
    assert len(texts) == 2 and any(HEALTH in t for t in texts) and any(ENERGY in t for t in texts)
    assert any(r.startswith("invalid_input") for r in invalid_rows(db))


def test_I16_endless_input_line_is_capped(tmp_path: Path) -> None:
    from newstrace.corpus.ingest import MAX_INPUT_LINE, expand_sources

    before = story_file(tmp_path, "before.txt", LABOUR)
    after = story_file(tmp_path, "after.txt", ENERGY)
    stream = io.StringIO(f"{before}\n" + "z" * (MAX_INPUT_LINE * 50) + f"\n{after}\n")
    sources = list(expand_sources([], [stream]))
    assert [s.kind for s in sources] == ["file", "invalid", "file"]
    assert sources[1].line == 2 and "line longer than" in sources[1].error
    # A stream that never breaks its line ends the list with one row instead of reading forever.

    class Endless(io.TextIOBase):
        read_chars = 0

        def readline(self, size: int = -1) -> str:
            Endless.read_chars += size
            return "0" * size

    rows = list(expand_sources([str(before)], [Endless()]))
    assert [s.kind for s in rows] == ["file", "invalid"] and "stopped reading" in rows[1].error
    assert Endless.read_chars < 40 * 2**20
    db = tmp_path / "c.db"
    result = run(db, "ingest", "-i", "/dev/zero", str(after))
    assert result.returncode == 1 and "not_a_regular_file" in result.stderr
    assert [status for status, _ in stored(db).values()] == ["ok"]


def test_I22_special_files_and_big_files_are_rows(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    story_file(folder, "a-good.txt", LABOUR)
    os.mkfifo(folder / "b-pipe.txt")
    (folder / "c-dangling.html").symlink_to(folder / "nowhere.html")
    big = folder / "d-big.txt"
    big.write_text("Big file\n\n" + (HEALTH + "\n") * 20000, encoding="utf-8")  # about 3 MB
    story_file(folder, "e-good.txt", ENERGY)
    db = tmp_path / "c.db"
    result = run(db, "ingest", "--max-bytes", str(2**20), str(folder), "/dev/zero", str(folder / "b-pipe.txt"),
                 timeout=60)
    assert result.returncode == 1, result.stderr
    err = result.stderr
    assert err.count("not_a_regular_file") >= 2 and "dangling_symlink" in err and "too_large" in err
    assert "invalid_url: no scheme" not in err
    texts = [text for status, text in stored(db).values() if status == "ok"]
    assert len(stored(db)) == 2 and any(LABOUR in t for t in texts) and any(ENERGY in t for t in texts)
    reasons = invalid_rows(db)
    assert any(r.startswith("too_large") for r in reasons) and any(r.startswith("dangling_symlink") for r in reasons)
    with Store.open(db) as store:
        assert all(len(store.raw_body(a) or b"") < 2**20 for a in stored(db))


# -- I3 I18 I15: pages and knowledge-base files ----------------------------------------------------


@pytest.mark.parametrize("reference", ["&#8;", "&#27;", "&#7;", "&#1;", "&#x1B;", "&#x000b;"])
def test_I3_control_character_reference_keeps_article(reference: str) -> None:
    from newstrace.corpus.clean import extract_html

    paragraphs = "".join(
        f"<p>Paragraph {n}: the transport ministry said rail ridership rose 14% in the first quarter as "
        f"commuters returned to offices across the region.</p>" for n in range(5))
    html = (f"<html><head><title>Rail ridership rises</title></head><body><article>"
            f"<h1>Rail ridership{reference} rises</h1><p>Commuter{reference} numbers are back, operators say.</p>"
            f"{paragraphs}</article></body></html>")
    page = extract_html(html, "https://rail.test/ridership")
    assert "Commuter numbers are back, operators say." in page.text
    assert all(f"Paragraph {n}:" in page.text for n in range(5))  # nothing else lost
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in page.text + (page.title or ""))


def test_I18_binary_txt_is_no_article(tmp_path: Path) -> None:
    import random

    noise = tmp_path / "notes.txt"
    noise.write_bytes(random.Random(18).randbytes(20000).replace(b"\x00", b"\x01"))  # even without a NUL
    story = story_file(tmp_path, "story.txt", HEALTH)
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(noise), str(story))
    assert result.returncode == 0, result.stderr
    rows = stored(db)
    assert sorted(status for status, _ in rows.values()) == ["no_article", "ok"]
    with Store.open(db) as store:
        reasons = {a.source_path: (a.status.value, a.reason) for a in store.iter_articles(statuses=None)}
    assert reasons[str(noise)] == ("no_article", "binary")
    assert any(HEALTH in text for _, text in rows.values())


def test_I15_kb_yaml_bomb_and_deep_nesting_refused(tmp_path: Path) -> None:
    from newstrace.extract.kb import KBError, load_kb

    levels = ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(levels) + "\nentries: [*i]\n", encoding="utf-8")
    assert bomb.stat().st_size < 700
    with pytest.raises(KBError) as info:
        load_kb([bomb])
    assert str(bomb) in str(info.value) and "line 2:" in str(info.value) and "aliases" in str(info.value)
    deep = tmp_path / "deep.yaml"
    deep.write_text("entries:\n  - " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(KBError) as info:
        load_kb([deep])
    assert str(deep) in str(info.value) and "line 2:" in str(info.value) and "nested deeper" in str(info.value)
    # The same CLI path: one line naming the file, exit 2, not a RecursionError. The database must exist,
    # or `report` refuses it first (read-only commands never create one).
    from newstrace.corpus.store import Store

    Store.open(tmp_path / "c.db").close()
    result = run(tmp_path / "c.db", "report", "--kb", str(deep))
    assert result.returncode == 2 and str(deep) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # An ordinary file with an anchor-free entry still loads.
    fine = tmp_path / "fine.yaml"
    fine.write_text("entries:\n  - id: harbour-board\n    name: Harbour Board\n    kind: organization\n",
                    encoding="utf-8")
    assert load_kb([fine], builtin=False).entries


# -- fuzz: import either refuses the file with `line N:` and changes nothing, or stores every line ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
_FIELD_VALUES = st.one_of(st.none(), _TEXT, st.integers(-3, 3), st.booleans(), st.lists(st.integers(0, 3), max_size=2))


@st.composite
def jsonl_lines(draw) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["article", "article", "article", "mutated", "garbage"]))
        if kind == "garbage":
            lines.append(draw(st.text(max_size=30).filter(lambda t: "\n" not in t and "\r" not in t)))
            continue
        data = {"id": draw(st.sampled_from(["p1", "p2", "p3", "p\x1b4"])),
                "text": draw(st.sampled_from([HEALTH, ENERGY, LABOUR, ""])) + draw(_TEXT),
                "status": "ok"}
        for name in draw(st.sets(st.sampled_from(["title", "outlet", "published", "language", "url"]), max_size=3)):
            data[name] = draw(_TEXT)
        if kind == "mutated":
            name = draw(st.sampled_from(["id", "text", "title", "links", "spans", "content_hash", "is_primary",
                                         "annotations", "status"]))
            data[name] = draw(_FIELD_VALUES)
        lines.append(json.dumps(data))  # ensure_ascii: lone surrogates travel as \\udxxx escapes
    return lines


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=jsonl_lines())
def test_import_fuzz_refuses_whole_file_or_stores_every_line(tmp_path_factory, lines: list[str]) -> None:
    from newstrace.provenance.jsonl_import import InvalidJSONL, import_jsonl

    folder = tmp_path_factory.mktemp("fuzz")
    path = write_lines(folder / "in.jsonl", lines)
    with Store.open(folder / "c.db") as store:
        store.save_article(_seed_article())
        before = _snapshot(store)
        try:
            import_jsonl(path, store)
        except InvalidJSONL as exc:
            FUZZ_OUTCOMES["refused"] += 1
            assert exc.problems and all(p.startswith("line ") and ":" in p for p in exc.problems), exc.problems
            assert _snapshot(store) == before  # refused: the store is exactly as it was
            return
        after = _snapshot(store)
    FUZZ_OUTCOMES["stored"] += 1
    given_lines = [json.loads(text) for text in lines]
    seen_texts = {text_hash(LABOUR)}
    for data in given_lines:
        article_id = "".join(ch for ch in data["id"] if not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F))
        status, text = after[article_id]
        if status == "duplicate":
            # Same text as an article stored before it: the first copy holds it, nothing is lost.
            assert text_hash(data["text"]) in seen_texts
        else:
            assert (status, text) == ("ok", data["text"])
        seen_texts.add(text_hash(data["text"]))
    assert set(after) == set(before) | {"".join(ch for ch in d["id"] if ch != "\x1b") for d in given_lines}


FUZZ_OUTCOMES = {"refused": 0, "stored": 0}


def test_import_fuzz_saw_both_outcomes() -> None:
    """The fuzz run above must exercise both branches, or its property says little."""
    if FUZZ_OUTCOMES == {"refused": 0, "stored": 0}:
        pytest.skip("run together with the fuzz test")
    assert FUZZ_OUTCOMES["refused"] > 0 and FUZZ_OUTCOMES["stored"] > 0, FUZZ_OUTCOMES


def _snapshot(store: Store) -> dict[str, tuple[str, str]]:
    return {a.id: (a.status.value, a.text) for a in store.iter_articles(statuses=None)}


def _seed_article():
    from newstrace.corpus.records import Article, Status

    return Article(id="s0", url=None, final_url=None, canonical_url=None, source_path=None, status=Status.OK,
                   text=LABOUR, content_hash=text_hash(LABOUR))


# -- "Smaller": GraphML characters, the interrupted message -----------------------------------------


def test_I_smaller_graphml_with_noncharacters_parses(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    db = tmp_path / "c.db"
    title = "Grid \ufffe outlook \uffff for summer \x0b"
    assert invoke(db, "import", str(write_lines(tmp_path / "in.jsonl", [
        line("x1", ENERGY, title=title, url="https://energy.test/outlook"),
        line("x2", LABOUR, title="Wage deal", url="https://labour.test/deal")]))).exit_code == 0
    out = tmp_path / "graph.graphml"
    result = invoke(db, "export", "--format", "graphml", "-o", str(out))
    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_bytes())  # raised "not well-formed" before
    labels = [d.text or "" for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert not any(ch in label for label in labels for ch in "\ufffe\uffff\x0b")


def test_I_smaller_interrupted_message_counts_inputs(tmp_path: Path, http) -> None:
    import time

    def slow(request):
        time.sleep(0.6)
        from werkzeug import Response

        return Response(ENERGY_PAGE, content_type="text/html")

    urls = []
    for n in range(6):
        http.expect_request(f"/slow/{n}").respond_with_handler(slow)
        urls.append(http.url_for(f"/slow/{n}"))
    listing = write_lines(tmp_path / "urls.txt", urls)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "newstrace", "--db", str(tmp_path / "c.db"), "ingest", "-i",
                             str(listing), *FAST], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=env, cwd=REPO)
    deadline = time.monotonic() + 60
    while len(http.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    import re

    found = re.search(r"interrupted after (\d+) of 6 inputs \((\d+) pending\)", err)
    assert found, err
    done, pending = int(found[1]), int(found[2])
    assert done + pending == 6 and 1 <= done < 6
    assert len(stored(tmp_path / "c.db")) >= done  # what was reported done is committed
