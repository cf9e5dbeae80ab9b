"""Articles fetched from their addresses by the task worker: a slow or distant news site
never holds a curator's request (or a web process) for its ten seconds."""

from django.core.exceptions import ValidationError
from django_tasks import task

from . import services
from .text import ArticleError


@task()
def fetch_article(url: str) -> dict:
    """Fetch and import the article at ``url``. A refusal (an address that is not public, a
    page that is not an article, ...) is an outcome for the curator to read, not a failure:
    ``{"error": [messages]}``; otherwise ``{"news_item": pk, "created": bool}``."""
    try:
        news_item, created = services.news_item_import_url(url=url)
    except ArticleError as error:
        return {"error": [str(error)]}
    except ValidationError as error:
        return {"error": error.messages}
    return {"news_item": news_item.pk, "created": created}
