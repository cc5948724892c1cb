"""Validating the instrument: planted defects the audit must recover, and audit planning.

:func:`validate_instrument` audits synthetic judges with known defects (coarse scale,
position preference, length reward, prompt-level baseline, self-preference, random
noise) and a clean judge, and checks each planted magnitude against the audit's
interval. :func:`plan_gate` and :func:`plan_contrast` size an audit from a pilot.
"""

from ._design import PlantedDesign
from ._planted import DEFECTS, FLAGS, DefectRecovery, InstrumentReport, validate_instrument
from ._render import render_instrument_markdown

__all__ = [
    "DEFECTS",
    "FLAGS",
    "DefectRecovery",
    "InstrumentReport",
    "PlantedDesign",
    "render_instrument_markdown",
    "validate_instrument",
]
