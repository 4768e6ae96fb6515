"""Statistics on the real spaCy pipeline: the seed articles' gold figures, units, roles, and
what must not count as a statistic."""

from __future__ import annotations

import math

import pytest

from newstrace.extract.statistics import find_amounts, find_statistics


@pytest.fixture(scope="module")
def seeds(nlp, seeds_dir):
    """doc id -> (doc, statistics), parsed once for the module."""
    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        out[path.stem] = (doc, find_statistics(doc))
    return out


# A figure the rules keep and the confidence screen (extract/stat_confidence.py) scores below its threshold:
# a known loss of the shipped model (tests/test_stat_confidence.py checks the rules keep it). Strict, so a
# retrained model that keeps it fails here and the mark is removed.
SCREEN_LOSS = "the confidence screen drops this figure (a known loss of the shipped model)"


def _stats(nlp, text: str):
    doc = nlp(text)
    stats = find_statistics(doc)
    for stat in stats:
        assert doc.text[stat.start:stat.end] == stat.text
    return stats


def _brief(stats):
    return [(s.text, s.value, s.unit, s.of) for s in stats]


# --- seeds -------------------------------------------------------------------------------


def test_offsets_point_at_the_text(seeds) -> None:
    for doc, stats in seeds.values():
        for stat in stats:
            assert doc.text[stat.start:stat.end] == stat.text
            assert stat.sentence_start <= stat.start < stat.end <= stat.sentence_end
            assert stat.attribution is None


def test_gold_figures_are_found(seeds, seeds_gold) -> None:
    for figure in seeds_gold["figures"]:
        values = figure["value"] if isinstance(figure["value"], list) else [figure["value"]]
        for doc_id in figure["mentions"]:
            _, stats = seeds[doc_id]
            for value in values:
                hits = [s for s in stats if s.unit == figure["unit"] and math.isclose(s.value, value)
                        and s.of == figure.get("of")]
                assert hits, f"{figure['id']} = {value} missing in {doc_id}: {_brief(stats)}"


@pytest.mark.parametrize("doc_id", ["000_9deefba0caf3c4bd", "001_028a77631eca17e6"])
def test_download_shares_have_roles_and_comparison(seeds, doc_id: str) -> None:
    _, stats = seeds[doc_id]
    china = [s for s in stats if s.value == 17 and s.period is not None]
    us = [s for s in stats if s.value == 15.8]
    assert china and us
    china, us = china[0], us[0]
    assert "past year" in china.period
    assert "download" in (china.measure or "")
    assert any(word in (china.holder or "") for word in ("China", "Chinese"))
    assert any(word in (us.holder or "") for word in ("American", "US"))
    assert stats.index(us) in china.compared_with
    assert stats.index(china) in us.compared_with


def test_rankings_name_their_holder(seeds) -> None:
    _, stats_002 = seeds["002_0e906eb12c0fc9de"]
    first = [s for s in stats_002 if s.unit == "rank" and s.value == 1]
    assert [s.holder for s in first] == ["M2"]
    assert "evaluation" in (first[0].measure or "")
    _, stats_003 = seeds["003_f763132a9defa5f8"]
    tops = {s.text: s for s in stats_003 if s.unit == "rank" and s.value == 1}
    assert set(tops) == {"top spot", "top position"}
    assert {s.holder for s in tops.values()} <= {"MiniMax", "M2"}
    ranks = [s for s in stats_003 if s.unit == "rank" and s.value in (2, 9)]
    assert [s.text for s in ranks] == ["2nd", "9th"]
    assert all(s.holder == "OpenAI" for s in ranks)


def test_top_ten_counts(seeds) -> None:
    _, stats_003 = seeds["003_f763132a9defa5f8"]
    eight = next(s for s in stats_003 if s.value == 8)
    assert (eight.text, eight.unit, eight.of, eight.holder) == ("eight", "count", 10, "Chinese companies")


@pytest.mark.parametrize(
    ("doc_id", "phrase"),
    [
        ("000_9deefba0caf3c4bd", "December 22"),
        ("000_9deefba0caf3c4bd", "August last year"),
        ("000_9deefba0caf3c4bd", "every six months"),
        ("000_9deefba0caf3c4bd", "every two weeks"),
        ("000_9deefba0caf3c4bd", "the first time"),
        ("000_9deefba0caf3c4bd", "its first 'open-weight' model"),
        ("000_9deefba0caf3c4bd", "1852208574524496"),
        ("002_0e906eb12c0fc9de", "December 1"),
        ("002_0e906eb12c0fc9de", "1990s"),
        ("002_0e906eb12c0fc9de", "one of the four giants"),
        ("002_0e906eb12c0fc9de", "Top 10 AI"),
        ("003_f763132a9defa5f8", "one of the ‘four titans"),
        ("003_f763132a9defa5f8", "one notable example"),
    ],
)
def test_seed_non_statistics(seeds, doc_id: str, phrase: str) -> None:
    doc, stats = seeds[doc_id]
    start = doc.text.find(phrase)
    assert start >= 0, phrase
    end = start + len(phrase)
    overlapping = [s.text for s in stats if s.start < end and start < s.end]
    assert overlapping == []


# --- forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The share rose to 17% last year.", [("17%", 17.0, "percent", None)]),
        ("The share rose to 17 per cent last year.", [("17 per cent", 17.0, "percent", None)]),
        ("The share rose to 17 percent last year.", [("17 percent", 17.0, "percent", None)]),
        ("Some seventeen percent of adults use it.", [("seventeen percent", 17.0, "percent", None)]),
        ("Costs fell 3 percentage points.", [("3 percentage points", 3.0, "percent", None)]),
        ("The deal is worth $2.2 billion.", [("$2.2 billion", 2.2e9, "money", None)]),
        ("The chip is 17X faster.", [("17X", 17.0, "multiplier", None)]),
        ("The chip is 17 times faster.", [("17 times", 17.0, "multiplier", None)]),
        ("Eight of the top ten firms are Chinese.", [("Eight of the top ten", 8.0, "count", 10.0)]),
        ("About one in five adults owns one.", [("one in five", 1.0, "ratio", 5.0)]),
        ("Nine out of ten doctors agree.", [("Nine out of ten", 9.0, "count", 10.0)]),
        ("More than a third of firms cut jobs.", [("a third", 1 / 3, "ratio", None)]),
        ("The models ranked 2nd and 9th.", [("2nd", 2.0, "rank", None), ("9th", 9.0, "rank", None)]),
        ("The models ranked second and ninth.", [("second", 2.0, "rank", None), ("ninth", 9.0, "rank", None)]),
        ("The M2 model ranks first in the evaluation.", [("first", 1.0, "rank", None)]),
        ("MiniMax claimed the top spot.", [("top spot", 1.0, "rank", None)]),
        ("MiniMax secured the top position.", [("top position", 1.0, "rank", None)]),
        ("Germany is the world's third-largest economy.", [("third", 3.0, "rank", None)]),
        ("The firm hired 1,200 engineers.", [("1,200", 1200.0, "count", None)]),
    ],
)
def test_statistic_forms(nlp, text: str, expected) -> None:
    stats = _stats(nlp, text)
    assert [(t, u, o) for t, _, u, o in _brief(stats)] == [(t, u, o) for t, _, u, o in expected]
    for stat, (_, value, _, _) in zip(stats, expected):
        assert math.isclose(stat.value, value, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("About 17% of adults agree.", "about"),
        ("More than 17% of adults agree.", "more than"),
        ("Nearly 17% of adults agree.", "nearly"),
        ("Up to 17% of adults agree.", "up to"),
    ],
)
def test_approximation_cues(nlp, text: str, cue: str) -> None:
    (stat,) = _stats(nlp, text)
    assert stat.approx == cue


@pytest.mark.parametrize(
    "text",
    [
        "On December 22, the outlet published a report.",
        "The company was founded in 2025.",
        "OpenAI released its model in August last year.",
        "In the 1990s, most browsers were closed.",
        "The chief executive, aged 45, resigned.",
        "A 45-year-old engineer wrote it.",
        "They release models every six months.",
        "The meeting starts at 2 pm.",
        "This is the first time Chinese firms led.",
        "He is one of the four giants of the field.",
        "The Voyager 2 probe and GPT-4 were discussed.",
        "1. Open models are popular.",
    ],
)
def test_non_statistics(nlp, text: str) -> None:
    assert _brief(_stats(nlp, text)) == []


def test_measure_holder_and_period(nlp) -> None:
    (stat,) = _stats(nlp, "In the past year, Chinese developers accounted for 17% of open AI model downloads.")
    assert stat.measure == "share of open AI model downloads"
    assert stat.holder == "Chinese developers"
    assert stat.period == "the past year"


def test_period_comes_from_the_figure_clause(nlp) -> None:
    (stat,) = _stats(nlp, "The company, founded in 1998, hired 45 engineers.")
    assert stat.period is None


def test_comparison_in_one_sentence(nlp) -> None:
    stats = _stats(nlp, "Inflation was 3.2% in March compared with 2.9% in February.")
    assert [s.compared_with for s in stats] == [(1,), (0,)]
    assert [s.period for s in stats] == ["March", "February"]


def test_comparison_with_the_previous_sentence(nlp) -> None:
    stats = _stats(nlp, "The share of downloads from China increased to 17%. "
                        "This figure exceeded the share of American developers, which was 15.8%.")
    assert [s.compared_with for s in stats] == [(1,), (0,)]


def test_find_amounts_keeps_every_number(nlp) -> None:
    doc = nlp("In 2025 the share rose to 17% and revenue hit €10M.")
    amounts = [(a.text, a.unit, a.currency) for a in find_amounts(doc)]
    assert amounts == [("2025", "number", None), ("17%", "percent", None), ("€10M", "money", "EUR")]


def test_units_are_from_the_contract(seeds) -> None:
    from newstrace.extract.records import UNITS

    for _, stats in seeds.values():
        assert {s.unit for s in stats} <= set(UNITS)


def test_unparsed_doc_is_refused() -> None:
    import spacy

    with pytest.raises(ValueError, match="tagged and parsed"):
        find_statistics(spacy.blank("en")("It rose 17%."))


@pytest.mark.parametrize(("text", "expected"), [
    ("Ridership on the night buses doubled after the fare cut.", [("doubled", 2.0, "multiplier")]),
    ("Complaints about the ferry have tripled since March.", [("tripled", 3.0, "multiplier")]),
    ("The council halved its road budget.", [("halved", 0.5, "multiplier")]),
    ("She ordered a double espresso before the meeting.", []),
    ("Listeners streamed 40 million hours of the podcast last year.", [("40 million", 4e7, "count")]),
    ("The repairs took three weeks.", []),
    ("The harbour took first place, with Norport 4th and Eastmouth 7th.",
     [("first", 1.0, "rank"), ("4th", 4.0, "rank"), ("7th", 7.0, "rank")]),
    ("The school ranked 12th nationally, up from 20th a year earlier.", [("12th", 12.0, "rank"), ("20th", 20.0, "rank")]),
    ("It was the first time the school ranked 12th.", [("12th", 12.0, "rank")]),
])
def test_verb_multipliers_time_volumes_and_ranking_sentences(nlp, text, expected):
    found = [(s.text, s.value, s.unit) for s in find_statistics(nlp(text))]
    for surface, value, unit in expected:
        assert any(value == v and unit == u and surface in t for t, v, u in found), (surface, found)
    assert len(found) == len(expected), found


# --- issue 14: what is not a statistic, periods, forecasts, scale ---------------------------


@pytest.mark.parametrize("text", [
    "The trial lasted half a year and the appeal took three weeks.",       # durations
    "Add 2 cups of flour, 1 tsp of salt and 1 scoop of protein powder.",   # recipe measures
    "The kit contains 3 items, and the class was split into 2 groups.",    # list counts
    "The firm operates in 2 countries and is run by 2 families.",          # description
    "The lab released a 70B model and the carrier launched a 5G phone.",   # specs without a measure
    "Windows 11 and COP28 came up, as did Route 66, the F-35 and Covid-19.",  # numbers in names
    "For bookings call 555-123-4567 or (212) 555-0199.",                  # phone numbers
    "Page 2 of 5",                                                         # page furniture
    "2 comments",
    "5 min read",
    "Photo 3 of 12",
    "30% Off Winter Boots",
    "The 10 best budget phones of the season.",                           # listicle counts
    "No one expected the vote to pass.",                                  # "no one" is not "No. 1"
    "The 747 program ended after five decades.",                           # a model number
    "Reviewers liked the 13-inch laptop and its 120 Hz screen.",           # specs of one product
    "Stir in ½ cup of yogurt and a cup and a half of oats.",               # recipe fractions
    "Noise-cancelling headphones with travel case for $79",                # shop listing
    "$18.50",                                                              # a bare price line
    "She joined the board in 2019 and left on March 3.",                   # years and dates
])
def test_what_is_not_a_statistic(nlp, text) -> None:
    assert _stats(nlp, text) == []


@pytest.mark.parametrize("text, value, unit", [
    pytest.param("Three people died and dozens were hurt when the bridge collapsed.", 3, "count",  # a small tally
                 marks=pytest.mark.xfail(strict=True, reason=SCREEN_LOSS)),
    ("Hospital admissions rose to 7 on Tuesday, up from 4.", 7, "count"),              # a figure of change
    ("The new turbine is 3 times more efficient than the old one.", 3, "multiplier"),
    ("Tuition rose 4% this year.", 4, "percent"),
    ("A 3,000 job decline hit local government.", 3000, "count"),                     # a noun of change
])
def test_small_and_modifier_figures_that_are_statistics(nlp, text, value, unit) -> None:
    stats = _stats(nlp, text)
    assert any(math.isclose(s.value, value) and s.unit == unit for s in stats), _brief(stats)


def _by_value(stats, value):
    found = [s for s in stats if math.isclose(s.value, value)]
    assert found, _brief(stats)
    return found[0]


def _no_figure_of(stats, value) -> None:
    """`_by_value`'s converse: no statistic has this value."""
    assert not [s for s in stats if math.isclose(s.value, value)], _brief(stats)


def test_two_periods_in_one_sentence_give_two_keys(nlp) -> None:
    doc = nlp("The central bank expects growth of 2.1% this year and 2.4% next year.")
    stats = find_statistics(doc, published="2025-10-02")
    this_year, next_year = _by_value(stats, 2.1), _by_value(stats, 2.4)
    assert (this_year.period_key, next_year.period_key) == ("2025", "2026")
    assert this_year.forecast and next_year.forecast
    assert this_year.measure == next_year.measure == "growth"


@pytest.mark.parametrize("text, value, key", [
    ("Wind farms generated 31% of the country's electricity in 2024.", 31, "2024"),
    ("The unemployment rate rose to 4.3% in July.", 4.3, "2025-07"),
    ("Home prices fell 1.2% in March 2025, the survey found.", 1.2, "2025-03"),
    ("Retail sales fell 0.8% last month.", 0.8, "2025-08"),
    ("Revenue in the second quarter rose 8% to $2.2 billion.", 8, "2025-Q2"),
    ("Operating profit jumped 15% in Q3.", 15, "2025-Q3"),
    ("In fiscal 2024 the ministry spent $4.1 billion on roads.", 4.1e9, "FY2024"),
    ("Vaccination rates among children fell from 86% in 2019 to 81% in 2023.", 81, "2023"),
    ("Vaccination rates among children fell from 86% in 2019 to 81% in 2023.", 86, "2019"),
    ("Membership grew 6% last year.", 6, "2024"),
    ("A year earlier, exports had fallen 3%.", 3, "2024"),
])
def test_period_forms_are_keyed(nlp, text, value, key) -> None:
    stats = find_statistics(nlp(text), published="2025-09-15")
    assert _by_value(stats, value).period_key == key


def test_relative_periods_stay_unkeyed_without_a_trusted_date(nlp) -> None:
    stat = _by_value(find_statistics(nlp("Membership grew 6% last year.")), 6)
    assert stat.period == "last year" and stat.period_key is None


@pytest.mark.parametrize("text, value, forecast", [
    ("Solar capacity will reach 500 GW by 2030.", 500, True),
    ("Analysts expect inflation to ease to 2.5% next year.", 2.5, True),
    ("Global emissions must fall 45% by 2035 under the plan, while they rose 1% in 2024.", 45, True),
    ("Global emissions must fall 45% by 2035 under the plan, while they rose 1% in 2024.", 1, False),
    ("The agency's forecast of 3.1% growth was cut.", 3.1, True),
    ("Inflation eased to 2.9% in August.", 2.9, False),
    ("The economy added a stronger-than-expected 147,000 jobs in June.", 147000, False),
    ("An estimated 25 million people lack clean water.", 25e6, False),
    # "compared to" attaches the base of a comparison, not a deed: the increase is as projected as the total
    ("Heat pump sales are expected to reach 9 million units by the end of 2027, a 15% increase compared to "
     "2026.", 15, True),
    ("Heat pump sales reached 9 million units in 2024, a 15% increase compared to 2023.", 15, False),
])
def test_forecasts_are_kept_apart_from_outcomes(nlp, text, value, forecast) -> None:
    stats = find_statistics(nlp(text), published="2025-09-15")
    assert _by_value(stats, value).forecast is forecast


def test_large_values_keep_their_scale_as_stated(nlp) -> None:
    stats = _stats(nlp, "The fund raised $2.2bn, and 1.4 million households signed up, up from 900,000.")
    assert _by_value(stats, 2.2e9).scale == "billion"
    assert _by_value(stats, 1.4e6).scale == "million"
    assert _by_value(stats, 900000).scale is None
    assert _by_value(stats, 2.2e9).text == "$2.2bn"


@pytest.mark.parametrize("text, value, measure, holder", [
    ("Nonfarm payrolls rose by 147,000 in June.", 147000, "Nonfarm payrolls", None),
    ("About 56% of US adults say they have used a chatbot.", 56, "share of US adults who have used a chatbot",
     "US adults"),
    ("The utility cut 1,200 jobs in its gas division.", 1200, "jobs cut", "utility"),
    ("More than 300 migrants were deported by border authorities.", 300, "migrants deported", "border authorities"),
    ("US developers accounted for 15.8% of open-model downloads.", 15.8, "share of open-model downloads",
     "US developers"),
    ("The obesity rate among adults reached 28% in 2022.", 28, "obesity rate among adults", None),
])
def test_measures_and_holders_read_as_phrases(nlp, text, value, measure, holder) -> None:
    stat = _by_value(_stats(nlp, text), value)
    assert (stat.measure, stat.holder) == (measure, holder)


@pytest.mark.parametrize("text, value", [
    ("Workers at the plant account for 12% of the town's jobs.", None),
    ("The agency spent $4.1 billion on roads.", None),
])
def test_a_verb_or_an_actor_is_never_the_measure(nlp, text, value) -> None:
    for stat in _stats(nlp, text):
        assert stat.measure not in ("account", "spend", "agency", "wait")


def test_a_report_is_not_the_holder(nlp) -> None:
    stat = _by_value(_stats(nlp, "The report found that 38% of renters paid more than a third of their income."), 38)
    assert stat.holder is None or "report" not in stat.holder.lower()


def test_the_base_of_a_forecast_comparison_is_an_outcome_of_its_own_period(nlp) -> None:
    stats = find_statistics(nlp("The agency predicts that 17 million heat pumps will be sold in 2026, "
                                "well above the 14 million recorded in 2025."), published="2025-06-01")
    forecast, base = _by_value(stats, 17e6), _by_value(stats, 14e6)
    assert (forecast.period_key, forecast.forecast) == ("2026", True)
    assert (base.period_key, base.forecast) == ("2025", False)


@pytest.mark.parametrize("text, value, key", [
    ("Bike sales should reach 3 million by the end of 2026, a 12% increase compared to 2025.", 12, "2026"),
    ("Rents were 4% higher in 2024 than 2023.", 4, "2024"),
])
def test_the_base_of_a_comparison_is_not_the_period(nlp, text, value, key) -> None:
    stat = _by_value(find_statistics(nlp(text), published="2025-06-01"), value)
    assert stat.period_key == key


# Written after reading the statistics sample's worklist (tests/data/statistics_sample.jsonl): product
# specifications and numbers inside names; sentences are our own, across domains.
@pytest.mark.parametrize("text", [
    "The new pickup comes with a 450 horsepower engine and a towing package.",
    "Its battery holds 5,000 mAh and the camera shoots at 48 megapixels.",
    "Shares tracked the Nasdaq 100 through the afternoon session.",
    "The laptop has two USB 3.2 ports beside the charger.",
])
def test_specs_and_names_are_not_statistics(nlp, text: str) -> None:
    values = [s.value for s in _stats(nlp, text)]
    assert not any(v in (450.0, 5000.0, 48.0, 100.0, 3.2) for v in values), values


@pytest.mark.parametrize(("text", "value"), [
    ("Engine output rose to 450 horsepower after the update, the maker said.", 450.0),
    ("The clinic treated 100 patients in March.", 100.0),
    ("Wind farms added 3,200 jobs last year, the ministry said.", 3200.0),
    ("Rents in Leeds rose 7% in 2024.", 7.0),
])
def test_specs_and_names_negatives_stay_statistics(nlp, text: str, value: float) -> None:
    assert value in [s.value for s in _stats(nlp, text)]


@pytest.mark.parametrize("text", [
    "The hatchback delivers 290 lb-ft of torque from its small engine.",
    "The tablet ships with 256GB storage and a bright screen.",
    "Half of 18- to 24-year-olds read news on their phones.",
    "Nine percent of people between the ages of 16 and 29 volunteer.",
    "Voters under 30 backed the measure.",
    "Patients with obesity (BMI >=30) were excluded.",
    "The clinic helpline is open 24/7 for callers.",
    "Get the speaker on sale for 79.99",
    "The base laptop costs $1,299 and comes in two colours.",
])
def test_product_specs_ages_and_shop_copy_are_not_statistics(nlp, text) -> None:
    """General shapes of false statistics on news pages (issue 14 item 4), on written sentences."""
    numbers = {s.text for s in _stats(nlp, text) if s.unit != "percent" or "%" not in text}
    assert not (numbers - {"Half", "Nine percent"}), numbers


@pytest.mark.parametrize("text, value", [
    ("The average price of a litre of diesel rose to $1.92 in May.", 1.92),
    ("Engine output rose to 300 hp after the update.", 300),
    ("Over 2,000 people under 25 lost their jobs.", 2000),
    ("A total of 12,500 nurses were surveyed by the union.", 12500),  # a survey's size is retold and traced
    ("Wholesale electricity cost $85 per megawatt hour, up 12% on last year.", 85),
])
def test_prices_and_counts_that_are_statistics_stay(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value) is not None


def test_a_measure_comes_from_the_figure_clause_not_a_later_one(nlp) -> None:
    stats = _stats(nlp, "March was revised up from 41,000 to 52,000, leaving total hiring 9,000 higher than reported.")
    assert _by_value(stats, 41000).measure != "total hiring"
    stats = _stats(nlp, "Both retail sales (+2.1%) and factory orders (-0.4%) moved little in May.")
    assert _by_value(stats, 2.1).measure == "retail sales"


@pytest.mark.parametrize("text, value", [
    ("Retail sales showed a 12% increase on last year, the trade body said.", 12),
    ("The firm posted an increase of 4.5 percent from 2023 in its core business.", 4.5),
    ("Fares were up 8% on a year earlier.", 8),
    ("Unemployment hit 6.1%, its highest rate since March 2021.", 6.1),
])
def test_the_base_of_a_change_or_a_record_is_not_its_period(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value).period is None


@pytest.mark.parametrize("text, value, period", [
    ("Shares rose 3% on the day.", 3, "the day"),
    ("Exports grew from 2019 to 2021 by 14%.", 14, "2019 to 2021"),
    ("Rents rose 6% over the past year.", 6, "the past year"),
])
def test_a_change_keeps_its_own_stretch_of_time(nlp, text, value, period) -> None:
    assert _by_value(_stats(nlp, text), value).period == period


# Device specifications, first-person anecdotes, retail prices, line-ups, durations and period codes (the
# false-positive classes of the seed 1204 sample, read as classes only); sentences are our own, across domains.
@pytest.mark.parametrize("text, value", [
    ("The SUV offers 300 miles of range on a full battery.", 300),             # a vehicle's range
    ("The scooter has a range of 40 km and folds flat.", 40),
    ("The monitor runs at 144Hz and draws 65 watts.", 65),                     # a device's rating
    ("The laptop's chip has a 12-core processor.", 12),
    ("Its battery is rated at 4,500 mAh, the phone maker said.", 4500),
])
def test_device_specifications_are_not_statistics(nlp, text, value) -> None:
    _no_figure_of(_stats(nlp, text), value)


@pytest.mark.parametrize("text, value", [
    ("The grid added 300 megawatts of capacity last year.", 300),             # capacity added
    ("The utility installed 1,200 megawatts of solar panels in 2024.", 1200),
    ("The storm dumped 16 inches of snow on the city.", 16),                   # weather, not a device
    ("Data centres consumed 415 terawatt hours of electricity in 2024.", 415),  # energy, not a duration
    ("Sales of electric cars with 300 miles of range rose 40% in May.", 40),
])
def test_measures_of_the_world_with_spec_units_stay_statistics(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value) is not None


@pytest.mark.parametrize("text, value", [
    ("I got 30 likes on my first post.", 30),
    ("My 1,000 followers noticed at once.", 1000),
    ("The repair cost me $400 and took a week.", 400),
    ("My rent went up by $200 this month.", 200),
    ('"I sent 50 applications before anyone called back," said one graduate.', 50),
])
def test_first_person_anecdotes_are_not_statistics(nlp, text, value) -> None:
    _no_figure_of(_stats(nlp, text), value)


@pytest.mark.parametrize("text, value", [
    ("I think inflation will reach 4% next year, the governor said.", 4),     # the figure's own clause
    ("I learned that 1.2 million homes lost power in the storm.", 1.2e6),
    ("As I reported last week, unemployment rose to 5.2% in May.", 5.2),
    ('"I signed 40 executive orders in my first month," the president said.', 40),  # an official's tally
    ('"We cut 400 jobs this year," the chief executive said.', 400),          # "we" is the firm
    ('"My people had $20 billion done," the senator recounted.', 20e9),       # a scaled sum
    ("My county recorded 340 overdose deaths last year.", 340),              # a tally of harm
])
def test_first_person_near_misses_stay_statistics(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value) is not None


@pytest.mark.parametrize("text, value", [
    ("He bought a $15 charger at the station.", 15),
    ("The $1,299 laptop ships next week.", 1299),
    ("Reviewers liked the $99 wireless mouse and its quiet buttons.", 99),
    ("A 43-inch TV for $278 is hard to beat.", 278),
    ("It's not cheap at $140, but it is well made.", 140),
    ("RRP: £23.99", 23.99),
])
def test_retail_prices_are_not_statistics(nlp, text, value) -> None:
    _no_figure_of(_stats(nlp, text), value)


@pytest.mark.parametrize("text, value", [
    ("The average price of petrol rose to $3.10 a gallon.", 3.10),           # a market's price level
    ("The price of copper climbed to $9,800 a tonne.", 9800),
    ("A gallon of milk cost $4.50 last month, the statistics office said.", 4.50),
    ("The minimum wage will be $15 an hour.", 15),
    ("The median household spent $1,500 on a new phone last year.", 1500),
    ("He was fined $500 for speeding.", 500),
])
def test_price_near_misses_stay_statistics(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value) is not None


@pytest.mark.parametrize("text, value", [
    ("The console is launching with 40 games.", 40),
    ("The carmaker will unveil 12 new models next year.", 12),
    ("The festival line-up features 60 acts.", 60),
    ("The album includes 16 tracks and two remixes.", 16),
    ("The singer's tour takes in 25 cities across Europe.", 25),
])
def test_lineups_are_not_statistics(nlp, text, value) -> None:
    _no_figure_of(_stats(nlp, text), value)


@pytest.mark.parametrize("text, value", [
    ("The carmaker sold 12,000 vehicles in May.", 12000),
    ("The console sold 40 million units.", 40e6),
    ("The Lakers have won 12 games in a row.", 12),
    ("The shelter offers 120 beds to homeless people.", 120),
    ("The festival drew 60,000 fans over three days.", 60000),
])
def test_lineup_near_misses_stay_statistics(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value) is not None


@pytest.mark.parametrize("text, figure", [
    ("The project took a year and a half to finish.", "a half"),                # a duration
    ("The plan covers FY2021-23 and was approved in March.", "23"),            # the end of a fiscal range
    ("The waltz is written in 3/4 time.", "3/4"),                              # a time signature
])
def test_durations_and_period_codes_are_not_statistics(nlp, text, figure) -> None:
    assert figure not in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("Output fell by half in the year to March.", "half"),
    ("Three in four adults say prices are too high.", "Three in four"),
    ("About 3/4 of the county's roads need repair.", "3/4"),
    ("Revenue for FY2023 was $4.2 billion.", "$4.2 billion"),
])
def test_duration_near_misses_stay_statistics(nlp, text, figure) -> None:
    assert figure in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("The top half of the case is made of glass.", "half"),                    # a part of a thing
    ("The charger has a 22 kW second port as an option.", "22 kW"),            # a rating, not a duration
])
def test_parts_and_ratings_are_not_statistics(nlp, text, figure) -> None:
    assert figure not in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("The bottom half of households hold 2.5% of the wealth.", "2.5%"),
    ("Mobile data use hit 15 GB per phone per month last year.", "15 GB"),    # a rate of use
    ("Households used 900 kilowatt hours of electricity a month on average.", "900 kilowatt"),
])
def test_part_and_rating_near_misses_stay_statistics(nlp, text, figure) -> None:
    assert figure in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("Imagine a town of 10,000 people with one hospital.", "10,000"),          # an example set up
    ("Say you earn $50,000 a year and save a tenth of it.", "$50,000"),
    ("Participants were given 1,000 IU of vitamin D a day.", "1,000"),         # a study dose
])
def test_imagined_examples_and_doses_are_not_statistics(nlp, text, figure) -> None:
    assert figure not in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("Imagine Dragons sold 5 million albums in 2018.", "5 million"),           # a name, not an imperative
    ("Say goodbye to the 50 cent fee, the bank told 20,000 customers.", "20,000"),
    ("Assume nothing: 40% of voters are undecided.", "40%"),
    ("The country administered 12 million doses of vaccine in May.", "12 million"),
])
def test_imagined_and_dose_near_misses_stay_statistics(nlp, text, figure) -> None:
    assert figure in [s.text for s in _stats(nlp, text)]


# Periods (the period classes of the seed 1204 sample, read as classes only); sentences are our own.
@pytest.mark.parametrize("text, value, period", [
    ("Enrollment rose 15% from 2020 to 2024.", 15, "2020 to 2024"),                # one end tagged, the span stated
    ("From 2015 through 2022, the number of farms fell 9%.", 9, "2015 through 2022"),
    ("Deaths fell to 312 in 2023 from 401 five years earlier.", 312, "2023"),      # not a span: another figure
    ("Vaccination rates among children fell from 86% in 2019 to 81% in 2023.", 81, "2023"),
])
def test_a_span_of_years_is_kept_whole(nlp, text, value, period) -> None:
    assert _by_value(_stats(nlp, text), value).period == period


@pytest.mark.parametrize("text, value", [
    ("Unemployment stood at 4.1%, the lowest in weeks.", 4.1),                    # a bare length of time
    ("The vaccine cut hospital stays by 30% within weeks.", 30),
    ("Sales were up 5% on 2019 levels.", 5),                                       # the level measured from
    ("The country has 4.2 million electric cars, short of its 2030 goal of 10 million.", 4.2e6),  # the goal's year
])
def test_a_stretch_a_base_level_or_a_goal_year_is_not_the_period(nlp, text, value) -> None:
    assert _by_value(_stats(nlp, text), value).period is None


@pytest.mark.parametrize("text, value, period", [
    ("The team has won 14 of its last 20 games this season.", 14, "this season"),  # "last 20" counts games
    ("Rents rose 6% over the past year.", 6, "the past year"),
    ("Cases rose 40% in recent weeks, the health agency said.", 40, "recent weeks"),
    ("Over the 12 months to March, house prices rose 4.1%.", 4.1, "the 12 months to March"),
    ("The club's 2026 target is 40,000 members; it has 31,000 now.", 40000, "2026"),  # the goal's own figure
])
def test_stated_periods_stay(nlp, text, value, period) -> None:
    assert _by_value(_stats(nlp, text), value).period == period


@pytest.mark.parametrize("text, value, forecast", [
    ("The city intends to plant 10,000 trees this year.", 10000, True),            # a plan
    ("The airline plans to hire 500 new pilots this year.", 500, True),
    ("The firm raised its full-year guidance to $12 billion in sales.", 12e9, True),  # guidance
    ("The league is on track to sell 3 million tickets this season.", 3e6, True),
    ("Chipmakers are likely to ship 1.2 billion units this year.", 1.2e9, True),
    ("Analysts' consensus calls for earnings of $2.10 a share this quarter.", 2.10, True),
    ("The airline planned to hire 500 pilots but hired 320 in 2024.", 320, False),  # what happened
    ("62% of voters want a ban on phones in schools, the poll found.", 62, False),  # a survey's finding
    ("Some 45% of economists expect a recession this year.", 45, False),
    ("The state's health plan covers 2.1 million people.", 2.1e6, False),
    ("Engineers used laser guidance to cut the error to 0.3 millimetres in 2024.", 0.3, False),  # another sense
])
def test_plans_and_guidance_are_forecasts(nlp, text, value, forecast) -> None:
    stats = find_statistics(nlp(text), published="2025-09-15")
    assert _by_value(stats, value).forecast is forecast


# Widened non-statistic classes of the seed 1204 sample (read as classes only): product weights and speeds,
# subscription and ticket prices, recipe steps, parts of a small known set, line-ups, remembered anecdotes.
@pytest.mark.parametrize("text, figure", [
    ("The new tablet weighs 480 grams and has an 11-inch display.", "480 grams"),   # a product's weight
    ("The pickup truck can tow 14,000 pounds.", "14,000 pounds"),
    ("The drone flies at up to 45 mph.", "45 mph"),                                 # a product's speed
    ("A subscription to the service costs $9.99 a month.", "$9.99"),                # a price list
    ("The premium plan is $14.99 per month.", "$14.99"),
    ("Tickets start at $35 for the opening night.", "$35"),
    ("Add 200 grams of flour and two eggs.", "200 grams"),                          # a recipe step
    ("Stir in 500ml of stock and simmer.", "500ml"),
    ("Two of the three films were shot in Morocco.", "Two of the three"),          # part of a small set
    ("The conference program includes 80 talks.", "80"),                           # a line-up
    ("The museum's new wing displays 300 paintings.", "300"),
    ("When I was a student, a pint cost £2.", "£2"),                                # a remembered anecdote
    ("I remember when a gallon of petrol cost $1.", "$1"),
    ("A panel of 12 judges picked the winner.", "12"),                             # the make-up of a body
    ("The SUV has 2,000 litres of boot space.", "2,000 litres"),                   # a part's size
])
def test_widened_non_statistics_are_dropped(nlp, text, figure) -> None:
    assert figure not in [s.text for s in _stats(nlp, text)]


@pytest.mark.parametrize("text, figure", [
    ("Police seized 480 grams of heroin at the port.", "480 grams"),                # no product
    ("Electric cars weigh 300 kg more than petrol cars on average.", "300 kg"),     # an average of the world
    ("The average ticket cost $120 this season.", "$120"),                          # an average price
    ("Ticket prices rose 8% to $45.", "$45"),                                       # a change of price
    ("Medicare's standard premium rose to $185 a month.", "$185"),
    ("The state's health plan covers 2.1 million people.", "2.1 million"),
    ("Add to that the 3 million jobs lost in the pandemic.", "3 million"),          # not a recipe
    ("Seven of 10 voters back the plan.", "Seven of 10"),                           # a share, not a small set
    ("The airline launches with 12 routes from Denver.", "12"),
    ("The museum drew 1.2 million visitors last year.", "1.2 million"),
    ("I remember the vote: 52% backed leaving.", "52%"),                            # memory does not set it up
    ("When we analysed 3,000 court filings, 40% lacked a lawyer.", "40%"),          # a newsroom's finding
    ("When I took office, unemployment was 9%, the governor said.", "9%"),          # an office's figure
    ("A crowd of 40,000 watched the final.", "40,000"),                             # an attendance
    ("A team of 40 researchers found that 12% of rivers were polluted.", "12%"),    # the finding stays
    ("The board of 12 directors approved 400 job cuts.", "400"),
])
def test_widened_non_statistic_near_misses_stay(nlp, text, figure) -> None:
    assert figure in [s.text for s in _stats(nlp, text)]


def test_a_period_pointing_back_takes_the_last_period_stated_before(nlp) -> None:
    text = ("In the first quarter of 2031, wind farms supplied 31% of the grid's power. "
            "Solar panels supplied 12% over the same period.")
    wind, solar = _stats(nlp, text)
    assert wind.period == "the first quarter of 2031"
    assert solar.period == "the first quarter of 2031"


def test_a_period_pointing_back_at_nothing_is_no_period(nlp) -> None:
    (stat,) = _stats(nlp, "Bus ridership rose 9% over the same period.")
    assert stat.period is None
