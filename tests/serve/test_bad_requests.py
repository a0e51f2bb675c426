"""Hostile requests to ``kg serve``, each refused with its status and a one-line message.

The cases of issue 21 that concern the server (items 5, 10 and 13), kept as a catalogue:
each row is the request, the status and the words the answer must contain. None of them
may reach a worker as a query, and none may answer 500.
"""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from kg.serve.limits import MAX_QUERY_BYTES as DEFAULT_MAX_QUERY_BYTES
from tests.serve.conftest import ALLOWED_HOST, MAX_QUERY_BYTES

ASK_ALL = "ASK { ?s ?p ?o }"


def raw(endpoint: str, method: str, path: str, *, headers: dict[str, str] | None = None,
        body: bytes | None = None, skip_host: bool = False) -> tuple[int, bytes]:
    """One request exactly as given: http.client's own Host header only when none is given (nor skipped)."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=60)
    try:
        given = skip_host or any(key.lower() == "host" for key in headers or {})
        connection.putrequest(method, path, skip_host=given, skip_accept_encoding=True)
        for key, value in {**(headers or {}), **({"Content-Length": str(len(body))} if body is not None else {})
                           }.items():
            connection.putheader(key, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


HOSTS = [  # (Host header, status, words in the answer)
    ("evil.example.com", 421, b"does not answer for the host 'evil.example.com'"),
    ("evil.example.com:8000", 421, b"--allow-host"),
    ("127.0.0.1.evil.example", 421, b"does not answer"),
    ("localhost.", 421, b"does not answer"),
]


@pytest.mark.parametrize(("host", "status", "words"), HOSTS)
@pytest.mark.parametrize("path", ["/sparql?query=" + urllib.parse.quote(ASK_ALL), "/id/isis-k", "/", "/yasgui"])
def test_a_foreign_host_header_is_refused(endpoint: str, host: str, status: int, words: bytes, path: str) -> None:
    """Issue 21, item 5: a DNS-rebinding page sends its own name in Host; it gets no data."""
    got, body = raw(endpoint, "GET", path, headers={"Host": host, "Accept": "application/sparql-results+json"})
    assert (got, body.count(b"\n")) == (status, 1) and words in body
    assert b"boolean" not in body and b"isis-k" not in body


def test_no_host_header_is_400(endpoint: str) -> None:
    got, body = raw(endpoint, "GET", "/sparql?query=ASK%7B%7D", skip_host=True)  # HTTP/1.1 requires Host
    assert got == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "LOCALHOST", ALLOWED_HOST, f"{ALLOWED_HOST}:443"])
def test_loopback_and_allowed_names_are_answered(endpoint: str, host: str) -> None:
    got, body = raw(endpoint, "GET", "/sparql?query=" + urllib.parse.quote(ASK_ALL),
                    headers={"Host": host, "Accept": "application/sparql-results+json"})
    assert got == 200 and b'"boolean":true' in body


def test_the_default_cap_is_a_megabyte() -> None:
    assert DEFAULT_MAX_QUERY_BYTES == 1_000_000


@pytest.mark.parametrize(("content_type", "make"), [
    ("application/sparql-query", lambda n: b'ASK { FILTER("' + b"x" * n + b'" != "") }'),
    ("application/x-www-form-urlencoded", lambda n: b"query=" + b"x" * n),
])
def test_a_body_over_the_cap_is_413(endpoint: str, content_type: str, make: object) -> None:
    """Issue 21, item 10: a 100 MB literal took a worker to 4 GB; the body is refused before it is read."""
    body = make(MAX_QUERY_BYTES + 1)  # type: ignore[operator]
    got, answer = raw(endpoint, "POST", "/sparql", headers={"Content-Type": content_type}, body=body)
    assert got == 413 and b"over 100,000 bytes" in answer and b"--max-query-bytes" in answer
    small = make(1000)  # type: ignore[operator]
    got, _ = raw(endpoint, "POST", "/sparql", headers={"Content-Type": content_type,
                                                        "Accept": "application/sparql-results+json"}, body=small)
    assert got in (200, 400)  # under the cap it is read (and answered or refused as a query)


def test_a_chunked_body_over_the_cap_is_413(endpoint: str) -> None:
    """No Content-Length to trust: the cap is counted on what is read, and reading stops there."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=60)
    try:
        chunks = (b"#" + b"x" * 9_999 for _ in range(MAX_QUERY_BYTES // 10_000 + 2))
        connection.request("POST", "/sparql", body=chunks, encode_chunked=True,
                           headers={"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})
        response = connection.getresponse()
        assert response.status == 413 and b"over 100,000 bytes" in response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("path", "status"), [
    ("/id/has%20space", 404), ("/id/%3Cscript%3E", 404), ("/id/a%22b", 404), ("/id/%7Bx%7D", 404),
    ("/id/a%5Cb", 404), ("/id/%00", 404),
    ("/page?iri=" + urllib.parse.quote("https://example.org/a b"), 400),
    ("/page?iri=" + urllib.parse.quote("not an iri"), 400), ("/page?iri=" + urllib.parse.quote("<urn:x>"), 400),
    ("/page?iri=" + urllib.parse.quote("https://w3id.org/mkg/id/{x}"), 400),
])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_invalid_iri_characters_are_404_or_400(endpoint: str, path: str, status: int, accept: str) -> None:
    """Issue 21, item 13: these gave HTTP 500."""
    got, body = raw(endpoint, "GET", path, headers={"Accept": accept})
    assert got == status, body[:200]
    if status == 400:
        assert b"is not an IRI" in body and body.count(b"\n") == 1
