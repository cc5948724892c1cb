"""Judge contracts: the pinned judge, loaded safely, fingerprinted and locked.

The public names are imported on first use (PEP 562): a module that needs one part,
e.g. the scorecard's gates (``_gate``), does not load the YAML reader, the template
sandbox and every protocol model with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._gate import Gate
    from ._load import load_contract, load_contract_text
    from ._loaded import ContractTexts, LoadedContract, canonical_form, fingerprint, text_hash
    from ._model import (
        TEMPLATE_VARIABLES,
        AuditSection,
        Decoding,
        JudgeContract,
        JudgeModel,
        LogprobProtocol,
        PairLabels,
        PairwiseEscalation,
        PairwiseProtocol,
        Panel,
        PointwiseProtocol,
        Probes,
        ProbeSpec,
        PromptSpec,
        Protocol,
        ReferencePolicy,
        Samples,
        Scale,
        TiePolicy,
        TournamentProtocol,
        VerdictConstraint,
    )
    from ._schema import contract_json_schema, shipped_contract_schema
    from ._selection import selection_options
    from ._template import DEFAULT_BUDGET, RenderBudget, render_template, template_variables

#: Public names imported on first use, by submodule.
_LAZY: dict[str, str] = {
    "Gate": "_gate",
    "load_contract": "_load",
    "load_contract_text": "_load",
    "ContractTexts": "_loaded",
    "LoadedContract": "_loaded",
    "canonical_form": "_loaded",
    "fingerprint": "_loaded",
    "text_hash": "_loaded",
    "AuditSection": "_model",
    "Decoding": "_model",
    "JudgeContract": "_model",
    "JudgeModel": "_model",
    "LogprobProtocol": "_model",
    "PairLabels": "_model",
    "PairwiseEscalation": "_model",
    "PairwiseProtocol": "_model",
    "Panel": "_model",
    "PointwiseProtocol": "_model",
    "ProbeSpec": "_model",
    "Probes": "_model",
    "PromptSpec": "_model",
    "Protocol": "_model",
    "ReferencePolicy": "_model",
    "Samples": "_model",
    "Scale": "_model",
    "TEMPLATE_VARIABLES": "_model",
    "TiePolicy": "_model",
    "TournamentProtocol": "_model",
    "VerdictConstraint": "_model",
    "contract_json_schema": "_schema",
    "shipped_contract_schema": "_schema",
    "selection_options": "_selection",
    "DEFAULT_BUDGET": "_template",
    "RenderBudget": "_template",
    "render_template": "_template",
    "template_variables": "_template",
}

__all__ = [
    "DEFAULT_BUDGET",
    "TEMPLATE_VARIABLES",
    "AuditSection",
    "ContractTexts",
    "Decoding",
    "Gate",
    "JudgeContract",
    "JudgeModel",
    "LoadedContract",
    "LogprobProtocol",
    "PairLabels",
    "PairwiseEscalation",
    "PairwiseProtocol",
    "Panel",
    "PointwiseProtocol",
    "ProbeSpec",
    "Probes",
    "PromptSpec",
    "Protocol",
    "ReferencePolicy",
    "RenderBudget",
    "Samples",
    "Scale",
    "TiePolicy",
    "TournamentProtocol",
    "VerdictConstraint",
    "canonical_form",
    "contract_json_schema",
    "fingerprint",
    "load_contract",
    "load_contract_text",
    "render_template",
    "selection_options",
    "shipped_contract_schema",
    "template_variables",
    "text_hash",
]


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'judgespec.contract' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
