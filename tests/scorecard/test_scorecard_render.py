"""Terminal, Markdown and HTML renderers."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from rich.console import Console

from judgespec.contract._gate import Gate
from judgespec.scorecard import (
    ContractInfo,
    Scorecard,
    render_html,
    render_markdown,
    render_terminal,
)
from judgespec.scorecard._svg import nice_ticks

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}
SVG_LEAVES = {"line", "circle", "rect", "polyline", "path"}


class _StrictParser(HTMLParser):
    """Checks that every element is closed in order, and records tags and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID | SVG_LEAVES:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _StrictParser:
    parser = _StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def _terminal(card: Scorecard) -> str:
    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    render_terminal(card, console=console)
    return console.export_text()


@pytest.fixture
def gated(card_factory: Callable[..., Scorecard]) -> Scorecard:
    return card_factory(
        gates=[
            Gate(metric="recovery", threshold=0.1),
            Gate(metric="tie_rate", op="<=", threshold=0.5),
        ]
    )


# --- Markdown ------------------------------------------------------------------------


def test_markdown_has_metrics_with_intervals(gated: Scorecard) -> None:
    md = render_markdown(gated)
    assert "| recovery | 0.210 | [0.150, 0.273] | 500 prompts |  |" in md
    assert "| kappa | n/a | n/a | 0 pairs | no pairwise comparisons |" in md
    assert "| metric | estimate | 95% CI | n | note |" in md
    assert "| 4 | 0.580 | 0.880 | 0.500 | 0.210 | 500 |" in md
    assert "| recovery ci_low >= 0.1 | 0.150 | PASS |" in md
    assert "| tie_rate ci_high <= 0.5 | 0.700 | **FAIL** |" in md
    assert "**Gates failed.**" in md
    assert "- **warning:** judge revision resolved from a floating alias at lock time" in md
    assert gated.contract.fingerprint in md
    assert "| oracle labelled | 1990 (99.5%) |" in md


def test_markdown_escalations_first_50(scorecard: Scorecard) -> None:
    md = render_markdown(scorecard)
    assert "60 prompt(s) escalated for human review (first 50 shown):" in md
    assert "`prompt-049`" in md and "prompt-050" not in md


def test_markdown_is_deterministic_and_escapes_cells(
    card_factory: Callable[..., Scorecard], contract_factory: Callable[..., ContractInfo]
) -> None:
    card = card_factory(contract=contract_factory(judge_model="a|b"))
    assert render_markdown(card) == render_markdown(card)
    assert "| Judge model | a\\|b @ " in render_markdown(card)


# --- HTML ----------------------------------------------------------------------------


def test_html_is_well_formed_and_self_contained(gated: Scorecard) -> None:
    html = render_html(gated)
    assert html.startswith("<!DOCTYPE html>")
    parser = _parse(html)
    assert parser.tags.count("svg") == 4  # best-of-k, two scatter panels, tie histogram
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    names = {name for name, _ in parser.attrs}
    assert not names & {"src", "href"}
    assert not any(name.startswith("on") for name in names)
    assert html == render_html(gated)


def test_html_contains_numbers_gates_and_escalations(gated: Scorecard) -> None:
    text = " ".join(_parse(render_html(gated)).text)
    for expected in ("0.210", "[0.150, 0.273]", "n/a", "no pairwise comparisons", "PASS", "FAIL"):
        assert expected in text
    assert "judge revision resolved from a floating alias" in text
    assert "60 prompt(s) escalated for human review; the first 50 are listed" in text
    assert "prompt-049" in text and "prompt-050" not in text
    assert "Global (r_global = 0.470)" in text
    assert "Within prompt (r_within = 0.270)" in text


def test_html_escapes_all_text(
    card_factory: Callable[..., Scorecard], contract_factory: Callable[..., ContractInfo]
) -> None:
    evil = '<script>alert("x")</script>'
    card = card_factory(contract=contract_factory(name=evil, warnings=[evil]))
    html = render_html(card)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    parser = _parse(html)
    assert "script" not in parser.tags
    assert evil in " ".join(parser.text)


def test_html_without_diagnostics_or_curve(
    card_factory: Callable[..., Scorecard], result_factory: Callable[..., object]
) -> None:
    card = card_factory(result_factory(bon_curve=[], escalations=[]), include_diagnostics=False)
    parser = _parse(render_html(card))
    assert "svg" not in parser.tags
    assert "No diagnostics in this scorecard." in " ".join(parser.text)


def test_html_plots_show_no_data_for_empty_or_nan(
    card_factory: Callable[..., Scorecard], result_factory: Callable[..., object]
) -> None:
    from judgespec.audit._result import AuditDiagnostics, BonPoint

    nan = float("nan")
    curve = [
        BonPoint(k=1, utility=nan, oracle_utility=nan, random_utility=nan, recovery=nan, prompts=0)
    ]
    card = card_factory(result_factory(bon_curve=curve, diagnostics=AuditDiagnostics()))
    parser = _parse(render_html(card))
    assert parser.tags.count("svg") == 4
    assert " ".join(parser.text).count("no data") == 4


_SVG_NUMBER_ATTRIBUTE = re.compile(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)"')
_SVG_POINTS = re.compile(r'\spoints="([^"]*)"')


def _svg_numbers(html: str) -> list[str]:
    """Every number written into an SVG coordinate attribute or polyline of ``html``."""
    values = _SVG_NUMBER_ATTRIBUTE.findall(html)
    for points in _SVG_POINTS.findall(html):
        values += [v for pair in points.split() for v in pair.split(",")]
    return values


def test_svg_coordinates_are_finite(gated: Scorecard) -> None:
    values = _svg_numbers(render_html(gated))
    assert len(values) > 20, "the report drew (almost) no SVG: nothing to check"
    bad = [v for v in values if not math.isfinite(float(v))]  # float() parses "nan", "inf"
    assert not bad, f"non-finite SVG coordinates: {bad[:10]}"


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "NaN"])
def test_svg_coordinate_check_rejects_non_finite_values(bad: str) -> None:
    """The check above can fail: float() accepts these spellings, isfinite does not."""
    html = f'<svg><circle cx="{bad}" cy="1" r="2"/><polyline points="0,0 1,{bad}"/></svg>'
    values = _svg_numbers(html)
    assert values.count(bad) == 2
    assert not all(math.isfinite(float(v)) for v in values)


def test_nice_ticks() -> None:
    assert nice_ticks(0.0, 1.0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0.48, 0.9) == [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert nice_ticks(-4.7, 4.6) == [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]
    assert nice_ticks(3.0, 3.0) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert nice_ticks(float("nan"), 1.0) == []


# --- terminal ------------------------------------------------------------------------


def test_terminal_shows_header_metrics_and_gates(gated: Scorecard) -> None:
    out = _terminal(gated)
    assert "judgespec scorecard: helpfulness-pointwise" in out
    assert "sha256:3f2a9c1e7b5d" in out and gated.contract.fingerprint not in out
    assert "Qwen/Qwen2.5-0.5B-Instruct @ 7ae557604adf" in out
    assert "offline" in out
    assert "500 prompts, 2000 candidates" in out and "15 parse failures" in out
    assert "warning: judge revision resolved from a floating alias at lock time" in out
    assert re.search(r"recovery\s+│\s+0\.210\s+│\s+\[0\.150, 0\.273\]\s+│\s+500 prompts", out)
    assert "95% CI" in out
    assert re.search(r"tie_rate ci_high <= 0\.5\s+│\s+0\.700\s+│\s+FAIL", out)
    assert "gates FAILED" in out
    assert "60 prompt(s) escalated for human review" in out and "(+50 more)" in out


def test_terminal_warnings_are_yellow_and_markup_is_literal(
    card_factory: Callable[..., Scorecard], contract_factory: Callable[..., ContractInfo]
) -> None:
    card = card_factory(contract=contract_factory(name="[bold]x[/bold]", warnings=["[red]w"]))
    console = Console(file=io.StringIO(), width=200, record=True, force_terminal=True)
    render_terminal(card, console=console)
    text = console.export_text(clear=False)
    assert "[bold]x[/bold]" in text and "warning: [red]w" in text
    html = console.export_html(inline_styles=True)
    assert re.search(r'<span style="color: #808000[^"]*">warning: \[red\]w', html)
