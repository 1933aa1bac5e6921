"""A duplicate key, read as a sentence for people (issue 13, item 7).

Django words a violated conditional unique constraint as ``约束 “person_unique_staff_no_per_org”
是无效的`` and the database as an IntegrityError naming a constraint or columns. Both are
mapped here, in one place, to a sentence built from the model's own verbose names:
``同一所在单位/股室中已有工号相同的人员``.
"""

import re

from django.apps import apps
from django.db import models

GENERIC = "与已有记录重复（如工号、代码、名称），请修改后再保存"


def _label(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def sentence(model, fields) -> str:
    """同一<scope>中已有<fields>相同的<model>, the scope being a leading foreign key."""
    fields = list(fields)
    noun = str(model._meta.verbose_name)
    scope = ""
    if len(fields) > 1:
        try:
            first = model._meta.get_field(fields[0])
        except Exception:
            first = None
        if isinstance(first, models.ForeignKey):
            scope = f"同一{_label(model, fields[0])}中"
            fields = fields[1:]
    what = "、".join(_label(model, f) for f in fields)
    return f"{scope}已有{what}相同的{noun}"


def _unique_keys():
    """(model, constraint or None, fields) for every unique key of every model."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                yield model, constraint, list(constraint.fields)
        for together in model._meta.unique_together:
            yield model, None, list(together)
        for f in model._meta.local_fields:
            if f.unique and not f.primary_key:
                yield model, None, [f.name]


def word_unique_constraints() -> None:
    """Give every named unique constraint (that has no message of its own) the sentence as
    its validation message, so forms and imports say it too. Set on the instance's method,
    not ``violation_error_message``, so migrations do not see a change."""
    for model, constraint, fields in _unique_keys():
        if constraint is not None and (constraint.violation_error_message
                                       == constraint.default_violation_error_message):
            text = sentence(model, fields)
            constraint.get_violation_error_message = lambda text=text: text


def integrity_message(exc) -> str:
    """The sentence for an IntegrityError from a unique key (PostgreSQL names the
    constraint or index; SQLite lists table.column), or a general one."""
    text = str(exc)
    columns = None
    if m := re.search(r"UNIQUE constraint failed: ([\w.,\s]+)", text):
        columns = sorted(c.strip() for c in m[1].split(","))
    for model, constraint, fields in _unique_keys():
        if constraint is not None and f'"{constraint.name}"' in text:
            return sentence(model, fields)
        table = model._meta.db_table
        mine = sorted(f"{table}.{model._meta.get_field(f).column}" for f in fields)
        if columns and mine == columns:
            return sentence(model, fields)
        # PostgreSQL names a unique field's index <table>_<column>_key
        if len(fields) == 1 and constraint is None and (
                f'"{table}_{model._meta.get_field(fields[0]).column}_key"' in text):
            return sentence(model, fields)
    return GENERIC
