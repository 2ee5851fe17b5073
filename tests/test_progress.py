import numpy as np
import pytest

import helpers


def test_print_every_prints_one_line_per_n_epochs_and_the_last(capsys):
    helpers.setup(0, verbose=False)
    import keras

    from helpers.progress import PrintEvery

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    x = np.zeros((8, 3), "float32")
    model.fit(x, x, epochs=7, verbose=0, callbacks=[PrintEvery(3)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["3/7", "6/7", "7/7"]
    assert all("loss" in line for line in lines)
    with pytest.raises(ValueError, match="every"):
        PrintEvery(0)
