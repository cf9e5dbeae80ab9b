from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkVersion(models.Model):
    """The version of everything the collaboration network is drawn from: one row.

    Database triggers (agreements migration 0007) bump ``counter`` on every insert, update
    and delete of agreements, parties, organizations, clusters and memberships, whoever writes
    them: the
    admin, bulk imports, raw SQL or another server process. The bump is part of the writing
    transaction, so a reader never sees a new version with old data. ``token`` is drawn anew
    whenever the row itself is created, so versions never repeat across databases or after
    the table is emptied.
    """

    token = models.CharField(max_length=32)
    counter = models.BigIntegerField(default=0)

    class Meta:
        # The triggers of agreements/migrations/0007_networkversion.py write to this table by
        # name: it keeps the name it had before the network had an app of its own.
        db_table = "agreements_networkversion"
        verbose_name = _("network version")

    def __str__(self):
        return f"{self.token}:{self.counter}"
