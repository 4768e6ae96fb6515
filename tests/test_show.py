"""What a person corrected is what `newstrace show` prints and what the report JSON marks `human`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.corpus.store import Store

HARVEST = ("Grain harvest falls short of forecast\n\n"
           "Lakeside, 9 October 2026 - The wheat harvest reached 31 million tonnes this year, down 6% on last "
           "year, the Farm Statistics Office said in its autumn estimate. Storage operators expect 4,200 "
           "new silo places by spring.\n\n"
           "Farmers in the northern districts blamed a dry June and a wet harvest month for the shortfall, and "
           "several cooperatives said they would ask the regional government for help with drying costs. The "
           "office will publish its final figures in the new year, after the maize and barley returns are in.\n\n"
           "Millers said bread prices were unlikely to move before the spring, since most of them had bought "
           "ahead, but feed merchants warned that livestock farmers would feel the pinch sooner.\n")


@pytest.fixture(scope="module")
def harvest_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.shared_stores import extracted_store

    folder = tmp_path_factory.mktemp("show")
    (folder / "harvest.txt").write_text(HARVEST, encoding="utf-8")
    return extracted_store(folder / "c.db", [str(folder / "harvest.txt")], [], ())


def _show(db: Path) -> str:
    import newstrace.cli as cli_module

    with Store.open(db) as store:
        article = next(iter(store.iter_articles(statuses=None)))
    result = CliRunner().invoke(cli_module.cli, ["--db", str(db), "show", article.id[:10]], catch_exceptions=False,
                                env={"COLUMNS": "200"})  # rich wraps table titles and cells at 80
    assert result.exit_code == 0, result.output
    return result.output


def test_show_marks_what_a_person_corrected_and_lists_what_they_removed(harvest_db: Path,
                                                                       tmp_path: Path) -> None:
    from newstrace.extract.records import Annotations
    from newstrace.provenance.annotation_formats import Span
    from newstrace.provenance.human_annotations import Correction, current_view
    from tests.shared_stores import copy_store

    db = copy_store(harvest_db, tmp_path)
    before = _show(db)
    assert "corrected by a person" not in before and "4,200" in before

    with Store.open(db) as store:
        article = next(iter(store.iter_articles(statuses=None)))
        ann = Annotations.from_dict(store.get_annotations(article.id)[1])
        view = current_view(ann, article.text)
        texts = {article.text[s.start:s.end]: s for s in view.statistics}
        assert "6%" in texts and "4,200" in texts, texts
        # The person drops the silo count and widens "6%" to the whole comparison's figure span.
        six = texts["6%"]
        kept = [s for s in view.statistics if s not in (texts["4,200"], six)]
        widened = Span(six.start - len("down "), six.end, six.label)
        correction = Correction(tuple(kept + [widened]), view.sources)
        store.save_human_annotations([(article.id, article.content_hash, "doccano", correction.to_dict())])

    after = _show(db)
    assert "corrected by a person (doccano)" in after
    assert "1 statistic(s) added or changed, 1 removed" in after
    assert "statistics a person removed" in after
    removed_table = after.split("statistics a person removed", 1)[1]
    assert "4,200" in removed_table
    rows = [line for line in after.splitlines() if "down 6%" in line and "│" in line]
    assert rows and "person" in rows[0], after
    untouched = [line for line in after.splitlines() if "31 million" in line and "│" in line]
    assert untouched and "extract" in untouched[0]


def test_a_correction_made_on_other_text_is_not_shown(harvest_db: Path, tmp_path: Path) -> None:
    # The stored correction removes every statistic, but it was made on another text: it is ignored.
    out = _show(copy_store_and_correct(harvest_db, tmp_path, content_hash="not-this-text"))
    assert "corrected by a person" not in out and "31 million" in out.split("statistics", 1)[1]


def test_a_correction_made_on_this_text_removing_everything_is_shown(harvest_db: Path, tmp_path: Path) -> None:
    with Store.open(harvest_db) as store:
        current = next(iter(store.iter_articles(statuses=None))).content_hash
    out = _show(copy_store_and_correct(harvest_db, tmp_path, content_hash=current))
    assert "0 statistic(s) added or changed" in out and "statistics a person removed" in out


def copy_store_and_correct(db: Path, folder: Path, content_hash: str) -> Path:
    from newstrace.provenance.human_annotations import Correction
    from tests.shared_stores import copy_store

    copy = copy_store(db, folder)
    with Store.open(copy) as store:
        article = next(iter(store.iter_articles(statuses=None)))
        store.save_human_annotations([(article.id, content_hash, "prodigy", Correction((), ()).to_dict())])
    return copy


def test_the_report_json_marks_each_mention_a_person_corrected(harvest_db: Path, tmp_path: Path) -> None:
    import json

    import newstrace.cli as cli_module
    from newstrace.extract.records import Annotations
    from newstrace.provenance.annotation_formats import Span
    from newstrace.provenance.human_annotations import Correction, current_view
    from tests.shared_stores import copy_store

    db = copy_store(harvest_db, tmp_path)
    with Store.open(db) as store:
        article = next(iter(store.iter_articles(statuses=None)))
        ann = Annotations.from_dict(store.get_annotations(article.id)[1])
        view = current_view(ann, article.text)
        six = next(s for s in view.statistics if article.text[s.start:s.end] == "6%")
        widened = Span(six.start - len("down "), six.end, six.label)
        statistics = tuple(s for s in view.statistics if s != six) + (widened,)
        store.save_human_annotations([(article.id, article.content_hash, "label-studio",
                                       Correction(statistics, view.sources).to_dict())])
    result = CliRunner().invoke(cli_module.cli, ["--db", str(db), "report", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    mentions = {m["text"]: m for f in json.loads(result.output)["figures"] for m in f["mentions"]}
    assert mentions["down 6%"]["human"] is True
    assert mentions["31 million tonnes" if "31 million tonnes" in mentions else "31 million"]["human"] is False
