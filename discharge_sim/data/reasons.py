"""Delay reasons as published, each with the model's DToC code: the one table that turns a reason
in a trust's extract or in NHS England's tables into A, B, C, Di, Dii, E, F, G, H, I or ``other``.

The codes follow :mod:`discharge_sim.vocabulary` and the shipped config (configs/baseline.yaml):
hospital-internal process the DToC statistic never counted (discharge summary, medicines to take
out, transport) is ``other``; an assessment is ``A`` whoever does it (the baseline's hospital
``therapy_assessment`` and the council's ``social_work_assessment`` are both ``A``). A code is not
a side: which organisation answers for a delay follows the step's owner and payer
(:func:`~discharge_sim.vocabulary.responsible_organisation`), so coding a reason ``E`` says nothing
about whether the NHS or the council provides the care awaited.

Where the wording leaves a choice the note says so. A reason that may equally be another code (a
care-home bed that may be residential or nursing) names it in ``alternatives``; shares built from
such a reason cannot tell the codes apart, and :mod:`discharge_sim.data.published` leaves them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discharge_sim.vocabulary import DTOC_CODES

DTOC_GUIDANCE = "NHS England, Monthly Delayed Transfers of Care Situation Report: Principles, Definitions and Guidance"
ACUTE_SITREP_2023 = "NHS England, Discharge Delays (Acute) situation report, Table 5 reasons (2023 monthly files)"
ACUTE_SITREP_2021 = ("NHS England, acute discharge situation report (criteria to reside collection, 2021), "
                     "reasons i to xviii as trusts record them")
COMMUNITY_SITREP_2023 = ("NHS England, Discharge Delays (Community) situation report, Table 5 reasons "
                         "(from October 2023)")
MODEL = "discharge-sim vocabulary (discharge_sim/vocabulary.py)"


@dataclass(frozen=True)
class Reason:
    """A published delay reason (or a DToC code) and the model's DToC code for it."""

    text: str
    """The published wording, or the code itself."""
    dtoc_code: str
    """One of :data:`~discharge_sim.vocabulary.DTOC_CODES`."""
    source: str
    """The publication the wording comes from."""
    note: str
    """Why this code; where the mapping is a judgement, says so."""
    alternatives: tuple[str, ...] = ()
    """Other codes the reason may equally be: shares cannot tell them apart."""


_CODE_NAMES = {
    "A": "Completion of assessment", "B": "Public funding", "C": "Further non-acute NHS care",
    "Di": "Residential home", "Dii": "Nursing home", "E": "Care package in own home",
    "F": "Community equipment/adaptations", "G": "Patient or family choice", "H": "Disputes", "I": "Housing",
}
"""The DToC reason names (the statistic's column headings)."""

_AWAITING = {
    "A": "Awaiting completion of assessment", "B": "Awaiting public funding",
    "C": "Awaiting further non-acute NHS care", "Di": "Awaiting residential home placement or availability",
    "Dii": "Awaiting nursing home placement or availability", "E": "Awaiting care package in own home",
    "F": "Awaiting community equipment and adaptations",
}
"""The longer "awaiting ..." wording of the DToC categories, as trusts were asked to use them."""


def _codes() -> list[Reason]:
    rows = [Reason(code, code, MODEL, "The code itself.") for code in DTOC_CODES]
    rows[-1] = Reason("other", "other", MODEL, "Hospital-internal process the acute DToC statistic never counted.")
    rows += [Reason(name, code, DTOC_GUIDANCE, "The DToC reason's own name.") for code, name in _CODE_NAMES.items()]
    rows += [Reason(text, code, DTOC_GUIDANCE, "The DToC category in its 'awaiting' wording.")
             for code, text in _AWAITING.items()]
    return rows


_HOSPITAL_PROCESS = ("Hospital-internal process: the shipped config codes the discharge summary, medicines and "
                     "transport 'other', and the acute DToC statistic never counted such days.")
_ASSESSMENT = ("An assessment for onward care: code A whoever does it, as the shipped config codes the hospital's "
               "therapy assessment and the council's social-work assessment alike.")
_CARE_HOME = ("Judgement: the sitrep does not say residential or nursing. Coded Di as the shipped config codes its "
              "care_home search step; Dii is equally possible, so shares of Di and Dii are not built from it.")

_SITREP = [
    # --- hospital-internal process ------------------------------------------------------------
    ("Awaiting a medical decision/intervention including writing the discharge summary", "other", ACUTE_SITREP_2023,
     "Judgement: a consultant's decision and the discharge summary are hospital-internal process. "
     + _HOSPITAL_PROCESS),
    ("Awaiting medicines to take home", "other", ACUTE_SITREP_2023, _HOSPITAL_PROCESS),
    ("Awaiting transport", "other", ACUTE_SITREP_2023, _HOSPITAL_PROCESS),
    ("Awaiting Diagnostic test", "other", ACUTE_SITREP_2023,
     "Judgement: a test the hospital runs is hospital-internal process, outside every DToC reason."),
    ("No Plan", "other", ACUTE_SITREP_2023,
     "Judgement: no discharge plan yet is the hospital's own process (planning), outside every DToC reason."),
    ("Declared as not meeting the criteria to reside at morning board round and then later in the day meets the "
     "criteria to reside so discharge stopped", "other", ACUTE_SITREP_2023,
     "Judgement: the patient became unwell again the same day; a clinical change, not a wait for anyone's service."),
    ("Declared as not meeting criteria to reside at AM ward round then later in day meets criteria to reside so "
     "discharge stopped", "other", ACUTE_SITREP_2021,
     "Judgement: the patient became unwell again the same day; a clinical change, not a wait for anyone's service."),
    ("Repatriation/Transfer to another acute trust for specialist treatment or ongoing treatment", "other",
     ACUTE_SITREP_2023, "Judgement: an acute-to-acute transfer was never a delayed transfer of care; no DToC reason "
     "fits, so it is kept out of DToC-style shares with hospital process."),
    ("Remains in hospital to avoid spread of infectious disease and because there is no other suitable location to "
     "discharge to", "other", ACUTE_SITREP_2023,
     "Judgement: infection control is no DToC reason and no side's capacity; kept out of DToC-style shares."),
    ("Remains in hospital to avoid spread of non-Covid 19 infectious disease - no other suitable location to "
     "discharge to", "other", ACUTE_SITREP_2021,
     "Judgement: infection control is no DToC reason and no side's capacity; kept out of DToC-style shares."),
    ("Awaiting discharge to a care home but have not had a COVID 19 test (in 48 hrs preceding discharge)", "other",
     ACUTE_SITREP_2021, "Judgement: a test the hospital runs before discharge is hospital-internal process."),
    ("Safeguarding concern preventing discharge or Court of Protection", "other", ACUTE_SITREP_2023,
     "Judgement: a safeguarding or legal process that no DToC reason names and neither side's capacity explains; "
     "kept out of DToC-style shares rather than charged to either side."),
    ("Awaiting readmission to an acute trust", "other", COMMUNITY_SITREP_2023,
     "Judgement: a return to acute care is no delayed transfer of care."),
    ("Awaiting transfer back to an acute trust", "other", COMMUNITY_SITREP_2023,
     "Judgement: a return to acute care is no delayed transfer of care."),
    # --- assessment and referral ---------------------------------------------------------------
    ("Awaiting therapy decision to discharge", "A", ACUTE_SITREP_2023,
     "The ward therapists' assessment (hospital staff). " + _ASSESSMENT),
    ("Awaiting a therapy decision/intervention to proceed with discharge, including writing onward referrals, "
     "equipment ordering", "A", ACUTE_SITREP_2023,
     "The ward therapists' assessment (hospital staff). " + _ASSESSMENT),
    ("Awaiting therapy decision - no acute medical/nursing intervention required; requires further rehab in acute "
     "hospital", "A", ACUTE_SITREP_2021, "The ward therapists' assessment (hospital staff). " + _ASSESSMENT),
    ("Awaiting referral to community single point of access", "A", ACUTE_SITREP_2023,
     "Judgement: writing the referral is the hospital's part of assessing for onward care (A, as the therapy "
     "assessment); a reader who counts it as same-day hospital administration would code it 'other'."),
    ("Awaiting referral to care transfer hub or receiving service", "A", ACUTE_SITREP_2023,
     "Judgement: writing the referral is the hospital's part of assessing for onward care (A, as the therapy "
     "assessment); a reader who counts it as same-day hospital administration would code it 'other'."),
    ("Awaiting referral to community Transfer of Care Hub or receiving service", "A", COMMUNITY_SITREP_2023,
     "Judgement: as the acute sitrep's referral reason."),
    ("Awaiting confirmation from community hub/single point of access that referral received and actioned", "A",
     ACUTE_SITREP_2023, "Judgement: the hub deciding the pathway is assessment for onward care. " + _ASSESSMENT),
    ("Awaiting confirmation from care transfer hub or receiving service that referral received and actioned", "A",
     ACUTE_SITREP_2023, "Judgement: the hub deciding the pathway is assessment for onward care. " + _ASSESSMENT),
    ("Awaiting confirmation from community Transfer of Care Hub or receiving service that referral received and "
     "actioned", "A", COMMUNITY_SITREP_2023, "Judgement: as the acute sitrep's confirmation reason."),
    ("Awaiting confirmation from community hub/Single Point of Access referral received/actioned - SPA to decide "
     "pathway", "A", ACUTE_SITREP_2021, "Judgement: as the 2023 wording of the same reason."),
    ("Awaiting outcome of decision for CHC funding", "B", COMMUNITY_SITREP_2023,
     "Judgement: NHS continuing healthcare is public funding (B); the checklist before it is an assessment (A)."),
    # --- capacity after the hospital -----------------------------------------------------------
    ("Pathway 1: awaiting availability of resource for assessment and start of care at home", "E", ACUTE_SITREP_2023,
     "Care or reablement at home (E), as the shipped config codes home_care and reablement. Who provides it (council "
     "or NHS community) decides the side, not the code."),
    ("Pathway 1: awaiting availability of resource for assessment and start of care at home (not a continuation of "
     "rehabilitation, recovery and reablement)", "E", COMMUNITY_SITREP_2023,
     "Care at home (E), as the shipped config codes home_care."),
    ("Pathway 1: Awaiting availability of resource for continuation of rehabilitation, reablement and recovery at "
     "home", "E", COMMUNITY_SITREP_2023,
     "Judgement: reablement at home is E, as the shipped config codes reablement; rehabilitation by NHS community "
     "teams could be read as C."),
    ("Pathway 2: awaiting availability of rehabilitation bed in community hospital or other bedded setting", "C",
     ACUTE_SITREP_2023, "Intermediate care in a bed (C), as the shipped config codes intermediate_care. Judgement "
     "for beds a council buys in care homes, which DToC would also have called C."),
    ("Pathway 2: awaiting availability of another rehabilitation, reablement and recovery bed in a community bedded "
     "setting", "C", COMMUNITY_SITREP_2023, "Intermediate care in a bed (C), as the shipped config codes it."),
    ("Pathway 3: awaiting availability of a bed in a residential or nursing home that is likely to be a permanent "
     "placement", "Di", ACUTE_SITREP_2023, _CARE_HOME),
    ("Pathway 3: awaiting availability of a bed in a residential or nursing home for end-of-life care", "Di",
     COMMUNITY_SITREP_2023, _CARE_HOME),
    ("Awaiting community equipment and adaptations to housing", "F", ACUTE_SITREP_2023,
     "Community equipment and adaptations (F)."),
    ("Awaiting equipment and adaptations to housing", "F", COMMUNITY_SITREP_2023,
     "Community equipment and adaptations (F)."),
    ("Individual/family not in agreement with discharge plans", "G", ACUTE_SITREP_2023,
     "Patient or family choice (G)."),
    ("Homeless/no right of recourse to public funds/no place to discharge to", "I", ACUTE_SITREP_2023,
     "Judgement: housing (I); 'no recourse to public funds' is in part a funding question (B)."),
    ("Homeless/no right of recourse to public funds/no place to discharge to/lack of housing offers when previous "
     "residence no longer suitable", "I", COMMUNITY_SITREP_2023,
     "Judgement: housing (I); 'no recourse to public funds' is in part a funding question (B)."),
]


def _sitrep() -> list[Reason]:
    rows = []
    for text, code, source, note in _SITREP:
        alternatives = ("Dii",) if note == _CARE_HOME else ()
        rows.append(Reason(text, code, source, note, alternatives))
    return rows


REASONS: tuple[Reason, ...] = (*_codes(), *_sitrep())
"""Every reason the tool knows, in the order the reference table shows them."""

_NUMBERED = re.compile(r"^(?:[ivx]+|\d+)[.)]\s+(?=\S)", re.IGNORECASE)


def reason_key(text: str) -> str:
    """A reason as compared: case and whitespace ignored, a leading item number ('xii. ') and a
    closing full stop dropped, so the sitrep's numbered and unnumbered forms match."""
    text = _NUMBERED.sub("", text.strip()).rstrip(". ")
    return re.sub(r"\s+", "", text).casefold()


_BY_KEY: dict[str, Reason] = {}
for _reason in REASONS:
    _BY_KEY.setdefault(reason_key(_reason.text), _reason)


def reason_of(text: str) -> Reason | None:
    """The row of the table for a reason as written, or None if unknown."""
    return _BY_KEY.get(reason_key(text)) if isinstance(text, str) else None


def dtoc_code_of(reason: str) -> str | None:
    """The DToC code of a reason (a code, a DToC name or a published wording); None if unknown."""
    row = reason_of(reason)
    return row.dtoc_code if row is not None else None
