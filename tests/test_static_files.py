"""The production static pipeline: every file collects under the manifest storage `make serve` uses."""

import pytest
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    # A vendored file naming a source map that is not vendored aborts the manifest pass.
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/" in manifest
    assert "vendor/htmx/" in manifest


@pytest.mark.parametrize("vendored", ["vendor/chartjs", "vendor/htmx"])
def test_vendored_files_name_no_missing_source_map(vendored, settings):
    # Each sourceMappingURL in a vendored file must point at a file that is vendored beside it.
    folder = settings.BASE_DIR / "static" / vendored
    for script in folder.glob("*.js"):
        for line in script.read_text().splitlines():
            if "sourceMappingURL=" in line:
                target = line.split("sourceMappingURL=", 1)[1].strip()
                assert (folder / target).exists(), f"{script.name} names {target}, which is not vendored"
