"""Which sheets a config's workbook has and what each holds, read from the config schema: a sheet
per top-level section, as a table (one row per named entry: groups, staff, pools, steps,
councils; one row per window of a schedule; one row per step of a pathway) or as a list of
settings with their values (run, hospital, emergency, finance...)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from pydantic.fields import FieldInfo

from discharge_sim.config import STEP_MODELS, STEP_TYPES, Config, Window
from discharge_sim.data.fields import Setting, docstring, settings, strip, summary, union_settings
from discharge_sim.vocabulary import PATHWAYS

ABOUT = "config"
"""The sheet of the config's name and description (top-level settings of no section)."""
README = "README"
"""The sheet that explains the workbook; it is not read back."""
Kind = Literal["values", "table", "schedules", "pathways"]


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook: the config section it holds and how."""

    name: str
    kind: Kind
    settings: tuple[Setting, ...]
    """values: the section's settings, one a row; otherwise: the columns after the first."""
    first: Setting | None = None
    """The first column of a table: the entry's name, the schedule or the pathway."""
    meaning: str = ""

    @property
    def columns(self) -> tuple[Setting, ...]:
        return ((self.first,) if self.first is not None else ()) + self.settings


def _plain(key: str, annotation: Any, meaning: str, default: object = ..., words: str = "") -> Setting:
    """A column that is no field of the schema (an entry's name, a pathway's number)."""
    info = FieldInfo.from_annotation(annotation) if default is ... else FieldInfo.from_annotated_attribute(
        annotation, default)
    info.description = meaning
    return Setting(key, annotation, info, Config, words=words)


NAME_MEANING = "The entry's name, unique on this sheet; other sheets refer to it by this name."
NAME = _plain("name", str, NAME_MEANING, words="a name, unique on this sheet")


@cache
def layout() -> tuple[Sheet, ...]:
    """Every sheet of a config's workbook but the README, in the config's order."""
    fields = Config.model_fields
    sheets = [Sheet(ABOUT, "values", tuple(Setting(k, fields[k].annotation, fields[k], Config)
                                            for k in ("name", "description")),
                    meaning="The config's name (it names results folders) and what it represents.")]
    for name, info in fields.items():
        if name in ("name", "description"):
            continue
        core = strip(info.annotation)[0]
        meaning = docstring(Config, name)
        if isinstance(core, type):
            sheets.append(Sheet(name, "values", tuple(settings(core)), meaning=meaning or summary(core)))
            continue
        value = get_args(core)[1]
        if name == "schedules":
            first = _plain("schedule", str, "The schedule's name; each row is one window of it, in order.",
                           words="a name; the rows of one schedule are its windows")
            sheets.append(Sheet(name, "schedules", tuple(settings(Window)), first,
                                "Working hours: one row per window (days and hours) of a named schedule."))
        elif name == "pathways":
            columns = [_plain("step", str, "A step of the pathway (empty: a pathway with no steps).", None,
                              words="the name of an entry on the steps sheet"),
                       _plain("after", list[str], "The steps of the same pathway this step waits for.", [],
                              words="a list [a, b, ...] of steps of the same pathway")]
            first = _plain("pathway", Literal[PATHWAYS], "The discharge pathway (0 home, 1 home with support, "
                           "2 a bed-based service, 3 a care home).")
            sheets.append(Sheet(name, "pathways", tuple(columns), first,
                                "Each pathway's steps, one row per step, with the steps it waits for."))
        elif not isinstance(strip(value)[0], type):  # the step types, one model per type
            kinds = _plain("type", Literal[STEP_TYPES], "What kind of step: delay (work with no shared "
                           "resource), session (a recurring panel or round), staffed (a team's work) or placement "
                           "(a place in a pool); the columns marked for other types stay empty.")
            columns = [kinds, *(c for c in union_settings(dict(STEP_MODELS)) if c.key != "type")]
            sheets.append(Sheet(name, "table", tuple(columns), NAME,
                                "The steps between being found ready and leaving, one row per step."))
        else:
            sheets.append(Sheet(name, "table", tuple(settings(value)), NAME,
                                meaning or summary(value)))
    return tuple(sheets)


def sheet(name: str) -> Sheet | None:
    return next((s for s in layout() if s.name == name), None)
