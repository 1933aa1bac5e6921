"""Who is acting and from where, set once per request so services need not pass it around."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    user_name: str = ""
    ip: str | None = None


SYSTEM = Actor(user_name="系统")
# Actor is a frozen dataclass, so sharing one default instance is safe.
current_actor: ContextVar[Actor] = ContextVar("current_actor", default=SYSTEM)  # noqa: B039


def actor_for(user, ip=None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(ip=ip, user_name="匿名")
    return Actor(user_id=user.pk, user_name=f"{user.display_name}（{user.username}）", ip=ip)
