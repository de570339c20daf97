"""The benchmark behind `make bench`: the project's set-ups against Rasa's stock one.

`python -m bench` trains both models, serves each set-up in turn on the bench's own
ports, drives simulated visitors over the REST channel and prints a table, writes
var/bench/results.json and ends with the RESULT line (see bench/__main__.py).
"""
