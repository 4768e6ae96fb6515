"""Figures, sources and sentences in French, German, Spanish, Korean and Chinese (sentences written here)."""

from __future__ import annotations

import pytest

from newstrace.extract.numbers_intl import find_amounts_intl, find_numbers_intl, parse_number_intl


def amounts(text: str, lang: str) -> list[tuple[str, float, str]]:
    return [(a.text, a.value, a.unit) for a in find_amounts_intl(text, lang)]


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,text,value", [
    ("fr", "3,7", 3.7),
    ("fr", "15 000", 15000),
    ("fr", "15\u202f000", 15000),
    ("fr", "1 038 millions", 1_038_000_000),
    ("fr", "2,5 milliards", 2_500_000_000),
    ("fr", "vingt et un", 21),
    ("fr", "soixante-douze", 72),
    ("fr", "quatre-vingt-dix-sept", 97),
    ("fr", "deux cent dix", 210),
    ("de", "1.200", 1200),
    ("de", "4,2", 4.2),
    ("de", "3 Mrd.", 3_000_000_000),
    ("de", "12 Mio.", 12_000_000),
    ("de", "eine Milliarde", 1_000_000_000),
    ("de", "dreihundertfünfundzwanzig", 325),
    ("de", "eintausendzweihundert", 1200),
    ("de", "dreieinhalb Millionen", 3_500_000),
    ("de", "zwei Komma fünf", 2.5),
    ("es", "93.000", 93000),
    ("es", "1.000 millones", 1_000_000_000),
    ("es", "mil millones", 1_000_000_000),
    ("es", "dos mil millones", 2_000_000_000),
    ("es", "cuatrocientos cincuenta y dos mil trescientos cuarenta y siete", 452347),
    ("es", "treinta y cinco", 35),
    ("ko", "3만", 30000),
    ("ko", "1.5억", 150_000_000),
    ("ko", "3억 5천만", 350_000_000),
    ("zh", "一千二百", 1200),
    ("zh", "三点五", 3.5),
    ("zh", "1.5亿", 150_000_000),
])
def test_number_forms(lang, text, value):
    assert parse_number_intl(text, lang) == pytest.approx(value)


def test_separators_split_what_is_not_one_number():
    # groups after a thousands separator have three digits: "423 0000" is two numbers
    assert [n.value for n in find_numbers_intl("Codes 423 0000", "fr")] == [423, 0]
    # two spelled numbers in rising order are two numbers
    assert [n.value for n in find_numbers_intl("deux trois", "fr")] == [2, 3]


def test_decimal_comma_and_point_grouping_by_locale():
    assert parse_number_intl("1.234.567,5", "es") == pytest.approx(1234567.5)
    assert parse_number_intl("1,234,567.5", "zh") == pytest.approx(1234567.5)
    # a comma locale reads "0,5" as a half, a point locale reads "0.5" so
    assert parse_number_intl("0,5", "de") == pytest.approx(0.5)


def test_bare_scale_word_is_no_number():
    assert find_numbers_intl("Millionen Menschen sind betroffen", "de") == []


# --- amounts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,text,expected", [
    ("fr", "Le taux atteint 0,5 % cette année.", ("0,5 %", 0.5, "percent")),
    ("fr", "Les ventes progressent de 12 pour cent.", ("12 pour cent", 12, "percent")),
    ("de", "Die Quote sank auf 3,1 Prozent.", ("3,1 Prozent", 3.1, "percent")),
    ("de", "zehn Prozent der Befragten", ("zehn Prozent", 10, "percent")),
    ("es", "El paro bajó al 11,2 por ciento.", ("11,2 por ciento", 11.2, "percent")),
    ("ko", "응답자의 17%가 찬성했다.", ("17%", 17, "percent")),
    ("ko", "17.1퍼센트", ("17.1퍼센트", 17.1, "percent")),
    ("zh", "百分之十七的受访者", ("百分之十七", 17, "percent")),
])
def test_percent_forms(lang, text, expected):
    assert expected in amounts(text, lang)


def test_money_count_and_approximation():
    found = find_amounts_intl("Die Regierung stellt rund 3 Mrd. Euro bereit.", "de")
    money = [a for a in found if a.unit == "money"]
    assert money and money[0].value == 3e9 and money[0].currency == "EUR" and money[0].approx == "rund"
    found = find_amounts_intl("Près de 15 000 logements ont été construits.", "fr")
    assert [(a.value, a.unit, a.approx) for a in found] == [(15000, "count", "Près de")]
    found = find_amounts_intl("casi 880 millones de hogares", "es")
    assert [(a.value, a.approx) for a in found] == [(880e6, "casi")]


def test_shared_unit_in_a_range():
    found = find_amounts_intl("Die Inflation stieg von 2,1 auf 2,4 %.", "de")
    assert [(a.value, a.unit) for a in found] == [(2.1, "percent"), (2.4, "percent")]


def test_korean_counters_and_shared_rank():
    assert ("8개", 8, "count") in amounts("8개 기관이 참여했다", "ko")
    ranks = [(a.value, a.unit) for a in find_amounts_intl("2·9위를 기록했다", "ko")]
    assert ranks == [(2, "rank"), (9, "rank")]


def test_sino_korean_syllables_alone_are_words():
    # 이 ("this") and 일 ("work") are number syllables only with a multiplier
    assert find_numbers_intl("이 일은 중요하다", "ko") == []


# --- sentences, figures and sources through the page path -------------------------------------------

@pytest.fixture(scope="module")
def kb():
    from newstrace.extract.kb import load_kb

    return load_kb(())


def annotate(text: str, lang: str, kb):
    from newstrace.extract.multilingual import annotate_text

    return annotate_text(text, lang=lang, article_id="t", kb=kb, version="test")


def test_german_dateline_day_is_no_figure_and_no_sentence_break(kb):
    text = "Genf, 10. Januar. Die Weltgesundheitsorganisation meldete 4.500 neue Fälle."
    ann = annotate(text, "de", kb)
    assert [s.value for s in ann.statistics] == [4500]
    assert text[ann.sentences[0][0]:ann.sentences[0][1]].startswith("Genf, 10. Januar")


def test_slash_forms_are_no_figures_but_percent_shares_are(kb):
    ann = annotate("Le service fonctionne 24/7 et couvre 3/4 % des foyers, soit 1 200 familles.", "fr", kb)
    assert [(s.value, s.unit) for s in ann.statistics] == [(0.75, "percent"), (1200, "count")]


def test_years_and_dates_are_not_figures(kb):
    ann = annotate("París, 3 de julio de 2024. El paro afectó a 2.300 personas en 2023.", "es", kb)
    assert [s.value for s in ann.statistics] == [2300]
    assert ann.statistics[0].period == "en 2023"


@pytest.mark.parametrize("lang,text,cue,kb_id", [
    ("fr", "Selon l'Organisation mondiale de la santé, 2,5 milliards d'adultes sont en surpoids.", "Selon", "who"),
    ("fr", "D'après l'Agence internationale de l'énergie, la demande progresse de 3 %.", "D'après", "iea"),
    ("de", "Laut der Internationalen Energieagentur steigt der Absatz um 20 Prozent.", "Laut", "iea"),
    ("de", "Der Weltgesundheitsorganisation zufolge sind 40 Millionen Kinder betroffen.", "zufolge", "who"),
    ("es", "Según el Fondo Monetario Internacional, la economía crecerá un 2,4% el próximo año.", "Según", "imf"),
    ("es", "De acuerdo con la Organización Mundial de la Salud, 1.200 hospitales cerraron.", "De acuerdo con",
     "who"),
    ("es", "La inflación bajó al 3,1%, informó el Fondo Monetario Internacional.", "informó", "imf"),
    ("fr", "Le chômage a reculé à 7,3 %, a indiqué l'Insee jeudi.", "a indiqué", "insee"),
])
def test_reporting_cues_attribute_figures(kb, lang, text, cue, kb_id):
    ann = annotate(text, lang, kb)
    figures = [s for s in ann.statistics if s.attribution is not None]
    assert figures, ann.statistics
    assert figures[0].attribution.cue == cue
    assert figures[0].attribution.kb_id == kb_id


def test_acronym_defined_in_text_names_the_source(kb):
    text = ("Un informe del Consejo Nacional de Productores Lecheros (CNPL) cifra las pérdidas en 45 millones. "
            "El CNPL estimó que 300 granjas cerraron.")
    ann = annotate(text, "es", kb)
    names = {e.text for e in ann.entities}
    assert "Consejo Nacional de Productores Lecheros" in names and "CNPL" in names
    last = ann.statistics[-1]
    assert last.value == 300 and last.attribution is not None and last.attribution.cue == "estimó"
    assert "Consejo Nacional" in last.attribution.name


def test_paragraph_carries_its_source_to_the_next_sentence(kb):
    text = ("Laut der Internationalen Energieagentur wächst der Markt kräftig. "
            "Demnach werden 17 Millionen Autos verkauft.")
    ann = annotate(text, "de", kb)
    stat = ann.statistics[0]
    assert stat.value == 17e6 and stat.attribution is not None
    assert stat.attribution.kb_id == "iea" and stat.attribution.inferred


def test_figure_records_measure_period_and_approx(kb):
    ann = annotate("Im Jahr 2024 wurden rund 73.000 Wohnungen gebaut.", "de", kb)
    stat = ann.statistics[0]
    assert (stat.value, stat.unit, stat.approx, stat.measure, stat.period) == \
        (73000, "count", "rund", "Wohnungen", "Im Jahr 2024")
    assert ann.language == "de" and stat.period_key == "2024"
    text = "Im Jahr 2024 wurden rund 73.000 Wohnungen gebaut."
    assert text[stat.start:stat.end] == stat.text


def test_extract_no_longer_skips_supported_languages():
    from newstrace.corpus.records import Article, Status
    from newstrace.extract.pipeline import ExtractOptions, _skip_reason

    options = ExtractOptions()
    for lang, skipped in (("es", False), ("fr", False), ("de", False), ("ru", True)):
        article = Article(id="a", url="https://example.org/a", final_url=None, canonical_url=None,
                          source_path=None, status=Status.OK, language=lang, text="Hola.")
        assert (_skip_reason(article, options) is not None) is skipped, lang


# --- fractions, negatives, Chinese shares -----------------------------------------------------------

@pytest.mark.parametrize("lang,text,value", [
    ("fr", "un sur trois", 1 / 3),
    ("fr", "trois cinquièmes", 0.6),
    ("fr", "moins 4", -4),
    ("es", "uno sobre 4", 0.25),
    ("es", "veinte con tres quintos", 20.6),
    ("es", "tres billones doscientos mil millones", 3_200_000_000_000),
    ("zh", "二百五", 250),
    ("zh", "一万三", 13000),
    ("zh", "十多万", 100000),
    ("ko", "마이너스3", -3),
])
def test_fraction_and_sign_forms(lang, text, value):
    assert parse_number_intl(text, lang) == pytest.approx(value)


def test_derived_ordinals_are_ordinals_not_cardinals():
    found = find_numbers_intl("le vingt-cinquième rapport", "fr")
    assert [(n.value, n.kind) for n in found] == [(25, "ordinal")]


def test_chinese_tenths_and_discounts_are_percent():
    assert ("七成", 70, "percent") in amounts("七成受访者支持", "zh")
    assert ("75折", 75, "percent") in amounts("全场75折", "zh")


def test_digits_in_web_addresses_are_no_numbers():
    assert find_numbers_intl("voir https://exemple.org/a?q=30%25 pour 12 %", "fr")[0].value == 12


def test_glued_unit_is_a_quantity_suffix():
    number = find_numbers_intl("une bouteille de 180ml", "fr")[-1]
    assert number.value == 180 and number.suffix == "ml"


def test_german_body_noun_is_the_source_of_a_reporting_verb(kb):
    ann = annotate("Die Zahl der Insolvenzen stieg um 8 Prozent, wie das Justizministerium mitteilte.", "de", kb)
    stat = ann.statistics[0]
    assert stat.attribution is not None and stat.attribution.name == "Justizministerium"


def test_outlet_inside_a_longer_name_gives_the_longer_name(kb):
    ann = annotate("Según la Fundación Bloomberg Filantropías, 300 ciudades redujeron sus emisiones.", "es", kb)
    stat = ann.statistics[0]
    assert stat.attribution is not None
    assert stat.attribution.name == "Fundación Bloomberg Filantropías" and stat.attribution.kb_id is None


def test_a_bare_study_noun_takes_the_source_named_before(kb):
    text = ("La Organización Mundial de la Salud publicó nuevos datos sobre la malaria.\n"
            "El informe calcula que 600.000 personas murieron en 2023.")
    stat = annotate(text, "es", kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.kb_id == "who" and stat.attribution.inferred


def test_korean_and_chinese_ordinals():
    assert [(n.value, n.kind) for n in find_numbers_intl("第3季度", "zh")] == [(3, "ordinal")]
    assert [(n.text, n.value, n.kind) for n in find_numbers_intl("3번째 조사", "ko")] == [("3번째", 3, "ordinal")]


@pytest.mark.slow
def test_extract_corpus_annotates_a_german_page(tmp_path):
    from newstrace.corpus.records import Article, Status
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import ExtractOptions, extract_corpus

    text = ("Laut der Hafenbehörde stieg das Frachtvolumen im vergangenen Jahr um zwölf Prozent.\n"
            "Demnach legten 1.250 Schiffe an.")
    with Store.open(tmp_path / "c.db") as store:
        store.save_article(Article(id="de-1", url=None, final_url=None, canonical_url=None, source_path="/x/de.txt",
                                   status=Status.OK, title="Hafen", text=text, language="de", content_hash="de-1"))
        summary = extract_corpus(store, ExtractOptions(embed=False))
        assert (summary.annotated, summary.skipped, summary.failed) == (1, 0, 0)
        status, data = store.get_annotations("de-1")
    assert status == "annotated" and data["language"] == "de"
    assert [(s["value"], s["unit"]) for s in data["statistics"]] == [(12.0, "percent"), (1250.0, "count")]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in data["statistics"])
    assert data["statistics"][1]["attribution"]["name"] == "Hafenbehörde"


def test_scale_word_is_kept_as_written(kb):
    stat = annotate("Der Staat investiert 3 Mrd. Euro in Schulen.", "de", kb).statistics[0]
    assert (stat.value, stat.unit, stat.currency, stat.scale) == (3e9, "money", "EUR", "Mrd.")


@pytest.mark.parametrize("text, lang, expected", [
    ("Le loyer a augmenté de ½ point cette année.", "fr", [(0.5, "fraction")]),
    ("Rund 2½ Millionen Haushalte heizen mit Gas.", "de", [(2.5e6, "cardinal")]),
    ("La jornada laboral se redujo en ¾ de hora.", "es", [(0.75, "fraction")]),
])
def test_vulgar_fraction_glyphs_are_numbers(text, lang, expected):
    # Unicode gives each glyph its value; a digit right before it makes a mixed number ("2½").
    got = [(round(n.value, 6), n.kind) for n in find_numbers_intl(text, lang) if n.kind != "ordinal"]
    assert [g for g in got if g[0] != 1.0] == expected


@pytest.mark.parametrize("lang, sentence, want", [
    ("es", "Los hogares en alquiler pasaron de 4 millones en 2008 a 6 millones en 2024.",
     [("4 millones", "2008"), ("6 millones", "2024")]),
    ("fr", "La production solaire est passée de 12 térawattheures en 2015 à 40 térawattheures en 2025.",
     [("12", "2015"), ("40", "2025")]),
    ("de", "Die Zahl der Pflegekräfte stieg von 80 000 im Jahr 2012 auf 95 000 im Jahr 2022.",
     [("80 000", "2012"), ("95 000", "2022")]),
    # A year after a comma is another clause's (a report's), not the figure's.
    ("es", "En 2021, la tasa de paro juvenil fue del 28%, según un estudio de 2023.", [("28%", "2021")]),
])
def test_each_figure_of_a_from_to_sentence_takes_its_own_period(lang: str, sentence: str,
                                                               want: list[tuple[str, str]]) -> None:
    from newstrace.extract.multilingual import statistics_in

    keys = {s.text: s.period_key for s in statistics_in(sentence, lang)}
    for start, key in want:
        assert [k for text, k in keys.items() if text.startswith(start)] == [key], keys


# --- halves, fractions of scales, mixed numbers, shares, separators ------------------------------------

@pytest.mark.parametrize("lang,text,value", [
    # a half or a fraction after a scale word is a fraction of that scale
    ("fr", "un million et demi", 1_500_000),
    ("fr", "2 milliards et demi", 2_500_000_000),
    ("fr", "quatre millions et trois quarts", 4_750_000),
    ("es", "2 millones y medio", 2_500_000),
    ("es", "cuatro mil millones con un cuarto", 4_250_000_000),
    ("de", "drei Millionen und ein halb", 3_500_000),
    # a whole number and a fraction joined by the connector
    ("fr", "deux et demi", 2.5),
    ("fr", "sept et un quart", 7.25),
    ("fr", "cent et trois quarts", 100.75),
    ("es", "seis y medio", 6.5),
    ("de", "zweiundhalb", 2.5),
    # ... but a tens-and-units compound before a fraction is the numerator ("135 halves")
    ("es", "ciento treinta y cinco medios", 67.5),
    # a fraction of a scale or a dozen
    ("fr", "un demi-million", 500_000),
    ("fr", "un quart de million", 250_000),
    ("fr", "deux tiers de milliard", 2e9 / 3),
    ("fr", "une demi-douzaine", 6),
    ("es", "media docena", 6),
    ("es", "un cuarto de millón", 250_000),
    ("de", "eine halbe Million", 500_000),
    ("de", "ein halbes Dutzend", 6),
    # a number and a fraction word in one German word
    ("de", "dreiviertel", 0.75),
    # Spanish plural ordinals after a number are denominators
    ("es", "cinco octavos", 0.625),
    ("es", "tres décimas", 0.3),
    ("es", "veintiun millones", 21_000_000),
    # mixed numbers written with digits
    ("fr", "2 1/4", 2.25),
    ("es", "3 3/4", 3.75),
    # spelled decimals after a zero are read digit by digit
    ("fr", "deux virgule zéro trois", 2.03),
    ("es", "siete coma cero cinco", 7.05),
])
def test_halves_fractions_and_mixed_numbers(lang, text, value):
    assert parse_number_intl(text, lang) == pytest.approx(value)


def test_a_share_names_the_smaller_part_first():
    # "un sur cinq" is a share; "1 200 sur 3 ans" is an amount over a period
    assert [n.value for n in find_numbers_intl("un sur cinq", "fr")] == [pytest.approx(0.2)]
    assert [n.value for n in find_numbers_intl("1 200 sur 3 ans", "fr")] == [1200, 3]
    assert [n.value for n in find_numbers_intl("huit sur cinq", "fr")] == [8, 5]


def test_point_grouping_needs_three_digits_after_a_real_group():
    # in a comma locale "0.683" and "1111.121" cannot be thousands groups; "1.121" is one
    assert parse_number_intl("0.683", "es") == pytest.approx(0.683)
    assert parse_number_intl("1111.121", "es") == pytest.approx(1111.121)
    assert parse_number_intl("1.121", "es") == 1121


def test_a_compound_word_read_in_part_is_no_number():
    # "dreivier" is no number: its last piece alone must not come out as 4
    assert find_numbers_intl("dreivier", "de") == []


def test_negative_word_span_starts_at_the_word():
    text = "Le solde est de moins quatre-vingt-quinze points"
    [n] = [n for n in find_numbers_intl(text, "fr") if n.value < 0]
    assert (n.text, n.value) == ("moins quatre-vingt-quinze", -95)


def test_tens_and_ordinal_written_apart():
    # "vingt cinquième" written without the hyphen is still the 25th; after a numerator it is the
    # denominator ("trois vingt et unièmes" = 3/21)
    assert [(n.value, n.kind) for n in find_numbers_intl("le vingt cinquième congrès", "fr")] == [(25, "ordinal")]
    assert parse_number_intl("trois vingt et unièmes", "fr") == pytest.approx(3 / 21)
    assert parse_number_intl("un vingt cinquième", "fr") == pytest.approx(1 / 25)


# --- measure and holder from the figure's clause -------------------------------------------------------

def roles(text: str, lang: str, value: float) -> tuple[str | None, str | None]:
    from newstrace.extract.multilingual import statistics_in

    stat = next(s for s in statistics_in(text, lang) if s.value == pytest.approx(value))
    return stat.measure, stat.holder


@pytest.mark.parametrize("lang,text,value,measure,holder", [
    # a percentage of a group is a share of it, in the page's language
    ("fr", "En 2023, 17 % des ménages étaient surendettés.", 17, "part des ménages", None),
    ("es", "El 40 % de los hogares no puede pagar la calefacción.", 40, "proporción de los hogares", None),
    ("de", "Knapp 30 Prozent der Beschäftigten gehen zu Fuß.", 30, "Anteil der Beschäftigten", None),
    # a count's "of" phrase keeps its links
    ("fr", "La région compte 3,2 millions de demandeurs d'emploi.", 3.2e6, "demandeurs d'emploi", None),
    ("es", "Se crearon 45.000 puestos de trabajo en la industria.", 45000, "puestos de trabajo", None),
    # else the rate or amount noun before the figure, with its complement
    ("es", "La tasa de paro juvenil bajó al 27,5 % en Andalucía.", 27.5, "tasa de paro", "Andalucía"),
    ("fr", "Le taux de mortalité infantile a reculé à 3,4 pour mille.", 3.4, "taux de mortalité", None),
    ("de", "Die Inflationsrate lag im Mai bei 2,4 Prozent.", 2.4, "Inflationsrate", None),
    ("de", "Die Zahl der Einbrüche sank um 8 Prozent.", 8, "Zahl der Einbrüche", None),
    # a name completing the measure, a place, a group: the holder
    ("fr", "Le taux de chômage de l'Italie est tombé à 6,1 %.", 6.1, "taux de chômage", "Italie"),
    ("de", "In den USA stiegen die Mieten um 6 Prozent.", 6, "Mieten", "USA"),
    # German nouns all have capitals: "in Teilzeit" names no place
    ("de", "Knapp 30 Prozent der Beschäftigten arbeiten in Teilzeit.", 30, "Anteil der Beschäftigten", None),
    ("fr", "Le tabagisme quotidien concerne 24 % des adultes chez les hommes.", 24, "part des adultes", "hommes"),
    ("es", "La obesidad afecta al 14 % de la población entre los adolescentes.", 14, "proporción de la población",
     "adolescentes"),
    ("de", "Unter Rentnern liegt die Armutsquote bei 18 Prozent.", 18, "Armutsquote", "Rentnern"),
    # a rate noun after a bare "of" is the measure itself, not a group the figure is a share of
    ("fr", "L'économie a enregistré 2,1 % de croissance.", 2.1, "croissance", None),
])
def test_measure_and_holder_from_the_clause(lang, text, value, measure, holder):
    assert roles(text, lang, value) == (measure, holder)


def test_period_and_month_are_no_holder():
    # "en 2024", "im Juli" are periods; "en hausse" is no name
    assert roles("En 2024, les ventes en hausse ont atteint 12 %.", "fr", 12)[1] is None
    assert roles("Im Juli stieg die Arbeitslosenquote auf 6,3 Prozent.", "de", 6.3) == ("Arbeitslosenquote", None)


def test_money_after_an_of_word_is_money():
    assert amounts("un déficit de 3 millions d'euros", "fr")[-1][1:] == (3e6, "money")
    assert amounts("una inversión de 1.200 millones de dólares", "es")[-1][1:] == (1.2e9, "money")
    assert amounts("300 de euros", "es")[0][2] == "count"  # only a scale word takes an "of" before the currency


# --- quotations in French, German and Spanish ----------------------------------------------------------

def quotes_of(text: str, lang: str, kb) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.cue) for q in annotate(text, lang, kb).quotes]


@pytest.mark.parametrize("lang,text,expected", [
    # closing mark, reporting verb, name
    ("fr", "« Les urgences sont saturées depuis des semaines », a déclaré Claire Morel mardi.",
     ("Les urgences sont saturées depuis des semaines", "Claire Morel", "a déclaré")),
    ("es", "«La cosecha de aceite caerá a la mitad este año», explicó Jorge Salas en la radio.",
     ("La cosecha de aceite caerá a la mitad este año", "Jorge Salas", "explicó")),
    # German „…“ marks; a surname alone after the verb; the short "so" attribution
    ("de", "„Die Netze müssen schneller ausgebaut werden“, sagte Brandt am Montag.",
     ("Die Netze müssen schneller ausgebaut werden", "Brandt", "sagte")),
    ("de", "»Wir rechnen mit einem harten Winter«, so Lehmann.",
     ("Wir rechnen mit einem harten Winter", "Lehmann", "so")),
    # the speaker and verb before a colon
    ("es", "La consejera Marta Ibáñez aseguró: «No cerraremos ningún centro de salud».",
     ("No cerraremos ningún centro de salud", "Marta Ibáñez", "aseguró")),
])
def test_quotes_with_speakers(kb, lang, text, expected):
    assert expected in quotes_of(text, lang, kb)


def test_inverted_pronoun_speaker_is_the_one_named_before(kb):
    text = "Le syndicaliste Marc Aubry a pris la parole. « Nous irons jusqu'au bout », a-t-il lancé."
    assert ("Nous irons jusqu'au bout", "Marc Aubry", "a-t-il lancé (coref)") in quotes_of(text, "fr", kb)
    # German has no capitalised-run names (every noun has a capital): the speaker quoted before
    text = "„Die Kliniken sind am Limit“, sagte Krüger. „Das reicht nicht“, sagte sie."
    assert ("Das reicht nicht", "Krüger", "sagte (coref)") in quotes_of(text, "de", kb)


def test_scare_quotes_without_speaker_are_no_quotes(kb):
    # a short marked phrase with no reporting verb is a term, not speech
    assert quotes_of("Le gouvernement parle d'une « pause » dans la réforme.", "fr", kb) == []
    assert quotes_of("Die Regierung spricht von einem „Meilenstein“.", "de", kb) == []
    # a long one is kept as speech with no speaker
    long = "«Nadie sabe todavía cuánto costará la obra completa». Así terminó la reunión."
    assert [(t, s) for t, s, _ in quotes_of(long, "es", kb)] == [
        ("Nadie sabe todavía cuánto costará la obra completa", None)]


def test_chinese_percentage_points_are_percent():
    # "个百分点" is "percentage points": a percent, and its "百" is no number of its own
    assert amounts("失业率同比上升0.4个百分点", "zh") == [("0.4个百分点", 0.4, "percent")]
    assert amounts("利率下调二十个百分点", "zh") == [("二十个百分点", 20, "percent")]


@pytest.mark.parametrize("lang,text,value", [
    # denominator first: "三分之一" is one third, "3분의 1" too
    ("zh", "三分之一的受访者", 1 / 3),
    ("zh", "五分之二", 0.4),
    ("ko", "국민의 3분의 1이 반대했다", 1 / 3),
    ("ko", "사분의 삼", 0.75),
    # a share in words in French is a ratio too
    ("fr", "les deux tiers des salariés", 2 / 3),
])
def test_fractions_are_ratios(lang, text, value):
    [(_, found, unit)] = [a for a in amounts(text, lang) if a[2] != "count"]
    assert (found, unit) == (pytest.approx(value), "ratio")


def test_chinese_percent_prefix_is_not_a_fraction():
    assert amounts("百分之十七的受访者", "zh") == [("百分之十七", 17, "percent")]


def test_chinese_figures_glued_to_words_are_kept_and_years_dropped():
    from newstrace.extract.multilingual import statistics_in

    text = "2024年共有8家医院参与，约17.1%的患者表示满意。"
    assert [(s.text, s.unit, s.approx) for s in statistics_in(text, "zh")] == [
        ("8家", "count", None), ("17.1%", "percent", "约")]
    # "2023년" is a year, "5년" a quantity of years
    assert [s.text for s in statistics_in("2023년 이후 5년간 3배 늘었다", "ko")] == ["5년", "3배"]


@pytest.mark.parametrize("lang,text,value,measure", [
    # adjectives before the noun are skipped; German counts take the next capitalised word
    ("es", "El sector sumó 12.000 nuevos afiliados en marzo.", 12000, "afiliados"),
    ("fr", "La ville a ouvert 40 nouvelles classes.", 40, "classes"),
    ("de", "Es fehlen rund 400.000 bezahlbare Wohnungen.", 400000, "Wohnungen"),
    # a verb or a pronoun after a count is no measure
    ("es", "De los encuestados, 300 son estudiantes.", 300, None),
    ("fr", "Parmi eux, 120 ont été hospitalisés.", 120, None),
])
def test_count_measure_is_the_noun_counted(lang, text, value, measure):
    assert roles(text, lang, value)[0] == measure


@pytest.mark.parametrize("lang,text,dates", [
    ("es", "El informe, publicado el 14 de marzo de 2024, sigue al del 2 de abril.", ["14 de marzo de 2024", "2 de abril"]),
    ("fr", "Le bilan paru le 1er mars et celui du 22 août 2023 divergent.", ["1er mars", "22 août 2023"]),
    ("de", "Die am 7. Mai 2024 vorgelegte Studie folgt der vom 30. November.", ["7. Mai 2024", "30. November"]),
    ("es", "Solo 15 de los 40 hospitales respondieron en marzo.", []),
])
def test_calendar_days_are_date_entities(lang, text, dates):
    from newstrace.extract.multilingual import find_dates

    assert [e.text for e in find_dates(text, lang)] == dates
    assert all(e.label == "DATE" for e in find_dates(text, lang))
