"""Military unit symbols after APP-6(D) (NATO) / MIL-STD-2525D, drawn with matplotlib patches.

A symbol is a frame filled in its side's colour with the icon of the unit's arm inside, the
echelon mark above the frame (APP-6(D) amplifier B: ``II`` battalion), and beside it a bar of
the men left of all who joined the unit, with their number below the frame.

Frames. APP-6 tells affiliation by the frame's shape: friendly rectangle, hostile diamond,
neutral square. A replay has no own side, so here the shapes only tell the sides apart: the
scenario's first side gets rectangles, the second diamonds, a third squares. Each frame is
filled with a light tint of its side's scenario colour (APP-6 fills frames with light colours
so that the black icon stays legible); the shapes keep the sides apart in black-and-white print.

Icons (APP-6(D) land unit icons, the same in MIL-STD-2525D):

* infantry: the frame's two diagonals (a cross),
* motor rifle: mechanised infantry, the cross with the armour oval (BMP/BTR-borne rifles),
* tank: the armour oval,
* artillery: a solid dot (field artillery),
* rocket artillery: the dot with a rocket's arrowhead above it,
* engineer: the bridge sign (a bar on three legs),
* reconnaissance: one diagonal, lower left to upper right,
* mountain: a small solid peak at the bottom of the frame (a modifier, given as an extra part).

Symbols are drawn in points inside a :class:`matplotlib.offsetbox.DrawingArea`, so they keep
their size whatever the map's scale; :class:`UnitSymbol` anchors one at a map position.
"""

from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnnotationBbox, DrawingArea
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle
from matplotlib.text import Text

from .scenario import UnitType

# APP-6(D) amplifier B, echelon marks above the frame.
ECHELON_MARKS = {
    "team": "Ø", "squad": "●", "section": "●●", "platoon": "●●●", "company": "I",
    "battalion": "II", "regiment": "III", "brigade": "X", "division": "XX",
}

# Frames that tell the sides apart, in the order of the scenario's sides.
SIDE_FRAMES = ("rectangle", "diamond", "square")

UNIT_ICONS: dict[UnitType, tuple[str, ...]] = {
    UnitType.INFANTRY: ("infantry",),
    UnitType.MOTOR_RIFLE: ("infantry", "armour"),
    UnitType.TANK: ("armour",),
    UnitType.ARTILLERY: ("artillery",),
    UnitType.ROCKET_ARTILLERY: ("artillery", "rocket"),
    UnitType.ENGINEER: ("engineer",),
}

UNIT_TYPE_NAMES = {
    UnitType.INFANTRY: "infantry",
    UnitType.MOTOR_RIFLE: "motor rifle (mechanised infantry)",
    UnitType.TANK: "tank",
    UnitType.ARTILLERY: "artillery",
    UnitType.ROCKET_ARTILLERY: "rocket artillery",
    UnitType.ENGINEER: "engineer",
}

ENCIRCLED_HALO = "#d400d4"  # magenta: apart from both side colours, mid-grey in print
FRAME_HEIGHT_PT = 13.0
FRAME_ASPECT = 1.5  # APP-6 friendly frame: 1.5 wide to 1 high


def echelon_mark(echelon: str = "battalion") -> str:
    """The echelon mark drawn above a frame (APP-6(D) amplifier B): battalion ``II``."""
    try:
        return ECHELON_MARKS[echelon]
    except KeyError:
        raise ValueError(f"echelon {echelon!r}: expected one of {', '.join(ECHELON_MARKS)}") \
            from None


def frame_for_side(side_index: int) -> str:
    """The frame shape of the scenario's n-th side (rectangle, diamond, square)."""
    return SIDE_FRAMES[side_index % len(SIDE_FRAMES)]


def icon_parts(unit_type: UnitType | str) -> tuple[str, ...]:
    """The icon parts of a unit type (``("infantry", "armour")`` for motor rifles)."""
    return UNIT_ICONS[UnitType(unit_type)]


def light_tint(colour, share: float = 0.55) -> tuple[float, float, float]:
    """A colour mixed with white: the light frame fill of APP-6 in a side's hue."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * share, g + (1 - g) * share, b + (1 - b) * share)


def frame_geometry(frame: str, cx: float, cy: float, height: float):
    """The frame's outline and the box the icon is drawn in: (vertices, (x0, y0, x1, y1)).

    Icons of a diamond fill the largest 3:2 box inside it, as APP-6 draws hostile icons.
    """
    if frame == "rectangle":
        w, h = FRAME_ASPECT * height / 2, height / 2
        corners = [(cx - w, cy - h), (cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h)]
        return corners, (cx - w, cy - h, cx + w, cy + h)
    if frame == "square":
        h = height * 1.2 / 2
        corners = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
        return corners, (cx - h, cy - h, cx + h, cy + h)
    if frame == "diamond":
        a = height * 0.95
        corners = [(cx, cy - a), (cx + a, cy), (cx, cy + a), (cx - a, cy)]
        # the 3:2 box with its corners on the diamond's sides: x = 0.6 a, y = 0.4 a
        return corners, (cx - 0.6 * a, cy - 0.4 * a, cx + 0.6 * a, cy + 0.4 * a)
    raise ValueError(f"frame {frame!r}: expected one of {', '.join(SIDE_FRAMES)}")


DESIGNATION_CHAR_WIDTH = 0.62  # width of a bold character in font sizes, for the layout


def draw_symbol(area: DrawingArea, cx: float, cy: float, unit_type: UnitType | str,
                colour, frame: str = "rectangle", height: float = FRAME_HEIGHT_PT,
                echelon: str | None = "battalion", strength_share: float | None = None,
                strength: int | None = None, halo: str | None = None,
                faded: bool = False, extra_parts: tuple[str, ...] = (),
                designation: str | None = None) -> tuple[float, float, float, float]:
    """Add a unit symbol's patches to a drawing area, frame centred on (cx, cy) in points.

    ``halo`` rings the frame in a colour (encircled units); ``faded`` pales its fill (broken
    units); ``extra_parts`` adds icon parts to the type's (``("mountain",)``); ``designation``
    writes the unit's name left of the frame (APP-6 field T, its unique designation). Returns
    the symbol's extent (x0, y0, x1, y1) in the area's points.
    """
    outline, (x0, y0, x1, y1) = frame_geometry(frame, cx, cy, height)
    fill = light_tint(colour, 0.8 if faded else 0.55)
    if halo is not None:
        area.add_artist(Polygon(outline, closed=True, fc="none", ec=halo, lw=4.5,
                                joinstyle="round"))
    area.add_artist(Polygon(outline, closed=True, fc=fill, ec="black", lw=1.0,
                            joinstyle="miter"))
    for part in icon_parts(unit_type) + tuple(extra_parts):
        for artist in _icon_artists(part, x0, y0, x1, y1):
            area.add_artist(artist)
    xs = [p[0] for p in outline]
    ys = [p[1] for p in outline]
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    bar_height = (y1 - y0) if frame == "diamond" else (top - bottom)
    if echelon is not None:
        area.add_artist(Text(cx, top + 0.6, echelon_mark(echelon), ha="center", va="bottom",
                             fontsize=0.5 * height, fontweight="bold", color="black"))
        top += 0.6 * height
    if strength_share is not None:
        share = min(max(strength_share, 0.0), 1.0)
        bar_x, bar_y = right + 1.2, cy - bar_height / 2
        area.add_artist(Rectangle((bar_x, bar_y), 2.6, bar_height, fc="white", ec="black",
                                  lw=0.6))
        area.add_artist(Rectangle((bar_x, bar_y), 2.6, bar_height * share, fc="#222222",
                                  ec="none"))
        right = bar_x + 2.6
    if strength is not None:
        area.add_artist(Text(cx, bottom - 0.4, f"{strength:,}", ha="center", va="top",
                             fontsize=0.43 * height, color="black"))
        bottom -= 0.55 * height
    if designation:
        size = 0.45 * height
        area.add_artist(Text(left - 1.5, cy, designation, ha="right", va="center",
                             fontsize=size, color="black", fontweight="bold"))
        left -= 1.5 + DESIGNATION_CHAR_WIDTH * size * len(designation)
    return left - 2.5, bottom - 0.5, right + 0.5, top + 0.5


def _icon_artists(part: str, x0: float, y0: float, x1: float, y1: float):
    """Patches and lines of one icon part inside the icon box (x0, y0)-(x1, y1)."""
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    line = dict(color="black", lw=0.9, solid_capstyle="butt")
    if part == "infantry":
        return [Line2D([x0, x1], [y0, y1], **line), Line2D([x0, x1], [y1, y0], **line)]
    if part == "reconnaissance":
        return [Line2D([x0, x1], [y0, y1], **line)]
    if part == "armour":
        return [Polygon(_stadium(cx, cy, 0.62 * w, 0.42 * h), closed=True, fc="none",
                        ec="black", lw=0.9)]
    if part == "artillery":
        return [Circle((cx, cy), 0.14 * h, fc="black", ec="none")]
    if part == "rocket":
        tip, base = cy + 0.42 * h, cy + 0.18 * h
        return [Line2D([cx - 0.16 * w, cx, cx + 0.16 * w], [base, tip, base], **line)]
    if part == "engineer":
        top, foot = cy + 0.16 * h, cy - 0.16 * h
        half = 0.22 * w
        return [Line2D([cx - half, cx - half, cx + half, cx + half], [foot, top, top, foot],
                       **line), Line2D([cx, cx], [top, foot], **line)]
    if part == "mountain":
        return [Polygon([(cx - 0.12 * w, y0), (cx + 0.12 * w, y0), (cx, y0 + 0.3 * h)],
                        closed=True, fc="black", ec="none")]
    raise ValueError(f"icon part {part!r} is not known")


def _stadium(cx: float, cy: float, width: float, height: float, points: int = 12):
    """Outline of the armour oval: a bar with half-round ends."""
    import numpy as np

    r = height / 2
    half = max(width / 2 - r, 0.0)
    right = np.linspace(-np.pi / 2, np.pi / 2, points)
    left = right + np.pi
    return ([(cx + half + r * np.cos(a), cy + r * np.sin(a)) for a in right]
            + [(cx - half + r * np.cos(a), cy + r * np.sin(a)) for a in left])


def symbol_area(unit_type: UnitType | str, colour, frame: str = "rectangle",
                height: float = FRAME_HEIGHT_PT, **options) -> tuple[DrawingArea, tuple]:
    """A drawing area holding one symbol; returns it and the frame centre's share of its box.

    ``options`` are those of :func:`draw_symbol`.
    """
    area = DrawingArea(1, 1)
    x0, y0, x1, y1 = draw_symbol(area, 0.0, 0.0, unit_type, colour, frame, height, **options)
    # the area spans (-xdescent, -ydescent) to (width - xdescent, height - ydescent)
    area.width, area.height, area.xdescent, area.ydescent = x1 - x0, y1 - y0, -x0, -y0
    return area, (-x0 / (x1 - x0), -y0 / (y1 - y0))


class UnitSymbol(AnnotationBbox):
    """A battalion's symbol on a map, frame centred on its position or moved off it.

    A symbol is moved aside to keep battalions on one spot apart; the map draws the leader
    line to the battalion's true position.

    Args:
        battalion_id: the scenario key of the battalion.
        xy: its position in data coordinates.
        offset: where the frame's centre is drawn, in points from ``xy``.
        unit_type, colour, frame, height: the symbol (:func:`draw_symbol`).
        **options: further options of :func:`draw_symbol`.
    """

    def __init__(self, battalion_id: str, xy, offset=(0.0, 0.0), *, unit_type, colour,
                 frame: str = "rectangle", height: float = FRAME_HEIGHT_PT, **options):
        area, alignment = symbol_area(unit_type, colour, frame, height, **options)
        super().__init__(area, xy, xybox=offset, xycoords="data", boxcoords="offset points",
                         frameon=False, pad=0.0, box_alignment=alignment)
        self.battalion_id = battalion_id
        self.alignment = alignment  # the frame centre's share of the symbol's box
        self.set_in_layout(False)


class SymbolKey:
    """A legend entry showing a unit symbol (see :class:`SymbolKeyHandler`)."""

    def __init__(self, unit_type: UnitType | str = UnitType.INFANTRY, colour="#ffffff",
                 frame: str = "rectangle", label: str = "", **options):
        self.unit_type = unit_type
        self.colour = colour
        self.frame = frame
        self.options = options
        self.label = label

    def get_label(self) -> str:
        """The legend text."""
        return self.label


class SymbolKeyHandler:
    """Draws a :class:`SymbolKey` in a legend's handle box."""

    def legend_artist(self, legend, orig_handle, fontsize, handlebox):
        """Add the symbol to the handle box (matplotlib legend handler protocol)."""
        options = {"echelon": None, **orig_handle.options}
        heading = options.pop("heading", False)
        height = min(handlebox.height, FRAME_HEIGHT_PT * 0.85)
        if orig_handle.frame == "diamond":
            height *= 0.75
        if heading:
            height *= 0.8
        # the handle box spans (-xdescent, -ydescent) to (width, height) from there
        cx = -handlebox.xdescent + handlebox.width / 2 - (0.45 * height if heading else 0)
        cy = -handlebox.ydescent + handlebox.height / 2 - (
            0.25 * height if options.get("echelon") else 0)
        draw_symbol(handlebox, cx, cy, orig_handle.unit_type, orig_handle.colour,
                    orig_handle.frame, height, **options)
        if heading:
            right = cx + FRAME_ASPECT * height / 2
            handlebox.add_artist(FancyArrowPatch(
                (right, cy), (right + 1.1 * height, cy), color="black", lw=1.5,
                arrowstyle="-|>,head_width=0.35,head_length=0.7", mutation_scale=6,
                shrinkA=0, shrinkB=0))
        return handlebox
