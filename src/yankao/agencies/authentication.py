"""API token authentication that loads the token, its user, the user's agency and role codes in
one statement: every API call checks roles, so this is paid on each request.

The statement is written once per database from the models' metadata (a row per role, so it is
the same SQL on SQLite and PostgreSQL); building it through the ORM cost ≈1 ms a request.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

from yankao.core.db import prepared

from .models import Agency, Role, User

Statement = tuple[str, list[str], list[str], list[str], list[tuple[int, Any, list[Any]]]]
_statements: dict[str, Statement] = {}


def _statement(model: Any, alias: str) -> Statement:
    found = _statements.get(alias)
    if found is not None:
        return found
    connection = connections[alias]
    quote = connection.ops.quote_name
    token_cols = [f.column for f in model._meta.concrete_fields]
    user_cols = [f.column for f in User._meta.concrete_fields]
    agency_cols = [f.column for f in Agency._meta.concrete_fields]
    through = User.roles.through._meta
    user_fk = User.roles.field.m2m_column_name()
    role_fk = User.roles.field.m2m_reverse_name()
    columns = (
        [f"t.{quote(c)}" for c in token_cols]
        + [f"u.{quote(c)}" for c in user_cols]
        + [f"a.{quote(c)}" for c in agency_cols]
        + [f"r.{quote(Role._meta.get_field('code').column)}"]
    )
    user_pk = quote(User._meta.pk.column)
    # Table and column names from the models' metadata, quoted; the key goes as a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t"  # noqa: S608
        f" JOIN {quote(User._meta.db_table)} u"
        f" ON u.{user_pk} = t.{quote(model._meta.get_field('user').column)}"
        f" LEFT JOIN {quote(Agency._meta.db_table)} a"
        f" ON a.{quote(Agency._meta.pk.column)} = u.{quote(User._meta.get_field('agency').column)}"
        f" LEFT JOIN {quote(through.db_table)} ur ON ur.{quote(user_fk)} = u.{user_pk}"
        f" LEFT JOIN {quote(Role._meta.db_table)} r"
        f" ON r.{quote(Role._meta.pk.column)} = ur.{quote(role_fk)}"
        f" WHERE t.{quote(model._meta.pk.column)} = %s"
    )
    # Values as the ORM would read them (booleans and times on SQLite, for one).
    fields = [
        *model._meta.concrete_fields,
        *User._meta.concrete_fields,
        *Agency._meta.concrete_fields,
    ]
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        found_here = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found_here:
            converters.append((index, column, found_here))
    found = (
        sql,
        [f.attname for f in model._meta.concrete_fields],
        [f.attname for f in User._meta.concrete_fields],
        [f.attname for f in Agency._meta.concrete_fields],
        converters,
    )
    _statements[alias] = found
    return found


class TokenAuthentication(DrfTokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql, token_names, user_names, agency_names, converters = _statement(model, alias)
        with prepared(alias), connection.cursor() as cursor:
            cursor.execute(sql, [key])
            rows = cursor.fetchall()
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        first = rows[0]
        values = list(first)
        for index, column, found in converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        n_token, n_user = len(token_names), len(user_names)
        token = model.from_db(alias, token_names, values[:n_token])
        user = User.from_db(alias, user_names, values[n_token : n_token + n_user])
        agency_values = values[n_token + n_user : -1]
        if user.agency_id is not None:
            user.agency = Agency.from_db(alias, agency_names, agency_values)
        else:
            user.agency = None
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # What User.role_codes would read in a second query.
        user._role_codes = frozenset(row[-1] for row in rows if row[-1] is not None)
        return user, token
