"""Safe YAML for contracts: plain data only, with line numbers for error messages.

Rules: no explicit tag at all (``!!str``, ``!!binary``, ``!!set``, ``!python/...``: a
contract is plain data, and a tag would let a value hide behind an encoding); no merge
keys (``<<``), no anchors and no aliases (which also stops alias bombs before any
expansion); duplicate keys are errors; dates stay strings. Limits keep a hostile file
from exhausting the loader: at most :data:`MAX_BYTES` bytes, nesting at most
:data:`MAX_DEPTH` levels, integers of at most :data:`MAX_INT_CHARS` characters, no
lone surrogate escapes (``"\\ud800"`` is not text). Files are read only when they are
regular files (never a device, a FIFO or a directory) and only up to the size limit.
Every mapping key and sequence item records the line it starts on, so that a
validation error can name the line of the offending field.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .._errors import ContractError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_INT_CHARS", "LineMap", "load_yaml", "read_bounded", "read_text"]

LineMap = dict[tuple[str | int, ...], int]
"""Maps a path of keys and indices to the 1-based line where that value starts."""

MAX_BYTES = 1_000_000
"""Largest contract, template, rubric or lock file read, in bytes."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences in a contract."""

MAX_INT_CHARS = 20
"""Longest integer literal (sign, digits, underscores and base prefix included)."""

_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, aliases or duplicate keys."""


# Keep 2024-05-13 a string: revisions and versions are text, not dates.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_refusing_aliases(self: _Loader, parent: Node | None, index: Any) -> Node:
    depth = getattr(self, "_judgespec_depth", 0)
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
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise ContractError(
            f"{self.name}:{event.start_mark.line + 1}: YAML tag {tag!r} is not allowed; "
            "contracts are plain data: remove the tag and write the value itself"
        )
    line = event.start_mark.line + 1
    if depth >= MAX_DEPTH and isinstance(event, yaml.CollectionStartEvent):
        raise ContractError(
            f"{self.name}:{line}: nesting deeper than {MAX_DEPTH} levels; "
            "a contract is a shallow mapping"
        )
    self._judgespec_depth = depth + 1  # type: ignore[attr-defined]
    try:
        node = yaml.composer.Composer.compose_node(self, parent, index)
    finally:
        self._judgespec_depth = depth  # type: ignore[attr-defined]
    assert node is not None
    return node


_Loader.compose_node = _compose_refusing_aliases  # type: ignore[method-assign,assignment]


def _check_scalar(node: ScalarNode, name: str) -> None:
    line = node.start_mark.line + 1
    value = node.value
    if node.tag == _INT_TAG and len(value) > MAX_INT_CHARS:
        raise ContractError(
            f"{name}:{line}: integer of {len(value)} characters; integers in a contract have at "
            f"most {MAX_INT_CHARS}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ContractError(
            f"{name}:{line}: the string holds a lone surrogate escape "
            f"(\\u{ord(value[exc.start]):04x}), which is not text; remove it"
        ) from None


def _lines(node: Node, path: tuple[str | int, ...], out: LineMap, name: str) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        _check_scalar(node, name)
    elif isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContractError(
                    f"{name}:{key_node.start_mark.line + 1}: mapping keys must be plain strings"
                )
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                raise ContractError(
                    f"{name}:{line}: YAML merge keys (<<) are not allowed in a contract; "
                    "write the keys out"
                )
            _check_scalar(key_node, name)
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


def read_bounded(path: Path, *, what: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a one-line :class:`ContractError`.

    Devices (``/dev/zero``), FIFOs, sockets and directories are refused before they are
    opened, so reading never blocks or runs without end; ``what`` names the file's role
    in the message (``contract file``, ``template file``, ...).
    """
    text = str(path)
    if "\x00" in text:
        raise ContractError(f"{text!r}: a path cannot contain a NUL byte; fix the {what} path")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ContractError(f"{path}: no such file") from None
    except OSError as exc:
        raise ContractError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ContractError(f"{path}: is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise ContractError(
            f"{path}: not a regular file (a device, FIFO or socket); a {what} is a regular file"
        )
    if info.st_size > limit:
        raise ContractError(f"{path}: {info.st_size} bytes, larger than {limit}; a {what} is a small file")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ContractError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise ContractError(f"{path}: larger than {limit} bytes; a {what} is a small file")
    return data


def read_text(path: Path, *, what: str = "contract file") -> str:
    """Read a bounded regular UTF-8 text file or raise a one-line :class:`ContractError`."""
    data = read_bounded(path, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
