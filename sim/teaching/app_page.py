"""The page ``solara run`` loads for ``isf-app`` (see :mod:`sim.teaching.app`)."""

from sim.teaching.app import make_page

page = make_page()
