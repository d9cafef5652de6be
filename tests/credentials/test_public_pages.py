"""Public pages and downloads: HTML, JSON, JWT, baked SVG/PNG, QR, DIDs, status lists."""

import json
import uuid

import pytest
from django.core.cache import cache

from credentials import demo
from credentials.baking import png_credential, svg_credential
from credentials.jose_forms import stored_ob_jwt, stored_vc_jose
from credentials.local_verification import verify_credential
from credentials.models import Credential, StatusCategory
from credentials.proofs import verify_document
from credentials.revocation import revoke_credential
from credentials.status_lists import bit_is_set, decode_bitstring

from .conftest import later

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(issue):
    subject = demo.demo_subject(1)
    from dataclasses import replace

    return issue(
        subject=replace(subject, name="<script>alert(1)</script> Ada"), valid_until=later(400)
    )


def test_html_page_shows_everything_escaped(client, credential):
    response = client.get(f"/credentials/{credential.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verified" in html and "The signature is valid" in html
    assert "Digital Skills Essentials" in html
    assert "Example &lt;University&gt;" in html and "Example <University>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ada" in html and "<script>alert" not in html
    for text in (
        "Evaluating data, information and digital content",
        "Foundation",
        "Intermediate",
        "DigComp 2.2",
        "Rubric assessment",
        "Expires",
        "Add to LinkedIn",
    ):
        assert text in html, text
    assert 'property="og:title"' in html and f"/credentials/{credential.pk}.png" in html
    assert "linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    assert "Accept" in response["Vary"].split(", ")


def test_same_url_gives_json_on_accept(client, credential):
    response = client.get(f"/credentials/{credential.pk}", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response.content == credential.document.encode()


def test_json_download_is_exact_stored_bytes(client, credential):
    response = client.get(f"/credentials/{credential.pk}.json?download=1")
    assert response.content == credential.document.encode()
    assert "attachment" in response["Content-Disposition"]


def test_jwt_download(client, credential):
    # The OB 3.0 §8.2 form is a plain JWT (typ JWT); the VC-JOSE-COSE form is vc+jwt.
    response = client.get(f"/credentials/{credential.pk}.jwt")
    assert response.content.decode() == stored_ob_jwt(credential)
    assert response["Content-Type"] == "application/jwt"
    response = client.get(f"/credentials/{credential.pk}.vc.jwt")
    assert response.content.decode() == stored_vc_jose(credential)
    assert response["Content-Type"] == "application/vc+jwt"


def test_baked_svg_and_png_carry_the_verifying_credential(client, credential):
    svg = client.get(f"/credentials/{credential.pk}.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"openbadges:credential" in svg.content
    png = client.get(f"/credentials/{credential.pk}.png")
    assert png.content.startswith(b"\x89PNG") and b"iTXtopenbadgecredential" in png.content
    for baked in (svg_credential(svg.content), png_credential(png.content)):
        assert json.loads(baked) == credential.data
        assert verify_credential(json.loads(baked)).ok


def test_qr_code(client, credential):
    response = client.get(f"/credentials/{credential.pk}/qr.png")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


def test_private_credential_is_404_to_the_public(client, credential):
    Credential.objects.filter(pk=credential.pk).update(is_public=False)
    for suffix in ("", ".json", ".jwt", ".vc.jwt", ".svg", ".png", "/qr.png"):
        assert client.get(f"/credentials/{credential.pk}{suffix}").status_code == 404
    for accept in ("application/jwt", "application/vc+jwt"):
        url = f"/credentials/{credential.pk}"
        assert client.get(url, HTTP_ACCEPT=accept).status_code == 404
    # A JWT form is signed on its first request (ADR 0092): not on an anonymous one for a
    # credential the public may not see.
    stored = Credential.objects.get(pk=credential.pk)
    assert (stored.jwt, stored.vc_jwt) == ("", "")
    assert client.get(f"/credentials/{uuid.uuid4()}").status_code == 404


def test_revoked_shows_revoked_with_the_public_category_only(client, credential):
    revoke_credential(
        credential=credential,
        reason="Copied a classmate's essay",
        category=StatusCategory.MISCONDUCT,
        actor="qa:carol",
    )
    html = client.get(f"/credentials/{credential.pk}").content.decode()
    assert "Revoked" in html and "The issuer has revoked this credential." in html
    assert "Academic misconduct finding" in html and "Verified" not in html
    # The issuer's own words are for the learner, never for the public page.
    assert "classmate" not in html


def test_tampered_document_shows_not_valid(client, credential):
    doc = credential.data
    doc["credentialSubject"]["result"][0]["value"] = "10"
    Credential.objects.filter(pk=credential.pk).update(document=json.dumps(doc))
    html = client.get(f"/credentials/{credential.pk}").content.decode()
    assert "Not valid" in html and "altered" in html


def test_issuer_profile_and_did_documents(client, issuer, credential):
    profile = client.get("/issuers/uni").json()
    assert profile["id"] == issuer.did and profile["type"] == ["Profile"]
    did_doc = client.get("/issuers/uni/did.json").json()
    assert did_doc["id"] == issuer.did
    method = did_doc["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert method["id"] == credential.data["proof"]["verificationMethod"]
    assert did_doc["assertionMethod"] == [method["id"]]
    assert client.get("/.well-known/did.json").status_code == 404
    issuer.is_default = True
    issuer.save()
    host = client.get("/.well-known/did.json").json()
    assert host["id"] == "did:web:127.0.0.1%3A8000"
    assert host["verificationMethod"][0]["id"].startswith("did:web:127.0.0.1%3A8000#key-")


def test_status_list_is_signed_cached_and_updated_on_revocation(client, credential):
    url = f"/status-lists/uni/{credential.status_list.number}"
    first = client.get(url)
    assert first.status_code == 200 and "max-age=300" in first["Cache-Control"]
    doc = json.loads(first.content)
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["credentialSubject"]["statusPurpose"] == "revocation"
    key = credential.signing_key.private_key().public_key()
    verify_document(doc, public_key=key)
    bits = decode_bitstring(doc["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072 and not bit_is_set(bits, credential.status_index)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url).content == first.content  # served from the cache
    revoke_credential(credential=credential, reason="Fraud", actor="qa:dan")
    second = json.loads(client.get(url).content)
    bits = decode_bitstring(second["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, credential.status_index)
    cache.clear()
    assert client.get("/status-lists/uni/99").status_code == 404


def test_verify_page_accepts_json_jwt_and_baked_images(client, credential):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert client.get("/credentials/verify").status_code == 200
    html = client.post("/credentials/verify", {"credential": credential.document}).content.decode()
    assert "Verified" in html and "The signature is valid" in html
    html = client.post(
        "/credentials/verify", {"credential": stored_ob_jwt(credential)}
    ).content.decode()
    assert "Verified" in html and "JWT signature is valid" in html
    for suffix, kind in ((".png", "image/png"), (".svg", "image/svg+xml")):
        body = client.get(f"/credentials/{credential.pk}{suffix}").content
        upload = SimpleUploadedFile(f"badge{suffix}", body, content_type=kind)
        html = client.post("/credentials/verify", {"file": upload}).content.decode()
        assert "Verified" in html, suffix
    tampered = credential.document.replace('"value": "7"', '"value": "10"')
    assert tampered != credential.document
    html = client.post("/credentials/verify", {"credential": tampered}).content.decode()
    assert "Not valid" in html and "altered" in html
    html = client.post("/credentials/verify", {"credential": "hello"}).content.decode()
    assert "neither JSON nor a JWT" in html
    bomb = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 10, content_type="image/png")
    html = client.post("/credentials/verify", {"file": bomb}).content.decode()
    assert "no Open Badges credential baked" in html


def test_baked_svg_uses_the_achievement_svg_image(client, issue):
    from dataclasses import replace

    badge = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect id="mine"/></svg>'
    )
    uri = "data:image/svg+xml;base64," + __import__("base64").b64encode(badge).decode()
    credential = issue(
        achievement=replace(demo.demo_achievement("http://127.0.0.1:8000"), image_url=uri)
    )
    response = client.get(f"/credentials/{credential.pk}.svg")
    assert b'<rect id="mine"/>' in response.content
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert json.loads(svg_credential(response.content)) == credential.data


def test_page_response_for_a_holder_points_assets_elsewhere(rf, credential):
    from credentials.views import credential_page_response

    Credential.objects.filter(pk=credential.pk).update(is_public=False)
    credential.refresh_from_db()
    urls = {fmt: f"/learner/own/{fmt}?lt=T" for fmt in ("json", "jwt", "svg", "png", "qr")}
    html = credential_page_response(rf.get("/"), credential, asset_urls=urls).content.decode()
    assert 'src="/learner/own/png?lt=T"' in html and 'href="/learner/own/json?lt=T"' in html
    assert f'src="/credentials/{credential.pk}.png"' not in html


@pytest.mark.parametrize("text", ["[1, 2]", '"a string"', "[" * 50_000 + "]" * 50_000, "a.b.c"])
def test_verify_page_survives_odd_input(client, db, text):
    response = client.post("/credentials/verify", {"credential": text})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert 'role="alert"' in html or "Not valid" in html
