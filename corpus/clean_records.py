"""What the cleaning stage is asked to do (`CleanOptions`) and what it returns for a page (`ExtractedPage`)."""

from __future__ import annotations

from dataclasses import dataclass

from .records import Extracted


@dataclass(frozen=True)
class CleanOptions:
    """Extraction settings; the defaults were chosen on the extraction benchmark.

    Measured with bench/extract_benchmark.py (181 pages, F1 of trafilatura's
    text alone): default 0.953, without comments 0.960, favor_recall 0.959,
    favor_precision 0.964, without tables 0.957. Comments are reader
    chatter, and tables carry figures, so: precision, no comments, tables.
    `fast` skips trafilatura's second opinion from readability and jusText:
    with our cleaning F1 0.975 with it, 0.974 without (it fixed one page and
    broke another), for a quarter less extraction time.
    """

    favor_precision: bool = True
    fast: bool = True
    # Off where the caller detects the language itself (ingest does, in its
    # own process, so the extraction worker neither loads nor runs the model).
    detect_language: bool = True
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    drop_boilerplate: bool = True
    extensive_date_search: bool = True


@dataclass(frozen=True)
class ExtractedPage(Extracted):
    """An `Extracted` plus what the cleaner noticed on the way.

    `flags` carries conditions `is_article` needs ("parser_depth", "paywall");
    `dropped` lists the boilerplate lines removed, so a reviewer can check
    that no story sentence went with them.
    """

    flags: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
