"""Audits as native Inspect citizens: Inspect's own CLI and viewer on audit log directories.

Real ``inspect`` console-script runs (subprocesses), the way an Inspect user works:
``inspect eval-set`` twice on one log directory, ``inspect log list``, ``inspect view``
serving every listed log, and one-line errors for bad ``-T`` arguments.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log
from inspect_helpers import only_logs_in

from judgespec_inspect import stored_scorecard

INSPECT = str(Path(sys.executable).parent / "inspect")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("INSPECT_LOG_DIR", None)
    env["INSPECT_DISPLAY"] = "plain"
    env["COLUMNS"] = "1000"  # Rich wraps long messages at the terminal width
    return env


def _inspect(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [INSPECT, *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def _task_args(digit_contract: Path, arithmetic: Path, *extra: str) -> list[str]:
    return [
        "judgespec_inspect/bon_audit",
        "-T", f"contract={digit_contract}",
        "-T", f"dataset={arithmetic}",
        "-T", "n=2",
        "-T", "n_bootstrap=50",
        "--model", "judgespec-scripted/arithmetic",
        *extra,
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _serve_and_fetch_every_log(log_dir: Path, cwd: Path) -> list[dict[str, Any]]:
    """Start ``inspect view`` on a free local port; fetch its listing and every listed log."""
    port = _free_port()
    server = subprocess.Popen(
        [INSPECT, "view", "--log-dir", str(log_dir), "--host", "127.0.0.1", "--port", str(port)],
        cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"{base}/log-files")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("inspect view did not start") from None
                time.sleep(0.3)
        assert status == 200
        listed = json.loads(body)["files"]
        logs = []
        for entry in listed:
            status, body = _get(f"{base}/logs/{urllib.parse.quote(entry['name'], safe='')}")
            assert status == 200, (entry["name"], status, body[:200])
            logs.append(json.loads(body))
        return logs
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow  # a chain of real inspect CLI processes (eval-set twice, log list, view)
def test_eval_set_twice_then_log_list_and_view(tmp_path, digit_contract, arithmetic):
    log_dir = tmp_path / "logs"
    args = ["eval-set", *_task_args(digit_contract, arithmetic, "--limit", "2"), "--log-dir", str(log_dir)]
    first = _inspect(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    # the rerun finds the finished audit and exits 0 (it used to fail on a scorecard file)
    second = _inspect(*args, cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Unable to read log file" not in second.stdout + second.stderr
    files = only_logs_in(log_dir)
    evals = [name for name in files if name.endswith(".eval")]
    assert len(evals) == 1
    assert set(files) <= {*evals, ".eval-set-id", "eval-set.json", "logs.json"}  # Inspect's own

    listing = _inspect("log", "list", "--json", "--log-dir", str(log_dir), cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    names = [Path(info["name"].removeprefix("file://")).name for info in json.loads(listing.stdout)]
    assert names == evals
    log = read_eval_log(str(log_dir / evals[0]))
    assert log.status == "success" and log.eval.task_registry_name == "judgespec_inspect/bon_audit"
    assert stored_scorecard(log).counts.prompts == 2

    served = _serve_and_fetch_every_log(log_dir, tmp_path)
    assert [entry["status"] for entry in served] == ["success"]
    assert "judgespec_scorecard" in served[0]["results"]["metadata"]


def test_a_bad_task_argument_is_one_line_not_a_traceback(tmp_path, digit_contract, arithmetic):
    done = _inspect(
        "eval", *_task_args(digit_contract, arithmetic), "-T", "n=two",
        "--log-dir", str(tmp_path / "logs"), cwd=tmp_path,
    )
    assert done.returncode == 1
    output = (done.stdout + done.stderr).strip()
    assert "Traceback" not in output
    assert output.splitlines()[-1] == "bon_audit: n must be an integer of at least 2, got 'two' (e.g. -T n=4)"
    assert not (tmp_path / "logs").exists() or not list((tmp_path / "logs").iterdir())
