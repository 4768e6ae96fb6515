"""Sentence-transformer embeddings of articles, and their storage form.

The model (all-MiniLM-L6-v2, shipped in a package) is loaded lazily through
`extract.models.load_embedder()`; importing this module costs nothing.

Choices, with what they were measured against (the four seed articles, 2 CPU
cores, batch 64):

* `MAX_SEQ_LENGTH = 256` word pieces. The model was trained on 128-piece
  inputs and ships configured for 256. At 128 the seed rewrite pairs score
  cosine 0.73-0.75, below the unrelated same-theme pairs (up to 0.85), so the
  signal is useless; at 256 the rewrite pairs rise to 0.83-0.85 and the
  unrelated pairs stay at 0.69-0.80. Cost per document on an idle machine:
  66 ms at 128, 187 ms at 256, 341 ms at 384 (attention grows
  quadratically), so 256 is the knee. `article_representation` keeps inputs
  near that length, so nothing long is tokenised only to be thrown away.
* Rows are L2-normalised float32, so a dot product is the cosine.
* Storage is little-endian float16: 768 bytes for 384 dimensions instead of
  1536. The rounding error (relative ~5e-4 per component) moves a cosine by
  about 1e-3, far below the gaps between the clustering thresholds.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence

import numpy as np

from newstrace.extract.models import load_embedder

MAX_SEQ_LENGTH = 256
# all-MiniLM-L6-v2 output width; lets an empty batch return without loading torch.
EMBEDDING_DIM = 384
# ~1,200 characters of English is ~250 word pieces: about MAX_SEQ_LENGTH.
LEAD_CHARS = 1200
_STORAGE_DTYPE = np.dtype("<f2")
_SENTENCE_END = re.compile(r"[.!?。][\"'”’)]?\s")


def embed_texts(texts: Sequence[str], *, batch_size: int = 64, spare_cores: int = 0,
                max_length: int = MAX_SEQ_LENGTH) -> np.ndarray:
    """Embed `texts` as L2-normalised float32 rows, one per text, in order.

    `spare_cores` leaves that many of torch's threads idle for this call, for a
    caller that runs the spaCy parser on another thread meanwhile: on two
    cores, two torch threads beside the parser slowed both (one run of extract
    over 202 articles: 99 s wall and 114 s CPU with two, 90 s and 101 s with one).
    `max_length` caps the word pieces read per text (sentences need fewer than articles).
    """
    if len(texts) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = load_embedder()
    # The embedder is shared by the whole process; setting this on every call
    # keeps our inputs at the measured length whatever another caller did.
    model.max_seq_length = max_length
    with _threads_left(spare_cores):
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    return np.ascontiguousarray(vectors, dtype=np.float32)


@contextlib.contextmanager
def _threads_left(spare: int) -> Iterator[None]:
    if spare <= 0:
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, threads - spare))
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def article_representation(title: str | None, text: str, *, lead_chars: int = LEAD_CHARS) -> str:
    """The string to embed for an article: its title and lead, bounded in length.

    News is written as an inverted pyramid: the title and first paragraphs
    carry the who, what and the figures, and a rewrite keeps those while it
    reorders, trims or pads the rest. The tail is where copies differ most
    (comment boxes, "read more", disclaimers), and mean pooling over a long
    input dilutes the lead. The model truncates at MAX_SEQ_LENGTH anyway, so
    the bound mainly makes explicit what is embedded and keeps tokenising cheap.
    The lead is cut at a sentence end where one falls in the second half of
    the window, so the embedding never ends on half a sentence it then
    misreads.
    """
    body = " ".join(text.split())
    heading = " ".join((title or "").split())
    # Pages often repeat the headline as the first line of the body.
    if heading and body.lower().startswith(heading.lower()):
        body = body[len(heading):].lstrip(" .:-")
    lead = _cut_lead(body, max(0, lead_chars - len(heading)))
    return f"{heading}\n{lead}" if heading else lead


def _cut_lead(body: str, limit: int) -> str:
    if len(body) <= limit:
        return body
    window = body[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].rstrip()
    space = window.rfind(" ")
    return window[:space] if space > 0 else window[:limit]


def embedding_to_bytes(vec: np.ndarray) -> bytes:
    """Pack one embedding, or a matrix of them row by row, as little-endian float16."""
    arr = np.asarray(vec, dtype=np.float32).reshape(-1)
    return arr.astype(_STORAGE_DTYPE).tobytes()


def embedding_from_bytes(data: bytes) -> np.ndarray:
    """Unpack `embedding_to_bytes` output of a single vector as a unit-length float32 vector."""
    return embeddings_from_bytes(data, dim=None)[0]


def embeddings_from_bytes(data: bytes, dim: int | None = EMBEDDING_DIM) -> np.ndarray:
    """Unpack a packed matrix as unit-length float32 rows of `dim` columns (one row when dim is None)."""
    if len(data) % _STORAGE_DTYPE.itemsize:
        raise ValueError(f"embedding blob of {len(data)} bytes is not float16 data")
    flat = np.frombuffer(data, dtype=_STORAGE_DTYPE).astype(np.float32)
    rows = flat.reshape(1, -1) if dim is None else flat.reshape(-1, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    # float16 rounding leaves the norm a hair off 1; restoring it keeps dot == cosine.
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
