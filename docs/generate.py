"""Generate docs/contract-reference.md (from the JSON Schema), docs/cli.md (from --help)
and docs/api.md (from the public modules' ``__all__`` and docstrings).

Run ``python docs/generate.py`` after changing the contract model, the CLI or a public
module's exports; ``tests/test_docs.py`` fails when the committed files are stale.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

DOCS = Path(__file__).resolve().parent


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return f"[{prop['$ref'].split('/')[-1]}](#{prop['$ref'].split('/')[-1].lower()})"
    if "const" in prop:
        return f"`{prop['const']!r}`"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if "oneOf" in prop:
        return " or ".join(_type_of(p) for p in prop["oneOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if kind == "object" and "additionalProperties" in prop:
        return f"map of {_type_of(prop['additionalProperties'])}"
    return f"`{kind}`"


def _constraints(prop: dict[str, Any]) -> str:
    keys = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems"]
    parts = [f"{k}={prop[k]}" for k in keys if k in prop]
    return ", ".join(parts)


def _section(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"## {name}", ""]
    if schema.get("description"):
        lines += [" ".join(schema["description"].split()), ""]
    lines += ["| field | type | required | default | description |", "|---|---|---|---|---|"]
    required = set(schema.get("required", []))
    for field, prop in schema.get("properties", {}).items():
        default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
        desc = " ".join(str(prop.get("description", "")).split()).replace("|", "\\|")
        cons = _constraints(prop)
        if cons:
            desc += f" ({cons.replace('|', chr(92) + '|')})"
        lines.append(
            f"| `{field}` | {_type_of(prop)} | {'yes' if field in required else ''} | {default} | {desc} |"
        )
    return [*lines, ""]


def contract_reference() -> str:
    from judgespec.contract import contract_json_schema

    schema = contract_json_schema()
    out = [
        "# Contract reference (spec_version 1)",
        "",
        "Generated from the JSON Schema by `python docs/generate.py`; do not edit by hand.",
        "The schema itself ships in the package (`judgespec/schemas/contract.schema.json`)",
        "and `judgespec schema` prints it. Point your editor at it with a first line:",
        "",
        "```yaml",
        "# yaml-language-server: $schema=../judgespec/schemas/contract.schema.json",
        "```",
        "",
    ]
    out += _section("JudgeContract", schema)
    for name, sub in sorted(schema.get("$defs", {}).items()):
        out += _section(name, sub)
    return "\n".join(out).rstrip() + "\n"


def _help_of(command: click.Command, path: list[str], parent: click.Context | None = None) -> list[str]:
    # Contexts chain as in a real invocation, so settings such as help_option_names apply.
    ctx = click.Context(
        command,
        info_name=path[-1],
        parent=parent,
        terminal_width=100,
        max_content_width=100,
        **(command.context_settings if parent is None else {}),
    )
    text = command.get_help(ctx)
    lines = [f"## `{' '.join(path)}`", "", "```text", text.rstrip(), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                lines += _help_of(sub, [*path, name], ctx)
    return lines


def cli_reference() -> str:
    from judgespec.cli import cli

    lines = [
        "# CLI reference",
        "",
        "Generated from `--help` by `python docs/generate.py`; do not edit by hand.",
        "",
    ]
    lines += _help_of(cli, ["judgespec"])
    return "\n".join(lines).rstrip() + "\n"


PUBLIC_MODULES: tuple[str, ...] = (
    "judgespec",
    "judgespec.metrics",
    "judgespec.backends",
    "judgespec.contract",
    "judgespec.lock",
    "judgespec.tables",
    "judgespec.judge",
    "judgespec.audit",
    "judgespec.scorecard",
    "judgespec.pipeline",
    "judgespec.frameworks",
    "judgespec.instrument",
    "judgespec.cli",
    "judgespec.demo",
    "judgespec_inspect",
    "judgespec_lmeval",
)
"""Every module whose ``__all__`` is public API (the adapters need their extras)."""


def attribute_docstrings(module_name: str) -> dict[str, str]:
    """``NAME = value`` followed by a string literal, in the module's package or where it is defined.

    Constants carry no ``__doc__`` of their own; their documentation is the string
    literal under the assignment (the convention pydantic and Sphinx read too).
    """
    module = importlib.import_module(module_name)
    root = Path(inspect.getfile(module)).parent
    own = sorted(root.rglob("*.py")) if Path(inspect.getfile(module)).name == "__init__.py" else [Path(inspect.getfile(module))]
    # A constant re-exported from another floor (``judgespec.audit.METRIC_NAMES`` lives in
    # ``judgespec.metrics``) is documented where it is defined: the module's own files
    # first, then the rest of its top-level package.
    top = importlib.import_module(module_name.split(".")[0])
    package_files = sorted(Path(inspect.getfile(top)).parent.rglob("*.py"))
    files = own + [path for path in package_files if path not in own]
    out: dict[str, str] = {}
    for path in files:
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            if not (isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, after.value.value)
    return out


def export_doc(module_name: str, name: str, attributes: dict[str, str]) -> tuple[str, str]:
    """(kind, docstring) of one export; the docstring is "" when it has none of its own."""
    obj = getattr(importlib.import_module(module_name), name)
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, BaseException) else "class"
        doc = obj.__dict__.get("__doc__") or ""
        if doc.startswith(f"{obj.__name__}("):  # a dataclass's generated signature, not prose
            doc = ""
    elif isinstance(obj, click.Command):
        kind, doc = "click command", obj.help or ""
    elif inspect.isroutine(obj):
        kind, doc = "function", getattr(obj, "__doc__", None) or ""
    else:
        kind = "type alias" if type(obj).__module__ in ("typing", "collections.abc") else "constant"
        doc = attributes.get(name, "")
    return kind, inspect.cleandoc(doc) if doc else ""


def _summary(doc: str) -> str:
    first = doc.split("\n\n", 1)[0]
    return " ".join(first.split()).replace("|", "\\|")


def api_reference() -> str:
    """docs/api.md: every public module's exports, with the first paragraph of their docs."""
    lines = [
        "# Python API",
        "",
        "Generated from each public module's `__all__` and docstrings by",
        "`python docs/generate.py`; do not edit by hand. Everything else (modules and names",
        "with a leading underscore) is private and may change without notice.",
        "",
    ]
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        attributes = attribute_docstrings(module_name)
        lines += [f"## `{module_name}`", "", "| name | kind | summary |", "|---|---|---|"]
        for name in sorted(module.__all__, key=str.lower):
            kind, doc = export_doc(module_name, name, attributes)
            lines.append(f"| `{name}` | {kind} | {_summary(doc)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


GENERATED = {"contract-reference.md": contract_reference, "cli.md": cli_reference, "api.md": api_reference}


def main() -> int:
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
