"""Generate docs/contract-reference.md (from the JSON Schema) and docs/cli.md (from --help).

Run ``python docs/generate.py`` after changing the contract model or the CLI;
``tests/test_docs.py`` fails when the committed files are stale.
"""

from __future__ import annotations

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


GENERATED = {"contract-reference.md": contract_reference, "cli.md": cli_reference}


def main() -> int:
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
