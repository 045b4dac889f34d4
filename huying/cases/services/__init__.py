"""One service per case action — the only code that changes a case (views, API, admin, worker call these)."""

from huying.cases.services.closing import (
    case_close,
    case_invalidate,
    case_merge,
    case_record_rating,
    case_reopen,
    case_reopen_after_feedback,
    case_reopen_by_resident,
    case_request_invalidation,
)
from huying.cases.services.handling import (
    case_accept,
    case_add_cohandlers,
    case_add_note,
    case_approve_extension,
    case_escalate,
    case_report_back,
    case_request_extension,
    case_resolve,
    case_return,
    case_start,
    case_summon,
)
from huying.cases.services.intake import case_create, case_create_once, case_dispatch, case_solve_on_spot
from huying.cases.services.measuring import (
    case_decide_exclusion,
    case_record_callback,
    case_request_exclusion,
    case_restore_counting,
)
from huying.cases.services.oversight import (
    case_convene_group,
    case_group_report,
    case_instruct,
    case_lift_supervision,
    case_open_video,
    case_supervise,
)
from huying.cases.services.timing import case_auto_escalate, case_timer_event
from huying.cases.services.triaging import case_flag_duplicate, case_not_duplicate, case_reclassify

__all__ = [
    "case_accept", "case_add_cohandlers", "case_auto_escalate", "case_timer_event",
    "case_add_note", "case_approve_extension", "case_close",
    "case_decide_exclusion", "case_record_callback", "case_request_exclusion", "case_restore_counting",
    "case_convene_group", "case_create", "case_create_once", "case_flag_duplicate", "case_dispatch",
    "case_escalate", "case_group_report",
    "case_instruct", "case_invalidate", "case_lift_supervision", "case_merge", "case_not_duplicate",
    "case_open_video", "case_reclassify",
    "case_record_rating", "case_reopen",
    "case_reopen_after_feedback", "case_reopen_by_resident", "case_report_back", "case_request_extension",
    "case_request_invalidation",
    "case_resolve", "case_return", "case_solve_on_spot", "case_start", "case_summon", "case_supervise",
]
