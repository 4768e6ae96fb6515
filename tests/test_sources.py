"""The corpus-wide source registry (provenance/sources.py), on sentences written for these tests."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from newstrace.extract.kb import Entry, KnowledgeBase
from newstrace.extract.records import Annotations, Attribution, Citation, Entity, Statistic
from newstrace.provenance.sources import (
    build_registry,
    find_acronyms,
    find_appositives,
    names_something,
    normalise_phrase,
)


def _annotate(article_id: str, text: str, attributed: list[tuple[str, str]], *,
              entities: list[tuple[str, str]] = (), citations: list[tuple[str, str]] = ()) -> Annotations:
    """Annotations with one statistic per (figure, source phrase), both found verbatim in `text`."""
    stats = []
    for figure, phrase in attributed:
        f = text.index(figure)
        p = text.index(phrase)
        stats.append(Statistic(start=f, end=f + len(figure), text=figure, value=float(re.sub(r"[^\d.]", "", figure)),
                               unit="percent" if "%" in figure else "count",
                               attribution=Attribution(name=phrase, kind="organization", cue="said",
                                                       start=p, end=p + len(phrase))))
    ents = tuple(Entity(text.index(t), text.index(t) + len(t), t, label) for t, label in entities)
    cites = tuple(Citation(name=t, kind=kind, start=text.index(t), end=text.index(t) + len(t))
                  for t, kind in citations)
    sentences = tuple((m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text))
    return Annotations(article_id, "test", language="en", sentences=sentences, statistics=tuple(stats),
                       entities=ents, citations=cites)


def _kb(*entries: Entry) -> KnowledgeBase:
    """A KB of exactly these entries (not the shipped one), so what the corpus yields is judged alone."""
    return KnowledgeBase(entries=entries)


def _empty_kb(tmp_path=None) -> KnowledgeBase:
    return _kb(Entry(id="acme-dairy", name="Acme Dairy Cooperative", kind="organization"))


def _bag_encoder(names):
    """A deterministic stand-in for MiniLM: bag of lower-cased words, L2-normalised."""
    vocab = sorted({w for n in names for w in re.findall(r"\w+", n.lower())})
    rows = np.zeros((len(names), max(1, len(vocab))), dtype=np.float32)
    for i, n in enumerate(names):
        for w in re.findall(r"\w+", n.lower()):
            rows[i, vocab.index(w)] += 1
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def test_normalise_phrase_drops_determiners_modifiers_possessives_and_open_brackets() -> None:
    assert normalise_phrase("the latest Quarterly Grain Outlook's") == "Quarterly Grain Outlook"
    assert normalise_phrase("the new report by the Northern Fisheries Service (NFS") == \
        "report by the Northern Fisheries Service"
    assert normalise_phrase("Statistics Norway.") == "Statistics Norway"


@pytest.mark.parametrize("phrase,initial", [("56", False), ("/data", False), ("the researchers", False),
                                            ("42% of households", False), ("the report", False),
                                            ("March's", False), ("a regional analysis", False),
                                            ("Total retail turnover", True)])
def test_phrases_that_name_nothing_are_not_sources(phrase: str, initial: bool) -> None:
    assert not names_something(normalise_phrase(phrase), sentence_initial=initial)


@pytest.mark.parametrize("phrase", ["the Office for National Statistics", "Eurostat", "the UN weather agency",
                                    "the 2031 Census of Agriculture"])
def test_phrases_that_name_a_body_or_work_are_sources(phrase: str) -> None:
    assert names_something(normalise_phrase(phrase))


def test_acronym_defined_in_one_article_applies_corpus_wide(tmp_path) -> None:
    a = _annotate("a1", "The Bureau of Labor Statistics (BLS) said wages rose 3.1% in May.",
                  [("3.1%", "The Bureau of Labor Statistics (BLS)")])
    b = _annotate("b1", "Hourly pay climbed 3.1%, the BLS said on Friday.", [("3.1%", "the BLS")])
    texts = {"a1": "The Bureau of Labor Statistics (BLS) said wages rose 3.1% in May.",
             "b1": "Hourly pay climbed 3.1%, the BLS said on Friday."}
    registry = build_registry({"a1": a, "b1": b}, _empty_kb(tmp_path), texts, encoder=_bag_encoder)
    long = registry.lookup("Bureau of Labor Statistics")
    assert long is not None and long is registry.lookup("the BLS")
    assert long.name == "Bureau of Labor Statistics" and long.origin == "corpus" and long.kb_id is None
    assert long.articles == ("a1", "b1") and long.mentions == 2 and "BLS" in long.aliases


def test_acronyms_from_extract_are_read_from_annotations_extra(tmp_path) -> None:
    a = _annotate("a1", "Grid demand fell 2% last winter, according to the Nordic Grid Council.",
                  [("2%", "the Nordic Grid Council")])
    a = Annotations(**{**a.__dict__, "extra": {"acronyms": [{"short": "NGC", "long": "Nordic Grid Council"}]}})
    b = _annotate("b1", "The NGC expects demand to recover by 4% next year.", [("4%", "The NGC")])
    registry = build_registry({"a1": a, "b1": b}, _empty_kb(tmp_path), {}, encoder=_bag_encoder)
    assert registry.lookup("NGC") is registry.lookup("Nordic Grid Council") is not None


def test_one_body_named_three_ways_in_three_articles_is_one_entity(tmp_path) -> None:
    texts = {
        "c1": "Global temperatures were 1.4% above the baseline, the World Meteorological Organization (WMO), "
              "the UN weather agency, said.",
        "c2": "Sea ice shrank by 7% in a decade, according to the WMO.",
        "c3": "Glaciers lost 5% of their mass, the UN weather agency reported on Tuesday.",
    }
    anns = {
        "c1": _annotate("c1", texts["c1"], [("1.4%", "the World Meteorological Organization (WMO)")],
                        entities=[("World Meteorological Organization", "ORG")]),
        "c2": _annotate("c2", texts["c2"], [("7%", "the WMO")]),
        "c3": _annotate("c3", texts["c3"], [("5%", "the UN weather agency")]),
    }
    registry = build_registry(anns, _empty_kb(tmp_path), texts, encoder=_bag_encoder)
    entity = registry.lookup("World Meteorological Organization")
    assert entity is not None
    assert registry.lookup("the WMO") is entity and registry.lookup("the UN weather agency") is entity
    assert entity.articles == ("c1", "c2", "c3") and entity.mentions == 3
    assert len(registry.entities) == 1


def test_similarly_named_bodies_stay_apart(tmp_path) -> None:
    texts = {
        "d1": "Payrolls grew 1.2%, the Bureau of Labor Statistics said.",
        "d2": "Output rose 2.4%, the Bureau of Economic Analysis said.",
        "d3": "Rents rose 6%, according to the National Housing Council.",
        "d4": "Sales fell 3%, according to the National Retail Council.",
    }
    anns = {
        "d1": _annotate("d1", texts["d1"], [("1.2%", "the Bureau of Labor Statistics")]),
        "d2": _annotate("d2", texts["d2"], [("2.4%", "the Bureau of Economic Analysis")]),
        "d3": _annotate("d3", texts["d3"], [("6%", "the National Housing Council")]),
        "d4": _annotate("d4", texts["d4"], [("3%", "the National Retail Council")]),
    }
    # An encoder that calls every pair of names identical: only the word guard can keep them apart.
    same = lambda names: np.ones((len(names), 1), dtype=np.float32)  # noqa: E731
    registry = build_registry(anns, _empty_kb(tmp_path), texts, encoder=same)
    assert len(registry.entities) == 4
    assert registry.lookup("Bureau of Labor Statistics") is not registry.lookup("Bureau of Economic Analysis")


def test_reordered_names_and_near_spellings_join(tmp_path) -> None:
    texts = {
        "e1": "Jobless claims rose 4%, the Labor Department said.",
        "e2": "Claims rose 4%, the Department of Labor said.",
        "e3": "Vaccination reached 81%, the Pan-Atlantic Health Foundation said.",
        "e4": "Coverage reached 81%, according to the Pan-Atlantic Heath Foundation.",
    }
    anns = {k: _annotate(k, t, [(re.search(r"\d+%", t).group(0),
                                 re.search(r"the (Labor Department|Department of Labor|Pan-Atlantic Hea\w+ Foundation)",
                                           t).group(0))]) for k, t in texts.items()}
    registry = build_registry(anns, _empty_kb(tmp_path), texts, encoder=_bag_encoder)
    assert registry.lookup("Labor Department") is registry.lookup("Department of Labor") is not None
    assert registry.lookup("Pan-Atlantic Health Foundation") is registry.lookup("Pan-Atlantic Heath Foundation")
    assert len(registry.entities) == 2


def test_agency_is_not_its_namesake_news_agency(tmp_path) -> None:
    """One shared word is how different bodies of one family are named: never a subset merge."""
    texts = {"g1": "Trust fell to 40%, the Harwick Institute said, Harwick reported.",
             "g2": "Trust fell to 40%, Harwick reported."}
    anns = {"g1": _annotate("g1", texts["g1"], [("40%", "the Harwick Institute")]),
            "g2": _annotate("g2", texts["g2"], [("40%", "Harwick")])}
    registry = build_registry(anns, _empty_kb(tmp_path), texts, encoder=lambda n: np.ones((len(n), 1)))
    assert registry.lookup("Harwick") is not registry.lookup("Harwick Institute")


def test_unresolved_phrases_never_become_entities(tmp_path) -> None:
    text = "Some 56 said prices rose 9%, the researchers said, and 12% came from /data files."
    ann = _annotate("h1", text, [("9%", "the researchers"), ("12%", "/data")])
    registry = build_registry({"h1": ann}, _empty_kb(tmp_path), {"h1": text}, encoder=_bag_encoder)
    assert registry.entities == ()
    assert registry.lookup("the researchers") is None


def test_kb_names_resolve_to_the_kb_entry(tmp_path) -> None:
    kb = _kb(Entry(id="norges-bank", name="Norges Bank", kind="organization", aliases=("Norway's central bank",)))
    texts = {"k1": "Inflation eased to 3%, Norway's central bank said.",
             "k2": "Inflation eased to 3%, Norges Bank said."}
    anns = {"k1": _annotate("k1", texts["k1"], [("3%", "Norway's central bank")]),
            "k2": _annotate("k2", texts["k2"], [("3%", "Norges Bank")])}
    registry = build_registry(anns, kb, texts, encoder=_bag_encoder)
    entity = registry.lookup("Norway's central bank")
    assert entity is not None and entity.id == "kb:norges-bank" and entity.origin == "kb"
    assert entity is registry.lookup("Norges Bank") and entity.articles == ("k1", "k2")


def test_find_acronyms_checks_the_initials() -> None:
    found = find_acronyms("Data from the Energy Information Administration (EIA) and the harvest board (HB) show.")
    assert found == [{"short": "EIA", "long": "Energy Information Administration"}]


def test_find_appositives_needs_a_determiner_and_a_body_noun() -> None:
    text = "Veltra Statistics, the national statistics office, said. Mira Holt, a keen runner, said."
    names = [(0, len("Veltra Statistics"), "Veltra Statistics"),
             (text.index("Mira Holt"), text.index("Mira Holt") + 9, "Mira Holt")]
    assert find_appositives(text, names) == [("national statistics office", "Veltra Statistics")]


def test_registry_written_as_yaml_is_read_back_by_kb(tmp_path) -> None:
    from newstrace.extract.kb import load_kb
    from newstrace.provenance.sources import registry_to_kb_yaml

    texts = {
        "r1": "Wheat stocks fell 11%, the Prairie Grain Commission (PGC) said.",
        "r2": "Stocks of wheat fell 11%, the PGC said, citing a survey by the Prairie Grain Commission.",
        "r3": "Barley prices rose 2%, according to the Upland Farm Ledger.",
    }
    anns = {
        "r1": _annotate("r1", texts["r1"], [("11%", "the Prairie Grain Commission (PGC)")]),
        "r2": _annotate("r2", texts["r2"], [("11%", "the PGC")]),
        "r3": _annotate("r3", texts["r3"], [("2%", "the Upland Farm Ledger")]),
    }
    registry = build_registry(anns, _empty_kb(), texts, encoder=_bag_encoder)
    path = tmp_path / "sources.yaml"
    path.write_text(registry_to_kb_yaml(registry), encoding="utf-8")
    kb = load_kb([path], builtin=False)  # the file alone is a valid KB
    for entity in registry.entities:
        for name in (entity.name, *entity.aliases):
            match = kb.resolve(name)
            assert match is not None and match.entry.name == entity.name, name
    # Read back, the same corpus resolves to the KB entries, one each, with the same articles.
    again = build_registry(anns, kb, texts, encoder=_bag_encoder)
    assert sorted((e.name, e.articles) for e in again.entities) == sorted((e.name, e.articles) for e in registry.entities)
    assert all(e.origin == "kb" for e in again.entities)


def test_store_keeps_the_registry_and_replaces_it_whole(tmp_path) -> None:
    from newstrace.corpus.store import SCHEMA_VERSION, Store
    from newstrace.provenance.sources import registry_from_rows, registry_rows

    texts = {"s1": "Exports rose 4%, the Harbourside Trade Office (HTO) said.",
             "s2": "The HTO put the rise at 4%."}
    anns = {"s1": _annotate("s1", texts["s1"], [("4%", "the Harbourside Trade Office (HTO)")]),
            "s2": _annotate("s2", texts["s2"], [("4%", "The HTO")])}
    registry = build_registry(anns, _empty_kb(), texts, encoder=_bag_encoder)
    store = Store.open(tmp_path / "n.db")
    assert store.schema_version() == SCHEMA_VERSION
    store.replace_sources(registry_rows(registry))
    store.replace_sources(registry_rows(registry))  # twice: no duplicate rows
    back = registry_from_rows(store.iter_sources())
    assert back.entities == registry.entities
    assert back.lookup("HTO") is not None and back.lookup("HTO").name == "Harbourside Trade Office"
    store.replace_sources([])
    assert store.iter_sources() == []


def test_people_speak_for_their_organisation_corpus_wide() -> None:
    texts = {
        "p1": "Tariff revenue rose 14%, said Westmark Customs Authority director Ilse Varga on Monday.",
        "p2": "Ilse Varga said the backlog had grown by 9%.",
        "p3": "Dr Tomas Reyes, chief economist at the Andean Credit Bank, put growth at 2.5%. Reyes said 2%.",
    }
    anns = {
        "p1": _annotate("p1", texts["p1"], [("14%", "Ilse Varga")],
                        entities=[("Westmark Customs Authority", "ORG"), ("Ilse Varga", "PERSON")]),
        "p2": _annotate("p2", texts["p2"], [("9%", "Ilse Varga")], entities=[("Ilse Varga", "PERSON")]),
        "p3": _annotate("p3", texts["p3"], [("2.5%", "Dr Tomas Reyes"), ("2%", "Reyes")],
                        entities=[("Tomas Reyes", "PERSON"), ("Andean Credit Bank", "ORG")]),
    }
    # A KB company that shares the surname must not take the person's figures.
    kb = _kb(Entry(id="reyes-foods", name="Reyes", kind="organization"))
    anns["p3"] = Annotations(**{**anns["p3"].__dict__, "statistics": tuple(
        s if s.text != "2%" else Statistic(**{**s.__dict__, "attribution": Attribution(
            **{**s.attribution.__dict__, "kb_id": "reyes-foods"})}) for s in anns["p3"].statistics)})
    registry = build_registry(anns, kb, texts, encoder=_bag_encoder)
    body = registry.lookup("Westmark Customs Authority")
    assert body is not None and registry.lookup("Ilse Varga") is body  # named with her title once, then alone
    assert body.articles == ("p1", "p2") and "Ilse Varga" not in body.aliases
    bank = registry.lookup("Andean Credit Bank")
    assert bank is not None and registry.lookup("Reyes", "reyes-foods", article="p3") is bank
    assert registry.lookup("Reyes", "reyes-foods") is None  # elsewhere the KB company stays itself (unseen here)


def test_a_named_work_released_by_a_body_links_to_its_publisher() -> None:
    text = "Output will rise 3%, the Northern Harvest Review released by the Fjordland Farm Agency last week said."
    ann = _annotate("w1", text, [("3%", "the Northern Harvest Review released by the Fjordland Farm Agency last week")])
    registry = build_registry({"w1": ann}, _empty_kb(), {"w1": text}, encoder=_bag_encoder)
    work = registry.lookup("Northern Harvest Review")
    publisher = registry.lookup("Fjordland Farm Agency")
    assert work is not None and publisher is not None and work is not publisher
    assert work.publisher == publisher.id and work.kind == "report"


def test_cli_sources_yaml_round_trips_through_kb(tmp_path) -> None:
    """`newstrace sources --format yaml -o FILE`, then `--kb FILE`: the same sources, now from the KB."""
    import json

    from click.testing import CliRunner

    import newstrace.cli as cli_module
    from newstrace.corpus.ingest import expand_sources, ingest
    from newstrace.corpus.store import Store

    pages = {"a.txt": "Ferry use up\n\nFerry journeys rose 6%, the Coastal Transport Board (CTB) said on Monday.\n",
             "b.txt": "Ferries busier\n\nThe CTB said ferry journeys rose 6% this spring.\n"}
    for name, body in pages.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    db = tmp_path / "n.db"
    with Store.open(db) as store:
        ingest(expand_sources([str(tmp_path / n) for n in pages]), store)
        rows = []
        for article in store.iter_articles(statuses=None):
            phrase = "the Coastal Transport Board (CTB)" if "Board" in article.text else "The CTB"
            ann = _annotate(article.id, article.text, [("6%", phrase)])
            rows.append((article.id, "test", "h", "annotated", ann.to_dict()))
        store.save_annotations(rows)
    runner = CliRunner()
    out = tmp_path / "sources.yaml"
    done = runner.invoke(cli_module.cli, ["--db", str(db), "sources", "--no-builtin-kb", "--format", "yaml",
                                          "-o", str(out)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli_module.cli, ["--db", str(db), "sources", "--no-builtin-kb", "--kb", str(out),
                                          "--format", "json"])
    assert done.exit_code == 0, done.output
    [entity] = json.loads(done.output)
    assert entity["name"] == "Coastal Transport Board" and entity["origin"] == "kb" and len(entity["articles"]) == 2
    done = runner.invoke(cli_module.cli, ["--db", str(db), "sources", "--no-builtin-kb"])
    words = done.output.split()  # the table wraps long names over lines
    assert done.exit_code == 0 and {"Coastal", "Transport", "Board", "corpus", "CTB"} <= set(words)


def test_a_bodys_untitled_work_is_that_body() -> None:
    texts = {"o1": "Demand will grow 4%, the Alpine Water Authority's latest outlook report for the region said.",
             "o2": "The Alpine Water Authority (AWA) report released on Monday put losses at 12%.",
             "o3": "Reservoirs are 70% full, the Alpine Water Authority said."}
    anns = {"o1": _annotate("o1", texts["o1"], [("4%", "the Alpine Water Authority's latest outlook report for the region")]),
            "o2": _annotate("o2", texts["o2"], [("12%", "The Alpine Water Authority (AWA) report released on Monday")]),
            "o3": _annotate("o3", texts["o3"], [("70%", "the Alpine Water Authority")])}
    registry = build_registry(anns, _empty_kb(), texts, encoder=_bag_encoder)
    [entity] = registry.entities
    assert entity.name == "Alpine Water Authority" and entity.articles == ("o1", "o2", "o3")


def test_an_untitled_work_extract_resolved_to_a_kb_work_stays_that_work() -> None:
    # Extract matched "a study by the two institutes" to the KB's study by its publishers: the study,
    # not the institutes, is the source, and the page naming the study by its title joins it.
    texts = {"k1": "Wheat yields fell 8%, according to a study by the Northfield Institute and Lakeview College.",
             "k2": "Yields fell 8%, the Harvest Resilience Study found."}
    anns = {"k1": _annotate("k1", texts["k1"], [("8%", "a study by the Northfield Institute and Lakeview College")]),
            "k2": _annotate("k2", texts["k2"], [("8%", "the Harvest Resilience Study")])}
    stat = anns["k1"].statistics[0]
    anns["k1"] = replace(anns["k1"], statistics=(replace(stat, attribution=replace(
        stat.attribution, kind="study", kb_id="harvest-resilience-study")),))
    kb = _kb(Entry(id="harvest-resilience-study", name="Harvest Resilience Study", kind="study",
                   aliases=("Harvest Resilience Study",)))
    registry = build_registry(anns, kb, texts, encoder=_bag_encoder)
    found = registry.resolve(anns["k1"].statistics[0].attribution, "k1")
    assert found is not None and found.kb_id == "harvest-resilience-study"
    assert registry.resolve(anns["k2"].statistics[0].attribution, "k2") == found
