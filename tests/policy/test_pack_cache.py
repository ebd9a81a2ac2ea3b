"""The start-up cache of resolved packs (policy/loader.py): a pack read back is the validated pack.

A resolved pack is stored on the first run and rebuilt without validation by later runs (issue 17).
These tests require every built-in pack to come back identical (values, types, the fields that were
set), and a changed file anywhere in the chain, a broken pack or a corrupt entry to behave as with no
cache at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rettesnor import diskcache
from rettesnor.policy import loader
from rettesnor.policy.loader import PackError, builtin_packs, load_pack

CHILD = """\
pack: test-child
extends: test-parent
title: {en: Child, da: Barn}
language: da
country: DK
"""
PARENT = """\
pack: test-parent
extends: dk-hjorring
title: {en: Parent, da: Forælder}
language: da
country: DK
parameters:
  lix_max: 40
"""


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv(diskcache.ENV_FOLDER, str(tmp_path / "cache"))
    loader._load_cached.cache_clear()
    yield tmp_path / "cache"
    loader._load_cached.cache_clear()


def _reload(name: str) -> loader.Pack:
    loader._load_cached.cache_clear()
    return load_pack(name)


def test_every_builtin_pack_comes_back_from_the_cache_as_validated(cache: Path) -> None:
    for name in builtin_packs():
        validated = _reload(name)
        entries = list(cache.glob("pack-*.json"))
        cached = _reload(name)
        assert cached is not validated
        assert loader._same(cached, validated), name  # types, values and fields set, all the way down
        assert cached == validated
        assert list(cache.glob("pack-*.json")) == entries  # read, not written again


def test_a_changed_file_of_the_chain_is_read_again(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "test-parent.yaml").write_text(PARENT, encoding="utf-8")
    child = tmp_path / "test-child.yaml"
    child.write_text(CHILD, encoding="utf-8")
    assert _reload(str(child)).parameters.lix_max == 40
    assert _reload(str(child)).parameters.lix_max == 40  # from the cache
    (tmp_path / "test-parent.yaml").write_text(PARENT.replace("lix_max: 40", "lix_max: 33"), encoding="utf-8")
    assert _reload(str(child)).parameters.lix_max == 33
    child.write_text(CHILD.replace("title: {en: Child", "title: {en: Kid"), encoding="utf-8")
    assert _reload(str(child)).title["en"] == "Kid"
    assert _reload(str(child)).chain == ["test-child", "test-parent", "dk-hjorring", "nordic-baseline"]


def test_a_parent_found_elsewhere_is_followed(cache: Path, tmp_path: Path) -> None:
    child = tmp_path / "test-child.yaml"
    child.write_text(CHILD.replace("extends: test-parent", "extends: dk-hjorring"), encoding="utf-8")
    assert _reload(str(child)).parameters.lix_max != 40
    # a pack of that name beside the child now comes first (as _locate finds it)
    (tmp_path / "dk-hjorring.yaml").write_text(
        PARENT.replace("pack: test-parent", "pack: dk-hjorring").replace(
            "extends: dk-hjorring", "extends: nordic-baseline"
        ),
        encoding="utf-8",
    )
    assert _reload(str(child)).parameters.lix_max == 40


def test_a_broken_pack_fails_the_same_every_time(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        CHILD.replace("extends: test-parent", "extends: dk-hjorring") + "parameters: {lix_max: high}\n"
    )
    messages = []
    for _ in range(2):
        with pytest.raises(PackError) as err:
            _reload(str(bad))
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "lix_max" in messages[0]
    assert not list(cache.glob("pack-*.json"))


def test_a_corrupt_entry_counts_as_none(cache: Path) -> None:
    validated = _reload("dk-hjorring")
    (entry,) = cache.glob("pack-*.json")
    doc = json.loads(entry.read_bytes())
    doc["pack"]["fields"]["rules"][0] = {"__model__": "NoSuchModel"}
    entry.write_text(json.dumps(doc), encoding="utf-8")
    assert _reload("dk-hjorring") == validated
    entry.write_text("{", encoding="utf-8")
    assert _reload("dk-hjorring") == validated
