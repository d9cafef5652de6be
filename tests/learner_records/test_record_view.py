"""The record page's grouping, read from the signed record alone (pure): a pathway with its
components under it, a component of two pathways under each, everything else on its own."""

from learner_records.record_view import record_view


def _credential(n, achievement):
    return {
        "id": f"urn:uuid:{n}",
        "validFrom": f"2026-03-0{n}T10:00:00Z",
        "credentialSubject": {
            "achievement": {
                "id": achievement,
                "name": achievement.title(),
                "achievementType": "Badge",
            }
        },
    }


def _pairs(*pairs):
    return [
        {"type": "Association", "associationType": kind, "sourceId": a, "targetId": b}
        for parent, child in pairs
        for kind, a, b in (("isParentOf", parent, child), ("isChildOf", child, parent))
    ]


def test_pathways_hold_their_components_and_the_rest_stands_alone():
    record = {
        "name": "Learner record at Example U",
        "issuer": {"id": "did:web:x", "name": "Example U"},
        "validFrom": "2026-03-09T10:00:00Z",
        "credentialSubject": {
            "verifiableCredential": [
                _credential(1, "search"),
                _credential(2, "evaluate"),
                _credential(3, "create"),
                _credential(4, "literacy"),
                _credential(5, "content"),
            ],
            "association": _pairs(
                ("literacy", "search"), ("literacy", "evaluate"), ("content", "evaluate")
            ),
        },
    }
    view = record_view(record, {"urn:uuid:2": "revoked"})
    assert (view.name, view.institution, view.issued, view.count) == (
        "Learner record at Example U",
        "Example U",
        "2026-03-09",
        5,
    )
    shown = [(e.name, [c.name for c in e.children]) for e in view.entries]
    assert shown == [
        ("Create", []),
        ("Literacy", ["Search", "Evaluate"]),
        ("Content", ["Evaluate"]),
    ]
    assert view.entries[1].children[1].state == "revoked"
    assert view.entries[1].issued == "2026-03-04"


def test_a_record_without_associations_lists_every_credential():
    record = {
        "credentialSubject": {"verifiableCredential": [_credential(1, "a"), "not a credential"]}
    }
    view = record_view(record)
    assert [e.name for e in view.entries] == ["A"] and view.count == 1
