"""The page ``solara run`` loads for ``isf-app`` (see :mod:`sim.app`)."""

from sim.app import make_page

page = make_page()
