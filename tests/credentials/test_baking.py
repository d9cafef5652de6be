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
    svg = baked_svg(credential_json=DOC, name="N", issuer_name="I", image=BASE)
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


def _raster(fmt: str = "PNG", size=(8, 6)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.putpixel((1, 1), (0, 90, 200))
    image.save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        chunks.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def test_png_is_baked_into_the_achievement_image_without_touching_its_pixels():
    import zlib

    source = _raster()
    png = baked_png(credential_json=DOC, name="N", issuer_name="I", image=source)
    assert png_credential(png) == DOC
    baked = [c for c in _chunks(png) if c[0] != b"iTXt"]
    assert baked == _chunks(source)  # IHDR, IDAT, IEND byte for byte
    assert _chunks(png)[-1][0] == b"IEND"
    # Every chunk's CRC is right (a strict decoder would refuse the image otherwise).
    pos = 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        body = png[pos + 4 : pos + 8 + length]
        assert int.from_bytes(png[pos + 8 + length : pos + 12 + length], "big") == zlib.crc32(body)
        pos += 12 + length
    # Baking again (an image that already carries a credential) keeps one credential.
    again = baked_png(credential_json='{"b": 2}', name="N", issuer_name="I", image=png)
    assert [c[0] for c in _chunks(again)].count(b"iTXt") == 1
    assert png_credential(again) == '{"b": 2}'


def test_a_jpeg_badge_is_baked_as_a_png_of_the_same_pixels():
    import io

    from PIL import Image, ImageChops

    source = _raster("JPEG")
    png = baked_png(credential_json=DOC, name="N", issuer_name="I", image=source)
    assert png_credential(png) == DOC
    with Image.open(io.BytesIO(png)) as got, Image.open(io.BytesIO(source)) as want:
        assert ImageChops.difference(got.convert("RGB"), want.convert("RGB")).getbbox() is None


def test_svg_shows_the_raster_badge_at_its_own_size():
    source = _raster(size=(30, 20))
    svg = baked_svg(
        credential_json=DOC, name="N", issuer_name="I", image=source, image_type="image/png"
    )
    assert b'width="30" height="20" viewBox="0 0 30 20"' in svg
    assert b'href="data:image/png;base64,' + base64.b64encode(source) + b'"' in svg
    assert json.loads(svg_credential(svg)) == json.loads(DOC)


def test_not_an_image_falls_back_to_the_drawn_badge():
    png = baked_png(credential_json=DOC, name="N", issuer_name="I", image=b"not an image")
    assert png_credential(png) == DOC and png.startswith(b"\x89PNG")
