"""create_app(): the one place the Litestar application is assembled."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.di import Provide
from litestar.static_files import create_static_files_router

from .config import Settings, get_settings
from .db import PublicReads, sqlalchemy_config
from .domain.events.public import EventPages
from .domain.materials.public import download
from .domain.people.public import PeoplePages
from .resources import STATIC_DIR
from .storage import create_storage
from .web.errors import exception_handlers
from .web.page_cache import PageCache
from .web.templating import template_config


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    storage = create_storage(settings)
    database = sqlalchemy_config(settings)
    page_cache = PageCache(PublicReads(database), enabled=settings.page_cache)
    return Litestar(
        route_handlers=[
            EventPages,
            PeoplePages,
            download,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        plugins=[SQLAlchemyPlugin(config=database)],
        on_shutdown=[page_cache.close],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "storage": Provide(lambda: storage, use_cache=True, sync_to_thread=False),
            "page_cache": Provide(lambda: page_cache, use_cache=True, sync_to_thread=False),
        },
        template_config=template_config(settings),
        exception_handlers=exception_handlers,
        debug=settings.debug,
    )
