"""provenance.conflicts: date, numeric and unit conflicts between retellings, on sentences written here."""

from __future__ import annotations

from dataclasses import replace

from newstrace.corpus.records import Article, Status
from newstrace.extract.records import Annotations, Entity
from newstrace.provenance.conflicts import find_conflicts, find_figure_conflicts
from newstrace.provenance.mention_match import same_up_to_rounding
from newstrace.provenance.records import FigureFamily, Mention, SourceRef


def _mention(article: str, sentence: str, stated: str, value: float, unit: str = "percent",
             source: str | None = "National Grain Board") -> Mention:
    start = sentence.index(stated)
    return Mention(article=article, text=stated, value=value, unit=unit, start=start, end=start + len(stated),
                   sentence=sentence, sentence_start=0, sentence_end=len(sentence),
                   attribution=SourceRef(source, "organization") if source else None)


def _family(*mentions: Mention) -> FigureFamily:
    return FigureFamily(id="f-1", value=mentions[0].value, unit=mentions[0].unit, mentions=tuple(mentions))


CLUSTER = {"a": "c-1", "b": "c-1", "c": "c-1"}


def test_numeric_conflict_same_source_two_values_with_both_sentences() -> None:
    one = _mention("a", "The board's previous estimate put the harvest's growth at 3.1% for the season.", "3.1%", 3.1)
    other = _mention("b", "Its earlier estimate, the board said, had been growth of 3.2%.", "3.2%", 3.2)
    found = find_figure_conflicts([_family(one, other)], CLUSTER)
    assert len(found) == 1
    conflict = found[0]
    assert {v["text"] for v in conflict.values} == {"3.1%", "3.2%"} and conflict.cluster == "c-1"
    assert {v["sentence"] for v in conflict.values} == {one.sentence, other.sentence}
    assert "National Grain Board" in conflict.what


def test_rounding_is_not_a_numeric_conflict() -> None:
    one = _mention("a", "Vacancies fell 15.86% over the year, the agency said.", "15.86%", 15.86)
    other = _mention("b", "Vacancies fell by 15.9%, according to the agency.", "15.9%", 15.9)
    third = _mention("c", "Vacancies fell about 16%.", "16%", 16.0)
    assert find_figure_conflicts([_family(one, other, third)], CLUSTER) == []
    assert same_up_to_rounding(879e6, 880e6) and not same_up_to_rounding(879e6, 890e6)
    assert not same_up_to_rounding(3.1, 3.2) and not same_up_to_rounding(20.0, 25.0)


def test_different_sources_with_different_values_are_not_a_conflict() -> None:
    # Two bodies publishing their own estimates is sources_differ (figures), not a contradiction.
    one = _mention("a", "The central bank expects inflation of 2.1% next year.", "2.1%", 2.1, source="central bank")
    other = _mention("b", "The finance ministry expects inflation of 2.6% next year.", "2.6%", 2.6,
                     source="finance ministry")
    assert find_figure_conflicts([_family(one, other)], CLUSTER) == []


def test_unit_conflict_miles_against_kilometres() -> None:
    one = _mention("a", "The new pipeline runs 1,200 miles from the gas field to the coast.", "1,200", 1200.0,
                   unit="quantity", source=None)
    other = _mention("b", "The pipeline will stretch 1,200 kilometres to the coast.", "1,200", 1200.0,
                     unit="quantity", source=None)
    found = find_figure_conflicts([_family(one), _family(other)], CLUSTER)
    assert len(found) == 1 and "unit differs" in found[0].what
    assert {v["article"] for v in found[0].values} == {"a", "b"}
    same = _mention("c", "Its length is 1,200 km, the operator said.", "1,200", 1200.0, unit="quantity", source=None)
    assert not [c for c in find_figure_conflicts([_family(other), _family(same)], CLUSTER)]


def _dated_article(article_id: str, text: str, date_text: str) -> tuple[Article, Annotations]:
    start = text.index(date_text)
    outlet = text.index("Harbour Gazette")
    agency = text.index("Port Authority")
    entities = (Entity(start, start + len(date_text), date_text, "DATE"),
                Entity(outlet, outlet + len("Harbour Gazette"), "Harbour Gazette", "ORG", kb_id="harbour-gazette",
                       kind="outlet"),
                Entity(agency, agency + len("Port Authority"), "Port Authority", "ORG", kb_id="port-authority"))
    article = Article(id=article_id, url=None, final_url=None, canonical_url=None, source_path=None,
                      status=Status.OK, text=text)
    return article, Annotations(article_id, "test", "en", sentences=((0, len(text)),), entities=entities)


def test_date_spellings_of_one_day_are_not_a_conflict_but_another_day_is() -> None:
    a = _dated_article("a", "The Harbour Gazette reported on Nov. 3 that the Port Authority would close the dock.",
                       "Nov. 3")
    b = _dated_article("b", "The Harbour Gazette reported on November 3 that the Port Authority would shut the dock.",
                       "November 3")
    c = _dated_article("c", "The Harbour Gazette reported on November 5 that the Port Authority would shut the dock.",
                       "November 5")
    articles = {x[0].id: x[0] for x in (a, b, c)}
    annotations = {x[0].id: x[1] for x in (a, b, c)}
    assert find_conflicts("c-1", ["a", "b"], articles, annotations) == []
    found = find_conflicts("c-1", ["a", "c"], articles, annotations)
    assert len(found) == 1 and {v["text"] for v in found[0].values} == {"Nov. 3", "November 5"}


def test_an_article_stating_both_values_compares_them_and_contradicts_nobody() -> None:
    # "rose to 5.4% from 5.1%" in one article, 5.4% in the other: no conflict; June against July: none either.
    both = [_mention("a", "The jobless rate rose to 5.4% in May from 5.1% in April, the board said.", "5.4%", 5.4),
            _mention("a", "The jobless rate rose to 5.4% in May from 5.1% in April, the board said.", "5.1%", 5.1)]
    other = _mention("b", "Unemployment reached 5.4%, the board said.", "5.4%", 5.4)
    assert find_figure_conflicts([_family(*both, other)], CLUSTER) == []
    june = _mention("a", "Prices rose 2.9% in June, the board said.", "2.9%", 2.9)
    july = _mention("b", "Prices rose 3.3% in July, the board said.", "3.3%", 3.3)
    june = Mention(**{**june.__dict__, "period": "June"})
    july = Mention(**{**july.__dict__, "period": "July"})
    assert find_figure_conflicts([_family(june, july)], CLUSTER) == []


def test_two_roundings_of_one_precise_value_are_drift_not_a_conflict() -> None:
    precise = _mention("a", "Exports rose 15.86% in the quarter, the office said.", "15.86%", 15.86)
    cut = _mention("b", "Exports rose 15.8%, the office said.", "15.8%", 15.8)
    rounded = _mention("c", "Exports rose 15.9%, according to the office.", "15.9%", 15.9)
    assert find_figure_conflicts([_family(precise, cut, rounded)], CLUSTER) == []
    # Without the precise value, 15.8 and 15.9 are two values for one quantity.
    assert len(find_figure_conflicts([_family(cut, rounded)], CLUSTER)) == 1


# -- direction of change: "rose to" against "held at" one value ---------------------------------


def _directions(found):
    return [c for c in found if c.what.startswith("direction differs")]


def test_rose_against_held_at_one_value_is_a_direction_conflict_with_both_phrases() -> None:
    one = _mention("a", "The jobless rate among nurses ticked up to 3.8% in March, the board said.", "3.8%", 3.8)
    other = _mention("b", "In March the nurses' jobless rate held at 3.8%, according to the board.", "3.8%", 3.8)
    found = _directions(find_figure_conflicts([_family(one, other)], CLUSTER))
    assert len(found) == 1
    assert {v["text"] for v in found[0].values} == {"ticked up to 3.8%", "held at 3.8%"}
    assert {v["sentence"] for v in found[0].values} == {one.sentence, other.sentence}


def test_same_direction_or_direction_for_another_quantity_is_not_a_conflict() -> None:
    # Both say it rose (in other words); and "rose" about rents next to "held at" for the vacancy rate.
    one = _mention("a", "Household power bills climbed to 12.5% of income last winter.", "12.5%", 12.5)
    other = _mention("b", "Power bills rose to 12.5% of household income last winter.", "12.5%", 12.5)
    assert _directions(find_figure_conflicts([_family(one, other)], CLUSTER)) == []
    rents = _mention("c", "Rents rose sharply while the vacancy rate held at 2.1%.", "2.1%", 2.1)
    vacancy = _mention("a", "The vacancy rate was 2.1% in the third quarter.", "2.1%", 2.1)
    assert _directions(find_figure_conflicts([_family(rents, vacancy)], CLUSTER)) == []


def test_different_values_or_one_article_are_not_a_direction_conflict() -> None:
    # "rose to 5.1%" and "held at 5.0%" are two values, the numeric conflict's business, not a direction one.
    one = _mention("a", "Emissions from power plants rose to 5.1% above the baseline.", "5.1%", 5.1)
    other = _mention("b", "Emissions from power plants held at 5.0% above the baseline.", "5.0%", 5.0)
    assert _directions(find_figure_conflicts([_family(one, other)], CLUSTER)) == []
    same = _mention("a", "The share held at 40% after it rose to 40% a year earlier.", "40%", 40.0)
    again = _mention("a", "The share rose to 40% a year earlier.", "40%", 40.0)
    assert _directions(find_figure_conflicts([_family(same, again)], CLUSTER)) == []


def test_direction_phrases_are_read_in_the_article_language() -> None:
    one = _mention("a", "Die Quote der Langzeitarbeitslosen verharrte bei 7,4 Prozent.", "7,4 Prozent", 7.4)
    other = _mention("b", "The long-term jobless share rose to 7.4 percent.", "7.4 percent", 7.4)
    found = _directions(find_figure_conflicts([_family(one, other)], CLUSTER, {"a": "de", "b": "en"}))
    assert len(found) == 1 and {v["text"] for v in found[0].values} == {"verharrte bei 7,4 Prozent",
                                                                        "rose to 7.4 percent"}


def test_one_direction_disagreement_across_three_articles_is_one_conflict_naming_all() -> None:
    one = _mention("a", "The vaccination rate held at 61% in the autumn.", "61%", 61.0)
    other = _mention("b", "The vaccination rate rose to 61% in the autumn.", "61%", 61.0)
    third = _mention("c", "Autumn vaccination rose to 61%, officials said.", "61%", 61.0)
    found = _directions(find_figure_conflicts([_family(one, other, third)], CLUSTER))
    assert len(found) == 1 and {v["article"] for v in found[0].values} == {"a", "b", "c"}


# -- expectations and bounds (conflict_kinds) ------------------------------------------------------


def _kind(found, prefix: str):
    return [c for c in found if c.what.startswith(prefix)]


def test_expectation_conflict_met_vs_unexpected_with_both_sentences() -> None:
    one = _mention("a", "Measles cases reached 1,200 this spring, in line with forecasts from the agency.", "1,200",
                   1200, unit="count")
    other = _mention("b", "Measles cases unexpectedly reached 1,200 this spring, the agency said.", "1,200", 1200,
                     unit="count")
    found = _kind(find_figure_conflicts([_family(one, other)], CLUSTER), "expectation")
    assert len(found) == 1
    texts = {v["text"].lower() for v in found[0].values}
    assert texts == {"in line with forecasts", "unexpectedly"}
    assert {v["article"] for v in found[0].values} == {"a", "b"}
    assert all(v["sentence"] for v in found[0].values)


def test_expectation_read_in_the_sentence_before_when_text_given() -> None:
    text = "Die Inflation ist im März entgegen den Erwartungen gestiegen. Sie lag bei 2,9 %, so das Amt."
    start = text.index("Sie lag")
    sentence = text[start:]
    other = _mention("b", "Inflation rose to 2.9% in March, as economists expected.", "2.9%", 2.9)
    stated = sentence.index("2,9 %")
    one = Mention(article="a", text="2,9 %", value=2.9, unit="percent", start=start + stated,
                  end=start + stated + 5, sentence=sentence, sentence_start=start, sentence_end=len(text),
                  attribution=SourceRef("National Grain Board", "organization"))
    family = [_family(one, other)]
    languages = {"a": "de", "b": "en"}
    assert _kind(find_figure_conflicts(family, CLUSTER, languages), "expectation") == []
    found = _kind(find_figure_conflicts(family, CLUSTER, languages, {"a": text}), "expectation")
    assert len(found) == 1
    assert {v["text"].lower() for v in found[0].values} == {"entgegen den erwartungen", "as economists expected"}


def test_expectation_agreeing_or_other_value_is_no_conflict() -> None:
    one = _mention("a", "Crude output fell to 9.1 million barrels a day, as analysts expected.", "9.1", 9.1,
                   unit="count")
    same = _mention("b", "Output was 9.1 million barrels a day, in line with estimates.", "9.1", 9.1, unit="count")
    assert _kind(find_figure_conflicts([_family(one, same)], CLUSTER), "expectation") == []
    other_value = _mention("b", "Output unexpectedly hit 9.4 million barrels a day.", "9.4", 9.4, unit="count")
    assert _kind(find_figure_conflicts([_family(one, other_value)], CLUSTER), "expectation") == []
    # "beat" and "unexpectedly" do not contradict: a surprise may well be a beat.
    beat = _mention("a", "Burglaries totalled 310, higher than expected by the force.", "310", 310, unit="count")
    surprise = _mention("b", "Burglaries unexpectedly totalled 310 in the quarter.", "310", 310, unit="count")
    assert _kind(find_figure_conflicts([_family(beat, surprise)], CLUSTER), "expectation") == []


def _approx(article: str, sentence: str, stated: str, value: float, approx: str, unit: str = "percent",
            of: float | None = None) -> Mention:
    mention = _mention(article, sentence, stated, value, unit=unit)
    return Mention(**{**mention.__dict__, "approx": approx, "of": of})


def test_bound_conflict_more_than_a_fifth_vs_nearly_twenty_percent() -> None:
    one = _approx("a", "More than one in five adults in the region now smoke, the survey found.", "one in five",
                  1, "More than", unit="ratio", of=5)
    other = _approx("b", "Nearly 20% of adults in the region smoke, according to the survey.", "20%", 20, "Nearly")
    found = _kind(find_figure_conflicts([_family(one, other)], CLUSTER), "bounds")
    assert len(found) == 1
    assert {v["text"] for v in found[0].values} == {"More than one in five", "Nearly 20%"}
    assert all(v["sentence"] for v in found[0].values)


def test_bounds_that_can_both_hold_are_no_conflict() -> None:
    over = _approx("a", "Solar supplied more than 12% of the grid's power last year.", "12%", 12, "more than")
    nearly = _approx("b", "Solar supplied nearly 15% of the grid's power last year.", "15%", 15, "nearly")
    assert _kind(find_figure_conflicts([_family(over, nearly)], CLUSTER), "bounds") == []
    about = _approx("b", "Solar supplied about 10% of the grid's power last year.", "10%", 10, "about")
    assert _kind(find_figure_conflicts([_family(over, about)], CLUSTER), "bounds") == []
    # "at least 300" and "up to 300" both allow exactly 300.
    least = _approx("a", "At least 300 jobs will go at the plant.", "300", 300, "At least", unit="count")
    most = _approx("b", "Up to 300 jobs will go at the plant.", "300", 300, "Up to", unit="count")
    assert _kind(find_figure_conflicts([_family(least, most)], CLUSTER), "bounds") == []
    fewer = _approx("b", "Up to 250 jobs will go at the plant.", "250", 250, "Up to", unit="count")
    assert len(_kind(find_figure_conflicts([_family(least, fewer)], CLUSTER), "bounds")) == 1


def test_bounds_with_one_period_unstated_are_no_conflict() -> None:
    later = _approx("a", "Almost one in five homes will use heat pumps by 2030.", "one in five", 1, "Almost",
                    unit="ratio", of=5)
    later = Mention(**{**later.__dict__, "period": "2030"})
    undated = _approx("b", "More than one in five homes use heat pumps.", "one in five", 1, "More than",
                      unit="ratio", of=5)
    assert _kind(find_figure_conflicts([_family(later, undated)], CLUSTER), "bounds") == []
    dated = Mention(**{**undated.__dict__, "period": "2030"})
    assert len(_kind(find_figure_conflicts([_family(later, dated)], CLUSTER), "bounds")) == 1


# -- scope: what one value counts (conflict_kinds.scope_conflicts) ------------------------------------


def _scopes(found):
    return [c for c in found if c.kind == "scope"]


def test_one_value_said_to_count_two_exclusive_categories_is_a_scope_conflict() -> None:
    one = _mention("a", "About 31% of the town's workers held part-time jobs last year, the board said.", "31%", 31.0)
    other = _mention("b", "Some 31% of workers in the town were in full-time jobs last year.", "31%", 31.0)
    found = _scopes(find_figure_conflicts([_family(one, other)], CLUSTER))
    assert len(found) == 1
    texts = {v["text"] for v in found[0].values}
    assert any("part-time" in t for t in texts) and any("full-time" in t for t in texts)
    assert {v["sentence"] for v in found[0].values} == {one.sentence, other.sentence}


def test_a_dash_aside_keeps_the_category_after_it() -> None:
    one = _mention("a", "Nearly 2 million residents — 18% of adults — are obese, the survey found.", "18%", 18.0)
    other = _mention("b", "The survey found that 18% of adults are overweight.", "18%", 18.0)
    found = _scopes(find_figure_conflicts([_family(one, other)], CLUSTER))
    assert len(found) == 1


def test_a_retelling_naming_both_categories_or_the_same_one_is_no_scope_conflict() -> None:
    both = _mention("a", "The survey found 18% of adults were overweight or obese.", "18%", 18.0)
    one = _mention("b", "The survey found that 18% of adults are obese.", "18%", 18.0)
    assert _scopes(find_figure_conflicts([_family(both, one)], CLUSTER)) == []
    same = _mention("c", "Obesity now affects 18% of adults, the survey found.", "18%", 18.0)
    assert _scopes(find_figure_conflicts([_family(one, same)], CLUSTER)) == []


def test_different_values_are_no_scope_conflict() -> None:
    one = _mention("a", "The median wage rose to $812 a week.", "$812", 812.0, unit="USD")
    other = _mention("b", "The average wage rose to $960 a week.", "$960", 960.0, unit="USD")
    assert _scopes(find_figure_conflicts([_family(one, other)], CLUSTER)) == []


def test_a_scope_or_expectation_disagreement_names_every_article_on_each_side() -> None:
    one = _mention("a", "Some 31% of workers in the town held part-time jobs last year.", "31%", 31.0)
    other = _mention("b", "About 31% of the town's workers were in full-time jobs last year.", "31%", 31.0)
    third = _mention("c", "Last year 31% of its workers had part-time jobs, the board said.", "31%", 31.0)
    found = _scopes(find_figure_conflicts([_family(one, other, third)], CLUSTER))
    assert len(found) == 1 and {v["article"] for v in found[0].values} == {"a", "b", "c"}
    met = _mention("a", "Inflation eased to 2.9%, in line with expectations.", "2.9%", 2.9)
    also_met = _mention("b", "As expected, inflation eased to 2.9% in May.", "2.9%", 2.9)
    defied = _mention("c", "Inflation unexpectedly eased to 2.9%.", "2.9%", 2.9)
    found = _kind(find_figure_conflicts([_family(met, also_met, defied)], CLUSTER), "expectation")
    assert len(found) == 1 and {v["article"] for v in found[0].values} == {"a", "b", "c"}


def _release_article(article_id: str, text: str, language: str, date_text: str,
                     *named: tuple[str, str, str]) -> tuple[Article, Annotations]:
    """An article with one dated sentence; `named` holds (text, kb id, kind) of its KB entities."""
    start = text.index(date_text)
    entities = [Entity(start, start + len(date_text), date_text, "DATE")]
    for name, kb_id, kind in named:
        at = text.index(name)
        entities.append(Entity(at, at + len(name), name, "ORG", kb_id=kb_id, kind=kind))
    article = Article(id=article_id, url=None, final_url=None, canonical_url=None, source_path=None,
                      status=Status.OK, text=text, language=language)
    return article, Annotations(article_id, "test", language, sentences=((0, len(text)),),
                                entities=tuple(sorted(entities, key=lambda e: e.start)))


def test_a_release_dated_differently_across_languages_through_its_publisher_is_a_date_conflict() -> None:
    # The English retelling names the report (a KB work), the Spanish one its publisher and a publication word.
    a = _release_article("a", "The Coastal Health Survey, released on Tuesday (May 6), found fewer smokers.", "en",
                         "May 6", ("Coastal Health Survey", "chs", "study"))
    b = _release_article("b", "Un estudio del Instituto Costero publicado el miércoles, 7 de mayo, halla menos fumadores.",
                         "es", "7 de mayo", ("Instituto Costero", "coast-inst", "organization"))
    articles = {x[0].id: x[0] for x in (a, b)}
    annotations = {x[0].id: x[1] for x in (a, b)}
    publishers = {"chs": ("coast-inst",)}
    found = find_conflicts("c-1", ["a", "b"], articles, annotations, publishers=publishers)
    assert len(found) == 1 and {v["text"] for v in found[0].values} == {"May 6", "7 de mayo"}
    # Without the KB's publisher the two sentences name no common body; without a publication word
    # the institute's sentence dates something else.
    assert find_conflicts("c-1", ["a", "b"], articles, annotations) == []
    c = _release_article("c", "El Instituto Costero abrió el miércoles, 7 de mayo, una nueva sede.", "es",
                         "7 de mayo", ("Instituto Costero", "coast-inst", "organization"))
    articles["c"], annotations["c"] = c
    assert find_conflicts("c-1", ["a", "c"], articles, annotations, publishers=publishers) == []
    # A date near a publication word that dates something else than the work the sentence names.
    d = _release_article("d", "A new inhaler, released on May 9 by a start-up, leads the Coastal Health Survey.",
                         "en", "May 9", ("Coastal Health Survey", "chs", "study"))
    articles["d"], annotations["d"] = d
    assert find_conflicts("c-1", ["a", "d"], articles, annotations, publishers=publishers) == []


# -- aligned sentences (conflict_kinds.aligned_conflicts) -----------------------------------------------


def _aligned(found):
    return [c for c in found if c.what.startswith("value differs in aligned sentences")]


def _fam(family_id: str, *mentions: Mention) -> FigureFamily:
    return FigureFamily(id=family_id, value=mentions[0].value, unit=mentions[0].unit, mentions=tuple(mentions))


def _two(article: str, sentence: str, first: tuple[str, float, str], second: tuple[str, float, str]):
    return tuple(_mention(article, sentence, text, value, unit=unit, source=None) for text, value, unit in (first, second))


def test_a_translated_sentence_anchored_by_a_shared_figure_gives_its_other_figure_another_value() -> None:
    en = _two("a", "Rural clinics treated 2.4 million patients, 31.7% of all visits.",
              ("2.4 million", 2.4e6, "quantity"), ("31.7%", 31.7, "percent"))
    es = _two("b", "Las clínicas rurales atendieron a 2,4 millones de pacientes, el 32,9% de las visitas.",
              ("2,4 millones", 2.4e6, "quantity"), ("32,9%", 32.9, "percent"))
    families = [_fam("f-count", en[0], es[0]), _fam("f-en", en[1]), _fam("f-es", es[1])]
    found = _aligned(find_figure_conflicts(families, {"a": "c-1", "b": "c-1"}, {"a": "en", "b": "es"}))
    assert len(found) == 1 and {v["text"] for v in found[0].values} == {"31.7%", "32,9%"}
    # Another story, or no shared figure: nothing anchors the sentences.
    assert _aligned(find_figure_conflicts(families, {"a": "c-1", "b": "c-2"}, {"a": "en", "b": "es"})) == []
    apart = [_fam("f-1", en[0]), _fam("f-2", es[0]), _fam("f-en", en[1]), _fam("f-es", es[1])]
    assert _aligned(find_figure_conflicts(apart, {"a": "c-1", "b": "c-1"}, {"a": "en", "b": "es"})) == []


def test_aligned_figures_far_apart_or_ambiguous_or_of_other_measures_are_no_conflict() -> None:
    cluster = {"a": "c-1", "b": "c-1"}
    # 62% against 4.1%: a participation rate beside an unemployment rate, not one figure misstated.
    far = (_two("a", "Some 6.1 million were jobless while participation stood at 62.4%.",
                ("6.1 million", 6.1e6, "quantity"), ("62.4%", 62.4, "percent")),
           _two("b", "The jobless rate was 4.1%, with 6.1 million out of work.",
                ("6.1 million", 6.1e6, "quantity"), ("4.1%", 4.1, "percent")))
    families = [_fam("f-count", far[0][0], far[1][0]), _fam("f-x", far[0][1]), _fam("f-y", far[1][1])]
    assert _aligned(find_figure_conflicts(families, cluster)) == []
    # Two percentages beside the anchor: which one the other sentence restates is unknown.
    a = [_mention("a", "Of 900 schools, 41% had nurses and 44% had counsellors.", t, v, source=None)
         for t, v in (("900", 900.0), ("41%", 41.0), ("44%", 44.0))]
    b = _two("b", "Across 900 schools, 42% had nurses.", ("900", 900.0, "quantity"), ("42%", 42.0, "percent"))
    families = [_fam("f-n", a[0], b[0]), _fam("f-1", a[1]), _fam("f-2", a[2]), _fam("f-3", b[1])]
    assert _aligned(find_figure_conflicts(families, cluster)) == []
    # One language, measures with different heads: a share and a turnout are two quantities.
    x = replace(_mention("a", "Of 900 schools, 41% had nurses.", "41%", 41.0, source=None), measure="share of schools")
    y = replace(_mention("b", "Of 900 schools, turnout was 43%.", "43%", 43.0, source=None), measure="turnout")
    n1, n2 = (_mention(m.article, m.sentence, "900", 900.0, unit="quantity", source=None) for m in (x, y))
    families = [_fam("f-n", n1, n2), _fam("f-x", x), _fam("f-y", y)]
    assert _aligned(find_figure_conflicts(families, cluster)) == []


def test_shares_said_in_words_with_another_denominator_are_a_numeric_conflict() -> None:
    # "one in ten" is not "one in nine" rounded, though 0.1 is 0.111 to one decimal.
    one = _mention("a", "One in nine homes in the region now heats with a pump, the board said.", "One in nine",
                   1 / 9, unit="ratio")
    other = _mention("b", "Jede zehnte Wohnung in der Region heizt laut dem Amt mit einer Pumpe.", "Jede zehnte",
                     0.1, unit="ratio")
    found = find_figure_conflicts([_family(one, other)], CLUSTER)
    assert [c.kind for c in found] == ["numeric"]
    assert {v["text"] for v in found[0].values} == {"One in nine", "Jede zehnte"}


def test_one_share_said_two_ways_is_no_conflict() -> None:
    one = _mention("a", "A fifth of the grain was lost to the floods, the board said.", "A fifth", 0.2, unit="ratio")
    other = _mention("b", "One in five tonnes of grain was lost, according to the board.", "One in five", 0.2,
                     unit="ratio")
    assert find_figure_conflicts([_family(one, other)], CLUSTER) == []


def test_one_country_named_two_ways_is_one_holder_for_a_numeric_conflict() -> None:
    one = replace(_mention("a", "In the United States, 3.1% of loans were late, the board said.", "3.1%", 3.1),
                  holder="United States")
    other = replace(_mention("b", "US late loans stood at 3.4%, the board said.", "3.4%", 3.4), holder="US")
    assert [c.kind for c in find_figure_conflicts([_family(one, other)], CLUSTER)] == ["numeric"]
    sector = replace(other, holder="the farm sector")
    assert find_figure_conflicts([_family(one, sector)], CLUSTER) == []
