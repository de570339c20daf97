"""Development tools that `make` runs: the dependency audit, the data check, the NLU
evaluation."""
