"""Operation Kalbajar in the browser: the replay on its map, with the what-if knobs at hand.

Start it from the repository root with::

    .venv/bin/solara run app.py

(or ``make app``) and open http://localhost:8765. The sidebar holds the scenario variant
(historical or one of ``scenarios/whatif``) and the knobs: Azerbaijani winter equipment,
start-date shift, the Armenian counter-offensive, the recorded weather forcing and the seed.
Press *Reset* to rebuild the operation with them; *Step* and play advance one day (four
6-hour steps) at a time.

Solara's page loads its scripts from a CDN. On a machine that reaches only the package
registries, fill Solara's asset cache from the npm registry once before starting::

    .venv/bin/python -c "import app; app.fill_asset_cache()"
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from html import escape
from pathlib import Path

import reacton.ipywidgets as rw
import solara
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import Slider, SolaraViz, make_plot_component, solara_viz
from mesa.visualization.utils import update_counter

from sim.mapping import TheatreMap, snapshot
from sim.model import OperationModel
from sim.moments import operation_title
from sim.scenario import Scenario, load_scenario
from sim.scoring import encircled_units

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
HISTORICAL_FILE = SCENARIOS / "kalbajar_1993_94.toml"
VARIANT_FILES = {"historical": HISTORICAL_FILE} | {
    path.stem: path for path in sorted((SCENARIOS / "whatif").glob("*.toml"))
}

HISTORICAL = load_scenario(HISTORICAL_FILE)
# The knobs the scenario declares: whose winter kit the slider sets, which phase may be left out.
KNOBS = HISTORICAL.app
EQUIPPED_SIDE = KNOBS.kit_side
HISTORICAL_WINTER_EQUIPMENT = HISTORICAL.sides[EQUIPPED_SIDE].winter_equipment
COUNTER_OFFENSIVE = (KNOBS.switchable_phase.side, KNOBS.switchable_phase.phase)

STEPS_PER_DAY = round(24 / HISTORICAL.step_hours)
MAP_FIGSIZE = (10.5, 9.0)  # the map, and its legend in one column beside it
MAP_DPI = 90
MAP_SYMBOL_HEIGHT_PT = 10.0
LOSS_STYLES = {"dead": "-", "cold_dead": "--", "hypothermia_dead": (0, (5, 1, 1, 1)),
               "cold_injured": ":", "avalanche_dead": "-."}
LOSS_CAUSE_OF = {f"{side_id}_{cause}": cause
                 for side_id in HISTORICAL.sides for cause in LOSS_STYLES}


def whatif_overrides(variant: Scenario, winter_equipment: float, shift_days: int,
                     counteroffensive: bool, weather_forcing: bool) -> list[str]:
    """The ``key.path=value`` overrides that put the knobs onto a loaded variant.

    A knob left at its historical setting changes nothing, so the variant keeps its own choice;
    a knob moved away from it overrides the variant.
    """
    overrides = []
    winter_equipment = round(float(winter_equipment), 3)  # slider values carry float noise
    if winter_equipment != HISTORICAL_WINTER_EQUIPMENT:
        overrides.append(f"sides.{EQUIPPED_SIDE}.winter_equipment={winter_equipment}")
        overrides += [f"battalions.{battalion_id}.winter_equipment={winter_equipment}"
                      for battalion_id, battalion in variant.battalions.items()
                      if battalion.side == EQUIPPED_SIDE
                      and battalion.winter_equipment is not None]
    if shift_days:
        overrides.append(f"shift_schedule_days={int(shift_days)}")
    if not counteroffensive:
        side, phase_name = COUNTER_OFFENSIVE
        names = [phase.name for phase in variant.sides[side].plan.phases]
        if phase_name in names:
            overrides.append(f"sides.{side}.plan.phases.{names.index(phase_name)}.enabled=false")
    if not weather_forcing:
        overrides.append("weather.forcing_enabled=false")
    return overrides


def build_scenario(variant: str = "historical",
                   winter_equipment: float = HISTORICAL_WINTER_EQUIPMENT, shift_days: int = 0,
                   counteroffensive: bool = True, weather_forcing: bool = True) -> Scenario:
    """Load a scenario variant with the what-if knobs applied."""
    path = VARIANT_FILES[variant]
    overrides = whatif_overrides(load_scenario(path), winter_equipment, shift_days,
                                 counteroffensive, weather_forcing)
    return load_scenario(path, overrides)


class WhatIfModel(OperationModel):
    """The operation built from a variant and the knobs, as SolaraViz passes them.

    Args:
        variant: ``historical`` or the name of a file in ``scenarios/whatif``.
        winter_equipment: share of a full cold-weather kit for every Azerbaijani battalion.
        shift_days: the operation launched this many days earlier (<0) or later than history.
        counteroffensive: whether the Armenian counter-offensive is ordered.
        weather_forcing: whether the recorded weather of February 1994 is imposed.
        seed: seed of the run.

    A knob at its historical setting (the defaults) keeps what the variant says.
    """

    def __init__(self, variant: str = "historical",
                 winter_equipment: float = HISTORICAL_WINTER_EQUIPMENT, shift_days: int = 0,
                 counteroffensive: bool = True, weather_forcing: bool = True,
                 seed: int | str = 0):
        scenario = build_scenario(variant, winter_equipment, shift_days, counteroffensive,
                                  weather_forcing)
        try:
            seed = int(seed)
        except ValueError:
            raise ValueError(f"seed = {seed!r}: expected a whole number") from None
        super().__init__(scenario, rng=seed)


model_params = {
    "variant": {"type": "Select", "value": "historical", "values": list(VARIANT_FILES),
                "label": "Scenario variant"},
    "winter_equipment": Slider(KNOBS.kit_label,
                               HISTORICAL_WINTER_EQUIPMENT, 0.0, 1.0, 0.05),
    "shift_days": Slider("Start-date shift (days)", 0, -120, 30, 1),
    "counteroffensive": {"type": "Checkbox", "value": True,
                         "label": KNOBS.switchable_phase.label or COUNTER_OFFENSIVE[1]},
    "weather_forcing": {"type": "Checkbox", "value": True,
                        "label": "Recorded weather of 12-14 Feb 1994"},
    "seed": {"type": "InputText", "value": "0", "label": "Seed"},
}


MESA_USER_INPUTS = solara_viz.UserInputs


@solara.component
def KnobInputs(user_params, on_change=None):
    """Mesa's sidebar inputs, with every slider's value shown on its thumb at all times.

    Mesa's sliders show their value only while dragged; a reader setting up a what-if wants to
    see the kit share and the date shift the next *Reset* will use. Other inputs are Mesa's own.
    """
    for name, options in user_params.items():
        if not isinstance(options, Slider):
            MESA_USER_INPUTS({name: options}, on_change=on_change)
            continue
        slider = solara.SliderFloat if options.is_float_slider else solara.SliderInt
        slider(options.label, value=options.value, min=options.min, max=options.max,
               step=options.step, thumb_label="always",
               on_value=lambda value, name=name: on_change(name, value))


solara_viz.UserInputs = KnobInputs  # SolaraViz's model panel looks its inputs up by this name


def page_layout(num_components: int) -> list[dict]:
    """The page's grid of 12 columns, with the map over two thirds of its width.

    The report stands beside the map and the loss curves under it; any further component goes
    below them, as Mesa lays it out.
    """
    layout = [{"i": 0, "x": 0, "y": 0, "w": 8, "h": 17, "moved": False},
              {"i": 1, "x": 8, "y": 0, "w": 4, "h": 12, "moved": False},
              {"i": 2, "x": 0, "y": 17, "w": 8, "h": 12, "moved": False}]
    extra = MESA_GRID_LAYOUT(num_components)[len(layout):]
    return layout[:num_components] + [dict(item, y=item["y"] + 29) for item in extra]


MESA_GRID_LAYOUT = solara_viz.make_initial_grid_layout
solara_viz.make_initial_grid_layout = page_layout  # the map large, as a reader needs it


@solara.component
def MapView(model: OperationModel):
    """The theatre with the battalions, ground held, snow and cut roads at the current step.

    The relief, roads and names are drawn once per run; each day only what changed is redrawn.
    The drawing runs beside the page, which shows a progress bar until the map is ready.
    """
    update_counter.get()
    theatre = solara.use_memo(lambda: TheatreMap(
        model.world, model.spec, Figure(figsize=MAP_FIGSIZE, layout="constrained").subplots(),
        legend=True, symbol_height=MAP_SYMBOL_HEIGHT_PT), [model])
    name = solara.use_memo(lambda: operation_title(model), [model])
    drawing_lock = solara.use_memo(threading.Lock, [model])
    snap = solara.use_memo(lambda: snapshot(model), [model, model.time])  # read between steps
    shown, set_shown = solara.use_state(b"")

    def draw() -> None:
        with drawing_lock:  # one figure per run, drawn by one thread at a time
            theatre.show(snap, f"{name}: {snap.when:%d %b %Y %H:%M}, day {snap.day}")
            png = io.BytesIO()
            theatre.fig.savefig(png, format="png", dpi=MAP_DPI)
        set_shown(png.getvalue())

    drawing = solara.use_thread(draw, dependencies=[model, model.time])
    with solara.Column(style={"width": "100%", "height": "100%"}):
        if drawing.state != solara.ResultState.FINISHED:
            solara.ProgressLinear(True)
            if not shown:
                solara.Text(f"Drawing the map of {snap.when:%d %B %Y}...")
        if shown:
            rw.Image(value=shown, format="png",
                     layout={"width": "100%", "height": "100%", "object_fit": "contain"})


def style_losses(ax) -> None:
    """Colour the loss curves by side, dash them by cause, and add a day axis."""
    for line in ax.get_lines():
        line.set_linestyle(LOSS_STYLES[LOSS_CAUSE_OF[line.get_label()]])
    handles = [Line2D([], [], color=side.colour, label=side.name)
               for side in HISTORICAL.sides.values()]
    handles += [Line2D([], [], color="black", ls=style, label=cause.replace("_", " "))
                for cause, style in LOSS_STYLES.items()]
    ax.legend(handles=handles, fontsize=8, ncols=2, loc="upper left")
    steps = max([line.get_xdata()[-1] for line in ax.get_lines()] + [STEPS_PER_DAY])
    men = max([max(line.get_ydata()) for line in ax.get_lines()] + [10])
    ax.set_xlim(0, steps)
    ax.set_ylim(0, men * 1.05)
    ax.set_ylabel("men")
    ax.figure.set_size_inches(6.4, 4.0)
    ax.set_title("Losses by side and cause", fontsize=10)
    days = ax.secondary_xaxis("top", functions=(lambda step: step / STEPS_PER_DAY,
                                                lambda day: day * STEPS_PER_DAY))
    days.set_xlabel("days since the start")


LossCurves = make_plot_component(
    {measure: HISTORICAL.sides[measure.removesuffix("_" + cause)].colour
     for measure, cause in LOSS_CAUSE_OF.items()},
    post_process=style_losses,
)


@solara.component
def SituationReport(model: OperationModel):
    """Date, and for each side: men in the ranks, dead, cold dead, encircled battalions."""
    update_counter.get()
    spec, totals = model.spec, model.collected_totals
    encircled = {side: [u.battalion_id for u in model.side_units(side)
                        if u.in_field and u.encircled] for side in spec.sides}
    ever = {side: encircled_units(model, side) for side in spec.sides}  # as the CLI counts
    rows = {
        "men in the ranks": [totals[s]["alive"] for s in spec.sides],
        "joined": [totals[s]["initial"] + totals[s]["reinforcements"] for s in spec.sides],
        "dead (all causes)": [totals[s]["dead"] for s in spec.sides],
        "dead of cold injuries": [totals[s]["cold_dead"] for s in spec.sides],
        "dead of hypothermia": [totals[s]["hypothermia_dead"] for s in spec.sides],
        "dead untreated (never evacuated)": [totals[s]["dead_unevacuated"] for s in spec.sides],
        "cold injured": [totals[s]["cold_injured"] for s in spec.sides],
        "battalions encircled now": [len(encircled[s]) for s in spec.sides],
        "battalions ever encircled": [ever[s] for s in spec.sides],
    }
    header = "".join(f"<th style='text-align:right'>{escape(side.name)}</th>"
                     for side in spec.sides.values())
    body = "".join(f"<tr><td>{label}</td>"
                   + "".join(f"<td style='text-align:right'>{n:,}</td>" for n in values)
                   + "</tr>" for label, values in rows.items())
    names = ", ".join(name for side in spec.sides for name in encircled[side])
    state = "running" if model.running else "ended"
    days = math.ceil(spec.duration_days)
    day = min(int(model.time // STEPS_PER_DAY) + 1, days)  # the last step ends the last day
    side, phase_name = COUNTER_OFFENSIVE
    counteroffensive = any(phase.enabled for phase in spec.sides[side].plan.phases
                           if phase.name == phase_name)
    settings = (f"started {spec.start_date:%d %b %Y}; {KNOBS.kit_label} "
                f"{spec.sides[EQUIPPED_SIDE].winter_equipment:.2f}; "
                f"{KNOBS.switchable_phase.label or COUNTER_OFFENSIVE[1]} "
                f"{'on' if counteroffensive else 'off'}; recorded weather "
                f"{'on' if spec.weather.forcing_enabled else 'off'}; seed {model.seed}")
    solara.HTML(unsafe_innerHTML=(
        f"<h3>{model.clock.at(model.time):%d %B %Y, %H:%M}</h3>"
        f"<p><b>{escape(spec.name)}</b>, day {day} of {days} ({state})<br>"
        f"<small>{settings}</small></p>"
        f"<table style='width:100%'><tr><th></th>{header}</tr>{body}</table>"
        + (f"<p>Encircled now: {escape(names)}</p>" if names else "")
    ))


def fill_asset_cache(cache_dir: str | Path | None = None) -> Path:
    """Put the scripts and styles Solara's page loads from its CDN into its asset cache.

    For machines that reach the npm registry but not the CDN: each package the page template
    and the draggable grid ask for is fetched with ``npm pack`` and unpacked where Solara's
    CDN proxy looks first (``SOLARA_ASSETS_PROXY_CACHE_DIR``, by default under the
    environment's ``share/solara/cdn``). Packages already there are left alone.
    """
    import solara.widgets
    from solara.server import server, settings

    cache = Path(cache_dir or settings.assets.proxy_cache_dir)
    sources = [server.directory / "templates" / "solara.html.j2",
               *(Path(solara.widgets.__file__).parent / "vue").glob("gridlayout*.vue")]
    wanted = set(re.findall(r"\}/((?:@[\w.-]+/)?[\w.-]+@\d[\w.-]*)/",
                            "\n".join(path.read_text() for path in sources)))
    wanted.add(settings.assets.fontawesome_path.strip("/").split("/")[0])
    unused_app = "solara-vuetify-app@" if server.vue3 else "solara-vuetify3-app@"
    missing = sorted(p for p in wanted if unused_app not in p and not (cache / p).is_dir())
    for package in missing:
        with tempfile.TemporaryDirectory() as download:
            packed = subprocess.run(["npm", "pack", "--json", "--pack-destination", download,
                                     package], check=True, capture_output=True, text=True)
            archive = Path(download) / json.loads(packed.stdout)[0]["filename"]
            unpacked = Path(download) / "unpacked"
            with tarfile.open(archive) as tar:
                tar.extractall(unpacked, filter="data")
            (root,) = unpacked.iterdir()  # npm packs a package under one folder
            (cache / package).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(root, cache / package)
    return cache


components = [MapView, SituationReport, LossCurves]
model = WhatIfModel()
page = SolaraViz(
    model,
    components=components,
    model_params=model_params,
    name="Operation Kalbajar, December 1993 - February 1994",
    play_interval=50,
    render_interval=STEPS_PER_DAY,
)
