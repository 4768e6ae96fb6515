"""The measure of a count or share names the event its clause reports of what is counted (extract/stat_roles.py,
`with_event`, words in lang/en/measure_phrases.yaml): "people evacuated", not "people". Sentences are written
for these tests."""

from __future__ import annotations

import pytest

from newstrace.extract.statistics import find_statistics


def _measure(nlp, text: str, figure: str) -> str | None:
    doc = nlp(text)
    found = [s for s in find_statistics(doc, published="2025-06-15") if s.text == figure]
    assert found, f"{figure!r} not found in {text!r}: {[s.text for s in find_statistics(doc)]}"
    return found[0].measure


@pytest.mark.parametrize(("text", "figure", "measure"), [
    # the passive verb the counted things are subject of
    ("About 1,200 residents were evacuated from the valley.", "1,200", "residents evacuated"),
    ("Some 46 of their neighbours were placed under medical observation.", "46", "neighbours placed under medical observation"),
    # the active verb they are the object of, as its participle
    ("The shipyard employs 640 welders.", "640", "welders employed"),
    ("The council built 450 homes last year.", "450", "homes built"),
    # a progressive verb or a state they are in
    ("In Norway, around 2.4 million people are living with diabetes.", "2.4 million", "people living with diabetes"),
    ("More than 30,000 homes were without power on Monday.", "30,000", "homes without power"),
    # a relative clause on the noun
    ("The bank could not cope with the 3 million users who signed up for the app.", "3 million",
     "users who signed up for app"),
])
def test_a_counted_noun_keeps_the_event_its_clause_reports(nlp, text, figure, measure) -> None:
    assert _measure(nlp, text, figure) == measure


@pytest.mark.parametrize(("text", "figure", "measure"), [
    # a tally noun's subject: what is counted, with its event, not "number of people"
    ("The number of people living with asthma has passed 300 million.", "300 million", "people living with asthma"),
    # a part of a whole stands where the counted noun would
    ("Seven of the 30 nurses were working overtime.", "Seven of the 30", "nurses working overtime"),
    # a share's own deed stays after the counted noun's event
    ("Nearly 20 per cent of bikes sold in Lyon will be electric.", "20 per cent", "share of bikes sold that will be electric"),
])
def test_tallies_shares_and_parts_take_the_event_of_what_they_count(nlp, text, figure, measure) -> None:
    assert _measure(nlp, text, figure) == measure


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("The museum has 4,000 paintings.", "4,000", "paintings"),  # having is no event
    ("Okafor scored 31 points.", "31", "points"),  # a tally's own unit is the measure already
    ("Some 40 hikers contracted it in the park.", "40", "hikers"),  # "hikers who contracted" would be a fragment
])
def test_no_event_is_added_where_the_clause_reports_none(nlp, text, figure, measure) -> None:
    assert _measure(nlp, text, figure) == measure


def test_a_share_that_restates_the_subject_takes_the_subjects_event(nlp) -> None:
    measure = _measure(nlp, "Over 900 million people — 31% of adults — were living with hypertension across the "
                       "region, according to researchers.", "31%")
    assert measure is not None and measure.startswith("share of adults") and measure.endswith("living with hypertension")


def test_a_rate_on_a_noun_is_no_count_of_it(nlp) -> None:
    # "15% tariffs": the figure is the tariffs' rate; the verb says nothing of what the rate measures
    measure = _measure(nlp, "Officials lifted the 15% tariffs on steel.", "15%")
    assert measure is None or "lifted" not in measure


def test_a_word_of_age_whose_age_went_elsewhere_is_dropped(nlp) -> None:
    # "aged 30 and older" is no figure of its own; "adults aged" would be a fragment
    measure = _measure(nlp, "Almost 450 million adults aged 30 and older live in the coastal provinces.", "450 million")
    assert measure is not None and not measure.endswith("aged")
