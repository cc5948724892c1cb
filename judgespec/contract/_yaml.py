"""Safe YAML for contracts: plain data only, with line numbers for error messages.

Rules: only the safe YAML types load (no tag constructs an object); duplicate keys
are errors; anchors and aliases are refused (which also stops alias bombs before any
expansion); dates stay strings. Every mapping key and sequence item records the line
it starts on, so that a validation error can name the line of the offending field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .._errors import ContractError

__all__ = ["LineMap", "load_yaml"]

LineMap = dict[tuple[str | int, ...], int]
"""Maps a path of keys and indices to the 1-based line where that value starts."""

MAX_BYTES = 1_000_000


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, aliases or duplicate keys."""


# Keep 2024-05-13 a string: revisions and versions are text, not dates.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_refusing_aliases(self: _Loader, parent: Node | None, index: Any) -> Node:
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()  # type: ignore[no-untyped-call]
        raise ContractError(
            f"{self.name}:{event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
            "allowed in a contract; write the value out"
        )
    event = self.peek_event()  # type: ignore[no-untyped-call]
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise ContractError(
            f"{self.name}:{event.start_mark.line + 1}: YAML anchors (&{anchor}) are not "
            "allowed in a contract; write the value out"
        )
    node = yaml.composer.Composer.compose_node(self, parent, index)
    assert node is not None
    return node


_Loader.compose_node = _compose_refusing_aliases  # type: ignore[method-assign,assignment]


def _lines(node: Node, path: tuple[str | int, ...], out: LineMap, name: str) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContractError(
                    f"{name}:{key_node.start_mark.line + 1}: mapping keys must be plain strings"
                )
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ContractError(
                    f"{name}:{line}: duplicate key '{key}' (first at line {seen[key]}); "
                    "keep one"
                )
            seen[key] = line
            out[(*path, key)] = line
            _lines(value_node, (*path, key), out, name)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out, name)


def load_yaml(text: str, *, name: str) -> tuple[Any, LineMap]:
    """Parse one YAML document safely; return the data and a line map.

    Raises :class:`ContractError` naming ``name`` and the line for any YAML error,
    refused construct (tag, alias, anchor, duplicate key) or more than one document.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ContractError(f"{name}: larger than {MAX_BYTES} bytes; a contract is a small file")
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise ContractError(
            f"{name}: invalid YAML: character #x{exc.character:04x} at offset {exc.position} "
            "is not allowed; remove control characters"
        ) from None
    loader.name = name
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: LineMap = {}
        _lines(node, (), lines, name)
        data = loader.construct_document(node)
    except ContractError:
        raise
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or "unsupported construct"
        if "tag" in problem:
            problem = problem.replace("could not determine a constructor for the tag", "tag")
            raise ContractError(
                f"{name}{line}: {problem} is not allowed; contracts are plain data (no tags)"
            ) from None
        raise ContractError(f"{name}{line}: {problem}") from None
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ContractError(
            f"{name}{line}: {exc.problem}; a contract file holds exactly one YAML document"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ContractError(f"{name}{line}: invalid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        raise ContractError(
            f"{name}: invalid YAML: character #x{exc.character:04x} at offset {exc.position} "
            "is not allowed; remove control characters"
        ) from None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ContractError(f"{name}: invalid YAML: {detail}") from None
    finally:
        loader.dispose()
    return data, lines


def read_text(path: Path) -> str:
    """Read a UTF-8 text file or raise a one-line :class:`ContractError`."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ContractError(f"{path}: is a directory, not a contract file") from None
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise ContractError(f"{path}: cannot read: {exc.strerror}") from None
