"""Extension points, so apps above `needs` can add to its pages without `needs` importing them.

An app registers in its AppConfig.ready(); `needs` only calls what was registered.
"""

from collections.abc import Callable

# Each section: (request, need) -> (template name, context) or None.
NEED_PAGE_SECTIONS: list[Callable] = []


def register_need_page_section(section: Callable) -> Callable:
    if section not in NEED_PAGE_SECTIONS:
        NEED_PAGE_SECTIONS.append(section)
    return section


def need_page_sections(request, need) -> list[tuple[str, dict]]:
    return [found for section in NEED_PAGE_SECTIONS if (found := section(request, need))]


# Each section: (request, relationship, strained needs) -> (template name, context) or None.
RELATIONSHIP_PAGE_SECTIONS: list[Callable] = []


def register_relationship_page_section(section: Callable) -> Callable:
    if section not in RELATIONSHIP_PAGE_SECTIONS:
        RELATIONSHIP_PAGE_SECTIONS.append(section)
    return section


def relationship_page_sections(request, relationship, strained) -> list[tuple[str, dict]]:
    return [
        found for section in RELATIONSHIP_PAGE_SECTIONS if (found := section(request, relationship, strained))
    ]
