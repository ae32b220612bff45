"""The sign-in page looks like the product, speaks the visitor's language, and has no dead links."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "title"), [("en", "Sign In"), ("fr", "Connexion"), ("es", "Iniciar sesión")])
def test_the_sign_in_page_is_the_products_and_translated(client, language, title):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    assert 'class="site-header"' in page and 'id="language-select"' in page  # the product's base template
    assert f'<h1 id="sign-in-title">{title}</h1>' in page
    assert "/accounts/signup/" not in page  # sign-ups are closed: no link to a page that refuses
    assert re.search(r'<label for="id_login">', page) and re.search(r'<label for="id_password">', page)
    assert "/accounts/password/reset/" in page


def test_signing_in_still_works(client, organiser):
    wrong = client.post("/accounts/login/", {"login": "organiser@example.org", "password": "wrong"})
    assert wrong.status_code == 200 and 'class="site-header"' in wrong.content.decode()
    response = client.post("/accounts/login/", {"login": "organiser@example.org", "password": "correct horse battery"})
    assert response.status_code == 302
