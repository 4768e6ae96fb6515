"""Annotations convert to the dict the store and the JSONL export keep, and back, without loss."""

from __future__ import annotations

import json
from dataclasses import asdict

from newstrace.extract.records import Annotations, Attribution, Citation, Claim, Entity, Quote, Statistic


def rich_annotations() -> Annotations:
    attribution = Attribution(name="Hugging Face", kind="dataset", cue="according to", start=40, end=52,
                              kb_id="hf", inferred=True, via="other-article")
    return Annotations(
        article_id="a1", pipeline_version="v9", language="en", skipped=None,
        sentences=((0, 60), (61, 120)),
        entities=(Entity(0, 7, "Chinese", "NORP"),
                  Entity(40, 52, "Hugging Face", "ORG", kb_id="hf", canonical="Hugging Face", kind="dataset",
                         match="alias", note="an alias")),
        statistics=(Statistic(20, 23, "17%", 17.0, "percent", approx="about", measure="downloads",
                              holder="Chinese developers", period="the past year", sentence_start=0,
                              sentence_end=60, compared_with=(1,), attribution=attribution),
                    Statistic(70, 90, "eight of the top ten", 8.0, "count", of=10.0, compared_with=(0,))),
        claims=(Claim(0, 60, "Chinese developers took 17%", "statistic", 0.9, statistics=(0,), entities=(0, 1),
                      attribution=attribution),),
        quotes=(Quote(61, 80, "open wins", "Ana Li", kb_id=None, speaker_start=85, speaker_end=91, cue="said"),),
        citations=(Citation("Hugging Face", "hyperlink", 40, 52, kb_id="hf", href="https://hf.co", cue="via"),),
        extra={"timings": {"ner": [1, 2]}},
    )


def test_to_dict_is_what_asdict_gives() -> None:
    ann = rich_annotations()
    assert ann.to_dict() == asdict(ann)


def test_to_dict_round_trips_through_json() -> None:
    ann = rich_annotations()
    assert Annotations.from_dict(json.loads(json.dumps(ann.to_dict()))) == ann


def test_to_dict_does_not_share_the_extra_dict() -> None:
    ann = rich_annotations()
    ann.to_dict()["extra"]["timings"]["ner"].append(3)
    assert ann.extra == {"timings": {"ner": [1, 2]}}
