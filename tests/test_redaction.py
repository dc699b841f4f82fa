"""No live token reaches a log line, however the path that carries it is spelled or encoded.

Each odd path below put a live patient or invitation token in Django's "Not Found" line or in
gunicorn's access log: the old pattern was case-sensitive, needed a character after the slash
and ignored encoded forms.
"""

import datetime
import io
import logging
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.test import Client

from core.logging import REDACTED, RedactTokens, redact
from patients.services import invitation_create
from prescriptions.handout.links import share_link_create
from tests.prescriptions.test_handout_pdf import issue, make_handout_program


def odd_paths(token: str, invitation: str) -> list[str]:
    encoded = "".join(f"%{ord(c):02X}" for c in token)
    return [
        f"/p/{token}/",
        f"/p//{token}/",
        f"/p/%2F{token}/",
        f"/P/{token}/",
        f"/p/%20{token}/",
        f"/patients/invitations//{invitation}/",
        f"/PATIENTS/INVITATIONS/{invitation}/",
        f"/accounts/login/?next=%2Fp%2F{token}%2F",
        f"/accounts/login/?next={quote(quote(f'/p/{token}/', safe=''), safe='')}",
        f"/p/..%2f..%2f{token}/today/",
        f"/p/%252F{token}/",
        f"/p/{encoded}/",
        f"/p/{token[:20]}%{ord(token[20]):02x}{token[21:]}/",
        f"/nowhere/{token}",
        f"/nowhere?{token}",
        f"/nowhere?x={token}&y=1",
        f"/p/{token}x/handout.pdf",
    ]


@pytest.fixture
def tokens(clinic, patient, clinician, clinic_admin):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    issue(program, clinician)
    _link, token = share_link_create(program=program, user=clinician)
    _invitation, invitation = invitation_create(
        clinic=clinic, email="new@example.org", role="clinician", invited_by=clinic_admin
    )
    return token, invitation


@pytest.fixture
def django_log():
    """Everything the project's handlers write while the test runs (root and ``django`` loggers)."""
    stream = io.StringIO()
    handlers = {
        h for name in ("", "django", "django.request", "django.server") for h in logging.getLogger(name).handlers
    }
    previous = {h: h.setStream(stream) for h in handlers if isinstance(h, logging.StreamHandler)}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


@pytest.fixture
def gunicorn_access():
    """gunicorn's logger as config/gunicorn.py configures it, and what its access log writes."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from config import gunicorn as conf

    names = ["", "django", "django.request", "django.server", "gunicorn.access", "gunicorn.error"]
    saved = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level) for name in names}
    cfg = Config()
    for name in ("accesslog", "access_log_format", "logconfig_dict"):
        cfg.set(name, getattr(conf, name))
    logger = Logger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    yield logger, stream
    # gunicorn's dictConfig replaced the handlers Django configured: put them back.
    for name, (handlers, level) in saved.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).setLevel(level)


def _environ(raw_uri: str) -> dict:
    path, _, query = raw_uri.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "test",
        "HTTP_REFERER": raw_uri,
    }


def _leaks(text: str, *secrets: str) -> list[str]:
    return [s[:6] + "…" for s in secrets if s in text or s.lower() in text.lower()]


def test_every_odd_path_leaves_no_token_in_djangos_logs(tokens, django_log):
    token, invitation = tokens
    client = Client(raise_request_exception=False)
    for path in odd_paths(token, invitation):
        client.get(path)
        client.post(path, {"pain": "1"})
        logging.getLogger("django.server").info('"GET %s HTTP/1.1" 404 179', path)

    logged = django_log.getvalue()
    assert "Not Found" in logged  # the request logger did write lines
    assert REDACTED in logged
    assert not _leaks(logged, token, invitation), logged[:3000]


def test_every_odd_path_leaves_no_token_in_gunicorns_access_log(tokens, gunicorn_access):
    token, invitation = tokens
    gunicorn_logger, stream = gunicorn_access
    response = SimpleNamespace(status="404 Not Found", headers=[], sent=179)
    for path in odd_paths(token, invitation):
        gunicorn_logger.access(response, SimpleNamespace(headers=[]), _environ(path), datetime.timedelta(0))

    out = stream.getvalue()
    assert out.count("\n") == len(odd_paths(token, invitation))
    assert REDACTED in out
    assert not _leaks(out, token, invitation), out[:3000]


def test_an_error_report_with_a_token_in_its_traceback_is_redacted(tokens, django_log):
    token, _invitation = tokens
    try:
        raise ValueError(f"could not open /p/{token}/")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", f"/P/%2f{token}")

    logged = django_log.getvalue()
    assert "Traceback" in logged and "ValueError" in logged
    assert not _leaks(logged, token), logged


@pytest.mark.parametrize(
    "line",
    [
        "GET /static/css/homerx.css HTTP/1.1",
        "GET /patients/?q=Zo%C3%AB&page=2 HTTP/1.1",
        "Not Found: /catalogue/bridge/",
    ],
)
def test_lines_without_a_token_are_left_as_they_were(line):
    assert redact(line) == line


def test_a_filter_keeps_the_record_and_drops_the_request(rf):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/p/%s/" % ("A" * 43),), None
    )
    record.request = rf.get("/")
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == f"Not Found: /p/{REDACTED}/"
    assert record.request is None
