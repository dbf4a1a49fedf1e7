"""Scenario configuration: the schema (:mod:`~discharge_sim.config.schema`), loading YAML with
``extends`` and overrides (:mod:`~discharge_sim.config.loading`) and errors written for people
(:mod:`~discharge_sim.config.errors`).

Every config is validated on load. Unknown keys are errors; units are in key names. A failure
raises :class:`ConfigError` whose message names the field, the value found and what is allowed.

The names below are imported when first used, so that :mod:`~discharge_sim.config.limits` can be
read without the schema and pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discharge_sim.lazy import exports

if TYPE_CHECKING:
    from discharge_sim.config.errors import EXTENDS, ConfigError, format_validation_error
    from discharge_sim.config.keys import changed_settings, flatten
    from discharge_sim.config.loading import (
        apply_overrides,
        config_from_dict,
        config_to_dict,
        load_config,
        overlay,
        read_config,
        read_yaml,
    )
    from discharge_sim.config.schema import (
        STEP_MODELS,
        STEP_TYPES,
        Assessment,
        Attributed,
        AttributionSettings,
        Benchmark,
        BounceBack,
        Config,
        Convention,
        Council,
        CouncilBudget,
        CouncilStep,
        CouncilYearEnd,
        Deaths,
        Deconditioning,
        DelayStep,
        Distribution,
        ElectiveSettings,
        EmergencySettings,
        Finance,
        Group,
        HospitalSettings,
        PlacementStep,
        Pool,
        PooledBudget,
        Rationing,
        Readmissions,
        ReportSettings,
        RunSettings,
        SessionSettings,
        SessionStep,
        Staff,
        StaffedStep,
        Step,
        StepBase,
        Strict,
        Surge,
        Window,
        YearEnd,
        find_cycle,
    )

__all__ = [
    "EXTENDS",
    "STEP_MODELS",
    "STEP_TYPES",
    "Assessment",
    "Attributed",
    "AttributionSettings",
    "Benchmark",
    "BounceBack",
    "Config",
    "ConfigError",
    "Convention",
    "Council",
    "CouncilBudget",
    "CouncilStep",
    "CouncilYearEnd",
    "Deaths",
    "Deconditioning",
    "DelayStep",
    "Distribution",
    "ElectiveSettings",
    "EmergencySettings",
    "Finance",
    "Group",
    "HospitalSettings",
    "PlacementStep",
    "Pool",
    "PooledBudget",
    "Rationing",
    "Readmissions",
    "ReportSettings",
    "RunSettings",
    "SessionSettings",
    "SessionStep",
    "Staff",
    "StaffedStep",
    "Step",
    "StepBase",
    "Strict",
    "Surge",
    "Window",
    "YearEnd",
    "apply_overrides",
    "changed_settings",
    "config_from_dict",
    "config_to_dict",
    "find_cycle",
    "flatten",
    "format_validation_error",
    "load_config",
    "overlay",
    "read_config",
    "read_yaml",
]

_HOMES = {
    "errors": ("EXTENDS", "ConfigError", "format_validation_error"),
    "keys": ("changed_settings", "flatten"),
    "loading": ("apply_overrides", "config_from_dict", "config_to_dict", "load_config", "overlay",
                "read_config", "read_yaml"),
    "schema": ("STEP_MODELS", "STEP_TYPES", "Assessment", "Attributed", "AttributionSettings", "Benchmark",
               "BounceBack", "Config",
               "Convention", "Council", "CouncilBudget", "CouncilStep", "CouncilYearEnd", "Deaths", "Deconditioning",
               "DelayStep",
               "Distribution",
               "ElectiveSettings",
               "EmergencySettings", "Finance", "Group", "HospitalSettings", "PlacementStep", "Pool",
               "PooledBudget", "Rationing", "Readmissions", "ReportSettings", "RunSettings", "SessionSettings",
               "SessionStep",
               "Staff", "StaffedStep", "Step", "StepBase", "Strict", "Surge", "Window", "YearEnd", "find_cycle"),
}
"""The module of this package each public name comes from."""

if not TYPE_CHECKING:  # type checkers read the imports above instead, and so still catch a misspelt name
    __getattr__, __dir__ = exports(globals(), _HOMES)  # PEP 562
