"""Measure and holder of a statistic in constructions the parse alone reads badly (extract/stat_roles.py):
bracketed figures after names, box-score cells, rates per game, verbs that move their object, vague head
words, causes and quantities as subjects, a speaker's "its". Sentences are written for these tests."""

from __future__ import annotations

import pytest

from newstrace.extract.statistics import find_statistics


def _stat(nlp, text: str, figure: str):
    doc = nlp(text)
    found = [s for s in find_statistics(doc, published="2025-06-15") if s.text == figure]
    assert found, f"{figure!r} not found in {text!r}: {[s.text for s in find_statistics(doc)]}"
    return found[0]


@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("Approval of the new budget was strongest in Ontario (58%) and weakest in Alberta (29%).", "29%",
     "approval of new budget", "Alberta"),
    ("Coal supplied a falling share of power in Poland (61%), Czechia (40%) and Bulgaria (35%).", "40%",
     "share of power", "Czechia"),
])
def test_a_bracketed_figure_after_a_name_takes_the_quantity_of_its_clause(nlp, text, figure, measure, holder) -> None:
    # the name holds the figure; the clause's object or subject, without words of degree, is what it measures
    stat = _stat(nlp, text, figure)
    assert stat.holder == holder
    assert stat.measure is not None and stat.measure.lower() == measure


def test_a_box_score_line_opened_by_a_name_and_a_colon_gives_each_cell_to_the_name(nlp) -> None:
    stat = _stat(nlp, "Haddad: 19 points, 11 rebounds.", "11")
    assert (stat.measure, stat.holder) == ("rebounds", "Haddad")


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("Vance averaged 9.3 rebounds per game.", "9.3", "rebounds per game"),
    ("Ruiz is averaging 3.2 steals a game.", "3.2", "steals per game"),
    ("Clinics in the region employ 12 doctors per 100 beds.", "12", "doctors per 100 beds"),
])
def test_a_rate_keeps_what_it_is_per(nlp, text, figure, measure) -> None:
    assert _stat(nlp, text, figure).measure == measure


@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("The new rules would reduce sulphur emissions by 30%.", "30%", "reduction in sulphur emissions", None),
    ("Orion Foods raised prices by 6% in March.", "6%", "increase in prices", "Orion Foods"),
])
def test_a_verb_that_moves_its_object_by_the_figure_states_a_change_in_the_object(
        nlp, text, figure, measure, holder) -> None:
    # the rules are no quantity nor whom the cut is about; a company that raises its prices holds the rise
    stat = _stat(nlp, text, figure)
    assert (stat.measure, stat.holder) == (measure, holder)


def test_a_vague_head_word_is_no_measure(nlp) -> None:
    stat = _stat(nlp, "The figure climbed to 8.1% in July.", "8.1%")
    assert stat.measure is None


@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("The earthquake killed 1,100 people in Morocco.", "1,100", "people killed", "Morocco"),
    ("The outbreak sickened 5,300 people in Yemen.", "5,300", "people sickened", "Yemen"),
])
def test_a_cause_is_not_whom_a_count_is_about(nlp, text, figure, measure, holder) -> None:
    stat = _stat(nlp, text, figure)
    assert (stat.measure, stat.holder) == (measure, holder)


def test_a_quantity_as_subject_holds_nothing_but_a_name_it_is_qualified_by_does(nlp) -> None:
    stat = _stat(nlp, "Canadian exports added 2,000 containers a week.", "2,000")
    assert stat.holder in (None, "Canadian")


def test_a_speakers_its_names_whose_figure_it_is(nlp) -> None:
    stat = _stat(nlp, "Siemens said its order intake rose 9% in the quarter.", "9%")
    assert stat.holder == "Siemens"


def test_a_count_of_games_won_keeps_the_event(nlp) -> None:
    stat = _stat(nlp, "The Hawks won 48 games.", "48")
    assert stat.measure == "games won" and stat.holder is not None and "Hawks" in stat.holder


@pytest.mark.parametrize(("text", "figure"), [
    ("Revisions lowered previously reported hiring for March by 22,000 jobs.", "22,000"),
    ("Employment in construction was 9,000 lower than previously reported.", "9,000"),
])
def test_a_figure_that_moves_an_earlier_report_is_a_revision(nlp, text, figure) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.measure is not None and stat.measure.startswith("revision to")


def test_a_bracketed_figure_after_a_group_is_the_groups(nlp) -> None:
    stat = _stat(nlp, "Approval of the mayor was highest among retirees (64%).", "64%")
    assert stat.holder == "retirees" and stat.measure is not None and stat.measure.lower() == "approval of mayor"


@pytest.mark.parametrize(("text", "figure", "holder"), [
    # the figure's noun set in brackets after a name, as an apposition to it
    ("In markets such as Peru (3% EV share) and Chile (4% EV share), growth is slow.", "4%", "Chile"),
    # the figure after "at" on a verb whose object or agent is the name
    ("The report put Kenya at 21 million, followed by Ghana at 9 million.", "21 million", "Kenya"),
    ("The report put Kenya at 21 million, followed by Ghana at 9 million.", "9 million", "Ghana"),
])
def test_a_name_the_figure_is_set_beside_holds_it(nlp, text, figure, holder) -> None:
    assert _stat(nlp, text, figure).holder == holder


def test_a_measure_does_not_end_on_an_aside_after_a_dash(nlp) -> None:
    # "- up from 4% in 2020" is the comparison, no part of what the 18% is a share of
    stat = _stat(nlp, "Its market share reached 18% of the market - up from 4% in 2020.", "18%")
    assert stat.measure == "share of market"
