"""The model floors: what the pipeline's work costs with nothing of ours around it.

Run by bench.pipeline_benchmark, one floor per child process so each pays its
own imports and model loads (as our stages do) and gets its own peak memory:

    python -m bench.floors trafilatura --pages DIR --out FILE
    python -m bench.floors spacy --db STORE --out FILE
    python -m bench.floors embed --db STORE --out FILE
    python -m bench.floors embed-figures --db STORE --out FILE

- trafilatura: bare `trafilatura.extract` over every generated page's HTML;
- spacy: bare `nlp.pipe` with the pipeline `extract` uses (the packaged model plus
  our KB components) over the texts `extract` annotates (status ok, English, not
  too long: the same filter), spaCy's default batch size, one process;
- embed: bare `embed_texts` over `article_representation(title, text)` of those texts;
- embed-figures: bare `embed_texts` over the distinct figure contexts (`figure_context`
  of every stored statistic, each distinct string once) that `extract` also embeds;
  read from the stored annotations, so it runs after `extract`.
The JSON written has the item count and the seconds spent loading and working.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class FloorResult:
    kind: str
    items: int
    chars: int
    load_seconds: float
    work_seconds: float
    detail: str = ""


def trafilatura_floor(pages: Path) -> FloorResult:
    started = time.perf_counter()
    import trafilatura

    loaded = time.perf_counter()
    items = chars = 0
    for path in sorted(pages.glob("*.html")):
        text = trafilatura.extract(path.read_bytes().decode("utf-8", "replace")) or ""
        items += 1
        chars += len(text)
    return FloorResult("trafilatura", items, chars, loaded - started, time.perf_counter() - loaded)


def _annotatable(db: str) -> Iterator[tuple[str | None, str]]:
    """(title, text) of the articles `extract` would annotate, in store order."""
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import ExtractOptions

    options = ExtractOptions()
    with Store.open(db, migrate=False) as store:
        for article in store.iter_articles():
            if article.language and article.language not in options.languages:
                continue
            if len(article.text) > options.max_chars:
                continue
            yield article.title, article.text


def spacy_floor(db: str) -> FloorResult:
    started = time.perf_counter()
    from newstrace.extract.entities import kb_pipeline
    from newstrace.extract.kb import load_kb

    nlp = kb_pipeline(load_kb())
    texts = [text for _, text in _annotatable(db)]
    loaded = time.perf_counter()
    items = 0
    for _ in nlp.pipe(texts):
        items += 1
    return FloorResult("spacy", items, sum(map(len, texts)), loaded - started, time.perf_counter() - loaded,
                       f"batch_size={nlp.batch_size} pipes={','.join(nlp.pipe_names)}")


def embed_floor(db: str) -> FloorResult:
    started = time.perf_counter()
    from newstrace.extract.embed import article_representation, embed_texts

    texts = [article_representation(title, text) for title, text in _annotatable(db)]
    embed_texts(["warm-up"])  # the model load, timed apart from the encoding
    loaded = time.perf_counter()
    embed_texts(texts)
    return FloorResult("embed", len(texts), sum(map(len, texts)), loaded - started, time.perf_counter() - loaded)


def embed_figures_floor(db: str) -> FloorResult:
    started = time.perf_counter()
    from newstrace.corpus.store import Store
    from newstrace.extract.embed import embed_texts
    from newstrace.extract.pipeline import figure_context, load_annotations

    with Store.open(db, migrate=False) as store:
        texts = {a.id: a.text for a in store.iter_articles()}
        mentions = [figure_context(texts[aid], stat) for aid, status, ann in load_annotations(store)
                    if status == "annotated" and aid in texts for stat in ann.statistics]
    # The floor encodes each distinct context once: less work than that is not possible.
    contexts = list(dict.fromkeys(mentions))
    embed_texts(["warm-up"])
    loaded = time.perf_counter()
    embed_texts(contexts)
    return FloorResult("embed-figures", len(contexts), sum(map(len, contexts)), loaded - started,
                       time.perf_counter() - loaded, f"{len(mentions)} figure mentions, {len(contexts)} distinct")


FLOORS: dict[str, Callable[[argparse.Namespace], FloorResult]] = {
    "trafilatura": lambda a: trafilatura_floor(a.pages),
    "spacy": lambda a: spacy_floor(a.db),
    "embed": lambda a: embed_floor(a.db),
    "embed-figures": lambda a: embed_figures_floor(a.db),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(FLOORS))
    parser.add_argument("--pages", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = FLOORS[args.kind](args)
    args.out.write_text(json.dumps(asdict(result), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
