"""Every calibrated number of the model: a name with its unit, a default and its source.

A scenario file may override any of them under ``[parameters.<group>]``, and the command line
with ``--set parameters.<group>.<name>=value``. Sources are cited as in
``shared/reference/combat_science.md`` (section numbers) and ``kalbajar_facts.toml`` (source
ids such as S34). Numbers that no source gives are marked *assumption* with the reasoning.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

THEATRE = "A fact of the theatre: no default, the scenario states it with its source."
# Bounds of the physical world, checked before anything runs.
AIR_C = {"ge": -90.0, "le": 60.0}  # the coldest (-89.2 degC) and hottest (56.7 degC) air measured
ELEVATION_M = {"ge": -500.0, "le": 9000.0}  # the Dead Sea shore to above Everest
SLOPE_DEG = {"ge": 0.0, "le": 90.0}


FACTOR_BOUNDS = (0.0, 100.0)  # a QJM factor multiplies; none in its tables exceeds 5
# Largest magnitude of a number by its unit, for those without a bound of their own: beyond
# these no campaign on Earth goes (unit suffix, bound, why), checked before anything runs.
UNIT_BOUNDS = (
    ("_km_per_h", 100.0, "faster than any march"),
    ("_km_per_day", 1000.0, "further than any day's advance"),
    ("_m_per_h", 5000.0, "faster than any climb"),
    ("_kg_m3", 1000.0, "denser than water"),
    ("_mm_per_day", 2000.0, "more than the wettest day measured (1,825 mm)"),
    ("_mm_per_degree_day", 100.0, "faster than any melt"),
    ("_w_m2k", 1000.0, "more than any heat transfer in air"),
    ("_w_m2", 2000.0, "more than any human heat flow"),
    ("_mj_m2", 100.0, "more than a body holds"),
    ("_h_per_h", 100.0, "a rate per hour"),
    ("_clo", 20.0, "warmer than any clothing"),
    ("_deg", 90.0, "steeper than vertical"),
    ("_ms", 150.0, "faster than any wind measured (113 m/s)"),
    ("_days", 3650.0, "ten years, longer than any campaign"),
    ("_hours", 8760.0, "a year"),
    ("_h", 8760.0, "a year"),
    ("_km", 1000.0, "wider than a theatre"),
    ("_m", 9000.0, "higher than anything on Earth"),
)
ANY_NUMBER_BOUND = 1e6  # any other number: factors, rates, counts


def unit_bound(name: str) -> tuple[float, str]:
    """The largest magnitude a number named ``name`` may have, and why."""
    for suffix, bound, why in UNIT_BOUNDS:
        if name.endswith(suffix):
            return bound, why
    return ANY_NUMBER_BOUND, "beyond any factor, rate or count of the model"


class ParameterGroup(BaseModel):
    """A group of named parameters; unknown names are rejected, numbers must be finite.

    A table of factors (terrain, posture, quality ...) given in part keeps its other entries'
    defaults; its keys are those of the default table, and every factor lies in
    ``FACTOR_BOUNDS``.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _complete_tables(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, field in cls.model_fields.items():
            given = data.get(name)
            if isinstance(given, dict) and field.default_factory is not None:
                default = field.default_factory()
                if isinstance(default, dict) and default:
                    data[name] = _completed_table(default, given, name)
        return data

    @model_validator(mode="after")
    def _within_unit_bounds(self):
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if any(hasattr(rule, "le") or hasattr(rule, "lt") for rule in field.metadata):
                continue  # it has a bound of its own
            bound, why = unit_bound(name)
            if abs(value) > bound:
                raise ValueError(f"{name} = {value!r}: expected at most {bound:g} in magnitude "
                                 f"({why})")
        return self


def _completed_table(default: dict, given: dict, where: str) -> dict:
    """``given`` laid over ``default``, key by key; unknown keys and odd factors are errors."""
    table = dict(default)
    for key, value in given.items():
        at = f"{where}.{key}"
        if key not in default:
            raise ValueError(f"{at}: unknown key; expected one of {', '.join(default)}")
        if isinstance(default[key], dict):
            if not isinstance(value, dict):
                raise ValueError(f"{at} = {value!r}: expected a table of {', '.join(default[key])}")
            table[key] = _completed_table(default[key], value, at)
            continue
        low, high = FACTOR_BOUNDS
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"{at} = {value!r}: expected a finite factor from {low:g} to "
                             f"{high:g}")
        table[key] = float(value)
    return table


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
        2400.0, ge=0, le=ELEVATION_M["le"],
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
    forced_march_hours_per_day: float = Field(
        14.0, gt=0, le=24,
        description="h; hours a day a battalion marches when breaking out, withdrawing or "
        "broken, by night as well as by day. Assumption: a forced march.")
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
    road_bound_max_snow_m: float = Field(
        0.3, gt=0,
        description="m; towed guns and rocket launchers leave a road only where the snow is "
        "shallower than this. Assumption: the FM 31-70 'over about 30 cm' boundary (§3.4).")
    route_refresh_days: float = Field(
        7.0, gt=0, description="days between re-planning routes under the current front, snow "
        "and weather (routes are also re-planned at once when a road closes or opens). "
        "Assumption: a weekly planning cycle.")


class WeatherParameters(ParameterGroup):
    """Climatology of the theatre and the weather generator.

    Temperature = seasonal cycle at the reference height + lapse rate x height difference +
    day/night cycle + a persistent theatre-wide anomaly (cold spells). The climate normals, the
    winds and the depths of snow that close the theatre's passes are facts of the theatre: they
    have no default, and a scenario with weather states them with their sources
    (``scenarios/kalbajar_theatre.toml`` for the historical one). The rest is physics and the
    generator's shape.
    """

    THEATRE_FACTS: ClassVar[tuple[str, ...]] = (
        "reference_height_m", "january_mean_c", "july_mean_c", "coldest_day_of_year",
        "lapse_above_january_c_per_km", "lapse_above_july_c_per_km",
        "lapse_below_january_c_per_km", "lapse_below_july_c_per_km", "diurnal_half_range_c",
        "anomaly_sd_c", "anomaly_timescale_days", "precip_january_mm_at_reference",
        "orographic_gain_per_km", "precip_seasonal_amplitude", "wet_after_dry_probability",
        "wet_after_wet_probability", "wind_median_ms", "storm_wind_factor",
        "wind_height_gain_per_km", "fog_above_m", "pass_close_snow_paved_m",
        "pass_close_snow_track_m", "pass_close_snow_path_m", "road_clearing_m_per_day",
        "pass_min_height_m", "wind_reference_height_m")

    reference_height_m: float | None = Field(
        None, **ELEVATION_M,
        description="m; height of the theatre's climatological reference means. " + THEATRE)
    january_mean_c: float | None = Field(
        None, **AIR_C, description="degC; January mean at the reference height. " + THEATRE)
    july_mean_c: float | None = Field(
        None, **AIR_C, description="degC; July mean at the reference height. " + THEATRE)
    coldest_day_of_year: float | None = Field(
        None, ge=1, le=366, description="day of year of the coldest mean. " + THEATRE)
    lapse_above_january_c_per_km: float | None = Field(
        None, ge=0, le=20, description="degC/km above the reference height in January. " + THEATRE)
    lapse_above_july_c_per_km: float | None = Field(
        None, ge=0, le=20, description="degC/km above the reference height in July. " + THEATRE)
    lapse_below_january_c_per_km: float | None = Field(
        None, ge=0, le=20, description="degC/km below the reference height in January. " + THEATRE)
    lapse_below_july_c_per_km: float | None = Field(
        None, ge=0, le=20, description="degC/km below the reference height in July. " + THEATRE)
    diurnal_half_range_c: float | None = Field(
        None, ge=0, le=30, description="degC; half the January day-night range. " + THEATRE)
    warmest_hour: float = Field(
        15.0, ge=0, le=24, description="h local solar time of the daily maximum. Assumption.")
    anomaly_sd_c: float | None = Field(
        None, ge=0, le=30, description="degC; standard deviation of the day-to-day anomaly (cold "
        "spells and thaws). " + THEATRE)
    anomaly_timescale_days: float | None = Field(
        None, gt=0, le=365, description="days; persistence of cold spells and thaws. " + THEATRE)
    precip_january_mm_at_reference: float | None = Field(
        None, ge=0, le=2000, description="mm/month of precipitation at the reference height in "
        "January. " + THEATRE)
    orographic_gain_per_km: float | None = Field(
        None, ge=0, le=10,
        description="relative increase of precipitation per km of height. " + THEATRE)
    precip_seasonal_amplitude: float | None = Field(
        None, ge=0, lt=1, description="relative amplitude of the seasonal precipitation cycle, "
        "January the driest. " + THEATRE)
    wet_after_dry_probability: float | None = Field(
        None, ge=0, le=1, description="chance a day is wet after a dry day. " + THEATRE)
    wet_after_wet_probability: float | None = Field(
        None, ge=0, le=1, description="chance a day is wet after a wet day. " + THEATRE)
    wet_day_amount_shape: float = Field(
        0.6, gt=0, description="shape of the gamma distribution of wet-day amounts (1 would be "
        "exponential; smaller gives more heavy falls). Assumption: daily precipitation is "
        "commonly fitted with shapes of 0.5-0.9.")
    heavy_precip_mm_per_day: float = Field(
        10.0, gt=0, description="mm/day (water) from which precipitation counts as 'heavy' in "
        "the QJM weather classes (combat_science.md §2.2). Assumption: 10 cm of new snow a day.")
    snow_below_c: float = Field(
        0.0, **AIR_C, description="degC; precipitation falls as snow below this air temperature.")
    fresh_snow_density_kg_m3: float = Field(
        100.0, gt=0, description="kg/m3; new snow, the usual 10:1 snow-to-water ratio. "
        "Assumption.")
    settled_snow_density_kg_m3: float = Field(
        350.0, gt=0, description="kg/m3; density a snowpack settles towards. Assumption: "
        "typical settled winter snow.")
    settling_timescale_days: float = Field(
        10.0, gt=0, description="days; e-folding time of settling. Assumption.")
    melt_mm_per_degree_day: float = Field(
        3.0, ge=0, description="mm water per degC-day above 0; degree-day melt factor. "
        "Assumption: the common range is 2-6.")
    fresh_snow_hours: float = Field(
        72.0, gt=0, description="h; snow that fell within this time counts as fresh "
        "(avalanche danger within days of a snowfall, combat_science.md §3.5).")
    wind_median_ms: float | None = Field(
        None, gt=0, le=100, description="m/s; median wind at wind_reference_height_m on dry "
        "days. " + THEATRE)
    wind_reference_height_m: float | None = Field(
        None, **ELEVATION_M, description="m; height at which wind_median_ms is given. " + THEATRE)
    wind_log_sd: float = Field(
        0.5, ge=0, description="sd of log wind speed between days. Assumption.")
    storm_wind_factor: float | None = Field(
        None, ge=1, le=10, description="wind on wet (storm) days relative to dry days. " + THEATRE)
    wind_height_gain_per_km: float | None = Field(
        None, ge=0, le=10, description="relative increase of wind per km above "
        "wind_reference_height_m. " + THEATRE)
    wind_max_ms: float | None = Field(
        None, gt=0, le=120, description="m/s; the strongest wind the theatre's records give "
        "anywhere: the generated wind never exceeds it (none: no bound). A fact of the theatre, "
        "stated with its source.")
    wind_ridge_gain_per_100m: float = Field(
        0.3, ge=0, description="relative increase of wind per 100 m a cell stands above its "
        "surroundings (the mean of ridge_window_km): ridges and passes are windier (S67).")
    ridge_window_km: float = Field(
        9.0, gt=0, description="km; width of the square whose mean height a cell's rise is "
        "measured against for its wind. Assumption: about the spacing of ridges and valleys.")
    fog_above_m: float | None = Field(
        None, **ELEVATION_M,
        description="m; on wet steps cells above this are in cloud (fog). " + THEATRE)
    fog_rate_factor: float = Field(
        0.8, gt=0, le=1, description="march-rate factor in fog. Assumption, as QJM 'wet, light' "
        "mobility 0.8 (combat_science.md §2.2).")
    cold_advance_factor: float = Field(
        0.9, gt=0, le=1, description="QJM h_m mobility factor for 'dry, extreme cold' "
        "(combat_science.md §2.2), slowing an advance through enemy-held ground below 0 degC.")
    light_precip_rate_factor: float = Field(
        0.8, gt=0, le=1, description="march-rate factor in light snow or rain: QJM h_m for "
        "'wet, light, extreme cold' (combat_science.md §2.2).")
    heavy_precip_rate_factor: float = Field(
        0.5, gt=0, le=1, description="march-rate factor in heavy snow or rain: QJM h_m for "
        "'wet, heavy, extreme cold' (combat_science.md §2.2).")
    pass_close_snow_paved_m: float | None = Field(
        None, gt=0, le=20,
        description="m of uncleared snow on a paved road's crest from which it is "
        "closed. " + THEATRE)
    pass_close_snow_track_m: float | None = Field(
        None, gt=0, le=20, description="m of uncleared snow on a track's crest from which it is "
        "closed. " + THEATRE)
    pass_close_snow_path_m: float | None = Field(
        None, gt=0, le=20, description="m of uncleared snow on a path's crest from which it is "
        "closed. " + THEATRE)
    crest_drop_m: float = Field(
        250.0, ge=0, description="m; a road's crest section: its cells within this height of its "
        "highest point, where snow builds up and closes it. Assumption.")
    pass_reopen_fraction: float = Field(
        0.5, gt=0, le=1, description="a closed road reopens when its snow is cleared below this "
        "share of its closing depth. Assumption.")
    road_clearing_m_per_day: float | None = Field(
        None, ge=0, le=20,
        description="m of snow a day that traffic and clearing take off a road in "
        "use. " + THEATRE)
    pass_min_height_m: float | None = Field(
        None, **ELEVATION_M,
        description="m; only roads whose highest point is above this can be closed by "
        "snow (valley roads are kept open). " + THEATRE)
    snow_cover_min_m: float = Field(
        0.1, ge=0, description="m; snow depth from which a cell counts as snow-covered in the "
        "reported snow_cover_share. Assumption: 10 cm hide the ground.")
    spinup_days: float = Field(
        120.0, ge=0, le=730, description="days of weather simulated before the start date, so the "
        "snowpack on the first day is the season's own.")

    def missing_theatre_facts(self) -> list[str]:
        """Names of the theatre's facts the scenario has not stated."""
        return [name for name in self.THEATRE_FACTS if getattr(self, name) is None]


class ColdParameters(ParameterGroup):
    """Cold injury as a hazard (``combat_science.md`` §3.1-3.2).

    Per hour outdoors a man accumulates ``1 / t_frostbite(wind chill)`` of a frostbite-onset
    dose, reduced by his protection; the chance of a cold injury in a step is
    ``1 - exp(-injury_per_dose * dose)``. Protection comes from winter equipment, shelter,
    supply (food and fuel) and fatigue.
    """

    frostbite_threshold_wind_chill_c: float = Field(
        -7.0, **AIR_C,
        description="degC; wind chill above which no freezing injury occurs: Orr 1954 "
        "frostbite exposure window begins at +20 F (-7 C) (§3.2).")
    frostbite_hours_at_threshold: float = Field(
        16.0, gt=0, description="h to frostbite at the threshold: Orr 1954, 'minutes to 16 h' "
        "(§3.2).")
    injury_per_dose: float = Field(
        0.005, gt=0, description="chance per man of a cold injury per frostbite-onset time of "
        "unprotected exposure. Calibrated with full_kit_protection so that fully equipped troops "
        "in Chosin weather (wind chill about -45 C for 17 days, 70 % of the time outdoors) lose "
        "about a fifth to cold: 1st Marine Division 3,349 non-battle casualties, 'about 1/5' "
        "(combat_science.md §3.1).")
    full_kit_protection: float = Field(
        0.98, ge=0, lt=1, description="share of the exposure dose kept off by a full cold-"
        "weather kit (clothing, footwear, tents, stoves) in a supplied, rested unit. With "
        "no_kit_protection it sets the ratio between well and badly equipped units in the same "
        "weather: Korea, 42 % of front-line infantry against practically none (§3.1), a hazard "
        "ratio of about 27.")
    no_kit_protection: float = Field(
        0.46, ge=0, lt=1, description="protection of ordinary uniform without winter kit; "
        "(1 - 0.46) / (1 - 0.98) = 27, the Korea ratio above (§3.1).")
    sheltered_exposure_share: float = Field(
        0.15, ge=0, le=1, description="share of resting hours spent outdoors by a unit in a "
        "village or town (sentries, patrols, unheated houses). Assumption.")
    bivouac_exposure_share: float = Field(
        0.7, ge=0, le=1, description="share of resting hours spent exposed by a unit resting in "
        "the open (shelter halves, snow holes, fires). Assumption.")
    dug_in_exposure_share: float = Field(
        0.3, ge=0, le=1, description="share of resting hours spent exposed by a unit that has "
        "held a position long enough to dig in and pitch tents (a prepared defence). "
        "Assumption.")
    unsupplied_protection_share: float = Field(
        0.5, ge=0, le=1, description="share of its protection a unit keeps when out of supply "
        "(no food, no fuel). Assumption; loss of the supply road removes shelter and fuel "
        "(Chosin, Omar Pass, §3.2).")
    kit_in_trains_share: float = Field(
        0.3, ge=0, le=1, description="share of a battalion's winter kit carried in its "
        "vehicles (sleeping bags, spare clothing and boots, tent bedding), lost with them. "
        "Assumption; S9: with all heavy equipment abandoned in the 14 Feb 1994 withdrawal, men "
        "burned their padded jackets for warmth.")
    fatigue_protection_loss_per_day: float = Field(
        0.02, ge=0, le=1, description="protection lost per day of continuous marching or combat "
        "(exhaustion). Assumption.")
    fatigue_max_loss: float = Field(
        0.4, ge=0, le=1, description="largest share of protection fatigue can take. Assumption.")
    fatigue_recovery_sheltered: float = Field(
        1.0, ge=0, description="days of fatigue shed per day of rest in a village. Assumption.")
    fatigue_recovery_open: float = Field(
        0.5, ge=0, description="days of fatigue shed per day of rest in the open. Assumption.")
    fatality_supplied: float = Field(
        0.05, ge=0, le=1, description="share of cold injuries brought to an aid post that die "
        "(sim.evacuation). Assumption: at Chosin most frostbite cases survived (§3.1).")
    fatality_unsupplied: float = Field(
        0.45, ge=0, le=1, description="share of cold injuries that die if they are not brought "
        "to an aid post within evacuation.untreated_death_hours: the 14 Feb 1994 retreat had "
        "109 frostbite deaths among 250 dead (S7; derived_cold_share_episode 0.44).")


class HypothermiaParameters(ParameterGroup):
    """Hypothermia as a heat debt (:mod:`sim.hypothermia`; ``combat_science.md`` §3.2b).

    Skin temperature, lethal debt, greatest shivering and its endurance are fitted to the
    predicted survival times of Tikuisis (1995) for a sedentary man (nude in calm air at -30 to
    0 degC; two loose layers in a 5 km/h wind at -50 to -20 degC): the fit reproduces all eight
    within 2 %, and the table's "> 24 h" at +10 and -10 degC.
    """

    skin_temperature_c: float = Field(
        28.58, gt=0, lt=40, description="degC; mean skin temperature of a man losing heat to the "
        "cold. Fitted to Tikuisis (1995), §3.2b.")
    lethal_heat_debt_mj_m2: float = Field(
        2.006, gt=0, description="MJ/m2 of body surface; heat debt at which the median man dies "
        "(deep core near 30 degC). Fitted to Tikuisis (1995), §3.2b.")
    lethal_debt_spread: float = Field(
        0.25, gt=0, le=2, description="lognormal spread (sd of the log) of the lethal debt from "
        "man to man. Assumption: the CESM gives survival times as a distribution (§3.2b).")
    resting_heat_w_m2: float = Field(
        58.0, gt=0, description="W/m2; heat made at rest: 1 met (ISO 8996).")
    shivering_max_w_m2: float = Field(
        171.4, ge=0, description="W/m2; greatest extra heat from shivering (about 3 met). "
        "Fitted to Tikuisis (1995), §3.2b.")
    shivering_endurance_h: float = Field(
        13.84, gt=0, description="h; time for the part of shivering that burns the body's "
        "carbohydrate to fade to 1/e in a rested man: shivering lasts while the body has fuel. "
        "Fitted to Tikuisis (1995), §3.2b, with fat_fuelled_share.")
    fat_fuelled_share: float = Field(
        0.3, ge=0, le=1, description="share of the heat of shivering or marching above rest that "
        "fat keeps up once carbohydrate is spent. Assumption: lipids supply about half the heat "
        "of low-intensity shivering, far less of intense shivering (Haman et al. 2004, J Physiol "
        "559:305); Tikuisis's table does not tell it apart (fits equally from 0 to 0.4).")
    marching_heat_w_m2: float = Field(
        232.0, gt=0, description="W/m2; heat made marching with a load: 4 met (ISO 8996's "
        "walking with a load); marching men make 3-5 times the resting heat (§3.2b).")
    radiative_w_m2k: float = Field(
        4.7, gt=0, description="W/m2 K; radiative heat-transfer coefficient of a clothed man "
        "(ISO 9920).")
    convective_w_m2k: float = Field(
        8.3, gt=0, description="W/m2 K per sqrt(m/s); convective coefficient of the air layer, "
        "h_c = 8.3 sqrt(wind) (Kerslake 1972).")
    calm_wind_ms: float = Field(
        0.28, gt=0, description="m/s; the least air movement round a man: 1 km/h, the calm air "
        "of Tikuisis's table (§3.2b).")
    no_kit_clo: float = Field(
        1.0, gt=0, description="clo; ordinary field uniform with underwear, no winter kit. "
        "Assumption after ISO 9920's working ensembles (about 1 clo).")
    full_kit_clo: float = Field(
        3.0, gt=0, description="clo; full winter kit: padded jacket and trousers, greatcoat, "
        "felt boots. Assumption between ISO 9920's winter ensembles (2-2.5 clo) and arctic "
        "clothing (about 4 clo, Burton & Edholm 1955).")
    wet_clothing_factor: float = Field(
        0.7, gt=0, le=1, description="share of its insulation clothing keeps when wet with "
        "falling snow at a halt in the open. Assumption: wet clothing conducts heat away (TC "
        "21-3 'keep it dry').")
    fed_refuel_h_per_h: float = Field(
        1.0, ge=0, description="hours of shivering whose fuel meals give back per hour, for "
        "men with food. Assumption: a ration replaces what a day's shivering burns, so fed "
        "men keep shivering and those who die are the unfed and exhausted (§3.2b).")
    rewarm_w_m2: float = Field(
        100.0, ge=0, description="W/m2; heat debt paid back under a roof or by a stove. "
        "Assumption.")


class AvalancheParameters(ParameterGroup):
    """Avalanche hazard per cell (``combat_science.md`` §3.5)."""

    release_min_slope_deg: float = Field(
        30.0, **SLOPE_DEG, description="deg; dry slabs rarely release below 30 deg (Perla; §3.5).")
    release_peak_slope_deg: float = Field(
        38.0, **SLOPE_DEG, description="deg; the most common slope of slab avalanches (§3.5).")
    release_max_slope_deg: float = Field(
        50.0, **SLOPE_DEG,
        description="deg; above 50-60 deg snow sluffs off continuously; 96 % of releases "
        "on 30-50 deg (§3.5).")
    serious_fresh_snow_m: float = Field(
        0.30, gt=0, description="m of new snow at which serious avalanches are always possible "
        "(§3.5).")
    min_fresh_snow_m: float = Field(
        0.10, ge=0, description="m of new snow below which the danger is taken as nil. "
        "Assumption.")
    release_per_day_at_peak: float = Field(
        0.05, ge=0, le=1, description="chance per day that avalanche terrain filling a cell "
        "releases with serious new snow. Assumption (avalanche frequency is UNVERIFIED in the "
        "record).")
    warming_factor: float = Field(
        1.5, ge=1, description="multiplier on release above 0 degC (wet-snow avalanches in "
        "thaw or rain, §3.5). Assumption.")
    subgrid_slope_ratio: float = Field(
        2.0, gt=0, description="local slopes relative to the cell's mean slope. Assumption: a "
        "1 km DEM averages out the 30-45 deg faces (no cell of the GLOBE grid exceeds 30 deg).")
    subgrid_slope_sd_deg: float = Field(
        8.0, gt=0, description="deg; spread of local slopes within a cell. Assumption.")
    caught_share: float = Field(
        0.05, ge=0, le=1, description="share of a battalion caught when an avalanche strikes "
        "its cell (about a platoon). Assumption.")
    caught_lethality: float = Field(
        0.5, ge=0, le=1, description="share of those caught who die. Assumption.")


class CombatParameters(ParameterGroup):
    """Dupuy's QJM/TNDM attrition (``combat_science.md`` §2.2-2.3).

    NPW as transcribed in HerrTom/OPORD-QJM, with TNDM's base rates and a near-linear dependence
    on the force ratio (CDB90, §2.1).
    """

    engagement_range_km: float = Field(
        2.5, gt=0, description="km; hostile battalions this close are in contact (neighbouring "
        "1 km cells and their diagonals). Assumption: direct-fire range of infantry weapons.")
    attacker_daily_rate: float = Field(
        0.04, gt=0, description="attacker casualty rate per day before factors: TNDM (Dupuy, "
        "*Attrition*, 1990; combat_science.md §2.2), where NPW's QJM had 0.028. TNDM's equal "
        "attacker and defender rates agree better with CDB90, where attackers lose a smaller "
        "share a day than defenders (1.36 against 4.36 %/day in WWII, §2.3; Dupuy's verity 6).")
    defender_daily_rate: float = Field(
        0.04, gt=0, description="defender casualty rate per day before factors: TNDM (as the "
        "attacker's); NPW's QJM had 0.015 (§2.2).")
    size_factor_men: list[float] = Field(
        [500, 1000, 2000, 4000, 10000, 25000, 100000],
        description="men; strengths of Dupuy's size-factor table (StrengthSize.csv, §2.2).")
    size_factor_value: list[float] = Field(
        [21, 8, 5, 2.5, 1.2, 1.0, 0.4],
        description="multiplier on the daily rate at those strengths: small forces lose at "
        "higher rates (verity 3; §2.2).")
    opposition_ratio: list[float] = Field(
        [0.1, 0.5, 1.0, 2.0, 3.0, 6.0],
        description="power ratio (own / enemy) of the QJM opposition-factor table (§2.2).")
    opposition_value: list[float] = Field(
        [2.5, 1.35, 0.95, 0.75, 0.65, 0.4],
        description="multiplier on a side's casualty rate at those ratios: the exchange hardly "
        "depends on the odds (CDB90 fit a = +0.07..0.23; §2.1).")
    static_contact_factor: float = Field(
        0.1, ge=0, le=1, description="share of the QJM rates suffered when neither side in a "
        "contact attacks (patrols, sniping, harassing fire). Assumption: QJM rates describe "
        "attacks.")
    terrain_casualty: dict[str, float] = Field(
        default_factory=lambda: {"WATER": 0.3, "FLAT_BARE": 1.0, "ROLLING_MIXED": 0.7,
                                 "RUGGED_MIXED": 0.4, "RUGGED_BARE": 0.5, "URBAN": 0.5},
        description="QJM terrain casualty factor r_c by terrain class (§2.2).")
    terrain_defence: dict[str, float] = Field(
        default_factory=lambda: {"WATER": 1.0, "FLAT_BARE": 1.05, "ROLLING_MIXED": 1.3,
                                 "RUGGED_MIXED": 1.55, "RUGGED_BARE": 1.45, "URBAN": 1.4},
        description="QJM defence-position multiplier r_u by terrain class (§2.2).")
    posture_strength: dict[str, float] = Field(
        default_factory=lambda: {"attack": 1.0, "hasty": 1.3, "prepared": 1.5, "delay": 1.2,
                                 "withdrawal": 1.15},
        description="QJM defender strength factor u_s by posture (§2.2).")
    posture_defender_casualty: dict[str, float] = Field(
        default_factory=lambda: {"attack": 1.0, "hasty": 0.8, "prepared": 0.85, "delay": 0.95,
                                 "withdrawal": 0.9},
        description="QJM defender casualty factor u_cd by posture (§2.2).")
    prepared_after_hours: float = Field(
        24.0, ge=0, description="h a unit must hold a place before its defence counts as "
        "prepared rather than hasty. Assumption.")
    weather_casualty_fair: float = Field(
        0.7, gt=0, description="QJM h_c 'dry, sunny, extreme cold' (§2.2), used below 0 degC "
        "without precipitation.")
    weather_casualty_light: float = Field(
        0.4, gt=0, description="QJM h_c 'wet, light, extreme cold' (§2.2).")
    weather_casualty_heavy: float = Field(
        0.3, gt=0, description="QJM h_c 'wet, heavy, extreme cold' (§2.2).")
    weather_attack_fair: float = Field(
        0.9, gt=0, description="QJM h_ua attack factor, dry extreme cold (§2.2).")
    weather_attack_light: float = Field(
        0.9, gt=0, description="QJM h_ua attack factor, wet light extreme cold (§2.2).")
    weather_attack_heavy: float = Field(
        0.6, gt=0, description="QJM h_ua attack factor, wet heavy extreme cold (§2.2).")
    quality_factor: dict[str, float] = Field(
        default_factory=lambda: {"poor": 0.7, "fair": 0.8, "good": 0.9, "excellent": 1.0},
        description="QJM morale factor by troop quality (§2.2).")
    broken_factor: float = Field(
        0.2, gt=0, le=1, description="combat power of a broken unit: QJM morale 'panic' 0.2.")
    fatigue_power_loss_per_day: float = Field(
        0.03, ge=0, le=1, description="share of combat power lost per day in combat (Dupuy's "
        "verity 8; Rubio-Campillo's fatigue model, §2.1). Assumption on the size.")
    fatigue_power_floor: float = Field(
        0.5, gt=0, le=1, description="lowest share of combat power fatigue leaves. Assumption.")
    unsupplied_power: float = Field(
        0.6, gt=0, le=1, description="combat power of a unit out of supply (no ammunition, "
        "food). Assumption.")
    advance_km_per_day: float = Field(
        2.0, gt=0, description="km/day; QJM opposed advance of infantry at a power ratio of 1 "
        "(§2.2): 4 against a hasty, 2 against a prepared, 1 against a fortified defence; the "
        "pace where the enemy opposes the advance: inside an enemy battalion's zone of control, "
        "or through the outposts of its prepared positions (sides.<id>.outposts_km). Ground "
        "the enemy only marched over is crossed at the march pace. Default: the QJM's "
        "prepared defence; a scenario calibrates it within the QJM range "
        "(scenarios/calibration_ranges.toml, `run_sim.py calibrate`) for its defence.")
    terrain_mobility: dict[str, float] = Field(
        default_factory=lambda: {"WATER": 0.0, "FLAT_BARE": 1.05, "ROLLING_MIXED": 0.8,
                                 "RUGGED_MIXED": 0.5, "RUGGED_BARE": 0.6, "URBAN": 0.7},
        description="QJM terrain mobility factor r_m by terrain class, multiplying the advance "
        "(§2.2).")
    sweep_km: float = Field(
        1.0, ge=0, description="km; uncontested ground this close around a battalion passes to "
        "its side (patrols). Assumption.")
    gun_crew_power: float = Field(
        0.2, gt=0, le=1, description="close-combat power of an artillery or rocket unit's men "
        "relative to riflemen, in a scenario that lists no weapons (where power is men). "
        "Assumption: crews with personal weapons only.")
    dispersion_factor: float = Field(
        4000.0, gt=0, description="Dupuy's dispersion factor of the era, dividing a weapon's "
        "theoretical into its operational lethality: 3,000 for 1939-45, 4,000 for 1973 "
        "(*Numbers, Predictions and War*, Appendix A). It scales every weapon alike.")
    weapon_terrain_factor: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "infantry": {"WATER": 1.0, "FLAT_BARE": 1.0, "ROLLING_MIXED": 0.9,
                         "RUGGED_MIXED": 0.7, "RUGGED_BARE": 0.8, "URBAN": 0.8},
            "artillery": {"WATER": 1.0, "FLAT_BARE": 1.0, "ROLLING_MIXED": 0.9,
                          "RUGGED_MIXED": 0.8, "RUGGED_BARE": 0.9, "URBAN": 0.9},
            "armour": {"WATER": 1.0, "FLAT_BARE": 1.0, "ROLLING_MIXED": 0.8,
                       "RUGGED_MIXED": 0.4, "RUGGED_BARE": 0.5, "URBAN": 0.7}},
        description="QJM terrain factors on each class of weapon where it fights: r_n "
        "infantry weapons, r_wg artillery (its mortars), r_wt tanks and armoured vehicles "
        "(§2.2), by terrain class.")
    weapon_weather_factor: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "infantry": {"fair": 1.0, "light": 1.0, "heavy": 1.0},
            "artillery": {"fair": 0.9, "light": 1.0, "heavy": 0.8},
            "armour": {"fair": 0.9, "light": 0.7, "heavy": 0.5}},
        description="QJM weather factors on each class of weapon in extreme cold: h_wg "
        "artillery, h_wt tanks (dry, light and heavy precipitation, §2.2); infantry weapons "
        "have none.")
    surprise_defender_casualty: float = Field(
        1.2, ge=1, description="casualty factor of a defender in its first contact (minor "
        "surprise): QJM x1.2 (§2.2).")
    surprise_mobility: dict[str, float] = Field(
        default_factory=lambda: {"minor": 1.3, "substantial": 3.0, "complete": 5.0},
        description="QJM surprise: multiplier on the surprising attacker's mobility "
        "characteristic, so on its advance and, through its operational mobility, its combat "
        "power (§2.2).")
    surprise_vulnerability: dict[str, float] = Field(
        default_factory=lambda: {"minor": 0.9, "substantial": 0.6, "complete": 0.4},
        description="QJM surprise: casualty factor of the surprising side (§2.2).")
    surprised_vulnerability: dict[str, float] = Field(
        default_factory=lambda: {"minor": 1.2, "substantial": 2.0, "complete": 3.0},
        description="QJM surprise: casualty factor of the surprised side (§2.2).")
    killed_share: float = Field(
        0.33, ge=0, le=1, description="share of battle casualties killed: Chosin, nearly 2,500 "
        "dead to 5,000 wounded (§3.1).")
    missing_share: float = Field(
        0.05, ge=0, le=1, description="share of battle casualties missing or captured in a "
        "coherent unit. Assumption.")
    missing_share_broken: float = Field(
        0.3, ge=0, le=1, description="share missing or captured when the unit is broken or "
        "encircled. Assumption: 111 missing in the 14 Feb retreat against 141 killed (S7).")
    artillery_casualty_share: float = Field(
        0.47, ge=0, lt=1, description="share of casualties caused by artillery where guns "
        "support an engagement: WWII Pacific 47 % (ETO 64 %, MTO 69 %; §2.3); the lowest, for "
        "mountains where observation and ammunition are short.")
    artillery_range_km: float | None = Field(
        None, gt=0, description="km; range of the scenario's gun artillery, in a scenario that "
        "lists no weapons (else each battalion's guns reach their effective range). A fact of "
        "the weapons: no default, a scenario with artillery states it with its source.")
    rocket_range_km: float | None = Field(
        None, gt=0, description="km; range of the scenario's rocket artillery, in a scenario "
        "that lists no weapons (as artillery_range_km).")
    fire_units_per_engagement: float = Field(
        1.0, gt=0, description="engagements one artillery battalion can support fully; more "
        "engagements share its fire. Assumption.")
    bombardment_daily_rate: float = Field(
        0.01, ge=0, description="daily casualty rate artillery in range inflicts on an enemy "
        "unit not in contact: an encircled one all day, a column for the hours it marches. "
        "Assumption: Grad fire on the escaping columns (S6).")
    ammunition_days: float = Field(
        3.0, gt=0, description="days of fire an artillery unit keeps firing out of supply. "
        "Assumption.")


class MoraleParameters(ParameterGroup):
    """Breaking and rallying (``combat_science.md`` §2.3 breakpoints).

    Each battalion draws a hidden breakpoint (share of its men lost) from a lognormal. The side
    that quits an engagement is the one whose breakpoint is reached first, so the losses of
    losing sides lie below the breakpoints drawn; the lognormal is calibrated so that in
    one-on-one attacks fought at the model's QJM rates (:func:`sim.calibration.duel_losses`) losing
    sides quit as in CDB90: median 7.6 % (WWII) to 16.7 % (all periods), 80-82 % below 40 %.
    Encirclement, hunger, cold losses and surprise lower it.
    """

    breakpoint_median: float = Field(
        0.28, gt=0, lt=1, description="median of the breakpoints drawn (share of men lost). "
        "Calibrated: with breakpoint_share_below_40, duels at the QJM/TNDM rates end with the "
        "losing side at a median 10 % loss, between CDB90's 7.6 % (WWII) and 16.7 % (all "
        "periods), and 80 % of losers below 40 % (CDB90 80-82 %; §2.3; "
        "sim.calibration.duel_losses).")
    breakpoint_share_below_40: float = Field(
        0.575, gt=0, lt=1, description="share of the breakpoints drawn that lie below 40 % "
        "losses; calibrated with breakpoint_median (above).")
    encircled_factor: float = Field(
        0.6, gt=0, le=1, description="breakpoint multiplier for an encircled unit. Assumption.")
    unsupplied_factor: float = Field(
        0.8, gt=0, le=1, description="breakpoint multiplier for a unit out of supply (hunger). "
        "Assumption.")
    quality_factor: dict[str, float] = Field(
        default_factory=lambda: {"poor": 0.7, "fair": 0.85, "good": 1.0, "excellent": 1.2},
        description="breakpoint multiplier by troop quality. Assumption following the QJM "
        "morale grades (§2.2).")
    surprised_factor: float = Field(
        0.8, gt=0, le=1, description="breakpoint multiplier on the day a unit is surprised. "
        "Assumption.")
    rally_hours: float = Field(
        48.0, ge=0, description="h out of contact (and in supply) after which a broken unit "
        "rallies; also the h of holding in supply after which a called-off attack is renewed. "
        "Assumption.")
    retreat_km: float = Field(
        10.0, gt=0, description="km; a broken battalion falls back to a place its side holds at "
        "least this far from the enemy (out of contact and out of the enemy's zone). "
        "Assumption.")
    ineffective_loss_share: float = Field(
        0.3, gt=0, le=1, description="share of its men lost at which a rallied battalion is no "
        "longer sent back into the attack: US doctrine (ADRP 1-02) counts a unit 'destroyed' at "
        "30 % losses (combat_science.md §2.3).")
    trapped_surrender_per_day: float = Field(
        0.5, ge=0, le=1, description="chance per day that a trapped battalion (encircled, its "
        "carried supplies spent, no way out round the enemy) surrenders; its men are captured. "
        "Assumption: the encircled brigades' survivors 'died of hypothermia, went missing or "
        "were captured' (combat_science.md §0, S6); 111 missing in the 14 Feb retreat (S7).")
    rallied_breakpoint_factor: float = Field(
        0.7, gt=0, le=1, description="a rallied unit counts only new losses, against its "
        "breakpoint times this factor (it breaks more easily a second time). Assumption.")


class SupplyParameters(ParameterGroup):
    """Supply traced over the road network (``combat_science.md`` §3.6)."""

    kg_per_man_day: float = Field(
        10.0, gt=0, description="kg per man per day in winter without ammunition: 8-12 "
        "(rations, fuel, water; §3.6); the model reports each side's daily need in tonnes.")
    carried_days: float = Field(
        3.0, gt=0, description="days of supply a battalion carries. Assumption.")
    on_man_days: float = Field(
        2.0, gt=0, description="days of supply the men carry on themselves: all a battalion "
        "keeps once it has lost its vehicles (its trains). The US infantry manual of 1917: 2 "
        "days on each man.")
    position_stock_days: float = Field(
        7.0, gt=0, description="days of supply a battalion dug in on its supply path keeps in "
        "its position (its trains come up); it takes only carried_days when it moves on. "
        "Assumption after the US infantry manual of 1917: 2 days on each man, 3 in the field "
        "train and 2 in the supply train, 7 days with the command.")
    resupply_days_per_day: float = Field(
        2.0, gt=0, description="days of supply delivered per day to a unit on a supply path. "
        "Assumption.")
    resume_attack_days: float = Field(
        2.0, gt=0, description="days of supply a battalion that pulled back to restock must "
        "hold before it resumes its task. Assumption.")
    offroad_km: float = Field(
        8.0, ge=0, description="km; longest off-road carry from a road node to a unit (porters, "
        "pack animals). Assumption.")
    porters_slowed_by_snow: bool = Field(
        True, description="whether snow shortens the off-road carry as it slows men on foot: "
        "a cell where the march rate is a share f of the bare pace costs 1/f cells of the "
        "offroad_km walk (FM 31-70 snow factors, combat_science.md §3.4), taken once a day. "
        "Porters keep to a trodden track, so the snow counts at movement.road_snow_depth_share "
        "of its depth. Off: snow never shortens the carry.")
    zoc_km: float = Field(
        2.5, ge=0, description="km; reach of a battalion's zone of control: supply does not "
        "pass through it. Assumption: the engagement range.")
    retreat_column_zoc: bool = Field(
        False, description="whether a battalion marching back under a withdrawal order still "
        "exerts a zone of control. Off: a column falling back is in march order, not deployed, "
        "and holds no ground, as a broken battalion or a road-bound train does not (the "
        "road-march and retreat rules of operational wargames). A withdrawing battalion that "
        "holds its exit still does.")
    ring_needs_two_zones: bool = Field(
        True, description="whether an encircled battalion may step back out of the zone of "
        "control of a lone enemy battalion, away from it, so that the ring is closed only where "
        "the zones of two enemy battalions overlap. Assumption: a zone binds a unit to the "
        "battalion that exerts it, which it may leave but not pass (the zone-of-control rules "
        "of operational board wargames). Off: every enemy zone bars the encircled.")
    road_guard_behind_screen: bool = Field(
        True, description="whether a battalion securing a road stays at the stretch's first "
        "place while its side's other battalions stand nearer the enemy than any cell of the "
        "stretch (they screen it, as they screen convoys). Off: it stands where the enemy comes "
        "nearest the stretch all the same, in the front line. Assumption: a commander keeps his "
        "road guard back until the road itself is threatened.")
    road_guard_shift_km: float = Field(
        3.0, gt=0, description="km; a battalion securing a road moves to the point of its stretch "
        "nearest the enemy when that point is further than this from where it stands. "
        "Assumption: about the reach of its zone of control.")
    encircled_after_hours: float = Field(
        12.0, ge=0, description="h without a supply path before a unit counts as encircled "
        "(short cuts are interruptions). Assumption.")
    relieved_after_hours: float = Field(
        12.0, ge=0, description="h the ring round an encircled unit must stay open before it "
        "counts as out of its pocket, unless its supply reaches it again (short openings are "
        "interruptions, as short cuts are: encircled_after_hours). Assumption: the same 12 h.")
    pocket_link_km: float = Field(
        2.0, gt=0, description="km; a battalion off its supply path is not in a pocket while "
        "ground open to its side within this distance joins its supplied roads: its patrols "
        "and porters keep that link. Assumption.")


class EvacuationParameters(ParameterGroup):
    """Casualty evacuation (:mod:`sim.evacuation`; ``combat_science.md`` §3.2c).

    Wounded and cold-injured men go back to an aid post on the side's open roads while a
    route is open, carried by the battalion's litter teams over the ground between; a column
    with no route carries its litter cases, slowed, or leaves those it cannot carry.
    """

    litter_case_share: float = Field(
        0.5, ge=0, le=1, description="share of the wounded and cold-injured who cannot walk "
        "and go on a litter (frostbitten feet, wounds of the legs and trunk). Assumption.")
    bearers_per_litter: int = Field(
        6, ge=1, le=12, description="men per litter: six on non-technical mountain ground "
        "(Wilkerson, *Medicine for Mountaineering*, litter evacuation); four on level ground "
        "(ATP 4-25.13, the four-man litter squad).")
    bearer_share: float = Field(
        0.25, ge=0, le=1, description="largest share of a battalion's men that can go on "
        "litters and still hold or march as a unit. Assumption.")
    litter_pace_share: float = Field(
        0.5, gt=0, le=1, description="share of the cross-country foot-march rate a litter team "
        "keeps; also the pace of a column that carries litters. Assumption: carrying a litter "
        "any distance is strenuous and teams rotate (Wilkerson; FM 3-97.6).")
    untreated_wounded_death_share: float = Field(
        0.3, ge=0, le=1, description="share of wounded who die if they are not brought to an "
        "aid post within untreated_death_hours. Assumption.")
    untreated_death_hours: float = Field(
        72.0, gt=0, le=720, description="h; time over which untreated casualties die at "
        "their untreated share (a constant hazard; cold injuries die at "
        "cold.fatality_unsupplied). Assumption: haemorrhage, shock and then wound sepsis kill "
        "most of the untreated within the first days.")
    left_behind_dead_share: float = Field(
        0.5, ge=0, le=1, description="share of the casualties a column leaves behind who die; "
        "the rest are missing or captured. After the 14 Feb 1994 retreat: 109 frostbite dead "
        "against 111 missing (S7).")


class Parameters(ParameterGroup):
    """All parameter groups of a scenario."""

    terrain: TerrainParameters = TerrainParameters()
    movement: MovementParameters = MovementParameters()
    weather: WeatherParameters = WeatherParameters()
    cold: ColdParameters = ColdParameters()
    hypothermia: HypothermiaParameters = HypothermiaParameters()
    avalanche: AvalancheParameters = AvalancheParameters()
    combat: CombatParameters = CombatParameters()
    morale: MoraleParameters = MoraleParameters()
    supply: SupplyParameters = SupplyParameters()
    evacuation: EvacuationParameters = EvacuationParameters()
