"""A loaded contract (the validated model and its resolved texts), its canonical form and fingerprint.

The canonical form is the validated contract dumped to JSON-compatible data with every
default filled in, template and rubric files replaced by their text, and the parts that
do not change verdicts left out (``description`` and the ``audit`` section). It is
serialised with sorted keys and no insignificant whitespace, so the fingerprint does
not depend on YAML formatting, key order, comments, or whether a default is spelled out.

    fingerprint = "sha256:" + sha256(json.dumps(canonical, sort_keys=True,
                                                separators=(",", ":"),
                                                ensure_ascii=False).encode("utf-8"))
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._model import JudgeContract

__all__ = ["ContractTexts", "LoadedContract", "canonical_form", "fingerprint", "text_hash"]


@dataclass(frozen=True)
class ContractTexts:
    """The texts a contract resolves to, files read and inlined."""

    template: str
    rubric: str | None
    escalation_template: str | None


@dataclass(frozen=True)
class LoadedContract:
    """A validated contract with its resolved texts and where it came from."""

    contract: JudgeContract
    texts: ContractTexts
    path: Path | None

    @property
    def fingerprint(self) -> str:
        """``sha256:<hex>`` of the canonical form (see :func:`judgespec.contract.fingerprint`)."""
        return fingerprint(self)


def text_hash(text: str) -> str:
    """``sha256:<hex>`` of UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_form(loaded: LoadedContract) -> dict[str, Any]:
    """The contract as canonical JSON data (see the module docstring)."""
    data = loaded.contract.model_dump(mode="json", exclude={"audit", "description"})
    prompt = data["prompt"]
    prompt["template"] = loaded.texts.template
    prompt["rubric"] = loaded.texts.rubric
    prompt.pop("template_file", None)
    prompt.pop("rubric_file", None)
    esc = data["tie_policy"].get("pairwise")
    if esc is not None:
        esc["template"] = loaded.texts.escalation_template
        esc.pop("template_file", None)
    return data


def fingerprint(loaded: LoadedContract) -> str:
    """``sha256:<hex>`` of the canonical form."""
    payload = json.dumps(
        canonical_form(loaded), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return text_hash(payload)
