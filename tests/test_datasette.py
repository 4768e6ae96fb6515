"""`newstrace export --format sqlite`: the report as relational tables, browsed through Datasette.

The demo corpus's report is written as a database and opened with Datasette's own Python API, the
way `datasette newstrace.db -m newstrace.metadata.yml` serves it; the faceted mentions page must
count what report.json says.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy.exc
import yaml
from click.testing import CliRunner

from tests.shared_stores import DEMO_KB

datasette_app = pytest.importorskip("datasette.app", reason="datasette is in the 'datasette' and 'test' extras")

REPORT_TABLES = ("articles", "sources", "figure_families", "estimates", "mentions", "chain_steps", "mention_flags",
                 "clusters", "conflicts", "conflict_values", "quotes")


@pytest.fixture(scope="module")
def exported(demo_extracted: Path, tmp_path_factory: pytest.TempPathFactory):
    import newstrace.cli as cli_module

    out = tmp_path_factory.mktemp("datasette") / "coverage.db"
    runner = CliRunner()
    args = ["--db", str(demo_extracted)]
    result = runner.invoke(cli_module.cli, [*args, "export", "--format", "sqlite", "--kb", str(DEMO_KB[0]),
                                            "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = runner.invoke(cli_module.cli, [*args, "report", "--format", "json", "--kb", str(DEMO_KB[0])],
                           catch_exceptions=False)
    assert report.exit_code == 0, report.output
    return out, json.loads(report.stdout)


def _get(db: Path, path: str) -> dict:
    metadata = yaml.safe_load(db.with_name(db.stem + ".metadata.yml").read_text(encoding="utf-8"))

    async def fetch():
        ds = datasette_app.Datasette([str(db)], metadata=metadata)
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


@pytest.mark.slow
def test_datasette_facets_mentions_by_flag_outlet_and_source(exported) -> None:
    db, report = exported
    mentions = [m for f in report["figures"] for m in f["mentions"]]
    page = _get(db, "/coverage/mentions.json?_facet_size=max")
    facets = page["facet_results"]
    # The facets come from the metadata file alone: the URL asks for none.
    assert {"flags", "outlet", "source"} <= set(facets)
    got = {name: {r["value"]: r["count"] for r in facets[name]["results"]} for name in ("flags", "outlet", "source")}
    assert got["flags"] == Counter(flag for m in mentions for flag in m["flags"])
    assert got["flags"]  # the demo has flagged mentions, so the facet is not vacuous
    assert got["outlet"] == Counter(m["outlet"] for m in mentions if m["outlet"] is not None)
    assert got["source"] == Counter(m["attribution"]["name"] for m in mentions if m["attribution"])
    assert page["filtered_table_rows_count"] == len(mentions)

    flag, count = Counter(flag for m in mentions for flag in m["flags"]).most_common(1)[0]
    filtered = _get(db, f"/coverage/mentions.json?flags__arraycontains={flag}&_shape=objects&_size=max")
    assert len(filtered["rows"]) == count
    assert all(flag in json.loads(row["flags"]) for row in filtered["rows"])


@pytest.mark.slow
def test_tables_have_foreign_keys_indexes_and_descriptions(exported) -> None:
    db, report = exported
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(REPORT_TABLES) <= tables
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        targets = {r[2] for r in conn.execute("PRAGMA foreign_key_list(mentions)")}
        assert {"figure_families", "articles", "sources"} <= targets
        indexed = {r[1] for r in conn.execute("PRAGMA index_list(mentions)")}
        assert any("outlet" in name for name in indexed) and any("family_id" in name for name in indexed)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in REPORT_TABLES}
        steps = sum(len(m["chain"]) for f in report["figures"] for m in f["mentions"])
        # A mention's article joins to its outlet through the foreign key.
        joined = conn.execute("SELECT count(*) FROM mentions JOIN articles ON articles.id = mentions.article_id "
                              "WHERE articles.outlet IS mentions.outlet").fetchone()[0]
    assert counts["articles"] == len(report["articles"]) and counts["figure_families"] == len(report["figures"])
    assert counts["mentions"] == sum(len(f["mentions"]) for f in report["figures"]) == joined
    assert counts["chain_steps"] == steps > 0
    assert counts["quotes"] == len(report["quotes"]) and counts["conflicts"] == len(report["conflicts"])
    assert counts["clusters"] == len(report["clusters"]) and counts["sources"] > 0
    page = _get(db, "/coverage.json")
    described = {t["name"]: t for t in page["tables"]}
    assert set(REPORT_TABLES) <= set(described)
    meta = yaml.safe_load(db.with_name("coverage.metadata.yml").read_text(encoding="utf-8"))
    tables_meta = meta["databases"]["coverage"]["tables"]
    assert all(tables_meta[t].get("description") for t in REPORT_TABLES)


def test_a_failed_write_keeps_the_previous_database(tmp_path: Path) -> None:
    from newstrace.corpus.store import write_report_database

    target = tmp_path / "r.db"
    row = {"id": "a1", "outlet": "Daily Ledger", "status": "ok", "is_primary": False, "auto_generated": False,
           "date_estimated": False, "human_annotated": False}
    write_report_database(target, {"articles": [row]})
    # A mention of an article the report does not list breaks a foreign key: nothing is replaced.
    bad = {"id": 1, "family_id": "f-missing", "article_id": "nowhere", "text": "3%", "value": 3.0, "unit": "percent",
           "start": 0, "end": 2, "human": False}
    with pytest.raises(sqlalchemy.exc.IntegrityError):  # a foreign key refused
        write_report_database(target, {"articles": [row], "mentions": [bad]})
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT outlet FROM articles").fetchall() == [("Daily Ledger",)]
    assert [p.name for p in tmp_path.iterdir()] == ["r.db"]  # no temporary file left behind


def test_export_sqlite_needs_a_file(tmp_path: Path) -> None:
    import newstrace.cli as cli_module

    result = CliRunner().invoke(cli_module.cli, ["--db", str(tmp_path / "c.db"), "export", "--format", "sqlite"])
    assert result.exit_code != 0 and "-o FILE.db" in result.output
