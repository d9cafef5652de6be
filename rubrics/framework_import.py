"""Import a competence framework: a simple CSV, an ESCO skills CSV, or a CASE JSON package.

Parsing is pure (text in, rows out); `store_framework` writes the rows in one transaction,
updating by code so that importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from .models import Competence, Framework, ProficiencyLevel

KINDS = ("area", "competence", "level")
_url = URLValidator(schemes=["http", "https"])


class FrameworkImportError(ValueError):
    """The file cannot be imported; the message names the row and the problem."""


@dataclass(frozen=True)
class Row:
    kind: str
    code: str
    title: str
    url: str
    description: str = ""
    parent_code: str = ""


def _check_url(url: str, where: str) -> None:
    try:
        _url(url)
    except ValidationError as exc:
        raise FrameworkImportError(f"{where}: {url!r} is not an http(s) URL") from exc


def parse_simple_csv(text: str) -> list[Row]:
    """Columns: kind (area|competence|level), code, title, url, description, parent_code."""
    reader = csv.DictReader(io.StringIO(text))
    needed = {"kind", "code", "title", "url"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise FrameworkImportError(f"the CSV needs the columns {', '.join(sorted(needed))}")
    rows = []
    for n, rec in enumerate(reader, start=2):
        kind = (rec.get("kind") or "").strip().lower()
        if kind not in KINDS:
            raise FrameworkImportError(f"line {n}: kind must be one of {', '.join(KINDS)}")
        code, title = (rec.get("code") or "").strip(), (rec.get("title") or "").strip()
        if not code or not title:
            raise FrameworkImportError(f"line {n}: code and title are required")
        url = (rec.get("url") or "").strip()
        _check_url(url, f"line {n}")
        rows.append(
            Row(
                kind,
                code,
                title,
                url,
                (rec.get("description") or "").strip(),
                (rec.get("parent_code") or "").strip(),
            )
        )
    return rows


def parse_esco_csv(text: str) -> list[Row]:
    """ESCO's skills export (conceptUri, preferredLabel, description, ...)."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"conceptUri", "preferredLabel"} <= set(reader.fieldnames):
        raise FrameworkImportError("an ESCO skills CSV needs conceptUri and preferredLabel columns")
    rows = []
    for n, rec in enumerate(reader, start=2):
        uri = (rec.get("conceptUri") or "").strip()
        _check_url(uri, f"line {n}")
        title = (rec.get("preferredLabel") or "").strip()
        if not title:
            raise FrameworkImportError(f"line {n}: preferredLabel is empty")
        description = (rec.get("description") or rec.get("definition") or "").strip()
        rows.append(Row("competence", uri, title, uri, description))
    return rows


def parse_case_json(text: str) -> list[Row]:
    """A CASE (1EdTech Competencies and Academic Standards Exchange) package."""
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameworkImportError(f"not JSON: {exc}") from exc
    items = package.get("CFItems") if isinstance(package, dict) else None
    if not isinstance(items, list):
        raise FrameworkImportError("a CASE package needs a CFItems list")
    parents: dict[str, str] = {}
    for assoc in package.get("CFAssociations") or []:
        if assoc.get("associationType") == "isChildOf":
            child = (assoc.get("originNodeURI") or {}).get("identifier")
            parent = (assoc.get("destinationNodeURI") or {}).get("identifier")
            if child and parent:
                parents[child] = parent
    ids = {i.get("identifier") for i in items}
    code_of = {
        i.get("identifier"): i.get("humanCodingScheme") or i.get("identifier") for i in items
    }
    rows = []
    for n, item in enumerate(items):
        ident = item.get("identifier")
        title = (item.get("fullStatement") or item.get("abbreviatedStatement") or "").strip()
        if not ident or not title:
            raise FrameworkImportError(f"CFItem {n}: identifier and fullStatement are required")
        url = item.get("uri") or ""
        _check_url(url, f"CFItem {ident}")
        parent = parents.get(ident)
        rows.append(
            Row(
                "competence",
                code_of[ident],
                title,
                url,
                item.get("notes") or "",
                code_of[parent] if parent in ids else "",
            )
        )
    return rows


PARSERS = {"csv": parse_simple_csv, "esco": parse_esco_csv, "case": parse_case_json}


def store_framework(
    *, slug: str, name: str, version: str, url: str, source: str, rows: list[Row]
) -> Framework:
    _check_url(url, "framework url")
    codes = {r.code for r in rows if r.kind != "level"}
    for r in rows:
        if r.parent_code and r.parent_code not in codes:
            raise FrameworkImportError(f"{r.code}: parent {r.parent_code!r} is not in the file")
    with transaction.atomic():
        fw, _ = Framework.objects.update_or_create(
            slug=slug, defaults={"name": name, "version": version, "url": url, "source": source}
        )
        by_code: dict[str, Competence] = {}
        for pos, r in enumerate(rows, start=1):
            if r.kind == "level":
                ProficiencyLevel.objects.update_or_create(
                    framework=fw,
                    code=r.code,
                    defaults={
                        "name": r.title,
                        "url": r.url,
                        "description": r.description,
                        "position": pos,
                    },
                )
                continue
            by_code[r.code], _ = Competence.objects.update_or_create(
                framework=fw,
                code=r.code,
                defaults={
                    "kind": r.kind,
                    "title": r.title,
                    "url": r.url,
                    "description": r.description,
                    "position": pos,
                    "parent": None,
                },
            )
        for r in rows:
            if r.kind != "level" and r.parent_code:
                Competence.objects.filter(pk=by_code[r.code].pk).update(
                    parent=by_code[r.parent_code]
                )
    return fw
