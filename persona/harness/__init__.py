"""The evaluation harness, a pytest plugin registered through the `pytest11` entry point: installing persona
gives any pytest run the options (`--model`, `--threshold`, ...), the eval markers, the session fixtures (the
trained model, its answers, the compression sets) and the verdict at the end of the session.

    plugin       options, eval markers, early stops, phase timing, the verdict
    criterion    the `criterion` fixture (checks against persona.criteria), skips, each test's outcome
    training     the session's training config, training attempt and fine-tuned model
    answers      the held-out prompts and the fine-tuned and base models' answers, generated once
    compression  the compression sets (hand-written and generated) and the summarizer under test
    live         progress lines (training and generation ETAs) shown past pytest's output capture

The generated compression sets it loads are data makers of their own (persona.evalsets).
"""
pytest_plugins = ["persona.harness.plugin", "persona.harness.criterion", "persona.harness.training",
                  "persona.harness.answers", "persona.harness.compression", "persona.harness.live"]
