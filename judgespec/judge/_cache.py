"""A persistent cache of judge calls: SQLite in WAL mode.

Key: ``(contract fingerprint, judge identity, request hash, sample index)``, where the
judge identity is ``<backend name>|<model>|<revision>``. Value: the backend's answer as
JSON (the generated text with its token count and top logprobs, or the next-token
log-probabilities). The engine writes each completed batch in one transaction, so a run
that is interrupted (even by ``kill -9``) resumes from the last committed batch and a
rerun makes no model calls at all.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import JudgespecError
from ._paths import cache_dir

__all__ = ["CacheInfo", "JudgeCache", "decode_floats", "encode_floats"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judgments (
    fingerprint TEXT NOT NULL,
    judge TEXT NOT NULL,
    request TEXT NOT NULL,
    sample INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (fingerprint, judge, request, sample)
) WITHOUT ROWID
"""

CacheKey = tuple[str, int]
"""``(request hash, sample index)`` within one fingerprint and judge."""


def encode_floats(values: Mapping[str, float]) -> dict[str, float | None]:
    """JSON-safe log-probabilities: non-finite values (``-inf``) become ``None``."""
    return {k: (v if math.isfinite(v) else None) for k, v in values.items()}


def decode_floats(values: Mapping[str, float | None]) -> dict[str, float]:
    """Inverse of :func:`encode_floats` (``None`` -> ``-inf``)."""
    return {k: (-math.inf if v is None else float(v)) for k, v in values.items()}


@dataclass(frozen=True)
class CacheInfo:
    """What a cache holds."""

    path: Path
    entries: int
    size_bytes: int
    """Database file plus its write-ahead log."""


class JudgeCache:
    """Judge calls stored in a SQLite database (WAL mode, one commit per batch)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.Error as exc:
            raise JudgespecError(
                f"{self.path}: cannot open the judge cache ({exc}); use another --cache-dir or --no-cache"
            ) from None

    @classmethod
    def default(cls) -> JudgeCache:
        """The cache under the user cache dir (``$JUDGESPEC_CACHE_DIR`` when set)."""
        return cls(cache_dir() / "judgments.sqlite")

    @classmethod
    def in_dir(cls, directory: str | Path) -> JudgeCache:
        """The cache file inside ``directory``."""
        return cls(Path(directory) / "judgments.sqlite")

    def get_many(
        self, fingerprint: str, judge: str, keys: Sequence[CacheKey]
    ) -> dict[CacheKey, dict[str, Any]]:
        """Cached values for the keys that are present."""
        found: dict[CacheKey, dict[str, Any]] = {}
        wanted = set(keys)
        requests = sorted({request for request, _ in wanted})
        for start in range(0, len(requests), 500):
            chunk = requests[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT request, sample, value FROM judgments WHERE fingerprint = ? AND judge = ? AND request IN ({marks})",
                (fingerprint, judge, *chunk),
            )
            for request, sample, value in rows:
                if (request, sample) in wanted:
                    found[(request, sample)] = json.loads(value)
        return found

    def put_many(
        self, fingerprint: str, judge: str, items: Iterable[tuple[CacheKey, Mapping[str, Any]]]
    ) -> None:
        """Store a batch of answers in one transaction (committed on return)."""
        rows = [
            (
                fingerprint,
                judge,
                request,
                sample,
                json.dumps(value, sort_keys=True, allow_nan=False),
            )
            for (request, sample), value in items
        ]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO judgments (fingerprint, judge, request, sample, value) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def info(self) -> CacheInfo:
        """Entries, size and path."""
        (entries,) = self._db.execute("SELECT COUNT(*) FROM judgments").fetchone()
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
        return CacheInfo(path=self.path, entries=int(entries), size_bytes=size)

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        with self._db:
            (entries,) = self._db.execute("SELECT COUNT(*) FROM judgments").fetchone()
            self._db.execute("DELETE FROM judgments")
        self._db.execute("VACUUM")
        return int(entries)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> JudgeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
