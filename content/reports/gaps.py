"""Content gaps: published assets per funnel stage × persona, beside the demand in the same cells."""

from django.db.models import Count, F, Q

from ..models import Asset, AssetKind, ContentRequest, FunnelStage, Persona, UsageAction
from . import scope
from .base import TITLES, Column, Report, sort_rows

COLUMNS = [
    Column("stage", "Stage"),
    Column("persona", "Persona"),
    Column("assets", "Published assets", "int"),
    Column("open_requests", "Open requests", "int"),
    Column("objection_requests", "Objections heard without an entry", "int"),
    Column("heard", "Objections heard (uses)", "int"),
    Column("demand", "Demand", "int"),
    Column("gap_score", "Gap score", "decimal"),
]

NOTES = [
    "Published assets: assets published now that are tagged with both the stage and the persona (kind, "
    "competitor and owner filters apply).",
    "Open requests: content requests still open (new, triaged, accepted, in progress) submitted up to the "
    "end of the period with that stage and persona. Objections heard without an entry: those of them asking for "
    "an objection entry.",
    'Objections heard: "heard this objection" uses logged in the period at that stage, in deals with that persona.',
    "Demand = open requests + objections heard. Gap score = demand / (published assets + 1): high where "
    "many ask and little exists. Cells are sorted by gap score.",
]


def heat(row: dict) -> dict:
    """A matrix cell with its heat level (0: no demand … 4: gap score above 2), shown as text too."""
    score = row["gap_score"]
    level = 0 if not row["demand"] else 1 if score <= 0.5 else 2 if score <= 1 else 3 if score <= 2 else 4
    return {**row, "level": level}


def gaps_report(filters) -> Report:
    # Queries: stages; personas; assets per cell; requests per cell; heard objections per cell (5).
    stages = list(FunnelStage.objects.order_by("order"))
    personas = list(Persona.objects.order_by("name"))
    if filters.stage:
        stages = [s for s in stages if s.pk == filters.stage.pk]
    if filters.persona:
        personas = [p for p in personas if p.pk == filters.persona.pk]
    unscoped = filters.__class__(
        start=filters.start,
        end=filters.end,
        kind=filters.kind,
        competitor=filters.competitor,
        owner=filters.owner,
    )

    supply = {
        (row["stages__id"], row["personas__id"]): row["n"]
        for row in scope.assets(unscoped, Asset.objects.published())
        .filter(stages__isnull=False, personas__isnull=False)
        .values("stages__id", "personas__id")
        # An asset is tagged with a stage or persona at most once (the tag tables are unique per
        # pair) and the filters are EXISTS tests, so a plain count is the distinct count, without
        # the sort a distinct count needs.
        .annotate(n=Count("id"))
    }
    requests = ContentRequest.objects.open().order_by().filter(created_at__lt=filters.end_before)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.competitor:
        requests = requests.filter(competitor_id=filters.competitor.pk)
    if filters.owner:
        requests = requests.filter(requester_id=filters.owner.pk)
    demand = {
        (row["stage_id"], row["persona_id"]): row
        for row in requests.values("stage_id", "persona_id").annotate(
            n=Count("id"), objections=Count("id", filter=Q(kind=AssetKind.OBJECTION))
        )
    }
    heard_uses = scope.usages(unscoped).filter(action=UsageAction.HEARD, deal__personas__isnull=False)
    heard = {
        (row["stage_id"], row["persona_id"]): row["n"]
        for row in heard_uses.values("stage_id", persona_id=F("deal__personas__id")).annotate(n=Count("id"))
    }

    rows = []
    for stage in stages:
        for persona in personas:
            cell = (stage.pk, persona.pk)
            requested = demand.get(cell, {})
            row = {
                "stage": stage.name,
                "persona": persona.name,
                "assets": supply.get(cell, 0),
                "open_requests": requested.get("n", 0),
                "objection_requests": requested.get("objections", 0),
                "heard": heard.get(cell, 0),
            }
            row["demand"] = row["open_requests"] + row["heard"]
            row["gap_score"] = round(row["demand"] / (row["assets"] + 1), 2)
            rows.append(row)

    rows.sort(key=lambda r: (r["stage"], r["persona"]))
    sort, direction = sort_rows(rows, COLUMNS, filters, "gap_score")
    by_cell = {(r["stage"], r["persona"]): r for r in rows}
    matrix = [
        {
            "stage": stage.name,
            "cells": [heat(by_cell[(stage.name, persona.name)]) for persona in personas],
        }
        for stage in stages
    ]
    top = [r for r in rows if r["demand"]][:12]
    return Report(
        name="gaps",
        title=TITLES["gaps"],
        description="Published assets per stage and persona, beside the demand in the same cells.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals={
            "assets": sum(r["assets"] for r in rows),
            "open_requests": sum(r["open_requests"] for r in rows),
            "heard": sum(r["heard"] for r in rows),
            "empty_cells_with_demand": sum(1 for r in rows if r["demand"] and not r["assets"]),
        },
        row_count=len(rows),
        sort=sort,
        direction=direction,
        chart={
            "type": "bar",
            "title": "Where demand outruns content: the cells with the most demand",
            "labels": [f"{r['stage']} · {r['persona']}" for r in top],
            "datasets": [
                {"label": "Published assets", "data": [r["assets"] for r in top]},
                {"label": "Demand (requests + objections heard)", "data": [r["demand"] for r in top]},
            ],
            "x_label": "Stage · persona",
            "y_label": "Count",
        },
        notes=NOTES,
        extra={"matrix": matrix, "personas": [p.name for p in personas]},
    )
