"""Personal data inputs of a member snapshot (``InboundMemberSnapshotPerson`` and parts).

Checks name the field and the expected format, never the value.
"""

from __future__ import annotations

import datetime as dt
import re

import strawberry

from .input_enums import ContactMethod, EmailAddressType, MaritalStatus, Sex, TobaccoType, UsState
from .translate import Path, check_pattern, problem

SSN = re.compile(r"^(?!000)[0-9]{3}(?!00)[0-9]{2}(?!0000)[0-9]{4}$")
ZIP_CODE = re.compile(r"^(\d{5})(?:-?)(\d{4})?$")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@strawberry.input(description="A postal address.")
class AddressInput:
    street_one: str
    city: str
    state: UsState
    zip_code: str = strawberry.field(description="5 digits, optionally followed by 4 (12345, 12345-6789).")
    street_two: str | None = None
    county: str | None = None

    def check(self, path: Path) -> list:
        return check_pattern(self.zip_code, ZIP_CODE, (*path, "zipCode"), "5 or 9 digits")


@strawberry.input(description="How to reach a person.")
class ContactInput:
    email_address: str | None = None
    email_address_type: EmailAddressType | None = None
    home_phone: str | None = strawberry.field(default=None, description="E.164, e.g. +15555551212.")
    work_phone: str | None = strawberry.field(default=None, description="E.164, e.g. +15555551212.")
    preferred_language: str | None = None
    preferred_method: ContactMethod | None = None
    speaks_english: bool | None = None

    def check(self, path: Path) -> list:
        return [
            *check_pattern(self.email_address, EMAIL, (*path, "emailAddress"), "an email address"),
            *check_pattern(self.home_phone, E164, (*path, "homePhone"), "an E.164 phone number"),
            *check_pattern(self.work_phone, E164, (*path, "workPhone"), "an E.164 phone number"),
        ]


@strawberry.input
class AmericanIndianInput:
    state: UsState | None = None
    tribe: str | None = None


@strawberry.input
class DisabilityInput:
    disabled: bool | None = None
    communication: bool | None = None
    reason: str | None = None


@strawberry.input
class TobaccoInput:
    user: bool | None = None
    types: list[TobaccoType] | None = None
    frequency: str | None = None
    duration: str | None = None

    def check(self, path: Path) -> list:
        if self.types is not None and not self.types:
            return [problem((*path, "types"), "`types` must list at least one type when given.")]
        return []


@strawberry.input(description="Additional personal details.")
class PersonDetailsInput:
    american_indian: AmericanIndianInput | None = None
    disability: DisabilityInput | None = None
    tobacco: TobaccoInput | None = None
    is_military: bool | None = None
    is_student: bool | None = None


@strawberry.input(description="A person's demographics. Personal data: never logged or echoed back.")
class PersonInput:
    first_name: str
    last_name: str
    sex: Sex
    date_of_birth: dt.date
    home_address: AddressInput
    mailing_address: AddressInput
    middle_name: str | None = None
    suffix: str | None = None
    maiden_name: str | None = None
    ssn: str | None = strawberry.field(default=None, description="9 digits, no dashes.")
    marital_status: MaritalStatus | None = None
    contact: ContactInput | None = None
    details: PersonDetailsInput | None = None

    def check(self, path: Path) -> list:
        return check_pattern(self.ssn, SSN, (*path, "ssn"), "9 digits, not starting 000, group not 00, serial not 0000")


__all__ = [
    "AddressInput",
    "AmericanIndianInput",
    "ContactInput",
    "DisabilityInput",
    "PersonDetailsInput",
    "PersonInput",
    "TobaccoInput",
]
