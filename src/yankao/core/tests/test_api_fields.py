"""`CopiedFieldsMixin` must validate exactly as a plain DRF serializer does, and never let two
requests share a bound field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework import serializers

from yankao.cases.api import IntakeSerializer, PetitionerInSerializer


def plain(cls: type[serializers.Serializer], **extra: Any) -> type[serializers.Serializer]:
    """The same serializer without the mixin."""
    fields = {name: copy.deepcopy(f) for name, f in cls._declared_fields.items()}
    methods = {k: v for k, v in vars(cls).items() if k.startswith("validate")}
    return type(f"Plain{cls.__name__}", (serializers.Serializer,), fields | methods | extra)


PlainPetitioner = plain(PetitionerInSerializer)
PlainIntake = plain(IntakeSerializer, petitioner=PlainPetitioner(required=False))

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 200),
    st.sampled_from(["", " ", "petition", "hotline", "email", "sms", "22.6", "abc", "<b>x</b>"]),
    st.text(max_size=12),
)
petitioner = st.dictionaries(
    st.sampled_from(["name", "phone", "email", "anonymous", "reply_channel", "id_number"]), values
)
payload = st.dictionaries(
    st.sampled_from(
        ["case_type", "channel", "subject", "description", "district", "latitude", "confidential"]
    ),
    values,
).flatmap(lambda d: st.one_of(st.just(d), petitioner.map(lambda p: d | {"petitioner": p})))


@hsettings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=payload)
def test_validates_as_the_plain_serializer(data: dict[str, Any]) -> None:
    fast, slow = IntakeSerializer(data=data), PlainIntake(data=data)
    assert fast.is_valid() == slow.is_valid()
    assert fast.errors == slow.errors
    if not fast.errors:
        assert fast.validated_data == slow.validated_data


@pytest.mark.parametrize("cls", [IntakeSerializer, PetitionerInSerializer])
def test_each_instance_binds_its_own_fields(cls: type[serializers.Serializer]) -> None:
    one, two = cls(data={}), cls(data={})
    for name in one.fields:
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].parent is one and two.fields[name].parent is two
    one.is_valid()
    assert two.is_valid() == one.is_valid() and two.errors == one.errors
