"""Assessments across the boundary (a step's ``assessment``): each patient's assessments are
counted by who made them, and the hours an assessment spends asking what another organisation
already asked are added up. Checked against a hand count on a small config."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.tables import patient_table
from discharge_sim.config import ConfigError, config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import ASSESSORS
from tests.toys import delay, fixed, placement, pool, session, staffed, ward


def _ward(review_after_therapy: bool = True, checklist_probability: float = 0.0, **more: Any) -> dict[str, Any]:
    """Pathway 1: the ward's therapists assess (2 h), the council's social worker reviews (3 h, half
    of it asking again what the therapists asked), a continuing-healthcare checklist is done for
    some, then a home-care provider's own assessment at the handover (4 h, a quarter asked again)."""
    steps = {
        "therapy": staffed("hospital", "therapists", fixed(2.0), code="A",
                           assessment={"by": "ward_therapists"}),
        "review": staffed("social_care", "social_workers", fixed(3.0), code="A",
                          assessment={"by": "social_worker", "repeated_share": 0.5}),
        "checklist": delay("hospital", fixed(1.0), probability=checklist_probability,
                           assessment={"by": "chc_checklist", "repeated_share": 1.0}),
        "home": placement("social_care", {"care": 1.0}, "E", handover=fixed(4.0),
                          assessment={"by": "care_provider", "repeated_share": 0.25}),
    }
    pathway = {"therapy": [], "review": ["therapy"] if review_after_therapy else [], "checklist": [],
               "home": ["review", "therapy", "checklist"]}
    return ward(steps, pathway, days=30, warmup=5, replications=1, seed=7,
                staff={"therapists": {"owner": "hospital", "count": 50, "schedule": "always"},
                       "social_workers": {"owner": "social_care", "count": 50, "schedule": "always"}},
                pools={"care": pool("social_care", "E", 5000)}, **more)


def test_each_assessment_is_counted_once_and_repeats_match_a_hand_count() -> None:
    """One assessment per organisation, in turn: every patient who left was assessed once by each
    of the three, and repeated 0.5 x 3 h (the social worker, after the therapists) + 0.25 x 4 h
    (the provider, after both) = 2.5 hours; the metrics add up the patients found ready in the window."""
    r = run_replication(config_from_dict(_ward()), 0)
    p = r.patients
    left = ~np.isnan(p["departure"])
    assert left.sum() > 100
    for assessor, expected in (("ward_therapists", 1), ("social_worker", 1), ("care_provider", 1),
                               ("chc_checklist", 0), ("discharge_team", 0)):
        assert np.all(p[f"assessments_{assessor}"][left] == expected), assessor
    assert np.all(p["repeated_assessment_hours"][left] == 2.5)
    assert np.all(p["assessing_organisations"][left] == 3)
    m = replication_metrics(r)
    found = ~np.isnan(p["ready"]) & (p["ready"] >= r.warmup_hours) & (p["ready"] < r.horizon_hours)
    total = sum(int(p[f"assessments_{a}"][found].sum()) for a in ASSESSORS)
    assert m["assessments"] == total and m["assessments_social_worker"] == p["assessments_social_worker"][found].sum()
    assert m["assessments_per_patient"] == pytest.approx(total / found.sum(), rel=1e-12)
    assert m["repeated_assessment_hours"] == pytest.approx(p["repeated_assessment_hours"][found].sum(), rel=1e-12)
    assert 0.9 < m["assessed_by_several_organisations_share"] <= 1.0
    assert "repeated_assessment_hours" in patient_table(r)


def test_an_assessment_repeats_only_what_came_before_it() -> None:
    """The social worker's review runs beside the therapists' 2-hour assessment and finishes after
    it (3 h): still a repeat. A checklist (always done, 1 h, all of it asked again) finishes first,
    before anyone else has asked: not a repeat, and the therapists (same organisation) repeat nothing."""
    r = run_replication(config_from_dict(_ward(review_after_therapy=False, checklist_probability=1.0)), 0)
    p = r.patients
    left = ~np.isnan(p["departure"])
    assert np.all(p["assessments_chc_checklist"][left] == 1)
    # checklist (trust, 1 h) -> therapists (trust, 2 h) -> social worker (council, 3 h: repeats half)
    # -> provider (repeats a quarter of 4 h)
    assert np.all(p["repeated_assessment_hours"][left] == 1.5 + 1.0)


def test_a_skipped_step_is_no_assessment_and_counts_follow_its_chance() -> None:
    r = run_replication(config_from_dict(_ward(checklist_probability=0.3)), 0)
    p = r.patients
    left = ~np.isnan(p["departure"])
    done = p["assessments_chc_checklist"][left]
    assert set(np.unique(done)) == {0, 1}
    assert abs(done.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / left.sum())


def test_without_assessments_nothing_is_added() -> None:
    raw = _ward()
    for step in raw["steps"].values():
        step.pop("assessment")
    r = run_replication(config_from_dict(raw), 0)
    assert "repeated_assessment_hours" not in r.patients and "assessments" not in replication_metrics(r)


def test_a_panel_is_no_assessment() -> None:
    raw = _ward()
    raw["steps"]["panel"] = session("social_care", [14.0], code="B", assessment={"by": "social_worker"})
    with pytest.raises(ConfigError, match=r"steps\.panel\.assessment"):
        config_from_dict(raw)
    raw["steps"]["panel"] = session("social_care", [14.0], code="B")
    raw["steps"]["therapy"]["assessment"] = {"by": "physio"}
    with pytest.raises(ConfigError, match="ward_therapists"):
        config_from_dict(raw)


def test_a_shared_assessment_asks_nothing_again_and_saves_its_repeated_hours() -> None:
    """The social worker's review shares the therapists' record: it takes 1.5 hours instead of 3,
    repeats nothing, and saves 1.5 hours; the provider still repeats a quarter of its 4 hours. Each
    patient who left waited exactly 1.5 hours less, and every other draw is the same."""
    plain = run_replication(config_from_dict(_ward()), 0)
    raw = _ward()
    raw["steps"]["review"]["assessment"]["shared"] = True
    shared = run_replication(config_from_dict(raw), 0)
    p, q = plain.patients, shared.patients
    left = ~np.isnan(p["departure"]) & ~np.isnan(q["departure"])
    assert left.sum() > 100
    np.testing.assert_allclose((q["departure"] - q["ready"])[left], (p["departure"] - p["ready"])[left] - 1.5,
                               rtol=0, atol=1e-9)
    assert np.all(q["repeated_assessment_hours"][left] == 1.0) and np.all(q["shared_assessment_hours_saved"][left] == 1.5)
    assert np.all(q["assessments_social_worker"][left] == 1) and np.all(q["assessing_organisations"][left] == 3)
    m = replication_metrics(shared)
    assert m["shared_assessment_hours_saved"] == pytest.approx(q["shared_assessment_hours_saved"][
        ~np.isnan(q["ready"]) & (q["ready"] >= shared.warmup_hours) & (q["ready"] < shared.horizon_hours)].sum())


def test_a_shared_assessment_with_nothing_before_it_is_not_shortened() -> None:
    """The review runs beside the therapists' assessment and begins at the same time: nothing by
    another organisation has finished yet, so it takes its full 3 hours."""
    raw = _ward(review_after_therapy=False)
    raw["steps"]["review"]["assessment"]["shared"] = True
    r = run_replication(config_from_dict(raw), 0)
    assert np.all(r.patients["shared_assessment_hours_saved"] == 0.0)
    # Nor is it counted as repeating the therapists, who finish first: only the provider repeats.
    left = ~np.isnan(r.patients["departure"])
    assert np.all(r.patients["repeated_assessment_hours"][left] == 1.0)


def test_a_shared_assessment_decides_when_it_begins() -> None:
    """The council's check is shared and begins after a 30-hour wait (summaries, no assessment); the
    therapists (one of them, 2 hours each, often queueing) finish well before it begins. Whether
    the therapists were done is decided when the check begins, not when it was scheduled: every
    patient who left saved half of the check's 2 hours, and a shared assessment repeats nothing."""
    steps = {
        "therapy": staffed("hospital", "therapists", fixed(2.0), code="A", assessment={"by": "ward_therapists"}),
        "summary": delay("hospital", fixed(30.0)),
        "check": delay("social_care", fixed(2.0), code="A",
                       assessment={"by": "social_worker", "repeated_share": 0.5, "shared": True}),
    }
    raw = ward(steps, {"therapy": [], "summary": [], "check": ["summary"]}, days=30, warmup=5, replications=1,
               seed=12, admissions=10, staff={"therapists": {"owner": "hospital", "count": 1, "schedule": "always"}})
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    left = ~np.isnan(p["departure"])
    assert left.sum() > 100
    assert np.all(p["shared_assessment_hours_saved"][left] == 1.0)
    assert np.all(p["repeated_assessment_hours"][left] == 0.0)
