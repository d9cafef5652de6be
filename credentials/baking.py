"""Baked badge images (Open Badges 3.0 baking): the credential inside an SVG or a PNG.

SVG: an `openbadges:credential` element (namespace https://purl.imsglobal.org/ob/v3p0) whose
CDATA is the signed JSON; PNG: an uncompressed iTXt chunk with the keyword
`openbadgecredential` holding the same JSON. Both images are drawn here (lxml, Pillow).
"""

from __future__ import annotations

import base64
import copy
import io
import textwrap

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
_UNSAFE_TAGS = frozenset({"script", "foreignObject", "iframe", "object", "embed"})


def svg_from_data_uri(uri: object) -> bytes | None:
    """The SVG bytes of a base64 `data:image/svg+xml` URI (the achievement image), or None."""
    if not isinstance(uri, str) or not uri.startswith(SVG_DATA_URI):
        return None
    try:
        return base64.b64decode(uri[len(SVG_DATA_URI) :], validate=True)
    except ValueError:
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


def baked_svg(
    *, credential_json: str, name: str, issuer_name: str, base_svg: bytes | None = None
) -> bytes:
    """The credential baked into `base_svg` (the achievement's own SVG) or a drawn badge."""
    svg, has_design = _base_root(base_svg)
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


def baked_png(*, credential_json: str, name: str, issuer_name: str) -> bytes:
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
