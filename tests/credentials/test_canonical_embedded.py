"""Documents with embedded proofs and credentials (named graphs) canonicalize as PyLD does.

An achievement's endorsements are signed EndorsementCredentials with their own `proof`, and a
learner record (CLR 2.0) embeds whole signed credentials under `verifiableCredential`; both
properties are `@container: @graph`, so each value is a named graph with a blank-node name.
The fast walker must give the same dataset, and labelling the same canonical N-Quads, as
PyLD's normalize: random endorsements and records, real signed ones, and edge cases.
"""

import copy
import dataclasses
import json
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.canonicalize import canonicalize, reference_canonicalize
from credentials.clr_json import compose_clr
from credentials.credential_json import compose_credential
from credentials.documents import ClrInput, SubjectInput
from credentials.endorsement_json import EndorsementInput, compose_endorsement
from credentials.fast_canon import Unsupported, fast_canonicalize
from credentials.proofs import sign_document
from tests.hypothesis_profiles import examples

from .samples import sample_input
from .test_canonical_equivalence import credential_inputs, nonempty, text, url

KEY = Ed25519PrivateKey.generate()
METHOD = "did:web:credbridge.example.edu:issuers:uni#key-1"


def _signed(document, created="2026-01-15T10:00:00Z"):
    return sign_document(document, private_key=KEY, verification_method=METHOD, created=created)


# Proofs as other signers write them: any verification method, extra or missing keys.
proof_mutations = st.lists(
    st.tuples(
        st.sampled_from(["verificationMethod", "proofValue", "created", "nonce", "undefinedKey"]),
        st.one_of(text, st.booleans(), st.integers(-5, 5)),
    ),
    max_size=2,
)


@st.composite
def endorsements(draw, subject_id, mutate):
    data = sample_input()
    issuer = dataclasses.replace(data.issuer, name=draw(nonempty), url=draw(url))
    document = compose_endorsement(
        EndorsementInput(
            credential_id=f"urn:uuid:{draw(st.uuids())}",
            issuer=issuer,
            subject_id=draw(st.sampled_from([subject_id, "did:web:other.example"])),
            name=draw(nonempty),
            comment=draw(text),
            valid_from="2026-01-15T10:00:00Z",
        )
    )
    signed = _signed(document)
    for key, value in draw(proof_mutations) if mutate else ():
        signed["proof"][key] = value
    return signed


@st.composite
def endorsed_credentials(draw, mutate=False):
    data = draw(credential_inputs())
    subject_id = data.achievement.id
    embedded = draw(st.lists(endorsements(subject_id, mutate), min_size=0, max_size=3))
    achievement = dataclasses.replace(
        data.achievement, endorsements=tuple(json.dumps(e) for e in embedded)
    )
    return compose_credential(dataclasses.replace(data, achievement=achievement))


@st.composite
def records(draw):
    credentials = []
    for i in range(draw(st.integers(1, 3))):
        document = (
            draw(endorsed_credentials())
            if i == 0
            else compose_credential(draw(credential_inputs()))
        )
        credentials.append(_signed(document) if draw(st.booleans()) else document)
    ids = [c["id"] for c in credentials]
    if len(set(ids)) != len(ids):
        credentials = credentials[:1]
    data = sample_input()
    return compose_clr(
        ClrInput(
            record_id=f"urn:uuid:{draw(st.uuids())}",
            issuer=data.issuer,
            subject=SubjectInput("emailAddress", draw(nonempty), salt="s", name=draw(text)),
            name=draw(nonempty),
            description=draw(text),
            valid_from="2026-01-15T10:00:00Z",
            credentials=tuple(credentials),
            stacks=(),
        )
    )


SETTINGS = settings(max_examples=examples(20), suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(endorsed_credentials())
def test_credentials_with_embedded_endorsements_take_the_fast_path_and_match_pyld(doc):
    assert fast_canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(endorsed_credentials(mutate=True))
def test_endorsements_with_any_proof_contents_match_pyld(doc):
    # e.g. an empty verificationMethod is a relative IRI: PyLD's answer, via the fallback
    assert canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(records())
def test_learner_records_take_the_fast_path_and_match_pyld(doc):
    assert fast_canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(endorsed_credentials(), st.booleans())
def test_signed_documents_with_their_own_proof_match_pyld(doc, twice):
    # A verifier canonicalizes without the proof, but documents with it must not go wrong.
    signed = _signed(doc)
    if twice:  # a proof set: two proofs, two named graphs
        signed["proof"] = [signed["proof"], _signed(doc, "2026-02-01T00:00:00Z")["proof"]]
    assert canonicalize(copy.deepcopy(signed)) == reference_canonicalize(signed)


def _record_of(n, *, same_learner):
    credentials = []
    for i in range(n):
        data = sample_input(str(uuid.UUID(int=500 + i, version=4)))
        if not same_learner:
            data = dataclasses.replace(
                data, subject=dataclasses.replace(data.subject, salt=f"salt{i}")
            )
        document = compose_credential(data)
        document["credentialSubject"]["achievement"]["id"] += f"-{i}"
        credentials.append(_signed(document))
    data = sample_input()
    return compose_clr(
        ClrInput(
            record_id="urn:uuid:9a8fad5b-d9cb-469f-a165-70867728950e",
            issuer=data.issuer,
            subject=data.subject,
            name="Record",
            description="",
            valid_from="2026-01-15T10:00:00Z",
            credentials=tuple(credentials),
            stacks=(),
        )
    )


def test_a_real_record_of_credentials_matches_pyld_whether_identity_nodes_repeat_or_not():
    # The same salt gives identical identity nodes in every embedded graph: equal
    # first-degree hashes, labelled by the general algorithm; distinct salts do not.
    for same_learner in (True, False):
        record = _record_of(4, same_learner=same_learner)
        assert fast_canonicalize(copy.deepcopy(record)) == reference_canonicalize(record)


def test_a_real_endorsed_credential_takes_the_fast_path_and_matches_pyld():
    data = sample_input()
    endorsement = _signed(
        compose_endorsement(
            EndorsementInput(
                "urn:uuid:11111111-1111-4111-8111-111111111111",
                data.issuer,
                data.achievement.id,
                "Endorsement",
                "Sound assessment.",
                "2026-01-15T10:00:00Z",
            )
        )
    )
    achievement = dataclasses.replace(data.achievement, endorsements=(json.dumps(endorsement),))
    doc = compose_credential(dataclasses.replace(data, achievement=achievement))
    canonical = fast_canonicalize(copy.deepcopy(doc))
    assert endorsement["proof"]["proofValue"] in canonical
    assert canonical == reference_canonicalize(doc)


def _graph_edge(value):
    def build():
        doc = compose_credential(sample_input())
        doc["proof"] = value
        return doc

    return build


def test_graph_container_values_outside_our_shapes_fall_back_and_still_match():
    for build in (
        _graph_edge("https://x.example/proof"),  # a reference, wrapped into a graph
        _graph_edge([["nested"]]),
        _graph_edge({"@graph": {"type": "DataIntegrityProof"}}),  # a graph object already
    ):
        doc = build()
        try:
            fast_canonicalize(copy.deepcopy(doc))
            raise AssertionError("must leave the fast path")
        except Unsupported:
            pass
        assert canonicalize(doc) == reference_canonicalize(doc)


def test_graph_container_edge_values_match_pyld():
    for value in (None, [], {}, [{}, {}], {"id": "https://x.example/p", "type": "X"}):
        doc = _graph_edge(value)()
        assert canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)
