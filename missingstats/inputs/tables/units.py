"""What a table's measure holds, and which values each unit accepts: the one place that says so.

    measure: {value: OBS_VALUE, unit: amount}

`count` (the default) is whole numbers of persons or events; `amount` is any finite decimal
quantity that adds up (thousands of persons with one decimal, tonnes). Both are additive, so
hierarchies and sums apply. Rates, shares and ratios (fractions that do not add up) are
meant to join as further units here: a reader asks `accepts` which values are valid and
`additive` whether sums over a hierarchy make sense, and nothing else in the code base
knows the list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Unit:
    name: str
    whole: bool  # only whole numbers (a fraction is an input error at its cell)
    additive: bool  # parts add up to totals: hierarchies and sums apply
    description: str

    def rejects(self, values: np.ndarray) -> np.ndarray:
        """Bool per value (NaN = not available is fine): which values this unit refuses."""
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values)
            if self.whole:
                bad |= (values != np.floor(values)) & ~np.isnan(values)
        return bad

    def problem(self, value: float) -> str:
        """Why one refused value is wrong, for the input error at its cell."""
        if np.isinf(value):
            return f"{'infinity' if value > 0 else '-infinity'} is not a {self.name}"
        return f"{value!r} is not a whole number" + (
            " (for decimal quantities say measure: {name: column, unit: amount})" if self.whole else "")


UNITS: dict[str, Unit] = {
    "count": Unit("count", whole=True, additive=True,
                  description="whole numbers of persons or events (the default)"),
    "amount": Unit("amount", whole=False, additive=True,
                   description="decimal quantities that add up: thousands of persons, tonnes"),
}
DEFAULT = "count"


def unit(name: str) -> Unit:
    return UNITS[name]
