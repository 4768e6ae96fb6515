"""The corpus store: the one module that writes SQL.

SQLAlchemy Core over SQLite (default) or PostgreSQL (by URL), with the same
code for both. Every unit of work (one article with its raw response, links
and alias; one article's annotations) is a single transaction, so a
`kill -9` at any moment loses nothing that was committed and a rerun resumes.

SQLite specifics, each for a reason:
- WAL, so an analyst reading the corpus never blocks an ingest;
- `BEGIN IMMEDIATE` for writes, because a deferred transaction that upgrades
  from read to write fails at once with "database is locked" when another
  process committed in between, ignoring the busy timeout;
- a busy timeout, so two writers queue instead of failing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .errors import StoreError, redact
from .records import Article, Link, RawResponse, Status

SCHEMA_VERSION = 5
DEFAULT_DB = "newstrace.db"
BUSY_TIMEOUT_MS = 30_000

metadata = sa.MetaData()

meta_table = sa.Table(
    "newstrace_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("final_url", sa.Text),
    sa.Column("canonical_url", sa.Text),
    sa.Column("source_path", sa.Text),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published", sa.String(32)),
    sa.Column("outlet", sa.Text),
    sa.Column("language", sa.String(16)),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("content_hash", sa.String(64), index=True),
    sa.Column("auto_generated", sa.Boolean, nullable=False, default=False),
    sa.Column("is_primary", sa.Boolean, nullable=False, default=False),
    sa.Column("duplicate_of", sa.String(32)),
    sa.Column("fetched_at", sa.String(32)),
    sa.Column("encoding", sa.String(64)),
    sa.Column("encoding_source", sa.String(32)),
    sa.Column("redirect_chain", sa.Text),  # JSON list
    sa.Column("extractor_version", sa.String(64)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.String(32)),
    sa.Column("updated_at", sa.String(32), nullable=False),
    # v3: where `published` came from (corpus/dates.py) and whether it is only an estimate.
    sa.Column("date_source", sa.String(16)),
    sa.Column("date_estimated", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)

raw_responses = sa.Table(
    "raw_responses", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("requested_url", sa.Text),
    sa.Column("final_url", sa.Text),
    sa.Column("http_status", sa.Integer),
    sa.Column("headers", sa.Text),  # JSON list of [name, value]
    sa.Column("peer_address", sa.String(64)),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("fetched_at", sa.String(32)),
)

links = sa.Table(
    "links", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("href", sa.Text, nullable=False),
    sa.Column("anchor", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
)

aliases = sa.Table(
    "url_aliases", metadata,
    sa.Column("alias", sa.Text, primary_key=True),  # a URL as given, or file:<path>
    sa.Column("article_id", sa.String(32), nullable=False, index=True),
)

ingest_log = sa.Table(
    "ingest_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(32), nullable=False),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("article_id", sa.String(32)),
    sa.Column("at", sa.String(32), nullable=False),
)

annotations_table = sa.Table(
    "annotations", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("pipeline_version", sa.String(64), nullable=False),
    sa.Column("input_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),  # annotated | nlp_skipped | nlp_failed
    sa.Column("data", sa.Text, nullable=False),  # JSON of extract.records.Annotations
    sa.Column("updated_at", sa.String(32), nullable=False),
)

embeddings = sa.Table(
    "embeddings", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("model", sa.String(128), nullable=False),
    sa.Column("input_hash", sa.String(64), nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)

# Cached cross-document results (clusters, families) keyed by what they were computed from.
results = sa.Table(
    "results", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("input_hash", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# The corpus-wide source registry (provenance/sources.py), rebuilt whole on every report: one row per
# source entity, and every name it was seen under. Plain dicts in and out (the store imports no records).
sources_table = sa.Table(
    "sources", metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32)),
    sa.Column("kb_id", sa.String(128)),
    sa.Column("origin", sa.String(16), nullable=False),
    sa.Column("publisher", sa.String(128)),
    sa.Column("articles", sa.Text, nullable=False),  # JSON list of article ids
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

source_aliases = sa.Table(
    "source_aliases", metadata,
    sa.Column("source_id", sa.String(128), primary_key=True),
    sa.Column("alias", sa.Text, primary_key=True),
)

# Spans a person corrected in an annotation tool and imported (provenance/human_annotations.py). Kept
# apart from `annotations`, which `extract` rewrites: a correction must outlive `extract --force`, and it
# applies only while the article's text is the one it was made on (`content_hash`).
human_annotations = sa.Table(
    "human_annotations", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("origin", sa.String(32), nullable=False),  # the tool the file came from: doccano, prodigy, ...
    sa.Column("data", sa.Text, nullable=False),  # JSON: the corrected statistic and source spans
    sa.Column("updated_at", sa.String(32), nullable=False),
)

_V1_TABLES = (meta_table, articles, raw_responses, links, aliases, ingest_log, annotations_table)
_V2_TABLES = (embeddings, results)


@dataclass(frozen=True)
class _AddColumn:
    """A migration step that adds one column of `table` to a database made before it existed.

    A database created at a later version already has the column (its table
    is created from the current definition), so the step checks first.
    """

    table: sa.Table
    column: str

    def create(self, conn: Connection, checkfirst: bool = True) -> None:
        present = {c["name"] for c in sa.inspect(conn).get_columns(self.table.name)}
        if checkfirst and self.column in present:
            return
        column = self.table.c[self.column]
        ddl = column.type.compile(dialect=conn.dialect)
        default = None
        if isinstance(column.server_default, sa.DefaultClause):  # a FetchedValue alone has no value to add
            arg = column.server_default.arg
            default = str(arg.compile(dialect=conn.dialect)) if hasattr(arg, "compile") else f"'{arg}'"
        nullable = "" if column.nullable or default is None else " NOT NULL"
        clause = f" DEFAULT {default}" if default is not None else ""
        conn.exec_driver_sql(f'ALTER TABLE {self.table.name} ADD COLUMN "{self.column}" {ddl}{clause}{nullable}')


# A step is a tuple of tables to create and columns to add (each has `create(conn, checkfirst=True)`).
_V3_STEPS = (_AddColumn(articles, "date_source"), _AddColumn(articles, "date_estimated"))
_V4_TABLES = (sources_table, source_aliases)
_V5_TABLES = (human_annotations,)

# save_article's statements. Ingest stores one page per transaction, and
# through SQLAlchemy's statement machinery (cache lookup, parameter
# processing, result set-up) seven statements cost twice what SQLite spends
# running them (ingest profile, 5k pages: 4.2 s against 2.4 s as plain SQL).
# So they are SQL text, built once from the tables above and run with
# exec_driver_sql. INSERT ... ON CONFLICT is spelled the same in SQLite and
# PostgreSQL; only the placeholder style differs (see _driver_sql).


def _insert_sql(table: sa.Table, conflict: Sequence[str] = (), skip: Sequence[str] = ()) -> str:
    columns = [c.name for c in table.columns if c.name not in skip]
    quoted = [f'"{c}"' for c in columns]  # "end" is a keyword in both dialects
    sql = f"INSERT INTO {table.name} ({', '.join(quoted)}) VALUES ({', '.join(':' + c for c in columns)})"
    if conflict:
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in conflict)
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}"
    return sql


_SAVE_SQL = {
    "first_copy": ("SELECT id FROM articles WHERE content_hash = :content_hash AND status = :ok"
                   " AND id <> :article_id ORDER BY updated_at, id LIMIT 1"),
    "article": _insert_sql(articles, conflict=["id"]),
    "delete_links": "DELETE FROM links WHERE article_id = :article_id",
    "link": _insert_sql(links),
    "raw_response": _insert_sql(raw_responses, conflict=["article_id"]),
    "alias": _insert_sql(aliases, conflict=["alias"]),
    "log": _insert_sql(ingest_log, skip=["id"]),
}
_NAMED_PLACEHOLDER = re.compile(r":(\w+)")


@cache
def _driver_sql(dialect: str, name: str) -> str:
    """_SAVE_SQL[name] with the driver's placeholders: sqlite3 takes :name, psycopg %(name)s."""
    sql = _SAVE_SQL[name]
    return _NAMED_PLACEHOLDER.sub(r"%(\1)s", sql) if dialect == "postgresql" else sql


_ARTICLE_STATE = sa.select(articles.c.status, articles.c.reason, articles.c.is_primary,
                           articles.c.extractor_version).where(
    articles.c.id == sa.bindparam("article_id"))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_db_url(db: str | os.PathLike[str] | None) -> str:
    """Turn `--db` / NEWSTRACE_DB into an SQLAlchemy URL (a path means SQLite)."""
    value = str(db) if db else os.environ.get("NEWSTRACE_DB") or DEFAULT_DB
    if value.startswith(("postgres://", "postgresql://")):
        # psycopg 3 is the driver we ship; SQLAlchemy would otherwise pick psycopg2.
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


@dataclass(frozen=True)
class SaveResult:
    status: str  # ok | duplicate | unchanged | no_article | failed_* | blocked
    article_id: str


@dataclass(frozen=True)
class ArticleState:
    """A stored article's row status, without its text or links."""

    status: Status
    reason: str | None
    is_primary: bool
    extractor_version: str | None = None  # ingest re-extracts what an older extractor stored


class Store:
    """Typed access to the corpus database. Open with `Store.open(db)`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # Set inside `transaction()`: every write and read joins that one transaction.
        self._joined: Connection | None = None

    # -- opening and migrations ---------------------------------------------------------

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> "Store":
        url = resolve_db_url(db)
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            if str(path) not in ("", ":memory:"):
                parent = path.parent if str(path.parent) else Path(".")
                if not parent.exists():
                    raise StoreError(f"database folder {parent} does not exist; create it or pass another --db")
                if not os.access(parent, os.W_OK):
                    raise StoreError(f"database folder {parent} is not writable; pass a writable --db path")
        try:
            engine = sa.create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError(redact(f"cannot use database {url!r}: {exc}; pass a file path or postgresql://user@host/db")) from exc
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        store = cls(engine)
        try:
            if store.is_sqlite:
                store._check_integrity()
            if migrate:
                store.migrate()
        except sa.exc.OperationalError as exc:
            raise StoreError(_explain(exc)) from exc
        except sa.exc.DatabaseError as exc:
            raise StoreError(redact(f"database {url} is unreadable ({exc.orig}); restore it from a backup or pass another --db")) from exc
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_integrity(self) -> None:
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA quick_check").first()
        if row is None or row[0] != "ok":
            raise StoreError("database corrupt (quick_check failed); restore it from a backup, never delete its -wal file")

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table(meta_table.name):
                return 0
            value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
        return int(value or 0)

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION in one transaction (DDL is transactional on both backends)."""
        steps: dict[int, Sequence[sa.Table | _AddColumn]] = {
            1: _V1_TABLES, 2: _V2_TABLES, 3: _V3_STEPS, 4: _V4_TABLES, 5: _V5_TABLES}
        with self.write() as conn:
            if not self.is_sqlite:
                # Concurrent first runs on PostgreSQL must not both create the tables.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
            current = 0
            if sa.inspect(conn).has_table(meta_table.name):
                current = int(conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar() or 0)
            if current > SCHEMA_VERSION:
                raise StoreError(f"database schema v{current} is newer than this newstrace (v{SCHEMA_VERSION}); upgrade newstrace")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for table in steps[version]:
                    table.create(conn, checkfirst=True)
                self._set_meta(conn, "schema_version", str(version))
            return current

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        self._upsert(conn, meta_table, {"key": key, "value": value}, ["key"])

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: BEGIN IMMEDIATE on SQLite, plain BEGIN elsewhere."""
        if self._joined is not None:
            yield self._joined
            return
        try:
            with self.engine.connect() as conn:
                conn.info["immediate"] = True
                try:
                    with conn.begin():
                        yield conn
                finally:
                    conn.info["immediate"] = False
        except sa.exc.OperationalError as exc:
            raise StoreError(_explain(exc)) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run several store calls as ONE transaction: all of them commit, or none (strict import)."""
        if self._joined is not None:
            yield
            return
        with self.write() as conn:
            self._joined = conn
            try:
                yield
            finally:
                self._joined = None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        if self._joined is not None:
            yield self._joined  # see this transaction's own writes
            return
        with self.engine.connect() as conn:
            yield conn

    def _upsert(self, conn: Connection, table: sa.Table, row: dict[str, Any], keys: Sequence[str],
                update: bool = True) -> None:
        conn.execute(_upsert_statement(conn.dialect.name, table.name, tuple(row), tuple(keys), update), row)

    # -- ingest -------------------------------------------------------------------------

    def find_alias(self, alias: str) -> Article | None:
        with self.read() as conn:
            row = conn.execute(
                sa.select(articles).join(aliases, aliases.c.article_id == articles.c.id)
                .where(aliases.c.alias == alias)).mappings().first()
        return _article(row, ()) if row else None

    def save_article(self, article: Article, *, raw: RawResponse | None = None, raw_body: bytes | None = None,
                     alias: str | None = None, run_id: str = "", input_ref: str = "") -> SaveResult:
        """Store one ingested document (article, duplicate, no_article or failure) atomically.

        Exact duplicates of an earlier article (same normalised-text hash) are
        recorded as a `duplicate` row pointing at the first copy, with no text.
        """
        with self.write() as conn:
            def run(name: str, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
                return conn.exec_driver_sql(_driver_sql(conn.dialect.name, name), params)

            if article.status is Status.OK and article.content_hash:
                first = run("first_copy", {"content_hash": article.content_hash, "ok": Status.OK.value,
                                           "article_id": article.id}).scalar()
                if first:
                    article = _as_duplicate(article, first)
            run("article", _article_row(article))
            run("delete_links", {"article_id": article.id})
            if article.links:
                run("link", [{"article_id": article.id, "seq": i, "href": ln.href, "anchor": ln.text,
                              "start": ln.start, "end": ln.end, "kind": ln.kind}
                             for i, ln in enumerate(article.links)])
            body = raw.body if raw is not None else raw_body
            if body is not None:
                run("raw_response", {
                    "article_id": article.id,
                    "requested_url": raw.requested_url if raw else None,
                    "final_url": raw.final_url if raw else None,
                    "http_status": raw.status if raw else None,
                    "headers": json.dumps(list(raw.headers)) if raw else None,
                    "peer_address": raw.peer_address if raw else None,
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "body": body,
                    "fetched_at": raw.fetched_at if raw else article.fetched_at,
                })
            names = sorted({name for name in (alias, article.url, article.canonical_url, article.final_url) if name})
            if names:
                run("alias", [{"alias": name, "article_id": article.id} for name in names])
            if input_ref:
                run("log", dict(run_id=run_id, input=input_ref, status=article.status.value, reason=article.reason,
                                article_id=article.id, at=now()))
            return SaveResult(article.status.value, article.id)

    def log_input(self, *, run_id: str, input_ref: str, status: str, reason: str | None,
                  article_id: str | None = None) -> None:
        """Record an input that produced no article row (e.g. an invalid URL line)."""
        with self.write() as conn:
            conn.execute(ingest_log.insert(), dict(
                run_id=run_id, input=input_ref, status=status, reason=reason, article_id=article_id, at=now()))

    # -- reading articles ---------------------------------------------------------------

    def get_article(self, article_id: str, *, allow_prefix: bool = False) -> Article | None:
        """The article with this id; with `allow_prefix`, also a unique id prefix (what people type).

        The prefix search scans the table, so ingest's "seen this id?" checks never use it.
        """
        with self.read() as conn:
            row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
            if row is None and allow_prefix:
                matches = conn.execute(sa.select(articles).where(articles.c.id.like(f"{article_id}%"))
                                       .limit(2)).mappings().all()
                if len(matches) != 1:
                    return None
                row = matches[0]
            if row is None:
                return None
            return _article(row, self._links(conn, row["id"]))

    def article_id_for_hash(self, content_hash: str) -> str | None:
        """The first stored article with this text hash (an annotation tool's file may have lost our id)."""
        with self.read() as conn:
            return conn.execute(sa.select(articles.c.id).where(articles.c.content_hash == content_hash,
                                                               articles.c.status == Status.OK.value)
                                .order_by(articles.c.id).limit(1)).scalar()

    def article_state(self, article_id: str) -> ArticleState | None:
        """What ingest needs to decide whether a document it meets again is done: no text, no links.

        Ingest asks this once per input; loading the whole article with its
        links cost a rerun of 5,000 files more than everything else it does.
        """
        with self.read() as conn:
            row = conn.execute(_ARTICLE_STATE, {"article_id": article_id}).first()
        return None if row is None else ArticleState(Status(row[0]), row[1], bool(row[2]), row[3])

    def _links(self, conn: Connection, article_id: str) -> tuple[Link, ...]:
        rows = conn.execute(sa.select(links).where(links.c.article_id == article_id).order_by(links.c.seq))
        return tuple(Link(r.href, r.anchor, r.start, r.end, r.kind) for r in rows)

    def iter_articles(self, *, statuses: Iterable[Status] | None = (Status.OK,),
                      batch_size: int = 500) -> Iterator[Article]:
        """Stream articles in id order, a page at a time, so memory stays flat on large corpora."""
        wanted = [s.value for s in statuses] if statuses is not None else None
        last = ""
        while True:
            with self.read() as conn:
                query = sa.select(articles).where(articles.c.id > last)
                if wanted is not None:
                    query = query.where(articles.c.status.in_(wanted))
                rows = conn.execute(query.order_by(articles.c.id).limit(batch_size)).mappings().all()
                link_rows = conn.execute(
                    sa.select(links).where(links.c.article_id.in_([r["id"] for r in rows]))
                    .order_by(links.c.article_id, links.c.seq)).all() if rows else []
            by_article: dict[str, list[Link]] = {}
            for ln in link_rows:
                by_article.setdefault(ln.article_id, []).append(Link(ln.href, ln.anchor, ln.start, ln.end, ln.kind))
            for row in rows:
                yield _article(row, tuple(by_article.get(row["id"], ())))
            if len(rows) < batch_size:
                return
            last = rows[-1]["id"]

    def raw_response(self, article_id: str) -> RawResponse | None:
        """The stored response of a fetched page, so a newer extractor can redo it without fetching again."""
        with self.read() as conn:
            row = conn.execute(sa.select(raw_responses).where(raw_responses.c.article_id == article_id)).mappings().first()
        if row is None or row["requested_url"] is None:
            return None
        return RawResponse(requested_url=row["requested_url"], final_url=row["final_url"] or row["requested_url"],
                           status=row["http_status"] or 200,
                           headers=tuple(tuple(h) for h in json.loads(row["headers"] or "[]")),
                           body=row["body"], peer_address=row["peer_address"], fetched_at=row["fetched_at"] or "")

    def raw_body(self, article_id: str) -> bytes | None:
        with self.read() as conn:
            return conn.execute(sa.select(raw_responses.c.body)
                                .where(raw_responses.c.article_id == article_id)).scalar()

    def counts(self) -> dict[str, int]:
        with self.read() as conn:
            rows = conn.execute(sa.select(articles.c.status, sa.func.count()).group_by(articles.c.status)).all()
        return {status: n for status, n in rows}

    def failures(self) -> list[dict[str, Any]]:
        failed = [s.value for s in Status if s.is_failure] + [Status.NO_ARTICLE.value]
        with self.read() as conn:
            rows = conn.execute(
                sa.select(articles.c.id, articles.c.url, articles.c.source_path, articles.c.status,
                          articles.c.reason, articles.c.attempts, articles.c.next_attempt_at)
                .where(articles.c.status.in_(failed)).order_by(articles.c.id)).mappings().all()
        return [dict(r) for r in rows]

    def invalid_inputs(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(sa.select(ingest_log.c.input, ingest_log.c.reason, ingest_log.c.at)
                                .where(ingest_log.c.status == "invalid_input")
                                .order_by(ingest_log.c.id)).mappings().all()
        # The log keeps every run's line; an input given on each rerun is still one problem, shown once
        # with its latest reason.
        latest = {r["input"]: dict(r) for r in rows}
        return list(latest.values())

    # -- annotations and embeddings -----------------------------------------------------

    def annotation_hashes(self) -> dict[str, tuple[str, str, str]]:
        """article id -> (pipeline_version, input_hash, status) of its stored annotations."""
        with self.read() as conn:
            rows = conn.execute(sa.select(annotations_table.c.article_id, annotations_table.c.pipeline_version,
                                          annotations_table.c.input_hash, annotations_table.c.status)).all()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def save_annotations(self, batch: Sequence[tuple[str, str, str, str, dict[str, Any]]],
                         vectors: Sequence[tuple[str, str, str, str, bytes]] = ()) -> None:
        """Store (article_id, pipeline_version, input_hash, status, data) rows and
        (article_id, kind, model, input_hash, vector) embeddings in one transaction."""
        stamp = now()
        with self.write() as conn:
            for article_id, version, input_hash, status, data in batch:
                self._upsert(conn, annotations_table, {
                    "article_id": article_id, "pipeline_version": version, "input_hash": input_hash,
                    "status": status, "data": json.dumps(data, ensure_ascii=False), "updated_at": stamp,
                }, ["article_id"])
            for article_id, kind, model, input_hash, vector in vectors:
                self._upsert(conn, embeddings, {
                    "article_id": article_id, "kind": kind, "model": model,
                    "input_hash": input_hash, "vector": vector}, ["article_id", "kind"])

    def iter_annotations(self, *, batch_size: int = 500) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Stream (article_id, status, data) for every annotated article, in id order."""
        last = ""
        while True:
            with self.read() as conn:
                rows = conn.execute(
                    sa.select(annotations_table.c.article_id, annotations_table.c.status, annotations_table.c.data)
                    .where(annotations_table.c.article_id > last)
                    .order_by(annotations_table.c.article_id).limit(batch_size)).all()
            for article_id, status, data in rows:
                yield article_id, status, json.loads(data)
            if len(rows) < batch_size:
                return
            last = rows[-1][0]

    def get_annotations(self, article_id: str) -> tuple[str, dict[str, Any]] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(annotations_table.c.status, annotations_table.c.data)
                               .where(annotations_table.c.article_id == article_id)).first()
        return (row[0], json.loads(row[1])) if row else None

    def save_human_annotations(self, rows: Sequence[tuple[str, str, str, dict[str, Any]]]) -> None:
        """Store (article_id, content_hash, origin, data) corrections, replacing earlier ones, in one transaction."""
        stamp = now()
        with self.write() as conn:
            for article_id, content_hash, origin, data in rows:
                self._upsert(conn, human_annotations, {
                    "article_id": article_id, "content_hash": content_hash, "origin": origin,
                    "data": json.dumps(data, ensure_ascii=False), "updated_at": stamp}, ["article_id"])

    def human_annotations(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """article id -> (content_hash, origin, data) of every imported correction."""
        with self.read() as conn:
            if not sa.inspect(conn).has_table(human_annotations.name):
                return {}  # a store opened without migrating, made before corrections could be imported
            rows = conn.execute(sa.select(human_annotations.c.article_id, human_annotations.c.content_hash,
                                          human_annotations.c.origin, human_annotations.c.data)).all()
        return {r[0]: (r[1], r[2], json.loads(r[3])) for r in rows}

    def iter_embeddings(self, kind: str) -> Iterator[tuple[str, str, bytes]]:
        with self.read() as conn:
            rows = conn.execute(sa.select(embeddings.c.article_id, embeddings.c.input_hash, embeddings.c.vector)
                                .where(embeddings.c.kind == kind).order_by(embeddings.c.article_id))
            for row in rows:
                yield row[0], row[1], row[2]

    # -- cached cross-document results --------------------------------------------------

    def get_result(self, name: str, input_hash: str) -> Any | None:
        with self.read() as conn:
            row = conn.execute(sa.select(results.c.data).where(
                results.c.name == name, results.c.input_hash == input_hash)).scalar()
        return json.loads(row) if row is not None else None

    def replace_sources(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store the source registry, replacing the previous one, in one transaction.

        Each row: id, name, kind, kb_id, origin, publisher, articles (list), mentions, aliases (list).
        """
        stamp = now()
        with self.write() as conn:
            conn.execute(source_aliases.delete())
            conn.execute(sources_table.delete())
            if rows:
                conn.execute(sources_table.insert(), [
                    {"id": r["id"], "name": r["name"], "kind": r.get("kind"), "kb_id": r.get("kb_id"),
                     "origin": r.get("origin") or "corpus", "publisher": r.get("publisher"),
                     "articles": json.dumps(list(r.get("articles") or ())), "mentions": int(r.get("mentions") or 0),
                     "updated_at": stamp} for r in rows])
                alias_rows = [{"source_id": r["id"], "alias": a} for r in rows for a in dict.fromkeys(r.get("aliases") or ())]
                if alias_rows:
                    conn.execute(source_aliases.insert(), alias_rows)

    def iter_sources(self) -> list[dict[str, Any]]:
        """The stored source registry, most mentioned first, each row with its aliases."""
        with self.read() as conn:
            rows = conn.execute(sa.select(sources_table)).mappings().all()
            alias_rows = conn.execute(sa.select(source_aliases).order_by(source_aliases.c.alias)).mappings().all()
        by_source: dict[str, list[str]] = {}
        for row in alias_rows:
            by_source.setdefault(row["source_id"], []).append(row["alias"])
        out = [{"id": r["id"], "name": r["name"], "kind": r["kind"], "kb_id": r["kb_id"], "origin": r["origin"],
                "publisher": r["publisher"], "articles": json.loads(r["articles"]), "mentions": r["mentions"],
                "aliases": by_source.get(r["id"], [])} for r in rows]
        return sorted(out, key=lambda r: (-r["mentions"], r["name"].casefold(), r["id"]))

    def save_result(self, name: str, input_hash: str, data: Any) -> None:
        with self.write() as conn:
            self._upsert(conn, results, {"name": name, "input_hash": input_hash,
                                         "data": json.dumps(data, ensure_ascii=False),
                                         "updated_at": now()}, ["name"])

    def table_counts(self) -> dict[str, int]:
        with self.read() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}


@lru_cache(maxsize=64)
def _upsert_statement(dialect: str, table_name: str, columns: tuple[str, ...], keys: tuple[str, ...],
                      update: bool) -> sa.Insert:
    # One statement per shape, executed with the row as parameters: built with
    # the row's values inlined, SQLAlchemy coerced and cache-keyed every value
    # on every call, which cost more than the write itself (ingest profile).
    from sqlalchemy.dialects import postgresql, sqlite

    table = metadata.tables[table_name]
    stmt = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    if update:
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns if c not in keys})
    return stmt.on_conflict_do_nothing(index_elements=list(keys))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself, so we can choose IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def _explain(exc: sa.exc.OperationalError) -> str:
    text = str(exc.orig)
    if "database or disk is full" in text or "disk I/O error" in text:
        return "disk full or write error; free space and rerun (committed articles are kept)"
    if "locked" in text:
        return "database is locked by another process for too long; retry when it finishes"
    if "readonly" in text or "read-only" in text:
        return "database is read-only; pass a writable --db path"
    if "unable to open" in text:
        return "cannot open the database file; check the --db path"
    missing = re.search(r'database "([^"]{1,100})" does not exist', text)
    if missing:
        # The server's bare FATAL names no fix (I22).
        return f"database {missing[1]} does not exist: createdb {missing[1]} (or pass another --db)"
    return redact(f"database error: {text}")


def _as_duplicate(article: Article, first_id: str) -> Article:
    from dataclasses import replace

    return replace(article, status=Status.DUPLICATE, duplicate_of=first_id, reason=f"same text as {first_id}",
                   text="", links=())


def _article_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.id, "url": a.url, "final_url": a.final_url, "canonical_url": a.canonical_url,
        "source_path": a.source_path, "status": a.status.value, "reason": a.reason, "title": a.title,
        "author": a.author, "published": a.published, "outlet": a.outlet, "language": a.language,
        "text": a.text, "content_hash": a.content_hash, "auto_generated": a.auto_generated,
        "is_primary": a.is_primary, "duplicate_of": a.duplicate_of, "fetched_at": a.fetched_at,
        "encoding": a.encoding, "encoding_source": a.encoding_source,
        "redirect_chain": json.dumps(list(a.redirect_chain)), "extractor_version": a.extractor_version,
        "attempts": a.attempts, "next_attempt_at": a.next_attempt_at, "updated_at": now(),
        "date_source": a.date_source, "date_estimated": a.date_estimated,
    }


def _article(row: Any, article_links: tuple[Link, ...]) -> Article:
    return Article(
        id=row["id"], url=row["url"], final_url=row["final_url"], canonical_url=row["canonical_url"],
        source_path=row["source_path"], status=Status(row["status"]), reason=row["reason"],
        title=row["title"], author=row["author"], published=row["published"], outlet=row["outlet"],
        language=row["language"], text=row["text"] or "", links=article_links,
        auto_generated=bool(row["auto_generated"]), is_primary=bool(row["is_primary"]),
        content_hash=row["content_hash"], duplicate_of=row["duplicate_of"], fetched_at=row["fetched_at"],
        encoding=row["encoding"], encoding_source=row["encoding_source"],
        redirect_chain=tuple(json.loads(row["redirect_chain"] or "[]")),
        extractor_version=row["extractor_version"], attempts=row["attempts"] or 0,
        next_attempt_at=row["next_attempt_at"],
        date_source=row.get("date_source"), date_estimated=bool(row.get("date_estimated") or False),
    )


def copy_store(source: Store, target: Store, *, batch_size: int = 500) -> dict[str, int]:
    """Copy every row of every table from `source` into `target`, idempotently.

    Rows already present in the target (same primary key) are kept as they
    are, so a copy can be rerun after an interruption. The ingest log gets new
    ids in the target because its ids are local counters; runs already
    present there are not copied again.
    """
    copied: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if table is meta_table:
            continue
        keys = [c.name for c in table.primary_key.columns]
        skip_id = table is ingest_log
        known_runs: set[str] = set()
        if skip_id:
            with target.read() as dst:
                known_runs = set(dst.execute(sa.select(ingest_log.c.run_id).distinct()).scalars())
        count = 0
        with source.read() as src:
            result = src.execution_options(stream_results=True).execute(sa.select(table))
            while True:
                rows = result.mappings().fetchmany(batch_size)
                if not rows:
                    break
                with target.write() as dst:
                    for row in rows:
                        values = {k: v for k, v in row.items() if not (skip_id and k == "id")}
                        if skip_id:
                            if values["run_id"] not in known_runs:
                                dst.execute(table.insert().values(**values))
                        else:
                            target._upsert(dst, table, values, keys, update=False)
                count += len(rows)
        copied[table.name] = count
    return copied


# -- the report as a relational database (`newstrace export --format sqlite`) ----------------------
#
# A separate file for Datasette and SQL users, not part of the corpus schema: its own MetaData, so
# migrations and `copy_store` never see these tables. The SQL lives here because this is the one
# module that writes SQL; provenance/report_tables.py turns a report into plain row dicts for it.

report_metadata = sa.MetaData()


report_tables = {t.name: t for t in (
    sa.Table("clusters", report_metadata,
             sa.Column("id", sa.Text, primary_key=True),
             sa.Column("size", sa.Integer, nullable=False),
             sa.Column("representative", sa.Text),
             sa.Column("first_seen_article", sa.Text),
             sa.Column("first_seen_date", sa.Text),
             sa.Column("first_seen_estimated", sa.Boolean)),
    sa.Table("articles", report_metadata,
             sa.Column("id", sa.Text, primary_key=True),
             sa.Column("outlet", sa.Text, index=True),
             sa.Column("published", sa.Text, index=True),
             sa.Column("title", sa.Text),
             sa.Column("url", sa.Text),
             sa.Column("language", sa.Text, index=True),
             sa.Column("status", sa.Text, nullable=False, index=True),
             sa.Column("reason", sa.Text),
             sa.Column("cluster_id", sa.Text, sa.ForeignKey("clusters.id"), index=True),
             sa.Column("is_primary", sa.Boolean, nullable=False),
             sa.Column("auto_generated", sa.Boolean, nullable=False),
             sa.Column("date_estimated", sa.Boolean, nullable=False),
             sa.Column("author", sa.Text),
             sa.Column("human_annotated", sa.Boolean, nullable=False)),
    sa.Table("sources", report_metadata,
             sa.Column("id", sa.Text, primary_key=True),
             sa.Column("name", sa.Text, nullable=False, index=True),
             sa.Column("kind", sa.Text, index=True),
             sa.Column("kb_id", sa.Text),
             sa.Column("origin", sa.Text),
             sa.Column("publisher", sa.Text),
             sa.Column("mentions", sa.Integer, nullable=False),
             sa.Column("articles", sa.Integer, nullable=False),
             sa.Column("aliases", sa.Text)),  # JSON list
    sa.Table("figure_families", report_metadata,
             sa.Column("id", sa.Text, primary_key=True),
             sa.Column("statement", sa.Text),
             sa.Column("verdict", sa.Text),
             sa.Column("value", sa.Float, nullable=False),
             sa.Column("unit", sa.Text, nullable=False, index=True),
             sa.Column("of", sa.Float),
             sa.Column("measure", sa.Text),
             sa.Column("holder", sa.Text),
             sa.Column("period", sa.Text),
             sa.Column("primary_source_id", sa.Text, sa.ForeignKey("sources.id"), index=True),
             sa.Column("primary_source_name", sa.Text),
             sa.Column("primary_article_id", sa.Text, sa.ForeignKey("articles.id")),
             sa.Column("first_seen_article", sa.Text, sa.ForeignKey("articles.id")),
             sa.Column("first_seen_date", sa.Text),
             sa.Column("mentions", sa.Integer, nullable=False),
             sa.Column("articles", sa.Integer, nullable=False),
             sa.Column("flags", sa.Text)),  # JSON list
    sa.Table("estimates", report_metadata,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("family_id", sa.Text, sa.ForeignKey("figure_families.id"), nullable=False, index=True),
             sa.Column("source_key", sa.Text, nullable=False),
             sa.Column("source_id", sa.Text, sa.ForeignKey("sources.id"), index=True),
             sa.Column("name", sa.Text),
             sa.Column("kind", sa.Text),
             sa.Column("value", sa.Float, nullable=False),
             sa.Column("mentions", sa.Integer, nullable=False),
             sa.Column("articles", sa.Text)),  # JSON list
    sa.Table("mentions", report_metadata,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("family_id", sa.Text, sa.ForeignKey("figure_families.id"), nullable=False, index=True),
             sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), nullable=False, index=True),
             sa.Column("outlet", sa.Text, index=True),
             sa.Column("date", sa.Text),
             sa.Column("text", sa.Text, nullable=False),
             sa.Column("value", sa.Float, nullable=False),
             sa.Column("unit", sa.Text, nullable=False),
             sa.Column("of", sa.Float),
             sa.Column("approx", sa.Text),
             sa.Column("measure", sa.Text),
             sa.Column("holder", sa.Text),
             sa.Column("period", sa.Text),
             sa.Column("sentence", sa.Text),
             sa.Column("start", sa.Integer, nullable=False),
             sa.Column("end", sa.Integer, nullable=False),
             sa.Column("source_id", sa.Text, sa.ForeignKey("sources.id"), index=True),
             sa.Column("source", sa.Text, index=True),  # the source's name as the report gives it
             sa.Column("source_kind", sa.Text),
             sa.Column("cue", sa.Text),
             sa.Column("inferred", sa.Boolean),
             sa.Column("via_article", sa.Text, sa.ForeignKey("articles.id")),
             sa.Column("copy_of", sa.Text, sa.ForeignKey("articles.id")),
             sa.Column("hops", sa.Integer),
             sa.Column("flags", sa.Text),  # JSON list: Datasette facets it as an array
             sa.Column("human", sa.Boolean, nullable=False)),
    sa.Table("mention_flags", report_metadata,
             sa.Column("mention_id", sa.Integer, sa.ForeignKey("mentions.id"), primary_key=True),
             sa.Column("flag", sa.Text, primary_key=True, index=True)),
    sa.Table("chain_steps", report_metadata,
             sa.Column("mention_id", sa.Integer, sa.ForeignKey("mentions.id"), primary_key=True),
             sa.Column("step", sa.Integer, primary_key=True),
             sa.Column("node", sa.Text, nullable=False, index=True),
             sa.Column("label", sa.Text),
             sa.Column("kind", sa.Text),
             sa.Column("origin", sa.Text),
             sa.Column("via_article", sa.Text, sa.ForeignKey("articles.id"))),
    sa.Table("conflicts", report_metadata,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("what", sa.Text, nullable=False),
             sa.Column("cluster_id", sa.Text, sa.ForeignKey("clusters.id"), index=True)),
    sa.Table("conflict_values", report_metadata,
             sa.Column("conflict_id", sa.Integer, sa.ForeignKey("conflicts.id"), primary_key=True),
             sa.Column("seq", sa.Integer, primary_key=True),
             sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), index=True),
             sa.Column("text", sa.Text),
             sa.Column("start", sa.Integer),
             sa.Column("end", sa.Integer),
             sa.Column("sentence", sa.Text)),
    sa.Table("quotes", report_metadata,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), nullable=False, index=True),
             sa.Column("speaker", sa.Text, index=True),
             sa.Column("kb_id", sa.Text),
             sa.Column("text", sa.Text, nullable=False),
             sa.Column("start", sa.Integer),
             sa.Column("end", sa.Integer)),
)}


def write_report_database(path: Path, rows: dict[str, Iterable[dict[str, Any]]], *, batch_size: int = 1000) -> None:
    """Write the report tables to a new SQLite file at `path`, atomically.

    The file is built beside `path` and renamed over it once complete and closed, so a reader (a
    running Datasette) sees the old database or the new one, never half of one. Foreign keys are
    enforced while writing: a row pointing at a missing article fails the export, not a join later.
    """
    import tempfile

    from .atomic import OutputError, describe_write_error

    path = Path(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent or Path("."))
        os.close(fd)
    except OSError as exc:
        raise OutputError(describe_write_error(path, exc)) from exc
    temp = Path(temp_name)
    engine = sa.create_engine(f"sqlite:///{temp}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        cur.close()

    try:
        with engine.begin() as conn:
            report_metadata.create_all(conn)
            for table in report_metadata.sorted_tables:
                batch: list[dict[str, Any]] = []
                for row in rows.get(table.name, ()):
                    batch.append(row)
                    if len(batch) >= batch_size:
                        conn.execute(table.insert(), batch)
                        batch = []
                if batch:
                    conn.execute(table.insert(), batch)
        engine.dispose()
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp made it 0600; Datasette may run as another user
        os.replace(temp, path)
    except BaseException as exc:
        engine.dispose()
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(describe_write_error(path, exc)) from exc
        if isinstance(exc, sa.exc.OperationalError):
            raise StoreError(_explain(exc)) from exc
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
