"""A background job's progress page, polled by htmx until the job finishes."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ..models import BackgroundJob
from ..permissions import can_view_job


def job_detail(request, pk):
    job = get_object_or_404(BackgroundJob.objects.select_related("created_by"), pk=pk)
    if not can_view_job(request.user, job):
        raise Http404  # someone else's job: do not even confirm it exists
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


urlpatterns = [path("jobs/<int:pk>/", job_detail, name="job-detail")]
