"""The `newstrace` command line: a thin layer over the library.

Each command parses options, calls one library function and prints. Heavy
modules (the stages, and through them spaCy and torch) are imported inside
the commands, so `newstrace --help` stays fast.

Exit codes: 0 all good, 1 some items failed, 2 usage error, 3 environment or
storage failure, 130/143 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_PARTIAL, EXIT_USAGE, EXIT_ENV = 1, 2, 3


class Group(click.Group):
    """Turn library errors into one line naming the fix, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from newstrace.corpus.errors import StoreError, UsageError

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except UsageError as exc:
            _fail(ctx, exc, EXIT_USAGE)
        except StoreError as exc:
            _fail(ctx, exc, EXIT_ENV)
        except BrokenPipeError:
            _quiet_pipe()  # `newstrace report | head -1`: the reader has what it wanted (I21)
            ctx.exit(0)
        except KeyboardInterrupt:
            progress = (ctx.obj or {}).get("ingest_progress")  # None when Ctrl-C came before the group's callback
            note = progress.note() if isinstance(progress, IngestProgress) else ""
            click.echo(f"interrupted{note}: committed work is kept; rerun the same command to resume", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a CLI
            if _debug(ctx):
                raise
            from newstrace.extract.models import ModelUnavailable

            code = EXIT_ENV if isinstance(exc, (ModelUnavailable, OSError)) or _is_worker_mismatch(exc) else 1
            _fail(ctx, exc, code, prefix=f"{type(exc).__name__}: ")


def _quiet_pipe() -> None:
    # Python flushes stdout again at exit and would print a second BrokenPipeError there.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _is_worker_mismatch(exc: BaseException) -> bool:
    # Imported only when it can be the cause: dask is optional and heavy.
    if "newstrace.extract.distributed" not in sys.modules:
        return False
    from newstrace.extract.distributed import WorkerVersionMismatch

    return isinstance(exc, WorkerVersionMismatch)


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.params.get("debug"))


def _fail(ctx: click.Context, exc: BaseException, code: int, prefix: str = "") -> None:
    if _debug(ctx):
        raise exc
    from newstrace.corpus.errors import redact

    click.echo(f"Error: {prefix}{_one_line(redact(str(exc)))}", err=True)  # a --db password never echoed (I20)
    ctx.exit(code)


def _one_line(text: str) -> str:
    # Scraped strings can carry terminal escapes; never replay them to the user's terminal.
    from newstrace.corpus.terminal import one_line

    return " ".join("".join(ch if ch.isprintable() else " " for ch in one_line(text)).split())


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.option("--db", envvar="NEWSTRACE_DB", default="newstrace.db", show_default=True,
              help="SQLite file, or a postgresql:// URL (env NEWSTRACE_DB).")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the requested output: no progress, no summaries.")
@click.option("-v", "--verbose", is_flag=True, help="Also print one line per ingested input with its outcome.")
@click.version_option(package_name="newstrace", help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context, db: str, debug: bool, quiet: bool, verbose: bool) -> None:
    """Trace figures in news coverage back to their primary sources.

    \b
    Typical session:
      newstrace ingest --primary study.html
      newstrace run -i urls.txt --out report/
      newstrace show ARTICLE_ID
    """
    from newstrace.corpus.errors import UsageError

    if quiet and verbose:
        raise UsageError("--quiet and --verbose contradict each other; give one")
    # This invocation's own state, so two commands run in one process (CliRunner in the tests) share none:
    # what its ingest has done, and its cancel (set by Ctrl-C).
    progress, cancel = IngestProgress(), threading.Event()
    ctx.obj = {"db": db, "verbosity": -1 if quiet else 1 if verbose else 0, "ingest_progress": progress,
               "cancel": cancel}
    # SIGTERM should end like Ctrl-C: the open transaction rolls back, committed rows stay.
    signal.signal(signal.SIGTERM, functools.partial(_sigterm, progress))
    signal.signal(signal.SIGINT, functools.partial(_sigint, cancel))


@dataclass
class IngestProgress:
    """Inputs listed and handled by this invocation's ingest, for the interrupted message.

    Made by the group's callback for each invocation and kept in its context's
    obj (the ingest display counts into it, the Ctrl-C and SIGTERM messages read
    it), so two commands run in one process, as the tests run them through
    CliRunner, never count into each other.
    """

    done: int = 0
    total: int = 0

    def note(self) -> str:
        if not self.total:
            return ""
        return f" after {self.done} of {self.total} inputs ({self.total - self.done} pending)"


def _ingest_progress(ctx: click.Context) -> IngestProgress:
    progress = ctx.find_root().obj["ingest_progress"]
    assert isinstance(progress, IngestProgress)
    return progress


def _sigterm(progress: IngestProgress, signum: int, frame: Any) -> None:
    click.echo(f"terminated{progress.note()}: committed work is kept; rerun the same command to resume", err=True)
    sys.exit(143)


def _cancel_of(ctx: click.Context) -> threading.Event:
    """The invocation's cancel: set by Ctrl-C, handed to the library's `run`, checked at every progress point."""
    cancel = ctx.find_root().obj["cancel"]
    assert isinstance(cancel, threading.Event)
    return cancel


def _sigint(cancel: threading.Event, signum: int, frame: Any) -> None:
    cancel.set()
    raise KeyboardInterrupt


def _stop_if_interrupted(cancel: threading.Event) -> None:
    # Python prints and drops an exception raised while a finalizer (__del__, a closing
    # generator) runs, so a Ctrl-C landing there would be lost; the event is not.
    if cancel.is_set():
        raise KeyboardInterrupt


def _store(ctx: click.Context, *, must_exist: bool = False) -> Any:
    """Open --db; `must_exist` for commands that only read, so a typo is not a new empty corpus."""
    from newstrace.corpus.store import Store

    if must_exist:
        _require_database(ctx.obj["db"], "--db")
    return Store.open(ctx.obj["db"])


def _require_database(db: str, flag: str) -> None:
    from newstrace.corpus.errors import UsageError
    from newstrace.corpus.store import resolve_db_url

    url = resolve_db_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if str(path) not in ("", ":memory:") and not path.exists():
            raise UsageError(f"no database at {path}; pass {flag} with an existing corpus, "
                             "or create one with `newstrace ingest` or `newstrace run`")


def _verbosity(ctx: click.Context) -> int:
    return (ctx.find_root().obj or {}).get("verbosity", 0)


def _info(ctx: click.Context, message: str) -> None:
    """A progress or summary line on stderr; --quiet drops it."""
    if _verbosity(ctx) >= 0:
        click.echo(message, err=True)


def _database_out(out: Path | None) -> Path:
    """The file a database export is written to: a stream will not do."""
    if out is None:
        from newstrace.corpus.errors import UsageError

        raise UsageError("--format sqlite writes a database file, not a stream; pass -o FILE.db")
    return out


def _stdout_or(out: Path | None) -> Path | None:
    """`-o -` means stdout, as in most Unix tools."""
    return None if out is not None and str(out) == "-" else out


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


# -- ingest ---------------------------------------------------------------------------------


def source_options(func: Any) -> Any:
    """Options shared by `ingest` and `run`: what to read and how to fetch it."""
    decorators = [
        click.argument("sources", nargs=-1),
        click.option("-i", "--input", "inputs", multiple=True, metavar="FILE",
                     help="File with one URL or path per line ('-' for stdin)."),
        click.option("--primary", is_flag=True, help="Mark these documents as primary sources."),
        click.option("--allow-private", is_flag=True, help="Allow fetching private/loopback addresses."),
        click.option("--rate", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Minimum seconds between requests to one host."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Total seconds allowed per URL."),
        click.option("--max-bytes", type=click.IntRange(min=1024), default=10 * 2**20, show_default=True,
                     help="Largest response body accepted."),
        click.option("--respect-robots/--ignore-robots", default=True, show_default=True,
                     help="Obey robots.txt."),
        click.option("--user-agent", default=None, help="User-Agent header to send."),
        click.option("--proxy", default=None, help="HTTP proxy URL (environment proxies are ignored)."),
        click.option("--extract-timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
                     help="Seconds allowed to extract one page."),
        click.option("--extract-workers", type=click.IntRange(min=1), default=None,
                     help="Extraction worker processes for local files [default: 2, or 1 on one core]."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _ingest_options(primary: bool, allow_private: bool, rate: float, timeout: float, max_bytes: int,
                    respect_robots: bool, user_agent: str | None, proxy: str | None,
                    extract_timeout: float, extract_workers: int | None) -> Any:
    from newstrace.corpus.fetch import FetchOptions
    from newstrace.corpus.ingest import IngestOptions

    fetch_kwargs: dict[str, Any] = dict(timeout=timeout, max_bytes=max_bytes, rate=rate,
                                        allow_private=allow_private, respect_robots=respect_robots, proxy=proxy)
    if user_agent:
        fetch_kwargs["user_agent"] = user_agent
    workers = {"extract_workers": extract_workers} if extract_workers else {}
    return IngestOptions(primary=primary, fetch=FetchOptions(**fetch_kwargs), extract_timeout=extract_timeout,
                         **workers)


def _start_extraction_early(sources: tuple[str, ...], workers: int | None) -> None:
    """Start the extraction workers first when local pages are among the sources.

    Started here, before the store and the ingest machinery are imported,
    the workers' start (the forkserver, a new interpreter importing
    trafilatura, then the forks) runs beside ours instead of after it: about
    half a second off 1,000 pages. A rerun with nothing new pays for them on
    the other core.
    """
    from newstrace.corpus.filetypes import file_kind

    if not any(os.path.isdir(s) or (os.path.isfile(s) and file_kind(Path(s)) in ("html", "warc")) for s in sources):
        return
    from newstrace.corpus.clean import default_worker_count, start_workers

    start_workers(workers or default_worker_count())


def _expand(ctx: click.Context, sources: tuple[str, ...], inputs: tuple[str, ...]) -> list[Any]:
    from newstrace.corpus.errors import UsageError
    from newstrace.corpus.ingest import expand_sources

    if not sources and not inputs:
        raise UsageError("nothing to ingest; give URLs, files or folders, or -i FILE (one per line)")
    items = list(expand_sources(sources, inputs))
    progress = _ingest_progress(ctx)
    progress.done, progress.total = 0, len(items)
    return items


def _run_ingest(ctx: click.Context, store: Any, sources: tuple[str, ...], inputs: tuple[str, ...],
                **options: Any) -> Any:
    from newstrace.corpus.ingest import ingest

    items = _expand(ctx, sources, inputs)
    with _ingest_display(ctx) as on_item:
        summary = ingest(items, store, _ingest_options(**options), on_item=on_item)
    _ingest_done(ctx, summary)
    return summary


@contextlib.contextmanager
def _ingest_display(ctx: click.Context) -> Iterator[Callable[[Any], None]]:
    """A progress bar over the inputs `_expand` listed; yields the per-input callback, which counts into the
    invocation's IngestProgress and prints failures as they come."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newstrace.corpus.ingest import unblock_hint

    console = _stderr_console()
    verbosity = _verbosity(ctx)
    counted, cancel = _ingest_progress(ctx), _cancel_of(ctx)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}", markup=False), console=console, transient=True,
                  disable=verbosity < 0) as progress:
        task = progress.add_task("", total=counted.total)

        def on_item(result: Any) -> None:
            counted.done += 1
            _stop_if_interrupted(cancel)
            if result.status not in ("ok", "duplicate", "unchanged", "no_article"):
                hint = unblock_hint(result.status, result.reason)
                progress.console.print(f"failed: {_one_line(result.source.label)}: "
                                       f"{result.status}({_one_line(result.reason or '')})"
                                       + (f": {hint}" if hint else ""), markup=False, soft_wrap=True)
            elif verbosity > 0:
                progress.console.print(f"{result.status}: {_one_line(result.source.label)}"
                                       + (f" ({_one_line(result.reason)})" if result.reason else ""), markup=False,
                                       soft_wrap=True)
            progress.update(task, advance=1, description=_one_line(result.source.ref)[-60:])

        yield on_item


def _ingest_done(ctx: click.Context, summary: Any) -> None:
    _info(ctx, f"ingest: {summary.ok} ok, {summary.duplicate} duplicate, {summary.unchanged} unchanged, "
               f"{summary.no_article} no_article, {summary.failed} failed")


@cli.command()
@source_options
@click.pass_context
def ingest(ctx: click.Context, sources: tuple[str, ...], inputs: tuple[str, ...], **options: Any) -> None:
    """Fetch or read SOURCES (URLs, files, folders, .warc) into the corpus.

    \b
    Examples:
      newstrace ingest https://example.com/story.html
      newstrace ingest --primary data/demo/primary
      newstrace ingest -i urls.txt
    """
    _start_extraction_early(sources, options["extract_workers"])
    with _store(ctx) as store:
        summary = _run_ingest(ctx, store, sources, inputs, **options)
    ctx.exit(summary.exit_code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """List the corpus: counts by status, then every failure with its reason."""
    import json

    from newstrace.corpus.ingest import unblock_hint

    with _store(ctx, must_exist=True) as store:
        counts = store.counts()
        failures = store.failures()
        invalid = store.invalid_inputs()
    for row in failures:
        row["hint"] = unblock_hint(row["status"], row["reason"])  # the flag that would fetch a blocked row
    if as_json:
        click.echo(json.dumps({"counts": counts, "failures": failures, "invalid_inputs": invalid}, indent=2))
        return
    from rich.table import Table

    console = _console()
    from newstrace.corpus.terminal import plain

    # Every cell is a Text: a stored URL or reason is data, never rich markup (I7, I10).
    table = Table("status", "articles", title="corpus")
    for name, number in sorted(counts.items()):
        table.add_row(plain(name, single_line=True), plain(number))
    console.print(table)
    if failures or invalid:
        problems = Table("id", "input", "status", "reason", "attempts", title="failures")
        for row in failures:
            problems.add_row(*(plain(cell, single_line=True) for cell in (
                row["id"], row["url"] or row["source_path"] or "", row["status"],
                "; ".join(filter(None, (row["reason"], row["hint"]))),
                row["attempts"])))
        for row in invalid:
            problems.add_row(*(plain(cell, single_line=True) for cell in (
                "-", row["input"], "invalid_input", row["reason"] or "", "0")))
        console.print(problems)



# -- extract --------------------------------------------------------------------------------


def kb_option(func: Any) -> Any:
    # --no-builtin-kb rides in kb_paths as extract.kb.NO_BUILTIN, so every stage's load_kb sees it.
    def with_builtin(ctx: click.Context, _param: Any, paths: tuple[Path, ...]) -> tuple[Any, ...]:
        from newstrace.extract.kb import NO_BUILTIN

        return (*paths, NO_BUILTIN) if ctx.meta.get("newstrace_no_builtin_kb") else paths

    func = click.option("--kb", "kb_paths", multiple=True, type=click.Path(exists=True, dir_okay=False,
                        path_type=Path), callback=with_builtin, help="Extra knowledge-base YAML file (repeatable).")(func)
    return click.option("--no-builtin-kb", is_flag=True, is_eager=True, expose_value=False,
                        callback=lambda ctx, _p, on: ctx.meta.__setitem__("newstrace_no_builtin_kb", on),
                        help="Leave out the shipped knowledge base: only --kb files and sources found in the corpus.")(func)


def scheduler_option(func: Any) -> Any:
    return click.option("--scheduler", envvar="NEWSTRACE_SCHEDULER", default=None, metavar="ADDRESS",
                        help="Run annotation and coverage clustering on a Dask cluster (tcp://host:8786); local without it.")(func)


def _run_extract(store: Any, force: bool, workers: int, batch_size: int, kb_paths: tuple[Path, ...],
                 scheduler: str | None, quiet: bool, cancel: threading.Event) -> Any:
    from newstrace.extract.pipeline import ExtractOptions
    from newstrace.provenance import backends

    options = ExtractOptions(force=force, workers=workers, batch_size=batch_size, kb_paths=kb_paths)
    with _extract_display(quiet, cancel) as on_progress:
        summary = backends.annotate(store, options, scheduler, on_progress=on_progress)
    _extract_done(summary, quiet)
    return summary


@contextlib.contextmanager
def _extract_display(quiet: bool, cancel: threading.Event) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_stderr_console(), transient=True, disable=quiet) as progress:
        task = progress.add_task("", total=None)

        def on_progress(done: int, total: int) -> None:
            _stop_if_interrupted(cancel)
            progress.update(task, completed=done, total=total)

        yield on_progress


def _extract_done(summary: Any, quiet: bool) -> None:
    for article_id, reason in summary.failures:
        click.echo(f"failed: {_one_line(article_id)}: {_one_line(reason)}", err=True)
    if not quiet:
        click.echo(f"extract: {summary.annotated} annotated, {summary.skipped} skipped, "
                   f"{summary.unchanged} unchanged, {summary.failed} failed", err=True)


@cli.command()
@click.option("--force", is_flag=True, help="Re-annotate every article, not only new or changed ones.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for spaCy's nlp.pipe.")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Articles per spaCy batch.")
@kb_option
@scheduler_option
@click.pass_context
def extract(ctx: click.Context, force: bool, workers: int, batch_size: int, kb_paths: tuple[Path, ...],
            scheduler: str | None) -> None:
    """Annotate articles: entities, statistics, claims, quotes, attributions.

    Incremental: only articles not yet annotated by this pipeline version (or
    whose text or knowledge base changed) are processed.
    """
    from newstrace.extract.models import check_models

    check_models()
    with _store(ctx) as store:
        summary = _run_extract(store, force, workers, batch_size, kb_paths, scheduler, _verbosity(ctx) < 0,
                               _cancel_of(ctx))
    ctx.exit(summary.exit_code)


@cli.command()
@click.argument("article_id", metavar="ARTICLE")
@click.pass_context
def show(ctx: click.Context, article_id: str) -> None:
    """Print one article with its annotations highlighted.

    ARTICLE is an id, the first characters of one, the URL that was
    ingested, or the path of the ingested file; `newstrace articles` lists them.
    """
    from newstrace.corpus.lookup import resolve_article
    from newstrace.extract.records import Annotations
    from newstrace.extract.show import render_article
    from newstrace.provenance.human_annotations import corrected_article

    with _store(ctx, must_exist=True) as store:
        article = resolve_article(store, article_id)
        stored = store.get_annotations(article.id)
        correction = store.human_annotations().get(article.id)
    ann = Annotations.from_dict(stored[1]) if stored and stored[1] else None
    # What the report uses: an imported human correction laid over extract's annotations.
    render_article(article, corrected_article(ann, article.text, article.content_hash, correction), _console())


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["term", "json", "csv"]), default="term", show_default=True,
              help="term: aligned plain text; json: a list of objects; csv: one row per article.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE, not stdout ('-' for stdout).")
@click.pass_context
def articles(ctx: click.Context, fmt: str, out: Path | None) -> None:
    """List the stored articles: id, outlet, date, status and title.

    A date marked "~" is estimated (from the URL or the text), not published
    metadata. Any id, or its first characters, works with `newstrace show`.
    """
    from newstrace.corpus.lookup import article_rows

    out = _stdout_or(out)
    _check_out_file(out)
    with _store(ctx, must_exist=True) as store:
        rows = list(article_rows(store))
    if fmt == "json":
        import json

        _write_chunks((json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False) + "\n",), out)
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "outlet", "published", "date_estimated", "status", "title", "url", "source_path"])
        for r in rows:
            writer.writerow([r.id, r.outlet or "", r.published or "", "yes" if r.date_estimated else "no", r.status,
                             r.title or "", r.url or "", r.source_path or ""])
        _write_chunks((buffer.getvalue(),), out)
    else:
        _write_chunks(_article_lines(rows), out)


def _article_lines(rows: list[Any]) -> Iterable[str]:
    # Plain text, one article a line: greppable, and `cut -f1` gives the ids.
    from newstrace.corpus.terminal import one_line

    for r in rows:
        date = (r.published or "no date") + (" ~" if r.published and r.date_estimated else "")
        kind = r.status + (" primary" if r.is_primary else "")
        yield "\t".join((r.id, one_line(r.outlet) or "-", date, kind, one_line(r.title) or "-")) + "\n"


# -- provenance -----------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the clusters as JSON.")
@kb_option
@scheduler_option
@click.pass_context
def cluster(ctx: click.Context, as_json: bool, kb_paths: tuple[Path, ...], scheduler: str | None) -> None:
    """Group near-duplicate coverage and say why each pair is linked."""
    import json

    from newstrace.provenance.report import ProvenanceOptions, cluster_view

    with _store(ctx, must_exist=True) as store:
        clusters = cluster_view(store, ProvenanceOptions(kb_paths=kb_paths, scheduler=scheduler))
        titles = {a.id: a.title or a.id for a in store.iter_articles(statuses=None)} if not as_json else {}
    if as_json:
        click.echo(json.dumps(clusters, indent=2, ensure_ascii=False))
        return
    for entry in clusters:
        if len(entry["articles"]) < 2:
            continue
        click.echo(f"{_one_line(entry['id'])} ({len(entry['articles'])} articles)")
        for member in entry["articles"]:
            click.echo(f"  {_one_line(member)}  {_one_line(titles.get(member, ''))[:80]}")
        for link in entry["links"]:
            click.echo(f"    {_one_line(link['source'])} -> {_one_line(link['target'])}: {link['kind']} "
                       f"(jaccard {link['jaccard']}, containment {link['containment']}, cosine {link['cosine']}, "
                       f"shared figures {_one_line(', '.join(link['shared_figures'])) or '-'})")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["term", "json", "yaml"]), default="term", show_default=True,
              help="yaml writes a knowledge-base file that --kb reads back.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout ('-' for stdout).")
@kb_option
@click.pass_context
def sources(ctx: click.Context, fmt: str, out: Path | None, kb_paths: tuple[Path, ...]) -> None:
    """List the corpus's source registry: every source, however articles name it."""
    import json

    from newstrace.provenance.sources import registry_to_kb_yaml, sources_of_store

    out = _stdout_or(out)
    _check_out_file(out)
    with _store(ctx, must_exist=True) as store:
        registry = sources_of_store(store, kb_paths)
    if fmt == "yaml":
        _write_chunks((registry_to_kb_yaml(registry),), out)
    elif fmt == "json":
        _write_chunks((json.dumps(registry.to_dicts(), indent=2, ensure_ascii=False) + "\n",), out)
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table("source", "kind", "aliases seen", "articles", "mentions", "from")
        for entity in registry.entities:
            # Names come from the pages: plain Text, never rich markup.
            table.add_row(Text(entity.name), Text(entity.kind or "-"), Text(", ".join(entity.aliases) or "-"),
                          Text(str(len(entity.articles))), Text(str(entity.mentions)),
                          Text(f"kb ({entity.kb_id})" if entity.kb_id else "corpus"))
        if out is None:
            _console().print(table)
        else:
            from rich.console import Console

            from newstrace.corpus.atomic import atomic_open

            with atomic_open(out) as handle:
                Console(file=handle, width=160, color_system=None).print(table)


def _write_chunks(chunks: Iterable[str], out: Path | None) -> None:
    """Text to FILE or stdout, piece by piece: a JSON report or JSONL export of 20k articles is hundreds
    of MB, never held as one string."""
    if out is None:
        last = "\n"
        for chunk in chunks:
            click.echo(chunk, nl=False)
            last = chunk or last
        if not last.endswith("\n"):
            click.echo()  # a terminal prompt must not start after "</html>"
        return
    from newstrace.corpus.atomic import atomic_write

    atomic_write(out, chunks)  # a failed write keeps the previous file (I2)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["term", "md", "html", "json"]), default="term",
              show_default=True, help="term: for the terminal; md, html and json for files (html: a folder of pages).")
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Write to FILE, not stdout ('-' for stdout). For html: a folder DIR (DIR/index.html and its "
                   "pages), or NAME.html (the index) with its pages in NAME_files/.")
@kb_option
@scheduler_option
@click.pass_context
def report(ctx: click.Context, fmt: str, out: Path | None, kb_paths: tuple[Path, ...],
           scheduler: str | None) -> None:
    """Write the claim-provenance report (terminal, Markdown, HTML or JSON)."""
    from newstrace.provenance.export import texts_of
    from newstrace.provenance.report import ProvenanceOptions, analyse

    out = _stdout_or(out)
    if fmt == "html":
        _check_html_target(out)
    else:
        _check_out_file(out)
    with _store(ctx, must_exist=True) as store:
        result, corpus = analyse(store, ProvenanceOptions(kb_paths=kb_paths, scheduler=scheduler))
    _emit_report(result.to_dict(), fmt, out, texts_of(corpus) if fmt == "html" else None)


def _check_html_target(out: Path | None) -> None:
    """The HTML report is a folder of pages, so it needs a place on disk, checked before the analysis."""
    from newstrace.corpus.errors import UsageError

    if out is None:
        raise UsageError("--format html writes a folder of pages, not one stream; pass -o DIR or -o NAME.html")
    from newstrace.corpus.atomic import check_writable_folder
    from newstrace.provenance.render_html import HtmlLayout

    layout = HtmlLayout.for_target(out)
    if layout.index.is_dir() or (out.suffix.lower() not in (".html", ".htm") and out.is_file()):
        raise UsageError(f"{out} is in the way of the HTML report; pass -o DIR (a folder) or -o NAME.html")
    check_writable_folder(layout.folder)


def _check_out_file(out: Path | None) -> None:
    """A bad -o must stop the command before the analysis, not after it (I21)."""
    if out is not None and not (out.exists() and not out.is_file() and not out.is_dir()):
        from newstrace.corpus.atomic import check_writable_file

        check_writable_file(out)


def _emit_report(data: dict, fmt: str, out: Path | None, texts: Any = None) -> None:
    if fmt == "json":
        from newstrace.provenance.export import report_json_chunks

        _write_chunks(report_json_chunks(data), out)  # the JSON contract is the dict itself
        return
    from newstrace.provenance.views import report_view

    # The renderers take the typed view; the dict becomes one here, the only place the CLI holds it.
    view = report_view(data)
    if fmt == "md":
        from newstrace.provenance.render_md import iter_markdown

        _write_chunks(iter_markdown(view), out)
    elif fmt == "html":
        from newstrace.provenance.render_html import write_html_report

        assert out is not None  # _check_html_target refused stdout
        written = write_html_report(view, texts, out)
        _info(click.get_current_context(), f"wrote {written.pages} pages ({written.bytes / 1e6:.1f} MB) for "
                                           f"{written.index}; largest {written.largest[0]} "
                                           f"({written.largest[1] / 1e6:.2f} MB)")
    else:
        from newstrace.provenance.render_term import render_terminal

        if out is None:
            render_terminal(view, _console())
        else:
            from rich.console import Console

            from newstrace.corpus.atomic import atomic_open

            with atomic_open(out) as handle:
                render_terminal(view, Console(file=handle, width=120, color_system=None))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "graphml", "doccano", "label-studio", "prodigy", "sqlite"]),
              default="jsonl", show_default=True,
              help="jsonl: one annotated article a line; graphml: the citation graph; doccano, label-studio, "
                   "prodigy: tasks in that annotation tool's import format; sqlite: the report as tables "
                   "for Datasette (-o FILE.db; FILE.metadata.yml is written beside it).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout ('-' for stdout).")
@kb_option
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path | None, kb_paths: tuple[Path, ...]) -> None:
    """Export annotated articles as JSONL (spaCy/Prodigy/doccano spans) or the citation graph as GraphML."""
    from newstrace.provenance.export import graphml_chunks, jsonl_lines
    from newstrace.provenance.report import ProvenanceOptions, analyse

    out = _stdout_or(out)
    if fmt == "sqlite":
        _database_out(out)  # refused before the store is opened
    _check_out_file(out)
    with _store(ctx, must_exist=True) as store:
        result, corpus = analyse(store, ProvenanceOptions(kb_paths=kb_paths))
        registry = store.iter_sources() if fmt == "sqlite" else []
    from newstrace.provenance.human_annotations import human_spans

    corrected = {aid: human_spans(ann) for aid, ann in corpus.annotations.items() if human_spans(ann)}
    if fmt == "sqlite":
        from newstrace.provenance.report_tables import write_report

        meta = write_report(_database_out(out), result.to_dict(), registry, corrected)
        _info(ctx, f"wrote {out} and {meta}; browse with: datasette {out} -m {meta}")
    elif fmt == "graphml":
        _write_chunks(graphml_chunks(result, corrected), out)  # streamed: the joined document doubled peak memory
    elif fmt in ("doccano", "label-studio", "prodigy"):
        from newstrace.provenance.annotation_formats import export_chunks

        _write_chunks(export_chunks(fmt, result, corpus), out)
    else:
        _write_chunks((line + "\n" for line in jsonl_lines(result, corpus)), out)


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "doccano", "label-studio", "prodigy"]),
              default="auto", show_default=True,
              help="What FILE is; auto tells our JSONL from doccano, Label Studio and Prodigy files.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid lines and list the rejected ones.")
@click.pass_context
def import_(ctx: click.Context, file: Path, fmt: str, skip_invalid: bool) -> None:
    """Read an export back into the corpus: our JSONL, or annotation-tool files whose corrected
    statistic and source spans then replace what extract found (they survive extract --force)."""
    from newstrace.provenance.jsonl_import import import_file

    with _store(ctx) as store:
        result = import_file(file, store, fmt=fmt, skip_invalid=skip_invalid)
    for problem in result.rejected:
        click.echo(f"rejected: {_one_line(problem)}", err=True)
    for note in result.notes:
        click.echo(f"note: {_one_line(note)}", err=True)
    click.echo(f"import: {result.imported} imported, {result.unchanged} unchanged, "
               f"{len(result.rejected)} rejected", err=True)
    ctx.exit(EXIT_PARTIAL if result.rejected else 0)


@cli.command()
@source_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("newstrace-report"),
              show_default=True, help="Folder for report.html, report.md, report.json and export.jsonl.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for spaCy's nlp.pipe.")
@kb_option
@scheduler_option
@click.pass_context
def run(ctx: click.Context, sources: tuple[str, ...], inputs: tuple[str, ...], out: Path, workers: int,
        kb_paths: tuple[Path, ...], scheduler: str | None, **options: Any) -> None:
    """The whole pipeline: ingest SOURCES, extract, cluster, trace and write the reports.

    \b
    Example:
      newstrace run --allow-private -i urls.txt --out report/
    """
    from newstrace.corpus.atomic import check_writable_folder

    check_writable_folder(out)  # a bad --out is found before ingest, not after extract (I21)
    _start_extraction_early(sources, options["extract_workers"])
    from newstrace.extract.models import check_models
    from newstrace.extract.pipeline import ExtractOptions
    from newstrace.provenance.report import ProvenanceOptions
    from newstrace.runner import RunOptions
    from newstrace.runner import run as run_pipeline

    check_models()  # a missing model must stop the run before the store is even opened
    items = _expand(ctx, sources, inputs)
    run_options = RunOptions(ingest=_ingest_options(**options),
                             extract=ExtractOptions(workers=workers, batch_size=32, kb_paths=kb_paths),
                             provenance=ProvenanceOptions(kb_paths=kb_paths, scheduler=scheduler), out=out)
    quiet, cancel = _verbosity(ctx) < 0, _cancel_of(ctx)
    with contextlib.ExitStack() as displays, _store(ctx) as store:
        on_item = displays.enter_context(_ingest_display(ctx))
        on_batch: list[Callable[[int, int], None]] = []

        def progress(event: Any) -> None:
            if event.stage == "ingest":
                on_item(event.item)
            elif event.stage == "ingested":
                displays.close()  # the ingest bar goes before its summary line
                _ingest_done(ctx, event.summary)
                on_batch.append(displays.enter_context(_extract_display(quiet, cancel)))
            elif event.stage == "extract":
                on_batch[-1](event.done, event.total)
            elif event.stage == "extracted":
                displays.close()
                _extract_done(event.summary, quiet)

        summary = run_pipeline(items, store, run_options, progress=progress, cancel=cancel)
    written = summary.written
    assert written is not None  # out was given
    s = written.data["summary"]
    click.echo(f"report: {s['articles']} articles, {s['clusters']} coverage clusters, {s['figures']} figure "
               f"families ({s['flagged']} flagged), {s['conflicts']} conflicts", err=True)
    if written.reused:
        click.echo(f"unchanged since the last run, not rendered again: {', '.join(written.reused)}", err=True)
    click.echo(f"wrote {out / 'report.html'} (also report.md, report.json, export.jsonl)")
    ctx.exit(summary.exit_code)


@cli.command()
@click.option("--from", "source", required=True, help="Database to read (path or URL).")
@click.option("--to", "target", required=True, help="Database to write (path or URL).")
def copy(source: str, target: str) -> None:
    """Copy a corpus with its annotations between databases (SQLite <-> PostgreSQL)."""
    from newstrace.corpus.store import Store, copy_store

    _require_database(source, "--from")
    with Store.open(source) as src, Store.open(target) as dst:
        counts = copy_store(src, dst)
    click.echo("copy: " + ", ".join(f"{n} {table}" for table, n in counts.items()), err=True)


def _console() -> Any:
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich's own handling exits 1; a reader that stopped early (`| head`) is no failure,
            # so the group's BrokenPipeError handler ends the command with 0 like every other output.
            raise BrokenPipeError

    return PipeConsole(highlight=False)


def _db_here(ctx: click.Context, _param: Any, value: str | None) -> None:
    # `newstrace report --db x.db` and `newstrace --db x.db report` mean the same; the later one wins.
    if value is not None:
        ctx.obj["db"] = value


def _accept_db_after_command() -> None:
    for name, command in cli.commands.items():
        if name == "copy" or any(p.name == "db_here" for p in command.params):
            continue  # copy names its databases with --from and --to
        command.params.append(click.Option(["--db", "db_here"], default=None, expose_value=False, callback=_db_here,
                                           metavar="DB", help="Same as `newstrace --db DB`: SQLite file or postgresql:// URL."))


_accept_db_after_command()


def main() -> None:
    cli(prog_name="newstrace")


if __name__ == "__main__":
    main()
