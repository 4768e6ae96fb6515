"""Cleaning: seed text files, HTML extraction, no-article decisions, the worker, regex safety."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newstrace.corpus.clean import (
    ExtractedPage,
    ExtractionCancelled,
    ExtractionPool,
    ExtractionTimeout,
    ExtractionWorker,
    ExtractorCrashed,
    boilerplate_reason,
    claim_pool,
    clean_body,
    close_workers,
    default_worker,
    extract_html,
    extract_in_worker,
    is_article,
    is_auto_generated_note,
    parse_text_file,
    start_workers,
    wait_for_calls,
)
from newstrace.corpus.errors import NewstraceError
from newstrace.corpus.language import detect_language
from newstrace.corpus.records import Link

STORY = [
    "The city council approved a budget of 4.2 million dollars on Tuesday after a long debate.",
    "Council member Ana Ruiz said the plan would repair twelve schools and resurface main roads.",
    "Opponents argued that the spending plan relied on optimistic forecasts of tax revenue.",
    "The mayor is expected to sign the budget into law before the end of the month, aides said.",
]


def page(*paragraphs: str, title: str = "Council passes budget", extra_head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title>{extra_head}</head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


# -- seeds ------------------------------------------------------------------------------


def _seed_paths(seeds_dir: Path) -> list[Path]:
    return sorted(seeds_dir.glob("*.txt"))


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, tuple[str, ExtractedPage]]:
    out = {}
    for path in _seed_paths(seeds_dir):
        raw = path.read_text(encoding="utf-8")
        out[path.stem] = (raw, parse_text_file(raw))
    assert len(out) == 4
    return out


def _ws(text: str) -> str:
    # The seeds use no-break spaces in places where the gold file has plain ones.
    return " ".join(text.split())


def test_seed_boilerplate_from_gold_is_gone(seeds, seeds_gold):
    for doc, (_raw, parsed) in seeds.items():
        for junk in seeds_gold["boilerplate_to_drop"]:
            assert junk not in _ws(parsed.text), (doc, junk)
            assert parsed.title is None or junk not in _ws(parsed.title), (doc, junk)


def _expected_story_lines(raw: str, title: str, junk: list[str]) -> list[str]:
    """Every line of the raw file except the title, gold boilerplate and the origin/statement footer."""
    expected = []
    for line in raw.split("\n"):
        line = _ws(line)
        for item in junk:
            if line.startswith(item) and line != item:
                line = line[len(item):].strip()
        if not line or line in junk or line == title:
            continue
        if line.startswith(("Original:", "Statement:")):
            continue
        expected.append(line)
    return expected


def test_seed_story_lines_all_kept(seeds, seeds_gold):
    junk = seeds_gold["boilerplate_to_drop"]
    for doc, (raw, parsed) in seeds.items():
        kept = {_ws(line) for line in parsed.text.split("\n")}
        for line in _expected_story_lines(raw, parsed.title or "", junk):
            assert line in kept, (doc, line)


def test_seed_titles(seeds, seeds_gold):
    junk = seeds_gold["boilerplate_to_drop"]
    breadcrumb = next(j for j in junk if " / " in j)
    glued = "Read more news on"
    assert glued in junk
    for raw, parsed in seeds.values():
        first = _ws(raw.split("\n", 1)[0])
        if first == breadcrumb:
            assert _ws(parsed.title) == breadcrumb.split(" / ")[-1]
        elif first.startswith(glued):
            assert parsed.title == first[len(glued):]
        else:
            assert parsed.title == first
        # The title is not repeated in the body.
        assert parsed.title not in {_ws(line) for line in parsed.text.split("\n")}


def test_seed_origin_links_and_auto_generated(seeds, seeds_gold):
    for doc, (_raw, parsed) in seeds.items():
        gold = seeds_gold["documents"][doc]
        origins = [link for link in parsed.links if link.kind == "origin_link"]
        if "origin_link" in gold:
            assert [(o.href, o.start, o.end) for o in origins] == [(gold["origin_link"], -1, -1)]
            assert gold["origin_link"] not in parsed.text
        else:
            assert origins == []
        assert parsed.auto_generated is bool(gold.get("auto_aggregated")), doc
        assert parsed.language == "en"
        assert is_article(parsed) is None


# -- plain text -------------------------------------------------------------------------


def test_text_file_source_lines_and_glued_prefix():
    raw = "Read more news onBudget passes\n\n" + "\n".join(STORY) + "\nSource: Reuters\nVia: https://example.org/a\n"
    parsed = parse_text_file(raw)
    assert parsed.title == "Budget passes"
    assert parsed.text == "\n".join(STORY)
    assert [(link.kind, link.href, link.text) for link in parsed.links] == [
        ("source_line", "", "Reuters"), ("origin_link", "https://example.org/a", "https://example.org/a")]


def test_boilerplate_rules_keep_story_sentences():
    for line in STORY + ["More than 200 people attended the hearing.",
                         "Updated figures from 2019 show 5% growth.",
                         "The report said the AI-generated images were fake.",
                         "| 1 | Kyle | 5040 |"]:
        assert boilerplate_reason(line) is None, line
    for line in ["Home / World / Budget passes", "Share this article", "Follow us on Twitter",
                 "Read more news on", "Leave a Reply", "Statement: This article represents the views of the author.",
                 "We use cookies to improve your experience.", "Subscribe to our newsletter for updates",
                 "Subscribe to continue reading", "Related: Other story", "Advertisement", "© 2024 Example News",
                 "Updated at 1:23 p.m.", "Disclaimer: this is a note."]:
        assert boilerplate_reason(line) is not None, line


# One line per alternative of every rule that has a keyword prefilter: each
# must reach its rule, so a `needs` word that an alternative lacks fails here.
# Case and Unicode folding included: IGNORECASE matches the Kelvin sign and
# the long s, which casefold() turns into k and s.
_PREFILTERED_EXAMPLES = {
    "author_views": ["Statement: this piece represents the personal views of the author.",
                     "Note: the above reflects solely the opinions of its contributors.",
                     "The views expressed here are those of the writers alone."],
    "copyright": ["Copyright 2024 Example Media", "© Example Media", "ⓒ Example Media", "Ⓒ Example Media",
                  "(C) Example Media 2024", "Example Media. All Rights Reserved."],
    "cookies": ["We use cookies to personalise content.", "This website uses cookies.", "Accept all cookies",
                "Manage Cookies", "Read our cookie policy", "Change your cooKie settings (Kelvin sign)"],
    "paywall": ["Log in to your account to continue reading", "To keep reading, subscribe today",
                "This story is only available to our premium subscribers.",
                "This content is reserved for members", "Already a subscriber? Sign in",
                "Subscribe now for unlimited access", "You've reached your limit of free articles.",
                "You have used all your free articles this month", "ſubscribe to continue reading"],
    "subscribe": ["Sign up for the morning briefing in your inbox", "Get our app", "Join the podcast",
                  "Download the app on your phone", "Start your day with the free trial",
                  "Register for a subscription", "Subscribe on YouTube", "Delivered to your inbox",
                  "Browse our newsletters", "Sign up here", "Subscribe for free",
                  "Sign up for the weekly climate newsletter"],
    "credits": ["Reporting by Ana Ruiz; editing by Tom Lee", "(Additional reporting by Ana Ruiz)",
                "Writing by Ana Ruiz", "With editing by Tom Lee", "Ana Ruiz contributed reporting.",
                "Tom Lee contributed to this report."],
    "click_here": ["Click here to subscribe", "Tap here to download the app",
                   "To get the newsletter, click here", "Order now by clicking here"],
}


def test_every_alternative_of_a_prefiltered_rule_still_matches():
    from newstrace.corpus.boilerplate import RULES

    rules = {rule.name: rule for rule in RULES}
    assert {name for name, rule in rules.items() if rule.needs} == set(_PREFILTERED_EXAMPLES)
    for name, lines in _PREFILTERED_EXAMPLES.items():
        for line in lines:
            assert rules[name].pattern.search(line), (name, line)  # the example is one the pattern catches
            assert rules[name].matches(line, line.casefold()), (name, line)


@pytest.fixture(scope="module")
def benchmark_pages(shared_dir):
    folder = shared_dir / "benchmarks" / "article-extraction-benchmark" / "html"
    return [path.read_bytes() for path in sorted(folder.iterdir())]


def test_prefilters_change_no_verdict_on_the_benchmark_pages(benchmark_pages):
    """On every text line of the 181 real pages, the prefiltered rules decide as their bare patterns."""
    from lxml import html as lxml_html

    from newstrace.corpus.boilerplate import RULES

    checked = 0
    for page in benchmark_pages:
        for line in lxml_html.fromstring(page).text_content().split("\n"):
            line = line.strip()
            folded = line.casefold()
            for rule in RULES:
                if rule.needs:
                    bare = len(line) <= rule.max_len and rule.pattern.search(line) is not None
                    assert rule.matches(line, folded) is bare, (rule.name, line)
            checked += 1
    assert checked > 10_000


def test_every_self_description_the_auto_pattern_knows_passes_its_prefilter():
    from newstrace.corpus.boilerplate import AUTO_RE, AUTO_WORDS

    claims = ["auto-generated", "auto aggregated", "automatically summarized", "auto-matically summarised",
              "autowritten", "auto-created", "auto produced", "auto-curated",
              "machine-generated", "computer summarised", "algorithm written", "bot-curated",
              "generated by an algorithm", "created with ai", "written using a large language model",
              "compiled by a computer program", "produced automatically by a bot", "aggregated by the machine",
              "summarized entirely by llm", "summarised with artificial intelligence", "created by automated",
              "syndicated feed"]
    for claim in claims:
        assert AUTO_RE.search(claim), claim
        assert any(word in claim for word in AUTO_WORDS), claim
        assert is_auto_generated_note(f"Note: this article was {claim} (disclaimer).".upper()), claim


def test_auto_generated_needs_self_reference():
    assert is_auto_generated_note("Note: This article was automatically generated by an algorithm.")
    assert is_auto_generated_note("This story has not been edited by our staff and is auto-generated from a "
                                  "syndicated feed.")
    assert not is_auto_generated_note("Police said the AI-generated video was shared widely. This story was "
                                      "updated on Monday.")


def test_clean_body_remaps_link_offsets():
    text = "Share this article\n  First line with a link here.\nRead more: elsewhere\nSecond line, link two."
    a = text.index("link here")
    b = text.index("link two")
    links = [Link("https://a.example/", "link here", a, a + 9), Link("https://b.example/", "link two", b, b + 8),
             Link("https://c.example/", "elsewhere", text.index("elsewhere"), text.index("elsewhere") + 9)]
    cleaned = clean_body(text, links)
    assert cleaned.text == "First line with a link here.\nSecond line, link two."
    assert [(link.href, cleaned.text[link.start:link.end]) for link in cleaned.links] == [
        ("https://a.example/", "link here"), ("https://b.example/", "link two")]


# -- HTML -------------------------------------------------------------------------------


def test_html_links_have_offsets_into_clean_text():
    html = page(
        'The council <a href="/docs/budget.pdf">published the <b>budget</b></a> on Tuesday; details are '
        '<a href="https://example.org/1">here</a> and the vote record is <a href="https://example.org/2">here</a>.',
        *STORY)
    result = extract_html(html, "https://news.example.com/2024/budget")
    anchors = [(link.href, link.text) for link in result.links]
    assert anchors == [("https://news.example.com/docs/budget.pdf", "published the budget"),
                       ("https://example.org/1", "here"), ("https://example.org/2", "here")]
    for link in result.links:
        assert result.text[link.start:link.end] == link.text
    assert result.links[1].start != result.links[2].start
    assert "](" not in result.text  # plain text, not Markdown links
    assert result.title == "Council passes budget"
    assert is_article(result) is None


def test_html_boilerplate_dropped_and_story_kept():
    html = page(STORY[0], "Share this article", STORY[1], "Read more: Storm hits coast", STORY[2],
                "Disclaimer: This story has been auto-generated by a computer program.", STORY[3],
                "Leave a Reply")
    result = extract_html(html, "https://news.example.com/a")
    lines = result.text.split("\n")
    assert lines == STORY
    assert result.auto_generated is True
    assert "Share this article" in result.dropped


def test_html_rejects_bytes():
    with pytest.raises(TypeError):
        extract_html(b"<html></html>")  # type: ignore[arg-type]


def test_navigation_only_page_is_not_an_article():
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    html = (f"<html><head><title>Example News</title></head><body><nav><ul>{menu}</ul></nav>"
            '<footer><a href="/about">About</a> <a href="/contact">Contact</a></footer></body></html>')
    assert is_article(extract_html(html, "https://news.example.com/")) in {"link_list", "too_short", "empty_body"}
    tiny = '<html><body><nav><a href="/">Home</a> <a href="/about">About</a></nav></body></html>'
    assert is_article(extract_html(tiny)) in {"too_short", "empty_body"}


def test_paywall_teaser_is_not_an_article():
    html = page(STORY[0], "Subscribe to continue reading. Already a subscriber? Sign in.")
    result = extract_html(html, "https://news.example.com/paid")
    assert is_article(result) == "paywall"
    assert "Subscribe" not in result.text


def test_deep_nesting_is_reported():
    html = "<html><body>" + "<div>" * 300 + "".join(f"<p>{s}</p>" for s in STORY) + "</div>" * 300 + "</body></html>"
    assert is_article(extract_html(html)) == "parser_depth"


def test_short_and_empty_bodies():
    assert is_article(ExtractedPage(text="")) == "empty_body"
    assert is_article(ExtractedPage(text=STORY[0])) == "too_short"
    assert is_article(ExtractedPage(text="\n".join(STORY * 2))) is None


# -- language ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, code", [
    ("Der Stadtrat hat am Dienstag nach langer Debatte den Haushalt für das kommende Jahr beschlossen.", "de"),
    ("Le conseil municipal a adopté mardi le budget de l'année prochaine après un long débat.", "fr"),
    ("市议会周二经过长时间辩论后通过了明年的预算，市长预计将在月底前签署。", "zh"),
    ("مجلس المدينة وافق يوم الثلاثاء على ميزانية العام المقبل بعد نقاش طويل", "ar"),
])
def test_non_english_text_gets_a_language(text, code):
    assert detect_language(text) == code
    assert parse_text_file(f"Title\n{text}").language == code


def test_language_model_is_unpacked_once_then_loaded_from_the_cache(tmp_path, monkeypatch):
    from py3langid.langid import LanguageIdentifier

    import newstrace.corpus.language as language

    german = "Der Stadtrat hat am Dienstag nach langer Debatte den Haushalt für das kommende Jahr beschlossen."
    monkeypatch.setenv("NEWSTRACE_CACHE_DIR", str(tmp_path / "cache"))
    language._classifier.cache_clear()
    try:
        assert detect_language(german) == "de"
        [cached] = (tmp_path / "cache").iterdir()
        assert cached.name.startswith("py3langid-") and cached.suffix == ".pickle"

        def unpacking(*args, **kwargs):
            raise AssertionError("the cached model should have been used")

        monkeypatch.setattr(LanguageIdentifier, "from_model_file", unpacking)
        language._classifier.cache_clear()
        assert detect_language(german) == "de"
        # A damaged cache file is built again, not trusted.
        monkeypatch.undo()
        monkeypatch.setenv("NEWSTRACE_CACHE_DIR", str(tmp_path / "cache"))
        cached.write_bytes(cached.read_bytes()[:1000])
        language._classifier.cache_clear()
        assert detect_language(german) == "de"
        assert cached.stat().st_size > 1_000_000
        # Nowhere to write it: the model still loads.
        monkeypatch.setenv("NEWSTRACE_CACHE_DIR", str(tmp_path / "file-not-folder" / "x"))
        (tmp_path / "file-not-folder").write_text("")
        language._classifier.cache_clear()
        assert detect_language(german) == "de"
    finally:
        language._classifier.cache_clear()


def test_too_little_text_has_no_language():
    assert detect_language("Home About") is None


def test_html_language_detected():
    html = page("Der Stadtrat hat am Dienstag nach einer langen Debatte den Haushalt beschlossen.",
                "Die Verwaltung teilte mit, dass zwölf Schulen saniert und mehrere Straßen erneuert werden.",
                "Kritiker bemängelten, dass der Plan auf optimistischen Steuerprognosen beruhe.",
                title="Haushalt beschlossen")
    assert extract_html(html).language == "de"


# -- the worker -------------------------------------------------------------------------


def test_errors_are_newstrace_errors():
    assert issubclass(ExtractionTimeout, NewstraceError)
    assert issubclass(ExtractorCrashed, NewstraceError)
    assert issubclass(ExtractionCancelled, NewstraceError)


def test_worker_times_out_on_heavy_page_and_recovers():
    rows = "".join(f"<tr><td>row {i}</td><td>{i * 3}</td><td>value {i}</td></tr>" for i in range(50_000))
    heavy = f"<html><body><article><p>Results.</p><table>{rows}</table></article></body></html>"
    good = page(*STORY)
    with ExtractionWorker() as worker:
        assert extract_in_worker(good, None, 30, worker=worker).text.split("\n") == STORY
        first_pid = worker.pid
        started = time.monotonic()
        with pytest.raises(ExtractionTimeout):
            extract_in_worker(heavy, None, 1.0, worker=worker)
        assert time.monotonic() - started < 10
        assert worker.pid is None  # the overrunning process is gone
        assert extract_in_worker(good, None, 30, worker=worker).text.split("\n") == STORY
        assert worker.pid not in (None, first_pid)


@pytest.mark.parametrize("context", ["forkserver", "spawn"])  # the default, and where there is no forkserver
def test_worker_crash_is_an_exception_and_worker_is_replaced(context):
    with ExtractionWorker(context=context) as worker:
        with pytest.raises(ExtractorCrashed):
            worker.call(os.abort, timeout_s=30)
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"


def test_queued_job_runs_next_and_its_limit_starts_when_it_does():
    with ExtractionWorker(depth=2) as worker:
        worker.call(time.sleep, 0, timeout_s=30)  # started and warm
        first = worker.submit(time.sleep, 1.5, timeout_s=30)
        # 1.0 s would be long over by the time this job ends if it counted from now.
        second = worker.submit(extract_html, page(*STORY), timeout_s=1.0)
        assert worker.queued == 2
        with pytest.raises(RuntimeError, match="at most 2 jobs"):
            worker.submit(time.sleep, 0, timeout_s=30)
        assert second.result().text.split("\n") == STORY
        assert first.done() and first.result() is None
        assert worker.queued == 0


@pytest.mark.timeout(120)
def test_a_big_queued_page_does_not_wait_forever_behind_a_big_answer():
    # Both bigger than a pipe's buffer: sending the second page must not wait for
    # the worker to take it while the worker waits for us to take its answer.
    big = page(*(STORY * 3000))
    with ExtractionWorker(depth=2) as worker:
        first = worker.submit(extract_html, big, timeout_s=60)
        second = worker.submit(extract_html, big, timeout_s=60)
        assert len(first.result().text) > 500_000
        assert second.result().text == first.result().text


def test_wait_for_calls_returns_only_answered_jobs_oldest_first():
    with ExtractionWorker(depth=2) as worker:
        worker.call(time.sleep, 0, timeout_s=30)
        quick = worker.submit(time.sleep, 0.2, timeout_s=30)
        slow = worker.submit(time.sleep, 2.0, timeout_s=30)
        assert wait_for_calls([quick, slow], timeout_s=0.0) == []
        assert wait_for_calls([quick, slow]) == [quick]
        assert not slow.done()
        assert wait_for_calls([slow]) == [slow]


def test_jobs_queued_behind_an_overrun_are_cancelled_not_failed():
    with ExtractionWorker(depth=2) as worker:
        hanging = worker.submit(time.sleep, 60, timeout_s=1.0)
        behind = worker.submit(extract_html, page(*STORY), timeout_s=30)
        started = time.monotonic()
        with pytest.raises(ExtractionCancelled):
            behind.result()
        assert time.monotonic() - started < 10
        with pytest.raises(ExtractionTimeout):
            hanging.result()
        assert worker.queued == 0 and worker.pid is None
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"


def test_jobs_queued_behind_a_crash_are_cancelled():
    with ExtractionWorker(depth=2) as worker:
        crashing = worker.submit(os.abort, timeout_s=30)
        behind = worker.submit(time.sleep, 0, timeout_s=30)
        assert wait_for_calls([crashing, behind]) == [crashing, behind]
        with pytest.raises(ExtractorCrashed):
            crashing.result()
        with pytest.raises(ExtractionCancelled):
            behind.result()
        assert worker.call(time.sleep, 0, timeout_s=30) is None


def test_a_job_sent_while_its_worker_is_still_starting_waits_for_that_start():
    with ExtractionPool(1) as pool:
        pool.start()
        worker = pool.workers()[0]
        # No wait: the background start may still hold the worker; the job must
        # neither fail nor start a second process.
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"
        first = worker.pid
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"
        assert worker.pid == first


def test_closing_a_pool_stops_its_processes_and_a_later_job_starts_one_again():
    with ExtractionPool(2) as pool:
        worker, spare = pool.workers()
        assert pool.workers() == [worker, spare]  # made once, not per call
        assert worker.pid is None and spare.pid is None  # lazily: nothing runs before a job or start()
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"
        before = worker.pid
        assert before is not None
        pool.close()
        assert worker.pid is None
        with pytest.raises(ProcessLookupError):
            os.kill(before, 0)
        assert extract_in_worker(page(*STORY), None, 30, worker=worker).title == "Council passes budget"
        assert worker.pid not in (None, before)
    assert worker.pid is None  # the with block closed it again


def _wait_for_pid(worker: ExtractionWorker) -> int | None:
    deadline = time.monotonic() + 60
    while worker.pid is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return worker.pid


def test_a_pool_started_ahead_is_claimed_once_and_its_processes_are_used():
    ahead = start_workers(2)
    pool = claim_pool(2)
    try:
        assert pool is ahead
        workers = pool.workers()
        # Started ahead on a background thread, before anyone sent a job.
        started = _wait_for_pid(workers[1])
        assert started is not None
        assert extract_in_worker(page(*STORY), None, 30, worker=workers[1]).title == "Council passes budget"
        assert workers[1].pid == started  # the job used the process started ahead, not a second one
        other = claim_pool(2)
        assert other is not pool and other.workers()[0].pid is None  # handed out once; the next is new
    finally:
        pool.close()


def test_close_workers_stops_a_pool_nobody_claimed_and_the_default_worker():
    ahead = start_workers(1)
    assert _wait_for_pid(ahead.workers()[0]) is not None
    assert extract_in_worker(page(*STORY), None, 30).title == "Council passes budget"  # the default worker
    assert default_worker() is default_worker() and default_worker().pid is not None
    close_workers()
    assert ahead.workers()[0].pid is None and default_worker().pid is None
    assert claim_pool(1) is not ahead  # a closed pool is not handed out later


# -- regex safety (RELIABILITY D12) -----------------------------------------------------

ADVERSARIAL = {
    "spaces_then_at": " " * 100_000 + "@",
    "title_without_end": "<title" + "a" * 200_000,
    "breadcrumb_run": "Home / " * 15_000,
    "separators": " | " * 35_000,
    "punctuation": "-" * 100_000,
    "read_more_run": "read more " * 10_000,
    "auto_words": "auto-generated this " * 5_000,
    "views_of": "this article " * 4_000 + "represents the views of",
    "origin_like": "Source: " + "a." * 50_000,
    "many_short_lines": "Share\n" * 20_000,
    "distinct_short_lines": "\n".join(f"Section {i} / Topic / Updated at {i}" for i in range(3_000)),
    "long_word": "a" * 100_000,
}


@pytest.fixture(scope="module")
def _warm_language_model() -> None:
    detect_language("warm up the language model before timing anything")


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_regexes_are_linear_on_adversarial_input(name, _warm_language_model):
    text = ADVERSARIAL[name]
    started = time.perf_counter()
    boilerplate_reason(text)
    clean_body(text, title=text[:100])
    parse_text_file(text)
    is_auto_generated_note(text)
    assert time.perf_counter() - started < 1.0


# -- benchmark metric -------------------------------------------------------------------


def test_benchmark_metric_basics():
    from bench.extract_benchmark import aggregate, page_counts

    same = page_counts("one two three four five", "one two three four five")
    assert (same.tp, same.fp, same.fn) == (1.0, 0.0, 0.0)
    half = page_counts("a b c d e f", "a b c d x y")
    assert half.tp > 0 and half.fp > 0 and half.fn > 0
    scores = aggregate([same, page_counts("a b c d", "")], [True, False], 0.0)
    assert scores.precision == 1.0 and scores.recall == 0.5


def test_breadcrumb_title_line_is_dropped_for_the_headline():
    from newstrace.corpus.clean import parse_text_file

    text = ("Portside > Local > Ferry operator adds a late boat on summer weekends for island residents\n\n"
            "Ferry operator adds a late boat on summer weekends for island residents\n\n"
            + "The operator said the extra sailing would run from June to September. " * 8)
    page = parse_text_file(text)
    assert page.title == "Ferry operator adds a late boat on summer weekends for island residents"
    assert not page.text.startswith("Portside")


# -- dates (corpus/dates.py through extract_html and parse_text_file) ------------------------------

_UNDATED_PAGE = ("<html><head><title>Reservoir levels</title></head><body><article><h1>Reservoir levels</h1>"
                 "<p>The reservoirs that supply the valley were built in 1999 and have never been this low, the "
                 "water board said, after the driest spring on record left them at a third of capacity.</p>"
                 "<p>Engineers said the dams, completed in 1999, would be inspected before the autumn rains, "
                 "and that hosepipe bans were likely across the region for the rest of the summer.</p>"
                 "<p>Farmers have been asked to report their abstraction weekly.</p></article></body></html>")


def test_I19_undated_page_mentioning_a_year_gets_no_publication_date() -> None:
    page = extract_html(_UNDATED_PAGE, "https://water.example.org/news/reservoir-levels")
    assert page.published is None or page.date_estimated
    assert page.published != "1999-01-01"


def test_page_metadata_date_carries_its_source() -> None:
    html = _UNDATED_PAGE.replace("</title>", '</title><meta property="article:published_time" '
                                 'content="2025-05-06T09:00:00Z">')
    page = extract_html(html, "https://water.example.org/news/reservoir-levels")
    assert (page.published, page.date_source, page.date_estimated) == ("2025-05-06", "metadata", False)


def test_url_path_date_is_kept_as_an_estimate() -> None:
    page = extract_html(_UNDATED_PAGE, "https://water.example.org/2025/05/06/reservoir-levels/")
    assert (page.published, page.date_source, page.date_estimated) == ("2025-05-06", "url", True)


def test_text_file_dateline_is_its_date_and_body_dates_are_estimates() -> None:
    dated = parse_text_file("Clinics cut waiting times\n\nLEEDS, 4 March 2025 - Waiting times at walk-in clinics "
                            "fell by a fifth over the winter, the health trust said.\nMore staff were hired.")
    assert (dated.published, dated.date_source, dated.date_estimated) == ("2025-03-04", "dateline", False)
    estimated = parse_text_file("Clinics cut waiting times\n\nWaiting times fell after the trust's review of "
                                "2 December 2024, the trust said.\nMore staff were hired in 2023.")
    assert (estimated.published, estimated.date_source, estimated.date_estimated) == ("2024-12-02", "text", True)


def test_a_one_paragraph_brief_with_a_figure_is_an_article_but_a_short_line_is_not() -> None:
    brief = ("The regional water board said on Monday that 1.4 million households had their supply cut for "
             "at least six hours during the heatwave, almost twice as many as in the previous summer.\nBy Staff")
    assert len(brief) < 250 and is_article(ExtractedPage(text=brief)) is None
    # The same length of byline, menu or teaser words, with no whole sentence stating a number, stays out.
    stub = "Home | World | Business | Water board news and updates for 2024 | Sign in | Subscribe | " * 2
    assert is_article(ExtractedPage(text=stub.strip())) == "too_short"
    words = ("Water board statement on supply cuts during the summer heatwave published today " * 2).strip() + "."
    assert is_article(ExtractedPage(text=words)) == "too_short"  # a long sentence, but no figure in it


def test_a_consent_notice_or_error_page_of_brief_length_is_not_a_brief() -> None:
    consent = ("We and our 318 partners store and access information on a device, such as cookies, and process "
               "personal data for tailored adverts and content, measurement and audience research.")
    error = ("Sorry, the story you were looking for was not found on this news site, error 404, so please check the "
             "web address you typed for mistakes and then try again.")
    for body in (consent, error):
        assert len(body) >= 150 and is_article(ExtractedPage(text=body)) == "too_short"
