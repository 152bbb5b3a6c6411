"""Entry point of `make bench`: `python -m bench [--quick] [--skip-peers] [--skip-http]`."""

from bench.suite import main

if __name__ == "__main__":
    main()
