"""factory_boy factories for agencies and people, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory

from .models import Agency, AgencyKind, User
from .services import set_roles


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3979{n:05d}A")
    name_zh = factory.Sequence(lambda n: f"測試機關{n}")
    kind = AgencyKind.FIRST_LEVEL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"測試人員{n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("Correct-horse-9")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            set_roles(self, extracted)
