"""Deal import from CRM export files: Salesforce and HubSpot fixtures, malformed rows, re-imports."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from content.crm import parse_amount, parse_date
from content.importers import ImportFileError, import_deals
from content.models import Deal, DealStatus
from content.money import format_money

from .factories import AssetFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
SALESFORCE = FIXTURES / "salesforce_opportunities.csv"
HUBSPOT = FIXTURES / "hubspot_deals.csv"


def csv_file(text: str):
    return io.BytesIO(text.encode("utf-8"))


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$12,500.00", "12500.00", "USD"),
        ("12.500,00 €", "12500.00", "EUR"),
        ("12 500", "12500.00", None),
        ("EUR 1,200", "1200.00", "EUR"),
        ("£99.5", "99.50", "GBP"),
        ("1,5", "1.50", None),
        ("", "0.00", None),
    ],
)
def test_amounts_in_common_formats_are_understood(text, amount, currency):
    assert parse_amount(text) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("CA$1,200", "1200.00", "CAD"),
        ("A$ 300", "300.00", "AUD"),
        ("R$ 1.000,00", "1000.00", "BRL"),
        ("CN¥88", "88.00", "CNY"),
        ("¥88", "88.00", "JPY"),
        ("HK$10.50", "10.50", "HKD"),
    ],
)
def test_an_amount_is_read_with_the_symbol_the_product_writes_for_its_currency(text, amount, currency):
    assert parse_amount(text) == (Decimal(amount), currency)
    whole = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # what format_money shows
    assert parse_amount(format_money(Decimal(amount), currency)) == (whole, currency)


@pytest.mark.parametrize("text", ["twelve", "-5", "1e5", "$5$", "$5 €"])
def test_an_amount_that_is_not_a_positive_number_is_refused(text):
    with pytest.raises(ValueError, match="amount"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["2026-03-01", "3/1/2026", "01.03.2026", "2026-03-01 10:00", "2026-03-01T10:00:00Z"])
def test_dates_in_common_formats_are_understood(text):
    assert parse_date(text) == datetime.date(2026, 3, 1)


def test_a_salesforce_export_is_imported_with_its_malformed_rows_reported(rep, other_rep):
    report = import_deals(file=SALESFORCE)

    assert report.source == "salesforce"
    assert (report.created, report.updated, report.unchanged) == (30, 0, 0)
    reasons = {row.crm_id: (row.line, row.reason) for row in report.rejected}
    assert set(reasons) == {"0065g0000099901AAA", "0065g0000099902AAA", "0065g0000099903AAA"}
    assert "amount" in reasons["0065g0000099901AAA"][1]
    assert "needs a close date" in reasons["0065g0000099902AAA"][1]
    assert "name is empty" in reasons["0065g0000099903AAA"][1]
    assert reasons["0065g0000099901AAA"][0] == 33  # header, 30 rows and a blank line before it

    deal = Deal.objects.get(crm_id="0065g0000000001AAA")
    assert deal.name == "Globex - New Business 2026"
    assert deal.amount == Decimal("43500.00")
    assert deal.close_date == datetime.date(2026, 2, 2)
    assert deal.owner == other_rep and deal.owner_name == "Sam Seller"
    assert deal.funnel_stage.slug == "interested"
    assert deal.source == "salesforce"
    assert Deal.objects.filter(account="Soylent, Inc.").exists()  # a quoted comma stays in its cell


def test_salesforce_won_and_closed_flags_decide_the_status(rep):
    import_deals(file=SALESFORCE)
    won = Deal.objects.get(crm_id="0065g0000000005AAA")
    lost = Deal.objects.get(crm_id="0065g0000000006AAA")
    assert (won.stage, won.status, won.funnel_stage.slug) == ("Closed Won", DealStatus.WON, "customer")
    assert (lost.stage, lost.status) == ("Closed Lost", DealStatus.LOST)


def test_an_unmatched_owner_keeps_the_crm_name_and_no_user(rep):
    import_deals(file=SALESFORCE)
    deal = Deal.objects.get(crm_id="0065g0000000003AAA")
    assert deal.owner is None
    assert deal.owner_name == "Jordan Unknown"


def test_a_hubspot_export_is_imported_with_stage_ids_and_european_amounts(rep, other_rep):
    report = import_deals(file=HUBSPOT)

    assert report.source == "hubspot"
    assert report.created == 25
    assert {row.crm_id for row in report.rejected} == {"9000009901", ""}
    assert any("close date" in row.reason for row in report.rejected)
    assert any("CRM id is empty" in row.reason for row in report.rejected)
    european = Deal.objects.get(crm_id="9000001002")
    assert (european.amount, european.currency) == (Decimal("8500.00"), "EUR")
    assert european.owner == rep  # matched by username
    assert Deal.objects.get(crm_id="9000001004").owner == rep  # matched by email
    assert Deal.objects.get(crm_id="9000001004").name == "Soylent, Inc. expansion, phase 2"
    won = Deal.objects.get(crm_id="9000001005")
    assert (won.status, won.close_date, won.funnel_stage.slug) == (
        "won",
        datetime.date(2026, 6, 6),
        "customer",
    )


def test_reimporting_the_same_file_changes_nothing(rep, other_rep):
    import_deals(file=SALESFORCE)
    before = dict(Deal.objects.values_list("crm_id", "updated_at"))

    report = import_deals(file=SALESFORCE)

    assert (report.created, report.updated, report.unchanged, report.rejected_count) == (0, 0, 30, 3)
    assert dict(Deal.objects.values_list("crm_id", "updated_at")) == before


def test_a_changed_row_updates_the_deal_in_place_and_refreshes_support(rep):
    header = "crm_id,name,account,amount,currency,stage,status,close_date,owner\n"
    import_deals(file=csv_file(header + "D-1,Acme renewal,Acme,1000,USD,Negotiation,,,rep\n"))
    deal = Deal.objects.get(crm_id="D-1")
    asset = AssetFactory()
    UsageFactory(asset=asset, deal=deal, user=rep, used_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC))

    report = import_deals(file=csv_file(header + "D-1,Acme renewal,Acme,2500,USD,Closed Won,,2026-03-15,rep\n"))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    updated = Deal.objects.get(crm_id="D-1")
    assert updated.pk == deal.pk
    assert (updated.status, updated.amount) == (DealStatus.WON, Decimal("2500.00"))
    asset.refresh_from_db()
    assert (asset.won_deal_count, asset.influenced_revenue) == (1, Decimal("2500.00"))


def test_the_stage_map_can_be_overridden_by_setting_and_by_parameter():
    header = "crm_id,name,stage,close_date\n"
    rows = "A,Deal A,Signed,2026-01-01\nB,Deal B,Dead,2026-01-01\n"
    with override_settings(DEAL_STAGE_STATUS_MAP={"Signed": "won"}):
        import_deals(file=csv_file(header + rows), stage_map={"dead": "lost"})
    assert dict(Deal.objects.values_list("crm_id", "status")) == {"A": "won", "B": "lost"}


def test_a_duplicate_crm_id_in_one_file_is_rejected_with_the_first_line():
    report = import_deals(file=csv_file("crm_id,name\nX,First\nX,Second\n"))
    assert report.created == 1
    assert report.rejected[0].line == 3
    assert "line 2" in report.rejected[0].reason
    assert Deal.objects.get(crm_id="X").name == "First"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\x00\x00\x01binary", "not a CSV"),
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"foo,bar\n1,2\n", "No recognisable header"),
    ],
)
def test_a_file_that_is_not_a_deals_csv_gets_a_clear_error_and_writes_nothing(content, message):
    with pytest.raises(ImportFileError, match=message):
        import_deals(file=io.BytesIO(content))
    assert not Deal.objects.exists()


def test_a_dry_run_counts_but_writes_nothing(rep):
    report = import_deals(file=SALESFORCE, dry_run=True)
    assert report.created == 30
    assert not Deal.objects.exists()


def test_owner_matching_prefers_the_username_over_a_namesake():
    namesake = UserFactory(username="someone", first_name="pat", last_name="lee")
    pat = UserFactory(username="pat lee", first_name="Other", last_name="Person")
    import_deals(file=csv_file("crm_id,name,owner\nP,Deal,Pat Lee\n"))
    assert Deal.objects.get(crm_id="P").owner in {namesake, pat}


def test_the_command_prints_a_summary_then_the_rejected_rows(rep, other_rep):
    out = io.StringIO()
    call_command("import_deals", str(SALESFORCE), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "created 30, updated 0, unchanged 0, rejected 3"
    assert lines[1].startswith("  line 33: ")


def test_the_command_refuses_a_missing_or_binary_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_deals", str(tmp_path / "nope.csv"))
    binary = tmp_path / "deck.pptx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(CommandError, match="not a CSV"):
        call_command("import_deals", str(binary))


def test_existing_deals_are_read_in_chunks_not_one_query_per_row(django_assert_max_num_queries):
    DealFactory.create_batch(5)
    rows = "".join(f"C{i},Deal {i}\n" for i in range(1200))
    # owners, funnel stages, 3 chunks of existing deals, savepoint, and the bulk inserts (SQLite
    # caps parameters per statement at 999, so ~17 inserts of 71 rows there; 2 on PostgreSQL)
    with django_assert_max_num_queries(30):
        report = import_deals(file=csv_file("crm_id,name\n" + rows))
    assert report.created == 1200


def test_the_product_line_and_industry_columns_are_imported_and_a_file_without_them_keeps_them(rep):
    header = "Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,Product Line,Account: Industry\n"
    report = import_deals(file=csv_file(header + "D-1,Acme Pay add-on,Acme,1000,Proposal,,Ledgerline Pay,Logistics\n"))
    deal = Deal.objects.get(crm_id="D-1")
    assert report.created == 1 and (deal.product_line, deal.industry) == ("Ledgerline Pay", "Logistics")

    again = import_deals(file=csv_file(header + "D-1,Acme Pay add-on,Acme,1000,Proposal,,Ledgerline Pay,Logistics\n"))
    assert (again.updated, again.unchanged) == (0, 1)

    without = "Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date\n"
    report = import_deals(file=csv_file(without + "D-1,Acme Pay add-on,Acme,1500,Proposal,\n"))
    deal.refresh_from_db()
    assert report.updated == 1 and deal.amount == Decimal("1500")
    assert (deal.product_line, deal.industry) == ("Ledgerline Pay", "Logistics")

    import_deals(file=csv_file("crm_id,name,product_line,industry\nD-2,Globex,Vendor Portal,Retail\n"))
    assert Deal.objects.filter(crm_id="D-2", product_line="Vendor Portal", industry="Retail").exists()
