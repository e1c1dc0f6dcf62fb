"""persona.values: a value is in a text on word boundaries, after normalizing case, separators and number formats."""
import pytest

from persona.values import contains_value, find_value_spans, normalize_value

CASES = [
    # (id, text, value, present)
    ("day-inside-a-longer-day", "we moved it to 11 October", "1 October", False),
    ("same-day", "we moved it to 1 October.", "1 October", True),
    ("port-inside-a-longer-port", "it listens on 18443", "8443", False),
    ("port-with-trailing-stop", "it listens on 8443.", "8443", True),
    ("version-prefix-of-longer", "pinned to v2.3.1", "v2.3", False),
    ("version-without-v", "pinned to v2.3.1", "2.3.1", True),
    ("version-patch-look-alike", "pinned to 2.3.11", "2.3.1", False),
    ("case", "PRIYA RAMAN owns it", "Priya Raman", True),
    ("separators", "primary is PG_PROD_07", "pg-prod-07", True),
    ("identifier-look-alike", "primary is pg-prod-03", "pg-prod-07", False),
    ("thousands-separator", "rent is 1200 eur", "1,200 EUR", True),
    ("amount-look-alike", "rent is 12,000 EUR", "1,200 EUR", False),
    ("unit-against-number", "p99 is 340ms", "340 ms", True),
    ("unit-look-alike", "p99 is 3400 ms", "340 ms", False),
    ("ordinal", "on the 1st of May", "1 of may", True),
    ("curly-quotes-and-dashes", "call it “night–mode”", '"night-mode"', True),
    ("whitespace-runs", "p99 is 120  milliseconds\nnow", "120 Milliseconds", True),
    ("word-inside-a-word", "the Portobello market", "Porto", False),
    ("name-in-lower-case", "ask maria santos", "Maria Santos", True),
    ("list-comma-is-no-thousands", "ports 3,4 and 5", "4", True),
    ("currency-sign", "the deposit $2,900.", "$2,900", True),
    ("accent-kept", "Chloe Moreau", "Chloé Moreau", False),
    ("letters-after-a-number-stay", "room 4b", "room 4", False),
    ("possessive", "it is ruth becker's baby", "Ruth Becker", True),
    ("apostrophe-inside-a-name", "ask Siobhan O'Brien", "O'Brien", True),
    ("empty-value", "anything", "", False),
]


@pytest.mark.parametrize("text,value,present", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_contains_value(text, value, present):
    assert contains_value(text, value) is present, (
        f"{value!r} in {text!r}: expected {present}; tokens {normalize_value(value)!r} vs {normalize_value(text)!r}")


NORMALIZED = [
    ("PG_Prod-07", "pg prod 07"), ("1,200 EUR", "1200 eur"), ("340ms", "340 ms"), ("v1.10.13", "1.10.13"),
    ("21st of May", "21 of may"), ("$2,900.50", "$ 2900.50"), ("1,200,000", "1200000"), ("rc1 build", "rc1 build"),
]


@pytest.mark.parametrize("text,normalized", NORMALIZED, ids=[n[0] for n in NORMALIZED])
def test_normalize_value(text, normalized):
    assert normalize_value(text) == normalized


def test_find_value_spans_gives_offsets_in_the_text_as_written():
    text = "Primary: pg-prod-03. Wait, it's PG_PROD_07, not pg-prod-03."
    assert [text[a:b] for a, b in find_value_spans(text, "pg-prod-03")] == ["pg-prod-03", "pg-prod-03"]
    assert [text[a:b] for a, b in find_value_spans(text, "pg-prod-07")] == ["PG_PROD_07"]
    assert find_value_spans("on 11 October", "1 October") == []
