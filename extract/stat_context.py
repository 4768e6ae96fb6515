"""Numbers that the sentence around them makes description (part of stage 2 of `extract.statistics`).

`stat_filters` drops what a number's own shape says is not a figure (dates, ages, names). The
kinds here are read from the words around the number: a size glued to the thing it qualifies
("a 16-inch laptop"), a deal ("down to $164.99 on Amazon"), what a vehicle can do ("zero to 60
mph"), a conversion in brackets ("60 mph (97 kph)"), a display format ("4K"), the scope or sample
of a survey or study ("in 46 markets", "a study in 38 people"), the entrants of a contest ("all 18
teams"), the sources of a report ("two people briefed on the talks"), a window of outings ("its
last 15 games"), a recipe line, a bound in a definition ("a BMI of 30 or more is classified as"), a
number on a line of its own and a figure inside an "if" clause. Every kind is a general shape of
news text; its words are language data (`stat_nonstatistics.yaml`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newstrace.extract.stat_amounts import (
    CURRENCY_WORDS,
    Amount,
    counted_noun,
    has_scale,
    is_measure_unit,
    number_token,
    word_list,
)
from newstrace.extract.stat_roles import governing_verb

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

__all__ = ["is_context_description"]


def is_context_description(doc: "Doc", amount: Amount) -> bool:
    """Whether the words around `amount` make it description rather than a figure."""
    if _is_alone_on_line(doc, amount) or _is_hypothetical(doc, amount) or _is_reference(doc, amount):
        return True
    if amount.unit == "money":
        return _is_deal_price(doc, amount) or _is_conversion(doc, amount)
    if amount.unit == "percent":
        return _is_discount(doc, amount) or _is_full_idiom(doc, amount)
    if amount.unit == "ratio":
        return _is_period_fraction(doc, amount)
    if amount.unit not in ("number", "quantity") or amount.of is not None:
        return False
    if _is_glued_size(doc, amount) or _is_format_name(amount) or _is_conversion(doc, amount):
        return True
    if _is_screen_size(doc, amount):
        return True
    if amount.unit == "quantity":
        return _is_performance(doc, amount) or _is_recipe_count(doc, amount)
    return (_is_scope(doc, amount) or _is_sample_size(doc, amount) or _is_entrants(doc, amount)
            or _is_source_description(doc, amount) or _is_window(doc, amount) or _is_recipe_count(doc, amount)
            or _is_definition_bound(doc, amount) or _is_inch_mark(doc, amount) or _is_plan_name(doc, amount)
            or _is_gathering(doc, amount) or _is_award_name(doc, amount) or _is_capacity(doc, amount))


def _is_capacity(doc: "Doc", amount: Amount) -> bool:
    """"seating 242 to 330 passengers", "the cabin sleeps six": what a vehicle or a venue can hold."""
    verb = governing_verb(number_token(doc, amount))
    return verb is not None and verb.lemma_.lower() in word_list("capacity_verbs")


# --- helpers -------------------------------------------------------------------------------------------

def _sentence(doc: "Doc", amount: Amount) -> "Span":
    return doc[amount.token_start].sent


def _words(span: "Span") -> set[str]:
    return {t.lower_ for t in span} | {t.lemma_.lower() for t in span}


def _has_phrase(text: str, phrases: frozenset[str]) -> bool:
    """Whether any (possibly multiword) phrase occurs in `text` as whole words."""
    lowered = " ".join(text.lower().split())
    return any(re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", lowered) for p in phrases)


def _states_change(span: "Span | list[Token]") -> bool:
    """A verb or a noun of change in the span ("rose", "a cut"); "top-selling" or "the report" are not."""
    return any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in word_list("change_verbs")
               or t.pos_ == "NOUN" and t.lemma_.lower() in word_list("change_nouns") for t in span)


def _line_of(doc: "Doc", amount: Amount) -> str:
    text = doc.text
    start = text.rfind("\n", 0, amount.start) + 1
    end = text.find("\n", amount.end)
    return text[start:end if end >= 0 else len(text)]


# --- the kinds -----------------------------------------------------------------------------------------

_NUMBER_WORDS = frozenset({"to", "and", "or", "thousand", "million", "billion", "trillion", "bn", "m", "k", "mn",
                           "per", "cent", "percent", "usd", "eur", "gbp"})


def _is_alone_on_line(doc: "Doc", amount: Amount) -> bool:
    """A line that holds numbers and nothing else ("70", "179,000 to 1.8 million.", "40,000₩"): a counter,
    a price tag or a chart label of the page, with nothing to say what it counts."""
    line = _line_of(doc, amount)
    words = re.findall(r"[^\W\d_]+", line)
    return all(w.lower() in _NUMBER_WORDS for w in words)


def _is_hypothetical(doc: "Doc", amount: Amount) -> bool:
    """A figure inside an "if" clause ("if we were able to reduce it by 75%", "if you live at an altitude
    of more than 1,000 feet"): a supposition, not a stated quantity."""
    marks = word_list("hypothetical_marks")
    for previous in reversed(doc[max(0, amount.token_start - 4):amount.token_start]):
        if previous.is_punct:
            break
        if previous.lower_ in marks:
            return True  # "(if over 1,000 feet, ...)": a clause with no verb of its own
    token = number_token(doc, amount)
    current = token
    for _ in range(8):
        if any(c.dep_ == "mark" and c.lower_ in marks for c in current.children) and current.dep_ == "advcl":
            return True
        if current.head == current:
            return False
        current = current.head
    return False


def _is_deal_price(doc: "Doc", amount: Amount) -> bool:
    """A small unscaled price in a sentence of commerce copy (`deal_words`): "AirPods are down to $164.99",
    "the annual plan saves you $14", "a $9.99 subscription". Averages and price indexes stay figures."""
    if has_scale(doc, amount.number) or abs(amount.value) >= 10000:
        return False
    sentence = _sentence(doc, amount)
    words = _words(sentence)
    if words & (word_list("price_statistic_words") - {"up", "down", "than", "higher", "lower"}):
        return False  # "the average price fell to $3.05": a statistic of prices
    if words & word_list("market_price_words"):
        return False  # "shares priced at $20 in the offering": a market's price is a figure
    if _has_phrase(sentence.text, word_list("deal_words")):
        return True
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    return after is not None and after.lower_ in ("off", "less") and not _states_change(sentence)


def _is_discount(doc: "Doc", amount: Amount) -> bool:
    """"a 25% discount", "30% savings" in a sentence of commerce copy."""
    noun = counted_noun(doc, amount)
    following = doc[amount.token_end] if amount.token_end < len(doc) else None
    nouns = word_list("discount_nouns")
    if not ((following is not None and following.lower_ in nouns) or noun.lower_ in nouns):
        return False
    sentence = _sentence(doc, amount)
    if _words(sentence) & (word_list("price_statistic_words") - {"up", "down", "than", "higher", "lower"}):
        return False
    # "priced its shares at a 2.8% discount" is a figure of a listing; a shop's discount comes with shop words
    return _has_phrase(sentence.text, word_list("deal_words") - nouns)


def _is_full_idiom(doc: "Doc", amount: Amount) -> bool:
    """"I'm 100% sure", "it suits you 100%": a hundred percent as an intensifier, not a share. "Rose 100%",
    "100% of homes" and "100% renewable power" stay figures."""
    if amount.value != 100 or amount.of is not None:
        return False
    following = list(doc[amount.token_end:amount.token_end + 2])
    if following and following[0].lower_ == "of":
        return False
    verb = governing_verb(number_token(doc, amount))
    if verb is not None and verb.lemma_.lower() in word_list("change_verbs"):
        return False
    if not following or following[0].is_punct:
        return True  # "suits you 100%."
    if following[0].pos_ in ("ADJ", "ADV"):
        return len(following) < 2 or following[1].pos_ not in ("NOUN", "PROPN")  # "100% sure", not "100% renewable power"
    return False


def _is_period_fraction(doc: "Doc", amount: Amount) -> bool:
    """"third-quarter earnings", "the first half": a quarter or a half after an ordinal is a period;
    "half-baked", "half-price", "quarter-final": one glued to a hyphen is part of a compound word."""
    if amount.text.lower() not in ("quarter", "half", "quarters", "halves"):
        return False
    if doc.text[amount.end:amount.end + 1] in ("-", "‑"):
        return True
    before = [t for t in doc[max(0, amount.token_start - 2):amount.token_start] if t.text not in ("-", "‑", "–")]
    return bool(before) and (before[-1].tag_ == "JJ" and before[-1].lower_ in _ORDINALS
                             or bool(re.fullmatch(r"\d+(st|nd|rd|th)", before[-1].lower_)))


_ORDINALS = frozenset({"first", "second", "third", "fourth", "final", "last", "latest", "previous", "next",
                       "current", "same", "opening", "prior"})


def _size_unit(doc: "Doc", amount: Amount) -> str | None:
    """The unit of a size glued to its number ("16-inch", "38mm", "2.5-liter", "5.5-inches"), or None."""
    text = amount.text.lower()
    match = re.fullmatch(r"[\d.,]+(?:\s*[-‑]\s*|)([a-z.″\"]+)", text)
    if match is None:
        return None
    unit = match.group(1)
    glued = "-" in text or "‑" in text or not re.search(r"\s", text)
    return unit if glued and unit in word_list("size_units") else None


def _is_glued_size(doc: "Doc", amount: Amount) -> bool:
    """A size glued to the thing it qualifies ("22-inch wheels", "the 13-inch MacBook Pro", "a 2.5-liter
    engine", "(GPS, 38mm)", "the 15-inch offered"): a specification. A change in the sentence ("grew to a
    16-inch ...") or a measured noun ("a 16-inch snowfall") keeps it a figure."""
    if _size_unit(doc, amount) is None:
        return False
    sentence = _sentence(doc, amount)
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    measured = word_list("measured_nouns")
    following = [t for t in doc[amount.token_end:amount.token_end + 4] if t.pos_ in ("NOUN", "PROPN")]
    if following and following[0].lemma_.lower() in measured | word_list("change_nouns"):
        return False
    if after is not None and after.lower_ == "of":
        return False  # "16 inches of snow": a quantity of something, not a size
    modifies = after is not None and after.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
    determined = before is not None and before.lower_ in ("a", "an", "the", "its", "their", "his", "her", "our",
                                                          "my", "your", "this", "that", "new", ",", "(")
    sized = any(t.lemma_.lower() in word_list("spec_nouns") for t in sentence)
    return modifies or determined or sized


def _is_screen_size(doc: "Doc", amount: Amount) -> bool:
    """"the display size will remain 13.3 inches": a size in inches or millimetres in a sentence about a
    product's part (`spec_nouns`), with nothing measured ("2 inches of rain") and no change."""
    if amount.unit != "quantity" or doc[amount.token_end - 1].lower_ not in ("inch", "inches", "mm", "″"):
        return False
    sentence = _sentence(doc, amount)
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if after is not None and after.lower_ == "of" or _states_change(sentence):
        return False
    words = _words(sentence)
    return bool(words & word_list("spec_nouns")) and not words & word_list("measured_nouns")


def _is_inch_mark(doc: "Doc", amount: Amount) -> bool:
    """"a 34" monitor": a number glued to an inch mark that does not close a quotation."""
    if amount.end >= len(doc.text) or doc.text[amount.end] not in "\"″":
        return False
    before = doc.text[amount.start - 1] if amount.start > 0 else "\n"
    return before.isspace() or before in "(,"  # '"22"' opens with a quote: a quoted number, not inches


def _is_format_name(amount: Amount) -> bool:
    """"4K", "1080p": a display format, not 4,000 of anything."""
    return amount.text.lower().replace(" ", "") in word_list("format_names")


def _is_conversion(doc: "Doc", amount: Amount) -> bool:
    """"60 mph (97 kph)", "176 Hong Kong dollars (£17.43)": the figure restated in another unit in
    brackets right after it; the figure is the one before the bracket."""
    if amount.token_start < 2 or doc[amount.token_start - 1].text != "(":
        return False
    previous = doc[amount.token_start - 2]
    if amount.unit == "money":
        return previous.lower_ in CURRENCY_WORDS or previous.lower_ in ("euro", "pounds") \
            or previous.like_num or previous.text in ("million", "billion")
    if is_measure_unit(previous) or re.fullmatch(r"[\d.,]+[a-z]+", previous.lower_):
        return True
    before = doc[max(0, amount.token_start - 6):amount.token_start - 1]
    return any(t.like_num for t in before) and any(is_measure_unit(t) for t in before) \
        and all(t.text in ("-", "‑") or t.is_alpha or t.like_num for t in before[-4:])


def _is_performance(doc: "Doc", amount: Amount) -> bool:
    """A speed or distance a product can do ("zero to 60 mph in five seconds", "a top speed of 109 mph",
    "go 300 miles on a single charge", "517 lb-ft of torque")."""
    unit = doc[amount.token_end - 1].lower_
    glued = re.sub(r"^[\d.,]+[-‑]?", "", unit)
    if not ({unit, glued} & word_list("performance_units")):
        return False
    sentence = _sentence(doc, amount)
    if unit in ("lb", "nm") and "torque" in _words(sentence):
        return not _states_change(sentence)  # "517 lb-ft of torque", unless "torque rose to ..."
    return _has_phrase(sentence.text, word_list("performance_cues"))


def _is_scope(doc: "Doc", amount: Amount) -> bool:
    """The scope of a survey or study ("an online survey in 46 markets", "of all 46 countries", "in 20
    countries where ... respondents"): how the study was drawn, not what it found."""
    noun = counted_noun(doc, amount)
    if noun.i < amount.token_end or noun.lemma_.lower() not in word_list("scope_nouns") \
            and noun.lower_ not in word_list("scope_nouns"):
        return False
    sentence = _sentence(doc, amount)
    # a change on the count's own path up the parse ("cases rose in 30 states"), not one in another clause
    # ("a survey across 46 countries shows that 36% avoid news, climbing to 41% in Brazil")
    path = [number_token(doc, amount), *number_token(doc, amount).ancestors]
    if _states_change(path) and not (_words(sentence) & {"surveyed", "polled", "respondents"}):
        return False  # "the virus spread to 46 countries"
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    if before is not None and before.lower_ in ("all", "the") and not _states_change(sentence):
        return True  # "of all 46 countries", "the 46 markets"
    return bool(_words(sentence) & word_list("survey_words"))


def _is_sample_size(doc: "Doc", amount: Amount) -> bool:
    """The participants of one study ("a study in 38 people", "one trial of 101 adolescents"): its design.
    Counts of a survey's respondents are kept: reports cite them as figures of the survey."""
    if amount.value >= 10000:
        return False
    preps = ("in", "of", "with", "involving", "among", "including")
    if amount.token_start >= 2 and doc[amount.token_start - 1].lower_ in preps \
            and doc[amount.token_start - 2].lemma_.lower() in word_list("study_nouns"):
        return True  # "a study in 48 people", whatever the parse attached "in" to
    token = number_token(doc, amount)
    noun = counted_noun(doc, amount)
    prep = noun.head if noun.dep_ == "pobj" else (token.head if token.dep_ == "pobj" else None)
    if prep is None or prep.lower_ not in preps:
        return False
    return prep.head.lemma_.lower() in word_list("study_nouns")


def _is_entrants(doc: "Doc", amount: Amount) -> bool:
    """The entrants of a contest or meeting ("all 18 teams playing", "10 candidates meet", "the two sides",
    "the field of 20"), unless a verb of change reports the count ("cut the field to 20")."""
    if amount.value >= 100 or has_scale(doc, amount.number):
        return False
    token = number_token(doc, amount)
    noun = counted_noun(doc, amount)
    entrants = word_list("participant_nouns")
    is_entrant = noun.i >= amount.token_end and (noun.lower_ in entrants or noun.lemma_.lower() in entrants)
    if not is_entrant and token.dep_ == "pobj" and token.head.lower_ == "of":
        is_entrant = token.head.head.lower_ in entrants  # "the field of 20"
    if not is_entrant:
        return False
    verb = governing_verb(token)
    if verb is None or noun.dep_ in ("nsubj", "nsubjpass"):
        return True  # "the two sides have lost a source of pressure": the entrants are the subject
    return verb.lemma_.lower() not in word_list("change_verbs")


def _is_gathering(doc: "Doc", amount: Amount) -> bool:
    """A small group that gathered or attended ("about a dozen owners were gathered", "roughly 14 supporters
    attended the hearing"): who was there, not a count an analyst follows. Crowds of 50 and more stay."""
    if amount.value >= 50 or has_scale(doc, amount.number):
        return False
    verb = governing_verb(number_token(doc, amount))
    return verb is not None and verb.lemma_.lower() in word_list("gathering_verbs")


def _is_award_name(doc: "Doc", amount: Amount) -> bool:
    """"40 Under 40", "30 Under 30": a number, a capitalised preposition and a number name an award or a list."""
    following = doc[amount.token_end:amount.token_end + 2]
    previous = doc[max(0, amount.token_start - 2):amount.token_start]
    if len(following) == 2 and following[0].is_title and following[0].pos_ == "ADP" and following[1].like_num:
        return True
    return len(previous) == 2 and previous[1].is_title and previous[1].pos_ == "ADP" and previous[0].like_num


def _is_reference(doc: "Doc", amount: Amount) -> bool:
    """Numbers of a reference list or a citation: a line that opens with "[1]", a bracket holding only
    numbers at a sentence's end ("(38, 39)"), and the digits after a middle-dot decimal ("0·80")."""
    if re.match(r"\s*\[\d+\]", _line_of(doc, amount)):
        return True
    if amount.start >= 2 and doc.text[amount.start - 1] == "·" and doc.text[amount.start - 2].isdigit():
        return True  # "0·80" read as 80: the decimal point is a middle dot
    opened = doc.text.rfind("(", max(0, amount.start - 30), amount.start)
    closed = doc.text.find(")", amount.end, amount.end + 30)
    if opened < 0 or closed < 0 or amount.unit not in ("number",):
        return False
    inside = doc.text[opened + 1:closed]
    return bool(re.fullmatch(r"\d{1,3}(?:\s*[,–-]\s*\d{1,3})+", inside.strip()))


def _is_source_description(doc: "Doc", amount: Amount) -> bool:
    """"Two people briefed on the talks said", "three officials familiar with the matter": who the sources are."""
    if amount.value >= 20:
        return False
    noun = counted_noun(doc, amount)
    if noun.i < amount.token_end:
        return False
    after = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
    return after is not None and after.lower_ in word_list("source_description_words") \
        and any(t.lemma_.lower() in ("say", "tell", "speak") for t in _sentence(doc, amount))


def _is_window(doc: "Doc", amount: Amount) -> bool:
    """"in its last 15 games", "his past five starts": a window of outings, like a duration."""
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    return before is not None and after is not None and before.lower_ in word_list("window_words") \
        and (after.lower_ in word_list("window_nouns") or after.lemma_.lower() in word_list("window_nouns"))


def _is_recipe_count(doc: "Doc", amount: Amount) -> bool:
    """A count on a recipe line ("10 olives (or 2 Tbsp.", "four calories per tablespoon"): the sentence
    measures ingredients."""
    if amount.value >= 100:
        return False
    kitchen = word_list("kitchen_units")
    return any(t.lower_ in kitchen or t.lemma_.lower() in kitchen for t in _sentence(doc, amount)
               if t.lower_ not in ("oz", "oz.", "stick", "sticks", "slice", "slices", "dash", "handful"))


def _is_definition_bound(doc: "Doc", amount: Amount) -> bool:
    """"a BMI of 30 or more is classified as obesity": a bound that defines a class."""
    rest = doc.text[amount.end:amount.end + 14].lower()
    if not any(rest.lstrip().startswith(p) for p in word_list("bound_phrases")):
        return False
    return bool(_words(_sentence(doc, amount)) & word_list("definition_verbs"))


def _is_plan_name(doc: "Doc", amount: Amount) -> bool:
    """"401(k)": a number glued to a bracketed letter names a plan or a rule."""
    return bool(re.match(r"\([a-z]\)", doc.text[amount.end:amount.end + 3]))
