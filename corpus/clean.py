"""Turn a page (decoded HTML) or a saved .txt article into clean body text: the public surface.

The pipeline for HTML is: parse -> trafilatura -> our own line-level
boilerplate pass -> language/no-article decisions. Plain-text files skip the
first two steps. The pieces live in modules named for what they hold:

- clean_records: `CleanOptions`, `ExtractedPage`
- boilerplate: the line rules (data) and `clean_body`
- links: the page's anchors placed back in the extracted text
- page_metadata: title, author, date and site name
- html_extract: `extract_html` (trafilatura and the passes above)
- text_file: `parse_text_file`
- article_check: `is_article`, the no-article decision
- extraction_worker: a killable extraction process and its job handles
- extraction_pool: `ExtractionPool` (owned by a run or an ingest) and the process-wide default

trafilatura has no wall-clock limit in library mode and segfaults when
`extract()` runs in several threads at once, so callers that handle untrusted
pages go through `extract_in_worker` / `start_extraction`, which run
`extract_html` in a separate, killable process.
"""

from __future__ import annotations

from .article_check import MIN_ARTICLE_CHARS, PAYWALL_TEASER_MAX_CHARS, is_article
from .boilerplate import CleanedBody, boilerplate_reason, clean_body, is_auto_generated_note
from .clean_records import CleanOptions, ExtractedPage
from .extraction_pool import (
    ExtractionPool,
    claim_pool,
    close_workers,
    default_worker,
    default_worker_count,
    extract_in_worker,
    start_extraction,
    start_workers,
)
from .extraction_worker import (
    DEFAULT_EXTRACT_TIMEOUT_S,
    ExtractionCancelled,
    ExtractionTimeout,
    ExtractionWorker,
    ExtractorCrashed,
    PendingCall,
    wait_for_calls,
)
from .html_extract import drop_control_references, extract_html
from .text_file import parse_text_file

__all__ = [
    "DEFAULT_EXTRACT_TIMEOUT_S",
    "MIN_ARTICLE_CHARS",
    "PAYWALL_TEASER_MAX_CHARS",
    "CleanOptions",
    "CleanedBody",
    "ExtractedPage",
    "ExtractionCancelled",
    "ExtractionPool",
    "ExtractionTimeout",
    "ExtractionWorker",
    "ExtractorCrashed",
    "PendingCall",
    "boilerplate_reason",
    "claim_pool",
    "clean_body",
    "close_workers",
    "default_worker",
    "default_worker_count",
    "drop_control_references",
    "extract_html",
    "extract_in_worker",
    "is_article",
    "is_auto_generated_note",
    "parse_text_file",
    "start_extraction",
    "start_workers",
    "wait_for_calls",
]
