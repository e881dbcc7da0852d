"""Built-in slot types in en_US and ko_KR (item 3): one bot with a slot of each type."""

from __future__ import annotations

import pytest

from tests.conformance.harness import (
    ABSENT,
    Case,
    ConformanceServers,
    Turn,
    bot_template,
    case_id,
    intent,
    locale,
    run_case,
    slot,
)

BUILTINS = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slots.html"
TIME = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-time.html"
TIME_AMBIGUOUS = (
    "In this case, the value in the interpretedValue field is null, and the resolvedValues field "
    "contains the two possible resolutions of the time."
)
TIME_EXACT = (
    "When the user responds with an unambiguous time, Amazon Lex V2 sends the time to your Lambda "
    "function in the interpretedValue field of the slots attribute of the Lambda event."
)
TIME_RANGE = "The slot value can resolve to the following time ranges: AM, PM, MO (morning), AF (afternoon), EV (evening), NI (night)"
CONFIRM = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-confirmation.html"
CONFIRM_Q = (
    "This slot type recognizes input phrases that corresponds to 'Yes', 'No', 'Maybe', and "
    "'Don't know' phrases and words for Amazon Lex V2 and converts it one of the four values."
)
NUMBER = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-number.html"
NUMBER_Q = "Converts words or numbers that express a number into digits, including decimal numbers."
EMAIL = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-email.html"
EMAIL_Q = "Recognizes words that represent an email address provided as username@domain."
PHONE = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-phone.html"
PHONE_Q = "Recognizes words that represent a phone number and converts them into a numeric string."
DATE = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-date.html"
DATE_Q = "Converts words that represent dates into a date format. The date is provided to your intent in ISO-8601 date format."
ALNUM = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html"
ALNUM_Q = "Recognizes strings made up of letters and numbers, such as APQ123."
FIRST = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-first-name.html"
FIRST_Q = "Commonly used first names."
FREEFORM = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-free-form.html"
FREEFORM_Q = "AMAZON.FreeFormInput can be used to capture free form input as-is from the end user."
UNKNOWN = "the slot list in the developer guide"

TYPES = {
    "Time": "AMAZON.Time",
    "Confirm": "AMAZON.Confirmation",
    "Count": "AMAZON.Number",
    "Email": "AMAZON.EmailAddress",
    "Phone": "AMAZON.PhoneNumber",
    "Day": "AMAZON.Date",
    "Code": "AMAZON.AlphaNumeric",
    "First": "AMAZON.FirstName",
    "Last": "AMAZON.LastName",
    "City": "AMAZON.City",
    "Country": "AMAZON.Country",
    "Note": "AMAZON.FreeFormInput",
    "Airport": "AMAZON.Airport",
}
TRIGGER = {"en_US": "ask me about {name}", "ko_KR": "{name} 물어봐"}


def _locale(loc: str) -> dict:
    intents = [
        intent(
            f"Ask{name}",
            [TRIGGER[loc].format(name=name.lower())],
            [slot(name, type_name, f"{name}?")],
            closing=f"{name}={{{name}}}",
        )
        for name, type_name in TYPES.items()
    ]
    return locale(loc, intents)


BOT = bot_template(_locale("en_US"), _locale("ko_KR"))


def _case(name, loc, slot_name, reply, expect, doc, quote, note=""):
    value = f"sessionState.intent.slots.{slot_name}"
    expected = {
        f"{value}.value.{k}"
        if k in ("interpretedValue", "originalValue", "resolvedValues")
        else k: v
        for k, v in expect.items()
    }
    return Case(
        name,
        BOT,
        loc,
        doc,
        quote,
        (
            Turn(
                TRIGGER[loc].format(name=slot_name.lower()),
                {"sessionState.dialogAction.slotToElicit": slot_name},
            ),
            Turn(reply, expected),
        ),
        note,
    )


REPROMPT = {"sessionState.dialogAction.type": "ElicitSlot"}

CASES = [
    _case(
        "time-ambiguous-en",
        "en_US",
        "Time",
        "10 o'clock",
        {"interpretedValue": ABSENT, "resolvedValues": ["10:00", "22:00"]},
        TIME,
        TIME_AMBIGUOUS,
    ),
    _case(
        "time-exact-am-en",
        "en_US",
        "Time",
        "10 AM",
        {"interpretedValue": "10:00", "resolvedValues": ["10:00"]},
        TIME,
        TIME_EXACT,
    ),
    _case(
        "time-exact-pm-en",
        "en_US",
        "Time",
        "at 7:30 pm",
        {"interpretedValue": "19:30"},
        TIME,
        TIME_EXACT,
    ),
    _case(
        "time-morning-en",
        "en_US",
        "Time",
        "in the morning",
        {"interpretedValue": "MO", "resolvedValues": ["MO"]},
        TIME,
        TIME_RANGE,
    ),
    _case(
        "time-exact-ko",
        "ko_KR",
        "Time",
        "오후 3시 30분",
        {"interpretedValue": "15:30"},
        TIME,
        TIME_EXACT,
    ),
    _case(
        "time-ambiguous-ko",
        "ko_KR",
        "Time",
        "10시요",
        {"interpretedValue": ABSENT, "resolvedValues": ["10:00", "22:00"]},
        TIME,
        TIME_AMBIGUOUS,
    ),
    _case(
        "time-half-ko",
        "ko_KR",
        "Time",
        "오전 9시 반",
        {"interpretedValue": "09:30"},
        TIME,
        TIME_EXACT,
    ),
    _case(
        "confirmation-yes-en",
        "en_US",
        "Confirm",
        "yep",
        {"interpretedValue": "Yes"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "confirmation-no-en",
        "en_US",
        "Confirm",
        "no way",
        {"interpretedValue": "No"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "confirmation-maybe-en",
        "en_US",
        "Confirm",
        "perhaps",
        {"interpretedValue": "Maybe"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "confirmation-dont-know-en",
        "en_US",
        "Confirm",
        "no idea",
        {"interpretedValue": "Don't know"},
        CONFIRM,
        CONFIRM_Q,
        note="the guide names the value 'Don't know'",
    ),
    _case(
        "confirmation-yes-ko",
        "ko_KR",
        "Confirm",
        "네 좋아요",
        {"interpretedValue": "Yes"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "confirmation-no-ko",
        "ko_KR",
        "Confirm",
        "아니요",
        {"interpretedValue": "No"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "confirmation-dont-know-ko",
        "ko_KR",
        "Confirm",
        "잘 모르겠어요",
        {"interpretedValue": "Don't know"},
        CONFIRM,
        CONFIRM_Q,
    ),
    _case(
        "number-words-en",
        "en_US",
        "Count",
        "twenty five",
        {"interpretedValue": "25"},
        NUMBER,
        NUMBER_Q,
    ),
    _case(
        "number-decimal-en", "en_US", "Count", "2.5", {"interpretedValue": "2.5"}, NUMBER, NUMBER_Q
    ),
    _case(
        "number-no-false-positive-en",
        "en_US",
        "Count",
        "someone",
        REPROMPT,
        NUMBER,
        NUMBER_Q,
        note="'someone' contains 'one' but expresses no number",
    ),
    _case(
        "number-native-ko", "ko_KR", "Count", "세 개요", {"interpretedValue": "3"}, NUMBER, NUMBER_Q
    ),
    _case("number-sino-ko", "ko_KR", "Count", "이십", {"interpretedValue": "20"}, NUMBER, NUMBER_Q),
    _case(
        "number-cider-is-no-number-ko",
        "ko_KR",
        "Count",
        "사이다",
        REPROMPT,
        NUMBER,
        NUMBER_Q,
        note="사이다 (cider) merely starts with 사 (four)",
    ),
    _case(
        "email-en",
        "en_US",
        "Email",
        "it's jane.doe@example.com",
        {"interpretedValue": "jane.doe@example.com"},
        EMAIL,
        EMAIL_Q,
    ),
    _case(
        "email-ko",
        "ko_KR",
        "Email",
        "제 메일은 hong@example.kr 이에요",
        {"interpretedValue": "hong@example.kr"},
        EMAIL,
        EMAIL_Q,
    ),
    _case(
        "email-none-reprompts-en", "en_US", "Email", "I don't have one", REPROMPT, EMAIL, EMAIL_Q
    ),
    _case(
        "phone-en",
        "en_US",
        "Phone",
        "call me at 206-555-0100",
        {"interpretedValue": "2065550100"},
        PHONE,
        PHONE_Q,
    ),
    _case(
        "phone-ko",
        "ko_KR",
        "Phone",
        "010-1234-5678 입니다",
        {"interpretedValue": "01012345678"},
        PHONE,
        PHONE_Q,
    ),
    _case(
        "date-relative-en",
        "en_US",
        "Day",
        "tomorrow",
        {"interpretedValue": "2026-01-06"},
        DATE,
        DATE_Q,
    ),
    _case(
        "date-relative-ko", "ko_KR", "Day", "내일", {"interpretedValue": "2026-01-06"}, DATE, DATE_Q
    ),
    _case(
        "alphanumeric-en",
        "en_US",
        "Code",
        "my code is APQ123",
        {"interpretedValue": "APQ123"},
        ALNUM,
        ALNUM_Q,
    ),
    _case(
        "first-name-en",
        "en_US",
        "First",
        "my name is john",
        {"interpretedValue": "John"},
        FIRST,
        FIRST_Q,
    ),
    _case(
        "first-name-ko",
        "ko_KR",
        "First",
        "제 이름은 홍길동이에요",
        {"interpretedValue": "홍길동"},
        FIRST,
        FIRST_Q,
    ),
    _case(
        "last-name-ko",
        "ko_KR",
        "Last",
        "김이요",
        {"interpretedValue": "김"},
        BUILTINS,
        "AMAZON.LastName: Commonly used last names.",
    ),
    _case(
        "city-en",
        "en_US",
        "City",
        "I live in Seattle",
        {"interpretedValue": "Seattle"},
        BUILTINS,
        "AMAZON.City: Provides a list of local and world cities.",
    ),
    _case(
        "city-ko",
        "ko_KR",
        "City",
        "서울이요",
        {"interpretedValue": "Seoul"},
        BUILTINS,
        "AMAZON.City: Provides a list of local and world cities.",
    ),
    _case(
        "country-en",
        "en_US",
        "Country",
        "Japan",
        {"interpretedValue": "Japan"},
        BUILTINS,
        "AMAZON.Country: The names of countries around the world.",
    ),
    _case(
        "country-ko",
        "ko_KR",
        "Country",
        "캐나다요",
        {"interpretedValue": "Canada"},
        BUILTINS,
        "AMAZON.Country: The names of countries around the world.",
    ),
    _case(
        "free-form-en",
        "en_US",
        "Note",
        "leave it at the door",
        {"interpretedValue": "leave it at the door"},
        FREEFORM,
        FREEFORM_Q,
    ),
    _case(
        "free-form-ko",
        "ko_KR",
        "Note",
        "문 앞에 두세요",
        {"interpretedValue": "문 앞에 두세요"},
        FREEFORM,
        FREEFORM_Q,
    ),
    _case(
        "number-ibeon-is-this-time-ko",
        "ko_KR",
        "Count",
        "이번에는 세 개요",
        {"interpretedValue": "3"},
        NUMBER,
        NUMBER_Q,
        note="이번 (this time) starts with 이 (two) but is no number",
    ),
    _case(
        "time-noon-en", "en_US", "Time", "at noon", {"interpretedValue": "12:00"}, TIME, TIME_EXACT
    ),
    _case(
        "time-evening-ko", "ko_KR", "Time", "저녁에요", {"interpretedValue": "EV"}, TIME, TIME_RANGE
    ),
    _case(
        "phone-none-reprompts-ko", "ko_KR", "Phone", "전화번호는 없어요", REPROMPT, PHONE, PHONE_Q
    ),
    _case(
        "email-spoken-en",
        "en_US",
        "Email",
        "jane at example dot com",
        {"interpretedValue": "jane@example.com"},
        EMAIL,
        EMAIL_Q,
        note="the guide's format is username@domain; spoken 'at'/'dot' are read as @ and .",
    ),
    Case(
        "unimplemented-builtin-warns",
        BOT,
        "en_US",
        BUILTINS,
        UNKNOWN,
        startup_warnings=("built-in type AMAZON.Airport is not implemented",),
        note="the emulator must never be silent about a type it cannot read",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(conformance: ConformanceServers, case: Case) -> None:
    run_case(conformance, case)
