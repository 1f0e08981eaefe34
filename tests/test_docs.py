"""The documentation stays true to the code."""

from __future__ import annotations

from pathlib import Path

from ipsim.loading import shipped_scenarios
from ipsim.paramdoc import END, START, parameter_tables
from ipsim.recorder import COUNTRY_INDICATORS, WORLD_INDICATORS

ROOT = Path(__file__).resolve().parents[1]


def test_model_md_parameter_tables_are_current():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    current = text[text.index(START) : text.index(END) + len(END)]
    assert current == parameter_tables(), "run: python -m ipsim.paramdoc docs/MODEL.md"


def test_readme_gives_the_two_commands_first_and_every_indicator():
    readme = (ROOT / "README.md").read_text()
    first_block = readme[readme.index("```") : readme.index("```", readme.index("```") + 3)]
    assert "make run" in first_block and "make test" in first_block
    for name in [i.name for i in COUNTRY_INDICATORS] + list(WORLD_INDICATORS):
        assert f"`{name}`" in readme, name
    for name in shipped_scenarios():
        assert f"`{name}`" in readme, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_scenario_example_is_valid(tmp_path):
    from ipsim.loading import load_scenario

    readme = (ROOT / "README.md").read_text()
    start = readme.index("```yaml\nschema_version: 1")
    block = readme[start + len("```yaml\n") : readme.index("```", start + 7)]
    path = tmp_path / "example.yaml"
    path.write_text(block)
    spec = load_scenario(path)
    assert spec.programme.strategy == "digital_first"
    assert [line.kind for line in spec.programme.budget] == ["core", "funds_in_trust", "co_funding"]
