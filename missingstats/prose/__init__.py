"""Prose: find the counts a letter or report states, and check them against a figure sheet.

document.py  reads plain text or Markdown into paragraphs of single-spaced text that keep
             every character's line and column (PDF transcriptions: blank lines between
             lines, footnote blocks in mid-sentence, hyphenated line ends).
numbers.py   number words, scales and qualifiers ("at least", "tens of thousands").
context.py   the words that say what is counted (civilians, children, missing ...).
extract.py   every number mention, with its kind: count, year, date, reference, ...
compare.py   `check --text`: quoted figures and context-matched counts against the sheet.
draft.py     `extract --output`: a draft figure sheet for an editor to name and review.

Hand-written rules, no model: the vocabulary of UN letters and reports on missing persons
is small and regular, and every decision stays explainable and testable.
"""
