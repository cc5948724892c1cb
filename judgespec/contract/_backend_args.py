"""Per-backend schemas of ``judge.model_args``, checked when a contract validates.

``validate`` must refuse every value that would crash a later command, without loading
a model. Each backend's keys are checked here by type and form only:

- ``transformers``: ``path`` (text), ``device`` (``auto``, ``cpu``, ``cuda``, ``cuda:N``,
  ``mps``, ``xpu``, ``xpu:N``), ``dtype`` (``auto``, ``float32``, ``bfloat16``,
  ``float16``), ``batch_size`` (1-4096), ``prefix_reuse`` (true/false); nothing else.
- ``replay``: ``path``, nothing else (the backend says when it is missing).
- ``lmeval``: ``engine`` (``hf`` or ``vllm``), ``device`` (as above, without ``auto``),
  ``batch_size`` (1-4096, ``auto`` or ``auto:N``), ``pretrained`` (text); the other keys
  go to lm-eval's model constructor unchanged.
- ``inspect``: ``device`` (as above) when given; the other keys go to the provider.

The ``meta`` device holds no weights (a model there cannot judge) and is refused by
name. Whether a CUDA device is present is checked when the backend loads, not here: a
contract for a GPU judge validates on a machine without one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping

__all__ = ["BACKEND_ARGS", "check_model_args"]

ModelArg = str | int | float | bool

_DEVICE = re.compile(r"^(?:cpu|cuda|cuda:\d{1,3}|mps|xpu|xpu:\d{1,3})$")
_AUTO_BATCH = re.compile(r"^auto(?::\d{1,4})?$")
MAX_BATCH = 4096


def _device(auto: bool) -> Callable[[ModelArg], str | None]:
    def check(value: ModelArg) -> str | None:
        if not isinstance(value, str):
            return f"must be a device name such as 'cpu' or 'cuda:0', not {value!r}"
        if value.split(":")[0] == "meta":
            return "'meta' holds no weights, so a judge cannot run there; use cpu, cuda or cuda:N"
        if (auto and value == "auto") or _DEVICE.match(value):
            return None
        allowed = "auto, cpu" if auto else "cpu"
        return f"{value[:40]!r} is not a device; use {allowed}, cuda, cuda:N, mps, xpu or xpu:N"

    return check


def _choice(*options: str) -> Callable[[ModelArg], str | None]:
    def check(value: ModelArg) -> str | None:
        if isinstance(value, str) and value in options:
            return None
        return f"{value!r} is not one of {', '.join(options)}"

    return check


def _batch(auto: bool) -> Callable[[ModelArg], str | None]:
    def check(value: ModelArg) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_BATCH:
            return None
        if auto and isinstance(value, str) and _AUTO_BATCH.match(value):
            return None
        extra = ", 'auto' or 'auto:N'" if auto else ""
        return f"must be an integer from 1 to {MAX_BATCH}{extra}, not {value!r}"

    return check


def _text(value: ModelArg) -> str | None:
    if isinstance(value, str) and value.strip() and "\x00" not in value:
        return None
    return f"must be a non-empty path or name without NUL bytes, not {value!r}"


def _flag(value: ModelArg) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {value!r}"


Check = Callable[[ModelArg], "str | None"]

BACKEND_ARGS: Mapping[str, tuple[Mapping[str, Check], bool, frozenset[str]]] = {
    "transformers": (
        {
            "path": _text,
            "device": _device(auto=True),
            "dtype": _choice("auto", "float32", "bfloat16", "float16"),
            "batch_size": _batch(auto=False),
            "prefix_reuse": _flag,
        },
        False,
        frozenset(),
    ),
    "replay": ({"path": _text}, False, frozenset()),
    "lmeval": (
        {
            "engine": _choice("hf", "vllm"),
            "device": _device(auto=False),
            "batch_size": _batch(auto=True),
            "pretrained": _text,
        },
        True,
        frozenset(),
    ),
    "inspect": ({"device": _device(auto=False)}, True, frozenset()),
}
"""Backend -> (checked keys, whether other keys pass through, required keys)."""


def check_model_args(backend: str, args: Mapping[str, ModelArg]) -> tuple[str, str] | None:
    """The first problem with a judge's ``model_args`` as ``(key, message)``, or None.

    ``key`` is the offending key (for a missing required key, the key that is missing).
    """
    schema = BACKEND_ARGS.get(backend)
    if schema is None:
        return None
    checks, open_ended, required = schema
    for key in sorted(required - set(args)):
        return key, f"backend '{backend}' needs model_args.{key}"
    for key, value in args.items():
        check = checks.get(key)
        if check is None:
            if open_ended:
                continue
            hint = difflib.get_close_matches(key, list(checks), n=1)
            maybe = f" (did you mean '{hint[0]}'?)" if hint else ""
            return key, (
                f"unknown key for backend '{backend}'{maybe}; known: {', '.join(sorted(checks))}"
            )
        problem = check(value)
        if problem is not None:
            return key, problem
    return None
