"""The Open Badges 3.0 API, Provider role (1EdTech OB 3.0 §6-7): discovery, dynamic client
registration, the authorization code grant with PKCE and the learner's consent, and the
read endpoints for a learner's credentials and profile.

The top layer beside wallet_issuance: it reads awarding's launch access checks and
credentials; nothing imports it (ADR 0061). The OAuth server is django-oauth-toolkit.
"""
