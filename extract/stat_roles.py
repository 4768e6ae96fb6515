"""Roles: what a figure measures and whom it is about, read from the dependency parse around the
amount, within the figure's own clause (stage 4 of `extract.statistics`)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from newstrace.extract.claims import entity_span
from newstrace.extract.langdata import table, words
from newstrace.extract.stat_amounts import ACTOR_LABELS, EXAMPLE_PREPS, MEASURE_NOUNS, Amount, word_list, word_mapping

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token


def anchor_of(doc: "Doc", amount: Amount, token: "Token") -> "Token":
    """The token through which the amount joins the sentence (its syntactic head)."""
    span = range(amount.token_start, amount.token_end)
    anchor = token
    seen = 0
    while anchor.head.i in span and anchor.head != anchor and seen < 8:
        anchor = anchor.head
        seen += 1
    return anchor


@functools.cache
def _roles_data() -> dict:
    return table("en", "stat_roles")


@functools.cache
def roles_word_list(name: str) -> frozenset[str]:
    """A word list of `extract/lang/en/stat_roles.yaml`, lower-cased."""
    return frozenset(str(w).lower() for w in _roles_data()[name])


_roles_words = roles_word_list


def roles_of(doc: "Doc", amount: Amount, token: "Token", unit: str) -> tuple[str | None, str | None]:
    """(measure, holder) from the parse around the amount; when the construction names no holder,
    the group ("for men") or the place ("In the UK, ...") the figure's clause is said of."""
    anchor = anchor_of(doc, amount, token)
    dateline = dateline_ids(doc, amount)
    tally = _tally_line(doc, amount) if unit == "count" else None
    if tally is not None:
        return tally
    measure, holder = _roles(doc, amount, anchor, unit)
    own = set(range(amount.token_start, amount.token_end))
    measure = with_event(measure, quantified_noun(doc, amount, anchor), own, unit, anchor)
    revised = _revision(anchor, own) or _than_reported(anchor, measure)
    if revised is not None:
        measure = revised
    if measure is not None and measure.lower() in _roles_words("unit_measures"):
        # "the Dow gained 80 points": the points are the change's unit; the verb says what the change is
        verb = governing_verb(anchor)
        change = _roles_data()["change_verbs"].get(verb.lemma_.lower()) if verb is not None else None
        if change is not None:
            subject = _subject_of(verb)
            changed = _phrase(subject, exclude=own) if subject is not None and subject.i not in own \
                and _is_thing(subject) and (holder is None or holder not in (_phrase(subject) or "")) else None
            # "hourly earnings rose 12 cents" -> "rise in hourly earnings"; "the Dow gained 80 points" -> "gain"
            measure = f"{change} in {changed}" if changed else str(change)
    if measure is not None and _is_vague(measure):
        # "plan", "number", "new all-time high": no quantity named; the change the verb states, else none
        measure = _verb_measure(governing_verb(anchor), anchor)
    if holder is None:
        holder = _group_or_place(anchor, own, measure)
    if holder is None:
        holder = _clause_holder(anchor, own | dateline, measure)
    if holder is None:
        holder = _named_owner(anchor, own | dateline, measure)
    if holder is None:
        # "Pfizer said its quarterly revenue fell 12%": whose the figure is, by the pronoun of the speaker's clause
        verb = governing_verb(anchor)
        speaker = _speaker_of(verb) if verb is not None else None
        holder = _phrase(speaker, exclude=own) if speaker is not None else None
    if holder is None:
        holder = _leading_place(doc, amount, measure)
    if dateline:
        words = {doc[i].text for i in dateline}
        holder = _without_dateline(holder, words)
        measure = _without_dateline(measure, words)
    if holder is not None and _is_source_phrase(holder):
        holder = None  # "analysts expected $3 billion": who tells the figure is its source, not whom it is about
    return tidy_measure(measure), holder


def tidy_measure(measure: str | None) -> str | None:
    """A measure without the dangling words its phrase ends with (`dangling_words`: "share of adults who were
    overweight in" -> "... overweight"), without an aside after a dash ("share of market - up"), with a
    bracket it opened closed ("401(k" -> "401(k)")."""
    if measure is None:
        return None
    words = measure.split()
    for dash in ("-", "–", "—"):
        if dash in words[1:] and len(words) - words.index(dash, 1) <= 2:
            words = words[:words.index(dash, 1)]  # "share of market - up"
    dangling = _phrase_words("dangling_words")
    while len(words) > 1 and words[-1].lower() in dangling:
        words.pop()
    text = " ".join(words)
    if text.count("(") == text.count(")") + 1 and "(" in words[-1]:
        text += ")"
    if not words or text.lower() in dangling:
        return None
    return text


def _is_vague(measure: str) -> bool:
    """A measure made only of words that name no quantity (`vague_measures`, with degree and record words:
    "number", "plan", "market", "a new all-time high")."""
    vague = _roles_words("vague_measures") | _roles_words("degree_adjectives") | _roles_words("light_measures")
    words = [w for w in re.split(r"[\s-]+", measure.lower()) if w]
    return bool(words) and all(w in vague or w in ("new", "all", "time", "all-time") for w in words) \
        and words[-1] in _roles_words("vague_measures") | _roles_words("light_measures")


def _revision(anchor: "Token", own: set[int]) -> str | None:
    """"March payrolls were revised down by 20,000" -> "revision to payrolls": the amount a verb of revising
    moves a figure by (`revision_verbs`); what the figure was or became ("from 147,000 to 14,000") is not it."""
    if anchor.dep_ == "pobj" and anchor.head.lower_ == "by":
        verb = anchor.head.head
    elif anchor.dep_ in ("npadvmod", "dobj"):
        verb = anchor.head
    else:
        return None
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _roles_words("revision_verbs"):
        return None
    if verb.lemma_.lower() == "mark" and not any(c.dep_ == "prt" and c.lower_ in ("up", "down") for c in verb.children):
        return None  # "marked down by 20,000" revises; "marked 20 years" does not
    # what was revised: the passive subject, or the object of an active verb ("the office revised growth")
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None) \
        or next((c for c in verb.children if c.dep_ == "dobj" and c.i not in own), None)
    if subject is None or subject.i in own or not _is_thing(subject):
        return None
    revised = _phrase(subject, exclude=own)
    return f"revision to {revised}" if revised else None


def _than_reported(anchor: "Token", measure: str | None) -> str | None:
    """"Employment in May was 35,000 lower than previously reported" -> "revision to employment": a figure that
    says how far a quantity differs from what was reported before (`previous_report_verbs`) is a revision."""
    head = anchor.head
    if anchor.dep_ != "npadvmod" or head.tag_ not in ("JJR", "RBR"):
        return None
    earlier = next((c for c in head.children if c.dep_ in ("advcl", "prep", "pcomp")
                    and c.lemma_.lower() in _roles_words("previous_report_verbs")
                    and any(m.lower_ == "than" for m in c.children)), None)
    if earlier is None:
        return None
    if measure is None or measure.lower() in _roles_words("vague_measures"):
        return "revision"
    return f"revision to {measure[0].lower() + measure[1:] if measure[:2].istitle() else measure}"


def dateline_ids(doc: "Doc", amount: Amount) -> set[int]:
    """The tokens of a wire dateline opening the figure's sentence or the text: "BOSTON (AP) —",
    "LONDON, May 3 (Reuters) -": a place in capitals or a name with an agency in brackets, closed by a dash."""
    sentence = doc[amount.token_start].sent
    dashes = _roles_words("dateline_dashes")
    for start in dict.fromkeys((sentence.start, 0)):
        end = min(start + 12, amount.token_start, len(doc))
        dash = next((t.i for t in doc[start:end] if t.text in dashes), None)
        if dash is None or dash == start:
            continue
        head = doc[start:dash]
        bracketed = any(t.text == "(" for t in head) and head[-1].text == ")"
        capitals = all(t.is_punct or t.like_num or t.text.isupper() or t.is_title for t in head) \
            and any(t.is_alpha and t.text.isupper() and len(t.text) > 1 for t in head)
        if (bracketed or capitals) and all(not t.is_alpha or t.text[0].isupper() or t.lower_ in ("de", "of")
                                           for t in head):
            return set(range(start, dash + 1))
    return set()


def _without_dateline(phrase: str | None, words: set[str]) -> str | None:
    """A phrase with the dateline's words it opens with dropped ("LONDON Tesco" -> "Tesco")."""
    if phrase is None:
        return None
    parts = phrase.split()
    while parts and parts[0].strip(",()") in words | {""}:
        parts.pop(0)
    return " ".join(parts) or None


def _is_source_phrase(phrase: str) -> bool:
    """"analysts", "economists polled by Reuters": a phrase headed by a noun for a source (`source_nouns`)."""
    words = phrase.lower().split()
    head = next((w for w in words if w in ("polled", "surveyed", "at", "from", "of")), None)
    last = words[words.index(head) - 1] if head is not None and words.index(head) > 0 else words[-1] if words else ""
    return last in _source_people()


@functools.cache
def _source_people() -> frozenset[str]:
    return frozenset(str(w).lower() for w in table("en", "source_nouns")["person"])


def _clause_holder(anchor: "Token", exclude: set[int], measure: str | None) -> str | None:
    """"Jones scored 20 points", "Curry, who scored 31 points, ...": the subject of the verb the figure
    hangs on when it is a name (a person, a team, a company, a country). Not the subject of a verb of saying
    or expecting (the source: "Goldman expects growth of 3%"), nor a word of the measure."""
    verb = governing_verb(anchor)
    if verb is None:
        return None
    current: "Token | None" = verb
    subject: "Token | None" = None
    for _ in range(4):
        if current is None or current.lemma_.lower() in _roles_words("source_verbs"):
            return None
        subjects = [c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")]
        if len(subjects) > 1:
            return None  # "United Nations: one in eight people are ...": a heading the parser made a subject
        if subjects:
            subject = subjects[0]
            between = subject.doc[min(subject.right_edge.i, current.i):max(subject.left_edge.i, current.i)]
            if any(t.text in (":", ";") or t.text in _roles_words("dateline_dashes") for t in between):
                return None
            if subject.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                subject = _antecedent(current.head)
            break
        if current.dep_ in ("xcomp", "advcl", "conj") and current.head != current:
            current = current.head
        elif current.dep_ == "relcl":
            subject = _antecedent(current.head)
            break
        else:
            return None
    if subject is None or subject.i in exclude or subject.i in {t.i for t in anchor.subtree}:
        return None
    if subject.tag_ == "PRP" or any(c.dep_ == "poss" and c.tag_ == "PRP$" for c in subject.children):
        # "Amazon said it would hire 250,000", "Pfizer said its profit rose 12%": the pronoun is the speaker
        speaker = _speaker_of(current) if current is not None else None
        return _phrase(speaker, exclude=exclude) if speaker is not None else None
    if subject.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"):
        return None
    if not (subject.pos_ == "PROPN" or subject.ent_type_ in ("ORG", "PERSON", "GPE", "NORP")):
        return None
    phrase = _phrase(subject, exclude=exclude)
    if not phrase or not any(c.isalpha() for c in phrase):
        return None
    said = set((measure or "").lower().split())
    if said & set(phrase.lower().split()):
        return None  # the name is part of the measure ("Brent crude")
    return phrase


_PRONOUN_PERSONS = {"it": ("ORG", "GPE"), "its": ("ORG", "GPE"), "they": ("ORG", "GPE", "NORP"),
                    "their": ("ORG", "GPE", "NORP"), "we": ("ORG",), "our": ("ORG",), "he": ("PERSON",),
                    "his": ("PERSON",), "she": ("PERSON",), "her": ("PERSON",)}


def _speaker_of(verb: "Token") -> "Token | None":
    """The name that says the clause `verb` heads, when the clause's pronoun ("it", "its", "he") is that name:
    "Amazon said it would hire ...". The pronoun must agree with the name's kind (a company is "it")."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    pronoun = subject if subject.tag_ == "PRP" else next(
        (c for c in subject.children if c.dep_ == "poss" and c.tag_ == "PRP$"), None)
    kinds = _PRONOUN_PERSONS.get(pronoun.lower_) if pronoun is not None else None
    if kinds is None or verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in _speech_lemmas():
        return None
    speaker = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    # a name the tagger gave no kind ("Pfizer said its ...") agrees with "it" as a company does
    if speaker is None or speaker.pos_ != "PROPN" or speaker.ent_type_ not in kinds \
            and not (speaker.ent_type_ == "" and "ORG" in kinds):
        return None
    return speaker


@functools.cache
def _speech_lemmas() -> frozenset[str]:
    return frozenset(str(w).lower() for w in words("en", "speech_verbs"))


def _leading_place(doc: "Doc", amount: Amount, measure: str | None) -> str | None:
    """"In Kenya, 22% of cars sold were electric": a place named by a phrase that opens the sentence and is
    closed by a comma before the figure."""
    sentence = doc[amount.token_start].sent
    first = sentence[0]
    if first.lower_ not in _roles_words("leading_place_preps"):
        return None
    comma = next((t.i for t in sentence[1:12] if t.text == ","), None)
    if comma is None or comma >= amount.token_start:
        return None
    places = [t for t in doc[first.i + 1:comma] if t.ent_type_ in ("GPE", "LOC") and t.ent_iob_ == "B"]
    if len(places) != 1:
        return None
    place = _entity_text(places[0])
    if place.lower() in (measure or "").lower():
        return None
    return place.removeprefix("the ")


_TALLY_BREAKS = frozenset(":;,()|–—")
_INITIAL = re.compile(r"[A-Z]\.")


def _tally_line(doc: "Doc", amount: Amount) -> tuple[str, str] | None:
    """A line of a box score or a tally with no verb: "Tolivert 25 points.", "J. Smith 2 goals, 1 assist":
    the name before the number holds it and the noun after it is what it counts."""
    sentence = doc[amount.token_start].sent
    if any(t.pos_ in ("VERB", "AUX") and not t.is_punct for t in sentence if t.tag_ not in ("NNP", "NNPS")):
        return None
    start = amount.token_start
    while start > sentence.start and not any(c in _TALLY_BREAKS for c in doc[start - 1].text):
        start -= 1
    name_end = amount.token_start
    if start == name_end:
        # "Okafor: 31 points, 12 rebounds": a name and a colon head the line, each cell after it is the name's
        colon = _tally_colon(doc, sentence.start, name_end)
        if colon is None:
            return None
        name_end = start = colon
        while start > sentence.start and not any(c in _TALLY_BREAKS for c in doc[start - 1].text):
            start -= 1
    name = [t for t in doc[start:name_end]]
    # a name: capitalised words and initials ("L. Patikas"); the tagger often calls an unknown name a noun
    if not name or len(name) > 4 or not name[-1].is_alpha \
            or any(not (t.text in (".", "'", "’") or _INITIAL.fullmatch(t.text) or t.is_alpha and t.text[0].isupper())
                   for t in name):
        return None
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if after is None or after.pos_ != "NOUN":
        return None
    end = doc[after.i + 1] if after.i + 1 < sentence.end else None
    if end is not None and not (end.is_punct or end.is_space):
        return None
    return after.text, doc[start:name_end].text


def _tally_colon(doc: "Doc", first: int, amount_start: int) -> int | None:
    """The colon that opens a line of tally cells before the amount: "Okafor: 31 points, 12 rebounds" ->
    the ":" when only cells (a number and its noun) and commas stand between it and the amount."""
    for i in range(amount_start - 1, first - 1, -1):
        token = doc[i]
        if token.text == ":":
            return i if i > first else None
        if not (token.like_num or token.pos_ == "NOUN" or token.text == "," or token.lower_ == "and"):
            return None
    return None


def _group_or_place(anchor: "Token", own: set[int], measure: str | None) -> str | None:
    """"... rose to 26.9% for men" -> "men"; "In the U.S., 19% pay for news" -> "U.S.": a people noun after
    "for"/"among" on the figure or its verb, else a place the clause of the figure is set in. Words of the
    measure are not its holder ("the obesity rate among adults" keeps "adults" in the measure)."""
    verb = governing_verb(anchor)
    # the figure's path up to its verb: "... and from 19% to 11% for women" hangs the group on "from"
    owners = [anchor]
    for ancestor in anchor.ancestors:
        if verb is None or ancestor == verb or len(owners) > 6:
            break
        owners.append(ancestor)
    if verb is not None and verb != anchor:
        owners.append(verb)
    said = set((measure or "").lower().split())
    start = min(own) if own else anchor.i
    groups: list[tuple[int, "Token"]] = []
    for owner in owners:
        for child in owner.children:
            if child.dep_ != "prep" or child.lower_ not in _roles_words("group_preps"):
                continue
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i not in own and obj.pos_ == "NOUN" and names_people(obj) \
                        and obj.lower_ not in said and obj.ent_type_ not in ("ORG", "PERSON"):
                    # the nearest group after the figure: "28.3% ... for women and ... 26.9% ... for men"
                    groups.append((obj.i - start if obj.i > start else 1000 + start - obj.i, obj))
    if groups:
        group = min(groups, key=lambda g: g[0])[1]
        # the group alone: "men", not "men with a posterior probability of at least 0.80"
        aside = {t.i for c in group.children if c.dep_ == "prep" and c.lower_ != "of" for t in c.subtree}
        return _phrase(group, exclude=own | aside)
    if verb is None:
        return None
    for owner in [verb, *verb.ancestors]:
        for child in owner.children:
            # a place set before the figure: "In the UK, the rate ...", not "... and even more in the US";
            # after it only in the figure's own clause with no other figure between ("displaced 40,000
            # residents in Bangladesh")
            if child.dep_ != "prep" or child.lower_ != "in":
                continue
            if child.i > start and (owner != verb or any(
                    t.like_num or t.ent_type_ in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY")
                    for t in anchor.doc[max(own, default=start) + 1:child.i])):
                continue
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i not in own and obj.ent_type_ in ("GPE", "LOC") \
                        and obj.lower_ not in said:
                    return _phrase(obj, exclude=own)
    return None


def _roles(doc: "Doc", amount: Amount, anchor: "Token", unit: str) -> tuple[str | None, str | None]:
    if unit == "rank":
        return _rank_roles(doc, amount, anchor)
    # the amount and its approximation cue ("an estimated 25 million") are not the measure
    cue_length = len(amount.approx.split()) if amount.approx else 0
    own = set(range(max(0, amount.token_start - cue_length), amount.token_end))
    if anchor.dep_ == "conj" and anchor.head.pos_ == "NOUN" and anchor.head.i not in own \
            and _is_measure_noun(anchor.head):
        # "growth of 2.1% this year and 2.4% next year": the second figure is of the same measure
        noun = anchor.head
        holder_token = _holder_in(noun, exclude=own) or _clause_subject(noun)
        measure = _phrase(noun, exclude=own | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    # "15.8% share held by US entities", "17% stake": the amount modifies a noun
    if anchor.dep_ in ("nummod", "compound", "amod", "quantmod") and anchor.head.pos_ in ("NOUN", "PROPN") \
            and anchor.head.i not in own:
        noun = anchor.head
        holder_token = _holder_in(noun, exclude=own) or _passive_agent(noun)
        if unit in ("count", "quantity") and noun.lemma_.lower() not in MEASURE_NOUNS:
            # "eight Chinese AI models": the noun is what is counted
            holder = _phrase(holder_token, exclude=own) if holder_token is not None else _norp_modifier(noun)
            counted = _phrase(noun, exclude=own | _subtree_ids(holder_token))
            change = _by_change(noun)
            if holder is None:
                subject = _clause_subject(noun)
                if subject is not None and subject.lemma_.lower() in _roles_words("revision_nouns") and counted:
                    # "revisions lowered job gains for May by 46,000 jobs": the count is the revision's. The
                    # subject stays the holder for now: provenance.figures joins a misstated value to its
                    # family only through a shared holder head word ("revisions"), and no holder would split it
                    return f"revision to {counted}", _phrase(subject, exclude=own)
                if change is not None and subject is not None and subject.pos_ == "NOUN" \
                        and subject.ent_type_ not in ACTOR_LABELS and not names_people(subject):
                    # "employment rose by 73,000 jobs": the subject is what changed, the jobs its unit
                    changed = _phrase(subject, exclude=own)
                    return (f"{change} in {changed}" if changed else counted), None
                holder = _subject_holder(subject, own) if subject is not None and subject != noun else None
            return _per_unit(noun, _event_measure(noun, counted)), holder
        measure = _phrase(noun, exclude=own | _subtree_ids(holder_token))
        if holder_token is None:
            subject = _clause_subject(noun)
            if subject is not None and subject != noun and not names_people(subject) and subject.pos_ == "NOUN":
                # "developers' downloads reached a 17% share": the share is of the subject
                holder_token = _holder_in(subject, exclude=own)
                of_what = _phrase(subject, exclude=own | _subtree_ids(holder_token))
                measure = f"{measure} of {of_what}" if measure and of_what else measure or of_what
            elif subject is not None and subject != noun:
                holder_token = subject
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    actor = _parenthesised_actor(doc, amount)
    if actor is not None:
        # "countries with the lowest trust include the USA (26 percent)": the name the brackets follow,
        # and the quantity the list's header names ("trust")
        return _list_header(actor, own) or _clause_quantity(actor, own), _phrase(actor, exclude=own)
    if unit == "money":
        contents = next((o for c in anchor.children if c.dep_ == "prep" and c.lower_ == "in" for o in c.children
                         if o.dep_ == "pobj" and o.pos_ == "NOUN" and o.ent_type_ not in ("DATE", "TIME")), None)
        if contents is not None:
            # "the state's $2 billion in cash reserves", "$5 million in damages": what the sum is of
            owner = next((c for c in anchor.children if c.dep_ == "poss" and c.tag_ not in ("PRP$", "WP$")), None)
            return _phrase(contents, exclude=own), _phrase(owner, exclude=own) if owner is not None else None
    named = _parenthesised_noun(doc, amount)
    if named is not None:
        # "payroll employment (+73,000) and the unemployment rate (4.2%)": the noun the brackets follow
        holder_token = _holder_in(named, exclude=own) or _copula_subject(named)
        measure = _phrase(named, exclude=own | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    # "17% of open AI model downloads"
    of_child = next((c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    verb = governing_verb(anchor)
    subject = _subject_of(verb) if verb is not None else None
    if of_child is not None:
        objects = [c for c in of_child.children if c.dep_ == "pobj"]
        if objects:
            counted = _phrase(objects[0], exclude=own)
            measure = f"share of {counted}" if unit == "percent" and counted else counted
            # "one billion people — 43% of adults — were ...", "2 million residents, or 18% of adults":
            # the figure restates the subject, which is then no holder of it but the same group again
            restates = subject is not None and subject.i not in own and (
                (anchor.head == subject and anchor.dep_ in ("appos", "conj"))
                or (anchor.head == verb and anchor.dep_ in ("nsubj", "nsubjpass")))
            holder = _phrase(subject, exclude=own) if subject is not None and subject.i not in own \
                and not _is_measure_noun(subject) and not restates else None
            if unit in ("percent", "ratio") and counted and verb is not None and subject is not None \
                    and subject.i not in own and verb.lemma_.lower() in _roles_words("share_verbs") \
                    and subject.pos_ == "NOUN" and not names_people(subject):
                # "electric cars accounted for 15% of all cars sold": the part's share of the whole
                part = _phrase(subject, exclude=own)
                if part:
                    measure = f"{part}{_POSSESSIVE_S[part.endswith('s')]} share of {counted}"
            if unit == "percent" and counted and verb is not None and (
                    anchor.dep_ in ("nsubj", "nsubjpass") or restates):
                # "78% of Americans live paycheck to paycheck": the share is of those who do what the verb says
                predicate = _predicate(verb, subject if restates else anchor)
                if predicate:
                    pronoun = "who" if names_people(objects[0]) else "that"
                    measure = f"share of {counted} {pronoun} {predicate}"
                    if holder is None and objects[0].lemma_.lower() not in _GENERIC_PEOPLE and (
                            names_people(objects[0]) or objects[0].ent_type_ in ("NORP", "GPE")):
                        holder = counted  # "78% of Americans": the Americans; "15% of people": no one in particular
            return measure, holder
    if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and anchor.head.head.pos_ == "NOUN":
        # "long-term debt of more than $700 million": the noun the amount is the value of
        noun = anchor.head.head
        if _is_light(noun):
            carried = _light_measure(noun, own, unit)
            if carried is not None:
                return carried
        subject = _clause_subject(noun)
        # "the growth in EV sales was driven by sales of 11 million": a quantity is no holder
        holder_token = _holder_in(noun, exclude=own | {anchor.head.i}) or (
            subject if subject is not None and not _is_thing(subject) else None)
        measure = _phrase(noun, exclude=own | {anchor.head.i} | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    scaled = _scaled_object(verb, anchor, own)
    if scaled is not None:
        return scaled
    if unit == "multiplier":
        if subject is not None and subject.i not in own and _is_thing(subject) \
                and doc[amount.token_start].pos_ == "VERB":
            # "the prevalence of obesity more than doubled": what doubled is the measure, not a holder
            owner = _holder_in(subject, exclude=own)
            return _phrase(subject, exclude=own | _subtree_ids(owner)), _phrase(owner, exclude=own)
        holder = _phrase(subject, exclude=own) if subject is not None and subject.i not in own else None
        return _multiplier_measure(doc, amount), holder
    if unit in ("percent", "ratio") and anchor.dep_ in ("nsubj", "nsubjpass") and verb is not None \
            and anchor.head == verb:
        # "38% say they avoid the news", "19% pay for news": the share of those who do what the verb says
        predicate = _predicate(verb, anchor) if verb.lemma_.lower() not in _roles_data()["change_verbs"] \
            and verb.lemma_.lower() != "change" else None
        if predicate:
            pronoun = "who" if verb.lemma_.lower() in word_list("speech_verbs_share") else "that"
            counted = _counted_after(doc, amount, own)
            return (f"share of {counted} {pronoun} {predicate}" if counted else f"share {pronoun} {predicate}"), None
    if subject is None or subject.i in own:
        # "..., down 0.21% on the day", "the state has paid $449,000": no subject, the change or payment
        found = _adverb_change(anchor) or _money_measure(verb, anchor, unit)
        if found is not None:
            return found, None
    if subject is not None and subject.i not in own:
        if _is_measure_noun(subject):
            holder_token = _holder_in(subject, exclude=own)
            measure = _phrase(subject, exclude=own | _subtree_ids(holder_token))
            return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
        paid = _money_measure(verb, anchor, unit)
        change = _verb_measure(verb, anchor) or _adverb_change(anchor)
        if change is None and paid is not None:
            return paid, _phrase(subject, exclude=own)  # "the state has paid $449,000": the state's payment
        if change is not None and subject.pos_ == "NOUN" and subject.ent_type_ not in ACTOR_LABELS:
            # "discouraged workers decreased by 212,000": the change is in the group, not held by it
            counted = _phrase(subject, exclude=own)
            return (f"{change} in {counted}" if counted else change), None
        return change, _phrase(subject, exclude=own)
    return None, None


_POSSESSIVE_S = ("'s", "'")


def _is_light(noun: "Token") -> bool:
    """A noun that carries a figure without naming a quantity (`light_measures`): "a total of", "units"."""
    return noun.lemma_.lower() in _roles_words("light_measures") or noun.lower_ in _roles_words("light_measures")


def _is_thing(token: "Token") -> bool:
    """A common noun that names a quantity or a thing, not whom a figure is about: no name, no people,
    no place ("sales", "the prevalence of obesity", "forecasts")."""
    return token.pos_ == "NOUN" and token.ent_type_ not in ACTOR_LABELS and not names_people(token) \
        and not _is_light(token)


def _light_measure(noun: "Token", own: set[int], unit: str) -> tuple[str | None, str | None] | None:
    """(measure, holder) for a figure a light noun carries: "the jobless rate hit a record high of 9.4%"
    -> the rate; "plans to spend a total of $2.6 billion on contracts" -> spending on contracts; "spent on
    payments to farmers, to the tune of $28 billion" -> spending on payments to farmers. None when the
    clause names nothing better: the light noun is then kept."""
    verb = governing_verb(noun)
    subject = _subject_of(verb) if verb is not None else None
    if verb is not None and subject is not None and subject.i not in own and _is_thing(subject) \
            and verb.lemma_.lower() not in _roles_data()["money_verbs"]:
        owner = _holder_in(subject, exclude=own)
        return _phrase(subject, exclude=own | _subtree_ids(owner)), _phrase(owner, exclude=own)
    if verb is None or unit != "money":
        return None
    paid = _roles_data()["money_verbs"].get(verb.lemma_.lower())
    if paid is None:
        return None
    target = next((o for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "for") and c.i != noun.head.i
                   for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
    on_what = _phrase(target, exclude=own) if target is not None else None
    measure = f"{paid} {target.head.lower_} {on_what}" if target is not None and on_what else str(paid)
    holder = subject if subject is not None and subject.i not in own and subject.pos_ in ("NOUN", "PROPN") \
        and not _is_thing(subject) else None
    return measure, _phrase(holder, exclude=own) if holder is not None else None
_GENERIC_PEOPLE = frozenset({"people", "person", "respondent", "one", "those", "participant"})


def _by_change(noun: "Token") -> str | None:
    """The change a verb of change states when the counted noun is its amount: "rose by 73,000 jobs"."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "by" and noun.head.head.pos_ == "VERB":
        found = _roles_data()["change_verbs"].get(noun.head.head.lemma_.lower())
        return str(found) if found else None
    return None


def _event_measure(noun: "Token", phrase: str | None) -> str | None:
    """"cut 4,000 jobs" -> "jobs cut", "300 Indians were deported" -> "Indians deported": a count
    that an event verb reports is of the event, not of the things (`event_participles`)."""
    if phrase is None:
        return phrase
    done = next((c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.i == noun.i + 1), None)
    if done is not None:
        # "6 million vehicles sold", "the 300 homes destroyed": the participle says which of the things count
        particle = next((c.text for c in done.children if c.dep_ == "prt"), None)
        return f"{phrase} {done.text}" + (f" {particle}" if particle else "")
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" \
            and head.head.lower_ in _roles_words("event_nouns") and phrase.split()[-1] == noun.text:
        # "cuts of 4,000 jobs" -> "job cuts", as the compound says it
        return " ".join([*phrase.split()[:-1], noun.lemma_.lower(), head.head.lower_])
    if head.pos_ != "VERB":
        return phrase
    lemma = head.lemma_.lower()
    if noun.dep_ == "nsubj":
        # "300 people died", "1,000 residents fled": the verb says which of the people count
        participle = _roles_data()["intransitive_event_verbs"].get(lemma)
        if participle is None:
            return phrase
        return f"{phrase} {participle}"
    if noun.dep_ not in ("dobj", "nsubjpass"):
        return phrase
    participle = word_mapping("event_participles").get(lemma) or _roles_data()["event_verbs"].get(lemma)
    return f"{phrase} {participle}" if participle else phrase


def _subject_holder(subject: "Token", own: set[int]) -> str | None:
    """The holder a clause's subject gives a count it reports: a name or a people noun is it ("Acme cut 3,500
    jobs"); a cause ("floods displaced 40,000 residents", `cause_nouns`) or a quantity ("gains", "payrolls",
    `quantity_subjects`) is not, though a name it is qualified by is ("the US economy added ..." -> "US")."""
    known = _roles_words("cause_nouns") | _roles_words("quantity_subjects") | MEASURE_NOUNS
    if subject.pos_ != "NOUN" or subject.ent_type_ in ACTOR_LABELS or names_people(subject) \
            or subject.lemma_.lower() not in known and subject.lower_ not in known:
        return _phrase(subject, exclude=own)
    named = next((t for t in subject.subtree if t != subject and t.i not in own and t.dep_ in ("compound", "poss", "amod")
                  and t.ent_type_ in ("GPE", "ORG", "NORP") and t.head == subject), None)
    return _entity_text(named).removeprefix("the ") if named is not None else None


def _scaled_object(verb: "Token | None", anchor: "Token", own: set[int]) -> tuple[str | None, str | None] | None:
    """"The plan would cut carbon emissions by 40%" -> "cut in carbon emissions"; "Acme raised prices by 5%" ->
    "increase in prices", held by Acme: a verb that moves its object (`scaling_verbs`) by the figure states a
    change in the object; its subject holds it when it is a name or people, else (a plan, a law) nobody."""
    if verb is None or anchor.dep_ != "pobj" or anchor.head.lower_ != "by" or anchor.head.head != verb:
        return None
    change = _roles_data()["scaling_verbs"].get(verb.lemma_.lower())
    target = next((c for c in verb.children if c.dep_ == "dobj" and c.i not in own), None)
    if change is None or target is None or not _is_thing(target):
        return None
    moved = _phrase(target, exclude=own)
    if not moved:
        return None
    subject = _subject_of(verb)
    holder = _phrase(subject, exclude=own) if subject is not None and subject.i not in own and (
        subject.pos_ == "PROPN" or subject.ent_type_ in ACTOR_LABELS or names_people(subject)) else None
    return f"{change} in {moved}", holder


def _per_unit(noun: "Token", measure: str | None) -> str | None:
    """"averaged 24.5 points per game", "7.1 assists a game": a rate keeps what it is per
    (`rate_denominators` for the "a game" form, any noun after "per")."""
    if measure is None:
        return None
    doc = noun.doc
    per = next((o for c in noun.children if c.dep_ == "prep" and c.lower_ == "per"
                for o in c.children if o.dep_ == "pobj"), None)
    if per is None and noun.i + 2 < len(doc) and doc[noun.i + 1].lower_ in ("a", "an", "per") \
            and doc[noun.i + 2].lemma_.lower() in _roles_words("rate_denominators"):
        per = doc[noun.i + 2]
        # "steals a game", "rebounds a game in the playoffs" parsed as the noun's modifiers: not the measure's
        inner = _phrase(per)
        measure = measure.replace(f" {inner}", "") if inner and f" {inner}" in measure else measure
    if per is None:
        return measure
    # "12 doctors per 10,000 people": the denominator keeps its own number
    base = doc[per.left_edge.i:per.i + 1].text if per.i - per.left_edge.i < 4 else per.text
    base = base.removeprefix("a ").removeprefix("an ").lower() if not per.left_edge.like_num else base
    return measure if f" per {base}" in measure else f"{measure} per {base}"


# A predicate longer than this is no label an analyst would write; the share keeps its group alone.
_PREDICATE_WORDS = 8


def _predicate(verb: "Token", subject: "Token | None") -> str | None:
    """The verb phrase of a share's clause without its subject: "live paycheck to paycheck", for a
    verb of saying its complement ("42% of people say they trust the news" -> "trust the news")."""
    if verb.lemma_.lower() in word_list("speech_verbs_share"):
        inner = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if inner is None:
            return None
        drop = {t.i for c in inner.children if c.dep_ in ("nsubj", "mark") and c.pos_ in ("PRON", "SCONJ")
                for t in c.subtree}
        verb, subject = inner, None
    else:
        drop = set()
    skip_ids = ({t.i for t in subject.subtree} if subject is not None else set()) | drop
    for child in verb.children:
        if child.dep_ in ("advcl", "conj", "cc", "punct", "ccomp", "parataxis", "mark") and child.i > verb.i:
            skip_ids |= {t.i for t in child.subtree}
        if child.i > verb.i and child.dep_ in ("advmod", "prep", "npadvmod") and _numeric(child):
            skip_ids |= {t.i for t in child.subtree}  # "..., up from 29% in 2017": a comparison, not the deed
        if child.dep_ in ("advmod", "npadvmod", "prep", "punct", "mark", "nsubj", "nsubjpass") and child.i < verb.i:
            # "Overall, only ..."; and a second subject the parser hung on the verb ("2 million residents
            # — 18% of adults — are obese") is no part of the deed
            skip_ids |= {t.i for t in child.subtree}
    words = [t.text for t in verb.subtree if t.i not in skip_ids and not t.is_punct and t.ent_type_ != "DATE"]
    if not words or len(words) > _PREDICATE_WORDS:
        return None
    return " ".join(words)


def _counted_after(doc: "Doc", amount: Amount, own: set[int]) -> str | None:
    """"one in five cars sold": the noun right after a ratio that is what it counts."""
    if amount.token_end >= len(doc):
        return None
    noun = doc[amount.token_end]
    if noun.pos_ != "NOUN" or noun.head.i not in own and noun.i not in {t.head.i for t in doc[amount.token_start:amount.token_end]}:
        return None
    return _event_measure(noun, _phrase(noun, exclude=own))


def _parenthesised_actor(doc: "Doc", amount: Amount) -> "Token | None":
    """The name an amount in brackets follows: "Argentina (46%)", "the UK (34 percent)"."""
    start, end = amount.token_start, amount.token_end
    if start < 2 or end >= len(doc) or doc[start - 1].text != "(" or doc[end].text != ")":
        return None
    name = doc[start - 2]
    if name.pos_ == "NOUN" and name.dep_ == "pobj" and name.head.lower_ in _roles_words("group_preps") | {"in"} \
            and (name.head.lower_ == "among" or names_people(name) or name.lemma_.lower() in _roles_words("place_nouns")):
        return name  # "strongest among nurses (72%)", "highest in rural counties (61%)": a group or a place
    if name.pos_ != "PROPN" or name.ent_type_ not in ("GPE", "NORP", "ORG", "LOC"):
        return None
    return name


def _list_header(actor: "Token", own: set[int]) -> str | None:
    """The quantity a list of names with bracketed figures is of, named by the noun the list is said
    of: "the countries with the highest trust in the news are Denmark (58%), Norway (56%)" -> "trust in the
    news". Adjectives of degree ("highest", "a high level of") are dropped: each name holds its own level."""
    item = actor
    for _ in range(12):
        if item.dep_ != "conj" or item.head == item:
            break
        item = item.head
    if item.dep_ not in ("attr", "dobj", "nsubj") or item.head.pos_ not in ("VERB", "AUX"):
        return None
    verb = item.head
    header = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "attr", "dobj")
                   and c != item and c.pos_ == "NOUN"), None)
    if header is None:
        return None
    quantity = next((o for c in header.children if c.dep_ == "prep" and c.lower_ == "with"
                     for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
    if quantity is None:
        return None
    degree = _roles_words("degree_adjectives")
    drop = {t.i for t in quantity.subtree if t.dep_ in ("amod", "advmod") and (t.tag_ in ("JJS", "RBS")
            or t.lemma_.lower() in degree or t.lower_ in degree)}
    if quantity.lemma_.lower() in _roles_words("light_measures"):
        # "a high level of trust in the news": the level's "of" names the quantity
        inner = next((o for c in quantity.children if c.dep_ == "prep" and c.lower_ == "of"
                      for o in c.children if o.dep_ == "pobj"), None)
        if inner is not None:
            quantity = inner
    return _phrase(quantity, exclude=own | drop)


def _clause_quantity(actor: "Token", own: set[int]) -> str | None:
    """The quantity a clause states for the names its bracketed figures follow: "support for the measure was
    highest in Denmark (64%)" -> "support for the measure", "wind supplied a record share of power in Spain
    (50%), Ireland (41%)" -> "share of power": the clause's object when it is a thing, else its subject.
    Words of degree or record ("highest", "record") go: each name holds its own level."""
    verb = governing_verb(actor)
    if verb is None or verb.lemma_.lower() in _roles_words("source_verbs"):
        return None
    skip = own | {t.i for t in actor.subtree} | {t.i for t in actor.ancestors if t != verb and t.i > actor.i}
    doc = actor.doc
    for name in doc[verb.left_edge.i:verb.right_edge.i + 1]:
        # the other names of the list ("a share of power in Poland (61%), Czechia (40%)") are no part of it
        if name.i + 1 < len(doc) and doc[name.i + 1].text == "(" and name.pos_ == "PROPN" \
                and name.dep_ == "pobj" and name.head.dep_ == "prep":
            skip |= {t.i for t in name.head.subtree}
    degree = _roles_words("degree_adjectives") | _roles_words("light_measures")
    for dep in ("dobj", "nsubj", "nsubjpass"):
        noun = next((c for c in verb.children if c.dep_ == dep and c.i not in skip), None)
        if noun is None or noun.pos_ != "NOUN" or noun.ent_type_ in ACTOR_LABELS or names_people(noun):
            continue
        drop = {t.i for t in noun.subtree if t != noun and t.dep_ in ("amod", "advmod", "compound")
                and (t.tag_ in ("JJS", "RBS") or t.lemma_.lower() in degree or t.lower_ in degree)}
        found = _phrase(noun, exclude=skip | drop)
        if found and found.lower() not in degree:
            return found
    return None


def _copula_subject(noun: "Token") -> "Token | None":
    """The name a copular clause says holds the quantity: "Finland remains the country with the highest
    trust (69%)" -> Finland (the noun "trust" hangs on the clause's complement, whose subject is a name)."""
    current = noun
    for _ in range(6):
        head = current.head
        if head == current:
            return None
        if current.dep_ in ("attr", "prep") and head.lemma_.lower() in _roles_words("copulas") \
                and any(c.dep_ == "attr" for c in head.children):
            # the complement, or a "with" the parser hung on the copula beside it
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.pos_ == "PROPN" and subject.ent_type_ in ACTOR_LABELS:
                return subject
            return None
        if current.dep_ not in ("pobj", "prep", "compound", "amod"):
            return None
        current = head
    return None


def _adverb_change(anchor: "Token") -> str | None:
    """"the index is up 1%", "down 0.21% on the day": the change an adverb states."""
    head = anchor.head
    if anchor.dep_ in ("npadvmod", "dobj", "pobj") and head.pos_ == "ADV" and head != anchor:
        found = _roles_data()["change_adverbs"].get(head.lower_)
        return str(found) if found else None
    return None


def _money_measure(verb: "Token | None", anchor: "Token", unit: str) -> str | None:
    """"the state has paid $449,000", "bid $16.50 per share": the payment a verb of money states."""
    if unit != "money" or verb is None or anchor.head != verb or anchor.dep_ not in ("dobj", "attr", "npadvmod"):
        return None
    found = _roles_data()["money_verbs"].get(verb.lemma_.lower())
    return str(found) if found else None


def _parenthesised_noun(doc: "Doc", amount: Amount) -> "Token | None":
    """The noun an amount in brackets right after it stands for: "payroll employment (+73,000)"."""
    start, end = amount.token_start, amount.token_end
    if start < 2 or end >= len(doc) or doc[start - 1].text != "(" or doc[end].text != ")":
        return None
    noun = doc[start - 2]
    if noun.pos_ != "NOUN" or noun.ent_type_ in ACTOR_LABELS:
        return None
    if names_people(noun) and amount.unit not in ("count", "number"):
        return None  # "teenagers (15.2 percent)": the group holds the rate; "girls (50 million)" counts them
    return noun


def _multiplier_measure(doc: "Doc", amount: Amount) -> str | None:
    """"17X faster than its predecessor", "three times less power": the comparison made."""
    after = doc[amount.token_end:amount.token_end + 6]
    words: list[str] = []
    for token in after:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "CCONJ") or token.dep_ == "cc":
            break
        words.append(token.text)
        if token.tag_ in ("JJR", "RBR") and token.lower_ not in ("more", "less", "fewer"):
            if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "than":
                continue
            break
    return " ".join(words) or None


def _rank_roles(doc: "Doc", amount: Amount, anchor: "Token") -> tuple[str | None, str | None]:
    """Rank holder = who ranks; measure = the ranking ("in comprehensive performance evaluation")."""
    verb = anchor.head
    if anchor.dep_ == "conj":
        verb = anchor.head.head
    if anchor.dep_ == "dobj":
        verb = anchor.head  # "claimed the top spot"
    elif verb.pos_ in ("NOUN", "PROPN") and verb.head != verb:
        verb = verb.head  # "took second place"
    # the ranking: "in X", "among X", "within X" under the verb or the rank phrase
    pieces: list[str] = []
    for owner in dict.fromkeys((verb, anchor)):
        for child in owner.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "among", "on", "within", "across"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].ent_type_ not in ("DATE", "TIME"):
                    phrase = _phrase(objects[0])
                    if phrase:
                        pieces.append(f"{child.lower_} {phrase}")
    measure = " ".join(pieces) or None
    if doc[amount.token_start].lemma_ == "top" and doc[amount.token_start].pos_ == "VERB":
        target = next((c for c in doc[amount.token_start].children if c.dep_ == "dobj"), None)
        measure = _phrase(target) or measure  # "topped the list of the most valuable brands"
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    if nxt is not None and nxt.text == "-" and amount.token_end + 1 < len(doc):
        nxt = doc[amount.token_end + 1]
    if nxt is not None and (nxt.tag_ in ("JJS", "RBS") or nxt.lower_ == "most"):
        # "the world's third-largest economy" -> "largest economy"
        target = nxt.head if nxt.head.pos_ in ("NOUN", "PROPN") else None
        skip = set(range(amount.token_start, nxt.i + 1))
        if target is not None:
            skip |= {t.i for c in target.children if c.dep_ == "poss" for t in c.subtree}
        rest = _phrase(target, exclude=skip) if target is not None else None
        measure = f"{nxt.text} {rest}" if rest else nxt.text
    holder_token: "Token | None" = None
    if verb.dep_ == "relcl":
        holder_token = _antecedent(verb.head)
    elif verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        holder_token = verb.head  # "models (ranked second and ninth)"
    if holder_token is None:
        holder_token = _subject_of(verb)
    if holder_token is None:
        holder_token = _subject_of(governing_verb(anchor))
    if holder_token is not None and amount.token_start <= holder_token.i < amount.token_end:
        holder_token = None
    if holder_token is None:
        return measure, None
    if holder_token.pos_ == "NOUN" and not names_people(holder_token):
        # "two models from OpenAI (ranked 2nd and 9th)": name the owner, keep the
        # ranked things as the measure when the text names no ranking
        owner_token = _holder_in(holder_token, exclude=set()) or _passive_agent(holder_token)
        if owner_token is not None:
            ranked = _phrase(holder_token, exclude=_subtree_ids(owner_token))
            return measure or (f"rank of {ranked}" if ranked else None), _phrase(owner_token)
    return measure, _phrase(holder_token)


def _passive_agent(noun: "Token") -> "Token | None":
    """"models ... were released by OpenAI": the agent of the clause the noun is subject of."""
    if noun.dep_ != "nsubjpass":
        return None
    for child in noun.head.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def governing_verb(token: "Token") -> "Token | None":
    current = token
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head == current:
            return None
        current = current.head
    return None


def _subject_of(verb: "Token | None") -> "Token | None":
    """The subject of a verb, following relative pronouns to their antecedent."""
    if verb is None:
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if not subjects:
        if verb.dep_ in ("xcomp", "advcl", "conj") and verb.head != verb:
            return _subject_of(verb.head)
        if verb.dep_ in ("acl",) and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head
        return None
    subject = subjects[0]
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subject = _antecedent(verb.head)
    return subject


def _antecedent(token: "Token") -> "Token":
    """Resolve what a relative clause is about, past dates and example lists."""
    if token.ent_type_ in ("DATE", "TIME"):
        verb = token.head
        objects = sorted((c for c in verb.children if c.dep_ in ("dobj", "nsubj")), key=lambda c: c.dep_ != "dobj")
        if objects:
            token = objects[0]
    # "...of American developers including Google, Meta and OpenAI, which was 15.8%"
    for _ in range(4):
        if token.dep_ == "conj":
            token = token.head
        elif token.dep_ == "pobj" and token.head.lower_ in EXAMPLE_PREPS:
            token = token.head.head
        else:
            break
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN" \
            and token.head.head.lemma_.lower() in MEASURE_NOUNS:
        token = token.head.head
    return token


def _clause_subject(noun: "Token") -> "Token | None":
    if noun.dep_ in ("dobj", "attr", "pobj"):
        verb = governing_verb(noun)
        subject = _subject_of(verb) if verb is not None else None
        if subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject != noun:
            return subject
    return None


def _is_measure_noun(token: "Token") -> bool:
    if token.ent_type_ in ACTOR_LABELS or token.pos_ == "PROPN":
        return False
    return token.lemma_.lower() in MEASURE_NOUNS or token.lower_ in MEASURE_NOUNS or token.pos_ == "NOUN" and \
        not names_people(token)


def names_people(token: "Token") -> bool:
    if token.lemma_.lower() in word_list("actor_nouns") or token.lower_ in word_list("actor_nouns"):
        return True
    return token.lemma_.lower() in {
        "developer", "company", "firm", "people", "user", "country", "nation", "government", "researcher",
        "worker", "adult", "child", "consumer", "household", "voter", "respondent", "business", "entity",
        "startup", "lab", "team", "student", "patient", "player", "manufacturer", "maker", "resident",
        "investor", "customer", "organization", "organisation", "group", "state", "city", "region",
        "man", "woman", "men", "women", "girl", "boy", "teenager", "teen", "adolescent", "youth", "senior",
        "employee", "parent", "owner", "buyer", "driver", "member", "citizen", "american", "immigrant",
    } or token.ent_type_ in ("NORP", "GPE", "ORG", "PERSON")


def _holder_in(noun: "Token", *, exclude: set[int]) -> "Token | None":
    """Whom a measure noun is about: "share of downloads ... from China", "share of American developers"."""
    candidates: list["Token"] = []
    examples = {t.i for child in noun.children if child.lower_ in EXAMPLE_PREPS for t in child.subtree}
    counted: set[int] = set()
    if noun.lemma_.lower() in _roles_words("tally_nouns"):
        # "the number of obese adults": what is counted is the measure, not whom it is about
        counted = {t.i for child in noun.children if child.dep_ == "prep" and child.lower_ == "of"
                   for t in child.subtree}
    for token in noun.subtree:
        if token.i in exclude or token == noun or token.i in examples:
            continue
        if token.dep_ == "pobj" and token.head.lower_ == "in" and token.ent_type_ in ("GPE", "LOC"):
            candidates.append(token)  # "the number in sub-Saharan Africa", "sales in China"
        elif token.i in counted:
            continue
        elif token.dep_ == "pobj" and token.head.lower_ in ("from", "by", "of", "for") and (
                token.ent_type_ in ACTOR_LABELS or names_people(token)):
            if token.head.head.lower_ in EXAMPLE_PREPS:
                continue
            candidates.append(token)
        elif token.dep_ == "poss" and token.tag_ not in ("PRP$", "WP$"):
            candidates.append(token)
        elif token.dep_ == "agent" and token.head.head == noun:
            candidates.extend(c for c in token.children if c.dep_ == "pobj")
    if not candidates:
        return None
    # the last one is the most specific ("... models from China")
    preferred = [c for c in candidates if c.ent_type_ in ACTOR_LABELS or names_people(c)]
    return (preferred or candidates)[-1]


def _norp_modifier(noun: "Token") -> str | None:
    """"Chinese AI models" -> "Chinese": the nationality or organisation a noun is qualified by."""
    examples = {t.i for child in noun.children if child.lower_ in EXAMPLE_PREPS for t in child.subtree}
    for token in noun.lefts:
        for inner in token.subtree:
            if inner.i not in examples and inner.ent_type_ in ("NORP", "GPE") \
                    and inner.dep_ in ("amod", "compound", "nmod"):
                return _entity_text(inner)
    return None


def _entity_text(token: "Token") -> str:
    """The entity's text, with an adjective right before it that narrows it ("sub-Saharan Africa",
    "northern Italy")."""
    span = entity_span(token)
    narrowing = [c for c in token.children if c.dep_ == "amod" and c.pos_ == "ADJ" and c.right_edge.i == span.start - 1]
    if narrowing:
        start = narrowing[0].left_edge.i
        while start >= 2 and span.doc[start - 1].text == "-" and span.doc[start - 2].is_alpha:
            start -= 2  # "sub-Saharan"
        return span.doc[start:span.end].text
    return span.text


def _verb_measure(verb: "Token | None", anchor: "Token") -> str | None:
    """What a verb alone says is measured: the change a verb of change states, as the noun an analyst
    writes ("the index fell 0.3%" -> "fall"), when the figure is its amount ("fell 0.3%", "fell by 0.3%"),
    not where it ends ("fell to 0.3%"). Other verbs ("account", "say", "wait") name no measure: it stays
    unknown and the family keys on the rest."""
    if verb is None:
        return None
    change = _roles_data()["change_verbs"].get(verb.lemma_.lower())
    if change is None:
        return None
    if anchor.head == verb and anchor.dep_ in ("npadvmod", "dobj", "advmod", "attr"):
        return str(change)
    if anchor.dep_ == "pobj" and anchor.head.lower_ == "by" and anchor.head.head == verb:
        return str(change)
    return None


def _subtree_ids(token: "Token | None") -> set[int]:
    if token is None:
        return set()
    ids = {t.i for t in token.subtree}
    head = token.head
    if token.dep_ in ("pobj",) and head.dep_ in ("prep", "agent"):
        ids.add(head.i)  # drop "from" along with "China"
        if head.head.dep_ == "acl" and head.dep_ == "agent":
            ids.add(head.head.i)  # "held by"
    return ids


_SKIP_DEPS = {"relcl", "appos", "punct", "advcl", "acl", "cc", "preconj", "det", "predet", "nummod", "quantmod"}


def _phrase(token: "Token | None", *, exclude: set[int] | None = None) -> str | None:
    """A compact text for the noun phrase headed by `token`.

    Keeps modifiers and "of/for/from/in" complements, drops relative clauses,
    appositions, example lists ("including ..."), determiners and the excluded tokens.
    Proper nouns with an appositive name ("its model 'M2'") give the name.
    """
    if token is None:
        return None
    exclude = exclude or set()
    if token.pos_ == "PRON" and token.tag_ in ("WDT", "WP"):
        return None
    if token.tag_ == "PRP":
        return token.text  # "they'd" is "they", which no holder is
    if is_ticker(token):
        # "Spot silver XAG=", "Brent crude futures LCOc1": the instrument the code is written beside
        if token.dep_ == "appos" and token.head != token:
            return _phrase(token.head, exclude=exclude | {token.i})
        named = next((c for c in token.children if c.dep_ in ("compound", "nmod") and c.i < token.i
                      and c.i not in exclude), None)
        return _phrase(named, exclude=exclude | {token.i}) if named is not None else None
    appositive = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                       and c.i not in exclude and any(ch.isalpha() for ch in c.text) and not is_ticker(c)), None)
    if appositive is not None and token.pos_ == "NOUN":
        token = appositive
    if token.ent_type_ and token.ent_type_ in ACTOR_LABELS and token.pos_ == "PROPN":
        entity = _entity_text(token)
        if entity:
            return entity.removeprefix("the ").removeprefix("The ")
    keep: list["Token"] = []
    _collect(token, keep, exclude=exclude, root=token)
    keep.sort(key=lambda t: t.i)
    while keep and (keep[0].is_punct or keep[0].dep_ in ("det", "cc", "prep")) and not _before_hyphen(keep[0]):
        keep.pop(0)
    while keep and (keep[-1].is_punct or keep[-1].dep_ in ("cc", "prep")):
        keep.pop()
    if not keep:
        return None
    text = "".join(t.text + (t.whitespace_ if i + 1 < len(keep) and keep[i + 1].i == t.i + 1 else " ")
                   for i, t in enumerate(keep)).strip()
    return " ".join(text.split()) or None


def _collect(token: "Token", keep: list["Token"], *, exclude: set[int], root: "Token") -> None:
    if token.i in exclude or is_ticker(token):
        return
    if token != root and token.tag_ == "HYPH":
        keep.append(token)  # "open-source" keeps its hyphen
        return
    if token != root and token.dep_ == "cc" and token.i not in exclude and any(
            c.dep_ == "conj" and c.i not in exclude and not _numeric(c) for c in token.head.children):
        keep.append(token)  # "overweight and obese adults": the list keeps its "and"
        return
    if token != root and token.dep_ in ("det", "predet") and _before_hyphen(token):
        keep.append(token)  # "all-time high"
        return
    if token != root and (token.dep_ in _SKIP_DEPS or (token.dep_ == "prep" and token.lower_ in EXAMPLE_PREPS)):
        return
    if token != root and token.dep_ == "advmod" and token.head == root:
        return  # "only two models"
    if token != root and token.dep_ == "amod" and token.lower_ in _roles_words("evaluative_adjectives"):
        return  # "a stunning 258,000 jobs": a judgement, not what is counted
    if token != root and token.dep_ == "poss" and token.tag_ == "PRP$":
        return  # "its usage", "their games": whose it is, is the holder's business
    if token.dep_ == "prep" and token.children and all(
            c.ent_type_ == "DATE" for c in token.children if c.dep_ == "pobj") and any(
            c.dep_ == "pobj" for c in token.children):
        return  # "jobs in August": the period is a field of its own, and "in" goes with it
    if token != root and token.ent_type_ == "DATE":
        return  # the period is a field of its own: "revenue in the second quarter" -> "revenue"
    if token != root and token.dep_ == "conj" and _numeric(token):
        return  # "growth of 2.1% this year and 2.4% next year": the other figure is not the measure
    if token.dep_ == "prep" and token.lower_ not in ("of", "for", "from", "in", "on", "among", "by", "to"):
        return
    keep.append(token)
    for child in token.children:
        _collect(child, keep, exclude=exclude, root=root)


@functools.cache
def _ticker_shape() -> re.Pattern[str]:
    return re.compile(str(_roles_data()["ticker_pattern"]))


def is_ticker(token: "Token") -> bool:
    """A market code ("XAG=", "LCOc1", ".N225", "7203.T"; `ticker_pattern`)."""
    return not token.like_num and bool(_ticker_shape().match(token.text))


def _numeric(token: "Token") -> bool:
    return any(t.like_num or t.ent_type_ in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") for t in token.subtree)


def _before_hyphen(token: "Token") -> bool:
    return token.i + 1 < len(token.doc) and token.doc[token.i + 1].tag_ == "HYPH"


@functools.cache
def _phrase_data() -> dict:
    return table("en", "measure_phrases")


def _phrase_words(name: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in _phrase_data()[name])


def quantified_noun(doc: "Doc", amount: Amount, anchor: "Token") -> "Token | None":
    """The noun the figure counts or takes a share of: "28 people" -> people, "43% of adults" -> adults,
    "10 million of the 17 million cars" -> cars; "the number of people ... surpassed one billion" -> people."""
    own = range(amount.token_start, amount.token_end)
    if anchor.dep_ in ("nummod", "quantmod", "compound", "amod") and anchor.head.pos_ == "NOUN" \
            and anchor.head.i not in own:
        # "28 people"; not "a 15% tariff", where the figure is the tariff's rate, no count of tariffs
        return anchor.head if amount.unit in ("count", "number", "ratio") else None
    of = next((o for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"
               for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
    if of is not None:
        return of
    if anchor.dep_ in ("dobj", "attr") and anchor.head.pos_ in ("VERB", "AUX"):
        # "the number of people living with obesity has surpassed one billion": a tally's subject
        subject = next((c for c in anchor.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lemma_.lower() in _roles_words("tally_nouns"):
            return next((o for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"
                         for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
    return None


def _participle(verb: "Token") -> str:
    """The past participle of a verb: "employs" -> "employed", "read" -> "read", "took" -> "taken"."""
    lemma = verb.lemma_.lower()
    known = word_mapping("event_participles").get(lemma) or _roles_data()["event_verbs"].get(lemma) \
        or _phrase_data()["irregular_participles"].get(lemma)
    if known:
        return str(known)
    if verb.tag_ in ("VBN", "VBD"):
        return verb.lower_
    if verb.tag_ == "VBG" and len(verb.lower_) > 5 and verb.lower_[-4] == verb.lower_[-5] \
            and verb.lower_[-4] not in "aeiouls":
        return verb.lower_[:-3] + "ed"  # "pinning" -> "pinned"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", lemma):
        return lemma + lemma[-1] + "ed"  # "stop" -> "stopped", "ban" -> "banned"
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def _core(noun: "Token", exclude: set[int]) -> str | None:
    """The counted noun with its own modifiers ("close contacts", "state residents", "young people"),
    without clauses, places, periods or prepositions other than "of"."""
    drop = set(exclude)
    for child in noun.children:
        if child.dep_ in ("prep", "acl", "relcl", "appos", "conj", "cc", "punct") and child.lower_ != "of" \
                or child.ent_type_ in ("GPE", "LOC", "DATE", "TIME") and child.dep_ in ("compound", "amod", "nmod"):
            drop |= {t.i for t in child.subtree}
    return _phrase(noun, exclude=drop)


def _short(tokens: list["Token"], limit: int) -> str | None:
    """Words of a predicate without determiners, possessive pronouns, dates, numbers and punctuation."""
    kept = [t.text for t in sorted(tokens, key=lambda t: t.i) if not t.is_punct and t.dep_ not in ("det", "poss", "aux",
            "auxpass", "neg", "mark") and t.ent_type_ not in ("DATE", "TIME") and not t.like_num
            and t.tag_ not in ("PRP", "PRP$", "WDT", "WP")]
    return " ".join(kept) if kept and len(kept) <= limit else None


def _chunk(noun: "Token") -> list["Token"]:
    """A noun with the words before it that qualify it and its "of" phrase: "medical observation",
    "the visa norms of the workers"; clauses, lists and asides after it are left out."""
    tokens = [noun]
    for child in noun.children:
        if child.i < noun.i and child.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod"):
            tokens.extend(child.subtree)
        elif child.dep_ == "prep" and child.lower_ == "of":
            tokens.append(child)
            tokens.extend(t for o in child.children if o.dep_ == "pobj" for t in _chunk(o))
    return tokens


def _passive(verb: "Token") -> list["Token"]:
    """A participle with its particle and the first prepositional phrase that says how or where to
    (not a date, a place or the agent): "quarantined", "placed under medical observation"."""
    tokens = [verb, *(c for c in verb.children if c.dep_ == "prt")]
    for child in verb.children:
        if child.i > verb.i and child.dep_ == "prep" and child.lower_ in ("under", "into", "to", "from", "out",
                                                                           "off", "for", "with", "as", "on"):
            objects = [o for o in child.children if o.dep_ == "pobj"]
            if objects and not _numeric(child) and objects[0].pos_ == "NOUN" \
                    and objects[0].ent_type_ not in ("DATE", "TIME", "GPE", "LOC", "ORG", "PERSON"):
                return tokens + [child, *_chunk(objects[0])]
            break
    return tokens


def _complement(verb: "Token", skip: set[int], limit: int) -> list["Token"] | None:
    """The verb and what completes it: its particle, then its object, complement or first prepositional
    phrase ("living with obesity", "activated their accounts", "helped build her career"). None when what
    completes it is a figure or a pronoun ("resulted in 46 ...", "contracted it"): the event is not said."""
    tokens = [verb, *(c for c in verb.children if c.dep_ == "prt")]
    children = [c for c in verb.children if c.i > verb.i and c.i not in skip]
    for child in children:
        if child.dep_ in ("dobj", "attr", "acomp", "oprd"):
            said = _chunk(child) if child.pos_ in ("NOUN", "PROPN") else list(child.subtree)
            if any(t.like_num for t in said) or child.tag_ in ("PRP", "WDT", "WP") or child.lemma_.lower() in (
                    "other", "another"):  # "engaged each other": a pronoun's work
                return None
            return tokens + said
        if child.dep_ == "xcomp" and child.pos_ == "VERB":
            inner = _complement(child, skip, limit)
            return tokens + inner if inner is not None else None
    for child in children:
        if child.dep_ == "prep" and child.lower_ not in ("by",):
            objects = [o for o in child.children if o.dep_ == "pobj"]
            if any(o.tag_ in ("PRP", "WDT", "WP") or any(t.like_num for t in _chunk(o)) for o in objects):
                return None
            if not objects or any(o.ent_type_ in ("DATE", "TIME", "GPE", "LOC") for o in objects):
                continue
            return tokens + [child, *_chunk(objects[0])]
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if after is not None and after.head == verb and after.dep_ in ("advmod", "npadvmod") and after.pos_ == "NOUN" \
            and after.ent_type_ not in ("DATE", "TIME"):
        return [*tokens, after]  # "working overtime"
    return tokens


def counted_event(noun: "Token", own: set[int], anchor: "Token | None" = None) -> str | None:
    """The event the clause reports of the things a figure counts, as the words that follow the noun:
    "28 people ... were quarantined" -> "quarantined", "employs 450 workers" -> "employed", "16.8 million people
    are living with obesity" -> "living with obesity", "450,000 people were without power" -> "without power",
    "10 million users who activated their accounts" -> "who activated accounts". None when the verb reports no
    event (`non_event_verbs`: "has", "includes", "said") or the words would make no short label."""
    limit = int(_phrase_data()["max_measure_words"]) - 1
    quiet = _phrase_words("non_event_verbs") | _roles_words("source_verbs")
    skip = own | {t.i for t in noun.subtree}
    # a participle or relative clause on the noun itself: "people infected", "people living with obesity"
    for child in noun.children:
        if child.dep_ == "acl" and child.i > noun.i and child.tag_ in ("VBN", "VBG") and child.lemma_.lower() not in quiet:
            inner = next((c for c in child.children if c.dep_ == "xcomp" and c.tag_ == "VBN"), None)
            if inner is not None:
                return _short([inner, *(c for c in inner.children if c.dep_ == "prt")], limit)  # "cars projected to be sold"
            if child.tag_ == "VBN":
                return _short(_passive(child), limit)
            done = _complement(child, own, limit)
            return _short(done, limit) if done else None
    # "31% of adults were living with ...", "2 million people - 31% of adults - were ...", "seven of the 30
    # nurses were working ...": the share or the part stands where the counted noun would
    position = noun
    if anchor is not None and noun.dep_ == "pobj" and noun.head.lower_ == "of" \
            and (noun.head.head == anchor or noun.head.head.i in own):
        position = anchor.head if anchor.dep_ == "appos" and anchor.head.pos_ in ("NOUN", "PROPN") else anchor
        skip = skip | {t.i for t in position.subtree if t.i < position.head.i or t.i in own}
    head, dep = position.head, position.dep_
    if head.is_alpha and (head.pos_ in ("VERB", "AUX") and head.lemma_.lower() not in quiet or head.lemma_.lower() == "be"):
        lemma = head.lemma_.lower()
        if dep == "nsubjpass" and head.tag_ == "VBN" and lemma not in quiet:
            return _short(_passive(head), limit)  # "were quarantined", "were placed under observation"
        if dep == "dobj" and lemma not in quiet and head.i < noun.i:
            particle = next((c.text for c in head.children if c.dep_ == "prt"), None)
            return _participle(head) + (f" {particle}" if particle else "")  # "employs 450 Dreamers"
        if dep == "nsubj":
            if head.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in head.children) \
                    and lemma not in quiet:
                done = _complement(head, skip, limit)
                return _short(done, limit) if done else None  # "are living with obesity"
            if lemma == "be":
                said = next((c for c in head.children if c.i > head.i and c.dep_ in ("prep", "acomp")
                             and not _numeric(c)), None)
                if said is not None and (said.dep_ == "acomp" or said.lower_ in ("without", "out", "in", "on",
                                                                                  "under", "at")):
                    return _short(list(said.subtree), limit)  # "were without power", "were homeless"
                return None
            if lemma not in quiet and head.tag_ in ("VBD", "VBP", "VBZ"):
                done = _complement(head, skip, limit)
                found = _short(done, limit) if done and len(done) > 1 else None
                return f"who {found}" if found else None  # "5,000 people entered the building"
    relative = next((c for c in noun.children if c.dep_ == "relcl" and c.lemma_.lower() not in quiet), None)
    if relative is not None and any(c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT") for c in relative.children):
        done = _complement(relative, own | {t.i for t in noun.subtree if t.i < relative.i}, limit)
        found = _short(done, limit) if done else None
        return f"who {found}" if found and names_people(noun) else f"that {found}" if found else None
    return None


def with_event(measure: str | None, noun: "Token | None", own: set[int], unit: str,
               anchor: "Token | None" = None) -> str | None:
    """The measure with the event of what it counts: "people" -> "people quarantined", "share of adults" ->
    "share of adults living with obesity", "number of people" -> "people living with obesity". Only when the
    measure is the counted noun's own phrase (not a quantity noun like "sales", nor a sports tally's unit)."""
    if noun is None or unit not in ("count", "percent", "ratio", "number") or measure is None:
        return measure
    if noun.lemma_.lower() in MEASURE_NOUNS or noun.lower_ in MEASURE_NOUNS or noun.lower_ in _phrase_words("tally_units") \
            or noun.lemma_.lower() in _phrase_words("tally_units") or noun.ent_type_ in ("DATE", "TIME", "MONEY") \
            or noun.lower_ in _roles_words("event_nouns") or noun.lemma_.lower() in _roles_words("event_nouns"):
        # "4,000 job cuts": the noun is the event already
        return measure
    core = _core(noun, own)
    if not core:
        return measure
    lowered = measure.lower()
    prefix = ""
    if lowered.startswith("share of "):
        prefix, rest = "share of ", lowered.removeprefix("share of ")
    elif lowered.split()[0] in _roles_words("tally_nouns") and " of " in lowered:
        rest = lowered.split(" of ", 1)[1]
    else:
        rest = lowered
    if not (rest == core.lower() or rest.startswith(core.lower() + " ") or rest.endswith(" " + core.lower())):
        return measure  # the measure says something else than the counted noun ("rise in hiring")
    full = (_phrase(noun, exclude=own) or "").lower()
    said = ""
    for pronoun in (" who ", " that "):
        if rest.startswith(core.lower() + pronoun):
            said = rest[len(core):]  # "share of cars that will be electric": the share's deed stays after the event
    if not said and rest not in (core.lower(), full) and len(rest.split()) > len(core.split()) + 1:
        return measure  # already a longer phrase the other rules wrote ("people killed in floods")
    event = counted_event(noun, own, anchor)
    if not event:
        return measure
    if set(event.lower().split()) & set(rest.split()) - {"of", "in", "on", "with", "who", "that"}:
        return measure  # the event is already said
    if said and event.split()[0] in ("who", "that"):
        return measure  # one deed is enough: "share of adults who say they trust news"
    phrase = f"{prefix}{core} {event}"
    if len(phrase.split()) > int(_phrase_data()["max_measure_words"]) + len(prefix.split()):
        return measure
    if said:
        phrase = f"{prefix}{core} {event}{said}"  # "share of cars sold that will be electric"
    return phrase


def _is_name(token: "Token") -> bool:
    return token.pos_ == "PROPN" and token.ent_type_ in ("GPE", "ORG", "NORP", "LOC", "PERSON")


def _named_owner(anchor: "Token", exclude: set[int], measure: str | None) -> str | None:
    """The name a figure is set beside: "Peru (3% EV share)" (the figure's noun an apposition to the name),
    "put Kenya at 21 million", "followed by Ghana at 9 million", "Kenya at 21 million" (the figure after "at"
    on a name, or on a verb whose object or agent is the name)."""
    name: "Token | None" = None
    if anchor.dep_ in ("nummod", "compound", "amod", "quantmod") and anchor.head.dep_ == "appos" \
            and _is_name(anchor.head.head):
        name = anchor.head.head
    elif anchor.dep_ == "pobj" and anchor.head.lower_ == "at":
        owner = anchor.head.head
        if _is_name(owner) and owner.i < anchor.i:
            name = owner
        elif owner.pos_ == "VERB":
            named = [c for c in owner.children if c.dep_ == "dobj" and c.i < anchor.i] + [
                o for c in owner.children if c.dep_ == "agent" and c.i < anchor.i for o in c.children if o.dep_ == "pobj"]
            name = next((c for c in named if _is_name(c)), None)
    if name is None or name.i in exclude:
        return None
    text = _entity_text(name).removeprefix("the ")
    if text.lower() in (measure or "").lower():
        return None
    return text
