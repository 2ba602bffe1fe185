"""Everyone concerned hears of every change: a notification row at once, an email after commit,
and a mail failure never loses the change."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from content.caching import bump_data_version
from content.models import BackgroundJob, JobStatus, Notification, RequestStatus, RequestSupport
from content.requesting import request_comment, request_support, request_transition

from .factories import ContentRequestFactory, UserFactory
from .requests_helpers import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def supported_request(rep, other_rep):
    request = ContentRequestFactory(requester=rep)
    RequestSupport.objects.create(request=request, user=other_rep)
    return request


def test_a_status_change_mails_the_requester_and_supporters_only_after_commit(
    supported_request, marketer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.TRIAGED)
        assert mail.outbox == []  # nothing goes out inside the transaction
    mail_jobs = [callback for callback in callbacks if callback is not bump_data_version]
    assert len(mail_jobs) == 2  # one mail job per recipient, enqueued only at commit (and the reports' version)
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["rep2@example.com", "rep@example.com"]
    assert "triaged" in mail.outbox[0].body
    assert f"/requests/{supported_request.pk}/" in mail.outbox[0].body


def test_a_change_that_is_refused_sends_nothing(supported_request, marketer, django_capture_on_commit_callbacks):
    from content.requesting import RequestError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestError):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.DELIVERED)
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_a_failing_mail_server_does_not_lose_the_change(
    supported_request, marketer, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.test_requests_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=supported_request, actor=marketer, to_status=RequestStatus.ACCEPTED)
    supported_request.refresh_from_db()
    assert supported_request.status == RequestStatus.ACCEPTED
    assert Notification.objects.filter(request=supported_request).count() == 2
    mail_jobs = BackgroundJob.objects.filter(kind="send_mail")
    assert mail_jobs.count() == 2
    assert set(mail_jobs.values_list("status", flat=True)) == {JobStatus.FAILED}  # retried, then reported
    assert "failed for good" in caplog.text


def test_comments_notify_everyone_but_their_author(
    supported_request, rep, other_rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_comment(request=supported_request, author=other_rep, body="Any news?")
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["rep"]
    assert "Any news?" in Notification.objects.get().message


def test_a_plus_one_tells_the_requester(rep, other_rep, django_capture_on_commit_callbacks):
    request = ContentRequestFactory(requester=rep)
    with django_capture_on_commit_callbacks(execute=True):
        request_support(request=request, user=other_rep)
        request_support(request=request, user=other_rep)  # the second +1 changes nothing
    assert len(mail.outbox) == 1
    assert Notification.objects.get().user == rep


def test_users_without_an_email_get_the_notification_but_no_mail(marketer, django_capture_on_commit_callbacks):
    silent = UserFactory(username="silent", email="", groups=["Sales"])
    request = ContentRequestFactory(requester=silent)
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.TRIAGED)
    assert mail.outbox == []
    assert Notification.objects.get().user == silent
