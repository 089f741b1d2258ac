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
    road_bound_max_snow_m: float = Field(
        0.3, gt=0,
        description="m; towed guns and rocket launchers leave a road only where the snow is "
        "shallower than this. Assumption: the FM 31-70 'over about 30 cm' boundary (§3.4).")


class WeatherParameters(ParameterGroup):
    """Climatology of the theatre (``kalbajar_facts.toml`` [climate]) and the weather generator.

    Temperature = seasonal cycle at the reference height + lapse rate x height difference +
    day/night cycle + a persistent theatre-wide anomaly (cold spells). The seasonal numbers are
    the January and July means at 2,000 m (S64); lapse rates above and below 2,000 m are derived
    from the 3,000 m means (S64) and the valley stations Goygol (S50) and Martakert (S44).
    """

    reference_height_m: float = Field(
        2000.0, description="m; height of the climatological reference means (S64).")
    january_mean_c: float = Field(
        -5.5, description="degC; January mean at 2,000 m, -6 to -5 (S64).")
    july_mean_c: float = Field(
        15.0, description="degC; July mean at 2,000 m, 14 to 16 (S64).")
    coldest_day_of_year: float = Field(
        20.0, ge=1, le=366,
        description="day of year of the coldest mean. Assumption: mid/late January, as usual "
        "for continental mountain climates.")
    lapse_above_january_c_per_km: float = Field(
        7.0, ge=0, description="degC/km above 2,000 m in January: -5.5 at 2,000 m to -12.5 at "
        "3,000 m (S64; facts jan_lapse_rate_c_per_km_derived = 7.0, range 6-8).")
    lapse_above_july_c_per_km: float = Field(
        6.0, ge=0, description="degC/km above 2,000 m in July: 15 at 2,000 m, 8-10 above "
        "3,000 m (S64).")
    lapse_below_january_c_per_km: float = Field(
        5.1, ge=0, description="degC/km below 2,000 m in January: Goygol (697 m) mean +1.1 "
        "(S50) against -5.5 at 2,000 m; winter valley inversions flatten the profile.")
    lapse_below_july_c_per_km: float = Field(
        5.9, ge=0, description="degC/km below 2,000 m in July: Kur-Araz lowland 26-27 against "
        "14-16 at 2,000 m (S64).")
    diurnal_half_range_c: float = Field(
        3.75, ge=0, description="degC; half the January day-night range: Martakert mean high "
        "+5.8, mean low -1.7 (S44).")
    warmest_hour: float = Field(
        15.0, ge=0, le=24, description="h local solar time of the daily maximum. Assumption.")
    anomaly_sd_c: float = Field(
        3.5, ge=0, description="degC; standard deviation of the day-to-day anomaly. Cold nights "
        "of -8 to -13 against normal nights of 0 to -5 in Upper Karabakh (S66), about 2 sd.")
    anomaly_timescale_days: float = Field(
        4.0, gt=0, description="days; persistence of cold spells and thaws. Assumption: a "
        "synoptic period of 3-7 days.")
    precip_january_mm_at_reference: float = Field(
        42.0, ge=0, description="mm/month at 2,000 m in January: Armenia 42 mm, mountains 40-45 "
        "mm, 'mainly in the form of snow' (S67).")
    orographic_gain_per_km: float = Field(
        0.4, ge=0, description="relative increase of precipitation per km of height: Martakert "
        "(415 m) 15 mm in January (S44) against 42 mm at 2,000 m.")
    precip_seasonal_amplitude: float = Field(
        0.58, ge=0, le=1, description="relative amplitude of the seasonal precipitation cycle, "
        "January the driest: Martakert's January share of its 426 mm year (S44), 15 mm against "
        "a monthly mean of 35.5 mm.")
    wet_after_dry_probability: float = Field(
        0.25, ge=0, le=1, description="chance a day is wet after a dry day. Assumption; with "
        "wet_after_wet gives 38 % wet days.")
    wet_after_wet_probability: float = Field(
        0.6, ge=0, le=1, description="chance a day is wet after a wet day (storms last). "
        "Assumption.")
    wet_day_amount_shape: float = Field(
        0.6, gt=0, description="shape of the gamma distribution of wet-day amounts (1 would be "
        "exponential; smaller gives more heavy falls). Assumption: daily precipitation is "
        "commonly fitted with shapes of 0.5-0.9.")
    heavy_precip_mm_per_day: float = Field(
        10.0, gt=0, description="mm/day (water) from which precipitation counts as 'heavy' in "
        "the QJM weather classes (combat_science.md §2.2). Assumption: 10 cm of new snow a day.")
    snow_below_c: float = Field(
        0.0, description="degC; precipitation falls as snow below this air temperature.")
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
    wind_median_ms: float = Field(
        3.0, gt=0, description="m/s; median wind at 1,000 m on dry days. Assumption: valley "
        "stations; Dashkasan gusts reach 20 m/s (kalbajar_history.md §5).")
    wind_log_sd: float = Field(
        0.5, ge=0, description="sd of log wind speed between days. Assumption.")
    storm_wind_factor: float = Field(
        1.8, ge=1, description="wind on wet (storm) days relative to dry days. Assumption.")
    wind_height_gain_per_km: float = Field(
        0.5, ge=0, description="relative increase of wind per km above 1,000 m. Calibrated so "
        "that storm winds on the crests reach 20-40 m/s (S67: 'in mountain passes up to 40 m/s').")
    wind_ridge_gain_per_100m: float = Field(
        0.3, ge=0, description="relative increase of wind per 100 m a cell stands above its "
        "surroundings (9 km window): ridges and passes are windier (S67).")
    fog_above_m: float = Field(
        2000.0, description="m; on wet steps cells above this are in cloud (fog). Assumption; "
        "'fog frequent on mountain passes' (S67).")
    fog_rate_factor: float = Field(
        0.8, gt=0, le=1, description="march-rate factor in fog. Assumption, as QJM 'wet, light' "
        "mobility 0.8 (combat_science.md §2.2).")
    light_precip_rate_factor: float = Field(
        0.8, gt=0, le=1, description="march-rate factor in light snow or rain: QJM h_m for "
        "'wet, light, extreme cold' (combat_science.md §2.2).")
    heavy_precip_rate_factor: float = Field(
        0.5, gt=0, le=1, description="march-rate factor in heavy snow or rain: QJM h_m for "
        "'wet, heavy, extreme cold' (combat_science.md §2.2).")
    pass_close_snow_paved_m: float = Field(
        0.4, gt=0, description="m of uncleared snow on a paved road's crest from which it is "
        "closed. Assumption: the Sotk-Karvachar highway is 'difficult to pass' in January (S60).")
    pass_close_snow_track_m: float = Field(
        0.3, gt=0, description="m of uncleared snow on a track's crest from which it is closed. "
        "Assumption: the old Omar road 'becomes impassable in wintertime' (S34) in heavy snow "
        "(S73), while single snowfalls bring 10-20 cm (S33).")
    pass_reopen_fraction: float = Field(
        0.5, gt=0, le=1, description="a closed road reopens when its snow is cleared below this "
        "share of its closing depth. Assumption.")
    road_clearing_m_per_day: float = Field(
        0.05, ge=0, description="m of snow a day that traffic and clearing take off a road in "
        "use. Assumption: a road is kept open through a single 10-20 cm snowfall (S33) but not "
        "through days of heavy snow.")
    pass_min_height_m: float = Field(
        2000.0, description="m; only roads whose highest point is above this can be closed by "
        "snow (valley roads are kept open). Assumption.")
    route_refresh_days: float = Field(
        7.0, gt=0, description="days between re-planning routes under the current snow (routes "
        "are also re-planned at once when a road closes or opens).")
    spinup_days: float = Field(
        120.0, ge=0, description="days of weather simulated before the start date, so the "
        "snowpack on the first day is the season's own.")


class ColdParameters(ParameterGroup):
    """Cold injury as a hazard (``combat_science.md`` §3.1-3.2).

    Per hour outdoors a man accumulates ``1 / t_frostbite(wind chill)`` of a frostbite-onset
    dose, reduced by his protection; the chance of a cold injury in a step is
    ``1 - exp(-injury_per_dose * dose)``. Protection comes from winter equipment, shelter,
    supply (food and fuel) and fatigue.
    """

    frostbite_threshold_wind_chill_c: float = Field(
        -7.0, description="degC; wind chill above which no freezing injury occurs: Orr 1954 "
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
    unsupplied_protection_share: float = Field(
        0.5, ge=0, le=1, description="share of its protection a unit keeps when out of supply "
        "(no food, no fuel). Assumption; loss of the supply road removes shelter and fuel "
        "(Chosin, Omar Pass, §3.2).")
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
        0.05, ge=0, le=1, description="share of cold injuries that die when the unit is "
        "supplied and can evacuate. Assumption: at Chosin most frostbite cases survived (§3.1).")
    fatality_unsupplied: float = Field(
        0.45, ge=0, le=1, description="share of cold injuries that die when the unit is cut "
        "off (no evacuation, no food): the 14 Feb 1994 retreat had 109 frostbite deaths among "
        "250 dead (S7; derived_cold_share_episode 0.44).")


class AvalancheParameters(ParameterGroup):
    """Avalanche hazard per cell (``combat_science.md`` §3.5)."""

    release_min_slope_deg: float = Field(
        30.0, description="deg; dry slabs rarely release below 30 deg (Perla; §3.5).")
    release_peak_slope_deg: float = Field(
        38.0, description="deg; the most common slope of slab avalanches (§3.5).")
    release_max_slope_deg: float = Field(
        50.0, description="deg; above 50-60 deg snow sluffs off continuously; 96 % of releases "
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


class Parameters(ParameterGroup):
    """All parameter groups of a scenario."""

    terrain: TerrainParameters = TerrainParameters()
    movement: MovementParameters = MovementParameters()
    weather: WeatherParameters = WeatherParameters()
    cold: ColdParameters = ColdParameters()
    avalanche: AvalancheParameters = AvalancheParameters()
