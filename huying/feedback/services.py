"""The resident's writes: a rating per round of handling (一事一评), and the request to reopen (重办)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case
from huying.cases.services import case_record_rating, case_reopen_by_resident
from huying.feedback.models import FeedbackPolicy, Rating, RatingSource
from huying.feedback.selectors import RATEABLE, rating_window_open
from huying.lib.errors import InvalidInput, NotAllowed

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
    if not rating_window_open(case, FeedbackPolicy.current(), now=timezone.now()):
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
    return rating


def resident_reopen(*, case: Case, reason: str) -> Case:
    """The reporter asks for the case to be handled again (重办), under today's feedback policy."""
    if case.status not in RATEABLE:
        # Checked here first: for a case without a result the cases service would speak of a passed window.
        raise NotAllowed(_("工单办结后才能申请重办"), code="not_resolved")
    policy = FeedbackPolicy.current()
    return case_reopen_by_resident(case=case, reason=reason, window_days=policy.reopen_window_days,
                                   limit=policy.reopen_limit)
