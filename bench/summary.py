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
import statistics
import time
from io import BytesIO, StringIO

from _setup import setup_django, timed  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from docx import Document  # noqa: E402

YEAR = 2025


def spread(times):
    """median, and the middle half of the runs (25th–75th percentile) as the spread."""
    q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return statistics.median(times), q[0], q[2]


def line(name, times, floor=None):
    med, lo, hi = spread(times)
    text = f"{name:<38} median {med * 1000:8.1f} ms   (p25–p75 {lo * 1000:.1f}–{hi * 1000:.1f} ms)"
    if floor is not None:
        text += f"   ratio {med / statistics.median(floor):5.1f}x"
    print(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    n = parser.parse_args().runs

    call_command("migrate", verbosity=0)
    from mofan.orgs.models import Org
    from mofan.reports import services

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", "--year", str(YEAR),
                     stdout=StringIO())
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
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
    line("summary .docx (正式版)", timed(ours, n), floor_times)
    line("summary .docx (公开版, masked)", timed(ours_public, n), floor_times)
    line("  of which: fill from records", timed(fill, n), floor_times)
    line("  of which: GB/T 9704 layout", timed(layout, n), floor_times)
    line("floor: bare python-docx, same text", floor_times)


if __name__ == "__main__":
    main()
