"""Categories are never renamed in place: the admin shows the name read-only and supersedes a
category with a new one, keeping the old name as an alias for history and training."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yankao.assistant.models import CategoryAlias
from yankao.cases.models import Category

pytestmark = pytest.mark.django_db


def test_the_admin_supersedes_instead_of_renaming(people: dict[str, Any], categories) -> None:  # type: ignore[no-untyped-def]
    admin = people["admin"]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(admin)
    old = categories["sidewalk"]
    page = client.get(f"/admin/cases/category/{old.pk}/change/")
    assert page.status_code == 200
    assert 'name="name_zh"' not in page.text  # read-only
    url = "/admin/cases/category/"
    form = client.post(url, {"action": "supersede", "_selected_action": [old.pk]})
    assert form.status_code == 200 and "new_code" in form.text
    refused = client.post(
        url,
        {
            "action": "supersede",
            "_selected_action": [old.pk],
            "apply": "1",
            "new_code": old.code,
            "new_name_zh": "人行道損壞",
        },
    )
    assert refused.status_code == 200 and "errornote" in refused.text
    done = client.post(
        url,
        {
            "action": "supersede",
            "_selected_action": [old.pk],
            "apply": "1",
            "new_code": "ROAD-WALK-2",
            "new_name_zh": "人行道損壞",
        },
    )
    assert done.status_code == 302
    old.refresh_from_db()
    new = Category.objects.get(code="ROAD-WALK-2")
    assert not old.active and new.active and new.agency_id == old.agency_id
    assert CategoryAlias.objects.get(name=old.name_zh).category == new
