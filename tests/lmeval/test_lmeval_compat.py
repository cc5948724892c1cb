"""lm-eval's private names the adapter uses still exist with the expected shape.

Each name is taken from :mod:`judgespec_lmeval._compat`; an lm-eval upgrade that moves
one breaks the import of that module, one that changes a signature or an attribute fails
a test below naming it. When one fails, update ``_compat.py`` and the version bounds of
the ``lmeval`` extra in ``pyproject.toml``.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

pytest.importorskip("lm_eval", reason="the lm-eval adapter needs the lmeval extra")

from lm_eval.api.task import ConfigurableTask

from judgespec_lmeval import _compat


def test_load_yaml_keeps_its_signature_and_resolves_functions(tmp_path: Path) -> None:
    params = inspect.signature(_compat.load_yaml).parameters
    assert next(iter(params)) == "path"
    for keyword in ("resolve_func", "recursive"):
        assert params[keyword].kind is inspect.Parameter.KEYWORD_ONLY, keyword
    (tmp_path / "base.yaml").write_text("output_type: generate_until\n", encoding="utf-8")
    (tmp_path / "task.yaml").write_text(
        "include: base.yaml\ntask: t\nprocess_results: !function math.fsum\n", encoding="utf-8"
    )
    config = _compat.load_yaml(tmp_path / "task.yaml", resolve_func=True, recursive=True)
    assert config["task"] == "t" and config["output_type"] == "generate_until"
    assert callable(config["process_results"])


@pytest.mark.parametrize("attribute", _compat.TASK_PRIVATE_ATTRIBUTES)
def test_configurable_task_still_has_the_private_attributes(attribute: str) -> None:
    source = inspect.getsource(ConfigurableTask)
    assert f"self.{attribute} = " in source or f"self.{attribute}[" in source, (
        f"lm-eval's ConfigurableTask no longer sets {attribute}: BestOfNTask relies on it"
    )


def test_no_adapter_module_imports_lm_eval_private_modules_directly() -> None:
    import judgespec_lmeval

    package = Path(judgespec_lmeval.__file__).parent
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(package.glob("*.py"))
        if path.name != "_compat.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "lm_eval." in line and "._" in line.split(" import ")[0]
    ]
    assert not offenders, f"private lm-eval imports outside _compat.py: {offenders}"
