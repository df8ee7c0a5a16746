"""The signed-in user's own page, /manage/account, where they choose the language of the management
pages (any signed-in user; never someone else's account)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ....i18n import current_locale, gettext, use_locale
from ....models import User
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import same_site_path, url
from ..auth import actor_of, current_user, signed_in
from ..forms import LanguageForm
from ..service import AccountError, set_language


class AccountPage(Controller):
    path = "/manage/account"
    include_in_schema = False
    guards = [signed_in]

    @get("", name="manage_account")
    async def account_page(self, request: Request) -> Template:
        return Template("manage/accounts/account.html", context={"me": current_user(request)})

    @post("/language", name="manage_language")
    async def change_language(self, request: Request, data: Form, db: Db) -> Redirect:
        """The signed-in user's own language for the management pages (never anyone else's)."""
        form = parse(data, LanguageForm)
        me = current_user(request)
        user = await db.get(User, me.id)
        try:
            await set_language(db, actor_of(request), user, form.language)
        except AccountError as error:
            flash(request, str(error), category="error")
            return Redirect(url(request, "manage_account"))
        with use_locale(user.language or current_locale.get()):  # said in the language chosen
            message = {
                "en": gettext("The management pages now speak English."),
                "fr": gettext("The management pages now speak French."),
            }.get(user.language, gettext("The management pages now follow your browser's language."))
        flash(request, message, category="success")
        return Redirect(same_site_path(form.next) or url(request, "manage_account"))
