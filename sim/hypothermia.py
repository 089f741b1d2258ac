"""Hypothermia: how long a man's body holds its heat in the cold, and the deaths past it.

A lumped heat balance in the line of Tikuisis (1995, "Predicting survival time for cold
exposure", Int J Biometeorol 39:94-102) and the Cold Exposure Survival Model (CESM, DRDC
Toronto; ``combat_science.md`` §3.2b):

* heat lost through clothing and the air layer round it: ``(T_skin - T_air) / (I_clothing +
  I_air)``, with ``I_air = 1 / (h_r + h_c sqrt(wind))`` (radiation and convection) and the
  clothing's insulation in clo (0.155 m2 K/W);
* heat made: resting metabolism, plus shivering of up to ``shivering_max_w_m2`` whose
  carbohydrate-fuelled part fades as that fuel runs out (``exp(-hours / endurance)``;
  exhaustion shortens the endurance, meals give the fuel back) while fat keeps up a share of
  it, or the far greater heat of marching, which burns the same fuel and fades with it;
* the deficit accumulates as a heat debt; death comes at a lethal debt (the deep core near
  30 degC), which varies from man to man (lognormal), so deaths rise steeply once a unit's debt
  nears it. Warmth (a roof, a stove) pays the debt back.

Skin temperature, lethal debt, the greatest shivering and its endurance are fitted to Tikuisis's
predicted survival times for a sedentary man (the table in ``combat_science.md`` §3.2b), which
the tests reproduce. Frostbite is a separate injury (:mod:`sim.cold`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf

from .parameters import HypothermiaParameters

CLO_M2K_W = 0.155  # m2 K/W in one clo (the definition of the unit)


def air_insulation(wind_ms, p: HypothermiaParameters):
    """m2 K/W of the air layer round the body: radiation plus convection rising with wind."""
    wind = np.maximum(np.asarray(wind_ms, dtype=float), p.calm_wind_ms)
    return 1.0 / (p.radiative_w_m2k + p.convective_w_m2k * np.sqrt(wind))


def heat_loss_w_m2(air_c, wind_ms, clothing_clo, p: HypothermiaParameters):
    """Heat lost per m2 of body surface through clothing and the air layer."""
    resistance = np.asarray(clothing_clo, dtype=float) * CLO_M2K_W + air_insulation(wind_ms, p)
    return (p.skin_temperature_c - np.asarray(air_c, dtype=float)) / resistance


def debt_gained(hours, loss_w_m2, heat_w_m2, shiver_from_h, endurance_h,
                p: HypothermiaParameters, shivering=True):
    """J/m2 of heat debt run up over ``hours`` (negative: paid back).

    ``heat_w_m2`` is the heat made besides shivering; shivering, if any, starts
    ``shiver_from_h`` hours into its fading (``shivering_max_w_m2 * exp(-t / endurance_h)``).
    """
    hours = np.asarray(hours, dtype=float)
    net = (np.asarray(loss_w_m2, dtype=float) - heat_w_m2) * hours * 3600.0
    if not shivering:
        return net
    tau = np.asarray(endurance_h, dtype=float)
    start = np.asarray(shiver_from_h, dtype=float)
    floor = p.fat_fuelled_share
    shiver = p.shivering_max_w_m2 * (floor * hours * 3600.0 + (1.0 - floor) * tau * 3600.0 * (
        np.exp(-start / tau) - np.exp(-(start + hours) / tau)))
    return net - shiver


def survival_hours(air_c: float, wind_ms: float, clothing_clo: float, p: HypothermiaParameters,
                   endurance_h: float | None = None, limit_h: float = 240.0) -> float:
    """Hours a man sitting still in the open survives before his heat debt is lethal.

    For the median man; ``inf`` if he lasts ``limit_h`` or more.
    """
    tau = p.shivering_endurance_h if endurance_h is None else endurance_h
    loss = float(heat_loss_w_m2(air_c, wind_ms, clothing_clo, p))
    lethal = p.lethal_heat_debt_mj_m2 * 1e6

    def debt(h):
        return float(debt_gained(h, loss, p.resting_heat_w_m2, 0.0, tau, p)) - lethal

    if debt(limit_h) < 0:
        return math.inf
    low, high = 0.0, limit_h
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if debt(mid) < 0 else (low, mid)
    return high


def share_dead(debt_j_m2, p: HypothermiaParameters):
    """Share of men whose lethal heat debt lies below ``debt_j_m2`` (lognormal spread)."""
    debt = np.maximum(np.asarray(debt_j_m2, dtype=float), 1e-9)
    z = np.log(debt / (p.lethal_heat_debt_mj_m2 * 1e6)) / p.lethal_debt_spread
    return 0.5 * (1.0 + erf(z / math.sqrt(2.0)))


def clothing_clo(winter_equipment, wet, p: HypothermiaParameters):
    """Insulation of the men's clothing: from uniform to full winter kit, less when wet."""
    kit = np.clip(np.asarray(winter_equipment, dtype=float), 0.0, 1.0)
    clo = p.no_kit_clo + kit * (p.full_kit_clo - p.no_kit_clo)
    return clo * np.where(np.asarray(wet, dtype=bool), p.wet_clothing_factor, 1.0)


def march_fuel_h_per_h(p: HypothermiaParameters) -> float:
    """Hours of shivering whose fuel an hour of marching burns.

    Its heat above rest over the greatest shivering.
    """
    return (p.marching_heat_w_m2 - p.resting_heat_w_m2) / max(p.shivering_max_w_m2, 1e-9)


def marching_heat_w_m2(fuel_used_h, endurance_h, p: HypothermiaParameters):
    """Heat men make marching once they have burnt ``fuel_used_h`` hours of shivering's fuel.

    The heat above rest fades as shivering's does (spent men can no longer keep it up).
    """
    fading = np.exp(-np.asarray(fuel_used_h, dtype=float) / np.asarray(endurance_h, dtype=float))
    share = p.fat_fuelled_share + (1.0 - p.fat_fuelled_share) * fading
    return p.resting_heat_w_m2 + (p.marching_heat_w_m2 - p.resting_heat_w_m2) * share


def shivering_endurance_h(fatigue_share_lost, p: HypothermiaParameters):
    """How long the fuel of shivering and marching lasts: exhaustion takes its share."""
    return p.shivering_endurance_h * (1.0 - np.asarray(fatigue_share_lost, dtype=float))

