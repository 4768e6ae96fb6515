"""What is not a statistic: dates, ages, durations, names and model numbers, page furniture, product
specs and prices, age bands, list numbers, scores and table cells (stage 2 of `extract.statistics`).
The kinds are general shapes; their words are language data (`stat_nonstatistics.yaml`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from newstrace.extract.stat_amounts import (
    MEASURE_NOUNS,
    MONTHS,
    NAME_LABELS,
    TIME_UNITS,
    TIME_VOLUME,
    Amount,
    counted_noun,
    has_scale,
    is_measure_unit,
    looks_like_year,
    number_token,
    pattern_matchers,
    word_list,
)
from newstrace.extract.stat_context import is_context_description
from newstrace.extract.stat_roles import governing_verb, names_people

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token


def is_statistic(doc: "Doc", amount: Amount, *, top_numbers: set[int]) -> bool:
    """Whether an amount states a figure (see the module docstring for the rules)."""
    if amount.unit in ("rank", "time"):
        return False  # ranks are decided by `find_ranks`; clock times are never figures
    mention = amount.number
    tokens = doc[amount.token_start:amount.token_end]
    head = number_token(doc, amount)
    has_unit = amount.unit in ("percent", "money", "multiplier", "ratio") or amount.of is not None
    if mention is not None and mention.suffix is not None and amount.unit not in ("multiplier", "quantity"):
        return False  # "1990s", "5G", "3D": decades and names
    if not has_unit:
        if _in_date(doc, amount) or _is_year(doc, amount) or _is_time(doc, head):
            return False
        if _is_age(doc, amount) or _is_duration(doc, amount) or _is_list_number(doc, amount):
            return False
        if _is_identifier(doc, amount) or _is_pronoun_one(doc, amount):
            return False
        if head.i in top_numbers or _is_group_size(doc, head):
            return False
        if _is_score_or_range(doc, amount) or _in_table_row(doc, amount) or _is_reference_mark(doc, amount):
            return False
        if mention is not None and mention.kind == "cardinal" and mention.text.isdigit() \
                and (len(mention.text) >= 9 or (mention.text.startswith("0") and len(mention.text) > 1)):
            return False  # phone numbers, ids, "01.01.2019"
    if any(t.like_url or t.like_email for t in tokens):
        return False
    return not _is_description(doc, amount, top_numbers=top_numbers)


def _is_description(doc: "Doc", amount: Amount, *, top_numbers: AbstractSet[int] = frozenset()) -> bool:
    """Numbers that describe rather than measure (issue 14): the kinds are general shapes,
    their words are language data (`stat_nonstatistics.yaml`)."""
    if _is_phone_number(doc, amount) or _is_page_furniture(doc, amount):
        return True
    if _is_idiom_number(amount) or _is_threshold(doc, amount) or _is_shop_copy(doc, amount):
        return True  # "24/7"; "(BMI >=30 kg/m2)"; "Get it on Amazon for 39.99"
    if amount.unit == "money" and (_is_product_price(doc, amount) or _is_retail_price(doc, amount)):
        return True  # "the 16-inch model costs $2,399", "a $15 charger": a product's price, not a figure of the world
    if amount.unit in ("number", "quantity") and amount.of is None:
        if _is_age_band(doc, amount) or _is_spec_part(doc, amount):
            return True  # "18- to 24-year-olds"; "406 lb-ft of torque"
    if amount.of is not None and _is_identifier(doc, amount):
        return True  # "Photo 3 of 12", "Page 2 of 5"
    if amount.unit == "ratio" and (_is_fraction_of_time(doc, amount) or _is_time_signature(doc, amount)
                                   or _is_positioned_part(doc, amount)):
        return True  # "half a year", "a year and a half", "half an hour"; "in 3/4 time"; "the top half"
    if amount.unit == "multiplier" and _is_multiplier_idiom(doc, amount):
        return True  # "paying twice over"
    if amount.unit == "number" and _is_period_range_end(doc, amount):
        return True  # "FY2021-23"
    if _is_kitchen_measure(doc, amount):
        return True  # "1 cup", "2 tbsp", "½ cup": a recipe, not the world
    if amount.unit == "money" and _is_listing_price(doc, amount):
        return True  # "Wireless earbuds for $49", a line that is only "$234.98": shop copy
    if amount.unit == "multiplier" and _is_model_name(doc, amount):
        return True  # "777x jets"
    if amount.unit in ("number", "quantity") and amount.of is None:
        if _is_listicle(doc, amount) or _is_spec(doc, amount):
            return True
        if _is_product_spec(doc, amount) or _is_name_number(doc, amount):
            return True
    if _is_device_spec(doc, amount):
        return True  # "the monitor draws 65 watts", "the SUV offers 300 miles of range"
    if _is_first_person(doc, amount):
        return True  # "I got 30 likes", "it cost me $40": an anecdote
    if _is_lineup(doc, amount):
        return True  # "launching with 40 games", "a 25-city tour": a line-up
    if _is_imagined(doc, amount) or _is_study_dose(doc, amount):
        return True  # "Imagine a town of 10,000 people"; "participants were given 1,000 IU of vitamin D"
    if amount.unit == "money" and _is_subscription_price(doc, amount):
        return True  # "the premium plan is $14.99 a month", "tickets start at $35": a price list
    if _is_body_size(doc, amount):
        return True  # "a panel of 12 judges picked the winner": the make-up of a body
    if _is_recipe_step(doc, amount) or _is_part_of_few(doc, amount):
        return True  # "Add 200 grams of flour"; "two of the three films": a recipe, a description
    if is_context_description(doc, amount):
        return True  # sizes, deals, performance, survey scope, entrants, windows, bounds, hypotheticals
    if amount.unit != "number" or amount.of is not None:
        return False
    sentence = doc[amount.token_start].sent
    if any(sentence.start <= i < sentence.end for i in top_numbers):
        return False  # "eight ... made the top ten": a count out of a ranking (`counts_in_top`)
    return _is_small_description(doc, amount)


def _words(tokens: "Iterable[Token]") -> set[str]:
    return {w for t in tokens for w in (t.lower_, t.lemma_.lower())}


def _clause_tokens(doc: "Doc", amount: Amount) -> list["Token"]:
    """The number's head chain up to its clause's verb (and the verb a conjunct or a complement
    hangs from), with the subjects, objects and possessives of each: what the figure is said of."""
    token = number_token(doc, amount)
    chain: list["Token"] = []
    current = token
    subjects = ("nsubj", "nsubjpass")
    for _ in range(8):
        chain.append(current)
        if current.pos_ in ("VERB", "AUX") and (any(c.dep_ in subjects for c in current.children)
                                               or current.dep_ not in ("conj", "xcomp", "advcl", "pcomp")):
            break  # a verb with its own subject closes the clause; a bare conjunct or complement borrows one
        if current.head == current:
            break
        current = current.head
    out = list(chain)
    for link in chain:
        children = [c for c in link.children if c.dep_ in subjects + ("poss", "compound", "dative", "dobj", "iobj",
                                                                      "npadvmod")]
        out.extend(children)
        out.extend(p for c in children if c.dep_ in subjects for p in c.children if p.dep_ == "poss")
    return out


def _states_world_measure(doc: "Doc", amount: Amount) -> bool:
    """A device-sized quantity said of the world: a measure word ("capacity", "sales", "the grid"), a noun
    of change or a verb of change other than what a product can reach ("output rose to 400 hp")."""
    sentence = doc[amount.token_start].sent
    words = _words(sentence)
    if words & (word_list("spec_world_words") | word_list("change_nouns")):
        return True
    verbs = word_list("change_verbs") - word_list("spec_reach_verbs")
    if any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in verbs for t in sentence):
        return True
    # a rate of use, "15 GB per phone per month", "900 kWh a month"
    return any(t.lower_ in ("per", "a", "an", "every", "each") and t.i + 1 < sentence.end
               and doc[t.i + 1].lemma_.lower() in TIME_UNITS for t in doc[amount.token_end:sentence.end])


def _about_product(doc: "Doc", amount: Amount) -> bool:
    """The figure's clause is said of a product ("the monitor", "its battery", "a 12-core chip"), or of "it"
    when the sentence or the one before names a product."""
    products = word_list("product_nouns")
    clause = _clause_tokens(doc, amount)
    if _words(clause) & products:
        return True
    after = []
    for t in doc[amount.token_end:min(amount.token_end + 6, doc[amount.token_start].sent.end)]:
        if t.is_punct and t.text not in ("-", "‑"):
            break
        after.append(t)
    if _words(t for t in after if t.pos_ in ("NOUN", "PROPN")) & products:
        return True  # "a 12-core processor", "a 22 kW second on-board charging device"
    if not any(t.lower_ in ("it", "its", "they", "their") for t in clause):
        return False
    sentence = doc[amount.token_start].sent
    start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    return bool(_words(t for t in doc[start:sentence.end] if t.pos_ in ("NOUN", "PROPN")) & products)


def _is_device_spec(doc: "Doc", amount: Amount) -> bool:
    """A device's rating or a vehicle's range ("the monitor draws 65 watts", "a 12-core chip", "the SUV
    offers 300 miles of range", "a range of 400 km"): a unit of `device_spec_units`, or a distance of
    `range_nouns`, in a clause said of a product, with no measure of the world in the sentence."""
    if amount.unit not in ("quantity", "number") or amount.of is not None:
        return False
    units = word_list("device_spec_units")
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if after is not None and after.text in ("-", "‑") and amount.token_end + 1 < len(doc):
        after = doc[amount.token_end + 1]  # "12-core"
    unit_word = doc[amount.token_end - 1] if amount.unit == "quantity" else after
    suffix = (amount.number.suffix or "").lower() if amount.number is not None else ""
    glued = re.sub(r"^[\d.,]+", "", unit_word.lower_) if unit_word is not None else ""
    rated = unit_word is not None and bool({unit_word.lower_, suffix, glued} & units)
    if not rated and not _is_range(doc, amount, unit_word):
        return False
    return _about_product(doc, amount) and not _states_world_measure(doc, amount)


def _is_range(doc: "Doc", amount: Amount, unit_word: "Token | None") -> bool:
    """"300 miles of range", "a range of 400 km", "an electric range of up to 50 miles"."""
    if unit_word is None or unit_word.lower_ not in word_list("range_units"):
        return False
    ranges = word_list("range_nouns")
    following = " ".join(t.lower_ for t in doc[amount.token_end:amount.token_end + 4])
    if following.startswith("of ") and any(following[3:].startswith(r) for r in ranges):
        return True
    start = amount.token_start - (len(amount.approx.split()) if amount.approx else 0)
    before = " ".join(t.lower_ for t in doc[max(0, start - 5):start])
    return any(before.endswith(f"{r} of") or f"{r} of up to" in before or before.endswith(f"{r} of about")
               for r in ranges)


def _is_first_person(doc: "Doc", amount: Amount) -> bool:
    """A figure its clause says of "I", "me" or "my" ("I got 30 likes", "my 1,000 followers", "the repair cost
    me $40", "my rent of $1,200"): a personal anecdote. Inside a quotation whose sentence names an official
    speaker ("'I signed 40 orders,' the governor said") the figure is the office's and is kept; so is a scaled
    sum ("'my people had $20 billion done,' the president said")."""
    if has_scale(doc, amount.number):
        return False  # "my people had $20 billion done": a scaled sum is not a personal tally
    first = word_list("first_person_words")
    clause = _clause_tokens(doc, amount)
    mine = [t for t in clause if t.lower_ in first and t.pos_ == "PRON"]
    if not mine:
        return _is_remembered(doc, amount) and not _in_quotes(doc, amount)
    noun = counted_noun(doc, amount)
    tallies = word_list("tally_nouns")
    if (noun.lower_ in tallies or noun.lemma_.lower() in tallies) and all(
            t.dep_ == "poss" and t.head.dep_ in ("nsubj", "nsubjpass") and t.head != noun for t in mine):
        return False  # "my county recorded 340 overdose deaths": a tally of harm said of the writer's place
    if _in_quotes(doc, amount):
        sentence = doc[amount.token_start].sent
        return not (_words(sentence) & word_list("official_speakers"))
    return True


def _is_remembered(doc: "Doc", amount: Amount) -> bool:
    """The figure's verb sits under the writer's memory: a clause of time with "I" or "we" as subject
    ("When I was a kid, a loaf cost 50 cents") or a verb of remembering with "I" ("I remember when petrol
    cost $1"). "I learned that 1.2 million homes lost power" reports a figure and is not read so."""
    verb = governing_verb(number_token(doc, amount))
    if verb is None:
        return False
    writers, marks = word_list("writer_subjects"), word_list("memory_marks")
    subjects = ("nsubj", "nsubjpass")
    if _words(doc[amount.token_start].sent) & word_list("official_speakers"):
        return False  # "When I took office, unemployment was 9%, the governor said": the office's figure
    for clause in (c for c in verb.children if c.dep_ == "advcl"):
        if any(m.dep_ in ("mark", "advmod") and m.lower_ in marks for m in clause.children) and any(
                c.dep_ in subjects and c.lower_ in writers for c in clause.children):
            return True
    # "I remember when petrol cost $1": the figure's clause is the memory's "when" clause
    above = verb.head
    return verb.dep_ in ("advcl", "ccomp") and above.lemma_.lower() in word_list("memory_verbs") \
        and any(c.dep_ in ("mark", "advmod") and c.lower_ == "when" for c in verb.children) \
        and any(c.dep_ in subjects and c.lower_ in writers for c in above.children)


def _is_lineup(doc: "Doc", amount: Amount) -> bool:
    """A line-up: a bare count under a thousand of what a product, a service or an event is presented with
    ("the console launches with 40 games", "the festival features 60 acts", "will unveil 12 new models")
    or of a tour's stops ("the tour takes in 25 cities"), in a sentence with no word of sales or change."""
    if amount.unit != "number" or amount.of is not None or abs(amount.value) >= 1000 \
            or has_scale(doc, amount.number):
        return False
    noun = counted_noun(doc, amount)
    if noun.i < amount.token_end:
        return False
    sentence = doc[amount.token_start].sent
    words = _words(sentence)
    if words & (word_list("spec_world_words") | word_list("change_nouns") | word_list("change_verbs")):
        return False  # "sold 40 games", "added 12 models", "a record 60 acts"
    counted = _words([noun])
    if counted & word_list("tour_stop_nouns") and words & word_list("tour_nouns"):
        return True
    if not counted & word_list("lineup_nouns"):
        return False
    verb = governing_verb(number_token(doc, amount))
    return verb is not None and verb.lemma_.lower() in word_list("lineup_verbs")


def _is_imagined(doc: "Doc", amount: Amount) -> bool:
    """A figure in a sentence that opens with an imperative of imagining ("Imagine a town of 10,000 people",
    "Say you earn $50,000 a year"): an example the writer sets up, not a figure of the world."""
    sentence = doc[amount.token_start].sent
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    if len(words) < 2 or words[0].lower_ not in word_list("hypothetical_openers"):
        return False
    opener = words[0]
    if opener.lower_ == "say" and words[1].lower_ not in word_list("hypothetical_subjects"):
        return False  # "Say goodbye to ..."
    if opener.tag_ not in ("VB", "VBP", "VBG") or opener.ent_type_:
        return False  # "Imagine Dragons sold ...", "Picture frames ..."
    token = number_token(doc, amount)
    return any(t.i == token.i for t in opener.subtree)  # "Assume nothing: 40% of voters ..." is not set up


def _is_study_dose(doc: "Doc", amount: Amount) -> bool:
    """A dose given or taken ("participants were given 1,000 IU of vitamin D a day", "took 5 mg"): a study's
    design or a treatment, not a figure of the world; "4.5 billion doses were prescribed" counts doses."""
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    unit_word = doc[amount.token_end - 1] if amount.unit == "quantity" else after
    if unit_word is None or unit_word.lower_ not in word_list("dose_units") or has_scale(doc, amount.number):
        return False
    verb = governing_verb(number_token(doc, amount))
    return verb is not None and verb.lemma_.lower() in word_list("dose_verbs")


def _is_subscription_price(doc: "Doc", amount: Amount) -> bool:
    """A small unscaled price of a subscription, a membership, a ticket or a plan tier ("the premium plan is
    $14.99 per month", "a monthly pass costs $90", "tickets start at $35") in a sentence with no change and
    no average: what a price list says, not a figure of the world ("the average ticket cost $120" stays)."""
    if has_scale(doc, amount.number) or abs(amount.value) >= 1000:
        return False
    sentence = doc[amount.token_start].sent
    words = _words(t for t in sentence if t.dep_ != "prt")
    change = word_list("change_verbs") | word_list("change_nouns") | word_list("price_statistic_words")
    if words & change or words & word_list("market_price_words"):
        return False
    nouns = word_list("subscription_nouns")
    tiers = word_list("plan_tiers")
    clause = _clause_tokens(doc, amount)
    noun = counted_noun(doc, amount)
    candidates = [t for t in clause if t.pos_ in ("NOUN", "PROPN")]
    if noun.i >= amount.token_end:
        candidates.append(noun)  # "a $90 monthly pass"
    for token in candidates:
        if token.lower_ in nouns or token.lemma_.lower() in nouns:
            return True
        if token.lemma_.lower() in ("plan", "tier", "package", "bundle") and any(
                c.lower_ in tiers for c in token.children if c.dep_ in ("amod", "compound")):
            return True  # "the premium plan", "Netflix's standard plan"; not "the state's health plan"
    return False


def _is_recipe_step(doc: "Doc", amount: Amount) -> bool:
    """A measure in a step of a recipe: the sentence opens with an imperative of cooking ("Add 200 grams of
    flour", "Bake at 180C for 25 minutes", "Stir in 2 litres of stock"); "Add to that 3 million jobs" is no step."""
    sentence = doc[amount.token_start].sent
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    if len(words) < 2 or words[0].lower_ not in word_list("recipe_verbs") or words[0].tag_ != "VB" \
            or words[0].ent_type_:
        return False  # "Reserve Bank ...", "Heat waves killed ...", "Season ticket sales ...": not an imperative
    if words[1].lower_ in ("to", "that", "up") or has_scale(doc, amount.number):
        return False  # "Add to that ...", "Add up the ..."
    return amount.unit in ("quantity", "number", "ratio")


def _is_body_size(doc: "Doc", amount: Amount) -> bool:
    """"a panel of 12 judges", "a jury of nine", "the team of 40 researchers": a bare count under the limit after
    "<determiner> <body noun> of" gives the make-up of a body that acts, not a figure of the world; a count
    with a word of change ("a board of 12 cut 400 jobs" keeps 400) or a scale stays."""
    if amount.unit != "number" or amount.of is not None or has_scale(doc, amount.number):
        return False
    limit = min(int(w) for w in word_list("body_size_limit"))
    start = amount.token_start - (len(amount.approx.split()) if amount.approx else 0)
    if abs(amount.value) >= limit or start < 3 or doc[start - 1].lower_ != "of":
        return False
    body, det = doc[start - 2], doc[start - 3]
    return body.lemma_.lower() in word_list("body_nouns") and det.lower_ in ("a", "an", "the", "its", "their")


def _is_part_of_few(doc: "Doc", amount: Amount) -> bool:
    """"two of the three films", "one of its four stores": a part of a small known set (a definite or a
    possessive before a whole under ten) describes it; "three in four adults", "7 of 10 voters" are shares."""
    if amount.of is None or amount.of >= 10 or " of " not in amount.text.lower():
        return False
    before_whole = amount.text.lower().split(" of ", 1)[1].split()
    return len(before_whole) >= 2 and before_whole[0] in ("the", "its", "their", "his", "her", "our", "my", "these",
                                                          "those")


def _in_quotes(doc: "Doc", amount: Amount) -> bool:
    """Whether the amount is inside a quotation of its paragraph (an odd number of straight quotes before
    it, or more opening than closing curly ones)."""
    text = doc.text
    start = text.rfind("\n", 0, amount.start) + 1
    before = text[start:amount.start]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


_PHONE = re.compile(
    r"(?:\+\d{1,3}(?:[\s.-]\(?\d{1,4}\)?){2,4})"  # "+44 20 7946 0958"
    r"|(?:\(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4})"  # "(202) 555-0100"
    r"|(?:\b\d{2,4}[.-]\d{3,4}[.-]\d{3,4}\b)")  # "555-123-4567", "020.7946.0958"


def _is_phone_number(doc: "Doc", amount: Amount) -> bool:
    window_start = max(0, amount.start - 24)
    window = doc.text[window_start:amount.end + 24]
    for match in _PHONE.finditer(window):
        start, end = window_start + match.start(), window_start + match.end()
        if start <= amount.start and amount.end <= end + 1 and "," not in match.group(0):
            return True
    return False


def _line_of(doc: "Doc", amount: Amount) -> str:
    text = doc.text
    start = text.rfind("\n", 0, amount.start) + 1
    end = text.find("\n", amount.end)
    return text[start:end if end >= 0 else len(text)]


def _is_page_furniture(doc: "Doc", amount: Amount) -> bool:
    """Counters of the page ("2 comments", "1.2K shares", "5 min read") on a short line, and
    deal banners ("30% Off ...", "$10 off")."""
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if after is None:
        return False
    if after.lower_ == "off" and amount.unit in ("percent", "money"):
        verb = governing_verb(doc[amount.token_start])
        if after.text[0].isupper() or verb is None or verb.lemma_.lower() in ("get", "save", "take", "enjoy", "score"):
            return True
    if after.lower_ in word_list("furniture_nouns") or after.lemma_.lower() in word_list("furniture_nouns"):
        line = _line_of(doc, amount)
        words = [w for w in line.split() if any(c.isalnum() for c in w)]
        return len(words) <= 6
    return False


def _is_idiom_number(amount: Amount) -> bool:
    return amount.text.lower() in word_list("idiom_numbers")


def _is_threshold(doc: "Doc", amount: Amount) -> bool:
    """"(BMI <18.5 kg/m2)", "(>=30)": a bound after a comparison sign in brackets defines a class."""
    before = (doc.text[max(0, amount.start - 12):amount.start].rstrip() + amount.text[:1]).replace("=", "")
    if before[-1] not in "<>≤≥" and (len(before) < 2 or before[-2] not in "<>≤≥"):
        return False
    opened = doc.text.rfind("(", 0, amount.start)
    return opened >= 0 and doc.text.find(")", opened, amount.start) < 0 and amount.start - opened < 40


def _is_shop_copy(doc: "Doc", amount: Amount) -> bool:
    """A line of shop copy: it opens with an imperative shop verb ("Get it on Amazon for 39.99",
    "Upgrade to Premium for $4.99/mo") and the number is a price after a listing cue."""
    sentence = doc[amount.token_start].sent
    first = next((t for t in sentence if not (t.is_punct or t.is_space)), None)
    if first is None or first.lower_ not in word_list("shop_verbs") or first.tag_ not in ("VB", "VBP", "NNP", "NN"):
        return False
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    return amount.unit == "money" or (before is not None and before.lower_ in word_list("listing_cues"))


def _is_product_price(doc: "Doc", amount: Amount) -> bool:
    """A small unscaled price with a price word nearby ("costs $2,399", "priced at $799",
    "(Originally $159)", "the $49 charging brick") in a sentence that states no change and no
    average: the price of a product or a deal, which coverage of prices would state with a change."""
    if has_scale(doc, amount.number):
        return False
    sentence = doc[amount.token_start].sent
    # "up to 4km", "down to $164.99": a bound or a deal, not a change of price
    stated = [t for t in sentence if not (t.lower_ in ("up", "down") and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to")]
    words = {t.lower_ for t in stated} | {t.lemma_.lower() for t in stated}
    change = word_list("change_verbs") | word_list("change_nouns") | word_list("price_statistic_words")
    if words & change or words & word_list("market_price_words"):
        return False  # a change of price, or a market's price ("shares priced at $18"), is a figure
    if _is_starting_price(doc, amount, words):
        return True
    if abs(amount.value) >= 10000:
        return False
    near = doc[max(sentence.start, amount.token_start - 6):min(sentence.end, amount.token_end + 3)]
    cues = word_list("price_words") | {"originally"}
    if any(t.lower_ in cues or t.lemma_.lower() in cues for t in near):
        return True
    noun = counted_noun(doc, amount)
    return noun.i >= amount.token_end and (noun.lower_ in word_list("spec_nouns") or noun.pos_ == "PROPN")


def _is_starting_price(doc: "Doc", amount: Amount, words: AbstractSet[str]) -> bool:
    """"It will start at $44,000", "pricing starts at 71,350 euro": a list price after a starting-price cue,
    with a price word in the sentence or a pronoun for the thing priced."""
    start = amount.token_start
    while start > 0 and doc[start - 1].is_currency:
        start -= 1
    before = " ".join(t.lower_ for t in doc[max(0, start - 2):start])
    if before not in word_list("starting_price_cues"):
        return False
    if words & word_list("price_words"):
        return True
    verb = doc[start - 2] if doc[start - 2].pos_ in ("VERB", "AUX") else doc[start - 2].head
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PRON" for c in verb.children)


def _is_retail_price(doc: "Doc", amount: Amount) -> bool:
    """A product's list price: a small unscaled price that qualifies a product ("a $15 charger", "the $99
    wireless mouse"), that a product is offered for ("a 43-inch TV for $278", "a USB-C cable for around $8"),
    that a review judges ("not cheap at $140") or that a label gives ("RRP: £23.99"), in a sentence with
    no change and no market price (the average price of petrol, house prices, a commodity stay figures)."""
    if has_scale(doc, amount.number) or abs(amount.value) >= 10000:
        return False
    sentence = doc[amount.token_start].sent
    words = _words(t for t in sentence if t.dep_ != "prt")  # "pick up a cable" states no change
    change = word_list("change_verbs") | word_list("change_nouns") | word_list("price_statistic_words")
    if words & change or words & word_list("market_price_words"):
        return False
    start = amount.token_start
    while start > 0 and (doc[start - 1].is_currency or doc[start - 1].lower_ in ("around", "about", "just", "only")):
        start -= 1
    before = [t for t in doc[max(sentence.start, start - 3):start] if not t.is_punct]
    labels = word_list("price_labels")
    if before and (before[-1].lower_ in labels or " ".join(t.lower_ for t in before[-2:]) in labels):
        return True  # "RRP: £23.99"
    if len(before) >= 2 and before[-1].lower_ == "at" and before[-2].lower_ in word_list("price_adjectives"):
        return True  # "it's not cheap at $140"
    products = word_list("product_nouns")
    token = number_token(doc, amount)
    noun = counted_noun(doc, amount)
    if noun.i >= amount.token_end:  # "a $15 charger", "Satechi's $29 car charger"
        chain = [t for t in doc[amount.token_end:noun.i + 1] if t.pos_ in ("NOUN", "PROPN")] or [noun]
        for _ in range(2):
            if chain[-1].dep_ not in ("compound", "amod", "nmod") or chain[-1].head == chain[-1]:
                break
            chain.append(chain[-1].head)
        if _words(chain) & products:
            return True
    preposition = token.head if token.head.lower_ == "for" else None
    if preposition is None and doc[start - 1].lower_ == "for" if start > 0 else False:
        preposition = doc[start - 1]
    if preposition is None:
        return False
    owner = preposition.head  # "a 43-inch TV for $278", "AirPods with a charging case for $150"
    if owner.pos_ == "VERB":  # "pick up a USB-C cable for $8"
        owners = [c for c in owner.children if c.dep_ == "dobj"]
    else:
        owners = [owner, owner.head] if owner.dep_ in ("pobj", "compound") else [owner]
    return bool(_words(t for t in owners if t.pos_ in ("NOUN", "PROPN")) & products)


_AGE_AFTER = re.compile(r"^\s*[-‑–]?\s*(?:(?:to|and|or|[-‑–])\s*\d+\s*)?[-‑–\s]\s*(?:years?|yrs?)[-‑–\s]*olds?",
                        re.IGNORECASE)


_AGE_BEFORE = re.compile(r"\bages?\s+(?:of\s+)?(?:between\s+)?(?:\d+\s*(?:and|to|or|[-‑–])\s*)?$", re.IGNORECASE)


def _is_age_band(doc: "Doc", amount: Amount) -> bool:
    """Ages in a band or threshold: "18- to 24-year-olds", "between the ages of 18 and 24",
    "people under 25" (the number is an age only when nothing follows it to be counted)."""
    if amount.value >= 120 or amount.value != int(amount.value):
        return False
    if _AGE_AFTER.match(doc.text[amount.end:amount.end + 30]):
        return True
    before = doc.text[max(0, amount.start - 40):amount.start]
    if _AGE_BEFORE.search(before.replace("the ", "")):
        return True
    prev = doc[amount.token_start - 1] if amount.token_start > 0 else None
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if prev is None or prev.lower_ not in word_list("age_prepositions") or prev.i == 0:
        return False
    if after is not None and after.pos_ in ("NOUN", "PROPN", "NUM", "SYM"):
        return False  # "under 25 hours", "over 65 people"
    owner = doc[prev.i - 1]
    return names_people(owner) or owner.lower_ in word_list("tally_nouns") or owner.lower_ in word_list("age_owners")


def _is_spec_part(doc: "Doc", amount: Amount) -> bool:
    """The size of a product's part (`spec_nouns`: "406 lb-ft of torque", "512GB storage", "a 20.7
    cubic foot trunk", "4K streaming") in a sentence that states no change."""
    following = list(doc[amount.token_end:amount.token_end + 5])
    noun = counted_noun(doc, amount)
    parts = word_list("spec_nouns")
    candidates = [noun] if noun.i >= amount.token_start else []
    if following:
        candidates.append(following[0])
        if following[0].pos_ in ("NOUN", "ADJ", "PROPN"):
            candidates.append(following[0].head)
    for i, token in enumerate(following[:-1]):
        if token.lower_ == "of":
            candidates.append(following[i + 1])
            break
        if token.pos_ in ("VERB", "AUX", "PUNCT") and token.text not in ("-",):
            break
    if not any(t.lower_ in parts or t.lemma_.lower() in parts for t in candidates):
        return False
    sentence = doc[amount.token_start].sent
    change = word_list("change_verbs") | word_list("change_nouns")
    return not any(t.lemma_.lower() in change or t.lower_ in change for t in sentence)


def _is_fraction_of_time(doc: "Doc", amount: Amount) -> bool:
    """"half a year", "half an hour", and "a year and a half", "an hour and a half" (the fraction after
    "<unit of time> and")."""
    following = list(doc[amount.token_end:amount.token_end + 2])
    if following and following[0].lower_ in ("a", "an", "of"):
        following = following[1:]
    if following and following[0].lemma_.lower() in TIME_UNITS:
        return True
    start = amount.token_start
    return start >= 2 and doc[start - 1].lower_ == "and" and doc[start - 2].lemma_.lower() in TIME_UNITS


def _is_positioned_part(doc: "Doc", amount: Amount) -> bool:
    """"the top half of the case", "the back third of the cabin": a fraction in words after a position word
    names a part of a thing (or a half of a match), not a share of anything."""
    start = amount.token_start
    if start == 0 or not amount.text.isalpha() or amount.of is not None:
        return False
    return doc[start - 1].lower_ in word_list("part_positions")


_SLASH_RATIO = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def _is_time_signature(doc: "Doc", amount: Amount) -> bool:
    """"in 3/4 time", "from 4/4 to 6/8": a slash ratio over 2, 4, 8 or 16 in a sentence about music."""
    match = _SLASH_RATIO.match(amount.text)
    if match is None or int(match.group(2)) not in (2, 4, 8, 16):
        return False
    return bool(_words(doc[amount.token_start].sent) & word_list("music_words"))


def _is_multiplier_idiom(doc: "Doc", amount: Amount) -> bool:
    """"paying twice over": a multiple word followed by an idiom word states no multiple."""
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    return after is not None and after.lower_ in word_list("multiplier_idioms") and amount.text.isalpha()


def _is_period_range_end(doc: "Doc", amount: Amount) -> bool:
    """"FY2021-23", "CY24-26": the end of a range of fiscal or calendar years glued to its start."""
    start = amount.token_start
    if start < 2 or not amount.text.isdigit() or len(amount.text) not in (2, 4):
        return False
    dash, first = doc[start - 1], doc[start - 2]
    if dash.text not in ("-", "‑", "–", "/") or dash.whitespace_ or first.whitespace_:
        return False
    match = re.match(r"^([A-Za-z]+)'?(\d{2}|\d{4})$", first.text)
    return match is not None and match.group(1).lower() in word_list("period_prefixes")


def _is_kitchen_measure(doc: "Doc", amount: Amount) -> bool:
    mention = amount.number
    kitchen = word_list("kitchen_units")
    if mention is not None and mention.suffix and mention.suffix.lower() in kitchen:
        return True
    units = [doc[amount.token_end - 1]] if amount.unit == "quantity" else []
    if amount.unit in ("ratio", "number") and amount.token_end < len(doc):
        units.append(doc[amount.token_end])  # "½ cup", "1 scoop"
    if amount.unit == "ratio" and amount.token_start >= 2 and doc[amount.token_start - 1].lower_ == "and":
        units.append(doc[amount.token_start - 2])  # "a cup and a half"
    return any(u.lower_ in kitchen or u.lemma_.lower() in kitchen for u in units)


def _is_listing_price(doc: "Doc", amount: Amount) -> bool:
    """A price in a product listing or deal line: the line states no finite verb (an imperative
    "Get it for $X" does not count), and the price follows a shop cue or stands alone."""
    line = _line_of(doc, amount).strip()
    if line == amount.text or line.rstrip(".") == amount.text:
        return True
    sentence = doc[amount.token_start].sent
    finite = [t for t in sentence if t.tag_ in ("VBD", "VBZ", "VBP", "MD") and t.pos_ in ("VERB", "AUX")]
    if finite:
        return False
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    return before is not None and before.lower_ in word_list("listing_cues")


def _is_model_name(doc: "Doc", amount: Amount) -> bool:
    """"777x", "the 737X": three digits and more glued to an x name a model; "100x faster" is a figure."""
    mention = amount.number
    if mention is None or mention.suffix not in ("x", "X") or not mention.text[:-1].isdigit() or amount.value < 100:
        return False
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    return after is None or after.tag_ not in ("JJR", "RBR") and after.lower_ not in ("more", "less", "faster", "as")


def _is_listicle(doc: "Doc", amount: Amount) -> bool:
    """"the 10 best deals", "7 ways to save": the items of a list, not a count of the world."""
    after = [t for t in doc[amount.token_end:amount.token_end + 3]]
    if after and (after[0].tag_ == "JJS" or after[0].lower_ in ("most", "biggest", "best", "worst", "top")):
        return True
    if after and after[0].pos_ == "ADJ" and len(after) > 1:
        after = after[1:]
    return bool(after) and after[0].lower_ in word_list("listicle_nouns") and amount.value < 1000


def _is_spec(doc: "Doc", amount: Amount) -> bool:
    """A specification without a measure: "a 70B model", "a 12-inch laptop", "a two-class layout".

    The number qualifies one singular thing after an indefinite article; what it counts is a
    property of the thing, not a quantity of the world. "A 3,000 job decline" (a noun of
    change) and "a 17% stake" (a unit of its own) stay figures.
    """
    mention = amount.number
    scaled_suffix = mention is not None and bool(re.search(r"\d[A-Za-z]+$", mention.text))
    if amount.unit == "number" and abs(amount.value) >= 1000 and not scaled_suffix:
        return False  # "a 258,000-job overstatement", "a 1,200-bed hospital": sizes that are figures
    start = amount.token_start - (len(amount.approx.split()) if amount.approx else 0)
    before = doc[start - 1] if start > 0 else None
    # "a 70B model"; for a measurement also "the 16-inch laptop", "its 5,000 mAh battery"
    determiners = ("a", "an", "the", "its", "their", "his", "her", "our", "my", "your")
    hyphened = doc.text[amount.end:amount.end + 1] in ("-", "‑")  # "my 12-question quiz": glued to its noun
    articles = ("a", "an") if amount.unit == "number" and not hyphened else determiners
    if before is None or before.lower_ not in articles:
        return _is_model_number(doc, amount)
    noun = counted_noun(doc, amount)
    for _ in range(3):
        if noun.i >= amount.token_end or noun.head == noun:
            break
        noun = noun.head  # "a 5G phone": "G" is part of the amount, the phone is what it qualifies
    chain = [noun, noun.head] if noun.dep_ == "compound" else [noun]
    if noun.i < amount.token_end or noun.tag_ not in ("NN", "NNP"):
        return False
    if any(t.lower_ in word_list("change_nouns") or t.lemma_.lower() in word_list("change_nouns") for t in chain):
        return False
    # "a 16-inch snowfall", "a 9-inch rise": a measured noun makes the size a figure
    return not any(t.lemma_.lower() in MEASURE_NOUNS or t.lemma_.lower() in word_list("measured_nouns") for t in chain)


def _is_product_spec(doc: "Doc", amount: Amount) -> bool:
    """"400 horsepower", "5,000 mAh", "12 megapixels": a product's specification (`spec_units`) is a
    figure only when the sentence says it changed ("output rose to 400 hp")."""
    units = word_list("spec_units")
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    unit_word = doc[amount.token_end - 1] if amount.unit == "quantity" else after
    suffix = (amount.number.suffix or "").lower() if amount.number is not None else ""
    glued = re.sub(r"^[\d.,]+", "", unit_word.lower_) if unit_word is not None else ""
    if unit_word is None or not ({unit_word.lower_, suffix, glued} & units):
        return False  # "5,000 mAh" is read as a bare number before a noun, "400 hp" as a quantity
    # a verb or a noun of change ("output rose to 400 hp"); "in total" or "top-end" are not one
    sentence = doc[amount.token_start].sent
    return not any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in word_list("change_verbs")
                   or t.pos_ == "NOUN" and t.lemma_.lower() in word_list("change_nouns") for t in sentence)


def _is_name_number(doc: "Doc", amount: Amount) -> bool:
    """"Nasdaq 100", "USB 3.2", "Fortune 500": a bare number glued after a proper noun that counts
    nothing after it is part of the name; "Ontario 12, Quebec 9" would be a table and is read elsewhere."""
    mention = amount.number
    if amount.unit != "number" or mention is None or mention.kind != "cardinal" or amount.token_start == 0:
        return False
    before = doc[amount.token_start - 1]
    named = before.tag_ == "NNP" or (before.is_upper and before.is_alpha and len(before) > 1)  # "USB"
    if not named or not before.whitespace_ or before.sent != doc[amount.token_start].sent:
        return False
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if "." in mention.text and not has_scale(doc, mention):
        return True  # "USB 3.2 ports": an unscaled decimal cannot count the ports, it is a version
    return after is None or after.pos_ not in ("NOUN", "NUM") or after.tag_ == "NNP"


def _is_model_number(doc: "Doc", amount: Amount) -> bool:
    """"the 777 program", "five 787 Dreamliner sales": a whole number right before a singular
    noun it modifies cannot count that noun, so it names a model or a series."""
    mention = amount.number
    if amount.unit != "number" or mention is None or not mention.text.isdigit() or amount.value <= 1 \
            or looks_like_year(mention):
        return False
    token = number_token(doc, amount)
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is None or nxt.tag_ not in ("NN", "NNP") or not token.whitespace_ or token.head.i < token.i:
        return False
    chain = [nxt, nxt.head] if nxt.dep_ == "compound" else [nxt]
    if any(t.lemma_.lower() in word_list("change_nouns") or t.lemma_.lower() in MEASURE_NOUNS for t in chain):
        return False  # "a 3,000 job decline"
    return nxt.lemma_.lower() not in TIME_UNITS and not is_measure_unit(nxt)


# Below this, a bare count needs a reason to be a figure (see `_is_small_description`).
_SMALL_COUNT = 10


def _is_small_description(doc: "Doc", amount: Amount) -> bool:
    """"two groups", "3 items", "2 countries", "the two of you": a small bare count is
    description unless it tallies people or harm, or is the figure a verb of change reports
    ("deaths rose to 7", "the firm cut 3 plants")."""
    if abs(amount.value) >= _SMALL_COUNT or amount.value != int(amount.value) or has_scale(doc, amount.number):
        return False
    noun = counted_noun(doc, amount)
    tallies = word_list("tally_nouns")
    if noun.lower_ in tallies or noun.lemma_.lower() in tallies:
        return False
    token = number_token(doc, amount)
    for owner in (token.head, noun.head, noun):
        if owner.pos_ in ("VERB", "AUX") and owner.lemma_.lower() in word_list("change_verbs"):
            return False
        if owner.dep_ == "pobj" and owner.head.head.lemma_.lower() in word_list("change_verbs") \
                and owner.head.lower_ in ("to", "by", "from"):
            return False
    return True


def _in_date(doc: "Doc", amount: Amount) -> bool:
    tokens = doc[amount.token_start:amount.token_end]
    if any(t.ent_type_ == "DATE" for t in tokens):
        return True
    if any(t.ent_type_ == "TIME" for t in tokens) and amount.value < TIME_VOLUME:
        return True  # "40 million hours" is tagged TIME but is a volume, not a time
    neighbours = [doc[i] for i in (amount.token_start - 1, amount.token_end) if 0 <= i < len(doc)]
    return any(t.lower_.rstrip(".") in MONTHS and t.is_title for t in neighbours)


def _is_year(doc: "Doc", amount: Amount) -> bool:
    mention = amount.number
    if mention is None or not looks_like_year(mention):
        return False
    token = number_token(doc, amount)
    # "2,000 people" has a separator; "2000 people" (a year-shaped count) keeps its noun
    return not (token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS") and token.head.i > token.i)


def _is_time(doc: "Doc", token: "Token") -> bool:
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    clock_words = ("am", "pm", "a.m.", "p.m.", "o'clock", "gmt", "utc")
    return ":" in token.text or (nxt is not None and nxt.lower_ in clock_words)


def _is_age(doc: "Doc", amount: Amount) -> bool:
    start, end = amount.token_start, amount.token_end
    before = doc[max(0, start - 4):start]
    ages = pattern_matchers(doc.vocab)[2]
    if any(e == start for _, _, e in ages(before)):  # offsets are doc token indices
        return True
    following = [t.lower_ for t in doc[end:end + 4]]
    if following[:3] in (["-", "year", "-"], ["year", "-", "old"]) or following[:2] == ["years", "old"]:
        return True
    if following[:3] == ["-", "year", "-"] and len(following) > 3 and following[3] == "old":
        return True
    # "Jane Doe, 45," / "Jane Doe (45)"
    prev = doc[start - 1] if start > 0 else None
    nxt = doc[end] if end < len(doc) else None
    if prev is not None and nxt is not None and prev.text in (",", "(") and nxt.text in (",", ")"):
        owner = doc[start - 2] if start >= 2 else None
        if owner is not None and owner.ent_type_ == "PERSON" and amount.value < 120:
            return True
    if prev is not None and nxt is not None and prev.ent_type_ == "PERSON" and nxt.text == "," and amount.value < 120:
        return True  # "Ryan Hollman 31, of Hope"
    return False


def _is_score_or_range(doc: "Doc", amount: Amount) -> bool:
    """"beat Hungary 2-0", "a 24-17 loss", "(9-1, 6-1)", "5-6 minutes": bare number pairs."""
    start, end = amount.token_start, amount.token_end
    dashes = ("-", "–", "—")
    before = doc[start - 2:start] if start >= 2 else None
    after = doc[end:end + 2] if end + 2 <= len(doc) else None
    if after is not None and after[0].text in dashes and after[1].like_num and not after[0].whitespace_ \
            and not doc[end - 1].whitespace_:
        return True
    return before is not None and before[1].text in dashes and before[0].like_num and not before[0].whitespace_ \
        and not before[1].whitespace_


def _in_table_row(doc: "Doc", amount: Amount) -> bool:
    """A bare number next to another bare number: table cells, box scores."""
    neighbours = [doc[i] for i in (amount.token_start - 1, amount.token_end) if 0 <= i < len(doc)]
    return any(t.like_num and t.pos_ == "NUM" and not t.is_alpha for t in neighbours) and not doc[
        amount.token_start].is_alpha


def _is_reference_mark(doc: "Doc", amount: Amount) -> bool:
    """"(5)" closing a sentence or a list label: a footnote or item mark, not a figure."""
    start, end = amount.token_start, amount.token_end
    if start == 0 or end >= len(doc):
        return False
    return doc[start - 1].text in ("(", "[") and doc[end].text in (")", "]") and amount.value == int(amount.value) \
        and (end + 1 >= len(doc) or doc[end + 1].is_punct or doc[end + 1].is_space)


def _is_duration(doc: "Doc", amount: Amount) -> bool:
    """A number counting units of time: "six months", "two-year", "every week"."""
    if amount.value >= TIME_VOLUME:
        return False
    token = number_token(doc, amount)
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    if nxt is not None and nxt.text == "-" and amount.token_end + 1 < len(doc):
        nxt = doc[amount.token_end + 1]
    if nxt is not None and nxt.lemma_.lower() in TIME_UNITS:
        return not (_words(doc[amount.token_end - 1:amount.token_end]) & word_list("power_units"))
    if token.dep_ != "nummod" or token.head.lemma_.lower() not in TIME_UNITS:
        return False
    between = doc[amount.token_end:token.head.i]
    return not (_words(between) & word_list("power_units"))  # "415 terawatt hours" is energy, not time


def _is_list_number(doc: "Doc", amount: Amount) -> bool:
    start = amount.token_start
    previous = doc[start - 1] if start > 0 else None
    at_line_start = previous is None or "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
    if not at_line_start:
        return False
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    return (nxt is not None and nxt.text in (".", ")", ":")) or amount.text.endswith(".")


def _is_identifier(doc: "Doc", amount: Amount) -> bool:
    """Numbers that name things: "Voyager 2", "COVID-19", "English 101", "Windows 11"."""
    token = number_token(doc, amount)
    if token.ent_type_ in NAME_LABELS:
        return True
    mention = amount.number
    if mention is not None:
        first = doc[mention.token_start]
        if any(c.isalpha() for c in first.text[:max(0, mention.start - first.idx)]):
            return True  # "GPT-4", "COVID-19", "SCP-173": the number is part of a name
    prev = doc[amount.token_start - 1] if amount.token_start > 0 else None
    if prev is None:
        return False
    if prev.text == "-" and amount.token_start >= 2 and doc[amount.token_start - 2].is_alpha \
            and not doc[amount.token_start - 2].whitespace_ and not prev.whitespace_:
        return True  # "COVID-19", "GPT-4"
    if prev.lower_ in word_list("name_words") or prev.lower_ in word_list("index_names"):
        return True  # "Route 66", "Page 2", "Photo 3 of 12"
    named = prev.pos_ == "PROPN" or (prev.is_title and prev.pos_ == "NOUN")
    if named and prev.ent_type_ not in ("GPE", "NORP", "DATE"):
        # a number right after a name, attached to it rather than counting a noun
        return token.head == prev or token.dep_ in ("appos", "npadvmod") or (
            token.dep_ == "nummod" and token.head.i < token.i)
    return False


def _is_pronoun_one(doc: "Doc", amount: Amount) -> bool:
    """Bare "one" as an article or pronoun: "one notable example", "one of the"."""
    mention = amount.number
    if mention is None or mention.text.lower() not in ("one", "a", "an") or amount.of is not None:
        return False
    return True


def _is_group_size(doc: "Doc", token: "Token") -> bool:
    """The N in "one of the N giants": a description of someone, not a measurement."""
    head = token.head
    if token.dep_ != "nummod" or head.dep_ != "pobj":
        return False
    prep = head.head
    return prep.lower_ == "of" and prep.head.lower_ in ("one", "each", "any", "all", "some", "none", "two")
