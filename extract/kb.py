"""Knowledge base of sources and names: YAML in, typed entries and a resolver out.

The shipped base lives in `extract/kb/sources.yaml` (its header documents the
format); analysts merge their own files over it with `load_kb([path, ...])`.
Resolution is exact on a normalised key first (case, spacing, punctuation and
a leading "the" ignored, so "HuggingFace" == "Hugging Face"), then a bounded
fuzzy match that is deliberately timid: merging two different organisations
corrupts every trace downstream, while a missed typo only loses a link.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newstrace.corpus import safe_yaml
from newstrace.corpus.errors import UsageError

DEFAULT_KB_PATH = Path(__file__).with_name("kb") / "sources.yaml"
# The shipped base is every YAML file in extract/kb/, read in name order (one
# file per family of bodies keeps each reviewable); sources.yaml documents the format.
BUILTIN_KB_DIR = DEFAULT_KB_PATH.parent


def builtin_kb_paths() -> tuple[Path, ...]:
    """The shipped knowledge-base files, sources.yaml first, then the rest by name."""
    rest = sorted(p for p in BUILTIN_KB_DIR.glob("*.yaml") if p != DEFAULT_KB_PATH)
    return (DEFAULT_KB_PATH, *rest)

KINDS = ("study", "dataset", "leaderboard", "outlet", "organization", "person", "model", "place")
_LABEL_FOR_KIND = {
    "person": "PERSON",
    "place": "GPE",
    "model": "PRODUCT",
    "study": "WORK_OF_ART",
    "dataset": "WORK_OF_ART",
}
_FIELDS = (
    "id", "name", "kind", "aliases", "weak_aliases", "errors", "url", "domains",
    "country", "parent", "publisher", "label", "notes",
)
_FORMAT_HINT = "see extract/kb/sources.yaml for the format"

# Fuzzy guards. The score alone is not enough: "DeepSeek R2" scores 90 against
# "DeepSeek R1", and short names sit a letter apart ("Meta"/"Metal"), so a
# fuzzy hit also needs a long key, the same first letter, the same digits, a
# near-equal length, and no close rival from another entry.
FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_LENGTH = 6
FUZZY_MARGIN = 3.0


class KBError(UsageError):
    """A knowledge-base file is missing or malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Entry:
    """One known source, organisation, person, model or place."""

    id: str
    name: str
    kind: str  # one of KINDS
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()  # (wrong name, what kind of mistake)
    url: str | None = None
    domains: tuple[str, ...] = ()
    country: str | None = None
    parent: str | None = None
    publishers: tuple[str, ...] = ()
    label: str = "ORG"
    notes: str | None = None

    @property
    def related(self) -> tuple[str, ...]:
        """Ids whose mention makes a weak alias of this entry credible."""
        return ((self.parent,) if self.parent else ()) + self.publishers

    def strong_names(self) -> tuple[str, ...]:
        """Names safe to look for anywhere in running text."""
        return (self.name, *self.aliases, *(wrong for wrong, _ in self.errors))


@dataclass(frozen=True)
class Match:
    """The result of resolving a name: which entry, how, and any warning."""

    entry: Entry
    text: str  # the name as given
    method: str  # alias | fuzzy
    score: float  # 100 for exact alias matches
    note: str | None = None  # set when the name is a known error

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def kind(self) -> str:
        return self.entry.kind


def name_key(name: str) -> str:
    """Normalise a name for exact lookup: case, accents, spacing, punctuation, "the", "'s"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()
    # A leading article in English, French, German or Spanish ("the WHO", "l'OMS",
    # "la OMS", "die WHO"): both sides of a lookup drop it alike.
    text = re.sub(r"^(?:the|la|le|les|el|los|las|die|der|das)\s+|^l['’]\s*", "", text)
    text = re.sub(r"['’]s$", "", text)
    text = text.replace("&", "and")
    return re.sub(r"[\W_]+", "", text)


# An acronym alias ("WHO", "BAD", "DOE") shares its key with a word or a name
# ("who", "Bad", "Jane Doe"). A key that only acronyms give resolves only from
# text that is written as an acronym: two capitals or more, no lower-case run.
ACRONYM_MAX_LENGTH = 6


def is_acronym(name: str) -> bool:
    """Whether `name` is written as an acronym: "WHO", "U.N.", "AfDB", not "Who" or "Fed"."""
    core = re.sub(r"^(?:the|la|le|les|el|los|las|die|der|das)\s+|^l['’]|['’]s$", "", name.strip(),
                  flags=re.IGNORECASE)
    letters = [ch for ch in core if ch.isalpha()]
    if not letters or len(letters) > ACRONYM_MAX_LENGTH or " " in core.strip():
        return False
    upper = sum(ch.isupper() for ch in letters)
    return upper >= 2 and upper * 2 >= len(letters)


def _digits(key: str) -> str:
    return "".join(ch for ch in key if ch.isdigit())


def _host(url: str) -> str:
    # Origin lines often drop the scheme ("toutiao.com/article/1"); urlsplit
    # only finds a host after "//".
    if "//" not in url:
        url = "//" + url
    host = (urlsplit(url.strip()).hostname or "").lower()
    return re.sub(r"^(www|m|amp|mobile)\.", "", host)


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """Entries plus lookup indices. Build with `load_kb`, not directly."""

    entries: tuple[Entry, ...]
    never_entities: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    builtin: bool = True  # whether the shipped entries are in (part of the fingerprint)
    # Indices are derived data: computed once in __post_init__, which has to
    # use object.__setattr__ because the dataclass is frozen.
    _by_id: dict[str, Entry] = field(init=False, repr=False)
    _strong: dict[str, tuple[str, str | None]] = field(init=False, repr=False)
    _acronym_only: frozenset[str] = field(init=False, repr=False)
    _weak: dict[str, str] = field(init=False, repr=False)
    _fuzzy: dict[str, str] = field(init=False, repr=False)
    _domains: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id = {e.id: e for e in self.entries}
        strong: dict[str, tuple[str, str | None]] = {}
        weak: dict[str, str] = {}
        fuzzy: dict[str, str] = {}
        domains: dict[str, str] = {}
        acronym_keys: set[str] = set()
        spelled_keys: set[str] = set()
        for entry in self.entries:
            for wrong, what in entry.errors:
                strong[name_key(wrong)] = (entry.id, f"{what} for {entry.name}")
            for name in (entry.name, *entry.aliases):
                key = name_key(name)
                strong[key] = (entry.id, None)
                (acronym_keys if is_acronym(name) else spelled_keys).add(key)
                if len(key) >= FUZZY_MIN_LENGTH:
                    fuzzy[key] = entry.id
            for name in entry.weak_aliases:
                weak[name_key(name)] = entry.id
            for url in (entry.url, *entry.domains):
                if url:
                    domains[_host(url)] = entry.id
        # A work's home page usually sits on its publisher's or host's site
        # (a study on arxiv.org): it names that host only when nothing else does.
        for entry in self.entries:
            if entry.kind in ("study", "dataset", "leaderboard") and entry.publishers:
                for url in (entry.url, *entry.domains):
                    host = _host(url) if url else ""
                    if host and domains.get(host) == entry.id:
                        owner = next((e.id for e in self.entries if e.id != entry.id and e.kind not in
                                      ("study", "dataset", "leaderboard") and host in
                                      {_host(u) for u in (e.url, *e.domains) if u}), None)
                        if owner is not None:
                            domains[host] = owner
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_strong", strong)
        object.__setattr__(self, "_acronym_only", frozenset(acronym_keys - spelled_keys))
        object.__setattr__(self, "_weak", weak)
        object.__setattr__(self, "_fuzzy", fuzzy)
        object.__setattr__(self, "_domains", domains)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def get(self, entry_id: str | None) -> Entry | None:
        return self._by_id.get(entry_id) if entry_id else None

    @functools.cached_property
    def fingerprint(self) -> str:
        """Stable hash of the content, to tell whether a pipeline's ruler is current."""
        # `builtin` is hashed too: an empty KB without the shipped entries must
        # not look current to annotations made with them (nor the reverse).
        payload = repr((self.entries, sorted(self.never_entities), self.builtin))
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]

    def resolve(self, name: str, *, context: Collection[str] | None = None) -> Match | None:
        """Find the entry a name refers to.

        Args:
            name: a name as written ("HuggingFace", "the Washington Post").
            context: ids of entries named nearby. When given, a weak alias
                ("M2") only resolves if its parent or publisher is among them;
                when None the caller vouches that `name` is a name.

        Returns:
            The match, or None when nothing is close enough.
        """
        key = name_key(name)
        if not key:
            return None
        if key in self._strong and not (key in self._acronym_only and not is_acronym(name)):
            entry_id, note = self._strong[key]
            return Match(self._by_id[entry_id], name, "alias", 100.0, note)
        weak_id = self._weak.get(key)
        if weak_id is not None:
            entry = self._by_id[weak_id]
            if context is None or set(entry.related) & set(context):
                return Match(entry, name, "alias", 100.0)
            return None
        return self._fuzzy_match(name, key)

    def _fuzzy_match(self, name: str, key: str) -> Match | None:
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        from rapidfuzz import fuzz, process

        hits = process.extract(
            key, list(self._fuzzy), scorer=fuzz.ratio, limit=6, score_cutoff=FUZZY_MIN_SCORE - FUZZY_MARGIN
        )
        best: dict[str, float] = {}
        for candidate, score, _ in hits:
            if (
                candidate[0] != key[0]
                or _digits(candidate) != _digits(key)
                or abs(len(candidate) - len(key)) > max(1, len(key) // 8)
            ):
                continue
            entry_id = self._fuzzy[candidate]
            best[entry_id] = max(score, best.get(entry_id, 0.0))
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < FUZZY_MIN_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
            return None  # two entries about equally close: refuse to guess
        entry_id, score = ranked[0]
        return Match(self._by_id[entry_id], name, "fuzzy", float(score))

    def resolve_url(self, url: str) -> Entry | None:
        """The entry whose home page or listed domain hosts `url` (subdomains included)."""
        host = _host(url)
        while host:
            if host in self._domains:
                return self._by_id[self._domains[host]]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def works_by(
        self, publishers: Collection[str], kinds: Collection[str] | None = None, *, exact: bool = False
    ) -> Entry | None:
        """The one study/dataset/leaderboard published by exactly (or at least) these ids.

        Articles often name only some publishers ("an MIT study"), so an exact
        publisher set wins, and failing that a single work whose publishers
        include all those named (unless `exact`). Two candidates means no answer.
        """
        wanted = set(publishers)
        if not wanted:
            return None
        works = [e for e in self.entries if e.publishers and (kinds is None or e.kind in kinds)]
        same = [e for e in works if set(e.publishers) == wanted]
        if len(same) == 1:
            return same[0]
        if exact:
            return None
        covering = [e for e in works if wanted <= set(e.publishers)]
        return covering[0] if len(covering) == 1 else None

    def is_never_entity(self, text: str) -> bool:
        return text.strip() in self.never_entities


# --- loading --------------------------------------------------------------------


# A reserved item in a list of KB paths: "leave the shipped entries out". It
# lets `--no-builtin-kb` travel inside the `kb_paths` every stage already
# passes to `load_kb`, instead of a second option threaded through each one.
NO_BUILTIN = "builtin:none"


def load_kb(extra_paths: Sequence[Path | str] = (), *, builtin: bool = True) -> KnowledgeBase:
    """Load the shipped knowledge base, with user files merged over it in order.

    Args:
        extra_paths: user YAML files in the shipped format. Entries with a
            known id extend or override it; new ids are added.
        builtin: False leaves out every shipped entry (`--no-builtin-kb`), so
            only the user files, and what the corpus itself yields, name sources.
            `NO_BUILTIN` among `extra_paths` means the same.

    Returns:
        The merged knowledge base. The default (no extra files) is cached.

    Raises:
        KBError: a file is missing, is not valid YAML, or breaks the format.
    """
    if any(str(p) == NO_BUILTIN for p in extra_paths):
        builtin = False
        extra_paths = [p for p in extra_paths if str(p) != NO_BUILTIN]
    if builtin and not extra_paths:
        return _default_kb()
    shipped = builtin_kb_paths() if builtin else ()
    return _build((*shipped, *(Path(p) for p in extra_paths)), builtin=builtin)


@functools.lru_cache(maxsize=1)
def _default_kb() -> KnowledgeBase:
    return _build(builtin_kb_paths())


def _build(paths: Sequence[Path], *, builtin: bool = True) -> KnowledgeBase:
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    never: set[str] = set()
    for path in paths:
        document = _read_yaml(path)
        never.update(str(word) for word in document.get("never_entities") or ())
        for number, raw in enumerate(document["entries"], start=1):
            entry = _check_entry(path, number, raw)
            if entry["id"] in merged:
                _merge_into(merged[entry["id"]], entry)
            else:
                merged[entry["id"]] = entry
            # Errors about an entry name the last file that touched it.
            origin[entry["id"]] = path
    if not builtin:
        # Without the shipped entries a user file may point at ids it did not
        # define (a person's employer "mit"); the link is dropped, the entry kept.
        for data in merged.values():
            if data["parent"] is not None and data["parent"] not in merged:
                data["parent"] = None
            data["publishers"] = [p for p in data["publishers"] if p in merged]
    entries = tuple(_make_entry(origin[i], data) for i, data in merged.items())
    _check_references(entries, origin)
    _check_alias_clashes(entries, origin)
    return KnowledgeBase(entries, frozenset(never), tuple(str(p) for p in paths), builtin)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # Size, nesting and aliases capped (corpus.safe_yaml): a 540-byte alias bomb took all memory (I15).
        text = safe_yaml.read_text(path)
    except FileNotFoundError:
        raise KBError(f"{path}: knowledge-base file not found; check the path") from None
    except safe_yaml.YAMLLimit as exc:
        raise KBError(f"{path}: {exc}; split it or pass a smaller file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KBError(
            f"{path}: cannot read knowledge-base file ({_one_line(exc)}); save it as UTF-8 text"
        ) from None
    try:
        document = safe_yaml.load(text)
    except safe_yaml.YAMLLimit as exc:
        raise KBError(f"{path}: {exc}; {_FORMAT_HINT}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise KBError(
            f"{path}: {where}invalid YAML ({_one_line(problem)}); fix the syntax, {_FORMAT_HINT}"
        ) from None
    if not isinstance(document, Mapping) or not isinstance(document.get("entries"), list):
        raise KBError(f"{path}: expected a mapping with an 'entries:' list; {_FORMAT_HINT}")
    return dict(document)


def _as_strings(path: Path, where: str, field_name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise KBError(f"{path}: {where}: '{field_name}' must be a name or a list of names; {_FORMAT_HINT}")


def _check_entry(path: Path, number: int, raw: Any) -> dict[str, Any]:
    where = f"entry {number}"
    if not isinstance(raw, Mapping):
        raise KBError(f"{path}: {where}: expected a mapping with id, name and kind; {_FORMAT_HINT}")
    if "id" not in raw or not str(raw["id"]).strip():
        raise KBError(f"{path}: {where}: missing 'id'; give every entry a unique id")
    entry_id = str(raw["id"]).strip()
    where = f"entry {number} ({entry_id!r})"
    unknown = sorted(set(map(str, raw)) - set(_FIELDS))
    if unknown:
        raise KBError(f"{path}: {where}: unknown field {unknown[0]!r}; use only {', '.join(_FIELDS)}")
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise KBError(f"{path}: {where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    errors = raw.get("errors") or {}
    if isinstance(errors, list):
        errors = {str(wrong): "known error" for wrong in errors}
    if not isinstance(errors, Mapping):
        raise KBError(
            f"{path}: {where}: 'errors' must map each wrong name to the kind of mistake; {_FORMAT_HINT}"
        )
    return {
        "id": entry_id,
        "name": raw.get("name"),
        "kind": kind,
        "aliases": _as_strings(path, where, "aliases", raw.get("aliases")),
        "weak_aliases": _as_strings(path, where, "weak_aliases", raw.get("weak_aliases")),
        "errors": {str(k): str(v) for k, v in errors.items()},
        "url": raw.get("url"),
        "domains": _as_strings(path, where, "domains", raw.get("domains")),
        "country": raw.get("country"),
        "parent": raw.get("parent"),
        "publishers": _as_strings(path, where, "publisher", raw.get("publisher")),
        "label": raw.get("label"),
        "notes": raw.get("notes"),
    }


def _merge_into(base: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if key in ("aliases", "weak_aliases", "domains", "publishers"):
            base[key] = list(dict.fromkeys([*base[key], *value]))
        elif key == "errors":
            base[key] = {**base[key], **value}
        elif value is not None:
            base[key] = value


def _make_entry(path: Path, data: dict[str, Any]) -> Entry:
    where = f"entry {data['id']!r}"
    if not data["name"] or not data["kind"]:
        missing = "name" if not data["name"] else "kind"
        raise KBError(f"{path}: {where}: missing {missing!r}; every entry needs id, name and kind")
    kind = data["kind"]
    return Entry(
        id=data["id"],
        name=str(data["name"]),
        kind=kind,
        aliases=tuple(a for a in data["aliases"] if a != data["name"]),
        weak_aliases=tuple(data["weak_aliases"]),
        errors=tuple(data["errors"].items()),
        url=data["url"],
        domains=tuple(data["domains"]),
        country=data["country"],
        parent=data["parent"],
        publishers=tuple(data["publishers"]),
        label=str(data["label"] or _LABEL_FOR_KIND.get(kind, "ORG")),
        notes=_one_line(data["notes"]) if data["notes"] else None,
    )


def _check_references(entries: Sequence[Entry], origin: Mapping[str, Path]) -> None:
    known = {e.id for e in entries}
    for entry in entries:
        for ref in entry.related:
            if ref not in known:
                raise KBError(
                    f"{origin[entry.id]}: entry {entry.id!r}: {ref!r} is not a known id; "
                    f"add an entry with id {ref!r} or fix the reference"
                )


def _check_alias_clashes(entries: Sequence[Entry], origin: Mapping[str, Path]) -> None:
    owner: dict[str, str] = {}
    for entry in entries:
        for name in (*entry.strong_names(), *entry.weak_aliases):
            key = name_key(name)
            if owner.setdefault(key, entry.id) != entry.id:
                raise KBError(
                    f"{origin[entry.id]}: alias {name!r} of {entry.id!r} already names "
                    f"{owner[key]!r}; remove it from one of the two entries"
                )
