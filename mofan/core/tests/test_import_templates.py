"""Every import template: headers only on the form sheet (an unchanged template imports
nothing), dropdowns for every choice column, examples on “填写说明”."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from mofan.core.excel import EMPTY_TEMPLATE
from mofan.core.tests.test_outsiders import walk

IMPORTERS = sorted({(name, pattern.callback.view_initkwargs["screens"])
                    for pattern, _, name in walk() if name.endswith("_import_template")},
                   key=lambda pair: pair[0])


def test_every_importer_is_walked():
    assert len(IMPORTERS) >= 8


def workbook(importer):
    return load_workbook(BytesIO(importer.template_bytes()))


@pytest.mark.parametrize(("name", "screens"), IMPORTERS, ids=[n for n, _ in IMPORTERS])
def test_template_has_headers_only_and_dropdowns_for_choice_columns(world, name, screens):
    importer = screens.importer(world.users["admin"])
    wb = workbook(importer)
    ws = wb.worksheets[0]
    assert ws.title == "导入模板"
    rows = [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
    assert len(rows) == 1, f"{name}: an example row would be imported"
    assert [h.rstrip("*") for h in rows[0]] == [c.header for c in importer.columns]
    dropdowns = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.showErrorMessage
        for rng in dv.sqref.ranges:
            dropdowns[rng.min_col] = dv.formula1
    options = wb["可选值"]
    assert options.sheet_state == "hidden"
    for col, column in enumerate(importer.columns, 1):
        labels = importer.choice_labels(column)
        if not labels:
            assert col not in dropdowns, f"{name}: {column.header}"
            continue
        assert col in dropdowns, f"{name}: {column.header} has no dropdown"
        offered = [options.cell(row=r, column=col).value for r in range(2, len(labels) + 2)]
        assert offered == labels
        assert dropdowns[col].endswith(f"${len(labels) + 1}")
    notes = wb["填写说明"]
    examples = {r[0]: r[3] for r in notes.iter_rows(min_row=4, values_only=True)}
    assert set(examples) == {c.header for c in importer.columns}


@pytest.mark.parametrize(("name", "screens"), IMPORTERS, ids=[n for n, _ in IMPORTERS])
def test_an_unchanged_template_imports_nothing_and_says_so(world, name, screens):
    importer = screens.importer(world.users["admin"])
    result = importer.commit(BytesIO(importer.template_bytes()))
    assert result.objects == [] and result.rows_read == 0
    assert [e.reason for e in result.errors] == [EMPTY_TEMPLATE]


def test_a_choice_column_offers_the_fields_labels(world):
    from mofan.orgs.screens import PersonImporter

    importer = PersonImporter(world.users["admin"])
    by_header = {c.header: importer.choice_labels(c) for c in importer.columns}
    assert by_header["性别"] == ["男", "女"]
    assert "中共党员" in by_header["政治面貌"] and by_header["姓名"] == []


def test_the_task_template_example_is_a_task(world):
    from mofan.appeals.screens import AppealImporter
    from mofan.tasks.screens import TaskImporter

    task = {c.header: c.example for c in TaskImporter.columns}
    appeal = {c.header: c.example for c in AppealImporter.columns}
    assert task["事项"] != appeal["事项"] and "咨询" not in task["事项"]
    assert task["办理结果"] != appeal["办理结果"]


def test_the_template_filled_from_its_notes_imports(world):
    """The examples are real values: copied onto the form sheet, the people template
    imports (within the user's own organ)."""
    from mofan.orgs.models import Person
    from mofan.orgs.screens import PersonImporter

    importer = PersonImporter(world.users["admin"])
    wb = workbook(importer)
    examples = [r[3] for r in wb["填写说明"].iter_rows(min_row=4, values_only=True)]
    examples[importer.columns.index(next(c for c in importer.columns
                                         if c.field == "branch"))] = "机关第一党支部"
    for col, value in enumerate(examples, 1):
        wb.worksheets[0].cell(row=2, column=col, value=value)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = importer.commit(buf)
    assert result.errors == [] and Person.objects.filter(name="张三").count() == 1
