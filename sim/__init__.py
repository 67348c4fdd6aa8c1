"""isf-sim: agent-based scenario simulation of the ISF negotiations (Gaza, Nov 2025)."""
