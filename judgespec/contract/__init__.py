"""Judge contracts: the pinned judge, loaded safely, fingerprinted and locked."""

from ._fingerprint import canonical_form, fingerprint, text_hash
from ._gate import Gate
from ._load import ContractTexts, LoadedContract, load_contract, load_contract_text
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
