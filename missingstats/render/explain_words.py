"""Words for localisation results: check's one-line hint, and the reasons explain gives."""

from __future__ import annotations

from missingstats.render.values import number_text

SHORT = {
    "swap": "swapped digits", "dropped": "a dropped digit", "doubled": "a digit typed twice",
    "mistyped": "a mistyped digit", "sign": "a flipped sign",
}
MAX_NAMED = 3  # figures the hint names; explain lists them all


def hint_text(hint) -> str | None:
    """'most likely wrong: detained.servicemen = 640 (probably 604, swapped digits); ...'."""
    parts: list[str] = []
    total = 0
    for result in hint.localisations:
        by_name = {s.figure: s for s in result.suspects}
        names = result.sets[0].figures
        total += len(names)
        parts += [f"{n} = {by_name[n].reported} ({_because(by_name[n])})" for n in names]
    if not parts and not hint.unsearched:
        return None
    shown = parts[:MAX_NAMED]
    if len(parts) > MAX_NAMED:
        shown.append(f"{len(parts) - MAX_NAMED} more")
    text = ("most likely wrong: " + " and ".join(shown)) if shown else (
        "the search for the wrong figures was skipped")
    if len(hint.localisations) == 1:
        result = hint.localisations[0]
        others = len(result.sets) - 1
        if others > 0:
            more = " or more" if result.more else ""
            text += f"; {others}{more} other equally small explanation{'s' if others > 1 or more else ''}"
    if hint.unsearched:
        text += (f"; {hint.unsearched} more failing part{'s' if hint.unsearched > 1 else ''} "
                 "not searched")
    return f"{text}; run missingstats explain {hint.file}"


def _because(s) -> str:
    if s.candidates:
        c = s.candidates[0]
        if c.kind in SHORT:
            return f"probably {number_text(c.value)}, {SHORT[c.kind]}"
        if c.kind == "determined":
            return f"the rules need {number_text(c.value)}"
    lo, hi = s.feasible
    if lo is None and hi is None:
        return "any value the rules allow"
    return f"the rules need {interval_text(lo, hi)}"


def interval_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return number_text(lo) if lo == hi else f"{number_text(lo)} to {number_text(hi)}"
    if lo is not None:
        return f"at least {number_text(lo)}"
    if hi is not None:
        return f"at most {number_text(hi)}"
    return "any value"
