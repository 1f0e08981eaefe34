"""Where a step's time goes: pyinstrument over a few years of one model.

Usage::

    python benchmarks/profile_step.py                                  # default world, uniform
    python benchmarks/profile_step.py --per-country 1667 --strategy none --years 2
    python benchmarks/profile_step.py --html /tmp/profile.html

Set-up is not profiled; the steps (and, with ``--tables``, the tidy table) are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> None:
    from pyinstrument import Profiler
    from sample import scenario

    from ipsim.model import IPModel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=60)
    parser.add_argument("--per-country", type=int, default=60)
    parser.add_argument("--strategy", default="uniform")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--tables", action="store_true", help="also profile model.tables()")
    parser.add_argument("--html", type=Path, help="write an HTML report here")
    args = parser.parse_args(argv)

    spec = scenario(args.countries, args.per_country, args.strategy, years=args.years)
    model = IPModel(spec, rng=args.seed)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    model.run()
    if args.tables:
        model.tables()
    profiler.stop()
    if args.html:
        args.html.write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
