"""``python -m evalbench.cli`` runs the command line (used by tests and benchmarks)."""

from evalbench.cli import main

main()
