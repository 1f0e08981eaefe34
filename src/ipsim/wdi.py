"""Real worlds from the World Bank's WDI bulk-download CSV files.

A WDI bulk download is one ``API_<indicator>_DS2_*.csv`` file per indicator (one row per
economy or aggregate, one column per year) and a ``Metadata_Country_*.csv`` file giving
each economy's region and income group. Files come in two layouts: with a four-line
preamble ("Data Source", "Last Updated Date") before the header row, or starting at the
header. Aggregates (regions, income groups, the world) have no region in the metadata
file and are left out. An empty cell means "not reported", never zero.

:func:`load_world` turns a folder of such files into a :class:`~ipsim.world.World` for
one year: one country per economy with a population and a GDP per capita within
:data:`MAX_GAP_YEARS` of that year. Other covariates are imputed when missing (method in
:func:`load_world`), and every imputed value is flagged in ``World.imputed``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ipsim import mechanisms
from ipsim.errors import IpsimError
from ipsim.spec import INCOME_GROUPS, REGIONS, Dynamics, WDIWorld
from ipsim.world import (
    AWARENESS,
    EXPERTISE_INCOME_FACTOR,
    LEGAL_MATURITY,
    OFFICE_EXPERTISE,
    PENDENCY_YEARS,
    World,
)

INDICATORS: dict[str, str] = {
    "population": "SP.POP.TOTL",
    "gdp_per_capita": "NY.GDP.PCAP.CD",
    "internet": "IT.NET.USER.ZS",
    "rd_intensity": "GB.XPD.RSDV.GD.ZS",
    "patents_resident": "IP.PAT.RESD",
    "patents_nonresident": "IP.PAT.NRES",
    "trademarks": "IP.TMK.TOTL",
}
"""Indicators a WDI world reads: name in ipsim -> WDI indicator code."""

REQUIRED = ("population", "gdp_per_capita")
"""Indicators an economy must have (within :data:`MAX_GAP_YEARS`) to become a country."""

MAX_GAP_YEARS = 5
"""Furthest year from which a missing value is filled in (interpolated or carried)."""

_HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")


class WDIError(IpsimError):
    """A WDI file is missing or malformed.

    Attributes:
        path: The file (or folder) concerned.
        line: Line number in the file (1-based), or ``None``.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Series:
    """One WDI indicator: values by economy and year (NaN: not reported).

    Attributes:
        code: The WDI indicator code.
        economies: Country codes, one per row of ``values``.
        names: Country names.
        years: Calendar years, one per column of ``values``.
        values: Floats, shape (economies, years).
        path: The file it was read from.
    """

    code: str
    economies: tuple[str, ...]
    names: tuple[str, ...]
    years: np.ndarray
    values: np.ndarray
    path: Path

    def row(self, economy: str) -> np.ndarray:
        """Values of one economy over all years (all NaN when the economy is absent)."""
        try:
            return self.values[self.economies.index(economy)]
        except ValueError:
            return np.full(len(self.years), np.nan)


@dataclass(frozen=True)
class Economy:
    """An economy in the metadata file (aggregates are not economies)."""

    code: str
    name: str
    region: str
    income_group: str | None


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            return [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError) as err:
        raise WDIError(path, f"cannot read the file ({err})") from None
    except csv.Error as err:
        raise WDIError(path, f"not a valid CSV file ({err})") from None


def _trim(row: list[str]) -> list[str]:
    """Drop the empty cells that trailing commas leave at the end of a row."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def read_series(path: Path | str) -> Series:
    """Read one indicator file in either bulk-download layout.

    Args:
        path: An ``API_<indicator>_DS2_*.csv`` file.

    Returns:
        The indicator's values; empty cells are NaN.

    Raises:
        WDIError: The file is missing, has no header row, or a row is malformed (too
            many cells, no country code, a value that is not a number), naming the line.
    """
    path = Path(path)
    if not path.is_file():
        raise WDIError(path, "file not found")
    rows = _read_rows(path)
    header_at = next(
        (i for i, (_, row) in enumerate(rows) if tuple(c.strip() for c in row[:4]) == _HEADER), None
    )
    if header_at is None:
        raise WDIError(path, "no header row starting with " + ", ".join(f'"{h}"' for h in _HEADER))
    header_line, header = rows[header_at]
    header = _trim(header)
    year_cells = header[4:]
    if not year_cells or not all(c.strip().isdigit() and len(c.strip()) == 4 for c in year_cells):
        raise WDIError(
            path, "header row: the columns after 'Indicator Code' must be years", header_line
        )
    years = np.array([int(c) for c in year_cells])
    codes: list[str] = []
    names: list[str] = []
    values: list[np.ndarray] = []
    indicator: str | None = None
    for line, raw in rows[header_at + 1 :]:
        row = _trim(raw)
        if not row:
            continue
        if len(row) > 4 + len(years):
            raise WDIError(path, f"{len(row)} cells, but the header has {4 + len(years)}", line)
        row = row + [""] * (4 + len(years) - len(row))
        name, code, _, row_indicator = (c.strip() for c in row[:4])
        if not code:
            raise WDIError(path, "no country code", line)
        if code in codes:
            raise WDIError(path, f"country code '{code}' appears twice", line)
        if indicator is None:
            indicator = row_indicator
        elif row_indicator != indicator:
            raise WDIError(
                path, f"indicator '{row_indicator}' differs from the file's '{indicator}'", line
            )
        cells = np.full(len(years), np.nan)
        for j, cell in enumerate(row[4:]):
            cell = cell.strip()
            if not cell:
                continue
            try:
                cells[j] = float(cell)
            except ValueError:
                raise WDIError(
                    path,
                    f"year {years[j]} of '{code}': '{cell}' is not a "
                    "number (leave the cell empty when not reported)",
                    line,
                ) from None
            if not np.isfinite(cells[j]):
                raise WDIError(path, f"year {years[j]} of '{code}': '{cell}' is not finite", line)
        codes.append(code)
        names.append(name)
        values.append(cells)
    if indicator is None:
        raise WDIError(path, "no data rows after the header", header_line)
    table = np.vstack(values) if values else np.zeros((0, len(years)))
    return Series(
        code=indicator,
        economies=tuple(codes),
        names=tuple(names),
        years=years,
        values=table,
        path=path,
    )


def read_metadata(path: Path | str) -> dict[str, Economy]:
    """Read the country metadata file: region and income group of each economy.

    Rows with an empty region (regional and income aggregates, the world) are left out.

    Raises:
        WDIError: The file is missing, lacks a column, or names an unknown region or
            income group.
    """
    path = Path(path)
    if not path.is_file():
        raise WDIError(path, "file not found")
    rows = _read_rows(path)
    if not rows:
        raise WDIError(path, "the file is empty")
    header_line, header = rows[0]
    header = [c.strip() for c in header]
    needed = ("Country Code", "Region", "IncomeGroup")
    missing = [c for c in needed if c not in header]
    if missing:
        raise WDIError(path, f"header lacks column(s) {', '.join(missing)}", header_line)
    at = {c: header.index(c) for c in (*needed, "TableName") if c in header}
    economies: dict[str, Economy] = {}
    for line, row in rows[1:]:
        if not _trim(row):
            continue
        cells = row + [""] * (len(header) - len(row))
        code = cells[at["Country Code"]].strip()
        region = cells[at["Region"]].strip()
        income = cells[at["IncomeGroup"]].strip()
        if not code:
            raise WDIError(path, "no country code", line)
        if not region:
            continue  # an aggregate
        if region not in REGIONS:
            raise WDIError(path, f"unknown region '{region}'; known: {', '.join(REGIONS)}", line)
        if income and income not in INCOME_GROUPS:
            raise WDIError(
                path, f"unknown income group '{income}'; known: {', '.join(INCOME_GROUPS)}", line
            )
        name = cells[at["TableName"]].strip() if "TableName" in at else code
        economies[code] = Economy(code, name or code, region, income or None)
    if not economies:
        raise WDIError(path, "no economy has a region (only aggregates?)")
    return economies


def find_file(folder: Path, indicator: str) -> Path:
    """The file of ``indicator`` (a WDI code) in ``folder``.

    Raises:
        WDIError: No such file, or more than one.
    """
    found = sorted(folder.glob(f"API_{indicator}_*.csv"))
    if not found:
        raise WDIError(
            folder, f"missing file API_{indicator}_DS2_en_csv_v2*.csv (indicator {indicator})"
        )
    if len(found) > 1:
        raise WDIError(
            folder, f"several files for indicator {indicator}: " + ", ".join(p.name for p in found)
        )
    return found[0]


def find_metadata(folder: Path) -> Path:
    """The country metadata file in ``folder`` (the first by name when there are several).

    Raises:
        WDIError: There is none.
    """
    found = sorted(folder.glob("Metadata_Country_*.csv"))
    if not found:
        raise WDIError(folder, "missing file Metadata_Country_*.csv (regions and income groups)")
    return found[0]


@dataclass(frozen=True)
class WDIData:
    """Every indicator a WDI world reads, and the economies of the metadata file."""

    folder: Path
    series: dict[str, Series]
    economies: dict[str, Economy]

    def value(self, indicator: str, economy: str, year: int) -> float:
        """The reported value (NaN when not reported or out of the file's years)."""
        s = self.series[indicator]
        where = np.flatnonzero(s.years == year)
        return float(s.row(economy)[where[0]]) if where.size else float("nan")

    def panel(self, indicator: str, codes: list[str] | np.ndarray, year: int) -> np.ndarray:
        """Reported values of ``codes`` in ``year`` (NaN where not reported)."""
        return np.array([self.value(indicator, c, year) for c in codes])


def read_folder(folder: Path | str) -> WDIData:
    """Read every indicator of :data:`INDICATORS` and the metadata from ``folder``.

    Raises:
        WDIError: The folder or a file is missing, or a file is malformed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise WDIError(folder, "WDI folder not found")
    return _read_folder(folder, _contents(folder))


def _contents(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """A digest of every file in ``folder``: the cache key of :func:`_read_folder`."""
    return tuple(
        (path.name, hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
        for path in sorted(folder.iterdir())
        if path.is_file()
    )


@functools.lru_cache(maxsize=4)
def _read_folder(folder: Path, contents: tuple[tuple[str, bytes], ...]) -> WDIData:
    """Parse a folder, once per process for the same contents.

    A run, a sweep or the browser view builds several worlds from one folder; the parsed
    data are only read, never changed, so they can be shared.
    """
    series = {name: read_series(find_file(folder, code)) for name, code in INDICATORS.items()}
    for name, s in series.items():
        if s.code != INDICATORS[name]:
            raise WDIError(s.path, f"holds indicator '{s.code}', expected '{INDICATORS[name]}'")
    return WDIData(folder=folder, series=series, economies=read_metadata(find_metadata(folder)))


def fill_value(
    years: np.ndarray, values: np.ndarray, year: int, max_gap: int = MAX_GAP_YEARS, log: bool = True
) -> tuple[float, bool]:
    """The value in ``year``, filled in from nearby years when not reported.

    Method: the reported value if there is one; otherwise interpolation (log-linear when
    ``log`` and both values are positive, else linear) between the nearest reported
    years on either side, each within ``max_gap`` years; otherwise the nearest reported
    value within ``max_gap`` years, carried; otherwise NaN.

    Returns:
        ``(value, filled)``: ``filled`` is true when the value was not reported.
    """
    ok = ~np.isnan(values)
    exact = ok & (years == year)
    if exact.any():
        return float(values[exact][0]), False
    before = ok & (years < year) & (years >= year - max_gap)
    after = ok & (years > year) & (years <= year + max_gap)
    if before.any() and after.any():
        y0, y1 = years[before][-1], years[after][0]
        v0, v1 = values[before][-1], values[after][0]
        w = (year - y0) / (y1 - y0)
        if log and v0 > 0 and v1 > 0:
            return float(np.exp((1 - w) * np.log(v0) + w * np.log(v1))), True
        return float((1 - w) * v0 + w * v1), True
    near = before | after
    if near.any():
        candidates = np.flatnonzero(near)
        nearest = candidates[np.argmin(np.abs(years[candidates] - year))]
        return float(values[nearest]), True
    return float("nan"), True


def _income_from_gdp(gdp_per_capita: float) -> int:
    """Income group from GDP per capita, for economies the metadata leaves unclassified.

    Thresholds are the World Bank's GNI per capita bounds of fiscal year 2025 (1,145,
    4,515 and 14,005 USD), applied to GDP per capita.
    """
    return int(np.searchsorted([1145.0, 4515.0, 14005.0], gdp_per_capita, side="right"))


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def log_residuals(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Residuals of ln y on ln x (least squares) where y > 0; NaN elsewhere.

    Each column of ``x`` is a regressor (already on a log scale); an intercept is added.
    """
    y = np.asarray(y, dtype=float)
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    ok = (y > 0) & np.all(np.isfinite(x), axis=1)
    out = np.full(len(y), np.nan)
    if ok.sum() <= x.shape[1] + 1:
        return out
    design = np.column_stack([np.ones(ok.sum()), x[ok]])
    coef, *_ = np.linalg.lstsq(design, np.log(y[ok]), rcond=None)
    out[ok] = np.log(y[ok]) - design @ coef
    return out


STATE_SHIFT = 0.5
"""Logit shift of legal maturity and awareness per log unit of their filings' residual."""


def load_world(spec: WDIWorld, dynamics: Dynamics | None = None) -> World:
    """Load the world of ``spec.year`` from the WDI files in ``spec.path``.

    Countries: every economy of the metadata file (aggregates excluded) with a
    population and a GDP per capita reported within :data:`MAX_GAP_YEARS` of the year.

    Imputation (every imputed value is flagged in ``World.imputed[indicator]``):

    - population, GDP per capita, internet use, R&D intensity, filings: a value not
      reported in the year is interpolated (log-linear) between the nearest reported
      years within 5 years on either side, else carried from the nearest reported year
      within 5 years (:func:`fill_value`);
    - internet use still missing: the median of the same income group in that year;
    - R&D intensity still missing: NaN, so the model derives it from GDP per capita with
      ``dynamics.rd_income_elasticity`` (and lets it follow income over the run);
    - income group not given by the metadata: from GDP per capita (FY2025 thresholds);
    - filings still missing: NaN in ``World.observed`` and no adjustment of the state.

    The states no statistic measures directly start at their income group's level (as
    in the synthetic world) and are shifted by what the filings reveal, each by
    the residual of a log-log regression across countries: legal-framework maturity
    (logit, :data:`STATE_SHIFT` per log unit) by non-resident filings against market size
    (foreign applicants file where the law is strong); IP awareness (logit,
    :data:`STATE_SHIFT`) by trademark filings per head against GDP per capita.
    Stakeholders' expertise starts at its income group's level, as in the synthetic
    world. The country's filing propensity (``World.filing_propensity``) carries what the
    model's own filing equation leaves unexplained: ln(resident filings per head) minus
    ``filing_elasticity`` x ln(R&D per head) and the log multipliers of expertise,
    awareness, legal maturity and pendency (at ``dynamics``, default: the scenario
    defaults), normalised to a median of 1 (as the synthetic world's). Economies without
    resident filings get the value of a least-squares line of that residual on ln GDP per
    capita (flagged in ``imputed["patents_resident"]``). The start year's cross-section
    of filings is thus an initial condition read from the data; growth after it is left
    to the mechanisms.

    Args:
        spec: The world's knobs (``path``: the folder; ``year``: the start year).
        dynamics: Mechanism parameters the start year's filings are read with (default:
            the scenario defaults).

    Returns:
        The world, with ``imputed`` flags and ``observed`` filings of the year.

    Raises:
        WDIError: A file is missing or malformed, or no economy has enough data.
    """
    return world_from_data(read_folder(spec.path), spec.year, dynamics)


def world_from_data(data: WDIData, year: int, dynamics: Dynamics | None = None) -> World:
    """The world of ``year`` from WDI data already read (see :func:`load_world`)."""
    years_ok = any(year in s.years for s in data.series.values())
    if not years_ok:
        raise WDIError(data.folder, f"no file covers the year {year}")
    codes: list[str] = []
    rows: dict[str, list[float]] = {name: [] for name in INDICATORS}
    flags: dict[str, list[bool]] = {name: [] for name in INDICATORS}
    for code in data.economies:
        filled = {}
        for name in INDICATORS:
            s = data.series[name]
            filled[name] = fill_value(s.years, s.row(code), year)
        if any(np.isnan(filled[name][0]) for name in REQUIRED):
            continue
        codes.append(code)
        for name in INDICATORS:
            rows[name].append(filled[name][0])
            flags[name].append(filled[name][1])
    if not codes:
        raise WDIError(
            data.folder,
            f"no economy has a population and a GDP per capita "
            f"within {MAX_GAP_YEARS} years of {year}",
        )
    v = {name: np.array(rows[name]) for name in INDICATORS}
    imputed = {name: np.array(flags[name]) for name in INDICATORS}
    meta = [data.economies[c] for c in codes]
    income = np.array(
        [
            INCOME_GROUPS.index(m.income_group) if m.income_group else _income_from_gdp(g)
            for m, g in zip(meta, v["gdp_per_capita"], strict=True)
        ]
    )
    imputed["income"] = np.array([m.income_group is None for m in meta])
    region = np.array([REGIONS.index(m.region) for m in meta])

    internet = v["internet"] / 100.0
    for g in range(len(INCOME_GROUPS)):
        known = (income == g) & ~np.isnan(internet)
        fill = np.median(internet[known]) if known.any() else np.nanmedian(internet)
        internet[(income == g) & np.isnan(internet)] = fill
    internet = np.clip(np.nan_to_num(internet, nan=0.01), 0.001, 0.99)
    rd = v["rd_intensity"] / 100.0

    gdp, pop = v["gdp_per_capita"], v["population"]
    ln_gdp = np.log(gdp)
    take = np.asarray
    r_nonres = log_residuals(v["patents_nonresident"], np.log(gdp * pop))
    r_tm = log_residuals(v["trademarks"] / pop, ln_gdp)

    def shifted(level: np.ndarray, residual: np.ndarray) -> np.ndarray:
        shift = STATE_SHIFT * np.nan_to_num(residual, nan=0.0)
        return np.clip(_logistic(_logit(level) + shift), 0.02, 0.98)

    legal = shifted(take(LEGAL_MATURITY)[income], r_nonres)
    awareness = shifted(take(AWARENESS)[income], r_tm)
    d = dynamics or Dynamics()
    rd_model = np.where(np.isnan(rd), mechanisms.rd_intensity(gdp, d.rd_income_elasticity), rd)
    pendency = take(PENDENCY_YEARS)[income].astype(float)
    factor = take(EXPERTISE_INCOME_FACTOR)[income].astype(float)
    structural = (
        d.filing_elasticity * np.log(rd_model * gdp)
        + d.expertise_filing_elasticity * np.log(factor)
        + np.log(awareness + (1 - awareness) * d.unaware_filing_factor)
        + np.log(mechanisms.legal_factor(legal, d.legal_filing_floor))
        + np.log(
            mechanisms.will_to_file(pendency, d.pendency_reference_years, d.pendency_sensitivity)
        )
    )
    resident = v["patents_resident"] / pop
    ln_propensity = np.where(
        resident > 0, np.log(np.where(resident > 0, resident, 1.0)) - structural, np.nan
    )
    known = np.isfinite(ln_propensity)
    if known.sum() >= 3:  # economies without filings: on the line through ln GDP per capita
        slope, intercept = np.polyfit(ln_gdp[known], ln_propensity[known], 1)
        ln_propensity[~known] = intercept + slope * ln_gdp[~known]
    else:
        ln_propensity[~known] = np.nanmedian(ln_propensity) if known.any() else 0.0
    propensity = np.exp(ln_propensity - np.median(ln_propensity))
    observed = {name: v[name] for name in ("patents_resident", "patents_nonresident", "trademarks")}
    return World(
        codes=np.array(codes),
        names=np.array([m.name for m in meta]),
        region=region,
        income=income,
        population=pop,
        gdp_per_capita=gdp,
        internet=internet,
        legal_maturity=legal,
        office_expertise=take(OFFICE_EXPERTISE)[income].astype(float),
        awareness=awareness,
        pendency_years=pendency,
        expertise_factor=factor,
        filing_propensity=propensity,
        rd_intensity=rd,
        imputed=imputed,
        observed=observed,
    )
