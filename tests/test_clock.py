import datetime as dt

import pytest

from sim.clock import Clock, day_length_h, daylight_hours_between


@pytest.mark.parametrize(
    ("day", "hours"),
    # Geometric day length at 40 N (sunrise equation, no refraction).
    [(dt.date(1993, 12, 21), 9.15), (dt.date(1994, 6, 21), 14.85), (dt.date(1994, 3, 21), 12.0)],
)
def test_day_length_at_40_north(day, hours):
    assert day_length_h(day, 40.0) == pytest.approx(hours, abs=0.1)


def test_polar_day_and_night():
    assert day_length_h(dt.date(1994, 6, 21), 80.0) == 24.0
    assert day_length_h(dt.date(1993, 12, 21), 80.0) == 0.0


def test_daylight_in_six_hour_steps_adds_up_to_the_day():
    clock = Clock(dt.date(1994, 1, 10), 6.0, 40.1)
    steps = [clock.daylight_in_step(k) for k in range(4)]
    assert steps[0] == 0.0 and steps[3] == 0.0  # midnight-06:00 and 18:00-midnight are dark
    assert steps[1] == pytest.approx(steps[2])
    assert sum(steps) == pytest.approx(day_length_h(dt.date(1994, 1, 10), 40.1))
    assert daylight_hours_between(dt.date(1994, 1, 10), 40.1, 6, 12) == pytest.approx(steps[1])


def test_clock_maps_steps_to_dates():
    clock = Clock(dt.date(1993, 12, 15), 6.0, 40.1)
    assert clock.at(4) == dt.datetime(1993, 12, 16)
    assert clock.steps_until(dt.date(1994, 2, 12)) == pytest.approx(59 * 4)
