"""Small files in the layouts of NHS England's discharge publications, with MADE-UP numbers.

Every figure here is invented for the tests: two trusts (RXX, RYY) and one council (E06000099),
none of them real. The layouts follow the real files: the Discharge Ready Date monthly CSV (one
row per geography and measure: Data Type, Code, Organisation Name, Upper Tier Local Authority
Code and name, Measure, Value) and the acute discharge sitrep workbook (a 'Period:' cell, a
header row holding 'Org Code', three columns a day in Table 2, a column a reason in Table 5).
"""

from __future__ import annotations

import csv
from pathlib import Path

from discharge_sim.data.published import DRD_BAND_MEASURES, DRD_BED_DAYS, DRD_NO_DELAY

MONTH_NAMES = {"2024-04": "April-2024", "2024-05": "May-2024", "2024-06": "June-2024"}
DRD_COLUMNS = ["Data Type", "Region (of Provider)", "ICB (of Provider)", "Code", "Organisation Name",
               "Upper Tier Local Authority Code", "Upper Tier Local Authority", "Measure", "Value"]

# Made up: (total, no delay, bands 1, 2-3, 4-6, 7-13, 14-20, 21+, bed days lost) per trust and month.
DRD_MADE_UP = {
    "RXX": {"2024-04": (1000, 850, 50, 40, 25, 20, 8, 7, 600),
            "2024-05": (1100, 968, 44, 36, 22, 18, 6, 6, 500),
            "2024-06": (900, 756, 48, 40, 24, 20, 6, 6, 550)},
    "RYY": {"2024-04": (500, 400, 30, 30, 20, 10, 5, 5, 400),
            "2024-05": (520, 420, 30, 30, 20, 10, 5, 5, 420),
            "2024-06": (480, 380, 30, 30, 20, 10, 5, 5, 380)},
}
COUNCIL_MADE_UP = {"2024-04": (700, 600, 40, 25, 15, 10, 5, 5, 300)}
"""Council E06000099's residents from every trust (a UTLA Aggregate row), made up."""


def drd_rows(month: str, overrides: dict[tuple[str, str], str] | None = None) -> list[list[str]]:
    """The rows of one month's Discharge Ready Date CSV; ``overrides`` (trust, measure) -> cell text."""
    overrides = overrides or {}
    measures = ["Number of patients discharged in total", DRD_NO_DELAY, *DRD_BAND_MEASURES.values(), DRD_BED_DAYS]
    rows = []
    for trust, months in DRD_MADE_UP.items():
        for measure, value in zip(measures, months[month], strict=True):
            text = overrides.get((trust, measure), str(value))
            rows.append(["Provider", "MADE-UP REGION", "MADE-UP ICB", trust, f"MADE-UP TRUST {trust}", "[z]", "[z]",
                         measure, text])
    if month in COUNCIL_MADE_UP:
        for measure, value in zip(["Total Discharges for UTLA from acceptable trusts", *measures[1:]],
                                  COUNCIL_MADE_UP[month], strict=True):
            rows.append(["UTLA Aggregate", "[z]", "[z]", "[z]", "[z]", "E06000099", "Made-up Borough", measure,
                         str(value)])
    return rows


def write_drd(folder: Path, month: str, overrides: dict[tuple[str, str], str] | None = None,
              columns: list[str] | None = None) -> Path:
    path = folder / f"Discharge-Ready-Date-monthly-data-csv-{MONTH_NAMES[month]}.csv"
    columns = columns or DRD_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for row in drd_rows(month, overrides):
            out.writerow([row[DRD_COLUMNS.index(c)] if c in DRD_COLUMNS else "" for c in columns])
    return path


# Made up: per trust, three days of (no longer meeting criteria to reside, discharged, remaining).
SITREP_DAYS_MADE_UP = {
    "RXX": [(60, 20, 40), (66, 24, 42), (58, 14, 44)],
    "RYY": [(30, 10, 20), (32, 12, 20), (28, 8, 20)],
}
# Made up: average patients a day with stays of 14+ days, by reason, per trust.
SITREP_REASONS_MADE_UP = {
    "Awaiting a medical decision/intervention including writing the discharge summary": {"RXX": 4.0, "RYY": 1.0},
    "Awaiting therapy decision to discharge": {"RXX": 6.0, "RYY": 2.0},
    "Pathway 1: awaiting availability of resource for assessment and start of care at home": {"RXX": 12.0, "RYY": 3.0},
    "Pathway 2: awaiting availability of rehabilitation bed in community hospital or other bedded setting":
        {"RXX": 8.0, "RYY": 2.0},
    "Individual/ family not in agreement with discharge plans": {"RXX": 4.0, "RYY": 1.0},
}


def write_sitrep(folder: Path, month: str = "2024-04", reasons: dict[str, dict[str, float]] | None = None,
                 day_text: dict[tuple[str, int, int], str] | None = None) -> Path:
    """A two-sheet workbook in the sitrep's layout; ``day_text`` (trust, day, measure) -> cell text."""
    from openpyxl import Workbook

    reasons = SITREP_REASONS_MADE_UP if reasons is None else reasons
    day_text = day_text or {}
    wb = Workbook()
    t2 = wb.active
    t2.title = "Table 2"
    t2.append(["Table 2: MADE-UP criteria to reside counts"])
    t2.append(["Period:", MONTH_NAMES[month].replace("-", " ")])
    t2.append([])
    dates = [None, None, None]
    for day in range(3):
        dates += [f"{day + 1:02d}/{month[5:]}/{month[:4]}", None, None]
    t2.append(dates)
    header = ["Region", "Org Code", "Org Name"]
    header += ["Number of patients who no longer meet the criteria to reside", "Number of patients discharged",
               "Number of patients remaining in hospital who no longer meet the criteria to reside"] * 3
    t2.append(header)
    for trust, days in SITREP_DAYS_MADE_UP.items():
        row: list[object] = ["MADE-UP REGION", trust, f"MADE-UP TRUST {trust}"]
        for d, values in enumerate(days):
            row += [day_text.get((trust, d, k), v) for k, v in enumerate(values)]
        t2.append(row)
    t5 = wb.create_sheet("Table 5")
    t5.append(["Table 5: MADE-UP reasons for delay, stays of 14 days or more"])
    t5.append(["Period:", MONTH_NAMES[month].replace("-", " ")])
    t5.append([])
    t5.append(["Region", "Org Code", "Org Name", *reasons])
    for trust in SITREP_DAYS_MADE_UP:
        t5.append(["MADE-UP REGION", trust, f"MADE-UP TRUST {trust}", *(v[trust] for v in reasons.values())])
    path = folder / f"Daily-discharge-sitrep-monthly-data-webfile-{MONTH_NAMES[month].replace('-', '')}.xlsx"
    wb.save(path)
    return path
