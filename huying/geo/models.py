"""The building and address registry (楼栋地址库) that ties a place named in words to its grid."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.org.models import Unit


class Building(models.Model):
    """A building, compound or landmark with the grid it belongs to."""

    name = models.CharField(_("名称"), max_length=100, help_text=_("如：幸福里小区3栋"))
    aliases = models.TextField(_("别名"), blank=True, help_text=_("每行一个：简称、俗称、门牌地址"))
    address = models.CharField(_("门牌地址"), max_length=200, blank=True)
    grid = models.ForeignKey(Unit, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="buildings")
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋/地址")
        verbose_name_plural = _("楼栋/地址库")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        extra = [a.strip() for a in self.aliases.splitlines() if a.strip()]
        return [self.name, *([self.address] if self.address else []), *extra]


class RegistryVersion(models.Model):
    """One row whose stamp changes whenever a grid boundary or a building changes.

    Each process keeps its place index in memory and rebuilds it when this number moved, so resolving a
    place costs one primary-key read instead of loading every grid and building.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
