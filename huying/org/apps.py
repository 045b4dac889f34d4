from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "huying.org"
    label = "org"
    verbose_name = "组织与人员 Organisation"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from huying.org.middleware import session_renewed_at_login

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="org.session_renewed_at_login")
