"""Published tables (CSV, TSV, Parquet, Excel) checked against hierarchies and rules.

A table spec (YAML with a top-level `tables:` key, see spec.py and docs/tables.md) names the
tables, their dimensions and measure, the hierarchy of each dimension and the policy for
missing cells. The flow is the project's: load (load.py) -> compile rules into plans
(plan.py) -> evaluate the plans with the numpy engine (engine.py) -> Results (check.py).
Importing this package registers the table rule kinds in missingstats.rules.RULE_KINDS.
"""

from missingstats.tables import kinds as _kinds  # noqa: F401  (registers the rule kinds)
