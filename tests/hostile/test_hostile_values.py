"""Values that would crash a later command are refused by ``validate``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_cli import VALID, replace, validate_refuses

BACKEND = "  backend: transformers\n"


def _args(backend: str, args: str) -> str:
    return replace(BACKEND, f"  backend: {backend}\n  model_args: {args}\n")


VALUES: list[tuple[str, str, list[str]]] = [
    # spec_version must be the integer 1
    ("spec-true", replace("spec_version: 1", "spec_version: true"), ["spec_version: True is not supported"]),
    ("spec-float", replace("spec_version: 1", "spec_version: 1.0"), ["spec_version: 1.0 is not supported"]),
    ("spec-string", replace("spec_version: 1", "spec_version: '1'"), ["spec_version: '1' is not supported"]),
    ("spec-two", replace("spec_version: 1", "spec_version: 2"), ["spec_version: 2 is not supported"]),
    ("spec-zero", replace("spec_version: 1", "spec_version: 0"), ["spec_version: 0 is not supported"]),
    ("spec-null", replace("spec_version: 1", "spec_version: null"), ["spec_version: None is not supported"]),
    ("spec-list", replace("spec_version: 1", "spec_version: [1]"), ["spec_version: [1] is not supported"]),
    ("spec-missing", replace("spec_version: 1\n", ""), ["spec_version: missing"]),
    # non-finite and out-of-range numbers
    ("margin-inf", VALID + "tie_policy: {kind: expected, margin: .inf}\n", ["tie_policy.margin", "finite number"]),
    ("margin-nan", VALID + "tie_policy: {kind: expected, margin: .nan}\n", ["tie_policy.margin", "finite number"]),
    ("margin-minus-inf", VALID + "tie_policy: {kind: expected, margin: -.inf}\n", ["tie_policy.margin"]),
    ("margin-1e999", VALID + "tie_policy: {kind: expected, margin: 1e999}\n", ["tie_policy.margin", "finite number"]),
    ("margin-negative", VALID + "tie_policy: {kind: expected, margin: -0.5}\n", ["tie_policy.margin", "greater than or equal to 0"]),
    ("temperature-nan", replace("temperature: 0.0", "temperature: .nan"), ["judge.decoding.temperature", "finite number"]),
    ("temperature-inf", replace("temperature: 0.0", "temperature: .inf"), ["judge.decoding.temperature", "finite number"]),
    ("top-p-nan", replace("max_tokens: 16}", "max_tokens: 16, top_p: .nan}"), ["judge.decoding.top_p", "finite number"]),
    ("threshold-inf", VALID + "gates:\n  - {metric: recovery, threshold: .inf}\n", ["gates[0].threshold", "finite number"]),
    ("threshold-nan", VALID + "gates:\n  - {metric: recovery, threshold: .nan}\n", ["gates[0].threshold", "finite number"]),
    ("model-arg-inf", _args("lmeval", "{max_length: .inf}"), ["judge.model_args.max_length"]),
    ("max-tokens-huge", replace("max_tokens: 16", "max_tokens: 99999999999"), ["judge.decoding.max_tokens", "less than or equal"]),
    ("samples-zero", VALID + "samples: {count: 0}\n", ["samples.count", "greater than or equal to 1"]),
    ("scale-huge", replace("{min: 1, max: 10}", "{min: -99999999999, max: 99999999999}"), ["more than 100 points"]),
    # seeds
    ("tie-seed-negative", VALID + "tie_policy: {kind: seeded_random, seed: -1}\n", ["tie_policy.seed", "greater than or equal to 0"]),
    ("tie-seed-huge", VALID + "tie_policy: {kind: seeded_random, seed: 99999999999999}\n", ["tie_policy.seed", "less than or equal to 2147483583"]),
    ("decoding-seed-negative", replace("max_tokens: 16}", "max_tokens: 16, seed: -5}"), ["judge.decoding.seed", "greater than or equal to 0"]),
    ("decoding-seed-huge", replace("max_tokens: 16}", "max_tokens: 16, seed: 4294967296}"), ["judge.decoding.seed", "less than or equal"]),
    ("tie-seed-float", VALID + "tie_policy: {kind: seeded_random, seed: 1.5}\n", ["tie_policy.seed"]),
    # gate metrics
    ("gate-typo", VALID + "gates:\n  - {metric: recovry, threshold: 0.2}\n", ["gates[0].metric", "'recovry' is not a scorecard metric", "did you mean 'recovery'?"]),
    ("gate-typo-second", VALID + "gates:\n  - {metric: recovery, threshold: 0.2}\n  - {metric: top1_acuracy, threshold: 0.2}\n", ["gates[1].metric", "did you mean 'top1_accuracy'?"]),
    ("gate-unknown", VALID + "gates:\n  - {metric: vibes, threshold: 0.2}\n", ["'vibes' is not a scorecard metric", "known: recovery"]),
    ("gate-empty", VALID + "gates:\n  - {metric: '', threshold: 0.2}\n", ["gates[0].metric"]),
    ("gate-op", VALID + "gates:\n  - {metric: recovery, op: '>', threshold: 0.2}\n", ["gates[0].op"]),
    # model_args per backend
    ("device-nonsense", _args("transformers", "{device: nonsense}"), ["judge.model_args.device", "'nonsense' is not a device"]),
    ("device-meta", _args("transformers", "{device: meta}"), ["judge.model_args.device", "'meta' holds no weights"]),
    ("device-meta-index", _args("transformers", "{device: 'meta:0'}"), ["'meta' holds no weights"]),
    ("device-cuda-word", _args("transformers", "{device: 'cuda:abc'}"), ["is not a device"]),
    ("device-number", _args("transformers", "{device: 0}"), ["must be a device name"]),
    ("device-bool", _args("transformers", "{device: true}"), ["must be a device name"]),
    ("dtype-unknown", _args("transformers", "{dtype: fp8}"), ["judge.model_args.dtype", "'fp8' is not one of auto"]),
    ("batch-zero", _args("transformers", "{batch_size: 0}"), ["judge.model_args.batch_size", "from 1 to 4096"]),
    ("batch-negative", _args("transformers", "{batch_size: -3}"), ["judge.model_args.batch_size"]),
    ("batch-bool", _args("transformers", "{batch_size: true}"), ["judge.model_args.batch_size"]),
    ("batch-string", _args("transformers", "{batch_size: '8'}"), ["judge.model_args.batch_size"]),
    ("batch-huge", _args("transformers", "{batch_size: 1000000}"), ["judge.model_args.batch_size"]),
    ("prefix-reuse-string", _args("transformers", "{prefix_reuse: 'yes'}"), ["judge.model_args.prefix_reuse", "true or false"]),
    ("path-empty", _args("transformers", "{path: ''}"), ["judge.model_args.path"]),
    ("path-nul", _args("transformers", '{path: "a\\0b"}'), ["judge.model_args.path", "NUL"]),
    ("transformers-typo", _args("transformers", "{pathh: /models/x}"), ["judge.model_args.pathh", "did you mean 'path'?"]),
    ("transformers-unknown", _args("transformers", "{trust_remote_code: true}"), ["judge.model_args.trust_remote_code", "unknown key"]),
    ("replay-unknown", _args("replay", "{path: j.jsonl, device: cpu}"), ["judge.model_args.device", "unknown key for backend 'replay'"]),
    ("replay-path-number", _args("replay", "{path: 5}"), ["judge.model_args.path"]),
    ("lmeval-engine", _args("lmeval", "{engine: tgi}"), ["judge.model_args.engine", "'tgi' is not one of hf, vllm"]),
    ("lmeval-device-meta", _args("lmeval", "{device: meta}"), ["judge.model_args.device", "'meta' holds no weights"]),
    ("lmeval-device-auto", _args("lmeval", "{device: auto}"), ["judge.model_args.device", "is not a device"]),
    ("lmeval-batch", _args("lmeval", "{batch_size: autox}"), ["judge.model_args.batch_size", "'auto:N'"]),
    ("inspect-device-meta", _args("inspect", "{device: meta}"), ["judge.model_args.device", "'meta' holds no weights"]),
    ("model-args-nested", _args("transformers", "{device: {a: 1}}"), ["judge.model_args.device"]),
    (
        "panel-device-meta",
        VALID.split("judge:")[0]
        + "panel:\n  judges:\n    - {model: a/b, revision: abcdef1}\n    - {model: c/d, revision: abcdef1, model_args: {device: meta}}\n"
        + "protocol:" + VALID.split("protocol:")[1],
        ["panel.judges[1].model_args.device", "'meta' holds no weights"],
    ),
]


@pytest.mark.parametrize(("text", "fragments"), [(t, f) for _, t, f in VALUES], ids=[i for i, _, _ in VALUES])
def test_values_that_would_crash_later_are_refused(tmp_path: Path, text: str, fragments: list[str]) -> None:
    validate_refuses(tmp_path, text, *fragments)


def test_cuda_devices_validate_without_a_gpu(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from judgespec.cli import cli

    for device in ("cuda", "cuda:1", "cpu", "auto", "mps"):
        path = tmp_path / f"{device.replace(':', '-')}.yaml"
        path.write_text(_args("transformers", f"{{device: '{device}', dtype: bfloat16, batch_size: 4}}"))
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert result.exit_code == 0, result.output
