"""The delay-reason table: every reason has a code of the vocabulary, codes and names round-trip,
and the judgements the docs promise are the ones the table makes."""

from __future__ import annotations

import pytest

from discharge_sim.data.reasons import REASONS, dtoc_code_of, reason_of
from discharge_sim.vocabulary import DTOC_CODES

NAMES = {"A": "Completion of assessment", "B": "Public funding", "C": "Further non-acute NHS care",
         "Di": "Residential home", "Dii": "Nursing home", "E": "Care package in own home",
         "F": "Community equipment/adaptations", "G": "Patient or family choice", "H": "Disputes", "I": "Housing"}


def test_every_published_reason_maps_to_a_code_of_the_vocabulary():
    assert len(REASONS) > 40
    for reason in REASONS:
        assert reason.dtoc_code in DTOC_CODES, reason.text
        assert set(reason.alternatives) <= set(DTOC_CODES), reason.text
        assert reason.source and reason.note, reason.text
        assert dtoc_code_of(reason.text) == reason.dtoc_code, reason.text


@pytest.mark.parametrize("code", DTOC_CODES)
def test_codes_round_trip_whatever_their_case_and_spacing(code):
    assert dtoc_code_of(code) == code
    assert dtoc_code_of(f"  {code.upper()} ") == code
    assert dtoc_code_of(code.lower()) == code


@pytest.mark.parametrize(("code", "name"), NAMES.items())
def test_names_round_trip(code, name):
    assert dtoc_code_of(name) == code
    assert dtoc_code_of("  " + name.upper().replace(" ", "   ") + "\t") == code


def test_hospital_internal_process_is_other_and_assessment_is_a_as_the_shipped_config_codes_them():
    assert dtoc_code_of("Awaiting a medical decision/intervention including writing the discharge summary") == "other"
    assert dtoc_code_of("Awaiting a medical decision/ intervention including writing the discharge summary") == "other"
    assert dtoc_code_of("Awaiting medicines to take home") == "other"
    assert dtoc_code_of("awaiting TRANSPORT") == "other"
    assert dtoc_code_of("Awaiting therapy decision to discharge") == "A"
    assert dtoc_code_of("ii. Awaiting a medical decision/intervention including writing the discharge summary.") == "other"


def test_capacity_reasons_and_the_care_home_judgement():
    assert dtoc_code_of("Pathway 1: awaiting availability of resource for assessment and start of care at home") == "E"
    assert dtoc_code_of("Pathway 2: awaiting availability of rehabilitation bed in community hospital or other "
                        "bedded setting") == "C"
    care_home = reason_of("Pathway 3: awaiting availability of a bed in a residential or nursing home that is likely "
                          "to be a permanent placement")
    assert care_home is not None and care_home.dtoc_code == "Di" and care_home.alternatives == ("Dii",)
    assert "Judgement" in care_home.note
    assert dtoc_code_of("Awaiting community equipment and adaptations to housing") == "F"
    assert dtoc_code_of("Individual/family not in agreement with discharge plans") == "G"
    assert dtoc_code_of("Homeless/no right of recourse to public funds/no place to discharge to") == "I"


def test_unknown_reasons_are_none():
    assert dtoc_code_of("Awaiting a unicorn") is None
    assert dtoc_code_of("") is None
    assert dtoc_code_of("D") is None


def test_each_wording_is_listed_once():
    from discharge_sim.data.reasons import reason_key

    keys = [reason_key(r.text) for r in REASONS]
    assert len(keys) == len(set(keys))
