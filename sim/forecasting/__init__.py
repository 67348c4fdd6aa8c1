"""Forecasts that can be scored: isf-forecast writes them, isf-score scores them against outcomes."""
