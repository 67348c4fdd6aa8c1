"""The six mechanisms of the weekly protocol, one module each, each switchable by config
(``mechanisms.<name>.enabled``): pressure, vetoes, council (agenda setting and the vote),
commitments, ground, sequencing. Each module holds plain functions of the model."""
