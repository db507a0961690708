from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal.need_page import linked_reflections
        from needs.hooks import register_need_page_section

        register_need_page_section(linked_reflections)
