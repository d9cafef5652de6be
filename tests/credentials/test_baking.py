"""Baking: the SVG element and the PNG iTXt chunk; the achievement SVG as the base, made safe."""

import base64
import json

from credentials.baking import (
    baked_png,
    baked_svg,
    extract_credential,
    png_credential,
    svg_credential,
    svg_from_data_uri,
)

DOC = json.dumps({"name": "x ]]> y", "é": "ü"}, ensure_ascii=False)
BASE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="100" height="100" onload="alert(1)"><script>alert(2)</script>'
    b'<circle r="40" cx="50" cy="50" fill="red" onclick="x()"/>'
    b'<a xlink:href="javascript:alert(3)"><text>hi</text></a>'
    b"<foreignObject><div>x</div></foreignObject></svg>"
)


def test_svg_baking_round_trips_json_with_cdata_terminator():
    svg = baked_svg(credential_json=DOC, name="N", issuer_name="I")
    assert b"<openbadges:credential><![CDATA[" in svg
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert json.loads(svg_credential(svg)) == json.loads(DOC)


def test_achievement_svg_is_the_base_without_anything_executable():
    svg = baked_svg(credential_json=DOC, name="N", issuer_name="I", base_svg=BASE)
    assert b'fill="red"' in svg and b"<text>hi</text>" in svg  # the achievement's design
    for bad in (b"script", b"onload", b"onclick", b"javascript:", b"foreignObject"):
        assert bad not in svg, bad
    assert json.loads(svg_credential(svg)) == json.loads(DOC)


def test_data_uri_decoding():
    uri = "data:image/svg+xml;base64," + base64.b64encode(BASE).decode()
    assert svg_from_data_uri(uri) == BASE
    assert svg_from_data_uri("https://x.example/a.svg") is None
    assert svg_from_data_uri("data:image/svg+xml;base64,@@@") is None


def test_png_itxt_chunk_is_uncompressed_and_read_without_pixels():
    png = baked_png(credential_json=DOC, name="N", issuer_name="I")
    assert b"iTXtopenbadgecredential\x00\x00\x00" in png  # keyword, not compressed, method 0
    assert png_credential(png) == DOC
    assert extract_credential(png) == DOC


def test_entities_are_never_resolved():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&e;</openbadges:credential></svg>"
    )
    assert not extract_credential(evil)
    assert extract_credential(b"<not xml") is None
