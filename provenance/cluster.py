"""Coverage clusters: articles that are copies or rewrites of one story.

Four generators propose candidate pairs without comparing all pairs:

* MinHash LSH over word shingles (the bands of datasketch's `MinHashLSH`,
  `band_keys`) proposes pairs with a high Jaccard similarity: syndicated
  copies with different page furniture.
* an inverted index of whole sentences proposes pairs that share a sentence
  of eight words or more: a short wire story quoted in full inside a longer
  page, which Jaccard misses because the page's extra text swamps the union.
  (datasketch's `MinHashLSHEnsemble` was measured for this first: on 2,000
  synthetic articles it found 69 of 80 planted containments and took 12.5 s;
  a verbatim copy always shares its sentences, so the index finds all 80, in
  well under a second.)
* nearest neighbours of the title-and-lead embeddings (k per article)
  propose rewrites (translations, auto-summaries, paraphrases), which share
  few shingles or sentences.
* an index of figures proposes spun copies (many figures in common, few
  words) and pages the encoder cannot read as a pair (two languages, or both
  in a language other than English) that state one distinctive amount: the
  embeddings are English-only, so a translation, or two retellings in Spanish,
  are found and judged by their figures (`_decide_by_figures_alone`).

Every candidate pair is then measured exactly (Jaccard and containment of the
shingle sets, cosine, shared figures and entities) and accepted or not by
`_decide`; clusters are the connected components of the accepted links.
Each step is a public stage (`prepare`, `band_keys`, `sentence_keys`,
`bucket_pairs`, `neighbour_pairs`, `figure_candidates`, `evaluate`,
`components`, `assemble_result`); `cluster_documents` runs them here and
`provenance.cluster_dask` runs the same ones on a Dask cluster.
Pairs grow linearly with the corpus: LSH buckets hold near-duplicates only,
each boilerplate-free sentence is shared by few articles (and sentences on
more than `sentence_max_df` pages are skipped), and each article has k
neighbours. `ClusterStats` reports the counts. The neighbour search itself
is an exact BLAS scan, quadratic in arithmetic but light: 100,000 articles
x 384 dimensions is minutes on a laptop; past a few hundred thousand an
approximate index would be needed.

Embeddings alone cannot separate stories on one theme: on the seed articles
the two unrelated stories about Chinese open models score cosine 0.80 with
each other, about as high as a story with its own rewrite (0.83-0.85). So a rewrite
link needs corroboration from the facts: at least two shared figures, or a
large share of distinctive entities in common (weighted by rarity in the
corpus, so that OpenAI and Google, which every article on the theme names,
count for little). Only a cosine too high for a mere shared theme is taken
on its own.

Stories, not topics: coverage of one release and coverage of the next edition
share their words, their source and their phrasing (a monthly statistics
report is written from a template), so textual evidence alone joins them. The
facts keep them apart (`_story_conflict`): two groups of articles are not
joined when they name different editions of one series ("Digital News Report
2022" / "2023", "the July jobs report" / "the June jobs report"), when their
stated publication dates lie further apart than `max_date_gap_days`, or when
their lead figures disagree for different periods (73,000 for July against
147,000 for June, and neither states the other's figure). The check is made
between the two clusters a link would join, not only between its two
articles, so a chain through an undated page cannot join what the dated ones
keep apart. Agreement is recorded too: every link carries `reasons`, the
evidence for it (shared figures with their period, the same edition, close
dates) and any against that was not decisive; links the facts refused are
kept in `ClusterResult.separated` with the reason. Estimated dates take no
part (`ClusterDoc.published` is a stated date or None).

Orientation: `source` is the article that comes first by `_precedence`:
earliest `published` (ISO 8601 strings compare as text; undated articles
come after dated ones), then the longer text (the fuller version is more
likely the original a shorter one was cut from), then the lower id. The same
order picks a cluster's representative, so the representative is never the
target of a link.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any, Literal

import numpy as np

LinkKind = Literal["copy", "rewrite"]

_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
# Per-position multipliers make "a b c" and "c b a" hash differently.
_POSITION_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


@dataclass(frozen=True)
class ClusterDoc:
    """One article as the clusterer sees it.

    `figures` are normalised figure keys ("17.0|percent"); `entities` are KB
    ids. Both are optional evidence for rewrite links.
    """

    article_id: str
    text: str
    embedding: np.ndarray | None
    published: str | None
    figures: frozenset[str] = frozenset()
    entities: frozenset[str] = frozenset()
    # Story evidence (see the module docstring). `facts`: (figure key, period key) of the figures whose
    # reference period is known; `lead_facts`: those of the title and opening sentences, what the story
    # is about; `editions`: (series, edition) the text names most (provenance/editions.py).
    facts: frozenset[tuple[str, str]] = frozenset()
    lead_facts: frozenset[tuple[str, str]] = frozenset()
    editions: frozenset[tuple[str, str]] = frozenset()
    # ISO 639-1 code of the text ("en", "de"), None when unknown. The embeddings are English-only, so
    # a pair they cannot read is judged by its facts, not its cosine (`_decide_by_figures_alone`).
    language: str | None = None


@dataclass(frozen=True)
class ClusterOptions:
    """Every threshold of the clusterer, with why it has its default.

    shingle_size: words per shingle. Five words are specific enough that
        unrelated prose shares almost none, short enough that a copy-edit
        (one changed word) spoils only five shingles.
    num_perm: MinHash permutations. 128 estimates a Jaccard of 0.5 to about
        +-0.05, enough to propose candidates that are then checked exactly.
    lsh_threshold: Jaccard at which MinHashLSH proposes a pair. Set below
        `copy_jaccard` so the probabilistic index misses few true copies.
    copy_jaccard: exact Jaccard at which two articles are copies. Prose that
        shares half of its five-word shingles was not written independently.
    sentence_min_words: a sentence indexed for containment candidates must
        have this many words; shorter ones ("Read more.", "Share this
        story.") are page furniture, not content.
    sentence_max_df: a sentence found in more articles than this is treated
        as boilerplate and proposes no pairs. Without a cap one disclaimer on
        10,000 pages would propose 50 million pairs; with it, each sentence
        adds at most ~5,000.
    containment_threshold: exact containment |A and B| / min(|A|, |B|) at
        which the shorter article counts as copied into the longer one. 0.8
        leaves room for a trimmed sentence or a changed headline.
    min_shared_shingles: shingles two articles must share before either copy
        rule applies, so a ten-word snippet or a boilerplate line cannot link
        two pages by containment.
    n_neighbors: nearest neighbours per article by embedding. Rewrites of one
        story are a handful; ten keeps candidates at 10 n pairs and reaches
        the rest of a large story through other members' neighbours.
    rewrite_cosine: cosine (title and lead) from which a pair may be a
        rewrite if the facts agree. The seed rewrites score 0.83 and 0.85;
        0.75 leaves a margin for looser rewrites, and the evidence rule, not
        this threshold, keeps same-theme stories (0.69-0.80 on the seeds) apart.
    strong_cosine: cosine taken as a rewrite without further evidence. No
        pair of different stories on the seeds passes 0.80, nor does either
        true rewrite reach 0.86; 0.93 keeps a wide margin and is meant for
        lightly edited copies whose shingles were spoiled (respelt names,
        reformatted numbers) and that carry no extracted figures.
    min_shared_figures: shared figure keys that corroborate a rewrite. One
        number ("1st", "10%") recurs by coincidence in same-theme stories;
        two exact figures in common rarely do.
    entity_overlap: rarity-weighted Jaccard of the entity sets that
        corroborates a rewrite. Weights are smoothed IDF over the input, so
        the names every article on a theme mentions weigh least. The seed
        ranking rewrite pair scores 0.68, the cross-story pairs 0.18-0.31
        (the download pair, 0.27, links by its figures instead).
    min_shared_entities: shared entities needed as well, so two articles that
        each name one or two entities cannot link on those alone.
    entity_max_df_share: an entity corroborates only when at most this share of
        the input names it. The IDF weights alone cannot say so on a small run
        (on four articles an entity every one names still weighs 1.0, a third
        of a unique one); an entity on more than half the articles is the
        theme, and a rewrite link needs at least one shared entity that is not.
    min_figure_share, confident_shared_figures: shared figures corroborate a
        rewrite when they are at least `min_figure_share` of the geometric mean
        of the two pages' figure counts (shared / sqrt(|A| |B|)), or when there
        are `confident_shared_figures` of them. Two pages on one theme that each
        state a dozen figures share two or three round ones ("a billion", "4%",
        "doubled") by coincidence; a rewrite retells a good part of what its
        source states. Measured on the coverage corpus: links between different
        stories of one theme share 0.11-0.23 of their figures this way, rewrites
        0.25 and up (those below share four figures or more).
    min_fact_digits: significant digits that make a figure specific. Round
        figures (one digit: "a billion", "doubled", "20%") recur by coincidence
        across stories of a theme, so two shared figures that are both round do
        not corroborate (three or more are a pattern); one specific figure stated for the same period by both
        ("73,000 jobs in July") does, on its own: a sibling story of the theme
        that restates it is about another period and the story check keeps it
        apart.
    seed: MinHash permutation seed; fixed so runs are reproducible.
    distinctive_min_value: a count or amount of `min_fact_digits` significant digits and at
        least this size ("73,000 jobs", "17 million cars", "1.6 billion") is distinctive: it names
        one release's figure, where a share ("25%") or a small count ("12 countries") recurs across
        stories. Two pages in different languages are proposed as a pair when they state one such
        figure (to the precision of the less precise, so "159 millions" meets "160 million").
    cross_language_min_figures: figures two pages in different languages must share (one of them
        distinctive, and `min_figure_share` of what they state, or `confident_shared_figures`) to
        be one story. An English-only encoder scores a translation about as low as an unrelated
        page (0.1-0.5 on the coverage corpus), so its cosine cannot gate such a pair; the facts do,
        and the story check (`_story_conflict`) still keeps other editions and periods apart.
    encoder_language: the one language the sentence encoder (all-MiniLM-L6-v2) was trained on. A pair
        in two languages, or in one other language, is judged by its figures as above: on the coverage
        corpus two Spanish retellings of one release scored a cosine of 0.52, Spanish pages of
        unrelated stories 0.34-0.59.
    spun_min_figures, spun_figure_share: a copy spun with synonyms ("individuals
        underneath 25" for "people under 25") keeps none of its shingles and
        little of its embedding, but every figure: six figures in common, half
        of the smaller article's, are not a coincidence of theme (same-theme
        stories on the coverage corpus share at most four). Such pairs are
        proposed by an index of figures and linked as rewrites ("figures").
    max_date_gap_days: stated publication dates further apart than this are
        different stories. Wire copies, syndications and rewrites of one
        release appear within days; a month and a half leaves room for late
        reprints and weekly digests, and is shorter than the interval of the
        monthly, quarterly and yearly releases that retell the same series.
    """

    shingle_size: int = 5
    num_perm: int = 128
    lsh_threshold: float = 0.4
    copy_jaccard: float = 0.5
    sentence_min_words: int = 8
    sentence_max_df: int = 100
    containment_threshold: float = 0.8
    min_shared_shingles: int = 20
    n_neighbors: int = 10
    rewrite_cosine: float = 0.75
    strong_cosine: float = 0.93
    min_shared_figures: int = 2
    entity_overlap: float = 0.5
    min_shared_entities: int = 3
    entity_max_df_share: float = 0.5
    min_figure_share: float = 0.25
    confident_shared_figures: int = 4
    min_fact_digits: int = 2
    seed: int = 1
    max_date_gap_days: int = 45
    distinctive_min_value: float = 1000.0
    cross_language_min_figures: int = 2
    encoder_language: str = "en"
    spun_min_figures: int = 6
    spun_figure_share: float = 0.5

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= len(_POSITION_MULTIPLIERS):
            raise ValueError(f"shingle_size must be 1..{len(_POSITION_MULTIPLIERS)}")
        fractions = ("lsh_threshold", "copy_jaccard", "containment_threshold",
                     "rewrite_cosine", "strong_cosine", "entity_overlap", "entity_max_df_share",
                     "min_figure_share")
        for name in fractions:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")


@dataclass(frozen=True)
class ClusterLink:
    """Why two articles are in one cluster.

    `source` came first (see the module docstring). `basis` names the rule that
    accepted the link: "jaccard", "containment", "cosine+figures", "cosine+fact",
    "cosine+entities", "cosine", "figures" (a spun copy), "figures across languages" or
    "figures in another language" (two pages in one language other than the encoder's).
    `cosine` is None when either article has no embedding; `entity_overlap` is the
    rarity-weighted Jaccard of entities.
    """

    source: str
    target: str
    kind: LinkKind
    jaccard: float
    containment: float
    cosine: float | None
    shared_figures: tuple[str, ...]
    shared_entities: tuple[str, ...]
    basis: str = ""
    entity_overlap: float = 0.0
    # Evidence from the facts, for and against ("for: 73000|count in 2025-07 in both", "against: ...").
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A set of articles telling one story; singletons are clusters too.

    `id` is "c-" and 12 hex digits of a hash of the sorted member ids, so it
    is stable across runs and input orders and changes when membership does.
    """

    id: str
    articles: tuple[str, ...]
    representative: str
    links: tuple[ClusterLink, ...] = ()


@dataclass(frozen=True)
class ClusterStats:
    """How much work candidate generation did; pairs are unordered, deduplicated."""

    documents: int
    jaccard_candidates: int
    containment_candidates: int
    embedding_candidates: int
    pairs_examined: int
    links: int
    figure_candidates: int = 0  # pairs proposed by their shared figures (spun copies)


@dataclass(frozen=True)
class ClusterResult:
    """Clusters sorted by their member tuples, and the work done to find them."""

    clusters: tuple[Cluster, ...]
    stats: ClusterStats
    # Links the words accepted and the facts refused, each with its "against: ..." reason.
    separated: tuple[ClusterLink, ...] = ()

    def cluster_of(self, article_id: str) -> Cluster:
        """The cluster holding `article_id`; KeyError for an id that was not clustered."""
        return self._by_article[article_id]

    @cached_property
    def _by_article(self) -> dict[str, Cluster]:
        # cached_property writes to the instance dict, which a frozen dataclass allows.
        return {a: c for c in self.clusters for a in c.articles}


def result_to_dict(result: ClusterResult) -> dict[str, Any]:
    """Plain JSON of a clustering, for the results cache; `result_from_dict` reads it back unchanged."""
    return asdict(result)


def result_from_dict(data: Mapping[str, Any]) -> ClusterResult:
    clusters = tuple(
        Cluster(id=c["id"], articles=tuple(c["articles"]), representative=c["representative"],
                links=tuple(_link_from_dict(link) for link in c["links"]))
        for c in data["clusters"])
    separated = tuple(_link_from_dict(link) for link in data.get("separated", ()))
    return ClusterResult(clusters=clusters, stats=ClusterStats(**data["stats"]), separated=separated)


def _link_from_dict(link: Mapping[str, Any]) -> ClusterLink:
    return ClusterLink(**{**link, "shared_figures": tuple(link["shared_figures"]),
                          "shared_entities": tuple(link["shared_entities"]),
                          "reasons": tuple(link.get("reasons", ()))})


# -- the stages: public pieces that the local run (`cluster_documents`) and the Dask run
# (`provenance.cluster_dask`) both call, so there is one way through the clustering ------------

Pair = tuple[int, int]
# The candidate generator that proposed a pair, as `ClusterStats` counts them.
CandidateSource = Literal["jaccard", "containment", "embedding", "figures"]


@dataclass(frozen=True)
class Prepared:
    """One article ready to be measured (`prepare`): the doc, its sorted unique shingle hashes and its
    unit embedding (None without one). Computed once per article; every pair it is in reads it."""

    doc: ClusterDoc
    shingles: np.ndarray
    unit: np.ndarray | None = None


def cluster_documents(docs: Iterable[ClusterDoc], options: ClusterOptions = ClusterOptions()) -> ClusterResult:
    """Group `docs` into coverage clusters; every article lands in exactly one.

    The local run of the stages below; `provenance.cluster_dask.cluster_documents_dask` runs the
    same stages on a Dask cluster and returns the same result.
    """
    # Sorting first makes the positions, neighbour ties and everything after
    # independent of the caller's order.
    ordered = sorted(docs, key=lambda d: d.article_id)
    check_unique(ordered)
    prepared = [prepare(d, options) for d in ordered]

    jaccard_pairs = _pairs_sharing_a_key(
        ((i, band_keys(p, options)) for i, p in enumerate(prepared) if linkable(p, options)), None)
    # A sentence on very many pages is furniture (a disclaimer, a byline template);
    # skipping it caps the pairs any one sentence can add.
    containment_pairs = _pairs_sharing_a_key(
        ((i, sentence_keys(p.doc.text, options.sentence_min_words)) for i, p in enumerate(prepared)
         if linkable(p, options)), options.sentence_max_df)
    embedding_pairs: set[Pair] = set()
    if (search := embedding_matrix([p.unit for p in prepared], options)) is not None:
        embedding_pairs = set(neighbour_pairs(*search, options))
    figure_pairs = figure_candidates(ordered, options)
    candidates = sorted(jaccard_pairs | containment_pairs | embedding_pairs | figure_pairs)

    weights = entity_weights(ordered)
    # Every candidate is measured: the story check (`components`) joins the
    # strongest links first, so which weaker ones it refuses depends on all
    # of them. Candidates stay linear in n (see the module docstring).
    links = [link for i, j in candidates if (link := evaluate(prepared[i], prepared[j], weights, options))]
    counts: dict[CandidateSource, int] = {"jaccard": len(jaccard_pairs), "containment": len(containment_pairs),
                                          "embedding": len(embedding_pairs), "figures": len(figure_pairs)}
    return assemble_result(ordered, links, counts, len(candidates), options)


def candidate_pairs_count(result: ClusterResult) -> int:
    """Distinct pairs the clusterer checked exactly: the quantity that must stay sub-quadratic."""
    return result.stats.pairs_examined


def check_unique(docs: Sequence[ClusterDoc]) -> None:
    """Raise ValueError naming the ids that occur more than once: a position must name one article."""
    seen = Counter(d.article_id for d in docs)
    dupes = sorted(k for k, n in seen.items() if n > 1)
    if dupes:
        raise ValueError(f"duplicate article ids: {', '.join(dupes[:5])}")


def prepare(doc: ClusterDoc, options: ClusterOptions) -> Prepared:
    """The article's `Prepared` form: shingles of `options.shingle_size` words and the unit embedding."""
    return Prepared(doc=doc, shingles=shingle_hashes(doc.text, options.shingle_size), unit=unit_vector(doc.embedding))


def unit_vector(embedding: np.ndarray | None) -> np.ndarray | None:
    """`embedding` as a flat float32 unit vector, or None when there is none or it is all zeros.

    Separate from `prepare` because a runner that leaves the shingles to its workers still needs
    the vectors where the neighbour search runs."""
    if embedding is None:
        return None
    vec = np.asarray(embedding, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else None


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the lower-cased word `size`-grams of `text`.

    A text shorter than `size` words is one shingle of all its words.
    """
    tokens = [t.lower() for t in _WORD.findall(text)]
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    token_hashes = np.fromiter((_token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    width = min(size, len(tokens), len(_POSITION_MULTIPLIERS))
    count = len(tokens) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        # uint64 arithmetic wraps silently on arrays, which is what a hash wants.
        combined ^= token_hashes[offset : offset + count] * _POSITION_MULTIPLIERS[offset]
        combined = (combined << np.uint64(7)) | (combined >> np.uint64(57))
    folded = (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


@functools.lru_cache(maxsize=1 << 16)
def _token_hash(token: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process, and clusters
    # must come out the same on every run.
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def linkable(p: Prepared, options: ClusterOptions) -> bool:
    """Whether the article can be a copy at all: it has the `min_shared_shingles` a copy must share.

    The gate on the copy generators (bands and sentences): an article that fails it proposes no
    jaccard or containment pair."""
    return len(p.shingles) >= options.min_shared_shingles


def band_keys(p: Prepared, options: ClusterOptions) -> list[tuple[int, bytes]]:
    """The article's LSH bucket keys: (band, the band's MinHash values as bytes), one per band.

    Bands are those datasketch's `MinHashLSH` chooses for `lsh_threshold` and `num_perm`, so two
    articles share a key exactly when `MinHashLSH.query` would propose one for the other; the keys
    are plain bytes so a runner can group them anywhere (a dict, a shuffle)."""
    values = _minhash(p.shingles, options).hashvalues
    return [(band, values[start:end].tobytes())
            for band, (start, end) in enumerate(_band_ranges(options.lsh_threshold, options.num_perm))]


def sentence_keys(text: str, min_words: int) -> set[int]:
    """64-bit keys of the sentences of `text` with `min_words` words or more (lower-cased words).

    Two articles that share a key share a whole sentence: the containment generator's index,
    where a copied story sits inside a longer page."""
    keys = set()
    for sentence in _SENTENCE_BREAK.split(text):
        words = [w.lower() for w in _WORD.findall(sentence)]
        if len(words) >= min_words:
            digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
            keys.add(int.from_bytes(digest, "little"))
    return keys


def bucket_pairs(members: Iterable[int], max_members: int | None = None) -> list[Pair]:
    """The pairs (lower position first) of the distinct positions that share one bucket key; none when
    more than `max_members` share it (a sentence or figure on very many pages is furniture)."""
    positions = sorted(set(members))
    if max_members is not None and len(positions) > max_members:
        return []
    return list(itertools.combinations(positions, 2))


def _pairs_sharing_a_key(keyed: Iterable[tuple[int, Iterable[Hashable]]], max_members: int | None) -> set[Pair]:
    postings: dict[Hashable, list[int]] = {}
    for position, keys in keyed:
        for key in keys:
            postings.setdefault(key, []).append(position)
    return {pair for members in postings.values() for pair in bucket_pairs(members, max_members)}


def embedding_matrix(units: Sequence[np.ndarray | None], options: ClusterOptions) -> tuple[np.ndarray, np.ndarray] | None:
    """The neighbour search's input: the unit vectors stacked (one row each) and the position of each
    row's article; None when there is no search (fewer than two vectors, or `n_neighbors` < 1)."""
    rows = [(i, unit) for i, unit in enumerate(units) if unit is not None]
    if len(rows) < 2 or options.n_neighbors < 1:
        return None
    return np.vstack([unit for _, unit in rows]), np.array([i for i, _ in rows], dtype=np.int64)


def neighbour_pairs(matrix: np.ndarray, positions: np.ndarray, options: ClusterOptions,
                    rows: tuple[int, int] | None = None) -> list[Pair]:
    """Embedding candidates: each query row's `n_neighbors` nearest rows within `rewrite_cosine`, as
    position pairs (lower first). `rows` (start, end) limits the query rows to one block, so a runner
    can split the search; every block searches the whole `matrix` (from `embedding_matrix`), so the
    blocks together find what one search over all rows finds. A pair both sides find comes twice."""
    from sklearn.neighbors import NearestNeighbors

    k = min(options.n_neighbors + 1, len(positions))
    # Euclidean on unit vectors ranks exactly as cosine and runs as one BLAS
    # product per chunk; the k-neighbour cap is what keeps pairs linear in n.
    finder = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="euclidean").fit(matrix)
    start, end = rows if rows is not None else (0, len(positions))
    distances, neighbours = finder.kneighbors(matrix if rows is None else matrix[start:end])
    # |a-b|^2 = 2 - 2 cos for unit vectors.
    max_distance = math.sqrt(max(0.0, 2.0 - 2.0 * options.rewrite_cosine))
    pairs: list[Pair] = []
    for row, (dists, cols) in enumerate(zip(distances, neighbours), start):
        for dist, col in zip(dists, cols):
            if col != row and dist <= max_distance + 1e-6:
                a, b = int(positions[row]), int(positions[col])
                pairs.append((min(a, b), max(a, b)))
    return pairs


def _minhash(shingles: np.ndarray, options: ClusterOptions) -> Any:  # datasketch.MinHash, imported lazily
    from datasketch import MinHash

    template = _minhash_template(options.num_perm, options.seed)
    # Sharing the template's permutations skips regenerating them per article
    # (a third of the sketching time) and guarantees all sketches are comparable.
    mh = MinHash(
        num_perm=options.num_perm,
        hashfunc=int,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    mh.update_batch(shingles.tolist())
    return mh


@functools.lru_cache(maxsize=4)
def _minhash_template(num_perm: int, seed: int) -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed)


@functools.lru_cache(maxsize=8)
def _band_ranges(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    # datasketch picks the bands (b x r) that best fit the threshold; taking
    # them from MinHashLSH itself keeps the buckets those of its index.
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def assemble_result(docs: Sequence[ClusterDoc], links: Iterable[ClusterLink], candidates: Mapping[CandidateSource, int],
                    pairs_examined: int, options: ClusterOptions = ClusterOptions()) -> ClusterResult:
    """The result from the measured links: clusters (`components`) and the stats.

    `docs` are in position order (by id); `candidates` counts the pairs each generator proposed,
    `pairs_examined` the distinct pairs measured. The last stage of either runner."""
    clusters, separated = components(docs, links, options)
    stats = ClusterStats(
        documents=len(docs),
        jaccard_candidates=candidates.get("jaccard", 0),
        containment_candidates=candidates.get("containment", 0),
        embedding_candidates=candidates.get("embedding", 0),
        pairs_examined=pairs_examined,
        links=sum(len(c.links) for c in clusters),
        figure_candidates=candidates.get("figures", 0),
    )
    return ClusterResult(clusters=clusters, stats=stats, separated=separated)


def figure_candidates(docs: Sequence[ClusterDoc], options: ClusterOptions) -> set[tuple[int, int]]:
    """Index pairs their figures propose: spun copies (`spun_min_figures` keys in common) and pages the
    encoder cannot compare (`_encoder_blind`) that state one distinctive figure (`distinctive_min_value`). A figure on more than
    `sentence_max_df` articles proposes nothing, as a boilerplate sentence does not."""
    return _spun_candidates(docs, options) | _unreadable_pair_candidates(docs, options)


def _spun_candidates(docs: Sequence[ClusterDoc], options: ClusterOptions) -> set[tuple[int, int]]:
    postings: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        if len(doc.figures) >= options.spun_min_figures:
            for key in doc.figures:
                postings.setdefault(key, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        shared.update(bucket_pairs(members, options.sentence_max_df))
    return {pair for pair, n in shared.items() if n >= options.spun_min_figures}


def _unreadable_pair_candidates(docs: Sequence[ClusterDoc], options: ClusterOptions) -> set[tuple[int, int]]:
    """Pairs the encoder cannot read (`_encoder_blind`) that state one distinctive figure: the
    embeddings cannot propose a translation, or two retellings in Spanish (they are English-only),
    their figures can. Keys are rounded to `min_fact_digits`
    significant digits so that a rounded retelling meets its source in the index."""
    postings: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        if doc.language is None:
            continue
        for key in {_rounded_key(k, options.min_fact_digits) for k in doc.figures if _distinctive(k, options)}:
            postings.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        pairs.update((i, j) for i, j in bucket_pairs(members, options.sentence_max_df)
                     if _encoder_blind(docs[i], docs[j], options))
    return pairs


def _encoder_blind(a: ClusterDoc, b: ClusterDoc, options: ClusterOptions) -> bool:
    """The English-only encoder cannot compare the two: their languages differ, or neither is English.
    Two retellings of one release in Spanish score a cosine as low as two Spanish pages on unrelated
    stories, so the cosine proposes and gates neither. Unknown languages are left to the cosine."""
    if a.language is None or b.language is None:
        return False
    return a.language != b.language or a.language != options.encoder_language


def _split_key(figure_key: str) -> tuple[float, str] | None:
    """("73000|count") -> (73000.0, "count"); the rest of the key (unit, "of N") stays one string."""
    value, _, rest = figure_key.partition("|")
    try:
        return float(value), rest
    except ValueError:
        return None


def _round_significant(value: float, digits: int) -> float:
    return float(f"{value:.{max(1, digits) - 1}e}")


def _rounded_key(figure_key: str, digits: int) -> str:
    parts = _split_key(figure_key)
    if parts is None:
        return figure_key
    return f"{_round_significant(parts[0], digits):g}|{parts[1]}"


def _distinctive(figure_key: str, options: ClusterOptions) -> bool:
    """A large specific amount ("73000|count", "1.59e+08|count"): one release's figure, not a theme's."""
    parts = _split_key(figure_key)
    return (parts is not None and abs(parts[0]) >= options.distinctive_min_value
            and _significant_digits(figure_key) >= options.min_fact_digits)


def shared_figures(a: Iterable[str], b: Iterable[str], min_digits: int = 2) -> tuple[str, ...]:
    """The figure keys two pages both state, sorted.

    The same key, or keys of one unit whose values agree at the precision of the less precise one
    when that precision is still `min_digits` significant digits: "1.59e+08|count" and
    "1.6e+08|count" are one figure rounded ("159 million", "160 millones"), and the shared key is
    the rounded one. A round figure ("1e+09", a billion) only matches itself: "a billion" is not
    "1.4 billion".
    """
    mine, theirs = set(a), set(b)
    shared = mine & theirs
    by_rest: dict[str, list[tuple[float, str]]] = {}
    for key in theirs - shared:
        if (parts := _split_key(key)) is not None:
            by_rest.setdefault(parts[1], []).append((parts[0], key))
    for key in mine - shared:
        parts = _split_key(key)
        if parts is None:
            continue
        for value, other in by_rest.get(parts[1], ()):
            low = min(_significant_digits(key), _significant_digits(other))
            if low >= min_digits and _round_significant(parts[0], low) == _round_significant(value, low):
                shared.add(key if _significant_digits(key) == low else other)
    return tuple(sorted(shared))


@dataclass(frozen=True)
class EntityWeights:
    """Rarity of each entity in the input: smoothed IDF weights and document counts."""

    weights: Mapping[str, float]
    counts: Mapping[str, int]
    documents: int

    def get(self, entity: str, default: float = 1.0) -> float:
        return self.weights.get(entity, default)

    def distinctive(self, entities: Iterable[str], max_share: float) -> tuple[str, ...]:
        """The entities named by at most `max_share` of the input (two articles at least: a pair's own)."""
        cap = max(2, math.floor(self.documents * max_share))
        return tuple(e for e in sorted(entities) if self.counts.get(e, 1) <= cap)


def entity_weights(docs: Sequence[ClusterDoc]) -> EntityWeights:
    """Smoothed IDF of each entity over the input (never zero, so a two-article run still counts).

    A corpus-wide count: a runner computes it once over all `docs` and hands it to every `evaluate`."""
    df = Counter(e for d in docs for e in d.entities)
    n = len(docs)
    return EntityWeights({e: math.log((1 + n) / (1 + c)) + 1.0 for e, c in df.items()}, dict(df), n)


def evaluate(a: Prepared, b: Prepared, weights: EntityWeights, options: ClusterOptions) -> ClusterLink | None:
    """Measure one candidate pair exactly: the link two articles make, or None.

    A link the words proposed and the corroboration rule refused comes back with a "kept apart: ..."
    reason (`components` files it under `separated`). Depends on the pair and the corpus-wide
    `weights` only, so pairs can be measured anywhere, in any order."""
    shared = _intersection_size(a.shingles, b.shingles)
    union = len(a.shingles) + len(b.shingles) - shared
    smaller = min(len(a.shingles), len(b.shingles))
    jaccard = shared / union if union else 0.0
    containment = shared / smaller if smaller else 0.0
    cosine = float(np.dot(a.unit, b.unit)) if a.unit is not None and b.unit is not None else None
    figures = shared_figures(a.doc.figures, b.doc.figures, options.min_fact_digits)
    entities = tuple(sorted(a.doc.entities & b.doc.entities))
    overlap = _weighted_jaccard(a.doc.entities, b.doc.entities, weights)

    fewer = min(len(a.doc.figures), len(b.doc.figures))
    spun = (len(figures) >= options.spun_min_figures and fewer > 0
            and len(figures) / fewer >= options.spun_figure_share)
    evidence = _Corroboration(
        shared_figures=len(figures),
        figure_share=len(figures) / math.sqrt(len(a.doc.figures) * len(b.doc.figures)) if figures else 0.0,
        specific_figures=sum(1 for key in figures if _significant_digits(key) >= options.min_fact_digits),
        specific_facts=len(_shared_facts(a.doc, b.doc, options.min_fact_digits)),
        distinctive_figures=sum(1 for key in figures if _distinctive(key, options)),
        both_state_figures=bool(a.doc.figures) and bool(b.doc.figures),
        shared_entities=len(entities), entity_overlap=overlap,
        distinctive_entities=len(weights.distinctive(entities, options.entity_max_df_share)))
    decision, refusal = _decide(shared, jaccard, containment, cosine, evidence, options,
                                encoder_blind=_encoder_blind(a.doc, b.doc, options),
                                same_language=a.doc.language == b.doc.language)
    if decision is None and spun:
        decision, refusal = ("rewrite", "figures"), None
    kind: LinkKind
    refused: str | None = None
    if decision is not None:
        kind, basis = decision
    elif refusal is not None:
        (kind, basis), refused = ("rewrite", refusal[0]), refusal[1]
    else:
        return None
    source, target = sorted((a.doc, b.doc), key=_precedence)
    reasons = _pair_evidence(a.doc, b.doc, options)
    if basis in _FIGURES_ALONE:
        # Not a "for:" reason: those order links by support (`_strength`), and a link between two
        # languages stands on fewer facts than one its words corroborate, so it is taken late.
        reasons = (*reasons, f"languages: {source.language} and {target.language}")
    if refused is not None:
        reasons = (*reasons, f"against: {refused}", f"kept apart: {refused}")
    return ClusterLink(
        source=source.article_id,
        target=target.article_id,
        kind=kind,
        jaccard=round(jaccard, 4),
        containment=round(containment, 4),
        cosine=None if cosine is None else round(cosine, 4),
        shared_figures=figures,
        shared_entities=entities,
        basis=basis,
        entity_overlap=round(overlap, 4),
        reasons=reasons,
    )


@dataclass(frozen=True)
class _Corroboration:
    """What the facts of a pair offer a rewrite link: figure and entity overlap."""

    shared_figures: int
    figure_share: float  # shared / sqrt(|A| |B|) of the two pages' figure keys
    specific_figures: int  # shared figures of `min_fact_digits` significant digits or more
    specific_facts: int  # of those, stated for the same period by both
    distinctive_figures: int  # shared figures that are large specific amounts (`_distinctive`)
    both_state_figures: bool
    shared_entities: int
    entity_overlap: float
    distinctive_entities: int  # shared entities that are not the theme (`EntityWeights.distinctive`)


def _decide(
    shared_shingles: int,
    jaccard: float,
    containment: float,
    cosine: float | None,
    facts: _Corroboration,
    options: ClusterOptions,
    *,
    encoder_blind: bool = False,
    same_language: bool = False,
) -> tuple[tuple[LinkKind, str] | None, tuple[str, str] | None]:
    """The link rule: ((kind, basis), None), or (None, (basis, why refused)) when the words proposed a
    rewrite its facts do not corroborate, or (None, None). Copy evidence wins over rewrite evidence."""
    if shared_shingles >= options.min_shared_shingles:
        if jaccard >= options.copy_jaccard:
            return ("copy", "jaccard"), None
        if containment >= options.containment_threshold:
            return ("copy", "containment"), None
    if encoder_blind and (cosine is None or cosine < options.rewrite_cosine):
        return _decide_by_figures_alone(facts, options, _OTHER_LANGUAGE if same_language else _ACROSS_LANGUAGES)
    if cosine is None:
        return None, None
    if cosine >= options.strong_cosine:
        return ("rewrite", "cosine"), None
    if cosine < options.rewrite_cosine:
        return None, None
    refusal = None
    if facts.shared_figures >= options.min_shared_figures:
        share = facts.figure_share
        # Three or more in common (ranks 1, 2 and 9 and '8 of 10') are a pattern, not a coincidence.
        if facts.specific_figures == 0 and facts.shared_figures <= options.min_shared_figures:
            refusal = ("cosine+figures", f"the {facts.shared_figures} figures in common are all round, "
                       "a shared theme rather than one story")
        elif share >= options.min_figure_share or facts.shared_figures >= options.confident_shared_figures:
            return ("rewrite", "cosine+figures"), None
        else:
            refusal = ("cosine+figures", f"only {facts.shared_figures} figures in common ({share:.0%} of what "
                       "the two state), a shared theme rather than one story")
    if refusal is None and facts.specific_facts >= 1:
        return ("rewrite", "cosine+fact"), None
    if facts.shared_entities >= options.min_shared_entities and facts.entity_overlap >= options.entity_overlap:
        if facts.distinctive_entities == 0:
            return None, refusal or ("cosine+entities", "every shared entity is named by most articles (the theme)")
        if facts.both_state_figures and facts.shared_figures == 0:
            return None, refusal or ("cosine+entities", "both state figures and share none")
        return ("rewrite", "cosine+entities"), None
    return None, refusal


_ACROSS_LANGUAGES = "figures across languages"
_OTHER_LANGUAGE = "figures in another language"
_FIGURES_ALONE = (_ACROSS_LANGUAGES, _OTHER_LANGUAGE)


def _decide_by_figures_alone(
    facts: _Corroboration, options: ClusterOptions, basis: str,
) -> tuple[tuple[LinkKind, str] | None, tuple[str, str] | None]:
    """A pair the encoder cannot read (a translation, two retellings in Spanish): its figures, not its
    cosine, decide.

    One distinctive figure in common proposes the pair; it takes `cross_language_min_figures`, one
    of them distinctive, and the share of what the two state that a rewrite in one language needs.
    """
    if facts.shared_figures < options.cross_language_min_figures or facts.distinctive_figures == 0:
        return None, None
    if facts.figure_share >= options.min_figure_share or facts.shared_figures >= options.confident_shared_figures:
        return ("rewrite", basis), None
    return None, (basis, f"only {facts.shared_figures} figures in common "
                  f"({facts.figure_share:.0%} of what the two state), a shared theme rather than one story")


def _significant_digits(figure_key: str) -> int:
    """Significant digits of a figure key's value: "73000|count" 2, "1e+09|count" 1, "15.8|percent" 3."""
    parts = _split_key(figure_key)
    if parts is None:
        return 0
    value = abs(parts[0])
    mantissa = f"{value:.12e}".split("e")[0].replace(".", "").rstrip("0")
    return len(mantissa) if value else 0


def _shared_facts(a: ClusterDoc, b: ClusterDoc, min_digits: int) -> list[tuple[str, str]]:
    """(figure key, period) both state for the latest period either states of its kind, the figure
    specific (`min_digits`), the period the same ("--07", a July whose year is unknown, is the July
    of a dated page). The latest only: a story restates older figures for comparison ("29% in
    2017"), and a sibling story of the series restates the same ones."""
    shared = []
    for key, period in sorted(a.facts):
        if _significant_digits(key) < min_digits or not (_latest(period, a.facts) and _latest(period, b.facts)):
            continue
        if any(key == other and _same_period(period, other_period) for other, other_period in b.facts):
            shared.append((key, period))
    return shared


def _latest(period: str, facts: Iterable[tuple[str, str]]) -> bool:
    """No fact states a later period of the same kind (two years, two months; "--07" compares by month)."""
    mine = _period_order(period)
    return mine is not None and not any(
        (other := _period_order(p)) is not None and other[0] == mine[0] and _later(other[1], mine[1])
        for _, p in facts)


def _period_order(period: str) -> tuple[str, tuple[int | None, int]] | None:
    bare = period.split("|")[0]
    kind = _period_kind(period)
    if kind == "year":
        return kind, (int(bare), 0)
    if kind == "month":
        year, month = bare[:-3], int(bare[-2:])
        return kind, (int(year) if year.isdigit() else None, month)
    return None


def _later(x: tuple[int | None, int], y: tuple[int | None, int]) -> bool:
    if x[0] is not None and y[0] is not None and x[0] != y[0]:
        return x[0] > y[0]
    return x[1] > y[1]


def _intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    if len(a) == 0 or len(b) == 0:
        return 0
    return int(np.intersect1d(a, b, assume_unique=True).size)


def _weighted_jaccard(a: frozenset[str], b: frozenset[str], weights: EntityWeights) -> float:
    union = sum(weights.get(e, 1.0) for e in a | b)
    if union == 0:
        return 0.0
    return sum(weights.get(e, 1.0) for e in a & b) / union


def _precedence(doc: ClusterDoc) -> tuple[bool, str, int, str]:
    return (doc.published is None, doc.published or "", -len(doc.text), doc.article_id)


class DisjointSets:
    """Disjoint sets over 0..n-1 with their sizes; roots are the lowest index, whatever the order of unions."""

    def __init__(self, count: int):
        self.parent = list(range(count))
        self.size = [1] * count

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        low, high = min(ra, rb), max(ra, rb)
        self.parent[high] = low
        self.size[low] += self.size[high]
        return True


def components(docs: Sequence[ClusterDoc], links: Iterable[ClusterLink],
               options: ClusterOptions = ClusterOptions()) -> tuple[tuple[Cluster, ...], tuple[ClusterLink, ...]]:
    """Clusters from the measured links over `docs` (in position order), and the links the facts refused.

    Keeps per cluster only the links that join something new (a spanning forest); a link is refused
    when `_story_conflict` holds between the two clusters it would join. Needs every link at once,
    so it runs where the links are gathered.

    Links are taken strongest first (copies, then by cosine; ties in index
    order), so the core of each story forms before a weaker link can join an
    article to another edition: a group's facts are those of its members, and
    an article that names no edition takes on the edition of whatever it
    joined first. The order depends only on the links, so the local and the
    Dask run keep the same links and refuse the same ones.
    """
    index = {doc.article_id: i for i, doc in enumerate(docs)}
    sets = _StorySets(docs, options)
    ordered = sorted(links, key=lambda link: _strength(link, index))
    kept, separated = [], []
    for link in ordered:
        if any(reason.startswith("kept apart:") for reason in link.reasons):
            separated.append(link)  # refused by the link rule itself (`_decide`)
            continue
        i, j = index[link.source], index[link.target]
        if sets.find(i) == sets.find(j):
            continue
        against = sets.join(i, j)
        if against is None:
            kept.append(link)
        else:
            separated.append(replace(link, reasons=(*link.reasons, f"kept apart: {against}")))

    members: dict[int, list[int]] = {}
    for i in range(len(docs)):
        members.setdefault(sets.find(i), []).append(i)
    links_by_root: dict[int, list[ClusterLink]] = {}
    for link in kept:
        links_by_root.setdefault(sets.find(index[link.source]), []).append(link)

    clusters = [_make_cluster([docs[i] for i in group], links_by_root.get(root, [])) for root, group in members.items()]
    return tuple(sorted(clusters, key=lambda c: c.articles)), tuple(separated)


def _strength(link: ClusterLink, index: dict[str, int]) -> tuple[Any, ...]:
    """Sort key, strongest link first: copies by Jaccard; then rewrites the facts support (a figure
    for the same period, the same edition, close dates: more of them first), by cosine.

    Facts first because words cannot tell a story from the next edition of its series: a rewrite
    of the July report that shares July's figure with its neighbour must join it before a link
    on words alone can join it to June's."""
    pair = tuple(sorted((index[link.source], index[link.target])))
    if link.kind == "copy":
        return (0, 0, -max(link.jaccard, link.containment), pair)
    support = sum(1 for reason in link.reasons if reason.startswith("for:"))
    return (1, -support, -(link.cosine or 0.0), pair)


def _make_cluster(docs: Sequence[ClusterDoc], links: Sequence[ClusterLink]) -> Cluster:
    ids = tuple(sorted(d.article_id for d in docs))
    digest = hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()[:12]
    representative = min(docs, key=_precedence).article_id
    ordered_links = tuple(sorted(links, key=lambda link: (link.source, link.target)))
    return Cluster(id=f"c-{digest}", articles=ids, representative=representative, links=ordered_links)


# -- story evidence ------------------------------------------------------------------------------


@dataclass
class _Story:
    """What a group of linked articles states about its story: dates, editions, figures by period."""

    first: str | None = None  # earliest and latest stated publication date
    last: str | None = None
    editions: dict[str, set[str]] = field(default_factory=dict)  # series -> editions named
    lead: set[tuple[str, str]] = field(default_factory=set)  # (figure key, period) of the leads
    figures: set[str] = field(default_factory=set)  # every figure key stated

    @classmethod
    def of(cls, doc: ClusterDoc) -> "_Story":
        story = cls(first=doc.published, last=doc.published, lead=set(doc.lead_facts),
                    figures=set(doc.figures) | {key for key, _ in doc.facts})
        for series, edition in doc.editions:
            story.editions.setdefault(series, set()).add(edition)
        return story

    def merged(self, other: "_Story") -> "_Story":
        dates = [d for d in (self.first, self.last, other.first, other.last) if d]
        editions = {s: set(e) for s, e in self.editions.items()}
        for series, named in other.editions.items():
            editions.setdefault(series, set()).update(named)
        return _Story(min(dates) if dates else None, max(dates) if dates else None, editions,
                      self.lead | other.lead, self.figures | other.figures)


def _story_conflict(a: _Story, b: _Story, options: ClusterOptions) -> str | None:
    """Why two groups of articles are different stories, or None when nothing in their facts says so."""
    dates = [d for d in (a.first, a.last, b.first, b.last) if d]
    if len(dates) >= 2 and a.first and b.first:
        gap = _days(min(dates), max(dates))
        if gap is not None and gap > options.max_date_gap_days:
            return f"published {min(dates)} and {max(dates)}, {gap} days apart"
    for series in sorted(set(a.editions) & set(b.editions)):
        if not a.editions[series] & b.editions[series]:
            return (f"different editions of {series}: {', '.join(sorted(a.editions[series]))}"
                    f" vs {', '.join(sorted(b.editions[series]))}")
    return _period_conflict(a, b, options.min_fact_digits)


def _period_conflict(a: _Story, b: _Story, min_digits: int = 2) -> str | None:
    """Lead figures of one unit for different periods only: two releases (July's report and June's).

    The lead (title and opening sentences) says which period a story reports; a body may also
    restate the previous period's figure, so only the leads are compared. Retellings of one release
    share a lead figure or a lead period; when they share neither, for like periods of one unit
    (two months, two years), they are about different releases.
    """
    # A round figure ("4%" of a rate that is 4.1% one month and 4.2% the next) recurs from one
    # release to the next; only a specific one in both leads says they are one release.
    shared = {key for key, _ in a.lead} & {key for key, _ in b.lead}
    if any(_significant_digits(key) >= min_digits for key in shared):
        return None
    for unit in sorted({_unit(k) for k, _ in a.lead} & {_unit(k) for k, _ in b.lead}):
        periods_a = {p for k, p in a.lead if _unit(k) == unit}
        periods_b = {p for k, p in b.lead if _unit(k) == unit}
        if any(_same_period(x, y) or not _comparable(x, y) for x in periods_a for y in periods_b):
            continue
        return f"lead figures ({unit}) for {', '.join(sorted(periods_a))} vs {', '.join(sorted(periods_b))}"
    return None


def _pair_evidence(a: ClusterDoc, b: ClusterDoc, options: ClusterOptions) -> tuple[str, ...]:
    """The facts two articles share or differ on, for the link's record."""
    # "--07" (a July whose year the page does not give) is the July of a dated page.
    same = sorted({(key, period) for key, period in a.facts
                   if any(key == k and _same_period(period, p) for k, p in b.facts)})
    reasons = [f"for: {key} for {period} in both" for key, period in same][:5]
    for series, edition in sorted(a.editions & b.editions):
        reasons.append(f"for: both name {series} {edition}")
    if a.published and b.published:
        gap = _days(min(a.published, b.published), max(a.published, b.published))
        if gap is not None:
            reasons.append(f"{'for' if gap <= options.max_date_gap_days else 'against'}: published {gap} days apart")
    conflict = _story_conflict(_Story.of(a), _Story.of(b), options)
    if conflict:
        reasons.append(f"against: {conflict}")
    return tuple(reasons)


class _StorySets(DisjointSets):
    """Disjoint sets that refuse a union the two sides' facts contradict (`_story_conflict`)."""

    def __init__(self, docs: Sequence[ClusterDoc], options: ClusterOptions):
        super().__init__(len(docs))
        self.options = options
        self.stories = {i: _Story.of(doc) for i, doc in enumerate(docs)}

    def join(self, a: int, b: int) -> str | None:
        """Union a and b unless their stories conflict; returns the conflict, or None when joined."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        against = _story_conflict(self.stories[ra], self.stories[rb], self.options)
        if against is not None:
            return against
        merged = self.stories.pop(ra).merged(self.stories.pop(rb))
        self.union(ra, rb)
        self.stories[self.find(ra)] = merged
        return None


def _days(first: str, last: str) -> int | None:
    try:
        return (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days
    except ValueError:
        return None


def _unit(figure_key: str) -> str:
    return figure_key.split("|", 1)[1] if "|" in figure_key else ""


def _comparable(a: str, b: str) -> bool:
    """Two months, or two years, are comparable; a year and one of its months are not (a story states both).

    A month without a year ("--06", from "in June" with no date to resolve it) compares by month.
    """
    return _period_kind(a) is not None and _period_kind(a) == _period_kind(b)


def _period_kind(period: str) -> str | None:
    bare = period.split("|")[0]
    if re.fullmatch(r"\d{4}", bare):
        return "year"
    if re.fullmatch(r"(?:\d{4}|-)-\d{2}", bare):
        return "month"
    return None


def _same_period(a: str, b: str) -> bool:
    if a == b:
        return True
    a, b = a.split("|")[0], b.split("|")[0]
    # "--06" (June, year unknown) is the same month as "2025-06".
    return (a.startswith("--") or b.startswith("--")) and a[-3:] == b[-3:]
