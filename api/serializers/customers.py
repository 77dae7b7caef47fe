"""How customers look in the API, and what adding or correcting one takes.

What a client sends is checked by the customer screens' own forms (`customers.forms`): the same
fields, the same limits, the same messages, because the forms are what runs. The DRF fields here
only say the types (and describe them for the schema); `validate` hands the values to the form and
turns its errors into per-field errors (400). The rules that need the database or the user (a
duplicate email or phone, who may move someone into the employee group, an erased customer) stay in
`customers.services`, which the views call with what `validate` returns.

Which of a customer's complaints the reader sees is `recovery.selectors.complaints_visible_to`'s
answer: every count and list here is built from it by the view (`customers.selectors`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from api.serializers.complaints import ComplaintSerializer
from common.urls import absolute_url
from customers.forms import CustomerEditForm, CustomerForm, CustomerQuickForm
from customers.models import GROUP_HELP, Customer, CustomerGroup
from customers.selectors import QUERY_MAX, ComplaintCounts, CustomerFigures

# The API's names for the forms' fields where they differ (the quick form's "add anyway" box).
_API_NAMES = {"add_anyway": "allow_duplicate"}
_FORM_NAMES = {api: form for form, api in _API_NAMES.items()}


def _message(form: type[forms.Form], field: str, code: str) -> str:
    """Return the form field's own message for `code` (so the API says what the screen says)."""
    return str(form.base_fields[field].error_messages[code])


class FormTextField(serializers.CharField):
    """Text the screen's form checks: only its type is checked here, so the form's messages are the ones given.

    `max_length` is kept for the schema, but the form's limit (with its message that counts) applies; no
    trimming, no blank or NUL check of DRF's own: the form strips text, refuses control characters and
    says which field is required.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        drf_own = (MaxLengthValidator, ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        validators: list[Any] = getattr(self, "validators", [])
        self.validators = [v for v in validators if not isinstance(v, drf_own)]


def _form_errors(form: forms.Form) -> dict[str, list[str]]:
    """Return the form's errors by API field name (`non_field_errors` for the form as a whole)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == NON_FIELD_ERRORS else _API_NAMES.get(name, name)
        errors[key] = [str(message) for message in messages]
    return errors


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Return the values as the form reads them: its field names, no value as empty."""
    return {_FORM_NAMES.get(name, name): ("" if value is None else value) for name, value in values.items()}


def _organization_name(customer: Customer) -> str:
    return customer.organization.name if customer.organization_id and customer.organization else ""


# --- what a client sends ----------------------------------------------------------------------------------


class CustomerWriteSerializer(serializers.Serializer[Any]):
    """A customer's details, as the customer forms take them; validated by those forms.

    `validated_data` is what the service takes: the form's cleaned values, with the organisation still a
    name (`organization`, "" for none; the view finds or adds it with `organization_get_or_create`).
    """

    form_class: type[CustomerForm] = CustomerForm

    name = FormTextField(
        max_length=200,
        help_text="The customer's name, on one line.",
        error_messages={"required": _message(CustomerForm, "name", "required")},
    )
    group = serializers.ChoiceField(
        choices=CustomerGroup.choices,
        help_text="One of the five groups. "
        + " ".join(f"`{group.value}`: {text}" for group, text in GROUP_HELP.items()),
        error_messages={
            "required": _message(CustomerForm, "group", "required"),
            "invalid_choice": _message(CustomerForm, "group", "invalid_choice"),
        },
    )
    email = FormTextField(
        required=False,
        max_length=254,
        help_text="Their email address, or empty. Stored in lower case; another customer with it is a duplicate.",
    )
    phone = FormTextField(
        required=False,
        max_length=40,
        help_text="Their phone number as they give it, or empty. The same number in another format "
        "(07700 900348, +44 7700 900348) is a duplicate.",
    )
    organization = FormTextField(
        required=False,
        max_length=200,
        help_text="The name of the company they belong to, or empty. An existing name is reused, whatever its case.",
    )
    consents_to_contact = serializers.BooleanField(
        required=False, help_text="They agree to be contacted for the follow-up (this and later complaints)."
    )

    def form(self, values: dict[str, Any]) -> CustomerForm:
        return self.form_class(_form_data(values))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = self.form(attrs)
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        cleaned = {**form.service_fields(), "organization": form.cleaned_data["organization"]}
        return self.changes(attrs, cleaned)

    def changes(self, sent: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
        return cleaned


class CustomerCreateSerializer(CustomerWriteSerializer):
    """A new customer: the details the screen's "add customer" form takes (`customers.forms.CustomerQuickForm`)."""

    form_class = CustomerQuickForm

    allow_duplicate = serializers.BooleanField(
        required=False,
        help_text="Add them even though another customer has the same email address or phone number: a "
        "different person (a family's shared address, a switchboard number). Without it such a customer is "
        "refused (422, `field` says which).",
    )

    def form(self, values: dict[str, Any]) -> CustomerForm:
        # No prefix: the quick form's fields go by their own names here, not "new-…" as inside the log form.
        return self.form_class(_form_data(values), prefix="")


class CustomerUpdateSerializer(CustomerWriteSerializer):
    """Changes to a customer (PATCH: only the fields sent change), checked by the edit form with the rest as stored.

    `validated_data` holds the fields sent, cleaned (the staff account as a user).
    """

    form_class = CustomerEditForm

    staff_user = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For employees: the id of the colleague's own CareDesk account (an active one), or null. "
        "Only managers can change it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def form(self, values: dict[str, Any]) -> CustomerForm:
        customer = self.instance
        assert isinstance(customer, Customer)  # noqa: S101 - the view always gives the customer to change
        stored = {
            "name": customer.name,
            "group": customer.group,
            "email": customer.email,
            "phone": customer.phone,
            "organization": _organization_name(customer),
            "consents_to_contact": customer.consents_to_contact,
            "staff_user": customer.staff_user_id,
        }
        return self.form_class(_form_data({**stored, **values}))

    def changes(self, sent: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
        return {name: cleaned[name] for name in sent}


# --- what a client reads ----------------------------------------------------------------------------------


class ComplaintCountsSerializer(serializers.Serializer[ComplaintCounts]):
    """How many of the customer's complaints you may see: an employee's are counted only if you may see them."""

    total = serializers.IntegerField(read_only=True, help_text="All of them.")
    open = serializers.IntegerField(read_only=True, help_text="Not yet closed.")
    repeats = serializers.IntegerField(
        read_only=True, help_text="Repeat complaints: received within the repeat window after another one."
    )


class CustomerFiguresSerializer(ComplaintCountsSerializer):
    """The customer's totals over the complaints you may see (as the customer page shows them)."""

    retained = serializers.IntegerField(read_only=True, help_text="Closed with the customer retained.")
    lost = serializers.IntegerField(read_only=True, help_text="Closed with the customer lost.")
    atonement_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="Value of the atonements given (steps not skipped)."
    )


class CustomerSerializer(serializers.Serializer[Any]):
    """One customer as the customer list shows them, with the counts of their complaints you may see.

    The counts come from the view (`context["counts"]`: customer id → `ComplaintCounts`, one query a page).
    """

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    group = serializers.ChoiceField(
        choices=CustomerGroup.choices,
        read_only=True,
        help_text="Employees (the internal customers) have confidential complaints: managers and the owner only.",
    )
    email = serializers.CharField(read_only=True, help_text="Empty when not known.")
    phone = serializers.CharField(read_only=True, help_text="As given; empty when not known.")
    organization = serializers.SerializerMethodField(help_text="The company's name; null for none.")
    consents_to_contact = serializers.BooleanField(
        read_only=True, help_text="They agreed to be contacted about this and later complaints."
    )
    staff_user = serializers.IntegerField(
        source="staff_user_id",
        read_only=True,
        allow_null=True,
        help_text="For employees: the id of the colleague's own CareDesk account; null otherwise.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    erased_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When a manager erased their personal data (for good: the record can no longer be changed).",
    )
    complaints = serializers.SerializerMethodField(help_text="Counts of their complaints you may see.")
    url = serializers.SerializerMethodField(help_text="This customer in the API.")
    page_url = serializers.SerializerMethodField(help_text="The customer's page in CareDesk.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organization(self, customer: Customer) -> str | None:
        return _organization_name(customer) or None

    @extend_schema_field(ComplaintCountsSerializer)
    def get_complaints(self, customer: Customer) -> Any:
        counts = self.context.get("counts", {}).get(customer.pk, ComplaintCounts())
        return ComplaintCountsSerializer(counts).data

    def get_url(self, customer: Customer) -> str:
        return absolute_url("api:customer-detail", customer.pk)

    def get_page_url(self, customer: Customer) -> str:
        return absolute_url("customers:customer_detail", customer.pk)


class CustomerDetailSerializer(CustomerSerializer):
    """A customer with what their page shows: totals and the newest complaints you may see.

    The view gives `context["figures"]` (`customers.selectors.customer_figures`), `context["recent"]`
    (the newest complaints, from `customers.selectors.customer_complaints`) and
    `context["may_be_hidden"]` (`customers.permissions.complaints_may_be_hidden`).
    """

    figures = serializers.SerializerMethodField(help_text="Totals over the complaints you may see.")
    complaints_may_be_hidden = serializers.SerializerMethodField(
        help_text="True when some of this customer's complaints may be hidden from you: an employee's "
        "complaints are confidential (managers and the owner only). Counts and lists leave them out."
    )
    recent_complaints = serializers.SerializerMethodField(
        help_text="Their newest complaints you may see (at most `recent_limit`), newest first; "
        "`complaints_url` lists them all."
    )
    recent_limit = serializers.SerializerMethodField(help_text="How many complaints `recent_complaints` holds at most.")
    complaints_url = serializers.SerializerMethodField(help_text="All their complaints you may see, a page at a time.")

    def _figures(self) -> CustomerFigures:
        figures: CustomerFigures = self.context["figures"]
        return figures

    @extend_schema_field(ComplaintCountsSerializer)
    def get_complaints(self, customer: Customer) -> Any:
        return ComplaintCountsSerializer(self._figures()).data

    @extend_schema_field(CustomerFiguresSerializer)
    def get_figures(self, customer: Customer) -> Any:
        return CustomerFiguresSerializer(self._figures()).data

    def get_complaints_may_be_hidden(self, customer: Customer) -> bool:
        return bool(self.context["may_be_hidden"])

    @extend_schema_field(ComplaintSerializer(many=True))
    def get_recent_complaints(self, customer: Customer) -> Any:
        return ComplaintSerializer(self.context["recent"], many=True).data

    def get_recent_limit(self, customer: Customer) -> int:
        return int(self.context["recent_limit"])

    def get_complaints_url(self, customer: Customer) -> str:
        return absolute_url("api:customer-complaints", customer.pk)


class CustomerQuerySerializer(serializers.Serializer[Any]):
    """The customer list's search and filter (as the customer screen's search box and group menu)."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Search text: part of the name, email, phone or organisation, whatever the case and accents, "
        f"or the phone number in another format. At most {QUERY_MAX} characters are used.",
    )
    group = serializers.ChoiceField(
        choices=CustomerGroup.choices,
        required=False,
        allow_blank=True,
        help_text="Only customers of this group.",
        error_messages={"invalid_choice": _message(CustomerForm, "group", "invalid_choice")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any text is a valid search (as on the screen): the selector drops what cannot be searched for.
        self.fields["q"].validators = []
