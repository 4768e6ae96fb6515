"""The typed report views (provenance/views.py): how one generic reader turns contract dicts into frozen records."""

from __future__ import annotations

import dataclasses

import pytest

from newstrace.provenance.views import FigureView, LinkView, MentionView, PrimarySourceView, ReportView


def test_a_missing_field_is_its_default_and_malformed_items_are_skipped() -> None:
    view = ReportView.from_dict({"figures": [{"id": "f1", "mentions": ["not a record", {"article": "a"}, 7]},
                                             "not a record"],
                                 "articles": None})
    assert view.schema_version == "?" and view.articles == ()
    assert [f.id for f in view.figures] == ["f1"]
    mention = view.figures[0].mentions[0]
    assert (mention.article, mention.start, mention.attribution, mention.chain) == ("a", None, None, ())
    assert ReportView.from_dict({"schema_version": None}).schema_version is None  # null is kept, not defaulted


def test_a_missing_key_and_a_null_one_stay_apart_where_renderers_tell_them_apart() -> None:
    old = MentionView.from_dict({"text": "17%"})
    new = MentionView.from_dict({"text": "17%", "value": None, "flags": None})
    assert (old.flags, new.flags) == (None, ())
    assert (old.stated, new.stated) == ("17%", None)
    assert LinkView.from_dict({}).empty and not LinkView.from_dict({"kind": "copy"}).empty


def test_nested_records_are_views_and_the_primary_document_falls_back_to_the_evidence() -> None:
    source = PrimarySourceView.from_dict({"name": "Grid Operator", "in_corpus": 1, "attribution": "ignored",
                                          "evidence": {"article": "doc1", "sentence": "Wind gave 41%.", "start": 0}})
    assert source.in_corpus is True and source.document == "doc1" and source.evidence_sentence == "Wind gave 41%."
    assert PrimarySourceView.from_dict({"article": "doc2", "evidence": "not a record"}).document == "doc2"
    figure = FigureView.from_dict({"value": 41, "unit": "percent", "primary_source": source_dict(),
                                   "mentions": [{"article": "x", "value": 41, "attribution": {"name": "Operator"}}]})
    assert figure.verdict.primary == "Grid Operator" and figure.shown_value() == "41%"
    assert figure.mentions[0].attribution is not None and figure.mentions[0].attribution.name == "Operator"


def source_dict() -> dict:
    return {"name": "Grid Operator", "kind": "organization"}


def test_views_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MentionView.from_dict({}).article = "changed"  # type: ignore[misc]
