"""Knowledge base: loading, merging, resolution and error messages. No spaCy needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.corpus.errors import UsageError
from newstrace.extract.kb import KBError, load_kb, name_key

REQUIRED_IDS = {
    "mit": "organization", "hugging-face": "organization",
    "study-economies-open-intelligence": "study", "artificial-analysis": "leaderboard",
    "minimax": "organization", "minimax-m2": "model", "deepseek": "organization",
    "deepseek-r1": "model", "qwen": "model", "alibaba": "organization", "openai": "organization",
    "meta": "organization", "llama": "model", "google": "organization", "anthropic": "organization",
    "nvidia": "organization", "merics": "organization", "cnas": "organization", "nyu": "organization",
    "financial-times": "outlet", "chosun-ilbo": "outlet", "washington-post": "outlet",
    "pioneer-economy": "outlet", "tass": "outlet", "toutiao": "outlet", "feedzop": "outlet",
    "yann-lecun": "person", "jeanette-egan": "person", "reuters": "outlet",
    "associated-press": "outlet", "bloomberg": "outlet", "nature": "outlet", "arxiv": "outlet",
    "oecd": "organization", "stanford-hai": "organization", "stanford-ai-index": "study",
    "epoch-ai": "organization", "lmarena": "leaderboard", "pew-research-center": "organization",
    "seoul": "place", "yeongdeungpo": "place", "yongsan": "place", "beijing": "place",
    "china": "place", "united-states": "place",
}


def test_required_ids_and_kinds(kb):
    for entry_id, kind in REQUIRED_IDS.items():
        entry = kb.get(entry_id)
        assert entry is not None, entry_id
        assert entry.kind == kind, entry_id


def test_study_publishers_and_model_parents(kb):
    study = kb.get("study-economies-open-intelligence")
    assert set(study.publishers) == {"mit", "hugging-face"}
    assert "2512.03073" in study.url
    assert kb.get("llama").parent == "meta"
    assert kb.get("minimax-m2").parent == "minimax"


def test_default_kb_is_cached():
    assert load_kb() is load_kb()


# The example articles' cast lives in data/demo/kb.yaml (the `kb` fixture loads it); the shipped KB
# holds only bodies any story may cite.
DEMO_ONLY = ("feedzop", "pioneer-economy", "toutiao", "chosun-ilbo", "jeanette-egan", "yann-lecun",
             "yongsan", "yeongdeungpo", "llama", "minimax-m2", "study-economies-open-intelligence")


def test_shipped_kb_is_general_and_large():
    shipped = load_kb()
    assert len(shipped) >= 300
    assert not [i for i in DEMO_ONLY if i in shipped]
    assert shipped.resolve("Rama") is None  # the seeds' transliteration error is demo data
    kinds = {e.kind for e in shipped}
    assert {"organization", "outlet", "study", "dataset", "leaderboard"} <= kinds
    assert "place" not in kinds and "person" not in kinds


def test_no_builtin_kb_has_only_the_user_files(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text("entries:\n  - {id: acme-lab, name: Acme Lab, kind: organization, aliases: [ACL]}\n")
    alone = load_kb([user], builtin=False)
    assert [e.id for e in alone] == ["acme-lab"]
    assert alone.resolve("International Monetary Fund") is None
    assert load_kb([user]).resolve("International Monetary Fund").id == "imf"
    # A user file that points at shipped ids still loads without them; the links are dropped.
    demo = load_kb([Path(__file__).resolve().parents[1] / "data" / "demo" / "kb.yaml"], builtin=False)
    assert demo.get("feedzop") is not None and demo.get("mit") is None
    assert demo.get("yann-lecun").parent is None
    empty = load_kb(builtin=False)
    assert len(empty) == 0
    # The fingerprint tells the three apart, so stored annotations are redone.
    assert len({empty.fingerprint, alone.fingerprint, load_kb().fingerprint, load_kb([user]).fingerprint}) == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("WHO", "who"), ("the World Health Organization", "who"), ("l'OMS", "who"),
        ("Weltgesundheitsorganisation", "who"), ("la OMS", "who"), ("die WHO", "who"), ("UN health agency", "who"),
        ("UN weather agency", "wmo"), ("the IMF", "imf"), ("FMI", "imf"), ("IWF", "imf"),
        ("Bureau of Labor Statistics", "bls"), ("BLS", "bls"), ("Labor Department", "us-dol"),
        ("Statistisches Bundesamt", "destatis"), ("Insee", "insee"), ("Instituto Nacional de Estadística", "ine-spain"),
        ("StatCan", "statcan"), ("the Fed", "federal-reserve"), ("BCE", "ecb"), ("EZB", "ecb"),
        ("Reuters Institute", "risj"), ("AIE", "iea"), ("Internationale Energieagentur", "iea"),
        ("World Economic Outlook", "imf-weo"), ("Global EV Outlook", "iea-gevo"), ("Digital News Report", "dnr"),
        ("Employment Situation", "bls-employment-situation"), ("Global Burden of Disease", "gbd"),
    ],
)
def test_shipped_names_in_four_languages(name, expected):
    match = load_kb().resolve(name)
    assert (match.id if match else None) == expected


@pytest.mark.parametrize("word", ["Who", "who", "Bad", "Doe", "Imf", "Abs", "Mas"])
def test_acronyms_resolve_only_when_written_as_acronyms(word):
    # "WHO", "DOE", "ABS", "MAS" are shipped acronyms; the same letters as a word or a name are not.
    assert load_kb().resolve(word) is None


def test_report_series_name_their_publishers():
    kb = load_kb()
    for series, publisher in (("imf-weo", "imf"), ("iea-gevo", "iea"), ("iea-weo", "iea"),
                              ("bls-employment-situation", "bls"), ("dnr", "risj"), ("gbd", "ihme")):
        assert kb.get(series).publishers == (publisher,)
    assert kb.works_by(["iea"], ("study",)) is None  # the IEA has several: naming it is not enough


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HuggingFace", "hugging-face"),
        ("Hugging Face", "hugging-face"),
        ("hugging-face", "hugging-face"),
        ("Massachusetts Institute of Technology", "mit"),
        ("the Massachusetts Institute of Technology", "mit"),
        ("M.I.T.", "mit"),
        ("Minimax", "minimax"),
        ("MINIMAX", "minimax"),
        ("The Washington Post", "washington-post"),
        ("Washington Post’s", "washington-post"),
        ("U.S.", "united-states"),
        ("DeepSeek-R1", "deepseek-r1"),
        ("Center for a New American Security", "cnas"),
        ("Alibaba Group", "alibaba"),
        ("Stanford AI Index", "stanford-ai-index"),
    ],
)
def test_exact_aliases(kb, name, expected):
    match = kb.resolve(name)
    assert match is not None and match.id == expected
    assert match.method == "alias"


def test_known_error_carries_a_note(kb):
    match = kb.resolve("Rama")
    assert match.id == "llama"
    assert "transliteration error" in match.note


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Artifical Analysis", "artificial-analysis"), ("Financial Time", "financial-times"),
     ("Jeanete Egan", "jeanette-egan"), ("Anthropics", "anthropic")],
)
def test_fuzzy_typos_resolve(kb, name, expected):
    match = kb.resolve(name)
    assert match is not None and match.id == expected and match.method == "fuzzy"


@pytest.mark.parametrize(
    ("name", "not_id"),
    [
        ("Meta", "merics"), ("MERICS", "meta"), ("Google", "qwen"), ("Qwen", "google"),
        ("Metal", "meta"), ("Googl", "google"), ("DeepSeek R2", "deepseek-r1"),
        ("Llama 3", "llama"), ("Alibaba Cloud", "alibaba"), ("Alibaba", "alibaba-cloud"),
        ("Open Intelligence", "study-economies-open-intelligence"), ("Amazon", "anthropic"),
    ],
)
def test_unrelated_names_do_not_merge(kb, name, not_id):
    match = kb.resolve(name)
    assert match is None or match.id != not_id


def test_alibaba_cloud_is_its_own_entry(kb):
    # Decision: the cloud unit stays separate from the group (it has its own
    # statements), linked through `parent`.
    cloud = kb.resolve("Alibaba Cloud")
    assert cloud.id == "alibaba-cloud" and cloud.entry.parent == "alibaba"


def test_unknown_names_resolve_to_none(kb):
    for name in ("", "   ", "Acme Widgets", "The Lakeside Gazette", "AI"):
        assert kb.resolve(name) is None


def test_weak_alias_needs_context(kb):
    assert kb.resolve("M2").id == "minimax-m2"  # the caller vouches it is a name
    assert kb.resolve("M2", context={"minimax"}).id == "minimax-m2"
    assert kb.resolve("M2", context={"openai"}) is None
    assert kb.resolve("R1", context={"deepseek"}).id == "deepseek-r1"


def test_resolve_url(kb):
    assert kb.resolve_url("toutiao.com/article/1852208574524496/").id == "toutiao"
    assert kb.resolve_url("https://www.washingtonpost.com/tech/2025/12/01/x/").id == "washington-post"
    assert kb.resolve_url("https://english.chosun.com/x").id == "chosun-ilbo"
    assert kb.resolve_url("https://arxiv.org/abs/2512.03073").id == "arxiv"
    assert kb.resolve_url("https://example.com/a") is None


def test_works_by_publishers(kb):
    assert kb.works_by({"mit", "hugging-face"}).id == "study-economies-open-intelligence"
    assert kb.works_by({"hugging-face"}).id == "study-economies-open-intelligence"
    assert kb.works_by({"hugging-face"}, exact=True) is None
    assert kb.works_by({"stanford-hai"}, ("study",)).id == "stanford-ai-index"
    assert kb.works_by({"openai"}) is None
    assert kb.works_by(set()) is None


def test_never_entities(kb):
    assert kb.is_never_entity("AI")
    assert not kb.is_never_entity("OpenAI")


def test_name_key():
    assert name_key("The Hugging-Face") == name_key("huggingface")
    assert name_key("Alibaba’s") == "alibaba"
    assert name_key("Yongsan-gu") == "yongsangu"


# --- user files --------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_yaml_adds_and_extends_entries(tmp_path, kb):
    user = _write(tmp_path, """
entries:
  - id: lakeside-gazette
    name: The Lakeside Gazette
    kind: outlet
    url: https://www.lakesidegazette.com
    country: CA
  - id: meta
    aliases: [Meta Superintelligence Labs]
  - id: gazette-poll
    name: Gazette Reader Poll
    kind: dataset
    publisher: lakeside-gazette
never_entities: [GenAI]
""")
    merged = load_kb([user])
    assert merged is not kb
    assert merged.resolve("Lakeside Gazette").id == "lakeside-gazette"
    assert merged.resolve_url("https://lakesidegazette.com/view").id == "lakeside-gazette"
    assert merged.resolve("Meta Superintelligence Labs").id == "meta"
    meta = merged.get("meta")
    assert meta.name == "Meta" and "Meta Platforms" in meta.aliases  # built-in fields kept
    assert merged.works_by({"lakeside-gazette"}).id == "gazette-poll"
    assert merged.is_never_entity("GenAI") and merged.is_never_entity("AI")
    assert merged.fingerprint != kb.fingerprint
    assert kb.resolve("Lakeside Gazette") is None  # the cached default is untouched


def test_user_yaml_overrides_scalar_fields(tmp_path):
    user = _write(tmp_path, "entries:\n  - id: reuters\n    country: IN\n    notes: aggregator\n")
    entry = load_kb([user]).get("reuters")
    assert entry.country == "IN" and entry.notes == "aggregator" and entry.kind == "outlet"


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text, "bad.yaml")
    with pytest.raises(KBError) as info:
        load_kb([path])
    message = str(info.value)
    assert "\n" not in message, "errors must be one line"
    assert str(path) in message, "errors must name the file"
    return message


def test_bad_yaml_syntax(tmp_path):
    message = _error(tmp_path, "entries:\n  - id: x\n    name: [unclosed\n    kind: outlet\n")
    assert "invalid YAML" in message and "line" in message and "fix the syntax" in message


def test_wrong_top_level(tmp_path):
    assert "'entries:' list" in _error(tmp_path, "- id: x\n  name: X\n  kind: outlet\n")


def test_unknown_kind_names_the_choices(tmp_path):
    message = _error(tmp_path, "entries:\n  - {id: x, name: X, kind: studdy}\n")
    assert "unknown kind 'studdy'" in message and "leaderboard" in message


def test_unknown_field_is_a_typo(tmp_path):
    message = _error(tmp_path, "entries:\n  - {id: x, name: X, kind: outlet, alias: [Y]}\n")
    assert "unknown field 'alias'" in message and "aliases" in message


def test_missing_name_for_new_entry(tmp_path):
    assert "missing 'name'" in _error(tmp_path, "entries:\n  - {id: new-thing, kind: outlet}\n")


def test_missing_id(tmp_path):
    assert "missing 'id'" in _error(tmp_path, "entries:\n  - {name: X, kind: outlet}\n")


def test_dangling_reference(tmp_path):
    message = _error(tmp_path, "entries:\n  - {id: x, name: X, kind: model, parent: nobody}\n")
    assert "'nobody' is not a known id" in message


def test_alias_clash_names_both_ids(tmp_path):
    message = _error(tmp_path, "entries:\n  - {id: x, name: X Corp, kind: organization, aliases: [HuggingFace]}\n")
    assert "'x'" in message and "'hugging-face'" in message


def test_missing_file(tmp_path):
    with pytest.raises(KBError, match="not found"):
        load_kb([tmp_path / "absent.yaml"])


def test_kb_error_is_a_usage_error():
    assert issubclass(KBError, UsageError)


def test_no_builtin_marker_in_kb_paths(tmp_path):
    # `--no-builtin-kb` travels to every stage inside kb_paths as NO_BUILTIN.
    from newstrace.extract.kb import NO_BUILTIN

    user = _write(tmp_path, "entries:\n  - {id: acme-lab, name: Acme Lab, kind: organization}\n")
    alone = load_kb([user, NO_BUILTIN])
    assert [e.id for e in alone] == ["acme-lab"] and not alone.builtin
    assert load_kb([NO_BUILTIN]).fingerprint == load_kb(builtin=False).fingerprint != load_kb().fingerprint


@pytest.mark.parametrize("generic", ["consumer price index", "Consumer Price Index", "household survey",
                                     "Producer Price Index", "the report", "Employment figures"])
def test_generic_series_names_resolve_to_no_one_country(generic):
    # Every country has a consumer price index: only "U.S. Consumer Price Index" is the BLS's.
    assert load_kb().resolve(generic) is None
