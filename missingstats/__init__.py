"""missingstats: check published figures on missing persons for internal consistency.

Kept import-light on purpose: the CLI's --help and --version must not pull in pandas.
"""

__version__ = "0.1.0"
