"""``judgespec.judge`` imports light and registers its built-in backends.

That every export resolves and is documented is checked once for all public modules in
``tests/test_public_surface.py``.
"""

from __future__ import annotations

import judgespec.judge


def test_importing_the_engine_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import sys, judgespec.judge, judgespec.cli; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_builtin_backends_are_registered() -> None:
    assert {"transformers", "replay"} <= set(judgespec.judge.available_backends())
