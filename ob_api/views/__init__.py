"""Thin views of the Open Badges API: the JSON endpoints (api), the OAuth endpoints on
django-oauth-toolkit (oauth), and the learner's connected-apps page (learner)."""
