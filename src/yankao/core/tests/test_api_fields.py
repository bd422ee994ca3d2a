"""`CopiedFieldsMixin` must validate exactly as a plain DRF serializer does, and never let two
requests share a bound field; `plain_validated` answers only where DRF would accept, with
what DRF would return."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework import serializers

from yankao.cases.api import IntakeSerializer, PetitionerInSerializer
from yankao.core.api import plain_validated


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


odd_text = st.sampled_from([" 鳳山區 ", "\t", "  ", "a\x00b", "a\ud800", "x" * 201, "王" * 101])
some_value = st.one_of(values, odd_text, st.sampled_from(["consultation", "mayors_mailbox"]))
VALID = {
    "case_type": "petition",
    "channel": "hotline",
    "description": "光遠路人行道紅磚破損。",
    "petitioner": {"name": "王小明", "phone": "0912345123"},
}
# A valid intake with a few fields changed, added or left out: most are still valid.
wide_payload = st.tuples(
    st.dictionaries(
        st.sampled_from(
            [
                "case_type",
                "channel",
                "subject",
                "description",
                "district",
                "address",
                "answer",
                "latitude",
                "longitude",
                "confidential",
                "unknown",
            ]
        ),
        some_value,
        max_size=3,
    ),
    st.dictionaries(
        st.sampled_from(["name", "phone", "email", "anonymous", "reply_channel", "address"]),
        some_value,
        max_size=3,
    ),
    st.sets(st.sampled_from(["channel", "description", "petitioner"]), max_size=1),
    st.sampled_from([{}, {}, {}, {}, {}, None, [], "王小明"]),
).map(
    lambda t: {
        k: v
        for k, v in (
            VALID | t[0] | {"petitioner": {**VALID["petitioner"], **t[1]} if t[3] == {} else t[3]}
        ).items()
        if k not in t[2]
    }
)


@hsettings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=wide_payload)
def test_plain_validated_answers_only_as_drf_would(data: dict[str, Any]) -> None:
    fast = plain_validated(IntakeSerializer(data=data))
    slow = PlainIntake(data=data)
    if fast is not None:
        assert slow.is_valid(), slow.errors
        assert fast == slow.validated_data


def test_plain_validated_answers_a_plain_intake_and_leaves_the_rest() -> None:
    body = {
        "case_type": "petition",
        "channel": "hotline",
        "description": "  光遠路人行道紅磚破損。 ",
        "district": "鳳山區",
        "petitioner": {"name": "王小明", "phone": "0912345123"},
    }
    slow = PlainIntake(data=body)
    assert slow.is_valid()
    assert plain_validated(IntakeSerializer(data=body)) == slow.validated_data
    assert plain_validated(IntakeSerializer(data={**body, "latitude": "22.6"})) is None
    assert plain_validated(IntakeSerializer(data={**body, "confidential": "true"})) is None
    assert plain_validated(IntakeSerializer(data={**body, "channel": "pigeon"})) is None
    assert plain_validated(IntakeSerializer(data=body, partial=True)) is None
