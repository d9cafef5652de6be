"""Credential Issuer metadata (OID4VCI 1.0 §12.2) and the OAuth 2.0 Authorization Server
metadata (RFC 8414) of the token endpoint: this tool is both, at its public base URL."""

from __future__ import annotations

from credentials.jsonld_loader import OB_V3, VC_V2

from .offers import CONFIGURATIONS, PRE_AUTHORIZED_GRANT, credential_issuer_id

CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
SIGNING_ALGS = {"ldp_vc": ["eddsa-rdfc-2022"], "jwt_vc_json-ld": ["EdDSA"]}


def endpoint(path: str) -> str:
    return credential_issuer_id() + path


def credential_issuer_metadata(*, issuer_name: str) -> dict:
    configurations = {
        config_id: {
            "format": fmt,
            "credential_definition": {"@context": [VC_V2, OB_V3], "type": CREDENTIAL_TYPE},
            "cryptographic_binding_methods_supported": ["did:key", "jwk"],
            "credential_signing_alg_values_supported": SIGNING_ALGS[fmt],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
            "credential_metadata": {"display": [{"name": "Open Badge", "locale": "en"}]},
        }
        for config_id, fmt in CONFIGURATIONS.items()
    }
    return {
        "credential_issuer": credential_issuer_id(),
        "credential_endpoint": endpoint("/oid4vci/credential"),
        "nonce_endpoint": endpoint("/oid4vci/nonce"),
        "display": [{"name": issuer_name, "locale": "en"}],
        "credential_configurations_supported": configurations,
    }


def authorization_server_metadata() -> dict:
    return {
        "issuer": credential_issuer_id(),
        "token_endpoint": endpoint("/oid4vci/token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
