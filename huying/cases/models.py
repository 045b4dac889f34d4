"""The case (诉求/工单) and its audit trail (CaseEvent)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.workflow import ACTIVE, Status
from huying.catalog.models import Category, DeadlineKind, RequestType, Tier
from huying.geo.models import Building
from huying.org.models import Unit


class Channel(models.TextChoices):
    WEB = "web", _("网上报事")
    QR = "qr", _("扫码报事")
    BUSINESS = "business", _("企业诉求")
    HOTLINE = "hotline", _("12345热线")
    PATROL = "patrol", _("网格巡查")
    VISIT = "visit", _("入户走访")
    FORUM = "forum", _("座谈征集")
    UPSTREAM = "upstream", _("上级派单")
    OPINION = "opinion", _("舆情监测")
    EMERGENCY = "emergency", _("一键紧急呼叫")
    IMPORT = "import", _("历史导入")
    API = "api", _("系统接口")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class CategorySource(models.TextChoices):
    """Who put the category on the case: only a person's choice (staff) trains the next model."""

    REPORTER = "reporter", _("诉求人选择")
    STAFF = "staff", _("工作人员确认")
    UPSTREAM = "upstream", _("上级平台")
    MODEL = "model", _("模型自动分类")
    KEYWORDS = "keywords", _("关键词自动分类")


class ExclusionReason(models.TextChoices):
    """Why a case does not count in the three rates (考核核减原因)."""

    INVALID = "invalid", _("无效诉求")
    MALICIOUS = "malicious", _("恶意诉求")
    DUPLICATE = "duplicate", _("重复诉求")
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("非本辖区或超出职责")
    OTHER = "other", _("其他")
    # Not a reason to ask for: the ledger gives it to every case imported from history (历史导入), whose deadlines
    # ran from the moment of import, not from the call (huying.analytics.facts).
    IMPORTED = "imported", _("历史导入")


class Case(models.Model):
    number = models.CharField(_("工单编号"), max_length=32, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    request_type = models.ForeignKey(RequestType, verbose_name=_("诉求类型"), on_delete=models.PROTECT)
    category = models.ForeignKey(
        Category, verbose_name=_("诉求分类"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))
    category_source = models.CharField(_("分类来源"), max_length=10, choices=CategorySource.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)

    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    grid = models.ForeignKey(Unit, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    community = models.ForeignKey(Unit, verbose_name=_("社区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(Unit, verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    district = models.ForeignKey(Unit, verbose_name=_("区"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    # Path of the deepest known place unit: the territorial scope this case belongs to.
    place_path = models.CharField(max_length=255, blank=True, db_index=True)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=30, blank=True, db_index=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    consent_at = models.DateTimeField(_("同意隐私声明时间"), null=True, blank=True)
    # The private tracking link (/t/<token>): whoever holds it may follow, rate and reopen this case.
    tracking_token = models.CharField(max_length=43, unique=True, null=True, blank=True, editable=False)

    # Business requests (企业诉求) go to the business-environment response group (营商环境专班).
    business = models.BooleanField(_("企业诉求"), default=False)
    company_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # Found by staff on patrol or visit (无呼也应): counted apart from residents' requests.
    proactive = models.BooleanField(_("主动发现"), default=False)
    # Where a forwarded case came from: the upper platform (上级派) or a monitored feed (舆情), and its id there.
    upstream_source = models.CharField(_("上游来源"), max_length=50, blank=True)
    upstream_id = models.CharField(_("上游编号"), max_length=100, blank=True)

    tier = models.ForeignKey(Tier, verbose_name=_("响应分级"), null=True, blank=True, on_delete=models.PROTECT)
    current_unit = models.ForeignKey(Unit, verbose_name=_("当前承办单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="current_cases")
    # The unit answerable for `response_due_at` (响应责任单位): set with every new response deadline, to the unit
    # the deadline was given to. A manual escalation (上报) keeps both, so a missed response stays with the unit
    # that missed it; a return (退单) hands the awaited response to the unit the case goes back to.
    response_unit = models.ForeignKey(Unit, verbose_name=_("响应责任单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.RECEIVED)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("响应时限"), null=True, blank=True)
    completion_due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("并入工单"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_cases")
    # Extension asked for and not yet decided (延期申请).
    extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    # 挂牌督办: set by the command centre or a leader, shown on the case and in every handler's queue until lifted.
    supervised_at = models.DateTimeField(_("挂牌督办时间"), null=True, blank=True)
    supervision_note = models.CharField(_("督办要求"), max_length=500, blank=True)
    # Since when a supervision mark or a leader's instruction waits for the handler's answer (reminded daily).
    awaiting_reply_since = models.DateTimeField(_("督办待回复起始"), null=True, blank=True)
    # When an extension was granted: the completion deadline is then the extension's end (延期到期).
    extended_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    # Out of the three rates (考核核减): set only by an approved request; `exclusion_requested` waits for approval.
    exclusion = models.CharField(_("核减原因"), max_length=24, choices=ExclusionReason.choices, blank=True)
    exclusion_requested = models.CharField(_("申请核减原因"), max_length=24, choices=ExclusionReason.choices,
                                           blank=True)

    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # Optimistic lock: every service bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-created_at"]
        constraints = [
            # The same upstream case never becomes two cases, however often it is forwarded or retried.
            models.UniqueConstraint(fields=["upstream_source", "upstream_id"], name="case_upstream_once",
                                    condition=~models.Q(upstream_id="")),
        ]
        indexes = [
            models.Index(fields=["current_unit", "status"], name="case_unit_status"),
            models.Index(fields=["status", "created_at"], name="case_status_created"),
            # The deadline columns that timers poll, indexed only while the case is still being worked.
            models.Index(fields=["response_due_at"], name="case_response_due_open",
                         condition=models.Q(status__in=ACTIVE)),
            models.Index(fields=["completion_due_at"], name="case_completion_due_open",
                         condition=models.Q(status__in=ACTIVE)),
            models.Index(fields=["supervised_at"], name="case_supervised",
                         condition=models.Q(supervised_at__isnull=False)),
            # The duplicate filter's candidate searches: the same grid, or the same category, lately.
            models.Index(fields=["grid", "created_at"], name="case_grid_created"),
            models.Index(fields=["category", "created_at"], name="case_category_created"),
            # The queue of exclusion requests awaiting approval (核减待审批).
            models.Index(fields=["exclusion_requested"], name="case_exclusion_requested",
                         condition=~models.Q(exclusion_requested="")),
            # The public record (公示) lists the latest results first.
            models.Index(fields=["resolved_at"], name="case_resolved_public",
                         condition=models.Q(status__in=("resolved", "closed"))),
        ]

    def __str__(self) -> str:
        return self.number


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")
    SUMMONED = "summoned", _("吹哨报到")
    # A special response group (专项响应组) convened by a leader or the command centre on a hard case.
    GROUP_LEAD = "group_lead", _("专项组牵头单位")
    GROUP = "group", _("专项组成员单位")


class CaseAssignment(models.Model):
    """A unit working on a case beside the current unit: co-handler (协办), summoned department (报到) or
    member of a special response group (专项响应组)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=20, choices=AssignmentRole.choices)
    due_at = models.DateTimeField(_("报到时限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    report = models.TextField(_("报到情况"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("协同单位")
        verbose_name_plural = _("协同单位")
        constraints = [
            models.UniqueConstraint(fields=["case", "unit", "role"], name="assignment_unique"),
        ]


class CaseEvent(models.Model):
    """One line of a case's audit trail: who did what, when, from which status to which. Never changed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("动作"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text=_("派往/上报/吹哨的目标单位"))
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="event_case_time")]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("case events are append-only")


class EventAttachment(models.Model):
    """A photo or file attached to an event (a note, a result)."""

    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(max_length=200, blank=True)


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a caller sent with a create: a retry with the same key gets the same case."""

    scope = models.CharField(max_length=100, help_text="who sent the key, e.g. user:17")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, help_text="sha256 of the request body")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once")]


class CaseNumberCounter(models.Model):
    """Per-day sequence behind the public case number (HY20261122000123)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseTimer(models.Model):
    """One running deadline of a case (时限计时器) and the moment its next policy step is due.

    Kept in step with the case by `cases/timers.py` on every change (case_apply): a deadline that stops
    running loses its row. The worker polls `next_at` through a partial index and advances `fired_through`
    (the due moment of the last step acted on) in the same transaction as the step's events and messages.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    kind = models.CharField(_("时限类型"), max_length=20, choices=DeadlineKind.choices)
    # Which one of its kind: the summoned assignment's id for report-back deadlines, else 0.
    ref = models.PositiveIntegerField(default=0)
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("起算时间"))
    deadline_at = models.DateTimeField(_("时限"))
    next_at = models.DateTimeField(_("下一步时间"), null=True, blank=True)
    fired_through = models.DateTimeField(_("已执行至"), null=True, blank=True)
    # A step that failed (a bug, a missing unit) is retried later instead of blocking the others.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("工单计时器")
        verbose_name_plural = _("工单计时器")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "ref"], name="timer_once_per_deadline")]
        indexes = [models.Index(fields=["next_at"], name="timer_due", condition=models.Q(next_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.ref}"


class TriageOutcome(models.TextChoices):
    GIVEN = "given", _("来件已选分类")
    AUTO = "auto", _("自动分类")
    WAITING = "waiting", _("待人工研判")


class DuplicateDecision(models.TextChoices):
    MERGED = "merged", _("已自动并单")
    POSSIBLE = "possible", _("疑似重复")
    DISMISSED = "dismissed", _("已确认非重复")


class CaseTriage(models.Model):
    """What triage suggested when the case came in (研判记录), by which model version, and what became of it.

    The suggestions stay as they were; `corrected` is set when a person settles the category, so the model's
    accuracy in use can be counted and staff corrections train the next version.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="triage")
    method = models.CharField(_("研判方式"), max_length=10, blank=True, help_text="model, keywords or empty")
    model_version = models.CharField(_("模型版本"), max_length=40, blank=True)
    categories = models.JSONField(_("分类建议"), default=list, help_text="[{id, code, p}], likeliest first")
    request_types = models.JSONField(_("类型建议"), default=list)
    confidence = models.FloatField(_("置信度"), default=0.0)
    outcome = models.CharField(_("分类结果"), max_length=10, choices=TriageOutcome.choices)
    urgent = models.JSONField(_("紧急研判"), default=list, help_text="[{danger, evidence}]")
    place = models.JSONField(_("地点研判"), default=dict, blank=True)
    duplicates = models.JSONField(_("疑似重复"), default=list, help_text="[{number, score, evidence}]")
    duplicate_decision = models.CharField(_("并单研判"), max_length=10, choices=DuplicateDecision.choices,
                                          blank=True)
    corrected = models.BooleanField(_("人工改类"), null=True, blank=True)
    milliseconds = models.FloatField(_("研判耗时（毫秒）"), default=0.0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("研判记录")
        verbose_name_plural = _("研判记录")
        indexes = [models.Index(fields=["duplicate_decision"], name="triage_possible_dup",
                                condition=models.Q(duplicate_decision="possible"))]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.outcome}"
