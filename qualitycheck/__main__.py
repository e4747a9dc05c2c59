"""`python -m qualitycheck`: the command line the installed `qualitycheck` script runs, for environments
where the script is not on PATH."""
from .cli import main

if __name__ == "__main__":   # importing the module (pkgutil.walk_packages in the tests) runs nothing
    main(prog_name="qualitycheck")
