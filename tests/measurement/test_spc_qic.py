"""Run, I, P, P prime and U charts as qicharts2 computes them (SPC.md §1.5 and §4).

Worked numbers: the orange juice cans of Montgomery's Example 7.1, which qicharts2's own test
``tests/testthat/test_montgomery.R`` (fixture ``ex_7.1_5.rds``: ``chart = 'p', exclude = c(15, 23),
part = 30``) runs, and the NIST/SEMATECH e-Handbook examples (§6.3.2.2 flowrate I chart, §6.3.3.1 wafer
defects, §6.3.3.2 the same orange juice trial limits). Where a source quotes rounded limits the closed form
is checked too, to 1e-12.
"""

import math

import pytest

from measurement.spc import analyse


def numbers(text: str) -> list[int]:
    return [int(word) for word in text.split()]


ORANGE_JUICE_TRIAL = numbers("12 15 8 10 4 7 16 9 14 10 5 6 17 12 22 8 10 5 13 11 20 18 24 15 9 12 7 13 9 6")
ORANGE_JUICE_AFTER_ADJUSTMENT = numbers("9 6 12 5 6 4 6 3 7 6 2 4 3 6 5 4 8 5 6 7 5 6 3 5")
FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
WAFER_DEFECTS = numbers("16 14 28 16 12 20 10 12 10 17 19 17 14 16 15 13 14 16 11 20 11 19 16 31 13")


def p_limits(p_bar: float, n: float) -> tuple[float, float]:
    sd = math.sqrt(p_bar * (1 - p_bar) / n)
    return min(p_bar + 3 * sd, 1.0), max(p_bar - 3 * sd, 0.0)


def test_p_chart_trial_limits_of_the_orange_juice_data():
    result = analyse("p", ORANGE_JUICE_TRIAL, denominators=[50] * 30)
    part = result["parts"][0]
    assert part["centre"] == pytest.approx(347 / 1500, abs=1e-15)
    assert part["centre"] == pytest.approx(0.2313, abs=5e-5)  # NIST: CL 0.2313, UCL 0.4102, LCL 0.0524
    assert part["mean_ucl"] == pytest.approx(0.4102, abs=1e-4)
    assert part["mean_lcl"] == pytest.approx(0.0524, abs=1e-4)
    assert (part["mean_ucl"], part["mean_lcl"]) == pytest.approx(p_limits(347 / 1500, 50), abs=1e-12)
    signals = [i + 1 for i, point in enumerate(result["points"]) if point["sigma_signal"]]
    assert signals == [15, 23]  # Montgomery: samples 15 and 23 are out of control


def test_p_chart_revised_after_excluding_two_samples_and_adjusting_the_machine():
    """qicharts2 test_montgomery.R Example 7.1: ``exclude = c(15, 23), part = 30`` on all 54 samples."""
    values = ORANGE_JUICE_TRIAL + ORANGE_JUICE_AFTER_ADJUSTMENT
    result = analyse("p", values, denominators=[50] * 54, exclude=[14, 22], rebase=[30])
    first, second = result["parts"]
    assert (first["start"], first["end"], second["start"], second["end"]) == (0, 30, 30, 54)
    assert first["centre"] == pytest.approx(301 / 1400, abs=1e-15)  # Montgomery: 0.2150
    assert (first["mean_ucl"], first["mean_lcl"]) == pytest.approx((0.3893, 0.0407), abs=1e-4)
    assert (first["mean_ucl"], first["mean_lcl"]) == pytest.approx(p_limits(0.215, 50), abs=1e-12)
    assert second["centre"] == pytest.approx(133 / 1200, abs=1e-15)  # Montgomery: 0.1108
    assert (second["mean_ucl"], second["mean_lcl"]) == pytest.approx((0.2440, 0.0), abs=1e-4)
    assert second["mean_lcl"] == 0.0  # 0.1108 - 0.1332 is clipped at 0
    assert (first["n_obs"], second["n_obs"]) == (28, 24)
    excluded = [result["points"][i] for i in (14, 22)]  # still plotted, and still signalled
    assert all(point["excluded"] and point["sigma_signal"] for point in excluded)


def test_i_chart_of_the_nist_flowrate_data():
    part = analyse("i", FLOWRATE)["parts"][0]
    assert part["centre"] == pytest.approx(50.81, abs=1e-12)
    assert (part["mean_ucl"], part["mean_lcl"]) == pytest.approx((55.8041, 45.8159), abs=1e-4)
    mean_moving_range = 16.9 / 9
    assert part["mean_ucl"] == pytest.approx(50.81 + 3 * mean_moving_range / 1.128, abs=1e-12)


@pytest.mark.parametrize(("screen", "mean_moving_range"), [(True, 1.0), (False, 32 / 17)])
def test_i_chart_screens_moving_ranges_once_when_asked(screen, mean_moving_range):
    """Ranges 8 and 9 are at least 3.267 x 32/17 = 6.15, so screening drops them and leaves 15 ranges of 1."""
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    part = analyse("i", values, screen_outliers=screen)["parts"][0]
    assert part["centre"] == pytest.approx(35 / 18, abs=1e-15)
    assert part["mean_ucl"] == pytest.approx(35 / 18 + 3 * mean_moving_range / 1.128, abs=1e-12)
    assert part["mean_lcl"] == pytest.approx(35 / 18 - 3 * mean_moving_range / 1.128, abs=1e-12)


def test_i_chart_lcl_is_not_clipped():
    assert analyse("i", [0, 5, 0, 5, 0])["parts"][0]["mean_lcl"] < 0


@pytest.mark.parametrize(
    ("missing", "mean_moving_range"),
    [("excluded", 2.0), ("none", 1.0)],
)
def test_an_excluded_point_is_bridged_but_a_missing_one_breaks_the_moving_ranges(missing, mean_moving_range):
    """qic.i: ``abs(diff(y[base]))``. Excluding point 2 of 1, 100, 4, 5 leaves ranges 3 and 1; a missing
    point 2 leaves only |5 - 4|."""
    if missing == "excluded":
        result = analyse("i", [1, 100, 4, 5], exclude=[1], screen_outliers=False)
    else:
        result = analyse("i", [1, None, 4, 5], screen_outliers=False)
    part = result["parts"][0]
    assert part["centre"] == pytest.approx(10 / 3, abs=1e-15)
    assert part["mean_ucl"] == pytest.approx(10 / 3 + 3 * mean_moving_range / 1.128, abs=1e-12)


def test_u_chart_of_the_nist_wafer_defects():
    result = analyse("u", WAFER_DEFECTS, denominators=[1] * 25)
    part = result["parts"][0]
    assert (part["centre"], part["mean_ucl"], part["mean_lcl"]) == pytest.approx((16.0, 28.0, 4.0), abs=1e-12)
    assert [i for i, point in enumerate(result["points"]) if point["sigma_signal"]] == [23]


def test_u_chart_limits_vary_with_exposure_and_the_lcl_is_clipped_at_zero():
    counts, exposure = [2, 3, 1, 4], [10, 40, 5, 45]
    result = analyse("u", counts, denominators=exposure)
    u_bar = 10 / 100
    for point, n in zip(result["points"], exposure, strict=True):
        assert point["ucl"] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / n), abs=1e-12)
        assert point["lcl"] == max(u_bar - 3 * math.sqrt(u_bar / n), 0.0)
    assert result["points"][0]["lcl"] == 0.0


def test_p_chart_ucl_is_clipped_at_one_so_high_compliance_cannot_signal_high():
    result = analyse("p", [9, 10, 10, 9, 10, 10, 10, 9], denominators=[10] * 8)
    assert all(point["ucl"] == 1.0 for point in result["points"])
    assert not any(point["sigma_signal"] for point in result["points"])


def test_p_chart_limits_vary_with_the_denominator():
    result = analyse("p", [10, 30, 50], denominators=[100, 200, 400])
    p_bar = 90 / 700
    for point, n in zip(result["points"], [100, 200, 400], strict=True):
        assert (point["ucl"], point["lcl"]) == pytest.approx(p_limits(p_bar, n), abs=1e-12)
    assert result["parts"][0]["mean_ucl"] == pytest.approx(
        sum(p_limits(p_bar, n)[0] for n in (100, 200, 400)) / 3
    )


@pytest.mark.parametrize(("screen", "expected_ucl"), [(True, 0.2 + 0.3 / 1.128), (False, 0.2 + 0.3 / 1.128)])
def test_p_prime_chart_widens_the_limits_by_sigma_z(screen, expected_ucl):
    """p = 0.1, 0.2, 0.3 of 100: p̄ = 0.2, sd = 0.04, z = -2.5, 0, 2.5, sigma_z = 2.5 / 1.128, so the UCL is
    0.2 + 3 x 0.04 x 2.5 / 1.128 and the LCL is clipped at 0."""
    part = analyse("pp", [10, 20, 30], denominators=[100] * 3, screen_outliers=screen)["parts"][0]
    assert part["mean_ucl"] == pytest.approx(expected_ucl, abs=1e-12)
    assert part["mean_lcl"] == 0.0


def test_p_prime_chart_screens_the_standardised_moving_ranges():
    numerators = [50, 52, 48, 51, 49, 50, 90, 50, 51, 49]
    screened = analyse("pp", numerators, denominators=[100] * 10)["parts"][0]
    unscreened = analyse("pp", numerators, denominators=[100] * 10, screen_outliers=False)["parts"][0]
    assert screened["mean_ucl"] < unscreened["mean_ucl"]


def test_p_prime_limits_are_wider_than_p_limits_when_denominators_are_huge():
    numerators = [900_000 + 7_000 * (k % 3) for k in range(12)]
    denominators = [1_000_000] * 12
    p_part = analyse("p", numerators, denominators=denominators)["parts"][0]
    pp_part = analyse("pp", numerators, denominators=denominators)["parts"][0]
    assert pp_part["centre"] == p_part["centre"]
    assert pp_part["mean_ucl"] - pp_part["centre"] > 10 * (p_part["mean_ucl"] - p_part["centre"])


def test_a_missing_numerator_or_denominator_blanks_the_point():
    result = analyse("p", [5, None, 5, 5], denominators=[10, 10, None, 10])
    assert [point["value"] for point in result["points"]] == [0.5, None, None, 0.5]
    assert [point["ucl"] is None for point in result["points"]] == [False, True, True, False]
    assert result["parts"][0]["centre"] == 0.5
    assert (result["parts"][0]["n_obs"], result["parts"][0]["n_useful"]) == (4, 0)


def test_freeze_sets_the_centre_and_limits_from_the_baseline_only():
    values = [1, 2, 1, 2, 10, 11, 10, 11, 10, 11]
    frozen = analyse("i", values, baseline=4, screen_outliers=False)
    part = frozen["parts"][0]
    assert part["centre"] == 1.5
    assert part["mean_ucl"] == pytest.approx(1.5 + 3 / 1.128, abs=1e-12)
    assert part["n_obs"] == 10
    assert [i for i, point in enumerate(frozen["points"]) if point["sigma_signal"]] == [4, 5, 6, 7, 8, 9]


def test_freeze_is_ignored_when_the_chart_has_parts():
    """qicharts2 ``R/qic.R`` L230 sets ``freeze <- Inf`` when ``part`` is given."""
    values = [1, 2, 1, 2, 10, 11, 10, 11, 10, 11]
    assert analyse("i", values, baseline=4, rebase=[6]) == analyse("i", values, rebase=[6])


def test_control_charts_run_the_anhoej_analysis_around_their_own_centre():
    values = [1.0] * 9 + [3.0] * 3  # mean 1.5: nine below the mean, though the median is 1
    part = analyse("i", values)["parts"][0]
    assert part["centre"] == 1.5
    assert (part["n_useful"], part["longest_run"], part["longest_run_max"], part["runs_signal"]) == (
        12,
        9,
        7,
        True,
    )


def test_sigma_signals_are_strict_and_carry_a_reason():
    values = [10, 20] * 6 + [60]
    points = analyse("i", values, improvement_direction="decrease")["points"]
    high = points[-1]
    assert high["sigma_signal"] is True
    assert high["reason"] == "Above the upper control limit: an unusually high value, a cause for concern"
    assert points[0]["reason"] is None


def test_a_point_exactly_on_a_limit_is_no_signal():
    values = [1.0, 2.0] * 6
    ucl = analyse("i", values, baseline=12)["parts"][0]["mean_ucl"]
    on_the_limit = analyse("i", [*values, ucl], baseline=12)["points"][-1]
    over_the_limit = analyse("i", [*values, math.nextafter(ucl, math.inf)], baseline=12)["points"][-1]
    assert on_the_limit["sigma_signal"] is False
    assert over_the_limit["sigma_signal"] is True


def test_run_chart_points_have_a_centre_and_no_limits():
    result = analyse("run", [3, 1, 2])
    assert [(p["centre"], p["ucl"], p["lcl"], p["sigma_signal"]) for p in result["points"]] == [
        (2.0, None, None, False)
    ] * 3
    part = result["parts"][0]
    assert (part["mean_ucl"], part["mean_lcl"], part["lpl"], part["upl"], part["short_period_warning"]) == (
        None,
        None,
        None,
        None,
        None,
    )


def test_denominators_turn_a_run_or_i_chart_into_a_chart_of_rates():
    result = analyse("run", [1, 2, 3], denominators=[2, 4, 4])
    assert [point["value"] for point in result["points"]] == [0.5, 0.5, 0.75]
    assert result["parts"][0]["centre"] == 0.5


def test_qicharts2_points_carry_only_the_common_keys():
    point = analyse("p", [1, 2], denominators=[4, 4])["points"][0]
    assert set(point) == {"value", "part", "centre", "ucl", "lcl", "sigma_signal", "excluded", "reason"}


@pytest.mark.parametrize(("last_range", "kept"), [(4.36, True), (4.37, False)])
def test_screening_keeps_a_range_just_under_3_267_times_the_mean_and_drops_one_just_over(last_range, kept):
    """Nine ranges of 1 and one of x: x is kept while x < 3.267 (9 + x) / 10, i.e. x < 4.3670."""
    ranges = [1.0] * 9 + [last_range]
    values = [0.0]
    for step in ranges:
        values.append(values[-1] + step if len(values) % 2 else values[-1] - step)
    mean_range = (9 + last_range) / 10 if kept else 1.0
    part = analyse("i", values)["parts"][0]
    assert part["mean_ucl"] - part["centre"] == pytest.approx(3 * mean_range / 1.128, abs=1e-12)
