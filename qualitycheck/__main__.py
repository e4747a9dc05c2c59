"""`python -m qualitycheck` runs the command line, as the `qualitycheck` script does."""
from .cli import main

main(prog_name="qualitycheck")
