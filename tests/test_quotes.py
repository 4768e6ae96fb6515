"""Direct quotations and their speakers (real spaCy model)."""

from __future__ import annotations

import pytest

from newstrace.extract.entities import find_entities
from newstrace.extract.quotes import find_quotes, quoted_spans


def _quotes(nlp, kb, text):
    doc = nlp(text)
    return doc, find_quotes(doc, find_entities(doc, kb), kb)


@pytest.fixture(scope="module")
def seed_quotes(nlp, kb, seeds_dir):
    return {p.stem: _quotes(nlp, kb, p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))}


# --- seed articles --------------------------------------------------------------------


def test_seed_quotes_anchor_the_text(seed_quotes):
    for doc, quotes in seed_quotes.values():
        for quote in quotes:
            assert doc.text[quote.start:quote.end] == quote.text
            if quote.speaker_start >= 0:
                assert doc.text[quote.speaker_start:quote.speaker_end]


def test_seed_speakers_match_gold(seed_quotes, seeds_gold):
    gold_ids = {"Yann LeCun": "yann-lecun", "MERICS": "merics", "an expert from MIT": "mit",
                "Jeanette Egan (CNAS)": "jeanette-egan"}
    for item in seeds_gold["quotes"]:
        for doc_id in item["docs"]:
            _, quotes = seed_quotes[doc_id]
            assert gold_ids[item["speaker"]] in {q.kb_id for q in quotes}, (item["speaker"], doc_id)


def test_seed_000_quotes(seed_quotes):
    _, quotes = seed_quotes["000_9deefba0caf3c4bd"]
    by_speaker = {q.speaker: q for q in quotes}
    assert set(by_speaker) == {"MERICS", "An expert from MIT", "Jeanette Egan"}
    merics = by_speaker["MERICS"]
    assert merics.cue == "pointed out"
    assert merics.text.startswith("Open-source is more mainstream") and merics.text.endswith("technologies.")
    assert by_speaker["An expert from MIT"].kb_id == "mit"
    assert by_speaker["Jeanette Egan"].cue == "stated"
    # Scare quotes are not quotations.
    texts = " | ".join(q.text for q in quotes)
    for scare in ("American values", "Rama", "super intelligence", "open-weight"):
        assert not any(q.text.rstrip(".,") == scare for q in quotes), texts


def test_seed_001_has_no_quotes(seed_quotes):
    assert seed_quotes["001_028a77631eca17e6"][1] == []


def test_seed_002_quotes(seed_quotes):
    _, quotes = seed_quotes["002_0e906eb12c0fc9de"]
    assert [(q.kb_id, q.cue) for q in quotes] == [("yann-lecun", "stated"), ("washington-post", "reported")]
    assert quotes[0].text.startswith("most open-source AI now comes from China.")
    assert quotes[0].text.endswith("field of artificial intelligence.")


def test_seed_003_quotes(seed_quotes):
    doc, quotes = seed_quotes["003_f763132a9defa5f8"]
    assert [(q.speaker, q.kb_id, q.text) for q in quotes] == [
        ("Yann LeCun", "yann-lecun", "Most open-source AIs today are Chinese-made.")
    ]
    assert doc.text[quotes[0].speaker_start:quotes[0].speaker_end] == "Yann LeCun"


# --- patterns on short sentences -------------------------------------------------------------

CASES = [
    ('Yann LeCun said: "Open models will win in the end because everyone can build on them."',
     [("yann-lecun", "Yann LeCun", "said")]),
    ('MERICS pointed out: "Open-source is more mainstream in China."', [("merics", "MERICS", "pointed out")]),
    ('"Open models will win in the end," LeCun said.', [("yann-lecun", "Yann LeCun", "said")]),
    ('"We will release the weights next month," said Jeanette Egan.', [("jeanette-egan", "Jeanette Egan", "said")]),
    ('Yann LeCun stated at a conference in Seoul that "most open-source AI now comes from China."',
     [("yann-lecun", "Yann LeCun", "stated")]),
    ("Yann LeCun remarked, “Most open-source AIs today are Chinese-made.”", [("yann-lecun", "Yann LeCun", "remarked")]),
    ("Yann LeCun said: ‘Open research wins in the long run.’", [("yann-lecun", "Yann LeCun", "said")]),
    ('An expert from MIT explained: "Chinese companies release models every week."',
     [("mit", "An expert from MIT", "explained")]),
    ('According to Reuters, "the deal will close by the end of March this year."',
     [("reuters", "Reuters", "according to")]),
    ('Jane Smith, an analyst at Bloomberg, spoke in Seoul. She said: “Prices will fall sharply next year.”',
     [(None, "Jane Smith", "said (coref)")]),
    ('Chinese firms now lead, said MERICS. "They release a new model every week or two," the think tank said.',
     [("merics", "MERICS", "said (coref)")]),
    ("Jeanette Egan said: “The U.S. should pay attention.” She added: “China is moving fast on open models.”",
     [("jeanette-egan", "Jeanette Egan", "said"), ("jeanette-egan", "Jeanette Egan", "added (coref)")]),
    ('The report ended with a line: "Everyone who builds models will have to pick a side now."',
     [(None, None, None)]),
    # Scare quotes, names in quotes and single quotes with no speaker.
    ('Meta has opened models such as "Rama," but also built "super intelligence."', []),
    ('The administration wants models that reflect "American values."', []),
    ("OpenAI released its first 'open-weight' model in August.", []),
    ('Minimax released the "M2" model last month.', []),
    ('The South Korean media "Chosun Ilbo" published an article.', []),
    ("LeCun, one of the ‘four titans of AI,’ spoke briefly.", []),
    ("China’s developers’ models are popular, and the firms’ strategy is working.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_quote_patterns(nlp, kb, text, expected):
    doc, quotes = _quotes(nlp, kb, text)
    assert [(q.kb_id, q.speaker, q.cue) for q in quotes] == expected
    for quote in quotes:
        assert doc.text[quote.start:quote.end] == quote.text
        assert not quote.text.startswith(('"', "“", "‘"))


def test_pronoun_speaker_offsets_point_at_the_pronoun(nlp, kb):
    doc, quotes = _quotes(nlp, kb, 'Jeanette Egan spoke first. She said: "China is moving fast on open models."')
    (quote,) = quotes
    assert doc.text[quote.speaker_start:quote.speaker_end] == "She"
    assert quote.speaker == "Jeanette Egan"


def test_quoted_spans_pairing():
    text = 'He said "yes." Then "no" and ‘maybe’ — China’s “own” view. Stray end."'
    spans = [(text[s.open + 1:s.close], s.single) for s in quoted_spans(text)]
    assert spans == [("yes.", False), ("no", False), ("maybe", True), ("own", False)]


def test_quote_continues_after_the_speaker_tag(nlp, kb):
    text = ('“We are going to start with something smaller,” John Roth said. '
            '“Our flexibility is going to lead us to fulfill more complex missions.”\n\n'
            '“Nobody knows what happens after that, and nobody can say for sure,” the text ended.')
    doc, quotes = _quotes(nlp, kb, text)
    assert [(q.speaker, q.cue) for q in quotes[:2]] == [("John Roth", "said"), ("John Roth", "said (continued)")]
    assert quotes[2].speaker is None  # a new paragraph does not continue
