"""A person's personal data (Noyo's ``Person``): the output twin of ``PersonInput``.

Every type here has exactly the fields of its input twin (``Person`` / ``PersonInput``,
``Address`` / ``AddressInput``, ...), with the same names, enums and scalars, so a person read
from the gateway can be sent back in a member snapshot as it is. Outputs are nullable where
inputs are required: a value Noyo does not send (or sends in a form this gateway does not know)
is null rather than an error.

All of it is PHI. The mask is the field that leads to a ``Person`` (``Employee.person``,
``Dependent.person``, ``CoveredMember.person``, the snapshot state's ``person``): each carries
``PhiField`` and is null without the ``phi`` scope, so none of these fields is ever reached.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from .convert import from_noyo
from .enums import ContactMethod, EmailAddressType, MaritalStatus, Sex, TobaccoType, UsState


@strawberry.type(description="A postal address (PHI).")
class Address:
    street_one: str | None = strawberry.field(description="First street line.")
    city: str | None = strawberry.field(description="City.")
    state: UsState | None = strawberry.field(description="State or territory.")
    zip_code: str | None = strawberry.field(description="5 digits, optionally followed by 4 (12345, 12345-6789).")
    street_two: str | None = strawberry.field(description="Second street line (apartment, suite).")
    county: str | None = strawberry.field(description="County.")


@strawberry.type(description="How to reach a person (PHI).")
class Contact:
    email_address: str | None = strawberry.field(description="Email address.")
    email_address_type: EmailAddressType | None = strawberry.field(
        description="Whether the email address is personal or at work."
    )
    home_phone: str | None = strawberry.field(description="E.164, e.g. +15555551212.")
    work_phone: str | None = strawberry.field(description="E.164, e.g. +15555551212.")
    preferred_language: str | None = strawberry.field(description="Preferred language (e.g. `en`).")
    preferred_method: ContactMethod | None = strawberry.field(description="How the person prefers to be contacted.")
    speaks_english: bool | None = strawberry.field(description="Whether the person speaks English.")


@strawberry.type(description="American Indian or Alaska Native status (PHI).")
class AmericanIndian:
    state: UsState | None = strawberry.field(description="State of the tribe.")
    tribe: str | None = strawberry.field(description="Tribe name.")


@strawberry.type(description="Disability status (PHI).")
class Disability:
    disabled: bool | None = strawberry.field(description="Whether the person has a disability.")
    communication: bool | None = strawberry.field(description="Whether the disability affects communication.")
    reason: str | None = strawberry.field(description="Free text about the disability.")


@strawberry.type(description="Tobacco use (PHI).")
class Tobacco:
    user: bool | None = strawberry.field(description="Whether the person uses tobacco.")
    types: list[TobaccoType] | None = strawberry.field(description="Kinds of tobacco used.")
    frequency: str | None = strawberry.field(description="How often (free text).")
    duration: str | None = strawberry.field(description="For how long (free text).")


@strawberry.type(description="Additional personal details (PHI).")
class PersonDetails:
    american_indian: AmericanIndian | None = strawberry.field(description="American Indian or Alaska Native status.")
    disability: Disability | None = strawberry.field(description="Disability status.")
    tobacco: Tobacco | None = strawberry.field(description="Tobacco use.")
    is_military: bool | None = strawberry.field(description="Whether the person serves in the military.")
    is_student: bool | None = strawberry.field(description="Whether the person is a student.")


@strawberry.type(
    description="Personal data of a member (PHI), every field of Noyo's `Person`; the same fields as `PersonInput`."
)
class Person:
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")
    sex: Sex | None = strawberry.field(description="Sex.")
    date_of_birth: dt.date | None = strawberry.field(description="Date of birth.")
    home_address: Address | None = strawberry.field(description="Home address.")
    mailing_address: Address | None = strawberry.field(
        description="Mailing address (Noyo's employee record may leave it out when it is the home address)."
    )
    middle_name: str | None = strawberry.field(description="Middle name.")
    suffix: str | None = strawberry.field(description="Name suffix (Jr., III).")
    maiden_name: str | None = strawberry.field(description="Maiden name.")
    ssn: str | None = strawberry.field(description="Social Security Number: 9 digits, no dashes.")
    marital_status: MaritalStatus | None = strawberry.field(description="Marital status.")
    contact: Contact | None = strawberry.field(description="How to reach the person.")
    details: PersonDetails | None = strawberry.field(description="Further personal details.")

    @classmethod
    def from_noyo(cls, person: Any) -> Person | None:
        """From Noyo's ``Person`` JSON (or a model of it); None when there is none."""
        if person is not None and hasattr(person, "model_dump"):
            person = person.model_dump(mode="json", exclude_unset=True)
        if not person or not person.get("first_name") or not person.get("last_name"):
            return None
        return from_noyo(cls, person)


__all__ = ["Address", "AmericanIndian", "Contact", "Disability", "Person", "PersonDetails", "Tobacco"]
