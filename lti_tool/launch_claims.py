"""The claims of a verified launch, made fit to store: one rule for text, one for identifiers.

A signed id_token proves who sent it, not that its claims are sensible: a platform (or anyone
holding a registration's key) can send a NUL character, which PostgreSQL cannot store in text
or jsonb, or an object where the specification says string. Either used to end in a 500.

- Display text (names, email, course title and label, resource link title): a string has its
  NUL characters removed; a number becomes its decimal text; null counts as absent; anything
  else (object, array, boolean) is refused.
- Identifiers and URLs (sub, context id, resource link id, service URLs and scopes, locale,
  return URL): must be strings (ids may be numbers) without NUL and no longer than the tool
  stores, else refused — removing or cutting characters of an identifier could make two
  people or courses one.
- Anywhere else in the claims a NUL is refused: no claim the tool reads needs one.

Refusals are 400 `bad_claim` pages naming the claim (lti_tool/refusals.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .refusals import malformed

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NUL = "\x00"

# (claim, key inside it or None for a top-level claim) -> a name people understand
DISPLAY_TEXT = {
    ("name", None): "name",
    ("given_name", None): "given_name",
    ("family_name", None): "family_name",
    ("email", None): "email",
    (LTI + "context", "title"): "context title",
    (LTI + "context", "label"): "context label",
    (LTI + "resource_link", "title"): "resource link title",
    (LTI + "resource_link", "description"): "resource link description",
    (LTI + "lis", "person_sourcedid"): "lis person_sourcedid",
}
# ... with the longest value the tool stores (a longer one is refused, not cut: an identifier
# cut short names something else).
IDENTIFIERS = {
    ("sub", None): ("subject (sub)", 255),
    (LTI + "context", "id"): ("context id", 255),
    (LTI + "resource_link", "id"): ("resource link id", 255),
    (LTI + "launch_presentation", "locale"): ("locale", None),
    ("locale", None): ("locale", None),
    (LTI + "launch_presentation", "return_url"): ("return URL", None),
    (AGS, "lineitems"): ("AGS line items URL", 1000),
    (AGS, "lineitem"): ("AGS line item URL", 1000),
    (NRPS, "context_memberships_url"): ("NRPS memberships URL", 1000),
}
STRING_LISTS = {(AGS, "scope"): "AGS scope"}


# Claims are named in the protocol's own words (sub, locale, AGS scope), for the LMS's
# administrator who reads them with the reason code; the sentence around them is translated.
NOT_TEXT = gettext_noop("The id_token's %(what)s is not text.")
NOT_STRING = gettext_noop("The id_token's %(what)s is not a string.")
HAS_NUL = gettext_noop("The id_token's %(what)s contains a NUL character.")
TOO_LONG = gettext_noop("The id_token's %(what)s is longer than %(limit)s characters.")
NOT_STRING_LIST = gettext_noop("The id_token's %(what)s is not a list of strings.")


def _refuse(what: str, sentence: str, **params: object):
    return malformed("bad_claim", sentence, params={"what": what, **params})


def _display_text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _refuse(what, NOT_TEXT)


def _identifier(value: object, what: str, limit: int | None) -> None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return
    if not isinstance(value, str):
        raise _refuse(what, NOT_STRING)
    if NUL in value:
        raise _refuse(what, HAS_NUL)
    if limit is not None and len(value) > limit:
        raise _refuse(what, TOO_LONG, limit=limit)


def _string_list(value: object, what: str) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(what, NOT_STRING_LIST)
    if any(NUL in v for v in value):
        raise _refuse(what, HAS_NUL)


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def _get(claims: dict, claim: str, key: str | None) -> tuple[bool, object]:
    holder = claims if key is None else claims.get(claim)
    name = claim if key is None else key
    if not isinstance(holder, dict) or name not in holder:
        return False, None
    return True, holder[name]


def _put(claims: dict, claim: str, key: str | None, value: object) -> None:
    if key is None:
        claims[claim] = value
    else:
        claims[claim] = {**claims[claim], key: value}


def clean_launch_claims(claims: dict) -> dict:
    """A copy of the verified claims with display text cleaned; raises LaunchRefused (400)
    for a wrong JSON type or a NUL where it cannot be removed."""
    cleaned = dict(claims)
    for where, what in DISPLAY_TEXT.items():
        present, value = _get(cleaned, *where)
        if present:
            _put(cleaned, *where, _display_text(value, what))
    for where, (what, limit) in IDENTIFIERS.items():
        present, value = _get(cleaned, *where)
        if present:
            _identifier(value, what, limit)
    for where, what in STRING_LISTS.items():
        present, value = _get(cleaned, *where)
        if present:
            _string_list(value, what)
    for claim, value in cleaned.items():
        if _contains_nul(claim) or _contains_nul(value):
            name = claim.rsplit("/", 1)[-1].replace(NUL, "")[:60]
            raise _refuse(f"{name} claim", HAS_NUL)
    return cleaned
