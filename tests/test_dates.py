"""Publication dates with their provenance (corpus/dates.py): each rule on pages and sentences written here."""

from __future__ import annotations

from datetime import date

import pytest

from newstrace.corpus.dates import (
    body_date,
    dateline_date,
    iso_date,
    page_date,
    parse_date_text,
    structured_date,
    text_date,
    url_date,
)

TODAY = date(2026, 6, 30)


def _tree(html: str):
    from lxml import html as lxml_html

    return lxml_html.fromstring(html)


def _page(head: str = "", body: str = "<p>Text.</p>") -> str:
    return f"<html><head><title>t</title>{head}</head><body><article>{body}</article></body></html>"


def test_meta_published_time_is_metadata_not_estimated() -> None:
    tree = _tree(_page('<meta property="article:published_time" content="2025-02-11T07:30:00Z">'
                       '<meta property="article:modified_time" content="2025-03-01T07:30:00Z">'))
    found = structured_date(tree, today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2025-02-11", "metadata", False)


def test_jsonld_date_published() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "name": "x"}, {"@type": "NewsArticle", "datePublished": "2023-09-04T10:00:00+02:00",'
            ' "dateModified": "2023-09-05T10:00:00+02:00"}]}</script>')
    found = structured_date(_tree(_page(head)), today=TODAY)
    assert (found.date, found.source) == ("2023-09-04", "json-ld")


def test_time_element_marked_published() -> None:
    body = '<p>Clinic waiting lists fell.</p><time itemprop="datePublished" datetime="2024-11-20">20 Nov</time>'
    found = structured_date(_tree(_page(body=body)), today=TODAY)
    assert (found.date, found.source) == ("2024-11-20", "metadata")


def test_I19_year_in_body_is_not_the_publication_date() -> None:
    """An undated page that mentions a year gets no date, and never that year's 1 January."""
    body = ("<p>Wind farms built in 1999 are reaching the end of their design life, the operators' association "
            "said, and most of them will be repowered rather than removed.</p>"
            "<p>Turbines installed in 2020 are three times as tall.</p>")
    page = _page(body=body)
    found = page_date(_tree(page), ["https://energy.example.org/news/repowering-old-wind-farms"],
                      "Wind farms built in 1999 are reaching the end of their design life.\n"
                      "Turbines installed in 2020 are three times as tall.", today=TODAY)
    assert found.date is None and found.source is None
    assert not (found.date or "").endswith("-01-01")


def test_I19_quoted_document_date_is_only_an_estimate() -> None:
    body = "The regulator's notice of 12 March 2024 set a new ceiling on overdraft fees.\nBanks have a year to comply."
    found = body_date(body, today=TODAY)
    assert found.date == "2024-03-12" and found.source == "text" and found.estimated
    assert found.ordering_date is None


def test_dateline_with_agency_and_no_year_is_an_estimate_with_the_texts_year() -> None:
    body = "WASHINGTON, Aug. 1 (Reuters) - Hiring slowed sharply in July, the Labor Department said on Friday.\n" \
           "Payrolls rose by 60,000 in July 2025."
    found = dateline_date(body, today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2025-08-01", "dateline", True)


def test_dateline_with_year_is_the_date() -> None:
    body = "Geneva, 10 January 2025 - The agency said measles cases tripled across the region last year."
    found = dateline_date(body, today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2025-01-10", "dateline", False)


def test_published_stamp_line_is_a_dateline() -> None:
    body = "Published: 3 May 2024\nThe survey of 2,000 households found that energy bills doubled."
    assert dateline_date(body, today=TODAY).date == "2024-05-03"


def test_sentence_with_comma_and_date_in_the_middle_is_not_a_dateline() -> None:
    # The shape of a dateline (words, a comma, a date, a dash), but "March 2024" has no day: no date.
    body = "Prices rose, March 2024 figures show - a sign the cooling is over.\nAnalysts disagree."
    assert dateline_date(body, today=TODAY).date is None


def test_url_path_date_is_an_estimate() -> None:
    found = url_date("https://news.example.com/health/2024/03/01/clinic-waits-fall/", today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2024-03-01", "url", True)
    assert url_date("https://example.com/a/20240423/ev-sales.htm", today=TODAY).date == "2024-04-23"
    assert url_date("https://example.com/2025/01/payrolls-beat/", today=TODAY).date == "2025-01-01"
    assert url_date("https://example.com/story/200230.html", today=TODAY).date is None


def test_metadata_wins_over_url_and_text() -> None:
    page = _page('<meta name="dc.date" content="2022-06-15">')
    found = page_date(_tree(page), ["https://example.com/2021/11/03/x"], "Published on 1 July 2020.", today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2022-06-15", "metadata", False)


def test_future_dates_are_not_publication_dates() -> None:
    assert iso_date("2031-01-01", TODAY) is None
    found = text_date("The treaty takes effect on 1 January 2030.", today=TODAY)
    assert found.date is None


@pytest.mark.parametrize("a, b", [("Nov. 3", "November 3"), ("3 novembre", "November 3"),
                                  ("15 de junio", "June 15"), ("3 Nov 2024", "November 3, 2024")])
def test_parse_date_text_reads_spellings_alike(a: str, b: str) -> None:
    assert parse_date_text(a, today=TODAY) == parse_date_text(b, today=TODAY) is not None


def test_parse_date_text_says_whether_the_year_was_given() -> None:
    assert parse_date_text("June 14", today=TODAY) == ("2026-06-14", False)
    assert parse_date_text("June 14, 2022", today=TODAY) == ("2022-06-14", True)


def test_text_date_needs_day_month_and_year() -> None:
    # A decade, a bare year and a percentage next to a year are no dates.
    body = "Since the 1990s the share has grown; by the end of 2024, a 20% rise was recorded."
    assert text_date(body, today=TODAY).date is None
    assert text_date("The vote of 4 July 2023 and the ruling of July 9, 2024.", today=TODAY).date == "2024-07-09"
    assert text_date("Der Bericht vom 12. März 2024 zeigt einen Anstieg.", today=TODAY).date == "2024-03-12"


def test_htmldate_canonical_url_date_is_an_estimate() -> None:
    from newstrace.corpus.dates import htmldate_date

    page = _page('<link rel="canonical" href="https://news.example.com/2024/05/17/heat-pump-sales-fall/">')
    found = htmldate_date(_tree(page), today=TODAY)
    assert found.date in (None, "2024-05-17") and (found.date is None or found.estimated)
    assert page_date(_tree(page), [], "Heat pump sales fell.", today=TODAY).estimated


def test_masthead_date_line_is_the_date_but_a_sentence_with_a_date_is_not() -> None:
    found = dateline_date("Weekly digest | Thursday, January 22, 2026\nThree things to know.", today=TODAY)
    assert (found.date, found.source, found.estimated) == ("2026-01-22", "dateline", False)
    sentence = "The tribunal will rule on 4 May 2026 on the appeal.\nLawyers expect a delay."
    assert dateline_date(sentence, today=TODAY).date is None


def test_reingest_redoes_what_an_older_extractor_stored(tmp_path) -> None:
    """A stored article from extractor /2 (a made-up 1 January date, no source) is re-extracted on ingest."""
    import sqlite3

    from newstrace.corpus.ingest import EXTRACTOR_VERSION, IngestOptions, expand_sources, ingest
    from newstrace.corpus.store import Store

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "clinic.txt").write_text("Clinic waits fall\n\nYORK, 4 March 2025 - Waiting times at walk-in clinics "
                                       "fell by a fifth over the winter, the trust said, after it hired more staff "
                                       "and opened two sites in 2019.\nPatients were asked to book ahead, and the trust said it "
                                       "would publish waiting times for each site every week from April, so that "
                                       "people can choose the clinic with the shortest queue.\n",
                                       encoding="utf-8")
    db = tmp_path / "n.db"

    def run() -> list[str]:
        statuses: list[str] = []
        with Store.open(db) as store:
            ingest(expand_sources([str(folder)]), store, IngestOptions(), on_item=lambda r: statuses.append(r.status))
        return statuses

    assert run() == ["ok"]
    with sqlite3.connect(db) as conn:  # what an older extractor left: a year from the body, no provenance
        conn.execute("UPDATE articles SET published = '2019-01-01', date_source = NULL, "
                     "extractor_version = 'newstrace-clean/2'")
    assert run() == ["ok"]  # redone, not "unchanged"
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT published, date_source, date_estimated, extractor_version FROM articles").fetchone()
    assert row == ("2025-03-04", "dateline", 0, EXTRACTOR_VERSION)
    assert run() == ["unchanged"]


@pytest.mark.parametrize("body, expected, estimated", [
    ("Genf, 10. Januar (dpa) - Die Zahl der Pflegekräfte sank 2026 leicht.", "2026-01-10", True),
    ("LYON, 3 mars (AFP) - Les loyers ont augmenté en 2026.", "2026-03-03", True),
    ("Bilbao, 5 de mayo de 2026 (EFE) – Las tarifas eléctricas bajaron.", "2026-05-05", False),
    # A place that opens with an accented capital is a place too.
    ("ÉPINAL, 4 février 2026 (AFP) - Le nombre de chômeurs a reculé.", "2026-02-04", False),
    ("Ávila, 12 de octubre (EFE) – El paro bajó en 2025.", "2025-10-12", True),
])
def test_datelines_in_french_german_spanish(body, expected, estimated):
    found = dateline_date(body, today=date(2026, 12, 2))
    assert (found.date, found.source, found.estimated) == (expected, "dateline", estimated)


def test_a_lower_case_word_before_the_comma_is_no_dateline():
    assert dateline_date("selon, 3 mars 2026 - le rapport.", today=date(2026, 12, 2)).date is None
