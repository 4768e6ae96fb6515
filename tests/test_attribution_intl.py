"""Sources of figures on French, German and Spanish pages (extract/multilingual.py), on sentences
written for these tests: places are no sources, impersonal reporting verbs name no one, a source
named before carries over them, acronyms a text defines name the body later."""

from __future__ import annotations

import pytest

from newstrace.extract.multilingual import annotate_text


@pytest.fixture(scope="module")
def kb():
    from newstrace.extract.kb import load_kb

    return load_kb(())


def annotate(text: str, lang: str, kb):
    return annotate_text(text, lang=lang, article_id="t", kb=kb, version="test")


def sources(text: str, lang: str, kb) -> list[tuple[float, str | None]]:
    return [(s.value, s.attribution.name if s.attribution else None) for s in annotate(text, lang, kb).statistics]


@pytest.mark.parametrize("lang, text", [
    ("es", "En Nueva Zelanda, por su parte, se prevé que el 12% de los coches sean eléctricos."),
    ("es", "En Costa Rica se estima que 4.000 familias perdieron su casa."),
    ("fr", "En Nouvelle Calédonie, on estime que 3 200 foyers sont privés d'eau."),
    ("fr", "Au Costa Rica, on prévoit 12 % de touristes en plus."),
])
def test_a_place_opening_the_sentence_is_no_source(lang: str, text: str, kb) -> None:
    assert [name for _, name in sources(text, lang, kb)] == [None]


@pytest.mark.parametrize("lang, text", [
    ("es", "Se prevé que los precios suban un 4% este invierno."),
    ("fr", "L'on estime que 40 % des récoltes sont perdues."),
    ("de", "Man erwartet, dass 30 Prozent der Flüge ausfallen."),
    ("de", "Im Herbst wird erwartet, dass 12.000 Stellen wegfallen."),
    ("de", "Bis 2030 erwartet man ein Plus von 15 Prozent."),
])
def test_an_impersonal_reporting_verb_names_no_source(lang: str, text: str, kb) -> None:
    assert [name for _, name in sources(text, lang, kb)] == [None]


@pytest.mark.parametrize("lang, text, kb_id", [
    ("es", "Según el Fondo Monetario Internacional, la deuda pública crecerá. "
           "En Portugal, se prevé que alcance el 110% del PIB.", "imf"),
    ("fr", "Selon l'Agence internationale de l'énergie, la demande de pétrole ralentit. "
           "Au Japon, on estime qu'elle reculera de 2 %.", "iea"),
    ("de", "Laut der Internationalen Energieagentur wächst der Markt. "
           "In Indien wird erwartet, dass 5 Millionen Roller verkauft werden.", "iea"),
])
def test_the_source_named_before_carries_over_an_impersonal_verb(lang: str, text: str, kb_id: str, kb) -> None:
    stats = annotate(text, lang, kb).statistics
    assert stats and all(s.attribution is not None and s.attribution.kb_id == kb_id and s.attribution.inferred
                         for s in stats), stats


def test_a_named_subject_of_a_reporting_verb_is_still_the_source(kb) -> None:
    text = "La Asociación Nacional de Panaderos estima que 2.500 hornos cerraron este año."
    assert sources(text, "es", kb) == [(2500, "Asociación Nacional de Panaderos")]


def test_a_capitalised_article_is_not_part_of_the_name(kb) -> None:
    text = "La Confederación Estatal de Pescadores calcula que 800 barcos siguen amarrados."
    assert sources(text, "es", kb) == [(800, "Confederación Estatal de Pescadores")]


def test_french_acronym_defined_in_the_text_is_the_later_source(kb) -> None:
    text = ("La Fédération nationale des producteurs de lait (FNPL) publie ses chiffres. "
            "Selon la FNPL, 1 800 exploitations ont fermé en 2024.")
    stat = annotate(text, "fr", kb).statistics[0]
    assert stat.value == 1800 and stat.attribution is not None
    assert stat.attribution.cue == "Selon" and "Fédération nationale des producteurs" in stat.attribution.name


@pytest.mark.parametrize("lang, text, cue", [
    ("fr", "D'après l'Organisation mondiale de la santé (OMS), 17 % des enfants sont en surpoids.", "D'après"),
    ("de", "Der Weltgesundheitsorganisation zufolge rauchen 22 Prozent der Erwachsenen.", "zufolge"),
    ("es", "De acuerdo con la Organización Mundial de la Salud (OMS), el 8% de los niños tiene anemia.",
     "De acuerdo con"),
])
def test_reporting_cues_give_the_kb_body(lang: str, text: str, cue: str, kb) -> None:
    stat = annotate(text, lang, kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.cue == cue and stat.attribution.kb_id == "who"


def test_a_kb_acronym_the_text_defines_as_another_body_is_that_body(kb) -> None:
    # EPA is a US agency in the KB; this text spells it out as a Spanish survey
    text = ("La Encuesta de Población Activa (EPA) se publicó ayer. "
            "Según la EPA, el paro bajó al 11,2%.")
    stat = annotate(text, "es", kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.kb_id is None
    assert stat.attribution.name == "Encuesta de Población Activa"


def test_a_kb_acronym_spelled_out_in_another_language_keeps_its_kb_body(kb) -> None:
    text = "La Organización Mundial de la Salud (OMS) alertó. Según la OMS, 300 millones de personas sufren asma."
    stat = annotate(text, "es", kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.kb_id == "who"


@pytest.mark.parametrize("text", ["Laut Statistischem Bundesamt stiegen die Mieten um 4,1 Prozent.",
                                  "Wie das Statistische Bundesamt mitteilte, sank der Absatz um 3 Prozent.",
                                  "Nach Angaben des Statistischen Bundesamtes lebten 84 Millionen Menschen im Land."])
def test_german_inflected_adjective_in_a_kb_name(text: str, kb) -> None:
    stat = annotate(text, "de", kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.kb_id == "destatis"


@pytest.mark.parametrize("lang, text, name", [
    ("fr", "Les hospitalisations ont reculé de 12 %, a indiqué le ministère de la Santé.", "ministère de la Santé"),
    ("es", "Las exportaciones crecieron un 5%, informó el ministerio de Economía.", "ministerio de Economía"),
])
def test_lower_case_body_noun_with_a_capitalised_complement(lang: str, text: str, name: str, kb) -> None:
    stat = annotate(text, lang, kb).statistics[0]
    assert stat.attribution is not None and stat.attribution.name == name


def test_a_body_noun_without_a_name_after_it_is_no_name(kb) -> None:
    text = "Selon le gouvernement, 40 % des communes sont concernées."
    stat = annotate(text, "fr", kb).statistics[0]
    assert stat.attribution is None or stat.attribution.name != "gouvernement"
