"""The settings in which two configs differ, as the report, the board pack and the web app list them."""

from __future__ import annotations

from discharge_sim.config import changed_settings


def test_every_setting_that_differs_in_key_order_and_nothing_else():
    before = {"name": "baseline", "description": "a", "hospital": {"beds": 600}, "run": {"days": 425.0, "seed": 1},
              "pools": {"care_home": {"places": 500}}}
    after = {"name": "other", "description": "b", "hospital": {"beds": 560}, "run": {"days": 425.0, "seed": 1},
             "pools": {"care_home": {"places": 500}, "reablement": {"places": 30}}}
    assert changed_settings(before, after) == [("hospital.beds", 600, 560), ("pools.reablement.places", None, 30)]
    assert changed_settings(before, before) == []
    assert changed_settings(after, before) == [("hospital.beds", 560, 600), ("pools.reablement.places", 30, None)]
