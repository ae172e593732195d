"""``python -m narratrace`` runs the command line."""

from narratrace.cli import main

main()
