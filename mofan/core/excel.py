"""Excel in and out (DESIGN.md mechanism 4).

Export: any rows to an .xlsx with Chinese headers that opens cleanly in WPS and Excel.
Import: template download, a dry run that reports every bad row (row, column, reason),
then an all-or-nothing commit.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def xlsx_bytes(sheet_title: str, headers, rows, *, title: str = "") -> bytes:
    """One sheet: optional merged title line, bold frozen header, sensible column widths."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    start = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        start = 2
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for col, header in enumerate(headers, 1):
        cell = ws.cell(row=start, column=col, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for r, row in enumerate(rows, start + 1):
        for col, value in enumerate(row, 1):
            ws.cell(row=r, column=col, value=value)
            if value is not None:
                widths[col - 1] = max(widths[col - 1], min(60, _display_width(value)))
            if isinstance(value, dt.date):
                ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width + 2
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _display_width(value) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return sum(2 if ord(ch) > 127 else 1 for ch in text)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    # RFC 6266 filename* so WPS and browsers keep the Chinese name.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# ---------------------------------------------------------------- import


class CellError(Exception):
    def __init__(self, reason, column=None):
        super().__init__(reason)
        self.reason = reason
        self.column = column


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Column:
    header: str
    field: str
    required: bool = False
    example: str = ""
    # Turns the cell into the model value; raises CellError with a Chinese reason.
    parse: object = None


@dataclass
class ImportResult:
    objects: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self):
        return not self.errors and self.rows_read > 0


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not m:
        raise CellError(f"“{text}”不是日期，请写成 2025-03-01 或 2025年3月1日")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise CellError(f"“{text}”不是有效日期") from exc


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Importer:
    """Reads an .xlsx whose first row names the columns, one record per row.

    Subclasses declare ``model`` and ``columns``; ``prepare`` may set scoped fields.
    Cells are parsed by the column's ``parse`` or by the model field's type:
    choices by their Chinese label, foreign keys by name or code within the user's scope.
    """

    model = None
    columns: list[Column] = []
    title = ""

    def __init__(self, user):
        self.user = user

    # --- template
    def template_bytes(self) -> bytes:
        headers = [c.header + ("*" if c.required else "") for c in self.columns]
        return xlsx_bytes("导入模板", headers, [[c.example for c in self.columns]])

    # --- parsing
    def related_queryset(self, model_field):
        rel = model_field.related_model
        manager = rel._default_manager
        return manager.visible_to(self.user) if hasattr(manager, "visible_to") else manager.all()

    def lookup_related(self, model_field, text):
        qs = self.related_queryset(model_field)
        keys = [f for f in ("code", "name", "username") if _has_field(qs.model, f)]
        for key in keys:
            found = list(qs.filter(**{key: text})[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise CellError(f"“{text}”对应多条记录，请改用代码")
        raise CellError(f"找不到“{text}”（或不在您的管理范围内）")

    def parse_cell(self, column: Column, value):
        if column.parse:
            return column.parse(value)
        model_field = self.model._meta.get_field(column.field)
        if isinstance(model_field, models.DateField):
            return parse_date(value)
        text = _text(value)
        if text == "":
            return None
        if model_field.choices:
            by_label = {str(label): key for key, label in model_field.flatchoices}
            if text in by_label:
                return by_label[text]
            if text in dict(model_field.flatchoices):
                return text
            raise CellError(f"“{text}”不是可选值（可选：{'、'.join(by_label)}）")
        if isinstance(model_field, models.ForeignKey):
            return self.lookup_related(model_field, text)
        if isinstance(model_field, models.IntegerField):
            try:
                return int(float(text))
            except ValueError as exc:
                raise CellError(f"“{text}”不是整数") from exc
        if isinstance(model_field, models.DecimalField | models.FloatField):
            try:
                return float(text)
            except ValueError as exc:
                raise CellError(f"“{text}”不是数字") from exc
        return text

    def prepare(self, obj):
        """Hook: fill fields the sheet does not carry and check scope."""

    def read(self, fileobj) -> ImportResult:
        result = ImportResult()
        try:
            wb = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a non-xlsx file
            result.errors.append(RowError(0, "", "文件不是有效的 Excel（.xlsx）文件"))
            return result
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None) or ()
        headers = [_text(h).rstrip("*").strip() for h in header_row]
        positions = {}
        for column in self.columns:
            if column.header in headers:
                positions[column.header] = headers.index(column.header)
            elif column.required:
                result.errors.append(RowError(1, column.header, "缺少此列"))
        if result.errors:
            return result
        for number, values in enumerate(rows, start=2):
            if values is None or all(_text(v) == "" for v in values):
                continue
            result.rows_read += 1
            obj, errors = self.build(number, values, positions)
            result.errors.extend(errors)
            if not errors:
                result.objects.append(obj)
        wb.close()
        if result.rows_read == 0 and not result.errors:
            result.errors.append(RowError(0, "", "文件中没有数据行"))
        return result

    def build(self, number, values, positions):
        """One row → an unsaved object, or every problem of the row (not just the first)."""
        errors, data, bad_fields = [], {}, set()
        for column in self.columns:
            pos = positions.get(column.header)
            raw = values[pos] if pos is not None and pos < len(values) else None
            try:
                value = self.parse_cell(column, raw)
            except CellError as exc:
                errors.append(RowError(number, column.header, exc.reason))
                bad_fields.add(column.field)
                continue
            if value in (None, "") and column.required:
                errors.append(RowError(number, column.header, "必填"))
                bad_fields.add(column.field)
                continue
            if value is not None:
                data[column.field] = value
        obj = self.model(**data)
        try:
            if not errors:
                self.prepare(obj)
            # Model validation still runs on the cells that parsed, so a row reports at once.
            obj.full_clean(exclude=bad_fields or None)
        except CellError as exc:
            errors.append(RowError(number, exc.column or "", exc.reason))
        except ValidationError as exc:
            headers = {c.field: c.header for c in self.columns}
            for fname, messages in exc.message_dict.items():
                for message in messages:
                    errors.append(RowError(number, headers.get(fname, ""), message))
        return (None, errors) if errors else (obj, [])

    def save_object(self, obj):
        obj.save()

    def commit(self, fileobj) -> ImportResult:
        """All or nothing: any bad row, or any row the database refuses, saves nothing."""
        from mofan.audit.services import record

        result = self.read(fileobj)
        if not result.ok:
            return result
        try:
            with transaction.atomic():
                for obj in result.objects:
                    self.save_object(obj)
                record(
                    "import",
                    object_type=self.model._meta.label_lower,
                    label=f"导入{self.model._meta.verbose_name} {len(result.objects)} 条",
                    after={"count": len(result.objects), "ids": [o.pk for o in result.objects]},
                )
        except IntegrityError:
            result.objects = []
            result.errors.append(
                RowError(0, "", "与已有记录重复（如工号、代码），已全部撤销，未导入任何一行")
            )
        return result


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True
