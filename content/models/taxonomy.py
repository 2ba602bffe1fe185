"""The shared language: funnel stages, personas and competitors both teams agreed on."""

from django.db import models
from django.utils.text import slugify


class TeamChoices(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"
    SHARED = "shared", "Shared"


class TaxonomyQuerySet(models.QuerySet):
    def by_slugs(self, slugs):
        return self.filter(slug__in=slugs)


class SluggedTerm(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name


class FunnelStage(SluggedTerm):
    """An ordered funnel stage with the definition both teams use to place a buyer in it."""

    order = models.PositiveSmallIntegerField(unique=True)
    definition = models.TextField()
    entry_criteria = models.TextField(blank=True)
    owning_team = models.CharField(max_length=20, choices=TeamChoices.choices, default=TeamChoices.SHARED)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owning_team__in=TeamChoices.values), name="stage_owning_team_valid"
            ),
        ]


class Persona(SluggedTerm):
    description = models.TextField(blank=True)
    pains = models.TextField(blank=True, help_text="What keeps this buyer up at night, one per line.")

    class Meta:
        ordering = ["name"]


class Competitor(SluggedTerm):
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
