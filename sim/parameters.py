"""Every calibrated number of the model: a name with its unit, a default and its source.

A scenario file may override any of them under ``[parameters.<group>]``, and the command line
with ``--set parameters.<group>.<name>=value``. Sources are cited as in
``shared/reference/combat_science.md`` (section numbers) and ``kalbajar_facts.toml`` (source
ids such as S34). Numbers that no source gives are marked *assumption* with the reasoning.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ParameterGroup(BaseModel):
    """A group of named parameters; unknown names are rejected."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TerrainParameters(ParameterGroup):
    """How grid cells are classed (QJM terrain classes, ``combat_science.md`` §2.2)."""

    slope_rolling_deg: float = Field(
        3.0, ge=0, le=90,
        description="deg; slope from which ground is 'rolling'. Assumption: QJM names classes "
        "in words only; 3 deg (5 %) is where a road grade begins to be felt.")
    slope_rugged_deg: float = Field(
        10.0, ge=0, le=90,
        description="deg; slope from which ground is 'rugged'. Assumption: ATP 5-0.2-1 class 1 "
        "(gentle slopes, walking) ends well below this; at 1 km cells 10 deg is mountain ground.")
    tree_line_m: float = Field(
        2400.0, ge=0,
        description="m; rugged ground above this is 'bare'. Assumption: ATP 5-0.2-1 'high' "
        "altitude band starts at 2,400 m (combat_science.md §3.3); the Murov crest is bare.")
    lake_min_cells: int = Field(
        50, ge=1,
        description="DEM cells; smallest flat equal-height area taken as a lake (GLOBE stores "
        "lake surfaces flat: Lake Sevan is 1,938 cells, shared/data/dem/README.md).")


class MovementParameters(ParameterGroup):
    """Foot-march rates (``combat_science.md`` §3.4) and marching routine."""

    road_day_km_per_h: float = Field(
        4.0, gt=0, description="km/h; FM 21-18 foot march on roads by day (§3.4).")
    road_night_km_per_h: float = Field(
        3.2, gt=0, description="km/h; FM 21-18 foot march on roads by night (§3.4).")
    cross_country_day_km_per_h: float = Field(
        2.5, gt=0, description="km/h; FM 21-18 cross-country by day, 2.5-2.6 (§3.4).")
    cross_country_night_km_per_h: float = Field(
        1.6, gt=0, description="km/h; FM 21-18 cross-country by night (§3.4).")
    naismith_ascent_m_per_h: float = Field(
        600.0, gt=0, description="m/h; Naismith's rule, one hour more per 600 m of ascent (§3.4).")
    max_slope_deg: float = Field(
        40.0, gt=0, le=90,
        description="deg; steeper ground is impassable to a formed unit. Assumption: ATP "
        "5-0.2-1 class 4-5 ground needs technical climbing (§3.4); a 1 km cell this steep is a "
        "cliff band.")
    march_hours_per_day: float = Field(
        8.0, gt=0, le=24,
        description="h; hours of marching in a normal day's march. Assumption: FM 21-18 "
        "plans a normal march of about 32 km a day at its 4 km/h road rate (§3.4).")
    night_marching: bool = Field(
        False, description="whether units march in darkness (at FM 21-18 night rates).")
    snow_deep_depth_m: float = Field(
        0.30, gt=0, description="m; FM 31-70 snow table boundary, 'over about 30 cm' (§3.4).")
    snow_deep_rate_factor: float = Field(
        0.4, gt=0, le=1,
        description="fraction of the bare-ground rate at 30 cm of snow: FM 31-70 gives 0.5-1 "
        "km/h over 30 cm against 2.5 km/h cross-country, i.e. 0.2-0.4 (§3.4).")
    snow_immobile_depth_m: float = Field(
        0.61, gt=0,
        description="m; FM 31-70: at 61 cm (2 ft) or deeper troops on foot have almost no "
        "mobility without skis or snowshoes (§3.4).")
    snow_immobile_rate_factor: float = Field(
        0.08, gt=0, le=1,
        description="fraction of the bare-ground rate in snow 61 cm deep: 'almost no "
        "mobility' (FM 31-70, §3.4) taken as 0.2 km/h of 2.5.")
    snowshoe_rate_factor: float = Field(
        0.9, gt=0, le=1,
        description="fraction kept with skis or snowshoes: FM 31-70 snowshoes 1.5-3 km/h, "
        "'about foot movement on hard ground' (§3.4); midpoint 2.25 / 2.5.")
    road_snow_depth_share: float = Field(
        0.5, ge=0, le=1,
        description="share of the snow depth that counts on a road. Assumption: a used road "
        "is trodden and partly cleared.")
    road_bound_max_slope_deg: float = Field(
        15.0, gt=0, le=90,
        description="deg; towed guns and rocket launchers leave a road only on ground flatter "
        "than this. Assumption: a 27 % grade is about the limit for a truck towing a D-30.")


class Parameters(ParameterGroup):
    """All parameter groups of a scenario."""

    terrain: TerrainParameters = TerrainParameters()
    movement: MovementParameters = MovementParameters()
