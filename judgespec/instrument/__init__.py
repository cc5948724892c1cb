"""Validating the instrument: planted defects the audit must recover, and audit planning.

:func:`validate_instrument` audits synthetic judges with known defects (coarse scale,
position preference, length reward, prompt-level baseline, self-preference, random
noise) and a clean judge, and checks each planted magnitude against the audit's
interval. :func:`plan_gate` and :func:`plan_contrast` size an audit from a pilot.
"""

from ._design import PlantedDesign
from ._plan import (
    ContrastPlan,
    GatePlan,
    PlanError,
    decision_probability,
    plan_contrast,
    plan_gate,
    standard_error,
)
from ._planted import (
    DEFECTS,
    FLAGS,
    SUITE_CONFIDENCE,
    DefectRecovery,
    InstrumentReport,
    planted_rows,
    validate_instrument,
)
from ._render import render_instrument_markdown

__all__ = [
    "DEFECTS",
    "FLAGS",
    "SUITE_CONFIDENCE",
    "ContrastPlan",
    "DefectRecovery",
    "GatePlan",
    "InstrumentReport",
    "PlanError",
    "PlantedDesign",
    "decision_probability",
    "plan_contrast",
    "plan_gate",
    "planted_rows",
    "render_instrument_markdown",
    "standard_error",
    "validate_instrument",
]
