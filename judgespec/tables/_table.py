"""Candidates and comparisons tables: loading, validation, columnar storage.

A **candidates table** has one row per (prompt, candidate) with the columns
``prompt_id``, ``candidate_id``, optional ``prompt``, ``response``, ``oracle`` (float or
null), ``judge_score`` (float or null), ``parse_failure`` (bool, optional) and
``judge_samples`` (list of floats, optional) and ``judge_score_raw`` (float or null,
optional: the score before an engine-level tie break), plus any metadata. A **comparisons table**
has one row per pairwise verdict: ``prompt_id``, ``first_id``, ``second_id`` (in
presentation order), ``winner`` (``first``, ``second``, ``tie`` or null for a parse
failure) and optional ``strength``.

Every error is an :class:`~judgespec.AuditDataError` with one line of the form
``<file>:<line>: <what is wrong>: <what to do>``. For Parquet files and in-memory rows
the "line" is the 1-based row number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import AuditDataError, MissingExtraError
from ._columnar import CandidateArrays, Column, candidate_arrays
from ._columns import (
    CANDIDATE_COLUMNS,
    COMPARISON_COLUMNS,
    ID_COLUMNS,
    WINNER_CODES,
    WINNER_FIRST,
    WINNER_NAMES,
    WINNER_NULL,
    WINNER_SECOND,
    WINNER_TIE,
)
from ._ids import check_id, describe
from ._jsonl import iter_jsonl as _read_jsonl
from ._values import fail, frozen, number

__all__ = [
    "WINNER_FIRST",
    "WINNER_NULL",
    "WINNER_SECOND",
    "WINNER_TIE",
    "CandidatesTable",
    "ComparisonsTable",
    "candidates_from_columns",
    "check_candidate_rows",
    "read_arrow",
    "read_candidate_rows",
    "read_candidates",
    "read_columns",
    "read_comparisons",
]

_WINNER_CODES = WINNER_CODES
_WINNER_NAMES = WINNER_NAMES

Record = tuple[int, Mapping[str, Any]]
"""A row with its 1-based line (or row) number."""


# --------------------------------------------------------------------------- helpers


_describe = describe


_fail = fail


def _text_id(source: str, line: int, rec: Mapping[str, Any], key: str) -> str:
    return check_id(source, line, rec.get(key), key)


_number = number


def _optional_text(source: str, line: int, rec: Mapping[str, Any], key: str) -> str | None:
    value = rec.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(source, line, f"{key} must be a string or null, got {_describe(value)}")
    return value


def _check_columns(source: str, line: int, rec: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in rec:
        if key not in allowed:
            raise _fail(
                source,
                line,
                f"unknown column {key!r}: strict mode allows only {', '.join(allowed)}",
            )


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    raise _fail(
        str(path), None, f"unsupported file type {path.suffix.lower()!r}: use .jsonl, .jsonl.gz or .parquet"
    )


def read_arrow(path: str | Path) -> Any:
    """A Parquet file as a ``pyarrow.Table``; errors name the file."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a core dependency
        raise MissingExtraError("pyarrow", "parquet", "Reading Parquet") from exc
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise _fail(source, None, "no such file")
    try:
        # ParquetFile, not read_table (which imports pyarrow.dataset and pandas)
        footer = pq.ParquetFile(path)
        return pq.ParquetFile(path, read_dictionary=_dictionary_columns(footer)).read()
    except Exception as exc:  # pyarrow raises several unrelated types
        raise _fail(source, None, f"cannot read Parquet ({exc}): write it with pyarrow or pandas") from None


def _dictionary_columns(footer: Any) -> list[str]:
    """The text columns to read as Arrow dictionaries: the ids (their codes are what
    grouping needs) and metadata columns that the file stores dictionary-encoded in
    every row group (decoding those into one string per row costs more than the read)."""
    meta = footer.metadata
    encoded: dict[str, bool] = {}
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for j in range(row_group.num_columns):
            chunk = row_group.column(j)
            path = chunk.path_in_schema
            encoded[path] = encoded.get(path, True) and bool(chunk.has_dictionary_page)
    return [
        field.name
        for field in footer.schema_arrow
        if str(field.type) in ("string", "large_string")
        and (
            field.name in ID_COLUMNS
            or (field.name not in CANDIDATE_COLUMNS and encoded.get(field.name, False))
        )
    ]


def _read_parquet(path: Path) -> Iterator[Record]:
    yield from enumerate(read_arrow(path).to_pylist(), start=1)


def _read_records(path: str | Path) -> tuple[str, Iterator[Record]]:
    """``(source, (line, row) pairs)`` of a JSONL, JSONL.gz or Parquet file, row by row."""
    path = Path(path)
    if _kind(path) == "jsonl":
        return str(path), _read_jsonl(path)
    return str(path), _read_parquet(path)


def _columns_of(
    records: Iterable[Record],
) -> tuple[dict[str, list[Any]], int, NDArray[np.int64]]:
    """One Python list per column (None where a row lacks the key) and each row's line."""
    columns: dict[str, list[Any]] = {}
    lines: list[int] = []
    n = 0
    for line, rec in records:
        for key, value in rec.items():
            column = columns.get(key)
            if column is None:
                column = columns[key] = [None] * n
            column.append(value)
        n += 1
        lines.append(line)
        if len(rec) != len(columns):
            for column in columns.values():
                if len(column) < n:
                    column.append(None)
    return columns, n, np.asarray(lines, dtype=np.int64)


def read_columns(path: str | Path) -> tuple[str, dict[str, Any], int, NDArray[np.int64] | None]:
    """``(source, columns, rows, lines)`` of a candidates file, read column by column.

    Parquet columns stay Arrow arrays (``lines`` None: the row number is the line);
    JSONL columns are Python lists built line by line without keeping row dicts.
    """
    path = Path(path)
    source = str(path)
    if _kind(path) == "parquet":
        data = read_arrow(path)
        names = data.column_names
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise _fail(source, None, f"column {dup!r} appears twice: give each column once")
        return source, {n: data.column(n) for n in names}, data.num_rows, None
    columns, n, lines = _columns_of(_read_jsonl(path))
    return source, columns, n, lines


def _float_column(values: Sequence[float | None] | NDArray[Any]) -> NDArray[np.float64]:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        return np.array(values, dtype=np.float64).reshape(-1)
    return np.asarray([math.nan if v is None else v for v in values], dtype=np.float64).reshape(-1)


_frozen = frozen


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True, eq=False)
class CandidatesTable:
    """Columnar candidates table, rows grouped by prompt.

    Prompts keep the order of their first appearance in the input and candidates keep
    their input order within a prompt. Row ``i`` belongs to prompt ``p`` when
    ``offsets[p] <= i < offsets[p + 1]``. Missing values are ``nan`` (``oracle``,
    ``judge``) or ``-1`` (``length``). Build one with :meth:`from_rows`,
    :meth:`from_arrays` or :func:`read_candidates`.
    """

    prompt_ids: list[str]
    """One id per prompt, in order of first appearance."""
    offsets: NDArray[np.int64]
    """Row offsets of the prompts, length ``P + 1``."""
    candidate_ids: NDArray[np.object_]
    """Candidate id of each row."""
    oracle: NDArray[np.float64]
    """Oracle utility of each row; ``nan`` where null."""
    judge: NDArray[np.float64]
    """Judge score of each row; ``nan`` where null."""
    parse_failure: NDArray[np.bool_]
    """True where the judge's output could not be parsed (its score is then null)."""
    length: NDArray[np.int64]
    """Character length of ``response``; ``-1`` where there is no response."""
    judge_samples: list[list[float]] | None = None
    """Repeated judge samples per row (empty list: none), or None without the column."""
    source: str = "<rows>"
    """Where the table came from (a path, or ``<rows>``)."""
    prompts: list[str | None] | None = None
    """Prompt text of each row, when given."""
    responses: list[str | None] | None = None
    """Response text of each row, when given."""
    metadata: Sequence[Mapping[str, Any]] | None = None
    """Other columns of each row, when any (read whole columns with
    :func:`judgespec.tables.metadata_column`)."""
    parse_failure_recorded: bool = False
    """Whether the input carried a ``parse_failure`` column (else failures are unknown)."""
    judge_raw: NDArray[np.float64] | None = None
    """Judge score before an engine-level tie break (``judge_score_raw``; ``nan`` where
    null), or None without the column. Tie metrics are computed on it when present."""

    def __post_init__(self) -> None:
        rows = len(self.candidate_ids)
        if len(self.offsets) != len(self.prompt_ids) + 1 or int(self.offsets[-1]) != rows:
            raise ValueError("offsets must have length P + 1 and end at the row count")
        for name in ("oracle", "judge", "parse_failure", "length"):
            if len(getattr(self, name)) != rows:
                raise ValueError(f"{name} must have one entry per row")
        if self.judge_raw is not None and len(self.judge_raw) != rows:
            raise ValueError("judge_raw must have one entry per row")
        for name in ("judge_samples", "prompts", "responses", "metadata"):
            value = getattr(self, name)
            if value is not None and len(value) != rows:
                raise ValueError(f"{name} must have one entry per row")

    @property
    def n_prompts(self) -> int:
        """Number of prompts."""
        return len(self.prompt_ids)

    @property
    def n_rows(self) -> int:
        """Number of candidate rows."""
        return len(self.candidate_ids)

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Candidates per prompt."""
        return np.diff(self.offsets)

    @cached_property
    def row_prompt(self) -> NDArray[np.intp]:
        """Prompt index of each row (computed once, read-only)."""
        return _frozen(np.repeat(np.arange(self.n_prompts), self.sizes))

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], *, source: str = "<rows>", strict: bool = False
    ) -> CandidatesTable:
        """Build a table from row mappings (the candidates-table columns).

        ``strict=True`` rejects columns outside the candidates format. Errors name
        ``source`` and the 1-based row number.
        """
        numbered = (
            (number, row) for number, row in enumerate(rows, start=1) if _mapping(source, number, row)
        )
        columns, n, _ = _columns_of(numbered)
        return candidates_from_columns(columns, n, source=source, strict=strict)

    @classmethod
    def from_arrays(
        cls,
        *,
        prompt_ids: Sequence[str] | NDArray[Any],
        candidate_ids: Sequence[str] | NDArray[Any],
        oracle: Sequence[float | None] | NDArray[Any],
        judge_score: Sequence[float | None] | NDArray[Any],
        length: Sequence[int] | NDArray[Any] | None = None,
        parse_failure: Sequence[bool] | NDArray[Any] | None = None,
        source: str = "<arrays>",
    ) -> CandidatesTable:
        """Build a table from per-row arrays (NaN or None = null), e.g. a judge run.

        Rows are grouped by prompt in order of first appearance, as in :meth:`from_rows`,
        and validated the same way (finite values, unique keys, a prompt with n >= 2).
        """
        pid = np.asarray(prompt_ids, dtype=object)
        cid = np.asarray(candidate_ids, dtype=object)
        n = len(pid)
        oracle_a = _float_column(oracle)
        judge_a = _float_column(judge_score)
        if not (len(cid) == len(oracle_a) == len(judge_a) == n):
            raise ValueError("all arrays must have one entry per row")
        for name, values in (("oracle", oracle_a), ("judge_score", judge_a)):
            bad = np.flatnonzero(np.isinf(values))
            if bad.size:
                raise _fail(source, int(bad[0]) + 1, f"{name} must be finite, got inf")
        length_a = (
            np.full(n, -1, dtype=np.int64)
            if length is None
            else np.asarray(length, dtype=np.int64).reshape(-1)
        )
        failure_a = (
            np.zeros(n, dtype=bool)
            if parse_failure is None
            else np.asarray(parse_failure, dtype=bool).reshape(-1)
        )
        if len(length_a) != n or len(failure_a) != n:
            raise ValueError("all arrays must have one entry per row")
        clash = np.flatnonzero(failure_a & ~np.isnan(judge_a))
        if clash.size:
            raise _fail(
                source,
                int(clash[0]) + 1,
                "judge_score must be null where parse_failure is true",
            )
        columns = _Columns(
            prompt=[str(p) for p in pid.tolist()],
            candidate=[str(c) for c in cid.tolist()],
            lines=list(range(1, n + 1)),
        )
        return _assemble_candidates(
            columns,
            oracle=oracle_a,
            judge=judge_a,
            failure=failure_a,
            length=length_a,
            samples=None,
            texts=(None, None, None),
            source=source,
            failure_recorded=parse_failure is not None,
            raw=None,
        )

    def to_rows(self) -> list[dict[str, Any]]:
        """The table as row dicts in table order (nulls as None); inverse of :meth:`from_rows`."""
        out: list[dict[str, Any]] = []
        prompt_of_row = self.row_prompt
        for i in range(self.n_rows):
            row: dict[str, Any] = {
                "prompt_id": self.prompt_ids[int(prompt_of_row[i])],
                "candidate_id": self.candidate_ids[i],
            }
            if self.prompts is not None and self.prompts[i] is not None:
                row["prompt"] = self.prompts[i]
            if self.responses is not None and self.responses[i] is not None:
                row["response"] = self.responses[i]
            oracle = float(self.oracle[i])
            judge = float(self.judge[i])
            row["oracle"] = None if math.isnan(oracle) else oracle
            row["judge_score"] = None if math.isnan(judge) else judge
            if self.parse_failure_recorded:
                row["parse_failure"] = bool(self.parse_failure[i])
            if self.judge_samples is not None:
                row["judge_samples"] = list(self.judge_samples[i])
            if self.judge_raw is not None:
                raw = float(self.judge_raw[i])
                row["judge_score_raw"] = None if math.isnan(raw) else raw
            if self.metadata is not None:
                row.update(self.metadata[i])
            out.append(row)
        return out


@dataclass
class _Columns:
    prompt: list[str]
    candidate: list[str]
    lines: list[int]


def _assemble_candidates(
    columns: _Columns,
    *,
    oracle: NDArray[np.float64],
    judge: NDArray[np.float64],
    failure: NDArray[np.bool_],
    length: NDArray[np.int64],
    samples: list[list[float]] | None,
    texts: tuple[list[str | None] | None, list[str | None] | None, list[dict[str, Any]] | None],
    source: str,
    failure_recorded: bool,
    raw: NDArray[np.float64] | None,
) -> CandidatesTable:
    """Check keys, group rows by prompt (stable), and freeze the columns."""
    if not columns.prompt:
        raise _fail(source, None, "empty: no candidate rows; write one row per (prompt, candidate)")
    index: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    prompt_index = np.empty(len(columns.prompt), dtype=np.intp)
    for row, (pid, cid, line) in enumerate(
        zip(columns.prompt, columns.candidate, columns.lines, strict=True)
    ):
        key = (pid, cid)
        if key in seen:
            raise _fail(
                source,
                line,
                f"duplicate (prompt_id, candidate_id) {key!r}: each candidate must appear "
                f"once (first seen at line {seen[key]})",
            )
        seen[key] = line
        prompt_index[row] = index.setdefault(pid, len(index))
    sizes = np.bincount(prompt_index, minlength=len(index))
    if not np.any(sizes >= 2):
        raise _fail(
            source,
            None,
            "no prompt has two or more candidates: a best-of-n audit needs n >= 2 "
            "candidates for at least one prompt",
        )
    order = np.argsort(prompt_index, kind="stable")
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    cand = np.empty(len(order), dtype=object)
    cand[:] = [columns.candidate[i] for i in order]
    prompts, responses, metadata = texts

    def take(values: list[Any] | None) -> list[Any] | None:
        return None if values is None else [values[i] for i in order]

    return CandidatesTable(
        prompt_ids=list(index),
        offsets=_frozen(offsets),
        candidate_ids=_frozen(cand),
        oracle=_frozen(oracle[order]),
        judge=_frozen(judge[order]),
        parse_failure=_frozen(failure[order]),
        length=_frozen(length[order]),
        judge_samples=take(samples),
        source=source,
        prompts=take(prompts),
        responses=take(responses),
        metadata=take(metadata),
        parse_failure_recorded=failure_recorded,
        judge_raw=None if raw is None else _frozen(raw[order]),
    )


def candidates_from_columns(
    columns: Mapping[str, Column],
    n_rows: int,
    *,
    source: str,
    lines: NDArray[np.int64] | None = None,
    strict: bool = False,
) -> CandidatesTable:
    """Build and validate a :class:`CandidatesTable` from whole columns.

    The checks and grouping of :func:`judgespec.tables._columnar.candidate_arrays`
    (``lines``: each row's line in ``source``, default the 1-based row number).
    """
    return _table_of(candidate_arrays(columns, n_rows, source=source, lines=lines, strict=strict))


def _table_of(arrays: CandidateArrays) -> CandidatesTable:
    return CandidatesTable(
        prompt_ids=arrays.prompt_ids,
        offsets=arrays.offsets,
        candidate_ids=arrays.candidate_ids,
        oracle=arrays.oracle,
        judge=arrays.judge,
        parse_failure=arrays.parse_failure,
        length=arrays.length,
        judge_samples=arrays.judge_samples,
        source=arrays.source,
        prompts=arrays.prompts,
        responses=arrays.responses,
        metadata=arrays.metadata,
        parse_failure_recorded=arrays.parse_failure_recorded,
        judge_raw=arrays.judge_raw,
    )


def read_candidates(path: str | Path, *, strict: bool = False) -> CandidatesTable:
    """Read a candidates table from ``.jsonl`` or ``.parquet`` (Parquet needs pyarrow).

    Raises :class:`~judgespec.AuditDataError` naming the file and line for invalid JSON,
    a missing ``prompt_id``/``candidate_id``, a duplicate (prompt_id, candidate_id),
    non-finite or non-numeric scores, unknown columns (``strict=True``), an empty file,
    or a file without any prompt of two or more candidates.
    """
    fast = _arrow_jsonl(Path(path))
    if fast is not None:
        try:
            return candidates_from_columns(fast, len(fast["prompt_id"]), source=str(path), strict=strict)
        except (AuditDataError, KeyError):
            pass  # the line-by-line reader below names the exact line
    source, columns, n, lines = read_columns(path)
    return candidates_from_columns(columns, n, source=source, lines=lines, strict=strict)


def _arrow_jsonl(path: Path) -> dict[str, Any] | None:
    """Fast path: a JSONL file parsed by ``pyarrow.json`` into columns, or None.

    pyarrow rejects a key given twice in one object (at any depth), a truncated line and a column whose values change kind, so anything it reads is
    what the line-by-line reader would read. It skips blank lines, so its row numbers
    are not line numbers: on any problem (its own errors, text that is not UTF-8
    (checked by a full validation of the Arrow table), a failed check, or a column
    it typed as a date or time, which the line-by-line reader keeps as text) None is
    returned, or the caller falls back, and the line-by-line reader gives the error.
    """
    if _kind(path) != "jsonl":
        return None
    try:
        import pyarrow as pa
        import pyarrow.json as pj

        compression = "gzip" if path.name.lower().endswith(".gz") else None
        with pa.input_stream(str(path), compression=compression) as stream:
            data = pj.read_json(stream, read_options=pj.ReadOptions(block_size=1 << 24))
        data.validate(full=True)  # pyarrow.json does not check that text is UTF-8
    except Exception:  # any failure: the caller reads the file line by line, naming the bad line
        return None
    if "prompt_id" not in data.column_names or any(
        pa.types.is_temporal(field.type) for field in data.schema
    ):
        return None
    return {name: data.column(name) for name in data.column_names}


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True, eq=False)
class ComparisonsTable:
    """Columnar comparisons table: one row per pairwise verdict, in input order.

    ``winner`` holds :data:`WINNER_FIRST`, :data:`WINNER_SECOND`, :data:`WINNER_TIE` or
    :data:`WINNER_NULL` (unparsable judge output). ``strength`` is ``nan`` where absent.
    """

    prompt_ids: NDArray[np.object_]
    """Prompt id of each row."""
    first_ids: NDArray[np.object_]
    """Candidate presented first."""
    second_ids: NDArray[np.object_]
    """Candidate presented second."""
    winner: NDArray[np.int8]
    """Winner code of each row."""
    strength: NDArray[np.float64]
    """Optional verdict strength; ``nan`` where absent."""
    source: str = "<rows>"
    """Where the table came from."""
    metadata: list[dict[str, Any]] | None = None
    """Other columns of each row, when any."""

    def __post_init__(self) -> None:
        rows = len(self.prompt_ids)
        for name in ("first_ids", "second_ids", "winner", "strength"):
            if len(getattr(self, name)) != rows:
                raise ValueError(f"{name} must have one entry per row")

    @property
    def n_rows(self) -> int:
        """Number of comparison rows."""
        return len(self.prompt_ids)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, Any]],
        *,
        source: str = "<rows>",
        candidates: CandidatesTable | None = None,
        strict: bool = False,
    ) -> ComparisonsTable:
        """Build a table from row mappings; with ``candidates``, check every name is known."""
        return _comparisons_from_records(
            ((number, row) for number, row in enumerate(rows, start=1)),
            source=source,
            candidates=candidates,
            strict=strict,
        )

    def to_rows(self) -> list[dict[str, Any]]:
        """The table as row dicts in input order (a null winner as None)."""
        out: list[dict[str, Any]] = []
        for i in range(self.n_rows):
            row: dict[str, Any] = {
                "prompt_id": self.prompt_ids[i],
                "first_id": self.first_ids[i],
                "second_id": self.second_ids[i],
                "winner": _WINNER_NAMES[int(self.winner[i])],
            }
            strength = float(self.strength[i])
            if not math.isnan(strength):
                row["strength"] = strength
            if self.metadata is not None:
                row.update(self.metadata[i])
            out.append(row)
        return out


def _comparisons_from_records(
    records: Iterable[Record],
    *,
    source: str,
    candidates: CandidatesTable | None,
    strict: bool,
) -> ComparisonsTable:
    known: set[tuple[str, str]] | None = None
    known_prompts: set[str] | None = None
    if candidates is not None:
        prompt_of_row = candidates.row_prompt
        known = {
            (candidates.prompt_ids[int(p)], str(c))
            for p, c in zip(prompt_of_row, candidates.candidate_ids, strict=True)
        }
        known_prompts = set(candidates.prompt_ids)
    prompt: list[str] = []
    first: list[str] = []
    second: list[str] = []
    winner: list[int] = []
    strength: list[float] = []
    metadata: list[dict[str, Any]] = []
    for line, rec in records:
        if not isinstance(rec, Mapping):
            raise _fail(source, line, f"expected a mapping, got {type(rec).__name__}")
        if strict:
            _check_columns(source, line, rec, COMPARISON_COLUMNS)
        pid = _text_id(source, line, rec, "prompt_id")
        a = _text_id(source, line, rec, "first_id")
        b = _text_id(source, line, rec, "second_id")
        if a == b:
            raise _fail(
                source,
                line,
                f"first_id and second_id are both {a!r}: a comparison needs two different "
                "candidates",
            )
        if "winner" not in rec:
            raise _fail(
                source,
                line,
                "missing winner: write 'first', 'second', 'tie', or null for a parse failure",
            )
        code = _WINNER_CODES.get(rec["winner"]) if _hashable(rec["winner"]) else None
        if code is None:
            raise _fail(
                source,
                line,
                f"invalid winner {_describe(rec['winner'])}: use 'first', 'second', 'tie', "
                "or null for a parse failure",
            )
        if known is not None and known_prompts is not None:
            where = candidates.source if candidates is not None else "the candidates table"
            if pid not in known_prompts:
                raise _fail(
                    source, line, f"unknown prompt {pid!r}: not in {where}; check the prompt_id"
                )
            for cid in (a, b):
                if (pid, cid) not in known:
                    raise _fail(
                        source,
                        line,
                        f"unknown candidate {(pid, cid)!r}: not in {where}; every comparison "
                        "must name candidates of the candidates table",
                    )
        prompt.append(pid)
        first.append(a)
        second.append(b)
        winner.append(code)
        strength.append(_number(source, line, rec.get("strength"), "strength"))
        metadata.append({k: v for k, v in rec.items() if k not in COMPARISON_COLUMNS})
    if not prompt:
        raise _fail(source, None, "empty: no comparison rows; write one row per verdict")

    def objects(values: list[str]) -> NDArray[np.object_]:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return _frozen(array)

    return ComparisonsTable(
        prompt_ids=objects(prompt),
        first_ids=objects(first),
        second_ids=objects(second),
        winner=_frozen(np.asarray(winner, dtype=np.int8)),
        strength=_frozen(np.asarray(strength, dtype=np.float64)),
        source=source,
        metadata=metadata if any(metadata) else None,
    )


def _mapping(source: str, line: int, row: object) -> bool:
    if not isinstance(row, Mapping):
        raise _fail(source, line, f"expected a mapping, got {type(row).__name__}")
    return True


def _hashable(value: object) -> bool:
    return value is None or isinstance(value, str)


def read_comparisons(
    path: str | Path, candidates: CandidatesTable | None = None, *, strict: bool = False
) -> ComparisonsTable:
    """Read a comparisons table from ``.jsonl`` or ``.parquet``.

    With ``candidates``, every row must name a known prompt and two known candidates of
    that prompt. Raises :class:`~judgespec.AuditDataError` naming file and line for
    invalid JSON, missing ids, an invalid ``winner``, unknown candidates, unknown columns
    (``strict=True``) or an empty file.
    """
    source, records = _read_records(path)
    return _comparisons_from_records(records, source=source, candidates=candidates, strict=strict)


def read_candidate_rows(path: str | Path, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Read a candidates table as row dicts, every field kept as written (for a judge run).

    ``limit`` keeps the rows of the first ``limit`` prompts (in order of first
    appearance). The rows kept are validated as :func:`read_candidates` validates a
    table (the id rule, unique keys, numeric and finite scores), except that a prompt
    may have a single candidate; every error names the file and line, before any judge
    call.
    """
    source, records = _read_records(path)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    prompts: set[str] = set()
    for line, row in records:
        pid = check_id(source, line, row.get("prompt_id"), "prompt_id")
        if limit is not None and pid not in prompts and len(prompts) >= limit:
            continue
        prompts.add(pid)
        rows.append(dict(row))
        lines.append(line)
    columns, n, _ = _columns_of(enumerate(rows, start=1))
    candidate_arrays(
        columns, n, source=source, lines=np.asarray(lines, dtype=np.int64), need_pair=False
    )
    return rows


def check_candidate_rows(rows: Sequence[Mapping[str, Any]], *, source: str = "<rows>") -> None:
    """Validate candidates-table rows as a judge run's input, before any judge call.

    The checks of :func:`read_candidate_rows` (a prompt may have one candidate); row
    numbers are 1-based positions in ``rows``. Raises :class:`~judgespec.AuditDataError`
    naming ``source`` and the row.
    """
    numbered = ((n, row) for n, row in enumerate(rows, start=1) if _mapping(source, n, row))
    columns, n, _ = _columns_of(numbered)
    candidate_arrays(columns, n, source=source, need_pair=False)
