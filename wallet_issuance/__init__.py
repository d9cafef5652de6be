"""Wallet issuance (OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow).

The top layer: it reads awarding's learner pages and asks credentials to sign a copy of a
learner's credential bound to the wallet holder's DID. Nothing else imports it (ADR 0060).
"""
