"""Spots free text that looks like it identifies someone, so the team can redact it before others read it.

Responses are anonymous (DOMAIN.md), but people still type their NHS number, phone number, email address or
postcode into a box. Detection errs on the side of flagging: a false alarm costs the team one look, a miss
shows a patient's details to buddies and coaches.
"""

import re
from enum import StrEnum


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"
    POSTCODE = "postcode"

    @property
    def label(self) -> str:
        return {
            IdentifierKind.NHS_NUMBER: "an NHS number",
            IdentifierKind.PHONE_NUMBER: "a phone number",
            IdentifierKind.EMAIL_ADDRESS: "an email address",
            IdentifierKind.POSTCODE: "a postcode",
        }[self]


# Runs of digit groups split by spaces, hyphens or brackets: "020 7946 0000", "+44 (0)7700-900123".
_NUMBER_RUN = re.compile(r"\+?\d+(?:[ \t\-()]{1,3}\d+)*")
_DIGIT_GROUP = re.compile(r"\+?\d+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Outward code (A9, A99, AA9, AA99, A9A, AA9A), optional space, inward code (9AA); any letter case.
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_NHS_NUMBER_GROUPINGS = ((10,), (3, 3, 4))
_MOST_GROUPS_IN_A_NUMBER = 6  # "+44 (0) 20 7946 0000" is five


def is_valid_nhs_number(digits: str) -> bool:
    """Ten digits whose last is the Modulus 11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_uk_phone_number(groups: list[str]) -> bool:
    digits = "".join(group.lstrip("+") for group in groups)
    international = groups[0].startswith("+") or digits.startswith("0044")
    if international:
        digits = digits.removeprefix("00")
        if not digits.startswith("44"):
            return False
        national = digits[2:].removeprefix("0")  # "+44 (0)20 ..." keeps the trunk zero in brackets
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return False
    return len(national) in (9, 10) and national[0] in "1235789"


def _number_kinds(text: str) -> set[IdentifierKind]:
    kinds: set[IdentifierKind] = set()
    for run in _NUMBER_RUN.finditer(text):
        groups = _DIGIT_GROUP.findall(run.group())
        # Any consecutive groups may be the number: "ward 7 07700 900123" holds a phone number after "7".
        for start in range(len(groups)):
            for end in range(start + 1, min(start + _MOST_GROUPS_IN_A_NUMBER, len(groups)) + 1):
                span = groups[start:end]
                if tuple(len(group) for group in span) in _NHS_NUMBER_GROUPINGS and is_valid_nhs_number(
                    "".join(span)
                ):
                    kinds.add(IdentifierKind.NHS_NUMBER)
                if _is_uk_phone_number(span):
                    kinds.add(IdentifierKind.PHONE_NUMBER)
    return kinds


def identifier_kinds(*texts: str) -> list[str]:
    """The kinds of identifier the texts seem to hold, in a fixed order; empty when they look clean."""
    joined = "\n".join(text for text in texts if text)
    found = _number_kinds(joined)
    if _EMAIL.search(joined):
        found.add(IdentifierKind.EMAIL_ADDRESS)
    if _POSTCODE.search(joined):
        found.add(IdentifierKind.POSTCODE)
    return [kind.value for kind in IdentifierKind if kind in found]


def identifier_labels(kinds: list[str]) -> list[str]:
    return [IdentifierKind(kind).label for kind in kinds if kind in IdentifierKind._value2member_map_]
