from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkVersion(models.Model):
    """The version of the directory's data: one row. First kept for the network's analyses,
    it now also versions every public page and export (httpcache).

    Database triggers (agreements migration 0007, network migration 0002) bump ``counter``
    and set ``changed`` on every insert, update and delete of agreements, parties, sources,
    organizations, their other names and old addresses, clusters, memberships, news items and
    mentions, whoever writes them: the admin, bulk imports, restores, raw SQL or another
    server process. The bump is part of the writing transaction, so a reader never sees a new
    version with old data. ``token`` is drawn anew whenever the row itself is created, so
    versions never repeat across databases or after the table is emptied.
    """

    token = models.CharField(max_length=32)
    counter = models.BigIntegerField(default=0)
    changed = models.DateTimeField(_("changed"), null=True)

    class Meta:
        # The triggers of agreements/migrations/0007_networkversion.py write to this table by
        # name: it keeps the name it had before the network had an app of its own.
        db_table = "agreements_networkversion"
        verbose_name = _("network version")

    def __str__(self):
        return f"{self.token}:{self.counter}"
