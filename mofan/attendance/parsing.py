"""Reading work-app attendance exports into plain records.

Real exports are messy (specs/attendance.md): .xlsx / .xls / .csv in UTF-8 (with or
without BOM) or GBK / GB18030; title rows before the header; one- or two-row merged
headers; two shapes — raw punches (one row per punch) and DingTalk 每日统计 (one row per
person-day with 上班1…下班3 打卡时间). Cells are read with python-calamine (xlsx, xls) or
the csv module; this module only finds the header, maps the columns and parses values.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# field -> header aliases (compared after removing blanks and case)
ALIASES = {
    "name": ("姓名", "员工姓名", "人员姓名", "名字", "成员"),
    "staff_no": ("工号", "员工工号", "人员编号", "员工编号", "职工号"),
    "user_id": ("userid", "用户id", "钉钉id", "员工userid", "账号id", "人员id"),
    "dept": ("部门", "所属部门", "部门名称", "单位", "科室", "所在部门"),
    "at": ("打卡时间", "打卡日期时间", "签到时间", "考勤时间", "刷卡时间"),
    "date": ("日期", "考勤日期", "打卡日期", "工作日"),
    "time": ("时间", "打卡时刻"),
    "approval": ("关联的审批单", "审批单", "关联审批单"),
    "shift": ("班次",),
}
FIELD_LABELS = {"name": "姓名", "staff_no": "工号", "user_id": "UserId", "dept": "部门",
                "at": "打卡时间", "date": "日期", "time": "时间", "approval": "关联的审批单",
                "shift": "班次"}
_SLOT = re.compile(r"^(上班|下班)([123])打卡时间$")
_BLANK = re.compile(r"[\s\u3000]+")
HEADER_SEARCH_ROWS = 20
MAX_ROWS = 500_000


class FileError(ValueError):
    """The file as a whole cannot be read; the message is shown as is."""


def norm(text) -> str:
    return _BLANK.sub("", str(text or "")).lower()


@dataclass
class Record:
    row: int  # 1-based row number in the file, as Excel shows it
    name: str = ""
    staff_no: str = ""
    user_id: str = ""
    dept: str = ""
    date: dt.date | None = None
    times: list = field(default_factory=list)  # naive local datetimes
    approval: str = ""
    error: str = ""


@dataclass
class Sheet:
    shape: str  # "punches" or "daily"
    columns: dict  # field -> column index (slots: "上班1" … "下班3")
    header_row: int
    records: list


# ------------------------------------------------------------------ reading cells


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件")


Progress = Callable[[float], None]
PROGRESS_EVERY = 2000  # rows between two progress reports


def read_rows(data: bytes, filename: str, progress: Progress | None = None) -> list[list]:
    """All rows of the first sheet (or the CSV) as lists of Python values. ``progress``
    is told the share of the sheet read so far (0…1) every few thousand rows."""
    ext = Path(filename).suffix.lower()
    if ext == ".csv":
        text = _decode(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        if progress:
            progress(1.0)
        return rows
    if ext not in (".xlsx", ".xls", ".xlsm"):
        raise FileError("只支持 .xlsx、.xls 和 .csv 文件")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        # Row by row (leading empty rows kept, so row numbers are Excel's).
        total, rows = max(sheet.total_height, sheet.height, 1), []
        if total > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise FileError(f"文件超过 {MAX_ROWS} 行，请按月拆分后导入")
        for row in sheet.iter_rows():
            rows.append(row)
            if progress and len(rows) % PROGRESS_EVERY == 0:
                progress(min(len(rows) / total, 1.0))
        return rows
    except FileError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileError(f"无法读取 Excel 文件：文件已损坏或不是 {ext} 格式") from exc


# ------------------------------------------------------------------ header


def _field_of(header: str, mapping: dict) -> str | None:
    key = norm(header)
    if not key:
        return None
    saved = {norm(k): v for k, v in mapping.items()}
    if key in saved:
        return saved[key] or None
    if m := _SLOT.match(key):
        return f"{m.group(1)}{m.group(2)}"
    for fieldname, aliases in ALIASES.items():
        if key in aliases:
            return fieldname
    return None


def _merge_two_rows(top: list, below: list) -> list[str]:
    """A two-row merged header (上班1 over 打卡时间 | 打卡结果): carry the merged top label
    to the right and join it with the label below."""
    merged, carry = [], ""
    for i in range(max(len(top), len(below))):
        t = norm(top[i]) if i < len(top) else ""
        b = norm(below[i]) if i < len(below) else ""
        if t:
            carry = t
        merged.append(f"{carry}{b}" if b and (t or carry) else (t or b))
    return merged


def find_header(rows: list[list], mapping: dict) -> tuple[int, dict]:
    """The header row index (0-based) and {field: column}; a two-row merged header
    returns the second row's index."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cols = _columns(row, mapping)
        if "name" not in cols and "staff_no" not in cols and "user_id" not in cols:
            continue
        below = rows[i + 1] if i + 1 < len(rows) else []
        if any(norm(c) in ("打卡时间", "打卡结果") for c in below):
            merged = _columns(_merge_two_rows(row, below), mapping)
            return i + 1, merged
        if "at" in cols or "date" in cols or any(k[:2] in ("上班", "下班") for k in cols):
            return i, cols
    raise FileError("没有找到表头：前 20 行中应有“姓名”（或工号、UserId）以及“打卡时间”或“日期”列")


def _columns(row, mapping) -> dict:
    cols = {}
    for i, cell in enumerate(row):
        f = _field_of(cell, mapping)
        if f and f not in cols:
            cols[f] = i
    return cols


# ------------------------------------------------------------------ values

_DATE = re.compile(r"^(\d{2}|\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
_EMPTY = {"", "-", "--", "—", "未打卡", "缺卡", "无", "0"}


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"日期“{text}”无法识别")
    y = int(m.group(1))
    y = y + 2000 if y < 100 else y
    return dt.date(y, int(m.group(2)), int(m.group(3)))


def parse_time(value) -> dt.time | None:
    """A time of day, or None for a blank / 未打卡 cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        secs = int(value.total_seconds())
        return dt.time(secs // 3600 % 24, secs // 60 % 60)
    if isinstance(value, float) and 0 < value < 1:  # an Excel time serial
        m = round(value * 24 * 60)
        return dt.time(m // 60 % 24, m % 60)
    text = str(value).strip()
    if text in _EMPTY:
        return None
    m = _TIME.search(text)
    if not m:
        raise ValueError(f"时间“{text}”无法识别")
    return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def parse_datetime(value, day=None) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    text = str(value or "").strip()
    if not text or text in _EMPTY:
        return None
    if len(text) >= 16 and text[4] == "-" and text[10] in " T":
        # The common "2025-11-03 08:12:45": the C parser, ten times the regexes' speed.
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if at.tzinfo is None:
                return at
    if _DATE.match(text):
        d = parse_date(text)
        rest = _DATE.sub("", text)
        t = parse_time(rest) if _TIME.search(rest) else None
        if t is None:
            raise ValueError(f"打卡时间“{text}”缺少时刻")
        return dt.datetime.combine(d, t)
    t = parse_time(value)
    if t is None:
        return None
    if day is None:
        raise ValueError(f"打卡时间“{text}”缺少日期")
    return dt.datetime.combine(day, t)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ------------------------------------------------------------------ records


def parse(data: bytes, filename: str, mapping: dict | None = None,
          progress: Progress | None = None) -> Sheet:
    """The file's records. ``progress`` (0…1) moves as rows are read (the first half)
    and as they are parsed (the second)."""
    rows = read_rows(data, filename, progress and (lambda share: progress(share / 2)))
    if len(rows) > MAX_ROWS:
        raise FileError(f"文件超过 {MAX_ROWS} 行，请按月拆分后导入")
    header, cols = find_header(rows, mapping or {})
    slots = sorted(k for k in cols if k[:2] in ("上班", "下班"))
    shape = "daily" if slots else "punches"
    if shape == "punches" and "at" not in cols and not {"date", "time"} <= cols.keys():
        raise FileError("没有找到“打卡时间”列（或在列对应中指定）")
    if shape == "daily" and "date" not in cols:
        raise FileError("每日统计表没有找到“日期”列")
    records = list(_records(rows, header, cols, shape, slots, progress))
    return Sheet(shape, cols, header + 1, records)


def _records(rows, header, cols, shape, slots, progress=None) -> Iterator[Record]:
    def cell(row, f):
        i = cols.get(f)
        return row[i] if i is not None and i < len(row) else None

    total = max(len(rows), 1)
    for index in range(header + 1, len(rows)):
        if progress and index % PROGRESS_EVERY == 0:
            progress(0.5 + index / total / 2)
        row = rows[index]
        if not any(_text(c) for c in row):
            continue
        rec = Record(row=index + 1, name=_text(cell(row, "name")),
                     staff_no=_text(cell(row, "staff_no")), user_id=_text(cell(row, "user_id")),
                     dept=_text(cell(row, "dept")), approval=_text(cell(row, "approval")))
        try:
            day = parse_date(cell(row, "date")) if cell(row, "date") not in (None, "") else None
            if shape == "punches":
                value = cell(row, "at")
                if value in (None, "") and "time" in cols:
                    value = cell(row, "time")
                at = parse_datetime(value, day)
                if at is None:
                    raise ValueError("打卡时间为空")
                rec.date, rec.times = at.date(), [at]
            else:
                if day is None:
                    raise ValueError("日期为空")
                rec.date = day
                for slot in slots:
                    t = parse_time(cell(row, slot))
                    if t is not None:
                        rec.times.append(dt.datetime.combine(day, t))
        except ValueError as exc:
            rec.error = str(exc)
        if not rec.error and not (rec.name or rec.staff_no or rec.user_id):
            rec.error = "姓名、工号、UserId 均为空"
        yield rec
