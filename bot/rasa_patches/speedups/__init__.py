"""Patches that make Rasa do the same work faster. Installed unless RASA_SPEEDUPS=0, and only
on the Rasa version they were written for."""
