"""examples/quickstart.ipynb runs, fresh, from a directory of its own (nbclient, local kernel,
no network), shows a plot, a paired comparison, the Mesa model of one run and the EMA workbench's
interactive PRIM on the runs, and writes nothing."""

from __future__ import annotations

import pytest

from helpers import ROOT

NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


@pytest.mark.slow
def test_the_quickstart_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.outputs for c in code), "store the notebook without outputs: the test runs it fresh"
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()  # raises CellExecutionError, with the cell and its traceback, if a cell fails
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot"
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "paired on 200 common seeds" in text and "Newcombe paired" in text and "Welch (independent)" in text
    assert "unknown key 'actors.ISR.resolv'" in text  # a bad override, caught
    assert "week 8;" in text  # make_model: the Mesa model, stepped by hand
    assert text.count("coverage") >= 2 and "density" in text  # EMA's PRIM: box.inspect() twice
    assert list(tmp_path.iterdir()) == []  # no results/, outputs/ or .hydra where it ran
