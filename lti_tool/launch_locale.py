"""Which of the site's languages a launch asks for (ADR 0063).

Inside an LMS frame the browser's Accept-Language may not be what the person chose in the
LMS; the signed launch says what the LMS itself shows them. Platforms spell it their own way
(Moodle sends its language pack code, `de` or `es_mx`; Canvas a BCP 47 tag, `de` or `en-GB`,
in `launch_presentation.locale` and again in the OIDC `locale` claim), so both separators are
read. A locale the site has no catalog for chooses nothing: the browser's language stands.
"""

from __future__ import annotations

from django.utils import translation


def launch_language(locale: str) -> str | None:
    """The supported language code for an LTI locale (`de-DE`, `es_mx` -> `de`, `es`), or
    None when the site does not speak it (then Accept-Language decides)."""
    tag = locale.strip().replace("_", "-").lower()
    if not tag:
        return None
    try:
        return translation.get_supported_language_variant(tag)
    except LookupError:
        return None
