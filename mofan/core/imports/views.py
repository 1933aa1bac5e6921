"""The page of one background import: its progress (htmx polls it; without JavaScript a
reload link does the same), its problems, and 确认导入 after a clean check."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import jobs
from .models import ImportJob


@require_http_methods(["GET", "POST"])
def job_page(request, pk):
    # A job is its user's: anyone else, in the organ or outside it, gets the same 404.
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404("记录不存在或不在您的管理范围内")
    if request.method == "POST":
        real = jobs.confirm(job, request.user)
        if real is None:
            messages.error(request, "这次检查已确认过或已过期，请重新上传文件。")
            return redirect("core:import_job", job.pk)
        return redirect("core:import_job", real.pk)
    template = "core/_import_job.html" if request.htmx else "core/import_job.html"
    return render(request, template, {"title": f"导入{job.label}", "job": job})
