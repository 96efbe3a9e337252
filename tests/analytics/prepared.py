"""Following a download the task worker prepares, as an evaluator's browser does.

The tests run the immediate task backend, so the job is finished when the redirect comes.
"""

from django.urls import reverse

from analytics.models import DownloadJob


def prepared_download(client, url: str, params=None) -> tuple[DownloadJob, object, bytes]:
    """GET a download that redirects to its progress page; the job, the file's response
    (or the progress page, if the job failed) and the file's bytes (b"" if none)."""
    response = client.get(url, params or {})
    assert response.status_code == 302, response.status_code
    job = DownloadJob.objects.get()
    assert response["Location"] == reverse("analytics:download-job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    if job.status != DownloadJob.Status.READY:
        return job, page, b""
    file_url = reverse("analytics:download-job-file", args=[job.pk])
    assert file_url in page.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    return job, download, b"".join(download.streaming_content)
