"""A persistent cache of judge calls: SQLite in WAL mode, every value checksummed.

Key: ``(judge key, judge identity, request hash, sample index)``. The judge key
(:func:`judge_cache_key`) hashes only what changes a judge's raw output for a given
request: the judge's model, backend, revision, decoding and ``model_args``. The request
hash covers the rendered messages, decoding and candidate tokens. Everything else in the
contract (its name and version, gates, tie policy, aggregation, the parse pattern) acts
on the cached raw output, so editing it keeps the cache. The judge identity is
``<backend name>|<model>|<revision>``. Value: the backend's answer as JSON (the
generated text with its token count and top logprobs, or the next-token
log-probabilities), stored with ``sha256`` over the key and the value, so an edited or
damaged value is detected on read, never used. The engine writes each completed batch
in one transaction, so a run that is interrupted (even by ``kill -9``) resumes from the
last committed batch and a rerun makes no model calls at all.

A cache that cannot be read (not a database, a damaged page, a table of another
shape, a value that is not JSON or fails its checksum) is a one-line
:class:`~judgespec.JudgespecError` naming the file and how to point elsewhere. A cache
written before values carried checksums is emptied when opened (its keys never match).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from ..._errors import JudgespecError
from ..._paths import CACHE_DIR_ENV, cache_dir
from ...contract import JudgeModel

__all__ = ["CacheInfo", "JudgeCache", "judge_cache_key", "open_judge_cache"]

_COLUMNS = ("judge_key", "judge", "request", "sample", "value", "checksum")
_PREVIOUS_COLUMNS = ("fingerprint", "judge", "request", "sample", "value")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judgments (
    judge_key TEXT NOT NULL,
    judge TEXT NOT NULL,
    request TEXT NOT NULL,
    sample INTEGER NOT NULL,
    value TEXT NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (judge_key, judge, request, sample)
) WITHOUT ROWID
"""

CacheKey = tuple[str, int]
"""``(request hash, sample index)`` within one judge key and judge."""


def judge_cache_key(judge: JudgeModel) -> str:
    """``sha256:<hex>`` of what decides a judge's raw output for a request.

    The judge's model, backend, revision, decoding and ``model_args``; not its panel
    label or ``allow_unpinned``, and nothing else of the contract (see the module
    docstring).
    """
    data = judge.model_dump(mode="json", exclude={"label", "allow_unpinned"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checksum(judge_key: str, judge: str, request: str, sample: int, value: str) -> str:
    text = json.dumps([judge_key, judge, request, sample, value], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    """What a cache holds."""

    path: Path
    entries: int
    size_bytes: int
    """Database file plus its write-ahead log."""


class JudgeCache:
    """Judge calls stored in a SQLite database (WAL mode, one commit per batch).

    ``elsewhere`` completes error messages with how to use another cache; the
    constructors fill it in (``--cache-dir`` for :meth:`in_dir`, the
    ``JUDGESPEC_CACHE_DIR`` variable for :meth:`default`).
    """

    def __init__(self, path: str | Path, *, elsewhere: str | None = None) -> None:
        self.path = Path(path)
        self._elsewhere = elsewhere or "open a cache at another path"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60.0)
        except (OSError, sqlite3.Error) as exc:
            self._fail(f"cannot open the judge cache ({exc})")
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_schema()
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.Error as exc:
            self._db.close()
            self._fail(f"the judge cache is not a readable SQLite database ({exc})")

    def _fail(self, problem: str) -> NoReturn:
        raise JudgespecError(
            f"{self.path}: {problem}; delete the file or {self._elsewhere}, or pass --no-cache"
        ) from None

    def _check_schema(self) -> None:
        columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(judgments)"))
        if not columns or columns == _COLUMNS:
            return
        if columns == _PREVIOUS_COLUMNS:  # written before checksums; its keys never match
            with self._db:
                self._db.execute("DROP TABLE judgments")
            return
        self._fail(f"the judgments table has columns {list(columns)}, not a judge cache's")

    @classmethod
    def default(cls) -> JudgeCache:
        """The cache under the user cache dir (``$JUDGESPEC_CACHE_DIR`` when set)."""
        return cls(
            cache_dir() / "judgments.sqlite",
            elsewhere=f"set {CACHE_DIR_ENV} to another directory",
        )

    @classmethod
    def in_dir(cls, directory: str | Path) -> JudgeCache:
        """The cache file inside ``directory``."""
        return cls(Path(directory) / "judgments.sqlite", elsewhere="pass another --cache-dir")

    def get_many(
        self, judge_key: str, judge: str, keys: Sequence[CacheKey]
    ) -> dict[CacheKey, dict[str, Any]]:
        """Cached values for the keys that are present (each checked against its checksum)."""
        found: dict[CacheKey, dict[str, Any]] = {}
        wanted = set(keys)
        requests = sorted({request for request, _ in wanted})
        try:
            for start in range(0, len(requests), 500):
                chunk = requests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT request, sample, value, checksum FROM judgments "
                    f"WHERE judge_key = ? AND judge = ? AND request IN ({marks})",
                    (judge_key, judge, *chunk),
                ).fetchall()
                for request, sample, value, checksum in rows:
                    if (request, sample) in wanted:
                        found[(request, sample)] = self._decode(
                            judge_key, judge, request, sample, value, checksum
                        )
        except sqlite3.Error as exc:
            self._fail(f"the judge cache is damaged ({exc})")
        return found

    def _decode(
        self, judge_key: str, judge: str, request: Any, sample: Any, value: Any, checksum: Any
    ) -> dict[str, Any]:
        where = f"entry {str(request)[:19]}... sample {sample}"
        if not isinstance(value, str) or not isinstance(sample, int):
            self._fail(f"{where} is not stored as text; the cache is damaged")
        if checksum != _checksum(judge_key, judge, str(request), sample, value):
            self._fail(f"{where} fails its checksum (the cache was edited or damaged)")
        try:
            data = json.loads(value)
        except ValueError:
            self._fail(f"{where} is not JSON; the cache is damaged")
        if not isinstance(data, dict):
            self._fail(f"{where} is not a JSON object; the cache is damaged")
        return data

    def put_many(
        self, judge_key: str, judge: str, items: Iterable[tuple[CacheKey, Mapping[str, Any]]]
    ) -> None:
        """Store a batch of answers in one transaction (committed on return)."""
        rows = []
        for (request, sample), value in items:
            text = json.dumps(value, sort_keys=True, allow_nan=False)
            rows.append(
                (judge_key, judge, request, sample, text, _checksum(judge_key, judge, request, sample, text))
            )
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO judgments "
                    "(judge_key, judge, request, sample, value, checksum) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            self._fail(f"cannot write to the judge cache ({exc})")

    def info(self) -> CacheInfo:
        """Entries, size and path."""
        try:
            (entries,) = self._db.execute("SELECT COUNT(*) FROM judgments").fetchone()
        except sqlite3.Error as exc:
            self._fail(f"the judge cache is damaged ({exc})")
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
        return CacheInfo(path=self.path, entries=int(entries), size_bytes=size)

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        try:
            with self._db:
                (entries,) = self._db.execute("SELECT COUNT(*) FROM judgments").fetchone()
                self._db.execute("DELETE FROM judgments")
            self._db.execute("VACUUM")
        except sqlite3.Error as exc:
            self._fail(f"the judge cache is damaged ({exc})")
        return int(entries)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> JudgeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def open_judge_cache(cache: JudgeCache | bool) -> Iterator[JudgeCache | None]:
    """The cache a post-hoc scorer judges through: the user's default (``True``, opened and
    closed here), none (``False``), or the one given (left open for its owner)."""
    if cache is True:
        with JudgeCache.default() as store:
            yield store
    else:
        yield None if cache is False else cache
