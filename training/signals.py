"""Required modules for people added later, whatever way: every save of a person and every role given.

Both receivers call `services.assign_required`, the one rule. The admin saves a new person first and
gives them their groups after (`m2m_changed`); `seed_demo` and a role change do the same; switching
someone back on is a save.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def user_saved(sender: Any, instance: Any, created: bool, raw: bool, update_fields: Any, **kwargs: Any) -> None:
    if raw:  # loaddata: the fixture brings its own rows
        return
    if update_fields is not None and "is_active" not in update_fields:
        return  # e.g. signing in (last_login): nothing that changes who meets customers
    from training.services import assign_required

    assign_required(instance)


def groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action != "post_add":
        return
    from training.services import assign_required

    if reverse:  # group.user_set.add(...): instance is the group, pk_set the people
        for user in get_user_model().objects.filter(pk__in=pk_set or ()):
            assign_required(user)
    else:
        assign_required(instance)
