"""A timer that never fires on its own, to be run by hand through the admin API."""

import azure.functions as func

bp = func.Blueprint()


@bp.timer_trigger(schedule="0 0 0 1 1 *", arg_name="timer", use_monitor=False)
def yearly(timer: func.TimerRequest) -> None:
    from sibling_log import record

    record(f"yearly:past_due={timer.past_due}")
