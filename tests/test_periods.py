"""Reference periods normalised to keys (extract.periods), on phrases we write."""

from __future__ import annotations

import datetime as dt

import pytest

from newstrace.extract.periods import parse_reference, period_key

SEPT_2025 = dt.date(2025, 9, 15)


@pytest.mark.parametrize("text, key", [
    ("in 2024", "2024"),
    ("2023's", "2023"),
    ("July 2025", "2025-07"),
    ("the third quarter of 2024", "2024-Q3"),
    ("Q1 2026", "2026-Q1"),
    ("2024 Q4", "2024-Q4"),
    ("H1 2025", "2025-H1"),
    ("fiscal 2024", "FY2024"),
    ("FY23", "FY2023"),
    ("fiscal 2024-25", "FY2024/2025"),
    ("the 2024-25 season", "2024/2025"),
    ("2024/2025", "2024/2025"),
    ("from 1990 to 2022", "1990-2022"),
    ("between 2020 and 2050", "2020-2050"),
    ("2020-2050", "2020-2050"),
    ("the 1990s", "1990s"),
])
def test_absolute_periods_need_no_reference(text, key) -> None:
    assert period_key(text) == key
    assert period_key(text, reference=SEPT_2025) == key


@pytest.mark.parametrize("text, key", [
    ("this year", "2025"),
    ("next year", "2026"),
    ("last year", "2024"),
    ("a year earlier", "2024"),
    ("last month", "2025-08"),
    ("this month", "2025-09"),
    ("last quarter", "2025-Q2"),
    ("in July", "2025-07"),
    ("in December", "2024-12"),  # the latest December begun by mid-September 2025
    ("the second quarter", "2025-Q2"),
    ("Q3", "2025-Q3"),
    ("the first half", "2025-H1"),
])
def test_relative_periods_resolve_against_the_reference(text, key) -> None:
    assert period_key(text, reference=SEPT_2025) == key
    assert period_key(text) is None  # no (trusted) publication date: no key, the text stays


def test_a_forecast_month_without_a_year_is_the_next_one() -> None:
    assert period_key("in December", reference=SEPT_2025, forecast=True) == "2025-12"
    assert period_key("the second quarter", reference=SEPT_2025, forecast=True) == "2026-Q2"


def test_year_end_rolls_over_months_and_quarters() -> None:
    january = dt.date(2026, 1, 10)
    assert period_key("last month", reference=january) == "2025-12"
    assert period_key("last quarter", reference=january) == "2025-Q4"
    assert period_key("the fourth quarter", reference=january) == "2025-Q4"


@pytest.mark.parametrize("text", ["the past year", "since 2020", "the past 12 months", "December 22", "recent years",
                                  "today", "weekly", ""])
def test_open_rolling_and_point_dates_have_no_key(text) -> None:
    assert period_key(text, reference=SEPT_2025) is None


def test_reference_dates_parse_from_iso_dates_and_datetimes() -> None:
    assert parse_reference("2025-09-15") == SEPT_2025
    assert parse_reference("2025-09-15T08:30:00+00:00") == SEPT_2025
    assert parse_reference("September 2025") is None
    assert parse_reference(None) is None


# Relative and month periods in the other languages the extractor reads, resolved against the
# article's own date (15 September 2025), one case per form; the phrases are ours.
@pytest.mark.parametrize("lang, text, key", [
    ("es", "el año pasado", "2024"),           # hospital admissions fell last year
    ("es", "este año", "2025"),                # rents rose this year
    ("es", "el próximo año", "2026"),          # a wage forecast for next year
    ("es", "el mes pasado", "2025-08"),        # unemployment last month
    ("es", "en julio de 2024", "2024-07"),
    ("fr", "l’an dernier", "2024"),            # curly apostrophe as printed
    ("fr", "l'année prochaine", "2026"),
    ("fr", "le mois dernier", "2025-08"),
    ("fr", "en février 2025", "2025-02"),
    ("de", "im Vorjahr", "2024"),
    ("de", "im nächsten Jahr", "2026"),
    ("de", "im vergangenen Monat", "2025-08"),
    ("de", "im März 2025", "2025-03"),
])
def test_relative_and_month_periods_in_other_languages(lang: str, text: str, key: str) -> None:
    assert period_key(text, reference=SEPT_2025, lang=lang) == key


def test_a_relative_period_without_an_article_date_stays_open_in_any_language() -> None:
    # no publication date (or only an estimated one, which callers pass as None): never guess a year
    assert period_key("el año pasado", reference=None, lang="es") is None
    assert period_key("im Vorjahr", reference=None, lang="de") is None


def test_a_language_without_period_words_still_reads_years() -> None:
    # Italian has no stat_periods table: the page's years must still key, not crash extraction
    assert period_key("nel 2023", reference=SEPT_2025, lang="it") == "2023"


def test_a_spanish_short_word_is_not_read_as_a_month() -> None:
    # "mar" (the sea) is an English abbreviation of March, never a Spanish month word
    assert period_key("el nivel del mar", reference=SEPT_2025, lang="es") is None


@pytest.mark.parametrize(("lang", "text", "month"), [
    ("en", "in July", 7), ("en", "July 2025", 7), ("en", "during May", 5), ("en", "for Sept.", 9),
    ("de", "im Juli", 7), ("es", "el pasado julio", 7), ("fr", "en février", 2),
])
def test_the_one_month_a_phrase_names_without_needing_a_date(lang: str, text: str, month: int) -> None:
    from newstrace.extract.periods import month_named

    assert month_named(text, lang=lang) == month


@pytest.mark.parametrize("text", ["May and June", "the two months", "last month", "on December 22", "prices may rise",
                                  "in 2025", None])
def test_no_month_for_several_months_a_relative_one_a_day_or_the_verb_may(text) -> None:
    from newstrace.extract.periods import month_named

    assert month_named(text) is None


@pytest.mark.parametrize(("lang", "text", "key"), [
    ("en", "in 2024 compared with 2023", "2024"), ("en", "in 2024, up from 2023", "2024"),
    ("en", "compared to 2023", None), ("en", "than in 2019", None), ("en", "up from 2019 levels", None),
    ("en", "vs. last year", None), ("en", "from 2019 to 2022", "2019-2022"),
    ("fr", "en 2024 par rapport à 2023", "2024"), ("fr", "par rapport à 2023", None),
    ("de", "im Vergleich zu 2023", None), ("es", "en 2024 frente a 2023", "2024"),
])
def test_the_base_of_a_comparison_is_not_the_figures_period(lang: str, text: str, key: str | None) -> None:
    # "unemployment claims rose 20% compared to 2023": 2023 is what the rise is measured against. Nor is the
    # figure's own period taken to be the article's year: a January page compares the year before with 2023.
    assert period_key(text, reference=dt.date(2025, 1, 15), lang=lang) == key
