"""create_app(): the one place the Litestar application is assembled."""

from __future__ import annotations

import logging
import warnings

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar, Request, Response
from litestar.di import Provide
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router

from .config import Settings, get_settings
from .db import PublicReads, sqlalchemy_config
from .domain.accounts.auth import session_auth
from .domain.accounts.manage.account import AccountPage
from .domain.accounts.manage.sign_in import SignInPages
from .domain.accounts.manage.users import UserAdministration
from .domain.audit.manage import AuditLog
from .domain.events.manage import CONTROLLERS as EVENT_MANAGEMENT
from .domain.events.public import EventPages
from .domain.materials.manage.invitations import InvitationManagement
from .domain.materials.manage.materials import MaterialPages
from .domain.materials.manage.uploads import MaterialUploads
from .domain.materials.public import download
from .domain.materials.stored import sweep_staging
from .domain.materials.upload_link import UploadLinkPages
from .domain.people.manage.directory import DirectoryFiles
from .domain.people.manage.duplicates import DuplicatesReview
from .domain.people.manage.organisations import OrganisationsManagement
from .domain.people.manage.people import PeopleManagement
from .domain.people.public import PeoplePages
from .resources import STATIC_DIR
from .storage import create_storage
from .web.csrf import bound_to_session, csrf_config
from .web.deps import provide_transaction, remember_status
from .web.errors import exception_handlers
from .web.headers import security_headers
from .web.input import refuse_impossible_input
from .web.locale import choose_locale, remember_choice, switch_language, with_locale_prefix
from .web.page_cache import PageCache
from .web.templating import template_config
from .web.urls import install_url_global

# The session, sign-in and CSRF middlewares' exclude patterns match every public path on purpose.
warnings.filterwarnings("ignore", message=r"Middleware '\w+' exclude pattern", category=Warning)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    storage = create_storage(settings)
    database = sqlalchemy_config(settings)
    page_cache = PageCache(
        PublicReads(database, wait_seconds=settings.db_wait_seconds), enabled=settings.page_cache
    )
    templates = template_config(settings)
    auth = session_auth(settings, database)

    async def sweep_staging_at_start() -> None:
        # Uploads cut short by a crash (kill -9, out of memory) of this or another worker: live
        # workers' staging is left alone (see storage/staging.py).
        swept = await sweep_staging(database.create_session_maker(), storage)
        if swept.processes or swept.staged_files:
            logging.getLogger("events").warning(
                "Removed what %d stopped process(es) left in staging: %d file(s), %d byte(s), "
                "%d stored object(s) no row refers to.",
                swept.processes, swept.staged_files, swept.staged_bytes, swept.orphans,
            )  # fmt: skip

    app = Litestar(
        route_handlers=[
            EventPages,
            PeoplePages,
            download,
            SignInPages,
            AccountPage,
            *EVENT_MANAGEMENT,
            PeopleManagement,
            OrganisationsManagement,
            DuplicatesReview,
            DirectoryFiles,
            MaterialUploads,
            MaterialPages,
            InvitationManagement,
            AuditLog,
            UserAdministration,
            UploadLinkPages,
            switch_language,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        plugins=[
            SQLAlchemyPlugin(config=database),
            FlashPlugin(config=FlashConfig(template_config=templates)),
        ],
        on_app_init=[auth.on_app_init],
        before_request=before_request,
        after_request=remember_status,
        before_send=[security_headers(https=settings.secure_cookies), remember_choice],
        on_startup=[sweep_staging_at_start],
        on_shutdown=[page_cache.close, storage.close],
        csrf_config=csrf_config(settings),
        guards=[bound_to_session],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "storage": Provide(lambda: storage, use_cache=True, sync_to_thread=False),
            "page_cache": Provide(lambda: page_cache, use_cache=True, sync_to_thread=False),
            "db": Provide(provide_transaction),
        },
        template_config=templates,
        exception_handlers=exception_handlers,
        debug=settings.debug,
    )
    install_url_global(app)
    app.asgi_handler = with_locale_prefix(app.asgi_handler)
    return app


async def before_request(request: Request) -> Response | None:
    # The language first: a refusal is then worded in the page's language.
    return choose_locale(request) or await refuse_impossible_input(request)
