"""A stochastic weather generator for the theatre: numpy layers, one vectorised update a step.

Per step (all fields indexed [x, y] like the terrain):

* temperature = seasonal cycle at the reference height (2,000 m) + lapse rate x height
  difference (steeper above the reference than below, where winter inversions flatten the
  profile) + day/night cycle + a persistent theatre-wide anomaly (AR(1): cold spells, thaws)
  + the scenario's offset;
* precipitation on wet days (a two-state Markov chain of days), more with height (orographic
  gain) and with the seasonal cycle; it falls as snow below 0 degC;
* snowpack as water equivalent and density: new snow at fresh density, settling towards a
  settled density, degree-day melt; depth = water / density; snow of the last 72 h is tracked
  apart as fresh snow;
* wind = a day-to-day base speed (log-AR(1), stronger on wet days) x an exposure that grows
  with height and with how far a cell stands above its surroundings (ridges and passes), up to
  the theatre's strongest recorded wind (``wind_max_ms``);
* fog on wet steps above the cloud base.

Every constant is in :class:`sim.parameters.WeatherParameters`, calibrated to the climatology
of ``kalbajar_facts.toml`` [climate]. Recorded weather can be imposed for given days as
*forcing* (scenario ``[weather.forcing]``), clearly separate and switchable off.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque

import numpy as np
from scipy.ndimage import uniform_filter

from .parameters import WeatherParameters

DAYS_PER_YEAR = 365.25
LAYER = np.float32  # weather layers: single precision halves the memory traffic


def seasonal(day_of_year: float, january: float, july: float, coldest_day: float) -> float:
    """A value on an annual cosine through its January and July values (coldest day lowest)."""
    mean, amplitude = (january + july) / 2.0, (july - january) / 2.0
    return mean - amplitude * math.cos(2 * math.pi * (day_of_year - coldest_day) / DAYS_PER_YEAR)


def lapse_profile(day_of_year: float, p: WeatherParameters) -> tuple[float, float, float]:
    """Mean at the reference height and lapse rates above and below it (degC, degC/km)."""
    ref = seasonal(day_of_year, p.january_mean_c, p.july_mean_c, p.coldest_day_of_year)
    above = seasonal(day_of_year, p.lapse_above_january_c_per_km, p.lapse_above_july_c_per_km,
                     p.coldest_day_of_year)
    below = seasonal(day_of_year, p.lapse_below_january_c_per_km, p.lapse_below_july_c_per_km,
                     p.coldest_day_of_year)
    return ref, above, below


def mean_temperature_c(elevation_m, day_of_year: float, p: WeatherParameters):
    """Climatological daily mean temperature at a height (no anomaly, no day/night cycle)."""
    ref, above, below = lapse_profile(day_of_year, p)
    dz_km = (np.asarray(elevation_m, dtype=float) - p.reference_height_m) / 1000.0
    return ref - np.where(dz_km > 0, above, below) * dz_km


def diurnal_c(hour: float, p: WeatherParameters) -> float:
    """Day/night departure from the daily mean at a local solar hour."""
    return p.diurnal_half_range_c * math.cos(2 * math.pi * (hour - p.warmest_hour) / 24.0)


def monthly_precip_mm(elevation_m, day_of_year: float, p: WeatherParameters):
    """Climatological precipitation in mm per month at a height and time of year."""
    season = 1.0 - p.precip_seasonal_amplitude * math.cos(
        2 * math.pi * (day_of_year - p.coldest_day_of_year) / DAYS_PER_YEAR)
    january_season = 1.0 - p.precip_seasonal_amplitude
    dz_km = (np.asarray(elevation_m, dtype=float) - p.reference_height_m) / 1000.0
    height = np.maximum(0.05, 1.0 + p.orographic_gain_per_km * dz_km)
    return p.precip_january_mm_at_reference * season / january_season * height


def wet_day_fraction(p: WeatherParameters) -> float:
    """Long-run share of wet days of the two-state Markov chain."""
    return p.wet_after_dry_probability / (
        1.0 - p.wet_after_wet_probability + p.wet_after_dry_probability)


def wind_exposure(elevation_m: np.ndarray, cell_size_m: float, p: WeatherParameters):
    """Wind multiplier of each cell: its height and its rise above the surroundings.

    Height above ``wind_reference_height_m``; rise above the mean height of a
    ``ridge_window_km`` square around it.
    """
    window = max(3, int(round(p.ridge_window_km * 1000.0 / cell_size_m)) | 1)
    rise = elevation_m - uniform_filter(elevation_m, size=window, mode="nearest")
    height = np.maximum(elevation_m - p.wind_reference_height_m, 0.0) / 1000.0
    return (1.0 + p.wind_height_gain_per_km * height) * (
        1.0 + p.wind_ridge_gain_per_100m * np.maximum(rise, 0.0) / 100.0)


class Weather:
    """The weather layers of the theatre and their evolution.

    Args:
        elevation_m: terrain heights [x, y].
        cell_size_m: grid cell size.
        params: calibrated constants.
        rng: the model's numpy random generator.
        temperature_offset_c: what-if offset added everywhere.
        snowfall_multiplier: what-if factor on snowfall.
        forcing: recorded weather to impose, as a list of scenario forcing entries.
    """

    def __init__(self, elevation_m: np.ndarray, cell_size_m: float, params: WeatherParameters,
                 rng: np.random.Generator, temperature_offset_c: float = 0.0,
                 snowfall_multiplier: float = 1.0, forcing=()):
        self.p = params
        self.rng = rng
        self.elevation_m = elevation_m
        self.temperature_offset_c = temperature_offset_c
        self.snowfall_multiplier = snowfall_multiplier
        self.forcing = list(forcing)
        self.exposure = wind_exposure(elevation_m, cell_size_m, params).astype(LAYER)
        dz_km = (elevation_m - params.reference_height_m) / 1000.0
        self._km_above = np.maximum(dz_km, 0.0).astype(LAYER)
        self._km_below = np.minimum(dz_km, 0.0).astype(LAYER)
        self._orographic = (monthly_precip_mm(elevation_m, 1.0, params) / monthly_precip_mm(
            params.reference_height_m, 1.0, params)).astype(LAYER)
        self._cloud = elevation_m >= params.fog_above_m
        light, heavy = params.light_precip_rate_factor, params.heavy_precip_rate_factor
        self._light_factor = np.where(self._cloud, light * params.fog_rate_factor,
                                      light).astype(LAYER)
        self._heavy_factor = np.where(self._cloud, heavy * params.fog_rate_factor,
                                      heavy).astype(LAYER)
        shape = elevation_m.shape
        self.temperature_c = np.zeros(shape, dtype=LAYER)
        self.wind_ms = np.zeros(shape, dtype=LAYER)
        self.precip_mm = np.zeros(shape, dtype=LAYER)
        self.snowfall_m = np.zeros(shape, dtype=LAYER)
        self.swe_mm = np.zeros(shape, dtype=LAYER)
        self.density_kg_m3 = np.full(shape, params.fresh_snow_density_kg_m3, dtype=LAYER)
        self.snow_depth_m = np.zeros(shape, dtype=LAYER)
        self.fresh_snow_m = np.zeros(shape, dtype=LAYER)
        self.fog = np.zeros(shape, dtype=bool)
        self.rate_factor = np.ones(shape, dtype=LAYER)
        self._fresh: deque[tuple[float, np.ndarray | None]] = deque()
        self._fresh_sum = np.zeros(shape, dtype=LAYER)
        self._fresh_hours = 0.0
        self._fresh_layers = 0
        self._snowed = False
        # Temperature falls with height (lapse rates >= 0, a theatre-wide anomaly): nothing
        # melts unless the lowest cell is above freezing.
        self._lowest_cell = np.unravel_index(np.argmin(elevation_m), shape)
        self._spare: list[np.ndarray] = []
        self._snow = np.zeros(shape, dtype=LAYER)
        self._work = np.zeros(shape, dtype=LAYER)
        self._mask = np.zeros(shape, dtype=bool)
        self._precip_key: tuple[float, float] | None = None
        self.anomaly_c = 0.0
        self.wind_log_anomaly = 0.0
        self.wet = False
        self.day_precip_mm = 0.0
        self.forced = False
        self._day: dt.date | None = None

    # ------------------------------------------------------------------ the update

    def advance(self, start: dt.datetime, hours: float) -> None:
        """Weather of the period [start, start + hours): one vectorised update of every layer.

        The layers are updated in place.
        """
        p = self.p
        mid = start + dt.timedelta(hours=hours / 2.0)
        day_of_year = mid.timetuple().tm_yday + mid.hour / 24.0
        if start.date() != self._day:
            self._new_day(start.date())
        self._persist(hours)
        forcing = self._forcing_for(start.date())
        self.forced = forcing is not None

        diurnal = 0.0 if hours >= 24 else diurnal_c(mid.hour + mid.minute / 60.0, p)
        offset = self.temperature_offset_c + (forcing.temperature_offset_c if forcing else 0.0)
        reference, above, below = lapse_profile(day_of_year, p)
        temperature, work = self.temperature_c, self._work
        np.multiply(self._km_above, above, out=temperature)
        np.subtract(reference + diurnal + self.anomaly_c + offset, temperature, out=temperature)
        np.multiply(self._km_below, below, out=work)
        temperature -= work

        if forcing is not None and forcing.precipitation_mm_per_day is not None:
            day_mm, wet = forcing.precipitation_mm_per_day, forcing.precipitation_mm_per_day > 0
        else:
            day_mm, wet = self.day_precip_mm, self.wet
        self._precipitation(day_mm * hours / 24.0 if wet else None, hours)
        snow = None
        if wet:
            snowing = np.less(temperature, p.snow_below_c, out=self._mask)
            if snowing.any():
                snow = np.multiply(self.precip_mm, snowing, out=self._snow)
                if self.snowfall_multiplier != 1.0:
                    snow *= self.snowfall_multiplier
        self._snowpack(snow, hours)

        wind_factor = forcing.wind_factor if forcing else 1.0
        base = p.wind_median_ms * math.exp(self.wind_log_anomaly) * wind_factor
        if wet:
            base *= p.storm_wind_factor
        np.multiply(self.exposure, base, out=self.wind_ms)
        if p.wind_max_ms is not None:
            np.minimum(self.wind_ms, p.wind_max_ms, out=self.wind_ms)

    def _precipitation(self, step_mm: float | None, hours: float) -> None:
        """Precipitation, fog and march-rate factor of a step (None: dry); kept while unchanged."""
        key = None if step_mm is None else (step_mm, hours)
        if key == self._precip_key:
            return
        self._precip_key = key
        if key is None:
            self.precip_mm.fill(0.0)
            self.fog.fill(False)
            self.rate_factor.fill(1.0)
            return
        np.multiply(self._orographic, step_mm, out=self.precip_mm)
        np.copyto(self.fog, self._cloud)
        rate_mm_day = np.multiply(self.precip_mm, 24.0, out=self._work)
        rate_mm_day /= hours
        heavy = np.greater_equal(rate_mm_day, self.p.heavy_precip_mm_per_day, out=self._mask)
        np.copyto(self.rate_factor, self._light_factor)
        np.copyto(self.rate_factor, self._heavy_factor, where=heavy)

    def _snowpack(self, snow_mm: np.ndarray | None, hours: float) -> None:
        """Add the step's snow water (None: nothing falls), settle, melt and age the pack.

        New snow mixes its density into the pack by mass; the pack's density then relaxes
        towards the settled density. Snow melts only where it is above freezing; elsewhere the
        pack keeps its water.
        """
        p = self.p
        swe, density = self.swe_mm, self.density_kg_m3
        if snow_mm is not None:
            fell = np.greater(snow_mm, 0.0, out=self._mask)
            mixed = np.subtract(p.fresh_snow_density_kg_m3, density, out=self._work)
            mixed *= snow_mm
            swe += snow_mm
            np.divide(mixed, swe, out=mixed, where=fell)
            np.add(density, mixed, out=density, where=fell)
        settle = math.exp(-hours / 24.0 / p.settling_timescale_days)
        density *= settle
        density += p.settled_snow_density_kg_m3 * (1.0 - settle)
        if self.temperature_c.item(self._lowest_cell) > 0.0:
            melt = np.maximum(self.temperature_c, 0.0, out=self._work)
            melt *= p.melt_mm_per_degree_day * hours / 24.0
            swe -= melt
            np.maximum(swe, 0.0, out=swe)
        np.divide(swe, density, out=self.snow_depth_m)
        self._age_fresh_snow(snow_mm, hours)

    def _age_fresh_snow(self, snow_mm: np.ndarray | None, hours: float) -> None:
        """Snow of the last ``fresh_snow_hours`` counts as fresh (never more than the pack)."""
        fresh_density = self.p.fresh_snow_density_kg_m3
        new_depth = None
        if snow_mm is None:
            if self._snowed:
                self.snowfall_m.fill(0.0)
                self._snowed = False
        else:
            np.divide(snow_mm, fresh_density, out=self.snowfall_m)
            self._snowed = True
            new_depth = self._spare.pop() if self._spare else np.empty_like(self.snowfall_m)
            np.copyto(new_depth, self.snowfall_m)
            self._fresh_sum += new_depth
            self._fresh_layers += 1
        self._fresh.append((hours, new_depth))
        self._fresh_hours += hours
        while self._fresh and self._fresh_hours - self._fresh[0][0] >= self.p.fresh_snow_hours:
            hours_out, depth_out = self._fresh.popleft()
            self._fresh_hours -= hours_out
            if depth_out is not None:
                self._fresh_sum -= depth_out
                self._spare.append(depth_out)
                self._fresh_layers -= 1
                if not self._fresh_layers:  # the last fresh snow has aged: none is left
                    self._fresh_sum.fill(0.0)
                    self.fresh_snow_m.fill(0.0)
        if self._fresh_layers:
            np.minimum(self._fresh_sum, self.snow_depth_m, out=self.fresh_snow_m)
            np.maximum(self.fresh_snow_m, 0.0, out=self.fresh_snow_m)

    def _new_day(self, day: dt.date) -> None:
        p = self.p
        self._day = day
        chance = p.wet_after_wet_probability if self.wet else p.wet_after_dry_probability
        self.wet = bool(self.rng.random() < chance)
        day_of_year = day.timetuple().tm_yday
        monthly = float(monthly_precip_mm(p.reference_height_m, day_of_year, p))
        mean_wet_day = monthly / (DAYS_PER_YEAR / 12.0) / max(wet_day_fraction(p), 1e-9)
        shape = p.wet_day_amount_shape
        self.day_precip_mm = float(self.rng.gamma(shape, mean_wet_day / shape)) if self.wet else 0.0

    def _persist(self, hours: float) -> None:
        p = self.p
        keep = math.exp(-hours / 24.0 / p.anomaly_timescale_days)
        noise = math.sqrt(1.0 - keep * keep)
        draws = self.rng.standard_normal(2)
        self.anomaly_c = keep * self.anomaly_c + noise * p.anomaly_sd_c * draws[0]
        self.wind_log_anomaly = keep * self.wind_log_anomaly + noise * p.wind_log_sd * draws[1]

    def _forcing_for(self, day: dt.date):
        for item in self.forcing:
            if item.start <= day <= item.end:
                return item
        return None

    def spin_up(self, start: dt.datetime, days: float) -> None:
        """Run the weather in daily steps up to ``start`` so the snowpack fits the season."""
        when = start - dt.timedelta(days=days)
        while when < start:
            self.advance(when, 24.0)
            when += dt.timedelta(days=1)
        self._spare += [depth for _, depth in self._fresh if depth is not None]
        self._fresh.clear()
        self._fresh_hours = 0.0
        self._fresh_layers = 0
        self._fresh_sum.fill(0.0)
        self.fresh_snow_m.fill(0.0)
