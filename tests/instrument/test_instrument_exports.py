"""The public surface of judgespec.instrument stays what it is."""

from __future__ import annotations

import judgespec.instrument as instrument

EXPECTED = {
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
}


def test_public_names() -> None:
    assert set(instrument.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(instrument, name) is not None


def test_plan_error_is_a_judgespec_error() -> None:
    from judgespec import JudgespecError

    assert issubclass(instrument.PlanError, JudgespecError)
