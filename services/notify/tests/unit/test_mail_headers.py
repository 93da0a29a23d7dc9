"""Headers as they go on the wire: mail clients read List-Unsubscribe literally (RFC 8058)."""

from __future__ import annotations

from ecbm_notify.adapters.mailer import compose


def test_a_long_unsubscribe_url_stays_a_plain_angle_bracketed_header() -> None:
    url = "https://ecbm.example.org/unsubscribe?token=" + "a1B2c3D4e5" * 20  # 200 characters

    raw = compose("an@example.org", "Hello", "text", "<p>html</p>", unsubscribe_url=url).as_bytes()

    assert f"List-Unsubscribe: <{url}>\n".encode() in raw.replace(b"\r\n", b"\n")
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert b"=?utf-8?" not in raw  # nothing RFC 2047-encoded in an all-ASCII message
