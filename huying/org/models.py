"""The organisation tree (组织架构) and the staff who work in it."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.lib.i18n import LocalNamed


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    COMMAND_CENTRE = "command_centre", _("指挥中心")
    DEPARTMENT = "department", _("职能部门")
    UTILITY = "utility", _("公用事业单位")
    PROPERTY = "property", _("物业公司")
    COBUILDING = "cobuilding", _("共建单位")


# The territorial ladder a case climbs when a unit escalates (上报).
TERRITORIAL_LEVELS = [UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.STREET, UnitKind.DISTRICT, UnitKind.CITY]


class Unit(LocalNamed, models.Model):
    """One node of the tree: a territory (city…grid) or a unit attached to one (department, utility…)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids, "/1/4/17/": subtree scoping becomes one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    # Grid boundaries as GeoJSON Polygon/MultiPolygon coordinates (WGS-84 lon/lat).
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old:  # a moved unit carries its subtree along
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Unit.objects.filter(pk=child.pk).update(path=path + child.path[len(old) :])

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_LEVELS

    def ancestors(self) -> list["Unit"]:
        """Self and every unit above it, nearest first (one query, then remembered on this instance)."""
        memo = self.__dict__.get("_ancestors")
        if memo is None or memo[0] != self.path:
            ids = [int(p) for p in self.path.strip("/").split("/") if p]
            by_id = Unit.objects.in_bulk(ids)
            memo = self.__dict__["_ancestors"] = (self.path, [by_id[i] for i in reversed(ids) if i in by_id])
        return memo[1]

    def ancestor_of_kind(self, kind: str) -> "Unit | None":
        return next((u for u in self.ancestors() if u.kind == kind), None)

    def scope_path(self) -> str:
        """The subtree this unit's staff oversee: a command centre oversees its whole district."""
        if self.kind == UnitKind.COMMAND_CENTRE and self.parent is not None:
            return self.parent.path
        return self.path


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_DISPATCHER = "street_dispatcher", _("街道派单员")
    DEPARTMENT_HANDLER = "department_handler", _("部门承办人")
    COMMAND_CENTRE = "command_centre", _("指挥中心")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("系统管理员")


# Roles that may approve what a handler only asks for (extensions, invalidations) and see a whole scope.
SUPERVISING_ROLES = {Role.COMMAND_CENTRE, Role.LEADER, Role.ADMIN}


class User(AbstractUser):
    """A staff member: belongs to one unit and holds one role there."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, blank=True)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    # The unit's head (单位负责人) is alerted when a deadline passes; reminders go to everyone in the unit.
    is_unit_head = models.BooleanField(_("单位负责人"), default=False)
    language = models.CharField(_("通知语言"), max_length=10, default="zh-hans",
                                choices=[("zh-hans", "简体中文"), ("en", "English")])

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")


class ApiToken(models.Model):
    """A system's bearer key for the API. Only the key's SHA-256 is kept: the key itself is shown once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)  # unique, hence indexed
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class DutyShift(models.Model):
    """The duty roster (值班表): which unit takes emergencies in an area over a span of time.

    A one-key emergency call goes at once to the unit on duty for the most specific area around its place;
    with no shift on the roster it falls to the district's command centre, which is on duty around the clock.
    """

    area = models.ForeignKey(Unit, verbose_name=_("值守区域"), on_delete=models.PROTECT, related_name="duty_areas")
    unit = models.ForeignKey(Unit, verbose_name=_("值班单位"), on_delete=models.PROTECT, related_name="duty_shifts")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    contact_name = models.CharField(_("值班人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("值班电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班表")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="duty_shift_span")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间须晚于开始时间")})


def duty_shift_at(place_unit: Unit, at: dt.datetime) -> DutyShift | None:
    """The shift covering `at` for the most specific area that contains `place_unit` (grid → … → city)."""
    area_ids = [u.pk for u in place_unit.ancestors()]
    shifts = DutyShift.objects.filter(area_id__in=area_ids, starts_at__lte=at, ends_at__gt=at,
                                      unit__active=True).select_related("unit")
    depth = {pk: i for i, pk in enumerate(area_ids)}  # 0 = the place itself
    return min(shifts, key=lambda s: (depth[s.area_id], -s.starts_at.timestamp()), default=None)
