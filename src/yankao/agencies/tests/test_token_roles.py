"""The API token check brings the user's roles in the same statement: the same roles as a
second query would read, none for a user without roles, and a removed role counts at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from yankao.agencies.authentication import TokenAuthentication
from yankao.agencies.models import Role, RoleCode

pytestmark = pytest.mark.django_db


def authenticate(user: Any) -> Any:
    key = Token.objects.get_or_create(user=user)[0].key
    with CaptureQueriesContext(connection) as seen:
        found, _token = TokenAuthentication().authenticate_credentials(key)
        codes = found.role_codes
        agency = found.agency.code
    assert len(seen.captured_queries) == 1 and agency == user.agency.code
    return codes


def test_roles_come_with_the_token(make_user: Any) -> None:
    officer = make_user("two.roles", RoleCode.AGENCY_CASE_OFFICER)
    officer.roles.add(Role.objects.get_or_create(code=RoleCode.AGENCY_SUPERVISOR)[0])
    assert authenticate(officer) == frozenset(
        {RoleCode.AGENCY_CASE_OFFICER, RoleCode.AGENCY_SUPERVISOR}
    )
    assert authenticate(make_user("no.roles", None)) == frozenset()
    officer.roles.remove(Role.objects.get(code=RoleCode.AGENCY_SUPERVISOR))
    assert authenticate(officer) == frozenset({RoleCode.AGENCY_CASE_OFFICER})


def test_a_wrong_token_or_inactive_user_is_refused(make_user: Any) -> None:
    user = make_user("gone", RoleCode.HOTLINE_OPERATOR, is_active=False)
    key = Token.objects.create(user=user).key
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(key)
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials("nope")


def test_the_user_and_agency_read_back_as_the_orm_reads_them(make_user: Any) -> None:
    from django.forms.models import model_to_dict

    from yankao.agencies.models import Agency, User

    officer = make_user("typed", RoleCode.AGENCY_CASE_OFFICER, "road", is_staff=True)
    key = Token.objects.create(user=officer).key
    found, token = TokenAuthentication().authenticate_credentials(key)
    fields = [f.name for f in User._meta.concrete_fields]
    assert model_to_dict(found, fields=fields) == model_to_dict(
        User.objects.get(pk=officer.pk), fields=fields
    )
    assert found.is_staff is True and found.date_joined.tzinfo is not None
    agency_fields = [f.name for f in Agency._meta.concrete_fields]
    assert model_to_dict(found.agency, fields=agency_fields) == model_to_dict(
        Agency.objects.get(pk=officer.agency_id), fields=agency_fields
    )
    assert token.key == key and token.user is found and token.created.tzinfo is not None
    nobody = make_user("no.agency", RoleCode.VIEWER)
    nobody.agency = None
    nobody.save()
    found, _token = TokenAuthentication().authenticate_credentials(
        Token.objects.create(user=nobody).key
    )
    assert found.agency is None and found.role_codes == frozenset({RoleCode.VIEWER})
