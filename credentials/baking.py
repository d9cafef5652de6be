"""Baked badge images (Open Badges 3.0 baking): the credential inside an SVG or a PNG.

SVG: an `openbadges:credential` element (namespace https://purl.imsglobal.org/ob/v3p0) whose
CDATA is the signed JSON; PNG: an uncompressed iTXt chunk with the keyword
`openbadgecredential` holding the same JSON.

Both are made from the credential's own `achievement.image` (see badge_source): a raster
image's bytes go into the PNG unchanged but for the added chunk, and into the SVG as an
<image> at its natural size, so the page, the PNG and the SVG show the same pixels. A
credential whose image is an SVG (issued before the badge became a PNG) is baked into that
SVG; a credential without an image gets a drawn badge.
"""

from __future__ import annotations

import base64
import copy
import io
import textwrap
import zlib

import qrcode
from lxml import etree
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

OB_NS = "https://purl.imsglobal.org/ob/v3p0"
SVG_NS = "http://www.w3.org/2000/svg"
PNG_KEYWORD = "openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZE = 400


def _lines(name: str) -> list[str]:
    return textwrap.wrap(name, width=22)[:4] or ["Credential"]


SVG_DATA_URI = "data:image/svg+xml;base64,"
SVG_TYPE = "image/svg+xml"
_UNSAFE_TAGS = frozenset({"script", "foreignObject", "iframe", "object", "embed"})
# Decoding an image header is cheap; a badge bigger than this is refused, never decoded.
MAX_BADGE_PIXELS = 4096 * 4096


def data_uri_image(uri: object) -> tuple[str, bytes] | None:
    """(media type, bytes) of a base64 `data:image/...` URI, or None."""
    if not isinstance(uri, str) or not uri.startswith("data:image/"):
        return None
    header, sep, payload = uri.partition(",")
    if not sep or not header.endswith(";base64"):
        return None
    try:
        return header[len("data:") : -len(";base64")], base64.b64decode(payload, validate=True)
    except ValueError:
        return None


def svg_from_data_uri(uri: object) -> bytes | None:
    """The SVG bytes of a base64 `data:image/svg+xml` URI (the achievement image), or None."""
    image = data_uri_image(uri)
    return image[1] if image and image[0] == SVG_TYPE else None


def _raster_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the image's header (pixels are not decoded), or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return (width, height) if 0 < width * height <= MAX_BADGE_PIXELS else None


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


def _as_png(data: bytes) -> bytes | None:
    """A raster image as PNG bytes: a PNG unchanged, another format re-encoded (same pixels)."""
    if data.startswith(PNG_SIGNATURE):
        return data
    if _raster_size(data) is None:
        return None
    out = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.save(out, format="PNG")
    except (OSError, ValueError):
        return None
    return out.getvalue()


def _with_credential_chunk(png: bytes, credential_json: str) -> bytes | None:
    """`png` with an uncompressed openbadgecredential iTXt chunk before IEND (any such chunk
    already there dropped); the image data is not touched. None if `png` is not a PNG."""
    # keyword NUL, not compressed (0), method 0, empty language NUL, empty translation NUL
    itxt = PNG_KEYWORD.encode() + b"\0" + b"\0\0" + b"\0" + b"\0" + credential_json.encode()
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        chunk = png[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"IEND":
            out.append(_png_chunk(b"iTXt", itxt))
            out.append(chunk)
            return b"".join(out)
        if kind == b"iTXt" and chunk[8:].startswith(PNG_KEYWORD.encode() + b"\0"):
            continue
        out.append(chunk)
    return None


def _base_root(base_svg: bytes | None) -> tuple[etree._Element, bool]:
    """A new <svg> root declaring the openbadges namespace, with the base image's content.

    Scripts, embedded documents and event handlers are dropped: the SVG is served from our
    origin.
    """
    nsmap = {None: SVG_NS, "openbadges": OB_NS}
    if base_svg:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            base = etree.fromstring(base_svg, parser=parser)
        except etree.XMLSyntaxError:
            base = None
        if base is not None and base.tag == f"{{{SVG_NS}}}svg":
            extra = {k: v for k, v in base.nsmap.items() if k not in nsmap and v != OB_NS}
            root = etree.Element(base.tag, attrib=dict(base.attrib), nsmap={**nsmap, **extra})
            for child in base:
                root.append(copy.deepcopy(child))
            for node in list(root.iter()):
                if not isinstance(node.tag, str):
                    continue
                parent = node.getparent()  # None only for the <svg> root itself
                if etree.QName(node).localname in _UNSAFE_TAGS and parent is not None:
                    parent.remove(node)
                    continue
                for attr in list(node.attrib):
                    value = node.attrib[attr].strip().lower()
                    if etree.QName(attr).localname.lower().startswith("on") or value.startswith(
                        "javascript:"
                    ):
                        del node.attrib[attr]
            return root, True
    root = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap=nsmap,
        width=str(SIZE),
        height=str(SIZE),
        viewBox=f"0 0 {SIZE} {SIZE}",
        role="img",
    )
    return root, False


def _centred_text(svg: etree._Element, text: str, *, y: str, fill: str, size: str) -> None:
    element = etree.SubElement(svg, f"{{{SVG_NS}}}text", x="200", y=y, fill=fill)
    for name, value in (
        ("text-anchor", "middle"),
        ("font-family", "sans-serif"),
        ("font-size", size),
    ):
        element.set(name, value)
    element.text = text


def _raster_root(image: bytes, media_type: str) -> etree._Element | None:
    """An <svg> showing the raster `image` at its natural size, or None if it is not one."""
    size = _raster_size(image)
    if size is None:
        return None
    width, height = (str(n) for n in size)
    root = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap={None: SVG_NS, "openbadges": OB_NS},
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        role="img",
    )
    href = f"data:{media_type};base64," + base64.b64encode(image).decode()
    etree.SubElement(root, f"{{{SVG_NS}}}image", href=href, width=width, height=height)
    return root


def baked_svg(
    *,
    credential_json: str,
    name: str,
    issuer_name: str,
    image: bytes | None = None,
    image_type: str = SVG_TYPE,
) -> bytes:
    """The credential baked into the achievement's image (`image`, of media type
    `image_type`: its own SVG, or a raster shown at natural size) or into a drawn badge."""
    raster = _raster_root(image, image_type) if image and image_type != SVG_TYPE else None
    if raster is not None:
        svg, has_design = raster, True
    else:
        svg, has_design = _base_root(image if image_type == SVG_TYPE else None)
    title = etree.Element(f"{{{SVG_NS}}}title")
    title.text = f"{name} — {issuer_name}"
    baked = etree.Element(f"{{{OB_NS}}}credential")
    # "]]>" can only occur inside a JSON string, where "\u003e" is the same character.
    baked.text = etree.CDATA(credential_json.replace("]]>", "]]\\u003e"))
    svg.insert(0, baked)
    svg.insert(0, title)
    if has_design:
        return etree.tostring(svg, xml_declaration=True, encoding="UTF-8")
    etree.SubElement(svg, f"{{{SVG_NS}}}circle", cx="200", cy="200", r="190", fill="#1f4e79")
    ring = etree.SubElement(
        svg, f"{{{SVG_NS}}}circle", cx="200", cy="200", r="170", fill="none", stroke="#f2c14e"
    )
    # Hyphenated names are set one by one (as **{...} they do, but mypy cannot type-check it);
    # attributes keep the order they are set in.
    ring.set("stroke-width", "8")
    lines = _lines(name)
    top = 200 - (len(lines) - 1) * 14
    for i, line in enumerate(lines):
        _centred_text(svg, line, y=str(top + i * 28), fill="#ffffff", size="22")
    _centred_text(svg, issuer_name[:40], y="330", fill="#f2c14e", size="14")
    return etree.tostring(svg, xml_declaration=True, encoding="UTF-8")


def svg_credential(svg_bytes: bytes) -> str | None:
    """The credential JSON (or VC-JWT) baked into an SVG, or None.

    Uploaded files are untrusted: no entities, no network, no huge trees.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(svg_bytes, parser=parser)
    except etree.XMLSyntaxError:
        return None
    node = root.find(f"{{{OB_NS}}}credential")
    if node is None:
        return None
    return node.text or node.get("verify")


def badge_png(*, name: str, issuer_name: str) -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill="#1f4e79")
    draw.ellipse((30, 30, SIZE - 30, SIZE - 30), outline="#f2c14e", width=8)
    font = ImageFont.load_default(size=24)
    small = ImageFont.load_default(size=15)
    lines = _lines(name)
    top = 200 - (len(lines) - 1) * 15
    for i, line in enumerate(lines):
        draw.text((200, top + i * 30), line, fill="#ffffff", font=font, anchor="mm")
    draw.text((200, 330), issuer_name[:40], fill="#f2c14e", font=small, anchor="mm")
    return image


def baked_png(
    *, credential_json: str, name: str, issuer_name: str, image: bytes | None = None
) -> bytes:
    """The credential baked into the achievement's raster `image` (its pixels unchanged), or
    into a drawn badge when there is none (or it is an SVG)."""
    png = _as_png(image) if image and _raster_size(image) else None
    baked = _with_credential_chunk(png, credential_json) if png else None
    if baked is not None:
        return baked
    info = PngImagePlugin.PngInfo()
    info.add_itxt(PNG_KEYWORD, credential_json, lang="", tkey="", zip=False)
    out = io.BytesIO()
    badge_png(name=name, issuer_name=issuer_name).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_credential(png_bytes: bytes) -> str | None:
    """The credential baked into a PNG (its openbadgecredential iTXt chunk), or None.

    Reads the chunks directly, never decoding pixels (uploads may be decompression bombs).
    """
    if not png_bytes.startswith(PNG_SIGNATURE):
        return None
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png_bytes):
        length = int.from_bytes(png_bytes[pos : pos + 4], "big")
        kind = png_bytes[pos + 4 : pos + 8]
        data = png_bytes[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            break
        if kind != b"iTXt" or not data.startswith(PNG_KEYWORD.encode() + b"\0"):
            continue
        rest = data[len(PNG_KEYWORD) + 1 :]
        if len(rest) < 2 or rest[0] != 0:  # compressed iTXt is not what the baking spec writes
            return None
        rest = rest[2:]
        _lang, _, rest = rest.partition(b"\0")
        _tkey, _, text = rest.partition(b"\0")
        return text.decode("utf-8", errors="replace")
    return None


def extract_credential(data: bytes) -> str | None:
    """The credential text inside an upload: JSON, a VC-JWT, a baked PNG or a baked SVG."""
    if data.startswith(PNG_SIGNATURE):
        return png_credential(data)
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        return svg_credential(data)
    return text or None


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(url, border=2, box_size=8).save(out)
    return out.getvalue()
