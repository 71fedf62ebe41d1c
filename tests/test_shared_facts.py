"""Facts the server and the PWA share are kept once, in spec/: the server's copy is the file's."""

from __future__ import annotations

import json
from pathlib import Path

from server.capacity.models import DEFAULT_TIME_LOST_CATEGORIES, default_category_id
from server.demo import data

SPEC = Path(__file__).resolve().parents[1] / "spec"


def test_default_time_lost_categories_are_the_shared_list():
    categories = json.loads((SPEC / "default_time_lost_categories.json").read_text("utf-8"))["categories"]
    assert list(DEFAULT_TIME_LOST_CATEGORIES) == categories
    assert len(set(categories)) == len(categories)


def test_default_category_ids_are_the_ones_the_pwa_makes():
    # The PWA makes them and the server accepts a new category's uuid5 id only if it derives the same
    # one (pwa/test/categories.test.js checks this value too).
    assert default_category_id("t1", "Waiting") == "55b28024-e077-5f90-9efa-a73b6eddac10"


def test_demo_time_lost_is_logged_under_the_default_categories():
    assert list(data.TIME_LOST_WEIGHTS) == list(DEFAULT_TIME_LOST_CATEGORIES)
    derived = {m[9][1] for m in data.MEASURES if m[9] and m[9][1]}
    assert derived <= set(DEFAULT_TIME_LOST_CATEGORIES)
