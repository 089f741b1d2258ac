"""Calendar and daylight: which hours of a step are light enough to march.

Day length from the sunrise equation, ``cos(w0) = -tan(lat) * tan(decl)``, with the solar
declination of Cooper (1969), ``decl = 23.44 deg * sin(360/365 * (284 + n))`` for day of year n.
Times are local solar time (noon at 12:00), which is all the march routine needs.
"""

from __future__ import annotations

import datetime as dt
import math


def solar_declination_deg(day: dt.date) -> float:
    """Solar declination in degrees (Cooper 1969)."""
    n = day.timetuple().tm_yday
    return 23.44 * math.sin(math.radians(360.0 / 365.0 * (284 + n)))


def day_length_h(day: dt.date, lat_deg: float) -> float:
    """Hours from sunrise to sunset (geometric, centre of the sun on the horizon)."""
    x = -math.tan(math.radians(lat_deg)) * math.tan(math.radians(solar_declination_deg(day)))
    if x <= -1:
        return 24.0
    if x >= 1:
        return 0.0
    return 2.0 * math.degrees(math.acos(x)) / 15.0


def daylight_hours_between(day: dt.date, lat_deg: float, start_h: float, end_h: float) -> float:
    """Hours of daylight between two local solar times of one day (0-24)."""
    half = day_length_h(day, lat_deg) / 2.0
    sunrise, sunset = 12.0 - half, 12.0 + half
    return max(0.0, min(end_h, sunset) - max(start_h, sunrise))


class Clock:
    """Maps model time (steps completed) to dates and daylight.

    Args:
        start: date of the first step, at 00:00 local solar time.
        step_hours: hours per step.
        lat_deg: latitude used for day length (the theatre's centre).
    """

    def __init__(self, start: dt.date, step_hours: float, lat_deg: float):
        self.start = dt.datetime.combine(start, dt.time())
        self.step_hours = step_hours
        self.lat_deg = lat_deg

    def at(self, steps_done: float) -> dt.datetime:
        """The date and time after a number of steps."""
        return self.start + dt.timedelta(hours=steps_done * self.step_hours)

    def steps_until(self, when: dt.date | dt.datetime) -> float:
        """Steps from the start to a date (00:00) or time."""
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time())
        return (when - self.start).total_seconds() / 3600.0 / self.step_hours

    def window(self, steps_done: float) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of the step that begins after ``steps_done`` steps."""
        begin = self.at(steps_done)
        return begin, begin + dt.timedelta(hours=self.step_hours)

    def daylight_in_step(self, steps_done: float) -> float:
        """Hours of daylight in the step that begins after ``steps_done`` steps."""
        begin, end = self.window(steps_done)
        hours, cursor = 0.0, begin
        while cursor < end:
            day_end = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time())
            stop = min(end, day_end)
            start_h = cursor.hour + cursor.minute / 60.0
            end_h = 24.0 if stop == day_end else stop.hour + stop.minute / 60.0
            hours += daylight_hours_between(cursor.date(), self.lat_deg, start_h, end_h)
            cursor = stop
        return hours
