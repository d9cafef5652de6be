import pytest
from django.contrib.auth.models import User

from audit.events import record_event


@pytest.mark.django_db
def test_admin_is_read_only(client):
    admin = User.objects.create_superuser("root", "r@example.org", "pw-long-enough-1")
    client.force_login(admin)
    event = record_event(
        actor="a", action="rubric.created", object_type="t", object_id="<script>1</script>"
    )
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert b"<script>1</script>" not in listing.content
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    page = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == 200  # view only
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
