"""The QA console's endorsement page (ADR 0066): endorse a credential on the institution's
behalf, accept an outside organisation's signed endorsement, withdraw either; an operator
(superuser, with a QA scope like everyone here: ADR 0075) registers outside organisations by
did:web, which is trust for every institution, so no QA scope alone grants it. Every change
is an awarding service that writes its audit entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awarding.endorsement_listing import endorsement_page_url
from awarding.endorsements import (
    EndorsementRefused,
    accept_external_endorsement,
    endorse_as_qa,
    endorsements_in_scope,
    withdraw_endorsement,
)
from awarding.endorser_registry import EndorserRefused, deregister_endorser, register_endorser
from awarding.models import Achievement, Endorser

from ..access import console_actor_id, is_operator, qa_required, scope_to_platforms
from ..endorsement_forms import EndorseForm, RegisterEndorserForm, SubmitForm, WithdrawForm

MAX_LISTED = 200


def _achievements(platform_ids: frozenset[int]):
    found = scope_to_platforms(Achievement.objects.all(), platform_ids, "platform_id")
    return found.order_by("name", "pk")


def _page(request: HttpRequest, platform_ids: frozenset[int], **forms) -> HttpResponse:
    endorsements = list(endorsements_in_scope(platform_ids)[:MAX_LISTED])
    context = {
        "endorsements": [(e, endorsement_page_url(e.uuid)) for e in endorsements],
        "endorsers": Endorser.objects.filter(active=True),
        "endorse_form": forms.get("endorse_form")
        or EndorseForm(achievements=_achievements(platform_ids)),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "withdraw_form": WithdrawForm(),
        "register_form": forms.get("register_form") or RegisterEndorserForm(),
        "may_register": is_operator(request),
    }
    status = 400 if forms else 200
    return render(request, "qa_console/endorsements.html", context, status=status)


@require_GET
@qa_required
def endorsements(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    return _page(request, platform_ids)


@require_POST
@qa_required
def endorse(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    form = EndorseForm(request.POST, achievements=_achievements(platform_ids))
    if not form.is_valid():
        return _page(request, platform_ids, endorse_form=form)
    try:
        endorse_as_qa(
            achievement=form.cleaned_data["achievement"],
            comment=form.cleaned_data["comment"],
            actor=console_actor_id(request),
        )
    except EndorsementRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, platform_ids, endorse_form=form)
    name = form.cleaned_data["achievement"].name
    messages.success(request, _("Endorsed “%(name)s”.") % {"name": name})
    return redirect("qa:endorsements")


@require_POST
@qa_required
def submit(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    form = SubmitForm(request.POST, request.FILES)
    text = form.text() if form.is_valid() else ""
    if not text.strip():
        form.add_error(None, _("Paste the endorsement's JSON or choose its file."))
        return _page(request, platform_ids, submit_form=form)
    try:
        accepted = accept_external_endorsement(
            text=text, actor=console_actor_id(request), platform_ids=platform_ids
        )
    except EndorsementRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, platform_ids, submit_form=form)
    messages.success(
        request, _("Accepted the endorsement by %(name)s.") % {"name": accepted.endorser_name}
    )
    return redirect("qa:endorsements")


@require_POST
@qa_required
def withdraw(
    request: HttpRequest, endorsement_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    endorsement = get_object_or_404(endorsements_in_scope(platform_ids), uuid=endorsement_uuid)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is withdrawn."))
        return redirect("qa:endorsements")
    try:
        withdraw_endorsement(
            endorsement=endorsement,
            reason=form.cleaned_data["reason"],
            actor=console_actor_id(request),
        )
    except EndorsementRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrew the endorsement."))
    return redirect("qa:endorsements")


@require_POST
@qa_required
def register(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    if not is_operator(request):
        # Trusting an organisation's key is the operator's decision, for every institution.
        raise PermissionDenied(_("Only an operator may register an endorsing organisation."))
    form = RegisterEndorserForm(request.POST)
    if not form.is_valid():
        return _page(request, platform_ids, register_form=form)
    try:
        endorser = register_endorser(
            did=form.cleaned_data["did"],
            name=form.cleaned_data["name"],
            actor=console_actor_id(request),
        )
    except EndorserRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, platform_ids, register_form=form)
    messages.success(request, _("Registered %(name)s.") % {"name": endorser.name})
    return redirect("qa:endorsements")


@require_POST
@qa_required
def deregister(
    request: HttpRequest, endorser_id: int, *, platform_ids: frozenset[int]
) -> HttpResponse:
    if not is_operator(request):
        raise PermissionDenied(_("Only an operator may register an endorsing organisation."))
    endorser = get_object_or_404(Endorser, pk=endorser_id)
    deregister_endorser(endorser=endorser, actor=console_actor_id(request))
    messages.success(request, _("%(name)s is no longer trusted.") % {"name": endorser.name})
    return redirect("qa:endorsements")
