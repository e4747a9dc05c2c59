"""`python -m qualitycheck` runs the command line, as the `qualitycheck` script does."""
from .cli import main

if __name__ == "__main__":   # importing the module (pkgutil.walk_packages in the tests) runs nothing
    main(prog_name="qualitycheck")
