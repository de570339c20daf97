"""The action server: thin rasa-sdk actions, one module per concern.

The logic they call lives in the ``bot`` package; this package only adapts it to Rasa.
"""
