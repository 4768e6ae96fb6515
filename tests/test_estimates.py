"""Estimates per primary source inside one figure family: drift against one's own source, sources_differ
between sources, and unattributed retellings traced by value (or left open)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from newstrace.corpus.records import Article
from newstrace.provenance.estimates import AMBIGUOUS, DRIFT, SOURCES_DIFFER, TRACED_BY_VALUE, trace_estimates
from newstrace.provenance.records import ChainStep, Mention, SourceRef


def _source(name: str, *, inferred: bool = False, cue: str = "according to") -> SourceRef:
    return SourceRef(name=name, kind="organization", kb_id=None, cue=cue, inferred=inferred)


def _mention(article: str, value: float, text: str, source: SourceRef | None = None, *,
             approx: str | None = None, holder: str | None = None) -> Mention:
    chain = (ChainStep(f"article:{article}", article, "article"),)
    if source is not None:
        chain += (ChainStep(f"name:{source.name.lower().replace(' ', '-')}", source.name, "organization"),)
    return Mention(article=article, text=text, value=value, unit="percent", start=0, end=len(text),
                   sentence=text, sentence_start=0, sentence_end=len(text), approx=approx, holder=holder,
                   attribution=source, chain=chain)


def _vec(*weights: float) -> np.ndarray:
    v = np.array(weights + (0.0,) * (8 - len(weights)), dtype=np.float32)
    return v / np.linalg.norm(v)


LABOUR = _vec(1, 0.1)  # sentences about one quantity: the share of workers on fixed-term contracts
OTHER = _vec(0, 0, 1)  # a sentence about something else


def test_two_bodies_each_own_estimate_is_sources_differ_not_drift() -> None:
    office = _source("Harbour Statistics Office")
    union = _source("Dockworkers Union")
    mentions = [_mention("a", 48, "48%", office), _mention("b", 48, "48%", office), _mention("c", 51, "51%", union)]
    estimates, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c2"})
    assert [(e.name, e.value, e.mentions) for e in estimates] == [
        ("Harbour Statistics Office", 48, (0, 1)), ("Dockworkers Union", 51, (2,))]
    assert SOURCES_DIFFER in flags and DRIFT not in flags
    assert all(DRIFT not in m.flags for m in out)


def test_a_retelling_that_rounds_its_own_source_drifts() -> None:
    clinic = _source("Northshore Clinic Network")
    mentions = [_mention("a", 12.4, "12.4%", clinic), _mention("b", 12, "about 12%", clinic, approx="about"),
                _mention("c", 12.4, "12.4%", clinic)]
    estimates, out, flags = trace_estimates(mentions, {}, {0: "c1", 1: "c1", 2: "c1"})
    assert [e.value for e in estimates] == [12.4]
    assert flags == (DRIFT,)
    assert [DRIFT in m.flags for m in out] == [False, True, False]


def test_the_primary_document_sets_its_estimate_even_when_retellings_outnumber_it() -> None:
    own = _source("Ridgeway Energy Agency", cue="primary document")
    agency = _source("Ridgeway Energy Agency")
    mentions = [_mention("p", 31.6, "31.6%", own)] + [_mention(x, 32, "32%", agency) for x in "abc"]
    estimates, out, flags = trace_estimates(mentions, {}, {i: "c1" for i in range(4)})
    assert [e.value for e in estimates] == [31.6]
    assert DRIFT in flags and [DRIFT in m.flags for m in out] == [False, True, True, True]


def test_unattributed_retelling_is_traced_to_the_estimate_it_matches() -> None:
    office, union = _source("Harbour Statistics Office"), _source("Dockworkers Union")
    mentions = [_mention("a", 48, "48%", office), _mention("c", 51, "51%", union), _mention("d", 51, "51%")]
    vectors = {0: LABOUR, 1: LABOUR, 2: LABOUR}
    # "d" is a digest in no shared story: the trace is recorded, the attribution stays empty.
    estimates, out, _ = trace_estimates(mentions, vectors, {0: "c1", 1: "c2", 2: "c3"})
    assert estimates[1].mentions == (1, 2)
    assert TRACED_BY_VALUE in out[2].flags and out[2].attribution is None
    # In the union's own story the same trace is an inference and becomes the attribution.
    _, out, _ = trace_estimates(mentions, vectors, {0: "c1", 1: "c2", 2: "c2"})
    assert out[2].attribution is not None and out[2].attribution.name == "Dockworkers Union"
    assert out[2].attribution.inferred


def test_an_inherited_source_of_the_wrong_body_is_corrected_by_value() -> None:
    office, union = _source("Harbour Statistics Office"), _source("Dockworkers Union")
    wrongly = _source("Harbour Statistics Office", inferred=True, cue="inferred from coverage cluster")
    mentions = [_mention("a", 48, "48%", office), _mention("c", 51, "51%", union), _mention("d", 51, "51%", wrongly)]
    _, out, _ = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c1"})
    assert out[2].attribution is not None and out[2].attribution.name == "Dockworkers Union"


def test_a_value_two_estimates_match_is_left_open() -> None:
    survey, register = _source("National Health Survey"), _source("Hospital Register")
    # "about 20%" is compatible with both 19.6 and 20.3: nothing says which body it retells.
    mentions = [_mention("a", 19.6, "19.6%", survey), _mention("b", 20.3, "20.3%", register),
                _mention("c", 20, "about 20%", approx="about")]
    estimates, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c1"})
    assert AMBIGUOUS in out[2].flags and out[2].attribution is None
    assert all(2 not in e.mentions for e in estimates)


def test_a_sentence_about_something_else_in_another_story_is_not_traced() -> None:
    office, union = _source("Harbour Statistics Office"), _source("Dockworkers Union")
    mentions = [_mention("a", 48, "48%", office), _mention("c", 51, "51%", union), _mention("z", 48, "48%")]
    estimates, out, _ = trace_estimates(mentions, {0: LABOUR, 1: LABOUR, 2: OTHER}, {0: "c1", 1: "c2", 2: "c9"})
    assert estimates[0].mentions == (0,) and out[2].flags == () and out[2].attribution is None
    # With one source in the family, a member that names none is a retelling of it (grouping vouched).
    estimates, out, _ = trace_estimates(mentions[:1] + mentions[2:], {0: LABOUR, 1: OTHER}, {0: "c1", 1: "c9"})
    assert estimates[0].mentions == (0, 1)


def test_a_misread_source_name_is_not_an_estimate() -> None:
    # "38% of respondents" read as a source name must not become a second body disagreeing with the first.
    institute, misread = _source("Media Research Institute"), _source("38% of respondents")
    mentions = [_mention("a", 38, "38%", institute), _mention("b", 38.4, "38.4%", misread)]
    estimates, _, flags = trace_estimates(mentions, {0: LABOUR, 1: LABOUR}, {0: "c1", 1: "c1"})
    assert [e.name for e in estimates] == ["Media Research Institute"]
    assert SOURCES_DIFFER not in flags


def test_holder_of_another_country_is_drift() -> None:
    office = _source("Harbour Statistics Office")
    mentions = [_mention("a", 7.5, "7.5%", office, holder="German workers"),
                _mention("b", 7.5, "7.5%", office, holder="French workers")]
    _, out, flags = trace_estimates(mentions, {}, {0: "c1", 1: "c1"})
    assert DRIFT in flags and DRIFT in out[1].flags


def test_open_between_agreeing_sources_a_different_value_still_drifts() -> None:
    journal, agency = _source("Medical Journal"), _source("Health Agency")
    mentions = [_mention("a", 1e9, "1 billion", journal), _mention("b", 1e9, "1 billion", agency),
                _mention("c", 1.038e9, "1,038 million")]
    _, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c1"})
    assert AMBIGUOUS in out[2].flags and DRIFT in out[2].flags and DRIFT in flags
    assert out[2].attribution is None


def test_in_another_language_the_value_alone_picks_the_estimate() -> None:
    office, union = _source("Harbour Statistics Office"), _source("Dockworkers Union")
    mentions = [_mention("a", 48, "48%", office), _mention("c", 51, "51%", union), _mention("d", 51, "51 %")]
    vectors = {0: LABOUR, 1: LABOUR, 2: OTHER}  # the English encoder on a German sentence: far off
    _, out, _ = trace_estimates(mentions, vectors, {0: "c1", 1: "c2", 2: "c3"}, languages={0: "en", 1: "en", 2: "de"})
    assert TRACED_BY_VALUE in out[2].flags
    _, out, _ = trace_estimates(mentions, vectors, {0: "c1", 1: "c2", 2: "c3"}, languages={0: "en", 1: "en", 2: "en"})
    assert out[2].flags == ()


def _article(article_id: str, published: str | None, *, estimated: bool = False) -> Article:
    from newstrace.corpus.records import Status

    return Article(id=article_id, url=None, final_url=None, canonical_url=None, source_path=None,
                   status=Status.OK, published=published, date_estimated=estimated)


def test_a_trace_never_lends_the_source_of_a_later_article() -> None:
    union = _source("Dockworkers Union")
    mentions = [_mention("later", 51, "51%", union), _mention("early", 51, "51%")]
    vectors = {0: LABOUR, 1: LABOUR}
    clusters = {0: "c1", 1: "c1"}
    articles = {"later": _article("later", "2025-03-10"), "early": _article("early", "2025-03-02")}
    _, out, _ = trace_estimates(mentions, vectors, clusters, articles=articles)
    # The earlier page cannot have taken its figure from a page published after it: the trace stays a trace.
    assert out[1].attribution is None and TRACED_BY_VALUE in out[1].flags
    # Dated the other way round, or with the donor's date only an estimate, the inference stands.
    articles["later"] = _article("later", "2025-02-20")
    _, out, _ = trace_estimates(mentions, vectors, clusters, articles=articles)
    assert out[1].attribution is not None and out[1].attribution.via == "later"
    articles["later"] = _article("later", "2025-03-10", estimated=True)
    _, out, _ = trace_estimates(mentions, vectors, clusters, articles=articles)
    assert out[1].attribution is not None and out[1].attribution.via == "later"


def test_a_value_no_agreeing_source_states_is_drift_left_open() -> None:
    # Two bodies publish one count of flu admissions (2,410); a page naming nobody writes 4,210: it
    # misstates the figure whichever body it retells, so it drifts, and the bodies do not differ.
    agency, register = _source("Coastal Health Agency"), _source("Hospital Admissions Register")
    mentions = [_mention("a", 2410, "2,410", agency), _mention("b", 2410, "2,410", register),
                _mention("c", 4210, "4,210")]
    _, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c2"})
    assert DRIFT in out[2].flags and AMBIGUOUS in out[2].flags and out[2].attribution is None
    assert DRIFT in flags and SOURCES_DIFFER not in flags
    # When the bodies disagree with each other, a third value is not pinned on either as drift.
    mentions[1] = _mention("b", 2650, "2,650", register)
    _, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {0: "c1", 1: "c1", 2: "c2"})
    assert DRIFT not in out[2].flags and SOURCES_DIFFER in flags


def _inherited(name: str, via: str) -> SourceRef:
    return SourceRef(name=name, kind="person", kb_id=None, cue="inferred from coverage cluster", inferred=True,
                     via=via)


def _said(name: str, kind: str = "person") -> SourceRef:
    # named in another sentence of the page and carried over: the page's own words, but only inferred
    return SourceRef(name=name, kind=kind, kb_id=None, cue="carried over from an earlier sentence", inferred=True)


def _sentence_mention(article: str, value: float, text: str, sentence: str, source: SourceRef | None) -> Mention:
    return replace(_mention(article, value, text, source), sentence=sentence, unit="count")


def test_one_inferred_source_with_two_values_the_differing_one_drifts() -> None:
    # Energy: two pages name the grid operator for 4,800 outages; a page quoting its spokesman (his name
    # carried over from another sentence) says 4,800, and a page that inherits the spokesman from it says
    # 8,400. The spokesman states no estimate of his own; a source does not publish two values for one
    # count, so 8,400 misstates it.
    grid, board = _source("Valley Grid Operator"), _source("Regional Energy Board")
    mentions = [_sentence_mention("a", 4800, "4,800", "The operator counted 4,800 outages.", grid),
                _sentence_mention("b", 4800, "4,800", "The board confirmed 4,800 outages.", board),
                _sentence_mention("c", 4800, "4,800", "Okafor said 4,800 homes lost power.", _said("Okafor")),
                _sentence_mention("d", 8400, "8,400", "Some 8,400 homes lost power.", _inherited("Okafor", "c"))]
    _, out, flags = trace_estimates(mentions, {i: LABOUR for i in range(4)}, {i: "c1" for i in range(4)})
    assert DRIFT in out[3].flags and DRIFT not in out[2].flags
    assert DRIFT in flags and SOURCES_DIFFER not in flags


def test_an_inherited_source_stating_the_agreed_value_is_not_drift() -> None:
    # Health: the same count of measles cases retold through an inherited name is no misstatement.
    ministry, institute = _source("Health Ministry"), _source("Public Health Institute")
    mentions = [_mention("a", 312, "312", ministry), _mention("b", 312, "312", institute),
                _mention("c", 312, "312", _inherited("Dr. Amara Lind", "x"))]
    _, out, flags = trace_estimates(mentions, {0: LABOUR, 1: LABOUR, 2: OTHER}, {0: "c1", 1: "c1", 2: "c9"})
    assert DRIFT not in out[2].flags and DRIFT not in flags


def test_a_body_the_page_itself_names_for_another_value_is_not_pinned_as_drift() -> None:
    # Surveys: a page whose only named source is a second institute, with its own 2.6 million, is not
    # treated as a retelling of the first two bodies' 2.5 million (its source is its own page's word).
    first, second = _source("Household Panel"), _source("Census Office")
    named_only = SourceRef(name="Social Research Centre", kind="organization", kb_id=None,
                           cue="the source the article names", inferred=True)
    mentions = [_mention("a", 2.5e6, "2.5 million", first), _mention("b", 2.5e6, "2.5 million", second),
                _mention("c", 2.6e6, "2.6 million", named_only)]
    _, out, _ = trace_estimates(mentions, {i: LABOUR for i in range(3)}, {i: "c1" for i in range(3)})
    assert DRIFT not in out[2].flags


def test_the_value_the_others_round_is_the_inferred_sources_own() -> None:
    # Labour: the precise count a page states is the office's; pages writing "1.8 million" round it.
    office = _said("Statistics Office", kind="organization")
    mentions = [_sentence_mention("a", 1_826_000, "1,826,000", "Long-term unemployed: 1,826,000.", office),
                _sentence_mention("b", 1_800_000, "1.8 million", "About 1.8 million were long-term unemployed.",
                                  office),
                _sentence_mention("c", 1_800_000, "1.8 million", "1.8 million had no work for a year.", office)]
    _, out, flags = trace_estimates(mentions, {}, {i: "c1" for i in range(3)})
    assert [DRIFT in m.flags for m in out] == [False, True, True] and DRIFT in flags


def test_a_value_its_sentence_calls_revised_is_a_revision_not_drift() -> None:
    # Labour: one retelling gives the first print (147,000), another the revised one (114,000) and says so.
    office = _source("Employment Office")
    first = "Employers added 147,000 jobs in June, the office said."
    revised = "June's gain was revised to 114,000, the office said."
    mentions = [_sentence_mention("a", 147_000, "147,000", first, office),
                _sentence_mention("b", 147_000, "147,000", first, office),
                _sentence_mention("c", 114_000, "114,000", revised, office)]
    _, out, flags = trace_estimates(mentions, {}, {i: "c1" for i in range(3)})
    assert DRIFT not in out[2].flags and DRIFT not in flags
    # Without the cue the same value is a misstatement.
    mentions[2] = _sentence_mention("c", 114_000, "114,000", "June's gain was 114,000, the office said.", office)
    _, out, flags = trace_estimates(mentions, {}, {i: "c1" for i in range(3)})
    assert DRIFT in out[2].flags and DRIFT in flags


def test_a_revision_cue_every_value_shares_excuses_nothing() -> None:
    # The quantity is itself a revision ("revisions cut 258,000 jobs"): a page writing 46,000 for it drifts.
    office = _said("Labour Office", kind="organization")
    mentions = [_sentence_mention("a", 258_000, "258,000", "Revisions cut 258,000 jobs from May and June.", office),
                _sentence_mention("b", 258_000, "258,000", "Downward revisions totalled 258,000.", office),
                _sentence_mention("c", 46_000, "46,000", "Revisions lowered May and June by 46,000.", office)]
    _, out, _ = trace_estimates(mentions, {}, {i: "c1" for i in range(3)})
    assert DRIFT in out[2].flags


def test_revision_cues_are_read_in_the_pages_language() -> None:
    office = _source("Oficina de Empleo")
    mentions = [_sentence_mention("a", 147_000, "147.000", "Se crearon 147.000 empleos en junio.", office),
                _sentence_mention("b", 114_000, "114.000", "La cifra de junio fue revisada a 114.000.", office)]
    mentions.append(mentions[0])
    _, out, _ = trace_estimates(mentions, {}, {i: "c1" for i in range(3)}, languages={0: "es", 1: "es", 2: "es"})
    assert DRIFT not in out[1].flags


def test_two_inferred_sources_with_a_value_each_are_not_drift() -> None:
    # Surveys: two pages carry over two different pollsters' names, each with its own share; neither
    # source holds two values, so neither is said to be misstated.
    mentions = [_sentence_mention("a", 41, "41%", "Pollster one found 41% trust the news.", _said("Delta Polling")),
                _sentence_mention("b", 44, "44%", "Another found 44% trust the news.", _said("Kappa Research"))]
    _, out, flags = trace_estimates(mentions, {0: LABOUR, 1: LABOUR}, {0: "c1", 1: "c1"})
    assert DRIFT not in flags and all(DRIFT not in m.flags for m in out)
