"""How each process starts: the Rasa server, the action server, `make run`'s launcher
and its readiness check."""
