"""Sign-in primitives: password hashing and policy, TOTP (RFC 6238 vectors), one-time secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import unicodedata
from urllib.parse import parse_qs, unquote, urlsplit
from xml.etree import ElementTree

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from app.auth import one_time, passwords, totp

# --- passwords -------------------------------------------------------------------------------

GOOD_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def good_hash() -> str:
    return passwords.hash_password(GOOD_PASSWORD)


def test_hashes_are_salted_argon2id_with_rfc_9106_low_memory_parameters(good_hash: str) -> None:
    assert good_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert len(good_hash) <= 200  # fits Account.password_hash
    assert passwords.hash_password(GOOD_PASSWORD) != good_hash  # a fresh salt each time


def test_the_right_password_verifies(good_hash: str) -> None:
    assert passwords.verify_password(good_hash, GOOD_PASSWORD) is True


@pytest.mark.parametrize(
    "attempt",
    ["correct horse battery stapl", "Correct horse battery staple", "", GOOD_PASSWORD + " "],
)
def test_a_wrong_password_is_refused(good_hash: str, attempt: str) -> None:
    assert passwords.verify_password(good_hash, attempt) is False


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "nonsense",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$argon2id$v=19$m=65536,t=3,p=4$xx$yy",
        "$argon2id$v=19$m=65536,t=3,p=4$j0LCa5BkYKoMdOOu/OIbQQ",
    ],
)
def test_a_malformed_hash_never_verifies_and_never_raises(stored: str) -> None:
    assert passwords.verify_password(stored, GOOD_PASSWORD) is False
    assert passwords.needs_rehash(stored) is True


def test_composed_and_decomposed_accents_are_the_same_password() -> None:
    composed = "café au lait à midi"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed

    assert passwords.verify_password(passwords.hash_password(composed), decomposed) is True


def test_only_hashes_with_other_parameters_need_rehashing(good_hash: str) -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD_PASSWORD)

    assert passwords.needs_rehash(good_hash) is False
    assert passwords.needs_rehash(weaker) is True
    assert passwords.verify_password(weaker, GOOD_PASSWORD) is True  # still lets them in once


def test_the_dummy_hash_costs_what_a_real_check_costs_and_never_matches() -> None:
    # Same parameters means the same argon2 work, hence the same time: that is the property
    # that stops timing from telling who has an account.
    assert passwords.needs_rehash(passwords.DUMMY_HASH) is False
    assert passwords.verify_password(passwords.DUMMY_HASH, GOOD_PASSWORD) is False
    assert passwords.verify_password(passwords.DUMMY_HASH, "") is False
    assert passwords.burn_time(GOOD_PASSWORD) is False


def test_burn_time_checks_the_dummy_hash_and_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append((h, p)) or True)

    assert passwords.burn_time("guess") is False
    assert calls == [(passwords.DUMMY_HASH, "guess")]


TOO_EASY = "Password is too easy to guess. Try 3 or 4 random words together"
HAS_EMAIL = "Password must not contain your email address or name"


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("", "", "Enter a password"),
        ("a1b2c3d4e5f", "", "Password must be 12 characters or more"),
        ("x" * 257, "", "Password must be 256 characters or fewer"),
        ("Password1234", "", TOO_EASY),
        ("QWERTYUIOPASDFGHJKL", "", TOO_EASY),
        ("1q2w3e4r5t6y", "", TOO_EASY),
        ("Password2025!", "", TOO_EASY),
        ("Liverpool1892!!", "", TOO_EASY),
        ("Reciprocity2026", "", TOO_EASY),
        ("aaaaaaaaaaaa", "", TOO_EASY),
        ("121212121212", "", TOO_EASY),
        ("my jane.smith password", "Jane.Smith@example.org", HAS_EMAIL),
        ("forgotten-SMITH-again", "jane.smith@example.org", HAS_EMAIL),
        ("kettle jbloggs tuesday", "JBloggs@council.gov.uk", HAS_EMAIL),
    ],
)
def test_password_problems_say_what_to_do(password: str, email: str, problem: str) -> None:
    assert passwords.password_problem(password, email=email) == problem


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("a1b2c3d4e5f6", ""),
        ("lantern " * 32, ""),
        (GOOD_PASSWORD, "jane.smith@example.org"),
        ("jo likes tea and biscuits", "jo@example.org"),  # 2-letter local parts are ignored
        ("doe eyed deer at dawn", "j.doe@example.org"),  # pieces under 4 letters are ignored
    ],
)
def test_acceptable_passwords_have_no_problem(password: str, email: str) -> None:
    assert passwords.password_problem(password, email=email) is None


@given(st.text(min_size=0, max_size=300))
def test_a_password_is_accepted_only_between_12_and_256_characters(text: str) -> None:
    length = len(unicodedata.normalize("NFKC", text))
    if passwords.password_problem(text) is None:
        assert 12 <= length <= 256
    elif 0 < length < 12:
        assert passwords.password_problem(text) == "Password must be 12 characters or more"


# --- TOTP ------------------------------------------------------------------------------------

RFC_SECRET = b"12345678901234567890"
# RFC 6238 appendix B, SHA-1: the 8-digit values, of which a 6-digit code is the last 6 digits.
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("now", "eight_digits"), RFC_VECTORS)  # T=59: 287082, step 1
def test_codes_match_the_rfc_6238_sha1_vectors(now: int, eight_digits: str) -> None:
    assert totp.code_at(RFC_SECRET, now) == eight_digits[-6:]
    assert totp.verify(RFC_SECRET, eight_digits[-6:], now=now, last_step=0) == now // 30


NOW = 1_750_000_015.0
STEP = int(NOW // 30)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_one_step_of_clock_drift_either_way_is_accepted(offset: int) -> None:
    code = totp.code_at(RFC_SECRET, NOW + 30 * offset)

    assert totp.verify(RFC_SECRET, code, now=NOW, last_step=0) == STEP + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_two_or_more_steps_away_is_refused(offset: int) -> None:
    code = totp.code_at(RFC_SECRET, NOW + 30 * offset)
    assert code not in {totp.code_at(RFC_SECRET, NOW + 30 * near) for near in (-1, 0, 1)}

    assert totp.verify(RFC_SECRET, code, now=NOW, last_step=0) is None


def test_a_code_cannot_be_used_twice() -> None:
    code = totp.code_at(RFC_SECRET, NOW)
    step = totp.verify(RFC_SECRET, code, now=NOW, last_step=0)
    assert step == STEP

    assert totp.verify(RFC_SECRET, code, now=NOW, last_step=step) is None
    assert totp.verify(RFC_SECRET, code, now=NOW + 20, last_step=step) is None


def test_an_earlier_code_is_refused_after_a_later_one_was_used() -> None:
    earlier = totp.code_at(RFC_SECRET, NOW - 30)

    assert totp.verify(RFC_SECRET, earlier, now=NOW, last_step=STEP) is None
    assert totp.verify(RFC_SECRET, earlier, now=NOW, last_step=STEP - 2) == STEP - 1


@pytest.mark.parametrize("typed", ["287082", "287 082", " 287082 ", "287-082", "２８７０８２"])
def test_codes_typed_with_spaces_dashes_or_full_width_digits_are_accepted(typed: str) -> None:
    assert totp.verify(RFC_SECRET, typed, now=59, last_step=0) == 1


@pytest.mark.parametrize("typed", ["", "28708", "2870822", "28708a", "abcdef", "94287082"])
def test_malformed_codes_are_refused(typed: str) -> None:
    assert totp.verify(RFC_SECRET, typed, now=59, last_step=0) is None


def test_the_wrong_secret_gives_no_match() -> None:
    code = totp.code_at(RFC_SECRET, NOW)
    assert totp.verify(b"abcdefghijklmnopqrst", code, now=NOW, last_step=0) is None


def test_new_secrets_are_20_random_bytes() -> None:
    secrets_made = {totp.new_secret() for _ in range(100)}

    assert len(secrets_made) == 100
    assert all(len(secret) == 20 for secret in secrets_made)


def test_the_provisioning_uri_carries_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri(RFC_SECRET, "jane.smith@example.org", "Reciprocity (Anytown)")
    parts = urlsplit(uri)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}

    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Reciprocity (Anytown):jane.smith@example.org"
    assert query == {
        "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "issuer": "Reciprocity (Anytown)",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }


def test_the_qr_code_is_an_svg_data_uri() -> None:
    uri = totp.provisioning_uri(RFC_SECRET, "jane.smith@example.org", "Reciprocity")
    data_uri = totp.qr_svg_data_uri(uri)
    prefix = "data:image/svg+xml;base64,"
    assert data_uri.startswith(prefix)

    svg = base64.b64decode(data_uri.removeprefix(prefix), validate=True)
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output

    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"#000" in svg
    assert b"#fff" in svg
    assert b"<script" not in svg


def test_the_secret_for_typing_is_base32_in_groups_of_four() -> None:
    assert totp.format_secret_for_typing(RFC_SECRET) == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


@given(st.binary(min_size=20, max_size=20))
def test_the_typed_secret_decodes_back_to_the_secret(secret: bytes) -> None:
    typed = totp.format_secret_for_typing(secret)

    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", typed)
    assert base64.b32decode(typed.replace(" ", "")) == secret


# --- one-time secrets ------------------------------------------------------------------------

KEY = "test-secret-key-" + "x" * 32


def test_link_tokens_are_url_safe_and_carry_256_bits() -> None:
    tokens = {one_time.new_link_token() for _ in range(1000)}

    assert len(tokens) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)


def test_codes_are_zero_padded_digits_and_at_least_six() -> None:
    codes = [one_time.new_code() for _ in range(5000)]

    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    assert any(code.startswith("0") for code in codes)  # P(no leading 0) = 0.9**5000
    assert len(set(codes)) > 4900
    assert re.fullmatch(r"[0-9]{8}", one_time.new_code(8))
    with pytest.raises(ValueError, match="at least 6 digits"):
        one_time.new_code(5)


def test_recovery_codes_are_ten_distinct_unambiguous_codes() -> None:
    codes = one_time.new_recovery_codes()
    alphabet = one_time.RECOVERY_ALPHABET

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(rf"[{alphabet}]{{4}}-[{alphabet}]{{4}}", code) for code in codes)
    assert not set("0o1li") & set(alphabet)
    assert len(one_time.new_recovery_codes(25)) == 25
    assert set("".join(one_time.new_recovery_codes(200)).replace("-", "")) == set(alphabet)


def test_api_tokens_have_a_recognisable_prefix_and_256_bits() -> None:
    tokens = {one_time.new_api_token() for _ in range(1000)}

    assert len(tokens) == 1000
    assert all(re.fullmatch(r"rcp_[A-Za-z0-9]{43}", token) for token in tokens)
    assert 43 * math.log2(62) >= 256


def test_activation_codes_are_easy_to_read_and_carry_45_bits() -> None:
    codes = {one_time.new_activation_code() for _ in range(1000)}
    alphabet = one_time.ACTIVATION_ALPHABET

    assert len(codes) == 1000
    assert all(
        re.fullmatch(rf"[{alphabet}]{{3}}-[{alphabet}]{{3}}-[{alphabet}]{{4}}", c) for c in codes
    )
    assert not set("01OILBSZUV") & set(alphabet)
    assert 10 * math.log2(len(alphabet)) >= 45


def test_digest_is_hmac_sha256_under_a_per_purpose_key() -> None:
    purpose_key = hmac.new(KEY.encode(), b"reciprocity/one-time/v1/code", hashlib.sha256).digest()
    expected = hmac.new(purpose_key, b"123456", hashlib.sha256).hexdigest()

    assert one_time.digest(KEY, "code", "123456") == expected
    # Pinned: changing the derivation would orphan every stored digest.
    assert expected == "0ec9a7818456c762505028326680b50ac9eb8cb97e40b301afb4498c961aeb37"


@pytest.mark.parametrize("purpose", list(one_time.Purpose))
def test_digests_are_64_hex_characters(purpose: str) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", one_time.digest(KEY, purpose, "k7m2-9xqp"))


def test_the_same_value_for_another_purpose_or_key_gives_another_digest() -> None:
    digests = {one_time.digest(KEY, purpose, "123456") for purpose in one_time.Purpose}

    assert len(digests) == len(one_time.Purpose)
    assert one_time.digest(KEY + "y", "code", "123456") != one_time.digest(KEY, "code", "123456")
    assert not one_time.matches(KEY, "recovery", "123456", one_time.digest(KEY, "code", "123456"))


@pytest.mark.parametrize(
    ("purpose", "stored", "typed"),
    [
        ("code", "123456", "123 456"),
        ("code", "123456", " 123-456 "),
        ("code", "123456", "１２３４５６"),
        ("recovery", "k7m2-9xqp", "K7M2-9XQP"),
        ("recovery", "k7m2-9xqp", "k7m29xqp"),
        ("recovery", "k7m2-9xqp", "K7M2 – 9XQP"),
        ("activation", "K7M-2Q9-XRP4", "k7m 2q9 xrp4"),
        ("link", "Ab-c_123", " Ab-c_123\n"),
        ("api-token", "rcp_AbC", "rcp_AbC\r\n"),
    ],
)
def test_typed_forms_match_what_was_issued(purpose: str, stored: str, typed: str) -> None:
    assert one_time.matches(KEY, purpose, typed, one_time.digest(KEY, purpose, stored))


@pytest.mark.parametrize(
    ("purpose", "stored", "typed"),
    [
        ("code", "123456", "123457"),
        ("recovery", "k7m2-9xqp", "k7m2-9xq"),
        ("link", "Ab-c_123", "ab-c_123"),
        ("link", "Ab-c_123", "Abc_123"),
        ("api-token", "rcp_AbC", "rcp_abc"),
    ],
)
def test_different_secrets_do_not_match(purpose: str, stored: str, typed: str) -> None:
    assert not one_time.matches(KEY, purpose, typed, one_time.digest(KEY, purpose, stored))


@given(st.text(alphabet="abcdefghjkmnpqrstuvwxyz23456789", min_size=1, max_size=12), st.data())
@settings(max_examples=200)
def test_codes_match_whatever_the_case_spacing_and_dashes(code: str, data: st.DataObject) -> None:
    typed = "".join(
        data.draw(st.sampled_from([char, char.upper()]))
        + data.draw(st.sampled_from(["", " ", "-", "  "]))
        for char in code
    )

    assert one_time.matches(KEY, "recovery", typed, one_time.digest(KEY, "recovery", code))


def test_unknown_purposes_and_empty_values_fail_loudly_or_never_match() -> None:
    with pytest.raises(ValueError, match="unknown purpose 'recovry'"):
        one_time.digest(KEY, "recovry", "k7m2-9xqp")
    empty = one_time.digest(KEY, "code", " - ")  # an empty form field: a lookup finds nothing

    assert empty == one_time.digest(KEY, "code", "")
    assert one_time.matches(KEY, "code", "", empty) is False


def test_a_malformed_stored_digest_never_matches_and_never_raises() -> None:
    for stored in ["", "zz", "é" * 64, one_time.digest(KEY, "code", "123456").upper()]:
        assert one_time.matches(KEY, "code", "123456", stored) is False
