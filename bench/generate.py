"""Generate a news corpus of N pages that looks like real coverage, with its ground truth.

Run from the repository root:

    python -m bench.generate --size 1000 --out bench/out/corpus-1000 [--seed 7] [--sources 181]

Input (read at run time, never copied): the 181 real pages of
../shared/benchmarks/article-extraction-benchmark (html/*.html.gz) and their
gold article bodies (ground-truth.json).

Output, in --out:
- p000000.html ... one file per page;
- truth.json: {"generator", "seed", "size", "sources", "pages": [{"page", "id", "story", "how",
  "source"}]} where `story` is the id of the original page the page derives from (its own id
  for originals and unrelated pages) and `how` is original | copy | rewrite;
- manifest.json: the parameters, so a later run can reuse the folder.

How pages are made:
- original: a source page, byte for byte (the real page with its real boilerplate);
- copy: the gold article text of a source inside one of our outlet templates
  (bench/templates.py), sometimes with a syndication credit line;
- rewrite: the same, after bench/rewrite.py dropped, reordered, reworded and rounded;
- unrelated: about 15% of the chosen sources get no copies or rewrites, so they stand alone.
Which story a derived page belongs to is drawn with log-normal weights, so a few
stories get wide coverage and most get a little. With only 181 real stories, the
mean coverage per story grows with N (about 5 pages per story at 1k, 110 at 20k).

Every page is rendered from its own seed (seed and page index), so pages are
written one at a time and nothing but the plan (a few fields per page) is held
in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from .rewrite import paragraphs, rewrite_body, rewrite_title
from .templates import OUTLETS, PageContent, render, slug

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "benchmarks" / "article-extraction-benchmark"
GENERATOR = "bench.generate/1"
UNRELATED_SHARE = 0.15
COPY_SHARE = 0.45
CREDIT_SHARE = 0.3
# Derived pages are dated after every benchmark original (2019-2020), so an
# original is always the earliest page of its story, as it would be in reality.
DERIVED_EPOCH = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.timezone.utc)
AUTHORS = ("Staff reporter", "Dana Whitfield", "Omar Lindqvist", "Priya Raman", "Tomás Ferreira",
           "Grace Okafor", "Lena Hoffmann", "Wire desk", "Sam Castellano", "Mei Tanaka")
_TITLE_PATTERNS = (
    re.compile(r'<meta[^>]+property=["\']og:title["\'][^>]+content=["\']([^"\']+)', re.I),
    re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S),
)


@dataclass(frozen=True)
class Source:
    key: str
    url: str
    title: str
    body: str


@dataclass(frozen=True)
class PagePlan:
    index: int
    page_id: str
    how: str  # original | copy | rewrite
    source: str  # benchmark item key
    story: str  # page id of the story's original


@dataclass(frozen=True)
class GenerationParams:
    size: int
    seed: int
    max_sources: int | None

    def manifest(self) -> dict[str, object]:
        return {"generator": GENERATOR, **asdict(self)}


@dataclass(frozen=True)
class GenerationSummary:
    out: Path
    pages: int
    counts: dict[str, int]
    stories: int
    reused: bool


class MissingData(RuntimeError):
    """The benchmark pages are not where we read them from."""


def require_data(data: Path = DATA) -> Path:
    if not (data / "ground-truth.json").is_file() or not (data / "html").is_dir():
        raise MissingData(f"benchmark data not found: {data} (clone ../shared beside the repository)")
    return data


def load_sources(data: Path = DATA) -> dict[str, Source]:
    """Gold bodies and page titles of every benchmark item, keyed by item id."""
    gold = json.loads((require_data(data) / "ground-truth.json").read_text(encoding="utf-8"))
    out = {}
    for key in sorted(gold):
        item = gold[key]
        out[key] = Source(key, item.get("url", ""), _page_title(data, key, item.get("articleBody", "")),
                          item.get("articleBody", ""))
    return out


def _page_title(data: Path, key: str, body: str) -> str:
    raw = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
    for pattern in _TITLE_PATTERNS:
        match = pattern.search(raw)
        if match and match.group(1).strip():
            return " ".join(html.unescape(match.group(1)).split())
    # No title on the page: the first line of the story stands in, as a headline would.
    return (paragraphs(body) or ["Untitled"])[0][:90]


def plan_pages(keys: Sequence[str], params: GenerationParams) -> list[PagePlan]:
    """Decide, for every page index, what it is; deterministic in (keys, params)."""
    rng = random.Random(f"{params.seed}/plan")
    pool = sorted(keys)
    limit = min(len(pool), params.size, params.max_sources or len(pool))
    chosen = rng.sample(pool, limit)
    unrelated = round(limit * UNRELATED_SHARE) if limit > 3 else 0
    stories = chosen[unrelated:]
    weights = [rng.lognormvariate(0.0, 0.75) for _ in stories]
    kinds: list[tuple[str, str]] = [("original", key) for key in chosen]
    for _ in range(params.size - limit):
        story = rng.choices(stories, weights)[0]
        kinds.append(("copy" if rng.random() < COPY_SHARE else "rewrite", story))
    # Shuffled file order: ingest meets copies before their originals, as a crawl would.
    order = list(range(len(kinds)))
    rng.shuffle(order)
    page_ids = {position: f"p{index:06d}" for index, position in enumerate(order)}
    original_page = {key: page_ids[position] for position, (how, key) in enumerate(kinds) if how == "original"}
    plans = [PagePlan(index=int(page_ids[position][1:]), page_id=page_ids[position], how=how, source=key,
                      story=original_page[key]) for position, (how, key) in enumerate(kinds)]
    return sorted(plans, key=lambda p: p.index)


def render_page(plan: PagePlan, sources: dict[str, Source], params: GenerationParams, data: Path) -> bytes:
    if plan.how == "original":
        return gzip.decompress((data / "html" / f"{plan.source}.html.gz").read_bytes())
    layout, content = derived_content(plan, sources, params)
    return render(layout, content).encode("utf-8")


def derived_content(plan: PagePlan, sources: dict[str, Source], params: GenerationParams) -> tuple[int, PageContent]:
    """The layout and content of a copy or rewrite page (everything but the HTML)."""
    rng = random.Random(f"{params.seed}/page/{plan.index}")
    source = sources[plan.source]
    outlet = rng.choice(OUTLETS)
    published = DERIVED_EPOCH + dt.timedelta(days=_story_day(plan.story), hours=rng.randint(1, 72),
                                             minutes=rng.randint(0, 59))
    if plan.how == "copy":
        title, body = source.title, tuple(paragraphs(source.body))
    else:
        title, body = rewrite_title(source.title, rng), tuple(rewrite_body(source.body, rng))
    others = [s for s in sorted(sources) if s != plan.source]
    related = tuple((sources[k].title, f"https://{outlet.domain}/{published.year}/{slug(sources[k].title)}")
                    for k in rng.sample(others, min(5, len(others))))
    origin = urlparse(source.url).netloc or "the original publisher"
    content = PageContent(
        title=title, paragraphs=body, outlet=outlet,
        url=f"https://{outlet.domain}/{published:%Y/%m}/{slug(title)}-{plan.page_id}",
        published=published.strftime("%Y-%m-%dT%H:%M:%SZ"), section=rng.choice(outlet.sections),
        author=rng.choice(AUTHORS), related=related,
        credit=f"This article first appeared on {origin}." if rng.random() < CREDIT_SHARE else None)
    return rng.randrange(4), content


def _story_day(story: str) -> int:
    # Stories spread over a month of coverage, fixed per story so all its pages cluster in time.
    return int(story[1:]) * 7 % 30


def generate(out: Path, params: GenerationParams, data: Path = DATA, *, reuse: bool = True) -> GenerationSummary:
    """Write the pages and truth.json into `out`; reuse a complete earlier run with the same parameters."""
    require_data(data)
    manifest_path = out / "manifest.json"
    if reuse and _complete(out, params):
        counts = json.loads(manifest_path.read_text(encoding="utf-8"))["counts"]
        return GenerationSummary(out, params.size, counts, counts.get("stories", 0), True)
    sources = load_sources(data)
    plans = plan_pages(list(sources), params)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    for stale in out.glob("p*.html"):
        stale.unlink()
    with (out / "truth.json").open("w", encoding="utf-8") as truth:
        _write_truth(truth, params, _write_pages(out, plans, sources, params, data))
    counts = dict(Counter(p.how for p in plans))
    counts["stories"] = len({p.story for p in plans if p.how != "original"})
    manifest_path.write_text(json.dumps({**params.manifest(), "counts": counts}, indent=2), encoding="utf-8")
    return GenerationSummary(out, len(plans), counts, counts["stories"], False)


def _write_pages(out: Path, plans: Sequence[PagePlan], sources: dict[str, Source], params: GenerationParams,
                 data: Path) -> Iterator[PagePlan]:
    for plan in plans:
        (out / f"{plan.page_id}.html").write_bytes(render_page(plan, sources, params, data))
        yield plan


def _write_truth(handle: IO[str], params: GenerationParams, plans: Iterator[PagePlan]) -> None:
    # Written entry by entry, so a 20k-page truth never sits in memory as one structure.
    header = json.dumps({**params.manifest()})[:-1]
    handle.write(header + ', "pages": [\n')
    for number, plan in enumerate(plans):
        entry = {"page": f"{plan.page_id}.html", "id": plan.page_id, "story": plan.story, "how": plan.how,
                 "source": plan.source}
        handle.write(("" if number == 0 else ",\n") + json.dumps(entry))
    handle.write("\n]}\n")


def _complete(out: Path, params: GenerationParams) -> bool:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    same = all(manifest.get(k) == v for k, v in params.manifest().items())
    return same and (out / "truth.json").is_file() and sum(1 for _ in out.glob("p*.html")) == params.size


def read_truth(out: Path) -> dict[str, dict[str, str]]:
    """page file name -> its truth entry."""
    data = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return {entry["page"]: entry for entry in data["pages"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sources", type=int, default=None, help="use at most this many benchmark pages")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    out = args.out or REPO / "bench" / "out" / f"corpus-{args.size}"
    try:
        summary = generate(out, GenerationParams(args.size, args.seed, args.sources), args.data, reuse=False)
    except MissingData as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {summary.pages} pages to {summary.out}: {summary.counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
