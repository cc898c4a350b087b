"""The identifier detector, table by table: what must flag, and everyday text that must not."""

import pytest

from coproduction.identifiers import identifier_kinds, identifier_labels, is_valid_nhs_number

NHS = "nhs_number"
PHONE = "phone_number"
EMAIL = "email_address"
POSTCODE = "postcode"


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299, and 11 - (299 mod 11) = 9
        ("9434765919", True),
        ("4010232137", True),
        ("4505577104", True),
        ("9990003041", True),
        ("0000000000", True),  # remainder 0 gives 11, which counts as a check digit of 0
        ("9434765918", False),  # wrong check digit
        ("1234567890", False),
        ("1000000010", False),  # the first nine give a check digit of 10: never valid
        ("1000000019", False),
        ("943476591", False),  # nine digits
        ("94347659190", False),  # eleven digits
        ("94347659a9", False),
    ],
)
def test_nhs_number_check_digit(digits, valid):
    assert is_valid_nhs_number(digits) is valid


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # NHS numbers: ten digits, or spaced 3-3-4, with a valid check digit
        ("My NHS number is 9434765919", [NHS]),
        ("943 476 5919", [NHS]),
        ("it's 401 023 2137.", [NHS]),
        ("number 9434765918 here", []),  # bad check digit
        ("943 4765 919", []),  # not grouped 3-3-4
        ("94 34 76 59 19", []),
        # phone numbers
        ("ring me on 07700 900123", [PHONE]),
        ("07700900123", [PHONE]),
        ("0161 496 0000", [PHONE]),
        ("(020) 7946 0000", [PHONE]),
        ("020-7946-0000", [PHONE]),
        ("+44 7700 900123", [PHONE]),
        ("+44 (0)20 7946 0000", [PHONE]),
        ("0044 7700 900123", [PHONE]),
        ("016977 4321", [PHONE]),  # a nine-digit area number
        ("ward 7 07700 900123 please", [PHONE]),
        ("0800 123 4567", [PHONE]),
        ("+1 212 555 0100", []),  # not a UK number
        ("07700 9001", []),  # too short
        # email addresses
        ("write to jo.bloggs@example.org", [EMAIL]),
        ("JO+ward@nhs.net thanks", [EMAIL]),
        ("jo at example dot org", []),
        ("@mention the nurse", []),
        # postcodes, in any case
        ("I live at SW1A 1AA", [POSTCODE]),
        ("near m1 1ae", [POSTCODE]),
        ("B338TH", [POSTCODE]),
        ("CR2 6XH", [POSTCODE]),
        ("DN55 1PT", [POSTCODE]),
        ("EC1A 1BB", [POSTCODE]),
        ("W1A 0AX", [POSTCODE]),
        ("QA1 1AA", []),  # Q never starts a postcode
        ("A4 paper", []),
        # several kinds at once, in a fixed order
        ("9434765919, 07700 900123, a@b.co.uk, LS1 4AP", [NHS, PHONE, EMAIL, POSTCODE]),
        # everyday text that must not flag
        ("I always want to know what is going to happen next", []),
        ("I waited 45 minutes in ward 7 on 12/03/2024", []),
        ("Between 9 and 5, two hours, 100% of the time, 1,000 people", []),
        ("The 2020 to 2024 plan had 3 phases", []),
        ("Appointment at 10:30 in room 12B on level 2", []),
        ("Covid19 made visiting hard", []),
        ("Parking cost £12.50 for 3 hours", []),
        ("", []),
    ],
)
def test_identifier_kinds(text, kinds):
    assert identifier_kinds(text) == kinds


def test_it_reads_every_text_it_is_given():
    assert identifier_kinds("clean words", "call 07700 900123") == [PHONE]


def test_labels_are_plain_english():
    assert identifier_labels([NHS, POSTCODE]) == ["an NHS number", "a postcode"]
