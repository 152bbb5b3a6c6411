"""Entry point of `make bench` (`python -m bench [--quick]`)."""

import sys

from bench import engine_bench

if __name__ == "__main__":
    engine_bench.main(quick="--quick" in sys.argv)
