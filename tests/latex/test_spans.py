"""Rule spans and children without Lark's position propagation.

The parser keeps every token and computes no positions (``propagate_positions`` costs as much as
the parse itself); :class:`checker.latex._transformer.SpanTransformer` derives each rule's span
from its first and last child and drops punctuation.  The law checked here: on any text the
grammar reads, every rule gets exactly the span and the children that Lark itself gives with its
defaults (punctuation filtered, positions propagated).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from checker.latex import _meaningful, _parser
from checker.latex._normalize import normalize
from checker.latex._transformer import Build, SpanTransformer

# Lark's own reading of the same grammar: anonymous and _-named tokens filtered, positions on.
REFERENCE = Lark(_parser().source_grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


class _Echo(SpanTransformer):
    """Every rule as (name, span, children): what Build's methods would receive."""

    def rule(self, tree: Tree[Token], span: tuple[int, int] | None, children: list[object]) -> object:
        return (str(tree.data), span, children)


def _ours(text: str) -> Any:
    return _plain(_Echo(_meaningful()).transform(_parser().parse(text)))


def _plain(node: Any) -> Any:
    if isinstance(node, Token):
        return (node.type, str(node), node.start_pos, node.end_pos)
    name, span, children = node
    return (name, span, [_plain(c) for c in children])


def _lark(node: Tree[Token] | Token) -> Any:
    if isinstance(node, Token):
        return (node.type, str(node), node.start_pos, node.end_pos)
    span = None if node.meta.empty else (node.meta.start_pos, node.meta.end_pos)
    return (str(node.data), span, [_lark(c) for c in node.children])


def _same_as_lark(text: str) -> None:
    try:
        expected = _lark(REFERENCE.parse(text))
    except UnexpectedInput:  # text the lexer splits otherwise (``\\expA``): ours refuses it too
        with pytest.raises(UnexpectedInput):
            _parser().parse(text)
        return
    assert _ours(text) == expected, text


EXAMPLES = [
    r"w^* = (X^T X + 2 n \lambda I)^{-1} X^T t",
    r"\hat{w} = \left[X^\top X + 2n\lambda \mathbb{I}\right]^{-1} X^\top t",
    r"\sigma^2 = \frac{1-p}{p}",
    r"= x",  # an empty first side: skipped when spanning the chain
    r"\sqrt[3]{p} + \|w\|_2^2 - |p|",
    r"\sum_{j=1}^{d} w_j x_j",
    r"\nabla_w (w^T x) \cdot f(x; w)",
    r"\log \exp {p}^{2}",
    r"x' = x - \epsilon \operatorname{sgn}(w)",
    r"-+-p / 2 \times 3",
]


@pytest.mark.parametrize("latex", EXAMPLES)
def test_spans_and_children_match_lark_on_examples(latex: str) -> None:
    _same_as_lark(normalize(latex, max_depth=20).text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(REFERENCE, start="start"))
def test_spans_and_children_match_lark_on_any_grammar_text(text: str) -> None:
    _same_as_lark(text)


def test_meaningful_tokens_are_the_named_terminals() -> None:
    # Exactly what Lark keeps by default: every terminal a rule mentions, minus those it filters.
    mentioned = {sym.name for r in REFERENCE.rules for sym in r.expansion if sym.is_term}
    filtered = {sym.name for r in REFERENCE.rules for sym in r.expansion if sym.is_term and sym.filter_out}
    assert _meaningful() == frozenset(mentioned - filtered)


def _builds_a_node(rule: Any) -> bool:
    """False for a ``?rule`` alternative of one plain symbol: Lark inlines it, no node is built."""
    single = len(rule.expansion) == 1 and not rule.expansion[0].name.startswith("_")
    return bool(rule.alias) or not (rule.options.expand1 and single)


def test_every_grammar_rule_has_a_method() -> None:
    names = {str(r.alias or r.origin.name) for r in REFERENCE.rules if _builds_a_node(r)}
    rules = {name for name in names if not name.startswith("_")}
    assert rules and all(callable(getattr(Build, name, None)) for name in rules), sorted(
        name for name in rules if not callable(getattr(Build, name, None))
    )


def test_our_parser_computes_no_positions() -> None:
    # The point of SpanTransformer: Lark's propagation is off, every token kept.
    assert _parser().options.propagate_positions is False
    assert _parser().options.keep_all_tokens is True


@given(st.just(None))
def test_lark_reference_is_the_same_grammar(_: None) -> None:
    assert REFERENCE.source_grammar == _parser().source_grammar
