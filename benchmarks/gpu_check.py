"""One prepared GPU check: the judge engine and both adapters on CUDA, everything recorded.

Run on a machine with one NVIDIA GPU (budget: under 8 minutes wall)::

    python3 benchmarks/gpu_check.py run            # writes to $OUT, else ./gpu-check-out

Steps, each timed (elapsed printed per step) with its output in ``run.log``:

1. ``environment``: Python, torch, transformers, CUDA and the GPU's name.
2. ``gpu-tests``: ``pytest -m gpu`` (tests/gpu and the backend's own gpu test): the
   ``transformers`` backend in bfloat16 on CUDA against float32 on the CPU for every
   protocol and for shared-prefix reuse; results in ``gpu-tests.xml`` (JUnit).
3. ``bench-1b``, ``bench-8b`` (this one last): ``benchmarks/bench_judge.py --device cuda --config 1b|8b``
   (randomly initialised Llama configurations in bfloat16, built from a config, no
   download): judge throughput against a raw batched forward over a batch-size sweep,
   the throughput-maximising batch size and peak GPU memory (``bench-*.json``).
4. ``inspect``: one Inspect ``bon_audit`` with an ``hf/`` policy on CUDA, judged on CUDA
   by the ``transformers`` backend (logprob protocol); ``inspect-scorecard.json``.
5. ``lmeval``: one compiled lm-eval task with an ``hf`` policy on CUDA, judged on CUDA;
   ``lmeval-scorecard.json``.

Policy and judge of steps 4-5 are one small randomly initialised Llama (built here,
seed 0), so its candidates are noise: these steps prove the adapters run on CUDA end
to end, not that a judge is good. ``summary.json`` holds every step's status, elapsed
seconds and figures.

Without CUDA the same steps run as a **dry run** on the CPU (tiny configurations, few
steps, the GPU tests with ``JUDGESPEC_GPU_TEST_DEVICE=cpu``), proving every step is
wired; ``summary.json`` then says ``"dry_run": true`` and no figure in it is a GPU
figure.

The GPU machine's image has torch, transformers, numpy, scipy, pyyaml, jinja2, rich,
click and pytest, but not pydantic, Inspect or lm-eval, and no network. So, on a
machine with the package index, first::

    python benchmarks/gpu_check.py prepare         # writes .gpu-deps/site.tar.gz (ignored)

which downloads wheels of the missing packages for CPython 3.12 on x86-64 Linux (the
versions installed here), unpacks them into one folder, drops what the check never
imports (Inspect's sandbox binaries, s3fs, debugpy) and packs it. ``run`` unpacks it
when ``import pydantic, inspect_ai, lm_eval`` fails. Carry ``.gpu-deps`` to the GPU machine with the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEPS = REPO / ".gpu-deps"
SITE_ARCHIVE = DEPS / "site.tar.gz"
BUDGET_S = 8 * 60

# Distributions the GPU image lacks that a check needs (judgespec's own requirements,
# Inspect AI and lm-eval with what they import), by their installed names here.
ROOTS = ("judgespec", "pydantic", "jsonschema", "inspect-ai", "lm-eval", "platformdirs")
IMAGE_HAS = frozenset(
    """
    absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio
    attrs botorch build certifi charset-normalizer chex click cloudpickle cmake colorama
    contourpy coverage cuda-bindings cuda-core cuda-pathfinder cuda-toolkit cupy-cuda13x
    cycler cython diffrax e3nn einops equinox etils execnet filelock flatbuffers flax
    fonttools formulaic frozenlist fsspec gpytorch grpcio h11 h5py hf-xet httpcore httpx
    huggingface-hub humanize hypothesis idna imageio iniconfig interface-meta jax
    jax-cuda13-pjrt jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader
    lightning lightning-utilities linear-operator lineax llvmlite lxml markdown
    markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes mpi4py mpmath msgpack
    multidict multipledispatch mypy-extensions nanobind narwhals networkx ninja numba
    numba-cuda numpy numpyro nvidia-cublas nvidia-cuda-cupti nvidia-cuda-nvrtc
    nvidia-cuda-runtime nvidia-cudnn-cu13 nvidia-cufft nvidia-cufile nvidia-curand
    nvidia-cusolver nvidia-cusparse nvidia-cusparselt-cu13 nvidia-ml-py nvidia-nccl-cu13
    nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx onnx onnx-ir onnxruntime onnxscript
    opencv-python-headless optax opt-einsum opt-einsum-fx optimistix orbax-checkpoint
    packaging pandas pathspec patsy peft pillow pip pluggy portalocker prometheus-client
    propcache protobuf psutil pyarrow pybind11 py-cpuinfo pygments pyparsing
    pyproject-hooks pyre-extensions pytest pytest-benchmark pytest-cov pytest-mock
    pytest-timeout pytest-xdist python-dateutil pytorch-lightning pyyaml regex requests
    rich sacrebleu safetensors scikit-build-core scikit-image scikit-learn scipy seaborn
    sentencepiece sentence-transformers setuptools shellingham simplejson six
    sortedcontainers statsmodels sympy tabulate tensorboard tensorboard-data-server
    tensorstore threadpoolctl tifffile tiktoken timm tokenizers toolz torch torchaudio
    torchdiffeq torch-geometric torchmetrics torchvision tqdm transformers treescope triton
    typer typing-extensions typing-inspect urllib3 uvloop wadler-lindig werkzeug wheel
    wrapt xarray xxhash yarl zipp
    """.split()
)
"""Packages the GPU machine's Python already has (as listed for its image, 2026-11); its
torch and transformers are the ones the check runs."""
NEVER_IMPORTED = frozenset({"aiobotocore", "s3fs", "debugpy"})
"""Requirements of Inspect/lm-eval that the check never imports (S3 file system, debugger).

(boto3 and botocore are imported on the way, so they are carried.)"""
PRUNE = ("inspect_ai/binaries",)
"""Paths inside the unpacked site that the check never uses (sandbox tool binaries)."""
GPU_PYTHON = "3.12"
PLATFORMS = (
    "manylinux_2_28_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux1_x86_64",
)


# --------------------------------------------------------------------------- prepare


def _closure() -> dict[str, str]:
    """{name: version} of the installed dependency closure of ``ROOTS`` (no extras' extras)."""
    import importlib.metadata as md

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env = {
        "python_version": GPU_PYTHON,
        "python_full_version": GPU_PYTHON + ".0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    found: dict[str, str] = {}
    todo: list[tuple[str, tuple[str, ...]]] = [(r, ("hf",) if r == "lm-eval" else ()) for r in ROOTS]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in seen:
            continue
        seen.add(key)
        dist = md.distribution(key[0])
        found[key[0]] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            wanted = any(
                req.marker is None or req.marker.evaluate({**env, "extra": extra})
                for extra in (extras or ("",))
            )
            if wanted and (req.marker is None or "extra" not in str(req.marker) or extras):
                todo.append((req.name, tuple(sorted(req.extras))))
    return found


def prepare(args: argparse.Namespace) -> int:
    """Download, unpack, prune and pack the packages the GPU image lacks."""
    needed = {
        name: version
        for name, version in _closure().items()
        if name not in IMAGE_HAS and name not in NEVER_IMPORTED and name != "judgespec"
    }
    print(f"{len(needed)} distributions to carry: {', '.join(sorted(needed))}")
    with tempfile.TemporaryDirectory() as tmp:
        wheels, site = Path(tmp) / "wheels", Path(tmp) / "site"
        wheels.mkdir()
        platforms = [x for p in PLATFORMS for x in ("--platform", p)]
        for name, version in sorted(needed.items()):
            spec = f"{name}=={version}"
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                 "--python-version", args.python_version, "--implementation", "cp", *platforms,
                 "-d", str(wheels), spec],
                capture_output=True, text=True,
            )
            if done.returncode != 0:  # source only: build a (pure-Python) wheel here
                subprocess.run(
                    [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), spec],
                    check=True,
                )
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
            check=True,
        )  # judgespec's dist-info carries the entry points; the code runs from the repo
        for wheel in sorted(wheels.glob("*.whl")):
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(site)
        for rel in PRUNE:
            shutil.rmtree(site / rel, ignore_errors=True)
        DEPS.mkdir(exist_ok=True)
        with tarfile.open(SITE_ARCHIVE, "w:gz") as tar:
            tar.add(site, arcname="site")
    size = SITE_ARCHIVE.stat().st_size / 2**20
    print(f"wrote {SITE_ARCHIVE} ({size:.1f} MiB)")
    return 0


# --------------------------------------------------------------------------- run


class Runner:
    """Runs the steps as subprocesses, timing each and appending its output to run.log."""

    def __init__(self, out: Path, env: dict[str, str], *, budget: bool) -> None:
        self.out, self.env, self.budget = out, env, budget
        self.log = out / "run.log"
        self.steps: list[dict[str, Any]] = []
        self.started = time.perf_counter()

    def step(self, name: str, command: list[str], *, timeout: float, **extra_env: str) -> bool:
        left = BUDGET_S - (time.perf_counter() - self.started) if self.budget else timeout
        print(f"== {name}: {' '.join(command)}", flush=True)
        began = time.perf_counter()
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"\n===== {name}: {' '.join(command)}\n")
            log.flush()
            try:
                done = subprocess.run(
                    command, cwd=REPO, env={**self.env, **extra_env}, stdout=log,
                    stderr=subprocess.STDOUT, timeout=max(30.0, min(timeout, left)),
                )
                rc: int | None = done.returncode
            except subprocess.TimeoutExpired:
                rc = None
                log.write(f"\n===== {name}: timed out\n")
        elapsed = time.perf_counter() - began
        status = "ok" if rc == 0 else "timeout" if rc is None else f"failed (exit {rc})"
        self.steps.append({"step": name, "status": status, "elapsed_s": round(elapsed, 1)})
        total = time.perf_counter() - self.started
        print(f"   {status} in {elapsed:.1f} s (total {total:.1f} s)", flush=True)
        return rc == 0


def _site_env(env: dict[str, str]) -> list[str]:
    """PYTHONPATH entries: the repo, its adapters and, when needed, the carried packages."""
    paths = [str(REPO), str(REPO / "adapters")]
    probe = subprocess.run(
        [sys.executable, "-c", "import pydantic, inspect_ai, lm_eval"],
        env={**env, "PYTHONPATH": os.pathsep.join(paths)}, capture_output=True,
    )
    if probe.returncode == 0:
        return paths
    if not SITE_ARCHIVE.is_file():
        raise SystemExit(
            f"pydantic, inspect_ai or lm_eval is missing and {SITE_ARCHIVE} is absent: "
            "run `python benchmarks/gpu_check.py prepare` where the package index is reachable"
        )
    target = Path(tempfile.gettempdir()) / "judgespec-gpu-site"
    if not (target / "site").is_dir():
        with tarfile.open(SITE_ARCHIVE) as tar:
            tar.extractall(target, filter="data")
    return [*paths, str(target / "site")]


def run(args: argparse.Namespace) -> int:
    import torch

    out = Path(args.out or os.environ.get("OUT") or "gpu-check-out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    cuda = torch.cuda.is_available() and not args.dry_run
    dry = not cuda
    device = "cuda" if cuda else "cpu"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "INSPECT_DISPLAY": "none",
        "PYTHONUNBUFFERED": "1",
    }
    env["PYTHONPATH"] = os.pathsep.join(_site_env(env))
    if dry:
        print("DRY RUN: no CUDA device, so every step runs on the CPU with tiny settings; "
              "no figure below is a GPU figure", flush=True)
    runner = Runner(out, env, budget=not dry)
    py = sys.executable
    me = str(Path(__file__).resolve())
    runner.step("environment", [py, me, "environment", "--result", str(out / "environment.json")], timeout=180)
    tests = [py, "-m", "pytest", "-m", "gpu", "-q", "-rs", "-p", "no:cacheprovider",
             f"--junitxml={out / 'gpu-tests.xml'}", "tests/gpu", "tests/judge/test_judge_transformers.py"]
    if dry:  # the CPU stands in for the GPU; bfloat16 matmuls are slow on CPUs: float32 only
        runner.step("gpu-tests", [*tests, "-k", "random and float32"], timeout=900,
                    JUDGESPEC_GPU_TEST_DEVICE="cpu")
    else:
        runner.step("gpu-tests", tests, timeout=150)
    bench = [py, "benchmarks/bench_judge.py", "--device", device]

    def benchmark(config: str) -> None:
        result = str(out / f"bench-{config}.json")
        if dry:
            runner.step(f"bench-{config}", [*bench, "--config", "tiny", "--prompts", "2", "--candidates", "3",
                        "--batch-sizes", "2,4", "--repeats", "1", "--max-tokens", "4", "--json", result], timeout=600)
        else:
            runner.step(f"bench-{config}", [*bench, "--config", config, "--batch-sizes", "16,32,64,128",
                        "--repeats", "2", "--threads", "8", "--json", result], timeout=200)

    benchmark("1b")
    work = Path(tempfile.mkdtemp(prefix="judgespec-gpu-check-"))
    for framework in ("inspect", "lmeval"):
        runner.step(framework, [py, me, "adapter", framework, "--device", device, "--work", str(work),
                    "--result", str(out / f"{framework}-scorecard.json")], timeout=150 if cuda else 900)
    benchmark("8b")  # last: the longest step, cut first if the budget runs out
    summary = {
        "dry_run": dry,
        "device": device,
        "steps": runner.steps,
        "elapsed_s": round(time.perf_counter() - runner.started, 1),
        "budget_s": BUDGET_S,
    }
    for name in ("environment", "bench-1b", "bench-8b"):
        path = out / f"{name}.json"
        if path.is_file():
            summary[name] = json.loads(path.read_text(encoding="utf-8"))
    for framework in ("inspect", "lmeval"):
        path = out / f"{framework}-scorecard.json"
        if path.is_file():
            card = json.loads(path.read_text(encoding="utf-8"))
            summary[framework] = {"counts": card.get("counts"), "run": card.get("run"),
                                  "check": card.get("gpu_check")}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out / "environment.json").unlink(missing_ok=True)  # kept in summary.json (8 files come back)
    failed = [s["step"] for s in runner.steps if s["status"] != "ok"]
    label = "DRY RUN (CPU) " if dry else ""
    print(f"{label}done in {summary['elapsed_s']} s; {len(runner.steps) - len(failed)}/{len(runner.steps)} "
          f"steps ok{'; failed: ' + ', '.join(failed) if failed else ''}; results in {out}", flush=True)
    return 1 if failed else 0


# --------------------------------------------------------------------------- step bodies


def environment(args: argparse.Namespace) -> int:
    import platform

    import torch
    import transformers

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "cuda": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(),
        "cpu_count": os.cpu_count(),
    }
    for name in ("judgespec", "inspect_ai", "lm_eval", "pydantic"):
        try:
            module = __import__(name)
            info[name] = getattr(module, "__version__", "?")
        except ImportError as exc:
            info[name] = f"missing: {exc}"
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info["gpu"] = props.name
        info["gpu_memory_gib"] = round(props.total_memory / 2**30, 1)
        info["capability"] = f"{props.major}.{props.minor}"
    smi = shutil.which("nvidia-smi")
    if smi:
        done = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                              capture_output=True, text=True)
        info["nvidia_smi"] = done.stdout.strip()
    print(json.dumps(info, indent=2))
    Path(args.result).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


def _random_llama(directory: Path) -> Path:
    """A small random Llama (seed 0) with a locally trained tokenizer: policy and judge."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_judge import CONFIGS, _tokenizer

    if (directory / "config.json").is_file():
        return directory
    tokenizer = _tokenizer(directory, 1000)
    config = LlamaConfig(
        **{**CONFIGS["tiny"], "vocab_size": len(tokenizer)},
        max_position_embeddings=2048,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng():
        torch.manual_seed(0)
        LlamaForCausalLM(config).save_pretrained(directory)
    return directory


def _contract(work: Path, model: Path, device: str) -> Path:
    from judgespec.judge import directory_sha256

    dtype = "bfloat16" if device.startswith("cuda") else "float32"
    path = work / f"judge-{device}.yaml"
    path.write_text(
        f"""spec_version: 1
name: gpu-check-logprob
version: 1.0.0
judge:
  model: random-llama
  backend: transformers
  revision: "{directory_sha256(model)}"
  model_args: {{path: "{model}", device: {device}, dtype: {dtype}, batch_size: 16}}
protocol: {{kind: logprob, scale: {{min: 1, max: 5}}, answer_prefix: "Score: "}}
prompt:
  system: You are a strict grader. Answer with a single digit.
  template: |
    {{{{ prompt }}}}
    Candidate answer: {{{{ response }}}}
    How correct is the candidate answer, from 1 (wrong) to 5 (correct)?
  variables: [prompt, response]
""",
        encoding="utf-8",
    )
    return path


def _lmeval_task(work: Path) -> Path:
    import yaml

    data = REPO / "tests" / "lmeval" / "data" / "arithmetic.jsonl"
    config = {
        "task": "gpu_check_arith",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data)}},
        "test_split": "test",
        "output_type": "generate_until",
        "doc_to_text": "Question: {{question}}\nAnswer:",
        "doc_to_target": "{{answer}}",
        "generation_kwargs": {"until": ["\n"], "max_gen_toks": 8, "do_sample": False},
        "metric_list": [{"metric": "exact_match", "aggregation": "mean", "higher_is_better": True}],
        "filter_list": [
            {
                "name": "strict",
                "filter": [
                    {"function": "regex", "regex_pattern": "The answer is (-?[0-9]+)"},
                    {"function": "take_first"},
                ],
            }
        ],
        "metadata": {"version": 1.0},
    }
    path = work / "gpu_check_arith.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def adapter(args: argparse.Namespace) -> int:
    """One best-of-2 audit through Inspect or lm-eval, policy and judge on ``--device``."""
    import torch

    work = Path(args.work)
    model = _random_llama(work / "random-llama")
    contract = _contract(work, model, args.device)
    cuda = args.device.startswith("cuda")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    began = time.perf_counter()
    if args.framework == "inspect":
        from inspect_ai import eval as inspect_eval

        from judgespec_inspect import bon_audit, scorecard_path_for

        dataset = REPO / "tests" / "inspect" / "data" / "arithmetic.jsonl"
        task = bon_audit(contract=str(contract), dataset=str(dataset), n=2, max_tokens=8, n_bootstrap=50)
        policy_args = {"device": args.device, "dtype": "bfloat16" if cuda else "float32"}
        (log,) = inspect_eval(
            task, model=f"hf/{model}", model_args=policy_args, limit=3,
            max_connections=4, log_dir=str(work / "inspect-logs"), display="none",
        )
        if log.status != "success":
            raise SystemExit(f"Inspect run failed: {log.error}")
        card_path = scorecard_path_for(log.location)
    else:
        from judgespec_lmeval import run_lmeval_audit

        dtype = "bfloat16" if cuda else "float32"
        card_path = run_lmeval_audit(
            contract, task=_lmeval_task(work), n=2, model="hf",
            model_args={"pretrained": str(model), "dtype": dtype}, out_dir=work / "lmeval",
            limit=3, device="cuda:0" if cuda else "cpu", max_gen_toks=6, n_bootstrap=50,
            evaluate_options={"batch_size": 8},
        )
    card = json.loads(Path(card_path).read_text(encoding="utf-8"))
    imported = sorted(m for m in NEVER_IMPORTED if m in sys.modules)
    if imported:  # they are not carried to the GPU machine: the run there would fail
        raise SystemExit(f"{args.framework} imported {imported}, which `prepare` leaves out")
    card["gpu_check"] = {
        "framework": args.framework,
        "device": args.device,
        "elapsed_s": round(time.perf_counter() - began, 2),
        "peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 3) if cuda else None,
    }
    Path(args.result).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    counts = card.get("counts", {})
    print(f"{args.framework}: scorecard with {counts.get('prompts')} prompts, "
          f"{counts.get('candidates')} candidates on {args.device}: {card['gpu_check']}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="build .gpu-deps/site.tar.gz (needs the package index)")
    p.add_argument("--python-version", default=GPU_PYTHON)
    p = sub.add_parser("run", help="run every step (a dry run on the CPU without CUDA)")
    p.add_argument("--out", default=None, help="output folder (default $OUT, else ./gpu-check-out)")
    p.add_argument("--dry-run", action="store_true", help="run the CPU dry run even with CUDA")
    p = sub.add_parser("environment", help="(a step) record versions and the GPU")
    p.add_argument("--result", required=True)
    p = sub.add_parser("adapter", help="(a step) one audit through Inspect or lm-eval")
    p.add_argument("framework", choices=("inspect", "lmeval"))
    p.add_argument("--device", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--result", required=True)
    args = parser.parse_args()
    commands = {"prepare": prepare, "run": run, "environment": environment, "adapter": adapter}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
