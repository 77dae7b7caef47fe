"""The starter set of training modules, from training/starter_content.py.

Run by data migration training/0002 with its historical models, and again by tests whose database
was flushed (`transaction=True`, `live_server`). Idempotent: a module whose slug exists is left as it
is (a manager may have edited it since). The content is checked first (`content.starter_drafts`): a
malformed starter file stops with the reason, rather than loading half a module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from training.content import starter_drafts, version_fields, write_content


def ensure_starter_modules(apps: Any, modules: Sequence[Any] | None = None) -> int:
    """Create the starter modules that do not exist yet; return how many were created."""
    if modules is None:
        from training.starter_content import MODULES

        modules = MODULES
    drafts = starter_drafts(modules)
    TrainingModule = apps.get_model("training", "TrainingModule")
    ModuleVersion = apps.get_model("training", "ModuleVersion")
    models = {
        "section_model": apps.get_model("training", "Section"),
        "question_model": apps.get_model("training", "Question"),
        "choice_model": apps.get_model("training", "Choice"),
    }
    created = 0
    for slug, draft in drafts:
        if TrainingModule.objects.filter(slug=slug).exists():
            continue
        module = TrainingModule.objects.create(slug=slug)
        version = ModuleVersion.objects.create(module=module, number=1, **version_fields(draft))
        write_content(draft, version=version, **models)
        module.current_version = version
        module.save(update_fields=["current_version"])
        created += 1
    return created
