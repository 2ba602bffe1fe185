"""python manage.py import_deals FILE: create or update deals from a Salesforce, HubSpot or generic CSV."""

from django.core.management.base import BaseCommand, CommandError

from content.importers import ImportFileError, import_deals


class Command(BaseCommand):
    help = (
        "Import deals from a CRM export (Salesforce Opportunity or HubSpot deals CSV, or the columns "
        "crm_id,name,account,amount,currency,stage,status,close_date,owner). Re-importing the same file "
        "changes nothing. Prints 'created N, updated N, unchanged N, rejected N', then each rejected row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument("--source", choices=["salesforce", "hubspot", "generic"], help="Skip header detection.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, file, source=None, dry_run=False, **options):
        try:
            report = import_deals(file=file, source=source, dry_run=dry_run)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(prefix + report.summary())
        for row in report.rejected:
            self.stdout.write(f"  line {row.line}: {row.reason}")
