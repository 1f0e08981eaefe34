"""``ipsim calibrate``: fit the baseline to real countries and write the report."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ipsim.cli.common import positive
from ipsim.errors import IpsimError


def default_data_folder() -> Path:
    """``$IPSIM_WDI_DIR``, else ``../shared/data/wdi-to-2010`` from the current folder."""
    env = os.environ.get("IPSIM_WDI_DIR")
    return Path(env) if env else Path("..") / "shared" / "data" / "wdi-to-2010"


def _years(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(y) for y in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"years separated by commas, got '{text}'") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``calibrate``."""
    cal = sub.add_parser(
        "calibrate",
        help="fit the baseline to WDI data (backcast) and write a report",
        description="Load a world for the start year from WDI files, run it without a "
        "programme with drivers following the data, and fit the mechanism parameters "
        "(Optuna; resumable) to the filings of the fit years. Writes params.json, "
        "countries.csv, aggregates.csv, calibration.png and report.md.",
    )
    cal.add_argument(
        "--data",
        type=Path,
        default=None,
        help="WDI folder (default: $IPSIM_WDI_DIR or ../shared/data/wdi-to-2010)",
    )
    cal.add_argument(
        "--trials",
        type=positive,
        default=60,
        help="completed trials the study should hold (default 60); running "
        "again continues the same study",
    )
    cal.add_argument("--start-year", type=int, default=2000, help="year of the initial world")
    cal.add_argument("--end-year", type=int, default=2010, help="last year reported")
    cal.add_argument(
        "--fit-years",
        type=_years,
        default=(2005,),
        help="years fitted, e.g. 2005 or 2005,2010 (default 2005; later years are out of sample)",
    )
    cal.add_argument(
        "--stakeholders",
        type=positive,
        default=20,
        help="stakeholder agents per country (default 20)",
    )
    cal.add_argument(
        "--out",
        type=Path,
        default=Path("results") / "calibration",
        help="folder of the study and the report (default results/calibration)",
    )
    cal.add_argument(
        "--figure",
        type=Path,
        default=None,
        help="also save the figure here (e.g. docs/figures/calibration.png)",
    )
    cal.add_argument(
        "--defaults",
        action="store_true",
        help="no fitting: report how the current defaults fit the data",
    )
    cal.set_defaults(handler=calibrate_command)


def calibrate_command(args: argparse.Namespace) -> int:
    """Run the calibration and write its report."""
    from ipsim.calibration.fit import calibrate, evaluate_defaults
    from ipsim.calibration.report import write_report

    folder = args.data or default_data_folder()
    if not folder.is_dir():
        raise IpsimError(f"WDI folder not found: {folder} (give --data or set IPSIM_WDI_DIR)")
    if args.defaults:
        result = evaluate_defaults(
            folder,
            fit_years=args.fit_years,
            start_year=args.start_year,
            end_year=args.end_year,
            stakeholders_per_country=args.stakeholders,
        )
    else:
        result = calibrate(
            folder,
            trials=args.trials,
            fit_years=args.fit_years,
            start_year=args.start_year,
            end_year=args.end_year,
            out=args.out,
            stakeholders_per_country=args.stakeholders,
        )
    path = write_report(result, args.out, figure_copy=args.figure)
    print(f"ipsim: {result.trials} trials; objective {result.fit.loss:.3f}; report in {path}")
    for name, value in result.params.items():
        print(f"  dynamics.{name} = {value:.4g}")
    print(f"  level factor on kinds.PATENT_RATE = {result.fit.scale:.4g}")
    return 0
