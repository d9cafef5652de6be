"""The LTI Advantage scopes, by what a call needs."""

LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_READONLY = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def read_lineitems_scope(granted: list[str] | None) -> str:
    """Listing line items works with either scope; ask for the one the platform granted."""
    if granted and LINEITEM_READONLY not in granted and LINEITEM in granted:
        return LINEITEM
    return LINEITEM_READONLY
