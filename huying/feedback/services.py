"""The resident's writes: a rating per round of handling (一事一评), and the request to reopen (重办)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case
from huying.cases.services import (
    case_record_callback,
    case_record_rating,
    case_reopen_after_feedback,
    case_reopen_by_resident,
)
from huying.feedback.models import CallBack, FeedbackPolicy, Rating, RatingSource, ReopenRule, Satisfaction
from huying.feedback.selectors import RATEABLE, rating_window_open
from huying.lib.errors import InvalidInput, NotAllowed
from huying.org.models import User

COMMENT_MAX = 500
SCORES = range(1, 6)


def _check_scores(**scores: int) -> None:
    for name, value in scores.items():
        if value not in SCORES:
            raise InvalidInput(_("评分须为1至5"), field=name)


@transaction.atomic
def rating_create(*, case: Case, responsiveness: int, completion: int, satisfaction: int, solved: bool,
                  comment: str = "") -> Rating:
    """The resident rates the current round of a resolved case: once per round, within the rating window."""
    _check_scores(responsiveness=responsiveness, completion=completion, satisfaction=satisfaction)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("评价内容不能超过%(n)d字") % {"n": COMMENT_MAX}, field="comment")
    # Lock the case: a reopen racing this rating must not move it to the next round between check and insert.
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy = FeedbackPolicy.current()
    if not rating_window_open(case, policy, now=timezone.now()):
        raise NotAllowed(_("当前不在评价期内"), code="rating_closed")
    try:
        with transaction.atomic():  # savepoint: the unique constraint is what stops a double submit
            rating = Rating.objects.create(
                case=case, round=case.reopen_count, source=RatingSource.RESIDENT, responsiveness=responsiveness,
                completion=completion, satisfaction=satisfaction, solved=solved, comment=comment,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise NotAllowed(_("本轮办理您已评价过"), code="already_rated") from None
    case_record_rating(case=case, round=rating.round, source=rating.source, solved=solved, scores={
        "responsiveness": responsiveness, "completion": completion, "satisfaction": satisfaction})
    if not solved and policy.reopen_on_not_solved in (ReopenRule.RATING, ReopenRule.EITHER):
        case_reopen_after_feedback(case=case, by=None, source="resident", limit=policy.reopen_limit,
                                   window_days=policy.reopen_window_days)
    return rating


NOTE_MAX = 2000


@transaction.atomic
def callback_record(*, case: Case, by: User, reached: bool, solved: bool | None = None, satisfaction: str = "",
                    note: str = "") -> CallBack:
    """An operator records a call-back (回访) of the case's current round; "not solved" reopens by the policy."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("回访记录不能超过%(n)d字") % {"n": NOTE_MAX}, field="note")
    if reached:
        if solved is None:
            raise InvalidInput(_("请选择问题是否已解决"), field="solved")
        if satisfaction not in Satisfaction.values:
            raise InvalidInput(_("请选择满意度"), field="satisfaction")
    else:
        solved, satisfaction = None, ""  # nobody answered: no verdict, whatever the form carried
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_record_callback(case=case, by=by, round=case.reopen_count, reached=reached, solved=solved,
                         satisfaction=satisfaction, note=note)
    callback = CallBack.objects.create(case=case, round=case.reopen_count, reached=reached, solved=solved,
                                       satisfaction=satisfaction, note=note, operator=by, created_at=timezone.now())
    policy = FeedbackPolicy.current()
    if reached and not solved and policy.reopen_on_not_solved in (ReopenRule.CALLBACK, ReopenRule.EITHER):
        case_reopen_after_feedback(case=case, by=by, source="callback", limit=policy.reopen_limit,
                                   window_days=policy.reopen_window_days)
    return callback


def resident_reopen(*, case: Case, reason: str) -> Case:
    """The reporter asks for the case to be handled again (重办), under today's feedback policy."""
    if case.status not in RATEABLE:
        # Checked here first: for a case without a result the cases service would speak of a passed window.
        raise NotAllowed(_("工单办结后才能申请重办"), code="not_resolved")
    policy = FeedbackPolicy.current()
    return case_reopen_by_resident(case=case, reason=reason, window_days=policy.reopen_window_days,
                                   limit=policy.reopen_limit)
