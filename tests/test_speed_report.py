"""The speed figures (evals/test_speed.py) as the report shows them."""
from persona.report import speed_markdown

TIMED = {"mean": 2.0, "stddev": 0.1, "min": 1.9, "max": 2.1, "median": 2.0, "rounds": 3}
SPEED = {"batch1_thinking_on": {"prompts": 2, "new_tokens": 96, "tokens_per_second": 48.0, "seconds": TIMED},
         "suite_batch_thinking_off": {"batch": 16, "prompts": 40, "new_tokens": 4000, "seconds": 50.0,
                                      "tokens_per_second": 80.0},
         "train_seconds_per_step": TIMED | {"logged_intervals": 6}}


def test_each_measured_speed_is_a_row_and_the_step_time_a_line():
    lines = speed_markdown(SPEED)
    rows = [line for line in lines if line.startswith("| batch 1") or line.startswith("| suite")]
    assert rows == ["| batch 1 | on | 1 | 96 | 48.0 | 2.00 ± 0.10 (1.90-2.10, 3 rounds) |",
                    "| suite | off | 16 | 4000 | 80.0 | 50.0 (one pass) |"]
    assert any("2.000 s per optimizer step" in line and "6 logged intervals" in line for line in lines)


def test_no_speed_row_without_its_measurement():
    assert not [line for line in speed_markdown({}) if line.startswith("| batch") or line.startswith("| suite")]
