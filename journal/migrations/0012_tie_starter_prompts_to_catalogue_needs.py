"""Tie the starter prompts already in the database to the catalogue needs the starter file names, once. From now on
`load_starter_content` ties only the prompts it adds, so links staff change afterwards stay theirs."""

import json
from pathlib import Path

from django.db import migrations

PROMPTS_FILE = Path(__file__).resolve().parent.parent / "data" / "prompts.json"


def tie(apps, schema_editor):
    Prompt = apps.get_model("journal", "Prompt")
    CatalogueNeed = apps.get_model("needs", "CatalogueNeed")
    entries = json.loads(PROMPTS_FILE.read_text(encoding="utf-8"))
    wanted = {e["slug"]: e["catalogue_needs"] for e in entries if e.get("catalogue_needs")}
    catalogue = {
        n.slug: n.pk for n in CatalogueNeed.objects.filter(slug__in={s for v in wanted.values() for s in v})
    }
    through = Prompt.catalogue_needs.through
    links = []
    for prompt_id, slug in Prompt.objects.filter(slug__in=wanted, catalogue_needs__isnull=True).values_list(
        "pk", "slug"
    ):
        links += [
            through(prompt_id=prompt_id, catalogueneed_id=catalogue[c])
            for c in wanted[slug]
            if c in catalogue
        ]
    through.objects.bulk_create(links, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("journal", "0011_prompt_needs_protected_retired_starters")]

    operations = [migrations.RunPython(tie, migrations.RunPython.noop)]
