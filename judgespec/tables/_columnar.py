"""Columnar construction of a :class:`CandidatesTable` from Arrow (or Python) columns.

Parquet files are read into an Arrow table and JSON Lines files into one Python list
per column (no row dicts kept); either way the candidates table's arrays are built
from whole columns. Validation is vectorised and still names the first offending line:

- ``prompt_id`` and ``candidate_id``: non-empty strings (:mod:`judgespec.tables._ids`);
- ``(prompt_id, candidate_id)`` unique: rows sorted by an integer key
  ``prompt code * K + candidate code`` (codes from dictionary encoding), a repeat is an
  adjacent equal key; the error names the earliest repeated line and its first line;
- ``oracle``, ``judge_score``, ``judge_score_raw``: numeric columns (or all null), every
  value finite; ``parse_failure`` boolean, with a null ``judge_score`` where true.

Prompts keep the order of their first appearance (dictionary encoding assigns codes in
that order) and candidates their input order within a prompt (a stable sort by prompt
code, skipped when the rows are already grouped), exactly as
:meth:`CandidatesTable.from_rows` groups rows.

The result is a :class:`CandidateArrays` (arrays and lists, no table class):
:mod:`judgespec.tables._table` builds the :class:`CandidatesTable` from it, so this
module does not import the table module. Arrow data reaches numpy through its buffers
(:mod:`judgespec.tables._values`), never through pandas.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from .._errors import AuditDataError
from ._columns import CANDIDATE_COLUMNS
from ._ids import check_id, describe, where
from ._values import bool_array, frozen, numeric_array, samples

__all__ = ["CandidateArrays", "ColumnarMetadata", "candidate_arrays", "metadata_column"]

Column = Any
"""A ``pyarrow.Array``/``ChunkedArray`` or a Python list, one entry per row."""


class ColumnarMetadata(Sequence[dict[str, Any]]):
    """The metadata columns of a table read column by column, as a read-only row view.

    Indexing gives a row's metadata dict (null values left out); :meth:`column` gives a
    whole column in table order without building row dicts (what slices read).
    """

    def __init__(
        self, columns: Mapping[str, Column], rows: NDArray[np.intp] | None, n_rows: int
    ) -> None:
        """``rows``: the input row of each table row (None: the same order)."""
        self._columns = dict(columns)
        self._rows = rows
        self._n = n_rows
        self._cache: dict[str, list[Any]] = {}
        self._all: list[tuple[str, list[Any]]] | None = None

    @property
    def names(self) -> list[str]:
        """The metadata column names."""
        return list(self._columns)

    def column(self, name: str) -> list[Any] | None:
        """Column ``name`` in table order (None where null), or None without the column."""
        if name not in self._columns:
            return None
        if name not in self._cache:
            values = self._columns[name]
            if isinstance(values, list):
                values = list(values) if self._rows is None else [values[i] for i in self._rows.tolist()]
            else:
                values = _python_values(values, self._rows)
            self._cache[name] = values
        return self._cache[name]

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._all is None:  # every column once, then each row is one lookup per column
            self._all = [(name, self.column(name) or []) for name in self._columns]
        row = {name: values[index] for name, values in self._all}
        return {name: value for name, value in row.items() if value is not None}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same row dicts (a list of dicts included)."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


def _python_values(column: Column, rows: NDArray[np.intp] | None) -> list[Any]:
    """An Arrow column as Python values in table order (``rows``: input row of each).

    A dictionary column without nulls is decoded by indexing its dictionary's Python
    values, so each distinct value is one Python object however many rows repeat it.
    """
    import pyarrow as pa

    column = _one_chunk(column)
    if pa.types.is_dictionary(column.type) and not column.null_count:
        distinct = column.dictionary.to_pylist()
        codes = _ints(column.indices)
        return [distinct[c] for c in (codes if rows is None else codes[rows]).tolist()]
    values = column.to_pylist()
    return values if rows is None else [values[i] for i in rows.tolist()]


def metadata_column(metadata: Sequence[Mapping[str, Any]] | None, name: str) -> list[Any] | None:
    """Column ``name`` of a table's metadata (None where missing), or None when no row has it."""
    if metadata is None:
        return None
    if isinstance(metadata, ColumnarMetadata):
        column = metadata.column(name)
        return column if column is not None and any(v is not None for v in column) else None
    if not any(name in row for row in metadata):
        return None
    return [row.get(name) for row in metadata]


@dataclass(frozen=True)
class CandidateArrays:
    """A validated candidates table as arrays, rows grouped by prompt.

    The fields are those of :class:`~judgespec.tables.CandidatesTable` (which is built
    from them); numpy arrays are read-only.
    """

    prompt_ids: list[str]
    offsets: NDArray[np.int64]
    candidate_ids: NDArray[np.object_]
    oracle: NDArray[np.float64]
    judge: NDArray[np.float64]
    parse_failure: NDArray[np.bool_]
    length: NDArray[np.int64]
    judge_samples: list[list[float]] | None
    source: str
    prompts: list[str | None] | None
    responses: list[str | None] | None
    metadata: ColumnarMetadata | None
    parse_failure_recorded: bool
    judge_raw: NDArray[np.float64] | None


class _Checker:
    def __init__(self, source: str, lines: NDArray[np.int64] | None) -> None:
        self.source = source
        self.lines = lines

    def line(self, row: int) -> int:
        return int(self.lines[row]) if self.lines is not None else row + 1

    def fail(self, row: int | None, message: str) -> AuditDataError:
        return AuditDataError(f"{where(self.source, None if row is None else self.line(row))}: {message}")


def _first(mask: NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _is_arrow(column: Column) -> bool:
    return not isinstance(column, list)


def _one_chunk(column: Column) -> Any:
    """An Arrow array or chunked array as one array."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:
            return column.chunk(0)
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
        return column.combine_chunks()
    return column


def _combined(column: Column) -> Any:
    import pyarrow as pa

    column = _one_chunk(column)
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    return column


def _valid(column: Column) -> NDArray[np.bool_]:
    """Row mask: the value is not null."""
    return bool_array(_one_chunk(column).is_valid())


_INT_TYPES: dict[str, type[np.generic]] = {
    "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32,
}  # fmt: skip
"""Arrow integer types that numpy reads directly (then widened to int64)."""


def _ints(array: Any) -> NDArray[np.int64]:
    """An integer Arrow array as int64 (unspecified at null slots)."""
    kind = _INT_TYPES.get(str(array.type))
    if kind is not None:  # no pyarrow.compute needed (it costs ~40 ms to import)
        values = numeric_array(array, kind)
        return values if kind is np.int64 else values.astype(np.int64)
    import pyarrow as pa
    import pyarrow.compute as pc

    return numeric_array(pc.cast(array, pa.int64()), np.int64)


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _first_appearance(codes: NDArray[np.int64], size: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``codes`` renumbered in order of first appearance, and the old code of each new one."""
    if len(codes) == 0:
        return codes, codes
    running = np.maximum.accumulate(codes)
    if codes[0] == 0 and bool(np.all(codes[1:] <= running[:-1] + 1)):
        # each new code is one more than any before it: already in first-appearance order
        return codes, np.arange(int(running[-1]) + 1, dtype=np.int64)
    used, first = np.unique(codes, return_index=True)
    used = used[np.argsort(first, kind="stable")]
    renumber = np.empty(size, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return renumber[codes], used


def _id_codes(check: _Checker, column: Column, key: str) -> tuple[NDArray[np.int64], list[str]]:
    """Dictionary codes (first-appearance order) and the distinct ids of an id column."""
    import pyarrow as pa

    if not _is_arrow(column):
        bad = next((i for i, v in enumerate(column) if type(v) is not str or not v), None)
        if bad is not None:
            check_id(check.source, check.line(bad), column[bad], key)
        index: dict[str, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in column), dtype=np.int64, count=len(column)
        )
        return codes, list(index)
    if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
        return _dictionary_codes(check, column, key)
    import pyarrow.compute as pc

    column = _combined(column)
    if not _is_text(column.type):
        row = _first(_valid(column)) if column.null_count else 0
        row = 0 if row is None else row
        value = column[row].as_py()
        check_id(check.source, check.line(row), value, key)
        raise check.fail(row, f"{key} must be a non-empty string, got {describe(value)}")
    if len(column):
        empty = _ints(pc.utf8_length(column)) == 0
        if column.null_count:
            empty |= ~_valid(column)
        row = _first(empty)
        if row is not None:
            check_id(check.source, check.line(row), column[row].as_py(), key)
    encoded = pc.dictionary_encode(column)
    return _ints(encoded.indices), encoded.dictionary.to_pylist()


def _dictionary_codes(
    check: _Checker, column: Column, key: str
) -> tuple[NDArray[np.int64], list[str]]:
    """Codes of a dictionary-encoded id column (as Parquet stores text), renumbered in
    order of first appearance; the id rule is checked on the distinct values."""
    column = _one_chunk(column)
    if column.null_count:
        row = _first(~_valid(column))
        check_id(check.source, check.line(0 if row is None else row), None, key)
    values = column.dictionary.to_pylist()
    codes = _ints(column.indices)
    if "" in values:
        row = _first(codes == values.index(""))
        if row is not None:
            check_id(check.source, check.line(row), "", key)
    codes, used = _first_appearance(codes, len(values))
    if len(used) == len(values):  # every entry used, in order (the common case)
        return codes, values
    return codes, [values[int(u)] for u in used]


def _floats(check: _Checker, column: Column | None, key: str, n: int) -> NDArray[np.float64] | None:
    """A float column (null -> nan); wrong types and non-finite values fail."""
    import pyarrow as pa

    if column is None:
        return None
    if not _is_arrow(column):
        bad = next(
            (
                i
                for i, v in enumerate(column)
                if v is not None and (type(v) is bool or not isinstance(v, (int, float)))
            ),
            None,
        )
        if bad is not None:
            raise check.fail(bad, f"{key} must be a number or null, got {describe(column[bad])}")
        present = np.fromiter((v is not None for v in column), dtype=bool, count=len(column))
        return _finite(check, _list_floats(check, column, key), present, key)
    column = _combined(column)
    kind = column.type
    if pa.types.is_null(kind):
        return np.full(n, np.nan)
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        row = _first(_valid(column))
        row = 0 if row is None else row
        raise check.fail(
            row,
            f"{key} must be a number or null, got {describe(column[row].as_py())}: the column "
            f"has type {kind}; write it as a float column",
        )
    if pa.types.is_float64(kind):
        cast = column
    else:
        import pyarrow.compute as pc

        cast = pc.cast(column, pa.float64())
    values = numeric_array(cast, np.float64)
    valid = _valid(column) if column.null_count else None
    if valid is not None:
        values = np.where(valid, values, np.nan)
    return _finite(check, values, valid, key)


def _list_floats(check: _Checker, column: list[Any], key: str) -> NDArray[np.float64]:
    """A list of numbers or None (checked) as floats, None -> nan."""
    out = np.empty(len(column), dtype=np.float64)
    for i, v in enumerate(column):
        try:
            out[i] = math.nan if v is None else float(v)
        except OverflowError:
            raise check.fail(
                i, f"{key} must be finite, got {describe(v)}: write null for a missing value"
            ) from None
    return out


def _finite(
    check: _Checker, values: NDArray[np.float64], valid: NDArray[np.bool_] | None, key: str
) -> NDArray[np.float64]:
    """``values``, failing at the first non-finite value that is not a null (``valid``:
    the non-null rows, None when there is no null)."""
    finite = np.isfinite(values)
    if not finite.all():
        row = _first(~finite if valid is None else valid & ~finite)
        if row is not None:
            raise check.fail(
                row,
                f"{key} must be finite, got {float(values[row])!r}: write null for a missing value",
            )
    return values


def _texts(check: _Checker, column: Column | None, key: str) -> tuple[list[str | None] | None, NDArray[np.int64] | None]:
    """An optional text column as a list, and its lengths in characters (-1 where null)."""
    if column is None:
        return None, None
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _is_arrow(column):
        bad = next((i for i, v in enumerate(column) if v is not None and type(v) is not str), None)
        if bad is not None:
            raise check.fail(bad, f"{key} must be a string or null, got {describe(column[bad])}")
        if all(v is None for v in column):
            return None, None
        lengths = np.fromiter(
            (-1 if v is None else len(v) for v in column), dtype=np.int64, count=len(column)
        )
        return list(column), lengths
    column = _combined(column)
    if pa.types.is_null(column.type):
        return None, None
    if not _is_text(column.type):
        row = _first(_valid(column))
        row = 0 if row is None else row
        raise check.fail(
            row,
            f"{key} must be a string or null, got {describe(column[row].as_py())}: the column "
            f"has type {column.type}",
        )
    if column.null_count == len(column):
        return None, None
    lengths = _ints(pc.utf8_length(column))
    if column.null_count:
        lengths = np.where(_valid(column), lengths, -1)
    return column.to_pylist(), lengths


def _flags(check: _Checker, column: Column | None, n: int) -> NDArray[np.bool_] | None:
    import pyarrow as pa

    if column is None:
        return None
    if not _is_arrow(column):
        bad = next((i for i, v in enumerate(column) if v is not None and type(v) is not bool), None)
        if bad is not None:
            raise check.fail(
                bad, f"parse_failure must be true, false or null, got {describe(column[bad])}"
            )
        return np.fromiter((v is True for v in column), dtype=bool, count=len(column))
    column = _combined(column)
    if pa.types.is_null(column.type):
        return np.zeros(n, dtype=bool)
    if not pa.types.is_boolean(column.type):
        row = _first(_valid(column))
        row = 0 if row is None else row
        raise check.fail(
            row,
            f"parse_failure must be true, false or null, got {describe(column[row].as_py())}: "
            f"the column has type {column.type}",
        )
    flags = bool_array(column)
    return flags & _valid(column) if column.null_count else flags


def _samples(check: _Checker, column: Column | None) -> list[list[float]] | None:
    if column is None:
        return None
    values = column if isinstance(column, list) else column.to_pylist()
    return [samples(check.source, check.line(i), v) for i, v in enumerate(values)]


def _check_unique(
    check: _Checker,
    prompt_code: NDArray[np.int64],
    cand_code: NDArray[np.int64],
    prompt_ids: list[str],
    cand_names: list[str],
) -> None:
    """Fail on a repeated (prompt_id, candidate_id), naming its earliest repeat and first line."""
    width = max(len(cand_names), 1)
    keys = prompt_code * width + cand_code
    cells = len(prompt_ids) * width
    if cells <= 4 * len(keys) + 1024:  # dense keys: count them, no sort
        if len(keys) == 0 or int(np.bincount(keys, minlength=cells).max()) <= 1:
            return
    by_key = np.argsort(keys, kind="stable")
    sorted_key = keys[by_key]
    repeats = np.flatnonzero(sorted_key[1:] == sorted_key[:-1]) + 1
    if repeats.size:
        row = int(by_key[repeats].min())
        first = int(by_key[np.searchsorted(sorted_key, keys[row])])
        pair = (prompt_ids[int(prompt_code[row])], cand_names[int(cand_code[row])])
        raise check.fail(
            row,
            f"duplicate (prompt_id, candidate_id) {pair!r}: each candidate must appear once "
            f"(first seen at line {check.line(first)})",
        )


def candidate_arrays(
    columns: Mapping[str, Column],
    n_rows: int,
    *,
    source: str,
    lines: NDArray[np.int64] | None = None,
    strict: bool = False,
    need_pair: bool = True,
) -> CandidateArrays:
    """Validate whole columns and group them by prompt: a candidates table's arrays.

    ``columns`` maps a column name to an Arrow array or a Python list with one entry
    per row (null where a row lacks it); ``lines`` gives each row's line in ``source``
    (default: 1-based row numbers, as for Parquet). ``strict`` rejects columns outside
    the candidates format; ``need_pair=False`` accepts a table whose prompts all have
    one candidate (a judge run's input; the audit needs a prompt with two or more).
    """
    check = _Checker(source, lines)
    if strict:
        unknown = [name for name in columns if name not in CANDIDATE_COLUMNS]
        if unknown:
            values = columns[unknown[0]]
            present = (
                next((i for i, v in enumerate(values) if v is not None), 0)
                if isinstance(values, list)
                else _first(_valid(values)) or 0
            )
            raise check.fail(
                present if n_rows else None,
                f"unknown column {unknown[0]!r}: strict mode allows only "
                f"{', '.join(CANDIDATE_COLUMNS)}",
            )
    if n_rows == 0:
        raise check.fail(None, "empty: no candidate rows; write one row per (prompt, candidate)")
    for name in ("prompt_id", "candidate_id"):
        if name not in columns:
            raise check.fail(0, f"missing {name}: every row needs a {name} (a non-empty string)")
    prompt_code, prompt_ids = _id_codes(check, columns["prompt_id"], "prompt_id")
    cand_code, cand_names = _id_codes(check, columns["candidate_id"], "candidate_id")
    _check_unique(check, prompt_code, cand_code, prompt_ids, cand_names)
    judge = _floats(check, columns.get("judge_score"), "judge_score", n_rows)
    raw = _floats(check, columns.get("judge_score_raw"), "judge_score_raw", n_rows)
    oracle = _floats(check, columns.get("oracle"), "oracle", n_rows)
    judge = np.full(n_rows, np.nan) if judge is None else judge
    oracle = np.full(n_rows, np.nan) if oracle is None else oracle
    failure = _flags(check, columns.get("parse_failure"), n_rows)
    if failure is not None:
        clash = _first(failure & ~np.isnan(judge))
        if clash is not None:
            raise check.fail(
                clash,
                "judge_score must be null where parse_failure is true: "
                "an unparsable verdict has no score",
            )
    judge_samples = _samples(check, columns.get("judge_samples"))
    prompts, _ = _texts(check, columns.get("prompt"), "prompt")
    responses, length = _texts(check, columns.get("response"), "response")
    sizes = np.bincount(prompt_code, minlength=len(prompt_ids))
    if need_pair and not np.any(sizes >= 2):
        raise check.fail(
            None,
            "no prompt has two or more candidates: a best-of-n audit needs n >= 2 "
            "candidates for at least one prompt",
        )
    # rows of one prompt already together, in prompt order: the table order is the input's
    grouped = bool(np.all(prompt_code[1:] >= prompt_code[:-1]))
    order = None if grouped else np.argsort(prompt_code, kind="stable")
    offsets = np.zeros(len(prompt_ids) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    names = np.empty(len(cand_names), dtype=object)
    names[:] = cand_names
    meta = {k: v for k, v in columns.items() if k not in CANDIDATE_COLUMNS}

    def rows(values: NDArray[Any]) -> NDArray[Any]:
        return frozen(values if order is None else values[order])

    def take(values: list[Any] | None) -> list[Any] | None:
        if values is None or order is None:
            return values
        return [values[i] for i in order.tolist()]

    return CandidateArrays(
        prompt_ids=prompt_ids,
        offsets=frozen(offsets),
        candidate_ids=frozen(names[cand_code if order is None else cand_code[order]]),
        oracle=rows(oracle),
        judge=rows(judge),
        parse_failure=rows(np.zeros(n_rows, dtype=bool) if failure is None else failure),
        length=rows(np.full(n_rows, -1, dtype=np.int64) if length is None else length),
        judge_samples=take(judge_samples),
        source=source,
        prompts=take(prompts),
        responses=take(responses),
        metadata=ColumnarMetadata(meta, order, n_rows) if meta else None,
        parse_failure_recorded=failure is not None,
        judge_raw=None if raw is None else rows(raw),
    )
