"""Shared pytest fixtures. Network fixtures live in tests/net_fixtures.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.shared_stores import DEMO, DEMO_KB, cli, copy_store, extract_store, extracted_store, ingested_store

if TYPE_CHECKING:
    from newstrace.extract.pipeline import ExtractSummary

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

pytest_plugins = ["tests.net_fixtures"]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found next to the repo ({SHARED}); clone beside it to run this test")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="session")
def seeds_gold(shared_dir: Path) -> dict:
    import json

    return json.loads((shared_dir / "gold" / "seeds.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kb():
    """The shipped KB plus the demo's own cast (data/demo/kb.yaml): the example
    articles' people, models and one-off outlets are not shipped."""
    from newstrace.extract.kb import load_kb

    return load_kb([Path(__file__).resolve().parents[1] / "data" / "demo" / "kb.yaml"])


@pytest.fixture(scope="session")
def nlp(kb):
    """The production spaCy pipeline (with the KB components), loaded once per test run."""
    from newstrace.extract.entities import kb_pipeline

    return kb_pipeline(kb)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # What newstrace caches (the unpacked language model) goes to a folder of this test
    # run, not the user's; the CLI runs in subprocesses inherit it through the environment.
    os.environ["NEWSTRACE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _offline_models(monkeypatch: pytest.MonkeyPatch) -> None:
    # A test must never reach a model hub, even by accident.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    os.environ.pop("http_proxy", None)


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    url = os.environ.get("NEWSTRACE_TEST_PG")
    if not url:
        pytest.skip("PostgreSQL tests skipped: NEWSTRACE_TEST_PG is not set (make test sets it when a server answers on 127.0.0.1:5432)")
    return url


@pytest.fixture(scope="session")
def pg_schema_url(pg_base_url: str):
    """A fresh schema for this test run, dropped afterwards, so no tables are left behind."""
    import uuid

    import sqlalchemy as sa

    from newstrace.corpus.store import resolve_db_url

    schema = "nt_" + uuid.uuid4().hex[:10]
    engine = sa.create_engine(resolve_db_url(pg_base_url))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in pg_base_url else "?"
    yield f"{pg_base_url}{sep}options=-csearch_path%3D{schema}", schema, engine
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


@pytest.fixture
def pg_url(pg_schema_url):
    """A PostgreSQL URL whose tables are emptied after each test."""
    url, schema, engine = pg_schema_url
    yield url
    with engine.begin() as conn:
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = %(s)s", {"s": schema})]
        for table in tables:
            conn.exec_driver_sql(f'DROP TABLE "{schema}"."{table}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test against both backends (PostgreSQL skips, saying why, when absent)."""
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("pg_url")


# Ingesting and extracting a corpus costs seconds of model time; the test files that only read
# an extracted corpus share one per test run. A test that writes takes `copy_store` of it.
@pytest.fixture(scope="session")
def demo_ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus with its primary documents, ingested (not extracted): copy it before writing."""
    return ingested_store(tmp_path_factory.mktemp("demo-ingested") / "c.db", [str(DEMO)], [str(DEMO / "primary")])


@pytest.fixture(scope="session")
def demo_extraction(demo_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExtractSummary]:
    """`demo_ingested` extracted with the demo KB, and what that extraction reported."""
    db = copy_store(demo_ingested, tmp_path_factory.mktemp("demo-shared"))
    return db, extract_store(db, DEMO_KB)


@pytest.fixture(scope="session")
def demo_extracted(demo_extraction: tuple[Path, ExtractSummary]) -> Path:
    """The demo corpus (with its primary documents) ingested and extracted with the demo KB."""
    return demo_extraction[0]


@pytest.fixture(scope="session")
def seeds_extracted(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The example articles ingested and extracted with the demo KB (their cast is there, not shipped)."""
    return extracted_store(tmp_path_factory.mktemp("seeds-shared") / "c.db", [str(seeds_dir)], [], DEMO_KB)


@pytest.fixture(scope="session")
def seeds_cli_run(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, Path]:
    """`newstrace run SEEDS --out FOLDER/report` in a subprocess, once per test run: (store, FOLDER).
    tests/test_cli.py reads and re-runs it; tests/test_dask.py compares a Dask run with its report."""
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "c.db"
    result = cli(db, "run", str(seeds_dir), "--out", str(folder / "report"))
    assert result.returncode == 0, result.stderr
    assert str(folder / "report" / "report.html") in result.stdout
    return db, folder
