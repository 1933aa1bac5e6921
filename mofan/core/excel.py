"""Excel in and out (DESIGN.md mechanism 4).

Export: any rows to an .xlsx with Chinese headers that opens cleanly in WPS and Excel.
Import: template download, a dry run that reports every bad row (row, column, reason),
then an all-or-nothing commit.
"""

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mofan.audit.services import record

from .constraints import integrity_message
from .files import download_response, max_unpacked_bytes
from .scoping import WriteRefused, ensure_writable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


# OWASP (CSV / formula injection): text starting with one of these is a formula, or becomes one
# when the cell is edited, in Excel and WPS.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx cannot hold (openpyxl raises IllegalCharacterError on them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD = re.compile(r"[\\/*?:\[\]]")


EMPTY_TEMPLATE = "模板中没有数据：请在“导入模板”工作表第 2 行起填写后再导入（示例见“填写说明”）"


def write_cell(ws, row: int, column: int, value):
    """The one way a value enters an exported sheet (every export and template comes here).

    Text is kept as text: a string starting with ``= + - @``, tab or CR is stored as a
    string cell with Excel's quote prefix (the leading apostrophe Excel and WPS show in the
    edit bar), so it is never a formula, not even after the user edits the cell, and its
    visible text is unchanged. Numbers, including negative ones, stay numbers.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_bytes(sheet_title: str, headers, rows, *, title: str = "") -> bytes:
    """One sheet: optional merged title line, bold frozen header, sensible column widths."""
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET_TITLE_BAD.sub("_", sheet_title)[:31] or "Sheet1"
    start = 1
    if title:
        cell = write_cell(ws, 1, 1, title)
        cell.font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
        cell.alignment = Alignment(horizontal="center")
        start = 2
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for col, header in enumerate(headers, 1):
        cell = write_cell(ws, start, col, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for r, row in enumerate(rows, start + 1):
        for col, value in enumerate(row, 1):
            cell = write_cell(ws, r, col, value)
            if value is not None:
                widths[col - 1] = max(widths[col - 1], min(60, _display_width(value)))
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
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
    return download_response(content, filename, XLSX_TYPE)


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
    # The allowed values offered as the template's dropdown (default: the model field's
    # choices, when the column has no parse of its own).
    choices: list | None = None


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
    _progress = None

    def __init__(self, user):
        self.user = user

    # --- template
    TEMPLATE_ROWS = 1000  # rows of the template that carry the dropdowns

    def choice_labels(self, column: Column) -> list[str]:
        """The values a column allows, as the template's dropdown offers them."""
        if column.choices is not None:
            return [str(c) for c in column.choices]
        if column.parse:
            return []
        try:
            model_field = self.model._meta.get_field(column.field)
        except FieldDoesNotExist:
            return []
        if not getattr(model_field, "choices", None):
            return []
        return [str(label) for key, label in model_field.flatchoices if key != ""]

    def column_hint(self, column: Column) -> str:
        if labels := self.choice_labels(column):
            return "从下拉列表选择：" + "、".join(labels)
        try:
            model_field = self.model._meta.get_field(column.field)
        except FieldDoesNotExist:
            model_field = None
        if column.parse is parse_date or isinstance(model_field, models.DateField):
            return "日期，如 2025-03-01"
        if isinstance(model_field, models.ForeignKey):
            return f"填写{model_field.verbose_name}的名称或代码（须在您的管理范围内）"
        return ""

    def template_bytes(self) -> bytes:
        """Sheet 1 is the form: headers only (an unchanged template imports nothing), a
        dropdown on every choice column. The examples and rules are on “填写说明”, which
        the importer never reads; the dropdowns' values on a hidden “可选值” sheet."""
        wb = Workbook()
        ws = wb.active
        ws.title = "导入模板"
        options = wb.create_sheet("可选值")
        notes = wb.create_sheet("填写说明")
        for col, column in enumerate(self.columns, 1):
            cell = write_cell(ws, 1, col, column.header + ("*" if column.required else ""))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = max(
                12, _display_width(column.header) + 4, min(40, _display_width(column.example) + 2))
            labels = self.choice_labels(column)
            if not labels:
                continue
            letter = get_column_letter(col)
            write_cell(options, 1, col, column.header)
            for r, label in enumerate(labels, 2):
                write_cell(options, r, col, label)
            dv = DataValidation(type="list", allow_blank=True,
                                formula1=f"'可选值'!${letter}$2:${letter}${len(labels) + 1}",
                                showErrorMessage=True, errorTitle="不是可选值",
                                error=f"{column.header}请从下拉列表中选择")
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{self.TEMPLATE_ROWS + 1}")
        options.sheet_state = "hidden"
        ws.freeze_panes = "A2"
        intro = ("在“导入模板”工作表第 2 行起每行填写一条记录，带 * 的列必填；"
                 "本页只作说明，其中的示例不会被导入。")
        write_cell(notes, 1, 1, intro).font = Font(bold=True)
        for col, header in enumerate(["列名", "必填", "填写要求", "示例"], 1):
            cell = write_cell(notes, 3, col, header)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for r, column in enumerate(self.columns, 4):
            for col, value in enumerate([column.header, "是" if column.required else "",
                                         self.column_hint(column), column.example], 1):
                write_cell(notes, r, col, value)
        for letter, width in zip("ABCD", (16, 6, 50, 30), strict=True):
            notes.column_dimensions[letter].width = width
        buf = BytesIO()
        wb.save(buf)
        return buf.getvalue()

    # --- parsing
    def related_queryset(self, model_field):
        rel = model_field.related_model
        manager = rel._default_manager
        return manager.visible_to(self.user) if hasattr(manager, "visible_to") else manager.all()

    def lookup_related(self, model_field, text):
        """The row a cell names, asked once per distinct text and column per import (a
        sheet names the same few sections thousands of times)."""
        cache = self.__dict__.setdefault("_lookups", {})
        key = (model_field.name, text)
        if key not in cache:
            try:
                cache[key] = self._lookup_related(model_field, text)
            except CellError as exc:
                cache[key] = exc
        if isinstance(cache[key], CellError):
            raise CellError(cache[key].reason, cache[key].column)
        return cache[key]

    def _lookup_related(self, model_field, text):
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
            except (ValueError, OverflowError) as exc:  # "abc", "1e309" (infinity), "nan"
                raise CellError(f"“{text[:50]}”不是整数") from exc
        if isinstance(model_field, models.DecimalField | models.FloatField):
            try:
                number = float(text)
            except ValueError as exc:
                raise CellError(f"“{text[:50]}”不是数字") from exc
            if not math.isfinite(number):
                raise CellError(f"“{text[:50]}”不是数字")
            return number
        return text

    def prepare(self, obj):
        """Hook: fill fields the sheet does not carry and check scope."""

    PROGRESS_EVERY = 250  # rows between two calls of an import's ``progress``

    def read(self, fileobj, progress=None) -> ImportResult:
        """Every row checked, nothing saved. ``progress(rows_checked)``, when given, is
        called as the rows go by (a background import shows it)."""
        result = ImportResult()
        if refusal := refuse_absurd_workbook(fileobj):
            result.errors.append(RowError(0, "", refusal))
            return result
        try:
            wb = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a non-xlsx file
            result.errors.append(RowError(0, "", "文件不是有效的 Excel（.xlsx）文件"))
            return result
        try:
            if not wb.worksheets:
                raise SheetRefused("文件中没有工作表")
            self._progress = progress  # subclasses extend _read_rows(ws, result)
            return self._read_rows(wb.worksheets[0], result)
        except SheetRefused as exc:
            return ImportResult(errors=[RowError(0, "", str(exc))])
        finally:
            wb.close()

    def _read_rows(self, ws, result):
        # The stored <dimension> is only a hint written by whatever made the file, and a
        # read-only sheet stops at it: forget it so every row in the XML is read.
        ws.reset_dimensions()
        rows = _bounded(ws.iter_rows(values_only=True))
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
            if self._progress and result.rows_read % self.PROGRESS_EVERY == 0:
                self._progress(result.rows_read)
            obj, errors = self.build(number, values, positions)
            result.errors.extend(errors)
            if not errors:
                obj._import_row = number  # for a refusal found only when saving
                result.objects.append(obj)
        if result.rows_read == 0 and not result.errors:
            result.errors.append(RowError(0, "", EMPTY_TEMPLATE))
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
            else:  # prepare did not run: the fields it fills (an org ...) cannot be judged
                bad_fields |= {f.name for f in self.model._meta.fields} - {
                    c.field for c in self.columns}
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

    def save_checked(self, obj):
        """Save one row and refuse it (rolling back the whole import) when it lands
        outside the importer's editable scope: imports are writes like any other."""
        self.save_object(obj)
        ensure_writable(obj, self.user)

    def commit(self, fileobj, progress=None, saving=None) -> ImportResult:
        """All or nothing: any bad row, or any row the database refuses, saves nothing.
        ``progress`` as for ``read``; ``saving(rows_saved)`` is called inside the import's
        transaction as the rows are saved."""
        result = self.read(fileobj, progress)
        if not result.ok:
            return result
        try:
            with transaction.atomic():
                for n, obj in enumerate(result.objects, 1):
                    if saving and n % self.PROGRESS_EVERY == 0:
                        saving(n)
                    try:
                        self.save_checked(obj)
                    except WriteRefused as exc:
                        raise _RowRefused(obj._import_row, str(exc.args[0])) from exc
                record(
                    "import",
                    object_type=self.model._meta.label_lower,
                    label=f"导入{self.model._meta.verbose_name} {len(result.objects)} 条",
                    after={"count": len(result.objects), "ids": [o.pk for o in result.objects]},
                )
        except _RowRefused as exc:
            result.objects = []
            result.errors.append(RowError(exc.number, "", f"{exc.reason}；已全部撤销，未导入任何一行"))
        except IntegrityError as exc:
            result.objects = []
            result.errors.append(
                RowError(0, "", f"{integrity_message(exc)}，已全部撤销，未导入任何一行")
            )
        return result


class _RowRefused(Exception):
    def __init__(self, number, reason):
        super().__init__(reason)
        self.number, self.reason = number, reason


class SheetRefused(Exception):
    """An import sheet beyond the limits (or unreadable): refused as a whole, nothing is
    read further."""


def import_limits():
    """(rows, columns, unpacked bytes) an import accepts; settings may lower or raise them."""
    return (getattr(settings, "MOFAN_IMPORT_MAX_ROWS", 100_000),
            getattr(settings, "MOFAN_IMPORT_MAX_COLUMNS", 200),
            max_unpacked_bytes())


def refuse_absurd_workbook(fileobj) -> str:
    """Why the .xlsx must not be opened at all ("" when it may): a zip whose members unpack
    far beyond the upload limit (a zip bomb) is refused from its directory, before parsing."""
    _, _, max_unpacked = import_limits()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0  # not a zip: load_workbook reports it as "not a valid .xlsx"
    finally:
        fileobj.seek(0)
    if unpacked > max_unpacked:
        return (f"文件解压后达 {_size(unpacked)}，超过上限 {_size(max_unpacked)}，"
                "不像正常的 Excel 文件，已拒绝；请删除多余的工作表、格式或图片后重试")
    return ""


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def sheet_rows(fileobj) -> int | None:
    """How many rows (the header included) the first worksheet holds, counted from the row
    tags of its XML without reading a cell — milliseconds where reading takes seconds —
    so a web request can decide how to import it. None when the file is not a readable
    .xlsx (its import then says why). Call it after ``refuse_absurd_workbook``."""
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser

    reader = None
    try:
        reader = ExcelReader(fileobj, read_only=True)
        reader.read_manifest()
        parser = WorkbookParser(reader.archive, _find_workbook_part(reader.package).PartName[1:])
        parser.parse()
        target = next(rel.target for _, rel in parser.find_sheets()
                      if rel.target in reader.valid_files and "chartsheet" not in rel.Type)
        n, pending = 0, b""
        with reader.archive.open(target) as xml:
            while chunk := xml.read(1 << 20):
                pending += chunk
                cut = pending.rfind(b"<")  # a tag may go on in the next chunk
                n += len(_ROW_TAG.findall(pending, 0, max(cut, 0)))
                pending = pending[cut:] if cut >= 0 else b""
        return n + len(_ROW_TAG.findall(pending))
    except Exception:  # openpyxl and zipfile raise many types for a file that is not .xlsx
        return None
    finally:
        if reader is not None:
            reader.archive.close()
        fileobj.seek(0)


def too_many_rows(max_rows) -> str:
    return f"工作表超过 {max_rows} 行数据，已拒绝；请拆分成多个文件分批导入"


def _bounded(rows):
    """The sheet's rows, refusing the sheet once it has more rows or columns than an import
    may have (counted while reading, since the stored dimension cannot be trusted)."""
    max_rows, max_columns, _ = import_limits()
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the sheet's XML is broken past the point openpyxl checked
            raise SheetRefused("文件内容已损坏，无法读取，请用 Excel 或 WPS 另存为 .xlsx 后重试") from exc
        number += 1
        if number > max_rows + 1:  # + the header row
            raise SheetRefused(too_many_rows(max_rows))
        if values is not None and len(values) > max_columns:
            if any(v not in (None, "") for v in values[max_columns:]):
                raise SheetRefused(f"第 {number} 行超过 {max_columns} 列，已拒绝；"
                                    "请只保留模板中的列后重新导入")
            values = values[:max_columns]
        yield values


def _size(n):
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True
