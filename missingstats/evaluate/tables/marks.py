"""What cells carry beyond their value, applied to a kind's verdict masks, vectorised.

Shared by the table kinds: a rule's `when:` (which instances it applies to), the
publisher's flags (a confidential cell makes an instance not evaluable; a failure with an
estimated or provisional cell is reported at warning level), and missing cells told apart
(absent rows and empty values, each with its own policy).
"""

from __future__ import annotations

import numpy as np

from missingstats.core.findings import Status
from missingstats.evaluate.tables.engine import Engine, Keyed
from missingstats.inputs.tables.flags import CONFIDENTIAL


def when_mask(engine: Engine, kt: Keyed, when: list, digits) -> np.ndarray | None:
    """Bool per instance: kept by every `when:` filter (None: no filter). `digits(dim)`
    gives each instance's code id of a dimension (None: the instance has no such code)."""
    keep = None
    for f in when:
        if f.dimension not in kt.strides:
            continue  # a table without the dimension is not restricted by it
        ids = digits(f.dimension)
        if ids is None:
            continue
        allowed = engine.allowed(f)
        ok = np.zeros(len(ids), dtype=bool)
        inside = ids < len(allowed)
        ok[inside] = allowed[ids[inside]]
        keep = ok if keep is None else keep & ok
    return keep


def flag_masks(kt: Keyed, positions: np.ndarray | None = None
               ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(confidential, downgraded) per cell (at `positions`), None when the table has no flags."""
    bits = kt.bits()
    if bits is None:
        return None, None
    if positions is not None:
        bits = bits[positions]
    flags = kt.table.defn.flags
    soft = (bits & flags.downgraded) != 0 if flags is not None and flags.downgraded else None
    return (bits & CONFIDENTIAL) != 0, soft


def confidential(masks: dict[Status, np.ndarray], conf: np.ndarray | None) -> None:
    """Instances with a confidential cell are not evaluable, whatever their values say."""
    if conf is None or not conf.any():
        return
    for status in (Status.PASS, Status.FAIL, Status.UNDETERMINED):
        masks[status] = masks[status] & ~conf
    masks[Status.NOT_EVALUABLE] = masks[Status.NOT_EVALUABLE] | conf


def missing_policy(masks: dict[Status, np.ndarray], absent: np.ndarray | None,
                   empty: np.ndarray | None, absent_policy: str, empty_policy: str) -> None:
    """Not-evaluable instances whose missing cells' policy is `fail` fail (masks computed
    with missing cells as NaN, or as 0 where their policy is `zero`)."""
    to_fail = np.zeros_like(masks[Status.NOT_EVALUABLE])
    if absent is not None and absent_policy == "fail":
        to_fail |= absent
    if empty is not None and empty_policy == "fail":
        to_fail |= empty
    to_fail &= masks[Status.NOT_EVALUABLE]
    if to_fail.any():
        masks[Status.FAIL] = masks[Status.FAIL] | to_fail
        masks[Status.NOT_EVALUABLE] = masks[Status.NOT_EVALUABLE] & ~to_fail


def listed_statuses(engine: Engine) -> tuple[Status, ...]:
    """The statuses a kind lists: the non-passing ones, and passes with --all-instances."""
    base = (Status.FAIL, Status.UNDETERMINED, Status.NOT_EVALUABLE)
    return (*base, Status.PASS) if engine.list_passes else base
