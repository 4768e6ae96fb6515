"""Estimates per primary source inside one figure family: drift against one's own source, sources_differ
between sources, and unattributed retellings traced by value (or left open)."""

from __future__ import annotations

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
