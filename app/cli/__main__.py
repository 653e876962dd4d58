"""`python -m app.cli` runs the `mercator` command line."""

from app.cli import main

main()
