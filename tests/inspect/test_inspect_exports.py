"""The adapter's public surface, its Inspect registrations, and its entry points."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import judgespec_inspect


def test_the_scripted_provider_is_registered_by_name_but_not_exported():
    from inspect_ai.model import get_model

    assert "ScriptedModelAPI" not in judgespec_inspect.__all__
    model = get_model("judgespec-scripted/arithmetic")
    assert type(model.api).__name__ == "ScriptedModelAPI"


def test_registered_under_the_package_namespace():
    from inspect_ai._util.registry import registry_lookup

    for kind, name in [
        ("task", "bon_audit"),
        ("solver", "bon_candidates"),
        ("solver", "repeat_candidates"),
        ("solver", "prepare_judge"),
        ("scorer", "judge_selection"),
        ("metric", "selection_metrics"),
        ("hooks", "scorecard"),
    ]:
        assert registry_lookup(kind, f"judgespec_inspect/{name}") is not None, (kind, name)


def test_entry_points_are_declared():
    inspect_eps = {ep.name: ep.value for ep in entry_points(group="inspect_ai")}
    assert inspect_eps.get("judgespec_inspect") == "judgespec_inspect._registry"
    from judgespec.backends import get_backend

    assert get_backend("inspect").factory == "judgespec_inspect._backend:make_backend"
    framework_eps = {ep.name: ep.value for ep in entry_points(group="judgespec.frameworks")}
    assert framework_eps.get("inspect") == "judgespec_inspect._cli:FRAMEWORK"


def test_test_data_is_what_its_generator_writes(data_dir: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_arithmetic", data_dir / "make_arithmetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (data_dir / "arithmetic.jsonl").read_text(encoding="utf-8") == module.render()


_HIDE_INSPECT = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "inspect_ai" or name.startswith("inspect_ai."):
            raise ImportError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, Hide())
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _HIDE_INSPECT + code], capture_output=True, text=True, timeout=120
    )


def test_without_inspect_the_core_imports_and_the_adapter_names_the_extra():
    done = _run(
        "import judgespec\n"
        "try:\n"
        "    import judgespec_inspect\n"
        "except judgespec.MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'judgespec[inspect]'" in done.stdout


def test_without_inspect_the_backend_registry_names_the_extra():
    done = _run(
        "from judgespec.contract import JudgeModel\n"
        "from judgespec.judge import make_backend\n"
        "from judgespec import MissingExtraError\n"
        "j = JudgeModel(model='openai/gpt-4o-2024-08-06', backend='inspect')\n"
        "try:\n"
        "    make_backend(j)\n"
        "except MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'judgespec[inspect]'" in done.stdout
