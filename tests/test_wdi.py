"""The WDI loader: both layouts, aggregates, missing values, imputation, errors."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from ipsim.errors import IpsimError
from ipsim.spec import WDIWorld
from ipsim.wdi import (
    INDICATORS,
    WDIError,
    fill_value,
    find_file,
    load_world,
    read_folder,
    read_metadata,
    read_series,
)

REPO = Path(__file__).resolve().parents[1]
YEARS = list(range(1998, 2004))


def real_data_folder() -> Path:
    """The shared WDI folder: $IPSIM_WDI_DIR, else <repo>/../shared/data/wdi-to-2010."""
    env = os.environ.get("IPSIM_WDI_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data" / "wdi-to-2010"


needs_data = pytest.mark.skipif(
    not real_data_folder().is_dir(), reason="shared WDI data folder absent"
)

# Economies of the small test world: code -> (name, region, income group).
ECONOMIES = {
    "AAA": ("Aland", "Europe & Central Asia", "High income"),
    "BBB": ("Bravo", "East Asia & Pacific", "Upper middle income"),
    "CCC": ("Charlie", "Sub-Saharan Africa", "Low income"),
    "DDD": ("Delta", "South Asia", "Lower middle income"),
    "EEE": ("Echo", "Latin America & Caribbean", ""),  # unclassified
    "FFF": ("Foxtrot", "Middle East & North Africa", "High income"),  # no GDP at all
    "WLD": ("World", "", ""),  # an aggregate
}


def default_values(year: int) -> dict[str, dict[str, float | None]]:
    """Indicator name -> economy -> value in ``year`` (None: not reported)."""
    t = year - 2000
    return {
        "population": {
            "AAA": 5e6,
            "BBB": 80e6 * 1.01**t,
            "CCC": 12e6,
            "DDD": 60e6,
            "EEE": 3e6,
            "FFF": 1e6,
            "WLD": 161e6,
        },
        "gdp_per_capita": {
            "AAA": 30_000 * 1.02**t,
            "BBB": 3_000 * 1.08**t,
            "CCC": 400,
            "DDD": 900,
            "EEE": 8_000,
            "FFF": None,
            "WLD": 5_000,
        },
        "internet": {
            "AAA": 40 + 3 * t,
            "BBB": 5 + t,
            "CCC": None,
            "DDD": 1,
            "EEE": 3,
            "FFF": 50,
            "WLD": 6,
        },
        "rd_intensity": {
            "AAA": 2.0,
            "BBB": 0.8 if year != 2000 else None,
            "CCC": None,
            "DDD": 0.6,
            "EEE": None,
            "FFF": 1.0,
            "WLD": 2.1,
        },
        "patents_resident": {
            "AAA": 2000 * 1.05**t,
            "BBB": 1500 * 1.2**t,
            "CCC": None,
            "DDD": 100,
            "EEE": 0,
            "FFF": 10,
            "WLD": 4000,
        },
        "patents_nonresident": {
            "AAA": 3000,
            "BBB": 5000,
            "CCC": 20,
            "DDD": 400,
            "EEE": 100,
            "FFF": 50,
            "WLD": 9000,
        },
        "trademarks": {
            "AAA": 20000,
            "BBB": 40000,
            "CCC": 500,
            "DDD": 6000,
            "EEE": 2000,
            "FFF": 700,
            "WLD": 70000,
        },
    }


def write_series(
    path: Path, code: str, rows: dict[str, list[str]], years: list[int], preamble: bool
) -> None:
    """One indicator file in the bulk-download format (with or without preamble)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        if preamble:
            handle.write(
                '"Data Source","World Development Indicators",\n\n'
                '"Last Updated Date","2026-01-28",\n\n'
            )
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        tail = [""] if preamble else []
        writer.writerow(
            [
                "Country Name",
                "Country Code",
                "Indicator Name",
                "Indicator Code",
                *map(str, years),
                *tail,
            ]
        )
        for economy, cells in rows.items():
            writer.writerow(
                [ECONOMIES[economy][0], economy, f"Indicator {code}", code, *cells, *tail]
            )


def write_metadata(path: Path, economies: dict[str, tuple[str, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["Country Code", "Region", "IncomeGroup", "SpecialNotes", "TableName", ""])
        for code, (name, region, income) in economies.items():
            writer.writerow([code, region, income, "", name, ""])


def write_folder(
    folder: Path,
    years: list[int] | None = None,
    values=default_values,
    economies: dict[str, tuple[str, str, str]] | None = None,
) -> Path:
    """A WDI folder with every indicator; odd files have the preamble, even ones not."""
    years = years or YEARS
    economies = economies or ECONOMIES
    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, code) in enumerate(INDICATORS.items()):
        rows = {}
        for economy in economies:
            cells = []
            for year in years:
                value = values(year)[name].get(economy)
                cells.append("" if value is None else repr(float(value)))
            rows[economy] = cells
        write_series(
            folder / f"API_{code}_DS2_en_csv_v2.csv", code, rows, years, preamble=i % 2 == 0
        )
    write_metadata(folder / "Metadata_Country_API_IP.PAT.RESD_DS2_en_csv_v2.csv", economies)
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "wdi")


def test_both_layouts_give_the_same_values(tmp_path: Path) -> None:
    rows = {"AAA": ["1.5", "", "3"], "BBB": ["", "", "7"]}
    write_series(tmp_path / "with.csv", "X.Y", rows, [2000, 2001, 2002], preamble=True)
    write_series(tmp_path / "without.csv", "X.Y", rows, [2000, 2001, 2002], preamble=False)
    a, b = read_series(tmp_path / "with.csv"), read_series(tmp_path / "without.csv")
    assert a.economies == b.economies == ("AAA", "BBB")
    np.testing.assert_array_equal(a.years, [2000, 2001, 2002])
    np.testing.assert_array_equal(a.values, b.values)
    assert a.code == "X.Y"


def test_empty_cells_are_missing_never_zero(tmp_path: Path) -> None:
    write_series(
        tmp_path / "s.csv", "X.Y", {"AAA": ["", "0", "2"]}, [2000, 2001, 2002], preamble=True
    )
    values = read_series(tmp_path / "s.csv").row("AAA")
    assert np.isnan(values[0])
    assert values[1] == 0.0
    assert values[2] == 2.0


def test_aggregates_are_excluded_and_regions_read(folder: Path) -> None:
    economies = read_metadata(folder / "Metadata_Country_API_IP.PAT.RESD_DS2_en_csv_v2.csv")
    assert "WLD" not in economies
    assert economies["CCC"].region == "Sub-Saharan Africa"
    assert economies["CCC"].income_group == "Low income"
    assert economies["EEE"].income_group is None


def test_load_world_one_country_per_economy_with_enough_data(folder: Path) -> None:
    world = load_world(WDIWorld(source="wdi", path=str(folder), year=2000))
    # WLD is an aggregate; FFF has no GDP per capita in any year.
    assert sorted(world.codes) == ["AAA", "BBB", "CCC", "DDD", "EEE"]
    i = list(world.codes).index("BBB")
    assert world.population[i] == pytest.approx(80e6)
    assert world.gdp_per_capita[i] == pytest.approx(3000)
    assert world.names[i] == "Bravo"
    assert world.region_names()[i] == "East Asia & Pacific"
    assert world.income_names()[i] == "Upper middle income"


def test_imputed_values_are_flagged(folder: Path) -> None:
    world = load_world(WDIWorld(source="wdi", path=str(folder), year=2000))
    at = {c: i for i, c in enumerate(world.codes)}
    flags = world.imputed
    # BBB's R&D is missing in 2000 only: interpolated between 1999 and 2001, flagged.
    assert flags["rd_intensity"][at["BBB"]]
    assert world.rd_intensity[at["BBB"]] == pytest.approx(0.008)
    assert not flags["rd_intensity"][at["AAA"]]
    assert world.rd_intensity[at["AAA"]] == pytest.approx(0.02)
    # CCC never reports R&D: NaN (the model derives it from income), flagged.
    assert np.isnan(world.rd_intensity[at["CCC"]]) and flags["rd_intensity"][at["CCC"]]
    # CCC never reports internet use: its income group's median, flagged.
    assert flags["internet"][at["CCC"]] and 0 < world.internet[at["CCC"]] < 1
    # EEE has no income group in the metadata: derived from GDP per capita, flagged.
    assert flags["income"][at["EEE"]] and world.income_names()[at["EEE"]] == ("Upper middle income")
    assert not flags["income"][at["AAA"]]
    # Reported zero filings stay zero; never-reported filings are NaN.
    assert world.observed["patents_resident"][at["EEE"]] == 0
    assert np.isnan(world.observed["patents_resident"][at["CCC"]])
    for name in INDICATORS:
        assert flags[name].shape == (world.n,)


def test_fill_value_interpolates_then_carries_within_the_gap() -> None:
    years = np.arange(2000, 2011)
    values = np.full(11, np.nan)
    values[[2, 6]] = [100.0, 400.0]
    assert fill_value(years, values, 2002) == (100.0, False)
    value, filled = fill_value(years, values, 2004)
    assert filled and value == pytest.approx(200.0)  # log-linear midpoint
    assert fill_value(years, values, 2000) == (100.0, True)
    assert np.isnan(fill_value(years, values, 2000, max_gap=1)[0])


def test_states_follow_what_filings_reveal(folder: Path, tmp_path: Path) -> None:
    world = load_world(WDIWorld(source="wdi", path=str(folder), year=2000))
    at = {c: i for i, c in enumerate(world.codes)}
    assert np.median(world.filing_propensity) == pytest.approx(1.0)
    assert np.all(np.isfinite(world.filing_propensity) & (world.filing_propensity > 0))
    assert np.all((world.awareness > 0) & (world.awareness < 1))
    assert np.all((world.legal_maturity > 0) & (world.legal_maturity < 1))

    def doubled(year: int) -> dict:
        values = default_values(year)
        values["patents_resident"]["BBB"] *= 2
        return values

    other = load_world(
        WDIWorld(source="wdi", path=str(write_folder(tmp_path / "x", values=doubled)), year=2000)
    )
    before = world.filing_propensity[at["BBB"]] / world.filing_propensity[at["AAA"]]
    after = other.filing_propensity[at["BBB"]] / other.filing_propensity[at["AAA"]]
    assert after == pytest.approx(2 * before)


def test_scenario_with_a_wdi_world_runs(folder: Path) -> None:
    from ipsim.loading import scenario_from_dict
    from ipsim.model import IPModel

    spec = scenario_from_dict(
        {
            "name": "real",
            "horizon": {"start_year": 2000, "years": 1},
            "world": {
                "source": "wdi",
                "path": str(folder),
                "year": 2000,
                "stakeholders_per_country": 10,
            },
        }
    ).with_strategy("none")
    model = IPModel(spec).run()
    assert list(model.world.codes) == ["AAA", "BBB", "CCC", "DDD", "EEE"]
    table = model.tables()
    filings = table[(table.indicator == "patent_filings_resident") & (table.entity == "AAA")]
    assert len(filings) == 2 and (filings.value >= 0).all()


def test_missing_file_is_named(folder: Path) -> None:
    (folder / "API_IT.NET.USER.ZS_DS2_en_csv_v2.csv").unlink()
    with pytest.raises(WDIError, match=r"missing file API_IT\.NET\.USER\.ZS"):
        read_folder(folder)
    (folder / "Metadata_Country_API_IP.PAT.RESD_DS2_en_csv_v2.csv").unlink()
    write_folder(folder / "second")
    (folder / "second" / "Metadata_Country_API_IP.PAT.RESD_DS2_en_csv_v2.csv").unlink()
    with pytest.raises(WDIError, match="Metadata_Country"):
        read_folder(folder / "second")


def test_missing_folder_is_an_ipsim_error(tmp_path: Path) -> None:
    with pytest.raises(IpsimError, match="WDI folder not found"):
        load_world(WDIWorld(source="wdi", path=str(tmp_path / "nowhere"), year=2000))


def _corrupt(path: Path, economy: str, replace: tuple[str, str]) -> int:
    lines = path.read_text().splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if f'"{economy}"' in line:
            lines[number - 1] = line.replace(*replace, 1)
            path.write_text("".join(lines))
            return number
    raise AssertionError(economy)


@pytest.mark.parametrize("preamble", [True, False])
def test_malformed_value_names_file_and_line(tmp_path: Path, preamble: bool) -> None:
    path = tmp_path / "s.csv"
    write_series(
        path, "X.Y", {"AAA": ["1", "2"], "BBB": ["3", "4"]}, [2000, 2001], preamble=preamble
    )
    line = _corrupt(path, "BBB", ('"3"', '"three"'))
    with pytest.raises(WDIError) as err:
        read_series(path)
    assert err.value.line == line
    assert str(path) in str(err.value) and f"line {line}" in str(err.value)
    assert "'three' is not a number" in str(err.value)


def test_row_with_too_many_cells_and_no_header(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    write_series(path, "X.Y", {"AAA": ["1", "2"]}, [2000, 2001], preamble=False)
    _corrupt(path, "AAA", ('"2"', '"2","9","9"'))
    with pytest.raises(WDIError, match="line 2: 8 cells, but the header has 6"):
        read_series(path)
    path.write_text('"Data Source","World Development Indicators",\n"a","b"\n')
    with pytest.raises(WDIError, match="no header row"):
        read_series(path)


def test_unknown_region_in_metadata_is_named(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    write_metadata(path, {"AAA": ("Aland", "Atlantis", "High income")})
    with pytest.raises(WDIError, match="line 2: unknown region 'Atlantis'"):
        read_metadata(path)


def test_cli_reports_a_missing_file(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ipsim.cli import main

    (folder / "API_SP.POP.TOTL_DS2_en_csv_v2.csv").unlink()
    assert (
        main(["calibrate", "--data", str(folder), "--trials", "1", "--out", str(folder / "out")])
        == 2
    )
    message = capsys.readouterr().err
    assert "missing file API_SP.POP.TOTL" in message and "Traceback" not in message


@needs_data
def test_real_world_2000() -> None:
    world = load_world(WDIWorld(source="wdi", path=str(real_data_folder()), year=2000))
    codes = list(world.codes)
    assert 180 <= world.n <= 217
    for aggregate in ("WLD", "HIC", "EAS", "LMY", "EUU"):
        assert aggregate not in codes
    china = codes.index("CHN")
    assert world.population[china] == pytest.approx(1.26e9, rel=0.01)
    assert world.observed["patents_resident"][china] == 25346
    assert world.income_names()[china] == "Upper middle income"
    # R&D is unreported in 2000 for most economies: derived by the model, flagged.
    assert world.imputed["rd_intensity"].sum() > world.n / 3
    assert np.isnan(world.rd_intensity).sum() <= world.imputed["rd_intensity"].sum()


@needs_data
def test_real_data_reproduces_published_concentration() -> None:
    from ipsim.metrics import gini, top_share

    data = read_folder(real_data_folder())
    codes = list(data.economies)
    for year, top5 in ((2000, 0.85), (2005, 0.87), (2010, 0.865)):
        filings = data.panel("patents_resident", codes, year)
        reported = filings[filings > 0]
        assert gini(reported) == pytest.approx(0.93, abs=0.01)
        assert top_share(reported) == pytest.approx(top5, abs=0.01)


def test_ipsim_run_on_a_wdi_world_lists_imputed_values(folder: Path, tmp_path: Path) -> None:
    import pandas as pd

    from ipsim.cli import main

    scenario = tmp_path / "real.yaml"
    scenario.write_text(
        "name: real\nreplicates: 1\nhorizon: {start_year: 2000, years: 1}\n"
        f"world: {{source: wdi, path: {folder}, year: 2000, stakeholders_per_country: 10}}\n"
        "compare: [none, uniform]\n"
    )
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    imputed = pd.read_csv(out / "imputed.csv")
    assert list(imputed.columns) == ["entity", "indicator", "year_imputed_for"]
    assert len(imputed) > 0 and set(imputed.entity) <= {"AAA", "BBB", "CCC", "DDD", "EEE"}


def test_a_folder_is_parsed_once_but_a_changed_file_is_read_again(folder: Path) -> None:
    first = read_folder(folder)
    assert read_folder(folder) is first  # same contents: parsed once per process
    path = find_file(folder, INDICATORS["population"])
    economy = next(iter(first.economies))
    before = first.value("population", economy, 2000)
    lines = path.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if f'"{economy}"' in line)
    header = next(csv.reader([next(x for x in lines if '"Country Code"' in x)]))
    cells = next(csv.reader([lines[row]]))
    cells[header.index("2000")] = str(before * 2)
    lines[row] = ",".join(f'"{c}"' for c in cells) + "\n"
    path.write_text("".join(lines))
    again = read_folder(folder)
    assert again is not first
    assert again.value("population", economy, 2000) != before
