import io
import itertools

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from sim.animation import ReplayRecorder, animate_replay
from sim.cli import main
from sim.mapping import cut_roads, draw_map, snapshot
from sim.model import OperationModel
from sim.scenario import UnitType, load_scenario
from sim.symbols import UnitSymbol, echelon_mark, frame_for_side, icon_parts

from .conftest import POSTS

KEY_PLACES = ("kalbajar", "omar_pass", "toganali", "vardenis", "martakert", "gamish_peak",
              "sotk_pass", "agdag_pass", "dashkasan", "susuzluq", "qamisli", "dadivank")


def shared_area(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0) * max(h, 0)


def symbols_on(ax):
    return [a for a in ax.get_children() if isinstance(a, UnitSymbol)]


@pytest.fixture(scope="module")
def historical_map(scenario):
    """The historical scenario two days in, drawn and rendered with Agg."""
    model = OperationModel(scenario, rng=0)
    model.run_for(8)
    fig = draw_map(model)
    fig.savefig(io.BytesIO(), format="png", dpi=fig.dpi)
    return model, fig


@pytest.fixture
def posts():
    return OperationModel(load_scenario(POSTS), rng=0)


def test_one_symbol_per_battalion_in_the_field(historical_map):
    model, fig = historical_map
    drawn = sorted(s.battalion_id for s in symbols_on(fig.axes[0]))
    assert drawn == sorted(u.battalion_id for u in model.battalions.values() if u.in_field)
    assert len(drawn) == 13  # the reinforcements of January and February have not arrived


def test_a_destroyed_battalion_is_not_drawn(scenario):
    model = OperationModel(scenario, rng=0)
    caply = model.battalions["arm_caply"]
    caply.lose("killed", caply.strength)
    drawn = {s.battalion_id for s in symbols_on(draw_map(model).axes[0])}
    assert "arm_caply" not in drawn and "arm_vanadzor_1" in drawn


def test_place_names_do_not_overlap_each_other_or_the_symbols(historical_map):
    model, fig = historical_map
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    names = {t.get_gid().split(":", 1)[1]: t.get_window_extent(renderer) for t in ax.texts
             if (t.get_gid() or "").startswith("place-label:")}
    assert set(names) == set(model.world.places)
    for a, b in itertools.combinations(names, 2):
        assert shared_area(names[a], names[b]) == 0, f"{a} overlaps {b}"
    frame = ax.get_window_extent(renderer)
    for place in KEY_PLACES:
        box = names[place]
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= frame.y1
        for symbol in symbols_on(ax):
            assert shared_area(box, symbol.get_window_extent(renderer)) == 0, \
                f"{symbol.battalion_id} covers the name of {place}"


def test_a_battalion_symbol_carries_the_battalion_mark():
    assert echelon_mark("battalion") == "II"
    assert (echelon_mark("company"), echelon_mark("regiment"), echelon_mark("brigade")) == (
        "I", "III", "X")
    with pytest.raises(ValueError):
        echelon_mark("corps group")
    symbol = UnitSymbol("b", (0.0, 0.0), unit_type=UnitType.MOTOR_RIFLE, colour="#1f5fbf",
                        strength=540, strength_share=0.9)
    texts = [c.get_text() for c in symbol.offsetbox.get_children() if isinstance(c, Text)]
    assert "II" in texts and "540" in texts


def test_every_unit_type_has_its_app6_icon():
    assert icon_parts(UnitType.INFANTRY) == ("infantry",)
    assert icon_parts(UnitType.MOTOR_RIFLE) == ("infantry", "armour")
    assert icon_parts(UnitType.TANK) == ("armour",)
    assert icon_parts(UnitType.ARTILLERY) == ("artillery",)
    assert set(icon_parts(UnitType.ROCKET_ARTILLERY)) == {"artillery", "rocket"}
    for unit_type in UnitType:
        assert icon_parts(unit_type)
    assert frame_for_side(0) != frame_for_side(1)
    plain = UnitSymbol("b", (0.0, 0.0), unit_type=UnitType.INFANTRY, colour="#888888")
    mountain = UnitSymbol("b", (0.0, 0.0), unit_type=UnitType.INFANTRY, colour="#888888",
                          extra_parts=("mountain",))
    assert len(mountain.offsetbox.get_children()) == len(plain.offsetbox.get_children()) + 1


def test_a_road_the_enemy_sits_on_is_drawn_cut(posts):
    model = posts
    assert snapshot(model).cut_roads == ()
    edge = model.world.roads.edge("omar_pass", "kalbajar")
    model.battalions["far_post"].cell = model.grid[edge.cells[len(edge.cells) // 2]]
    model.update_control(capture=False)
    model.supply_lines.trace()
    assert (edge.u, edge.v, "blue") in snapshot(model).cut_roads
    gids = [line.get_gid() or "" for line in draw_map(model).axes[0].lines]
    assert f"cut-road:{edge.u}-{edge.v}:blue" in gids


def test_a_reopened_road_is_no_longer_cut():
    events = [{"event": "road_cut", "place": "a-b", "side": "s"},
              {"event": "road_cut", "place": "b-c", "side": "s"},
              {"event": "road_reopened", "place": "a-b", "side": "s"}]
    assert cut_roads(events) == (("b", "c", "s"),)


def test_a_pass_closed_by_snow_is_drawn(posts):
    road = posts.passes.roads[0]
    road.closed = True
    gids = [line.get_gid() or "" for line in draw_map(posts).axes[0].lines]
    assert f"closed-road:{road.edge.u}-{road.edge.v}" in gids


def test_draws_into_the_callers_axes(posts):
    fig = Figure(figsize=(9, 7))
    ax = fig.subplots()
    assert draw_map(posts, title="posts", ax=ax) is fig
    assert ax.get_title() == "posts"
    assert len(symbols_on(ax)) == len(posts.battalions)


def test_the_recorder_takes_one_snapshot_per_frame_period():
    model = OperationModel(load_scenario(POSTS, ["duration_days=2"]), rng=0)
    recorder = ReplayRecorder(model, frame_hours=12)
    recorder.run()
    days = [(s.when.day, s.when.hour) for s in recorder.snapshots]
    assert days == [(5, 0), (5, 12), (6, 0), (6, 12), (7, 0)]
    with pytest.raises(ValueError):
        ReplayRecorder(model, frame_hours=0)


def test_the_animation_has_one_frame_per_day(tmp_path):
    model = OperationModel(load_scenario(POSTS, ["duration_days=3"]), rng=0)
    recorder = ReplayRecorder(model)
    recorder.run()
    paths = animate_replay(recorder, tmp_path, dpi=40, mp4=False)
    assert set(paths) == {"gif"}
    with Image.open(paths["gif"]) as gif:
        assert gif.n_frames == 4
        assert gif.size == (480, 360)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_run_animate_writes_the_replay(tmp_path):
    code = main(["run", str(POSTS), "--out", str(tmp_path), "--quiet", "--no-map", "--animate",
                 "--frame-hours", "12", "--set", "duration_days=1"])
    assert code == 0
    with Image.open(tmp_path / "replay.gif") as gif:
        assert gif.n_frames == 3
    assert not (tmp_path / "map.png").exists()


def test_symbols_carry_their_battalions_designations(scenario):
    from sim.mapping import designations

    names = designations(scenario)
    assert names["az_701_4"] == "701 4" and names["arm_karabakh_1"] == "karabakh 1"
    assert set(names) == set(scenario.battalions)
    posts = designations(load_scenario(POSTS))  # ids with no common prefix stay whole
    assert posts["village_post"] == "village post"
