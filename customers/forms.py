"""Forms for customers: the quick add on the log form, the full edit, and the list's filters.

Validation only; `customers.services` writes and may still refuse (for
example a front-line user moving someone into the employee group).
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.contrib.auth import get_user_model

from common.forms import PersonChoiceField, PlainTextField
from customers.models import GROUP_HELP, Customer, CustomerGroup, Organization
from customers.selectors import QUERY_MAX, clean_query

GROUP_FIELD_TEMPLATE = "customers/group_field.html"


def _limit(field: str, model: type[Customer | Organization] = Customer) -> int:
    return int(getattr(model._meta.get_field(field), "max_length", 0) or 0)


class GroupRadioSelect(forms.RadioSelect):
    """The five groups as radio buttons, each with its one-line explanation (`option.help`)."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["help"] = GROUP_HELP.get(value, "")
        return option


class CustomerForm(forms.Form):
    """A customer's details; the organisation is typed as a name and matched to an existing one."""

    name = PlainTextField(
        limit=_limit("name"),
        required=True,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        label="Name",
        error_messages={"required": "Enter the customer's name."},
    )
    group = forms.ChoiceField(
        label="Group",
        choices=CustomerGroup.choices,
        widget=GroupRadioSelect,
        error_messages={
            "required": "Choose one of the five groups.",
            "invalid_choice": "Choose one of the five groups.",
        },
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=_limit("email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Enter an email address like name@example.org, or leave it empty."},
    )
    phone = PlainTextField(
        limit=_limit("phone"),
        label="Phone",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    organization = PlainTextField(
        limit=_limit("name", Organization),
        label="Organisation",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="The company they belong to, if any. An existing name is reused, whatever its case.",
    )
    consents_to_contact = forms.BooleanField(
        label="Agrees to be contacted for the follow-up",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            Field("group", template=GROUP_FIELD_TEMPLATE),
            Row(Column("email", css_class="col-sm-6"), Column("phone", css_class="col-sm-6")),
            "organization",
            "consents_to_contact",
            *self.extra_layout(),
        )

    def extra_layout(self) -> list[Any]:
        return []

    def service_fields(self) -> dict[str, Any]:
        """Return the cleaned details as the services take them (the organisation still as a name)."""
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        return data


class CustomerQuickForm(CustomerForm):
    """The small form that adds a customer without leaving the log form.

    Its inputs sit inside the complaint form on the page but belong to a form
    of their own (the `form` attribute), so Enter in them adds the customer
    instead of submitting the complaint.
    """

    prefix = "new"
    form_id = "customer-new-form"

    add_anyway = forms.BooleanField(
        label="This is a different person: add them anyway",
        required=False,
        help_text="For example, two people who share an email address or a phone number.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The customer already on file with the same email or phone, once the service has said so.
        self.duplicate: Customer | None = None
        for field in self.fields.values():
            field.widget.attrs["form"] = self.form_id
        if self.is_bound:
            if self["add_anyway"].value():
                self._show_add_anyway()
            return
        first_empty = next((name for name in ("name", "group") if not self.initial.get(name)), "email")
        self.fields[first_empty].widget.attrs["autofocus"] = True

    def offer_duplicate(self, existing: Customer) -> None:
        """Show the customer already on file and the choice to add a different person anyway."""
        self.duplicate = existing
        self._show_add_anyway()

    def _show_add_anyway(self) -> None:
        if "add_anyway" not in self.helper.layout.fields:
            self.helper.layout.append("add_anyway")

    def service_fields(self) -> dict[str, Any]:
        """Return the details as `customer_create` takes them, with the user's answer to a duplicate."""
        data = super().service_fields()
        data["allow_duplicate"] = data.pop("add_anyway", False)
        return data


class CustomerEditForm(CustomerForm):
    """Every detail of a customer, including the staff account of an employee."""

    staff_user = PersonChoiceField(
        queryset=None,
        required=False,
        label="Staff account",
        empty_label="None",
        help_text="For employees: the colleague's own CareDesk account. Only managers can change it.",
        error_messages={"invalid_choice": "Choose one of the colleagues listed."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_user"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        )
        self.fields["group"].help_text = "Only managers can move a customer into or out of the employee group."

    def extra_layout(self) -> list[Any]:
        return ["staff_user"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("staff_user") is not None and cleaned.get("group") not in (None, CustomerGroup.EMPLOYEE):
            self.add_error("staff_user", "Only an employee can be linked to a staff account.")
        return cleaned


class CustomerFilterForm(forms.Form):
    """The customer list's search box and group filter."""

    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, email, phone or organisation",
                "autocomplete": "off",
                "maxlength": QUERY_MAX,
            }
        ),
    )
    group = forms.ChoiceField(label="Group", required=False, choices=[("", "All groups"), *CustomerGroup.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-sm-7 col-lg-6"), Column("group", css_class="col-sm-5 col-lg-3"))
        )
        # Any text is a valid search: the selector drops what cannot be searched for (NUL and the like).
        self.fields["q"].validators = []

    def values(self) -> tuple[str, str]:
        """Return the search text and the group to filter by; an unknown group counts as no filter."""
        self.is_valid()
        return clean_query(self.cleaned_data.get("q")), self.cleaned_data.get("group") or ""
