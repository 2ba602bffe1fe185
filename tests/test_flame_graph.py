"""bench/flame.py's reading of py-spy's stacks: what `make flame` prints and draws."""

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import flame  # noqa: E402

HANDLE = "SyncWorker.handle_request (gunicorn/workers/sync.py:161)"
VIEW = "AssetViewSet.list (content/api/assets.py:325)"
MIDDLEWARE = "RequestLogMiddleware.__call__ (content/middleware.py:66)"
RAW = [
    f'process 11:"gunicorn: worker";run (gunicorn/arbiter.py:201);{HANDLE};{MIDDLEWARE};{VIEW};'
    "execute (psycopg/cursor.py:100) 6",
    f'process 11:"gunicorn: worker";run (gunicorn/arbiter.py:201);{HANDLE};{MIDDLEWARE};{VIEW};'
    "render (django/template/base.py:166) 3",
    f'process 12:"gunicorn: worker";{HANDLE};{MIDDLEWARE};dumps (json/__init__.py:231) 1',
    'process 10:"gunicorn: master";sleep (gunicorn/arbiter.py:357) 50',  # not a request
    "garbage without a count",
]


def test_only_request_handling_is_kept_from_the_handler_down():
    stacks = flame.parse_stacks(RAW)

    assert sum(stacks.values()) == 10
    assert all(frames[0] == HANDLE for frames in stacks)


def test_the_layers_are_read_off_the_leaf_frame_and_share_the_whole():
    shares = dict(flame.layer_shares(flame.parse_stacks(RAW)))

    assert shares == {"database driver (psycopg)": 60.0, "Django templates": 30.0, "JSON": 10.0}


def test_the_apps_functions_are_listed_by_inclusive_share_without_middleware():
    functions = flame.app_functions(flame.parse_stacks(RAW))

    assert functions == [(VIEW, 90.0)]


def test_the_flame_graph_draws_each_frame_as_wide_as_its_samples():
    svg = flame.flame_svg(Counter({(HANDLE, VIEW): 3, (HANDLE, "dumps (json/__init__.py:231)"): 1}), "t", width=400)

    widths = {
        title.split(":")[0]: float(w)
        for title, w in re.findall(r"<title>(.*?)</title><rect [^>]*width=\"([\d.]+)\"", svg)
    }
    assert widths[HANDLE.split(":")[0]] == 400.0
    assert widths[VIEW.split(":")[0]] == 300.0
    assert widths["dumps (json/__init__.py"] == 100.0
    assert "<script" not in svg and svg.startswith("<svg")


def test_a_frame_name_is_escaped_in_the_drawing():
    svg = flame.flame_svg(Counter({(HANDLE, "<lambda> (content/x.py:1)"): 1}), "a & b")

    assert "&lt;lambda&gt;" in svg and "a &amp; b" in svg and "<lambda>" not in svg
