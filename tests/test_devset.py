"""Regression guard: extraction quality on our dev set stays at the issue's targets.

The numbers themselves are printed by `make eval` and recorded in the README.
"""

from __future__ import annotations

import pytest

from bench.eval_devset import evaluate, load_devset

pytestmark = pytest.mark.slow


def test_devset_meets_targets() -> None:
    results = evaluate(load_devset())
    assert results["statistics"].f1 >= 0.95, results["statistics"].errors
    assert results["attribution"].accuracy >= 0.9, results["attribution"].errors
    assert results["quote_speakers"].accuracy >= 0.9, results["quote_speakers"].errors
