"""Family statements and values as an analyst would write them (provenance/display.py)."""

from __future__ import annotations

import pytest

from newstrace.provenance.display import format_amount, format_value, statement_label
from newstrace.provenance.views import FigureView, MentionView


@pytest.mark.parametrize(("value", "shown"), [
    (2.2e9, "2.2 billion"), (17e6, "17 million"), (879e6, "879 million"), (1.038e9, "1.038 billion"),
    (3.4e12, "3.4 trillion"), (73000.0, "73,000"), (4.2, "4.2"), (-2.5e6, "-2.5 million"),
])
def test_large_values_are_written_with_scale_words(value: float, shown: str) -> None:
    assert format_amount(value) == shown
    assert "e+" not in format_value(value, "count")


def test_statement_reads_holder_measure_value_period() -> None:
    assert statement_label(15.8, "percent", None, "US developers", "share of open-model downloads",
                           "year to August 2025") == "US developers' share of open-model downloads: 15.8% (year to August 2025)"
    assert statement_label(4.1, "percent", None, None, "unemployment rate", "June") == "Unemployment rate: 4.1% (June)"
    assert statement_label(2.5e9, "count", None, "adults", "overweight", "2022") == "Adults' overweight: 2.5 billion (2022)"
    assert statement_label(12.4, "money", None, "Nurse's", "hourly wage", None, "EUR") == "Nurse's hourly wage: €12.4"
    assert statement_label(3, "rank", None, "Lakeside Hospital", "in the regional ranking", None) == \
        "Lakeside Hospital's in the regional ranking: ranked #3"


def test_statement_drops_parts_that_are_numbers_or_repeats() -> None:
    # A holder that is the period again, or a misread number, is left out rather than printed.
    assert statement_label(19000, "count", None, "May", "jobs", "May") == "Jobs: 19,000 (May)"
    assert statement_label(38, "percent", None, "38 % of respondents", "avoid the news", None) == "Avoid the news: 38%"
    assert statement_label(61, "count", None, None, None, None) == "61"


def test_view_statement_falls_back_to_the_parts_of_old_reports() -> None:
    figure = {"value": 1.5e6, "unit": "count", "holder": "Farmers", "measure": "hectares planted", "period": "2024"}
    assert FigureView.from_dict(figure).said() == "Farmers' hectares planted: 1.5 million (2024)"
    assert FigureView.from_dict({**figure, "statement": "Given label"}).said() == "Given label"


def test_drift_mark_comes_from_the_mention_flag_when_the_report_has_flags() -> None:
    figure = FigureView.from_dict({"value": 48, "unit": "percent"})
    # A second body's own 51% is not drift, though it differs from the family's value.
    assert not MentionView.from_dict({"value": 51, "flags": []}).drifted(figure)
    assert MentionView.from_dict({"value": 48.4, "flags": ["drift"]}).drifted(figure)
    assert MentionView.from_dict({"value": 51}).drifted(figure)  # older reports: differing from the family is drift


def test_estimates_line_lists_each_source_when_there_are_several() -> None:
    figure = {"unit": "percent", "estimates": [{"name": "Statistics Office", "value": 48},
                                               {"name": "Heating Federation", "value": 51}]}
    assert FigureView.from_dict(figure).estimates_line() == "Statistics Office 48% · Heating Federation 51%"
    assert FigureView.from_dict({**figure, "estimates": figure["estimates"][:1]}).estimates_line() == ""


def test_demonym_holder_is_a_modifier_not_a_possessor() -> None:
    # "Chinese's share" is not English; a nationality adjective modifies the measure.
    assert statement_label(31.0, "percent", None, "Chinese", "share of solar panel exports", "2024") == \
        "Chinese share of solar panel exports: 31% (2024)"
    assert statement_label(6.2, "percent", None, "Spanish", "youth unemployment rate", None) == \
        "Spanish youth unemployment rate: 6.2%"
    # Plural and proper-noun holders keep their possessive.
    assert statement_label(12.0, "percent", None, "nurses", "pay rise", None) == "Nurses' pay rise: 12%"
    assert statement_label(4.0, "percent", None, "Ontario", "vacancy rate", None) == "Ontario's vacancy rate: 4%"


def test_a_family_is_labelled_in_the_report_language_when_a_page_uses_it() -> None:
    from newstrace.extract.records import Statistic
    from newstrace.provenance.figures import MentionInput, most_common, wording_pool

    def said(measure: str, language: str, *, primary: bool = False) -> MentionInput:
        stat = Statistic(start=0, end=1, text="212", value=212e6, unit="count", measure=measure)
        return MentionInput((language + measure, 0), stat, "c1", None, primary, language)

    # Two Spanish pages outvote one English page on the words, not on the label.
    family = [said("hogares", "es"), said("hogares", "es"), said("households", "en")]
    assert most_common([s.measure for s in wording_pool(family)]) == "households"
    # The primary document's own wording comes first, whatever its language.
    assert most_common([s.measure for s in wording_pool([*family, said("viviendas", "es", primary=True)])]) == "viviendas"
    # With no page in the report's language, every page votes.
    assert most_common([s.measure for s in wording_pool(family[:2])]) == "hogares"


def test_a_family_shows_only_the_parts_its_mentions_support() -> None:
    from newstrace.provenance.report import _family_part

    # One retelling's stray holder among several that state none is not the family's.
    assert _family_part([None, "Governor", None, None], [None, "Governor", None, None]) is None
    assert _family_part(["farmers", None, "farmers"], ["farmers", None, "farmers"]) == "farmers"
    # A family of one or two mentions shows what it has; the report language's wording comes first.
    assert _family_part(["households"], ["households", "hogares"]) == "households"
    assert _family_part([None, None], ["hogares", None]) == "hogares"
    # The primary document's own wording labels the family even when it states it once.
    assert _family_part(["US households", None], ["US households", None, None, None], primary=True) == "US households"
    assert _family_part(["US households", None], ["US households", None, None, None]) is None


def test_families_are_worded_from_pages_in_the_report_language() -> None:
    import numpy as np

    from newstrace.extract.records import Statistic
    from newstrace.provenance.figures import MentionInput, wording_pool

    def member(article: str, measure: str, language: str) -> MentionInput:
        stat = Statistic(text="12%", value=12.0, unit="percent", start=0, end=3, measure=measure)
        return MentionInput((article, 0), stat, "c1", np.ones(4, dtype=np.float32), language=language)

    es, en = member("a", "tasa de paro", "es"), member("b", "jobless rate", "en")
    assert [s.measure for s in wording_pool([es, en])] == ["jobless rate"]
    assert [s.measure for s in wording_pool([es])] == ["tasa de paro"]
