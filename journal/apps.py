"""The journal app: at start-up it adds its sections to the needs pages."""

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        # Imported here: models and the hooks they use can load only once the app registry is ready.
        from journal.sections import linked_reflections, stepping_back_prompts
        from needs.hooks import register_need_page_section, register_relationship_page_section

        register_need_page_section(linked_reflections)
        register_relationship_page_section(stepping_back_prompts)
