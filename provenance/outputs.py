"""The report folder `newstrace run` writes: report.json, report.md, report.html and export.jsonl.

report.html is the HTML report's index; its other pages are in report_files/ beside it.

An unchanged corpus gives the same report, and on a rerun rendering the HTML
and Markdown views was most of the time left. So the folder keeps a small
manifest of what those two views were rendered from (a digest of the report
JSON without its timestamp, of the texts the HTML quotes and of the
renderers' own source) and of the files as written; a view is rendered
again only when one of those changed or its file is missing or was edited
since. report.json and export.jsonl are always written: they cost little
next to the rendering and carry everything a downstream tool reads. A view
kept from an earlier run still shows the time it was rendered, which is the
time of the report it shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from newstrace.corpus.atomic import atomic_write

from . import article_names, article_paint, display, graph_svg, render_html, render_md, timeline_svg
from .coverage import Corpus
from .export import jsonl_lines, report_json_parts, texts_of
from .records import Report
from .views import ReportView, report_view

MANIFEST = ".newstrace-outputs.json"
# Bump when the manifest's meaning changes; renderer code changes are caught by hashing their source.
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class WrittenOutputs:
    folder: Path
    data: dict[str, Any]  # the report contract, as written to report.json
    rendered: tuple[str, ...]  # file names written this time
    reused: tuple[str, ...]  # file names left as they were: nothing they show had changed


def write_outputs(report: Report, corpus: Corpus, folder: Path) -> WrittenOutputs:
    """Write the four report files into `folder`, skipping views whose inputs are unchanged."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from newstrace.corpus.atomic import OutputError, describe_write_error

        raise OutputError(describe_write_error(folder, exc)) from exc
    data = report.to_dict()
    report_digest = _write_report_json(folder / "report.json", data)
    _write_hashed(folder / "export.jsonl", (line + "\n" for line in jsonl_lines(report, corpus)))
    texts = texts_of(corpus)
    keys = {
        "report.md": _digest("md", report_digest, _source_digest(render_md, render_html, article_names, display),
                             _files_digest(render_html.template_files())),
        # report.html is the index; its pages are in report_files/ (render_html.write_html_report).
        "report.html": _digest("html", report_digest, _texts_digest(texts),
                               _source_digest(render_html, article_names, article_paint, graph_svg, timeline_svg,
                                              display), _files_digest(render_html.template_files())),
    }
    before = _read_manifest(folder)
    rendered, reused, files = ["report.json", "export.jsonl"], [], {}
    view: ReportView | None = None  # read from the dict once, and only if a view is rendered
    for name, key in keys.items():
        path = folder / name
        previous = before.get(name)
        if (isinstance(previous, dict) and previous.get("key") == key
                and _file_digest(path) == previous.get("sha256")
                and (name != "report.html" or render_html.HtmlLayout.for_target(path).folder.is_dir())):
            reused.append(name)
            files[name] = previous
            continue
        if view is None:
            view = report_view(data)
        if name == "report.md":
            files[name] = {"key": key, "sha256": _write_hashed(path, render_md.iter_markdown(view))}
        else:
            files[name] = {"key": key, "sha256": render_html.write_html_report(view, texts, path).index_sha256}
        rendered.append(name)
    _write_manifest(folder, files)
    return WrittenOutputs(folder, data, tuple(rendered), tuple(reused))


def _write_report_json(path: Path, data: Mapping[str, Any]) -> str:
    """Write report.json and return the digest of the report minus the moment it was generated.

    A rerun on the same corpus differs only there, and re-rendering a view for
    a new timestamp is the cost this module avoids. The digest is taken from
    the chunks as they are written (encoding a 20k report again cost 4 s): all
    of them but the summary's, then the summary without its timestamp.
    """
    digest = hashlib.sha256()

    def chunks() -> Iterator[str]:
        for key, chunk in report_json_parts(data):
            if key != "summary":
                digest.update(chunk.encode("utf-8"))
            yield chunk

    _write_hashed(path, chunks())
    summary = {key: value for key, value in data["summary"].items() if key != "generated_at"}
    digest.update(json.dumps(summary, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _write_hashed(path: Path, chunks: Iterable[str]) -> str:
    """Write text chunks to `path` atomically (corpus.atomic: temp file, fsync, rename, so a crash or a
    full disk never leaves half a view) and return the sha256 of the bytes written."""
    return atomic_write(path, chunks)


def _file_digest(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join((str(MANIFEST_VERSION), *parts)).encode()).hexdigest()


def _texts_digest(texts: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for article_id in sorted(texts):
        digest.update(f"\x00{article_id}\x00{len(texts[article_id])}\x00".encode())
        digest.update(texts[article_id].encode("utf-8"))
    return digest.hexdigest()


def _source_digest(*modules: ModuleType) -> str:
    # A renderer change must re-render even when the report is the same, and nobody remembers
    # to bump a version constant for a CSS tweak: hash the code that produces the view.
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _files_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def _read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: render everything
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        return {}
    files = manifest.get("files")
    return files if isinstance(files, dict) else {}


def _write_manifest(folder: Path, files: Mapping[str, Mapping[str, str]]) -> None:
    _write_hashed(folder / MANIFEST, (json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=2) + "\n",))
