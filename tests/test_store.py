"""The store: migrations, idempotent writes, crash safety and concurrency, on both backends."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newstrace.corpus.errors import StoreError
from newstrace.corpus.records import Article, Link, RawResponse, Status
from newstrace.corpus.store import SCHEMA_VERSION, Store, resolve_db_url


def make_article(article_id: str = "u1", text: str = "Body text " * 40, **kw) -> Article:
    base = dict(id=article_id, url=f"https://news.test/{article_id}", final_url=f"https://news.test/{article_id}",
                canonical_url=f"https://news.test/{article_id}", source_path=None, status=Status.OK,
                title="A title", text=text, content_hash=kw.pop("content_hash", article_id + "-hash"),
                links=(Link("https://src.test/", "Body", 0, 4),))
    base.update(kw)
    return Article(**base)


def test_resolve_db_url_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSTRACE_DB", raising=False)
    assert resolve_db_url("x.db") == "sqlite:///x.db"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_db_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("NEWSTRACE_DB", "/tmp/env.db")
    assert resolve_db_url(None) == "sqlite:////tmp/env.db"


def test_migrates_to_current_version_and_is_idempotent(any_db: str) -> None:
    with Store.open(any_db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.migrate() == SCHEMA_VERSION  # second run: nothing to do
        assert store.table_counts()["articles"] == 0


def test_save_roundtrip_and_rerun_is_noop(any_db: str) -> None:
    raw = RawResponse("https://news.test/u1", "https://news.test/u1", 200, (("Content-Type", "text/html"),),
                      b"<html>x</html>", peer_address="127.0.0.1")
    with Store.open(any_db) as store:
        store.save_article(make_article(), raw=raw, alias="https://news.test/u1?utm_source=x")
        first = store.table_counts()
        store.save_article(make_article(), raw=raw, alias="https://news.test/u1?utm_source=x")
        again = store.table_counts()
        assert {k: v for k, v in first.items() if k != "ingest_log"} == \
               {k: v for k, v in again.items() if k != "ingest_log"}
        got = store.get_article("u1")
        assert got is not None and got.text == make_article().text and got.links == make_article().links
        assert store.find_alias("https://news.test/u1?utm_source=x").id == "u1"
        assert store.raw_body("u1") == b"<html>x</html>"


def test_exact_duplicate_is_linked_not_stored_twice(any_db: str) -> None:
    with Store.open(any_db) as store:
        store.save_article(make_article("u1", content_hash="same"))
        saved = store.save_article(make_article("u2", content_hash="same"))
        assert saved.status == "duplicate"
        dup = store.get_article("u2")
        assert dup.status is Status.DUPLICATE and dup.duplicate_of == "u1" and dup.text == ""
        assert [a.id for a in store.iter_articles()] == ["u1"]


def test_article_state_is_the_row_status_without_text(any_db: str) -> None:
    from newstrace.corpus.store import ArticleState

    with Store.open(any_db) as store:
        assert store.article_state("u1") is None
        store.save_article(make_article("u1", is_primary=True))
        store.save_article(make_article("u2", status=Status.FAILED_PERMANENT, reason="http_404", text=""))
        assert store.article_state("u1") == ArticleState(Status.OK, None, True)
        assert store.article_state("u2") == ArticleState(Status.FAILED_PERMANENT, "http_404", False)
        assert store.article_state("u") is None  # an id, never a prefix


def test_failure_row_is_replaced_by_later_success(any_db: str) -> None:
    with Store.open(any_db) as store:
        store.save_article(make_article(status=Status.FAILED_TRANSIENT, reason="read_timeout", text="", attempts=3))
        assert store.failures()[0]["reason"] == "read_timeout"
        store.save_article(make_article(attempts=4))
        assert store.failures() == []
        assert store.get_article("u1").attempts == 4


def test_nul_and_hostile_strings_roundtrip(any_db: str) -> None:
    hostile = "Robert'); DROP TABLE articles;-- <script>alert(1)</script> \u202e ok"
    with Store.open(any_db) as store:
        store.save_article(make_article(title=hostile, text=hostile * 10))
        assert store.get_article("u1").title == hostile


def test_iter_articles_streams_in_pages(any_db: str) -> None:
    with Store.open(any_db) as store:
        for i in range(25):
            store.save_article(make_article(f"u{i:03d}"))
        ids = [a.id for a in store.iter_articles(batch_size=7)]
        assert ids == sorted(f"u{i:03d}" for i in range(25))


def test_annotations_and_embeddings_roundtrip(any_db: str) -> None:
    with Store.open(any_db) as store:
        store.save_article(make_article())
        store.save_annotations([("u1", "v1", "h1", "annotated", {"statistics": [{"value": 17.0}]})],
                               [("u1", "article", "m", "h1", b"\x00\x01")])
        assert store.annotation_hashes() == {"u1": ("v1", "h1", "annotated")}
        assert list(store.iter_annotations())[0][2]["statistics"][0]["value"] == 17.0
        assert list(store.iter_embeddings("article")) == [("u1", "h1", b"\x00\x01")]


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Store.open(db).close()
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "c.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="not writable"):
            Store.open(folder / "c.db")
    finally:
        folder.chmod(0o755)


def test_corrupt_database_refuses_to_open(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        for i in range(200):
            store.save_article(make_article(f"u{i:03d}"))
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\xff" * 4096
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="corrupt|unreadable"):
        Store.open(db)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Store.open(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE newstrace_meta SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db)


WRITER = textwrap.dedent("""
    import sys
    from newstrace.corpus.records import Article, Status
    from newstrace.corpus.store import Store
    db, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(db)
    for i in range(n):
        aid = f"{prefix}{i:04d}" if prefix != "shared" else f"s{i:04d}"
        store.save_article(Article(id=aid, url=None, final_url=None, canonical_url=None, source_path=None,
                                   status=Status.OK, text="t" * 300, content_hash=aid))
""")


@pytest.mark.timeout(120)
def test_two_concurrent_writers_both_finish(any_db: str) -> None:
    Store.open(any_db).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, any_db, prefix, "150"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for prefix in ("a", "shared", "shared")]
    outs = [p.communicate(timeout=110) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-500:] for o in outs]
    with Store.open(any_db) as store:
        assert store.counts() == {"ok": 300}  # 150 own + 150 shared ids written twice, stored once


@pytest.mark.timeout(120)
def test_kill_9_mid_batch_loses_no_committed_row(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Store.open(db).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "k", "100000"])
    import time

    deadline = time.time() + 60
    committed = 0
    while time.time() < deadline and committed < 200:
        time.sleep(0.2)
        con = sqlite3.connect(db, timeout=30)
        committed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        con.close()
    proc.kill()
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert after >= committed >= 200
    assert con.execute("SELECT count(*) FROM articles WHERE status IS NULL OR text IS NULL").fetchone()[0] == 0
    con.close()
    with Store.open(db) as store:  # reopening after a crash works and the schema is intact
        assert store.schema_version() == SCHEMA_VERSION
