"""Shared test configuration: hypothesis profiles.

``ci`` (loaded when the CI environment variable is set) is derandomized, so a CI run is
reproducible, with modest example counts to keep the suite well under its time budget; ``dev``
explores more. No deadline: CI machines are slow and timing is not what these tests assert.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=80, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
