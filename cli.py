"""The `newstrace` command line: a thin layer over the library.

Each command parses options, calls one library function and prints. Heavy
modules (the stages, and through them spaCy and torch) are imported inside
the commands, so `newstrace --help` stays fast.

Exit codes: 0 all good, 1 some items failed, 2 usage error, 3 environment or
storage failure, 130/143 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_PARTIAL, EXIT_USAGE, EXIT_ENV = 1, 2, 3


class Group(click.Group):
    """Turn library errors into one line naming the fix, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from corpus.errors import StoreError, UsageError

        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _fail(ctx, exc, EXIT_USAGE)
        except StoreError as exc:
            _fail(ctx, exc, EXIT_ENV)
        except KeyboardInterrupt:
            click.echo("interrupted: committed work is kept; rerun the same command to resume", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a CLI
            if _debug(ctx):
                raise
            from extract.models import ModelUnavailable

            code = EXIT_ENV if isinstance(exc, (ModelUnavailable, OSError)) else 1
            _fail(ctx, exc, code, prefix=f"{type(exc).__name__}: ")


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.params.get("debug"))


def _fail(ctx: click.Context, exc: BaseException, code: int, prefix: str = "") -> None:
    if _debug(ctx):
        raise exc
    click.echo(f"Error: {prefix}{_one_line(str(exc))}", err=True)
    ctx.exit(code)


def _one_line(text: str) -> str:
    # Scraped strings can carry terminal escapes; never replay them to the user's terminal.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.option("--db", envvar="NEWSTRACE_DB", default="newstrace.db", show_default=True,
              help="SQLite file, or a postgresql:// URL (env NEWSTRACE_DB).")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="newstrace")
@click.pass_context
def cli(ctx: click.Context, db: str, debug: bool) -> None:
    """Trace figures in news coverage back to their primary sources.

    \b
    Typical session:
      newstrace ingest --primary study.html
      newstrace run -i urls.txt --out report/
      newstrace show ARTICLE_ID
    """
    ctx.obj = {"db": db}
    # SIGTERM should end like Ctrl-C: the open transaction rolls back, committed rows stay.
    signal.signal(signal.SIGTERM, _sigterm)


def _sigterm(signum: int, frame: Any) -> None:
    click.echo("terminated: committed work is kept; rerun the same command to resume", err=True)
    sys.exit(143)


def _store(ctx: click.Context) -> Any:
    from corpus.store import Store

    return Store.open(ctx.obj["db"])


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
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _ingest_options(primary: bool, allow_private: bool, rate: float, timeout: float, max_bytes: int,
                    respect_robots: bool, user_agent: str | None, proxy: str | None,
                    extract_timeout: float) -> Any:
    from corpus.fetch import FetchOptions
    from corpus.ingest import IngestOptions

    fetch_kwargs: dict[str, Any] = dict(timeout=timeout, max_bytes=max_bytes, rate=rate,
                                        allow_private=allow_private, respect_robots=respect_robots, proxy=proxy)
    if user_agent:
        fetch_kwargs["user_agent"] = user_agent
    return IngestOptions(primary=primary, fetch=FetchOptions(**fetch_kwargs), extract_timeout=extract_timeout)


def _run_ingest(ctx: click.Context, store: Any, sources: tuple[str, ...], inputs: tuple[str, ...],
                **options: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus.errors import UsageError
    from corpus.ingest import expand_sources, ingest

    if not sources and not inputs:
        raise UsageError("nothing to ingest; give URLs, files or folders, or -i FILE (one per line)")
    items = list(expand_sources(sources, inputs))
    console = _stderr_console()
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as progress:
        task = progress.add_task("", total=len(items))

        def on_item(result: Any) -> None:
            if result.status not in ("ok", "duplicate", "unchanged", "no_article"):
                progress.console.print(f"failed: {_one_line(result.source.label)}: "
                                       f"{result.status}({_one_line(result.reason or '')})", markup=False)
            progress.update(task, advance=1, description=_one_line(result.source.ref)[-60:])

        summary = ingest(items, store, _ingest_options(**options), on_item=on_item)
    click.echo(f"ingest: {summary.ok} ok, {summary.duplicate} duplicate, {summary.unchanged} unchanged, "
               f"{summary.no_article} no_article, {summary.failed} failed", err=True)
    return summary


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
    with _store(ctx) as store:
        summary = _run_ingest(ctx, store, sources, inputs, **options)
    ctx.exit(summary.exit_code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """List the corpus: counts by status, then every failure with its reason."""
    import json

    with _store(ctx) as store:
        counts = store.counts()
        failures = store.failures()
        invalid = store.invalid_inputs()
    if as_json:
        click.echo(json.dumps({"counts": counts, "failures": failures, "invalid_inputs": invalid}, indent=2))
        return
    from rich.table import Table

    console = _console()
    table = Table("status", "articles", title="corpus")
    for name, number in sorted(counts.items()):
        table.add_row(name, str(number))
    console.print(table)
    if failures or invalid:
        problems = Table("id", "input", "status", "reason", "attempts", title="failures")
        for row in failures:
            problems.add_row(row["id"], _one_line(row["url"] or row["source_path"] or ""), row["status"],
                             _one_line(row["reason"] or ""), str(row["attempts"]))
        for row in invalid:
            problems.add_row("-", _one_line(row["input"]), "invalid_input", _one_line(row["reason"] or ""), "0")
        console.print(problems)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def main() -> None:
    cli(prog_name="newstrace")


if __name__ == "__main__":
    main()
