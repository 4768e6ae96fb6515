"""Measure, holder and period of a statistic read from the parse, one construction per test
(extract/stat_roles.py, extract/stat_timing.py, extract/stat_compare.py). Sentences are written for
these tests, across domains."""

from __future__ import annotations

import pytest

from newstrace.extract.statistics import find_statistics


def _stat(nlp, text: str, figure: str, published: str | None = "2025-06-15"):
    doc = nlp(text)
    found = [s for s in find_statistics(doc, published=published) if s.text == figure]
    assert found, f"{figure!r} not found in {text!r}: {[s.text for s in find_statistics(doc)]}"
    return found[0]


@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("Japan's Nikkei declined 1.2% on Tuesday.", "1.2%", "decline", "Nikkei"),
    ("Bitcoin tumbled 7% overnight.", "7%", "fall", "Bitcoin"),
    ("Acme Corp's stock jumped by 14% after the results.", "14%", "stock", "Acme Corp"),
])
def test_a_verb_of_change_names_the_change(nlp, text, figure, measure, holder) -> None:
    # a name that changes holds the change; a noun that changes ("stock", "earnings") is the measure itself
    stat = _stat(nlp, text, figure)
    assert stat.measure is not None and stat.measure.split()[0] == measure
    if holder is not None:
        assert stat.holder is not None and holder in stat.holder


def test_a_change_in_a_group_is_measured_on_the_group_not_held_by_it(nlp) -> None:
    stat = _stat(nlp, "Long-term unemployed workers decreased by 95,000 in March.", "95,000")
    assert stat.measure is not None and stat.measure.startswith("decrease in")
    assert "workers" in stat.measure
    assert stat.holder is None


def test_a_subject_that_changes_by_a_count_is_the_measure(nlp) -> None:
    stat = _stat(nlp, "Manufacturing employment rose by 12,000 jobs in May.", "12,000")
    assert stat.measure is not None and "employment" in stat.measure and stat.measure.startswith("rise")
    assert stat.holder is None


@pytest.mark.parametrize(("text", "figure", "words"), [
    ("Overall, 41% say they rarely read a printed newspaper.", "41%", ("share who", "read")),
    ("About 27% were born outside the country.", "27%", ("share that", "born")),
])
def test_a_share_as_subject_is_the_share_who_do_what_the_verb_says(nlp, text, figure, words) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.measure is not None
    for word in words:
        assert word in stat.measure


def test_one_in_n_things_keeps_what_it_counts(nlp) -> None:
    stat = _stat(nlp, "Analysts think that one in four homes sold next year will be new builds.", "one in four")
    assert stat.measure is not None and stat.measure.startswith("share of homes sold")


def test_a_thing_accounting_for_a_share_is_the_part_of_the_whole(nlp) -> None:
    stat = _stat(nlp, "Heat pumps accounted for 22% of all heating systems installed.", "22%")
    assert stat.measure is not None and stat.measure.startswith("Heat pumps' share of")
    holder_stat = _stat(nlp, "Brazil accounted for 35% of global coffee exports.", "35%")
    assert holder_stat.holder == "Brazil" and holder_stat.measure == "share of global coffee exports"


def test_a_tally_noun_keeps_its_of_complement(nlp) -> None:
    stat = _stat(nlp, "The number of licensed taxi drivers and couriers reached 48,000 in 2024.", "48,000")
    assert stat.measure is not None and stat.measure.startswith("number of")
    assert "drivers" in stat.measure and "and" in stat.measure
    assert stat.holder is None


def test_a_participle_after_the_counted_noun_stays_in_the_measure(nlp) -> None:
    stat = _stat(nlp, "With more than 2 million tickets sold, the festival broke its record.", "2 million")
    assert stat.measure == "tickets sold"


def test_the_nearest_group_after_the_figure_holds_it(nlp) -> None:
    text = "The smoking rate fell from 24% in 2000 to 15% in 2020 for men and from 19% to 11% for women."
    men = _stat(nlp, text, "15%")
    women = _stat(nlp, text, "11%")
    assert men.holder == "men"
    assert women.holder == "women"


def test_a_place_set_before_the_figure_holds_it(nlp) -> None:
    stat = _stat(nlp, "In Canada, the vacancy rate for rental flats climbed to 3.1% last year.", "3.1%")
    assert stat.holder == "Canada"
    later = _stat(nlp, "The vacancy rate climbed to 3.1% last year, and even higher in Canada.", "3.1%")
    assert later.holder != "Canada"


def test_the_period_of_a_comparison_base_is_not_the_figures(nlp) -> None:
    stat = _stat(nlp, "Overall, 44% say they use a bank app daily, up from 31% in 2019.", "44%")
    assert stat.period != "2019"
    base = _stat(nlp, "Overall, 44% say they use a bank app daily, up from 31% in 2019.", "31%")
    assert base.period == "2019"


def test_the_deadline_of_a_range_end_is_not_the_start_figures(nlp) -> None:
    stat = _stat(nlp, "Planners expect the fleet to grow from 40 buses today to as many as 120 by 2030.", "40")
    assert stat.period != "2030"


@pytest.mark.parametrize(("text", "figure"), [
    ("Half of the members of the club swim every week, the survey found.", "Half"),
    ("Rents were up 4.5% on an annual basis, the agency said.", "4.5%"),
])
def test_a_frequency_is_not_a_period(nlp, text, figure) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.period is None or not any(w in stat.period.lower() for w in ("every", "annual"))


def test_a_tenor_is_not_a_period(nlp) -> None:
    stat = _stat(nlp, "The ten-year bond yield rose 0.12% to 4.3%.", "0.12%")
    assert stat.period is None or "year" not in stat.period.lower()


def test_a_predicative_up_or_down_names_the_change(nlp) -> None:
    stat = _stat(nlp, "Nvidia ended the session at $131, down 1.4% on the week.", "1.4%")
    assert stat.measure == "fall"
    rise = _stat(nlp, "Tesla's shares are up 12% this month while Ford is up 3%.", "3%")
    assert rise.measure == "rise"


def test_a_verb_of_paying_names_the_payment(nlp) -> None:
    stat = _stat(nlp, "The city has paid the contractor about $2.3 million so far this year.", "$2.3 million")
    assert stat.measure == "payment" and stat.holder == "city"


def test_a_sum_in_something_measures_that_thing(nlp) -> None:
    stat = _stat(nlp, "The insurer's $40 million in claims was paid by the reinsurer.", "$40 million")
    assert stat.measure == "claims"
    assert stat.holder is not None and stat.holder.startswith("insurer")


def test_a_name_before_bracketed_figure_holds_it(nlp) -> None:
    text = "Vaccination rates were lowest in a handful of places, among them Romania (61%) and Bulgaria (54%)."
    assert _stat(nlp, text, "54%").holder == "Bulgaria"
    assert _stat(nlp, text, "61%").holder == "Romania"


def test_judging_words_and_possessive_pronouns_leave_the_measure(nlp) -> None:
    stat = _stat(nlp, "The storm destroyed a staggering 1,200 homes along the coast.", "1,200")
    assert stat.measure is not None and "staggering" not in stat.measure and "homes" in stat.measure
    own = _stat(nlp, "The club said its membership grew to 8,400 last year.", "8,400")
    assert own.measure is not None and not own.measure.startswith("its")


def test_a_place_inside_the_measure_phrase_is_its_holder(nlp) -> None:
    stat = _stat(nlp, "The number of tourists in Portugal reached 30 million in 2024.", "30 million")
    assert stat.holder == "Portugal"
    assert stat.measure is not None and stat.measure.startswith("number of tourists")


def test_the_start_of_a_range_keeps_its_date_and_the_end_keeps_its_own(nlp) -> None:
    text = "Broadband coverage in rural areas rose from less than 5% in 2010 to nearly 70% among farms in 2023."
    assert _stat(nlp, text, "70%").period == "2023"
    assert _stat(nlp, text, "5%").period == "2010"


def test_a_length_of_time_that_is_a_figure_is_not_a_period(nlp) -> None:
    stat = _stat(nlp, "Air pollution has cut 2.4 years from the lives of 90 million residents.", "90 million")
    assert stat.period is None or "years" not in stat.period


def test_a_date_in_the_figures_infinitive_chain_is_its_period(nlp) -> None:
    stat = _stat(nlp, "Nearly a third of households (4 million homes) are thought to be renting in 2022.", "4 million")
    assert stat.period == "2022"


def test_an_adjective_narrowing_a_place_stays_with_it(nlp) -> None:
    stat = _stat(nlp, "The number of births in sub-Saharan Africa is projected to reach 48 million.", "48 million")
    assert stat.holder == "sub-Saharan Africa"


@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("Okafor 31 points.", "31", "points", "Okafor"),
    ("Westfield (5-3): R. Duarte 2 goals, 1 assist.", "2", "goals", "R. Duarte"),
    ("Reyes 12 rebounds; Okoro 7 assists.", "12", "rebounds", "Reyes"),
])
def test_a_box_score_line_names_the_player_and_the_tally(nlp, text, figure, measure, holder) -> None:
    # a line of a box score has no verb: the name before the number holds it, the noun after is the tally
    stat = _stat(nlp, text, figure)
    assert (stat.measure, stat.holder, stat.forecast) == (measure, holder, False)


def test_a_count_of_goals_is_not_a_forecast_but_a_goal_of_a_number_is(nlp) -> None:
    assert not _stat(nlp, "The winger has scored 14 goals this season.", "14").forecast
    assert _stat(nlp, "The city set a goal of 40,000 new homes.", "40,000").forecast


def test_a_light_noun_carrying_the_figure_gives_way_to_the_quantity_it_is_of(nlp) -> None:
    # "a record high of", "a total of" say nothing about what is measured: the clause's subject does
    stat = _stat(nlp, "The region's vacancy rate hit a record high of 7.6% in April.", "7.6%")
    assert stat.measure == "vacancy rate"
    revenue = _stat(nlp, "The brewer's revenue reached a total of $3 billion last year.", "$3 billion")
    assert revenue.measure == "revenue"


def test_a_light_noun_under_a_verb_of_money_is_the_spending_it_states(nlp) -> None:
    stat = _stat(nlp, "The city plans to spend a total of $40 million on new bus lanes.", "$40 million")
    assert stat.measure == "spending on new bus lanes"
    assert stat.holder == "city" or stat.holder is None


def test_a_quantity_that_doubled_is_the_measure_not_the_holder(nlp) -> None:
    stat = _stat(nlp, "The price of rice more than doubled between 2019 and 2023.", "doubled")
    assert stat.measure == "price of rice"
    assert stat.holder is None


def test_a_quantity_subject_does_not_hold_the_figure_of_its_complement(nlp) -> None:
    stat = _stat(nlp, "The rise in bicycle sales was led by Denmark, with sales of 900,000 in 2024.", "900,000")
    assert stat.holder is None or "sales" not in stat.holder


def test_a_list_header_names_the_measure_of_the_bracketed_names(nlp) -> None:
    text = "The regions with the highest unemployment are Andalusia (18 percent) and Extremadura (17 percent)."
    for figure, holder in (("18 percent", "Andalusia"), ("17 percent", "Extremadura")):
        stat = _stat(nlp, text, figure)
        assert stat.holder == holder
        assert stat.measure == "unemployment"


def test_the_subject_of_a_copula_holds_a_bracketed_figure_of_its_complement(nlp) -> None:
    stat = _stat(nlp, "Norway remains the country with the highest savings rate (21%).", "21%")
    assert stat.holder == "Norway"
    assert stat.measure is not None and "savings rate" in stat.measure


def test_a_figure_without_measure_takes_the_measure_of_its_sentence_peer(nlp) -> None:
    text = "Brazil accounts for 35% of global coffee exports, while Vietnam and Colombia represent 17% and 8%."
    first = _stat(nlp, text, "35%")
    second = _stat(nlp, text, "17%")
    assert first.measure is not None and "coffee exports" in first.measure
    assert second.measure == first.measure
    contrast = "Estonia has the highest broadband coverage (96%), with Bulgaria having the lowest (71%)."
    low = _stat(nlp, contrast, "71%")
    assert low.measure is not None and "broadband coverage" in low.measure
    assert not low.measure.startswith("highest")


@pytest.mark.parametrize(("text", "figure", "holder"), [
    ("Okafor scored 28 points and added 11 rebounds.", "28", "Okafor"),
    ("Valverde, who scored 19 goals this season, signed a new deal.", "19", "Valverde"),
    ("Vantor Energy, which employs 4,200 people, opened a new refinery.", "4,200", "Vantor Energy"),
])
def test_a_named_subject_of_the_figures_verb_holds_it(nlp, text, figure, holder) -> None:
    # the subject of the verb the figure hangs on, when it is a name: a player, a company
    stat = _stat(nlp, text, figure)
    assert stat.holder is not None and holder in stat.holder


def test_the_name_that_says_a_pronoun_clause_holds_its_figure(nlp) -> None:
    stat = _stat(nlp, "Amazon said it would hire 150,000 seasonal workers.", "150,000")
    assert stat.holder == "Amazon"
    assert stat.measure is not None and stat.measure.endswith("hired")


@pytest.mark.parametrize(("text", "figure"), [
    # the subject of a verb of saying or expecting is the source, not the holder
    ("Analysts expected revenue of $3.2 billion for the quarter.", "$3.2 billion"),
    ("Economists had forecast 95,000 new jobs in April.", "95,000"),
    ("The researchers analysed records from 40,000 patients.", "40,000"),
])
def test_a_source_is_no_holder(nlp, text, figure) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.holder is None


def test_a_heading_before_a_colon_is_no_holder(nlp) -> None:
    stat = _stat(nlp, "World Bank: One in ten households in the region lack clean water, the lender said.", "One in ten")
    assert stat.holder is None or "World Bank" not in stat.holder


@pytest.mark.parametrize(("text", "figure", "holder"), [
    ("In Kenya, 22% of cars sold last year were electric.", "22%", "Kenya"),
    ("In Texas, more than 300,000 customers were without power on Tuesday.", "300,000", "Texas"),
])
def test_a_leading_place_holds_the_figure(nlp, text, figure, holder) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.holder == holder


def test_a_leading_phrase_that_is_no_place_holds_nothing(nlp) -> None:
    stat = _stat(nlp, "In a survey of farmers, 38% said they had cut back on fertiliser.", "38%")
    assert stat.holder is None


@pytest.mark.parametrize(("text", "figure", "holder"), [
    ("LONDON (Reuters) - Tesco hired 3,000 staff for the holiday season.", "3,000", "Tesco"),
    ("BOSTON (AP) — About 40,000 homes lost power after the storm.", "40,000", None),
    ("NAIROBI, Kenya (AP) — Floods have displaced 12,000 people.", "12,000", None),
])
def test_the_dateline_is_never_a_holder(nlp, text, figure, holder) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.holder == holder
    assert stat.measure is None or not any(w in stat.measure for w in ("LONDON", "BOSTON", "NAIROBI"))


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("About 2,000 residents were evacuated from the valley on Sunday.", "2,000", "residents evacuated"),
    ("The hospital hired 300 nurses this year.", "300", "nurses hired"),
    ("More than 3,000 flights were cancelled at Heathrow.", "3,000", "flights cancelled"),
    ("Clinics admitted 2,300 patients with influenza last week.", "2,300", "patients admitted"),
    ("Some 300 people died in the heatwave.", "300", "people died"),
    ("About 1,000 villagers fled the fighting.", "1,000", "villagers fled"),
])
def test_a_counted_noun_keeps_the_event_its_verb_reports(nlp, text, figure, measure) -> None:
    # passive subject, active object, or the subject of an intransitive event verb
    assert _stat(nlp, text, figure).measure == measure


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("The bank announced cuts of 4,000 jobs.", "4,000", "job cuts"),
    ("The carmaker announced 4,000 job cuts in Germany.", "4,000", "job cuts"),
    ("Mining saw losses of 12,000 jobs in May.", "12,000", "job losses"),
])
def test_an_event_noun_keeps_its_compound(nlp, text, figure, measure) -> None:
    assert _stat(nlp, text, figure).measure == measure


@pytest.mark.parametrize(("text", "figure", "measure"), [
    # a verb that reports no event leaves the counted noun alone
    ("The retailer has 300 stores.", "300", "stores"),
    ("The utility serves 90,000 customers.", "90,000", "customers"),
])
def test_a_verb_of_no_event_leaves_the_counted_noun(nlp, text, figure, measure) -> None:
    assert _stat(nlp, text, figure).measure == measure


@pytest.mark.parametrize(("text", "figure"), [
    ("Unemployment in the region has tripled since 2000.", "tripled"),
    ("Solar output has risen 40% since 2019.", "40%"),
    ("Since March, 300 people have died of cholera.", "300"),
])
def test_a_since_base_is_never_the_period(nlp, text, figure) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.period is None or not any(y in stat.period for y in ("2000", "2019", "March"))


def test_a_period_beside_a_since_record_is_kept(nlp) -> None:
    # the figure's own year stays; only the start of the record is dropped
    stat = _stat(nlp, "Car sales rose 12% in 2024, the fastest growth since 2015.", "12%")
    assert stat.period == "2024"



@pytest.mark.parametrize(("text", "figure", "measure", "holder"), [
    ("Spot silver XAG= rose 0.4% to $31.20 an ounce.", "0.4%", "Spot silver", None),
    ("Brent crude futures LCOc1 fell 52 cents to $74.10 a barrel.", "52", "fall", "Brent crude futures"),
])
def test_a_market_code_is_neither_measure_nor_holder(nlp, text, figure, measure, holder) -> None:
    stat = _stat(nlp, text, figure)
    assert stat.measure == measure
    assert stat.holder == holder


def test_points_a_change_is_counted_in_are_no_measure(nlp) -> None:
    stat = _stat(nlp, "The Dow Jones Industrial Average gained 80 points on Monday.", "80")
    assert stat.measure == "gain"
    # a quantity that changes by cents is named in the change
    assert _stat(nlp, "Average diesel prices rose 9 cents last week.", "9").measure == "rise in Average diesel prices"
    # points a player scores are what is counted: no verb of change, no rewrite
    assert _stat(nlp, "Okafor scored 28 points in the first half.", "28").measure == "points"


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("March payrolls were revised down by 20,000.", "20,000", "revision to payrolls"),
    ("The statistics office revised first-quarter growth up by 0.2 percentage points.", "0.2 percentage points",
     "revision to growth"),
])
def test_the_amount_of_a_revision_is_the_revision(nlp, text, figure, measure) -> None:
    assert _stat(nlp, text, figure).measure == measure


def test_the_values_a_revision_moves_between_stay_the_quantity(nlp) -> None:
    text = "Factory payrolls for June were revised down by 40,000, from 52,000 to 12,000."
    assert _stat(nlp, text, "40,000").measure == "revision to Factory payrolls"
    assert _stat(nlp, text, "12,000").measure == "Factory payrolls"
