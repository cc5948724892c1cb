"""The backend registry: one registration record per judge backend.

A :class:`BackendSpec` says everything judgespec needs to know about a backend before
any model loads: its name (what ``judge.backend`` says in a contract), the factory
that builds it, the resolver that tells a judge's actual revision (for ``judgespec
lock`` / ``verify``), the extra to install, and a pydantic model of its
``judge.model_args``. Factory and resolver may be ``module:attribute`` references,
imported only when a judge is built or a revision resolved, so that validating or
locking a contract imports no framework.

Where records come from, in order of precedence:

1. :func:`register` (and :func:`judgespec.judge.register_backend`) in this process;
2. the shipped backends, :data:`BUILTIN_BACKENDS` (``transformers``, ``replay``,
   ``inspect``, ``lmeval``);
3. the ``judgespec.backends`` entry-point group: a third-party package's entry point
   named after its backend, whose value is a :class:`BackendSpec` (or, as before, a
   bare factory ``(JudgeModel) -> JudgeBackend`` taking any ``model_args``).

``model_args`` models check type and form only, never what needs a device: a contract
for a GPU judge validates on a machine without one. The shipped models:

- ``transformers``: ``path`` (text), ``device`` (``auto``, ``cpu``, ``cuda``,
  ``cuda:N``, ``mps``, ``xpu``, ``xpu:N``), ``dtype`` (``auto``, ``float32``,
  ``bfloat16``, ``float16``), ``batch_size`` (1-4096), ``prefix_reuse`` (true/false);
  nothing else.
- ``replay``: ``path``, nothing else (the backend says when it is missing).
- ``lmeval``: ``engine`` (``hf`` or ``vllm``), ``device`` (as above, without ``auto``),
  ``batch_size`` (1-4096, ``auto`` or ``auto:N``), ``pretrained`` (text); other keys go
  to lm-eval's model constructor unchanged (``max_length``, vLLM's
  ``tensor_parallel_size``, ...), so this model alone allows extra keys.
- ``inspect``: ``device`` (as above) when given; other keys go to the Inspect
  provider unchanged, so this model allows extra keys too.

The ``meta`` device holds no weights (a model there cannot judge) and is refused by
name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ._errors import BackendError, JudgespecError
from ._plugins import load_plugin, load_reference, plugin_names
from ._weights import resolve_local_revision

__all__ = [
    "BUILTIN_BACKENDS",
    "ENTRY_POINT_GROUP",
    "MAX_BATCH",
    "BackendSpec",
    "InspectArgs",
    "LmevalArgs",
    "ModelArgs",
    "ReplayArgs",
    "TransformersArgs",
    "backend_names",
    "check_model_args",
    "get_backend",
    "register",
    "register_factory",
    "resolve_local_revision",
]

ENTRY_POINT_GROUP = "judgespec.backends"
"""The entry-point group where installed packages register third-party backends (a :class:`BackendSpec` each)."""
MAX_BATCH = 4096
"""Largest ``batch_size`` a shipped backend accepts in ``model_args``."""

ModelArg = str | int | float | bool
_DEVICE = re.compile(r"^(?:cpu|cuda|cuda:\d{1,3}|mps|xpu|xpu:\d{1,3})$")
_AUTO_BATCH = re.compile(r"^auto(?::\d{1,4})?$")


def _device(value: object, *, auto: bool) -> object:
    if not isinstance(value, str):
        raise ValueError(f"must be a device name such as 'cpu' or 'cuda:0', not {value!r}")
    if value.split(":")[0] == "meta":
        raise ValueError("'meta' holds no weights, so a judge cannot run there; use cpu, cuda or cuda:N")
    if (auto and value == "auto") or _DEVICE.match(value):
        return value
    allowed = "auto, cpu" if auto else "cpu"
    raise ValueError(f"{value[:40]!r} is not a device; use {allowed}, cuda, cuda:N, mps, xpu or xpu:N")


def _choice(value: object, options: tuple[str, ...]) -> object:
    if isinstance(value, str) and value in options:
        return value
    raise ValueError(f"{value!r} is not one of {', '.join(options)}")


def _batch(value: object, *, auto: bool) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_BATCH:
        return value
    if auto and isinstance(value, str) and _AUTO_BATCH.match(value):
        return value
    also = ", 'auto' or 'auto:N'" if auto else ""
    raise ValueError(f"must be an integer from 1 to {MAX_BATCH}{also}, not {value!r}")


def _text(value: object) -> object:
    if isinstance(value, str) and value.strip() and "\x00" not in value:
        return value
    raise ValueError(f"must be a non-empty path or name without NUL bytes, not {value!r}")


def _flag(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise ValueError(f"must be true or false, not {value!r}")


class ModelArgs(BaseModel):
    """Base of a backend's ``model_args`` model: unknown keys are refused, values kept as given."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class TransformersArgs(ModelArgs):
    """``model_args`` of the in-process ``transformers`` backend."""

    path: str | None = None
    """A local model folder (or GGUF) to load instead of the model id."""
    device: str | None = None
    """``auto`` (default: CUDA when present), ``cpu``, ``cuda``, ``cuda:N``, ``mps``, ``xpu``, ``xpu:N``."""
    dtype: str | None = None
    """``auto``, ``float32``, ``bfloat16`` or ``float16``."""
    batch_size: int | None = None
    """Requests per forward pass, 1 to 4096."""
    prefix_reuse: bool | None = None
    """Reuse the shared prompt prefix's key/value cache across a prompt's candidates."""

    @field_validator("path", mode="before")
    @classmethod
    def _check_path(cls, value: object) -> object:
        return _text(value)

    @field_validator("device", mode="before")
    @classmethod
    def _check_device(cls, value: object) -> object:
        return _device(value, auto=True)

    @field_validator("dtype", mode="before")
    @classmethod
    def _check_dtype(cls, value: object) -> object:
        return _choice(value, ("auto", "float32", "bfloat16", "float16"))

    @field_validator("batch_size", mode="before")
    @classmethod
    def _check_batch(cls, value: object) -> object:
        return _batch(value, auto=False)

    @field_validator("prefix_reuse", mode="before")
    @classmethod
    def _check_reuse(cls, value: object) -> object:
        return _flag(value)


class ReplayArgs(ModelArgs):
    """``model_args`` of the ``replay`` backend (recorded verdicts)."""

    path: str | None = None
    """The ``judgments.jsonl`` file of a previous run."""

    @field_validator("path", mode="before")
    @classmethod
    def _check_path(cls, value: object) -> object:
        return _text(value)


class LmevalArgs(ModelArgs):
    """``model_args`` of the ``lmeval`` backend; other keys go to lm-eval's model constructor."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True, defer_build=True)

    engine: str | None = None
    """``hf`` (lm-eval's HFLM, the default) or ``vllm``."""
    device: str | None = None
    """``cpu``, ``cuda``, ``cuda:N``, ``mps``, ``xpu``, ``xpu:N``."""
    batch_size: int | str | None = None
    """1 to 4096, ``auto`` or ``auto:N``."""
    pretrained: str | None = None
    """The model folder or hub id lm-eval loads (default: the judge's model id)."""

    @field_validator("engine", mode="before")
    @classmethod
    def _check_engine(cls, value: object) -> object:
        return _choice(value, ("hf", "vllm"))

    @field_validator("device", mode="before")
    @classmethod
    def _check_device(cls, value: object) -> object:
        return _device(value, auto=False)

    @field_validator("batch_size", mode="before")
    @classmethod
    def _check_batch(cls, value: object) -> object:
        return _batch(value, auto=True)

    @field_validator("pretrained", mode="before")
    @classmethod
    def _check_pretrained(cls, value: object) -> object:
        return _text(value)


class InspectArgs(ModelArgs):
    """``model_args`` of the ``inspect`` backend; other keys go to the Inspect provider."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True, defer_build=True)

    device: str | None = None
    """``cpu``, ``cuda``, ``cuda:N``, ``mps``, ``xpu``, ``xpu:N`` (local providers)."""

    @field_validator("device", mode="before")
    @classmethod
    def _check_device(cls, value: object) -> object:
        return _device(value, auto=False)


class _AnyArgs(ModelArgs):
    """``model_args`` of a backend registered without a model: any keys."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True, defer_build=True)


Factory = Callable[[Any], Any]
"""``(JudgeModel) -> JudgeBackend``; typed loosely here, below the judge engine."""
Resolver = Callable[[Any], "str | None"]
"""``(JudgeModel) -> revision | None`` (None: cannot tell; the declared pin stands)."""


@dataclass(frozen=True)
class BackendSpec:
    """One judge backend's registration record."""

    name: str
    """The name a contract's ``judge.backend`` uses."""
    factory: str | Factory
    """Builds the backend for a judge: a callable or a ``module:attribute`` reference."""
    model_args: type[ModelArgs] = _AnyArgs
    """The pydantic model of ``judge.model_args`` (checked when a contract validates)."""
    resolver: str | Resolver | None = None
    """Tells a judge's actual revision (a callable or reference); None: the declared pin stands."""
    extra: str | None = None
    """The judgespec extra that installs the backend's dependencies (``pip install 'judgespec[EXTRA]'``)."""

    def install_hint(self) -> str:
        """``pip install 'judgespec[EXTRA]'``, or the package to install for a third-party backend."""
        return f"pip install 'judgespec[{self.extra}]'" if self.extra else "install the package that provides it"

    def load_factory(self) -> Factory:
        """The factory, imported now (a missing package names the extra)."""
        if callable(self.factory):
            return self.factory
        found: Factory = load_reference(
            self.factory, extra=self.extra or self.name, purpose=f"The '{self.name}' judge backend"
        )
        return found

    def load_resolver(self) -> Resolver | None:
        """The revision resolver, imported now; None when there is none."""
        if self.resolver is None or callable(self.resolver):
            return self.resolver
        found: Resolver = load_reference(
            self.resolver, extra=self.extra or self.name, purpose=f"Resolving a '{self.name}' judge's revision"
        )
        return found


BUILTIN_BACKENDS: Mapping[str, BackendSpec] = {
    spec.name: spec
    for spec in (
        BackendSpec(
            "transformers",
            factory="judgespec.judge.backends._transformers:make_transformers_backend",
            model_args=TransformersArgs,
            resolver="judgespec._weights:resolve_transformers_revision",
            extra="hf",
        ),
        BackendSpec("replay", factory="judgespec.judge.backends._replay:make_replay_backend", model_args=ReplayArgs),
        BackendSpec(
            "inspect",
            factory="judgespec_inspect._backend:make_backend",
            model_args=InspectArgs,
            extra="inspect",
        ),
        BackendSpec(
            "lmeval",
            factory="judgespec_lmeval._backend:make_backend",
            model_args=LmevalArgs,
            resolver="judgespec_lmeval._backend:resolve_lmeval_revision",
            extra="lmeval",
        ),
    )
}
"""The backends judgespec ships (their code is imported only when used)."""

_REGISTERED: dict[str, BackendSpec] = {}


def register(spec: BackendSpec) -> BackendSpec:
    """Register a backend record in this process (it wins over shipped and entry-point records)."""
    _REGISTERED[spec.name] = spec
    return spec


def register_factory(name: str, factory: Factory) -> None:
    """Make ``factory`` build backend ``name``, keeping the rest of its record when it has one."""
    known = _REGISTERED.get(name) or BUILTIN_BACKENDS.get(name)
    register(replace(known, factory=factory) if known is not None else BackendSpec(name, factory=factory))


def backend_names() -> list[str]:
    """Every backend name a contract may use: registered, shipped and installed entry points."""
    return sorted(set(_REGISTERED) | set(BUILTIN_BACKENDS) | set(plugin_names(ENTRY_POINT_GROUP)))


def get_backend(name: str) -> BackendSpec:
    """The record of backend ``name``; an unknown name is a one-line error listing the known ones."""
    spec = _REGISTERED.get(name) or BUILTIN_BACKENDS.get(name)
    if spec is not None:
        return spec
    if name in plugin_names(ENTRY_POINT_GROUP):
        found = load_plugin(ENTRY_POINT_GROUP, name, purpose=f"The '{name}' judge backend", extra=name)
        if isinstance(found, BackendSpec):
            return found
        if callable(found):  # a bare factory: any model_args
            return BackendSpec(name, factory=found)
        raise JudgespecError(
            f"the '{name}' entry point of {ENTRY_POINT_GROUP} is a {type(found).__name__}, "
            "not a judgespec.backends.BackendSpec; reinstall or fix the package that declares it"
        )
    raise BackendError(
        f"unknown backend {name[:60]!r}; registered: {', '.join(backend_names())} "
        f"(a third-party backend registers under the '{ENTRY_POINT_GROUP}' entry points: install its package)"
    )


def check_model_args(spec: BackendSpec, args: Mapping[str, ModelArg]) -> tuple[str, str] | None:
    """The first problem with a judge's ``model_args`` as ``(key, message)``, or None."""
    model = spec.model_args
    known = list(model.model_fields)
    if model.model_config.get("extra") == "forbid":
        for key in args:
            if key not in model.model_fields:
                import difflib  # only an error's hint needs it

                hint = difflib.get_close_matches(key, known, n=1)
                maybe = f" (did you mean '{hint[0]}'?)" if hint else ""
                return key, f"unknown key for backend '{spec.name}'{maybe}; known: {', '.join(sorted(known))}"
    try:
        model.model_validate(dict(args))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else ""
        return key, str(error["msg"]).removeprefix("Value error, ")
    return None
