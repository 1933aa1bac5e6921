"""The chain's head, anchored outside the table.

Each anchor is one line appended to ``settings.MOFAN_AUDIT_ANCHOR_FILE``::

    2026-11-27T18:50:51+08:00<TAB>command<TAB>1234<TAB><hash of row 1234><TAB><mac>

``mac`` is the HMAC (audit key) of the line's fields and of the previous line's mac, so
a line cannot be altered, and a line cannot be removed from the middle, without the
key. ``verify_audit`` compares the table with every anchor since the last restore: an
anchored row that is gone from the end is a cut tail, an anchored row whose hash differs
was rewritten. The file is only ever appended to; the auditor also prints the latest
anchors from the audit page, so even a removed file (or a removed last line) shows up
against paper.
"""

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import GENESIS, audit_key, mac

KINDS = {
    "command": "定时/命令",
    "page": "审计员查看",
    "purge": "清理后",
    "restore": "恢复备份后",
}
_DOMAIN = "mofan-audit-anchor"


@dataclass(frozen=True)
class Anchor:
    lineno: int
    at: str
    kind: str
    last_id: int
    hash: str
    mac: str
    intact: bool  # the line's mac verifies (given the line before it)

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def line(self):
        return "\t".join([self.at, self.kind, str(self.last_id), self.hash, self.mac])


def anchor_path() -> Path:
    return Path(settings.MOFAN_AUDIT_ANCHOR_FILE)


def _mac(prev_mac, at, kind, last_id, hash_, key=None):
    return mac("\t".join([_DOMAIN, prev_mac, at, kind, str(last_id), hash_]), key)


def parse(text: str, key: bytes | None = None) -> list[Anchor]:
    key = key if key is not None else audit_key()
    anchors, prev_mac = [], ""
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) == 5 and fields[2].isdigit():
            at, kind, last_id, hash_, line_mac = fields
            intact = _mac(prev_mac, at, kind, last_id, hash_, key) == line_mac
            anchors.append(Anchor(lineno, at, kind, int(last_id), hash_, line_mac, intact))
        else:
            line_mac = fields[-1]
            anchors.append(Anchor(lineno, "", "", 0, "", line_mac, False))
        prev_mac = line_mac
    return anchors


def read_anchors(path: Path | None = None) -> list[Anchor]:
    path = path or anchor_path()
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []


def _head():
    from .models import AuditLog

    head = AuditLog.objects.order_by("-id").values_list("id", "hash").first()
    return head or (0, GENESIS)


def write_anchor(kind: str, *, only_if_changed=False) -> Anchor | None:
    """Append the current head (last id + hash) to the anchors file.

    ``only_if_changed`` skips the line when the newest anchor already holds this head
    (the audit page anchors on every visit; an unchanged head needs no new line).
    """
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8", newline="") as f:
        # One writer at a time (web workers, cron), so each line chains to the last one.
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            last = _last_line(f)
            prev_mac = last.split("\t")[-1] if last else ""
            last_id, hash_ = _head()
            if only_if_changed and last:
                fields = last.split("\t")
                if len(fields) == 5 and fields[2] == str(last_id) and fields[3] == hash_:
                    return None
            at = timezone.localtime().isoformat(timespec="seconds")
            line_mac = _mac(prev_mac, at, kind, last_id, hash_)
            f.seek(0, os.SEEK_END)
            f.write("\t".join([at, kind, str(last_id), hash_, line_mac]) + "\n")
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    return Anchor(0, at, kind, last_id, hash_, line_mac, True)


def _last_line(f) -> str:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if not size:
        return ""
    f.seek(0)
    # Anchors are ~150 bytes a line; reading the tail would need byte offsets in a text
    # file, and a year of daily lines plus page visits is still well under a megabyte.
    lines = [line for line in f.read().split("\n") if line]
    return lines[-1] if lines else ""


def current_anchors(anchors: list[Anchor]) -> list[Anchor]:
    """Anchors that describe the table as it is now: those since the last restore (a
    restore legitimately rolls the table back to the backup and says so in its row)."""
    start = 0
    for i, anchor in enumerate(anchors):
        if anchor.kind == "restore" and anchor.intact:
            start = i
    return anchors[start:]
