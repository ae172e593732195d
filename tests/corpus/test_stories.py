from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from narratrace.corpus.stories import StoryClusterer, StoryItem
from narratrace.errors import ConfigError

T0 = datetime(2031, 5, 1, tzinfo=UTC)


def item(i, axis, keys, days=0):
    v = np.zeros(8, np.float32)
    v[axis] = 1.0
    return StoryItem(i, v, set(keys), T0 + timedelta(days=days))


def test_online_join_and_new_story():
    sc = StoryClusterer().partial_fit([item("a", 0, {"velor", "dravi"}), item("b", 1, {"amber"}, 1)])
    assert sc.labels_["a"] != sc.labels_["b"]
    sc.partial_fit([item("c", 0, {"velor"}, 2)])  # a new article joins the existing story
    assert sc.labels_["c"] == sc.labels_["a"] and len(sc.stories_) == 2


def test_time_window_closes_a_story():
    sc = StoryClusterer(window_days=10).fit([item("a", 0, {"velor"}), item("b", 0, {"velor"}, 30)])
    assert sc.labels_["a"] != sc.labels_["b"]


def test_state_roundtrip_keeps_assignments():
    sc = StoryClusterer().fit([item("a", 0, {"velor"}), item("b", 1, {"amber"})])
    again = StoryClusterer.from_state(sc.to_state())
    again.partial_fit([item("c", 1, {"amber"}, 1)])
    assert again.labels_["c"] == sc.labels_["b"] and again.labels_["a"] == sc.labels_["a"]


def test_parameters_are_checked():
    with pytest.raises(ConfigError):
        StoryClusterer(threshold=1.5).fit([])
