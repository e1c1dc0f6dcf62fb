"""Scrubbing: every planted secret/PII shape is caught, and ordinary text is left alone."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from persona.importers.scrub import make_scrubber, scrub

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def scrubber():
    return make_scrubber()


@dataclass
class Case:
    name: str
    text: str
    secret: str
    """The substring that must disappear."""
    placeholder: str


CASES = [
    Case("email", "mail ada.quill@example.org today", "ada.quill@example.org", "<EMAIL>"),
    Case("email_plus", "receipts to ada+games@example.com.", "ada+games@example.com", "<EMAIL>"),
    Case("phone_intl", "call +44 20 7946 0958 later", "+44 20 7946 0958", "<PHONE>"),
    Case("phone_us", "my cell is (415) 555-0132", "(415) 555-0132", "<PHONE>"),
    Case("phone_local_after_cue", "phone 06 12 34 56 78 after six", "06 12 34 56 78", "<PHONE>"),
    Case("card_visa", "card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111", "<CARD>"),
    Case("card_amex_dashes", "amex 3782-822463-10005 ok", "3782-822463-10005", "<CARD>"),
    Case("iban_spaced", "IBAN DE89 3704 0044 0532 0130 00 thanks", "DE89 3704 0044 0532 0130 00", "<IBAN>"),
    Case("iban_compact_then_caps", "IBAN GB82WEST12345698765432 PLEASE", "GB82WEST12345698765432", "<IBAN>"),
    Case("address_us", "I live at 742 Evergreen Terrace, Springfield now", "742 Evergreen Terrace", "<ADDRESS>"),
    Case("address_de", "Shop: Hauptstraße 12, 10115 Berlin", "Hauptstraße 12", "<ADDRESS>"),
    Case("aws_access_key", "key AKIAQ3EXAMPLEZT4W7PL here", "AKIAQ3EXAMPLEZT4W7PL", "<SECRET>"),
    Case("aws_secret_unquoted", "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG", "<SECRET>"),
    Case("github_token", "ghp_R4nd0mF4k3T0k3nF0rT3st1ngPurp0s3sXYZ is it", "R4nd0mF4k3T0k3nF0rT3st1ng", "<SECRET>"),
    Case("slack_token", "xoxb-204881730112-7319284650321-Xq8ZkPm3TcWvLr5NbY2dHs9a", "Xq8ZkPm3TcWv", "<SECRET>"),
    Case("jwt", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
         "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "<SECRET>"),
    Case("basic_auth_with_bang", "postgres://deploy:Gr33nTea!Kettle@db.example.com/app", "Gr33nTea!Kettle", "<SECRET>"),
    Case("password_colon", "password: correcthorsebattery", "correcthorsebattery", "<PASSWORD>"),
    Case("password_is", "the wifi password is Tr0ub4dor&3.", "Tr0ub4dor&3", "<PASSWORD>"),
    Case("password_for_x_is", "the password for the portal is Marigold#2024", "Marigold#2024", "<PASSWORD>"),
    Case("pwd_equals", "pwd=Wren&Kettle77", "Wren&Kettle77", "<PASSWORD>"),
    Case("high_entropy", "locker code Zq7Xk2Lm9Pw4Rt8Vb3Nc6Yd1Hs5J", "Zq7Xk2Lm9Pw4Rt8Vb3Nc6Yd1Hs5J", "<SECRET>"),
    Case("token_in_query", "https://api.example.com/x?access_token=Zk3x9QpL2mN8vR4tY7wB1cD6&page=2",
         "Zk3x9QpL2mN8vR4tY7wB1cD6", "<SECRET>"),
    Case("private_key", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90\n"
         "-----END RSA PRIVATE KEY-----\nbye", "MIIBOgIBAAJBAKj34GkxFhD90", "<PRIVATE_KEY>"),
    Case("pass_shorthand", "pass: Velvet72-maple48", "Velvet72-maple48", "<PASSWORD>"),
    Case("pw_upper_abbrev", "PW = Velvet72-maple48 for the nas", "Velvet72-maple48", "<PASSWORD>"),
    Case("address_lowercase", "I'm at 891 elm st now", "891 elm st", "<ADDRESS>"),
    Case("ip_private", "the box is 10.0.3.4", "10.0.3.4", "<IP>"),
    Case("ipv6_full", "host 2001:0DB8:0000:0000:0000:FF00:0042:8329 up", "2001:0DB8", "<IP>"),
    Case("ipv6_mapped", "mapped ::ffff:192.0.2.128 here", "192.0.2.128", "<IP>"),
    Case("phone_possible_not_valid", "call +44 7700 900482", "7700 900482", "<PHONE>"),
    Case("card_cvv_after", "card 4111 1111 1111 1111 exp 09/27 cvv 737", "737", "<CARD>"),
    Case("mysql_flag", "mysql -u root -pKettle77x shop", "Kettle77x", "<PASSWORD>"),
    Case("passport", "passport no. X12345678", "X12345678", "<ID>"),
    Case("birth_date", "DOB: 1987-03-14", "1987-03-14", "<DATE_OF_BIRTH>"),
    Case("mac", "my MAC is 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E", "<MAC>"),
    Case("private_key_unterminated", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXkt", "b3BlbnNzaC1rZXkt",
         "<PRIVATE_KEY>"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_planted_value_is_replaced_by_its_placeholder(case, scrubber):
    result = scrub(case.text, scrubber)
    assert case.secret not in result.text, f"{case.name}: {case.secret!r} survived in {result.text!r}"
    assert case.placeholder in result.text, f"{case.name}: expected {case.placeholder} in {result.text!r}"
    assert sum(result.counts.values()) >= 1, f"{case.name}: no redaction counted"


def _control_lines() -> list[str]:
    lines = (EXPORTS / "clean_control.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("line", _control_lines(), ids=lambda line: line[:40])
def test_clean_control_line_is_not_redacted(line, scrubber):
    result = scrub(line, scrubber)
    assert result.text == line, f"over-redacted: {dict(result.counts)} in {result.text!r}"


def test_overlapping_findings_leave_no_fragment(scrubber):
    # The DSN password + host also looks like an email; the merged span must cover both.
    result = scrub("dsn postgres://u:Pa55word@db.example.com:5432/x", scrubber)
    assert "Pa55word" not in result.text and "@db" not in result.text, result.text
    assert "<SECRET><SECRET>" not in result.text, "adjacent spans should merge into one placeholder"


@pytest.mark.parametrize("question,reply,secret", [
    ("what's the wifi password?", "Velvet72-maple48 (case sensitive)", "Velvet72-maple48"),
    ("need the door code\nthe courier is here", "4471", "4471"),
], ids=["pw_with_remark", "code_two_messages_back"])
def test_bare_reply_to_a_secret_question_is_replaced(question, reply, secret, scrubber):
    result = scrub(reply, scrubber, question)
    assert secret not in result.text, f"{secret!r} survived in {result.text!r} (asked: {question!r})"


def test_private_ips_kept_on_request():
    kept = scrub("ping 192.168.1.20 and 23.4.5.6", make_scrubber(keep_private_ips=True)).text
    assert kept == "ping 192.168.1.20 and <IP>", kept


def test_counts_name_the_kind(scrubber):
    result = scrub("a@example.com and b@example.com, card 4111111111111111", scrubber)
    assert result.counts == {"email": 2, "card": 1}, result.counts
