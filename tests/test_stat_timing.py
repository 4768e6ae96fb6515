"""Period and forecast of statistics (extract.stat_timing), on sentences we write: the error classes of the
development samples (another figure's period, a statement's date, an expectation not flagged, a count flagged)."""

from __future__ import annotations

import pytest

from newstrace.extract.statistics import find_statistics


def _stat(nlp, text: str, figure: str):
    stats = find_statistics(nlp(text), published="2025-09-15")
    found = [s for s in stats if s.text == figure]
    assert found, [s.text for s in stats]
    return found[0]


@pytest.mark.parametrize("text, figure, period", [
    # a stretch of time on another figure's change word is that change's
    ("Hourly pay rose $0.12 to $31.40; up 4.2% over the past year.", "$0.12", None),
    ("Hourly pay rose $0.12 to $31.40; up 4.2% over the past year.", "$31.40", None),
    ("Hourly pay rose $0.12 to $31.40; up 4.2% over the past year.", "4.2%", "the past year"),
    ("Tin was last at $2,610 a tonne, down 1.4% on the day.", "$2,610", None),
    ("Tin was last at $2,610 a tonne, down 1.4% on the day.", "1.4%", "the day"),
    # the level a change ends at does not hold over the change's stretch; the change itself does
    ("Ticket prices climbed to $48 over five years.", "$48", None),
    ("Shares rose 3% on the day.", "3%", "the day"),
    # a point in time stays with the level
    ("The average price of a litre of diesel rose to $1.92 in May.", "$1.92", "May"),
])
def test_a_stretch_of_time_belongs_to_its_own_change(nlp, text, figure, period) -> None:
    assert _stat(nlp, text, figure).period == period


@pytest.mark.parametrize("text, figure, period", [
    ("Average bus fares rose from 2 dollars to 3 dollars between 2010 and 2024.", "2 dollars", "2010"),
    ("Average bus fares rose from 2 dollars to 3 dollars between 2010 and 2024.", "3 dollars", "2024"),
    ("Asthma prevalence more than doubled between 1995 and 2020 in boys (from 4.1% to 9.3%) and girls (3.2% to "
     "7.7%).", "9.3%", "2020"),
    ("Asthma prevalence more than doubled between 1995 and 2020 in boys (from 4.1% to 9.3%) and girls (3.2% to "
     "7.7%).", "4.1%", "1995"),
    ("Asthma prevalence more than doubled between 1995 and 2020 in boys (from 4.1% to 9.3%) and girls (3.2% to "
     "7.7%).", "7.7%", "2020"),
    # the change itself keeps the whole span, both ends of it
    ("Asthma prevalence more than doubled between 1995 and 2020 in boys (from 4.1% to 9.3%).", "doubled",
     "between 1995 and 2020"),
    ("Enrollment rose 15% from 2020 to 2024.", "15%", "2020 to 2024"),
])
def test_each_end_of_a_change_holds_at_its_end_of_the_span(nlp, text, figure, period) -> None:
    assert _stat(nlp, text, figure).period == period


@pytest.mark.parametrize("text, figure, period", [
    ("The Daily Courier reported on Monday that Veltro is preparing to cut 2,500 jobs.", "2,500", None),
    ("The airline reported its second loss on Friday after 300 flights were cancelled last week.", "300",
     "last week"),
    ("The Lindqvist Institute projected in March that the levy would reduce output by 0.4 percent.",
     "0.4 percent", None),
    # a year or a month on a verb of saying may still be the figure's ("In 2023, ..., sales rose")
    ("In 2023, the retailer said, its sales rose 5%.", "5%", "2023"),
    ("Factory output fell 2% on Tuesday, the ministry said.", "2%", "Tuesday"),  # the figure's own day
])
def test_the_date_of_a_statement_is_not_the_period(nlp, text, figure, period) -> None:
    assert _stat(nlp, text, figure).period == period


@pytest.mark.parametrize("text, figure, forecast", [
    ("Brokers predicted $1.75 a share.", "$1.75", True),                     # an expectation in the past
    ("Forecasters expected rainfall to reach 80 mm.", "80 mm", True),
    ("Payrolls grew by 52,000, short of the 90,000 jobs expected.", "90,000", True),
    ("Payrolls grew by 52,000, short of the 90,000 jobs expected.", "52,000", False),
    ("The Lindqvist Institute projected in March that the levy would reduce output by 0.4 percent.",
     "0.4 percent", True),
    ("The fund could have raised $2 billion in 2021.", "$2 billion", False),  # a missed past
    ("The airline planned to hire 500 pilots but hired 320 in 2024.", "320", False),
    ("The study found the hull's mass could be cut by a fifth.", "a fifth", False),  # a finding, not a projection
])
def test_expectations_and_possibilities_are_forecasts(nlp, text, figure, forecast) -> None:
    assert _stat(nlp, text, figure).forecast is forecast


@pytest.mark.parametrize("text, figure", [
    ("M. Okafor 1 goal, 2 assists.", "1"),                                    # a box-score count of goals
    ("In markets such as Peru (3% EV share) and Chile (5% EV share), the agency expects rapid growth.", "3%"),
])
def test_current_figures_are_not_forecasts(nlp, text, figure) -> None:
    assert _stat(nlp, text, figure).forecast is False


def test_a_target_still_reads_as_a_forecast(nlp) -> None:
    assert _stat(nlp, "The city set a target of 40% renewable power.", "40%").forecast is True


@pytest.mark.parametrize("text, figure, period", [
    ("Those revisions and Thursday's data bring the average job growth to 150,000.", "150,000", None),
    ("Harbor traffic reached 2,300 ships in June, the port's Monday report showed.", "2,300", "June"),
])
def test_the_day_of_a_release_is_not_the_period(nlp, text, figure, period) -> None:
    assert _stat(nlp, text, figure).period == period


def test_a_value_preposition_keeps_the_expectation(nlp) -> None:
    assert _stat(nlp, "Crude output is expected at 3 million barrels a day.", "3 million barrels").forecast is True


def test_the_start_of_a_planned_change_is_the_current_level(nlp) -> None:
    text = "The ministry wants to raise efficiency from around 18% now to 23% by 2035."
    start, end = _stat(nlp, text, "18%"), _stat(nlp, text, "23%")
    assert (start.period_key, start.forecast) != ("2035", True) and start.forecast is False
    assert (end.period, end.forecast) == ("2035", True)


def test_a_participle_of_cause_leaves_a_forecast_a_forecast(nlp) -> None:
    text = "The number in the region is forecast to rise by over 250% to 522 million, driven by population growth."
    assert _stat(nlp, text, "522 million").forecast is True



@pytest.mark.parametrize("text, figure, period", [
    ("Seoul wants to lift panel efficiency from around 19% now to 25% by the end of the next decade.", "25%",
     "the end of the next decade"),                                            # a deadline, not a stretch
    ("In 2026, bus sales in Peru are projected to climb to about 40,000.", "40,000", "2026"),  # not a ccomp
])
def test_a_deadline_and_the_year_of_a_projected_clause_stay(nlp, text, figure, period) -> None:
    assert _stat(nlp, text, figure).period == period
