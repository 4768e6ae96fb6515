"""`python -m newstrace`: the command line."""
from newstrace.cli import main

if __name__ == "__main__":
    main()
