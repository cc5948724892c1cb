"""Loading contracts from YAML files: safe parsing, validation, one-line errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._errors import ContractError, JudgespecError
from ..backends import backend_names, check_model_args, get_backend
from ..metrics import METRIC_NAMES
from ._loaded import ContractTexts, LoadedContract
from ._model import JudgeContract
from ._template import DEFAULT_BUDGET, render_template, template_variables
from ._yaml import LineMap, load_yaml, read_text

__all__ = ["load_contract", "load_contract_text"]


def _loc_text(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(top level)"


_UNION_TAGS = frozenset(
    {"pointwise", "logprob", "pairwise", "tournament", "str", "int", "float", "bool", "none"}
)

_HINTS = {
    "extra_forbidden": "unknown key; remove it or fix its spelling (see `judgespec schema`)",
    "missing": "required field is missing",
    "literal_error": None,
    "union_tag_invalid": None,
}


def _format_validation(exc: ValidationError, name: str, lines: LineMap) -> str:
    err = exc.errors(include_url=False)[0]
    # Drop the union/discriminator tags pydantic inserts into locations.
    loc: list[str | int] = []
    for item in err["loc"]:
        if isinstance(item, str) and (*loc, item) not in lines and (
            item in _UNION_TAGS or "[" in item
        ):
            continue
        loc.append(item)
    path = tuple(loc)
    line = None
    probe = path
    while probe:
        if probe in lines:
            line = lines[probe]
            break
        probe = probe[:-1]
    if line is None:
        line = lines.get((), 1)
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    hint = _HINTS.get(err["type"])
    if err["type"] == "extra_forbidden" and hint:
        msg = hint
    elif err["type"] == "missing" and hint:
        msg = hint
    value = err.get("input")
    if err["type"] not in ("missing", "extra_forbidden") and isinstance(
        value, str | int | float | bool
    ):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        if shown not in msg:
            msg = f"{msg} (got {shown})"
    extra = len(exc.errors()) - 1
    more = f" (and {extra} more error{'s' if extra > 1 else ''})" if extra else ""
    text = f"{name}:{line}: {_loc_text(path)}: {msg}{more}"
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _inside(base: Path, rel: str, *, field: str, name: str, line: int) -> Path:
    if not rel.strip():
        raise ContractError(f"{name}:{line}: {field}: empty path")
    if "\x00" in rel:
        raise ContractError(f"{name}:{line}: {field}: the path contains a NUL byte; fix the file name")
    try:
        candidate = (base / rel).resolve()
        root = base.resolve()
        exists = candidate.exists()
    except (OSError, RuntimeError) as exc:
        raise ContractError(f"{name}:{line}: {field}: unusable path {rel[:60]!r} ({exc}); fix the file name") from None
    if not candidate.is_relative_to(root):
        raise ContractError(
            f"{name}:{line}: {field}: '{rel}' is outside the contract's directory; "
            "keep template and rubric files next to the contract or below it"
        )
    if not exists:
        raise ContractError(f"{name}:{line}: {field}: file '{rel}' not found next to the contract")
    return candidate


def _resolve_texts(
    contract: JudgeContract, base: Path | None, name: str, lines: LineMap
) -> ContractTexts:
    def text_of(inline: str | None, rel: str | None, key: tuple[str, ...]) -> str | None:
        if inline is not None:
            return inline
        if rel is None:
            return None
        line = lines.get(key, 1)
        field = ".".join(key)
        if base is None:
            raise ContractError(f"{name}:{line}: {field}: file references need a contract file path")
        path = _inside(base, rel, field=field, name=name, line=line)
        try:
            return read_text(path, what=f"{field.rsplit('.', 1)[-1].replace('_', ' ')}")
        except ContractError as exc:
            raise ContractError(f"{name}:{line}: {field}: {exc}") from None

    prompt = contract.prompt
    template = text_of(prompt.template, prompt.template_file, ("prompt", "template_file"))
    assert template is not None
    rubric = text_of(prompt.rubric, prompt.rubric_file, ("prompt", "rubric_file"))
    esc = contract.tie_policy.pairwise
    escalation = (
        text_of(esc.template, esc.template_file, ("tie_policy", "pairwise", "template_file"))
        if esc is not None
        else None
    )
    return ContractTexts(template=template, rubric=rubric, escalation_template=escalation)


def _check_templates(
    contract: JudgeContract, texts: ContractTexts, name: str, lines: LineMap
) -> None:
    declared = set(contract.prompt.variables)
    key = ("prompt", "template") if contract.prompt.template is not None else ("prompt", "template_file")
    line = lines.get(key, lines.get(("prompt",), 1))
    used = template_variables(texts.template, where=f"{name}:{line}: prompt")
    undefined = sorted(used - declared)
    if undefined:
        raise ContractError(
            f"{name}:{line}: prompt: the template uses undefined variable(s) {undefined}; "
            f"declare them in prompt.variables (declared: {sorted(declared)})"
        )
    _trial_render(texts.template, used, texts.rubric, f"{name}:{line}: prompt")
    unused = sorted(declared - used)
    if unused:
        raise ContractError(
            f"{name}:{lines.get(('prompt', 'variables'), line)}: prompt.variables: declared but "
            f"not used by the template: {unused}; remove them or use them"
        )
    if texts.escalation_template is not None:
        esc_line = lines.get(("tie_policy", "pairwise"), line)
        used = template_variables(texts.escalation_template, where=f"{name}:{esc_line}: tie_policy.pairwise")
        allowed = {"prompt", "response_a", "response_b", "rubric"}
        if contract.reference.policy != "none":
            allowed.add("reference")
        bad = sorted(used - allowed)
        if bad:
            raise ContractError(
                f"{name}:{esc_line}: tie_policy.pairwise: the template uses undefined variable(s) "
                f"{bad}; allowed here: {sorted(allowed)}"
            )
        if not {"response_a", "response_b"} <= used:
            raise ContractError(
                f"{name}:{esc_line}: tie_policy.pairwise: the template must use response_a and response_b"
            )
        if "rubric" in used and texts.rubric is None:
            raise ContractError(
                f"{name}:{esc_line}: tie_policy.pairwise: the template uses 'rubric' but the prompt gives no rubric"
            )
        _trial_render(texts.escalation_template, used, texts.rubric, f"{name}:{esc_line}: tie_policy.pairwise")
    if texts.rubric is not None:
        rubric_key = ("prompt", "rubric") if contract.prompt.rubric is not None else ("prompt", "rubric_file")
        where = f"{name}:{lines.get(rubric_key, line)}: {'.'.join(rubric_key)}"
        if len(texts.rubric) > DEFAULT_BUDGET.max_chars:
            raise ContractError(f"{where}: the rubric is longer than {DEFAULT_BUDGET.max_chars} characters")


PLACEHOLDER = "placeholder {name} text for the trial render"
"""The value each template variable other than the rubric takes in the trial render."""


def _trial_render(template: str, used: set[str], rubric: str | None, where: str) -> None:
    """Render ``template`` once on placeholder values under the render budget.

    The rubric is the contract's own text; every other variable is :data:`PLACEHOLDER`.
    A template that fails here (budget exceeded, sandbox refusal, a runtime error of its
    own code) would fail on every candidate, so it fails validation instead.
    """
    values = {v: PLACEHOLDER.format(name=v) for v in used}
    if "rubric" in used and rubric is not None:
        values["rubric"] = rubric
    try:
        render_template(template, values)
    except ContractError as exc:
        raise ContractError(f"{where}: trial render failed: {str(exc).removeprefix('template: ')}") from None


def _line_of(lines: LineMap, path: tuple[str | int, ...]) -> int:
    probe = path
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get((), 1)


def _check_model_args(contract: JudgeContract, name: str, lines: LineMap) -> None:
    """Each judge's backend is registered and its ``model_args`` fit the backend's model.

    Nothing is loaded: the backend's record (:mod:`judgespec.backends`) carries the
    ``model_args`` model.
    """
    prefixes: list[tuple[str | int, ...]] = (
        [("judge",)] if contract.judge is not None else [("panel", "judges", i) for i in range(len(contract.judges))]
    )
    for prefix, judge in zip(prefixes, contract.judges, strict=True):
        try:
            spec = get_backend(judge.backend)  # shipped names are known without a scan
        except JudgespecError as exc:
            path: tuple[str | int, ...] = (*prefix, "backend")
            names = backend_names()
            import difflib  # only an error's hint needs it

            hint = difflib.get_close_matches(judge.backend, names, n=1)
            maybe = f" (did you mean '{hint[0]}'?)" if hint else ""
            reason = (
                f"unknown backend {judge.backend[:60]!r}{maybe}; registered: {', '.join(names)}; a backend "
                "from another package registers under the 'judgespec.backends' entry points once installed"
                if judge.backend not in names
                else str(exc)  # an installed record that cannot be loaded
            )
            raise ContractError(f"{name}:{_line_of(lines, path)}: {_loc_text(path)}: {reason}") from None
        problem = check_model_args(spec, judge.model_args)
        if problem is None:
            continue
        key, message = problem
        path = (*prefix, "model_args", key)
        raise ContractError(f"{name}:{_line_of(lines, path)}: {_loc_text(path)}: {message}")


def _check_gates(contract: JudgeContract, name: str, lines: LineMap) -> None:
    """Every gate names a scorecard metric (a misspelt one would fail every audit)."""
    if not contract.gates:
        return
    for i, gate in enumerate(contract.gates):
        if gate.metric in METRIC_NAMES:
            continue
        import difflib  # only an error's hint needs it

        hint = difflib.get_close_matches(gate.metric, METRIC_NAMES, n=1)
        maybe = f" (did you mean '{hint[0]}'?)" if hint else ""
        path: tuple[str | int, ...] = ("gates", i, "metric")
        raise ContractError(
            f"{name}:{_line_of(lines, path)}: {_loc_text(path)}: {gate.metric[:60]!r} is not a "
            f"scorecard metric{maybe}; known: {', '.join(METRIC_NAMES)}"
        )


def validate_data(
    data: Any, *, name: str, lines: LineMap | None = None, base: Path | None = None
) -> LoadedContract:
    """Validate already-parsed contract data; errors name ``name`` and a line."""
    lines = lines or {}
    if data is None:
        raise ContractError(f"{name}: the file is empty; a contract is a YAML mapping starting with 'spec_version: 1'")
    if not isinstance(data, Mapping):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ContractError(
            f"{name}:1: the document is {kind}, not a mapping; a contract is a YAML mapping "
            "starting with 'spec_version: 1'"
        )
    if "spec_version" not in data:
        raise ContractError(f"{name}:1: spec_version: missing; add 'spec_version: 1' at the top")
    version = data.get("spec_version")
    if type(version) is not int or version != 1:
        line = lines.get(("spec_version",), 1)
        raise ContractError(
            f"{name}:{line}: spec_version: {data.get('spec_version')!r} is not supported; "
            "this judgespec reads spec_version 1"
        )
    try:
        contract = JudgeContract.model_validate(dict(data))
    except ValidationError as exc:
        raise ContractError(_format_validation(exc, name, lines)) from None
    _check_model_args(contract, name, lines)
    _check_gates(contract, name, lines)
    texts = _resolve_texts(contract, base, name, lines)
    _check_templates(contract, texts, name, lines)
    return LoadedContract(contract=contract, texts=texts, path=None)


def load_contract_text(text: str, *, name: str = "<contract>", base: Path | None = None) -> LoadedContract:
    """Load a contract from YAML text (file references resolve against ``base``)."""
    data, lines = load_yaml(text, name=name)
    return validate_data(data, name=name, lines=lines, base=base)


def load_contract(path: str | Path) -> LoadedContract:
    """Load and validate a contract file.

    Raises :class:`~judgespec.ContractError` with one line naming the file, the line,
    the field and what to do.
    """
    p = Path(path)
    text = read_text(p)
    loaded = load_contract_text(text, name=str(p), base=p.parent)
    return LoadedContract(contract=loaded.contract, texts=loaded.texts, path=p)
