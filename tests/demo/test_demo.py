from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from urbis.demo import loader


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin", "contenttypes", "auth"}
    }


@pytest.mark.slow
def test_demo_twice_changes_nothing(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--no-serve")
    first = snapshot()
    admin_email, password = loader.admin_credentials()
    call_command("demo", "--no-serve")
    assert snapshot() == first
    assert loader.admin_credentials() == (admin_email, password)
    from urbis.people.models import User

    admin = User.objects.get(email=admin_email)
    assert admin.check_password(password)
    assert first["places.Area"] == 183
