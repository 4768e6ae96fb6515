"""What a figure measures and whom it is about, for pages in languages with no parser here.

The English reader takes measure and holder from a dependency parse (extract/statistics.py). French,
German and Spanish pages have none, so this module reads the figure's clause as a string of words,
with the only grammar it knows in `extract/lang/<lang>/roles.yaml`:

- measure: an "of" phrase right after the figure ("17 % des ménages" -> "part des ménages",
  "3,2 millions de demandeurs d'emploi" -> "demandeurs d'emploi"), else the nearest rate, index or
  amount noun before it in its clause, with its "of" complement ("la tasa de paro subió al 11,7 %" ->
  "tasa de paro"; German compounds by their last part: "Arbeitslosenquote");
- holder: a group after a group preposition ("chez les jeunes", "unter Jugendlichen", "entre los
  jóvenes"), else a place or body after a place preposition ("en France", "in den USA"), else a
  name that completes the measure ("le taux de chômage de l'Espagne"). A name is a KB entity, or a
  capital not opening the sentence; in German, where every noun has a capital, an entity or an acronym
  ("in Teilzeit" names no place).

A phrase is a head word and at most two "of" links after it: without a parser a longer run would
swallow the verb ("des ménages étaient endettés"), so the reader stops short rather than guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import langdata

__all__ = ["figure_roles", "has_roles"]

ROLES = "roles"
_MAX_LINKS = 2
# Elided articles and prepositions are their own words ("d'emploi" -> "d'", "emploi").
_WORD = re.compile(r"(?:[ldjnstmc]|qu)['’](?=[^\W\d_])|[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,]\d+)*|\S", re.IGNORECASE)
_CLAUSE_MARKS = ",;:()«»\"“”„"


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


@dataclass(frozen=True)
class _Roles:
    of_words: tuple[tuple[str, ...], ...]  # each as words, longest first ("de la" before "de")
    of_with_article: frozenset[tuple[str, ...]]  # "of" words that carry an article ("des", "del", "der")
    share: str | None
    measure_nouns: frozenset[str]
    compound_heads: tuple[str, ...]
    holder_places: frozenset[str]
    holder_groups: frozenset[str]
    articles: frozenset[str]
    function_words: frozenset[str]
    months: frozenset[str]
    before_noun: frozenset[str]  # adjectives that come before the noun ("73.000 nuevos empleos")
    stop_words: frozenset[str]  # verbs and pronouns: no noun follows ("son", "sind", "ellos")
    nouns_capitalised: bool  # German: the first capitalised word after a count is its noun


def has_roles(lang: str) -> bool:
    return langdata.has(lang, ROLES)


@functools.cache
def _roles(lang: str) -> _Roles:
    data = langdata.table(lang, ROLES)
    of_words = sorted({tuple(str(w).lower().split()) for w in data.get("of_words") or []}, key=len, reverse=True)
    nouns = [str(w) for w in data.get("measure_nouns") or []]
    function_words: tuple[str, ...] = ()
    if langdata.has(lang, "sentences"):
        function_words = tuple(str(w) for w in langdata.table(lang, "sentences").get("function_words") or [])
    months = langdata.table(lang, "months") if langdata.has(lang, "months") else {}
    return _Roles(
        of_words=tuple(of_words),
        of_with_article=frozenset(tuple(str(w).lower().split()) for w in data.get("of_with_article") or []),
        share=str(data["share"]) if data.get("share") else None,
        measure_nouns=frozenset(w.lower() for w in nouns),
        compound_heads=tuple(sorted((w.lower() for w in nouns), key=len, reverse=True))
        if data.get("compound_heads") else (),
        holder_places=frozenset(str(w).lower() for w in data.get("holder_places") or []),
        holder_groups=frozenset(str(w).lower() for w in data.get("holder_groups") or []),
        articles=frozenset(str(w).lower() for w in data.get("articles") or []),
        function_words=frozenset(w.lower() for w in function_words),
        months=frozenset(str(m).lower().rstrip(".") for m in months),
        before_noun=frozenset(str(w).lower() for w in data.get("before_noun") or []),
        stop_words=frozenset(str(w).lower() for w in data.get("stop_words") or []),
        nouns_capitalised=bool(data.get("nouns_capitalised", False)),
    )


def _words(text: str, start: int, end: int) -> list[_Word]:
    return [_Word(start + m.start(), start + m.end(), m.group(0)) for m in _WORD.finditer(text[start:end])]


def _of_at(words: Sequence[_Word], k: int, roles: _Roles) -> int:
    """How many words an "of" link at words[k] takes (0 when there is none)."""
    for link in roles.of_words:
        if tuple(w.lower for w in words[k:k + len(link)]) == link:
            return len(link)
    return 0


def _content(word: _Word, roles: _Roles) -> bool:
    return word.is_word and word.lower not in roles.function_words and word.lower not in roles.articles \
        and word.lower not in roles.stop_words


def _is_name(word: _Word, sentence_start: int, names: Sequence[tuple[int, int]], lang: str) -> bool:
    """A proper name: inside a known entity, or (where only names are capitalised) a capital not
    opening the sentence."""
    if any(s <= word.start < e for s, e in names):
        return True
    if lang == "de":  # every German noun is capitalised: only an acronym is a name by its looks
        return len(word.text) > 1 and word.text.isupper()
    return word.text[:1].isupper() and word.start > sentence_start


def _phrase(words: Sequence[_Word], k: int, roles: _Roles, text: str, *, stop_at_name: bool = False,
            sentence_start: int = 0, names: Sequence[tuple[int, int]] = (), lang: str = "") -> tuple[str, int] | None:
    """A head word at words[k] and its "of" links: (the phrase as written, index after it)."""
    if k >= len(words) or not _content(words[k], roles):
        return None
    end = k + 1
    links = 0
    while links < _MAX_LINKS and end < len(words):
        size = _of_at(words, end, roles)
        if not size or end + size >= len(words):
            break
        after = end + size
        if words[after].lower in roles.articles and after + 1 < len(words):
            after += 1
        if not _content(words[after], roles) or words[after].lower in roles.months:
            break
        if stop_at_name and _is_name(words[after], sentence_start, names, lang):
            break  # "taux de chômage de la France": the name is the holder, not part of the measure
        end = after + 1
        links += 1
    return text[words[k].start:words[end - 1].end], end


def _count_noun(after: Sequence[_Word], roles: _Roles) -> int | None:
    """Where the noun a count counts starts, right after it: past adjectives that precede nouns
    ("73.000 nuevos empleos"; in German past any lower-case word, "17 Millionen neue Autos")."""
    for k, word in enumerate(after[:4]):
        if not word.is_word or word.lower in roles.stop_words:
            return None
        if roles.nouns_capitalised:
            if word.text[:1].isupper():
                return k
            continue
        if word.lower in roles.before_noun:
            continue
        return k if _content(word, roles) else None
    return None


def _clause_start(text: str, sentence_start: int, at: int) -> int:
    for i in range(at - 1, sentence_start - 1, -1):
        if text[i] in _CLAUSE_MARKS:
            return i + 1
    return sentence_start


def _clause_end(text: str, sentence_end: int, at: int) -> int:
    for i in range(at, sentence_end):
        if text[i] in _CLAUSE_MARKS:
            return i
    return sentence_end


def _measure_noun(word: _Word, roles: _Roles) -> bool:
    lower = word.lower
    if lower in roles.measure_nouns:
        return True
    # German compounds name their kind last: "Arbeitslosenquote", "Inflationsrate", "Strompreise"
    return word.text[:1].isupper() and any(lower.endswith(head) and len(lower) > len(head) + 2
                                           for head in roles.compound_heads)


def figure_roles(text: str, lang: str, sentence: tuple[int, int], start: int, end: int, unit: str,
                 names: Sequence[tuple[int, int]] = (), skip: Sequence[tuple[int, int]] = ()) -> tuple[
                     str | None, str | None]:
    """(measure, holder) of the figure text[start:end] (its unit words included) in `sentence`.

    `names` are entity spans (KB names) that count as proper names; `skip` are spans never read as a
    holder (the figure's period phrase, the source the sentence credits).
    """
    if not has_roles(lang):
        return None, None
    roles = _roles(lang)
    s_start, s_end = sentence
    clause_start, clause_end = _clause_start(text, s_start, start), _clause_end(text, s_end, end)
    after = _words(text, end, clause_end)
    before = _words(text, clause_start, start)
    measure: str | None = None
    holder: str | None = None
    # 1. an "of" phrase right after the figure
    size = _of_at(after, 0, roles) if after else 0
    if size:
        k = size + (1 if size < len(after) and after[size].lower in roles.articles else 0)
        read = _phrase(after, k, roles, text, stop_at_name=True, sentence_start=s_start, names=names, lang=lang)
        if read is not None and not _is_name(after[k], s_start, names, lang):
            phrase, _ = read
            head = after[k]
            # "17 % des ménages", "14 % de la población": a share of a group; "2 % de croissance" (a
            # rate noun after a bare "of") names the measure itself
            definite = k > size or size > 1 or tuple(w.lower for w in after[:size]) in roles.of_with_article
            if unit == "percent" and roles.share and (definite or not _measure_noun(head, roles)):
                measure = f"{roles.share} {text[after[0].start:after[size - 1].end]} " \
                          f"{text[after[size].start:after[size].end] + ' ' if k > size else ''}{phrase}"
            else:
                measure = phrase
    elif unit == "count" and after:
        noun = _count_noun(after, roles)
        read = _phrase(after, noun, roles, text, stop_at_name=True, sentence_start=s_start, names=names,
                       lang=lang) if noun is not None else None
        measure = read[0] if read else None  # "73.000 Wohnungen", "15 000 postes de travail"
    # 2. else the nearest measure noun before the figure in its clause
    if measure is None:
        for k in range(len(before) - 1, -1, -1):
            if _measure_noun(before[k], roles):
                k = _head_of(before, k, roles)  # "tasa de paro": the phrase "paro" completes
                read = _phrase(before, k, roles, text, stop_at_name=True, sentence_start=s_start, names=names,
                               lang=lang)
                if read is not None:
                    measure = read[0]
                    holder = _name_after_link(before, read[1], roles, text, s_start, names, lang)
                break
    # 3. a group or a place the clause names
    words = before + after
    group = _after_preposition(words, roles.holder_groups, roles, text, start, skip, names=None, s_start=s_start,
                               lang=lang)
    place = _after_preposition(words, roles.holder_places, roles, text, start, skip, names=names, s_start=s_start,
                               lang=lang)
    holder = group or holder or place
    if holder and measure and holder in measure:
        holder = None
    return measure, holder


def _head_of(words: Sequence[_Word], k: int, roles: _Roles) -> int:
    """The head of the phrase words[k] completes through "of" links ("taux de chômage" for "chômage")."""
    for _ in range(_MAX_LINKS):
        j = k - 1
        if j >= 0 and words[j].lower in roles.articles:
            j -= 1
        size = next((len(link) for link in roles.of_words
                     if j - len(link) + 1 >= 0 and tuple(w.lower for w in words[j - len(link) + 1:j + 1]) == link), 0)
        head = j - size
        if not size or head < 0 or not _content(words[head], roles):
            break
        k = head
    return k


def _name_after_link(words: Sequence[_Word], k: int, roles: _Roles, text: str, s_start: int,
                     names: Sequence[tuple[int, int]], lang: str) -> str | None:
    size = _of_at(words, k, roles) if k < len(words) else 0
    if not size:
        return None
    j = k + size
    if j < len(words) and words[j].lower in roles.articles:
        j += 1
    return _name_run(words, j, text, s_start, names, lang)


def _name_run(words: Sequence[_Word], j: int, text: str, s_start: int, names: Sequence[tuple[int, int]],
              lang: str) -> str | None:
    end = j
    while end < len(words) and words[end].is_word and _is_name(words[end], s_start, names, lang):
        end += 1
    return text[words[j].start:words[end - 1].end] if end > j else None


def _after_preposition(words: Sequence[_Word], preps: frozenset[str], roles: _Roles, text: str, figure: int,
                       skip: Sequence[tuple[int, int]], *, names: Sequence[tuple[int, int]] | None, s_start: int,
                       lang: str) -> str | None:
    """The phrase after the preposition nearest the figure: a group noun phrase (`names` None) or a
    proper name."""
    found: list[tuple[int, str]] = []
    for k, word in enumerate(words):
        if word.lower not in preps or k + 1 >= len(words):
            continue
        j = k + 1
        article = j < len(words) and words[j].lower in roles.articles
        if article:
            j += 1
        if j >= len(words) or any(s <= words[j].start < e for s, e in skip) or words[j].lower in roles.months:
            continue
        if names is None:
            read = _phrase(words, j, roles, text)
            phrase = read[0] if read else None
        else:
            phrase = _name_run(words, j, text, s_start, names, lang)
        if phrase:
            found.append((abs(word.start - figure), phrase))
    return min(found)[1] if found else None
