"""Create the two roles' groups with the permissions every app contributes to them.

Each installed app may declare `role_permissions` on its `AppConfig`: a mapping from a role
(`accounts.roles.FRONT_LINE`, `MANAGERS`) to codenames of that app's own permissions. The
declarations are read from the live app registry; the permissions and groups are read and written
through the `apps` registry passed in, so a data migration can pass its historical models.

Called by data migrations (recovery 0002, 0007, 0014 so far) and, because `live_server` /
`transaction=True` tests flush the database, again from tests. Idempotent. An app that adds
permissions to a role adds a data migration calling `ensure_roles`, as recovery's did.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import ROLES


def declared_permissions() -> dict[str, list[tuple[str, str]]]:
    """Return, for each role, the (app label, codename) pairs the installed apps give it."""
    from django.apps import apps as live_apps

    wanted: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    for app_config in live_apps.get_app_configs():
        declared: dict[str, tuple[str, ...]] = getattr(app_config, "role_permissions", {})
        for role, codenames in declared.items():
            if role not in wanted:
                raise ValueError(f"{app_config.label}: no role called {role!r}; the roles are {', '.join(ROLES)}.")
            wanted[role].extend((app_config.label, codename) for codename in codenames)
    return wanted


def ensure_permissions(apps: Any) -> None:
    """Create the models' permissions now (Django otherwise adds them only after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips
        # those; restore the original so the live registry is left as it was.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original


def ensure_roles(apps: Any) -> None:
    """Create the Front line and Managers groups, or set their permissions back to what the apps declare.

    The two roles are defined by the apps; an organisation that wants to grant more makes a group of its own.
    """
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in declared_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
            if _model_exists(apps, app_label, codename)
        ]
        group.permissions.set(permissions)


def _model_exists(apps: Any, app_label: str, codename: str) -> bool:
    """Return False for a permission whose model a migration has not created yet.

    An early migration runs this with the historical registry of its time; a later migration
    calls `ensure_roles` again once the model exists. A custom permission (`publish_policy`) belongs
    to one of its app's models: before the app's first migration it has none, and on a fresh database
    the apps' migrations may run in any order between them.
    """
    action, _, model_name = codename.partition("_")
    try:
        if action not in ("add", "change", "delete", "view"):
            return any(True for _ in apps.get_app_config(app_label).get_models())
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
