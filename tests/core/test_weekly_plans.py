"""One validator for opening hours and working hours."""

from autoagenda.core.weekly import weekly_plan_errors


def test_an_interval_inside_a_long_one_is_refused_even_when_another_lies_between():
    plan = [(1, 540, 1020), (1, 600, 660), (1, 720, 780)]  # 09–17, 10–11, 12–13
    errors = weekly_plan_errors(plan)
    assert set(errors) == {"1.start", "2.start"}
    assert "overlaps 09:00–17:00" in errors["2.start"][0]


def test_touching_intervals_and_24_00_are_a_valid_plan():
    assert weekly_plan_errors([(1, 540, 780), (1, 780, 1440), (2, 0, 1440)]) == {}


def test_an_overlap_with_a_kept_interval_is_reported_on_the_new_one_only():
    errors = weekly_plan_errors([(3, 600, 700)], kept=[(3, 540, 660), (3, 545, 560)])
    assert list(errors) == ["0.start"]


def test_bad_values_are_reported_by_position_and_field():
    errors = weekly_plan_errors([(8, 540, 600), (1, True, 600), (1, 600, 1441), (1, 700, 650)])
    assert set(errors) == {"0.weekday", "1.start", "2.end", "3.end"}
