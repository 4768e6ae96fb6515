"""Number forms of extract/numbers_intl.py added in session 9, on sentences written for these tests.

Each test names one kind of form: ordinals built from several words, singular ordinals versus plural
denominators, words written without their accents, codes that are not numbers (IP addresses, phone
numbers), fraction nouns ("la moitié"), Indian scales in French, "°C" after digits, and the news
forms every language must keep (decimal commas, grouped thousands, scale words, percent words).
"""

from __future__ import annotations

import pytest

from newstrace.extract.numbers_intl import find_amounts_intl, find_numbers_intl


def numbers(text: str, lang: str) -> list[tuple[str, float, str]]:
    return [(n.text, round(n.value, 9), n.kind) for n in find_numbers_intl(text, lang)]


def amounts(text: str, lang: str) -> list[tuple[str, float, str]]:
    return [(a.text, round(a.value, 9), a.unit) for a in find_amounts_intl(text, lang)]


# --- ordinals of several words --------------------------------------------------------------------


@pytest.mark.parametrize("text, lang, value", [
    ("El equipo celebró su vigésimo quinto aniversario.", "es", 25),
    ("Es la centésima vigésima tercera edición del torneo.", "es", 123),
    ("Llegó en el tricentésimo cuadragésimo séptimo puesto.", "es", 347),
    ("Fue el visitante milésimo quingentésimo vigésimo tercero.", "es", 1523),
    ("Celebraron el cincuenta y dos milésimo socio.", "es", 52000),
    ("la ciudad recibió a su tres mil millonésimo turista", "es", 3_000_000_000),
    ("Il a terminé cent vingt-cinquième du marathon.", "fr", 125),
    ("C'est la deux centième représentation de la pièce.", "fr", 200),
    ("le trois millième abonné a reçu un cadeau", "fr", 3000),
])
def test_ordinal_of_several_words_is_one_ordinal(text: str, lang: str, value: float) -> None:
    ordinals = [n for n in find_numbers_intl(text, lang) if n.kind == "ordinal"]
    assert [n.value for n in ordinals] == [value]


def test_decimo_compounds_and_written_apart() -> None:
    assert [(n.text, n.value) for n in find_numbers_intl("Quedó decimoctavo, no décimo octavo.", "es")
            if n.kind == "ordinal"] == [("decimoctavo", 18), ("décimo octavo", 18)]


def test_ordinals_that_do_not_fall_in_place_value_stay_apart() -> None:
    # "primero, segundo": a list of two ordinals, not 1 + 2
    assert [n.value for n in find_numbers_intl("Llegó primero, segundo fue Juan.", "es")] == [1, 2]
    # "vigésimo vigésimo" cannot fill a place: two ordinals
    assert [n.value for n in find_numbers_intl("vigésimo vigésimo", "es")] == [20, 20]


# --- singular ordinal vs plural denominator --------------------------------------------------------


@pytest.mark.parametrize("text, lang, value, kind", [
    ("Il a couru en quatre centièmes de seconde de moins.", "fr", 0.04, "fraction"),
    ("La pieza mide dos milésimas de milímetro.", "es", 0.002, "fraction"),
    ("un centième de seconde", "fr", 0.01, "fraction"),
    ("un millonésimo de gramo", "es", 1e-6, "fraction"),
    ("C'est la deux centième fois.", "fr", 200, "ordinal"),
    ("Es el dos milésimo pedido.", "es", 2000, "ordinal"),
])
def test_plural_ordinal_is_a_denominator_singular_an_ordinal(text: str, lang: str, value: float,
                                                              kind: str) -> None:
    found = [n for n in find_numbers_intl(text, lang) if n.kind in ("fraction", "ordinal")]
    assert [(round(n.value, 12), n.kind) for n in found] == [(value, kind)]


def test_un_before_hundred_and_ordinal_is_a_fraction() -> None:
    # "un cent cinquième" is one 105th, not the 105th
    found = find_numbers_intl("un cent cinquième", "fr")
    assert [(round(n.value, 6), n.kind) for n in found] == [(round(1 / 105, 6), "fraction")]


# --- accents left out -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, lang, value", [
    ("quedo septimo en la general", "es", 7),
    ("el cuadragesimo aniversario", "es", 40),
    ("sa vingtieme saison", "fr", 20),
    ("il reste dix-sept exemplaires, dix sept au depot", "fr", 17),
])
def test_number_words_without_accents(text: str, lang: str, value: float) -> None:
    assert value in [n.value for n in find_numbers_intl(text, lang)]


def test_veintidos_without_accent_is_read() -> None:
    assert numbers("veintidos personas", "es") == [("veintidos", 22, "cardinal")]


# --- codes that are not numbers -------------------------------------------------------------------


@pytest.mark.parametrize("text, lang", [
    ("Le serveur 10.0.12.7 a été piraté.", "fr"),
    ("Der Router hat die Adresse 192.168.0.1.", "de"),
    ("Llame al +34 91 123 45 67 para más información.", "es"),
    ("Renseignements au 01 42 68 53 00.", "fr"),
    ("Hotline: +49-30-1234-5678", "de"),
])
def test_ip_addresses_and_phone_numbers_are_no_numbers(text: str, lang: str) -> None:
    assert find_numbers_intl(text, lang) == []


@pytest.mark.parametrize("text, lang, value", [
    ("Der Konzern meldete 1.200.300.400 Euro Umsatz.", "de", 1_200_300_400),
    ("L'emploi a progressé de +1 234 567 postes.", "fr", 1_234_567),
    ("Las ventas crecieron un +4,2 %.", "es", 4.2),
    ("+1500 emplois en un an", "fr", 1500),
])
def test_signed_and_grouped_numbers_are_not_codes(text: str, lang: str, value: float) -> None:
    assert value in [n.value for n in find_numbers_intl(text, lang)]


# --- fraction nouns, Indian scales, negatives, temperatures ---------------------------------------


@pytest.mark.parametrize("text, lang", [
    ("Plus de la moitié des salariés ont fait grève.", "fr"),
    ("La mitad de los hogares no llega a fin de mes.", "es"),
    ("Die Hälfte der Befragten arbeitet im Homeoffice.", "de"),
])
def test_half_as_a_noun_is_a_ratio(text: str, lang: str) -> None:
    assert [(a.value, a.unit) for a in find_amounts_intl(text, lang)] == [(0.5, "ratio")]


def test_half_inside_a_compound_noun_is_no_number() -> None:
    assert find_numbers_intl("In der ersten Jahreshälfte stieg der Absatz.", "de")[0].kind == "ordinal"
    assert [n.text for n in find_numbers_intl("In der ersten Jahreshälfte stieg der Absatz.", "de")] == ["ersten"]


def test_lakh_and_crore_in_french() -> None:
    assert amounts("Le projet coûtera six crore de roupies.", "fr")[0][:2] == ("six crore", 60_000_000)
    assert numbers("environ treize lakh de visiteurs", "fr") == [("treize lakh", 1_300_000, "cardinal")]


def test_negative_word_before_un_makes_it_a_number() -> None:
    found = find_numbers_intl("Le solde est de moins un.", "fr")
    assert [(n.text, n.value, n.article) for n in found] == [("moins un", -1, False)]
    assert find_numbers_intl("Il a acheté un vélo.", "fr")[0].article


def test_degrees_celsius_are_no_ordinal() -> None:
    assert [(n.value, n.kind) for n in find_numbers_intl("Se esperan 30° C en Sevilla.", "es")] == [(30, "cardinal")]
    assert [(n.value, n.kind) for n in find_numbers_intl("Quedó 2° en la carrera.", "es")] == [(2, "ordinal")]


@pytest.mark.parametrize("text, value", [("Es su 2da temporada.", 2), ("el 11vo aniversario", 11),
                                         ("la 7ma edición", 7)])
def test_spanish_digit_ordinals_with_word_endings(text: str, value: float) -> None:
    assert [(n.value, n.kind) for n in find_numbers_intl(text, "es")] == [(value, "ordinal")]


# --- news forms that must stay --------------------------------------------------------------------


@pytest.mark.parametrize("text, lang, want", [
    ("Le chômage atteint 7,3 % au troisième trimestre.", "fr", ("7,3 %", 7.3, "percent")),
    ("Die Inflation lag bei 3,7 Prozent.", "de", ("3,7 Prozent", 3.7, "percent")),
    ("El paro bajó al 11,2 por ciento.", "es", ("11,2 por ciento", 11.2, "percent")),
    ("La ville compte 15 000 habitants.", "fr", ("15 000", 15000, "count")),
    ("Es wurden 1.200 Stellen gestrichen.", "de", ("1.200", 1200, "count")),
    ("L'État versera 3,5 milliards d'euros.", "fr", ("3,5 milliards d'euros", 3.5e9, "money")),
    ("Der Bund gibt 2,4 Milliarden Euro aus.", "de", ("2,4 Milliarden Euro", 2.4e9, "money")),
    ("Se crearon 1,3 millones de empleos.", "es", ("1,3 millones", 1.3e6, "count")),
    ("Les taux montent de 0,5 % seulement.", "fr", ("0,5 %", 0.5, "percent")),
])
def test_news_forms(text: str, lang: str, want: tuple[str, float, str]) -> None:
    assert want in amounts(text, lang)


# --- Korean native numbers, Sino-Korean particles, Chinese placeholders ---------------------------


@pytest.mark.parametrize("text, want", [
    ("화재로 세 명이 숨졌다.", [("세 명", 3, "count")]),
    ("공장 두 곳이 문을 닫았다.", [("두 곳", 2, "count")]),
    ("스물여섯 명이 다쳤다.", [("스물여섯 명", 26, "count")]),
    ("열여섯 살 학생", [("열여섯", 16, "count")]),
    ("후보 셋 중 하나는 탈락한다.", [("셋", 3, "count"), ("하나", 1, "count")]),
])
def test_korean_native_numbers(text: str, want: list) -> None:
    assert amounts(text, "ko") == want


@pytest.mark.parametrize("text", ["세계 경제가 둔화했다.", "한국은행이 금리를 올렸다.", "하나은행 주가가 올랐다.",
                                  "열이 나면 병원에 가세요.", "네, 알겠습니다."])
def test_korean_words_that_look_like_native_numbers(text: str) -> None:
    assert find_numbers_intl(text, "ko") == []


def test_korean_native_ordinal_takes_its_suffix() -> None:
    assert numbers("네 번째 경기에서 이겼다", "ko") == [("네 번째", 4, "ordinal")]


def test_sino_korean_digit_after_a_digit_is_a_particle() -> None:
    # "이십육이다": 26 and the copula, not 262
    assert [n.value for n in find_numbers_intl("정답은 이십육이다", "ko")] == [26]


@pytest.mark.parametrize("text, value", [("共有一千零十二家企业", 1012), ("一万五千亿元", 1.5e12), ("1.5万亿元", 1.5e12)])
def test_chinese_placeholder_zero_and_stacked_units(text: str, value: float) -> None:
    assert [n.value for n in find_numbers_intl(text, "zh")] == [value]


@pytest.mark.parametrize("text, lang, value", [("约1/3的受访者表示反对", "zh", 1 / 3),
                                               ("응답자의 1/4 이상이 반대했다", "ko", 0.25)])
def test_slash_fractions_touching_cjk_characters(text: str, lang: str, value: float) -> None:
    assert [(round(a.value, 6), a.unit) for a in find_amounts_intl(text, lang)] == [(round(value, 6), "ratio")]


@pytest.mark.parametrize("text, lang, want", [
    ("不良率降至千分之三。", "zh", ("千分之三", 0.3, "percent")),
    ("手续费为万分之五。", "zh", ("万分之五", 0.05, "percent")),
    ("失业率上升百分之五。", "zh", ("百分之五", 5.0, "percent")),
    ("기준금리를 0.25%p 인상했다", "ko", ("0.25%p", 0.25, "percent")),
    ("지지율이 3%포인트 올랐다", "ko", ("3%포인트", 3.0, "percent")),
    ("백 퍼센트 확신한다", "ko", ("백 퍼센트", 100.0, "percent")),
])
def test_cjk_per_mille_points_and_spelled_percent(text: str, lang: str, want: tuple) -> None:
    assert amounts(text, lang) == [want]


def test_cjk_fraction_with_a_numeral_before_is_a_fraction_not_a_per_mille() -> None:
    assert numbers("一千分之一", "zh") == [("一千分之一", 0.001, "fraction")]


@pytest.mark.parametrize("text, lang, value", [("五分之二十三", "zh", 4.6), ("오분의 이십삼", "ko", 4.6),
                                               ("三又三分之一", "zh", 10 / 3), ("일과 이분의 일", "ko", 1.5)])
def test_cjk_improper_and_mixed_fractions(text: str, lang: str, value: float) -> None:
    assert [round(n.value, 6) for n in find_numbers_intl(text, lang)] == [round(value, 6)]


def test_korean_and_between_words_is_no_mixed_number() -> None:
    assert numbers("사과와 3분의 1", "ko") == [("3분의 1", round(1 / 3, 9), "fraction")]


def test_korean_negative_word_apart_from_the_number() -> None:
    assert numbers("성장률은 마이너스 2로 떨어졌다", "ko") == [("마이너스 2", -2, "cardinal")]


@pytest.mark.parametrize("text, lang, value", [("营收达三点五亿元", "zh", 3.5e8), ("得分为一百二十点五", "zh", 120.5),
                                               ("매출 삼점오억 원", "ko", 3.5e8)])
def test_cjk_decimals_after_units_and_before_a_large_unit(text: str, lang: str, value: float) -> None:
    assert [n.value for n in find_numbers_intl(text, lang)] == [value]


def test_chinese_larger_small_unit_after_a_smaller_one_ends_the_number() -> None:
    assert ("百分之七十", 70.0, "percent") in amounts("收盘价的百分之七十百分位", "zh")
    assert 170.0 not in [n.value for n in find_numbers_intl("收盘价的百分之七十百分位", "zh")]


@pytest.mark.parametrize("lang,text,said,value", [
    ("de", "Bald ist jedes achte verkaufte Fahrrad ein E-Bike.", "jedes achte", 1 / 8),
    ("de", "Jeder dritte Befragte liest keine Zeitung mehr.", "Jeder dritte", 1 / 3),
    ("de", "Nur einer von sechs Anträgen wurde bewilligt.", "einer von sechs", 1 / 6),
    ("es", "Casi uno de cada siete hogares no tiene calefacción.", "uno de cada siete", 1 / 7),
    ("es", "Una familia de cada cuatro ahorra cada mes.", "Una familia de cada cuatro", 1 / 4),
    ("fr", "Un élève sur six redouble au collège.", "Un élève sur six", 1 / 6),
])
def test_one_in_n_phrases_are_one_share(lang, text, said, value):
    amounts = find_amounts_intl(text, lang)
    share = [a for a in amounts if a.unit == "ratio"]
    assert [a.text for a in share] == [said] and share[0].value == pytest.approx(value)
    assert not [a for a in amounts if a.start > share[0].start and a.end <= share[0].end and a is not share[0]]


def test_every_without_an_ordinal_is_no_share():
    assert [a for a in find_amounts_intl("Jeden Tag fahren 40 Busse.", "de") if a.unit == "ratio"] == []
