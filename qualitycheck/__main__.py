"""`python -m qualitycheck`: the command line the installed `qualitycheck` script runs, for environments
where the script is not on PATH (and as the team's own notes call it)."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="qualitycheck")
