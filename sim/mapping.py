"""Operational maps of a run: relief, roads and places, battalions, ground held, snow.

There is one drawing path. :func:`snapshot` reads what a map shows from a model into a
:class:`MapSnapshot`; a :class:`TheatreMap` draws the fixed layers of a theatre once (relief,
rivers, roads, names, legend) and draws snapshots over them. :func:`draw_map` draws a model as
it stands; :mod:`sim.animation` draws a recorded sequence of snapshots into one TheatreMap.

Layers, from the bottom: hillshaded relief with 500 m contours, drainage (rivers derived from
the DEM), lakes; ground held by each side as a light tint, with the front where the two sides'
ground meets; snow cover; roads by class with their names; cut and snow-closed roads; routes
marched; battalions as APP-6 unit symbols (:mod:`sim.symbols`); place names; a box with the
date and the weather at the main town and pass; scale bar, north arrow, legend.

Names and symbols are placed greedily so that none overlaps another: each place name takes the
first of eight positions around its place that is free, and battalions standing together are
spread out with leader lines to their positions. Axes are kilometres east and north of the
grid's south-west corner in the scenario's projection; the map is drawn at equal scale.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.colors import LightSource, LinearSegmentedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import Bbox

from .scenario import PlaceKind, RoadClass, UnitType
from .states import UnitState
from .symbols import (
    ENCIRCLED_HALO,
    FRAME_HEIGHT_PT,
    UNIT_TYPE_NAMES,
    SymbolKey,
    SymbolKeyHandler,
    UnitSymbol,
    frame_for_side,
)

PLACE_MARKERS = {
    PlaceKind.TOWN: ("s", 6), PlaceKind.VILLAGE: ("o", 4), PlaceKind.PASS: (r"$)($", 9),
    PlaceKind.PEAK: ("^", 6), PlaceKind.JUNCTION: ("D", 4), PlaceKind.POSITION: ("x", 5),
}
# Which names win a contested spot: towns first, then passes and peaks.
PLACE_PRIORITY = [PlaceKind.TOWN, PlaceKind.PASS, PlaceKind.PEAK, PlaceKind.VILLAGE,
                  PlaceKind.JUNCTION, PlaceKind.POSITION]
PLACE_FONTS = {
    PlaceKind.TOWN: dict(fontsize=8.5, fontweight="bold"),
    PlaceKind.PASS: dict(fontsize=7.5, fontstyle="italic"),
    PlaceKind.PEAK: dict(fontsize=7, fontstyle="italic"),
}
# Roads drawn as a casing and a fill, so that the classes differ by line style in print too.
ROAD_STYLES = {
    RoadClass.PAVED: [dict(color="#1a1a1a", lw=3.2, ls="-"), dict(color="#f6d55c", lw=1.8,
                                                                  ls="-")],
    RoadClass.TRACK: [dict(color="#ffffff", lw=2.4, ls="-", alpha=0.7),
                      dict(color="#4a3216", lw=1.4, ls=(0, (5, 2)))],
    RoadClass.PATH: [dict(color="#ffffff", lw=2.0, ls="-", alpha=0.6),
                     dict(color="#4a3216", lw=1.2, ls=(0, (1, 1.6)))],
}
ROAD_NAMES = {RoadClass.PAVED: "paved road", RoadClass.TRACK: "track (unpaved road)",
              RoadClass.PATH: "path (men on foot only)"}
TRACK_STYLES = ["-", (0, (5, 2))]  # routes marched, by side (line style as well as colour)
CUT_ROAD = dict(color="#ff7f00", lw=6.0, alpha=0.8, solid_capstyle="round")
CLOSED_ROAD = dict(color="#6baed6", lw=6.0, alpha=0.9, solid_capstyle="round")
SNOW_LEVELS_M = (0.3, 1.0)
RIVER_MIN_AREA_KM2 = 60.0
CONTOUR_STEP_M = 500
WATER = "#6fa8d6"
SNOWFLAKE = "$\u2744$"
LEGEND_GREY = "#8c8c8c"  # the frame fill of legend symbols that stand for either side


# --------------------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class UnitMark:
    """What the map shows of one battalion in the field."""

    battalion_id: str
    side: str
    unit_type: UnitType
    strength: int
    joined: int
    state: UnitState
    encircled: bool
    withdrawing: bool
    cell: tuple[int, int]
    destination: tuple[int, int] | None
    track: np.ndarray

    @property
    def broken(self) -> bool:
        """Whether the battalion has broken and is falling back."""
        return self.state == UnitState.BROKEN


@dataclass(frozen=True)
class PlaceWeather:
    """Temperature and snow at a named place."""

    name: str
    temperature_c: float
    snow_depth_m: float


@dataclass(frozen=True)
class MapSnapshot:
    """Everything a map shows of a run at one moment.

    Attributes:
        when: the moment.
        day: day of the operation (the start date is day 1).
        units: battalions in the field.
        control: side index controlling each cell (``-1``: nobody), indexed [x, y].
        snow_depth_m: snow depth per cell, or None without weather.
        weather: temperature and snow at the main town and pass.
        cut_roads: road edges the enemy has cut, as (u, v, side whose supply is cut).
        closed_roads: road edges closed by snow, as (u, v, crest cells).
    """

    when: dt.datetime
    day: int
    units: tuple[UnitMark, ...]
    control: np.ndarray
    snow_depth_m: np.ndarray | None
    weather: tuple[PlaceWeather, ...]
    cut_roads: tuple[tuple[str, str, str], ...]
    closed_roads: tuple[tuple[str, str, np.ndarray], ...]


def snapshot(model) -> MapSnapshot:
    """Read what a map shows from a model as it stands."""
    units = []
    for unit in model.battalions.values():
        if not unit.in_field:
            continue
        falling_back = unit.withdrawing or unit.broken
        units.append(UnitMark(
            unit.battalion_id, unit.side, unit.unit_type, unit.strength, unit.joined,
            unit.state, unit.encircled, unit.withdrawing, tuple(unit.coordinate),
            unit.objective_cell if falling_back else None,
            np.asarray(unit.track, dtype=np.int16)))
    weather = ()
    if model.weather is not None:
        weather = tuple(
            PlaceWeather(name, float(model.weather.temperature_c[cell]),
                         float(model.weather.snow_depth_m[cell]))
            for name, cell in weather_places(model.spec, model.world.places))
    closed = tuple((r.edge.u, r.edge.v, np.asarray(r.crest_cells, dtype=np.int16))
                   for r in model.passes.roads if r.closed)
    when = model.clock.at(model.time)
    return MapSnapshot(
        when=when,
        day=(when.date() - model.spec.start_date).days + 1,
        units=tuple(units),
        control=model.control.cells.copy(),
        snow_depth_m=None if model.snow_depth_m is None else model.snow_depth_m.astype(
            np.float32),
        weather=weather,
        cut_roads=cut_roads(model.events),
        closed_roads=closed,
    )


def cut_roads(events) -> tuple[tuple[str, str, str], ...]:
    """Road edges cut by the enemy now, from the run's ``road_cut``/``road_reopened`` events.

    Returns (u, v, side whose supply is cut), in the order the cuts happened.
    """
    cut: dict[tuple[str, str], None] = {}
    for event in events:
        kind = event["event"]
        if kind not in ("road_cut", "road_reopened"):
            continue
        key = (event["place"], event["side"])
        if kind == "road_cut":
            cut[key] = None
        else:
            cut.pop(key, None)
    out = []
    for place, side in cut:
        u, _, v = place.partition("-")
        out.append((u, v, side))
    return tuple(out)


def weather_places(spec, places) -> list[tuple[str, tuple[int, int]]]:
    """The places whose weather the map reports: the scenario's first town and first pass."""
    chosen = []
    for kind in (PlaceKind.TOWN, PlaceKind.PASS):
        for place_id, place in spec.places.items():
            if place.kind == kind:
                chosen.append((short_name(place.name), places[place_id]))
                break
    return chosen


def designations(spec) -> dict[str, str]:
    """Short names for the battalions' symbols: their ids without their side's common prefix.

    ``az_701_4`` -> ``701 4`` where every Azerbaijani id starts ``az_``; an id with no such
    prefix is shown whole, its underscores as spaces.
    """
    names = {}
    for side in spec.sides:
        ids = [bid for bid, b in spec.battalions.items() if b.side == side]
        heads = {bid.split("_", 1)[0] for bid in ids if "_" in bid}
        common = len(heads) == 1 and all("_" in bid for bid in ids) and len(ids) > 1
        for bid in ids:
            names[bid] = (bid.split("_", 1)[1] if common else bid).replace("_", " ")
    return names


def short_name(name: str) -> str:
    """A place's name without its alternative in brackets: 'Kalbajar (Karvachar)' -> 'Kalbajar'."""
    return name.split(" (")[0]


def road_short_name(name: str) -> str:
    """A road's name by its two ends: 'Vardenis - Sotk pass - ... - Martakert' -> ends only."""
    parts = [p.strip() for p in name.split(" - ")]
    return f"{parts[0]} \u2013 {parts[-1]}" if len(parts) > 1 else name


# --------------------------------------------------------------------------- the map


def draw_map(model, title: str | None = None, figsize=(12.5, 10.5), ax=None) -> Figure:
    """Draw the theatre and the battalions of a model at its current time.

    Args:
        model: a :class:`sim.model.OperationModel`.
        title: the map's title (default: scenario name and date).
        figsize: size of a new figure in inches (ignored when ``ax`` is given).
        ax: axes to draw into (a notebook's or a Solara page's); a new figure if None.

    Returns:
        The figure drawn into.
    """
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
    theatre = TheatreMap(model.world, model.spec, ax)
    theatre.show(snapshot(model), title)
    return ax.get_figure(root=True)


class TheatreMap:
    """A map of a scenario's theatre that draws snapshots of a run over its fixed layers.

    The relief, rivers, roads, place markers, scale bar, north arrow and legend are drawn once;
    :meth:`show` replaces what changes (units, ground held, snow, cuts, the date box).

    Args:
        world: the theatre (:class:`sim.world.World`).
        spec: the scenario.
        ax: the axes to draw into.
        legend: whether to draw the legend (to the right of the map).
        symbol_height: height of a unit frame in points.
    """

    def __init__(self, world, spec, ax, legend: bool = True,
                 symbol_height: float = FRAME_HEIGHT_PT):
        self.world, self.spec, self.ax = world, spec, ax
        self.fig = ax.get_figure(root=True)
        if not hasattr(self.fig.canvas, "get_renderer"):
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(self.fig)
        terrain = world.terrain
        self.km = terrain.cell_size_m / 1000.0
        self.extent = (0.0, terrain.width * self.km, 0.0, terrain.height * self.km)
        self.sides = list(spec.sides)
        self.designations = designations(spec)
        self.symbol_height = symbol_height
        self.place_labels: dict[str, object] = {}
        self.road_labels: list = []
        self._label_boxes: list[Bbox] = []
        self._dynamic: list = []
        self._edges = {(e.u, e.v): e for e in world.roads.edges()}
        self._draw_relief()
        self._base = set(ax.get_children())  # drawn once under everything else
        self.legend = None
        self._draw_roads()
        self._draw_places()
        self._scale_bar()
        self._north_arrow()
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_aspect("equal")
        ax.set_anchor("W")  # a map narrower than its space keeps the legend beside it
        ax.set_xlabel(f"km east ({terrain.crs.name})")
        ax.set_ylabel("km north")
        if legend:
            self._legend()

    # ------------------------------------------------------------------ coordinates

    def centre_km(self, cells) -> np.ndarray:
        """Cell centres in map kilometres, for an (n, 2) array of cells."""
        return (np.asarray(cells, dtype=float) + 0.5) * self.km

    # ------------------------------------------------------------------ fixed layers

    def _draw_relief(self) -> None:
        ax, terrain = self.ax, self.world.terrain
        elevation = terrain.elevation_m.T
        shade = LightSource(azdeg=315, altdeg=45).shade(
            elevation, cmap=_terrain_cmap(), blend_mode="soft", vert_exag=2.0,
            dx=terrain.cell_size_m, dy=terrain.cell_size_m, vmin=0, vmax=float(elevation.max()))
        shade = (np.clip(shade, 0, 1) * 255).astype(np.uint8)  # bytes draw fastest
        ax.imshow(shade, origin="lower", extent=self.extent, interpolation="bilinear", zorder=0)
        levels = np.arange(CONTOUR_STEP_M, 5000, CONTOUR_STEP_M)
        xs = (np.arange(terrain.width) + 0.5) * self.km
        ys = (np.arange(terrain.height) + 0.5) * self.km
        contours = ax.contour(xs, ys, elevation, levels=levels, colors="#3b2f24",
                              linewidths=0.3, alpha=0.5, zorder=1)
        ax.clabel(contours, levels[1::2], fontsize=5.5, fmt="%d m", inline=True)
        segments, widths = self._rivers()
        if segments:
            ax.add_collection(LineCollection(segments, linewidths=widths, colors=WATER,
                                             capstyle="round", zorder=1.5))
        water = np.zeros(elevation.shape + (4,), dtype=np.uint8)
        water[terrain.water.T] = (np.array(to_rgba(WATER)) * 255).astype(np.uint8)
        ax.imshow(water, origin="lower", extent=self.extent, interpolation="nearest", zorder=1.6)

    def _rivers(self):
        """Drainage lines of the DEM: cells with a large enough catchment, to their outlet."""
        terrain = self.world.terrain
        receiver, area_cells = terrain_drainage(terrain)
        cell_km2 = self.km * self.km
        area_km2 = area_cells * cell_km2
        source = np.flatnonzero((area_km2 >= RIVER_MIN_AREA_KM2) & (receiver >= 0)
                                & ~terrain.water.ravel())
        if source.size == 0:
            return [], []
        width = terrain.height
        a = np.stack([source // width, source % width], axis=1)
        b = np.stack([receiver[source] // width, receiver[source] % width], axis=1)
        segments = np.stack([self.centre_km(a), self.centre_km(b)], axis=1)
        widths = 0.4 + 0.8 * np.log10(area_km2[source] / RIVER_MIN_AREA_KM2 + 1)
        return list(segments), widths

    def _draw_roads(self) -> None:
        for edge in self.world.roads.edges():
            xy = self.centre_km(edge.cells)
            for style in ROAD_STYLES[edge.road_class]:
                self.ax.plot(xy[:, 0], xy[:, 1], **style, zorder=3, solid_capstyle="round")

    def _draw_places(self) -> None:
        for place_id, cell in self.world.places.items():
            place = self.spec.places[place_id]
            marker, size = PLACE_MARKERS[place.kind]
            x, y = self.centre_km([cell])[0]
            self.ax.plot(x, y, marker=marker, ms=size, color="black", mfc="white", mew=1.0,
                         zorder=9, linestyle="none")

    def _scale_bar(self, length_km: float = 20.0) -> None:
        x0 = self.extent[0] + 0.04 * (self.extent[1] - self.extent[0])
        y0 = self.extent[2] + 0.035 * (self.extent[3] - self.extent[2])
        height = 0.008 * (self.extent[3] - self.extent[2])
        step = length_km / 4
        for i in range(4):
            self.ax.add_patch(Rectangle((x0 + i * step, y0), step, height, lw=0.8, ec="black",
                                        fc="black" if i % 2 == 0 else "white", zorder=14))
        for i, km in enumerate((0, length_km / 2, length_km)):
            self.ax.text(x0 + km, y0 + 2.2 * height, f"{km:.0f}" + (" km" if i == 2 else ""),
                         ha="center", va="bottom", fontsize=7, zorder=14,
                         path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])

    def _north_arrow(self) -> None:
        """An arrow to true north (grid north of the projection differs by the convergence)."""
        terrain = self.world.terrain
        cx, cy = terrain.width // 2, terrain.height // 2
        d_lat_dx = float(terrain.lat[cx + 1, cy] - terrain.lat[cx - 1, cy])
        d_lat_dy = float(terrain.lat[cx, cy + 1] - terrain.lat[cx, cy - 1])
        norm = np.hypot(d_lat_dx, d_lat_dy)
        ux, uy = d_lat_dx / norm, d_lat_dy / norm
        span = self.extent[3] - self.extent[2]
        x0 = self.extent[0] + 0.06 * (self.extent[1] - self.extent[0])
        y0 = self.extent[2] + 0.09 * span
        length = 0.06 * span
        self.ax.annotate("", xy=(x0 + ux * length, y0 + uy * length), xytext=(x0, y0),
                         arrowprops=dict(arrowstyle="-|>,head_width=0.5,head_length=1.0",
                                         lw=1.6, color="black"), zorder=14)
        self.ax.text(x0 + ux * length * 1.18, y0 + uy * length * 1.18, "N", ha="center",
                     va="bottom", fontsize=10, fontweight="bold", zorder=14,
                     path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])

    def _legend(self) -> None:
        spec = self.spec
        handles, labels, headers = [], [], []

        def header(text):
            headers.append(len(handles))
            handles.append(Line2D([], [], alpha=0))
            labels.append(text)

        header("Battalions (APP-6 symbols)")
        for i, side in enumerate(spec.sides.values()):
            handles.append(SymbolKey(UnitType.INFANTRY, side.colour, frame_for_side(i)))
            labels.append(side.name)
        types = [t for t in UnitType if any(b.type == t for b in spec.battalions.values())]
        for unit_type in types:
            handles.append(SymbolKey(unit_type, LEGEND_GREY, "rectangle"))
            labels.append(UNIT_TYPE_NAMES[unit_type])
        handles.append(SymbolKey(UnitType.INFANTRY, LEGEND_GREY, "rectangle", echelon="battalion",
                                 strength_share=0.6))
        labels.append("II battalion, its designation left;\nbar: men left of all who "
                      "joined\n(number below)")
        handles.append(SymbolKey(UnitType.INFANTRY, LEGEND_GREY, "rectangle",
                                 halo=ENCIRCLED_HALO))
        labels.append("encircled (cut off)")
        handles.append(SymbolKey(UnitType.INFANTRY, LEGEND_GREY, "rectangle", faded=True))
        labels.append("broken (pale frame)")
        handles.append(SymbolKey(UnitType.INFANTRY, LEGEND_GREY, "rectangle", heading=True))
        labels.append("withdrawing or falling back\n(arrow: towards its destination)")
        routes = tuple(Line2D([], [], color=side.colour, lw=1.6,
                              ls=TRACK_STYLES[i % len(TRACK_STYLES)])
                       for i, side in enumerate(spec.sides.values()))
        handles.append(routes)
        labels.append("routes marched")

        header("Ground and weather")
        for side in spec.sides.values():
            handles.append(Patch(fc=to_rgba(side.colour, 0.2), ec="none"))
            labels.append(f"ground held by {side.name}")
        if len(spec.sides) == 2:
            handles.append(Line2D([], [], color="#111111", lw=1.8))
            labels.append("front: where the two sides'\nground meets")
        handles.append(Patch(fc=(1, 1, 1, 0.55), ec="#7d94ad", lw=0.5))
        labels.append(f"snow \u2265 {SNOW_LEVELS_M[0] * 100:.0f} cm")
        handles.append(Patch(fc=(1, 1, 1, 0.75), ec="#7d94ad", lw=0.5, hatch="...."))
        labels.append(f"snow \u2265 {SNOW_LEVELS_M[1]:.0f} m")
        handles.append(Line2D([], [], color=WATER, lw=1.4))
        labels.append("river (from the DEM), lake")

        header("Roads and places")
        classes = [c for c in RoadClass if any(e.road_class == c
                                                for e in self.world.roads.edges())]
        for road_class in classes:
            handles.append(tuple(Line2D([], [], **s) for s in ROAD_STYLES[road_class]))
            labels.append(ROAD_NAMES[road_class])
        handles.append((Line2D([], [], **CUT_ROAD),
                        Line2D([], [], ls="none", marker="X", ms=8, mfc="white", mec="black")))
        labels.append("road cut by the enemy; cross in\nthe colour of the side cut off")
        handles.append((Line2D([], [], **CLOSED_ROAD),
                        Line2D([], [], ls="none", marker=SNOWFLAKE, ms=10, color="#08306b")))
        labels.append("pass road closed by snow")
        kinds = [k for k in PLACE_PRIORITY if any(p.kind == k for p in spec.places.values())]
        for kind in kinds:
            marker, size = PLACE_MARKERS[kind]
            handles.append(Line2D([], [], ls="none", marker=marker, ms=size, color="black",
                                  mfc="white"))
            labels.append(str(kind.value))

        options = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                       handlelength=3.0, handleheight=1.7, labelspacing=0.75,
                       borderaxespad=0.0,
                       handler_map={SymbolKey: SymbolKeyHandler(),
                                    tuple: HandlerTuple(ndivide=1),
                                    routes: HandlerTuple(ndivide=None, pad=0.6)})
        for columns in (1, 2):
            if self.legend is not None:
                self.legend.remove()
            self.legend = self.ax.legend(handles, labels, ncols=columns,
                                         **{**options, "fontsize": 7.5 if columns == 1 else 6.8})
            for i in headers:
                self.legend.get_texts()[i].set_fontweight("bold")
                self.legend.get_texts()[i].set_fontsize(8.5)
            renderer = self.fig.canvas.get_renderer()
            if self.legend.get_window_extent(renderer).height <= 0.85 * self.fig.bbox.height:
                break  # one column fits the figure's height; two otherwise

    def frame_artists(self) -> list:
        """What is drawn over the relief: everything but the relief, axes and legend.

        An animation draws the rest once as its background and only these for each frame.
        """
        over = [a for a in self.ax.get_children()
                if a not in self._base and a is not self.legend]
        return sorted(over + [self.ax.title], key=lambda a: a.get_zorder())

    # ------------------------------------------------------------------ what changes

    def clear(self) -> None:
        """Remove what the last :meth:`show` drew."""
        for artist in self._dynamic:
            artist.remove()
        self._dynamic = []

    def show(self, snap: MapSnapshot, title: str | None = None) -> None:
        """Draw a snapshot over the fixed layers (replacing the last one)."""
        self.clear()
        self._draw_control(snap)
        self._draw_snow(snap)
        self._draw_cuts(snap)
        self._draw_tracks(snap)
        self._draw_info(snap)
        self._keep(self.ax.set_title(
            title or f"{self.spec.name}: {snap.when:%d %b %Y %H:%M} (day {snap.day})"))
        if not self.place_labels:
            self._place_names()
        self._draw_units(snap)

    def _keep(self, artist):
        if artist is not None and artist not in self._dynamic and artist is not self.ax.title:
            self._dynamic.append(artist)
        return artist

    def _grid(self, field):
        terrain = self.world.terrain
        xs = (np.arange(terrain.width) + 0.5) * self.km
        ys = (np.arange(terrain.height) + 0.5) * self.km
        return xs, ys, field.T

    def _draw_control(self, snap: MapSnapshot) -> None:
        ax = self.ax
        for i, side_id in enumerate(self.sides):
            held = (snap.control == i).astype(float)
            if not held.any():
                continue
            colour = self.spec.sides[side_id].colour
            self._keep(ax.contourf(*self._grid(held), levels=[0.5, 1.5],
                                   colors=[to_rgba(colour, 0.16)], zorder=2))
        if len(self.sides) == 2:
            sign = np.where(snap.control == 0, 1.0, -1.0)
            front = np.ma.masked_where(snap.control < 0, sign)
            if (front > 0).any() and (front < 0).any():
                self._keep(ax.contour(*self._grid(front), levels=[0.0], colors="#111111",
                                      linewidths=1.8, zorder=2.2))

    def _draw_snow(self, snap: MapSnapshot) -> None:
        if snap.snow_depth_m is None or float(snap.snow_depth_m.max()) < SNOW_LEVELS_M[0]:
            return
        snow = self.ax.contourf(*self._grid(snap.snow_depth_m),
                                levels=[SNOW_LEVELS_M[0], SNOW_LEVELS_M[1], 1e9],
                                colors=[(1, 1, 1, 0.38), (1, 1, 1, 0.55)],
                                hatches=[None, "...."], zorder=2.5)
        snow.set_edgecolor("#7d94ad")
        snow.set_linewidth(0)
        self._keep(snow)

    def _draw_cuts(self, snap: MapSnapshot) -> None:
        ax = self.ax
        for u, v, crest in snap.closed_roads:
            xy = self.centre_km(crest)
            self._keep(ax.plot(xy[:, 0], xy[:, 1], **CLOSED_ROAD, zorder=2.8,
                               gid=f"closed-road:{u}-{v}")[0])
            top = xy[len(xy) // 2]
            self._keep(ax.plot(*top, marker=SNOWFLAKE, ms=13, color="#08306b", zorder=8.5,
                               path_effects=[patheffects.withStroke(linewidth=2.5,
                                                                    foreground="white")])[0])
        crosses: dict[tuple[str, str], int] = {}
        for u, v, side in snap.cut_roads:
            edge = self._edges.get((u, v)) or self._edges.get((v, u))
            if edge is None:
                continue
            xy = self.centre_km(edge.cells)
            self._keep(ax.plot(xy[:, 0], xy[:, 1], **CUT_ROAD, zorder=2.9,
                               gid=f"cut-road:{u}-{v}:{side}")[0])
            # a cross in the colour of the side cut off, beside any other cross on the edge
            n = crosses[(edge.u, edge.v)] = crosses.get((edge.u, edge.v), -1) + 1
            at = xy[min(len(xy) // 2 + 3 * n, len(xy) - 1)]
            self._keep(ax.plot(*at, marker="X", ms=10, mfc=self.spec.sides[side].colour,
                               mec="black", mew=1.0, ls="none", zorder=8.5)[0])

    def _draw_tracks(self, snap: MapSnapshot) -> None:
        for unit in snap.units:
            index = self.sides.index(unit.side)
            if len(unit.track) > 1:
                xy = self.centre_km(unit.track)
                self._keep(self.ax.plot(xy[:, 0], xy[:, 1], color=self.spec.sides[unit.side].colour,
                                        lw=1.5, alpha=0.85, zorder=6,
                                        ls=TRACK_STYLES[index % len(TRACK_STYLES)])[0])

    def _draw_info(self, snap: MapSnapshot) -> None:
        lines = [f"{snap.when:%d %b %Y, %H:%M}   day {snap.day}"]
        for place in snap.weather:
            lines.append(f"{place.name}: {place.temperature_c:+.0f} \u00b0C, snow "
                         f"{place.snow_depth_m * 100:.0f} cm".replace("-", "\u2212"))
        lines.append(f"roads closed by snow: {len(snap.closed_roads)};"
                     f" cut by the enemy: {len(snap.cut_roads)}")
        for side_id, side in self.spec.sides.items():
            units = [u for u in snap.units if u.side == side_id]
            encircled = sum(u.encircled for u in units)
            lines.append(f"{side.name}: {sum(u.strength for u in units):,} men, "
                         f"{len(units)} bns" + (f", {encircled} encircled" if encircled else ""))
        box = self.ax.text(0.012, 0.988, "\n".join(lines), transform=self.ax.transAxes,
                           ha="left", va="top", fontsize=7.5, zorder=15, linespacing=1.3,
                           bbox=dict(boxstyle="round,pad=0.45", fc=(1, 1, 1, 0.88),
                                     ec="#555555", lw=0.8))
        box.set_in_layout(False)
        self.info_box = self._keep(box)

    # ------------------------------------------------------------------ placing names

    def _renderer(self):
        if self.fig.get_layout_engine() is not None:
            self.fig.draw_without_rendering()  # lay the figure out before measuring
        return self.fig.canvas.get_renderer()

    def _place_names(self) -> None:
        """Place the names of places, then of roads, so that no two overlap (greedy)."""
        renderer = self._renderer()
        ax_box = self.ax.get_window_extent(renderer)
        taken = [self.info_box.get_window_extent(renderer).padded(4)]
        transform = self.ax.transData
        points = self.fig.dpi / 72.0
        markers = {}
        for place_id, cell in self.world.places.items():
            x, y = transform.transform(self.centre_km([cell])[0])
            r = 4.5 * points
            markers[place_id] = Bbox([[x - r, y - r], [x + r, y + r]])
        taken += list(markers.values())
        order = sorted(self.world.places, key=lambda p: PLACE_PRIORITY.index(
            self.spec.places[p].kind))
        for place_id in order:
            place = self.spec.places[place_id]
            text = place.name.replace(" (", "\n(")
            if place.kind in (PlaceKind.PASS, PlaceKind.PEAK) and place.elevation_m:
                text += f"\n{place.elevation_m:,.0f} m"
            xy = self.centre_km([self.world.places[place_id]])[0]
            label = self.ax.annotate(
                text, xy, xytext=(5, 5), textcoords="offset points", zorder=13,
                gid=f"place-label:{place_id}", linespacing=1.0,
                **PLACE_FONTS.get(place.kind, dict(fontsize=7)),
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.78))
            label.set_in_layout(False)
            others = [b for b in taken if b is not markers[place_id]]
            box = _place_label(label, renderer, ax_box, others)
            taken.append(box)
            self.place_labels[place_id] = label
        self._place_road_names(renderer, ax_box, taken)
        self._label_boxes = taken

    def _place_road_names(self, renderer, ax_box, taken) -> None:
        transform = self.ax.transData
        for road_id, road in self.spec.roads.items():
            cells = []
            for u, v, _ in road.segments():
                edge = self._edges.get((u, v)) or self._edges.get((v, u))
                if edge is not None:
                    cells.extend(edge.cells_from(u))
            if len(cells) < 8:
                continue
            xy = transform.transform(self.centre_km(cells))
            label = self.ax.text(0, 0, road_short_name(road.name), fontsize=6.5,
                                 fontstyle="italic", color="#3d2a10", ha="center",
                                 va="center", zorder=11, rotation_mode="anchor",
                                 transform=None, gid=f"road-label:{road_id}",
                                 path_effects=[patheffects.withStroke(linewidth=2.2,
                                                                      foreground="white")])
            label.set_in_layout(False)
            best = None
            for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78):
                i = int(share * (len(cells) - 1))
                a, b = xy[max(i - 4, 0)], xy[min(i + 4, len(xy) - 1)]
                angle = float(np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0])))
                if angle > 90:
                    angle -= 180
                elif angle < -90:
                    angle += 180
                normal = np.radians(angle + 90)
                gap = 6 * self.fig.dpi / 72.0
                label.set_position((xy[i][0] + gap * np.cos(normal),
                                    xy[i][1] + gap * np.sin(normal)))
                label.set_rotation(angle)
                box = label.get_window_extent(renderer)
                cost = _overlap(box, taken) + (0 if _inside(box, ax_box) else 1e9)
                if best is None or cost < best[0]:
                    best = (cost, label.get_position(), angle, box)
                if cost == 0:
                    break
            _, position, angle, box = best
            # keep the name on the road when the figure is saved at another dpi
            label.set_transform(self.ax.transData)
            label.set_position(self.ax.transData.inverted().transform(position))
            label.set_rotation(angle)
            taken.append(box)
            self.road_labels.append(label)

    # ------------------------------------------------------------------ units

    def _draw_units(self, snap: MapSnapshot) -> None:
        """Unit symbols, each on its position or, where that is taken, on the nearest free spot.

        Spots are tried on a grid of half-symbol steps around the position; a symbol moved off
        its position gets a leader line to it and a dot on it.
        """
        renderer = self.fig.canvas.get_renderer()
        transform = self.ax.transData
        points = self.fig.dpi / 72.0
        taken = [tuple(b.extents) for b in self._label_boxes]
        ax_box = self.ax.get_window_extent(renderer)
        units = sorted(snap.units, key=lambda u: (self.sides.index(u.side), u.battalion_id))
        leaders, moved, arrows = [], [], []
        for unit in units:
            side = self.spec.sides[unit.side]
            xy = self.centre_km([unit.cell])[0]
            symbol = UnitSymbol(
                unit.battalion_id, xy, unit_type=unit.unit_type, colour=side.colour,
                frame=frame_for_side(self.sides.index(unit.side)), height=self.symbol_height,
                strength_share=unit.strength / max(unit.joined, 1), strength=unit.strength,
                halo=ENCIRCLED_HALO if unit.encircled else None, faded=unit.broken,
                designation=self.designations.get(unit.battalion_id))
            width = symbol.offsetbox.width * points
            height = symbol.offsetbox.height * points
            fx, fy = symbol.alignment
            anchor = transform.transform(xy)
            spots = _spots(0.5 * width / points + 1, 0.5 * height / points + 1)
            boxes = np.column_stack([anchor[0] + spots[:, 0] * points - fx * width,
                                     anchor[1] + spots[:, 1] * points - fy * height])
            boxes = np.column_stack([boxes, boxes + (width, height)])
            cost = _overlaps(boxes, np.array(taken).reshape(-1, 4))
            outside = ((boxes[:, 0] < ax_box.x0) | (boxes[:, 1] < ax_box.y0)
                       | (boxes[:, 2] > ax_box.x1) | (boxes[:, 3] > ax_box.y1))
            best = int(np.argmin(cost + 1e9 * outside + 1e-3 * (spots ** 2).sum(axis=1)))
            offset = (float(spots[best, 0]), float(spots[best, 1]))
            taken.append(tuple(boxes[best]))
            symbol.xybox = offset
            symbol.set_zorder(10)
            self._keep(self.ax.add_artist(symbol))
            if unit.destination is not None and unit.destination != unit.cell:
                heading = transform.transform(self.centre_km([unit.destination])[0]) - anchor
                arrows.append(_arrow_from_box(boxes[best], fx, fy, heading, points,
                                              transform.inverted()))
            if offset != (0.0, 0.0):
                box = Bbox.from_extents(*boxes[best])
                leaders.append(_leader(anchor, box, fx, fy, transform.inverted()))
                moved.append((xy, side.colour))
        for start, end in arrows:
            self._keep(self.ax.annotate(
                "", xy=end, xytext=start, zorder=10.6,
                arrowprops=dict(arrowstyle="-|>,head_width=0.3,head_length=0.6", lw=1.8,
                                color="black", shrinkA=0, shrinkB=0,
                                path_effects=[patheffects.withStroke(linewidth=3.4,
                                                                     foreground="white")])))
        if leaders:
            self._keep(self.ax.add_collection(LineCollection(
                leaders, colors="#222222", linewidths=0.7, zorder=9.5)))
            xy = np.array([m[0] for m in moved])
            self._keep(self.ax.scatter(xy[:, 0], xy[:, 1], s=9, c=[m[1] for m in moved],
                                       edgecolors="black", linewidths=0.6, zorder=10.5))


# --------------------------------------------------------------------------- helpers


def _terrain_cmap():
    """Hypsometric tints: green lowland to bare rock, darker at the top so snow shows."""
    return LinearSegmentedColormap.from_list(
        "theatre", ["#9fb883", "#cfc796", "#bba27d", "#a08c74", "#8f8377", "#a29d97"])


def _leader(anchor, box: Bbox, fx: float, fy: float, to_data):
    """A leader line from a position to the edge of its symbol's box, in data coordinates."""
    centre = np.array([box.x0 + fx * box.width, box.y0 + fy * box.height])
    start = np.asarray(anchor, dtype=float)
    d = centre - start
    # stop where the line enters the box: the largest t < 1 on one of its sides
    t = 1.0
    for lo, hi, s0, ds in ((box.x0, box.x1, start[0], d[0]), (box.y0, box.y1, start[1], d[1])):
        if ds > 0:
            t = min(t, max((lo - s0) / ds, 0.0)) if s0 < lo else t
        elif ds < 0:
            t = min(t, max((hi - s0) / ds, 0.0)) if s0 > hi else t
    return to_data.transform([start, start + t * d])


def _arrow_from_box(box, fx: float, fy: float, heading, points: float, to_data,
                    length_pt: float = 16.0):
    """A short arrow leaving a symbol's frame towards a heading (display units), in data units."""
    x0, y0, x1, y1 = box
    centre = np.array([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])
    direction = np.asarray(heading, dtype=float) / max(float(np.hypot(*heading)), 1e-9)
    # leave the box where the heading crosses its edge
    with np.errstate(divide="ignore"):
        reach = np.min(np.abs(np.where(direction > 0, [x1 - centre[0], y1 - centre[1]],
                                       [centre[0] - x0, centre[1] - y0]) / direction))
    start = centre + direction * min(reach, 4 * (x1 - x0))
    return to_data.transform([start, start + direction * length_pt * points])


def _overlap(box: Bbox, others) -> float:
    """Total area shared between a box and others (display units)."""
    total = 0.0
    for other in others:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _inside(box: Bbox, frame: Bbox) -> bool:
    return (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
            and box.y1 <= frame.y1)


# Positions tried for a name around its place: (direction x, direction y), best first.
LABEL_DIRECTIONS = [(1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]


def _place_label(label, renderer, ax_box: Bbox, taken) -> Bbox:
    """Put a name on the first free position around its place (farther out if none is)."""
    best = None
    for radius in (4.0, 9.0, 15.0):
        for dx, dy in LABEL_DIRECTIONS:
            scale = 0.8 if dx and dy else 1.0
            label.xyann = (dx * radius * scale, dy * radius * scale)
            label.set_horizontalalignment({1: "left", -1: "right", 0: "center"}[dx])
            label.set_verticalalignment({1: "bottom", -1: "top", 0: "center"}[dy])
            box = label.get_window_extent(renderer).padded(1.5)
            cost = _overlap(box, taken) + (0 if _inside(box, ax_box) else 1e9)
            if best is None or cost < best[0]:
                best = (cost, label.xyann, label.get_horizontalalignment(),
                        label.get_verticalalignment(), box)
            if cost == 0:
                return box
    _, xyann, ha, va, box = best
    label.xyann = xyann
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    return box


def _spots(step_x: float, step_y: float, rings: int = 8) -> np.ndarray:
    """Offsets in points on a grid around a position, nearest first, the position itself first."""
    i, j = np.mgrid[-rings:rings + 1, -rings:rings + 1]
    spots = np.column_stack([i.ravel() * step_x, j.ravel() * step_y])
    order = np.lexsort((spots[:, 0], -spots[:, 1], (spots ** 2).sum(axis=1)))
    return spots[order]


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Area each box (x0, y0, x1, y1) shares with all the others, summed."""
    if not len(others):
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0],
                                                                      others[None, :, 0])
    h = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1],
                                                                      others[None, :, 1])
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)


@lru_cache(maxsize=4)
def terrain_drainage(terrain):
    """:func:`drainage` of a theatre's terrain, computed once per terrain."""
    return drainage(terrain.elevation_m, terrain.water)


def drainage(elevation_m: np.ndarray, water: np.ndarray):
    """Flow receivers and catchment areas (in cells) of a DEM, by priority flood.

    Pits are filled by flooding from the grid's edge and its lakes (Barnes, Lehman & Mulla
    2014, "Priority-Flood"); each cell drains to the neighbour it was flooded from. Returns
    the receiver of each cell (flat index, ``-1`` at an outlet) and the number of cells
    draining through it.
    """
    width, height = elevation_m.shape
    flat = elevation_m.ravel()
    receiver = np.full(flat.size, -1, dtype=np.int64)
    done = np.zeros(flat.size, dtype=bool)
    level = flat.copy()
    heap = []
    edge = np.zeros(elevation_m.shape, dtype=bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    for index in np.flatnonzero((edge | water).ravel()):
        heapq.heappush(heap, (float(flat[index]), int(index)))
        done[index] = True
    order = []
    steps = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
    while heap:
        z, index = heapq.heappop(heap)
        order.append(index)
        x, y = divmod(index, height)
        for dx, dy in steps:
            nx, ny = x + dx, y + dy
            if 0 <= nx < width and 0 <= ny < height:
                n = nx * height + ny
                if not done[n]:
                    done[n] = True
                    receiver[n] = index
                    level[n] = max(flat[n], z)
                    heapq.heappush(heap, (float(level[n]), n))
    area = np.ones(flat.size)
    for index in reversed(order):
        if receiver[index] >= 0:
            area[receiver[index]] += area[index]
    return receiver, area
