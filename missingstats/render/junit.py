"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure, test-reporter actions).

Layout, chosen so a dashboard counts what an editor would count:
- one <testsuite> per input file (every file of the run, also those without rules);
- one <testcase> per listed rule instance: classname is the rule id, name the check
  (with its coordinates for table cells), file and line its first figure;
  * a violation is <failure type="error|warning|info">, the body naming every figure,
    its value and line, and the difference;
  * not evaluable (a figure is not reported) and undetermined (bounds too loose to decide)
    are <skipped>, with the reason;
  * a rule that could not run (status "error") is <error>;
- instances the report does not list one by one (cut by --max-failures, or passes a large
  table does not keep) are folded into one <testcase> per rule and kind, named
  "<rule>: N more ...", so `tests` and `failures` add up to the report's exact counts
  as closely as a listing allows while the XML stays small;
- an input that could not be checked (an input error) is one <testcase> named "input
  error" with an <error type="input-error"> in that input's suite, located where the
  problem is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from missingstats.render.common import (
    LISTS,
    coordinates_text,
    error_message,
    error_text,
    instance_lines,
    plural,
    present,
    primary_location,
    side_notes,
    summary_line,
    where,
)
from missingstats.render.context import RenderContext

# Characters XML 1.0 cannot hold even escaped: C0 controls but tab, LF, CR; surrogates;
# U+FFFE and U+FFFF.
_ILLEGAL = {c: None for c in [*range(0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
            if c not in (0x09, 0x0A, 0x0D)}


def _clean(text: object) -> str:
    """XML 1.0 cannot hold most control characters, even escaped: drop them."""
    return str(text).translate(_ILLEGAL)


def _case(suite: ET.Element, res: dict, inst: dict | None, status: str, name: str) -> None:
    attrs = {"classname": _clean(res.get("rule", "")), "name": _clean(name), "time": "0"}
    if inst is not None:
        loc = primary_location(res, inst)
        attrs["file"] = _clean(loc.get("file") or res.get("file", ""))
        if loc.get("line") is not None:
            attrs["line"] = str(loc["line"])
    else:
        attrs["file"] = _clean(res.get("file", ""))
    case = ET.SubElement(suite, "testcase", attrs)
    severity = str((inst or {}).get("severity") or res.get("severity", "error"))
    body = "\n".join(instance_lines(res, inst, status)) if inst is not None else name
    if status == "error" and inst is None:
        body = str(res.get("message") or "the rule could not run")
    if inst is not None and res.get("description"):
        body += f"\nrule: {res['description']}"
    if status == "fail":
        first = instance_lines(res, inst, status)[0] if inst is not None else name
        el = ET.SubElement(case, "failure", {"type": severity, "message": _clean(f"{severity}: {first}")})
        el.text = _clean(body)
    elif status in ("missing", "undetermined"):
        why = "not evaluable" if status == "missing" else "undetermined"
        detail = (inst or {}).get("decides") if present((inst or {}).get("decides")) else (
            "a figure it needs is not reported" if status == "missing" else "")
        el = ET.SubElement(case, "skipped", {"message": _clean(f"{why}: {detail}".rstrip(": "))})
        el.text = _clean(body)
    elif status == "error":
        message = next((m for m in ((inst or {}).get("message"), res.get("message")) if present(m)),
                       "the rule could not run")
        el = ET.SubElement(case, "error", {"type": "rule-error", "message": _clean(message)})
        el.text = _clean(body)


def _instance_name(inst: dict) -> str:
    coords = coordinates_text(inst)
    text = str(inst.get("expression", ""))
    return f"{text} [{coords}]" if coords else text


def _rule_cases(suite: ET.Element, res: dict) -> None:
    listed = {"fail": 0, "undetermined": 0, "missing": 0, "pass": 0}
    if res.get("status") == "error" and not res.get("failures"):
        _case(suite, res, None, "error", str(res.get("rule", "")))
        return
    for key, status in (*LISTS, ("passed_instances", "pass")):
        for inst in res.get(key) or []:
            listed[status] += 1
            _case(suite, res, inst, inst.get("status", status), _instance_name(inst))
    rule = str(res.get("rule", ""))
    rest = {
        "fail": int(res.get("failed", 0)) - listed["fail"],
        "undetermined": int(res.get("undetermined", 0)) - listed["undetermined"],
        "missing": int(res.get("missing", 0)) - listed["missing"],
        "pass": int(res.get("passed", 0)) - listed["pass"],
    }
    words = {"fail": "failed", "undetermined": "undetermined", "missing": "not evaluable",
             "pass": "passed"}
    for status, n in rest.items():
        if n > 0:
            name = f"{rule}: {plural(n, 'more instance')} {words[status]} (not listed)"
            _case(suite, res, None, status, name)


def _input_errors(suite: ET.Element, report: dict, file: str) -> None:
    for err in report.get("errors") or []:
        if str(err.get("input") or err.get("file")) != file:
            continue
        attrs = {"classname": "missingstats.input", "name": "input error", "time": "0",
                 "file": _clean(err.get("file") or file)}
        if err.get("line") is not None:
            attrs["line"] = str(err["line"])
        case = ET.SubElement(suite, "testcase", attrs)
        el = ET.SubElement(case, "error", {"type": "input-error",
                                           "message": _clean(error_message(err))})
        el.text = _clean(error_text(err))


def _count(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def render(report: dict, ctx: RenderContext) -> str:
    root = ET.Element("testsuites", {"name": "missingstats"})
    files = list(report.get("files") or [])
    for res in report.get("results") or []:
        if res.get("file") not in files:
            files.append(res.get("file"))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file in files:
        suite = ET.SubElement(root, "testsuite", {"name": _clean(file), "file": _clean(file)})
        _input_errors(suite, report, str(file))
        for res in report.get("results") or []:
            if res.get("file") == file:
                _rule_cases(suite, res)
        counts = _count(suite)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
        said = [f"note: {where(n)}: {n.get('message', '')}"
                for n in report.get("notes") or [] if n.get("file") == file]
        said += [f"{kind}: {text}" for kind, f, text in side_notes(report) if f == file]
        if said:
            out = ET.SubElement(suite, "system-out")
            out.text = _clean("\n".join(said))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    comment = f"<!-- missingstats: {_clean(summary_line(report)).replace('--', '- -')} -->"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{comment}\n{body}\n'
