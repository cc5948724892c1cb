"""Judge contracts: the pinned judge, loaded safely, fingerprinted and locked.

The public names are imported on first use (PEP 562): a module that needs one part,
e.g. the scorecard's gates (``_gate``), does not load the YAML reader, the template
sandbox and every protocol model with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

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
    "Gate": "judgespec.contract._gate",
    "load_contract": "judgespec.contract._load",
    "load_contract_text": "judgespec.contract._load",
    "ContractTexts": "judgespec.contract._loaded",
    "LoadedContract": "judgespec.contract._loaded",
    "canonical_form": "judgespec.contract._loaded",
    "fingerprint": "judgespec.contract._loaded",
    "text_hash": "judgespec.contract._loaded",
    "AuditSection": "judgespec.contract._model",
    "Decoding": "judgespec.contract._model",
    "JudgeContract": "judgespec.contract._model",
    "JudgeModel": "judgespec.contract._model",
    "LogprobProtocol": "judgespec.contract._model",
    "PairLabels": "judgespec.contract._model",
    "PairwiseEscalation": "judgespec.contract._model",
    "PairwiseProtocol": "judgespec.contract._model",
    "Panel": "judgespec.contract._model",
    "PointwiseProtocol": "judgespec.contract._model",
    "ProbeSpec": "judgespec.contract._model",
    "Probes": "judgespec.contract._model",
    "PromptSpec": "judgespec.contract._model",
    "Protocol": "judgespec.contract._model",
    "ReferencePolicy": "judgespec.contract._model",
    "Samples": "judgespec.contract._model",
    "Scale": "judgespec.contract._model",
    "TEMPLATE_VARIABLES": "judgespec.contract._model",
    "TiePolicy": "judgespec.contract._model",
    "TournamentProtocol": "judgespec.contract._model",
    "VerdictConstraint": "judgespec.contract._model",
    "contract_json_schema": "judgespec.contract._schema",
    "shipped_contract_schema": "judgespec.contract._schema",
    "selection_options": "judgespec.contract._selection",
    "DEFAULT_BUDGET": "judgespec.contract._template",
    "RenderBudget": "judgespec.contract._template",
    "render_template": "judgespec.contract._template",
    "template_variables": "judgespec.contract._template",
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


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
