"""Reads of report jobs: a job is its creator's, and only while the region is still in their scope."""
from django.http import Http404

from ecociv.regions.scope import region_in_scope
from ecociv.reports.models import ReportJob


def get_job_for_user(user, job_id: int) -> ReportJob:
    job = ReportJob.objects.select_related("region").filter(pk=job_id, created_by_id=user.pk).first()
    if job is None or not region_in_scope(user, job.region):
        raise Http404("报告任务不存在")
    return job


def recent_jobs(user, limit: int = 10):
    return ReportJob.objects.filter(created_by_id=user.pk).select_related("region").defer("result")[:limit]
