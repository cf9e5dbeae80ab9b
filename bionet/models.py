"""What the curated directory data has loaded, so that loading it again changes nothing."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadedRecord(models.Model):
    """One record the directory data loaded: created by the loader, or adopted by it because
    it was already in the database.

    The loader (bionet.directory_data) never touches a key it finds here again: a curator's
    later edit stays, and a record a curator deleted is not brought back. The row names the
    record by content type and id, not by slug or URL, so that a record whose slug a curator
    changed is still recognised as the one loaded.
    """

    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_(
            "The record's natural key in the data file, e.g. “organization:kribb” or "
            "“party:<agreement key>:<organization>:<role>”."
        ),
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object ID"))
    record = GenericForeignKey("content_type", "object_id")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("loaded record")
        verbose_name_plural = _("loaded records")
        ordering = ["key"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="bionet_loaded_object_idx")
        ]

    def __str__(self):
        return self.key
