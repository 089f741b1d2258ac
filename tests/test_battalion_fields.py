"""Only the battalion writes its own fields: the mechanisms change it through its verbs."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sim"


def battalion_fields(changing_only: bool = False) -> set[str]:
    """Attributes a ``Battalion`` assigns on itself; ``changing_only``: outside ``__init__``.

    Those are its changing state (where it is, what it is doing, what it has); the rest
    (its id, name, side, ...) is fixed at its creation.
    """
    tree = ast.parse((PACKAGE / "agents.py").read_text(encoding="utf-8"))
    battalion = next(node for node in tree.body
                     if isinstance(node, ast.ClassDef) and node.name == "Battalion")
    methods = [m for m in battalion.body if isinstance(m, ast.FunctionDef)
               and not (changing_only and m.name == "__init__")]
    return {node.attr for method in methods for node in ast.walk(method)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id == "self"}


def outside_writes(source: str, fields: set[str]) -> list[str]:
    """``name.field = ...`` on another object than ``self`` (or on ``x.y.field``)."""
    writes = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                and node.attr in fields and ast.unparse(node.value) != "self":
            writes.append(f"line {node.lineno}: {ast.unparse(node)}")
    return writes


def test_the_scan_finds_a_write_from_outside():
    assert outside_writes("unit.withdrawing = True\nself.withdrawing = True\n",
                          {"withdrawing"}) == ["line 1: unit.withdrawing"]


def test_no_module_but_the_agent_writes_a_battalions_fields():
    fields = battalion_fields(changing_only=True)
    assert {"_state", "orders", "encircled", "supply_days", "strength"} <= fields
    found = {path.name: outside_writes(path.read_text(encoding="utf-8"), fields)
             for path in PACKAGE.glob("*.py") if path.name != "agents.py"}
    assert {name: writes for name, writes in found.items() if writes} == {}


def test_the_dead_in_contact_flag_is_gone():
    assert "in_contact" not in battalion_fields()


def test_a_battalion_changes_state_only_as_the_transition_table_allows(scenario):
    import pytest

    from sim.model import OperationModel
    from sim.states import TRANSITIONS, IllegalTransition, UnitState

    assert TRANSITIONS[UnitState.DESTROYED] == frozenset()
    model = OperationModel(scenario, rng=0)
    unit = model.battalions["az_712"]
    assert unit.state == UnitState.HOLDING
    unit.become(UnitState.BROKEN, "a test")
    with pytest.raises(IllegalTransition, match="az_712: BROKEN -> MARCHING"):
        unit.become(UnitState.MARCHING, "a test")  # a broken battalion rallies first
    unit.lose("killed", unit.strength)
    assert unit.state == UnitState.DESTROYED
    with pytest.raises(IllegalTransition, match="DESTROYED -> HOLDING"):
        unit.become(UnitState.HOLDING, "a test")


def test_orders_change_only_as_their_table_allows(scenario):
    import pytest

    from sim.model import OperationModel
    from sim.states import ORDER_CHANGES, IllegalTransition, Orders

    assert ORDER_CHANGES[Orders.WITHDRAWING] == frozenset({Orders.WITHDRAWING})
    model = OperationModel(scenario, rng=0)
    unit = model.battalions["az_712"]
    assert unit.orders == Orders.TASK and not (unit.withdrawing or unit.resupplying)
    unit.fall_back_for_supply("dashkasan")
    assert unit.resupplying and not unit.withdrawing
    unit.withdraw()  # the withdrawal order overrides the pause to restock
    assert unit.withdrawing and not unit.resupplying
    with pytest.raises(IllegalTransition, match="az_712: orders WITHDRAWING -> TASK"):
        unit.end_supply_pause(resume=True)  # a battalion falling back stays so
    with pytest.raises(IllegalTransition, match="WITHDRAWING -> RESUPPLYING"):
        unit.fall_back_for_supply("dashkasan")


def test_every_change_of_state_is_an_event_with_its_cause(scenario):
    from sim.model import OperationModel
    from sim.states import UnitState

    model = OperationModel(scenario, rng=0)
    unit = model.battalions["az_712"]
    unit.become(UnitState.HOLDING, "already holding")  # no change, no event
    unit.become(UnitState.BROKEN, "losses 30%")
    unit.rally()
    changes = [e for e in model.events if e["event"] == "state" and e["unit"] == "az_712"]
    assert [e["cause"] for e in changes] == ["holding -> broken: losses 30%",
                                             "broken -> holding: rallied"]
    model.run_for(40)
    logged = [e for e in model.events if e["event"] == "state"]
    assert logged, "a replay's battalions change state"
    for event in logged:
        old, _, rest = event["cause"].partition(" -> ")
        new, _, why = rest.partition(": ")
        assert UnitState(old) != UnitState(new) and why
