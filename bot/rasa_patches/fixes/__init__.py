"""Patches that change what Rasa does for the visitor (an apology when an action
fails, a retried message answered once). Always installed."""
