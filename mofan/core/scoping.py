"""Org scoping: the only way views fetch domain rows.

Every domain model declares a ``Scope`` naming the path to its ``Org`` and, optionally,
the person fields that make a row "mine". ``visible_to`` / ``editable_by`` turn the
user's role and org into one ``Q``; a row outside it is a 404, never a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

# Roles (DESIGN.md "Who uses it"); 三员分立 is enforced by a user holding exactly one.
COMMITTEE = "committee"
ORG_ADMIN = "org_admin"
HEAD = "head"
MEMBER = "member"
SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITOR = "auditor"
ROLE_CHOICES = [
    (COMMITTEE, "工委管理员"),
    (ORG_ADMIN, "单位管理员"),
    (HEAD, "负责人"),
    (MEMBER, "干部/党员"),
    (SYSADMIN, "系统管理员"),
    (SECADMIN, "安全管理员"),
    (AUDITOR, "审计员"),
]
ROLE_LABELS = dict(ROLE_CHOICES)
DOMAIN_ROLES = {COMMITTEE, ORG_ADMIN, HEAD, MEMBER}
WRITER_ROLES = {COMMITTEE, ORG_ADMIN, HEAD}
ADMIN_ROLES = {COMMITTEE, ORG_ADMIN, SYSADMIN, SECADMIN, AUDITOR}  # TOTP applies to these
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    org: str = "org"  # lookup path to the Org FK; "" when the model is Org itself
    people: tuple[str, ...] = ()  # Person FKs that make a row the user's own
    self_edit: bool = False  # may a member edit rows that are theirs?
    committee_edits: bool = False  # may the 机关工委 edit rows of the organs under it?
    # Does everyone in an organ read these rows (its rules, its scenic areas), whatever
    # section they sit in? Editing stays with the organ's administrators.
    organ_reads: bool = False

    def _org_prefix(self) -> str:
        return f"{self.org}__" if self.org else ""

    def subtree(self, org) -> Q:
        return Q(**{f"{self._org_prefix()}path__startswith": org.path})

    def exactly(self, org) -> Q:
        return Q(**{f"{self.org}" if self.org else "pk": org.pk})

    def mine(self, user) -> Q:
        if not self.people or not user.person_id:
            return NOTHING
        q = NOTHING
        for field in self.people:
            q |= Q(**{field: user.person_id})
        return q

    def view_q(self, user) -> Q:
        if not user.is_authenticated or not user.is_active or user.org_id is None:
            return NOTHING
        shared = NOTHING
        if self.organ_reads and user.role in (HEAD, MEMBER) and user.org.organ_id:
            shared = Q(**{f"{self._org_prefix()}organ_id": user.org.organ_id})
        if user.role in (COMMITTEE, ORG_ADMIN, HEAD):
            return self.subtree(user.org) | self.mine(user) | shared
        if user.role == MEMBER:
            return self.mine(user) | shared
        return NOTHING

    def edit_q(self, user) -> Q:
        if not user.is_authenticated or not user.is_active or user.org_id is None:
            return NOTHING
        if user.role == COMMITTEE:
            return self.subtree(user.org) if self.committee_edits else self.exactly(user.org)
        if user.role in (ORG_ADMIN, HEAD):
            return self.subtree(user.org) | (self.mine(user) if self.self_edit else NOTHING)
        if user.role == MEMBER and self.self_edit:
            return self.mine(user)
        return NOTHING


class ScopedQuerySet(models.QuerySet):
    def _scope(self) -> Scope:
        return getattr(self.model, "scope", Scope())

    # Scope.people are plain foreign keys, so the filter never duplicates rows.
    def visible_to(self, user):
        return self.filter(self._scope().view_q(user))

    def editable_by(self, user):
        return self.filter(self._scope().edit_q(user))


class ScopedModel(models.Model):
    """Base for rows that belong to an Org."""

    scope = Scope()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def can_edit(self, user) -> bool:
        return type(self).objects.editable_by(user).filter(pk=self.pk).exists()

    def write_refusal(self, user, original) -> str:
        """Hook: a model's own rule for this write ("" when allowed). ``original`` is the
        row as it was before the change (None for a new row)."""
        return ""

    def delete_refusal(self, user) -> str:
        """Hook: a model's own rule for deleting this row ("" when allowed)."""
        return ""


class WriteRefused(PermissionDenied):
    """A write that would leave the actor's editable scope; raised inside the transaction
    so nothing of it is kept."""


def write_refusal(obj, user, original=None) -> str:
    """Why ``user`` may not keep this saved change of ``obj`` ("" when allowed).

    Writes are scoped like reads (specs/security.md): the row before the change was
    fetched through ``editable_by``; this asks the same question of the row after it, so
    no edit can move a row (or an org) out of the actor's scope, and no administrator of
    the 三员 writes business data.
    """
    if not user.is_authenticated or user.role not in WRITER_ROLES | {MEMBER}:
        return "系统管理员、安全管理员、审计员不能新增或修改业务数据"
    if isinstance(obj, ScopedModel):
        if reason := obj.write_refusal(user, original):
            return reason
        if not type(obj).objects.editable_by(user).filter(pk=obj.pk).exists():
            return "保存后的记录将不在您的管理范围内，未保存"
    return ""


def ensure_writable(obj, user, original=None) -> None:
    """Call after saving, inside the write's transaction: refuses (and so rolls back) a
    change that leaves the actor's scope."""
    if reason := write_refusal(obj, user, original):
        raise WriteRefused(reason)
