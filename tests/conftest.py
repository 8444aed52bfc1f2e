"""Shared test settings.

Hypothesis runs derandomized: a property test explores the same examples on
every run, so CI is deterministic (DESIGN §5: stochastic tests use fixed seeds).
Set ``HYPOTHESIS_PROFILE=explore`` to search with fresh random examples.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
