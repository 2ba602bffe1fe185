"""The project's date formats, found by Django through FORMAT_MODULE_PATH."""
