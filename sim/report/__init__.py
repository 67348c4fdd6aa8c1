"""isf-report: figures, tables and comparisons from isf-sim result folders.

Layers: `folders` reads result folders, `labels` names them, `analysis` holds pure functions on
tidy tables, `compare` compares two folders (paired on common seeds, false discovery rate
controlled), `plots` and `plots_params` draw (matplotlib only) and `fit` makes every text fit on
the canvas, `sections` makes one figure with its tables, `build` decides which figures the folders
allow, `render` writes PNG/SVG, summary.md, report.html and CSV, `cli` is the `isf-report` command.
"""
