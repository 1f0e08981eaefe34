"""Calibration of the baseline against real countries (WDI data).

A world loaded for a start year (e.g. 2000) is run without a programme, its exogenous
drivers following the data, and its resident patent filings are compared with the
reported ones in later years (:mod:`~ipsim.calibration.targets`,
:mod:`~ipsim.calibration.backcast`). :func:`~ipsim.calibration.fit.calibrate` fits a few
mechanism parameters with Optuna (resumable); :mod:`~ipsim.calibration.report` writes
simulated against observed, country by country and in aggregate.
"""

from ipsim.calibration.backcast import Backcast
from ipsim.calibration.fit import PARAMETERS, CalibrationResult, calibrate
from ipsim.calibration.targets import Statistics, statistics

__all__ = ["PARAMETERS", "Backcast", "CalibrationResult", "Statistics", "calibrate", "statistics"]
