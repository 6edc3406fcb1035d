"""Personal data inputs of a member snapshot (``InboundMemberSnapshotPerson`` and parts).

Checks name the field and the expected format, never the value.
"""

from __future__ import annotations

import datetime as dt
import re

import strawberry

from ..members.enums import ContactMethod, EmailAddressType, MaritalStatus, Sex, TobaccoType, UsState
from .translate import Path, check_pattern, problem

SSN = re.compile(r"^(?!000)[0-9]{3}(?!00)[0-9]{2}(?!0000)[0-9]{4}$")
ZIP_CODE = re.compile(r"^(\d{5})(?:-?)(\d{4})?$")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@strawberry.input(description="A postal address.")
class AddressInput:
    street_one: str = strawberry.field(description="First street line.")
    city: str = strawberry.field(description="City.")
    state: UsState = strawberry.field(description="State or territory.")
    zip_code: str = strawberry.field(description="5 digits, optionally followed by 4 (12345, 12345-6789).")
    street_two: str | None = strawberry.field(default=None, description="Second street line (apartment, suite).")
    county: str | None = strawberry.field(default=None, description="County.")

    def check(self, path: Path) -> list:
        return check_pattern(self.zip_code, ZIP_CODE, (*path, "zipCode"), "5 or 9 digits")


@strawberry.input(description="How to reach a person.")
class ContactInput:
    email_address: str | None = strawberry.field(default=None, description="Email address.")
    email_address_type: EmailAddressType | None = strawberry.field(
        default=None, description="Whether the email address is personal or at work."
    )
    home_phone: str | None = strawberry.field(default=None, description="E.164, e.g. +15555551212.")
    work_phone: str | None = strawberry.field(default=None, description="E.164, e.g. +15555551212.")
    preferred_language: str | None = strawberry.field(default=None, description="Preferred language (e.g. `en`).")
    preferred_method: ContactMethod | None = strawberry.field(
        default=None, description="How the person prefers to be contacted."
    )
    speaks_english: bool | None = strawberry.field(default=None, description="Whether the person speaks English.")

    def check(self, path: Path) -> list:
        return [
            *check_pattern(self.email_address, EMAIL, (*path, "emailAddress"), "an email address"),
            *check_pattern(self.home_phone, E164, (*path, "homePhone"), "an E.164 phone number"),
            *check_pattern(self.work_phone, E164, (*path, "workPhone"), "an E.164 phone number"),
        ]


@strawberry.input(description="American Indian or Alaska Native status.")
class AmericanIndianInput:
    state: UsState | None = strawberry.field(default=None, description="State of the tribe.")
    tribe: str | None = strawberry.field(default=None, description="Tribe name.")


@strawberry.input(description="Disability status.")
class DisabilityInput:
    disabled: bool | None = strawberry.field(default=None, description="Whether the person has a disability.")
    communication: bool | None = strawberry.field(
        default=None, description="Whether the disability affects communication."
    )
    reason: str | None = strawberry.field(default=None, description="Free text about the disability.")


@strawberry.input(description="Tobacco use.")
class TobaccoInput:
    user: bool | None = strawberry.field(default=None, description="Whether the person uses tobacco.")
    types: list[TobaccoType] | None = strawberry.field(
        default=None, description="Kinds of tobacco used (at least one when given)."
    )
    frequency: str | None = strawberry.field(default=None, description="How often (free text).")
    duration: str | None = strawberry.field(default=None, description="For how long (free text).")

    def check(self, path: Path) -> list:
        if self.types is not None and not self.types:
            return [problem((*path, "types"), "`types` must list at least one type when given.")]
        return []


@strawberry.input(description="Additional personal details.")
class PersonDetailsInput:
    american_indian: AmericanIndianInput | None = strawberry.field(
        default=None, description="American Indian or Alaska Native status."
    )
    disability: DisabilityInput | None = strawberry.field(default=None, description="Disability status.")
    tobacco: TobaccoInput | None = strawberry.field(default=None, description="Tobacco use.")
    is_military: bool | None = strawberry.field(default=None, description="Whether the person serves in the military.")
    is_student: bool | None = strawberry.field(default=None, description="Whether the person is a student.")


@strawberry.input(description="A person's demographics. Personal data: never logged or echoed back.")
class PersonInput:
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")
    sex: Sex = strawberry.field(description="Sex.")
    date_of_birth: dt.date = strawberry.field(description="Date of birth.")
    home_address: AddressInput = strawberry.field(description="Home address.")
    mailing_address: AddressInput = strawberry.field(description="Mailing address.")
    middle_name: str | None = strawberry.field(default=None, description="Middle name.")
    suffix: str | None = strawberry.field(default=None, description="Name suffix (Jr., III).")
    maiden_name: str | None = strawberry.field(default=None, description="Maiden name.")
    ssn: str | None = strawberry.field(default=None, description="9 digits, no dashes.")
    marital_status: MaritalStatus | None = strawberry.field(default=None, description="Marital status.")
    contact: ContactInput | None = strawberry.field(default=None, description="How to reach the person.")
    details: PersonDetailsInput | None = strawberry.field(default=None, description="Further personal details.")

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
