"""The scenario format reference and the parameter listing come from the schema itself."""

from sim.cli import ROOT
from sim.parameters import Parameters
from sim.reference import format_parameters, parameter_keys, scenario_format_markdown

from .test_input_errors import run_cli


def test_the_scenario_format_reference_is_up_to_date():
    """docs/scenario_format.md is what `run_sim.py schema` writes today."""
    written = (ROOT / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    assert written == scenario_format_markdown(), "run `run_sim.py schema` to update it"


def test_the_reference_covers_every_table_and_key():
    text = scenario_format_markdown()
    for table in ("`top level`", "`places.<id>`", "`battalions.<id>`",
                  "`sides.<id>.plan.phases[]`", "`parameters.evacuation`", "`weather`"):
        assert f"## {table}" in text
    assert "| `strength` | int | required | >= 0, <= 20000 |" in text


def test_every_parameter_is_listed_with_its_description():
    keys = parameter_keys()
    expected = {f"parameters.{group}.{name}" for group, field in Parameters.model_fields.items()
                for name in field.annotation.model_fields}
    assert {k.path for k in keys} == expected
    assert all(k.description for k in keys)  # a unit and a source, or "Assumption"


def test_params_finds_keys_by_part_or_pattern():
    assert [k.path for k in parameter_keys("bearers_per")] == [
        "parameters.evacuation.bearers_per_litter"]
    snow = parameter_keys("*snow*")
    assert snow and all("snow" in k.path for k in snow)
    code, out, err = run_cli(["params", "lethal_heat"])
    assert code == 0 and "parameters.hypothermia.lethal_heat_debt_mj_m2 = 2.006" in out
    assert "Tikuisis" in format_parameters(parameter_keys("lethal_heat"))
    code, out, err = run_cli(["params", "no_such_parameter"])
    assert code == 2 and "no parameter matches" in err


def test_every_cited_source_is_shipped_with_the_repository():
    """S-numbers in the scenario files and the parameters resolve in scenarios/sources.toml."""
    import re
    import tomllib

    shipped = tomllib.loads((ROOT / "scenarios" / "sources.toml").read_text(encoding="utf-8"))
    cited = set()
    for path in [*(ROOT / "scenarios").rglob("*.toml"), ROOT / "sim" / "parameters.py"]:
        cited |= set(re.findall(r"\bS\d+[a-z]?\b", path.read_text(encoding="utf-8")))
    assert cited and cited <= set(shipped["sources"]), sorted(cited - set(shipped["sources"]))
