"""An extract's daily series, for control charts beside the simulated ones: patients in hospital
and patients found ready still in hospital, at each midnight.

The first four weeks after the first admission are left out (patients admitted before the extract
began are missing from its census then), and so is the day the extract was taken. Counts go
through disclosure control (:mod:`discharge_sim.data.privacy`): under 5 shown as ``<5``, others
rounded to the nearest 5; days are numbered from the first one kept and labelled only by month,
so no exact date is written.
"""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.data.extract import Extract
from discharge_sim.data.holdout import daily_series
from discharge_sim.data.privacy import shown_count
from discharge_sim.vocabulary import HOURS_PER_DAY

SETTLING_DAYS = 28
"""Days after the first admission before the census counts everyone in hospital."""
COLUMNS = ("day", "month", "beds_occupied_at_midnight", "nctr_patients_at_midnight")


def daily_table(extract: Extract) -> dict[str, list[str]]:
    """daily.csv's columns: day (0, 1, ...), month (YYYY-MM), and the two counts as they may be shown."""
    first, _last = extract.admission_days
    start = (first + SETTLING_DAYS) * HOURS_PER_DAY
    end = math.floor(extract.end / HOURS_PER_DAY) * HOURS_PER_DAY
    table: dict[str, list[str]] = {name: [] for name in COLUMNS}
    if end - start < 2 * HOURS_PER_DAY:
        return table
    occupied, ready = daily_series(extract, start, end)
    midnights = np.arange(math.ceil(start / HOURS_PER_DAY), math.ceil(end / HOURS_PER_DAY)) * HOURS_PER_DAY
    for day, (hours, beds, nctr) in enumerate(zip(midnights, occupied, ready, strict=True)):
        table["day"].append(str(day))
        table["month"].append(extract.date_of(hours).strftime("%Y-%m"))
        table["beds_occupied_at_midnight"].append(shown_count(beds).replace(",", ""))
        table["nctr_patients_at_midnight"].append(shown_count(nctr).replace(",", ""))
    return table
