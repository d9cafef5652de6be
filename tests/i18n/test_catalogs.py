"""The translations are complete and what the site serves (ADR 0063): every language of
LANGUAGES but the English source has a catalog with every entry translated (no empty, no fuzzy
entry, the same %(placeholders)s), the committed .mo holds exactly what its .po says, and the
catalogs list every string the code and templates mark."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from .po_catalog import Entry, read_po

ROOT = Path(settings.BASE_DIR)
LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%|\{\w*\}")


def _po(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "django.po"


def _entries(code: str) -> list[Entry]:
    return [e for e in read_po(_po(code)) if e.msgid or e.msgctxt is not None]


def test_the_site_speaks_english_german_and_spanish_from_one_folder():
    assert settings.LANGUAGE_CODE == "en"
    assert TRANSLATED == ["de", "es"]
    assert LOCALE == ROOT / "locale" and LOCALE.is_dir()


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    entries = _entries(code)
    assert len(entries) > 500, "the catalog is far smaller than the site's strings"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    empty = [e.msgid for e in entries if not all(e.translations)]
    assert fuzzy == [], f"{code}: fuzzy entries (check and translate them): {fuzzy[:5]}"
    assert empty == [], f"{code}: untranslated entries: {empty[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_every_placeholder(code):
    wrong = []
    for e in _entries(code):
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for text in e.translations:
            # A singular may leave the count out ("ein Kriterium"); nothing else may go.
            missing = wanted - set(PLACEHOLDER.findall(text)) - {"%(n)s", "%(n)d"}
            extra = set(PLACEHOLDER.findall(text)) - wanted
            if missing or extra:
                wrong.append((e.msgid, text))
    assert wrong == [], f"{code}: placeholders differ: {wrong[:3]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_header_names_the_language_and_two_plural_forms(code):
    header = read_po(_po(code))[0]
    assert header.msgid == ""
    assert f"Language: {code}\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr
    assert "charset=UTF-8" in header.msgstr


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(code):
    """No gettext needed to run the site: the .mo is committed, and must say what the .po does."""
    with (LOCALE / code / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in _entries(code):
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr
        else:
            expected.update({(e.key, i): text for i, text in e.plurals.items()})
    catalog.pop("", None)  # the header
    assert catalog == expected, f"{code}: run `make messages` (compilemessages) and commit the .mo"


def _makefile_messages_args() -> list[str]:
    text = (ROOT / "Makefile").read_text()
    match = re.search(r"^MESSAGES_ARGS := (.*?)(?<!\\)$", text, re.M | re.S)
    assert match, "the Makefile's MESSAGES_ARGS"
    return match.group(1).replace("\\\n", " ").split()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) missing")
def test_the_catalogs_list_every_marked_string(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the tracked files adds nothing and drops nothing: a string
    marked in code or a template without its translations fails here."""
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.html", "*.txt", "locale/*.po"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "git ls-files found nothing"
    for name in tracked:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target)
    # `make messages`'s makemessages, in this process (a `manage.py` of its own started
    # Django again, ~1.4 s of CPU): run in the copy, with the copy's locale folder as the
    # only one it may write to, so the committed catalogs are never touched.
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    committed_before = {code: _po(code).read_bytes() for code in TRANSLATED}
    call_command("makemessages", *_makefile_messages_args(), verbosity=0)
    assert {code: _po(code).read_bytes() for code in TRANSLATED} == committed_before
    for code in TRANSLATED:
        committed = {(e.msgctxt, e.msgid, e.msgid_plural) for e in _entries(code)}
        fresh = [e for e in read_po(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po")]
        current = {(e.msgctxt, e.msgid, e.msgid_plural) for e in fresh if e.msgid}
        assert sorted(current - committed, key=str) == [], f"{code}: new strings, run make messages"
        assert sorted(committed - current, key=str) == [], f"{code}: strings no longer used"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) missing")
@pytest.mark.parametrize("code", TRANSLATED)
def test_msgfmt_accepts_the_catalog(code):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(_po(code))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
