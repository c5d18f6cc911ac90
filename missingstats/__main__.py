"""Allow `python -m missingstats`."""

from missingstats.cli import main

main()
