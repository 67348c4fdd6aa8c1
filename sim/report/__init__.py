"""isf-report: figures, tables and comparisons from isf-sim result folders.

Layers: `folders` reads result folders, `analysis` holds pure functions on tidy
tables, `plots` draws them (matplotlib only), `build` decides which figures the
folders allow, `render` writes PNG/SVG, summary.md and report.html, `cli` is the
`isf-report` command.
"""
