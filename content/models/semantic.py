"""Semantic search data: an asset's text cut into passages, each with its embedding, and the
per-asset embedding state (what was embedded, with which model, and why it failed if it did)."""

from django.db import models


class Passage(models.Model):
    """One passage of a published asset: passage 0 is its title, summary and structured fields,
    the others come from its body and its file's text. `vector` holds float32 bytes, L2-normalised,
    of the model named by `model_version`."""

    asset = models.ForeignKey("content.Asset", on_delete=models.CASCADE, related_name="passages")
    ordinal = models.PositiveIntegerField()
    text = models.TextField()
    page = models.PositiveIntegerField(null=True, blank=True, help_text="The PDF page it starts on.")
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    model_version = models.CharField(max_length=100)

    class Meta:
        ordering = ["asset", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "ordinal"], name="passage_asset_ordinal_unique"),
        ]
        indexes = [
            # embedding: reuse the stored vector of an identical passage text
            models.Index(fields=["text_hash", "model_version"], name="passage_hash_model"),
        ]

    def __str__(self):
        return f"passage {self.ordinal} of asset {self.asset_id}"


class AssetEmbedding(models.Model):
    """The embedding state of one asset, in its own table: bulk loads and triggers write
    content_asset and need not know about it. `changed_at` moves whenever the asset's passages
    change (added, replaced or removed) so that every worker's in-memory index can catch up."""

    asset = models.OneToOneField("content.Asset", on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    content_hash = models.CharField(max_length=64, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    passage_count = models.PositiveIntegerField(default=0)
    embedded_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    changed_at = models.DateTimeField(db_index=True)  # index: the workers' "anything new?" check

    def __str__(self):
        return f"embedding of asset {self.asset_id}"
