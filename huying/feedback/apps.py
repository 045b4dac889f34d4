from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "huying.feedback"
    label = "feedback"
    verbose_name = "评价与重办 Feedback"
