"""engine.unit_maps.UnitMapSource: what the training thread attaches to frames equals the maps of one direct
forward pass, chunk by chunk, for whichever network it is given."""
import numpy as np

import resources
from engine.config import TrainConfig, build
from engine.unit_maps import CHUNK, UnitMapSource, maps_for, plane_of, unit_maps


def trainer(preset, **changes):
    return build(TrainConfig.from_dict(dict(resources.load_preset(preset)["config"], **changes)), fit_io=True)


def test_chunked_maps_equal_one_forward_pass_with_features():
    t = trainer("features")
    source = maps_for(t.data)
    assert source.grid.shape[1] % CHUNK != 0  # 2500 points: the last chunk is a short one
    got = source.copies(t.network)
    want = unit_maps(t.network, plane_of(t.data)[2], t.data.features)
    assert [g.shape for g in got] == [w.shape for w in want] and got[0].dtype == np.float32
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def test_one_source_serves_networks_of_other_dtypes_and_weights():
    t = trainer("spiral", dtype="float32")
    source = maps_for(t.data)
    live = source.copies(t.network)
    replayed = t.network.astype("float64")
    replayed.params[...] *= 0.5
    other = source.copies(replayed)
    np.testing.assert_allclose(other[-1], unit_maps(replayed, source.grid)[-1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(source.copies(t.network)[-1], live[-1])
    assert not np.allclose(other[2], live[2])


def test_no_source_off_the_plane():
    assert maps_for(trainer("iris").data) is None
    assert maps_for(trainer("sine").data) is None
    assert isinstance(maps_for(trainer("xor").data), UnitMapSource)
