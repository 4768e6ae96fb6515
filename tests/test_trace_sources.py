"""Chains to the primary source and the inference rules (provenance/trace.py), on sentences written here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from newstrace.corpus.records import Article, Status
from newstrace.extract.kb import Entry, KnowledgeBase
from newstrace.extract.records import Annotations, Attribution, Statistic
from newstrace.provenance.figures import MentionInput
from newstrace.provenance.records import ChainStep, Mention, SourceRef
from newstrace.provenance.sources import build_registry
from newstrace.provenance.trace import Tracer, primary_key


@dataclass
class _Corpus:
    articles: dict[str, Article] = field(default_factory=dict)
    annotations: dict[str, Annotations] = field(default_factory=dict)


def _bag(names):
    return np.ones((len(names), 1), dtype=np.float32)


def _add(corpus: _Corpus, article_id: str, text: str, figure: str, source: str | None, *,
         published: str | None, outlet: str | None = None, kind: str = "organization",
         estimated: bool = False, inferred_via: str | None = None) -> None:
    f = text.index(figure)
    attribution = None
    if source is not None:
        s = text.index(source)
        attribution = Attribution(name=source, kind=kind, cue="said", start=s, end=s + len(source))
    if inferred_via is not None:
        attribution = Attribution(name="Lakeshore Gazette", kind="outlet", cue="inferred from coverage cluster",
                                  start=-1, end=-1, inferred=True, via=inferred_via)
    value = float(re.sub(r"[^\d.]", "", figure))
    stat = Statistic(start=f, end=f + len(figure), text=figure, value=value, unit="percent",
                     sentence_start=0, sentence_end=len(text), attribution=attribution)
    sentences = tuple((m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text))
    corpus.annotations[article_id] = Annotations(article_id, "t", language="en", sentences=sentences,
                                                 statistics=(stat,))
    article = Article(id=article_id, url=f"https://example.org/{article_id}", final_url=None, canonical_url=None,
                      source_path=None, status=Status.OK, title=f"Story {article_id}", published=published,
                      outlet=outlet, text=text)
    if estimated:
        object.__setattr__(article, "date_estimated", True)
    corpus.articles[article_id] = article


def _mentions(corpus: _Corpus) -> list[Mention]:
    out = []
    for article_id in sorted(corpus.annotations):
        stat = corpus.annotations[article_id].statistics[0]
        a = stat.attribution
        ref = None if a is None else SourceRef(a.name, a.kind, a.kb_id, a.cue, a.inferred, a.via)
        out.append(Mention(article=article_id, text=stat.text, value=stat.value, unit=stat.unit, start=stat.start,
                           end=stat.end, sentence="", sentence_start=0, sentence_end=0,
                           date=corpus.articles[article_id].published, attribution=ref,
                           chain=(ChainStep(f"article:{article_id}", article_id, "article"),)))
    return out


def _trace(corpus: _Corpus, cluster_of: dict[str, str], kb: KnowledgeBase | None = None):
    kb = kb or KnowledgeBase(entries=(Entry(id="lakeshore-gazette", name="Lakeshore Gazette", kind="outlet"),))
    texts = {aid: a.text for aid, a in corpus.articles.items()}
    registry = build_registry(corpus.annotations, kb, texts, encoder=_bag)
    tracer = Tracer.build(corpus, kb, registry, cluster_of)
    members = [MentionInput((aid, 0), corpus.annotations[aid].statistics[0], cluster_of.get(aid), None)
               for aid in sorted(corpus.annotations)]
    return {m.article: m for m in tracer.trace(_mentions(corpus), members)}, tracer, members


def test_chain_goes_past_the_outlet_to_the_study_it_cites() -> None:
    corpus = _Corpus()
    _add(corpus, "a1", "Hospital stays fell 12%, according to a study by the Coastal Health Institute.", "12%",
         "a study by the Coastal Health Institute", published="2031-03-01", outlet="Lakeshore Gazette", kind="study")
    _add(corpus, "a2", "Stays in hospital dropped 12%, the Lakeshore Gazette reported.", "12%",
         "the Lakeshore Gazette", published="2031-03-02", kind="outlet")
    traced, tracer, members = _trace(corpus, {"a1": "c1", "a2": "c1"})
    chain = traced["a2"].chain
    assert [s.kind for s in chain][:2] == ["article", "outlet"]
    assert chain[2].id == "article:a1"  # the outlet's own coverage
    assert "Coastal Health Institute" in chain[-1].label and chain[-1].origin == "corpus" and chain[-1].via == "a1"
    assert primary_key(traced["a2"]) == chain[-1].id == primary_key(traced["a1"])
    assert chain[-1].label == "Coastal Health Institute"  # "a study by X" is X's
    primary = tracer.primary_source(members, list(traced.values()))
    assert primary is not None and primary.name == "Coastal Health Institute"
    assert primary.candidates == ()  # both chains end there: nothing disputed


def test_coverage_that_disagrees_on_the_origin_keeps_each_candidate_with_its_articles() -> None:
    corpus = _Corpus()
    _add(corpus, "p1", "Crop yields fell 5%, the Delta Farm Bureau said.", "5%", "the Delta Farm Bureau",
         published="2031-07-01")
    _add(corpus, "p2", "Yields fell 5%, according to the Riverland Grain Board.", "5%", "the Riverland Grain Board",
         published="2031-07-02")
    _add(corpus, "p3", "Harvest yields fell 5%, the Delta Farm Bureau said on Monday.", "5%",
         "the Delta Farm Bureau", published="2031-07-03")
    traced, tracer, members = _trace(corpus, {"p1": "c1", "p2": "c1", "p3": "c1"})
    primary = tracer.primary_source(members, list(traced.values()))
    assert primary is not None and primary.name == "Delta Farm Bureau"
    assert [(c["name"], c["articles"]) for c in primary.candidates] == [
        ("Delta Farm Bureau", ["p1", "p3"]), ("Riverland Grain Board", ["p2"])]


def test_an_outlet_with_no_coverage_to_follow_ends_the_chain() -> None:
    corpus = _Corpus()
    _add(corpus, "b1", "Wind output rose 8%, the Lakeshore Gazette reported.", "8%", "the Lakeshore Gazette",
         published="2031-05-01", kind="outlet")
    traced, _, _ = _trace(corpus, {"b1": "c1"})
    assert traced["b1"].chain[-1].kind == "outlet" and traced["b1"].chain[-1].origin == "kb"


def test_never_inferred_via_the_article_itself() -> None:
    corpus = _Corpus()
    _add(corpus, "s1", "Savings rates rose to 9%, the Northfield Savings Council said.", "9%",
         "the Northfield Savings Council", published="2031-01-05")
    text = "Savings rates rose to 9%, the Northfield Savings Council said. Deposits grew 4% in the year."
    corpus.articles["s1"] = Article(**{**corpus.articles["s1"].__dict__, "text": text})
    ann = corpus.annotations["s1"]
    f = text.index("4%")
    extra = Statistic(start=f, end=f + 2, text="4%", value=4.0, unit="percent", sentence_start=0,
                      sentence_end=len(text))
    corpus.annotations["s1"] = Annotations(**{**ann.__dict__, "statistics": ann.statistics + (extra,)})
    # A mention that an earlier step marked as inferred via its own article.
    mention = Mention(article="s1", text="4%", value=4.0, unit="percent", start=f, end=f + 2, sentence="",
                      sentence_start=0, sentence_end=0, date="2031-01-05",
                      attribution=SourceRef("Northfield Savings Council", "organization", None,
                                            "carried over from an earlier sentence", True, "s1"),
                      chain=(ChainStep("article:s1", "s1", "article"),))
    kb = KnowledgeBase(entries=())
    registry = build_registry(corpus.annotations, kb, {"s1": text}, encoder=_bag)
    tracer = Tracer.build(corpus, kb, registry, {"s1": "c1"})
    [traced] = tracer.trace([mention])
    assert traced.attribution is not None and traced.attribution.via is None
    assert [s.kind for s in traced.chain] == ["article", "organization"]


def test_unattributed_figure_is_not_inferred_from_a_later_article() -> None:
    corpus = _Corpus()
    _add(corpus, "e1", "Solar installations grew 30% last year.", "30%", None, published="2031-04-01")
    _add(corpus, "e2", "Installations grew 30%, the Meridian Solar Council said.", "30%",
         "the Meridian Solar Council", published="2031-04-09")
    traced, _, _ = _trace(corpus, {"e1": "c1", "e2": "c1"})
    assert traced["e1"].attribution is None and len(traced["e1"].chain) == 1


def test_unattributed_figure_is_inferred_from_an_earlier_article_of_its_story() -> None:
    corpus = _Corpus()
    _add(corpus, "e1", "Installations grew 30%, the Meridian Solar Council said.", "30%",
         "the Meridian Solar Council", published="2031-04-01")
    _add(corpus, "e2", "Solar installations grew 30% last year.", "30%", None, published="2031-04-09")
    traced, _, _ = _trace(corpus, {"e1": "c1", "e2": "c1"})
    source = traced["e2"].attribution
    assert source is not None and source.inferred and source.via == "e1"
    assert [s.id for s in traced["e2"].chain][:2] == ["article:e2", "article:e1"]
    assert "Meridian Solar Council" in traced["e2"].chain[-1].label


def test_estimated_dates_never_order_an_inference() -> None:
    """An estimated date counts as unknown: the donor is not known to be later, so it may lend."""
    corpus = _Corpus()
    _add(corpus, "e1", "Solar installations grew 30% last year.", "30%", None, published="2031-04-01")
    _add(corpus, "e2", "Installations grew 30%, the Meridian Solar Council said.", "30%",
         "the Meridian Solar Council", published="2031-04-09", estimated=True)
    traced, _, _ = _trace(corpus, {"e1": "c1", "e2": "c1"})
    assert traced["e1"].attribution is not None and traced["e1"].attribution.via == "e2"


def test_an_earlier_inference_from_a_later_article_is_dropped() -> None:
    corpus = _Corpus()
    _add(corpus, "g1", "Fares rose 6% in the spring.", "6%", None, published="2031-02-01", inferred_via="g2")
    _add(corpus, "g2", "Fares rose 6%, the Lakeshore Gazette reported.", "6%", "the Lakeshore Gazette",
         published="2031-02-10", kind="outlet")
    traced, _, _ = _trace(corpus, {"g1": "c1", "g2": "c1"})
    assert traced["g1"].attribution is None


def test_phrases_naming_nothing_are_not_kept_as_sources() -> None:
    corpus = _Corpus()
    _add(corpus, "n1", "Some 56 said turnout rose 3%.", "3%", "56", published="2031-06-01")
    traced, _, _ = _trace(corpus, {})
    assert traced["n1"].attribution is None


def test_outlet_outside_the_story_follows_the_figure_only_when_its_retellings_agree() -> None:
    corpus = _Corpus()
    _add(corpus, "q1", "Rail ridership rose 7%, the Transit Research Board said.", "7%", "the Transit Research Board",
         published="2031-08-01")
    _add(corpus, "q2", "Ridership rose 7%, the Lakeshore Gazette reported.", "7%", "the Lakeshore Gazette",
         published="2031-08-03", kind="outlet")
    traced, _, _ = _trace(corpus, {"q1": "c1", "q2": "c2"})
    assert traced["q2"].chain[-1].label == "Transit Research Board"
    _add(corpus, "q3", "Ridership rose 7%, according to the Metro Fare Council.", "7%", "the Metro Fare Council",
         published="2031-08-02")
    traced, _, _ = _trace(corpus, {"q1": "c1", "q2": "c2", "q3": "c3"})
    assert traced["q2"].chain[-1].kind == "outlet"  # two bodies, no story in common: no guess


def test_a_page_naming_its_own_outlet_is_not_citing_a_source() -> None:
    corpus = _Corpus()
    _add(corpus, "z1", "Bread prices rose 5%, the Westhaven Bakers Guild said.", "5%", "the Westhaven Bakers Guild",
         published="2031-09-01")
    _add(corpus, "z2", "Bread prices rose 5%, Kestrel Daily has learned.", "5%", "Kestrel Daily",
         published="2031-09-02", outlet="Kestrel Daily")
    traced, _, _ = _trace(corpus, {"z1": "c1", "z2": "c1"})
    source = traced["z2"].attribution
    assert source is not None and source.name == "Westhaven Bakers Guild" and source.via == "z1"


def test_a_body_publishing_its_own_figures_is_their_source() -> None:
    corpus = _Corpus()
    _add(corpus, "y1", "Tourist arrivals grew 8%, the Isle Statistics Office said.", "8%",
         "the Isle Statistics Office", published="2031-10-02")
    _add(corpus, "y2", "Arrivals grew by 8% in the third quarter.", "8%", None, published="2031-10-01",
         outlet="Isle Statistics Office")
    traced, _, _ = _trace(corpus, {"y1": "c1", "y2": "c2"})
    source = traced["y2"].attribution
    assert source is not None and source.name == "Isle Statistics Office" and not source.inferred
    assert source.cue == "published by the source itself"


def test_a_page_naming_its_publishers_short_name_is_not_citing_a_source() -> None:
    corpus = _Corpus()
    _add(corpus, "x1", "Bread prices rose 5%, the Westhaven Bakers Guild said.", "5%", "the Westhaven Bakers Guild",
         published="2031-09-01")
    _add(corpus, "x2", "Bread prices rose 5%, CFMR notes.", "5%", "CFMR", published="2031-09-02",
         outlet="CFMR at Northgate University")
    traced, _, _ = _trace(corpus, {"x1": "c1", "x2": "c1"})
    assert traced["x2"].attribution is not None and traced["x2"].attribution.name == "Westhaven Bakers Guild"


def _member(article_id: str, source: str | None) -> MentionInput:
    text = f"Ferry fares rose 12%{', ' + source + ' said' if source else ''}."
    attribution = None if source is None else Attribution(name=source, kind="organization", cue="said",
                                                          start=22, end=22 + len(source))
    stat = Statistic(start=17, end=20, text="12%", value=12.0, unit="percent", sentence_start=0,
                     sentence_end=len(text), attribution=attribution)
    return MentionInput(key=(article_id, 0), stat=stat, cluster="c1", vector=None)


def test_an_inferred_source_is_the_one_most_of_the_story_names_whatever_the_article_ids() -> None:
    from newstrace.provenance.trace import donors, inferred

    # Two pages name the transport board, one names the ferry union: the unattributed retelling is
    # inferred from the board, whichever page sorts first by id.
    for ids in (("a1", "a2", "a3"), ("z9", "b2", "b3")):
        members = [_member(ids[0], "the Ferry Workers Union"), _member(ids[1], "the Harbour Transport Board"),
                   _member(ids[2], "the Harbour Transport Board"), _member("q0", None)]
        cluster_of = {m.key[0]: "c1" for m in members}
        source, _ = inferred(members[-1], donors(members, cluster_of), cluster_of, {})
        assert source is not None and source.name == "the Harbour Transport Board" and source.inferred


def test_an_inferred_source_is_first_one_stating_the_very_value() -> None:
    from newstrace.provenance.trace import donors, inferred

    # One page says 12%, another rounds to 10%: a retelling of 12% took it from the first.
    members = [_member("a1", "the Harbour Transport Board"), _member("a2", "the Ferry Workers Union"),
               _member("q0", None)]
    members[0] = replace(members[0], stat=replace(members[0].stat, value=10.0, text="10%"))
    cluster_of = {m.key[0]: "c1" for m in members}
    source, _ = inferred(members[-1], donors(members, cluster_of), cluster_of, {})
    assert source is not None and source.name == "the Ferry Workers Union"
