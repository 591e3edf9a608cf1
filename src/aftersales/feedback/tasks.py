"""Background tasks of satisfaction and follow-up: they take ids, call services, are idempotent."""

from django_tasks import task


@task()
def send_survey(survey_id: int) -> int:
    from .services import survey_send

    return survey_send(survey_id=survey_id)


@task()
def remind_survey(survey_id: int) -> int:
    from .services import survey_remind

    return survey_remind(survey_id=survey_id)


@task()
def deliver_message(message_id: int) -> bool:
    from .services import message_deliver

    return message_deliver(message_id=message_id)


@task()
def schedule_missing_surveys() -> int:
    from .services import surveys_schedule_missing

    return surveys_schedule_missing()


@task()
def check_case_reply(case_id: int) -> bool:
    from .services import case_reply_check

    return case_reply_check(case_id=case_id)
