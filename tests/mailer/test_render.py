"""Templates: every mail in every language renders; French is the default and the fallback."""

import shutil
from pathlib import Path

import jinja2
import pytest

from mailer.render import TEMPLATES_DIR, MailRenderer, UnknownTemplate
from tests.mailer.samples import SAMPLE_CONTEXTS

renderer = MailRenderer(public_url="http://cartable.test/")


def test_every_template_has_a_sample_context_and_every_language() -> None:
    assert renderer.templates() == sorted(SAMPLE_CONTEXTS)
    for template in renderer.templates():
        assert renderer.locales(template) == ["en", "fr", "nl"]


@pytest.mark.parametrize("template", sorted(SAMPLE_CONTEXTS))
@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_each_template_renders_subject_text_and_html(template: str, locale: str) -> None:
    mail = renderer.render(template, locale, SAMPLE_CONTEXTS[template])
    assert mail.locale == locale
    assert mail.subject
    assert "\n" not in mail.subject
    assert mail.text.strip()
    assert f'<html lang="{locale}">' in mail.html


@pytest.mark.parametrize("template", ["invitation", "password_reset"])
@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_account_mails_give_the_username_and_the_activation_link(
    template: str, locale: str
) -> None:
    context = SAMPLE_CONTEXTS[template]
    mail = renderer.render(template, locale, context)
    link = f"http://cartable.test/activate?token={context['token']}"
    assert context["username"] in mail.text
    assert f"<strong>{context['username']}</strong>" in mail.html
    assert link in mail.text
    assert f'href="{link}"' in mail.html


def test_invitation_in_french_by_default() -> None:
    mail = renderer.render("invitation", "fr", SAMPLE_CONTEXTS["invitation"])
    assert mail.subject == "École Démo vous invite sur Cartable"
    assert "Bonjour Anne Dupont," in mail.text
    assert "Votre nom d'utilisateur : anne.dupont" in mail.text
    assert "http://cartable.test/activate?token=tok-123" in mail.text
    # 08:00 UTC is 09:00 in Brussels in November, written the Belgian French way.
    assert "jusqu'au lundi 16 novembre 2026 à 09:00" in mail.text
    assert "Activer mon compte" in mail.html


def test_invitation_in_english() -> None:
    mail = renderer.render("invitation", "en", SAMPLE_CONTEXTS["invitation"])
    assert mail.subject == "École Démo invites you to Cartable"
    assert "Your username: anne.dupont" in mail.text
    assert "until 09:00 on Monday, 16 November 2026" in mail.text
    assert "Activate my account" in mail.html


def test_dates_follow_the_time_zone_given() -> None:
    context = {**SAMPLE_CONTEXTS["password_reset"], "time_zone": "America/New_York"}
    assert (
        "until 03:00 on Monday, 16 November 2026"
        in renderer.render("password_reset", "en", context).text
    )


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [("fr-BE", "fr"), ("EN", "en"), ("en_GB", "en"), ("nl-BE", "nl"), ("de-DE", "fr"), ("", "fr")],
)
def test_locale_is_matched_on_the_language_and_falls_back_to_french(
    asked: str, chosen: str
) -> None:
    assert (
        renderer.render("password_reset", asked, SAMPLE_CONTEXTS["password_reset"]).locale == chosen
    )


def test_password_reset_greets_by_display_name_when_given() -> None:
    context = {
        **SAMPLE_CONTEXTS["password_reset"],
        "display_name": "Anne",
        "school_name": "École Démo",
    }
    mail = renderer.render("password_reset", "fr", context)
    assert "Bonjour Anne," in mail.text
    assert "compte Cartable (École Démo)" in mail.text


def test_a_missing_context_key_fails_loudly() -> None:
    context = dict(SAMPLE_CONTEXTS["invitation"])
    del context["school_name"]
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("invitation", "fr", context)


@pytest.mark.parametrize("name", ["no_such_mail", "../invitation", "layout", "invitation/subject"])
def test_unknown_templates_are_refused(name: str) -> None:
    with pytest.raises(UnknownTemplate):
        renderer.render(name, "fr", SAMPLE_CONTEXTS["invitation"])


def test_html_escapes_user_data_and_text_keeps_it() -> None:
    context = {**SAMPLE_CONTEXTS["invitation"], "display_name": "<script>x</script> & Co"}
    mail = renderer.render("invitation", "en", context)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in mail.html
    assert "<script>" not in mail.html
    assert "Hello <script>x</script> & Co," in mail.text


def test_subject_stays_one_line_whatever_the_context() -> None:
    context = {**SAMPLE_CONTEXTS["invitation"], "school_name": "Evil\r\nBcc: victim@example.org"}
    subject = renderer.render("invitation", "fr", context).subject
    assert subject == "Evil Bcc: victim@example.org vous invite sur Cartable"


def test_a_new_mail_is_just_new_template_files(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES_DIR, tmp_path, dirs_exist_ok=True)
    folder = tmp_path / "school_trip_reminder"
    folder.mkdir()
    # Its words come from the catalogues: here, keys other mails already use.
    (folder / "subject.txt").write_text('{{ _("mail.meal_day_closed.title", date=day|date) }}\n')
    (folder / "body.txt").write_text('{{ _("mail.greeting", name="Anne") }}\n')
    (folder / "body.html").write_text(
        '{% extends "layout.html" %}{% block content %}<p>{{ _("mail.greeting", name="Anne") }}'
        "</p>{% endblock %}"
    )
    extended = MailRenderer(public_url="http://cartable.test", templates_dir=tmp_path)
    assert "school_trip_reminder" in extended.templates()
    day = SAMPLE_CONTEXTS["invitation"]["expires_at"]
    mail = extended.render("school_trip_reminder", "nl", {"day": day})
    assert mail.locale == "nl"
    assert mail.subject == "Geen maaltijden op maandag 16 november 2026"
    assert mail.text == "Beste Anne,\n"
    assert '<html lang="nl">' in mail.html


@pytest.mark.parametrize(
    ("locale", "subject", "said"),
    [
        (
            "fr",
            "Vos données Cartable n'ont pas pu être préparées",
            "demandée le jeudi 3 décembre 2026. Rien n'en a été conservé.",
        ),
        (
            "nl",
            "Uw Cartable-gegevens konden niet worden klaargemaakt",
            "die u op donderdag 3 december 2026 aanvroeg niet klaarmaken.",
        ),
        (
            "en",
            "Your Cartable data could not be prepared",
            "you asked for on Thursday, 3 December 2026. Nothing of it was kept.",
        ),
    ],
)
def test_a_data_export_given_up_on_says_when_it_was_asked_and_what_to_do(
    locale: str, subject: str, said: str
) -> None:
    mail = renderer.render("data_export_failed", locale, SAMPLE_CONTEXTS["data_export_failed"])
    assert mail.subject == subject
    assert said in mail.text
    assert said in mail.html.replace("&#39;", "'")
    assert {
        "fr": "contactez l'école",
        "nl": "contact op met de school",
        "en": "contact the school",
    }[locale] in mail.text
