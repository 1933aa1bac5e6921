"""The year-end summary on the county scale (issue 12): one organ's summary, generated N
times; the median and spread beside a floor measured in the same run, and the ratio.

    .venv/bin/python bench/summary.py [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/summary.py

- mofan: the demo bureau's default template filled from its records (every indicator and
  fact the template names, read from the county's tables), masked for the public
  version, rendered in the GB/T 9704 layout, audited — what one click on 下载 does;
- floor: bare python-docx writing the same paragraphs (already known: no query, no
  layout) to a .docx in memory;
- and, to show where the time goes: the fill alone (queries), and the official layout
  alone (gongwen on the same paragraphs).
"""

import argparse
from io import BytesIO

from _setup import YEAR, load_county, repeat, report, setup_django, timed

setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from docx import Document  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=repeat(15))
    n = parser.parse_args().runs

    load_county()
    from mofan.orgs.models import Org
    from mofan.reports import services

    organ = Org.objects.get(code="wgxlj")
    organs = Org.objects.filter(kind=Org.ORGAN).count()
    template = services.template_for(organ, YEAR)
    summary = services.build(template, links=False)
    if not summary.final:
        print("the template does not fill completely:", summary.refusal())
        return
    paragraphs = [p.head_text + p.tail_text for p in summary.paragraphs]
    with CaptureQueriesContext(connection) as ctx:
        services.generate(template, public=False)
    print(f"database: {connection.vendor}; organs {organs}; {len(summary.paragraphs)} paragraphs, "
          f"{sum(map(len, paragraphs))} characters; {len(ctx.captured_queries)} queries per "
          f"summary; {n} runs each\n")

    def ours():
        services.generate(template, public=False)

    def ours_public():
        services.generate(template, public=True)

    def fill():
        services.build(template, links=False)

    def layout():
        services.to_docx(summary)

    def floor():
        doc = Document()
        doc.add_paragraph(summary.title_text)
        for text in paragraphs:
            doc.add_paragraph(text)
        doc.add_paragraph(summary.signature)
        doc.save(BytesIO())

    floor_times = timed(floor, n)
    label = "bare python-docx, the same paragraphs"
    report("summary .docx (正式版)", timed(ours, n), floor_times, floor_label=label)
    report("summary .docx (公开版, masked)", timed(ours_public, n), floor_times,
           floor_label=label)
    report("  of which: fill from records", timed(fill, n), floor_times, floor_label=label)
    report("  of which: GB/T 9704 layout", timed(layout, n), floor_times, floor_label=label)


if __name__ == "__main__":
    main()
