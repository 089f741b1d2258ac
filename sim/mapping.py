"""Maps of a run with matplotlib: hillshade, contours, roads, named places, unit tracks.

Usable from notebooks (``draw_map(model)`` returns a figure) and from the command line, which
writes ``map.png`` after a run. Axes are kilometres east and north of the grid's south-west
corner in the scenario's projection.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LightSource
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .agents import Battalion
from .scenario import PlaceKind, RoadClass

PLACE_MARKERS = {
    PlaceKind.TOWN: ("s", 6), PlaceKind.VILLAGE: ("o", 4), PlaceKind.PASS: (r"$)($", 9),
    PlaceKind.PEAK: ("^", 6), PlaceKind.JUNCTION: ("D", 4), PlaceKind.POSITION: ("x", 5),
}
ROAD_STYLES = {RoadClass.PAVED: dict(color="#222222", lw=1.6, ls="-"),
               RoadClass.TRACK: dict(color="#5a3d1e", lw=1.2, ls="--"),
               RoadClass.PATH: dict(color="#5a3d1e", lw=1.0, ls=":")}


def draw_map(model, title: str | None = None, figsize=(11, 10)) -> Figure:
    """Draw the theatre and the battalions of a model (at its current time)."""
    world, spec = model.world, model.spec
    terrain = world.terrain
    km = terrain.cell_size_m / 1000.0
    extent = (0, terrain.width * km, 0, terrain.height * km)

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    elevation = terrain.elevation_m.T
    shade = LightSource(azdeg=315, altdeg=45).shade(
        elevation, cmap=_terrain_cmap(), blend_mode="soft", vert_exag=2.0,
        dx=terrain.cell_size_m, dy=terrain.cell_size_m,
        vmin=0, vmax=float(elevation.max()),
    )
    ax.imshow(shade, origin="lower", extent=extent, interpolation="bilinear")
    water = np.ma.masked_where(~terrain.water.T, terrain.water.T)
    ax.imshow(water, origin="lower", extent=extent, cmap="Blues", vmin=0, vmax=1.5, alpha=0.9)
    xs = (np.arange(terrain.width) + 0.5) * km
    ys = (np.arange(terrain.height) + 0.5) * km
    levels = np.arange(500, 4000, 500)
    contours = ax.contour(xs, ys, elevation, levels=levels, colors="k", linewidths=0.3,
                          alpha=0.45)
    ax.clabel(contours, levels[1::2], fontsize=6, fmt="%d m", inline=True)

    for edge in world.roads.edges():
        cells = np.asarray(edge.cells, dtype=float)
        ax.plot((cells[:, 0] + 0.5) * km, (cells[:, 1] + 0.5) * km,
                **ROAD_STYLES[edge.road_class], zorder=3)

    for place_id, cell in world.places.items():
        place = spec.places[place_id]
        marker, size = PLACE_MARKERS[place.kind]
        x, y = (cell[0] + 0.5) * km, (cell[1] + 0.5) * km
        ax.plot(x, y, marker=marker, ms=size, color="black", mfc="white", zorder=5)
        ax.annotate(place.name.split(" (")[0], (x, y), xytext=(4, 4), textcoords="offset points",
                    fontsize=7, zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))

    for unit in model.agents_by_type[Battalion]:
        colour = spec.sides[unit.side].colour
        track = np.asarray(unit.track, dtype=float)
        ax.plot((track[:, 0] + 0.5) * km, (track[:, 1] + 0.5) * km, color=colour, lw=1.8,
                alpha=0.85, zorder=7)
        x, y = (unit.coordinate[0] + 0.5) * km, (unit.coordinate[1] + 0.5) * km
        ax.plot(x, y, marker="s", ms=7 + unit.strength / 150.0, color=colour, mec="white",
                zorder=8)

    handles = [Line2D([], [], color=side.colour, marker="s", lw=1.8, label=side.name)
               for side in spec.sides.values()]
    handles += [Line2D([], [], label=f"{c.value} road", **ROAD_STYLES[c]) for c in RoadClass]
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.85)
    _scale_bar(ax, extent)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel(f"km east ({terrain.crs.name})")
    ax.set_ylabel("km north")
    ax.set_title(title or f"{spec.name}: {model.clock.at(model.time):%d %b %Y %H:%M}")
    return fig


def _terrain_cmap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "theatre", ["#7fa66a", "#c8c28a", "#a88f6a", "#8c7b6b", "#e8e4de", "#ffffff"]
    )


def _scale_bar(ax, extent, length_km: float = 20.0) -> None:
    x0 = extent[0] + 0.05 * (extent[1] - extent[0])
    y0 = extent[2] + 0.04 * (extent[3] - extent[2])
    ax.plot([x0, x0 + length_km], [y0, y0], color="black", lw=3, zorder=9)
    ax.text(x0 + length_km / 2, y0 + 1.5, f"{length_km:.0f} km", ha="center", fontsize=8,
            zorder=9)
