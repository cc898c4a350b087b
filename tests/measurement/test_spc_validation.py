"""Bad input raises SpcInputError, a ValueError naming the argument, with a message a person can act on."""

from decimal import Decimal

import pytest

from measurement.spc import SpcInputError, analyse

BAD_INPUT = [  # (kind, values, options), the argument at fault, the message
    (
        ("bar", [1, 2], {}),
        "kind",
        'Unknown chart kind \'bar\': choose one of "run", "i", "p", "pp", "u", "xmr".',
    ),
    (("run", [], {}), "values", "There are no values to analyse: give at least one number."),
    (("run", "1,2,3", {}), "values", "values must be a list of numbers, not str."),
    (("run", 7, {}), "values", "values must be a list of numbers, not int."),
    (
        ("run", [1, "2"], {}),
        "values",
        "values[1] is '2', which is not a number: give a number, or None if it is missing.",
    ),
    (
        ("run", [1, True], {}),
        "values",
        "values[1] is True, which is not a number: give a number, or None if it is missing.",
    ),
    (("run", [1, float("inf")], {}), "values", "values[1] is inf: every value must be a finite number."),
    (
        ("p", [1, 2], {}),
        "denominators",
        'A "p" chart needs denominators: give one denominator for each value.',
    ),
    (
        ("u", [1, 2], {"denominators": [5]}),
        "denominators",
        "There are 2 values but 1 denominators: give one denominator for each value.",
    ),
    (
        ("p", [1, 2], {"denominators": [5, 0]}),
        "denominators",
        "denominators[1] is 0: every denominator must be above zero.",
    ),
    (
        ("u", [1, 2], {"denominators": [-3, 5]}),
        "denominators",
        "denominators[0] is -3: every denominator must be above zero.",
    ),
    (("p", [1, -2], {"denominators": [5, 5]}), "values", "values[1] is -2: a count cannot be negative."),
    (
        ("p", [1, 6], {"denominators": [5, 5]}),
        "values",
        "values[1] is 6 but its denominator is only 5: a proportion cannot count more than its denominator.",
    ),
    (
        ("run", [1, 2], {"improvement_direction": "up"}),
        "improvement_direction",
        'Unknown improvement direction \'up\': choose "increase", "decrease" or "neutral".',
    ),
    (
        ("xmr", [1, 2], {"target": "high"}),
        "target",
        "The target is 'high': give one number, or None for no target.",
    ),
    (
        ("xmr", [1, 2], {"target": float("nan")}),
        "target",
        "The target is nan: give one number, or None for no target.",
    ),
    (
        ("xmr", [1, 2], {"baseline": 11}),
        "baseline",
        "The baseline is 11 points: an XmR chart needs at least 12 points to fix its limits on.",
    ),
    (("run", [1, 2], {"baseline": 0}), "baseline", "The baseline is 0: give at least 1 point."),
    (("run", [1, 2], {"baseline": 2.5}), "baseline", "The baseline is 2.5: give a whole number of points."),
    (
        ("run", [1, 2], {"rebase": [2]}),
        "rebase",
        "rebase contains 2, which is out of range: positions run from 0 to 1.",
    ),
    (
        ("run", [1, 2], {"rebase": [-1]}),
        "rebase",
        "rebase contains -1, which is out of range: positions run from 0 to 1.",
    ),
    (("run", [1, 2], {"rebase": 1}), "rebase", "rebase must be a list of positions, not int."),
    (
        ("run", [1, 2], {"exclude": [1.0]}),
        "exclude",
        "exclude contains 1.0: give whole-number positions (0 = first value).",
    ),
    (
        ("i", [1, 2], {"exclude": [5]}),
        "exclude",
        "exclude contains 5, which is out of range: positions run from 0 to 1.",
    ),
    (
        ("xmr", [1, 2], {"exclude": [0]}),
        "exclude",
        "An XmR chart cannot exclude points (NHSRplotthedots has no exclusion): rebase instead, "
        'or use an "i" chart.',
    ),
    (
        ("xmr", [1, 2], {"screen_outliers": "yes"}),
        "screen_outliers",
        "screen_outliers is 'yes': give True or False.",
    ),
]


@pytest.mark.parametrize(("call", "field", "message"), BAD_INPUT)
def test_bad_input_names_the_argument_and_says_what_to_do(call, field, message):
    kind, values, options = call
    with pytest.raises(SpcInputError) as raised:
        analyse(kind, values, **options)
    assert raised.value.field == field
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("kind", "values", "options"),
    [
        ("xmr", [1.0] * 20, {"baseline": 12}),  # exactly the minimum
        ("xmr", [1.0] * 5, {"baseline": 40}),  # longer than the series: every point is used
        ("run", [1, 2], {"rebase": [0], "exclude": []}),  # rebasing at the first point changes nothing
        ("run", [1, 2, 3], {"rebase": (2, 2, 1)}),  # repeats and any order
        ("i", [Decimal("1.5"), 2, None, float("nan")], {}),  # Decimal from a model field; NaN means missing
        ("p", [0, 5], {"denominators": [5, 5]}),  # 0% and 100%
        ("p", [1, None], {"denominators": [5, None]}),  # a missing denominator
        ("u", [7, 2], {"denominators": [0.5, 1.5]}),  # rates need not be whole numbers
    ],
)
def test_good_edge_cases_are_accepted(kind, values, options):
    assert analyse(kind, values, **options)["kind"] == kind


def test_nan_and_decimal_values_come_back_as_none_and_float():
    points = analyse("i", [Decimal("1.5"), float("nan"), 2])["points"]
    assert [point["value"] for point in points] == [1.5, None, 2.0]
    assert all(type(point["value"]) in (float, type(None)) for point in points)


def test_rebasing_at_index_zero_changes_nothing():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    assert analyse("xmr", values, rebase=[0]) == analyse("xmr", values)
