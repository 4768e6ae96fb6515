from provenance.verdict import build_verdict


def _m(article, text, value, source=True, date="2026-03-02"):
    return {"article": article, "text": text, "value": value, "date": date,
            "attribution": {"name": "Health Office"} if source else None}


def test_verdict_counts_matches_roundings_and_unsourced():
    figure = {"value": 4.1, "unit": "percent", "first_seen": {"date": "2026-03-01"},
              "primary_source": {"name": "Health Office", "article": "p1"},
              "mentions": [_m("p1", "4.1%", 4.1, date="2026-03-01"), _m("a", "4.1%", 4.1),
                           _m("b", "4%", 4.0), _m("c", "4.1 percent", 4.1, source=False),
                           _m("d", "6%", 6.0)]}
    v = build_verdict(figure)
    assert (v.retellings, v.match, v.rounded, v.differ, v.no_source) == (4, 2, 1, 1, 1)
    assert v.sentence.startswith("Primary: Health Office, 4.1")
    assert "(2026-03-01)" in v.sentence and "1 rounds it to 4%" in v.sentence
    assert "2 match, 1 rounds it to 4%, 1 states another number, 1 names no source" in v.sentence
    assert v.to_dict()["rounded_to"] == ["4%"]


def test_verdict_names_only_what_happened_with_verbs_that_agree():
    figure = {"value": 4.1, "unit": "percent", "primary_source": {"name": "Health Office", "article": "p1"},
              "first_seen": {"date": "2026-03-01T09:16:00Z"},
              "mentions": [_m("p1", "4.1%", 4.1, date="2026-03-01T09:16:00Z"), _m("a", "4%", 4.0), _m("b", "4%", 4.0)]}
    sentence = build_verdict(figure).sentence
    assert "(2026-03-01). 2 retellings: none matches, 2 round it to 4%; first seen 2026-03-01." in sentence
    assert "no source" not in sentence  # every retelling names one


def test_verdict_without_primary_says_so():
    figure = {"value": 1200, "unit": "jobs", "mentions": [_m("a", "1,200", 1200, source=False)]}
    v = build_verdict(figure)
    assert v.primary is None and v.sentence.startswith("No primary source identified. 1 retelling:")
    assert v.no_source == 1


def test_markdown_and_html_put_the_verdict_under_the_value():
    from provenance.render_html import render_html
    from provenance.render_md import render_markdown
    from provenance.views import report_view
    figure = {"id": "f-1", "value": 300, "unit": "homes", "statement": "300 homes",
              "primary_source": {"name": "Housing Board", "article": "p1"},
              "mentions": [_m("p1", "300", 300), _m("a", "300", 300, source=False)]}
    report = report_view({"summary": {}, "articles": [], "clusters": [], "figures": [figure], "quotes": [],
                          "conflicts": [], "graph": {"nodes": [], "edges": []}})
    md = render_markdown(report)
    assert md.index("**Verdict.** Primary: Housing Board") > md.index("### 300")
    assert "1 retelling: 1 matches, 1 names no source" in md
    assert 'class="verdict">Primary: Housing Board' in render_html(report)
