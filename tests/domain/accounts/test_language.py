"""Each user's language: chosen on their own page (or by an administrator), it is the language of their
management pages; the command line speaks French when the shell does."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from events.models import AuditEntry, User
from tests.conftest import csrf_token, sign_in
from tests.pages import main_text


def _user(db, email: str) -> User:
    return db.run(lambda session, _s: session.scalar(select(User).where(User.email == email)))


def test_a_user_switches_their_management_pages_to_french_and_back(accounts, db, client):
    sign_in(client, accounts.organiser)
    assert "Audit log" in main_text(client.get("/manage/audit").text)
    token = csrf_token(client, "/manage/account")
    response = client.post(
        "/manage/account/language",
        data={"_csrf_token": token, "language": "fr", "next": "/manage/audit"},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303)
    assert response.headers["location"].endswith("/manage/audit")
    page = client.get("/manage/audit", headers={"Accept-Language": "en"}).text
    assert '<html lang="fr"' in page
    assert "Journal d’audit" in main_text(page)
    assert "Les pages de gestion sont maintenant en français." in main_text(page)
    assert _user(db, accounts.organiser).language == "fr"
    entry = db.run(
        lambda session, _s: session.scalar(
            select(AuditEntry).where(AuditEntry.entity_type == "user_account").order_by(AuditEntry.id.desc())
        )
    )
    assert entry.changes == {"language": {"before": None, "after": "fr"}}

    client.post("/manage/account/language", data={"_csrf_token": token, "language": ""})
    assert _user(db, accounts.organiser).language is None
    page = client.get("/manage/audit", headers={"Accept-Language": "en"}).text
    assert "Audit log" in main_text(page)


def test_the_language_route_needs_the_csrf_token_and_a_signed_in_user(accounts, db, client):
    refused = client.post("/manage/account/language", data={"language": "fr"}, follow_redirects=False)
    assert refused.status_code in (302, 303) and "/manage/login" in refused.headers["location"]
    sign_in(client, accounts.organiser)
    forged = client.post("/manage/account/language", data={"language": "fr"}, follow_redirects=False)
    assert forged.status_code == 403
    assert _user(db, accounts.organiser).language is None


def test_the_language_route_changes_only_the_signed_in_users_own_preference(accounts, db, client):
    sign_in(client, accounts.organiser)
    token = csrf_token(client, "/manage/account")
    admin = _user(db, accounts.admin)
    client.post(
        "/manage/account/language",
        data={"_csrf_token": token, "language": "fr", "user_id": str(admin.id), "email": accounts.admin},
    )
    assert _user(db, accounts.organiser).language == "fr"
    assert _user(db, accounts.admin).language is None
    bad = client.post("/manage/account/language", data={"_csrf_token": token, "language": "de"})
    assert bad.status_code == 200  # back on the account page, with the refusal
    assert _user(db, accounts.organiser).language == "fr"


def test_an_administrator_sets_a_users_language(accounts, db, client):
    sign_in(client, accounts.admin)
    staff = _user(db, accounts.staff)
    token = csrf_token(client, f"/manage/users/{staff.id}")
    client.post(
        f"/manage/users/{staff.id}",
        data={"_csrf_token": token, "role": "staff", "is_active": "1", "language": "fr"},
    )
    assert _user(db, accounts.staff).language == "fr"
    page = client.get(f"/manage/users/{staff.id}").text
    assert '<option value="fr" lang="fr" selected>' in page


def test_the_signed_in_user_carries_their_language(accounts, db, client):
    sign_in(client, accounts.staff)
    token = csrf_token(client, "/manage/account")
    client.post("/manage/account/language", data={"_csrf_token": token, "language": "fr"})
    assert 'value="fr" checked' in client.get("/manage/account").text


def _cli(settings, *args, stdin="", language="fr_CA.UTF-8"):
    env = {name: value for name, value in os.environ.items() if name not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env |= {"LANG": language, "EVENTS_DATABASE_URL": settings.database_url,
            "EVENTS_DATA_DIR": str(settings.data_dir), "EVENTS_STORAGE_DIR": str(settings.storage_dir)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "events.cli", *args], input=stdin, env=env, capture_output=True, text=True
    )


def test_the_command_line_speaks_french_when_the_shell_does(db, settings):
    made = _cli(
        settings, "create-user", "Lea@example.org", "--role", "admin", stdin="un mot de passe assez long\n"
    )
    assert made.returncode == 0, made.stderr
    assert "Administrateur lea@example.org créé." in made.stdout
    short = _cli(settings, "create-user", "x@example.org", stdin="court\n")
    assert short.returncode != 0 and "au moins 10 caractères" in short.stderr
    english = _cli(
        settings, "create-user", "y@example.org", stdin="long enough password\n", language="en_CA.UTF-8"
    )
    assert "Created organiser y@example.org." in english.stdout


def test_the_directory_accounts_and_audit_pages_read_in_french(accounts, db, client):
    sign_in(client, accounts.admin)
    token = csrf_token(client, "/manage/account")
    client.post("/manage/account/language", data={"_csrf_token": token, "language": "fr"})
    ids = _user(db, accounts.staff).id
    pages = {
        "/manage/people": "Ajouter une personne",
        "/manage/people?q=mckendy": "1 personne correspond à « mckendy »",
        "/manage/people/1": "Fusionner avec une autre fiche",
        "/manage/people/new": "Nouvelle personne",
        "/manage/organisations": "Ajouter une organisation",
        "/manage/organisations/1": "Nom (français)",
        "/manage/duplicates": "Doublons possibles",
        "/manage/duplicates?kind=organisation": "Doublons possibles",
        "/manage/directory/import": "Importer des personnes et des organisations",
        "/manage/users": "Ajouter un utilisateur",
        f"/manage/users/{ids}": "Langue des pages de gestion",
        "/manage/audit": "Journal d’audit",
        "/manage/account": "Votre compte",
    }
    for path, french in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert french in main_text(response.text).replace("\u00a0", " "), path
    token = csrf_token(client, "/manage/directory/import")
    preview = client.post(
        "/manage/directory/import",
        data={"_csrf_token": token},
        files={"files": ("gens.csv", b"given_name,family_name\nZo\xc3\xab,Lavoie\n,\n", "text/csv")},
    )
    text = main_text(preview.text).replace("\u00a0", " ")
    assert "« gens.csv » : 1 ligne de personnes" in text
    assert "Importer 1 nouvelle fiche et 0 fiche modifiée" in text
    client.post("/manage/logout", data={"_csrf_token": csrf_token(client, "/manage/account")})
    login = client.get("/manage/login", cookies={"lang": "fr"})
    assert "Ouvrir une session" in main_text(login.text)
