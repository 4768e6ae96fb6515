"""When a figure holds: its period from the sentence, its period key, and whether it is a forecast
(stage 4 of `extract.statistics`; period words are in `stat_periods.yaml`, forecast words in
`stat_forecast.yaml`)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from newstrace.extract.claims import entities_in
from newstrace.extract.numbers import parse_ordinal
from newstrace.extract.periods import period_key, period_words
from newstrace.extract.records import Statistic
from newstrace.extract.stat_amounts import MONTHS, Amount, word_list
from newstrace.extract.stat_roles import governing_verb, roles_word_list

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from spacy.tokens import Doc, Span, Token


def with_period_key(record: Statistic, reference: "dt.date | None") -> Statistic:
    """The period key, and a period after the publication year makes the figure a forecast."""
    key = period_key(record.period, reference=reference, forecast=record.forecast)
    forecast = record.forecast
    if reference is not None and key is not None and key[:4].isdigit() and int(key[:4]) > reference.year:
        forecast = True
    return replace(record, period_key=key, forecast=forecast)


def carry_anaphoric_periods(records: list[Statistic]) -> list[Statistic]:
    """A period that points back ("over the same period") becomes the last period an earlier figure
    of the article states, or None when none does: "the same period" means nothing on its own in a
    family label, and with its antecedent the figure joins the figures of that period."""
    anaphors = period_words("anaphoric_periods")
    prepositions = period_words("anaphor_prepositions")
    out: list[Statistic] = []
    last: str | None = None
    for record in records:
        if record.period is not None and _bare_period(record.period, prepositions) in anaphors:
            record = replace(record, period=last)
        elif record.period is not None:
            last = record.period
        out.append(record)
    return out


def _bare_period(period: str, prepositions: frozenset[str]) -> str:
    words = " ".join(period.lower().split()).split(" ")
    if words and words[0] in prepositions:
        words = words[1:]
    return " ".join(words)


def is_period_phrase(phrase: str) -> bool:
    import datetime

    bare = phrase.removesuffix("'s").removesuffix("’s").strip()
    # any reference date resolves a month name; only whether the phrase names a period matters
    return period_key(f"in {bare}", reference=datetime.date(2000, 1, 1)) is not None


def is_forecast(doc: "Doc", anchor: "Token", sentence: "Span", period: str | None) -> bool:
    """A projection, target or forecast: the figure's clause is governed by a verb of
    expectation ("is expected to reach"), has a future auxiliary ("will grow"), names a
    projection ("a forecast of 2.4%"), or puts a deadline on it ("by 2050") in a clause that is
    not in the past tense. Words are language data (`stat_forecast.yaml`)."""
    verbs, auxiliaries = word_list("forecast_verbs"), word_list("forecast_auxiliaries")
    nouns = word_list("forecast_nouns")
    noun = anchor.head if anchor.dep_ in ("nummod", "compound", "quantmod") and anchor.head != anchor else anchor
    past = word_list("forecast_past_expectation_verbs")
    if _range_role(anchor, None) == "start":
        return False  # "expected to rise from 14 million to 17 million": the level the change starts from
    for c in noun.children:
        if c.dep_ == "acl" and c.lower_ in word_list("forecast_cause_participles"):
            continue  # "522 million, driven by population growth": why, not that it is done
        if c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") and c.lemma_.lower() in past:
            return True  # "short of the 110,000 jobs expected": what was expected, not what happened
        if c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") and c.lower_ not in word_list("forecast_comparison_participles"):
            return False  # "the 14 million (cars) sold in 2023": a figure the text calls done ("compared to" is no deed)
    base = noun if noun.dep_ == "pobj" else anchor
    if base.dep_ == "pobj" and base.head.lower_ in ("than", "from") and base.head.head.pos_ != "VERB":
        return False  # "up from 14 million", "higher than the 14 million": the base of a comparison
    verb = governing_verb(anchor)
    chain: list["Token"] = []
    current = anchor
    for _ in range(8):
        chain.append(current)
        if current.head == current or (current.pos_ in ("VERB", "AUX") and current.dep_ in ("ccomp", "ROOT")
                                       and current is not verb):
            break
        current = current.head
    adjectives = word_list("forecast_adjectives")
    for position, token in enumerate(chain):
        below = chain[position - 1] if position else None
        if token.pos_ in ("VERB", "AUX") and (token.lemma_.lower() in verbs or token.lower_.removesuffix("s") in verbs) \
                and (token.tag_ != "VBD" or token.lemma_.lower() in past) and not _in_subject(anchor, token) \
                and not (below is not None and below.dep_ == "prep"
                         and below.lower_ not in word_list("forecast_value_prepositions")
                         and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)):
            # the lemmatizer reads "hopes" as "hop"; "predicted $2.52 a share" is an expectation in the past too
            return True  # "plans to hire 500", "expects revenue of $4bn"; not "45% of economists expect a recession",
            # nor "in markets such as India (2% share), the agency expects growth": the figure is no object of it
            # (a verb with no subject of its own: the parse took its subject for the preposition's object)
        if token.lower_ in adjectives and any(c.dep_ == "xcomp" for c in token.children):
            return True  # "is likely to ship", "is due to open"
        if token.pos_ == "VERB" and token.dep_ in ("xcomp", "advcl", "acl") and _cued_by(token.head, adjectives):
            return True  # "is on track to sell 3 million", "is poised to reach"
        if token.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "dobj" and c.lower_ in word_list("forecast_plan_nouns")
                and token.lemma_.lower() in word_list("forecast_revision_verbs") or c.dep_ == "nsubj"
                and token.tag_ != "VBD" and c.lower_ in word_list("forecast_plan_subjects") for c in token.children):
            return True  # "raised its guidance to $12bn" (the guidance is what is raised), "the consensus calls for"
        if token.pos_ == "NOUN" and token.lower_ in nouns \
                and not (token == noun and anchor.dep_ == "nummod" and anchor.like_num
                         and (token.tag_ == "NNS" or _count_word(anchor))):
            return True  # "a forecast of 2.4%", "the 2% target"; "3 goals", "1 goal" count goals, they project nothing
        if token.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ in auxiliaries for c in token.children):
            return True
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() == "set" and any(
                c.dep_ == "xcomp" for c in token.children):
            return True  # "is set to reach"
    for token in anchor.children:
        if token.dep_ == "prep" and token.lower_ == "of" and token.head.lower_ in nouns:
            return True
    top = chain[-1]
    if top.pos_ in ("VERB", "AUX") and top.dep_ == "ccomp" and top.head.pos_ == "VERB" \
            and top.head.lemma_.lower() in past and not _in_subject(anchor, top.head):
        return True  # "the institute projected in May that the tariffs would cut output by 0.25%"
    if period is not None:
        at = sentence.text.find(period)
        before = sentence.text[:at].split()[-1:] if at > 0 else []
        if before and before[0].lower() in word_list("forecast_deadline_prepositions"):
            # "by 2030 ... will", not "By 2018, ... remained"
            return verb is not None and verb.tag_ not in ("VBD", "VBN")
    return False


def _count_word(token: "Token") -> bool:
    """A bare small count ("1", "two"), not an amount with a scale or a share ("10 million", "2%")."""
    text = token.text.replace(",", "")
    small = int(text) < 100 if text.isdigit() else token.is_alpha and token.lower_ not in _SCALES
    return small and not any(c.lower_ in ("%", "percent") for c in token.head.children)


_SCALES = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen"})


def _cued_by(head: "Token", words: frozenset[str] | set[str]) -> bool:
    """The head of a clause of what is to come, or a word beside it, is one of `words` ("on track", "likely")."""
    near = [head, *head.children, *(g for c in head.children if c.dep_ == "prep" for g in c.children)]
    return any(t.lower_ in words for t in near)


def _in_subject(anchor: "Token", verb: "Token") -> bool:
    """Whether the figure is in the active subject of the verb: "45% of economists expect a recession" states
    what a survey found, not what is expected."""
    return any(c.dep_ == "nsubj" and anchor.i in {t.i for t in c.subtree} for c in verb.children)


def period_of(amount: Amount, sentence: "Span", anchor: "Token") -> str | None:
    """The time the figure covers: the nearest DATE entity of the figure's clause.

    A date counts when it attaches to the verb of the figure or to a verb above it
    ("in the past year, the share ... increased to 17%"), not when it sits in another
    clause ("the company, founded in 1998, hired 45 engineers").
    """
    verb = governing_verb(anchor)
    chain = {t.i for t in verb.ancestors} | {verb.i} if verb is not None else set()
    # a date inside the figure's own noun phrase dates it first: "the 14 million (cars sold) in 2023"
    noun = anchor.head if anchor.dep_ in ("nummod", "compound", "quantmod") and anchor.head != anchor else anchor
    own_phrase = {t.i for t in noun.subtree} if noun.pos_ in ("NOUN", "PROPN", "NUM", "SYM") else set()
    other_start = _range_start_span(anchor, amount)
    role = _range_role(anchor, amount)
    end_at = next((t.i for t in anchor.doc[amount.token_end:min(len(anchor.doc), amount.token_end + 4)]
                   if t.lower_ == "to"), None) if role == "start" else None
    best: tuple[int, str, "Span"] | None = None
    for ent in entities_in(sentence):
        if ent.label_ != "DATE" or amount.token_start <= ent.start < amount.token_end:
            continue
        if ent.start < amount.token_end and ent.end > amount.token_start:
            continue
        text = ent.text
        numeric = all(t.like_num or t.is_punct or t.lower_ in ("and", "to") for t in ent) \
            and not any(len(t.text) == 4 and t.text.isdigit() for t in ent)
        if parse_ordinal(text) is not None or numeric:
            continue  # "2nd and 9th", "30 to 40" mis-tagged as dates
        if len(ent) == 1 and ent[0].lower_ in ("daily", "weekly", "monthly", "annually", "yearly", "hourly", "today"):
            continue  # a frequency, not a period
        if _is_frequency(ent):
            continue  # "every week", "on an annual basis": how often, not when
        if _is_tenor(ent):
            continue  # "three-month aluminum", "the 10-year yield": the kind of contract, not when
        if _dates_other_figure(ent, amount):
            continue  # "38%, up from 29% in 2017": 2017 is the other figure's period
        if not _has_date_word(ent):
            continue  # "26 or above": the tagger's guess, no calendar word in it
        if _is_comparison_base(ent):
            continue  # "a 20% increase compared to 2023": 2023 is what the figure is measured against
        if _is_since_base(ent):
            continue  # "has tripled since 2000": 2000 is where the change starts, not when the figure holds
        if _is_duration_figure(ent):
            continue  # "shaved 3.2 years off life expectancy": a length of time that is itself a figure
        if ent.start in other_start:
            continue  # "from 1% in 1975 to 6% in 2016": 1975 is the start's, not the end figure's
        if role == "start" and end_at is not None and ent.start > end_at and not _is_span(ent):
            continue  # "from around 20% now to 24% by 2035": 2035 is the end's, not the start figure's
        if _is_vague_stretch(ent):
            continue  # "the lowest in weeks", "within months", "its last 20": no period of the calendar
        if _is_other_base(ent, amount):
            continue  # "higher than before the pandemic in 2019", "up 5% on 2019 levels": the comparison's base
        if _in_goal_of_other(ent, amount):
            continue  # "4.2 million cars, short of its 2030 goal": the target's year, not the current value's
        if not _is_point(ent) and (_of_other_change(ent, amount) or role == "end" and not _is_span(ent)
                                   and not _after_deadline_word(ent)):
            continue  # "fell 2% to $55, ... down 3% on the day", "rose 10 cents to $36.53; up 3.7% over the past
            # year": a stretch of time is the change's, not another figure's nor the level the change ends at
        if _statement_date(ent, verb):
            continue  # "the paper reported on Sunday that ...", "projected in May that ...": when it was said
        owner = governing_verb(ent.root)
        inside = ent.root.i in own_phrase
        if chain and owner is not None and owner.i not in chain and not inside \
                and not _in_xcomp_chain(owner, chain):
            continue  # another clause; "are estimated to be living with obesity in 2021" is the same one
        # the gap between the two spans; on a tie the date after the figure wins ("from 13.8%
        # in 1990 to 28.3% in 2022": 28.3% is of 2022), as English puts "in <period>" after it
        after = ent.start >= amount.token_end
        gap = ent.start - amount.token_end if after else amount.token_start - ent.end
        distance = 2 * max(gap, 0) + (0 if after else 1)
        if _is_point_date(ent):
            distance += 100  # "On December 22" dates the report, not the figure
        if inside:
            distance -= 50
        if best is None or distance < best[0]:
            best = (distance, text, ent)
    if best is None:
        return _period_token(amount, sentence)
    text = _with_range(best[2])
    if role is not None:
        years = [t for t in best[2].doc[max(0, best[2].start - 3):best[2].end + 3]
                 if _year_token(t) and t.text in text.split()]
        if _is_span_text(text) and len(years) >= 2:
            # "rose from 7% to 14% between 1990 and 2022": each end of the change holds at its end of the span
            return (years[0] if role == "start" else years[-1]).text
    return text


def _year_token(token: "Token") -> bool:
    return len(token.text) == 4 and token.text.isdigit() and 1900 <= int(token.text) <= 2100


def _with_range(ent: "Span") -> str:
    """The period as stated when it is one end of a span of years ("from 2020 to 2024", "From 2015 through
    2022"): the tagger often marks only one end as a date, and one end alone is a different period."""
    doc = ent.doc
    joiners = period_words("span_joiners") - {"and"}
    start, end = ent.start, ent.end
    between = period_words("pair_openers")
    opened = any(t.lower_ in between for t in doc[max(0, start - 1):min(end, start + 2)])
    if end < len(doc) and end - start >= 2 and doc[end - 1].lower_ in period_words("span_joiners") \
            and _year_token(doc[end]) and _year_token(doc[end - 2]):
        end += 1  # "between 1995 and" tagged without its end year
    elif end + 1 < len(doc) and (doc[end].lower_ in joiners or opened and doc[end].lower_ == "and") \
            and _year_token(doc[end + 1]) and _year_token(doc[end - 1]) \
            and not (end + 2 < len(doc) and doc[end + 2].pos_ in ("NOUN", "PROPN", "NUM")):
        end += 2  # "2020 to 2024"; not "from 900 in 2019 to 1200 people"
    elif start >= 3 and _year_token(doc[start - 2]) and _year_token(doc[start]) and (
            doc[start - 1].lower_ in joiners and doc[start - 3].lower_ in period_words("span_openers")
            or doc[start - 1].lower_ == "and" and doc[start - 3].lower_ in between):
        start -= 3 if doc[start - 3].lower_ in between else 2  # "From 2015 through 2022", "between 1995 and 2020"
    if (start, end) == (ent.start, ent.end):
        return ent.text
    return doc[start:end].text


def _is_span(ent: "Span") -> bool:
    return _is_span_text(_with_range(ent))


def _is_span_text(text: str) -> bool:
    """"2019 to 2021", "between 1990 and 2022": two years joined, a span rather than a point."""
    import datetime

    key = period_key(text, reference=datetime.date(2000, 6, 15))
    return key is not None and len(key) == 9 and key[4] == "-" and key[:4].isdigit() and key[5:].isdigit()


def _range_role(anchor: "Token", amount: Amount | None) -> str | None:
    """"start" or "end" when the figure is one end of a change stated from one value to another ("rose from
    7% to 14%", "(10.2% to 20.8%)"), else None: a period of the whole change is not either end's."""
    doc = anchor.doc
    noun = anchor
    while noun.dep_ in ("nummod", "compound", "quantmod") and noun.head != noun:
        noun = noun.head
    if noun.dep_ == "pobj" and noun.head.lower_ == "to" and noun.head.dep_ == "prep":
        to = noun.head
        if to.head.lower_ == "from" or any(c.dep_ == "prep" and c.lower_ == "from" and c.i < to.i
                                           for c in to.head.children):
            return "end"
    if noun.dep_ == "pobj" and noun.head.lower_ == "from" and (
            any(c.dep_ == "prep" and c.lower_ == "to" for c in noun.head.children)
            or any(c.dep_ == "prep" and c.lower_ == "to" and c.i > noun.i for c in noun.head.head.children)):
        return "start"
    if amount is None:
        return None
    # the parse often garbles a bracketed pair ("(3.2% to 7.7%)"): read the words around the figure
    start, end = amount.token_start, amount.token_end
    opens = period_words("pair_openers") | {"from", "("}
    if end + 1 < len(doc) and doc[end].lower_ == "to" and (doc[end + 1].like_num or doc[end + 1].is_currency) \
            and start >= 1 and doc[start - 1].lower_ in opens:
        return "start"
    if start >= 2 and doc[start - 1].lower_ == "to" and (doc[start - 2].like_num or doc[start - 2].text == "%") \
            and any(t.lower_ in opens for t in doc[max(0, start - 6):start - 2]):
        return "end"
    return None


def _after_deadline_word(ent: "Span") -> bool:
    """"by the end of the next decade": a deadline, not a stretch of time a change runs over."""
    deadline = word_list("forecast_deadline_prepositions")
    return ent[0].lower_ in deadline or ent.start > 0 and ent.doc[ent.start - 1].lower_ in deadline


def _of_other_change(ent: "Span", amount: Amount) -> bool:
    """The date hangs on a change word that states another figure ("..., down 1.4% on the day", "up 3.7% over
    the past year"): its stretch of time is that change's."""
    figure = set(range(amount.token_start, amount.token_end))
    prep = ent.root.head
    if ent.root.dep_ != "pobj" or prep.dep_ != "prep" or prep.head == prep:
        return False
    owner = prep.head
    if owner.i in figure or owner.lower_ not in period_words("base_change_words"):
        return False
    return not any(t.i in figure for t in owner.subtree) and any(
        c.like_num or c.ent_type_ in _AMOUNT_ENTS or c.lower_ in ("%", "percent") for c in owner.subtree)


def _statement_date(ent: "Span", verb: "Token | None") -> bool:
    """The date of a statement, not of the figure: it hangs on a verb of saying, reporting or projecting that
    is above the figure's own clause ("the paper reported on Sunday that the firm will cut 4,000 jobs", "the
    institute projected in May that ... would cut output by 0.4%"). A verb of saying takes only a day from
    the figure ("on Friday", "Tuesday"): "In 2023, the firm said, sales rose 5%" keeps 2023."""
    words = [t.lower_ for t in ent if not t.is_punct and t.lower_ not in ("'s", "’s")]
    if words and all(w in period_words("statement_day_words") for w in words) \
            and ent.root.dep_ in ("poss", "compound", "nmod", "npadvmod", "amod") \
            and (ent.root.head.lemma_.lower() in period_words("statement_nouns")
                 or ent.root.head.lower_ in period_words("statement_nouns")):
        return True  # "Thursday's data", "the Monday announcement": the day of the release
    if verb is None:
        return False
    owner = ent.root
    for _ in range(4):
        if owner.pos_ in ("VERB", "AUX") or owner.head == owner:
            break
        owner = owner.head
    if owner.pos_ not in ("VERB", "AUX") or owner == verb or verb.i not in {t.i for t in owner.subtree}:
        return False
    if any(ent.root.i in {t.i for t in c.subtree} and verb.i in {t.i for t in c.subtree} for c in owner.children):
        return False  # the date and the figure's clause are in one branch: the date is nearer the figure
    lemma = owner.lemma_.lower()
    clause = next((c for c in owner.children if verb.i in {t.i for t in c.subtree}), None)
    if lemma in period_words("projection_verbs") and owner.tag_ in ("VBD", "VBN") \
            and clause is not None and clause.dep_ == "ccomp":
        return True  # not "In 2024, sales are projected to leap to 10 million": there 2024 is the figure's
    if lemma not in period_words("statement_verbs"):
        return False
    said_on = {t.lower_ for t in ent}
    return bool(said_on & period_words("statement_day_words")) or _is_point_date(ent)


def _is_vague_stretch(ent: "Span") -> bool:
    """A date the tagger finds in a bare length of time ("weeks", "in recent months" is kept, "within
    weeks", "the coming years", "a few days") or in a count of events with a window word ("its last 20
    games"): it names no time of the calendar the figure holds for."""
    words = [t.lower_ for t in ent if not t.is_punct]
    if not words:
        return False
    vague = period_words("vague_stretch_words")
    units = period_words("plural_time_units")
    if all(w in vague or w in units for w in words) and any(w in units for w in words):
        return True
    windows = period_words("window_words")
    return any(t.like_num and not _year_token(t) for t in ent) and all(
        w in windows or w in ("the", "its", "their", "his", "her") or w.replace(",", "").isdigit() for w in words)


def _is_other_base(ent: "Span", amount: Amount) -> bool:
    """The date hangs under a word of comparison ("higher than before the pandemic in 2019") or qualifies a
    level that a change is measured from ("up 5% on 2019 levels", "down 3% from pre-pandemic 2019 figures")."""
    figure = set(range(amount.token_start, amount.token_end))
    current = ent.root
    for _ in range(6):
        if current.head == current or current.i in figure or current.pos_ in ("VERB", "AUX"):
            break
        current = current.head
        if current.lower_ in period_words("comparison_words") and current.i not in figure:
            return True
    root = ent.root
    if root.dep_ in ("compound", "nummod", "amod", "nmod", "poss") and root.head.lemma_.lower() in period_words(
            "base_level_nouns") and root.head.dep_ == "pobj":
        prep = root.head.head
        return prep.lower_ in period_words("base_prepositions") or prep.lower_ in ("than", "with", "to")
    return False


def _in_goal_of_other(ent: "Span", amount: Amount) -> bool:
    """The date belongs to a goal, target or plan the figure is set against ("has 4.2 million cars, short of
    its 2030 goal of 10 million", "32% of power, against a target of 50% by 2030"): the figure is not in the
    goal's phrase, so the goal's year is not its period."""
    figure = set(range(amount.token_start, amount.token_end))
    nouns = word_list("forecast_nouns")
    current = ent.root
    for _ in range(5):
        if current.head == current or current.pos_ in ("VERB", "AUX"):
            return False
        current = current.head
        if current.pos_ == "NOUN" and current.lower_ in nouns:
            if current.dep_ in ("nsubj", "nsubjpass", "attr") and current.head.lemma_ == "be":
                return False  # "the club's 2026 target is 40,000 members": the goal is what the figure states
            return not any(t.i in figure for t in current.subtree)
    return False


def _range_start_span(anchor: "Token", amount: Amount) -> set[int]:
    """Token indices between "from" and "to" when the figure is the "to" end of a range: dates there are
    the start figure's ("increased from 1% in 1975 to 6% in 2016")."""
    noun = anchor
    if noun.dep_ != "pobj" or noun.head.lower_ != "to" or noun.head.dep_ != "prep":
        return set()
    to = noun.head
    start = next((c for c in to.head.children if c.dep_ == "prep" and c.lower_ == "from" and c.i < to.i), None)
    if start is None:
        return set()
    return set(range(start.i, to.i))


def _is_duration_figure(ent: "Span") -> bool:
    """A number of years, months or days that is the object or subject of a verb: a figure, not a period."""
    tokens = [t for t in ent if not t.is_punct]
    return len(tokens) == 2 and tokens[0].like_num and not (len(tokens[0].text) == 4 and tokens[0].text.isdigit()) \
        and ent.root.dep_ in ("dobj", "nsubj", "nsubjpass", "npadvmod")


def _in_xcomp_chain(owner: "Token", chain: set[int]) -> bool:
    current = owner
    for _ in range(4):
        if current.dep_ != "xcomp" or current.head == current:
            return False
        current = current.head
        if current.i in chain:
            return True
    return False


def _is_frequency(ent: "Span") -> bool:
    words = roles_word_list("frequency_words")
    tokens = [t for t in ent if not t.is_punct]
    if tokens and tokens[0].lower_ in ("every", "each", "per"):
        return True
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return bool(tokens) and all(t.lower_ in words for t in tokens) and (nxt is None or nxt.lower_ == "basis"
                                                                       or len(tokens) == 1 and ent.root.dep_ == "amod")


def _is_tenor(ent: "Span") -> bool:
    """A hyphenated length of time that qualifies a noun: "three-month", "10-year", "30-day"."""
    hyphen = any(t.text == "-" for t in ent) or any("-" in t.text for t in ent)
    return hyphen and ent.root.dep_ in ("compound", "amod", "nmod") and ent.root.head.i >= ent.end \
        and ent.root.head.pos_ in ("NOUN", "PROPN")


_AMOUNT_ENTS = ("PERCENT", "MONEY", "CARDINAL", "QUANTITY")


def _dates_other_figure(ent: "Span", amount: Amount) -> bool:
    """The date is the complement of another figure ("from 29% in 2017", "to 80 by 2022"), not of this one."""
    head = ent.root.head
    if ent.root.dep_ != "pobj" or head.dep_ != "prep":
        return False
    owner = head.head
    if amount.token_start <= owner.i < amount.token_end:
        return False
    if not (owner.like_num or owner.ent_type_ in _AMOUNT_ENTS or owner.lower_ in ("%", "percent")):
        return False
    # the other figure is a base ("from 29% in 2017", "than 2.1% in 2023"), or the end of the range this
    # figure starts ("from 16 currently to 80 by 2022"); a parallel figure shares its period
    noun = owner
    while noun.dep_ in ("nummod", "compound", "quantmod") and noun.head != noun:
        noun = noun.head
    if noun.dep_ != "pobj":
        return False
    prep = noun.head.lower_
    if prep in ("from", "than", "since", "versus", "vs", "vs."):
        return True
    mine = ent.doc[amount.token_start]
    while mine.dep_ in ("nummod", "compound", "quantmod") and mine.head != mine:
        mine = mine.head
    return prep == "to" and mine.dep_ == "pobj" and mine.head.lower_ == "from"


def _is_comparison_base(ent: "Span") -> bool:
    doc = ent.doc
    before = [t.lower_ for t in doc[max(0, ent.start - 2):ent.start]]
    if bool(before) and (before[-1] in ("than", "versus", "vs", "vs.") or before[-2:] in (
            ["compared", "to"], ["compared", "with"], ["relative", "to"])):
        return True
    return _is_change_base(ent) or _is_record_base(ent)



def _is_since_base(ent: "Span") -> bool:
    """"since 2000", "since March": the start of what the figure runs over (`since_prepositions`)."""
    if ent.start == 0:
        return False
    prep = ent.doc[ent.start - 1]
    if ent[0].lower_ in roles_word_list("since_prepositions"):
        return True  # the tagger took "since" into the date
    return prep.lower_ in roles_word_list("since_prepositions") and ent.root.head == prep


def _is_point(ent: "Span") -> bool:
    """A year, a month, a quarter or a past relative period ("2023", "March 2021", "last year"), not a
    stretch of time ("the day", "the past year") nor a span ("2019 to 2021")."""
    import datetime

    words = [t.lower_ for t in ent]
    if any(w in period_words("span_joiners") for w in words[1:]):
        return False
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if nxt is not None and nxt.lower_ in period_words("span_joiners") and ent.end + 1 < len(ent.doc) \
            and (ent.doc[ent.end + 1].like_num or ent.doc[ent.end + 1].ent_type_ == "DATE"):
        return False  # "from 2019 to 2021": a span the figure covers
    return period_key(ent.text, reference=datetime.date(2000, 6, 15)) is not None


def _governing_preposition(ent: "Span", words: str) -> "Token | None":
    """The preposition right before a date that governs it, when it is one of the `words` list's."""
    if ent.start == 0:
        return None
    prep = ent.doc[ent.start - 1]
    return prep if prep.lower_ in period_words(words) and ent.root.head == prep else None


def _is_change_base(ent: "Span") -> bool:
    """"a 12% increase on last year", "up 4.5% from 2023": the point after the preposition is the base."""
    prep = _governing_preposition(ent, "base_prepositions")
    if prep is None:
        return False
    head = prep.head
    changes = word_list("change_verbs") | word_list("change_nouns")
    of_change = head.lemma_.lower() in changes or head.lower_ in changes \
        or head.lower_ in period_words("base_change_words") \
        or head.like_num or head.lower_ in ("%", "percent", "cent") or head.ent_type_ in ("PERCENT", "MONEY")
    return of_change and _is_point(ent)


def _is_record_base(ent: "Span") -> bool:
    """"its highest rate since March 2021": the date after a superlative is the last time it was so."""
    prep = _governing_preposition(ent, "record_prepositions")
    if prep is None:
        return False
    head = prep.head
    near = [head, *head.children]
    return any(t.tag_ in ("JJS", "RBS") or t.lower_ in period_words("record_words") for t in near) and _is_point(ent)


_PERIOD_TOKEN = re.compile(r"^(?:[qh][1-4]|fy\d{2,4}|[qh][1-4]\d{2,4})$", re.IGNORECASE)


def _period_token(amount: Amount, sentence: "Span") -> str | None:
    """"Q3", "H1", "FY24": period codes the tagger rarely calls dates; the nearest one, with a
    year right after it ("Q3 2025")."""
    best: tuple[int, str] | None = None
    for token in sentence:
        if not _PERIOD_TOKEN.match(token.text) or (token.lower_[0] == "h" and token.lower_[1] not in "12"):
            continue
        text = token.text
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if nxt is not None and nxt.text.isdigit() and len(nxt.text) == 4:
            text = f"{text} {nxt.text}"
        distance = min(abs(token.i - amount.token_start), abs(token.i - amount.token_end))
        if best is None or distance < best[0]:
            best = (distance, text)
    return best[1] if best is not None else None


_DATE_WORDS = MONTHS | {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "quarter", "quarters", "decade",
    "decades", "century", "centuries", "half", "season", "spring", "summer", "autumn", "fall", "winter",
    "today", "yesterday", "tomorrow", "ago", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "weekend", "fiscal", "fy", "q1", "q2", "q3", "q4", "h1", "h2", "period",
    "annual", "annually", "past", "last", "recent", "now", "currently",
}


def _has_date_word(ent: "Span") -> bool:
    return any(t.lower_ in _DATE_WORDS or (t.text.isdigit() and len(t.text) == 4 and 1000 <= int(t.text) <= 2100)
               or t.text.endswith("s")
               and t.text[:-1].isdigit() for t in ent)


def _is_point_date(ent: "Span") -> bool:
    words = {t.lower_ for t in ent}
    return bool(words & MONTHS) and any(t.like_num and len(t.text) <= 2 for t in ent) and not (
        words & {"ending", "through", "to", "until", "since", "between", "from"})
