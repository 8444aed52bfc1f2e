"""The fast CSV writer writes what ``DataFrame.to_csv(index=False)`` writes, byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innovate_sim.experiments.csv_text import csv_text

FRAMES = {
    "text that needs quoting, missing values": pd.DataFrame(
        {
            "name": ["x,y", 'say "hi"', "", None, "two\nlines", "plain"],
            "usd": [1.5, np.nan, 1e-5, 1e20, -0.0, 0.1 + 0.2],
            "month": [1, 2, 3, 4, 5, 6],
            "empty": [np.nan] * 6,
        }
    ),
    "repeated values": pd.DataFrame(
        {
            "replication": np.repeat(np.arange(50), 20),
            "service": np.tile(["EC2", "EBS", "RDS", "VPC"], 250),
            "usd": np.tile(np.linspace(0.0, 1234.5678, 20), 50) / 7.0,
        }
    ),
    "no rows": pd.DataFrame(columns=["a", "b"]),
    "no columns": pd.DataFrame(),
    "unsigned and 32-bit": pd.DataFrame(
        {"a": np.arange(3, dtype=np.uint16), "b": np.arange(3, dtype=np.float32) / 3}
    ),
    "a kind left to pandas": pd.DataFrame({"flag": [True, False], "x": [1, 2]}),
}


@pytest.mark.parametrize("name", FRAMES)
@pytest.mark.parametrize("header", [True, False])
def test_the_text_is_what_pandas_writes(name: str, header: bool) -> None:
    frame = FRAMES[name]
    assert csv_text(frame, header=header) == frame.to_csv(index=False, header=header)
